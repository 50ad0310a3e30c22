"""What the outbox does when the relay's answer is late, permanent or temporary (issue 11).

Each relay is a real aiosmtpd server on loopback. The late one stores the message and only
then waits inside its DATA handler for longer than the client's EMAIL_TIMEOUT, which is what
a loaded relay does; the tests themselves never sleep.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from enquiries import outbox
from enquiries.models import Delivery
from portal.models import StaffPreferences
from tests.enquiries.conftest import submit_enquiry
from tests.enquiries.test_delivery import run_worker, time_passes

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_relay(smtp_server, settings):
    """Stores each message, then answers `250` long after the client has given up."""
    settings.EMAIL_TIMEOUT = 0.5
    smtp_server.handler.answer_delay = 60
    return smtp_server


def copies_per_message(server):
    return Counter(message["Message-ID"] for _envelope, message in server.messages)


def test_a_late_relay_gets_each_message_at_most_twice(client, topics, late_relay, settings):
    assert settings.ENQUIRY_DELIVERY_UNKNOWN_RETRIES == 1
    submit_enquiry(client)

    run_worker()
    assert list(copies_per_message(late_relay).values()) == [1, 1]
    for delivery in Delivery.objects.all():
        assert delivery.state == Delivery.State.PENDING
        assert delivery.unknown_outcomes == 1 and delivery.data_sent is None
        assert delivery.leased_until is None
        assert delivery.last_error.startswith("Outcome unknown after DATA")
        assert delivery.next_attempt > timezone.now() + timedelta(minutes=59)

    run_worker()  # not due for an hour: no retry at full rate
    assert list(copies_per_message(late_relay).values()) == [1, 1]

    # However long the relay stays late and however often the worker runs, nothing more
    # than one retry per message goes out: this is the worst case docs/deploy.md states.
    for _round in range(12):
        time_passes()
        run_worker()
    assert list(copies_per_message(late_relay).values()) == [2, 2]
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.UNKNOWN}


def test_without_the_retry_a_late_relay_gets_each_message_once(
    client, topics, late_relay, settings
):
    settings.ENQUIRY_DELIVERY_UNKNOWN_RETRIES = 0
    submit_enquiry(client)
    for _round in range(3):
        run_worker()
        time_passes()
    assert list(copies_per_message(late_relay).values()) == [1, 1]
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.UNKNOWN}


def test_the_retry_after_an_unknown_outcome_is_recorded_as_sent(client, topics, late_relay):
    submit_enquiry(client)
    run_worker()
    late_relay.handler.answer_delay = 0  # the relay has recovered by the time of the retry
    time_passes()
    run_worker()
    assert list(copies_per_message(late_relay).values()) == [2, 2]
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.SENT}


def test_staff_retry_of_an_unknown_outcome_is_one_more_attempt(
    client, topics, late_relay, settings
):
    settings.ENQUIRY_DELIVERY_UNKNOWN_RETRIES = 0
    submit_enquiry(client)
    run_worker()
    assert Delivery.objects.all().send_again_now() == 2
    run_worker()
    run_worker()
    time_passes()
    run_worker()
    assert list(copies_per_message(late_relay).values()) == [2, 2]
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.UNKNOWN}


def test_a_permanent_rejection_stops_at_once_and_shows_in_the_admin(
    client, topics, smtp_server, admin_client, admin_user
):
    StaffPreferences.objects.create(user=admin_user, admin_language="en")
    smtp_server.handler.data_reply = "554 5.7.1 Message refused by policy"
    submit_enquiry(client)
    run_worker()
    time_passes()
    run_worker()
    assert len(smtp_server.handler.envelopes) == 2, "one attempt per message, no retry"
    for delivery in Delivery.objects.all():
        assert delivery.state == Delivery.State.REJECTED
        assert delivery.attempts == 1
        assert "554" in delivery.last_error and "refused by policy" in delivery.last_error

    listing = admin_client.get("/admin/enquiries/delivery/?state__exact=rejected")
    html = listing.content.decode()
    assert listing.status_code == 200
    assert html.count("Message refused by policy") == 2, "the reason is in the list"
    assert "Rejected by the mail server" in html


def test_every_recipient_refused_permanently_is_a_rejection_without_the_address(
    client, topics, smtp_server
):
    smtp_server.handler.rcpt_reply = "550 5.1.1 No such mailbox"
    submit_enquiry(client)
    run_worker()
    assert smtp_server.handler.envelopes == []
    for delivery in Delivery.objects.all():
        assert delivery.state == Delivery.State.REJECTED
        assert delivery.last_error == "SMTPRecipientsRefused: 550"


def test_a_temporary_rejection_is_retried_with_backoff(client, topics, smtp_server):
    smtp_server.handler.data_reply = "451 4.3.0 Try again later"
    submit_enquiry(client)
    run_worker()
    for delivery in Delivery.objects.all():
        assert delivery.state == Delivery.State.PENDING
        assert delivery.unknown_outcomes == 0, "a 451 reply is an answer: nothing was stored"
        assert delivery.next_attempt > timezone.now() + timedelta(seconds=50)
        assert "451" in delivery.last_error
    smtp_server.handler.data_reply = "250 OK"
    time_passes()
    run_worker()
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.SENT}
    assert len(smtp_server.handler.envelopes) == 4


def test_a_late_greeting_is_not_an_unknown_outcome(client, topics, smtp_server, settings):
    """A timeout before DATA means the server has nothing: the normal backoff applies."""
    settings.EMAIL_TIMEOUT = 0.5
    smtp_server.handler.greeting_delay = 60
    submit_enquiry(client)
    run_worker()
    for delivery in Delivery.objects.all():
        assert delivery.state == Delivery.State.PENDING
        assert delivery.unknown_outcomes == 0
        assert delivery.next_attempt < timezone.now() + timedelta(minutes=2)


def test_one_claim_at_a_time(client, topics):
    submit_enquiry(client)
    assert len(outbox.claim_due()) == 1
    assert Delivery.objects.filter(leased_until__isnull=False).count() == 1
