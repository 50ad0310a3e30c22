import csv
import io
from html.parser import HTMLParser

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from enquiries.models import Delivery, Enquiry
from portal.models import StaffPreferences
from portal.roles import ENQUIRY_HANDLERS, sync_roles
from tests.enquiries.conftest import submit_enquiry

pytestmark = pytest.mark.django_db


@pytest.fixture
def handler(django_user_model):
    """A member of the "Enquiry handlers" role (portal/roles.py), not a superuser."""
    user = django_user_model.objects.create_user("handler", password="x", is_staff=True)
    user.groups.add(sync_roles()[ENQUIRY_HANDLERS])
    # This handler works in English (the admin's default is Japanese; see
    # tests/portal/test_admin.py), so the assertions below read the English labels.
    StaffPreferences.objects.create(user=user, admin_language="en")
    return user


@pytest.fixture
def handler_client(client, handler):
    client.force_login(handler)
    return client


@pytest.fixture
def enquiries(topics, settings):
    settings.ENQUIRY_RATE_LIMIT_PER_CLIENT = (100, 3600)
    resident = Client()
    for number, (name, language) in enumerate(
        [("Maya Gurung", "ne"), ("Nguyen Van An", "vi"), ("=HYPERLINK(1)", "en")]
    ):
        submit_enquiry(resident, name=name, reply_language=language, email=f"p{number}@example.net")
    return list(Enquiry.objects.order_by("pk"))


class FormFields(HTMLParser):
    """The values a browser would submit for the first form with method=post."""

    def __init__(self):
        super().__init__()
        self.fields = {}
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "checkbox"}:
            self.fields[name] = attrs.get("value", "")
        elif tag == "input" and name and "checked" in attrs:
            self.fields[name] = attrs.get("value", "on")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        if tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def form_fields(html):
    parser = FormFields()
    parser.feed(html)
    return parser.fields


def changelist_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/enquiries/enquiry/")
    return response, len(queries)


def test_changelist_queries_do_not_grow_with_the_rows(handler_client, enquiries, settings):
    _response, with_three = changelist_queries(handler_client)
    resident = Client()
    for number in range(5):
        submit_enquiry(resident, email=f"more{number}@example.net")
    response, with_eight = changelist_queries(handler_client)
    assert response.context["cl"].result_count == 8
    assert with_eight == with_three


def test_handler_sees_the_changelist_with_filters_and_search(handler_client, enquiries):
    response = handler_client.get("/admin/enquiries/enquiry/")
    html = response.content.decode()
    assert response.status_code == 200
    for enquiry in enquiries:
        assert enquiry.reference in html
    for query, expected in [
        ("status__exact=new", 3),
        ("status__exact=closed", 0),
        ("overdue=yes", 0),
        ("overdue=no", 3),
        ("topic__id__exact=1", 3),
        ("reply_language__exact=vi", 1),
        ("q=Gurung", 1),
        ("q=p2%40example.net", 1),
    ]:
        response = handler_client.get(f"/admin/enquiries/enquiry/?{query}")
        assert response.status_code == 200, query
        assert response.context["cl"].result_count == expected, query


def test_handler_changes_status_and_assignee_and_history_records_it(
    handler_client, handler, enquiries
):
    enquiry = enquiries[0]
    url = f"/admin/enquiries/enquiry/{enquiry.pk}/change/"
    page = handler_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Maya Gurung" in html and enquiry.reference in html
    fields = form_fields(html[html.index('id="enquiry_form"') :])
    fields.update(status="in_progress", assignee=str(handler.pk), internal_notes="Phoned back")
    response = handler_client.post(url, fields)
    assert response.status_code == 302, response.content.decode()[:3000]
    enquiry.refresh_from_db()
    assert enquiry.status == "in_progress" and enquiry.assignee == handler
    assert enquiry.internal_notes == "Phoned back"
    changes = {(event.field, event.new_value) for event in enquiry.events.all()}
    assert changes == {("status", "in_progress"), ("assignee", "handler")}
    assert LogEntry.objects.filter(object_id=str(enquiry.pk)).exists()
    # The resident's own words cannot be edited.
    assert enquiry.message == "Where can I learn Japanese in Yokohama?"
    history = handler_client.get(url).content.decode()
    assert "In progress" in history


def test_actions_assign_and_change_status(handler_client, handler, enquiries):
    selected = [str(enquiry.pk) for enquiry in enquiries[:2]]
    for action in ("assign_to_me", "mark_closed"):
        response = handler_client.post(
            "/admin/enquiries/enquiry/", {"action": action, "_selected_action": selected}
        )
        assert response.status_code == 302
    closed = Enquiry.objects.filter(pk__in=selected)
    assert {(e.status, e.assignee_id) for e in closed} == {("closed", handler.pk)}
    assert Enquiry.objects.get(pk=enquiries[2].pk).status == "new"


def test_spam_and_back(handler_client, enquiries):
    enquiry = enquiries[0]
    post = {"_selected_action": [str(enquiry.pk)]}
    handler_client.post("/admin/enquiries/enquiry/", {"action": "mark_spam", **post})
    assert set(enquiry.deliveries.values_list("state", flat=True)) == {"cancelled"}
    handler_client.post("/admin/enquiries/enquiry/", {"action": "mark_not_spam", **post})
    enquiry.refresh_from_db()
    assert enquiry.status == "new"
    assert set(enquiry.deliveries.values_list("state", flat=True)) == {"pending"}


def test_csv_export_defuses_spreadsheet_formulas(handler_client, enquiries):
    response = handler_client.post(
        "/admin/enquiries/enquiry/",
        {"action": "export_csv", "_selected_action": [str(e.pk) for e in enquiries]},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "reference"
    assert len(rows) == 4
    names = [row[6] for row in rows[1:]]
    assert "Maya Gurung" in names
    assert "'=HYPERLINK(1)" in names


def test_delivery_state_is_visible_and_can_be_retried(handler_client, enquiries):
    Delivery.objects.filter(kind="division").update(state="failed", last_error="SMTP down")
    changelist = handler_client.get("/admin/enquiries/enquiry/").content.decode()
    assert "Failed" in changelist
    enquiry_page = handler_client.get(
        f"/admin/enquiries/enquiry/{enquiries[0].pk}/change/"
    ).content.decode()
    assert "Failed; gave up" in enquiry_page
    deliveries = handler_client.get("/admin/enquiries/delivery/?state__exact=failed")
    assert deliveries.context["cl"].result_count == 3
    failed = Delivery.objects.filter(state="failed")
    detail = handler_client.get(f"/admin/enquiries/delivery/{failed[0].pk}/change/")
    assert "SMTP down" in detail.content.decode()
    handler_client.post(
        "/admin/enquiries/enquiry/",
        {"action": "retry_deliveries", "_selected_action": [str(e.pk) for e in enquiries[:2]]},
    )
    assert Delivery.objects.filter(state="failed").count() == 1


def test_site_administrators_can_retry_from_the_delivery_list(admin_client, enquiries):
    Delivery.objects.update(state="failed")
    admin_client.post(
        "/admin/enquiries/delivery/",
        {"action": "retry_now", "_selected_action": [str(d.pk) for d in Delivery.objects.all()]},
    )
    assert set(Delivery.objects.values_list("state", flat=True)) == {"pending"}


def test_enquiries_cannot_be_added_in_the_admin(handler_client, admin_client, enquiries):
    assert handler_client.get("/admin/enquiries/enquiry/add/").status_code == 403
    assert admin_client.get("/admin/enquiries/enquiry/add/").status_code == 403


def test_handler_sees_topics_and_divisions_but_cannot_change_them(handler_client, topics):
    assert handler_client.get("/admin/enquiries/topic/").status_code == 200
    assert handler_client.get("/admin/enquiries/division/").status_code == 200
    assert handler_client.get("/admin/enquiries/topic/add/").status_code == 403
    response = handler_client.post("/admin/enquiries/division/1/change/", {"phone": "0"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "/admin/enquiries/division/",
        "/admin/enquiries/division/1/change/",
        "/admin/enquiries/topic/",
        "/admin/enquiries/topic/add/",
        "/admin/enquiries/topic/1/change/",
        "/admin/enquiries/enquiry/",
        "/admin/enquiries/delivery/",
    ],
)
def test_admin_pages_render_for_a_superuser(admin_client, enquiries, url):
    assert admin_client.get(url).status_code == 200
