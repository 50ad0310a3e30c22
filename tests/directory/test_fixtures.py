"""The fixtures must say exactly what the reference CSV says, no more and no less."""

import csv
import json
from pathlib import Path

import pytest
from django.conf import settings

from directory.models import Association, Prefecture, Region

CSV_PATH = Path(settings.BASE_DIR) / "directory" / "data" / "associations.csv"
FIXTURES = Path(settings.BASE_DIR) / "fixtures"


@pytest.fixture(scope="module")
def csv_rows():
    with open(CSV_PATH, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_fixture_files_are_current(tmp_path):
    """Rebuilding the fixtures from the CSV gives the committed files byte for byte."""
    from django.core.management import call_command

    call_command("build_fixtures", csv=str(CSV_PATH), output=str(tmp_path), verbosity=0)
    for built in tmp_path.iterdir():
        assert built.read_text() == (FIXTURES / built.name).read_text(), built.name


def test_loads_63_associations_in_csv_order(real_data, csv_rows):
    assert len(csv_rows) == 63
    associations = list(Association.objects.order_by("display_order"))
    assert len(associations) == 63
    for association, row in zip(associations, csv_rows, strict=True):
        assert association.display_order == int(row["seed_order"])
        assert association.name_ja == row["name_ja"]
        assert (association.name_en or "") == row["name_en"]
        assert association.short_name == row["short_name"]
        assert association.website == row["website"]
        assert association.level == row["level"]
        assert association.prefecture_id == row["prefecture_code"]
        assert association.prefecture.region.slug == row["region"]
        assert association.municipality_code == row["municipality_code"]
        assert (association.city_en or "") == row["city_en"]
        assert (association.city_ja or "") == row["city_ja"]


DATA = Path(settings.BASE_DIR) / "directory" / "data"
# The research files' words for what the catalogue calls otherwise (directory/data/README.md).
SERVICE_SLUGS = {
    "interpretation-translation": "interpretation",
    "children-education": "childrens-education",
}
LANGUAGE_CODES = {"tl": "fil"}
CONTACT_COLUMNS = ("postal_code", "address_ja", "address_en", "phone", "fax", "email")


def data_rows(name):
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_blank_facts_stay_blank(real_data):
    gunma = Association.objects.get(prefecture_id="10", level="prefecture")
    assert not gunma.name_en
    assert not Association.objects.get(slug="oita").website
    assert not Association.objects.get(slug="niigata-city").website
    # Neither has a confirmed service, nor any consultation language: none is made up.
    for slug in ("gunma", "oita"):
        association = Association.objects.get(slug=slug)
        assert not association.services.exists()
        assert not association.languages.exists()
        assert association.phone == association.email == association.contact_source_url == ""


def test_fixtures_hold_every_service_and_language_fact_and_nothing_else(real_data):
    from directory.models import AssociationLanguage, AssociationService

    expected_services = {
        (int(row["seed_order"]), SERVICE_SLUGS.get(row["service"], row["service"]),
         row["source_url"], row["checked_on"])
        for row in data_rows("services.csv")
    }  # fmt: skip
    loaded_services = {
        (fact.association.display_order, fact.service.slug, fact.source_url,
         fact.checked_on.isoformat())
        for fact in AssociationService.objects.select_related("association", "service")
    }  # fmt: skip
    assert len(expected_services) == 185
    assert loaded_services == expected_services
    assert AssociationService.objects.count() == 185

    expected_languages = {
        (int(row["seed_order"]), LANGUAGE_CODES.get(row["language"], row["language"]),
         row["source_url"], row["checked_on"])
        for row in data_rows("consultation_languages.csv")
    }  # fmt: skip
    loaded_languages = {
        (fact.association.display_order, fact.language.code, fact.source_url,
         fact.checked_on.isoformat())
        for fact in AssociationLanguage.objects.select_related("association", "language")
    }  # fmt: skip
    assert len(expected_languages) == 260
    assert loaded_languages == expected_languages
    assert AssociationLanguage.objects.count() == 260
    assert not AssociationLanguage.objects.filter(language__code="tl").exists()


def test_fixtures_hold_every_contact_and_nothing_else(real_data):
    rows = {int(row["seed_order"]): row for row in data_rows("contacts.csv")}
    assert len(rows) == 17
    for association in Association.objects.all():
        row = rows.get(association.display_order)
        loaded = [getattr(association, name) or "" for name in CONTACT_COLUMNS]
        if row is None:
            assert loaded == [""] * len(CONTACT_COLUMNS), association.slug
            assert association.contact_source_url == ""
            assert association.contact_checked_on is None
        else:
            assert loaded == [row[name] for name in CONTACT_COLUMNS], association.slug
            assert association.contact_source_url == row["source_url"]
            assert association.contact_checked_on.isoformat() == row["checked_on"]


def test_the_shipped_data_carries_no_quotes():
    for name in ("services.csv", "consultation_languages.csv", "contacts.csv"):
        with open(DATA / name, newline="", encoding="utf-8") as handle:
            assert "evidence_quote" not in next(csv.reader(handle)), name


def test_prefectures_and_regions(real_data, csv_rows):
    assert list(Region.objects.values_list("slug", flat=True)) == [
        "hokkaido-tohoku",
        "kanto",
        "tokai-hokuriku",
        "kinki",
        "chugoku-shikoku",
        "kyushu-okinawa",
    ]
    assert Prefecture.objects.count() == 47
    codes = set(Prefecture.objects.values_list("code", flat=True))
    assert codes == {f"{number:02d}" for number in range(1, 48)}
    for row in csv_rows:
        prefecture = Prefecture.objects.get(code=row["prefecture_code"])
        assert prefecture.name_ja == row["prefecture_ja"]
        assert prefecture.name_en == row["prefecture_en"]
        assert prefecture.region.slug == row["region"]
    nara = Prefecture.objects.get(code="29")
    assert nara.region.slug == "kinki"
    assert not nara.associations.exists()
    assert Prefecture.objects.get(code="15").region.slug == "hokkaido-tohoku"
    assert Prefecture.objects.get(code="19").region.slug == "kanto"
    assert Prefecture.objects.get(code="24").region.slug == "tokai-hokuriku"


def test_association_fixture_holds_only_facts_from_the_csv():
    """Only what the data files say: no contact detail or description is made up."""
    from_csv = {
        "slug", "name", "name_ja", "name_en", "short_name", "level", "prefecture", "city",
        "city_ja", "city_en", "municipality_code", "website", "display_order", "source_note",
        "confidence",
        # contacts.csv
        "postal_code", "address", "address_ja", "address_en", "phone", "fax", "email",
        "contact_source_url", "contact_checked_on",
    }  # fmt: skip
    # Columns derived from the names (Association.DERIVED_FIELDS) and record keeping.
    bookkeeping = {"uuid", "is_published", *Association.DERIVED_FIELDS, "created", "updated"}
    data = json.loads((FIXTURES / "associations.json").read_text())
    for entry in data:
        assert set(entry["fields"]) <= from_csv | bookkeeping


def test_load_initial_data_is_idempotent(real_data):
    from django.core.management import call_command

    gunma = Association.objects.get(slug="gunma")
    gunma.phone = "027-000-0000"
    gunma.save()
    call_command("load_initial_data", verbosity=0)
    gunma.refresh_from_db()
    assert gunma.phone == "027-000-0000"
    assert Association.objects.count() == 63


def test_load_initial_data_fills_an_empty_database(db):
    from django.core.management import call_command

    from enquiries.models import Division

    call_command("load_initial_data", verbosity=0)
    assert Association.objects.count() == 63
    assert Prefecture.objects.count() == 47
    assert Division.objects.default().phone == "+81-3-5213-1725"
