"""The listing in right-to-left Urdu and in Easy Japanese with furigana, and a visitor's
journey in Vietnamese, in a real browser. Screenshots go to reports/screenshots/ (git-ignored)
for people to look at."""

import pytest
from django.conf import settings

from directory.models import Association, Service
from tests.browser.axe import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = settings.BASE_DIR / "reports" / "screenshots"


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    # The first screenful alone, legible without zooming out of a very tall page.
    page.screenshot(path=str(SCREENSHOTS / f"{name}-top.png"))


def box(page, selector):
    return page.locator(selector).bounding_box()


def test_urdu_listing_is_mirrored(page, live_server, browser_data, external_requests):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/ur/associations/")
    assert page.locator("html").get_attribute("lang") == "ur"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"

    # The main navigation starts at the right edge of its row, and reads leftwards.
    first = box(page, ".main-nav li:nth-child(1)")
    second = box(page, ".main-nav li:nth-child(2)")
    row = box(page, ".main-nav ul")
    assert first["x"] > second["x"]
    assert row["x"] + row["width"] - (first["x"] + first["width"]) < 40
    # The site name sits at the right, the language switcher to its left.
    assert box(page, ".site-name")["x"] > box(page, ".language-switcher")["x"]
    # Headings and labels align to the right edge of their blocks.
    heading = box(page, "h1")
    main = box(page, "main")
    assert main["x"] + main["width"] - (heading["x"] + heading["width"]) < 40
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).textAlign") in {
        "start",
        "right",
    }
    # The fallback notice's accent border is on the right (inline start).
    notice = page.locator(".fallback-notice")
    assert notice.is_visible()
    assert notice.evaluate("e => getComputedStyle(e).borderRightWidth") == "6px"
    assert notice.evaluate("e => getComputedStyle(e).borderLeftWidth") == "0px"
    # English names falling back inside Urdu text keep their own direction.
    fallback = page.locator('.association-card__name span[lang="en"]').first
    assert fallback.evaluate("e => getComputedStyle(e).direction") == "ltr"

    screenshot(page, "listing-ur")
    assert axe_violations(page) == []
    assert external_requests == []


def test_easy_japanese_listing_has_furigana(page, live_server, browser_data, external_requests):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/ja-easy/associations/")
    assert page.locator("html").get_attribute("lang") == "ja-x-easy"
    assert page.locator("ruby").count() > 100
    assert page.locator("ruby > rt").count() == page.locator("ruby").count()
    heading_rubies = page.locator("h1 ruby")
    assert heading_rubies.count() >= 2
    assert heading_rubies.first.locator("rt").inner_text() == "ちいき"
    # Readings are shown above the text, not as inline text after it.
    base_box = heading_rubies.first.bounding_box()
    reading_box = heading_rubies.first.locator("rt").bounding_box()
    assert reading_box["y"] + reading_box["height"] <= base_box["y"] + base_box["height"] / 2
    assert "<ruby>" not in page.title()

    screenshot(page, "listing-ja-easy")
    assert axe_violations(page) == []
    assert external_requests == []


def test_vietnamese_visitor_filters_by_service_and_opens_an_association(
    page, live_server, browser_data, external_requests
):
    # The shipped facts (directory/data/services.csv) record the Japanese classes.
    classes = Service.objects.get(slug="japanese-classes")
    expected = Association.objects.published().filter(services=classes).count()
    assert expected >= 3

    page.goto(f"{live_server.url}/vi/associations/")
    assert page.locator("h1").inner_text() == "Tìm Hiệp hội Quốc tế"
    page.select_option("#filter-service", "japanese-classes")
    with page.expect_navigation():
        page.get_by_role("button", name="Xem các hiệp hội").click()
    assert "service=japanese-classes" in page.url
    assert page.locator("#filter-service").input_value() == "japanese-classes"
    summary = page.locator(".results__summary").inner_text()
    assert "phù hợp với bộ lọc của bạn" in summary
    cards = page.locator(".association-card")
    assert cards.count() == expected

    link = cards.first.locator(".association-card__name a")
    name = link.inner_text()
    with page.expect_navigation():
        link.click()
    assert "/vi/associations/" in page.url
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text().startswith(name)
    assert page.get_by_role("heading", name="Thông tin liên hệ").is_visible()
    assert page.get_by_role("heading", name="Dịch vụ").is_visible()
    assert page.get_by_role("link", name="Lớp học tiếng Nhật").is_visible()
    # The name has no Vietnamese translation yet: the page says so in Vietnamese.
    assert "chưa được dịch sang ngôn ngữ của bạn" in page.locator(".fallback-notice").inner_text()
    screenshot(page, "detail-vi")
    assert external_requests == []
