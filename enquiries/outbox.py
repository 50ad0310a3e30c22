"""The transactional outbox: how queued e-mails leave the building.

A delivery row is claimed by taking a lease (a conditional UPDATE, so two workers can never
both win, on any database; PostgreSQL's SKIP LOCKED also keeps them from queueing behind
each other), sent outside any transaction, then marked sent. A worker that dies keeps its
lease until it runs out; then the message is due again and goes out with the same
Message-ID. See docs/enquiries.md for the one window in which that means a duplicate.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from enquiries.emails import NothingToSend, build_message
from enquiries.models import Delivery

logger = logging.getLogger(__name__)

BATCH_SIZE = 20


def backoff(attempts):
    """Seconds to wait after the given number of failed attempts: 1, 2, 4… minutes, capped."""
    delay = settings.ENQUIRY_DELIVERY_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)
    return min(delay, settings.ENQUIRY_DELIVERY_BACKOFF_MAX_SECONDS)


def claim_due(limit=BATCH_SIZE):
    """Lease up to `limit` due deliveries for this worker; return their primary keys."""
    now = timezone.now()
    lease_end = now + timedelta(seconds=settings.ENQUIRY_DELIVERY_LEASE_SECONDS)
    with transaction.atomic():
        candidates = Delivery.objects.due(now).order_by("next_attempt", "pk")
        if db_connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        claimed = []
        for pk in list(candidates.values_list("pk", flat=True)[:limit]):
            won = (
                Delivery.objects.due(now)
                .filter(pk=pk)
                .update(leased_until=lease_end, attempts=F("attempts") + 1)
            )
            if won:
                claimed.append(pk)
    return claimed


def record_sent(delivery, recipients):
    Delivery.objects.filter(pk=delivery.pk).update(
        state=Delivery.State.SENT,
        sent=timezone.now(),
        recipients="\n".join(recipients),
        leased_until=None,
        last_error="",
    )


def record_failure(delivery, error):
    delivery.refresh_from_db(fields=["attempts"])
    gave_up = delivery.attempts >= settings.ENQUIRY_DELIVERY_MAX_ATTEMPTS
    Delivery.objects.filter(pk=delivery.pk).update(
        state=Delivery.State.FAILED if gave_up else Delivery.State.PENDING,
        next_attempt=timezone.now() + timedelta(seconds=backoff(delivery.attempts)),
        leased_until=None,
        last_error=f"{type(error).__name__}: {error}"[:2000],
    )
    log = logger.error if gave_up else logger.warning
    log("Delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, error)


def send_one(delivery, mail_connection):
    try:
        message = build_message(delivery, mail_connection)
    except NothingToSend as reason:
        Delivery.objects.filter(pk=delivery.pk).update(
            state=Delivery.State.CANCELLED, leased_until=None, last_error=str(reason)
        )
        return
    except Exception as error:
        record_failure(delivery, error)
        return
    try:
        message.send()
    except Exception as error:
        # The connection may be half-open; the next message opens a fresh one.
        try:
            mail_connection.close()
        except Exception:  # noqa: BLE001 - closing a broken connection may fail too
            pass
        record_failure(delivery, error)
        return
    # The duplicate window: the SMTP server has the message, the row does not say so yet.
    record_sent(delivery, message.recipients())


def deliver_due():
    """Send every delivery that is due now. Returns how many were attempted."""
    claimed = claim_due()
    if not claimed:
        return 0
    mail_connection = get_connection()
    try:
        deliveries = Delivery.objects.filter(pk__in=claimed).select_related(
            "enquiry__topic",
            "enquiry__division",
            "enquiry__association",
            "enquiry__prefecture",
        )
        for delivery in deliveries.order_by("pk"):
            send_one(delivery, mail_connection)
    finally:
        try:
            mail_connection.close()
        except Exception:  # noqa: BLE001
            pass
    return len(claimed)
