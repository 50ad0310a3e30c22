import datetime
import re
from zoneinfo import ZoneInfo

import pytest

from enquiries.models import REFERENCE_ALPHABET, Enquiry, new_reference
from enquiries.working_days import is_working_day, working_days_before
from tests.factories import EnquiryFactory

TOKYO = ZoneInfo("Asia/Tokyo")


def test_references_are_readable_and_not_sequential():
    references = {new_reference() for _ in range(2000)}
    assert len(references) == 2000
    pattern = re.compile(rf"^[{REFERENCE_ALPHABET}]{{5}}-[{REFERENCE_ALPHABET}]{{5}}$")
    assert all(pattern.match(reference) for reference in references)
    assert not set("ILOU") & set("".join(references))


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (datetime.date(2026, 11, 25), True),  # Wednesday
        (datetime.date(2026, 11, 28), False),  # Saturday
        (datetime.date(2026, 11, 23), False),  # Labour Thanksgiving Day
        (datetime.date(2026, 12, 29), False),  # year-end closure
        (datetime.date(2027, 1, 4), True),
    ],
)
def test_working_days_follow_japanese_public_offices(day, working):
    assert is_working_day(day) is working


def test_working_days_before_skips_weekends_and_holidays():
    # Friday 27 November 2026, 10:00 in Tokyo; Monday 23rd is a public holiday.
    friday = datetime.datetime(2026, 11, 27, 10, tzinfo=TOKYO)
    assert working_days_before(friday, 3) == datetime.datetime(2026, 11, 24, 10, tzinfo=TOKYO)
    assert working_days_before(friday, 4) == datetime.datetime(2026, 11, 20, 10, tzinfo=TOKYO)


@pytest.mark.django_db
def test_overdue_means_open_and_older_than_the_reply_time(settings):
    settings.ENQUIRY_REPLY_WORKING_DAYS = 5
    old_open, old_answered, recent = EnquiryFactory.create_batch(3)
    long_ago = datetime.datetime(2026, 1, 5, 9, tzinfo=TOKYO)
    Enquiry.objects.filter(pk__in=[old_open.pk, old_answered.pk]).update(created=long_ago)
    old_answered.change_status(Enquiry.Status.ANSWERED)
    assert list(Enquiry.objects.overdue()) == [old_open]
    assert set(Enquiry.objects.not_overdue()) == {old_answered, recent}
    assert old_open.is_overdue and not recent.is_overdue


@pytest.mark.django_db
def test_status_changes_are_recorded_in_history(django_user_model):
    enquiry = EnquiryFactory()
    staff = django_user_model.objects.create_user("handler", is_staff=True)
    assert enquiry.change_status(Enquiry.Status.IN_PROGRESS, staff)
    assert not enquiry.change_status(Enquiry.Status.IN_PROGRESS, staff)
    event = enquiry.events.get()
    assert (event.field, event.old_value, event.new_value) == ("status", "new", "in_progress")
    assert event.actor == staff and str(event.new_display) == "In progress"


@pytest.mark.django_db
def test_marking_spam_cancels_pending_e_mails():
    enquiry = EnquiryFactory()
    enquiry.schedule_deliveries()
    enquiry.change_status(Enquiry.Status.SPAM)
    assert set(enquiry.deliveries.values_list("state", flat=True)) == {"cancelled"}


@pytest.mark.django_db
def test_str_is_only_the_reference():
    enquiry = EnquiryFactory()
    assert str(enquiry) == enquiry.reference
