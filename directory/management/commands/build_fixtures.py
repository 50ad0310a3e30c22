import gettext
import json
from pathlib import Path

import localflavor
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from localflavor.jp.jp_prefectures import JP_PREFECTURES
from modeltranslation.utils import build_localized_fieldname

from directory import vocabulary
from directory.help_lines import HelpLineDataError, help_line_fixtures
from directory.importing import (
    DATA_DIR,
    LANGUAGE_CODES,
    SERVICE_SLUGS,
    ImportError_,
    association_fields,
    read_contacts,
    read_facts,
    read_rows,
    stable_uuid,
)
from directory.models import Association

DEFAULT_CSV = DATA_DIR / "associations.csv"


LOCALFLAVOR_LOCALES = Path(localflavor.__file__).parent / "locale"


def localflavor_catalogue(language_code):
    try:
        return gettext.translation(
            "django", LOCALFLAVOR_LOCALES, [translation.to_locale(language_code)]
        )
    except OSError:
        return None


def prefecture_names(english_name, prefecture, romaji):
    """The prefecture's name in every site language.

    django-localflavor's catalogues come first; `prefecture`, its entry in
    vocabulary/prefecture_names.toml, fills the languages they lack and corrects their
    mistakes, and the `romaji` languages take the English name where neither gives one.
    """
    names = {"en": english_name}
    for language_code, _name in settings.LANGUAGES:
        catalogue = localflavor_catalogue(language_code)
        if catalogue is not None and english_name in catalogue._catalog:
            names[language_code] = catalogue.gettext(english_name)
    for language_code, name in prefecture["name"].items():
        names.setdefault(language_code, name)
    for language_code in romaji:
        names.setdefault(language_code, english_name)
    names.update(prefecture.get("correction", {}))
    return names


def localized(field_name, values):
    """{"ja": "…", "en": "…"} as modeltranslation columns: {"name_ja": "…", "name_en": "…"}."""
    return {build_localized_fieldname(field_name, code): value for code, value in values.items()}


def derived_fields(association):
    """The columns Association.save() keeps, which loaddata does not compute."""
    association.refresh_derived_fields()
    return {name: getattr(association, name) for name in Association.DERIVED_FIELDS}


def fact_order(catalogue_pk):
    """Facts by association, then in the catalogue's order: stable whatever the CSV's order."""
    return lambda fact: (fact.seed_order, catalogue_pk[fact.value])


class Command(BaseCommand):
    help = (
        "Regenerate fixtures/*.json from directory/data/, django-localflavor's "
        "prefectures and directory/data/vocabulary/. Writes files only; touches no database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--csv", default=str(DEFAULT_CSV))
        parser.add_argument(
            "--data",
            default=str(DATA_DIR),
            help="The folder with services.csv, consultation_languages.csv and contacts.csv.",
        )
        parser.add_argument("--output", default=str(settings.BASE_DIR / "fixtures"))

    def handle(self, *args, **options):
        csv_path, output, data = options["csv"], options["output"], Path(options["data"])
        try:
            regions = vocabulary.regions()
            prefectures_without_association = vocabulary.prefectures_without_association()
            services = vocabulary.services()
            languages = vocabulary.consultation_languages()
            prefecture_vocabulary = vocabulary.prefecture_names()
            division = vocabulary.division()
        except (OSError, vocabulary.VocabularyError) as error:
            raise CommandError(str(error)) from error
        service_pk = {service["slug"]: pk for pk, service in enumerate(services, 1)}
        language_pk = {language["code"]: pk for pk, language in enumerate(languages, 1)}
        try:
            rows = read_rows(csv_path)
            associations = [association_fields(row) for row in rows]
            service_facts = read_facts(data / "services.csv", "service", SERVICE_SLUGS, service_pk)
            language_facts = read_facts(
                data / "consultation_languages.csv", "language", LANGUAGE_CODES, language_pk
            )
            contacts = read_contacts(data / "contacts.csv")
        except (OSError, ImportError_, ValueError) as error:
            raise CommandError(str(error)) from error
        seed_orders = {fields["display_order"] for fields in associations}
        for fact in (*service_facts, *language_facts):
            if fact.seed_order not in seed_orders:
                raise CommandError(f"A fact about association {fact.seed_order}, not in the CSV")
        region_of = {row["prefecture_code"]: row["region"] for row in rows}
        region_of.update(prefectures_without_association)
        region_pk = {region["slug"]: pk for pk, region in enumerate(regions, 1)}

        fixtures = {
            "regions": [
                {
                    "model": "directory.region",
                    "pk": pk,
                    "fields": {
                        "slug": region["slug"],
                        "order": pk,
                        "name": region["name"]["ja"],
                        **localized("name", region["name"]),
                    },
                }
                for pk, region in enumerate(regions, 1)
            ],
            "prefectures": [],
            "services": [
                {
                    "model": "directory.service",
                    "pk": pk,
                    "fields": {
                        "slug": service["slug"],
                        "order": pk,
                        "name": service["name"]["ja"],
                        **localized("name", service["name"]),
                        "description": service["description"]["ja"],
                        **localized("description", service["description"]),
                    },
                }
                for pk, service in enumerate(services, 1)
            ],
            "languages": [
                {
                    "model": "directory.language",
                    "pk": pk,
                    "fields": {
                        "code": language["code"],
                        "native_name": language["native_name"],
                        "order": pk,
                        "name": language["name"]["ja"],
                        **localized("name", language["name"]),
                    },
                }
                for pk, language in enumerate(languages, 1)
            ],
            "divisions": [
                {
                    "model": "enquiries.division",
                    "pk": 1,
                    "fields": {
                        "name": division["name"]["ja"],
                        **localized("name", division["name"]),
                        "organisation": division["organisation"]["ja"],
                        **localized("organisation", division["organisation"]),
                        **{
                            key: value
                            for key, value in division.items()
                            if key not in {"name", "organisation"}
                        },
                    },
                }
            ],
            "associations": [],
            # Association pks are their seed_order (below), so a fact names its association so.
            "service_facts": [
                {
                    "model": "directory.associationservice",
                    "pk": pk,
                    "fields": {
                        "association": fact.seed_order,
                        "service": service_pk[fact.value],
                        "source_url": fact.source_url,
                        "checked_on": fact.checked_on.isoformat(),
                    },
                }
                for pk, fact in enumerate(sorted(service_facts, key=fact_order(service_pk)), 1)
            ],
            "language_facts": [
                {
                    "model": "directory.associationlanguage",
                    "pk": pk,
                    "fields": {
                        "association": fact.seed_order,
                        "language": language_pk[fact.value],
                        "source_url": fact.source_url,
                        "checked_on": fact.checked_on.isoformat(),
                    },
                }
                for pk, fact in enumerate(sorted(language_facts, key=fact_order(language_pk)), 1)
            ],
        }
        for index, (slug, lazy_name) in enumerate(JP_PREFECTURES, 1):
            code = f"{index:02d}"
            if code not in region_of:
                raise CommandError(f"No region for prefecture {code}")
            with translation.override("en"):
                names = prefecture_names(
                    str(lazy_name),
                    prefecture_vocabulary["prefecture"][index - 1],
                    prefecture_vocabulary["romaji"],
                )
            fixtures["prefectures"].append(
                {
                    "model": "directory.prefecture",
                    "pk": code,
                    "fields": {
                        "slug": slug,
                        "region": region_pk[region_of[code]],
                        "name": names["ja"],
                        **localized("name", names),
                    },
                }
            )
        for fields in associations:
            uuid_value = str(stable_uuid(fields))
            prefecture = fields.pop("prefecture_id")
            contact = contacts.pop(fields["display_order"], None)
            if contact:
                fields.update(contact, address=contact["address_ja"])
                fields["contact_checked_on"] = contact["contact_checked_on"].isoformat()
            fixtures["associations"].append(
                {
                    "model": "directory.association",
                    "pk": fields["display_order"],
                    "fields": {
                        **fields,
                        "prefecture": prefecture,
                        "name": fields["name_ja"],
                        "city": fields["city_ja"],
                        "uuid": uuid_value,
                        "is_published": True,
                        **derived_fields(Association(**fields, prefecture_id=prefecture)),
                        "created": "2026-11-25T00:00:00Z",
                        "updated": "2026-11-25T00:00:00Z",
                    },
                }
            )

        if contacts:
            raise CommandError(f"Contacts of associations not in the CSV: {sorted(contacts)}")
        try:
            fixtures["help_lines"] = help_line_fixtures(
                {item["fields"]["code"]: item["pk"] for item in fixtures["languages"]}
            )
        except HelpLineDataError as error:
            raise CommandError(str(error)) from error

        output_dir = Path(output)
        output_dir.mkdir(parents=True, exist_ok=True)
        for name, objects in fixtures.items():
            path = output_dir / f"{name}.json"
            path.write_text(json.dumps(objects, ensure_ascii=False, indent=1) + "\n")
            self.stdout.write(f"wrote {path} ({len(objects)} objects)")
