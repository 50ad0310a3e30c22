"""Forwarding an enquiry to its association (admin action), through a real SMTP server."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from directory.models import Association
from enquiries.models import Delivery, Enquiry
from tests.enquiries.conftest import submit_enquiry
from tests.enquiries.test_delivery import by_recipient, text_of
from tests.factories import YokohamaFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/enquiries/enquiry/"
ASSOCIATION_MAILBOX = "soudan@yoke.example.jp"


@pytest.fixture
def association(topics):
    return YokohamaFactory(email=ASSOCIATION_MAILBOX)


def enquiry_about(association, consent):
    submit_enquiry(
        Client(),
        association=association.slug,
        forwarding_consent="on" if consent else None,
        reply_language="ne",
        phone="090-1234-5678",
        message="Where can I learn Japanese near Kannai station?",
    )
    enquiry = Enquiry.objects.latest("pk")
    enquiry.internal_notes = "Staff only: called back on Tuesday"
    enquiry.save()
    return enquiry


def forward(admin_client, enquiry):
    return admin_client.post(
        CHANGELIST,
        {"action": "forward_to_association", "_selected_action": [enquiry.pk]},
        follow=True,
    )


def run_worker():
    call_command("run_worker", "--once", verbosity=0)


def test_forwarded_with_consent_to_the_association_and_the_resident_is_told(
    admin_client, association, smtp_server
):
    enquiry = enquiry_about(association, consent=True)
    run_worker()  # the division's copy and the acknowledgement
    arrival = len(smtp_server.messages)
    assert arrival == 2

    response = forward(admin_client, enquiry)

    assert response.status_code == 200
    assert smtp_server.messages[arrival:] == [], "nothing is sent inside the request"
    run_worker()
    sent = by_recipient(type("S", (), {"messages": smtp_server.messages[arrival:]})())
    assert set(sent) == {(ASSOCIATION_MAILBOX,), ("maya@example.net",)}

    forwarded = sent[(ASSOCIATION_MAILBOX,)]
    body = text_of(forwarded)
    assert enquiry.reference in forwarded["Subject"]
    assert forwarded["Reply-To"] == "maya@example.net"
    assert forwarded["Content-Language"] == "ja"
    assert "Where can I learn Japanese near Kannai station?" in body
    assert "Maya Gurung" in body and "090-1234-5678" in body
    assert "ネパール語（नेपाली）" in body
    assert "Staff only" not in body, "internal notes never leave CLAIR"

    notice = sent[("maya@example.net",)]
    assert notice["Content-Language"] == "ne"
    assert notice["Auto-Submitted"] == "auto-generated"
    with translation.override("ne"):
        sentence = translation.gettext(
            "The association will contact you using the details you gave us. Its e-mail address is:"
        )
    assert sentence.isascii() is False, "the notice is translated into Nepali"
    assert sentence in text_of(notice) and ASSOCIATION_MAILBOX in text_of(notice)

    kinds = set(enquiry.deliveries.values_list("kind", "state"))
    assert (Delivery.Kind.FORWARD, Delivery.State.SENT) in kinds
    assert (Delivery.Kind.FORWARD_NOTICE, Delivery.State.SENT) in kinds
    event = enquiry.events.get(field="forwarded")
    assert event.actor.is_superuser and event.new_value == ASSOCIATION_MAILBOX
    change_form = admin_client.get(f"{CHANGELIST}{enquiry.pk}/change/").content.decode()
    assert "協会へ転送済み" in change_form

    # A second click forwards nothing again.
    again = forward(admin_client, enquiry).content.decode()
    run_worker()
    assert len(smtp_server.messages) == arrival + 2
    assert enquiry.reference in again


@pytest.mark.parametrize("missing", ["consent", "address"])
def test_not_forwarded_without_consent_or_an_address(
    admin_client, association, smtp_server, missing
):
    enquiry = enquiry_about(association, consent=missing != "consent")
    if missing == "address":
        Association.objects.filter(pk=association.pk).update(email="")
    run_worker()
    arrival = len(smtp_server.messages)

    page = forward(admin_client, enquiry).content.decode()

    run_worker()
    assert len(smtp_server.messages) == arrival, "nothing reaches the association"
    assert not enquiry.deliveries.filter(kind__in=Delivery.ON_FORWARDING).exists()
    assert not enquiry.events.filter(field="forwarded").exists()
    assert enquiry.reference in page
    expected = {"consent": "同意していない", "address": "メールアドレスがない"}[missing]
    assert expected in page


def test_division_copy_links_to_the_configured_site(association, smtp_server, settings):
    settings.ENQUIRY_SITE_URL = "https://kokusai.example.jp/"
    enquiry = enquiry_about(association, consent=False)
    run_worker()
    division = next(
        message for envelope, message in smtp_server.messages if "maya" not in envelope.rcpt_tos[0]
    )
    assert f"https://kokusai.example.jp/admin/enquiries/enquiry/{enquiry.pk}/change/" in (
        text_of(division)
    )


def test_the_resident_is_told_only_once_the_association_has_the_enquiry(
    admin_client, association, smtp_server
):
    """The notice says "we have forwarded": it waits while the association's copy is refused,
    and follows it once staff send that copy again."""
    enquiry = enquiry_about(association, consent=True)
    run_worker()
    arrival = len(smtp_server.messages)
    accept = smtp_server.handler.handle_RCPT

    async def refuse_the_association(server, session, envelope, address, rcpt_options):
        if address == ASSOCIATION_MAILBOX:
            return "550 5.1.1 Mailbox unavailable"
        return await accept(server, session, envelope, address, rcpt_options)

    smtp_server.handler.handle_RCPT = refuse_the_association

    forward(admin_client, enquiry)
    run_worker()

    assert len(smtp_server.messages) == arrival, (
        "the association refused its copy, and the notice waits for it"
    )
    states = dict(enquiry.deliveries.values_list("kind", "state"))
    assert states[Delivery.Kind.FORWARD] == Delivery.State.REJECTED
    assert states[Delivery.Kind.FORWARD_NOTICE] == Delivery.State.PENDING

    smtp_server.handler.handle_RCPT = accept
    admin_client.post(CHANGELIST, {"action": "retry_deliveries", "_selected_action": [enquiry.pk]})
    run_worker()

    recipients = [envelope.rcpt_tos for envelope, _message in smtp_server.messages[arrival:]]
    assert recipients == [[ASSOCIATION_MAILBOX], ["maya@example.net"]]
    states = dict(enquiry.deliveries.values_list("kind", "state"))
    assert states[Delivery.Kind.FORWARD_NOTICE] == Delivery.State.SENT
