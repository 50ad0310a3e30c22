import pytest

from pages.models import Page
from portal.search import clean_query, highlight, search_terms
from tests.factories import (
    AssociationFactory,
    KanagawaAssociationFactory,
    PageFactory,
    PrefectureFactory,
    YokohamaFactory,
)


def search(client, query, language="en"):
    response = client.get(f"/{language}/search/", {"q": query})
    assert response.status_code == 200
    return response, response.content.decode()


def slugs(response):
    return [result["object"].slug for result in response.context["association_results"]]


@pytest.fixture
def searchable(db):
    """Three associations, named as the shipped ones are, and two pages: enough for a query to
    find one of them and not the others, and for a wildcard that got through to find all."""
    KanagawaAssociationFactory()
    YokohamaFactory()
    AssociationFactory(
        slug="osaka",
        name_ja="公益財団法人大阪府国際交流財団",
        name_en="Osaka Foundation of International Exchange",
        prefecture=PrefectureFactory(code="27", name_ja="大阪府", name_en="Osaka"),
    )
    # In Korean too, as every shipped page is: the footer lists them.
    PageFactory(
        slug="privacy",
        title_ja="個人情報の取扱い",
        title_en="Privacy policy",
        title_ko="개인정보 처리방침",
        body_ko="개인정보에 대하여.",
    )
    PageFactory(
        slug="accessibility",
        title_ja="アクセシビリティ方針",
        title_en="Accessibility",
        title_ko="접근성 방침",
        body_ko="이 사이트의 접근성에 대하여.",
    )


def test_highlight_marks_matches_and_escapes_everything_else():
    html = highlight("<b>Yokohama</b> & YOKOHAMA", search_terms("yokohama"))
    assert html == "&lt;b&gt;<mark>Yokohama</mark>&lt;/b&gt; &amp; <mark>YOKOHAMA</mark>"


def test_highlight_maps_folded_matches_back_to_the_original_text():
    assert highlight("北海道国際交流・協力総合センター", search_terms("ｾﾝﾀｰ")) == (
        "北海道国際交流・協力総合<mark>センター</mark>"
    )
    assert highlight("ＣＬＡＩＲ", search_terms("clair")) == "<mark>ＣＬＡＩＲ</mark>"


def test_highlight_excerpt_cuts_around_the_first_match():
    text = "a" * 300 + " needle " + "b" * 300
    html = highlight(text, ["needle"], excerpt=True)
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>needle</mark>" in html
    assert len(html) < 260


def test_clean_query_drops_control_characters_and_trims():
    assert clean_query("  yoko\x00hama\u200b  ") == ("yokohama", False)
    query, truncated = clean_query("x" * 1000)
    assert len(query) == 200 and truncated


@pytest.mark.parametrize(
    "query", ["yokohama", "YOKOHAMA", "ＹＯＫＯＨＡＭＡ", "ヨコハマ", "よこはま", "ﾖｺﾊﾏ", "横浜"]
)
def test_associations_are_found_whatever_the_form_of_the_query(client, searchable, query):
    response, html = search(client, query)
    assert slugs(response) == ["yokohama-city"]
    assert 'href="/en/associations/yokohama-city/"' in html


def test_kana_variants_find_the_same_associations(client, real_data):
    katakana, _ = search(client, "センター", language="ja")
    hiragana, _ = search(client, "せんたー", language="ja")
    half_width, html = search(client, "ｾﾝﾀｰ", language="ja")
    assert slugs(katakana) == slugs(hiragana) == slugs(half_width)
    assert "hokkaido" in slugs(katakana)
    assert "<mark>センター</mark>" in html


def test_results_are_in_the_visitors_language_with_the_match_highlighted(client, searchable):
    _response, html = search(client, "kanagawa")
    assert "<mark>Kanagawa</mark> International Foundation" in html
    _response, html = search(client, "かながわ", language="ja")
    assert "公益財団法人<mark>かながわ</mark>国際交流財団" in html


def test_pages_are_found_in_the_visitors_language(client, searchable):
    response, html = search(client, "privacy")
    assert [r["object"].slug for r in response.context["page_results"]] == ["privacy"]
    assert "<mark>Privacy</mark> policy" in html
    response, html = search(client, "個人情報", language="ja")
    assert "privacy" in [r["object"].slug for r in response.context["page_results"]]
    assert "<mark>個人情報</mark>" in html


def test_pages_are_found_by_their_text_in_the_visitors_language(client, searchable):
    title = Page.objects.get(slug="accessibility").title_ko
    response, html = search(client, title, language="ko")
    assert "accessibility" in [r["object"].slug for r in response.context["page_results"]]
    assert 'lang="en"' not in html.split('id="page-results-heading"', 1)[1]


def test_pages_fall_back_and_say_which_language_they_are_in(client, searchable):
    # Not yet translated into Korean: the English text is searched and shown, marked as such.
    Page.objects.filter(slug="accessibility").update(title_ko="", body_ko="")
    response, html = search(client, "accessibility", language="ko")
    assert "accessibility" in [r["object"].slug for r in response.context["page_results"]]
    assert 'lang="en"' in html.split('id="page-results-heading"', 1)[1]


def test_every_word_must_match(client, searchable):
    response, _ = search(client, "kanagawa osaka")
    assert slugs(response) == []


def test_drafts_are_never_found(client, searchable):
    PageFactory(slug="secret", title_ja="秘密", title_en="Secret plan", is_published=False)
    response, html = search(client, "secret")
    assert response.context["page_results"] == []
    assert "Secret plan" not in html


@pytest.mark.parametrize("query", ["", "   ", "\x00", "\u200b"])
def test_empty_queries_ask_for_a_word(client, searchable, query):
    response, html = search(client, query)
    assert response.context["result_count"] == 0
    assert "Type a word to search for" in html


def test_the_search_page_without_a_query_just_shows_the_form(client, searchable):
    html = client.get("/en/search/").content.decode()
    assert 'id="search-q"' in html
    assert "Type a word" not in html


@pytest.mark.parametrize(
    "query", ["_", "%%%", "%_%", "' OR 1=1 --", "<script>alert(1)</script>", "🙂"]
)
def test_silly_queries_are_harmless(client, searchable, query):
    response, html = search(client, query)
    assert response.context["result_count"] == 0
    assert "<script>alert(1)" not in html
    assert "Nothing matched" in html


def test_huge_queries_are_trimmed_with_a_notice(client, searchable):
    response, html = search(client, "yokohama " + "x" * 5000)
    assert len(response.context["query"]) == 200
    assert "only its first 200 characters were used" in html


def test_search_makes_few_queries(client, real_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get("/en/search/", {"q": "kyoto"})


# Real names, each typed the ways a resident might: its kanji, hiragana, katakana (full and
# half width) and romaji, with partial words, long vowels written with macrons, doubled or
# not at all, and Kunrei-shiki spellings. Romaji queries use words the English names do not
# contain (kokusai, koryu…), so they can only match through the names' readings.
READING_QUERIES = [
    ("yokohama-city", ["横浜市国際", "よこはま", "よこはましこくさい", "ヨコハマシ", "ﾖｺﾊﾏ"]),
    ("yokohama-city", ["yokohamashi kokusai koryu", "Yokohama-shi Kokusai Kōryū Kyōkai"]),
    ("sapporo-city", ["札幌国際", "さっぽろ", "サッポロコクサイ", "sapporo kokusai", "Sapporo"]),
    ("hokkaido", ["北海道", "ほっかいどう", "ホッカイドウ", "hokkaidou kokusai", "hokkaidō"]),
    ("niigata-city", ["新潟市", "にいがたし", "ニイガタシ", "niigatashi kokusai", "nīgata-shi"]),
    ("osaka", ["大阪府", "おおさかふ", "オオサカフ", "osakafu kokusai", "oosakafu", "Ōsaka-fu"]),
    ("kyoto-city", ["京都市", "きょうとし", "キョウトシ", "kyoto-shi kokusai", "kyoutoshi"]),
    ("tokyo", ["東京都", "とうきょうと", "トウキョウト", "tokyoto tsunagari", "tōkyōto"]),
    ("gunma", ["群馬県", "ぐんまけん", "グンマケン", "gunma kanko bussan", "gumma kankou"]),
    ("hamamatsu-city", ["浜松国際", "はままつ", "ハママツ", "hamamatsu kokusai", "hamamatu"]),
    ("kitakyushu-city", ["北九州", "きたきゅうしゅう", "キタキュウシュウ", "kitakyuushuu"]),
    ("kitakyushu-city", ["kitakyushu kokusai koryu", "Kitakyūshū"]),
    ("shizuoka", ["静岡県", "しずおかけん", "シズオカケン", "shizuokaken kokusai", "sizuoka"]),
    ("kobe-city", ["神戸国際", "こうべこくさい", "コウベコクサイ", "kobe kokusai", "kōbe"]),
    ("kumamoto", ["熊本県国際", "くまもとけん", "クマモトケン", "kumamotoken kokusai kyokai"]),
    ("oita", ["大分県芸術", "おおいたけん", "オオイタケン", "oitaken geijutsu", "ooita"]),
]


@pytest.mark.parametrize(
    ("slug", "query"),
    [(slug, query) for slug, queries in READING_QUERIES for query in queries],
)
def test_a_name_is_found_by_its_kanji_kana_and_romaji(client, real_data, slug, query):
    response, html = search(client, query)
    assert slug in slugs(response)
    assert f'href="/en/associations/{slug}/"' in html


@pytest.mark.parametrize("query", ["国際", "こくさい", "コクサイ", "ｺｸｻｲ", "kokusai", "KOKUSAI"])
def test_every_form_of_a_word_finds_the_same_associations(client, real_data, query):
    from directory.models import Association

    written_with_kokusai = Association.objects.filter(name_ja__contains="国際").count()
    response = client.get("/en/associations/", {"q": query})
    assert response.context["listing"].total == written_with_kokusai >= 60
    site_search, _html = search(client, query)
    assert len(slugs(site_search)) == 50  # MAX_RESULTS


def test_place_readings_in_romaji_find_what_the_kana_find(client, real_data):
    # Kanagawa's own body, and Yokohama's and Kawasaki's through their place.
    for query in ("かながわ", "カナガワ", "kanagawa", "Kanagawa-ken"):
        response, _html = search(client, query)
        assert slugs(response) == ["kanagawa", "yokohama-city", "kawasaki-city"], query


def test_names_that_match_come_before_descriptions_that_match(client, real_data):
    from directory.models import Association

    # Made-up descriptions (test data only): two associations that mention Yokohama.
    for slug in ("okinawa", "hokkaido"):
        association = Association.objects.get(slug=slug)
        association.description_en = "Our volunteers trained with colleagues in Yokohama."
        association.save()
    response, html = search(client, "yokohama")
    # Yokohama's own association first although Hokkaido comes first on CLAIR's list; the
    # description matches after it, in the list's order.
    assert slugs(response) == ["yokohama-city", "hokkaido", "okinawa"]
    assert "colleagues in <mark>Yokohama</mark>." in html
    # A name match shows no description passage.
    assert html.count("colleagues in") == 2


def test_a_description_is_found_in_kana_whatever_its_script(client, real_data):
    from directory.models import Association

    okinawa = Association.objects.get(slug="okinawa")
    okinawa.description_ja = "ボランティア通訳の研修を行っています。"
    okinawa.save()
    for query in ("ぼらんてぃあ", "ボランティア", "ﾎﾞﾗﾝﾃｨｱ"):
        response, html = search(client, query, language="ja")
        assert slugs(response) == ["okinawa"], query
        assert "<mark>ボランティア</mark>通訳" in html
    # The listing's search stays on names and places ("Name or city").
    assert client.get("/en/associations/", {"q": "ぼらんてぃあ"}).context["listing"].total == 0
