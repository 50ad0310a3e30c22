"""Property-based tests: hostile input never breaks the form, the admin or the e-mails.

2,000 generated submissions in all (1,400 + 450 + 150): huge, empty, control characters,
mixed scripts, HTML and script payloads, template syntax, header-injection attempts. Never a
500, nothing invalid stored, every payload escaped wherever it is shown.
"""

import email
import email.policy
from html.parser import HTMLParser

import pytest
from django.test import Client
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from enquiries.emails import build_message
from enquiries.forms import EnquiryForm, issue_form_token
from enquiries.models import Enquiry
from tests.enquiries.conftest import VALID_ANSWERS, hidden_value
from tests.examples import examples

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "javascript:alert(1)",
    "{{ 7|add:7 }}{% debug %}",
    "x\r\nBcc: victim@example.com",
    "x\nSubject: injected",
    "%0d%0aBcc:victim@example.com",
    '=HYPERLINK("http://example.com")',
    "' OR '1'='1' --",
    "\u202eevil\u202c",
    "\x00\x01\x1b[31m",
    "&amp;&lt;&#x3C;",
    "日本語 नेपाली اردو ไทย 한국어 Tiếng Việt",
    "\U0001f600\u200d\U0001f4bb\ufe0f",
]

no_surrogates = st.characters(blacklist_categories=("Cs",))
any_text = st.text(alphabet=no_surrogates, max_size=300)
control_text = st.text(alphabet=st.characters(max_codepoint=0x9F, blacklist_categories=("Cs",)))
mixed = st.lists(st.one_of(st.sampled_from(PAYLOADS), any_text), max_size=4).map("".join)
huge = st.one_of(
    st.tuples(st.sampled_from(PAYLOADS), st.integers(100, 400)).map(lambda pair: pair[0] * pair[1]),
    st.just("x" * 300_000),  # bigger than the whole request may be
)
hostile = st.one_of(any_text, control_text, mixed, huge, st.just(""), st.sampled_from(PAYLOADS))

# Values that mostly pass validation, so that the rest of the journey gets exercised.
readable = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp", "Cf")),
    min_size=1,
    max_size=100,
)
PRINTABLE_PAYLOADS = [payload for payload in PAYLOADS if payload.isprintable()]
plausible = st.one_of(
    readable,
    st.sampled_from(PRINTABLE_PAYLOADS),
    st.lists(st.one_of(st.sampled_from(PRINTABLE_PAYLOADS), readable), max_size=3).map("".join),
)
valid_emails = st.one_of(
    st.emails(),
    st.sampled_from(
        [
            "maya@example.net",
            '"<script>alert(1)</script>"@example.com',
            '"a\\"b"@example.com',
            "o'brien+tag@example.org",
            "a@例え.テスト",
        ]
    ),
)
emails = st.one_of(
    st.emails(),
    st.sampled_from(
        [
            "maya@example.net",
            '"<script>alert(1)</script>"@example.com',
            "a+b@xn--wgv71a.example",
            "x@example.com\r\nBcc: victim@example.com",
            "a@例え.テスト",
        ]
    ),
    hostile,
)


def form_data(draw_fields):
    return {name: value for name, value in draw_fields.items() if value is not None}


step_one = st.fixed_dictionaries(
    {
        "topic": st.one_of(st.sampled_from(["1", "7", "99", ""]), hostile),
        "association": st.one_of(st.just(""), hostile),
        "forwarding_consent": st.sampled_from([None, "on", "off"]),
        "message": st.one_of(plausible, hostile),
        "name": st.one_of(plausible, hostile),
        "email": emails,
        "phone": st.one_of(
            st.just(""), st.sampled_from(["+81 3-5213-1725", "０３１２３４"]), hostile
        ),
        "reply_language": st.one_of(st.sampled_from(["ne", "ja", "ur"]), hostile),
        "prefecture": st.one_of(st.sampled_from(["", "13", "48"]), hostile),
        "privacy_notice": st.sampled_from([None, "on"]),
        "website": st.one_of(st.just(""), st.just(""), hostile),
    }
)

likely_valid = st.fixed_dictionaries(
    {
        "topic": st.sampled_from(["1", "2", "7"]),
        "association": st.just(""),
        "message": st.one_of(plausible, readable.map(lambda text: f"{text}\n{text}")),
        "name": plausible,
        "email": valid_emails,
        "phone": st.one_of(st.just(""), st.sampled_from(["+81 3-5213-1725", "(03) 1234 5678"])),
        "reply_language": st.sampled_from(["ne", "ja", "en", "ur", "ja-easy"]),
        "prefecture": st.sampled_from(["", "01", "47"]),
        "privacy_notice": st.just("on"),
    }
)

HYPOTHESIS = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
}


class ParsedPage(HTMLParser):
    """What a browser would make of a page: its tags, attribute names and the text it shows."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes, self.texts = set(), set(), []
        # Only the main content shows what was typed; the site chrome around it is constant.
        start, end = html.find("<main"), html.rfind("</main>")
        self.feed(html[start:end] if 0 <= start < end else html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            self.attributes.add(name)
            if value:
                self.texts.append(value)

    def handle_data(self, data):
        self.texts.append(data)


def assert_escaped(html, values, allowed):
    """The input added no markup, and each value is shown exactly as typed, line by line."""
    page = ParsedPage(html)
    assert page.tags <= allowed.tags, f"markup from the input: {page.tags - allowed.tags}"
    assert page.attributes <= allowed.attributes, page.attributes - allowed.attributes
    for value in values:
        for line in value.split("\n"):
            assert any(line in text for text in page.texts), f"not shown as typed: {line!r}"


SHOWN_FIELDS = ("name", "email", "phone", "message")
# A form with errors and ticked boxes: with the blank form, every kind of markup the form
# page may legitimately contain.
ERRORS_WITH_TICKS = {"email": "x", "privacy_notice": "on", "forwarding_consent": "on"}


EXPECTED_HEADERS = {
    "Content-Type",
    "MIME-Version",
    "Content-Transfer-Encoding",
    "Subject",
    "From",
    "To",
    "Reply-To",
    "Date",
    "Message-ID",
    "Content-Language",
    "X-Enquiry-Reference",
    "Auto-Submitted",
}


def parsed_email(delivery):
    raw = build_message(delivery).message().as_bytes()
    return email.message_from_bytes(raw, policy=email.policy.default)


def assert_stored_enquiry_is_valid(enquiry):
    enquiry.full_clean()
    for text in (enquiry.name, enquiry.phone, enquiry.email):
        assert not any(ord(character) < 0x20 or 0x7F <= ord(character) < 0xA0 for character in text)
        assert text == text.strip()
    assert (
        enquiry.name and enquiry.email and enquiry.message.strip() and len(enquiry.message) <= 5000
    )
    assert len(enquiry.name) <= 100


@pytest.fixture
def resident(topics, settings):
    settings.ENQUIRY_RATE_LIMIT_PER_CLIENT = (10**9, 3600)
    settings.ENQUIRY_RATE_LIMIT_PER_EMAIL = (10**9, 3600)
    return Client()


def test_step_one_survives_anything(resident):
    # What the three pages this step can answer with contain of their own: the empty form,
    # the form with errors, and "check your answers" (when a generated form is valid).
    allowed = ParsedPage(
        resident.get("/en/enquiries/new/").content.decode()
        + resident.post("/en/enquiries/new/", ERRORS_WITH_TICKS).content.decode()
        + resident.post(
            "/en/enquiries/new/", {**VALID_ANSWERS, "form_token": issue_form_token()}
        ).content.decode()
    )

    @settings(max_examples=examples(1400), **HYPOTHESIS)
    @given(data=step_one)
    def check(data):
        before = Enquiry.objects.count()
        response = resident.post(
            "/en/enquiries/new/", {**form_data(data), "form_token": issue_form_token()}
        )
        assert response.status_code in {200, 302, 413}
        if response.status_code == 302:
            # Only a valid form caught by the honeypot is stored (as spam) at this step.
            enquiry = Enquiry.objects.latest("pk")
            assert Enquiry.objects.count() == before + 1
            assert enquiry.status == Enquiry.Status.SPAM
            assert_stored_enquiry_is_valid(enquiry)
        else:
            assert Enquiry.objects.count() == before
        if response.status_code == 200:
            # The form shown again holds exactly what was typed.
            shown = [data[name] for name in SHOWN_FIELDS if data[name]]
            assert_escaped(response.content.decode(), shown, allowed)

    check()


def test_full_journey_escapes_everything_and_mails_safely(resident, admin_client):
    allowed = ParsedPage(
        resident.post(
            "/en/enquiries/new/", {**VALID_ANSWERS, "form_token": issue_form_token()}
        ).content.decode()
        + resident.post("/en/enquiries/new/", ERRORS_WITH_TICKS).content.decode()
    )
    stored = 0

    @settings(max_examples=examples(450), **HYPOTHESIS)
    @given(data=likely_valid)
    def check(data):
        nonlocal stored
        form = EnquiryForm({**data, "form_token": issue_form_token()})
        response = resident.post("/en/enquiries/new/", form.data)
        assert response.status_code == 200
        html = response.content.decode()
        if not form.is_valid():
            assert_escaped(html, [data[name] for name in SHOWN_FIELDS if data[name]], allowed)
            return
        cleaned = form.cleaned_data
        assert_escaped(html, [cleaned[name] for name in SHOWN_FIELDS if cleaned[name]], allowed)

        sent = resident.post("/en/enquiries/send/", {"answers": hidden_value(html, "answers")})
        assert sent.status_code == 302
        enquiry = Enquiry.objects.get(submission_key=form.token["key"])
        stored += 1
        assert_stored_enquiry_is_valid(enquiry)
        assert [getattr(enquiry, name) for name in SHOWN_FIELDS] == [
            cleaned[name] for name in SHOWN_FIELDS
        ]
        assert resident.get(sent["Location"]).status_code == 200

        domain = enquiry.email.rpartition("@")[2].encode("idna").decode("ascii").lower()
        for delivery in enquiry.deliveries.all():
            message = parsed_email(delivery)
            assert set(message.keys()) <= EXPECTED_HEADERS
            assert "\n" not in message["Subject"] and enquiry.reference in message["Subject"]
            if delivery.kind == "division":
                assert message["To"] == "multiculture@example.org"
                (reply_to,) = message["Reply-To"].addresses
                assert reply_to.domain.lower() == domain
                assert enquiry.message in message.get_content().replace("\r\n", "\n")
            else:
                (to,) = message["To"].addresses
                assert to.domain.lower() == domain
                # Nothing the resident typed is echoed: other words, the same e-mail.
                delivery.enquiry.name = delivery.enquiry.message = "something else"
                assert parsed_email(delivery).get_content() == message.get_content()

    check()
    print(f"{stored} generated enquiries went all the way through")
    # Over 200 of the 450 (scaled like the examples themselves): the strategy is meant to
    # produce mostly valid enquiries, or the e-mail half of this test would hardly run.
    assert stored > examples(200), "most generated enquiries should have been valid"


def test_admin_escapes_whatever_was_stored(topics, admin_client):
    benign = EnquiryForm({**VALID_ANSWERS, "form_token": issue_form_token()})
    assert benign.is_valid()
    enquiry, _created = benign.save()
    allowed = ParsedPage(
        admin_client.get(f"/admin/enquiries/enquiry/{enquiry.pk}/change/").content.decode()
    )

    @settings(max_examples=examples(150), **HYPOTHESIS)
    @given(data=likely_valid)
    def check(data):
        form = EnquiryForm({**data, "form_token": issue_form_token()})
        assume(form.is_valid())
        enquiry, _created = form.save()
        # The changelist shows none of the resident's own words; the change page shows all.
        change = admin_client.get(f"/admin/enquiries/enquiry/{enquiry.pk}/change/")
        assert change.status_code == 200
        shown = [getattr(enquiry, name) for name in SHOWN_FIELDS if getattr(enquiry, name)]
        assert_escaped(change.content.decode(), shown, allowed)
        enquiry.delete()

    check()
