import pytest

from pages.models import Page
from portal.search import clean_query, highlight, search_terms


def search(client, query, language="en"):
    response = client.get(f"/{language}/search/", {"q": query})
    assert response.status_code == 200
    return response, response.content.decode()


def slugs(response):
    return [result["object"].slug for result in response.context["association_results"]]


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
def test_associations_are_found_whatever_the_form_of_the_query(client, real_data, query):
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


def test_results_are_in_the_visitors_language_with_the_match_highlighted(client, real_data):
    _response, html = search(client, "kanagawa")
    assert "<mark>Kanagawa</mark> International Foundation" in html
    _response, html = search(client, "かながわ", language="ja")
    assert "公益財団法人<mark>かながわ</mark>国際交流財団" in html


def test_pages_are_found_in_the_visitors_language(client, real_data):
    response, html = search(client, "privacy")
    assert [r["object"].slug for r in response.context["page_results"]] == ["privacy"]
    assert "<mark>Privacy</mark> policy" in html
    response, html = search(client, "個人情報", language="ja")
    assert "privacy" in [r["object"].slug for r in response.context["page_results"]]
    assert "<mark>個人情報</mark>" in html


def test_pages_are_found_by_their_text_in_the_visitors_language(client, real_data):
    title = Page.objects.get(slug="accessibility").title_ko
    response, html = search(client, title, language="ko")
    assert "accessibility" in [r["object"].slug for r in response.context["page_results"]]
    assert 'lang="en"' not in html.split('id="page-results-heading"', 1)[1]


def test_pages_fall_back_and_say_which_language_they_are_in(client, real_data):
    # Not yet translated into Korean: the English text is searched and shown, marked as such.
    Page.objects.filter(slug="accessibility").update(title_ko="", body_ko="")
    response, html = search(client, "accessibility", language="ko")
    assert "accessibility" in [r["object"].slug for r in response.context["page_results"]]
    assert 'lang="en"' in html.split('id="page-results-heading"', 1)[1]


def test_every_word_must_match(client, real_data):
    response, _ = search(client, "kanagawa osaka")
    assert slugs(response) == []


def test_drafts_are_never_found(client, real_data):
    Page.objects.create(slug="secret", title_ja="秘密", title_en="Secret plan", is_published=False)
    response, html = search(client, "secret")
    assert response.context["page_results"] == []
    assert "Secret plan" not in html


@pytest.mark.parametrize("query", ["", "   ", "\x00", "\u200b"])
def test_empty_queries_ask_for_a_word(client, real_data, query):
    response, html = search(client, query)
    assert response.context["result_count"] == 0
    assert "Type a word to search for" in html


def test_the_search_page_without_a_query_just_shows_the_form(client, real_data):
    html = client.get("/en/search/").content.decode()
    assert 'id="search-q"' in html
    assert "Type a word" not in html


@pytest.mark.parametrize(
    "query", ["_", "%%%", "%_%", "' OR 1=1 --", "<script>alert(1)</script>", "🙂"]
)
def test_silly_queries_are_harmless(client, real_data, query):
    response, html = search(client, query)
    assert response.context["result_count"] == 0
    assert "<script>alert(1)" not in html
    assert "Nothing matched" in html


def test_huge_queries_are_trimmed_with_a_notice(client, real_data):
    response, html = search(client, "yokohama " + "x" * 5000)
    assert len(response.context["query"]) == 200
    assert "only its first 200 characters were used" in html


def test_search_makes_few_queries(client, real_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get("/en/search/", {"q": "kyoto"})
