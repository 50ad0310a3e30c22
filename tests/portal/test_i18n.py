"""The portal in 19 languages: pages, switcher, catalogues, fallbacks, furigana, RTL."""

import gettext
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models
from django.template import Context, Template
from django.test import override_settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import get_language_info, to_locale
from modeltranslation.fields import TranslationField

from core import furigana
from core.i18n import fallback_chain, resolve_translation, translated_expression
from core.languages import BY_CODE, SITE_LANGUAGES
from directory import vocabulary
from directory.filters import AssociationFilter
from directory.models import Association, Prefecture, Service
from pages.models import Page
from tests.factories import (
    AssociationFactory,
    PrefectureFactory,
    RegionFactory,
    ServiceFactory,
    YokohamaFactory,
)

LOCALE_DIR = settings.BASE_DIR / "locale"
LANGUAGE_CODES = [language.code for language in SITE_LANGUAGES]
# English is the source language: its msgids are the text, so its catalogue stays empty.
SOURCE_LANGUAGE = "en"
TRANSLATED_LANGUAGES = [code for code in LANGUAGE_CODES if code != SOURCE_LANGUAGE]
OUR_APPS = ("portal", "directory", "enquiries")


def catalogue_path(language_code):
    return LOCALE_DIR / to_locale(language_code) / "LC_MESSAGES" / "django.po"


class PageFacts(HTMLParser):
    """What the i18n tests need from a page: <html> attributes, hreflang links, switcher."""

    def __init__(self, html):
        super().__init__()
        self.html_attrs = {}
        self.alternates = {}
        self.switcher = {}
        self.h1_count = 0
        self.ruby_count = 0
        self._in_switcher = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_attrs = attrs
        elif tag == "link" and attrs.get("rel") == "alternate" and "hreflang" in attrs:
            self.alternates[attrs["hreflang"]] = attrs["href"]
        elif tag == "nav" and "language-switcher" in attrs.get("class", ""):
            self._in_switcher = True
        elif tag == "a" and self._in_switcher:
            self.switcher[attrs["hreflang"]] = attrs["href"]
        elif tag == "h1":
            self.h1_count += 1
        elif tag == "ruby":
            self.ruby_count += 1

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_switcher = False


# --- Every public page in every language ----------------------------------------------------


@pytest.fixture
def content_page(db):
    return Page.objects.create(
        slug="about", title_ja="このサイトについて", title_en="About", is_published=True
    )


def public_paths():
    return [
        "/{lang}/",
        "/{lang}/associations/",
        "/{lang}/associations/?service=japanese-classes&region=kanto",
        "/{lang}/associations/yokohama-city/",
        "/{lang}/pages/about/",
    ]


@pytest.mark.parametrize("language", SITE_LANGUAGES, ids=LANGUAGE_CODES)
def test_every_public_page_in_every_language(client, real_data, content_page, language):
    for template in public_paths():
        path = template.format(lang=language.code)
        response = client.get(path)
        assert response.status_code == 200, path
        facts = PageFacts(response.content.decode())
        assert {key: facts.html_attrs.get(key) for key in ("lang", "dir")} == {
            "lang": language.bcp47,
            "dir": language.direction,
        }, path
        assert facts.h1_count == 1, path

        expected = {other.bcp47: other.code for other in SITE_LANGUAGES}
        assert set(facts.alternates) == {*expected, "x-default"}, path
        split = urlsplit(path)
        for bcp47, code in expected.items():
            alternate = urlsplit(facts.alternates[bcp47])
            assert alternate.scheme == "http" and alternate.netloc == "testserver"
            assert alternate.path == split.path.replace(f"/{language.code}/", f"/{code}/", 1)
            assert parse_qs(alternate.query) == parse_qs(split.query)
        assert urlsplit(facts.alternates["x-default"]).path.startswith("/en/")

        # The switcher: every language, each link the same page with the same filters.
        assert set(facts.switcher) == set(expected), path
        for bcp47, code in expected.items():
            link = urlsplit(facts.switcher[bcp47])
            assert link.path == split.path.replace(f"/{language.code}/", f"/{code}/", 1)
            assert parse_qs(link.query) == parse_qs(split.query)


@pytest.fixture
def filters(db):
    """What the listing's filters below name: a service and a region."""
    ServiceFactory(slug="japanese-classes")
    AssociationFactory(prefecture__region=RegionFactory(slug="kanto"))


@pytest.mark.parametrize("language", SITE_LANGUAGES, ids=LANGUAGE_CODES)
def test_switcher_round_trips_page_and_filters(client, filters, language):
    start = "/en/associations/?service=japanese-classes&region=kanto&sort=name"
    facts = PageFacts(client.get(start).content.decode())
    there = client.get(facts.switcher[language.bcp47])
    assert there.status_code == 200
    assert there.wsgi_request.LANGUAGE_CODE == language.code
    assert there.context["filterset"].form.cleaned_data["service"].slug == "japanese-classes"
    assert there.context["filterset"].form.cleaned_data["region"].slug == "kanto"
    assert there.context["filterset"].form.cleaned_data["sort"] == "name"
    back = PageFacts(there.content.decode()).switcher["en"]
    assert urlsplit(back).path == "/en/associations/"
    assert parse_qs(urlsplit(back).query) == parse_qs(urlsplit(start).query)


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        ("vi-VN,vi;q=0.9,en;q=0.5", "/vi/"),
        ("pt-BR,pt;q=0.9", "/pt-br/"),
        ("pt", "/pt-br/"),
        ("zh-CN,zh;q=0.9", "/zh-hans/"),
        ("fil-PH", "/fil/"),
        ("si-LK", "/si/"),
        ("ur-PK,ur;q=0.9", "/ur/"),
        ("id", "/id/"),
        ("ja", "/ja/"),
        ("de-DE,de;q=0.9", "/en/"),
        ("", "/en/"),
    ],
)
# The redirect is made from the 404 response for "/", whose page shows the division (DB).
def test_root_redirects_by_accept_language(client, db, accept_language, expected):
    response = client.get("/", headers={"accept-language": accept_language})
    assert response.status_code == 302
    assert response["Location"] == expected


def test_django_knows_the_languages_it_ships_no_locale_data_for():
    for code, local_name in [("fil", "Filipino"), ("si", "සිංහල"), ("ja-easy", "やさしい にほんご")]:
        info = get_language_info(code)
        assert info["name_local"] == local_name
        assert info["bidi"] is False
    assert get_language_info("ur")["bidi"] is True
    assert settings.LANGUAGES_BIDI == ["ur"]


def test_site_language_names_are_translated():
    with translation.override("vi"):
        assert BY_CODE["en"].name == "tiếng Anh"
    with translation.override("ja-easy"):
        assert BY_CODE["ja"].name == "日本語"
        assert BY_CODE["ja-easy"].name == "やさしい 日本語"


# --- Catalogues -------------------------------------------------------------------------------


def test_every_site_language_has_a_catalogue():
    for code in LANGUAGE_CODES:
        assert catalogue_path(code).exists(), code


@pytest.mark.parametrize("language_code", TRANSLATED_LANGUAGES)
def test_catalogue_is_complete(language_code):
    catalogue = polib.pofile(str(catalogue_path(language_code)))
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
    assert not catalogue.metadata_is_fuzzy


@pytest.mark.parametrize("language_code", TRANSLATED_LANGUAGES)
def test_translations_keep_their_placeholders(language_code):
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
    for entry in polib.pofile(str(catalogue_path(language_code))).translated_entries():
        if entry.msgid_plural:
            expected = set(placeholder.findall(entry.msgid_plural))
            for form in entry.msgstr_plural.values():
                assert set(placeholder.findall(form)) == expected, entry.msgid
        else:
            assert set(placeholder.findall(entry.msgstr)) == set(
                placeholder.findall(entry.msgid)
            ), entry.msgid


@pytest.mark.parametrize("language_code", LANGUAGE_CODES)
def test_catalogue_compiles(language_code, tmp_path):
    result = subprocess.run(
        [
            "msgfmt",
            "--check",
            "-o",
            str(tmp_path / "django.mo"),
            str(catalogue_path(language_code)),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("language_code", "samples"),
    [
        # Filipino (CLDR): "one" is 1, 2, 3 and every number not ending in 4, 6 or 9.
        ("fil", {1: 0, 2: 0, 3: 0, 4: 1, 5: 0, 6: 1, 9: 1, 10: 0, 14: 1}),
        ("si", {0: 0, 1: 0, 2: 1, 63: 1}),
        ("ja-easy", {0: 0, 1: 0, 63: 0}),
    ],
)
def test_plural_forms_for_languages_django_has_no_data_for(language_code, samples):
    header = polib.pofile(str(catalogue_path(language_code))).metadata["Plural-Forms"]
    plural = gettext.c2py(re.search(r"plural=(.+?);?$", header).group(1))
    assert {n: plural(n) for n in samples} == samples


def test_catalogues_cover_every_marked_string(tmp_path, monkeypatch):
    """Fails when a marked string is missing from the catalogues (run makemessages).

    makemessages writes into any locale/ it finds, so it runs on a copy of the sources.
    """
    project = tmp_path / "project"
    shutil.copytree(
        settings.BASE_DIR,
        project,
        ignore=shutil.ignore_patterns(
            ".*", "node_modules", "locale", "tests", "fixtures", "reports", "static", "*.egg-info"
        ),
    )
    target = project / "locale" / "ja" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(catalogue_path("ja"), target / "django.po")
    monkeypatch.chdir(project)
    with override_settings(LOCALE_PATHS=[project / "locale"]):
        call_command("makemessages", locale=["ja"], verbosity=0)
    refreshed = polib.pofile(str(target / "django.po"))
    missing = [entry.msgid for entry in refreshed.untranslated_entries()]
    missing += [entry.msgid for entry in refreshed.fuzzy_entries()]
    assert missing == []


# --- Strings shown to visitors are marked -------------------------------------------------

# Text that is the same in every language.
ALLOWED_UNMARKED_TEXT = {
    "〒", "·", "(", ")", ",", ":", "|", "CLAIR",
    # File names of the open-data downloads: the same in every language.
    "associations.csv", "associations.json", "hsds/organizations.json",
}  # fmt: skip
VISIBLE_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")


def template_files():
    directories = [settings.BASE_DIR / "templates"]
    directories += [Path(apps.get_app_config(app).path) / "templates" for app in OUR_APPS]
    return sorted(
        path for folder in directories if folder.exists() for path in folder.rglob("*.html")
    )


def unmarked_text(source):
    source = re.sub(r"{#.*?#}", " ", source, flags=re.S)
    source = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", " ", source, flags=re.S)
    source = re.sub(
        r"{%\s*blocktrans(late)?\b.*?{%\s*endblocktrans(late)?\s*%}", " ", source, flags=re.S
    )
    source = re.sub(r"<(script|style)\b.*?</\1>", " ", source, flags=re.S)
    source = re.sub(r"<!--.*?-->", " ", source, flags=re.S)
    # {% block %} contents are text like any other; a {% translate %} inside an attribute
    # leaves the attribute empty.
    source = re.sub(r"{%.*?%}|{{.*?}}", " ", source, flags=re.S)
    found = []
    for attribute in VISIBLE_ATTRIBUTES:
        found += re.findall(rf'\s{attribute}="([^"]*)"', source)
    found += re.findall(r'<meta\s+name="description"\s+content="([^"]*)"', source)
    found += re.sub(r"<[^>]*>", " ", source).split()
    return [
        word
        for chunk in found
        for word in chunk.split()
        if word not in ALLOWED_UNMARKED_TEXT and re.search(r"[^\W\d_]", word)
    ]


def test_unmarked_text_finder_finds_text():
    assert unmarked_text('<p title="Hello">{% translate "x" %} World {{ name }}</p>') == [
        "Hello",
        "World",
    ]
    assert unmarked_text("{% blocktranslate trimmed %}Fine {{ x }}{% endblocktranslate %}") == []


@pytest.mark.parametrize("path", template_files(), ids=lambda path: path.name)
def test_template_text_is_marked_for_translation(path):
    assert unmarked_text(path.read_text()) == []


def our_models():
    """Models we define; django-simple-history's generated history models use its own texts."""
    return [
        model
        for app in OUR_APPS
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical")
    ]


# Internal columns that no one ever sees.
UNSHOWN_FIELDS = {
    ("directory", "Association", name) for name in ("search_text", "search_readings", "search_body")
}
# Choices labelled with each language's name in its own script, on purpose untranslated.
NATIVE_NAME_CHOICES = {("enquiries", "Enquiry", "reply_language")}


@pytest.mark.parametrize("model", our_models(), ids=lambda model: model.__name__)
def test_model_texts_are_lazy_translations(model):
    assert isinstance(model._meta.verbose_name, Promise)
    assert isinstance(model._meta.verbose_name_plural, Promise)
    for field in model._meta.get_fields():
        if (
            not isinstance(field, models.Field)
            or field.auto_created
            or isinstance(field, TranslationField)
            or (model._meta.app_label, model.__name__, field.name) in UNSHOWN_FIELDS
        ):
            continue
        assert isinstance(field.verbose_name, Promise), field.name
        if field.help_text:
            assert isinstance(field.help_text, Promise), field.name
        if (model._meta.app_label, model.__name__, field.name) in NATIVE_NAME_CHOICES:
            continue
        for _value, label in field.flatchoices or ():
            assert isinstance(label, Promise), field.name


def test_app_names_and_filter_labels_are_lazy_translations():
    for app in OUR_APPS:
        verbose_name = apps.get_app_config(app).verbose_name
        assert isinstance(verbose_name, Promise), app
    for name, filter_ in AssociationFilter.base_filters.items():
        assert isinstance(filter_.label, Promise), name


# --- Content fallbacks ------------------------------------------------------------------------


def test_fallback_chain():
    assert fallback_chain("vi") == ["vi", "en", "ja"]
    assert fallback_chain("en") == ["en", "ja"]
    assert fallback_chain("ja") == ["ja", "en"]
    # Easy Japanese readers read Japanese script: Japanese before English.
    assert fallback_chain("ja-easy") == ["ja-easy", "ja", "en"]


def yokohama():
    return Association.objects.get(slug="yokohama-city")


@pytest.fixture
def yokohama_city(db):
    """Yokohama's association as shipped: its name and city in Japanese and English only."""
    return YokohamaFactory()


def test_association_names_fall_back_to_english_then_japanese(yokohama_city):
    association = yokohama()
    name_en, name_ja = association.name_en, association.name_ja
    assert resolve_translation(association, "name", "vi") == (name_en, "en")
    assert resolve_translation(association, "name", "ja-easy") == (name_ja, "ja")
    association.name_en = ""
    assert resolve_translation(association, "name", "vi") == (name_ja, "ja")


@override_settings(
    LANGUAGES=[*settings.LANGUAGES, ("xx", "Test language")],
    MODELTRANSLATION_FALLBACK_LANGUAGES={"default": ("en", "ja")},
)
def test_a_newly_added_empty_language_falls_back(yokohama_city):
    """A language added to settings before any content exists in it, even before its columns."""
    # Two more in Kanto, made after Yokohama's and sorting before it by name.
    for code, name_en in (("13", "Beta Association"), ("12", "Alpha Association")):
        AssociationFactory(
            name_en=name_en,
            prefecture=PrefectureFactory(code=code, region=yokohama_city.prefecture.region),
        )
    association = yokohama()
    assert resolve_translation(association, "name", "xx") == (association.name_en, "en")
    with translation.override("xx"):
        html = Template(
            '{% load portal_tags %}{% translated association "name" %}'
            '{% fallback_notice association "name" %}'
        ).render(Context({"association": association}))
        kanto = Association.objects.filter(prefecture__region__slug="kanto")
        ordered = [resolve_translation(shown, "name")[0] for shown in kanto.in_name_order()]
    assert f'<span lang="en">{association.name_en}</span>' in html
    assert 'class="fallback-notice"' in html
    assert ordered == sorted(ordered)


def test_fallback_text_carries_its_language_and_the_page_says_so(client, yokohama_city):
    html = client.get("/vi/associations/yokohama-city/").content.decode()
    assert f'<span lang="en">{yokohama().name_en}</span>' in html
    assert "chưa được dịch sang ngôn ngữ của bạn" in html
    assert "tiếng Anh" in html

    html = client.get("/ja-easy/associations/yokohama-city/").content.decode()
    assert '<span lang="ja">' in html
    assert 'class="fallback-notice"' in html

    for language in ("ja", "en"):
        html = client.get(f"/{language}/associations/yokohama-city/").content.decode()
        assert 'class="fallback-notice"' not in html


def test_a_translated_association_shows_no_notice(client, yokohama_city):
    association = yokohama()
    association.name_vi = "Hiệp hội Giao lưu Quốc tế Yokohama"
    association.city_vi = "Yokohama"
    association.address_vi = association.address_en or association.address_ja
    association.description_vi = association.description_en or association.description_ja
    association.save()
    html = client.get("/vi/associations/yokohama-city/").content.decode()
    assert "<h1>Hiệp hội Giao lưu Quốc tế Yokohama" in html
    assert 'class="fallback-notice"' not in html


def test_reference_data_needs_no_fallback(client, real_data):
    for model, fields in [(Service, ("name", "description")), (Prefecture, ("name",))]:
        for instance in model.objects.all():
            for field in fields:
                for code in LANGUAGE_CODES:
                    text, shown_in = resolve_translation(instance, field, code)
                    assert text and shown_in == code, (instance, field, code)


def test_reference_vocabularies_name_every_language():
    groups = [region["name"] for region in vocabulary.regions()]
    for service in vocabulary.services():
        groups += [service["name"], service["description"]]
    groups += [language["name"] for language in vocabulary.consultation_languages()]
    division = vocabulary.division()
    groups += [division["name"], division["organisation"]]
    for names in groups:
        assert set(names) == set(LANGUAGE_CODES)
        assert all(value.strip() for value in names.values())
    assert len(vocabulary.prefecture_names()["prefecture"]) == 47


# --- Queries with fallbacks (django-modeltranslation issue #286) ---------------------------


@pytest.fixture
def three_associations(db):
    """Three associations in Tokyo whose names exist in different languages."""
    tokyo = PrefectureFactory(code="13")
    made = []
    for index, names in enumerate(
        [
            {"name_ja": "あ協会", "name_en": "Beta Association"},
            {"name_ja": "い協会", "name_en": ""},
            {"name_ja": "う協会", "name_en": "Alpha Association", "name_vi": "Zulu"},
        ],
        start=1,
    ):
        made.append(
            Association.objects.create(
                slug=f"test-{index}",
                level=Association.Level.DESIGNATED_CITY,
                municipality_code=f"9900{index}",
                prefecture=tokyo,
                display_order=1000 + index,
                **names,
            )
        )
    return Association.objects.filter(pk__in=[association.pk for association in made])


def test_ordering_by_name_uses_the_fallback_chain(three_associations):
    def names(language_code):
        queryset = three_associations.in_name_order(language_code)
        return [resolve_translation(a, "name", language_code)[0] for a in queryset]

    # Visitor's column, else English, else Japanese: never empty values first.
    assert names("vi") == ["Beta Association", "Zulu", "い協会"]
    assert names("en") == ["Alpha Association", "Beta Association", "い協会"]
    assert names("ja") == ["あ協会", "い協会", "う協会"]
    # What modeltranslation alone does: sorts on name_vi only, so the two associations without
    # a Vietnamese name sort together before "Zulu" (SQLite) or after it (PostgreSQL's NULLs).
    with translation.override("vi"):
        naive = [a.slug for a in three_associations.order_by("name")]
    assert "test-3" in (naive[0], naive[-1])


def test_translated_expression_reads_like_the_page(three_associations):
    annotated = three_associations.annotate(shown=translated_expression("name", "fil"))
    for association in annotated:
        assert association.shown == resolve_translation(association, "name", "fil")[0]


def test_listing_sorts_by_name_in_the_visitors_language(client, three_associations):
    response = client.get("/vi/associations/?prefecture=13&level=designated_city&sort=name")
    slugs = [a.slug for a in response.context["page_obj"].object_list]
    test_slugs = [slug for slug in slugs if slug.startswith("test-")]
    assert test_slugs == ["test-1", "test-3", "test-2"]


@pytest.mark.parametrize("query", ["yokohama", "ＹＯＫＯＨＡＭＡ", "横浜"])
@pytest.mark.parametrize("language", ["vi", "ur", "ja-easy", "en"])
def test_search_matches_names_in_any_language(client, yokohama_city, language, query):
    response = client.get(f"/{language}/associations/", {"q": query})
    slugs = [a.slug for a in response.context["page_obj"].object_list]
    assert "yokohama-city" in slugs


# --- Furigana for Easy Japanese --------------------------------------------------------------


def test_readings_sit_over_kanji_and_leave_okurigana_outside():
    assert furigana.align("問い合わせ", "といあわせ") == [
        ("問", "と"),
        ("い", None),
        ("合", "あ"),
        ("わせ", None),
    ]
    html = furigana.annotate_text("外国人の相談")
    assert "<ruby>相談<rt>そうだん</rt></ruby>" in html
    assert "<ruby>外国<rt>がいこく</rt></ruby>" in html
    assert furigana.annotate_text("ひらがな と English") == "ひらがな と English"


def test_furigana_skips_what_must_stay_plain():
    html = furigana.add_furigana(
        '<!DOCTYPE html><html lang="ja-x-easy"><head><title>日本語</title>'
        "<style>p::after{content:'漢'}</style></head><body>"
        '<p title="漢字">日本語 &amp; 英語</p><a lang="zh-Hans">简体中文</a>'
        "<select><option>東京都</option></select><textarea>東京</textarea>"
        "<ruby>漢<rt>かん</rt></ruby><script>let a = '<b>東京</b>';</script></body></html>"
    )
    assert "<title>日本語</title>" in html
    assert 'title="漢字"' in html
    assert "<ruby>日本<rt>にほん</rt></ruby>" in html and "&amp;" in html
    assert '<a lang="zh-Hans">简体中文</a>' in html
    assert "<option>東京都（とうきょうと）</option>" in html
    assert "<textarea>東京</textarea>" in html
    assert "<ruby>漢<rt>かん</rt></ruby>" in html
    assert "let a = '<b>東京</b>';" in html
    assert "content:'漢'" in html


def test_easy_japanese_pages_have_furigana_and_others_do_not(client, real_data):
    furigana.annotate_text.cache_clear()
    furigana.add_furigana.cache_clear()
    html = client.get("/ja-easy/associations/").content.decode()
    assert PageFacts(html).ruby_count > 100
    assert "<ruby>協会<rt>きょうかい</rt></ruby>" in html
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<ruby>" not in title
    first = furigana.annotate_text.cache_info()
    # The same page again comes whole from the page cache: no text is analysed again.
    assert client.get("/ja-easy/associations/").content.decode() == html
    assert furigana.annotate_text.cache_info().misses == first.misses
    assert furigana.add_furigana.cache_info().hits >= 1

    assert "<ruby>" not in client.get("/ja/associations/").content.decode()
    assert "<ruby>" not in client.get("/zh-hans/associations/").content.decode()


# --- Right to left ----------------------------------------------------------------------------


def test_stylesheet_uses_logical_properties_only():
    css = (settings.BASE_DIR / "static" / "css" / "portal.css").read_text()
    physical = re.findall(
        r"(?<![\w-])(?:margin|padding|border)-(?:left|right)\b|(?<![\w-])(?:left|right)\s*:"
        r"|text-align\s*:\s*(?:left|right)|float\s*:\s*(?:left|right)",
        css,
    )
    assert physical == []
