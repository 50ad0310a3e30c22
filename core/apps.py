from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class CoreConfig(AppConfig):
    """The bottom layer: helpers and middleware that import none of our other apps."""

    name = "core"

    def ready(self):
        from core.caching import content_changed
        from core.vendor_strings import name_third_party_apps

        name_third_party_apps()

        # Staff changes to public content make the shared page cache stale (docs/deploy.md).
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(content_changed, dispatch_uid=f"page-cache-{signal}")
