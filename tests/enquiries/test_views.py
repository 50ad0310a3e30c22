import re
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import check_for_language

from directory.models import Association
from enquiries.forms import issue_form_token
from enquiries.models import Delivery, Division, Enquiry, Topic
from tests.enquiries.conftest import (
    VALID_ANSWERS,
    check_answers,
    hidden_value,
    send,
    submit_enquiry,
)
from tests.factories import PageFactory, YokohamaFactory

pytestmark = pytest.mark.django_db


# Django serves a language prefix only once it has a catalogue for it (check_for_language);
# until the site's catalogues are compiled for Filipino and Sinhala, those two have none.
SERVED_LANGUAGES = [code for code, _name in settings.LANGUAGES if check_for_language(code)]


@pytest.mark.parametrize("language", SERVED_LANGUAGES)
def test_form_renders_in_every_language_with_one_h1(client, topics, language):
    response = client.get(f"/{language}/enquiries/new/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert f'<option value="{language}" selected>' in html
    assert f'href="/{language}/pages/privacy/"' in html
    assert "Cache-Control" in response and "no-store" in response["Cache-Control"]


def test_purpose_of_use_comes_before_the_first_field_and_links_to_the_privacy_page(client, topics):
    PageFactory(slug="privacy")
    html = client.get("/en/enquiries/new/").content.decode()
    assert html.index("How we use your information") < html.index("<select")
    privacy_url = re.search(r'href="([^"]*privacy[^"]*)"', html).group(1)
    assert client.get(privacy_url).status_code == 200


@pytest.fixture
def yokohama(topics):
    """The association an enquiry can be about: Yokohama's, in the resident's Kanagawa."""
    return YokohamaFactory()


def test_form_started_from_an_association_page_has_it_filled_in(client, yokohama):
    detail = client.get("/en/associations/yokohama-city/").content.decode()
    link = re.search(r'href="([^"]*enquiries/new/\?association=[^"]*)"', detail).group(1)
    assert link == "/en/enquiries/new/?association=yokohama-city"
    html = client.get(link).content.decode()
    assert '<option value="yokohama-city" selected>' in html


def test_every_page_links_to_the_form(client, topics):
    html = client.get("/ja/").content.decode()
    assert 'href="/ja/enquiries/new/"' in html


def test_errors_are_summarised_linked_repeated_and_keep_what_was_typed(client, topics):
    response = check_answers(client, email="not-an-address", message="", name="Maya <b>G</b>")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    start = html.index('<div class="error-summary"')
    summary = html[start : html.index("</div>", start)]
    assert 'role="alert"' in summary and "autofocus" in summary
    assert '<a href="#id_email">' in summary and '<a href="#id_message">' in summary
    # The summary comes first in the main content.
    assert html.index('class="error-summary"') < html.index("<h1")
    assert 'id="id_email-error"' in html and 'aria-invalid="true"' in html
    assert 'value="not-an-address"' in html
    assert 'value="Maya &lt;b&gt;G&lt;/b&gt;"' in html
    assert Enquiry.objects.count() == 0


def test_check_answers_shows_everything_then_send_stores_and_queues(client, yokohama):
    response = check_answers(client, association="yokohama-city", forwarding_consent="on")
    html = response.content.decode()
    assert "Check your answers" in html
    assert "Where can I learn Japanese in Yokohama?" in html
    assert "नेपाली" in html
    assert Enquiry.objects.count() == 0, "nothing is stored before the resident confirms"

    sent = send(client, response)
    assert sent.status_code == 302
    enquiry = Enquiry.objects.get()
    assert enquiry.association.slug == "yokohama-city"
    assert enquiry.forwarding_consent is not None
    assert enquiry.privacy_notice_accepted is not None
    assert enquiry.division.is_default
    assert enquiry.reply_language == "ne"
    assert enquiry.prefecture_id == "14"
    assert enquiry.status == Enquiry.Status.NEW
    assert sorted(enquiry.deliveries.values_list("kind", flat=True)) == [
        "acknowledgement",
        "division",
    ]

    confirmation = client.get(sent["Location"])
    assert confirmation.status_code == 200
    assert f'id="reference">{enquiry.reference}<' in confirmation.content.decode()


def test_forwarding_consent_is_not_recorded_without_an_association(client, topics):
    submit_enquiry(client, forwarding_consent="on")
    assert Enquiry.objects.get().forwarding_consent is None


def test_change_goes_back_to_the_form_with_the_answers_and_focus_on_the_field(client, topics):
    check = check_answers(client)
    response = client.post(
        "/en/enquiries/new/",
        {"answers": hidden_value(check.content.decode(), "answers"), "change": "email"},
    )
    html = response.content.decode()
    assert 'value="maya@example.net"' in html
    email_input = re.search(r"<input[^>]*id=\"id_email\"[^>]*>", html).group(0)
    assert "autofocus" in email_input
    assert "Where can I learn Japanese in Yokohama?</textarea>" in html
    assert 'class="error-summary"' not in html


def sent_reference(client, sent):
    """The reference that the "sent" page a send redirected to shows."""
    assert sent.status_code == 302
    page = client.get(sent["Location"])
    assert page.status_code == 200
    return re.search(r'id="reference">([^<]+)<', page.content.decode()).group(1)


def test_double_submit_creates_one_enquiry(client, topics):
    check = check_answers(client)
    first = send(client, check)
    second = send(client, check)
    assert Enquiry.objects.count() == 1
    assert Delivery.objects.count() == 2
    # The same page: the links themselves differ once a second has passed (they are signed
    # with the time, for their expiry).
    assert sent_reference(client, first) == sent_reference(client, second)


def test_the_sender_gets_the_reference_only_after_waiting_for_the_replica(
    client, topics, monkeypatch, django_capture_on_commit_callbacks
):
    """Once the enquiry is committed, before the redirect to its reference: the wait that
    lets it survive a crash of the primary (core/replication.py, tests/portal/test_failover.py).
    """
    waited = []
    monkeypatch.setattr(
        "enquiries.forms.wait_for_replica", lambda: waited.append(Enquiry.objects.count())
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = submit_enquiry(client)
    assert response.status_code == 302
    assert waited == [1]


def test_a_changed_resubmission_is_a_new_enquiry_and_the_visitor_is_told(client, topics):
    """Back → Change → Send (or a second tab) with the same form: the changed answers are not
    dropped behind the first reference; they are a new enquiry, and the page says so."""
    token = issue_form_token()
    first = send(client, check_answers(client, token=token))
    original = Enquiry.objects.get()
    changed_check = check_answers(
        client, token=token, message="Where can I learn Japanese in Kawasaki?"
    )
    changed = send(client, changed_check)
    assert changed.status_code == 302
    assert sent_reference(client, changed) != sent_reference(client, first)
    assert Enquiry.objects.count() == 2
    newer = Enquiry.objects.exclude(pk=original.pk).get()
    assert newer.message == "Where can I learn Japanese in Kawasaki?"
    assert Enquiry.objects.get(pk=original.pk).message == original.message
    assert Delivery.objects.filter(enquiry=newer).count() == 2

    page = client.get(changed["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert f'id="reference">{newer.reference}</strong>' in html
    assert "You changed your answers after sending enquiry" in html
    assert original.reference in html
    # The first enquiry's own page says nothing of the kind.
    assert "You changed your answers" not in client.get(first["Location"]).content.decode()

    # Sending the same changed answers again stores them once.
    again = send(client, changed_check)
    assert sent_reference(client, again) == sent_reference(client, changed) == newer.reference
    assert Enquiry.objects.count() == 2


def test_the_changed_resubmission_notice_is_in_the_visitors_language(client, topics):
    token = issue_form_token()
    send(client, check_answers(client, "vi", token=token))
    changed = send(client, check_answers(client, "vi", token=token, name="Nguyen Van B"), "vi")
    html = client.get(changed["Location"]).content.decode()
    assert '<html lang="vi"' in html
    assert "You changed your answers" not in html
    assert Enquiry.objects.get(name="Nguyen Van B").reference in html
    assert Enquiry.objects.exclude(name="Nguyen Van B").get().reference in html


def test_the_earlier_reference_is_isolated_on_a_right_to_left_page(client, topics):
    token = issue_form_token()
    send(client, check_answers(client, "ur", token=token))
    changed = send(client, check_answers(client, "ur", token=token, phone="045-222-1111"), "ur")
    html = client.get(changed["Location"]).content.decode()
    earlier = Enquiry.objects.exclude(phone="045-222-1111").get()
    assert f'<bdi dir="ltr">{earlier.reference}</bdi>' in html


def test_resubmitting_step_one_with_the_same_token_still_creates_one_enquiry(client, topics):
    token = issue_form_token()
    send(client, check_answers(client, token=token))
    send(client, check_answers(client, token=token))
    assert Enquiry.objects.count() == 1


def test_tampered_answers_are_refused(client, topics):
    check = check_answers(client)
    answers = hidden_value(check.content.decode(), "answers")
    response = client.post("/en/enquiries/send/", {"answers": answers[:-3] + "AAA"})
    assert response.status_code == 400
    assert Enquiry.objects.count() == 0


def test_expired_form_is_shown_again_with_the_answers_and_a_fresh_token(client, topics, settings):
    check = check_answers(client)
    settings.ENQUIRY_FORM_MAX_AGE_SECONDS = -1
    response = send(client, check)
    html = response.content.decode()
    assert response.status_code == 200
    assert "open for too long" in html
    assert 'value="maya@example.net"' in html
    assert Enquiry.objects.count() == 0


def test_honeypot_is_kept_as_spam_and_never_mailed(client, topics):
    response = check_answers(client, website="http://spam.example")
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert enquiry.status == Enquiry.Status.SPAM
    assert enquiry.spam_reason == "honeypot"
    assert not enquiry.deliveries.exists()
    assert client.get(response["Location"]).status_code == 200


def test_spam_is_rate_limited_too(client, topics, settings):
    settings.ENQUIRY_RATE_LIMIT_PER_CLIENT = (2, 3600)
    statuses = [
        check_answers(client, website="x", email=f"bot{number}@example.net").status_code
        for number in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert Enquiry.objects.count() == 2


def test_a_form_sent_back_too_fast_is_kept_as_spam(client, topics, settings):
    settings.ENQUIRY_MIN_FILL_SECONDS = 60
    check_answers(client)
    enquiry = Enquiry.objects.get()
    assert enquiry.status == Enquiry.Status.SPAM
    assert enquiry.spam_reason == "sent too fast"
    assert not enquiry.deliveries.exists()


def test_honeypot_is_hidden_from_everyone(client, topics):
    html = client.get("/en/enquiries/new/").content.decode()
    assert re.search(r'<div class="honeypot" hidden>\s*<label for="id_website">', html)
    assert 'name="website" id="id_website" tabindex="-1"' in html


def test_rate_limit_per_client(client, topics, settings):
    settings.ENQUIRY_RATE_LIMIT_PER_CLIENT = (2, 3600)
    for number in range(2):
        assert submit_enquiry(client, email=f"person{number}@example.net").status_code == 302
    response = submit_enquiry(client, email="third@example.net")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many enquiries" in response.content.decode()
    assert Enquiry.objects.count() == 2


def test_rate_limit_per_email_address_across_clients(client, topics, settings):
    settings.ENQUIRY_RATE_LIMIT_PER_EMAIL = (1, 3600)
    assert submit_enquiry(client, email="Same@Example.net").status_code == 302
    other_client_response = check_answers(client, email="same@example.net")
    response = send(client, other_client_response, REMOTE_ADDR="192.0.2.9")
    assert response.status_code == 429
    assert Enquiry.objects.count() == 1


def test_oversized_request_body_is_refused_before_it_is_read(client, topics, settings):
    settings.ENQUIRY_MAX_REQUEST_BYTES = 1000
    response = check_answers(client, message="x" * 2000)
    assert response.status_code == 413
    assert Enquiry.objects.count() == 0


def test_csrf_is_enforced(topics):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        "/en/enquiries/new/", {**VALID_ANSWERS, "form_token": issue_form_token()}
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("language", "lang", "direction"),
    [("en", "en", "ltr"), ("vi", "vi", "ltr"), ("ur", "ur", "rtl")],
)
def test_a_form_that_fails_the_csrf_check_says_what_to_do_in_the_visitors_language(
    topics, language, lang, direction
):
    from django.test import Client
    from django.utils import translation

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        f"/{language}/enquiries/new/", {**VALID_ANSWERS, "form_token": issue_form_token()}
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert f'<html lang="{lang}" dir="{direction}">' in html
    assert html.count("<h1>") == 1
    with translation.override(language):
        assert translation.gettext("The form could not be sent") in html
        assert (
            translation.gettext(
                "Go back, reload the page and send the form again. If you wrote a long message, "
                "copy it first so that you do not lose it."
            )
            in html
        )
    assert "CSRF" not in html
    if language != "en":
        assert "The form could not be sent" not in html
    assert response["Cache-Control"] == "no-store"
    assert Enquiry.objects.count() == 0


def database_down():
    """Every query fails as if the database server had gone away."""
    return mock.patch.object(
        BaseDatabaseWrapper,
        "cursor",
        side_effect=OperationalError("could not connect to server"),
    )


@pytest.mark.django_db(transaction=True)
def test_database_down_on_send_keeps_the_answers_and_says_so(client, topics):
    check = check_answers(client, message="Please <keep> this text")
    with database_down():
        response = send(client, check)
    html = response.content.decode()
    assert response.status_code == 503
    assert "<title>Error: " in html
    assert "We cannot accept your enquiry right now" in html
    assert "Please &lt;keep&gt; this text" in html
    assert "maya@example.net" in html
    assert hidden_value(html, "answers")
    assert Enquiry.objects.count() == 0
    # Once the database is back, the same page sends the enquiry.
    assert send(client, response).status_code == 302
    assert Enquiry.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_database_down_on_the_first_step_keeps_the_answers(client, topics):
    with database_down():
        response = check_answers(client, name="Maya", message="Still here")
    html = response.content.decode()
    assert response.status_code == 503
    assert "We cannot accept your enquiry right now" in html
    assert 'value="Maya"' in html and "Still here</textarea>" in html
    assert '<input type="hidden" name="topic" value="1"' in html
    assert Enquiry.objects.count() == 0


def test_confirmation_page_needs_a_valid_token(client, topics):
    assert client.get("/en/enquiries/sent/forged/").status_code == 404


def test_get_is_not_allowed_on_send(client, topics):
    assert client.get("/en/enquiries/send/").status_code == 405


def contact_block(html):
    match = re.search(r'<section class="contact-division".*?</section>', html, re.S)
    assert match, "no For Enquiries block"
    return match.group(0)


def test_contact_block_shows_no_empty_email_label(client, topics):
    division = Division.objects.get()
    assert division.email == "", "the public e-mail stays blank until staff set it"
    block = contact_block(client.get("/en/enquiries/new/").content.decode())
    assert "Tel" in block and "+81 3-5213-1725" in block
    assert "E-mail" not in block and "mailto:" not in block
    # The mailboxes that receive enquiries are never shown.
    assert "multiculture@example.org" not in block

    division.email = "public@example.org"
    division.save()
    block = contact_block(client.get("/en/enquiries/new/").content.decode())
    assert "<dt>E-mail</dt>" in block
    assert 'href="mailto:public@example.org"' in block


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("03-1234-5678", "03-1234-5678"),
        ("(03) 5213-1725", "(03) 5213-1725"),
        ("0120-76-2029", "0120-76-2029"),
        ("090-1234-5678", "090-1234-5678"),
        ("+81 90 1234 5678", "+81 90 1234 5678"),
        ("+63 2 8123 4567", "+63 2 8123 4567"),
        # As a Japanese keyboard types it: full-width digits, a long-vowel mark for the dash.
        ("０９０ー１２３４ー５６７８", "090-1234-5678"),
    ],
)
def test_real_phone_numbers_are_accepted(client, topics, typed, stored):
    response = check_answers(client, phone=typed)
    assert "Check your answers" in response.content.decode()
    send(client, response)
    assert Enquiry.objects.get().phone == stored


@pytest.mark.parametrize("typed", ["12345", "03-1234", "+63 2 81", "0000-0000-0000"])
def test_numbers_no_one_can_call_are_refused_in_the_residents_language(client, topics, typed):
    html = check_answers(client, language="ja", phone=typed).content.decode()
    assert "連絡のつく電話番号を、市外局番から（例：090-1234-5678）" in html
    assert 'id="id_phone-error"' in html
    assert Enquiry.objects.count() == 0


def options_of(html, name):
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S)
    assert select, f"no select named {name}"
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(0))


def test_the_form_reads_its_options_once_per_content_generation(
    client, topics, django_assert_num_queries
):
    YokohamaFactory()
    first = client.get("/en/enquiries/new/").content.decode()
    # The next render needs no query for its options (nor any other).
    with django_assert_num_queries(0):
        again = client.get("/en/enquiries/new/").content.decode()
    for name in ("topic", "association", "prefecture"):
        assert options_of(again, name) == options_of(first, name)
    assert options_of(again, "association") == [
        ("", "No particular association"),
        ("yokohama-city", "Yokohama Association for International Communications and Exchanges"),
    ]
    assert ("13", "Tokyo") in options_of(again, "prefecture")
    # Each language has its own labels.
    japanese = client.get("/ja/enquiries/new/").content.decode()
    assert ("yokohama-city", "公益財団法人横浜市国際交流協会") in options_of(
        japanese, "association"
    )
    assert ("13", "東京都") in options_of(japanese, "prefecture")


def test_a_renamed_association_is_in_the_options_at_once(client, topics):
    yokohama = YokohamaFactory()
    client.get("/en/enquiries/new/")
    yokohama.name_en = "Yokohama International Lounge"
    yokohama.save()
    html = client.get("/en/enquiries/new/").content.decode()
    assert ("yokohama-city", "Yokohama International Lounge") in options_of(html, "association")


def test_a_topic_staff_close_leaves_the_options_at_once(client, topics):
    topic = Topic.objects.active().first()
    shown = client.get("/en/enquiries/new/").content.decode()
    assert str(topic.pk) in [value for value, _label in options_of(shown, "topic")]
    topic.is_active = False
    topic.save()
    html = client.get("/en/enquiries/new/").content.decode()
    assert str(topic.pk) not in [value for value, _label in options_of(html, "topic")]


def test_a_submitted_option_is_checked_against_the_rows_not_the_shown_list(client, topics):
    YokohamaFactory()
    client.get("/en/enquiries/new/")
    # Unpublished without a signal (a bulk update): the cached list still offers it.
    Association.objects.filter(slug="yokohama-city").update(is_published=False)
    html = check_answers(client, association="yokohama-city").content.decode()
    assert "Choose one of the associations in the list." in html
    assert Enquiry.objects.count() == 0
