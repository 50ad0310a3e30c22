"""The link checker against a small HTTP server on loopback: never the internet."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import call_command

from directory.linkcheck import check_urls
from directory.models import Association
from tests.factories import AssociationFactory

TIMEOUT = 0.5


class Handler(BaseHTTPRequestHandler):
    release = threading.Event()

    def do_GET(self):
        if self.path == "/ok":
            self.reply(200)
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/missing":
            self.reply(404)
        elif self.path == "/broken":
            self.reply(500)
        elif self.path == "/slow":
            # Holds the connection until the test is over: the client must time out.
            self.release.wait(10)
            self.reply(200)

    def reply(self, status):
        body = b"hello"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def web_server():
    Handler.release = threading.Event()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    Handler.release.set()
    server.shutdown()
    server.server_close()


def test_statuses_redirects_and_timeouts(web_server):
    urls = [f"{web_server}/{path}" for path in ("ok", "moved", "missing", "broken", "slow")]
    results = check_urls(urls, timeout=TIMEOUT, workers=5)
    ok, moved, missing, broken, slow = (results[url] for url in urls)
    assert (ok.status, ok.final_url, ok.is_broken) == (200, "", False)
    assert (moved.status, moved.final_url, moved.is_broken) == (200, f"{web_server}/ok", False)
    assert (missing.status, missing.is_broken) == (404, True)
    assert (broken.status, broken.is_broken) == (500, True)
    assert (slow.status, slow.error, slow.is_broken) == (None, "timeout", True)


def test_refused_connection_is_broken(web_server):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = check_urls([f"http://127.0.0.1:{port}/"], timeout=TIMEOUT)[f"http://127.0.0.1:{port}/"]
    assert result.status is None and result.error


def test_overall_deadline_bounds_the_wait(web_server):
    url = f"{web_server}/slow"
    results = check_urls([url], timeout=5, deadline=TIMEOUT)
    assert results[url].error == "timeout"


@pytest.fixture
def pointed_at(db, web_server):
    """Five associations whose websites are the loopback server's cases, and one that no
    test checks (the filters must leave it out, whatever its address). As load_initial_data
    leaves rows: with no history yet."""
    cases = {}
    for path in ("ok", "moved", "missing", "broken", "slow"):
        cases[path] = AssociationFactory(website=f"{web_server}/{path}").pk
    AssociationFactory(website=f"{web_server}/broken")
    Association.history.all().delete()
    return cases


def test_command_records_results_and_fails_on_broken(pointed_at):
    slugs = list(
        Association.objects.filter(pk__in=pointed_at.values()).values_list("slug", flat=True)
    )
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command(
            "check_links", *slugs, timeout=TIMEOUT, workers=5, fail_on_broken=True, stdout=out
        )
    assert "5 checked, 3 broken." in out.getvalue()
    moved = Association.objects.get(pk=pointed_at["moved"])
    assert moved.website_status == 200 and moved.website_final_url.endswith("/ok")
    assert moved.website_checked_at is not None
    slow = Association.objects.get(pk=pointed_at["slow"])
    assert (slow.website_status, slow.website_error) == (None, "timeout")
    # A link check is not an edit: it leaves no history record.
    assert not moved.history.exists()


def test_admin_action_and_broken_filter(admin_client, pointed_at, settings):
    settings.LINKCHECK_TIMEOUT = TIMEOUT
    response = admin_client.post(
        "/admin/directory/association/",
        {"action": "check_websites", "_selected_action": list(pointed_at.values())},
        follow=True,
    )
    assert response.status_code == 200
    broken = admin_client.get("/admin/directory/association/", {"website": "broken"})
    assert {a.pk for a in broken.context["cl"].result_list} == {
        pointed_at["missing"],
        pointed_at["broken"],
        pointed_at["slow"],
    }
    redirected = admin_client.get("/admin/directory/association/", {"website": "redirected"})
    assert [a.pk for a in redirected.context["cl"].result_list] == [pointed_at["moved"]]


def test_admin_action_refuses_too_many_rows(admin_client, web_server, settings):
    # On loopback: were the rows checked after all, no request would leave the machine.
    AssociationFactory.create_batch(3, website=f"{web_server}/ok")
    settings.LINKCHECK_ADMIN_MAX_ROWS = 2
    response = admin_client.post(
        "/admin/directory/association/",
        {
            "action": "check_websites",
            "_selected_action": list(Association.objects.values_list("pk", flat=True)[:3]),
        },
        follow=True,
    )
    assert "check_links" in response.content.decode()
    assert not Association.objects.filter(website_checked_at__isnull=False).exists()
