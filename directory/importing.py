"""Reading the directory's data files (directory/data/, described in its README).

Both `import_associations` (updates a live database) and `build_fixtures` (writes
fixtures/*.json) turn rows into field values here, so the two never disagree.
"""

import csv
import datetime
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from localflavor.jp.jp_prefectures import JP_PREFECTURES

from directory.models import Association, Prefecture

# The CSV's columns in its own order; exports write exactly these.
CSV_COLUMNS = (
    "seed_order",
    "region",
    "name_en",
    "name_ja",
    "short_name",
    "level",
    "prefecture_code",
    "prefecture_en",
    "prefecture_ja",
    "city_en",
    "city_ja",
    "municipality_code",
    "website",
    "source",
    "confidence",
)

REQUIRED_COLUMNS = {
    "seed_order",
    "name_en",
    "name_ja",
    "short_name",
    "level",
    "prefecture_code",
    "city_en",
    "city_ja",
    "municipality_code",
    "website",
    "source",
    "confidence",
}

# Associations imported from the CSV get a UUID derived from their JIS code, so that
# fixtures rebuilt from the CSV and imports into a live database agree on it.
UUID_NAMESPACE = uuid.UUID("6f0b8c1e-2d4e-4f7a-9a51-3c1d2b7e8f90")

PREFECTURE_SLUGS = {f"{index:02d}": slug for index, (slug, _name) in enumerate(JP_PREFECTURES, 1)}


DATA_DIR = Path(__file__).resolve().parent / "data"

# The research files' vocabulary, mapped to the catalogue's: public URLs use the catalogue's
# slugs (?service=interpretation), and Filipino is one language whatever code a source uses.
SERVICE_SLUGS = {
    "interpretation-translation": "interpretation",
    "children-education": "childrens-education",
}
LANGUAGE_CODES = {"tl": "fil"}

CONTACT_FIELDS = ("postal_code", "address_ja", "address_en", "phone", "fax", "email")


class ImportError_(ValueError):
    pass


@dataclass(frozen=True)
class Fact:
    """One row of services.csv or consultation_languages.csv, in the catalogue's terms."""

    seed_order: int
    value: str
    source_url: str
    checked_on: datetime.date


def read_facts(path, column, vocabulary, known_values):
    """Facts of one kind; `column` names the CSV column, `vocabulary` maps its values."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"seed_order", column, "source_url", "checked_on"} - set(reader.fieldnames or ())
        if missing:
            raise ImportError_(f"{path}: missing columns: {', '.join(sorted(missing))}")
        facts, seen = [], set()
        for line, row in enumerate(reader, start=2):
            value = vocabulary.get(row[column].strip(), row[column].strip())
            if value not in known_values:
                raise ImportError_(f"{path} line {line}: unknown {column} {row[column]!r}")
            if not row["source_url"].strip():
                raise ImportError_(f"{path} line {line}: a fact needs its source_url")
            fact = Fact(
                seed_order=int(row["seed_order"]),
                value=value,
                source_url=row["source_url"].strip(),
                checked_on=datetime.date.fromisoformat(row["checked_on"].strip()),
            )
            if (fact.seed_order, value) in seen:
                raise ImportError_(f"{path} line {line}: {value} is given twice")
            seen.add((fact.seed_order, value))
            facts.append(fact)
    return facts


def read_contacts(path):
    """{seed_order: Association field values} from contacts.csv; empty cells stay empty."""
    with open(path, newline="", encoding="utf-8") as handle:
        contacts = {}
        for line, row in enumerate(csv.DictReader(handle), start=2):
            seed_order = int(row["seed_order"])
            if seed_order in contacts:
                raise ImportError_(f"{path} line {line}: association {seed_order} given twice")
            contacts[seed_order] = {
                **{name: row[name].strip() for name in CONTACT_FIELDS},
                "contact_source_url": row["source_url"].strip(),
                "contact_checked_on": datetime.date.fromisoformat(row["checked_on"].strip()),
            }
    return contacts


def read_rows(path):
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = REQUIRED_COLUMNS - set(reader.fieldnames or ())
        if missing:
            raise ImportError_(f"Missing columns: {', '.join(sorted(missing))}")
        return [{key: (value or "").strip() for key, value in row.items()} for row in reader]


def association_slug(row):
    if row["level"] == Association.Level.DESIGNATED_CITY:
        return f"{slugify(row['city_en'])}-city"
    return PREFECTURE_SLUGS[row["prefecture_code"]]


def association_fields(row):
    """Field values for one CSV row; blank cells stay blank."""
    level = row["level"]
    if level not in Association.Level.values:
        raise ImportError_(f"Unknown level {level!r}")
    if row["prefecture_code"] not in PREFECTURE_SLUGS:
        raise ImportError_(f"Unknown prefecture code {row['prefecture_code']!r}")
    if not row["name_ja"]:
        raise ImportError_("name_ja is required")
    is_city = level == Association.Level.DESIGNATED_CITY
    if is_city and not (row["municipality_code"] and row["city_en"]):
        raise ImportError_("A designated-city row needs city_en and municipality_code")
    return {
        "slug": association_slug(row),
        "name_ja": row["name_ja"],
        "name_en": row["name_en"],
        "short_name": row["short_name"],
        "level": level,
        "prefecture_id": row["prefecture_code"],
        "city_ja": row["city_ja"] if is_city else "",
        "city_en": row["city_en"] if is_city else "",
        "municipality_code": row["municipality_code"] if is_city else "",
        "website": row["website"],
        "display_order": int(row["seed_order"] or 0),
        "source_note": row["source"],
        "confidence": row["confidence"],
    }


def association_row(association):
    """The CSV row for an association: association_fields() turned inside out.

    Exports write it, so that an exported file imports back to the same values
    (tests/directory/test_admin.py checks the round trip).
    """
    prefecture = association.prefecture
    return {
        "seed_order": str(association.display_order),
        "region": prefecture.region.slug,
        "name_en": association.name_en or "",
        "name_ja": association.name_ja or "",
        "short_name": association.short_name,
        "level": association.level,
        "prefecture_code": association.prefecture_id,
        "prefecture_en": prefecture.name_en or "",
        "prefecture_ja": prefecture.name_ja or "",
        "city_en": association.city_en or "",
        "city_ja": association.city_ja or "",
        "municipality_code": association.municipality_code,
        "website": association.website,
        "source": association.source_note,
        "confidence": association.confidence,
    }


def stable_uuid(fields):
    area_code = fields["municipality_code"] or fields["prefecture_id"]
    return uuid.uuid5(UUID_NAMESPACE, f"association:{area_code}")


def lookup_key(fields):
    if fields["municipality_code"]:
        return {"municipality_code": fields["municipality_code"]}
    return {"level": Association.Level.PREFECTURE, "prefecture_id": fields["prefecture_id"]}


@dataclass
class ImportReport:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    errors: list = field(default_factory=list)


def import_rows(rows, *, dry_run=False):
    """Create or update one association per row, keyed on its JIS area code.

    Only the CSV's columns are written: services, languages, contact details and
    translations that staff added in the admin are left as they are.
    """
    report = ImportReport()
    known_prefectures = set(Prefecture.objects.values_list("code", flat=True))
    with transaction.atomic():
        for line, row in enumerate(rows, start=2):
            try:
                fields = association_fields(row)
            except (ImportError_, KeyError, ValueError) as error:
                report.errors.append((line, str(error)))
                continue
            if fields["prefecture_id"] not in known_prefectures:
                report.errors.append((line, f"Prefecture {fields['prefecture_id']} not loaded"))
                continue
            try:
                _apply(fields, report)
            except ValidationError as error:
                report.errors.append((line, "; ".join(error.messages)))
        if dry_run or report.errors:
            transaction.set_rollback(True)
    return report


def _apply(fields, report):
    existing = Association.objects.filter(**lookup_key(fields)).first()
    if existing is None:
        association = Association(**fields, uuid=stable_uuid(fields))
        association.full_clean(validate_unique=False, validate_constraints=False)
        association.save()
        report.created.append(association)
        return
    changed = [name for name, value in fields.items() if getattr(existing, name) != value]
    if not changed:
        report.unchanged.append(existing)
        return
    for name in changed:
        setattr(existing, name, fields[name])
    existing.full_clean(validate_unique=False, validate_constraints=False)
    existing.save()
    report.updated.append((existing, changed))
