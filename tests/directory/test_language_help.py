"""'I need help in <language>' on the postal-code page, and the national help lines."""

import datetime

import pytest
from django.conf import settings

from directory.models import Association, HelpLine, Language
from tests.factories import LanguageFactory

URL = "/en/associations/serving/"

FRESC_LANGUAGES = {
    "ja", "en", "zh", "ko", "es", "pt", "vi", "fil", "ne",
    "id", "th", "km", "my", "mn", "fr", "si", "ur", "bn",
}  # fmt: skip


@pytest.fixture
def languages_recorded(real_data):
    """Start from known consultation languages, whatever the shipped facts say today."""

    def record(facts):
        Association.languages.through.objects.all().delete()
        for slug, codes in facts.items():
            association = Association.objects.get(slug=slug)
            association.languages.add(*Language.objects.filter(code__in=codes))

    return record


def ask(client, postal_code, language_code, page_language="en"):
    response = client.get(
        f"/{page_language}/associations/serving/",
        {"postal_code": postal_code, "language": language_code},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    return response, html


def slugs(associations):
    return [association.slug for association in associations]


def test_the_fresc_help_desk_is_seeded_as_reported(real_data):
    line = HelpLine.objects.get(slug="fresc-help-desk")
    assert line.name_en == "FRESC Help Desk"
    assert line.operator_en == "Immigration Services Agency of Japan"
    assert line.phone == "0120-76-2029"
    assert line.hours_en == "Weekdays 9:00–17:00"
    assert {language.code for language in line.languages.all()} == FRESC_LANGUAGES
    assert line.source_url == (
        "https://news.yahoo.co.jp/articles/31a405e35d5f291ebda67dce36ee13950c7ebf59"
    )
    assert line.checked_on == datetime.date(2021, 7, 1)
    assert line.needs_recheck, "began in 2020 as a temporary service: staff re-check it"
    assert line.website == "", "no website was reported, so none is given"
    assert line.is_published


def test_an_association_for_the_address_answers(client, languages_recorded):
    languages_recorded({"kawasaki-city": ["ne", "vi"], "kanagawa": ["en"], "tokyo": ["ne"]})
    response, html = ask(client, "210-0007", "ne")
    help_in_language = response.context["help_in_language"]
    assert slugs(help_in_language.serving) == ["kawasaki-city"]
    assert help_in_language.same_region == help_in_language.help_lines == []
    assert "The association for your address answers in Nepali." in html
    assert "FRESC" not in html


def test_none_for_the_address_then_the_same_region_then_the_help_line(client, languages_recorded):
    languages_recorded(
        {"kanagawa": ["en"], "fukuoka": ["ne"], "tokyo": ["ne"], "chiba": ["ne", "vi"]}
    )
    response, html = ask(client, "252-0236", "ne")  # Sagamihara: Kanagawa's association only
    help_in_language = response.context["help_in_language"]
    assert help_in_language.serving == []
    assert slugs(help_in_language.same_region) == ["chiba", "tokyo"]
    assert slugs(help_in_language.elsewhere) == ["fukuoka"]
    assert slugs(help_in_language.help_lines) == ["fresc-help-desk"]
    assert "We have no record that the associations for your address answer in Nepali." in html
    assert html.index("Associations in your region") < html.index("Associations elsewhere")
    assert html.index("Associations elsewhere") < html.index("FRESC Help Desk")
    assert 'href="tel:0120762029"' in html
    assert "Weekdays 9:00–17:00" in html
    assert "This information is as reported in July 2021 and may have changed." in html
    assert 'href="https://news.yahoo.co.jp/articles/31a405e35d5f291ebda67dce36ee13950c7ebf59"' in (
        html
    )


def test_only_the_help_line_answers(client, languages_recorded):
    languages_recorded({"kanagawa": ["en"]})
    response, html = ask(client, "231-0023", "km")
    help_in_language = response.context["help_in_language"]
    assert help_in_language.same_region == help_in_language.elsewhere == []
    assert slugs(help_in_language.help_lines) == ["fresc-help-desk"]
    assert "National help lines in Khmer" in html


def test_an_unpublished_help_line_is_not_offered(client, languages_recorded):
    languages_recorded({})
    HelpLine.objects.update(is_published=False)
    response, html = ask(client, "231-0023", "km")
    assert response.context["help_in_language"].found_nothing
    assert "We know of no association or national help line that answers in Khmer." in html


def test_a_language_nobody_answers_in_says_so(client, languages_recorded):
    languages_recorded({"kanagawa": ["en"]})
    LanguageFactory(code="qu", native_name="Runasimi", name_ja="ケチュア語", name_en="Quechua")
    _response, html = ask(client, "231-0023", "qu")
    assert "We know of no association or national help line that answers in Quechua." in html


def test_the_help_line_in_nepali(client, languages_recorded):
    languages_recorded({})
    _response, html = ask(client, "252-0236", "ne", page_language="ne")
    assert 'lang="ne"' in html
    assert "सोमबारदेखि शुक्रबारसम्म, 9:00–17:00" in html
    assert "जापानको अध्यागमन सेवा एजेन्सी" in html
    # No Nepali name was recorded: the English one, marked as English.
    assert '<span lang="en">FRESC Help Desk</span>' in html


@pytest.mark.parametrize("typed", ["xx", "<script>", "ne" * 200])
def test_an_unknown_language_is_reported_next_to_its_field_and_the_address_still_counts(
    client, languages_recorded, typed
):
    languages_recorded({})
    response, html = ask(client, "231-0023", typed)
    assert response.context["help_in_language"] is None
    assert [area.place.municipality_code for area in response.context["areas"]] == ["14104"]
    assert 'id="help-language-error"' in html
    assert "Choose a language from the list." in html
    assert "<script>" not in html.split("<main", 1)[1]


def test_no_language_chosen_changes_nothing(client, languages_recorded):
    languages_recorded({"kanagawa": ["ne"]})
    response, html = ask(client, "231-0023", "")
    assert response.context["help_in_language"] is None
    assert 'class="language-help"' not in html


def test_the_empty_form_offers_the_pages_language(client, db):
    for code in ("ja", "zh", "ne"):
        LanguageFactory(code=code)
    html = client.get("/ne/associations/serving/").content.decode()
    assert '<option value="ne" selected>' in html
    html = client.get("/zh-hans/associations/serving/").content.decode()
    assert '<option value="zh" selected>' in html
    html = client.get("/ja/associations/serving/").content.decode()
    assert '<option value="" selected>' in html
    assert '<option value="ja"' not in html


@pytest.mark.parametrize(
    ("postal_code", "facts"),
    [
        ("210-0007", {"kawasaki-city": ["ne"]}),  # answered for the address
        ("252-0236", {"tokyo": ["ne"], "fukuoka": ["ne"]}),  # elsewhere and help lines
        ("630-8213", {}),  # Nara: no association at all
    ],
)
def test_the_same_few_queries_whatever_the_answer(
    client, languages_recorded, django_assert_max_num_queries, postal_code, facts
):
    languages_recorded(facts)
    with django_assert_max_num_queries(11):
        client.get(URL, {"postal_code": postal_code, "language": "ne"})


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_language_renders_the_fallback(client, languages_recorded, language):
    languages_recorded({"tokyo": ["ne"]})
    response, html = ask(client, "252-0236", "ne", page_language=language)
    assert 'class="language-help"' in html
    assert 'href="tel:0120762029"' in html


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_the_home_page_links_to_help_in_your_language(client, db, language):
    html = client.get(f"/{language}/").content.decode()
    assert f'href="/{language}/associations/serving/#help-language"' in html


def migrate_to(target=None):
    """Migrate the test database to `target` (the latest migrations when None)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    target = target or executor.loader.graph.leaf_nodes()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


BEFORE_SEED = [("directory", "0006_help_lines")]
AFTER_SEED = [("directory", "0007_seed_help_lines")]


def add_languages(apps, codes):
    Language = apps.get_model("directory", "Language")
    for order, code in enumerate(codes, 1):
        Language.objects.create(code=code, native_name=code, name=code, order=order)


@pytest.mark.django_db(transaction=True)
def test_an_existing_database_receives_the_help_line():
    try:
        add_languages(migrate_to(BEFORE_SEED), ("ja", "en", "ne", "vi"))
        line = migrate_to(AFTER_SEED).get_model("directory", "HelpLine").objects.get()
        assert (line.slug, line.phone, line.name_en, line.name) == (
            "fresc-help-desk",
            "0120-76-2029",
            "FRESC Help Desk",
            "FRESCヘルプデスク",
        )
        assert line.hours_ne == "सोमबारदेखि शुक्रबारसम्म, 9:00–17:00"
        assert line.checked_on == datetime.date(2021, 7, 1) and line.needs_recheck
        assert line.source_url.endswith("/31a405e35d5f291ebda67dce36ee13950c7ebf59")
        # Only the languages this database has.
        assert sorted(language.code for language in line.languages.all()) == [
            "en",
            "ja",
            "ne",
            "vi",
        ]
    finally:
        migrate_to()


@pytest.mark.django_db(transaction=True)
def test_the_seed_never_overwrites_a_line_staff_already_keep():
    try:
        old_apps = migrate_to(BEFORE_SEED)
        add_languages(old_apps, ("ja", "en"))
        old_apps.get_model("directory", "HelpLine").objects.create(
            slug="fresc-help-desk",
            name="FRESCヘルプデスク",
            name_ja="FRESCヘルプデスク",
            phone="0570-011000",
            needs_recheck=False,
            is_published=False,
        )
        line = migrate_to(AFTER_SEED).get_model("directory", "HelpLine").objects.get()
        assert (line.phone, line.needs_recheck, line.is_published) == ("0570-011000", False, False)
        assert not line.languages.exists()
    finally:
        migrate_to()


@pytest.mark.django_db(transaction=True)
def test_a_new_database_is_left_to_the_fixture():
    try:
        migrate_to(BEFORE_SEED)
        assert not migrate_to(AFTER_SEED).get_model("directory", "HelpLine").objects.exists()
    finally:
        migrate_to()


def test_arriving_with_a_language_and_no_postal_code_shows_no_error(client, db):
    LanguageFactory(code="vi")
    html = client.get(URL, {"language": "vi"}).content.decode()
    assert '<option value="vi" selected>' in html
    assert "field__error" not in html


def test_the_listing_with_no_match_in_a_language_offers_the_help_line(
    client, real_data, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = client.get("/en/associations/", {"prefecture": "10", "language": "ne"})
    html = response.content.decode()
    assert response.context["page_obj"].paginator.count == 0
    assert html.count("<h1") == 1
    assert "National help lines in Nepali" in html
    assert 'href="tel:0120762029"' in html
    assert 'href="/en/associations/?language=ne"' in html
    assert 'href="/en/associations/serving/?language=ne#postal-code"' in html


def test_the_listing_with_matches_is_unchanged(client, real_data):
    html = client.get("/en/associations/", {"language": "ne"}).content.decode()
    assert 'class="language-help"' not in html
    assert "FRESC" not in html
