"""Which language a translated field's text really comes from.

django-modeltranslation falls back silently; the templates need to know when it did, so
that fallback text carries its own `lang` and the page can say a translation is missing.
"""

from django.conf import settings
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname

from portal.languages import BY_CODE


def fallback_chain(language_code):
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


def bcp47(language_code):
    language = BY_CODE.get(language_code)
    return language.bcp47 if language else language_code
