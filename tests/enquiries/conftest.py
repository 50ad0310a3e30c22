import asyncio
import email
import email.policy
import re
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.cache import cache
from django.core.management import call_command

from enquiries.forms import issue_form_token


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RecordingHandler:
    def __init__(self):
        self.envelopes = []
        self.greeting_delay = 0
        # What the server answers after DATA, and how long after storing the message: a
        # relay that stores, then answers after the client's timeout, is the one that used
        # to multiply e-mails (issue 11).
        self.data_reply = "250 Message accepted for delivery"
        self.answer_delay = 0
        self.rcpt_reply = None

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # A slow server: answers the greeting only after `greeting_delay` seconds.
        if self.greeting_delay:
            await asyncio.sleep(self.greeting_delay)
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        if self.answer_delay:
            await asyncio.sleep(self.answer_delay)
        return self.data_reply


class SMTPServer:
    """A real SMTP server on loopback that can be stopped and started again on its port."""

    def __init__(self):
        self.port = free_port()
        self.handler = RecordingHandler()
        self.controller = None

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return [
            (
                envelope,
                email.message_from_bytes(envelope.original_content, policy=email.policy.default),
            )
            for envelope in self.handler.envelopes
        ]


@pytest.fixture
def smtp_server(settings):
    """Point Django's SMTP backend at a loopback server (pytest-django forces locmem)."""
    server = SMTPServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    server.start()
    yield server
    server.stop()


@pytest.fixture
def topics(db):
    """Prefectures, the Multiculture Division and the topics: what a form needs."""
    call_command("loaddata", "regions", "prefectures", "divisions", "topics", verbosity=0)


@pytest.fixture(autouse=True)
def enquiry_settings(settings):
    settings.ENQUIRY_MIN_FILL_SECONDS = 0
    # Fast password hashing for the staff accounts the admin tests create.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield settings
    cache.clear()


VALID_ANSWERS = {
    "topic": "1",
    "association": "",
    "message": "Where can I learn Japanese in Yokohama?",
    "name": "Maya Gurung",
    "email": "maya@example.net",
    "phone": "",
    "reply_language": "ne",
    "prefecture": "14",
    "privacy_notice": "on",
}


def hidden_value(html, name):
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden field {name}"
    return match.group(1)


def check_answers(client, language="en", token=None, **changes):
    """Fill in the form (step 1); return the check-your-answers response."""
    answers = {**VALID_ANSWERS, **changes}
    answers["form_token"] = token or issue_form_token()
    return client.post(
        f"/{language}/enquiries/new/", {k: v for k, v in answers.items() if v is not None}
    )


def send(client, check_response, language="en", **extra):
    answers = hidden_value(check_response.content.decode(), "answers")
    return client.post(f"/{language}/enquiries/send/", {"answers": answers}, **extra)


def submit_enquiry(client, language="en", **changes):
    """The whole journey; returns the response to "Send enquiry"."""
    response = check_answers(client, language, **changes)
    assert response.status_code == 200, response.content.decode()[:2000]
    return send(client, response, language)
