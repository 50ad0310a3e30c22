"""Editing fields translated into 19 languages without drowning in them.

The admin shows one group per language instead of modeltranslation's jQuery UI tabs (which
load from a third-party host): Japanese first and open, every other language folded away
unless it already has text. The folding is Django's own <details> fieldsets, so it works
without JavaScript and loads nothing from elsewhere.
"""

from django.conf import settings
from django.contrib import admin
from django.db.models import Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from modeltranslation.utils import build_localized_fieldname

from core.languages import BY_CODE, CONTENT_REQUIRED_LANGUAGE


def language_codes():
    return [code for code, _name in settings.LANGUAGES]


def language_label(code):
    language = BY_CODE.get(code)
    if language is None:
        return code
    # In its own script, and in the staff member's language for those who cannot read it.
    name = str(language.name)
    if language.native_name == name:
        return f"{name} ({code})"
    return f"{language.native_name} · {name} ({code})"


def filled(obj, field_name, code):
    return bool(getattr(obj, build_localized_fieldname(field_name, code), None))


def translation_is_complete(obj, field_names, code):
    """Every field that has Japanese text has text in `code` too."""
    return all(
        filled(obj, name, code)
        for name in field_names
        if filled(obj, name, CONTENT_REQUIRED_LANGUAGE)
    )


def complete_language_count(obj, field_names):
    return sum(translation_is_complete(obj, field_names, code) for code in language_codes())


def missing_translation_condition(field_names, code):
    """The Q() for rows with Japanese text in some field that has none in `code`."""
    condition = Q()
    for name in field_names:
        source = build_localized_fieldname(name, CONTENT_REQUIRED_LANGUAGE)
        target = build_localized_fieldname(name, code)
        has_source = ~Q(**{source: ""}) & Q(**{f"{source}__isnull": False})
        condition |= has_source & (Q(**{target: ""}) | Q(**{f"{target}__isnull": True}))
    return condition


class LanguageGroupedTranslationAdmin(TranslationAdmin):
    """TranslationAdmin with one fieldset per language, inserted after the first fieldset.

    Subclasses declare `fieldsets` for their untranslated fields only.
    """

    translation_groups_after = 1

    class Media:
        css = {"all": ("admin_portal/css/admin.css",)}

    def translated_field_names(self):
        return list(self.trans_opts.fields)

    def translation_fieldsets(self, obj):
        names = self.translated_field_names()
        fieldsets = []
        for code in language_codes():
            fields = [build_localized_fieldname(name, code) for name in names]
            count = sum(filled(obj, name, code) for name in names) if obj else 0
            classes = ["translation-group", f"translation-group-{code}"]
            if code != CONTENT_REQUIRED_LANGUAGE and count == 0:
                classes.append("collapse")
            title = language_label(code)
            if code == CONTENT_REQUIRED_LANGUAGE:
                title = _("%(language)s: required") % {"language": title}
            elif obj is not None:
                title = _("%(language)s: %(filled)d of %(total)d fields") % {
                    "language": title,
                    "filled": count,
                    "total": len(names),
                }
            fieldsets.append((title, {"fields": fields, "classes": classes}))
        return fieldsets

    def get_fieldsets(self, request, obj=None):
        declared = list(self.fieldsets or [(None, {"fields": []})])
        position = self.translation_groups_after
        return declared[:position] + self.translation_fieldsets(obj) + declared[position:]

    def get_search_fields(self, request):
        fields = list(super().get_search_fields(request))
        for name in self.translated_field_names():
            fields += [build_localized_fieldname(name, code) for code in language_codes()]
        return fields


class MissingTranslationFilter(admin.SimpleListFilter):
    """Rows with Japanese text in some field that has no translation in the chosen language."""

    title = _("missing a translation in")
    parameter_name = "missing_translation"

    def lookups(self, request, model_admin):
        return [
            (code, language_label(code))
            for code in language_codes()
            if code != CONTENT_REQUIRED_LANGUAGE
        ]

    def queryset(self, request, queryset):
        code = self.value()
        if code not in language_codes():
            return queryset
        names = self.model_admin_field_names
        return queryset.filter(missing_translation_condition(names, code))

    def __init__(self, request, params, model, model_admin):
        self.model_admin_field_names = model_admin.translated_field_names()
        super().__init__(request, params, model, model_admin)


class TranslationCompletenessMixin:
    @admin.display(description=_("translations"))
    def translation_completeness(self, obj):
        complete = complete_language_count(obj, self.translated_field_names())
        total = len(language_codes())
        state = "complete" if complete == total else "partial"
        return format_html(
            '<span class="translation-completeness-{}">{}/{}</span>', state, complete, total
        )
