"""A Nepali-speaking resident of Kawasaki asks for help in Nepali, in a real browser.

From the Nepali home page, by the controls a resident sees, to the postal-code finder; they
enter 210-0007 (Kawasaki-ku, Kawasaki), ask for help in Nepali and reach an association whose
desk answers in Nepali, then its page with the fact's source. At 1280 and 390 px wide, with
and without JavaScript.

With PORTAL_SCREENSHOTS=1 the result page is saved to docs/screenshots/nepali-postal-help-*.png,
the pictures the documentation shows; without it nothing is written.
"""

import csv
import os

import pytest
from django.conf import settings

from tests.browser.axe import axe_violations
from tests.browser.network import record_external_requests

pytestmark = pytest.mark.django_db(transaction=True)

DATA = settings.BASE_DIR / "directory" / "data"
SCREENSHOTS = settings.BASE_DIR / "docs" / "screenshots"
POSTAL_CODE = "210-0007"  # 神奈川県川崎市川崎区駅前本町
# Kawasaki is a designated city: its own association first, then Kanagawa's.
SERVING = ["kawasaki-city", "kanagawa"]
WIDTHS = [1280, 390]


def recorded_nepali_sources():
    """{association slug: source URL} of the shipped facts that a desk answers in Nepali."""
    with (DATA / "associations.csv").open(encoding="utf-8") as file:
        slugs = {row["seed_order"]: row for row in csv.DictReader(file)}
    with (DATA / "consultation_languages.csv").open(encoding="utf-8") as file:
        return {
            slugs[row["seed_order"]]["name_en"]: row["source_url"]
            for row in csv.DictReader(file)
            if row["language"] == "ne"
        }


def test_the_data_says_both_associations_for_kawasaki_answer_in_nepali():
    """What the journey below relies on, read from directory/data itself."""
    sources = recorded_nepali_sources()
    assert sources["Kawasaki International Association"] == (
        "https://www.townnews.co.jp/0206/2019/07/12/489036.html"
    )
    assert "Kanagawa International Foundation" in sources


def assert_nepali_page(page):
    assert page.locator("html").get_attribute("lang") == "ne"
    assert page.locator("h1").count() == 1


def walk_to_the_answer(page, live_server, check=assert_nepali_page):
    """Home page → postal-code finder → result, by keyboard and visible controls."""
    page.goto(f"{live_server.url}/ne/")
    check(page)
    link = page.get_by_role("link", name="आफ्नो भाषामा सहायता खोज्नुहोस्", exact=True)
    assert link.is_visible()
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{live_server.url}/ne/associations/serving/#help-language"
    assert page.locator("h1").inner_text() == "मलाई कुन संघहरूले सेवा दिन्छन्?"
    check(page)

    postal_code = page.get_by_label("हुलाक कोड", exact=True)
    assert postal_code.is_visible()
    postal_code.focus()
    page.keyboard.type(POSTAL_CODE)
    page.keyboard.press("Tab")
    language = page.get_by_label("मलाई यो भाषामा सहायता चाहिन्छ", exact=True)
    assert language.evaluate("e => e === document.activeElement")
    # The page's own language is offered first; the resident chooses it all the same.
    assert language.input_value() == "ne"
    language.select_option(label="नेपाली")
    page.keyboard.press("Tab")
    button = page.get_by_role("button", name="संघहरू खोज्नुहोस्", exact=True)
    assert button.evaluate("e => e === document.activeElement")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "postal_code=210-0007" in page.url and "language=ne" in page.url
    check(page)
    results = page.get_by_role("heading", name="हुलाक कोड 210-0007 का नतिजाहरू")
    assert results.is_visible()
    help_section = page.locator("section.language-help")
    assert help_section.get_by_role("heading", name="नेपाली मा सहायता").is_visible()
    assert help_section.get_by_role("status").inner_text() == (
        "तपाईंको ठेगानाका यी संघहरूले नेपाली मा सेवा दिन्छन्।"
    )
    cards = help_section.locator(".association-card__name a")
    assert [href.rsplit("/", 2)[-2] for href in cards.evaluate_all("a => a.map(e => e.href)")] == (
        SERVING
    )
    # An association for the address answers: no fallback, and no help line.
    assert help_section.locator("h3").count() == 0
    assert "FRESC" not in page.content()
    return cards


def open_the_association(page, cards):
    """The first answer is Kawasaki's own association; its page says where the fact is from."""
    with page.expect_navigation():
        cards.first.click()
    assert page.url.endswith("/ne/associations/kawasaki-city/")
    assert page.locator("h1").inner_text().startswith("Kawasaki International Association")
    languages = page.locator("section[aria-labelledby=languages-heading]")
    assert languages.get_by_role("heading", name="परामर्शका भाषाहरू").is_visible()
    nepali = languages.locator(".fact-group", has=page.locator('span[lang="ne"]', has_text="नेपाली"))
    source = recorded_nepali_sources()["Kawasaki International Association"]
    assert nepali.locator(f'.fact-source a[href="{source}"]').is_visible()
    assert nepali.locator(".fact-source").inner_text().startswith("स्रोत: www.townnews.co.jp, ")


@pytest.mark.parametrize("width", WIDTHS)
def test_nepali_resident_finds_help_in_nepali_for_a_kawasaki_address(
    page, live_server, browser_data, external_requests, width
):
    page.set_viewport_size({"width": width, "height": 900})

    def check(page):
        assert_nepali_page(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert axe_violations(page) == []

    cards = walk_to_the_answer(page, live_server, check)
    if os.environ.get("PORTAL_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"nepali-postal-help-{width}.png"
        page.locator("main").screenshot(path=str(path), animations="disabled")
        assert path.stat().st_size > 10_000
    open_the_association(page, cards)
    check(page)
    assert external_requests == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_same_journey_without_javascript(browser, live_server, browser_data, width):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    external_requests = record_external_requests(page, live_server.url)
    cards = walk_to_the_answer(page, live_server)
    open_the_association(page, cards)
    assert_nepali_page(page)
    assert external_requests == []
    context.close()
