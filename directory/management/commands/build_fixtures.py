import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from localflavor.jp.jp_prefectures import JP_PREFECTURES

from directory import reference
from directory.importing import ImportError_, association_fields, read_rows
from directory.models import Association

DEFAULT_CSV = settings.BASE_DIR.parent / "shared" / "data" / "associations.csv"


def prefecture_names(lazy_name):
    names = {}
    for code in ("en", "ja"):
        with translation.override(code):
            names[code] = str(lazy_name)
    return names


class Command(BaseCommand):
    help = (
        "Regenerate fixtures/*.json from the associations CSV, django-localflavor's "
        "prefectures and directory/reference.py. Writes files only; touches no database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--csv", default=str(DEFAULT_CSV))
        parser.add_argument("--output", default=str(settings.BASE_DIR / "fixtures"))

    def handle(self, *args, **options):
        csv_path, output = options["csv"], options["output"]
        try:
            rows = read_rows(csv_path)
            associations = [association_fields(row) for row in rows]
        except (OSError, ImportError_) as error:
            raise CommandError(str(error)) from error
        region_of = {row["prefecture_code"]: row["region"] for row in rows}
        region_of.update(reference.PREFECTURES_WITHOUT_ASSOCIATION_REGION)
        region_pk = {slug: pk for pk, (slug, _en, _ja) in enumerate(reference.REGIONS, 1)}

        fixtures = {
            "regions": [
                {
                    "model": "directory.region",
                    "pk": pk,
                    "fields": {"slug": slug, "order": pk, "name": ja, "name_ja": ja, "name_en": en},
                }
                for pk, (slug, en, ja) in enumerate(reference.REGIONS, 1)
            ],
            "prefectures": [],
            "services": [
                {
                    "model": "directory.service",
                    "pk": pk,
                    "fields": {
                        "slug": slug,
                        "order": pk,
                        "name": name_ja,
                        "name_ja": name_ja,
                        "name_en": name_en,
                        "description": description_ja,
                        "description_ja": description_ja,
                        "description_en": description_en,
                    },
                }
                for pk, (slug, name_en, name_ja, description_en, description_ja) in enumerate(
                    reference.SERVICES, 1
                )
            ],
            "languages": [
                {
                    "model": "directory.language",
                    "pk": pk,
                    "fields": {
                        "code": code,
                        "native_name": native,
                        "order": pk,
                        "name": name_ja,
                        "name_ja": name_ja,
                        "name_en": name_en,
                    },
                }
                for pk, (code, native, name_en, name_ja) in enumerate(
                    reference.CONSULTATION_LANGUAGES, 1
                )
            ],
            "divisions": [
                {
                    "model": "enquiries.division",
                    "pk": 1,
                    "fields": {
                        "name": reference.MULTICULTURE_DIVISION["name_ja"],
                        "organisation": reference.MULTICULTURE_DIVISION["organisation_ja"],
                        **reference.MULTICULTURE_DIVISION,
                    },
                }
            ],
            "associations": [],
        }
        for index, (slug, lazy_name) in enumerate(JP_PREFECTURES, 1):
            code = f"{index:02d}"
            if code not in region_of:
                raise CommandError(f"No region for prefecture {code}")
            names = prefecture_names(lazy_name)
            fixtures["prefectures"].append(
                {
                    "model": "directory.prefecture",
                    "pk": code,
                    "fields": {
                        "slug": slug,
                        "region": region_pk[region_of[code]],
                        "name": names["ja"],
                        "name_ja": names["ja"],
                        "name_en": names["en"],
                    },
                }
            )
        for fields in associations:
            prefecture = fields.pop("prefecture_id")
            fixtures["associations"].append(
                {
                    "model": "directory.association",
                    "pk": fields["display_order"],
                    "fields": {
                        **fields,
                        "prefecture": prefecture,
                        "name": fields["name_ja"],
                        "city": fields["city_ja"],
                        "is_published": True,
                        "search_text": Association(
                            **fields, prefecture_id=prefecture
                        ).build_search_text(),
                        "created": "2026-11-25T00:00:00Z",
                        "updated": "2026-11-25T00:00:00Z",
                    },
                }
            )

        output_dir = Path(output)
        output_dir.mkdir(parents=True, exist_ok=True)
        for name, objects in fixtures.items():
            path = output_dir / f"{name}.json"
            path.write_text(json.dumps(objects, ensure_ascii=False, indent=1) + "\n")
            self.stdout.write(f"wrote {path} ({len(objects)} objects)")
