"""Staff roles as Django groups, defined here and nowhere else.

A role is a list of grants, each naming an app and the actions allowed on its models.
Grants name apps, not models, so a model added to an app later joins the roles of that app
when `manage.py migrate` (or `manage.py sync_roles`) runs: both call sync_roles(), which
creates any missing permissions and then sets each group's permissions to exactly what its
role allows. Changes made to these groups in the admin are therefore undone by the next
migrate: change the role here instead (docs/admin.md).
"""

from dataclasses import dataclass, field

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS

EVERY_ACTION = None
HISTORY_PREFIX = "historical"


@dataclass(frozen=True)
class Grant:
    """Permissions on the models of one app ("*": every app)."""

    app_label: str
    actions: tuple | None = EVERY_ACTION  # EVERY_ACTION includes custom permissions
    model_actions: dict = field(default_factory=dict)  # per model, overriding `actions`
    exclude_models: tuple = ()
    # django-simple-history's records: read-only, so that nobody can rewrite the past.
    history_actions: tuple | None = ("view",)

    def allows(self, app_label, model_name, codename):
        if self.app_label not in ("*", app_label) or model_name in self.exclude_models:
            return False
        if model_name.startswith(HISTORY_PREFIX):
            actions = self.history_actions
        else:
            actions = self.model_actions.get(model_name, self.actions)
        if actions is EVERY_ACTION:
            return True
        return codename in {f"{action}_{model_name}" for action in actions}


DIRECTORY_EDITORS = "Directory editors"
ENQUIRY_HANDLERS = "Enquiry handlers"
SITE_ADMINISTRATORS = "Site administrators"

ROLES = {
    # The directory and the site's content pages; no enquiries (personal data), no users.
    DIRECTORY_EDITORS: (
        Grant("directory"),
        # Content pages and their links; not the portal app, whose only model is each
        # member's own preferences.
        Grant("pages"),
    ),
    # Enquiries only: they read and answer enquiries and see where they are routed.
    ENQUIRY_HANDLERS: (
        Grant(
            "enquiries",
            actions=("view",),
            model_actions={"enquiry": ("view", "change")},
        ),
    ),
    SITE_ADMINISTRATORS: (Grant("*", history_actions=EVERY_ACTION),),
}


def role_allows(role_name, app_label, model_name, codename):
    return any(grant.allows(app_label, model_name, codename) for grant in ROLES[role_name])


def create_all_permissions(apps=global_apps, using=DEFAULT_DB_ALIAS):
    """Django creates permissions after each app's migrations; roles need all of them now."""
    for app_config in apps.get_app_configs():
        # Apps from a migration's state have no models module, which create_permissions
        # takes to mean "no models"; their models are there all the same.
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        try:
            create_permissions(app_config, verbosity=0, using=using, apps=apps)
        finally:
            app_config.models_module = models_module


def sync_roles(apps=global_apps, using=DEFAULT_DB_ALIAS):
    """Create the role groups and give each exactly the permissions its role allows."""
    create_all_permissions(apps, using)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(Permission.objects.using(using).select_related("content_type"))
    groups = {}
    for role_name in ROLES:
        group, _created = Group.objects.using(using).get_or_create(name=role_name)
        group.permissions.set(
            [
                permission
                for permission in permissions
                if role_allows(
                    role_name,
                    permission.content_type.app_label,
                    permission.content_type.model,
                    permission.codename,
                )
            ]
        )
        groups[role_name] = group
    return groups


def sync_roles_after_migrate(sender, app_config=None, using=DEFAULT_DB_ALIAS, apps=None, **kwargs):
    # post_migrate is sent once per app; once is enough, and the portal's comes first.
    if sender.label != "portal":
        return
    if apps is None:
        # `manage.py flush` (and every transactional test's teardown) sends post_migrate
        # without `apps`: the roles must come back then too, from the current models.
        from django.apps import apps as global_apps

        apps = global_apps
    try:  # by label: global apps' is_installed() takes the module path, not the label
        apps.get_app_config("auth")
        apps.get_app_config("contenttypes")
    except LookupError:
        return
    sync_roles(apps, using)
