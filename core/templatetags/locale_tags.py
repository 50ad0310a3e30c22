"""Text direction and locale formats for templates.

`{{ value|ltr }}` isolates a left-to-right token (phone number, postal code, URL, e-mail
address, reference number, Latin name) so that right-to-left text around it cannot reorder it:
without the isolate, Urdu shows `+81-3-5213-1725` as `81-3-5213-1725+`.

`long_date`, `month_and_year` and `number` write dates and counts as CLDR does for the page's
language; `phone` writes a phone or fax number for it (isolated like `ltr`), `tel_uri` its
`tel:` link (core/locale_formats.py).
"""

from django import template
from django.utils.translation import get_language

from core import locale_formats
from core.i18n import is_right_to_left, isolate_ltr

register = template.Library()

# Unicode's LEFT-TO-RIGHT ISOLATE and POP DIRECTIONAL ISOLATE, the plain-text <bdi dir="ltr">.
LRI, PDI = "\u2066", "\u2069"


def _page_is_right_to_left():
    return is_right_to_left(get_language())


# Both filters isolate only on right-to-left pages: in left-to-right text these tokens already
# read in order, and the other 18 languages keep their markup (and their e-mails no invisible
# marks, which would travel into a copied reference number).
@register.filter
def ltr(value):
    """`<bdi dir="ltr">value</bdi>` (escaped) on a right-to-left page, else the value."""
    return isolate_ltr(value, _page_is_right_to_left())


@register.filter
def ltr_text(value):
    """The plain-text isolate, for e-mails in a right-to-left language."""
    if value is None or value == "":
        return ""
    if not _page_is_right_to_left():
        return value
    return f"{LRI}{value}{PDI}"


# Dates and numbers stay unisolated: a date on an Urdu page is Urdu text (2 دسمبر، 2026), whose
# digits the bidi algorithm already places in reading order.
@register.filter
def long_date(value):
    return locale_formats.long_date(value)


@register.filter
def month_and_year(value):
    return locale_formats.month_and_year(value)


@register.filter
def number(value):
    return locale_formats.decimal(value)


@register.filter
def phone(value):
    """A phone or fax number as the page's language writes it, isolated left to right."""
    return ltr(locale_formats.phone_number(value))


@register.filter
def phone_text(value):
    """`phone` for plain-text e-mails."""
    return ltr_text(locale_formats.phone_number(value))


@register.filter
def tel_uri(value):
    return locale_formats.phone_uri(value)
