"""Accessibility proven in a real browser: axe-core in Chromium on every public page type,
in Japanese, English, Easy Japanese and Urdu (right to left), plus keyboard, reflow, text
size and print checks. No page may contact another host.

To cover a new page type, add one (name, path) row to PUBLIC_PAGES.
"""

import pytest
from django.conf import settings

from tests.browser.axe import axe_violations
from tests.browser.network import record_external_requests

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = ["ja", "en", "ja-easy", "ur"]

# (name, path with {language}): every public page type.
PUBLIC_PAGES = [
    ("home", "/{language}/"),
    ("listing", "/{language}/associations/"),
    ("listing-filtered", "/{language}/associations/?region=kanto&level=designated_city"),
    ("listing-empty", "/{language}/associations/?q=zzzz-no-such-association"),
    ("detail", "/{language}/associations/yokohama-city/"),
    ("search", "/{language}/search/?q=kanagawa"),
    ("search-no-results", "/{language}/search/?q=zzzz"),
    ("serving-form", "/{language}/associations/serving/"),
    ("serving-results", "/{language}/associations/serving/?postal_code=231-0023"),
    ("serving-no-association", "/{language}/associations/serving/?postal_code=630-8213"),
    ("serving-error", "/{language}/associations/serving/?postal_code=abc"),
    ("map", "/{language}/map/"),
    ("page", "/{language}/pages/multicultural-japan/"),
    ("page-with-links", "/{language}/pages/multilingual-information/"),
    ("open-data", "/{language}/open-data/"),
    ("enquiry-form", "/{language}/enquiries/new/"),
]


def _assert_page_structure(page):
    assert page.locator("h1").count() == 1
    assert page.locator("header.site-header").count() == 1  # banner
    assert page.locator("main#main").count() == 1
    assert page.locator("footer.site-footer").count() == 1  # contentinfo
    assert page.locator("nav").count() >= 2
    skip_link = page.locator("a.skip-link")
    assert skip_link.get_attribute("href") == "#main"


# One test per page type, its four languages in turn: the database and the browser context a
# test sets up cost more than checking a page (1.4 s against 1.2 s under CI's two workers),
# so a test checks four pages. Every language is checked even when one fails.
@pytest.mark.parametrize(("name", "path"), PUBLIC_PAGES, ids=[name for name, _ in PUBLIC_PAGES])
def test_public_page_has_no_wcag_violations(
    page, live_server, browser_data, external_requests, name, path
):
    violations = {}
    for language in LANGUAGES:
        url = path.format(language=language)
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        _assert_page_structure(page)
        if found := axe_violations(page):
            violations[url] = found
    assert violations == {}
    assert external_requests == []


def _focused(page):
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {
                tag: el.tagName.toLowerCase(),
                id: el.id,
                text: (el.innerText || el.value || '').trim(),
                href: el.getAttribute('href'),
                focusVisible: el.matches(':focus-visible'),
                indicator: style.outlineStyle !== 'none' || style.boxShadow !== 'none',
            };
        }"""
    )


def _tab_to(page, matches, limit=120):
    """Press Tab until the focused element satisfies `matches`; every stop must show focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if focused["tag"] in {"a", "button", "input", "select"}:
            assert focused["focusVisible"] and focused["indicator"], focused
        if matches(focused):
            return focused
    raise AssertionError("never reached the element with the keyboard")


def test_keyboard_only_journey_search_filter_open(
    page, live_server, browser_data, external_requests
):
    page.goto(f"{live_server.url}/en/")

    # The first Tab reaches the skip link, which is then visible and moves focus to <main>.
    page.keyboard.press("Tab")
    skip = _focused(page)
    assert skip["href"] == "#main" and skip["indicator"]
    box = page.locator("a.skip-link").bounding_box()
    assert box["y"] >= 0 and box["height"] > 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # Search within the site.
    page.goto(f"{live_server.url}/en/")
    _tab_to(page, lambda f: f["id"] == "site-search-q")
    page.keyboard.type("ｶﾅｶﾞﾜ")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/en/search/?q=" in page.url
    assert page.locator("mark").count() >= 1

    # Go to the list and filter it, by keyboard alone.
    _tab_to(page, lambda f: f["href"] == "/en/associations/" and f["text"] == "Find an association")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _tab_to(page, lambda f: f["id"] == "filter-prefecture")
    page.keyboard.type("Kanagawa")
    _tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Show associations")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "prefecture=14" in page.url
    assert page.locator(".association-card").count() == 3

    # Open an association.
    _tab_to(page, lambda f: f["href"] == "/en/associations/yokohama-city/")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/en/associations/yokohama-city/")
    assert page.locator("h1").inner_text().startswith("Yokohama Association")
    assert external_requests == []


def test_keyboard_reaches_every_prefecture_on_the_map(
    page, live_server, browser_data, external_requests
):
    page.goto(f"{live_server.url}/en/map/")
    first = _tab_to(page, lambda f: (f["href"] or "").endswith("?prefecture=01"))
    assert first["indicator"]
    labels = set()
    for _ in range(46):
        page.keyboard.press("Tab")
        labels.add(page.evaluate("document.activeElement.getAttribute('aria-label')"))
    assert "Okinawa: 1 association" in labels and "Nara: 0 associations" in labels
    assert len(labels) == 46
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/en/associations/?prefecture=" in page.url
    assert external_requests == []


REFLOW_PAGES = [
    "/en/",
    "/ja/associations/",
    "/ur/map/",
    "/en/pages/multilingual-information/",
    "/ja/associations/serving/?postal_code=231-0023",
    "/en/search/?q=center",
    "/en/associations/hokkaido/",
    "/ja-easy/open-data/",
]


@pytest.mark.parametrize("text_size", ["standard", "larger"])
@pytest.mark.parametrize("width", [320, 640])
def test_pages_reflow_without_horizontal_scrolling(
    browser, live_server, browser_data, width, text_size
):
    """A 1280 px wide window at 400% zoom is 320 CSS px wide, at 200% it is 640."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    context.add_cookies([{"name": "text_size", "value": text_size, "url": live_server.url}])
    page = context.new_page()
    external_requests = record_external_requests(page, live_server.url)
    for path in REFLOW_PAGES:
        page.goto(live_server.url + path)
        scroll_width, client_width = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert scroll_width <= client_width, (path, scroll_width, client_width)
    assert external_requests == []
    context.close()


def test_text_size_works_without_javascript_and_persists(browser, live_server, browser_data):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    external_requests = record_external_requests(page, live_server.url)
    page.goto(f"{live_server.url}/en/associations/?region=kanto")
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "16px"
    with page.expect_navigation():
        page.locator(".text-size a", has_text="Larger").click()
    assert page.url.endswith("/en/associations/?region=kanto")
    assert page.locator("html.text-size-larger").count() == 1
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "24px"
    page.goto(f"{live_server.url}/ja/map/")
    assert page.locator("html.text-size-larger").count() == 1
    assert page.locator('.text-size a[aria-current="true"]').count() == 1
    assert external_requests == []
    context.close()


def test_print_hides_the_site_controls(page, live_server, browser_data, external_requests):
    page.goto(f"{live_server.url}/en/associations/yokohama-city/")
    page.emulate_media(media="print")
    assert not page.locator(".site-tools").is_visible()
    assert not page.locator(".main-nav").is_visible()
    assert page.locator("h1").is_visible()
    assert external_requests == []


# The pages whose text differs by language, in every other site language. The four of
# LANGUAGES have every page type checked above, these five included, so they are not
# checked twice (the sweep is the largest part of CI's browser time, docs/testing.md).
PAGES_BY_LANGUAGE = [
    "/{language}/",
    "/{language}/associations/",
    "/{language}/associations/yokohama-city/",
    "/{language}/map/",
    "/{language}/enquiries/new/",
]


OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code not in LANGUAGES]


def test_every_site_language_is_checked_by_one_of_the_two_tests():
    assert set(LANGUAGES) | set(OTHER_LANGUAGES) == {code for code, _name in settings.LANGUAGES}
    assert {path for _name, path in PUBLIC_PAGES} >= set(PAGES_BY_LANGUAGE)
    assert len(OTHER_LANGUAGES) == len(settings.LANGUAGES) - len(LANGUAGES) == 15


@pytest.mark.parametrize("language", OTHER_LANGUAGES)
def test_pages_that_differ_by_language_have_no_wcag_violations_in_every_language(
    page, live_server, browser_data, external_requests, language
):
    violations = {}
    for path in PAGES_BY_LANGUAGE:
        url = path.format(language=language)
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        assert page.locator("h1").count() == 1, url
        if found := axe_violations(page):
            violations[url] = found
    assert violations == {}
    assert external_requests == []
