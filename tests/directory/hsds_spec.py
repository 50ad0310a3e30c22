"""What HSDS 3.0 requires of the objects this portal exports, written down from the
specification's published schema (openreferral/specification, tag v3.0, schema/*.json).

Only the objects the export contains are described: organization, service, language, contact
and phone, with every property each may carry. A property is (JSON type, format or nested
object); an optional property may be left out, but when present it has its type: the schema
types strings as "string", so null is not allowed. Stricter than the schema in one respect:
a property the schema does not define is reported, so that a typo cannot pass unnoticed.
"""

import datetime
import re
import uuid
from urllib.parse import urlsplit

STRING, NUMBER, ARRAY = "string", "number", "array"

# name: (required properties, {property: (type, format, nested object or None)})
OBJECTS = {
    "organization": (
        {"id", "name", "description"},
        {
            "id": (STRING, "uuid"),
            "name": (STRING, None),
            "alternate_name": (STRING, None),
            "description": (STRING, None),
            "email": (STRING, "email"),
            "website": (STRING, "uri"),
            "tax_status": (STRING, None),
            "tax_id": (STRING, None),
            "year_incorporated": (NUMBER, None),
            "legal_status": (STRING, None),
            "logo": (STRING, None),
            "uri": (STRING, "uri"),
            "parent_organization_id": (STRING, "uuid"),
            "funding": (ARRAY, None),
            "contacts": (ARRAY, "contact"),
            "phones": (ARRAY, "phone"),
            "locations": (ARRAY, None),
            "programs": (ARRAY, None),
            "organization_identifiers": (ARRAY, None),
            "services": (ARRAY, "service"),
            "attributes": (ARRAY, None),
            "metadata": (ARRAY, None),
        },
    ),
    "service": (
        {"id", "name", "status"},
        {
            "id": (STRING, "uuid"),
            "organization_id": (STRING, "uuid"),
            "program_id": (STRING, "uuid"),
            "name": (STRING, None),
            "alternate_name": (STRING, None),
            "description": (STRING, None),
            "url": (STRING, "uri"),
            "email": (STRING, "email"),
            "status": (STRING, "service-status"),
            "interpretation_services": (STRING, None),
            "application_process": (STRING, None),
            "fees_description": (STRING, None),
            "wait_time": (STRING, None),
            "fees": (STRING, None),
            "accreditations": (STRING, None),
            "eligibility_description": (STRING, None),
            "minimum_age": (NUMBER, None),
            "maximum_age": (NUMBER, None),
            # A string the data package types as a date.
            "assured_date": (STRING, "date"),
            "assurer_email": (STRING, "email"),
            "licenses": (STRING, None),
            "alert": (STRING, None),
            "last_modified": (STRING, "date-time"),
            "phones": (ARRAY, "phone"),
            "schedules": (ARRAY, None),
            "service_areas": (ARRAY, None),
            "service_at_locations": (ARRAY, None),
            "languages": (ARRAY, "language"),
            "funding": (ARRAY, None),
            "cost_options": (ARRAY, None),
            "required_documents": (ARRAY, None),
            "contacts": (ARRAY, "contact"),
            "attributes": (ARRAY, None),
            "metadata": (ARRAY, None),
        },
    ),
    "language": (
        {"id"},
        {
            "id": (STRING, "uuid"),
            "service_id": (STRING, "uuid"),
            "location_id": (STRING, "uuid"),
            "phone_id": (STRING, "uuid"),
            "name": (STRING, None),
            # "The ISO 639-1 or ISO 639-3 code for the language."
            "code": (STRING, "iso-639"),
            "note": (STRING, None),
            "attributes": (ARRAY, None),
            "metadata": (ARRAY, None),
        },
    ),
    "contact": (
        {"id"},
        {
            "id": (STRING, "uuid"),
            "organization_id": (STRING, "uuid"),
            "service_id": (STRING, "uuid"),
            "service_at_location_id": (STRING, "uuid"),
            "location_id": (STRING, "uuid"),
            "name": (STRING, None),
            "title": (STRING, None),
            "department": (STRING, None),
            "email": (STRING, "email"),
            "phones": (ARRAY, "phone"),
            "attributes": (ARRAY, None),
            "metadata": (ARRAY, None),
        },
    ),
    "phone": (
        {"id", "number"},
        {
            "id": (STRING, "uuid"),
            "location_id": (STRING, "uuid"),
            "service_id": (STRING, "uuid"),
            "organization_id": (STRING, "uuid"),
            "contact_id": (STRING, "uuid"),
            "service_at_location_id": (STRING, "uuid"),
            "number": (STRING, None),
            "extension": (NUMBER, None),
            # "drawing from the RFC6350 list of types"
            "type": (STRING, "rfc6350-type"),
            "description": (STRING, None),
            "languages": (ARRAY, "language"),
            "attributes": (ARRAY, None),
            "metadata": (ARRAY, None),
        },
    ),
}

SERVICE_STATUSES = {"active", "inactive", "defunct", "temporarily closed"}
RFC6350_PHONE_TYPES = {"text", "voice", "fax", "cell", "video", "pager", "textphone"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_ISO_639 = re.compile(r"^[a-z]{2,3}$")


def _format_problem(value, value_format):
    if value_format == "uuid":
        if not _UUID.match(value):
            return "is not a UUID in canonical form"
        uuid.UUID(value)
    elif value_format == "email":
        if not _EMAIL.match(value):
            return "is not an e-mail address"
    elif value_format == "uri":
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            return "is not an absolute URI"
    elif value_format == "date":
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            return "is not a date (YYYY-MM-DD)"
        if len(value) != 10:
            return "is not a date (YYYY-MM-DD)"
    elif value_format == "date-time":
        try:
            datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return "is not a date-time"
    elif value_format == "service-status":
        if value not in SERVICE_STATUSES:
            return f"is not one of {sorted(SERVICE_STATUSES)}"
    elif value_format == "iso-639":
        if not _ISO_639.match(value):
            return "is not an ISO 639-1 or 639-3 code"
    elif value_format == "rfc6350-type":
        if value not in RFC6350_PHONE_TYPES:
            return f"is not one of {sorted(RFC6350_PHONE_TYPES)}"
    return None


def problems(record, object_name, path=None):
    """Every way `record` departs from HSDS 3.0's `object_name`, as readable strings."""
    path = path or object_name
    if not isinstance(record, dict):
        return [f"{path}: is not an object"]
    required, properties = OBJECTS[object_name]
    found = [f"{path}: required {name} is missing" for name in sorted(required - set(record))]
    for name, value in record.items():
        where = f"{path}.{name}"
        if name not in properties:
            found.append(f"{where}: not a property of {object_name}")
            continue
        kind, detail = properties[name]
        if kind == STRING:
            if not isinstance(value, str):
                found.append(f"{where}: {value!r} is not a string")
            elif name in required and not value.strip():
                found.append(f"{where}: is empty")
            elif detail and (problem := _format_problem(value, detail)):
                found.append(f"{where}: {value!r} {problem}")
        elif kind == NUMBER:
            if isinstance(value, bool) or not isinstance(value, int | float):
                found.append(f"{where}: {value!r} is not a number")
        elif kind == ARRAY:
            if not isinstance(value, list):
                found.append(f"{where}: {value!r} is not an array")
            elif detail:
                for index, item in enumerate(value):
                    found.extend(problems(item, detail, f"{where}[{index}]"))
            elif value:
                found.append(f"{where}: holds objects this check does not describe")
    return found
