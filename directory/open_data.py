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
)
LIST_SEPARATOR = ";"


def associations_for_export():
    return (
        Association.objects.published()
        .in_directory_order()
        .select_related("prefecture")
        .prefetch_related("services", "languages")
    )


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
        "services": [service.slug for service in association.services.all()],
        "consultation_languages": [language.code for language in association.languages.all()],
        "last_verified": association.last_verified.isoformat() if association.last_verified else "",
        "page_ja": _page_url(request, association, "ja"),
        "page_en": _page_url(request, association, "en"),
    }


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
        record = association_record(request, association)
        for name in ("services", "consultation_languages"):
            record[name] = LIST_SEPARATOR.join(record[name])
        writer.writerow(record)
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


def _hsds_language(association, service_id, service_slug, language):
    return {
        "id": _child_id(association, f"language/{service_slug}/{language.code}"),
        "service_id": service_id,
        "location_id": None,
        "phone_id": None,
        "name": language.name_en or language.name,
        "code": language.code,
        "note": None,
        "attributes": [],
        "metadata": [],
    }


def _hsds_services(association, organization_id):
    """The association's recorded services. Consultation languages belong to the
    consultation service, which is therefore listed whenever languages are recorded."""
    services = list(association.services.all())
    languages = list(association.languages.all())
    slugs = [service.slug for service in services]
    entries = [(service.slug, service.name_ja or service.name, service) for service in services]
    if languages and "consultation" not in slugs:
        entries.append(("consultation", "外国人住民のための相談", None))
    result = []
    for slug, name, service in entries:
        service_id = _child_id(association, f"service/{slug}")
        result.append(
            {
                "id": service_id,
                "organization_id": organization_id,
                "name": name,
                "alternate_name": (service.name_en if service else "")
                or ("Consultation for foreign residents" if slug == "consultation" else None),
                "description": (service.description_ja if service else "") or None,
                "url": association.website or None,
                "email": association.email or None,
                "status": "active",
                "languages": [
                    _hsds_language(association, service_id, slug, language)
                    for language in languages
                ]
                if slug == "consultation"
                else [],
                "phones": [],
                "schedules": [],
                "service_areas": [],
                "service_at_locations": [],
                "contacts": [],
                "attributes": [],
                "metadata": [],
            }
        )
    return result


def _hsds_phones(association, organization_id):
    phones = []
    for kind, number in (("voice", association.phone), ("fax", association.fax)):
        if number:
            phones.append(
                {
                    "id": _child_id(association, f"phone/{kind}"),
                    "organization_id": organization_id,
                    "number": number,
                    "type": kind,
                    "languages": [],
                    "attributes": [],
                    "metadata": [],
                }
            )
    return phones


def _hsds_contacts(association, organization_id):
    if not association.email and not association.phone:
        return []
    return [
        {
            "id": _child_id(association, "contact/general"),
            "organization_id": organization_id,
            "name": None,
            "title": None,
            "department": None,
            "email": association.email or None,
            "phones": [
                {
                    "id": _child_id(association, "contact/general/phone"),
                    "contact_id": _child_id(association, "contact/general"),
                    "number": association.phone,
                    "type": "voice",
                    "languages": [],
                    "attributes": [],
                    "metadata": [],
                }
            ]
            if association.phone
            else [],
            "attributes": [],
            "metadata": [],
        }
    ]


def hsds_organization(request, association):
    organization_id = str(association.uuid)
    area = association.city_ja if association.is_designated_city else association.prefecture.name_ja
    area_en = (
        association.city_en if association.is_designated_city else association.prefecture.name_en
    )
    description = association.description_ja or (
        f"{area}の地域国際化協会（International Association of {area_en}）"
    )
    return {
        "id": organization_id,
        "name": association.name_ja or association.name,
        "alternate_name": association.name_en or association.short_name or None,
        "description": description,
        "email": association.email or None,
        "website": association.website or None,
        "uri": _page_url(request, association, "ja"),
        "parent_organization_id": None,
        "funding": [],
        "contacts": _hsds_contacts(association, organization_id),
        "phones": _hsds_phones(association, organization_id),
        "locations": [],
        "programs": [],
        "organization_identifiers": [],
        "services": _hsds_services(association, organization_id),
        "attributes": [],
        "metadata": [],
    }


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
    languages = [language.code for language in association.languages.all()]
    if languages:
        data["knowsLanguage"] = languages
    return data
