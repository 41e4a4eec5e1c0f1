from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    """Who came, what became of them, and the figures the city reports."""

    name = "attendance"
    verbose_name = _("Attendance and reports")
