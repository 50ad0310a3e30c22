"""`make run` on its own delivers an enquiry's two e-mails (README: "Run it")."""

import contextlib
import http.cookiejar
import os
import re
import selectors
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request

import pytest
from django.conf import settings

from tests.portal.test_settings import clean_env

# Its own processes, configured by the test alone: the suite's database makes no difference.
pytestmark = pytest.mark.own_processes


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Output:
    """What `make run` prints, read as it comes (no polling sleeps).

    Read straight from the pipe: a buffered readline() can pull several lines into Python's
    buffer at once, and select() would then wait for more while the awaited line sits there.
    """

    def __init__(self, process):
        self.fd = process.stdout.fileno()
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.fd, selectors.EVENT_READ)
        self.chunks = []

    def wait_for(self, predicate, timeout):
        deadline = time.monotonic() + timeout
        while not predicate(self.text):
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"timed out; `make run` printed:\n{self.text[-4000:]}"
            if self.selector.select(remaining):
                chunk = os.read(self.fd, 65536)
                assert chunk, f"`make run` stopped:\n{self.text[-4000:]}"
                self.chunks.append(chunk)

    def read_to_end(self, timeout):
        """Until every process holding the pipe has exited (end of file).

        Also what lets them exit: a process blocked writing to a full pipe that nobody reads
        (what the server and the worker print as they stop) never would.
        """
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"`make run` did not stop; it printed:\n{self.text[-4000:]}"
            if self.selector.select(remaining):
                chunk = os.read(self.fd, 65536)
                if not chunk:
                    return
                self.chunks.append(chunk)

    @property
    def text(self):
        return b"".join(self.chunks).decode(errors="replace")


def restore_interrupt():
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def hidden(html, name):
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def test_make_run_delivers_both_e_mails_without_a_second_command(tmp_path):
    port = free_port()
    env = clean_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        ENQUIRY_MIN_FILL_SECONDS="0",
        PYTHONUNBUFFERED="1",
    )
    process = subprocess.Popen(
        ["make", "--no-print-directory", "run", f"PORT={port}"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        # Ctrl-C in a terminal, whoever started pytest: a shell's background job (or a CI
        # runner) passes SIGINT down ignored, and the development server would not stop.
        preexec_fn=restore_interrupt,
    )
    output = Output(process)
    try:
        output.wait_for(lambda text: "Quit the server with" in text, timeout=240)
        base = f"http://127.0.0.1:{port}"
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        form = opener.open(f"{base}/en/enquiries/new/", timeout=30).read().decode()
        answers = {
            "csrfmiddlewaretoken": hidden(form, "csrfmiddlewaretoken"),
            "form_token": hidden(form, "form_token"),
            "topic": "1",
            "message": "Where can I learn Japanese?",
            "name": "Maya Gurung",
            "email": "maya@example.net",
            "reply_language": "ne",
            "privacy_notice": "on",
        }

        def post(path, data):
            request = urllib.request.Request(
                base + path,
                urllib.parse.urlencode(data).encode(),
                headers={"Referer": base + path},
            )
            return opener.open(request, timeout=30).read().decode()

        check = post("/en/enquiries/new/", answers)
        sent = post(
            "/en/enquiries/send/",
            {
                "csrfmiddlewaretoken": hidden(check, "csrfmiddlewaretoken"),
                "answers": hidden(check, "answers"),
            },
        )
        reference = re.search(r"[0-9A-Z]{5}-[0-9A-Z]{5}", sent).group(0)

        def both_e_mails(text):
            return (
                text.count(f"X-Enquiry-Reference: {reference}") == 2
                and "To: multiculture@example.org" in text
                and "To: maya@example.net" in text
            )

        output.wait_for(both_e_mails, timeout=60)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            output.read_to_end(timeout=30)
        finally:
            # Whatever happened, no process of this test outlives it.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
    assert "Worker stopped" in output.text
