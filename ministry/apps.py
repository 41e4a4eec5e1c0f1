from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MinistryConfig(AppConfig):
    """The yearly report to the ministry: narrative written in the admin, figures from the data,
    and the documents (PowerPoint, PDF) built from both. Sits above attendance and outreach,
    whose figures it reads; nothing below imports it."""

    name = "ministry"
    verbose_name = _("Ministry report")
    default_auto_field = "django.db.models.BigAutoField"
