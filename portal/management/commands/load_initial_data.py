from io import StringIO

from django.core.management import call_command
from django.core.management.base import BaseCommand

from directory.models import Association

FIXTURES = (
    "regions",
    "prefectures",
    "services",
    "languages",
    "help_lines",
    "associations",
    "divisions",
    "topics",
    "pages",
    "resource_links",
)


class Command(BaseCommand):
    help = (
        "Load the real reference data (fixtures/) into an empty database. Does nothing when "
        "associations already exist, so staff edits survive `make run`; --force reloads."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true")

    def handle(self, *args, force=False, **options):
        if Association.objects.exists() and not force:
            self.stdout.write("Data already loaded; leaving it as it is (use --force to reload).")
            return
        call_command("loaddata", *FIXTURES, verbosity=options["verbosity"])
        # loaddata bypasses the history; give every loaded row its first version, so that
        # the first edit in the admin has something to compare with and revert to.
        call_command("populate_history", auto=True, verbosity=0, stdout=StringIO())
