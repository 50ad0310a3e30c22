import json
import re
import time
import unicodedata
import uuid

import phonenumbers
from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.caching import per_generation
from core.replication import wait_for_replica
from directory.models import Association, Prefecture
from enquiries.models import Enquiry, Topic
from enquiries.text import clean_multi_line, clean_single_line

FORM_TOKEN_SALT = "enquiries.form-token"
ANSWERS_SALT = "enquiries.answers"
MESSAGE_MAX_LENGTH = 5000
NAME_MAX_LENGTH = 100
PHONE_MAX_LENGTH = 30
# "+81 3-5213-1725", "(03) 5213-1725", "090-1234-5678": a number may open with its area code
# in brackets, as Japanese numbers are often written.
PHONE_PATTERN = re.compile(r"^\+?\(?[0-9][0-9 ()\-.]*$")
# Dashes a Japanese keyboard types in a number ("090ー1234ー5678"), which NFKC leaves alone.
PHONE_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc", "-"))
HONEYPOT_FIELD = "website"


def issue_form_token():
    """A signed one-time token: when the form was handed out and the key of this submission."""
    return signing.dumps({"key": uuid.uuid4().hex, "issued": time.time()}, salt=FORM_TOKEN_SALT)


def read_form_token(value):
    """The token's contents, or None when it is missing, forged or too old."""
    try:
        token = signing.loads(
            value or "", salt=FORM_TOKEN_SALT, max_age=settings.ENQUIRY_FORM_MAX_AGE_SECONDS
        )
        return {"key": uuid.UUID(token["key"]), "issued": float(token["issued"])}
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def is_callable_number(phone):
    """A number phonenumbers knows to exist: Japanese unless it starts with a country code."""
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(phone, "JP"))
    except phonenumbers.NumberParseException:
        return False


def too_long(max_length):
    return ValidationError(
        _("Shorten this answer to %(max)s characters or fewer."),
        code="max_length",
        params={"max": max_length},
    )


class LabelledModelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


# The fields whose options are rows: (value, label) pairs in the page's language.
SELECT_OPTION_FIELDS = ("topic", "association", "prefecture")


def select_options(form):
    """The options of the form's three long selects, read once per content generation and
    language (topics, associations and prefectures are content: every save bumps it).
    Building them from the rows on every render was half the form page's time (63
    associations and 47 prefectures with their names in every language)."""

    def build():
        options = {}
        for name in SELECT_OPTION_FIELDS:
            field = form.fields[name]
            options[name] = [
                (str(field.prepare_value(row)), field.label_from_instance(row))
                for row in field.queryset
            ]
        return options

    return per_generation(f"enquiry-form:options:{get_language()}", build)


class EnquiryForm(forms.Form):
    topic = LabelledModelChoiceField(
        label=_("What is your enquiry about?"),
        queryset=Topic.objects.active(),
        empty_label=_("Choose a topic"),
        error_messages={
            "required": _("Choose what your enquiry is about."),
            "invalid_choice": _("Choose one of the topics in the list."),
        },
    )
    association = LabelledModelChoiceField(
        label=_("Which International Association is it about? (optional)"),
        help_text=_("Only if your enquiry concerns one association."),
        # Only what validation needs (the options come from select_options()).
        queryset=Association.objects.published().in_directory_order().only("slug", "name"),
        to_field_name="slug",
        required=False,
        empty_label=_("No particular association"),
        error_messages={"invalid_choice": _("Choose one of the associations in the list.")},
    )
    forwarding_consent = forms.BooleanField(
        label=_(
            "You may forward my enquiry, with my name and contact details, to that association "
            "so that it can answer me directly."
        ),
        help_text=_("Optional. If you do not tick this box, only CLAIR staff will read it."),
        required=False,
    )
    message = forms.CharField(
        label=_("Your enquiry"),
        help_text=_(
            "Write in any language. Do not include your residence card number, bank details "
            "or information about your health."
        ),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _("Enter your enquiry."),
            "max_length": _("Your enquiry must be %(limit_value)s characters or fewer."),
        },
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter your name."),
            "max_length": _("Your name must be %(limit_value)s characters or fewer."),
        },
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("We will send our answer to this address."),
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "spellcheck": "false", "dir": "ltr"}
        ),
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter an e-mail address in the correct format, like name@example.com."),
        },
    )
    phone = forms.CharField(
        label=_("Phone number (optional)"),
        help_text=_("Only if you would like us to call you."),
        max_length=PHONE_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "dir": "ltr"}),
        error_messages={
            "max_length": _("Your phone number must be %(limit_value)s characters or fewer."),
        },
    )
    reply_language = forms.ChoiceField(
        label=_("Language for our reply"),
        help_text=_("We reply in this language whenever we can, otherwise in Japanese or English."),
        choices=settings.LANGUAGES,
        error_messages={
            "required": _("Choose the language for our reply."),
            "invalid_choice": _("Choose one of the languages in the list."),
        },
    )
    prefecture = LabelledModelChoiceField(
        label=_("Prefecture where you live (optional)"),
        help_text=_("Helps us point you to the International Association near you."),
        queryset=Prefecture.objects.all(),
        required=False,
        empty_label=_("Prefer not to say"),
        error_messages={"invalid_choice": _("Choose one of the prefectures in the list.")},
    )
    privacy_notice = forms.BooleanField(
        label=_("I have read how CLAIR will use my information."),
        error_messages={"required": _("Confirm that you have read how we use your information.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        try:
            prepared = select_options(self)
        except DatabaseError:
            # The rows are read again where the view handles a database that is down.
            prepared = {}
        for name, options in prepared.items():
            # Only what is shown: a submitted value is still checked against the rows.
            field = self.fields[name]
            blank = [] if field.empty_label is None else [("", field.empty_label)]
            field.choices = [*blank, *options]
        self.token = None
        self.spam_reason = ""

    def clean_name(self):
        return self._checked_length(clean_single_line(self.cleaned_data["name"]), NAME_MAX_LENGTH)

    def clean_phone(self):
        phone = unicodedata.normalize("NFKC", clean_single_line(self.cleaned_data["phone"]))
        phone = phone.translate(PHONE_DASHES)
        if phone and not PHONE_PATTERN.match(phone):
            raise ValidationError(
                _("Enter a phone number using only digits, spaces, brackets, “+” and “-”."),
                code="invalid",
            )
        phone = self._checked_length(phone, PHONE_MAX_LENGTH)
        if phone and not is_callable_number(phone):
            raise ValidationError(
                _(
                    "Enter a phone number we can call, with its area code, for example "
                    "090-1234-5678, or with its country code, for example +63 2 8123 4567."
                ),
                code="invalid_number",
            )
        return phone

    def clean_email(self):
        email = self.cleaned_data["email"]
        local, _at, domain = email.rpartition("@")
        if any(ord(character) < 0x20 or ord(character) == 0x7F for character in email):
            raise ValidationError(self.fields["email"].error_messages["invalid"], code="invalid")
        try:
            # The address must survive the trip into an e-mail header (IDNA for the domain).
            domain.encode("idna")
            local.encode("ascii")
        except UnicodeError as error:
            raise ValidationError(
                self.fields["email"].error_messages["invalid"], code="invalid"
            ) from error
        return email

    def clean_message(self):
        return self._checked_length(
            clean_multi_line(self.cleaned_data["message"]), MESSAGE_MAX_LENGTH, required=True
        )

    def _checked_length(self, value, max_length, required=False):
        # Normalisation can change the length, so the limit is checked again afterwards.
        if len(value) > max_length:
            raise too_long(max_length)
        if required and not value:
            raise ValidationError(_("Enter your enquiry."), code="required")
        return value

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("association"):
            cleaned["forwarding_consent"] = False
        self.token = read_form_token(self.data.get("form_token"))
        if self.token is None:
            raise ValidationError(
                _(
                    "This form was open for too long, so we could not accept it. "
                    "Check your answers and send it again."
                ),
                code="expired",
            )
        if self.data.get(HONEYPOT_FIELD):
            self.spam_reason = "honeypot"
        elif time.time() - self.token["issued"] < settings.ENQUIRY_MIN_FILL_SECONDS:
            self.spam_reason = "sent too fast"
        return cleaned

    # The check-your-answers step carries the answers in a signed field, so nothing is
    # stored before the resident confirms.

    def as_payload(self):
        data = self.cleaned_data
        fields = {
            "topic": str(data["topic"].pk),
            "association": data["association"].slug if data["association"] else "",
            "message": data["message"],
            "name": data["name"],
            "email": data["email"],
            "phone": data["phone"],
            "reply_language": data["reply_language"],
            "prefecture": data["prefecture"].pk if data["prefecture"] else "",
            "form_token": self.data.get("form_token", ""),
        }
        for flag in ("forwarding_consent", "privacy_notice"):
            if data[flag]:
                fields[flag] = "on"
        # Display names of the choices, so that the answers can be shown again without the
        # database (the "cannot accept right now" page).
        labels = {
            "topic": str(data["topic"]),
            "association": str(data["association"] or self.fields["association"].empty_label),
            "reply_language": str(
                dict(self.fields["reply_language"].choices)[fields["reply_language"]]
            ),
            "prefecture": str(data["prefecture"] or self.fields["prefecture"].empty_label),
        }
        return {"fields": fields, "labels": labels, "spam": self.spam_reason}

    def differs_from(self, enquiry):
        """Whether these answers are not the ones `enquiry` was stored with: the resident
        went back, changed something and sent again (or sent a second tab)."""
        data = self.cleaned_data
        stored = {
            "topic": enquiry.topic_id,
            "association": enquiry.association_id,
            "name": enquiry.name,
            "email": enquiry.email,
            "phone": enquiry.phone,
            "reply_language": enquiry.reply_language,
            "prefecture": enquiry.prefecture_id,
            "message": enquiry.message,
            "forwarding_consent": enquiry.forwarding_consent is not None,
        }
        given = {
            "topic": data["topic"].pk,
            "association": data["association"].pk if data["association"] else None,
            "name": data["name"],
            "email": data["email"],
            "phone": data["phone"],
            "reply_language": data["reply_language"],
            "prefecture": data["prefecture"].pk if data["prefecture"] else None,
            "message": data["message"],
            "forwarding_consent": bool(data["forwarding_consent"]),
        }
        return stored != given

    def changed_submission_key(self):
        """The key of a changed resubmission: derived from the form's key and the answers, so
        that sending the same changed answers twice still stores them once."""
        answers = json.dumps(self.as_payload()["fields"], sort_keys=True)
        return uuid.uuid5(uuid.UUID(str(self.token["key"])), answers)

    def save(self, key=None):
        """Store the enquiry and queue its e-mails in one transaction; idempotent per key.

        Returns (enquiry, created). A second submit of the same form returns the first
        enquiry instead of creating another. `key` defaults to the form's own.
        """
        data = self.cleaned_data
        key = key or self.token["key"]
        now = timezone.now()
        for _attempt in range(3):
            try:
                with transaction.atomic():
                    enquiry = Enquiry.objects.create(
                        submission_key=key,
                        topic=data["topic"],
                        division=data["topic"].division,
                        association=data["association"],
                        name=data["name"],
                        email=data["email"],
                        phone=data["phone"],
                        reply_language=data["reply_language"],
                        prefecture=data["prefecture"],
                        message=data["message"],
                        privacy_notice_accepted=now,
                        forwarding_consent=now if data["forwarding_consent"] else None,
                        status=Enquiry.Status.SPAM if self.spam_reason else Enquiry.Status.NEW,
                        spam_reason=self.spam_reason,
                    )
                    enquiry.schedule_deliveries()
                    # The sender is shown the reference only once the replica has it too, so
                    # that it survives the primary's crash (core/replication.py).
                    transaction.on_commit(wait_for_replica)
                return enquiry, True
            except IntegrityError:
                existing = Enquiry.objects.filter(submission_key=key).first()
                if existing:
                    return existing, False
                # Otherwise two references collided (one chance in 2**50): draw again.
        raise IntegrityError("Could not allocate a unique enquiry reference.")


def sign_answers(payload):
    return signing.dumps(payload, salt=ANSWERS_SALT, compress=True)


def answer_rows(payload):
    """The check-your-answers rows: (field name, its label, what the resident gave)."""
    fields, labels = payload["fields"], payload["labels"]
    base = EnquiryForm.base_fields
    rows = [("topic", labels["topic"]), ("association", labels["association"])]
    if fields.get("association"):
        consent = _("Yes, you may forward it") if fields.get("forwarding_consent") else _("No")
        rows.append(("forwarding_consent", consent))
    rows += [
        ("message", fields["message"]),
        ("name", fields["name"]),
        ("email", fields["email"]),
        ("phone", fields["phone"] or _("Not given")),
        ("reply_language", labels["reply_language"]),
        ("prefecture", labels["prefecture"]),
    ]
    # What the resident typed as an address or number keeps its left-to-right order in Urdu.
    left_to_right = {"email": True, "phone": bool(fields["phone"])}
    return [
        {
            "field": name,
            "label": base[name].label,
            "value": value,
            "left_to_right": left_to_right.get(name, False),
        }
        for name, value in rows
    ]


def read_answers(value, max_age=None):
    """The signed answers; raises signing.SignatureExpired / BadSignature."""
    payload = signing.loads(value or "", salt=ANSWERS_SALT, max_age=max_age)
    if not isinstance(payload, dict) or not isinstance(payload.get("fields"), dict):
        raise signing.BadSignature("Malformed answers.")
    return payload
