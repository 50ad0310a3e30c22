"""National help lines as shipped data: data/help_lines.toml → fixtures/help_lines.json."""

import tomllib
from pathlib import Path

from django.conf import settings
from modeltranslation.utils import build_localized_fieldname

HELP_LINES_FILE = Path(__file__).resolve().parent / "data" / "help_lines.toml"
TRANSLATED_FIELDS = ("name", "operator", "hours")


class HelpLineDataError(ValueError):
    pass


def read_help_lines(path=HELP_LINES_FILE):
    with open(path, "rb") as data:
        return tomllib.load(data).get("help_line", [])


def help_line_fixtures(language_pks, path=HELP_LINES_FILE):
    """Fixture objects for the help lines; `language_pks` maps catalogue codes to keys."""
    site_languages = {code for code, _name in settings.LANGUAGES}
    objects = []
    for pk, line in enumerate(read_help_lines(path), 1):
        unknown = [code for code in line["languages"] if code not in language_pks]
        if unknown:
            raise HelpLineDataError(f"{line['slug']}: unknown language codes {unknown}")
        fields = {
            "slug": line["slug"],
            "order": line.get("order", pk),
            "phone": line["phone"],
            "website": line.get("website", ""),
            "source_url": line.get("source_url", ""),
            "checked_on": line["checked_on"].isoformat() if line.get("checked_on") else None,
            "needs_recheck": line.get("needs_recheck", False),
            "staff_note": line.get("staff_note", ""),
            "is_published": True,
            "languages": [language_pks[code] for code in line["languages"]],
        }
        for name in TRANSLATED_FIELDS:
            values = line.get(name, {})
            if name == "name" and not values.get("ja"):
                raise HelpLineDataError(f"{line['slug']}: the Japanese name is required")
            stray = set(values) - site_languages
            if stray:
                raise HelpLineDataError(f"{line['slug']}: {name} in unknown languages {stray}")
            fields[name] = values.get("ja", "")
            fields.update(
                {build_localized_fieldname(name, code): text for code, text in values.items()}
            )
        objects.append({"model": "directory.helpline", "pk": pk, "fields": fields})
    return objects
