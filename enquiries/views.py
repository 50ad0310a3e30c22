import logging
import math
from functools import wraps

from django.conf import settings
from django.core import signing
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.client_address import client_address
from enquiries import ratelimit
from enquiries.forms import (
    HONEYPOT_FIELD,
    EnquiryForm,
    answer_rows,
    issue_form_token,
    read_answers,
    sign_answers,
)
from enquiries.models import Enquiry

logger = logging.getLogger(__name__)

SENT_SALT = "enquiries.sent"
SENT_PAGE_MAX_AGE = 60 * 60 * 24
CHOICE_FIELDS = ("topic", "association", "reply_language", "prefecture")


def limit_request_body(view):
    """Refuse bodies larger than any honest enquiry before reading them.

    core.middleware.RequestBodyLimitMiddleware applies the limit before CSRF reads the
    body (a bad token must not turn a 413 into a 403); Django's own limit on form fields
    (DATA_UPLOAD_MAX_MEMORY_SIZE) is caught here too.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except RequestDataTooBig:
            return render(request, "enquiries/request_too_large.html", status=413)

    wrapper.max_request_bytes = lambda: settings.ENQUIRY_MAX_REQUEST_BYTES
    wrapper.request_too_large_template = "enquiries/request_too_large.html"
    return wrapper


def render_form(request, form, token, *, focus=None, unavailable=False, status=200):
    return render(
        request,
        "enquiries/enquiry_form.html",
        {
            "form": form,
            "form_token": token,
            "focus": focus if focus in form.fields else None,
            "unavailable": unavailable,
            "choice_fields": CHOICE_FIELDS,
            "honeypot_field": HONEYPOT_FIELD,
            "retention_days": settings.ENQUIRY_RETENTION.days,
        },
        status=status,
    )


def render_check(request, payload, *, unavailable=False, status=200):
    return render(
        request,
        "enquiries/check_answers.html",
        {
            "answers": answer_rows(payload),
            "signed_answers": sign_answers(payload),
            "unavailable": unavailable,
        },
        status=status,
    )


def redirect_to_sent(enquiry, earlier=None):
    """The "sent" page of `enquiry`; `earlier` is the enquiry a changed resubmission follows."""
    sent = {"reference": enquiry.reference}
    if earlier is not None:
        sent["earlier"] = earlier.reference
    token = signing.dumps(sent, salt=SENT_SALT)
    return redirect(reverse("enquiries:sent", kwargs={"token": token}))


def initial_from(fields):
    initial = {name: value for name, value in fields.items() if name != "form_token"}
    for flag in ("forwarding_consent", "privacy_notice"):
        initial[flag] = bool(fields.get(flag))
    return initial


def rate_limited(request, email):
    """Seconds to wait if this client or this address has sent too many enquiries lately."""
    client = client_address(request)
    client_limit, client_window = settings.ENQUIRY_RATE_LIMIT_PER_CLIENT
    email_limit, email_window = settings.ENQUIRY_RATE_LIMIT_PER_EMAIL
    return max(
        ratelimit.hit("client", client, client_limit, client_window),
        ratelimit.hit("email", email.casefold(), email_limit, email_window),
    )


def too_many(request, wait):
    response = render(
        request, "enquiries/rate_limited.html", {"minutes": math.ceil(wait / 60)}, status=429
    )
    response["Retry-After"] = str(wait)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@limit_request_body
def new_enquiry(request):
    if request.method == "GET":
        form = EnquiryForm(
            initial={
                "association": request.GET.get("association", "")[:80],
                "reply_language": get_language(),
            }
        )
        return render_form(request, form, issue_form_token())

    if "answers" in request.POST:
        # "Change" on the check-your-answers page: back to the form, answers filled in.
        try:
            payload = read_answers(request.POST["answers"])
        except signing.BadSignature:
            return render(request, "enquiries/start_again.html", status=400)
        fields = payload["fields"]
        return render_form(
            request,
            EnquiryForm(initial=initial_from(fields)),
            fields.get("form_token") or issue_form_token(),
            focus=request.POST.get("change"),
        )

    form = EnquiryForm(request.POST)
    try:
        valid = form.is_valid()
        if valid and form.spam_reason:
            # Kept for staff to review, never mailed; the sender sees the usual confirmation.
            # Rate-limited like real enquiries, so robots cannot fill the database.
            wait = rate_limited(request, form.cleaned_data["email"])
            if wait:
                return too_many(request, wait)
            enquiry, _created = form.save()
            return redirect_to_sent(enquiry)
    except DatabaseError:
        logger.exception("Database unavailable while checking an enquiry")
        return render_form(
            request,
            EnquiryForm(request.POST),
            request.POST.get("form_token", ""),
            unavailable=True,
            status=503,
        )
    if not valid:
        token = request.POST["form_token"] if form.token else issue_form_token()
        return render_form(request, form, token)
    return render_check(request, form.as_payload())


@never_cache
@require_POST
@limit_request_body
def send_enquiry(request):
    try:
        payload = read_answers(request.POST.get("answers"))
    except signing.BadSignature:
        return render(request, "enquiries/start_again.html", status=400)
    form = EnquiryForm(payload["fields"])
    try:
        if not form.is_valid():
            # A topic withdrawn meanwhile, or a form left open too long.
            token = payload["fields"]["form_token"] if form.token else issue_form_token()
            return render_form(request, form, token)
        key, earlier = form.token["key"], None
        existing = Enquiry.objects.filter(submission_key=key).first()
        if existing and form.differs_from(existing):
            # Back → Change → Send, or a second tab: the first enquiry may already be with
            # the division, so the changed answers become a new enquiry and the visitor is
            # told that both were sent (never silently the first reference alone).
            key, earlier = form.changed_submission_key(), existing
            existing = Enquiry.objects.filter(submission_key=key).first()
        if existing:
            return redirect_to_sent(existing, earlier)
        wait = rate_limited(request, form.cleaned_data["email"])
        if wait:
            return too_many(request, wait)
        form.spam_reason = str(payload.get("spam") or "")[:100]
        enquiry, _created = form.save(key)
    except DatabaseError:
        logger.exception("Database unavailable while storing an enquiry")
        return render_check(request, payload, unavailable=True, status=503)
    return redirect_to_sent(enquiry, earlier)


@never_cache
def enquiry_sent(request, token):
    try:
        sent = signing.loads(token, salt=SENT_SALT, max_age=SENT_PAGE_MAX_AGE)
    except signing.BadSignature as error:
        raise Http404 from error
    if isinstance(sent, str):  # a link signed before changed resubmissions were told apart
        sent = {"reference": sent}
    return render(
        request,
        "enquiries/enquiry_sent.html",
        {
            "reference": sent["reference"],
            "earlier_reference": sent.get("earlier"),
            "reply_days": settings.ENQUIRY_REPLY_WORKING_DAYS,
        },
    )
