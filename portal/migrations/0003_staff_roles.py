from django.db import migrations


def create_roles(apps, schema_editor):
    # The roles are code (portal/roles.py), not frozen in this migration: it creates the
    # groups for the models that exist at this point, and every later `migrate` re-syncs
    # them (post_migrate), so models added afterwards join their roles too.
    from portal.roles import sync_roles

    sync_roles(apps, schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("directory", "0002_history_and_website_checks"),
        ("enquiries", "0001_initial"),
        ("portal", "0002_history_and_staff_preferences"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
