"""Dates, counts and phone numbers on public pages are written as CLDR writes them for the
page's language (Babel), and phone numbers as Japanese or foreign readers dial them."""

import datetime
import html as html_module
import re

import pytest
from babel.dates import format_date
from babel.numbers import format_decimal
from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from core import locale_formats
from directory.models import Association
from tests.factories import (
    AssociationFactory,
    AssociationLanguageFactory,
    AssociationServiceFactory,
    DivisionFactory,
    PrefectureFactory,
)

# The CLDR locale each page language should be written in, stated here rather than read from
# core/languages.py, so that a wrong entry there fails this test.
EXPECTED_CLDR_LOCALE = {
    "ja": "ja",
    "ja-easy": "ja",
    "en": "en_GB",
    "zh-hans": "zh_Hans",
    "ko": "ko",
    "vi": "vi",
    "fil": "fil",
    "pt-br": "pt_BR",
    "es": "es",
    "ne": "ne",
    "id": "id",
    "th": "th",
    "my": "my",
    "km": "km",
    "mn": "mn",
    "si": "si",
    "fr": "fr",
    "bn": "bn",
    "ur": "ur",
}

# Niigata's association: its contact details and its facts were checked on recorded days.
DETAIL = "/{language}/associations/niigata/"
CHECKED = datetime.date(2026, 12, 2)


@pytest.fixture
def niigata(db):
    """Niigata's association as shipped: a phone number, and its contact details, a service
    and a language each read on its source on 2 December 2026."""
    association = AssociationFactory(
        slug="niigata",
        phone="025-290-5650",
        contact_source_url="https://niigata.example.org/contact",
        contact_checked_on=CHECKED,
    )
    AssociationServiceFactory(association=association, checked_on=CHECKED)
    AssociationLanguageFactory(association=association, checked_on=CHECKED)
    return association


def visible_text(fragment):
    """What a reader sees: furigana readings (<rt>) and tags removed, entities decoded."""
    without_readings = re.sub(r"<rt>.*?</rt>", "", fragment)
    return html_module.unescape(re.sub(r"<[^>]+>", "", without_readings))


def fact_sources(page):
    return [
        visible_text(span)
        for span in re.findall(r'<span class="fact-source">(.*?)</span>\s*</p>', page, re.S)
    ]


def test_every_site_language_has_an_expected_locale():
    assert set(EXPECTED_CLDR_LOCALE) == {code for code, _name in settings.LANGUAGES}


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_checked_dates_on_a_detail_page_are_babels_long_date(client, niigata, language):
    association = Association.objects.get(slug="niigata")
    checked_days = {association.contact_checked_on} | {
        fact.checked_on
        for facts in (association.service_facts.all(), association.language_facts.all())
        for fact in facts
    }
    assert None not in checked_days

    response = client.get(DETAIL.format(language=language))

    assert response.status_code == 200
    sources = fact_sources(response.content.decode())
    assert len(sources) >= 2
    for day in checked_days:
        expected = format_date(day, "long", locale=EXPECTED_CLDR_LOCALE[language])
        assert any(expected in source for source in sources), (expected, sources)


def test_the_dates_differ_where_the_languages_do(client, niigata):
    """Spot checks against what a reader of each language expects on 2 December 2026."""
    Association.objects.filter(slug="niigata").update(contact_checked_on=datetime.date(2026, 12, 2))
    expected = {
        "en": "2 December 2026",
        "ja": "2026年12月2日",
        "vi": "2 tháng 12, 2026",
        "pt-br": "2 de dezembro de 2026",
        "fil": "Disyembre 2, 2026",
        "fr": "2 décembre 2026",
    }
    for language, date in expected.items():
        page = client.get(DETAIL.format(language=language)).content.decode()
        assert any(date in source for source in fact_sources(page)), language


def test_an_urdu_date_is_urdu_text_not_an_isolated_token(client, niigata):
    page = client.get(DETAIL.format(language="ur")).content.decode()
    contact_source = re.search(r'<span class="fact-source">(.*?)</span>\s*</p>', page, re.S)[1]
    assert "2 دسمبر، 2026" in html_module.unescape(contact_source)
    assert "<bdi" not in contact_source.split("</a>")[-1]


def test_last_checked_sentence_uses_the_same_date(client, niigata):
    Association.objects.filter(slug="niigata").update(last_verified=datetime.date(2026, 11, 30))
    page = client.get(DETAIL.format(language="vi")).content.decode()
    assert format_date(datetime.date(2026, 11, 30), "long", locale="vi") in page


def test_help_lines_give_the_month_as_cldr_writes_it():
    day = datetime.date(2021, 7, 1)
    assert locale_formats.month_and_year(day, "en") == "July 2021"
    assert locale_formats.month_and_year(day, "ja") == "2021年7月"
    assert locale_formats.month_and_year(day, "ja-easy") == "2021年7月"
    assert locale_formats.month_and_year(day, "pt-br") == "julho de 2021"


def test_a_language_without_cldr_data_is_written_in_english():
    assert locale_formats.long_date(datetime.date(2026, 12, 2), "xx") == "2 December 2026"


def test_an_aware_datetime_is_the_day_in_japan():
    late_evening_utc = datetime.datetime(2026, 12, 1, 20, 0, tzinfo=datetime.UTC)
    assert locale_formats.long_date(late_evening_utc, "en") == "2 December 2026"


def render(source, language, **context):
    with translation.override(language):
        return Template("{% load locale_tags %}" + source).render(Context(context))


@pytest.mark.parametrize("language", ["en", "fr", "pt-br", "ja", "ur"])
def test_counts_use_the_languages_digit_grouping(language):
    expected = format_decimal(12345, locale=EXPECTED_CLDR_LOCALE[language])
    assert render("{{ count|number }}", language, count=12345) == expected


def test_a_count_in_a_plural_sentence_is_grouped_and_still_chooses_the_plural(db):
    prefecture = PrefectureFactory(code="14")
    prefecture.association_count = 12345
    with translation.override("fr"):
        html = render_to_string("includes/prefecture_list.html", {"map_prefectures": [prefecture]})
    assert f"({format_decimal(12345, locale='fr')} associations)" in html
    with translation.override("en"):
        prefecture.association_count = 1
        html = render_to_string("includes/prefecture_list.html", {"map_prefectures": [prefecture]})
    assert "(1 association)" in html


def test_the_map_page_counts_each_prefecture(client, real_data):
    page = client.get("/en/map/").content.decode()
    assert "(1 association)" in page
    assert "(3 associations)" in page  # Kanagawa: the prefecture, Yokohama and Kawasaki


def test_plural_choice_still_follows_the_count(client, niigata):
    AssociationFactory.create_batch(2)
    Association.objects.exclude(slug="niigata").update(is_published=False)
    assert "1 International Association, recognised" in client.get("/en/").content.decode()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ja", "025-290-5650"),
        ("ja-easy", "025-290-5650"),
        ("en", "+81 25-290-5650"),
        ("vi", "+81 25-290-5650"),
        ("ur", '<bdi dir="ltr">+81 25-290-5650</bdi>'),
    ],
)
def test_phone_numbers_national_on_japanese_pages_international_elsewhere(
    client, niigata, language, expected
):
    page = client.get(DETAIL.format(language=language)).content.decode()
    assert f'<a href="tel:+81252905650">{expected}</a>' in page


@pytest.mark.parametrize(
    ("language", "phone", "fax"),
    [
        ("ja", "03-5213-1725", "03-5213-1742"),
        ("en", "+81 3-5213-1725", "+81 3-5213-1742"),
        ("ur", '<bdi dir="ltr">+81 3-5213-1725</bdi>', '<bdi dir="ltr">+81 3-5213-1742</bdi>'),
    ],
)
def test_the_footer_contact_block_formats_the_divisions_numbers(client, db, language, phone, fax):
    DivisionFactory(is_default=True, phone="+81-3-5213-1725", fax="+81-3-5213-1742")
    page = client.get(f"/{language}/").content.decode()
    block = page[page.index('class="contact-division"') :]
    assert f'<a href="tel:+81352131725">{phone}</a>' in block
    assert f"<dd>{fax}</dd>" in block


def test_a_number_phonenumbers_cannot_read_is_shown_as_stored():
    assert render("{{ value|phone }}", "en", value="0000") == "0000"
    assert render("{{ value|tel_uri }}", "en", value="0000") == "tel:0000"
    assert render("{{ value|phone }}", "en", value="<b>1</b>") == "&lt;b&gt;1&lt;/b&gt;"


def test_a_foreign_number_stays_international_on_japanese_pages():
    assert render("{{ value|phone }}", "ja", value="+1 202-555-0143") == "+1 202-555-0143"


def test_e_mails_isolate_the_number_with_plain_text_marks():
    assert render("{{ value|phone_text }}", "ur", value="03-5213-1725") == (
        "\u2066+81 3-5213-1725\u2069"
    )
    assert render("{{ value|phone_text }}", "ja", value="+81-3-5213-1725") == "03-5213-1725"


@pytest.mark.parametrize("language", ["ja", "en", "ne"])
@pytest.mark.parametrize(
    ("stored", "dialled"),
    [("0120-76-2029", "tel:0120762029"), ("0570-064-211", "tel:0570064211")],
)
def test_numbers_only_callable_inside_japan_stay_as_published(language, stored, dialled):
    """Freephone (0120, 0800) and Navi Dial (0570) numbers cannot be called through +81: no
    page shows them in international form, and the link dials the national digits."""
    assert render("{{ value|phone }}", language, value=stored) == stored
    assert render("{{ value|tel_uri }}", language, value=stored) == dialled


@pytest.mark.parametrize("language_code", [code for code, _name in settings.LANGUAGES])
def test_a_list_of_languages_is_joined_as_the_page_language_joins_lists(
    client, real_data, language_code
):
    """The languages of a resource link: 「日本語、英語」, 'Japanese and English',
    'جاپانی اور انگریزی', not a comma that only some languages use."""
    from babel.lists import format_list

    from directory.models import Language

    with translation.override(language_code):
        names = [str(Language.objects.get(code=code).name) for code in ("ja", "en")]
    expected = format_list(names, locale=EXPECTED_CLDR_LOCALE[language_code])
    with translation.override(language_code):
        label = translation.gettext("Languages:")
    response = client.get(f"/{language_code}/pages/multilingual-information/")
    assert response.status_code == 200
    paragraphs = re.findall(
        r'<p class="resource__languages">(.*?)</p>', response.content.decode(), re.DOTALL
    )
    # The text a reader sees: furigana (Easy Japanese) and markup left out.
    shown = [
        html_module.unescape(re.sub(r"<[^>]+>", "", re.sub(r"<rt>.*?</rt>", "", paragraph)))
        for paragraph in paragraphs
    ]
    # Whitespace folded as in the page text (French puts a no-break space before the colon).
    label = " ".join(re.sub(r"<[^>]+>", "", re.sub(r"<rt>.*?</rt>", "", label)).split())
    two_languages = [" ".join(text.split()).removeprefix(label).strip() for text in shown]
    assert expected in two_languages, two_languages


def test_a_joined_list_escapes_the_names_and_keeps_their_language_marks():
    template = Template('{% load portal_tags %}{% translated_list items "name" %}')

    class Named:
        def __init__(self, name):
            self.name_en = self.name_ja = name

    with translation.override("ja"):
        html = template.render(Context({"items": [Named("<b>A</b>"), Named("B & C")]}))
    assert html == "&lt;b&gt;A&lt;/b&gt;、B &amp; C"
