"""django-simple-history for translated models, and its admin."""

from dataclasses import replace

import simple_history
from modeltranslation.translator import translator
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper


def register_history(model, excluded_fields=(), **options):
    """Record `model`'s history once modeltranslation has added its language columns.

    Call it from an AppConfig.ready(): by then the columns exist and history copies them.
    The untranslated column behind each translated field only mirrors the Japanese one,
    so it is left out; otherwise every first edit would show it as changed.
    """
    mirrored = list(translator.get_options_for_model(model).fields)
    simple_history.register(model, excluded_fields=[*excluded_fields, *mirrored], **options)


class MeaningfulChangesHelper(HistoricalRecordContextHelper):
    def context_for_delta_changes(self, delta):
        # Empty translations are stored as NULL by fixtures and as "" by forms; going from
        # one to the other is not a change anybody made.
        meaningful = [change for change in delta.changes if change.old or change.new]
        return super().context_for_delta_changes(replace(delta, changes=meaningful))


class HistoryAdmin(SimpleHistoryAdmin):
    """History with who, when and each field's old and new value; any version revertable."""

    object_history_form_template = "admin/history_form.html"

    def get_historical_record_context_helper(self, request, historical_record):
        return MeaningfulChangesHelper(self.model, historical_record)
