"""Normalising contact details as staff type them: full-width digits, 〒, any dash."""

import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Hyphens and dashes seen in Japanese addresses and numbers, after NFKC folding.
DASHES = "-‐‑‒–—―−ー－"
POSTAL_CODE = re.compile(r"^(\d{3})(\d{4})$")


def _fold(value):
    return unicodedata.normalize("NFKC", value or "").strip()


def normalize_postal_code(value):
    """'〒231-0023', '2310023' or '２３１－００２３' → '231-0023'; blank stays blank."""
    folded = _fold(value).replace("〒", "")
    digits = "".join(character for character in folded if character not in DASHES + " ")
    if not digits:
        return ""
    match = POSTAL_CODE.match(digits)
    if not match:
        raise ValidationError(
            _("Enter a Japanese postal code of seven digits, for example 231-0023."),
            code="invalid_postal_code",
        )
    return f"{match[1]}-{match[2]}"


def normalize_phone_number(value):
    """A Japanese phone or fax number in its usual national form ('045-222-1171')."""
    folded = _fold(value)
    if not folded:
        return ""
    try:
        number = phonenumbers.parse(folded, "JP")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Enter a valid Japanese phone number with its area code, for example 045-222-1171."),
            code="invalid_phone_number",
        )
    if number.country_code != 81:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
