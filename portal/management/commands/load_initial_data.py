from io import StringIO

from django.core.management import call_command
from django.core.management.base import BaseCommand

from directory.models import Association
from directory.updating import record_loaded_facts, update_from_fixtures

FIXTURES = (
    "regions",
    "prefectures",
    "services",
    "languages",
    "help_lines",
    "associations",
    "service_facts",
    "language_facts",
    "divisions",
    "topics",
    "pages",
    "resource_links",
)


class Command(BaseCommand):
    help = (
        "Load the real reference data (fixtures/) into an empty database. On a database that "
        "already has associations, --update adds what is missing and corrects what staff "
        "never changed (directory/updating.py); without it, nothing is touched. --force "
        "reloads everything over staff edits."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--force", action="store_true")
        group.add_argument("--update", action="store_true")

    def handle(self, *args, force=False, update=False, **options):
        if Association.objects.exists() and not force:
            if update:
                report = update_from_fixtures()
                self.stdout.write(f"Directory data updated: {report.summary()}")
                for row, field_name in report.kept:
                    self.stdout.write(f"kept the staff edit of {row}: {field_name}")
            else:
                self.stdout.write(
                    "Data already loaded; leaving it as it is "
                    "(--update adds what is missing, --force reloads)."
                )
            return
        call_command("loaddata", *FIXTURES, verbosity=options["verbosity"])
        # loaddata bypasses the history; give every loaded row its first version, so that
        # the first edit in the admin has something to compare with and revert to.
        call_command("populate_history", auto=True, verbosity=0, stdout=StringIO())
        record_loaded_facts()
