from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingConfig(AppConfig):
    name = "booking"
    verbose_name = _("Booking")

    def ready(self):
        from django.db.models.signals import pre_save
        from wagtail.signals import page_published, page_unpublished

        from programs.models import ProgramPage
        from programs.places import register_reader

        from .services.program_places import program_session_places
        from .signals import remember_meeting_url, sync_program_slots

        # Programme cards and pages show places left; programs cannot import booking.
        register_reader(program_session_places)

        pre_save.connect(
            remember_meeting_url, sender=ProgramPage, dispatch_uid="booking-meeting-url"
        )
        page_published.connect(sync_program_slots, sender=ProgramPage, dispatch_uid="booking-sync")
        page_unpublished.connect(
            sync_program_slots, sender=ProgramPage, dispatch_uid="booking-unsync"
        )
