import secrets
from email.utils import make_msgid

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.languages import BY_CODE
from enquiries.working_days import working_days_before

# Crockford's base32 without the letters people misread (I, L, O, U) or that spell words.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_LENGTH = 10


def new_reference():
    """A reference such as ``7KQ2M-XW9RD``: 50 random bits, easy to read out on the phone."""
    characters = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{characters[:5]}-{characters[5:]}"


class DivisionQuerySet(models.QuerySet):
    def default(self):
        return self.filter(is_default=True).first()


class Division(models.Model):
    """A CLAIR division that answers enquiries; the default one is shown in the site chrome."""

    name = models.CharField(_("name"), max_length=150)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    fax = models.CharField(_("fax"), max_length=30, blank=True)
    email = models.EmailField(
        _("public e-mail"), blank=True, help_text=_("Shown to visitors. Leave blank to hide.")
    )
    mailboxes = models.TextField(
        _("mailboxes for enquiries"),
        blank=True,
        help_text=_("One address per line. Enquiries routed to this division are sent here."),
    )
    is_default = models.BooleanField(
        _("default division"),
        default=False,
        help_text=_("Shown in the site's “For Enquiries” block and receives unrouted enquiries."),
    )

    objects = DivisionQuerySet.as_manager()

    class Meta:
        ordering = ["-is_default", "pk"]
        verbose_name = _("division")
        verbose_name_plural = _("divisions")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_division"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def mailbox_list(self):
        return [line.strip() for line in self.mailboxes.splitlines() if line.strip()]


class TopicQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Topic(models.Model):
    """What an enquiry is about; decides which division receives it."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=150)
    description = models.CharField(_("description"), max_length=300, blank=True)
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="topics", verbose_name=_("division")
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive topics are not offered on the form.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name


class EnquiryQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=Enquiry.OPEN_STATUSES)

    def overdue(self, now=None):
        cutoff = working_days_before(now or timezone.now(), settings.ENQUIRY_REPLY_WORKING_DAYS)
        return self.open().filter(created__lt=cutoff)

    def not_overdue(self, now=None):
        return self.exclude(pk__in=self.overdue(now).values("pk"))

    def due_for_anonymisation(self, now=None):
        """Enquiries whose status has not changed for their retention period (the shorter
        one once closed or spam, the longer one while open or answered), not yet anonymised.
        Every status is covered: nothing keeps personal data for ever."""
        now = now or timezone.now()
        closed = Q(
            status__in=Enquiry.FINISHED_STATUSES,
            status_changed__lt=now - settings.ENQUIRY_RETENTION,
        )
        still_open = Q(status_changed__lt=now - settings.ENQUIRY_OPEN_RETENTION) & ~Q(
            status__in=Enquiry.FINISHED_STATUSES
        )
        return self.filter(closed | still_open, anonymised__isnull=True)

    def anonymised_soon(self, now=None):
        """What the daily run will anonymise within ENQUIRY_RETENTION_WARNING (or already
        would), for the warning staff see in the admin."""
        return self.due_for_anonymisation(
            (now or timezone.now()) + settings.ENQUIRY_RETENTION_WARNING
        )


class Enquiry(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        IN_PROGRESS = "in_progress", _("In progress")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")
        SPAM = "spam", _("Spam")

    OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS)
    # Kept for ENQUIRY_RETENTION after this status was set; any other status for the longer
    # ENQUIRY_OPEN_RETENTION.
    FINISHED_STATUSES = (Status.CLOSED, Status.SPAM)

    reference = models.CharField(
        _("reference"), max_length=11, unique=True, default=new_reference, editable=False
    )
    # The one-time key from the signed form: a second submit of the same form finds this row.
    submission_key = models.UUIDField(_("submission key"), unique=True, editable=False)
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="enquiries", verbose_name=_("topic")
    )
    division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        related_name="enquiries",
        verbose_name=_("division"),
        help_text=_("Where the enquiry was routed when it arrived."),
    )
    association = models.ForeignKey(
        "directory.Association",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enquiries",
        verbose_name=_("association concerned"),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    reply_language = models.CharField(
        _("reply language"), max_length=10, choices=settings.LANGUAGES
    )
    prefecture = models.ForeignKey(
        "directory.Prefecture",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("prefecture"),
    )
    message = models.TextField(_("message"), max_length=5000, blank=True)
    privacy_notice_accepted = models.DateTimeField(
        _("privacy notice accepted"),
        help_text=_("When the resident confirmed they had read how their data is used."),
    )
    forwarding_consent = models.DateTimeField(
        _("consent to forward to the association"),
        null=True,
        blank=True,
        help_text=_("Empty: the resident did not agree to their enquiry being forwarded."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    status_changed = models.DateTimeField(_("status changed"), default=timezone.now)
    spam_reason = models.CharField(_("why it was marked as spam"), max_length=100, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        limit_choices_to={"is_staff": True, "is_active": True},
        related_name="assigned_enquiries",
        verbose_name=_("assigned to"),
    )
    internal_notes = models.TextField(
        _("internal notes"), blank=True, help_text=_("Staff only. Never sent to the resident.")
    )
    anonymised = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    created = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = EnquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("enquiry")
        verbose_name_plural = _("enquiries")

    def __str__(self):
        # Only the reference: this string is copied into the admin's log, which outlives
        # the personal data.
        return self.reference

    def reply_language_label(self):
        """The reply language in the reader's language and in its own: 「ネパール語（नेपाली）」.

        Staff may not recognise a language by its autonym alone.
        """
        language = BY_CODE.get(self.reply_language)
        if language is None:
            return self.reply_language
        name = str(language.name)
        if name == language.native_name:
            return name
        if (get_language() or "").startswith("ja"):
            return f"{name}（{language.native_name}）"
        return f"{name} ({language.native_name})"

    reply_language_label.short_description = _("reply language")
    reply_language_label.admin_order_field = "reply_language"

    @property
    def anonymise_after(self):
        """When the daily run will remove this enquiry's personal data, if nothing changes."""
        if self.anonymised:
            return None
        if self.status in self.FINISHED_STATUSES:
            return self.status_changed + settings.ENQUIRY_RETENTION
        return self.status_changed + settings.ENQUIRY_OPEN_RETENTION

    @property
    def is_overdue(self):
        return Enquiry.objects.overdue().filter(pk=self.pk).exists()

    def record_change(self, actor, field, old, new):
        return self.events.create(
            actor=actor, field=field, old_value=str(old or "")[:200], new_value=str(new or "")[:200]
        )

    def change_status(self, status, actor=None):
        """Move to another status, recorded in the enquiry's history."""
        if status == self.status:
            return False
        self.record_change(actor, "status", self.status, status)
        self.status = status
        self.status_changed = timezone.now()
        self.save(update_fields=["status", "status_changed", "updated"])
        if status == self.Status.SPAM:
            self.deliveries.filter(state=Delivery.State.PENDING).update(
                state=Delivery.State.CANCELLED
            )
        return True

    def schedule_deliveries(self):
        """Queue the division's copy and the resident's acknowledgement (not for spam)."""
        if self.status == self.Status.SPAM:
            return []
        return [
            Delivery.objects.get_or_create(enquiry=self, kind=kind)[0]
            for kind in Delivery.ON_ARRIVAL
        ]

    def why_not_forwardable(self):
        """Why this enquiry may not go to its association, or None if it may."""
        if self.anonymised or self.status == self.Status.SPAM:
            return "closed"
        if self.association is None or not self.forwarding_consent:
            return "no_consent"
        if not self.association.email:
            return "no_address"
        if self.deliveries.filter(kind=Delivery.Kind.FORWARD).exists():
            return "already"
        return None

    def forward_to_association(self, actor):
        """Queue the enquiry for its association and the notice to the resident, recorded in
        the history. Only with the resident's consent; returns False when not forwarded."""
        if self.why_not_forwardable():
            return False
        with transaction.atomic():
            for kind in Delivery.ON_FORWARDING:
                Delivery.objects.get_or_create(enquiry=self, kind=kind)
            self.record_change(actor, "forwarded", "", self.association.email)
        return True

    def anonymise(self, now=None):
        now = now or timezone.now()
        self.name = ""
        self.email = ""
        self.phone = ""
        self.message = ""
        self.internal_notes = ""
        self.anonymised = now
        self.save(
            update_fields=["name", "email", "phone", "message", "internal_notes", "anonymised"]
        )
        # The outbox keeps no message body, only where each message went and the server's
        # last reply (which can quote an address); the history keeps staff actions, and any
        # entry other than a status or an assignee could quote what the resident wrote.
        self.deliveries.update(recipients="", last_error="", data_sent=None)
        self.deliveries.exclude(state=Delivery.State.SENT).update(state=Delivery.State.CANCELLED)
        self.events.exclude(field__in=["status", "assignee"]).update(old_value="", new_value="")


class EnquiryEvent(models.Model):
    """One change a person (or the system, with no actor) made to an enquiry's workflow."""

    enquiry = models.ForeignKey(
        Enquiry, on_delete=models.CASCADE, related_name="events", verbose_name=_("enquiry")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    field = models.CharField(_("what changed"), max_length=30)
    old_value = models.CharField(_("from"), max_length=200, blank=True)
    new_value = models.CharField(_("to"), max_length=200, blank=True)
    created = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history")

    def __str__(self):
        return f"{self.field}: {self.old_value} → {self.new_value}"

    # Entries that are not a change of one of the enquiry's fields.
    ACTIONS = {"forwarded": _("forwarded to the association")}

    @property
    def field_label(self):
        if self.field in self.ACTIONS:
            return self.ACTIONS[self.field]
        return Enquiry._meta.get_field(self.field).verbose_name

    def _display(self, value):
        if self.field == "status" and value in Enquiry.Status.values:
            return Enquiry.Status(value).label
        return value or "–"

    @property
    def old_display(self):
        return self._display(self.old_value)

    @property
    def new_display(self):
        return self._display(self.new_value)


class DeliveryQuerySet(models.QuerySet):
    def due(self, now):
        """Waiting, due and not leased. The notice telling the resident that their enquiry
        has been forwarded waits until the association's copy has really been sent: it
        would say so untruly while that copy is still waiting, failing or refused."""
        forward_sent = Delivery.objects.filter(
            enquiry=OuterRef("enquiry"), kind=Delivery.Kind.FORWARD, state=Delivery.State.SENT
        )
        return (
            self.filter(state=Delivery.State.PENDING, next_attempt__lte=now)
            .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
            .filter(~Q(kind=Delivery.Kind.FORWARD_NOTICE) | Exists(forward_sent))
        )

    def send_again_now(self):
        """Make the waiting, failed, rejected or unknown messages of enquiries not yet
        anonymised due at once, for the worker's next round (one more attempt: a message
        whose outcome was unknown is not retried automatically again). Returns how many."""
        return self.filter(
            state__in=[Delivery.State.PENDING, *Delivery.NEEDS_STAFF],
            enquiry__anonymised__isnull=True,
        ).update(state=Delivery.State.PENDING, next_attempt=timezone.now(), data_sent=None)


def new_message_id():
    return make_msgid(idstring="enquiry", domain=settings.ENQUIRY_MESSAGE_ID_DOMAIN)


class Delivery(models.Model):
    """One e-mail in the transactional outbox, written in the same transaction as its enquiry.

    The Message-ID is fixed when the row is created, so a message that has to be sent again
    (see docs/enquiries.md, "the duplicate window") carries the same Message-ID.
    """

    class Kind(models.TextChoices):
        DIVISION = "division", _("Copy to the division")
        ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement to the resident")
        FORWARD = "forward", _("Forwarded to the association")
        FORWARD_NOTICE = "forward_notice", _("Notice of forwarding to the resident")

    # The two messages every enquiry sends when it arrives; the others only on staff action.
    ON_ARRIVAL = (Kind.DIVISION, Kind.ACKNOWLEDGEMENT)
    ON_FORWARDING = (Kind.FORWARD, Kind.FORWARD_NOTICE)

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed; gave up")
        REJECTED = "rejected", _("Rejected by the mail server")
        UNKNOWN = "unknown", _("Outcome unknown; check with the recipient")
        CANCELLED = "cancelled", _("Cancelled")

    # States in which a message will not go out unless staff send it again.
    NEEDS_STAFF = (State.FAILED, State.REJECTED, State.UNKNOWN)

    enquiry = models.ForeignKey(
        Enquiry, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("enquiry")
    )
    kind = models.CharField(_("message"), max_length=20, choices=Kind.choices)
    message_id = models.CharField(
        _("Message-ID"), max_length=255, unique=True, default=new_message_id, editable=False
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    recipients = models.TextField(_("sent to"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt = models.DateTimeField(_("next attempt"), default=timezone.now, db_index=True)
    leased_until = models.DateTimeField(_("being sent until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    data_sent = models.DateTimeField(
        _("message handed to the mail server"),
        null=True,
        blank=True,
        help_text=_("Set while the mail server's answer to the message is awaited."),
    )
    unknown_outcomes = models.PositiveSmallIntegerField(
        _("attempts with an unknown outcome"),
        default=0,
        help_text=_("The mail server may have delivered the message although it did not say so."),
    )
    sent = models.DateTimeField(_("sent"), null=True, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("e-mail delivery")
        verbose_name_plural = _("e-mail deliveries")
        constraints = [
            models.UniqueConstraint(fields=["enquiry", "kind"], name="one_delivery_per_kind")
        ]

    def __str__(self):
        return f"{self.enquiry.reference} {self.get_kind_display()}"
