from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site")

    def ready(self):
        from core.cache import resync_versions

        from .accounts.middleware import connect_signals as connect_account_signals
        from .admin_cache import connect_signals as connect_admin_signals
        from .page_cache import connect_signals
        from .personal_cache import connect_signals as connect_personal_signals
        from .redis_cache import cache_recovered

        connect_signals()
        connect_personal_signals()
        connect_account_signals()
        connect_admin_signals()
        # Redis back after an outage: its version copies may be older than the database's.
        cache_recovered.connect(resync_versions, dispatch_uid="cms.resync_cache_versions")
