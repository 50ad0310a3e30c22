import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from core.caching import bump_generation
from directory.models import Association, Language, Prefecture, Service

BATCH_SIZE = 500
# Made-up JIS X 0402 codes above the real ones (prefecture 01-47 + three digits): 48000 to
# 99999. A code is unique and five digits, so beyond the 52,000 the space holds, generated
# associations have none (as a prefectural one); the listing does not need one.
FIRST_MADE_UP_CODE = 48000
LAST_CODE = 99999


def municipality_code(number):
    code = FIRST_MADE_UP_CODE + number
    return f"{code:05d}" if code <= LAST_CODE else ""


class Command(BaseCommand):
    help = (
        "Add made-up designated-city associations, for load and query-count tests. "
        "Needs the reference data (load_initial_data) first. Never run it on a real site."
    )

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument(
            "--total",
            action="store_true",
            help="Treat COUNT as the number of associations wanted in all, real ones included.",
        )
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, count, total, seed, **options):
        if total:
            count -= Association.objects.count()
        prefectures = list(Prefecture.objects.all())
        services = list(Service.objects.all())
        languages = list(Language.objects.all())
        if not prefectures:
            raise CommandError("Load the reference data first (manage.py load_initial_data).")
        start = (Association.objects.order_by("-pk").values_list("pk", flat=True).first()) or 0
        randomness = random.Random(seed)
        # The untranslated columns hold the base language, as in the real data.
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE), transaction.atomic():
            for first in range(0, max(count, 0), BATCH_SIZE):
                numbers = range(start + first + 1, start + min(first + BATCH_SIZE, count) + 1)
                self.create_batch(numbers, prefectures, services, languages, randomness)
        bump_generation()
        self.stdout.write(f"Added {max(count, 0)} generated associations.")

    @staticmethod
    def create_batch(numbers, prefectures, services, languages, randomness):
        associations = []
        for number in numbers:
            prefecture = randomness.choice(prefectures)
            association = Association(
                slug=f"generated-{number}",
                name_ja=f"{prefecture.name_ja}第{number}国際交流協会",
                name_en=f"Generated International Association {number}",
                level=Association.Level.DESIGNATED_CITY,
                prefecture=prefecture,
                city_ja=f"第{number}市",
                city_en=f"City {number}",
                municipality_code=municipality_code(number),
                website=f"https://association-{number}.example.org/",
                display_order=1000 + number,
                is_published=True,
            )
            association.refresh_derived_fields()
            associations.append(association)
        Association.objects.bulk_create(associations)
        created = Association.objects.filter(slug__in=[a.slug for a in associations])
        service_links, language_links = [], []
        for association in created:
            for service in randomness.sample(services, k=min(3, len(services))):
                service_links.append(
                    Association.services.through(association=association, service=service)
                )
            for language in randomness.sample(languages, k=min(4, len(languages))):
                language_links.append(
                    Association.languages.through(association=association, language=language)
                )
        Association.services.through.objects.bulk_create(service_links)
        Association.languages.through.objects.bulk_create(language_links)
