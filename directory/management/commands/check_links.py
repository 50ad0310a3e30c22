from django.conf import settings
from django.core.management.base import BaseCommand

from directory.linkcheck import check_associations
from directory.models import Association


class Command(BaseCommand):
    help = (
        "Check each association's website (concurrently, with a timeout) and record its "
        "status, final address and when it was checked. Broken links are filterable in the "
        "admin. Exits with status 1 when any link is broken and --fail-on-broken is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="Only these associations (default: all).")
        parser.add_argument("--timeout", type=float, default=settings.LINKCHECK_TIMEOUT)
        parser.add_argument("--workers", type=int, default=settings.LINKCHECK_WORKERS)
        parser.add_argument("--published-only", action="store_true")
        parser.add_argument("--fail-on-broken", action="store_true")

    def handle(self, *args, slugs, timeout, workers, published_only, fail_on_broken, **options):
        associations = Association.objects.exclude(website="").order_by("slug")
        if slugs:
            associations = associations.filter(slug__in=slugs)
        if published_only:
            associations = associations.published()
        associations = list(associations)
        results = check_associations(associations, timeout=timeout, workers=workers)
        broken = 0
        for association in associations:
            result = results[association.pk]
            broken += result.is_broken
            detail = result.error or (f"→ {result.final_url}" if result.final_url else "")
            line = f"{result.status or '---'} {association.slug} {association.website} {detail}"
            self.stdout.write(line.rstrip())
        self.stdout.write(f"{len(results)} checked, {broken} broken.")
        if broken and fail_on_broken:
            raise SystemExit(1)
