"""The directory as open data: CSV, plain JSON and Open Referral HSDS 3.0.

Identifiers are stable between exports: an organisation's id is the association's `uuid`
(derived from its JIS code for imported rows), and the ids of its services, phones, contacts
and languages are UUIDv5 names inside that namespace, so they never change either.
"""

import csv
import io
import json
import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import translation
from django.views.decorators.http import require_GET

from directory.models import Association

CSV_COLUMNS = (
    "id",
    "slug",
    "name_ja",
    "name_en",
    "short_name",
    "level",
    "prefecture_code",
    "prefecture_ja",
    "prefecture_en",
    "city_ja",
    "city_en",
    "municipality_code",
    "website",
    "email",
    "phone",
    "fax",
    "postal_code",
    "address_ja",
    "address_en",
    "services",
    "consultation_languages",
    "last_verified",
    "page_ja",
    "page_en",
    # Each fact's source and date, in the same order as `services` and
    # `consultation_languages` (added at the end so that existing columns keep their place).
    "services_sources",
    "services_checked_on",
    "consultation_languages_sources",
    "consultation_languages_checked_on",
    "contact_source_url",
    "contact_checked_on",
)
LIST_SEPARATOR = ";"
FACT_LISTS = (
    ("services", "service_facts", "service"),
    ("consultation_languages", "consultation_language_facts", "language"),
)


def associations_for_export():
    return (
        Association.objects.published()
        .in_directory_order()
        .select_related("prefecture")
        .prefetch_related("service_facts__service", "language_facts__language")
    )


def _date(value):
    return value.isoformat() if value else ""


def _fact(fact, key, value):
    return {key: value, "source_url": fact.source_url, "checked_on": _date(fact.checked_on)}


def _page_url(request, association, language_code):
    with translation.override(language_code):
        return request.build_absolute_uri(association.get_absolute_url())


def association_record(request, association):
    return {
        "id": str(association.uuid),
        "slug": association.slug,
        "name_ja": association.name_ja or "",
        "name_en": association.name_en or "",
        "short_name": association.short_name,
        "level": association.level,
        "prefecture_code": association.prefecture_id,
        "prefecture_ja": association.prefecture.name_ja or "",
        "prefecture_en": association.prefecture.name_en or "",
        "city_ja": association.city_ja or "",
        "city_en": association.city_en or "",
        "municipality_code": association.municipality_code,
        "website": association.website,
        "email": association.email,
        "phone": association.phone,
        "fax": association.fax,
        "postal_code": association.postal_code,
        "address_ja": association.address_ja or "",
        "address_en": association.address_en or "",
        "services": [fact.service.slug for fact in association.service_facts.all()],
        "consultation_languages": [fact.language.code for fact in association.language_facts.all()],
        "last_verified": _date(association.last_verified),
        "page_ja": _page_url(request, association, "ja"),
        "page_en": _page_url(request, association, "en"),
        "service_facts": [
            _fact(fact, "service", fact.service.slug) for fact in association.service_facts.all()
        ],
        "consultation_language_facts": [
            _fact(fact, "language", fact.language.code) for fact in association.language_facts.all()
        ],
        "contact_source_url": association.contact_source_url,
        "contact_checked_on": _date(association.contact_checked_on),
    }


def _csv_list(values):
    # A URL may hold the separator; percent-encoded it means the same address.
    return LIST_SEPARATOR.join(value.replace(LIST_SEPARATOR, "%3B") for value in values)


def csv_row(record):
    """The record flattened: lists joined with LIST_SEPARATOR, the facts' sources and dates
    as lists of their own in the same order."""
    row = {name: record[name] for name in CSV_COLUMNS if name in record}
    for list_name, facts_name, _key in FACT_LISTS:
        facts = record[facts_name]
        row[list_name] = _csv_list(record[list_name])
        row[f"{list_name}_sources"] = _csv_list(fact["source_url"] for fact in facts)
        row[f"{list_name}_checked_on"] = _csv_list(fact["checked_on"] for fact in facts)
    return row


def licence():
    return {"name": settings.OPEN_DATA_LICENCE_NAME, "url": settings.OPEN_DATA_LICENCE_URL}


def _open_data_response(content, content_type):
    response = HttpResponse(content, content_type=content_type)
    # Open data: any site may fetch it.
    response["Access-Control-Allow-Origin"] = "*"
    response["Link"] = f'<{settings.OPEN_DATA_LICENCE_URL}>; rel="license"'
    return response


def _json(data):
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)


@require_GET
def associations_csv(request):
    output = io.StringIO()
    # A byte order mark so that spreadsheet programs in Japan read the file as UTF-8.
    output.write("\ufeff")
    writer = csv.DictWriter(output, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for association in associations_for_export():
        writer.writerow(csv_row(association_record(request, association)))
    return _open_data_response(output.getvalue(), "text/csv; charset=utf-8")


@require_GET
def associations_json(request):
    records = [association_record(request, a) for a in associations_for_export()]
    return _open_data_response(
        _json({"licence": licence(), "count": len(records), "associations": records}),
        "application/json",
    )


# --- Open Referral HSDS 3.0 -------------------------------------------------------------------


def _child_id(association, name):
    return str(uuid.uuid5(association.uuid, name))


def _without_blanks(record):
    """HSDS types optional fields as strings, numbers or UUIDs, never null: an unknown
    value is left out, as the specification's examples do."""
    return {key: value for key, value in record.items() if value is not None and value != ""}


def _source_note(fact):
    if not fact.source_url:
        return None
    if fact.checked_on:
        return f"Source: {fact.source_url} (checked {fact.checked_on.isoformat()})"
    return f"Source: {fact.source_url}"


def _hsds_language(association, service_id, service_slug, fact):
    language = fact.language
    return _without_blanks(
        {
            "id": _child_id(association, f"language/{service_slug}/{language.code}"),
            "service_id": service_id,
            "name": language.name_en or language.name,
            "code": language.code,
            "note": _source_note(fact),
            "attributes": [],
            "metadata": [],
        }
    )


def _contact_source(association):
    if not association.contact_source_url:
        return None
    if association.contact_checked_on:
        return (
            f"Source: {association.contact_source_url} "
            f"(checked {association.contact_checked_on.isoformat()})"
        )
    return f"Source: {association.contact_source_url}"


def _hsds_phone(association, name, number, kind, **owner):
    return _without_blanks(
        {
            "id": _child_id(association, name),
            **owner,
            "number": number,
            "type": kind,
            "description": _contact_source(association),
            "languages": [],
            "attributes": [],
            "metadata": [],
        }
    )


def _hsds_phones(association, owner_name, **owner):
    return [
        _hsds_phone(association, f"{owner_name}phone/{kind}", number, kind, **owner)
        for kind, number in (("voice", association.phone), ("fax", association.fax))
        if number
    ]


def _hsds_contacts(association, owner_name, **owner):
    """The association's own contact details, for the organisation or one of its services
    (the sources give no separate desk numbers, so a service is reached the same way)."""
    if not association.email and not association.phone:
        return []
    contact_id = _child_id(association, f"{owner_name}contact/general")
    phones = []
    if association.phone:
        phones.append(
            _hsds_phone(
                association,
                f"{owner_name}contact/general/phone",
                association.phone,
                "voice",
                contact_id=contact_id,
            )
        )
    return [
        _without_blanks(
            {
                "id": contact_id,
                **owner,
                "email": association.email or None,
                "phones": phones,
                "attributes": [],
                "metadata": [],
            }
        )
    ]


CONSULTATION = "consultation"
CONSULTATION_JA = "外国人住民のための相談"


def _hsds_services(association, organization_id):
    """The association's recorded services. Consultation languages belong to the
    consultation service, which is therefore listed whenever languages are recorded."""
    service_facts = list(association.service_facts.all())
    language_facts = list(association.language_facts.all())
    entries = [(fact.service.slug, fact.service, fact) for fact in service_facts]
    if language_facts and CONSULTATION not in {slug for slug, _s, _f in entries}:
        entries.append((CONSULTATION, None, None))
    result = []
    for slug, service, fact in entries:
        service_id = _child_id(association, f"service/{slug}")
        owner_name = f"service/{slug}/"
        result.append(
            _without_blanks(
                {
                    "id": service_id,
                    "organization_id": organization_id,
                    "name": (service.name_ja or service.name)
                    if service
                    else "外国人住民のための相談",
                    "alternate_name": (service.name_en if service else "")
                    or ("Consultation for foreign residents" if slug == CONSULTATION else None),
                    "description": (service.description_ja if service else "") or None,
                    "url": association.website or None,
                    "email": association.email or None,
                    "status": "active",
                    # "The date that the information about the service was last checked."
                    "assured_date": fact.checked_on.isoformat()
                    if fact and fact.checked_on
                    else None,
                    "languages": [
                        _hsds_language(association, service_id, slug, language_fact)
                        for language_fact in language_facts
                    ]
                    if slug == CONSULTATION
                    else [],
                    "phones": _hsds_phones(association, owner_name, service_id=service_id),
                    "contacts": _hsds_contacts(association, owner_name, service_id=service_id),
                    "schedules": [],
                    "service_areas": [],
                    "service_at_locations": [],
                    "attributes": [],
                    "metadata": [],
                }
            )
        )
    return result


def hsds_organization(request, association):
    organization_id = str(association.uuid)
    area = association.city_ja if association.is_designated_city else association.prefecture.name_ja
    area_en = (
        association.city_en if association.is_designated_city else association.prefecture.name_en
    )
    description = association.description_ja or (
        f"{area}の地域国際化協会（International Association of {area_en}）"
    )
    return _without_blanks(
        {
            "id": organization_id,
            "name": association.name_ja or association.name,
            "alternate_name": association.name_en or association.short_name or None,
            "description": description,
            "email": association.email or None,
            "website": association.website or None,
            "uri": _page_url(request, association, "ja"),
            "funding": [],
            "contacts": _hsds_contacts(association, "", organization_id=organization_id),
            "phones": _hsds_phones(association, "", organization_id=organization_id),
            "locations": [],
            "programs": [],
            "organization_identifiers": [],
            "services": _hsds_services(association, organization_id),
            "attributes": [],
            "metadata": [],
        }
    )


@require_GET
def hsds_organizations(request):
    """All organisations on one page of HSDS 3.0's paginated API response."""
    contents = [hsds_organization(request, a) for a in associations_for_export()]
    return _open_data_response(
        _json(
            {
                "total_items": len(contents),
                "total_pages": 1,
                "page_number": 1,
                "size": len(contents),
                "first_page": True,
                "last_page": True,
                "empty": not contents,
                "contents": contents,
            }
        ),
        "application/json",
    )


# --- schema.org ------------------------------------------------------------------------------


def schema_org_organization(request, association):
    """An association as a schema.org Organization, in JSON-LD."""
    area_name = association.city if association.is_designated_city else association.prefecture.name
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "@id": f"urn:uuid:{association.uuid}",
        "identifier": str(association.uuid),
        "name": association.name,
        "url": request.build_absolute_uri(association.get_absolute_url()),
        "areaServed": {
            "@type": "AdministrativeArea",
            "name": area_name,
            "containedInPlace": {"@type": "Country", "name": "Japan", "identifier": "JP"},
        },
        "address": {
            "@type": "PostalAddress",
            "addressCountry": "JP",
            "addressRegion": association.prefecture.name,
        },
    }
    alternate_names = [
        name
        for name in (association.name_ja, association.name_en, association.short_name)
        if name and name != association.name
    ]
    if alternate_names:
        data["alternateName"] = alternate_names
    if association.website:
        data["sameAs"] = association.website
    if association.email:
        data["email"] = association.email
    if association.phone:
        data["telephone"] = association.phone
    if association.postal_code:
        data["address"]["postalCode"] = association.postal_code
    if association.address:
        data["address"]["streetAddress"] = association.address
    languages = [fact.language.code for fact in association.language_facts.all()]
    if languages:
        data["knowsLanguage"] = languages
    return data
