import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "path",
    ["/en/", "/ja/associations/", "/en/associations/?region=kanto", "/ur/associations/osaka/"],
)
def test_pages_run_under_the_strict_policy_without_violations_or_fonts(
    page, live_server, browser_data, path
):
    console_errors, fonts = [], []
    page.on(
        "console", lambda message: message.type == "error" and console_errors.append(message.text)
    )
    page.on(
        "request", lambda request: request.resource_type == "font" and fonts.append(request.url)
    )
    page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    response = page.goto(f"{live_server.url}{path}")
    page.wait_for_load_state("load")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert page.evaluate("window.__violations") == []
    assert console_errors == []
    assert fonts == []
    # The stylesheet really applied (a policy that blocked it would leave the page unstyled).
    assert page.evaluate("getComputedStyle(document.body).margin") == "0px"
