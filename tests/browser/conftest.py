"""Playwright driving Debian's Chromium against pytest-django's live server.

Every browser test gets `page` (pytest-playwright) and `live_server`; `browser_data` loads
the real data into the transactional test database; `assert_no_third_party_requests` and
`axe_violations` (tests/browser/axe.py) are the site-wide guards.
"""

import os
from urllib.parse import urlsplit

import pytest

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
    own = urlsplit(live_server.url).netloc
    seen = []

    def record(request):
        parts = urlsplit(request.url)
        if parts.scheme in {"http", "https", "ws", "wss"} and parts.netloc != own:
            seen.append(request.url)

    page.on("request", record)
    # Nothing outside this machine is reachable; fail fast rather than wait for a timeout.
    page.route(
        lambda url: (
            urlsplit(url).netloc not in {own, ""} and urlsplit(url).scheme in {"http", "https"}
        ),
        lambda route: route.abort(),
    )
    return seen
