from datetime import timedelta

import factory
import pytest
from django.core.management import call_command
from django.utils import timezone

from directory.models import Prefecture
from enquiries.models import Delivery, Enquiry, Topic
from tests.enquiries.conftest import submit_enquiry
from tests.factories import EnquiryFactory

pytestmark = pytest.mark.django_db


def make_enquiries(count):
    """Enquiries as "Send enquiry" stores them, their two e-mails queued: about the first
    topic, from a resident of Kanagawa who reads Nepali."""
    made = EnquiryFactory.create_batch(
        count,
        topic=Topic.objects.get(pk=1),
        prefecture=Prefecture.objects.get(code="14"),
        reply_language="ne",
        email=factory.Sequence(lambda n: f"person{n}@example.net"),
        message=factory.Sequence(lambda n: f"Message {n}"),
    )
    for enquiry in made:
        enquiry.schedule_deliveries()
    return made


def test_closed_enquiries_past_retention_lose_personal_data_but_keep_statistics(topics, settings):
    old_closed, old_spam, recent_closed, old_open = make_enquiries(4)
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


def test_running_twice_is_harmless(topics, settings):
    (enquiry,) = make_enquiries(1)
    enquiry.status = Enquiry.Status.CLOSED
    enquiry.status_changed = timezone.now() - settings.ENQUIRY_RETENTION - timedelta(days=1)
    enquiry.save()
    call_command("anonymise_enquiries", verbosity=0)
    first = Enquiry.objects.get().anonymised
    call_command("anonymise_enquiries", verbosity=0)
    assert Enquiry.objects.get().anonymised == first


def test_dry_run_changes_nothing(topics, settings, capsys):
    (enquiry,) = make_enquiries(1)
    enquiry.status = Enquiry.Status.CLOSED
    enquiry.status_changed = timezone.now() - settings.ENQUIRY_RETENTION - timedelta(days=1)
    enquiry.save()
    call_command("anonymise_enquiries", "--dry-run")
    assert "1 enquiries would be anonymised" in capsys.readouterr().out
    assert Enquiry.objects.get().email


def test_retention_period_is_configurable(topics, settings):
    settings.ENQUIRY_RETENTION = timedelta(days=30)
    (enquiry,) = make_enquiries(1)
    enquiry.status = Enquiry.Status.CLOSED
    enquiry.status_changed = timezone.now() - timedelta(days=31)
    enquiry.save()
    call_command("anonymise_enquiries", verbosity=0)
    assert Enquiry.objects.get().anonymised is not None


def backdate(enquiry, status, days):
    Enquiry.objects.filter(pk=enquiry.pk).update(
        status=status, status_changed=timezone.now() - timedelta(days=days)
    )


@pytest.mark.parametrize(
    "status", [Enquiry.Status.NEW, Enquiry.Status.IN_PROGRESS, Enquiry.Status.ANSWERED]
)
def test_open_and_answered_enquiries_are_anonymised_after_the_longer_period(
    topics, settings, status
):
    """Issue 11: "answered", "new" and "in progress" used to keep personal data for ever."""
    settings.ENQUIRY_OPEN_RETENTION = timedelta(days=730)
    past_closed_period, past_open_period = make_enquiries(2)
    backdate(past_closed_period, status, 400)
    backdate(past_open_period, status, 731)

    call_command("anonymise_enquiries", verbosity=0)

    past_closed_period.refresh_from_db()
    past_open_period.refresh_from_db()
    assert past_closed_period.anonymised is None and past_closed_period.email
    assert past_open_period.anonymised is not None
    assert (past_open_period.name, past_open_period.email, past_open_period.message) == ("",) * 3
    assert past_open_period.status == status, "the status is kept for statistics"


def test_a_status_change_restarts_the_clock(topics, settings):
    (enquiry,) = make_enquiries(1)
    backdate(enquiry, Enquiry.Status.NEW, 729)
    enquiry.refresh_from_db()
    enquiry.change_status(Enquiry.Status.IN_PROGRESS)
    call_command("anonymise_enquiries", verbosity=0)
    assert Enquiry.objects.get().anonymised is None


def test_no_table_keeps_the_residents_data_after_anonymisation(
    client, topics, settings, smtp_server, admin_client, caplog
):
    """Every text column of every table (history, deliveries, admin log…) is searched."""
    from django.apps import apps
    from django.db import models

    submit_enquiry(
        client,
        name="Zebulon Quixote",
        email="zebulon.quixote@example.net",
        phone="090-1234-5678",
        message="My unique question about Xylophone Street",
    )
    enquiry = Enquiry.objects.get()
    smtp_server.handler.data_reply = "554 5.7.1 <zebulon.quixote@example.net> refused"
    call_command("run_worker", "--once", verbosity=0)
    assert "zebulon.quixote@example.net" in Delivery.objects.first().last_error
    worker_log = [r.getMessage() for r in caplog.records if r.name.startswith("enquiries")]
    assert any("rejected by the mail server" in line for line in worker_log)
    assert not any("zebulon" in line.lower() for line in worker_log), "no address in the log"
    # Staff work on it in the admin: notes, status, the admin's own log.
    change = admin_client.get(f"/admin/enquiries/enquiry/{enquiry.pk}/change/")
    assert change.status_code == 200
    enquiry.internal_notes = "Zebulon called about Xylophone Street"
    enquiry.save()
    enquiry.change_status(Enquiry.Status.ANSWERED)
    backdate(enquiry, Enquiry.Status.ANSWERED, 800)

    call_command("anonymise_enquiries", verbosity=0)

    secrets = ["Zebulon", "Quixote", "zebulon.quixote", "1234-5678", "Xylophone"]
    for model in apps.get_models(include_auto_created=True):
        text_fields = [
            field.name
            for field in model._meta.get_fields()
            if isinstance(field, models.CharField | models.TextField) and field.concrete
        ]
        for name in text_fields:
            for secret in secrets:
                found = model._default_manager.filter(**{f"{name}__icontains": secret})
                assert not found.exists(), f"{model._meta.label}.{name} still holds {secret!r}"


def test_staff_are_warned_before_personal_data_is_removed(
    topics, settings, admin_client, admin_user
):
    from portal.models import StaffPreferences

    StaffPreferences.objects.create(user=admin_user, admin_language="en")
    settings.ENQUIRY_RETENTION_WARNING = timedelta(days=30)
    soon, later = make_enquiries(2)
    backdate(soon, Enquiry.Status.CLOSED, 365 - 10)
    backdate(later, Enquiry.Status.CLOSED, 365 - 40)

    listing = admin_client.get("/admin/enquiries/enquiry/")
    html = listing.content.decode()
    assert "The personal data of 1 enquiry will be removed within 30 days." in html
    assert 'href="?anonymised_soon=yes"' in html

    filtered = admin_client.get("/admin/enquiries/enquiry/?anonymised_soon=yes")
    assert soon.reference in filtered.content.decode()
    assert later.reference not in filtered.content.decode()

    detail = admin_client.get(f"/admin/enquiries/enquiry/{soon.pk}/change/")
    assert "Personal data removed on" in detail.content.decode()

    call_command("anonymise_enquiries", verbosity=0)
    assert Enquiry.objects.filter(anonymised__isnull=False).count() == 0, "a warning, not yet"
