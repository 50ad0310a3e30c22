"""The accessibility check itself can fail: every `axe_violations(page) == []` in the browser
tests relies on it reporting what is wrong, on every element where it is wrong."""

from tests.browser.axe import axe_violations

BROKEN_PAGE = """<!doctype html>
<html><head><title>Broken on purpose</title></head>
<body>
<main>
  <h1>Broken on purpose</h1>
  <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
  <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
  <p style="color: #bbb; background: #fff">Grey on white, too faint to read.</p>
  <input type="text">
</main>
</body></html>"""


def test_axe_reports_each_violation_on_every_element(page):
    page.set_content(BROKEN_PAGE)
    found = {violation["id"]: violation for violation in axe_violations(page)}
    # No lang on <html>, two images without alt, text below 4.5:1, an unlabelled field.
    assert {"html-has-lang", "image-alt", "color-contrast", "label"} <= set(found)
    assert len(found["image-alt"]["targets"]) == 2
    assert all(violation["help"] and violation["impact"] for violation in found.values())


def test_axe_passes_the_same_page_made_right(page):
    page.set_content(
        BROKEN_PAGE.replace("<html>", '<html lang="en">')
        .replace("<img ", '<img alt="" ')
        .replace("#bbb", "#333")
        .replace('<input type="text">', '<label>Name <input type="text"></label>')
    )
    assert axe_violations(page) == []
