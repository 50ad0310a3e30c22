import socket
from contextlib import contextmanager

import psycopg
import pytest
from django.db import OperationalError, ProgrammingError, connection
from django.test import Client

from tests.factories import AssociationFactory


@contextmanager
def database_down():
    """Every query fails the way it does when PostgreSQL is unreachable."""

    def refuse(*args):
        raise OperationalError("could not connect to server: Connection refused")

    with connection.execute_wrapper(refuse):
        yield


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def cache_down(settings):
    """The default cache is a Redis server that is not there."""
    working = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    yield
    # Back before the autouse empty_cache fixture clears the cache in its teardown, which
    # pytest runs before it restores `settings` (set up earlier, for default_language).
    settings.CACHES = working


@pytest.fixture
def visitor():
    """A client that gets what a visitor gets when the server fails, not the exception."""
    return Client(raise_request_exception=False)


def test_healthz_says_ok_and_nothing_else(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain"
    assert "no-store" in response["Cache-Control"]


def test_healthz_answers_head(client, db):
    assert client.head("/healthz").status_code == 200


def test_healthz_is_503_when_the_database_is_down(client, db):
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"unavailable\n"


def test_healthz_is_503_when_the_cache_is_down(client, db, cache_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"unavailable\n"


@pytest.mark.parametrize("language", ["ja", "en", "ur"])
def test_visitors_get_a_translated_503_page_when_the_database_is_down(visitor, db, language):
    with database_down():
        response = visitor.get(f"/{language}/associations/")
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response["Cache-Control"] == "no-store"
    assert f'<html lang="{language}"' in html
    assert html.count("<h1>") == 1
    assert "Traceback" not in html and "OperationalError" not in html
    assert "Connection refused" not in html


def test_the_503_page_is_in_the_visitors_language(visitor, db, settings):
    from django.utils.translation import gettext, override

    with override("fr"):
        heading = gettext("The directory is temporarily unavailable")
    with database_down():
        html = visitor.get("/fr/").content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert 'dir="ltr"' in html


def test_the_503_page_for_a_right_to_left_language(visitor, db):
    with database_down():
        html = visitor.get("/ur/").content.decode()
    assert 'dir="rtl"' in html


def test_a_connection_lost_under_a_server_side_cursor_gives_the_503_page(
    visitor, real_data, monkeypatch
):
    """Django does not wrap the error of closing a server-side cursor (the enquiry form's
    choices are read with one): psycopg's own error must give the 503 page too, as it did
    for a page being rendered while the primary crashed in the failover rehearsal."""

    def lost(*args, **kwargs):
        raise psycopg.OperationalError("consuming input failed: server closed the connection")

    monkeypatch.setattr("enquiries.views.render_form", lost)
    response = visitor.get("/en/enquiries/new/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"


def test_a_bug_gives_the_500_page_not_a_stack_trace(visitor, db):
    def broken(*args):
        raise ProgrammingError('relation "directory_association" does not exist')

    with connection.execute_wrapper(broken):
        response = visitor.get("/en/associations/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in html
    assert "directory_association" not in html and "Traceback" not in html


def test_public_pages_are_still_served_when_the_cache_is_down(visitor, db, cache_down, settings):
    AssociationFactory.create_batch(3)
    settings.PAGE_CACHE_SECONDS = 600
    response = visitor.get("/en/associations/")
    assert response.status_code == 200
    assert "3 International Associations" in response.content.decode()


def test_a_cached_page_is_served_while_the_database_is_down(visitor, db, settings):
    AssociationFactory.create_batch(3)
    settings.PAGE_CACHE_SECONDS = 600
    assert visitor.get("/en/associations/").status_code == 200
    with database_down():
        response = visitor.get("/en/associations/")
    assert response.status_code == 200
    assert "3 International Associations" in response.content.decode()


def test_404_page_is_translated_and_has_one_heading(client, db):
    response = client.get("/ja/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="ja"' in html
    assert html.count("<h1>") == 1
