"""Furigana for Easy Japanese: `<ruby>` readings over every kanji word of an HTML page.

Readings come first from the portal's own reading list (`core/furigana_readings.tsv`: the
site's vocabulary and names the analyser reads wrongly), then from SudachiPy with its core
dictionary (both installed from PyPI, nothing is downloaded at run time). Split mode A gives
short units, so each reading sits over the word it belongs to and okurigana stay outside the
ruby (`<ruby>行<rt>い</rt></ruby>き`). A ruby covers kanji only (and the digits of a day
count such as 5日, read いつか): never brackets, punctuation or kana.
"""

import csv
import re
import threading
from functools import lru_cache
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from django.utils.html import format_html
from django.utils.translation import get_language_from_path

# Kanji, plus the iteration marks 々 and 〆 that are read like them.
KANJI_CLASS = "[\u3005\u3006\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
KANJI = re.compile(KANJI_CLASS)
KANJI_OR_OTHER_RUNS = re.compile(f"{KANJI_CLASS}+|[^{KANJI_CLASS[1:-1]}]+")
KATAKANA_READING = re.compile(r"^[\u30a1-\u30fc]+$")
_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(ord("ァ"), ord("ヶ") + 1)}

DIGITS = re.compile(r"^[0-9０-９]+$")
_FULLWIDTH_DIGITS = {code: code - 0xFEE0 for code in range(ord("０"), ord("９") + 1)}

# Days counted or dated with their own reading; any other number of days is read にち.
# 1日 stays いちにち (a count of days is what the portal's texts mean), not ついたち.
DAY_READINGS = {
    2: "ふつか",
    3: "みっか",
    4: "よっか",
    5: "いつか",
    6: "むいか",
    7: "なのか",
    8: "ようか",
    9: "ここのか",
    10: "とおか",
    14: "じゅうよっか",
    20: "はつか",
    24: "にじゅうよっか",
}
# Counters read one way after a numeral (Sudachi reads 365日 as さんろくいつ・か).
COUNTER_READINGS = {"日": "にち", "月": "がつ", "年": "ねん"}

READINGS_FILE = Path(__file__).with_name("furigana_readings.tsv")

# Text in these elements is never annotated: <title> and form controls cannot hold markup,
# <rt>/<rp>/<ruby> already carry readings, and code is not prose. <option> gets its reading
# in brackets instead (see _RubyWriter).
SKIPPED_ELEMENTS = frozenset(
    {
        "title",
        "script",
        "style",
        "template",
        "textarea",
        "datalist",
        "ruby",
        "rt",
        "rp",
        "code",
        "kbd",
        "samp",
        "svg",
        "math",
    }
)
RAW_TEXT_ELEMENTS = frozenset({"script", "style"})
VOID_ELEMENTS = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)

_local = threading.local()


def _tokenizer():
    # Sudachi's tokenizers are not safe to share between threads; the dictionary is
    # memory-mapped, so one tokenizer per thread costs little.
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        from sudachipy import Dictionary, SplitMode

        tokenizer = Dictionary(dict="core").tokenizer(mode=SplitMode.A)
        _local.tokenizer = tokenizer
    return tokenizer


def to_hiragana(text):
    return text.translate(_KATAKANA_TO_HIRAGANA)


def align(surface, reading):
    """Split a word into (text, reading or None) pieces, readings only over kanji runs.

    "問い合わせ" read "といあわせ" gives [("問", "と"), ("い", None), ("合", "あ"),
    ("わせ", None)]. Returns None when the kana in the word do not line up with the reading.
    """
    runs = KANJI_OR_OTHER_RUNS.findall(surface)
    pattern = "".join("(.+?)" if KANJI.match(run) else _kana_pattern(run) for run in runs)
    match = re.fullmatch(pattern, reading)
    if not match:
        return None
    readings = iter(match.groups())
    return [(run, next(readings) if KANJI.match(run) else None) for run in runs]


def _kana_pattern(run):
    # The small ヶ of 3ヶ月 and 霞ヶ関 is read か or が; to_hiragana makes it ゖ.
    return re.escape(to_hiragana(run)).replace("ゖ", "[かが]").replace("ゕ", "[かが]")


def ruby(text, reading):
    return format_html("<ruby>{}<rt>{}</rt></ruby>", text, reading)


def _load_readings():
    """The curated readings: {text: [(piece, reading or None), ...]}.

    A `|` in both columns splits an entry into several rubies (国際|交流 こくさい|こうりゅう).
    """
    entries = {}
    with READINGS_FILE.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file, delimiter="\t"):
            texts, readings = row["text"].split("|"), row["reading"].split("|")
            if len(texts) != len(readings):
                raise ValueError(f"{READINGS_FILE.name}: {row['text']} has unmatched pieces")
            pieces = []
            for text, reading in zip(texts, readings, strict=True):
                aligned = align(text, reading)
                if aligned is None:
                    raise ValueError(f"{READINGS_FILE.name}: {text} cannot be read {reading}")
                pieces += aligned
            entries["".join(texts)] = pieces
    return entries


CURATED = _load_readings()
# Longest first, so that 日本語 wins over 日本 where both are listed.
CURATED_PATTERN = re.compile("|".join(map(re.escape, sorted(CURATED, key=len, reverse=True))))


def _number(text):
    return int(text.translate(_FULLWIDTH_DIGITS))


def _analysed_pieces(text):
    """(text, reading or None) pieces from SudachiPy, counters after numerals corrected."""
    pieces = []
    morphemes = list(_tokenizer().tokenize(text))
    for index, morpheme in enumerate(morphemes):
        surface = morpheme.surface()
        reading = morpheme.reading_form()
        after_number = index > 0 and DIGITS.match(morphemes[index - 1].surface())
        if after_number and surface in COUNTER_READINGS:
            number = morphemes[index - 1].surface()
            if surface == "日" and _number(number) in DAY_READINGS:
                # The reading belongs to number and counter together: one ruby over both.
                pieces[-1] = (number + surface, DAY_READINGS[_number(number)])
            else:
                pieces.append((surface, COUNTER_READINGS[surface]))
            continue
        if not KANJI.search(surface) or not KATAKANA_READING.match(reading):
            pieces.append((surface, None))
            continue
        aligned = align(surface, to_hiragana(reading))
        if aligned is not None:
            pieces += aligned
        elif _all_kanji(surface):
            pieces.append((surface, to_hiragana(reading)))
        else:
            # A unit such as 協会（クレア） whose kana or brackets do not line up with its
            # reading: read each kanji run on its own rather than stretch one ruby over it all.
            for run in KANJI_OR_OTHER_RUNS.findall(surface):
                pieces += _analysed_pieces(run) if KANJI.match(run) else [(run, None)]
    return pieces


def _all_kanji(text):
    return all(KANJI.match(character) for character in text)


@lru_cache(maxsize=50_000)
def reading_pieces(text):
    """The text as (piece, reading or None) pieces: curated readings first, then SudachiPy."""
    if not KANJI.search(text):
        return ((text, None),)
    pieces = []
    position = 0
    for match in CURATED_PATTERN.finditer(text):
        if match.start() > position:
            pieces += _analysed_pieces(text[position : match.start()])
        pieces += CURATED[match.group()]
        position = match.end()
    if position < len(text):
        pieces += _analysed_pieces(text[position:])
    return tuple(pieces)


@lru_cache(maxsize=50_000)
def annotate_text(text):
    """Plain text in, HTML out: the text escaped, with <ruby> over its kanji words."""
    if not KANJI.search(text):
        return escape(text, quote=False)
    return "".join(
        ruby(piece, reading) if reading else escape(piece, quote=False)
        for piece, reading in reading_pieces(text)
    )


@lru_cache(maxsize=10_000)
def annotate_option(text):
    """An <option> label with readings in brackets after its kanji words, since an option
    cannot hold ruby: 住んで いる 都道府県 becomes 住（す）んで いる 都道府県（とどうふけん）.

    A label with kanji left unread (简体中文 has Chinese characters) is not Japanese and is
    left alone.
    """
    pieces = reading_pieces(text)
    if any(reading is None and KANJI.search(piece) for piece, reading in pieces):
        return escape(text, quote=False)
    parts = []
    pending = []
    for piece, reading in pieces:
        if reading:
            parts.append(piece)
            pending.append(reading)
            continue
        if pending:
            parts.append(f"（{''.join(pending)}）")
            pending = []
        parts.append(piece)
    if pending:
        parts.append(f"（{''.join(pending)}）")
    return escape("".join(parts), quote=False)


class _RubyWriter(HTMLParser):
    """Copies an HTML document unchanged except for its Japanese text nodes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
        # (tag, annotate text inside?) for every open element
        self.stack = [("#document", True)]

    def _annotating(self):
        return self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        self.out.append(self.get_starttag_text())
        if tag in VOID_ELEMENTS:
            return
        attributes = dict(attrs)
        lang = attributes.get("lang")
        # An aria-label keeps naming its element; the visible text inside it is read as
        # anywhere else, its kanji still the start of what the label says (WCAG 2.5.3).
        annotate = (
            self._annotating()
            and tag not in SKIPPED_ELEMENTS
            and (lang is None or lang.lower().startswith("ja"))
        )
        self.stack.append((tag, annotate))

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        self.out.append(f"</{tag}>")
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        tag, annotate = self.stack[-1]
        if tag in RAW_TEXT_ELEMENTS:
            self.out.append(data)
        elif tag == "option" and annotate and data.strip():
            self.out.append(annotate_option(data))
        elif annotate and data.strip():
            self.out.append(annotate_text(data))
        else:
            self.out.append(escape(data, quote=False))

    def handle_comment(self, data):
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data):
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data):
        self.out.append(f"<![{data}]>")


# Most pages are the same bytes for every visitor (the listing, association pages): a repeat
# costs one hash of the page instead of a parse, 18 ms for the listing measured here. Pages
# with a per-visitor token (forms) simply miss.
@lru_cache(maxsize=128)
def add_furigana(html):
    """The page with <ruby> readings over the kanji of its Japanese text nodes.

    Attributes, <title>, scripts and styles, existing ruby and text marked with a non-Japanese
    `lang` are left exactly as they were; an <option> gets its reading in brackets.
    """
    writer = _RubyWriter()
    writer.feed(html)
    writer.close()
    return "".join(writer.out)


EASY_JAPANESE = "ja-easy"


class FuriganaMiddleware:
    """Adds <ruby> readings to every Easy Japanese HTML page, interface and content alike.

    Only pages under the /ja-easy/ prefix are touched, so the admin (unprefixed) never is.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            get_language_from_path(request.path_info) == EASY_JAPANESE
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
        ):
            charset = response.charset or "utf-8"
            response.content = add_furigana(response.content.decode(charset)).encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
