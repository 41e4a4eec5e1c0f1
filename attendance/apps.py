from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    """Who came, what became of them, and the figures the city reports."""

    name = "attendance"
    verbose_name = _("Attendance and reports")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from core.cache import bump_attendance
        from core.models import School

        from .models import Attendance, Outcome

        # The yearly report is shared under the attendance version: every row written one by
        # one (the desk, outcomes, a school renamed) retires it. Bulk writers bump it
        # themselves (attendance.services.importing).
        for model in (Attendance, Outcome, School):
            name = model._meta.label_lower
            for signal, what in ((post_save, "saved"), (post_delete, "deleted")):
                signal.connect(
                    bump_attendance, sender=model, dispatch_uid=f"attendance.{name}.{what}"
                )
