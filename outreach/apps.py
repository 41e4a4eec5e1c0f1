from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    """The other half of the city's support: consultation requests anyone can send at their own
    timing, case records and the contact log of direct outreach, schools' referrals, support
    plans and the committee that reviews them. The most sensitive data the city holds about
    minors: who may see what is decided in `outreach.access`, and every view, export and change
    is audited by the services that make it."""

    name = "outreach"
    verbose_name = _("Outreach and one-stop support")

    def ready(self):
        from core.retention import register_hold

        from .services.retention import case_hold

        register_hold(case_hold)
