"""Bringing a database that already holds the directory up to date with fixtures/*.json.

`manage.py load_initial_data --update` runs this. It adds what is missing and corrects what
staff never touched; what staff changed stays as they left it:
- A row missing from the database (a new language, an association) is added.
- A field of an existing row takes the shipped value only if no one changed it: every
  version in the row's history holds the value it has now, and the first was not written by
  a person (a person's first version may already be an edit).
- A service or language fact is added unless the association's history once held it (staff
  removed it); a fact recorded without a source gets the shipped source and date, and a
  fact with a source keeps its own.
- Contact details follow the field rule above, field by field.
Each association changed gets a version in its history with the reason, which also records
its facts as they now are.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from modeltranslation.translator import NotRegistered, translator

from directory.models import (
    Association,
    AssociationLanguage,
    AssociationService,
    Language,
    Prefecture,
    Region,
    Service,
)

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures"
CHANGE_REASON = "Updated from directory/data"

# Model, fixture file, the field that identifies a row across databases.
CATALOGUES = (
    (Region, "regions", "slug"),
    (Prefecture, "prefectures", "code"),
    (Service, "services", "slug"),
    (Language, "languages", "code"),
    (Association, "associations", "uuid"),
)
FACTS = (
    (AssociationService, "service_facts", "service"),
    (AssociationLanguage, "language_facts", "language"),
)
# Kept by the database or by save(), never compared.
NOT_COMPARED = {"created", "updated", *Association.DERIVED_FIELDS}


@dataclass
class UpdateReport:
    added: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    kept: list = field(default_factory=list)

    def summary(self):
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.kept)} staff edits kept."
        )


def read_fixture(name, fixture_dir):
    return json.loads((Path(fixture_dir) / f"{name}.json").read_text(encoding="utf-8"))


def python_value(model_field, value):
    if isinstance(model_field, models.ForeignKey):
        return model_field.target_field.to_python(value)
    return model_field.to_python(value)


def untouched_fields(instance):
    """The fields of `instance` that no one has changed since the row was loaded."""
    history = list(instance.history.order_by("history_date", "history_id"))
    names = {f.attname for f in instance._meta.concrete_fields}
    if history and history[0].history_user_id is not None:
        return set()
    return {
        name
        for name in names
        if all(getattr(version, name, None) == getattr(instance, name) for version in history)
    }


def mirrored_fields(model):
    """The untranslated columns behind translated fields: they mirror the Japanese ones."""
    try:
        return set(translator.get_options_for_model(model).fields)
    except NotRegistered:
        return set()


def update_catalogue(model, name, key, fixture_dir, report):
    """Rows of one fixture; returns {fixture pk: database row} for the facts that refer to them."""
    by_fixture_pk = {}
    mirrored = mirrored_fields(model)
    existing = {str(getattr(row, key)): row for row in model.objects.all()}
    for entry in read_fixture(name, fixture_dir):
        values = {}
        for field_name, value in entry["fields"].items():
            if field_name in mirrored:
                continue
            model_field = model._meta.get_field(field_name)
            values[model_field.attname] = python_value(model_field, value)
        if key == model._meta.pk.name:
            values[key] = python_value(model._meta.pk, entry["pk"])
        row = existing.get(str(values[key]))
        if row is None:
            row = model(**values)
            if model._meta.pk.name != key and model.objects.filter(pk=entry["pk"]).exists():
                row.pk = None  # the shipped key is taken by a row staff created: a new one
            elif model._meta.pk.name != key:
                row.pk = entry["pk"]
            row._change_reason = CHANGE_REASON
            row.save()
            report.added.append(row)
        else:
            differing = {
                attname: value
                for attname, value in values.items()
                if attname not in NOT_COMPARED and getattr(row, attname) != value
            }
            if differing:
                allowed = untouched_fields(row)
                for attname in sorted(differing.keys() - allowed):
                    report.kept.append((row, attname))
                changes = {name: differing[name] for name in differing.keys() & allowed}
                if changes:
                    for attname, value in changes.items():
                        setattr(row, attname, value)
                    row._change_reason = CHANGE_REASON
                    row.save()
                    report.updated.append((row, sorted(changes)))
        by_fixture_pk[entry["pk"]] = row
    return by_fixture_pk


def update_facts(model, name, target, associations, targets, fixture_dir, report):
    """Add the shipped facts staff never removed; returns the associations given a fact."""
    changed = set()
    existing = {
        (fact.association_id, getattr(fact, f"{target}_id")): fact for fact in model.objects.all()
    }
    historical = model._meta.apps.get_model("directory", f"Historical{model.__name__}")
    once_held = set(historical.objects.values_list("association_id", f"{target}_id"))
    for entry in read_fixture(name, fixture_dir):
        fields = entry["fields"]
        association = associations[fields["association"]]
        target_row = targets[fields[target]]
        pair = (association.pk, target_row.pk)
        checked_on = model._meta.get_field("checked_on").to_python(fields["checked_on"])
        fact = existing.get(pair)
        if fact is None:
            if pair in once_held:
                report.kept.append((association, f"{target} {target_row} removed"))
                continue
            fact = model.objects.create(
                association=association,
                **{target: target_row},
                source_url=fields["source_url"],
                checked_on=checked_on,
            )
            report.added.append(fact)
            changed.add(association)
        elif not fact.source_url:
            fact.source_url, fact.checked_on = fields["source_url"], checked_on
            fact.save(update_fields=["source_url", "checked_on"])
            report.updated.append((fact, ["source_url", "checked_on"]))
    return changed


def record_loaded_facts():
    """Add each association's facts to its latest history version.

    populate_history (after loaddata) records the fields but not the facts, so the first
    edit in the admin would otherwise list every fact as added.
    """
    from simple_history.models import HistoricalRecords

    recorder = HistoricalRecords()
    for association in Association.objects.all():
        latest = association.history.order_by("-history_date", "-history_id").first()
        if latest is not None:
            for field in latest._history_m2m_fields:
                recorder.m2m_models[field].objects.filter(history=latest).delete()
            recorder.create_historical_record_m2ms(latest, association)


@transaction.atomic
def update_from_fixtures(fixture_dir=FIXTURE_DIR):
    report = UpdateReport()
    rows = {
        name: update_catalogue(model, name, key, fixture_dir, report)
        for model, name, key in CATALOGUES
    }
    changed = set()
    for model, name, target in FACTS:
        changed |= update_facts(
            model, name, target, rows["associations"], rows[f"{target}s"], fixture_dir, report
        )
    for association in changed:
        # A version that records the facts as they are now: a fact staff remove later is
        # then in the history, and the next update leaves it out.
        association._change_reason = CHANGE_REASON
        association.save(update_fields=["updated"])
    return report
