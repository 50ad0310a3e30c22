from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from portal.caching import content_changed

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(content_changed, dispatch_uid=f"page-cache-{signal}")
