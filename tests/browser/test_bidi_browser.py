"""Left-to-right tokens inside right-to-left Urdu read in their own order, in a real browser.

`innerText` gives the logical order, which is right whatever the display does; what a reader
sees is the visual order, so `visual_order()` reads the characters of a token by the position
Chromium draws each one at. Screenshots go to reports/screenshots/bidi-*.png (git-ignored).
"""

import datetime

import pytest
from django.conf import settings

from directory.models import Association

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = settings.BASE_DIR / "reports" / "screenshots"

# The characters of `token` inside the element, sorted by where they are drawn: left to right
# for a token on one line. Returns null when the token is not in the element's text.
VISUAL_ORDER = """([element, token]) => {
    const nodes = [];
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    let text = "";
    while (walker.nextNode()) {
        nodes.push([walker.currentNode, text.length]);
        text += walker.currentNode.data;
    }
    const start = text.indexOf(token);
    if (start < 0) return null;
    const range = document.createRange();
    const drawn = [];
    for (let i = start; i < start + token.length; i++) {
        const [node, offset] = nodes.filter(([, at]) => at <= i).pop();
        range.setStart(node, i - offset);
        range.setEnd(node, i - offset + 1);
        const box = range.getBoundingClientRect();
        drawn.push({character: text[i], x: box.left + box.width / 2, y: box.top});
    }
    const lines = new Set(drawn.map((c) => Math.round(c.y)));
    if (lines.size !== 1) throw new Error("the token wraps: widen the viewport");
    return drawn.sort((a, b) => a.x - b.x).map((c) => c.character).join("");
}"""


def visual_order(page, selector, token):
    element = page.locator(selector).first.element_handle()
    return page.evaluate(VISUAL_ORDER, [element, token])


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"bidi-{name}.png"), full_page=True)


@pytest.fixture
def urdu_page(page, live_server, browser_data):
    page.set_viewport_size({"width": 1280, "height": 900})
    return page


def test_the_measure_sees_what_a_reader_sees(urdu_page, live_server):
    """Without the isolate, Chromium draws the numbers the wrong way round, as the issue saw."""
    urdu_page.goto(f"{live_server.url}/ur/")
    urdu_page.evaluate(
        """() => {
            const p = document.createElement("p");
            p.id = "bare";
            p.textContent = "فون +81-3-5213-1725 ویب https://www.yokeweb.com/";
            document.querySelector("main").append(p);
        }"""
    )
    assert visual_order(urdu_page, "#bare", "+81-3-5213-1725") != "+81-3-5213-1725"
    assert visual_order(urdu_page, "#bare", "https://www.yokeweb.com/") != (
        "https://www.yokeweb.com/"
    )


def test_footer_contact_reads_left_to_right_in_urdu(urdu_page, live_server):
    urdu_page.goto(f"{live_server.url}/ur/")
    footer = ".site-footer .contact-division"
    assert "+81 3-5213-1725" in urdu_page.locator(footer).inner_text()
    assert visual_order(urdu_page, footer, "+81 3-5213-1725") == "+81 3-5213-1725"
    assert urdu_page.locator(f"{footer} bdi[dir=ltr]").count() >= 2
    assert visual_order(urdu_page, footer, "+81 3-5213-1742") == "+81 3-5213-1742"
    screenshot(urdu_page, "footer-ur")


def test_detail_page_reads_left_to_right_in_urdu(urdu_page, live_server):
    Association.objects.filter(slug="yokohama-city").update(
        postal_code="231-0023",
        phone="045-222-1171",
        fax="045-222-1187",
        email="info@example.jp",
        last_verified=datetime.date(2026, 12, 2),
    )
    urdu_page.goto(f"{live_server.url}/ur/associations/yokohama-city/")
    details = "dl.details"
    text = urdu_page.locator(details).inner_text()
    for token in [
        "231-0023",
        "+81 45-222-1171",
        "+81 45-222-1187",
        "info@example.jp",
        "https://www.yokeweb.com/",
    ]:
        assert token in text
        assert visual_order(urdu_page, details, token) == token, token
    # The Latin short name in brackets inside the Urdu heading.
    assert visual_order(urdu_page, "h1", "YOKE") == "YOKE"
    screenshot(urdu_page, "detail-ur")


def test_postal_code_page_reads_left_to_right_in_urdu(urdu_page, live_server):
    urdu_page.goto(f"{live_server.url}/ur/associations/serving/?postal_code=231-0023")
    heading = "#serving-results-heading"
    assert "231-0023" in urdu_page.locator(heading).inner_text()
    assert visual_order(urdu_page, heading, "231-0023") == "231-0023"
    postal_input = urdu_page.locator("#postal-code")
    assert postal_input.get_attribute("dir") == "ltr"
    assert postal_input.evaluate("e => getComputedStyle(e).direction") == "ltr"
    screenshot(urdu_page, "serving-ur")


def test_enquiry_check_page_reads_left_to_right_in_urdu(urdu_page, live_server, settings):
    # The browser types faster than any person; the minimum-time check would call it spam.
    settings.ENQUIRY_MIN_FILL_SECONDS = 0
    urdu_page.goto(f"{live_server.url}/ur/enquiries/new/?association=yokohama-city")
    for field in ["#id_email", "#id_phone"]:
        assert urdu_page.locator(field).evaluate("e => getComputedStyle(e).direction") == "ltr"
    urdu_page.select_option("#id_topic", "2")
    urdu_page.fill("#id_message", "میں جاپانی زبان کی کلاس تلاش کر رہا ہوں۔")
    urdu_page.fill("#id_name", "Test Person")
    urdu_page.fill("#id_email", "test@example.net")
    urdu_page.fill("#id_phone", "+81-90-1234-5678")
    urdu_page.check("#id_forwarding_consent")
    urdu_page.check("#id_privacy_notice")
    with urdu_page.expect_navigation():
        urdu_page.locator("form.enquiry-form button[type=submit]").click()
    assert urdu_page.locator("#send-enquiry").count() == 1
    assert urdu_page.locator("#answer-phone").inner_text() == "+81-90-1234-5678"
    assert visual_order(urdu_page, "#answer-phone", "+81-90-1234-5678") == "+81-90-1234-5678"
    assert visual_order(urdu_page, "#answer-email", "test@example.net") == "test@example.net"
    screenshot(urdu_page, "check-ur")

    with urdu_page.expect_navigation():
        urdu_page.locator("#send-enquiry").click()
    reference = urdu_page.locator("#reference").inner_text()
    assert visual_order(urdu_page, "#reference", reference) == reference
