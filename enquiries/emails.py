"""The two e-mails an enquiry sends. Built when the worker sends them, never in a request."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.i18n import bcp47, resolve_translation
from enquiries.models import Delivery, Division
from enquiries.text import single_line_for_header


class NothingToSend(Exception):
    """The delivery can never be sent (the enquiry was anonymised)."""


class NoRecipients(Exception):
    """No mailbox is configured yet; staff can add one and the retry will go out."""


def division_recipients(enquiry):
    mailboxes = enquiry.division.mailbox_list
    if not mailboxes:
        default = Division.objects.default()
        mailboxes = default.mailbox_list if default else []
    if not mailboxes:
        raise NoRecipients(
            _("No mailbox is set for %(division)s or the default division.")
            % {"division": enquiry.division}
        )
    return mailboxes


def build_message(delivery, connection=None):
    enquiry = delivery.enquiry
    if enquiry.anonymised:
        raise NothingToSend("The enquiry has been anonymised.")
    build = {
        Delivery.Kind.DIVISION: division_message,
        Delivery.Kind.ACKNOWLEDGEMENT: acknowledgement,
        Delivery.Kind.FORWARD: forwarded_message,
        Delivery.Kind.FORWARD_NOTICE: forwarding_notice,
    }[delivery.kind]
    return build(delivery, connection)


def _headers(delivery, language):
    return {
        "Message-ID": delivery.message_id,
        "Content-Language": bcp47(language),
        "X-Enquiry-Reference": delivery.enquiry.reference,
    }


def division_message(delivery, connection=None):
    enquiry = delivery.enquiry
    language = settings.ENQUIRY_STAFF_LANGUAGE
    with translation.override(language):
        topic = resolve_translation(enquiry.topic, "name", language)[0]
        context = {
            "enquiry": enquiry,
            "topic": topic,
            "association": (
                resolve_translation(enquiry.association, "name", language)[0]
                if enquiry.association
                else ""
            ),
            "prefecture": (
                resolve_translation(enquiry.prefecture, "name", language)[0]
                if enquiry.prefecture
                else ""
            ),
            "reply_language": enquiry.reply_language_label(),
            "admin_url": settings.ENQUIRY_SITE_URL.rstrip("/")
            + reverse("admin:enquiries_enquiry_change", args=[enquiry.pk]),
        }
        subject = _("[%(reference)s] Enquiry: %(topic)s") % {
            "reference": enquiry.reference,
            "topic": topic,
        }
        body = render_to_string("enquiries/email/division.txt", context)
    return EmailMessage(
        subject=single_line_for_header(subject),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=division_recipients(enquiry),
        reply_to=[enquiry.email],
        headers=_headers(delivery, language),
        connection=connection,
    )


def acknowledgement(delivery, connection=None):
    enquiry = delivery.enquiry
    language = enquiry.reply_language
    division = enquiry.division
    with translation.override(language):
        topic = resolve_translation(enquiry.topic, "name", language)[0]
        context = {
            "reference": enquiry.reference,
            "topic": topic,
            "reply_days": settings.ENQUIRY_REPLY_WORKING_DAYS,
            "division_name": resolve_translation(division, "name", language)[0],
            "organisation": resolve_translation(division, "organisation", language)[0],
            "division": division,
        }
        subject = _("Your enquiry to CLAIR: reference %(reference)s") % {
            "reference": enquiry.reference
        }
        body = render_to_string("enquiries/email/acknowledgement.txt", context)
    headers = _headers(delivery, language)
    # RFC 3834: an automatic message, so that auto-responders do not answer it.
    headers["Auto-Submitted"] = "auto-generated"
    return EmailMessage(
        subject=single_line_for_header(subject),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[enquiry.email],
        # The division's public e-mail stays blank until staff publish one, so a resident's
        # reply goes to the mailboxes that received the enquiry: the people answering it.
        reply_to=division_recipients(enquiry),
        headers=headers,
        connection=connection,
    )


def association_address(enquiry):
    if enquiry.association is None or not enquiry.association.email:
        raise NoRecipients(_("The association has no e-mail address."))
    return enquiry.association.email


def forwarded_message(delivery, connection=None):
    """The enquiry as the resident sent it, for the association: never the internal notes."""
    enquiry = delivery.enquiry
    language = settings.ENQUIRY_STAFF_LANGUAGE
    with translation.override(language):
        topic = resolve_translation(enquiry.topic, "name", language)[0]
        context = {
            "enquiry": enquiry,
            "topic": topic,
            "prefecture": (
                resolve_translation(enquiry.prefecture, "name", language)[0]
                if enquiry.prefecture
                else ""
            ),
            "reply_language": enquiry.reply_language_label(),
            "division_name": resolve_translation(enquiry.division, "name", language)[0],
            "organisation": resolve_translation(enquiry.division, "organisation", language)[0],
        }
        subject = _("[%(reference)s] Enquiry forwarded by CLAIR: %(topic)s") % {
            "reference": enquiry.reference,
            "topic": topic,
        }
        body = render_to_string("enquiries/email/forwarded.txt", context)
    return EmailMessage(
        subject=single_line_for_header(subject),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[association_address(enquiry)],
        # The association answers the resident directly, as the resident agreed.
        reply_to=[enquiry.email],
        headers=_headers(delivery, language),
        connection=connection,
    )


def forwarding_notice(delivery, connection=None):
    """Tells the resident, in their language, which association now has their enquiry."""
    enquiry = delivery.enquiry
    language = enquiry.reply_language
    association = enquiry.association
    with translation.override(language):
        context = {
            "reference": enquiry.reference,
            "association_name": resolve_translation(association, "name", language)[0],
            "association_email": association_address(enquiry),
            "division_name": resolve_translation(enquiry.division, "name", language)[0],
            "organisation": resolve_translation(enquiry.division, "organisation", language)[0],
        }
        subject = _("Your enquiry %(reference)s has been forwarded to the association") % {
            "reference": enquiry.reference
        }
        body = render_to_string("enquiries/email/forwarding_notice.txt", context)
    headers = _headers(delivery, language)
    headers["Auto-Submitted"] = "auto-generated"
    return EmailMessage(
        subject=single_line_for_header(subject),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[enquiry.email],
        reply_to=division_recipients(enquiry),
        headers=headers,
        connection=connection,
    )
