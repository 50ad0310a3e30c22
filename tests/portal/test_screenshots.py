"""The committed screenshots are the set `make screenshots` writes, and the docs show them all."""

import re
import struct

from django.conf import settings

from scripts import screenshots

DOCS = settings.BASE_DIR / "docs"
README = settings.BASE_DIR / "README.md"


def png_size(path):
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", header[16:24])


def test_every_screenshot_the_script_writes_is_committed_at_its_viewport_size():
    expected = screenshots.expected_files()
    assert len(expected) == 6 * 4 * 2 + 5
    for name in expected:
        path = screenshots.OUTPUT / name
        assert path.is_file(), f"{name} is missing: run make screenshots"
        width = int(re.search(r"-(\d+)\.png$", name)[1])
        height = screenshots.VIEWPORTS.get(width, screenshots.ADMIN_HEIGHT)
        assert png_size(path) == (width, height), name


def test_the_readme_links_every_public_screenshot_and_docs_admin_every_admin_one():
    readme = README.read_text(encoding="utf-8")
    admin = (DOCS / "admin.md").read_text(encoding="utf-8")
    for name in screenshots.expected_files():
        if name.startswith("admin-"):
            assert f"(screenshots/{name})" in admin, name
        else:
            assert f"(docs/screenshots/{name})" in readme, name


def test_no_screenshot_is_left_that_nothing_writes_or_shows():
    shown = "".join(path.read_text(encoding="utf-8") for path in DOCS.glob("*.md"))
    known = set(screenshots.expected_files())
    for path in screenshots.OUTPUT.glob("*.png"):
        assert path.name in known or f"screenshots/{path.name}" in shown, path.name
