import csv
import io
from datetime import timedelta

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.utils import timezone

from directory.importing import association_fields, association_row, read_rows
from directory.models import Association
from directory.resources import AssociationResource
from directory.validation import normalize_phone_number, normalize_postal_code
from tests.factories import AssociationFactory, KanagawaAssociationFactory, YokohamaFactory

CHANGELIST = "/admin/directory/association/"


@pytest.fixture
def kanagawa(db):
    """Kanagawa's prefectural association and Yokohama's, the designated city's, in Kanagawa:
    both named in Japanese and English only, like the shipped ones."""
    KanagawaAssociationFactory()
    YokohamaFactory()


@pytest.fixture
def data_csv(settings):
    from pathlib import Path

    return Path(settings.BASE_DIR) / "directory" / "data" / "associations.csv"


@pytest.fixture
def history_baseline(real_data):
    """The first history record of each loaded row, as `load_initial_data` writes it."""
    from django.core.management import call_command

    from directory.updating import record_loaded_facts

    call_command("populate_history", auto=True, stdout=io.StringIO())
    record_loaded_facts()


def change_url(association):
    return f"{CHANGELIST}{association.pk}/change/"


def form_data(association, **changes):
    """The association's change form as the browser would post it."""
    from django.contrib import admin
    from django.test import RequestFactory

    model_admin = admin.site._registry[Association]
    request = RequestFactory().get("/")
    request.user = type("Superuser", (), {"is_superuser": True, "has_perm": lambda *a: True})()
    form = model_admin.get_form(request, association)(instance=association)
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            data[name] = ""
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    for formset, _inline in model_admin.get_formsets_with_inlines(request, association):
        bound = formset(instance=association, prefix=formset.get_default_prefix())
        management = bound.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{bound.prefix}-{name}"] = management.initial.get(name, 0)
        for inline_form in bound.initial_forms:
            for name, field in inline_form.fields.items():
                value = inline_form.initial.get(name, field.initial)
                if value is not None:
                    data[inline_form.add_prefix(name)] = getattr(value, "pk", value)
    data.update(changes)
    return {key: value for key, value in data.items() if value is not False}


# --- The association list ---------------------------------------------------------------


def test_list_shows_translation_completeness(admin_client, kanagawa):
    yokohama = Association.objects.get(slug="yokohama-city")
    yokohama.name_vi = "Hiệp hội Giao lưu Quốc tế Yokohama"
    yokohama.city_vi = "Yokohama"
    yokohama.save()
    response = admin_client.get(CHANGELIST, {"q": "yokohama"})
    html = response.content.decode()
    assert response.status_code == 200
    # Japanese, English and now Vietnamese have every field that Japanese has.
    assert ">3/19<" in html


def test_filter_missing_a_translation_in_a_language(admin_client, kanagawa):
    total = Association.objects.count()
    yokohama = Association.objects.get(slug="yokohama-city")
    yokohama.name_vi = "Hiệp hội Giao lưu Quốc tế Yokohama"
    yokohama.city_vi = "Yokohama"
    yokohama.save()
    response = admin_client.get(CHANGELIST, {"missing_translation": "vi"})
    assert response.status_code == 200
    listed = response.context["cl"].result_count
    assert listed == total - 1
    assert yokohama not in response.context["cl"].result_list


def test_search_finds_text_in_any_language_and_width(admin_client, kanagawa):
    yokohama = Association.objects.get(slug="yokohama-city")
    yokohama.description_vi = "Tư vấn miễn phí bằng tiếng Việt"
    yokohama.save()
    for term in ("横浜市国際交流協会", "Yokohama Association", "miễn phí", "ＹＯＫＯＨＡＭＡ"):
        response = admin_client.get(CHANGELIST, {"q": term})
        assert yokohama in response.context["cl"].result_list, term


def test_language_groups_fold_empty_languages(admin_client, kanagawa):
    yokohama = Association.objects.get(slug="yokohama-city")
    response = admin_client.get(change_url(yokohama))
    html = response.content.decode()
    assert response.status_code == 200
    groups = [fs for fs in response.context["adminform"] if "translation-group" in fs.classes]
    assert len(groups) == 19
    ja = next(fs for fs in response.context["adminform"] if "translation-group-ja" in fs.classes)
    vi = next(fs for fs in response.context["adminform"] if "translation-group-vi" in fs.classes)
    en = next(fs for fs in response.context["adminform"] if "translation-group-en" in fs.classes)
    assert not ja.is_collapsible
    assert not en.is_collapsible  # it has text
    assert vi.is_collapsible  # empty: folded into <details>
    assert "<details>" in html
    assert 'name="description_vi"' in html


def test_admin_pages_load_nothing_from_other_hosts(admin_client, kanagawa):
    yokohama = Association.objects.get(slug="yokohama-city")
    html = admin_client.get(change_url(yokohama)).content.decode()
    media = str(admin_client.get(change_url(yokohama)).context["media"])
    assert "//" not in media.replace("/static/", "")
    assert "code.jquery.com" not in html and "cdn" not in media


# --- Validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["〒231-0023", "2310023", "２３１－００２３", "231 0023", "〒２３１ー００２３"]
)
def test_postal_codes_in_their_common_forms(typed):
    assert normalize_postal_code(typed) == "231-0023"


@pytest.mark.parametrize(
    "typed", ["045-222-1171", "0452221171", "０４５－２２２－１１７１", "+81 45 222 1171"]
)
def test_phone_numbers_in_their_common_forms(typed):
    assert normalize_phone_number(typed) == "045-222-1171"


def test_invalid_contact_details_are_refused_with_clear_messages():
    with pytest.raises(ValidationError, match="seven digits"):
        normalize_postal_code("231-002")
    with pytest.raises(ValidationError, match="area code"):
        normalize_phone_number("222-1171")


def test_change_form_normalises_and_explains(admin_client, kanagawa):
    yokohama = Association.objects.get(slug="yokohama-city")
    response = admin_client.post(
        change_url(yokohama),
        form_data(yokohama, postal_code="２３１－００２３", phone="0452221171", fax="12"),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["fax"]
    # The admin speaks Japanese by default, so its messages are asserted in Japanese.
    assert "市外局番" in errors["fax"][0]
    response = admin_client.post(
        change_url(yokohama), form_data(yokohama, postal_code="〒2310023", phone="0452221171")
    )
    assert response.status_code == 302
    yokohama.refresh_from_db()
    assert (yokohama.postal_code, yokohama.phone) == ("231-0023", "045-222-1171")


def test_level_consistency(admin_client, kanagawa):
    yokohama = Association.objects.get(slug="yokohama-city")
    response = admin_client.post(change_url(yokohama), form_data(yokohama, municipality_code=""))
    errors = response.context["adminform"].form.errors
    assert "JIS市区町村コード" in errors["municipality_code"][0]

    kanagawa = Association.objects.get(level="prefecture", prefecture_id="14")
    response = admin_client.post(
        change_url(kanagawa), form_data(kanagawa, city_ja="横浜市", municipality_code="14100")
    )
    errors = response.context["adminform"].form.errors
    assert "市はありません" in errors["city_ja"][0]
    assert "市区町村コードはありません" in errors["municipality_code"][0]


def test_website_and_email_and_unique_slug(admin_client, kanagawa):
    yokohama = Association.objects.get(slug="yokohama-city")
    response = admin_client.post(
        change_url(yokohama),
        form_data(yokohama, website="ftp://example.org/", email="not-an-address", slug="kanagawa"),
    )
    errors = response.context["adminform"].form.errors
    assert "https://" in errors["website"][0]
    # Django's own messages come in the editor's language: Japanese by default.
    assert errors["email"] == ["有効なメールアドレスを入力してください。"]
    assert "既に存在します" in errors["slug"][0]


def test_messages_follow_the_editors_language(admin_client, admin_user, kanagawa):
    from portal.models import StaffPreferences

    StaffPreferences.objects.create(user=admin_user, admin_language="en")
    yokohama = Association.objects.get(slug="yokohama-city")
    response = admin_client.post(
        change_url(yokohama), form_data(yokohama, email="nope", slug="kanagawa")
    )
    errors = response.context["adminform"].form.errors
    assert errors["email"] == ["Enter a valid email address."]
    assert "already exists" in errors["slug"][0]


# --- History and revert -------------------------------------------------------------------


def test_history_records_who_changed_which_fields_and_revert_restores(
    admin_client, admin_user, history_baseline
):
    yokohama = Association.objects.get(slug="yokohama-city")
    before = yokohama.name_en
    response = admin_client.post(
        change_url(yokohama), form_data(yokohama, name_en="Renamed in a hurry")
    )
    assert response.status_code == 302
    latest = yokohama.history.latest()
    previous = latest.prev_record
    assert latest.history_user == admin_user
    delta = latest.diff_against(previous)
    # Fixtures store empty translations as NULL, forms as "": not a change anybody made.
    changes = [(c.field, c.old, c.new) for c in delta.changes if c.old or c.new]
    assert changes == [("name_en", before, "Renamed in a hurry")]

    history = admin_client.get(f"{change_url(yokohama).replace('change/', 'history/')}")
    assert "Renamed in a hurry" in history.content.decode()

    # Revert: the admin's history page opens the old version as a form; saving it restores.
    revert_url = f"{CHANGELIST}{yokohama.pk}/history/{previous.history_id}/"
    old_form = admin_client.get(revert_url)
    assert old_form.status_code == 200
    assert old_form.context["adminform"].form.initial["name_en"] == before
    response = admin_client.post(revert_url, form_data(previous.instance))
    assert response.status_code == 302
    yokohama.refresh_from_db()
    assert yokohama.name_en == before
    assert yokohama.history.count() == 3  # loaded, renamed, reverted


# --- Publishing and verification ----------------------------------------------------------


def test_drafts_are_previewed_by_staff_only(client, admin_client, kanagawa):
    yokohama = Association.objects.get(slug="yokohama-city")
    yokohama.is_published = False
    yokohama.save()
    assert client.get("/en/associations/yokohama-city/").status_code == 404
    preview = admin_client.get("/en/associations/yokohama-city/")
    assert preview.status_code == 200
    assert "Only staff can see this preview" in preview.content.decode()
    assert "no-store" in preview["Cache-Control"]
    assert preview["X-Robots-Tag"] == "noindex"
    assert yokohama.slug not in [
        card.slug for card in client.get("/en/associations/").context["page_obj"].object_list
    ]


def test_view_on_site_link(admin_client, kanagawa):
    yokohama = Association.objects.get(slug="yokohama-city")
    response = admin_client.get(change_url(yokohama))
    assert "/admin/r/" in response.content.decode()


def test_publish_and_unpublish_actions_are_recorded(admin_client, kanagawa):
    yokohama = Association.objects.get(slug="yokohama-city")
    response = admin_client.post(
        CHANGELIST, {"action": "unpublish", "_selected_action": [yokohama.pk]}
    )
    assert response.status_code == 302
    yokohama.refresh_from_db()
    assert not yokohama.is_published
    assert yokohama.history.latest().history_change_reason == "Unpublished"
    admin_client.post(CHANGELIST, {"action": "publish", "_selected_action": [yokohama.pk]})
    yokohama.refresh_from_db()
    assert yokohama.is_published


def test_mark_verified_today_and_the_twelve_month_filter(admin_client, kanagawa):
    AssociationFactory.create_batch(2)
    today = timezone.localdate()
    Association.objects.update(last_verified=today - timedelta(days=30))
    stale = Association.objects.get(slug="yokohama-city")
    stale.last_verified = today - timedelta(days=400)
    stale.save()
    never = Association.objects.get(level="prefecture", prefecture_id="14")
    never.last_verified = None
    never.save()

    due = admin_client.get(CHANGELIST, {"verification": "due"}).context["cl"].result_list
    assert set(due) == {stale, never}
    recent = admin_client.get(CHANGELIST, {"verification": "recent"}).context["cl"]
    assert recent.result_count == Association.objects.count() - 2

    admin_client.post(
        CHANGELIST, {"action": "mark_verified_today", "_selected_action": [stale.pk, never.pk]}
    )
    stale.refresh_from_db()
    assert stale.last_verified == today
    assert stale.history.latest().history_change_reason == "Marked verified"
    assert admin_client.get(CHANGELIST, {"verification": "due"}).context["cl"].result_count == 0


# --- Import and export --------------------------------------------------------------------


def post_import(admin_client, content, filename, format_index):
    upload = io.BytesIO(content)
    upload.name = filename
    return admin_client.post(
        f"{CHANGELIST}import/",
        {"resource": "0", "format": format_index, "import_file": upload},
    )


def confirm_import(admin_client, preview):
    form = preview.context["confirm_form"]
    return admin_client.post(
        f"{CHANGELIST}process_import/",
        {name: form.initial.get(name, "") for name in form.fields},
    )


def csv_bytes(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def test_import_dry_run_shows_changes_then_commit_writes_them(admin_client, real_data, data_csv):
    rows = read_rows(data_csv)
    yokohama_row = next(row for row in rows if row["municipality_code"] == "14100")
    yokohama_row["name_en"] = "Yokohama Association (renamed)"
    rows.append({**rows[0], "prefecture_code": "99", "name_ja": "存在しない県"})
    preview = post_import(admin_client, csv_bytes(rows), "associations.csv", "0")
    assert preview.status_code == 200
    result = preview.context["result"]
    assert result.has_validation_errors() or result.has_errors()
    assert "Unknown prefecture code" in preview.content.decode()
    assert (
        Association.objects.get(municipality_code="14100").name_en
        != "Yokohama Association (renamed)"
    )

    rows.pop()
    rows.append(
        {
            **yokohama_row,
            "seed_order": "64",
            "name_en": "Example City International Association",
            "name_ja": "例市国際交流協会",
            "city_en": "Example",
            "city_ja": "例市",
            "municipality_code": "14999",
        }
    )
    preview = post_import(admin_client, csv_bytes(rows), "associations.csv", "0")
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (1, 1, 62)
    assert not Association.objects.filter(municipality_code="14999").exists()  # dry run

    done = confirm_import(admin_client, preview)
    assert done.status_code == 302
    assert Association.objects.get(municipality_code="14100").name_en == (
        "Yokohama Association (renamed)"
    )
    created = Association.objects.get(municipality_code="14999")
    assert created.slug == "example-city"
    assert created.history.latest().history_user.is_superuser


def test_csv_round_trip_with_the_shipped_data(real_data, data_csv):
    original = read_rows(data_csv)
    exported = AssociationResource().export().csv
    exported_rows = list(csv.DictReader(io.StringIO(exported)))
    assert len(exported_rows) == len(original) == 63
    by_code = {row["municipality_code"] or row["prefecture_code"]: row for row in exported_rows}
    for row in original:
        again = by_code[row["municipality_code"] or row["prefecture_code"]]
        assert association_fields(again) == association_fields(row)

    result = AssociationResource().import_data(tablib.Dataset().load(exported, format="csv"))
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 63


def test_xlsx_export_imports_back_unchanged(admin_client, real_data):
    response = admin_client.post(
        f"{CHANGELIST}export/",
        {
            "format": "1",
            "resource": "0",
            **{
                f"associationresource_{c}": "on"
                for c in association_row(Association.objects.first())
            },
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    preview = post_import(admin_client, response.content, "associations.xlsx", "1")
    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 63
