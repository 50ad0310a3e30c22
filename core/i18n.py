"""Which language a translated field's text really comes from, in Python and in queries.

django-modeltranslation falls back silently; the templates need to know when it did, so
that fallback text carries its own `lang` and the page can say a translation is missing.
Its fallbacks also stop at the ORM (django-modeltranslation issue #286): `order_by("name")`
sorts on the visitor's column alone, empty values first. `translated_expression()` gives
queries the same chain the pages use.
"""

from django.conf import settings
from django.db.models import F, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.html import format_html
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname

from core.languages import BY_CODE


def fallback_chain(language_code):
    """The visitor's language, then its fallbacks, each once (see portal/languages.py)."""
    fallbacks = settings.MODELTRANSLATION_FALLBACK_LANGUAGES
    chain = [language_code]
    for code in fallbacks.get(language_code, fallbacks["default"]):
        if code not in chain:
            chain.append(code)
    return chain


def resolve_translation(instance, field_name, language_code=None):
    """Return (text, language code of that text) for a modeltranslation field."""
    language_code = language_code or get_language()
    for code in fallback_chain(language_code):
        value = getattr(instance, build_localized_fieldname(field_name, code), None)
        if value:
            return value, code
    return "", language_code


def translated_expression(field_name, language_code=None, prefix=""):
    """A query expression for a translated field with the fallback chain applied.

    `Coalesce(NULLIF(name_vi, ''), NULLIF(name_en, ''), NULLIF(name_ja, ''), '')`: the first
    non-empty column along the chain, exactly what resolve_translation() shows on the page.
    Languages without columns yet (a newly added language before its migration) are skipped.
    `prefix` reaches a related model's field, as in `prefix="prefecture__"`.
    """
    language_code = language_code or get_language()
    columns = [
        F(prefix + build_localized_fieldname(field_name, code))
        for code in fallback_chain(language_code)
        if code in settings.MODELTRANSLATION_LANGUAGES
    ]
    return Coalesce(
        *(NullIf(column, Value("")) for column in columns),
        Value(""),
        output_field=TextField(),
    )


def fallback_languages(items, field_names, language_code=None):
    """The languages, in fallback order, that `items` show instead of the visitor's.

    `items` is one model instance or an iterable of them; empty fields count for nothing.
    """
    language_code = language_code or get_language()
    if not hasattr(items, "__iter__"):
        items = [items]
    used = set()
    for item in items:
        for field_name in field_names:
            text, code = resolve_translation(item, field_name, language_code)
            if text and code != language_code:
                used.add(code)
    return [code for code in fallback_chain(language_code) if code in used]


def bcp47(language_code):
    language = BY_CODE.get(language_code)
    return language.bcp47 if language else language_code


def is_right_to_left(language_code):
    language = BY_CODE.get(language_code)
    return language is not None and language.direction == "rtl"


def isolate_ltr(text, right_to_left):
    """`<bdi dir="ltr">text</bdi>` (escaped) on a right-to-left page, else the text as it is:
    in left-to-right text Latin tokens already read in order."""
    if text is None or text == "":
        return ""
    return format_html('<bdi dir="ltr">{}</bdi>', text) if right_to_left else text
