from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingConfig(AppConfig):
    name = "booking"
    verbose_name = _("Booking")

    def ready(self):
        from wagtail.signals import page_published, page_unpublished

        from programs.models import ProgramPage

        from .signals import sync_program_slots

        page_published.connect(sync_program_slots, sender=ProgramPage, dispatch_uid="booking-sync")
        page_unpublished.connect(
            sync_program_slots, sender=ProgramPage, dispatch_uid="booking-unsync"
        )
