from django.db import migrations


class Migration(migrations.Migration):
    # This migration used to create the role groups by importing portal/roles.py, which a
    # migration must not do: live code changes after the migration is written. The groups are
    # created and kept in step by the post_migrate handler (portal/apps.py) after every
    # `migrate`, so the migration stays, empty, for the databases that recorded it.
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("directory", "0002_history_and_website_checks"),
        ("enquiries", "0001_initial"),
        ("portal", "0002_history_and_staff_preferences"),
    ]

    operations = []
