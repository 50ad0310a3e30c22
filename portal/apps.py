from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from portal.roles import sync_roles_after_migrate

        # After every `migrate`, so that models added later join the roles (docs/admin.md).
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="portal-sync-roles")


class PortalAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with the portal's site as `admin.site` for every app."""

    default = False
    default_site = "core.security.PortalAdminSite"
