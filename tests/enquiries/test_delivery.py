"""Delivery through a real SMTP server on loopback (aiosmtpd), including failures."""

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from enquiries import outbox
from enquiries.forms import issue_form_token
from enquiries.models import Delivery, Division, Enquiry, Topic
from portal.roles import ENQUIRY_HANDLERS, sync_roles
from tests.enquiries.conftest import SMTPServer, submit_enquiry
from tests.factories import DivisionFactory
from tests.staff import make_staff

pytestmark = pytest.mark.django_db


class Killed(BaseException):
    """Stands for the worker process dying: no `except Exception` catches it."""


def run_worker():
    call_command("run_worker", "--once", verbosity=0)


def time_passes():
    """Let every backoff delay and every lease run out."""
    past = timezone.now() - timedelta(seconds=1)
    Delivery.objects.update(next_attempt=past)
    Delivery.objects.exclude(leased_until=None).update(leased_until=past)


def text_of(message):
    return message.get_content().replace("\r\n", "\n")


def by_recipient(server):
    return {tuple(envelope.rcpt_tos): message for envelope, message in server.messages}


def test_submission_reaches_the_division_and_the_resident(client, topics, smtp_server):
    response = submit_enquiry(
        client, language="en", reply_language="ja", message="Line one\nLine two <b>"
    )
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert smtp_server.messages == [], "nothing is sent inside the request"

    run_worker()

    messages = by_recipient(smtp_server)
    assert set(messages) == {("multiculture@example.org",), ("maya@example.net",)}
    division = messages[("multiculture@example.org",)]
    acknowledgement = messages[("maya@example.net",)]
    deliveries = {delivery.kind: delivery for delivery in enquiry.deliveries.all()}

    assert enquiry.reference in division["Subject"]
    assert division["Reply-To"] == "maya@example.net"
    assert division["From"] == "no-reply@example.org"
    assert division["Message-ID"] == deliveries["division"].message_id
    assert division["Content-Language"] == "ja"
    body = text_of(division)
    assert "Line one\nLine two <b>" in body
    assert "Maya Gurung" in body and enquiry.reference in body
    assert f"/admin/enquiries/enquiry/{enquiry.pk}/change/" in body

    assert enquiry.reference in acknowledgement["Subject"]
    assert acknowledgement["To"] == "maya@example.net"
    assert acknowledgement["Message-ID"] == deliveries["acknowledgement"].message_id
    assert acknowledgement["Content-Language"] == "ja"
    assert acknowledgement["Auto-Submitted"] == "auto-generated"
    # The division publishes no e-mail (fixtures/divisions.json): a reply still reaches
    # the mailbox that received the enquiry.
    assert Division.objects.get().email == ""
    assert acknowledgement["Reply-To"] == "multiculture@example.org"
    text = text_of(acknowledgement)
    assert enquiry.reference in text
    # The topic in the resident's chosen language, the promised reply time, no free text.
    assert "お住まいの地域を担当する地域国際化協会について" in text
    assert "5営業日以内" in text
    assert "03-5213-1725" in text and "+81" not in text, "a Japanese reader dials it as in Japan"
    assert "Line one" not in text and "Maya" not in text

    assert {delivery.state for delivery in enquiry.deliveries.all()} == {Delivery.State.SENT}
    run_worker()
    assert len(smtp_server.messages) == 2, "a message already sent is never sent again"


@pytest.mark.parametrize(("language", "topic_name"), [("en", "Finding the International")])
def test_acknowledgement_follows_the_reply_language(
    client, topics, smtp_server, language, topic_name
):
    submit_enquiry(client, language="ja", reply_language=language)
    run_worker()
    acknowledgement = by_recipient(smtp_server)[("maya@example.net",)]
    assert acknowledgement["Content-Language"] == language
    assert topic_name in text_of(acknowledgement)
    assert "+81 3-5213-1725" in text_of(acknowledgement)


def test_smtp_down_keeps_the_enquiry_and_delivers_once_it_is_back(client, topics, settings):
    server = SMTPServer()  # not started yet: connections are refused
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    submit_enquiry(client)

    run_worker()
    enquiry = Enquiry.objects.get()
    for delivery in enquiry.deliveries.all():
        assert delivery.state == Delivery.State.PENDING
        assert delivery.attempts == 1
        assert "refused" in delivery.last_error.lower()
        assert delivery.next_attempt > timezone.now() + timedelta(seconds=50)
        assert delivery.leased_until is None

    run_worker()  # backing off: nothing is due yet
    assert set(enquiry.deliveries.values_list("attempts", flat=True)) == {1}

    time_passes()
    run_worker()  # still down: the second attempt waits twice as long
    delivery = enquiry.deliveries.first()
    assert delivery.attempts == 2
    assert delivery.next_attempt > timezone.now() + timedelta(seconds=110)

    server.start()
    try:
        time_passes()
        run_worker()
        assert len(server.messages) == 2
        assert set(enquiry.deliveries.values_list("state", flat=True)) == {Delivery.State.SENT}
        time_passes()
        run_worker()
        assert len(server.messages) == 2
    finally:
        server.stop()


def test_slow_smtp_server_times_out_and_is_retried(client, topics, smtp_server, settings):
    settings.EMAIL_TIMEOUT = 1
    smtp_server.handler.greeting_delay = 3
    submit_enquiry(client)
    run_worker()
    assert smtp_server.handler.envelopes == []
    assert all(
        "timed out" in delivery.last_error and delivery.state == Delivery.State.PENDING
        for delivery in Delivery.objects.all()
    )
    smtp_server.handler.greeting_delay = 0
    time_passes()
    run_worker()
    assert len(smtp_server.handler.envelopes) == 2


def test_worker_killed_after_the_server_accepted_waits_then_sends_once_more(
    client, topics, smtp_server
):
    """The documented duplicate window: accepted by SMTP, not yet recorded as sent.

    The row said "handed to the server" before DATA went out, so the next worker knows the
    outcome is unknown: it does not resend at once, only once after the long delay, with the
    same Message-ID."""
    submit_enquiry(client)
    with mock.patch.object(outbox, "record_sent", side_effect=Killed), pytest.raises(Killed):
        outbox.deliver_due()
    assert len(smtp_server.messages) == 1
    first_message_id = smtp_server.messages[0][1]["Message-ID"]
    in_doubt = Delivery.objects.get(message_id=first_message_id)
    assert in_doubt.data_sent is not None and in_doubt.leased_until is not None

    run_worker()  # another worker: the dead one held only the message in hand
    assert len(smtp_server.messages) == 2

    time_passes()  # the lease runs out
    run_worker()
    in_doubt.refresh_from_db()
    assert len(smtp_server.messages) == 2, "not resent at full rate"
    assert in_doubt.state == Delivery.State.PENDING and in_doubt.unknown_outcomes == 1
    assert in_doubt.next_attempt > timezone.now() + timedelta(minutes=59)
    assert "Outcome unknown" in in_doubt.last_error

    time_passes()  # the long delay passes
    run_worker()
    message_ids = [message["Message-ID"] for _envelope, message in smtp_server.messages]
    assert len(message_ids) == 3
    assert message_ids.count(first_message_id) == 2, "the duplicate keeps its Message-ID"
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.SENT}


def test_worker_killed_before_sending_holds_only_the_message_in_hand(client, topics, smtp_server):
    submit_enquiry(client)
    with mock.patch.object(outbox, "build_message", side_effect=Killed), pytest.raises(Killed):
        outbox.deliver_due()
    assert smtp_server.messages == []
    assert Delivery.objects.filter(leased_until__isnull=False).count() == 1

    run_worker()  # the other message is not stuck behind the dead worker's lease
    assert len(smtp_server.messages) == 1
    time_passes()
    run_worker()
    assert len(smtp_server.messages) == 2
    assert len({message["Message-ID"] for _envelope, message in smtp_server.messages}) == 2


def test_a_leased_delivery_cannot_be_claimed_twice(client, topics):
    submit_enquiry(client)
    first = outbox.claim_due(limit=2)
    second = outbox.claim_due(limit=2)
    assert len(first) == 2
    assert second == []


def test_backoff_doubles_up_to_a_ceiling(settings):
    settings.ENQUIRY_DELIVERY_BACKOFF_SECONDS = 60
    settings.ENQUIRY_DELIVERY_BACKOFF_MAX_SECONDS = 3600
    assert [outbox.backoff(attempt) for attempt in range(1, 9)] == [
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
        3600,
    ]


def test_gives_up_after_the_last_attempt_and_staff_can_retry(client, topics, settings):
    server = SMTPServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.ENQUIRY_DELIVERY_MAX_ATTEMPTS = 2
    submit_enquiry(client)
    run_worker()
    time_passes()
    run_worker()
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.FAILED}
    run_worker()  # given up: nothing is tried again on its own
    assert not server.handler.envelopes

    # The relay is back; a handler sends the failed e-mails again from the enquiry list.
    server.start()
    try:
        staff = Client()
        staff.force_login(make_staff("handler", sync_roles()[ENQUIRY_HANDLERS].name))
        enquiry = Enquiry.objects.get()
        response = staff.post(
            "/admin/enquiries/enquiry/",
            {"action": "retry_deliveries", "_selected_action": [str(enquiry.pk)]},
        )
        assert response.status_code == 302
        assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.PENDING}
        run_worker()
        assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.SENT}
        recipients = sorted(
            rcpt for envelope in server.handler.envelopes for rcpt in envelope.rcpt_tos
        )
        assert recipients == sorted([enquiry.email, *enquiry.division.mailbox_list])
    finally:
        server.stop()


def test_spam_is_never_mailed(client, topics, smtp_server):
    submit_enquiry(client)
    check_spam = client.post(
        "/en/enquiries/new/",
        {
            "topic": "1",
            "message": "buy now",
            "name": "Bot",
            "email": "bot@example.net",
            "reply_language": "en",
            "privacy_notice": "on",
            "website": "http://spam.example",
            "form_token": issue_form_token(),
        },
    )
    assert check_spam.status_code == 302
    run_worker()
    recipients = [envelope.rcpt_tos for envelope, _message in smtp_server.messages]
    assert ["bot@example.net"] not in recipients
    assert len(recipients) == 2


def test_division_without_a_mailbox_waits_until_staff_add_one(client, topics, smtp_server):
    Division.objects.update(mailboxes="")
    submit_enquiry(client)
    run_worker()
    division_copy = Delivery.objects.get(kind=Delivery.Kind.DIVISION)
    assert division_copy.state == Delivery.State.PENDING
    assert "No mailbox" in division_copy.last_error
    Division.objects.update(mailboxes="multiculture@example.org\nsecond@example.org")
    time_passes()
    run_worker()
    envelopes = [envelope.rcpt_tos for envelope, _message in smtp_server.messages]
    assert ["multiculture@example.org", "second@example.org"] in envelopes


def test_division_without_a_mailbox_holds_the_acknowledgement_too(client, topics, smtp_server):
    """A Reply-To nobody reads would leave the resident without a way to answer."""
    Division.objects.update(mailboxes="")
    submit_enquiry(client)
    run_worker()
    acknowledgement = Delivery.objects.get(kind=Delivery.Kind.ACKNOWLEDGEMENT)
    assert acknowledgement.state == Delivery.State.PENDING
    assert "No mailbox" in acknowledgement.last_error
    assert smtp_server.messages == []
    Division.objects.update(mailboxes="multiculture@example.org")
    time_passes()
    run_worker()
    assert by_recipient(smtp_server)[("maya@example.net",)]["Reply-To"] == (
        "multiculture@example.org"
    )


def test_topic_routes_to_its_own_division(client, topics, smtp_server):
    other = DivisionFactory(name_ja="国際協力課", mailboxes="cooperation@example.org")
    Topic.objects.filter(pk=2).update(division=other)
    submit_enquiry(client, topic="2")
    run_worker()
    messages = by_recipient(smtp_server)
    assert ("cooperation@example.org",) in messages
    assert messages[("maya@example.net",)]["Reply-To"] == "cooperation@example.org"
    assert Enquiry.objects.get().division == other


def test_division_without_its_own_mailbox_replies_go_to_the_default_division(
    client, topics, smtp_server
):
    other = DivisionFactory(name_ja="国際協力課", mailboxes="")
    Topic.objects.filter(pk=2).update(division=other)
    submit_enquiry(client, topic="2")
    run_worker()
    acknowledgement = by_recipient(smtp_server)[("maya@example.net",)]
    assert acknowledgement["Reply-To"] == "multiculture@example.org"


def test_a_hostile_topic_name_cannot_inject_headers(client, topics, smtp_server):
    Topic.objects.filter(pk=1).update(
        name_ja="Visa\r\nBcc: victim@example.com", name_en="Visa\nBcc: victim@example.com"
    )
    submit_enquiry(client, reply_language="en")
    run_worker()
    for envelope, message in smtp_server.messages:
        assert "victim@example.com" not in envelope.rcpt_tos
        assert message["Bcc"] is None
        assert "\n" not in message["Subject"]


def test_anonymised_enquiry_is_never_mailed(client, topics, smtp_server):
    submit_enquiry(client)
    Enquiry.objects.get().anonymise()
    run_worker()
    assert smtp_server.messages == []
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.CANCELLED}


def test_one_call_sends_at_most_its_limit_and_counts_what_it_attempted(
    client, topics, smtp_server, settings
):
    """deliver_due(limit) is the worker's batch: exactly `limit` messages, then it returns."""
    settings.ENQUIRY_RATE_LIMIT_PER_CLIENT = (100, 3600)
    for number in range(2):  # four deliveries: two enquiries, two messages each
        submit_enquiry(client, name=f"Resident {number}", email=f"r{number}@example.net")
    assert Delivery.objects.filter(state=Delivery.State.PENDING).count() == 4

    assert outbox.deliver_due(limit=3) == 3
    assert len(smtp_server.messages) == 3
    assert Delivery.objects.filter(state=Delivery.State.PENDING).count() == 1

    assert outbox.deliver_due(limit=3) == 1
    assert outbox.deliver_due(limit=3) == 0
    assert len(smtp_server.messages) == 4


@pytest.mark.parametrize(
    ("code", "permanent"),
    [(421, False), (450, False), (451, False), (499, False), (500, True), (550, True), (554, True)],
)
def test_a_5xx_reply_is_permanent_and_a_4xx_is_not(code, permanent):
    """RFC 5321: 5yz is a permanent failure (retrying cannot help), 4yz a transient one."""
    assert outbox.is_permanent(smtplib.SMTPDataError(code, b"reply")) is permanent
    refused = smtplib.SMTPRecipientsRefused({"a@example.org": (code, b"reply")})
    assert outbox.is_permanent(refused) is permanent


def test_recipients_refused_is_permanent_only_if_every_recipient_was_refused_for_good():
    mixed = smtplib.SMTPRecipientsRefused(
        {"a@example.org": (550, b"no such user"), "b@example.org": (451, b"try later")}
    )
    assert outbox.is_permanent(mixed) is False
