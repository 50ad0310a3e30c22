"""Dates, numbers, lists and phone numbers as each page's language writes them.

Dates and numbers come from CLDR through Babel rather than Django's format files, which have
no data for Filipino, Sinhala, Burmese or Easy Japanese and old data for others (`Dec. 2,
2026`, `2 de Dezembro`). Which CLDR locale a language uses is `SiteLanguage.cldr_locale`
(core/languages.py). Every function returns plain text: templates escape it as usual.
"""

import datetime
from functools import lru_cache

import phonenumbers
from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.lists import format_list
from babel.numbers import format_decimal
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language, to_locale

from core.languages import BY_CODE

# Pages in these languages show Japanese numbers as they are dialled inside Japan (03-1234-5678);
# the others show the country code a reader from abroad knows to look for (+81 3-1234-5678).
NATIONAL_PHONE_LANGUAGES = frozenset({"ja", "ja-easy"})
CALLABLE_IN_JAPAN_ONLY = frozenset(
    {
        phonenumbers.PhoneNumberType.TOLL_FREE,
        phonenumbers.PhoneNumberType.SHARED_COST,
        phonenumbers.PhoneNumberType.UAN,
    }
)


@lru_cache(maxsize=64)
def cldr_locale(language_code):
    """Babel's Locale for one of the portal's language codes (the default language's for a
    code CLDR does not know)."""
    language = BY_CODE.get(language_code)
    name = language.cldr_locale if language else to_locale(language_code or "")
    try:
        return Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(BY_CODE[settings.LANGUAGE_CODE].cldr_locale)


def _active_locale(language_code):
    return cldr_locale(language_code or get_language() or settings.LANGUAGE_CODE)


def _as_date(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def long_date(value, language_code=None):
    """'2 December 2026', '2026年12月2日', '2 tháng 12, 2026': CLDR's long date."""
    if not value:
        return ""
    return format_date(_as_date(value), "long", locale=_active_locale(language_code))


def month_and_year(value, language_code=None):
    """'December 2026', '2026年12月': for facts known to the month only."""
    if not value:
        return ""
    return format_skeleton("yMMMM", _as_date(value), locale=_active_locale(language_code))


def decimal(value, language_code=None):
    """A count with the language's digit grouping ('1,234', '1.234', '1 234')."""
    if value is None or value == "":
        return ""
    return format_decimal(value, locale=_active_locale(language_code))


def joined(items, language_code=None):
    """'English, Chinese, and Korean', '英語、中国語、韓国語', 'انگریزی، چینی اور کوریائی':
    CLDR's list pattern for the language, not a comma that suits only some of them."""
    return format_list(list(items), style="standard", locale=_active_locale(language_code))


@lru_cache(maxsize=1024)
def _parse_japanese_number(value):
    try:
        number = phonenumbers.parse(value, "JP")
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def phone_number(value, language_code=None):
    """A phone or fax number for reading: national on Japanese pages, international elsewhere.

    A value phonenumbers cannot read is shown as it was stored rather than hidden.
    """
    if not value:
        return ""
    number = _parse_japanese_number(value)
    if number is None:
        return value
    if number.country_code == 81 and phonenumbers.number_type(number) in CALLABLE_IN_JAPAN_ONLY:
        # 0120/0800 freephone and 0570 Navi Dial cannot be dialled from abroad: "+81 120…"
        # would suggest otherwise. Shown as the source publishes it (0120-76-2029).
        return value
    national = (language_code or get_language()) in NATIONAL_PHONE_LANGUAGES
    if national and number.country_code == 81:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_uri(value):
    """`tel:` in E.164 (tel:+81352131725), which dials from inside Japan and from abroad."""
    if not value:
        return ""
    number = _parse_japanese_number(value)
    if number is None:
        return "tel:" + "".join(character for character in value if character.isdigit())
    if number.country_code == 81 and phonenumbers.number_type(number) in CALLABLE_IN_JAPAN_ONLY:
        # Not reachable through +81: the national digits, as a phone in Japan dials them.
        return "tel:0" + str(number.national_number)
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
