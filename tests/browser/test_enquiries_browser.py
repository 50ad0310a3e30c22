import re

import pytest
from django.utils import translation

from enquiries.models import Enquiry
from tests.browser.axe import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

REFERENCE = re.compile(r"^[0-9A-Z]{5}-[0-9A-Z]{5}$")


@pytest.fixture(autouse=True)
def quick_humans(settings):
    # The browser types faster than any person; the minimum-time check would call it spam.
    settings.ENQUIRY_MIN_FILL_SECONDS = 0


def focused(page):
    return page.evaluate(
        """() => {
            const element = document.activeElement;
            return {id: element.id, cls: element.className, href: element.getAttribute("href")};
        }"""
    )


def tab_to(page, predicate, limit=120):
    """Press Tab until the focused element satisfies `predicate`, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if predicate(focused(page)):
            return
    raise AssertionError(f"Tab never reached the element; last focus {focused(page)}")


def tab_to_id(page, element_id):
    tab_to(page, lambda element: element["id"] == element_id)


def test_nepali_journey_by_keyboard_only(page, live_server, browser_data, external_requests):
    page.goto(f"{live_server.url}/ne/enquiries/new/")
    assert page.locator("html").get_attribute("lang") == "ne"

    tab_to_id(page, "id_topic")
    page.keyboard.press("ArrowDown")
    assert page.locator("#id_topic").input_value() == "1"
    tab_to_id(page, "id_message")
    page.keyboard.type("योकोहामामा जापानी भाषा कहाँ सिक्न सकिन्छ?")
    tab_to_id(page, "id_name")
    page.keyboard.type("माया गुरुङ")
    tab_to_id(page, "id_privacy_notice")
    page.keyboard.press("Space")
    # The e-mail address is left out on purpose. Enter in a text field sends the form.
    tab_to_id(page, "id_phone")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    with translation.override("ne"):
        error_prefix = translation.gettext("Error:")
    assert error_prefix != "Error:", "the Nepali catalogue translates the prefix"
    assert page.title().startswith(error_prefix)
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    assert "error-summary" in focused(page)["cls"], "the error summary takes focus"
    assert page.locator("#id_name").input_value() == "माया गुरुङ"
    assert page.locator("#id_privacy_notice").is_checked()

    tab_to(page, lambda element: element["href"] == "#id_email")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "id_email", "the summary's link leads to the field"
    page.keyboard.type("maya@example.net")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.locator("h1").count() == 1
    assert page.locator("#answer-email").inner_text() == "maya@example.net"
    assert page.locator("#answer-name").inner_text() == "माया गुरुङ"
    tab_to_id(page, "send-enquiry")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    reference = page.locator("#reference").inner_text()
    assert REFERENCE.match(reference)
    enquiry = Enquiry.objects.get()
    assert enquiry.reference == reference
    assert enquiry.reply_language == "ne"
    assert enquiry.email == "maya@example.net"
    assert external_requests == []


def test_error_summary_takes_focus_without_javascript(browser, live_server, browser_data):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/en/enquiries/new/")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    assert page.title().startswith("Error:")
    first_in_main = page.locator("main > *").first
    assert "error-summary" in first_in_main.get_attribute("class")
    assert "error-summary" in focused(page)["cls"]
    context.close()


@pytest.mark.parametrize("language", ["en", "ja"])
def test_every_step_is_accessible(page, live_server, browser_data, external_requests, language):
    page.goto(f"{live_server.url}/{language}/enquiries/new/?association=yokohama-city")
    assert axe_violations(page) == []

    with page.expect_navigation():
        page.locator("form.enquiry-form button[type=submit]").click()
    assert page.locator(".error-summary").count() == 1
    assert axe_violations(page) == []

    page.select_option("#id_topic", "2")
    page.fill("#id_message", "日本語教室を探しています。")
    page.fill("#id_name", "Test Person")
    page.fill("#id_email", "test@example.net")
    page.check("#id_forwarding_consent")
    page.check("#id_privacy_notice")
    with page.expect_navigation():
        page.locator("form.enquiry-form button[type=submit]").click()
    assert page.locator("#send-enquiry").count() == 1
    assert axe_violations(page) == []

    with page.expect_navigation():
        page.locator("#send-enquiry").click()
    assert REFERENCE.match(page.locator("#reference").inner_text())
    assert axe_violations(page) == []
    assert external_requests == []
