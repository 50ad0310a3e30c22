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


def test_blank_facts_stay_blank(real_data):
    gunma = Association.objects.get(prefecture_id="10", level="prefecture")
    assert not gunma.name_en
    assert not Association.objects.get(slug="oita").website
    assert not Association.objects.get(slug="niigata-city").website
    for association in Association.objects.all():
        assert association.phone == association.fax == association.email == ""
        assert association.address_ja in ("", None)
        assert association.services.count() == 0
        assert association.languages.count() == 0


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
    """No contact details, services or descriptions are made up in the fixture."""
    from_csv = {
        "slug", "name", "name_ja", "name_en", "short_name", "level", "prefecture", "city",
        "city_ja", "city_en", "municipality_code", "website", "display_order", "source_note",
        "confidence",
    }  # fmt: skip
    # Columns derived from the names (Association.DERIVED_FIELDS) and record keeping.
    bookkeeping = {"uuid", "is_published", "search_text", "name_sort_key", "created", "updated"}
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
