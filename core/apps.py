from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The base every other app stands on; it imports none of them."""

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        # A stored image that cannot be decoded reads as a missing one, from the first request
        # on (core/images.py): Wagtail's admin then shows its "not found" thumbnail, not a 500.
        from .images import guard_pillow_decoding

        guard_pillow_decoding()
