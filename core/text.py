"""Text normalisation shared by storage and search, so both sides compare alike."""

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
