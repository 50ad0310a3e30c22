from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from enquiries.models import Delivery, Enquiry
from tests.enquiries.conftest import submit_enquiry

pytestmark = pytest.mark.django_db


def make_enquiries(client, count):
    for number in range(count):
        submit_enquiry(client, email=f"person{number}@example.net", message=f"Message {number}")
    return list(Enquiry.objects.order_by("pk"))


def test_closed_enquiries_past_retention_lose_personal_data_but_keep_statistics(
    client, topics, settings
):
    settings.ENQUIRY_RATE_LIMIT_PER_CLIENT = (100, 3600)
    old_closed, old_spam, recent_closed, old_open = make_enquiries(client, 4)
    long_ago = timezone.now() - settings.ENQUIRY_RETENTION - timedelta(days=1)
    for enquiry, status in (
        (old_closed, Enquiry.Status.CLOSED),
        (old_spam, Enquiry.Status.SPAM),
        (old_open, Enquiry.Status.IN_PROGRESS),
    ):
        enquiry.internal_notes = "Called back on Tuesday"
        enquiry.status = status
        enquiry.status_changed = long_ago
        enquiry.save()
    recent_closed.change_status(Enquiry.Status.CLOSED)
    Delivery.objects.update(state=Delivery.State.SENT, recipients="person@example.net")

    call_command("anonymise_enquiries", verbosity=0)

    old_closed.refresh_from_db()
    assert old_closed.anonymised is not None
    assert (old_closed.name, old_closed.email, old_closed.phone) == ("", "", "")
    assert old_closed.message == "" and old_closed.internal_notes == ""
    assert set(old_closed.deliveries.values_list("recipients", flat=True)) == {""}
    # What statistics need stays.
    assert old_closed.topic_id == 1 and old_closed.reply_language == "ne"
    assert old_closed.prefecture_id == "14" and old_closed.created is not None
    assert old_closed.reference and old_closed.status == Enquiry.Status.CLOSED

    old_spam.refresh_from_db()
    assert old_spam.anonymised is not None
    for kept in (recent_closed, old_open):
        kept.refresh_from_db()
        assert kept.anonymised is None and kept.email


def test_running_twice_is_harmless(client, topics, settings):
    (enquiry,) = make_enquiries(client, 1)
    enquiry.status = Enquiry.Status.CLOSED
    enquiry.status_changed = timezone.now() - settings.ENQUIRY_RETENTION - timedelta(days=1)
    enquiry.save()
    call_command("anonymise_enquiries", verbosity=0)
    first = Enquiry.objects.get().anonymised
    call_command("anonymise_enquiries", verbosity=0)
    assert Enquiry.objects.get().anonymised == first


def test_dry_run_changes_nothing(client, topics, settings, capsys):
    (enquiry,) = make_enquiries(client, 1)
    enquiry.status = Enquiry.Status.CLOSED
    enquiry.status_changed = timezone.now() - settings.ENQUIRY_RETENTION - timedelta(days=1)
    enquiry.save()
    call_command("anonymise_enquiries", "--dry-run")
    assert "1 enquiries would be anonymised" in capsys.readouterr().out
    assert Enquiry.objects.get().email


def test_retention_period_is_configurable(client, topics, settings):
    settings.ENQUIRY_RETENTION = timedelta(days=30)
    (enquiry,) = make_enquiries(client, 1)
    enquiry.status = Enquiry.Status.CLOSED
    enquiry.status_changed = timezone.now() - timedelta(days=31)
    enquiry.save()
    call_command("anonymise_enquiries", verbosity=0)
    assert Enquiry.objects.get().anonymised is not None
