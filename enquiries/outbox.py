"""The transactional outbox: how queued e-mails leave the building.

A delivery row is claimed by taking a lease (a conditional UPDATE, so two workers can never
both win, on any database; PostgreSQL's SKIP LOCKED also keeps them from queueing behind
each other), sent outside any transaction, then recorded. A worker leases one message at a
time, so one that dies holds only the message in hand.

What happens after an error depends on what the SMTP server may already have (see
docs/enquiries.md, "After an error"):

- nothing yet (refused connection, timeout before DATA, a 4xx reply): retry with backoff;
- a permanent 5xx reply: `rejected` at once, never retried;
- the DATA command went out and then the reply did not come (timeout, connection lost, or a
  worker that died there): the server may have stored the message, so it is retried at most
  `ENQUIRY_DELIVERY_UNKNOWN_RETRIES` times after `ENQUIRY_DELIVERY_UNKNOWN_RETRY_SECONDS`,
  then left `unknown` for staff.
"""

import logging
import re
import smtplib
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

# Messages sent per call of deliver_due (one SMTP connection); each is claimed on its own.
BATCH_SIZE = 20


def backoff(attempts):
    """Seconds to wait after the given number of failed attempts: 1, 2, 4… minutes, capped."""
    delay = settings.ENQUIRY_DELIVERY_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)
    return min(delay, settings.ENQUIRY_DELIVERY_BACKOFF_MAX_SECONDS)


def claim_due(limit=1):
    """Lease up to `limit` due deliveries for this worker; return their primary keys.

    The worker claims one at a time: a lease covers only a message that is being sent, so a
    worker killed with `kill -9` keeps no other message waiting for its lease to run out.
    """
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
        data_sent=None,
        last_error="",
    )


def describe(error):
    # Only the class and the server's reply: a refused-recipient error's text would carry
    # the address, and last_error and the log outlive the enquiry's personal data otherwise.
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _reply in error.recipients.values()})
        return f"SMTPRecipientsRefused: {', '.join(map(str, codes))}"
    return f"{type(error).__name__}: {error}"[:2000]


ADDRESS = re.compile(r"[^\s<>()\[\]'\",;:]+@[^\s<>()\[\]'\",;:]+")


def for_log(error):
    # A relay's reply can quote the recipient; the log outlives anonymisation, so it never
    # gets an address (staff see the whole reply in the admin until then).
    return ADDRESS.sub("<address>", describe(error))


def record_failure(delivery, error):
    """Nothing reached the server: try again after the backoff, up to the last attempt."""
    delivery.refresh_from_db(fields=["attempts"])
    gave_up = delivery.attempts >= settings.ENQUIRY_DELIVERY_MAX_ATTEMPTS
    Delivery.objects.filter(pk=delivery.pk).update(
        state=Delivery.State.FAILED if gave_up else Delivery.State.PENDING,
        next_attempt=timezone.now() + timedelta(seconds=backoff(delivery.attempts)),
        leased_until=None,
        data_sent=None,
        last_error=describe(error),
    )
    log = logger.error if gave_up else logger.warning
    log("Delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, for_log(error))


def record_rejected(delivery, error):
    """A permanent (5xx) reply: sending the same message again would be refused again."""
    Delivery.objects.filter(pk=delivery.pk).update(
        state=Delivery.State.REJECTED,
        leased_until=None,
        data_sent=None,
        last_error=describe(error),
    )
    logger.error("Delivery %s rejected by the mail server: %s", delivery.pk, for_log(error))


def record_unknown(delivery, error):
    """The server may have the message: retry rarely and late, then leave it to staff."""
    delivery.refresh_from_db(fields=["unknown_outcomes"])
    unknown = delivery.unknown_outcomes + 1
    retry = unknown <= settings.ENQUIRY_DELIVERY_UNKNOWN_RETRIES
    delay = timedelta(seconds=settings.ENQUIRY_DELIVERY_UNKNOWN_RETRY_SECONDS)
    Delivery.objects.filter(pk=delivery.pk).update(
        state=Delivery.State.PENDING if retry else Delivery.State.UNKNOWN,
        unknown_outcomes=unknown,
        next_attempt=timezone.now() + delay,
        leased_until=None,
        data_sent=None,
        last_error=f"Outcome unknown after DATA: {describe(error)}"[:2000],
    )
    logger.error(
        "Delivery %s: outcome unknown after DATA (%s); %s",
        delivery.pk,
        for_log(error),
        "will retry once later" if retry else "left for staff",
    )


def is_reply(error):
    """The server answered (a 4xx or 5xx code), so it did not store the message."""
    return isinstance(error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused)


def is_permanent(error):
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _reply in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


class PreviousAttemptDiedAfterData(Exception):
    def __str__(self):
        return "the worker sending it stopped after DATA"


def watch_data_command(mail_connection, delivery):
    """Write `data_sent` just before the DATA command goes out on this SMTP connection.

    From that moment the server may store the message whatever happens to us, so the row
    must say so before, not after: a worker killed while waiting for the reply leaves the
    mark, and the next worker treats the message as "outcome unknown" instead of sending it
    at once. Backends other than SMTP (console, locmem) have no DATA and need no mark.
    """
    smtp = getattr(mail_connection, "connection", None)
    if not isinstance(smtp, smtplib.SMTP):
        return
    data = type(smtp).data

    def data_with_mark(msg):
        delivery.data_sent = timezone.now()
        Delivery.objects.filter(pk=delivery.pk).update(data_sent=delivery.data_sent)
        return data(smtp, msg)

    smtp.data = data_with_mark


def send_one(delivery, mail_connection):
    if delivery.data_sent is not None:
        record_unknown(delivery, PreviousAttemptDiedAfterData())
        return
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
        mail_connection.open()  # a no-op if it is open; a failure here sent nothing
        watch_data_command(mail_connection, delivery)
        message.send()
    except Exception as error:
        # The connection may be half-open; the next message opens a fresh one.
        try:
            mail_connection.close()
        except Exception:  # noqa: BLE001 - closing a broken connection may fail too
            pass
        if is_permanent(error):
            record_rejected(delivery, error)
        elif delivery.data_sent is not None and not is_reply(error):
            record_unknown(delivery, error)
        else:
            record_failure(delivery, error)
        return
    # The duplicate window: the SMTP server has the message, the row does not say so yet.
    record_sent(delivery, message.recipients())


def deliver_due(limit=BATCH_SIZE):
    """Send up to `limit` deliveries that are due now, one claim at a time, on one SMTP
    connection. Returns how many were attempted."""
    mail_connection = None
    handled = 0
    try:
        while handled < limit:
            claimed = claim_due()
            if not claimed:
                break
            handled += 1
            delivery = Delivery.objects.select_related(
                "enquiry__topic",
                "enquiry__division",
                "enquiry__association",
                "enquiry__prefecture",
            ).get(pk=claimed[0])
            if mail_connection is None:
                mail_connection = get_connection()
            send_one(delivery, mail_connection)
    finally:
        if mail_connection is not None:
            try:
                mail_connection.close()
            except Exception:  # noqa: BLE001
                pass
    return handled
