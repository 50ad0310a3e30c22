"""Checks and clean-ups for text that residents type.

Everything a resident types ends up in a database row, an admin page and an e-mail, so the
rules are strict where a character has no business (control characters, bidirectional
overrides that could disguise a name) and permissive everywhere else (any script, emoji,
the joiners that Indic and Arabic scripts need).
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Embeddings, overrides and isolates can make a name read differently from what it is.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
NEWLINES = re.compile(r"\r\n|\r|\u2028|\u2029|\x85")


def is_control(character):
    return unicodedata.category(character) in {"Cc", "Cs"}


def clean_single_line(value):
    value = unicodedata.normalize("NFC", value).strip()
    for character in value:
        if is_control(character) or character in LINE_BREAKS or character in BIDI_CONTROLS:
            raise ValidationError(
                _("Remove the special or invisible characters from this answer."),
                code="control_character",
            )
    return value


def clean_multi_line(value):
    value = NEWLINES.sub("\n", unicodedata.normalize("NFC", value)).strip()
    for character in value:
        if character not in "\n\t" and is_control(character):
            raise ValidationError(
                _("Remove the special or invisible characters from your message."),
                code="control_character",
            )
    return value


def single_line_for_header(value, limit=150):
    """Text that is safe in an e-mail header: one line, no control characters, bounded."""
    text = "".join(
        " " if is_control(character) or character in LINE_BREAKS else character
        for character in str(value)
    )
    text = " ".join(text.split())
    return text[:limit]
