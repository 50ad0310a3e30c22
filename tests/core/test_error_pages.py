"""Error pages link only to this site, whatever the request path; a 400 never fails again."""

import re

import pytest
from django.conf import settings
from django.test import Client

from tests.staff import make_staff

# As Django sees them: `GET /%2fevil.example`, and `//evil.example/` as nginx passes it on.
HOSTILE_PATHS = ["//evil.example", "//evil.example/", "///evil.example/x", "/\\evil.example"]


def links(html):
    return re.findall(r'href="([^"]*)"', html)


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_a_404_links_only_to_this_site(client, db, path):
    response = client.get("/", PATH_INFO=path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "evil.example" not in "".join(links(html))
    hreflangs = re.findall(r'<link rel="alternate" hreflang="[^"]+" href="([^"]+)"', html)
    assert len(hreflangs) == len(settings.LANGUAGES) + 1
    assert all(href.startswith("http://testserver/") for href in hreflangs)
    assert "http://testserver/ja/" in hreflangs


def test_a_404_inside_a_language_links_to_each_languages_home(client, db):
    html = client.get("/en/no-such-page/").content.decode()
    assert 'href="/ja/"' in html and 'href="/en/no-such-page/"' not in html


def test_a_real_page_keeps_its_language_links(client, db):
    html = client.get("/en/map/").content.decode()
    assert 'href="/ja/map/"' in html


def test_an_unknown_host_gets_the_portals_400(db):
    response = Client().get("/en/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "<h1>Bad request</h1>" in html
    assert "evil.example" not in html
    assert response["Cache-Control"] == "no-store"


def test_a_400_is_in_the_language_of_the_path(db):
    response = Client().get("/ja/associations/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert 'lang="ja"' in response.content.decode()


def test_a_403_is_the_portals_own(client, db):
    client.force_login(make_staff("nobody-special"))
    response = client.get("/admin/directory/association/export/")
    assert response.status_code == 403
    html = response.content.decode()
    # The admin is in Japanese for staff, whatever the browser asks for.
    assert '<html lang="ja"' in html
    assert "<h1>アクセスできません</h1>" in html


@pytest.mark.parametrize("path", ["/en/enquiries/new/", "/admin/login/"])
def test_an_oversized_body_is_413_before_csrf_reads_it(db, path, settings):
    strict = Client(enforce_csrf_checks=True)
    body = "csrfmiddlewaretoken=bad&message=" + "x" * (
        300 * 1024 if "enquiries" in path else 1100 * 1024
    )
    response = strict.generic("POST", path, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    html = response.content.decode()
    assert (
        "<h1>Your enquiry is too long</h1>" in html or "<h1>What you sent is too large</h1>" in html
    )


def test_300_kb_enquiry_with_a_bad_token_is_413_not_403(db):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        "/en/enquiries/new/", {"csrfmiddlewaretoken": "bad", "message": "x" * 300 * 1024}
    )
    assert response.status_code == 413
    assert "Your enquiry is too long" in response.content.decode()


class Chunks:
    """wsgi.input of a chunked request: no Content-Length, only the stream."""

    def __init__(self, size):
        self.left = size

    def read(self, size=-1):
        size = self.left if size < 0 else min(size, self.left)
        self.left -= size
        return b"x" * size


def test_a_chunked_body_over_the_limit_is_413(db, rf, settings):
    from core.middleware import RequestBodyLimitMiddleware

    settings.REQUEST_MAX_BODY_BYTES = 1000
    request = rf.post("/en/search/", content_type="text/plain")
    del request.META["CONTENT_LENGTH"]
    request.META.update({"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input": Chunks(5000)})
    response = RequestBodyLimitMiddleware(lambda r: pytest.fail("the view ran"))(request)
    assert response.status_code == 413


def test_a_chunked_body_within_the_limit_reaches_the_view(db, rf, settings):
    from core.middleware import RequestBodyLimitMiddleware

    settings.REQUEST_MAX_BODY_BYTES = 1000
    request = rf.post("/en/search/", content_type="text/plain")
    del request.META["CONTENT_LENGTH"]
    request.META.update({"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input": Chunks(600)})
    seen = []
    RequestBodyLimitMiddleware(lambda r: seen.append(r.body) or "ok")(request)
    assert seen == [b"x" * 600]


def test_a_staff_form_that_fails_the_csrf_check_is_explained_in_japanese(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        "/admin/login/", {"username": "staff", "password": "x"}
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="ja" dir="ltr">' in html
    assert "<h1>フォームを送信できませんでした</h1>" in html
