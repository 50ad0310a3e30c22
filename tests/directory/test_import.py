import csv
import io

import pytest
from django.core.management import CommandError, call_command

from directory.models import Association
from tests.directory.test_fixtures import CSV_PATH


def run_import(path, *args):
    out = io.StringIO()
    call_command("import_associations", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def csv_rows():
    with open(CSV_PATH, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_import_into_an_empty_directory_then_again_changes_nothing(db, tmp_path):
    call_command("loaddata", "regions", "prefectures", verbosity=0)
    assert "63 created, 0 updated, 0 unchanged" in run_import(CSV_PATH)
    assert Association.objects.count() == 63
    uuids = dict(Association.objects.values_list("slug", "uuid"))
    assert "0 created, 0 updated, 63 unchanged" in run_import(CSV_PATH)
    assert dict(Association.objects.values_list("slug", "uuid")) == uuids


def test_import_matches_the_fixtures(real_data):
    """Importing the CSV over the loaded fixtures finds nothing to change."""
    assert "0 created, 0 updated, 63 unchanged" in run_import(CSV_PATH)


def test_import_updates_csv_columns_and_keeps_staff_edits(real_data, tmp_path, csv_rows):
    yokohama = Association.objects.get(slug="yokohama-city")
    yokohama.phone = "045-222-1171"
    yokohama.description_en = "Written by staff."
    yokohama.save()
    csv_rows[22]["website"] = "https://www.yokeweb.com/new/"
    csv_rows[13]["name_en"] = "Gunma Tourism, Local Products and International Association"
    path = tmp_path / "changed.csv"
    write_csv(path, csv_rows)

    output = run_import(path)

    assert "updated yokohama-city: website" in output
    assert "updated gunma: name_en" in output
    assert "0 created, 2 updated, 61 unchanged" in output
    yokohama.refresh_from_db()
    assert yokohama.website == "https://www.yokeweb.com/new/"
    assert yokohama.phone == "045-222-1171"
    assert yokohama.description_en == "Written by staff."
    assert yokohama.search_text  # kept current by save()


def test_dry_run_writes_nothing(real_data, tmp_path, csv_rows):
    csv_rows[0]["website"] = "https://example.org/"
    path = tmp_path / "changed.csv"
    write_csv(path, csv_rows)
    output = run_import(path, "--dry-run")
    assert "Dry run" in output
    assert "0 created, 1 updated, 62 unchanged" in output
    assert Association.objects.get(slug="hokkaido").website == "https://www.hiecc.or.jp/"


def test_a_bad_row_rolls_back_the_whole_import(real_data, tmp_path, csv_rows):
    csv_rows[0]["website"] = "https://example.org/"
    csv_rows[5]["prefecture_code"] = "99"
    csv_rows[6]["website"] = "not a url"
    path = tmp_path / "bad.csv"
    write_csv(path, csv_rows)
    with pytest.raises(CommandError, match="2 rows have errors"):
        run_import(path)
    assert Association.objects.get(slug="hokkaido").website == "https://www.hiecc.or.jp/"


def test_missing_columns_are_reported(db, tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("seed_order,name_en\n1,x\n")
    with pytest.raises(CommandError, match="Missing columns"):
        run_import(path)
