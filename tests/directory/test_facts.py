"""Services and consultation languages as facts with their source and the date they were read."""

import re

import pytest

from tests.factories import AssociationFactory, ServiceFactory


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_services_and_languages_recorded_before_sources():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("directory", "0004_association_name_reading")]
    after = [("directory", "0005_facts_with_provenance")]
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(before)
        old_apps = executor.loader.project_state(before).apps
        region = old_apps.get_model("directory", "Region").objects.create(
            slug="kanto", name_ja="関東", order=2
        )
        prefecture = old_apps.get_model("directory", "Prefecture").objects.create(
            code="14", slug="kanagawa", name_ja="神奈川県", region=region
        )
        service = old_apps.get_model("directory", "Service").objects.create(
            slug="consultation", name_ja="相談"
        )
        language = old_apps.get_model("directory", "Language").objects.create(
            code="vi", native_name="Tiếng Việt", name_ja="ベトナム語"
        )
        association = old_apps.get_model("directory", "Association").objects.create(
            slug="kanagawa", name_ja="公益財団法人かながわ国際交流財団", prefecture=prefecture
        )
        association.services.add(service)
        association.languages.add(language)

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        new_apps = executor.loader.project_state(after).apps
        service_fact = new_apps.get_model("directory", "AssociationService").objects.get()
        language_fact = new_apps.get_model("directory", "AssociationLanguage").objects.get()
        assert (service_fact.association_id, service_fact.service_id) == (
            association.pk,
            service.pk,
        )
        assert (language_fact.association_id, language_fact.language_id) == (
            association.pk,
            language.pk,
        )
        # Nobody recorded where these came from: nothing is made up for them.
        assert service_fact.source_url == language_fact.source_url == ""
        assert service_fact.checked_on is language_fact.checked_on is None

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(before)
        old_apps = executor.loader.project_state(before).apps
        restored = old_apps.get_model("directory", "Association").objects.get()
        assert list(restored.services.values_list("slug", flat=True)) == ["consultation"]
        assert list(restored.languages.values_list("code", flat=True)) == ["vi"]
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


# --- The update path: load_initial_data --update --------------------------------------------

NEW_LANGUAGES = ("ru", "uk", "ms", "hi", "de", "it")


def make_old_database():
    """A database as `load_initial_data` left it before the facts existed."""
    from io import StringIO

    from django.core.management import call_command

    from directory.models import Association, AssociationLanguage, AssociationService, Language
    from tests.conftest import install_real_data

    install_real_data()
    AssociationService.objects.all().delete()
    AssociationLanguage.objects.all().delete()
    Language.objects.filter(code__in=NEW_LANGUAGES).delete()
    Association.objects.filter(slug="akita").update(
        name_ja="秋田県国際交流協会", name="秋田県国際交流協会", confidence="medium"
    )
    Association.objects.update(
        postal_code="", phone="", fax="", email="", address_ja="", address_en="", address="",
        contact_source_url="", contact_checked_on=None,
    )  # fmt: skip
    call_command("populate_history", auto=True, verbosity=0, stdout=StringIO())


def staff_edit(association, user, **changes):
    for name, value in changes.items():
        setattr(association, name, value)
    association._history_user = user
    association.save()


def test_update_gives_an_old_database_the_facts_and_keeps_staff_edits(db, admin_user):
    from django.core.management import call_command

    from directory.models import Association, AssociationLanguage, AssociationService, Language

    make_old_database()
    niigata = Association.objects.get(slug="niigata")
    staff_edit(niigata, admin_user, phone="025-000-0000")
    shizuoka = Association.objects.get(slug="shizuoka")
    staff_edit(shizuoka, admin_user, name_ja="静岡県国際交流協会（職員が確認）")

    call_command("load_initial_data", update=True, verbosity=0)

    assert AssociationService.objects.count() == 185
    assert AssociationLanguage.objects.count() == 260
    assert set(NEW_LANGUAGES) <= set(Language.objects.values_list("code", flat=True))
    akita = Association.objects.get(slug="akita")
    assert akita.name_ja == "公益財団法人秋田県国際交流協会"
    assert akita.confidence == "high"
    niigata.refresh_from_db()
    assert niigata.phone == "025-000-0000"  # the staff edit
    assert niigata.fax == "025-249-8122"  # a field staff never touched gets the shipped value
    assert str(niigata.contact_checked_on) == "2026-12-02"
    shizuoka.refresh_from_db()
    assert shizuoka.name_ja == "静岡県国際交流協会（職員が確認）"
    assert shizuoka.service_facts.exists()


def test_update_does_not_bring_back_a_fact_staff_removed(db, admin_user):
    from django.core.management import call_command

    from directory.models import Association, AssociationLanguage

    make_old_database()
    call_command("load_initial_data", update=True, verbosity=0)
    kawasaki = Association.objects.get(slug="kawasaki-city")
    assert kawasaki.languages.filter(code="ne").exists()
    AssociationLanguage.objects.filter(association=kawasaki, language__code="ne").delete()
    staff_edit(kawasaki, admin_user)

    call_command("load_initial_data", update=True, verbosity=0)
    assert not kawasaki.languages.filter(code="ne").exists()
    assert AssociationLanguage.objects.count() == 259


def test_update_twice_changes_nothing_the_second_time(db):
    from directory.updating import update_from_fixtures

    make_old_database()
    first = update_from_fixtures()
    assert len(first.added) == 185 + 260 + len(NEW_LANGUAGES)
    second = update_from_fixtures()
    assert (second.added, second.updated) == ([], [])


def test_load_initial_data_on_an_empty_database_loads_every_fact(db):
    from django.core.management import call_command

    from directory.models import AssociationLanguage, AssociationService

    call_command("load_initial_data", verbosity=0)
    assert AssociationService.objects.count() == 185
    assert AssociationLanguage.objects.count() == 260
    assert not AssociationService.objects.filter(source_url="").exists()


# --- The detail page: each fact with its source and the day it was checked ----------------------


def test_a_fact_shows_its_source_and_date_in_vietnamese(client, real_data):
    response = client.get("/vi/associations/akita/")
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        'Nguồn: <a href="https://www.pref.akita.lg.jp/pages/contents/63939" '
        'rel="external noopener">www.pref.akita.lg.jp</a>, kiểm tra vào 2 tháng 12, 2026'
    ) in html
    # The contact details have their own source.
    assert 'href="http://www.pref.akita.lg.jp/pages/archive/38155"' in html


def test_a_fact_shows_its_source_and_date_in_easy_japanese(client, real_data):
    response = client.get("/ja-easy/associations/akita/")
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        'どこで たしかめたか：<a href="https://www.pref.akita.lg.jp/pages/contents/63939" '
        'rel="external noopener">www.pref.akita.lg.jp</a>（2026'
    ) in html
    # The date as the Easy Japanese page writes it, with the furigana its pages carry.
    date = html[html.index("www.pref.akita.lg.jp</a>（") :].split("）", 1)[0]
    assert re.sub(r"<rt>[^<]*</rt>|</?ruby>", "", date).endswith("2026年12月2日に たしかめました")


def test_languages_from_one_page_share_one_source_line(client, real_data):
    html = client.get("/en/associations/akita/").content.decode()
    # English, Chinese and Korean come from the same prefectural page, checked the same day.
    languages = html[html.index('id="languages-heading"') :]
    assert languages.count("Source: ") == 1
    for name in ("English", "Chinese", "Korean"):
        assert f">{name}</a>" in languages


def test_an_association_with_no_confirmed_fact_says_not_confirmed(client, db):
    AssociationFactory(slug="gunma")
    ServiceFactory()  # one it does not offer: the page must not list it
    response = client.get("/en/associations/gunma/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Not confirmed: we have not found a source that says which services" in html
    assert "Not confirmed: we have not found a source that says in which languages" in html
    assert "Source: " not in html
    assert "?service=" not in html and "?language=" not in html
    vi = client.get("/vi/associations/gunma/").content.decode()
    assert "Chưa xác nhận" in vi


def test_a_fact_recorded_without_a_source_says_so(client, db):
    gunma = AssociationFactory(slug="gunma")
    gunma.services.add(ServiceFactory(name_en="Japanese language classes"))
    html = client.get("/en/associations/gunma/").content.decode()
    assert "Japanese language classes" in html
    assert "Source not recorded" in html
