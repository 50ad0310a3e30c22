"""The HSDS export against HSDS 3.0: required fields, types and formats (see hsds_spec.py)."""

import datetime
import json
import re

import pytest

from directory.models import Association
from tests.directory.hsds_spec import problems

URL = "/open-data/hsds/organizations.json"


def export(client):
    response = client.get(URL)
    assert response.status_code == 200
    return response.json()


def test_every_exported_organization_meets_the_specification(client, real_data):
    data = export(client)
    assert data["total_items"] == len(data["contents"]) == 63
    found = [problem for record in data["contents"] for problem in problems(record, "organization")]
    assert found == []


def test_the_export_carries_the_shipped_facts_in_hsds_objects(client, real_data):
    data = export(client)
    services = [s for o in data["contents"] for s in o.get("services", [])]
    languages = [lang for s in services for lang in s.get("languages", [])]
    contacts = [c for o in data["contents"] for c in o.get("contacts", [])]
    phones = [p for o in data["contents"] for p in o.get("phones", [])]
    service_phones = [p for s in services for p in s.get("phones", [])]
    # What the checks above went through is the real data, not empty lists.
    assert len(services) >= 185
    assert len(languages) == 260
    assert contacts and phones and service_phones


def test_ids_are_unique_and_references_point_at_their_owner(client, real_data):
    organizations = export(client)["contents"]
    ids = re.findall(r'"id": "([^"]+)"', json.dumps(organizations))
    assert len(ids) == len(set(ids))
    for organization in organizations:
        for phone in organization.get("phones", []):
            assert phone["organization_id"] == organization["id"]
        for contact in organization.get("contacts", []):
            assert contact["organization_id"] == organization["id"]
            for phone in contact["phones"]:
                assert phone["contact_id"] == contact["id"]
        for service in organization.get("services", []):
            assert service["organization_id"] == organization["id"]
            for item in (*service["languages"], *service["phones"], *service["contacts"]):
                assert item["service_id"] == service["id"]


def test_services_languages_and_contacts_say_where_they_come_from(client, real_data):
    kawasaki = Association.objects.get(slug="kawasaki-city")
    language_fact = kawasaki.language_facts.select_related("language").get(language__code="ne")
    organization = next(o for o in export(client)["contents"] if o["id"] == str(kawasaki.uuid))
    consultation = next(
        s for s in organization["services"] if s["name"] == "外国人住民のための相談"
    )
    nepali = next(lang for lang in consultation["languages"] if lang["code"] == "ne")
    assert nepali["note"] == (
        f"Source: {language_fact.source_url} (checked {language_fact.checked_on.isoformat()})"
    )
    fact = kawasaki.service_facts.get(service__slug="consultation")
    assert consultation["assured_date"] == fact.checked_on.isoformat()


def test_contact_details_carry_their_source(client, real_data):
    association = Association.objects.exclude(phone="").exclude(contact_source_url="").first()
    assert association is not None, "the shipped contacts include a phone with its source"
    organization = next(o for o in export(client)["contents"] if o["id"] == str(association.uuid))
    [voice] = [phone for phone in organization["phones"] if phone["type"] == "voice"]
    assert voice["number"] == association.phone
    assert association.contact_source_url in voice["description"]
    for service in organization["services"]:
        assert [phone["number"] for phone in service["phones"] if phone["type"] == "voice"] == [
            association.phone
        ]


VALID_ORGANIZATION = {
    "id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610",
    "name": "Example",
    "description": "An example.",
    "services": [
        {
            "id": "ac148810-d857-441c-9679-408f346de14b",
            "name": "Consultation",
            "status": "active",
            "assured_date": "2026-12-02",
            "languages": [{"id": "b1c1b1c1-0000-4000-8000-000000000001", "code": "ne"}],
            "phones": [
                {"id": "b1c1b1c1-0000-4000-8000-000000000002", "number": "0", "type": "voice"}
            ],
        }
    ],
}


def broken(change):
    record = json.loads(json.dumps(VALID_ORGANIZATION))
    change(record)
    return problems(record, "organization")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda o: o.pop("description"), "organization: required description is missing"),
        (lambda o: o.update(alternate_name=None), "organization.alternate_name: None is not"),
        (lambda o: o.update(id="42"), "organization.id: '42' is not a UUID"),
        (lambda o: o.update(email="nobody"), "organization.email: 'nobody' is not an e-mail"),
        (lambda o: o.update(website="www.example.org"), "is not an absolute URI"),
        (lambda o: o.update(year_incorporated="1990"), "'1990' is not a number"),
        (lambda o: o.update(colour="blue"), "organization.colour: not a property"),
        (lambda o: o["services"][0].update(status="open"), "services[0].status: 'open' is not"),
        (lambda o: o["services"][0].pop("name"), "services[0]: required name is missing"),
        (
            lambda o: o["services"][0].update(assured_date="2 December 2026"),
            "is not a date (YYYY-MM-DD)",
        ),
        (
            lambda o: o["services"][0]["languages"][0].update(code="Nepali"),
            "languages[0].code: 'Nepali' is not an ISO 639",
        ),
        (
            lambda o: o["services"][0]["phones"][0].pop("number"),
            "phones[0]: required number is missing",
        ),
        (lambda o: o["services"][0]["phones"][0].update(type="mobile"), "'mobile' is not one of"),
        (lambda o: o.update(locations=[{"id": "x"}]), "holds objects this check does not"),
    ],
)
def test_the_check_catches_what_the_specification_forbids(change, expected):
    assert problems(VALID_ORGANIZATION, "organization") == []
    found = broken(change)
    assert any(expected in problem for problem in found), found


def test_the_example_dates_are_real_dates():
    assert datetime.date.fromisoformat(VALID_ORGANIZATION["services"][0]["assured_date"])
