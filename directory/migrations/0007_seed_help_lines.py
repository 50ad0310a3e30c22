"""Existing databases receive the shipped help lines (directory/data/help_lines.toml).

A new database gets them from fixtures/help_lines.json with the other reference data; this
migration is for a database that already holds the languages. It only adds a line whose slug
is missing, so a line staff have edited, unpublished or re-sourced is never touched, and a
database without languages yet (a new one, before load_initial_data) is left to the fixture.
"""

import datetime
import tomllib
from pathlib import Path

from django.db import migrations
from modeltranslation.utils import build_localized_fieldname

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "help_lines.toml"


def seed_help_lines(apps, schema_editor):
    HelpLine = apps.get_model("directory", "HelpLine")
    Language = apps.get_model("directory", "Language")
    languages = {language.code: language for language in Language.objects.all()}
    if not languages:
        return
    with open(DATA_FILE, "rb") as data:
        lines = tomllib.load(data).get("help_line", [])
    column_names = {field.name for field in HelpLine._meta.get_fields()}
    for order, line in enumerate(lines, 1):
        if HelpLine.objects.filter(slug=line["slug"]).exists():
            continue
        fields = {}
        for name in ("name", "operator", "hours"):
            values = line.get(name, {})
            fields[name] = values.get("ja", "")
            for code, text in values.items():
                column = build_localized_fieldname(name, code)
                if column in column_names:
                    fields[column] = text
        checked_on = line.get("checked_on")
        help_line = HelpLine.objects.create(
            slug=line["slug"],
            order=line.get("order", order),
            phone=line["phone"],
            website=line.get("website", ""),
            source_url=line.get("source_url", ""),
            checked_on=checked_on if isinstance(checked_on, datetime.date) else None,
            needs_recheck=line.get("needs_recheck", False),
            staff_note=line.get("staff_note", ""),
            **fields,
        )
        help_line.languages.set(
            [languages[code] for code in line.get("languages", []) if code in languages]
        )


class Migration(migrations.Migration):
    dependencies = [("directory", "0006_help_lines")]

    operations = [migrations.RunPython(seed_help_lines, migrations.RunPython.noop)]
