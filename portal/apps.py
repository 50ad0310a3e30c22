from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from portal.caching import content_changed
        from portal.history import register_history
        from portal.models import Page
        from portal.roles import sync_roles_after_migrate

        register_history(Page)

        # After every `migrate`, so that models added later join the roles (docs/admin.md).
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="portal-sync-roles")

        # Staff changes to public content make the shared page cache stale (docs/deploy.md).
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(content_changed, dispatch_uid=f"page-cache-{signal}")


class PortalAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with the portal's site as `admin.site` for every app."""

    default = False
    default_site = "portal.security.PortalAdminSite"
