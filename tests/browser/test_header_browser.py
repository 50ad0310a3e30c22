"""The header on a phone and on a wide screen, in a real browser.

On a 390×844 phone the header is one compact bar, so every page's own heading starts in the
first third of the screen; its two menus are <details> disclosures that work without
JavaScript. On a wide screen the whole header is shown at once.
"""

import pytest

from tests.browser.network import record_external_requests

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 800}

PAGE_TYPES = [
    "/{language}/",
    "/{language}/associations/",
    "/{language}/associations/yokohama-city/",
    "/{language}/associations/serving/?postal_code=231-0023",
    "/{language}/map/",
    "/{language}/enquiries/new/",
    "/{language}/search/?q=kanagawa",
    "/{language}/pages/multicultural-japan/",
]


@pytest.mark.parametrize("language", ["ja", "en", "my", "ur"])
def test_heading_starts_in_the_first_third_of_a_phone_screen(
    browser, live_server, browser_data, language
):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    external_requests = record_external_requests(page, live_server.url)
    positions = {}
    for path in PAGE_TYPES:
        page.goto(live_server.url + path.format(language=language))
        assert page.locator("h1").count() == 1
        positions[path] = page.locator("h1").bounding_box()["y"]
    assert all(top < PHONE["height"] / 3 for top in positions.values()), positions
    assert external_requests == []
    context.close()


def test_phone_menus_open_without_javascript(browser, live_server, browser_data):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/ne/associations/")
    languages = page.locator(".header-menu--language")
    summary = languages.locator("summary")
    assert summary.locator('[lang="ne"]').inner_text() == "नेपाली"
    assert not page.locator('.language-switcher a[lang="en"]').is_visible()
    assert not page.locator("#site-search-q").is_visible()

    summary.click()
    assert page.locator(".language-switcher a").count() == 19
    english = page.locator('.language-switcher a[lang="en"]')
    assert english.is_visible()
    with page.expect_navigation():
        english.click()
    assert page.url.endswith("/en/associations/")

    page.locator(".header-menu--site summary").click()
    assert page.locator("#site-search-q").is_visible()
    assert page.locator(".main-nav a", has_text="Send an enquiry").is_visible()
    assert page.locator(".text-size a", has_text="Larger").is_visible()
    context.close()


def test_phone_menus_work_by_keyboard(browser, live_server, browser_data):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/ur/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the site name
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.header-menu--language') !== null")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('lang')") == "ja"
    # Right to left: the bar starts at the right edge, so the site name is right of the menus.
    name_box = page.locator(".site-name").bounding_box()
    menu_box = page.locator(".header-menu--site summary").bounding_box()
    assert name_box["x"] > menu_box["x"]
    context.close()


def test_wide_screen_shows_the_whole_header(browser, live_server, browser_data):
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    page.goto(f"{live_server.url}/en/")
    assert not page.locator(".header-menu__button").first.is_visible()
    assert page.locator('.language-switcher a[lang="ur"]').is_visible()
    assert page.locator("#site-search-q").is_visible()
    assert page.locator(".main-nav a", has_text="Find an association").is_visible()
    context.close()


def test_search_page_has_one_search_box(page, live_server, browser_data):
    page.goto(f"{live_server.url}/en/search/?q=kanagawa")
    assert page.locator('input[type="search"]').count() == 1
