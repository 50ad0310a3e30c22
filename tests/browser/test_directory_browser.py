import pytest

from tests.browser.axe import axe_violations
from tests.browser.network import record_external_requests

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_listing_is_accessible_and_self_contained(
    page, live_server, browser_data, external_requests, language
):
    page.goto(f"{live_server.url}/{language}/associations/")
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []
    assert external_requests == []


def test_filter_by_keyboard_without_javascript(browser, live_server, browser_data):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    external_requests = record_external_requests(page, live_server.url)
    page.goto(f"{live_server.url}/en/associations/")
    page.select_option("#filter-region", "kanto")
    page.locator("#filter-q").focus()
    page.keyboard.type("yokohama")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "region=kanto" in page.url
    assert page.locator(".association-card").count() == 1
    with page.expect_navigation():
        page.get_by_role(
            "link",
            name="Yokohama Association for International Communications and Exchanges",
            exact=True,
        ).click()
    assert page.url.endswith("/en/associations/yokohama-city/")
    assert page.locator("h1").inner_text().startswith("Yokohama Association")
    assert external_requests == []
    context.close()
