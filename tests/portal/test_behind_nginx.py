"""The portal as deployed: the reference nginx (deploy/nginx/*.conf) in front of Django, and
visitors on their own loopback addresses (127.0.0.2, .3 …).

Each visitor has their own limits; what a client writes into X-Forwarded-For or X-Real-IP
changes nothing, through nginx or straight to Django; a malformed address never makes a 500.
"""

import re
import urllib.parse

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command

from enquiries.forms import EnquiryForm, issue_form_token, sign_answers
from enquiries.models import Enquiry
from tests.nginx import Visitor, reference_nginx
from tests.staff import PASSWORD, make_staff

pytestmark = [pytest.mark.nginx, pytest.mark.django_db(transaction=True)]

FORM_PATH = "/en/enquiries/new/"
SEND_PATH = "/en/enquiries/send/"
LOGIN_PATH = "/admin/login/?next=/admin/"


@pytest.fixture
def deployed(live_server, settings):
    """Django behind the reference nginx; nginx reaches it from 127.0.0.1, its only proxy."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.ENQUIRY_MIN_FILL_SECONDS = 0
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("loaddata", "regions", "prefectures", "divisions", "topics", verbosity=0)
    netloc = urllib.parse.urlsplit(live_server.url).netloc
    with reference_nginx([netloc]) as proxy:
        proxy.django_port = int(netloc.rsplit(":", 1)[1])
        yield proxy


def hidden(html, name):
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no field {name}"
    return match.group(1)


def signed_answers(number):
    """What "check your answers" hands the browser for one distinct enquiry."""
    form = EnquiryForm(
        {
            "form_token": issue_form_token(),
            "topic": "1",
            "message": f"Where can I learn Japanese? ({number})",
            "name": "Maya Gurung",
            "email": f"visitor-{number}@example.net",
            "reply_language": "en",
            "privacy_notice": "on",
        }
    )
    assert form.is_valid(), form.errors
    return sign_answers(form.as_payload())


class EnquirySender:
    """A visitor who sends one enquiry after another: one POST of the last step each."""

    numbers = iter(range(1_000_000))

    def __init__(self, visitor):
        self.visitor = visitor
        self.csrf = hidden(visitor.get(FORM_PATH).text, "csrfmiddlewaretoken")

    def send(self, headers=None):
        data = {"csrfmiddlewaretoken": self.csrf, "answers": signed_answers(next(self.numbers))}
        return self.visitor.post(SEND_PATH, data, headers=headers)


def is_djangos_limit(response):
    return response.status == 429 and int(response.headers["Retry-After"]) > 60


def test_each_visitor_behind_nginx_has_their_own_enquiry_limit(deployed, settings):
    limit, _window = settings.ENQUIRY_RATE_LIMIT_PER_CLIENT
    assert limit == 5
    visitors = [EnquirySender(Visitor(deployed.port, f"127.0.0.{n}")) for n in range(2, 9)]
    for visitor in visitors:
        statuses = [visitor.send().status for _ in range(limit)]
        assert statuses == [302] * limit
    for visitor in visitors:
        over = visitor.send()
        assert is_djangos_limit(over), over.status
    assert Enquiry.objects.count() == limit * len(visitors)
    # The seventh POST in a row is nginx's (portal_forms: a burst of 5 after the first).
    seventh = visitors[0].send()
    assert seventh.status == 429 and "Retry-After" not in seventh.headers


def test_a_forged_forwarded_header_through_nginx_changes_nothing(deployed):
    forger = EnquirySender(Visitor(deployed.port, "127.0.0.2"))
    for number in range(5):
        forged = f"198.51.100.{number}"
        response = forger.send({"X-Forwarded-For": forged, "X-Real-IP": forged})
        assert response.status == 302
    response = forger.send({"X-Forwarded-For": "203.0.113.7", "X-Real-IP": "203.0.113.7"})
    assert is_djangos_limit(response)
    # Nobody else paid for it: not the forged addresses, not another visitor.
    assert EnquirySender(Visitor(deployed.port, "127.0.0.3")).send().status == 302


def test_a_forged_forwarded_header_straight_to_django_changes_nothing(deployed):
    """A client that reaches Django without nginx is not a trusted proxy: its headers are
    ignored and its own address is counted."""
    direct = EnquirySender(Visitor(deployed.django_port, "127.0.0.9"))
    for number in range(5):
        response = direct.send({"X-Forwarded-For": f"127.0.0.{20 + number}"})
        assert response.status == 302
    assert is_djangos_limit(direct.send({"X-Forwarded-For": "127.0.0.30"}))
    # The address it claimed to be keeps its own limit.
    assert EnquirySender(Visitor(deployed.port, "127.0.0.20")).send().status == 302


def log_in(visitor, password, headers=None):
    csrf = hidden(visitor.get(LOGIN_PATH).text, "csrfmiddlewaretoken")
    data = {"csrfmiddlewaretoken": csrf, "username": "staff", "password": password}
    return visitor.post(LOGIN_PATH, {**data, "next": "/admin/"}, headers=headers)


def test_login_lockout_counts_each_visitor_behind_nginx(deployed, settings):
    make_staff("staff")
    attacker = Visitor(deployed.port, "127.0.0.5")
    for number in range(settings.AXES_FAILURE_LIMIT - 1):
        forged = {"X-Forwarded-For": f"198.51.100.{number}"}
        assert log_in(attacker, "wrong", forged).status == 200
    assert log_in(attacker, "wrong", {"X-Forwarded-For": "198.51.100.99"}).status == 429
    assert log_in(attacker, PASSWORD).status == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.5"}
    # The staff member, from their own address, is not locked out by it.
    colleague = Visitor(deployed.port, "127.0.0.6")
    response = log_in(colleague, PASSWORD)
    assert response.status == 302 and response.headers["Location"] == "/admin/"


MALFORMED_ADDRESSES = [
    "not-an-ip",
    "1.2.3.4:5678",
    "[2001:db8::1]:443",
    "",
    " , ,, ",
    "unknown, 127.0.0.1",
    "fe80::1%eth0",
    "999.1.1.1",
    "1.2.3.4, not-an-ip",
    "1" * 5000,
    "ナ,\u00a0",
]


def test_malformed_forwarded_addresses_never_make_a_500(deployed):
    # From 127.0.0.1, the trusted proxy, so that Django reads the header: as if a proxy
    # passed on whatever it was sent.
    from_proxy = Visitor(deployed.django_port, "127.0.0.1")
    sender = EnquirySender(from_proxy)
    for number, value in enumerate(MALFORMED_ADDRESSES):
        # http.client sends bytes as they are; a proxy may pass on any octets.
        headers = {"X-Forwarded-For": value.encode(), "X-Real-IP": value.encode()}
        # 200: wrong password; 429 once the pair is locked out (5 failures).
        assert log_in(from_proxy, "wrong", headers).status in (200, 429), value
        assert sender.send(headers).status in (302, 429), value
        # Through nginx the headers are replaced; the answer is the same.
        through_nginx = Visitor(deployed.port, f"127.0.0.{40 + number}")
        assert log_in(through_nginx, "wrong", headers).status == 200, value
    addresses = set(AccessAttempt.objects.values_list("ip_address", flat=True))
    assert addresses == {"127.0.0.1"} | {
        f"127.0.0.{40 + number}" for number in range(len(MALFORMED_ADDRESSES))
    }
