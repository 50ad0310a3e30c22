"""Playwright driving Debian's Chromium against pytest-django's live server.

Every browser test gets `page` (pytest-playwright) and `live_server`; `browser_data` loads
the real data into the transactional test database; `assert_no_third_party_requests` and
`axe_violations` (tests/browser/axe.py) are the site-wide guards.
"""

import os

import pytest

from tests.browser.network import record_external_requests
from tests.conftest import install_real_data

# Playwright runs its own event loop in this thread; Django's ORM calls from the live
# server's thread and from fixtures are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture
def browser_data(transactional_db):
    install_real_data()


@pytest.fixture
def external_requests(page, live_server):
    """Every request the page makes to a host other than the live server's."""
    return record_external_requests(page, live_server.url)
