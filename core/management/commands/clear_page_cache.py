from django.core.management.base import BaseCommand

from core.caching import bump_generation


class Command(BaseCommand):
    help = (
        "Make every page in the shared page cache stale. Run once per release, after "
        "collectstatic: pages cached by the old code name the old templates and static files."
    )

    def handle(self, *args, **options):
        bump_generation()
        self.stdout.write("Page cache cleared.")
