"""Text normalisation shared by storage and search, so both sides compare alike."""

import re
import unicodedata

_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(ord("ァ"), ord("ヶ") + 1)}


def normalize_for_search(text):
    """Fold case, full-width/half-width forms and katakana/hiragana to one comparable form.

    NFKC turns "ＹＯＫＯＨＡＭＡ" into "YOKOHAMA" and half-width katakana into full-width;
    casefold handles case; the table maps katakana to hiragana so that either script matches.
    """
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    folded = folded.translate(_KATAKANA_TO_HIRAGANA)
    return " ".join(folded.split())


def fold_with_offsets(text):
    """The folded form of `text` (as normalize_for_search, without collapsing spaces), and for
    each folded character the index of the original character it came from, so that a match
    found in the folded text can be highlighted in the original."""
    folded = []
    offsets = []
    for index, character in enumerate(text or ""):
        for piece in unicodedata.normalize("NFKC", character).casefold():
            folded.append(piece.translate(_KATAKANA_TO_HIRAGANA))
            offsets.append(index)
    return "".join(folded), offsets


_NOT_SPELLED = re.compile(r"[-‐‑'’‘]")
# Hepburn writes ん as m before b, m and p in older texts (Gumma, Shimbashi).
_NASAL_M = re.compile(r"m(?=[bmp])")
_LONG_VOWEL = re.compile(r"ou|([aeiou])\1+")


def fold_romaji(text):
    """Romaji as it is compared, on top of normalize_for_search(): without macrons or
    circumflexes, hyphens or apostrophes, with ん as n, and each long vowel written once, so
    that kōryū, kôryû, kouryuu, kooryuu and koryu all give koryu. Kana and every other script
    are left as they are (their voicing marks are not accents)."""
    letters = []
    for character in normalize_for_search(text):
        base = unicodedata.normalize("NFD", character)[0]
        letters.append(base if base.isascii() and base.isalpha() else character)
    folded = _NASAL_M.sub("n", _NOT_SPELLED.sub("", "".join(letters)))
    shorter = _LONG_VOWEL.sub(_one_vowel, folded)
    while shorter != folded:  # "oou" needs a second pass
        folded, shorter = shorter, _LONG_VOWEL.sub(_one_vowel, shorter)
    return folded


def _one_vowel(match):
    return match.group(1) or "o"
