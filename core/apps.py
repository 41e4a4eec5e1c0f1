from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The base every other app stands on; it imports none of them."""

    name = "core"
    verbose_name = _("Core")
