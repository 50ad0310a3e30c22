from django.core.management.base import BaseCommand

from portal.roles import ROLES, sync_roles


class Command(BaseCommand):
    help = (
        "Create the staff role groups and set their permissions from portal/roles.py. "
        "`migrate` runs this too; run it by hand after editing roles without a migration."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        groups = sync_roles(using=database)
        for role_name in ROLES:
            count = groups[role_name].permissions.count()
            self.stdout.write(f"{role_name}: {count} permissions")
