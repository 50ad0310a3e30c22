"""Furigana for Easy Japanese: `<ruby>` readings over every kanji word of an HTML page.

Readings come from SudachiPy with its core dictionary (both installed from PyPI, nothing is
downloaded at run time). Split mode A gives short units, so each reading sits over the word
it belongs to and okurigana stay outside the ruby (`<ruby>行<rt>い</rt></ruby>き`).
"""

import re
import threading
from functools import lru_cache
from html import escape
from html.parser import HTMLParser

from django.utils.html import format_html
from django.utils.translation import get_language_from_path

# Kanji, plus the iteration marks 々 and 〆 that are read like them.
KANJI_CLASS = "[\u3005\u3006\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
KANJI = re.compile(KANJI_CLASS)
KANJI_OR_OTHER_RUNS = re.compile(f"{KANJI_CLASS}+|[^{KANJI_CLASS[1:-1]}]+")
KATAKANA_READING = re.compile(r"^[\u30a1-\u30fc]+$")
_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(ord("ァ"), ord("ヶ") + 1)}

# Text in these elements is never annotated: <title> and form controls cannot hold markup,
# <rt>/<rp>/<ruby> already carry readings, and code is not prose.
SKIPPED_ELEMENTS = frozenset(
    {
        "title",
        "script",
        "style",
        "template",
        "textarea",
        "select",
        "option",
        "optgroup",
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
    ("わせ", None)]. When the kana in the word do not line up with the reading, the whole
    word gets one reading.
    """
    runs = KANJI_OR_OTHER_RUNS.findall(surface)
    pattern = "".join("(.+?)" if KANJI.match(run) else re.escape(to_hiragana(run)) for run in runs)
    match = re.fullmatch(pattern, reading)
    if not match:
        return [(surface, reading)]
    readings = iter(match.groups())
    return [(run, next(readings) if KANJI.match(run) else None) for run in runs]


def ruby(text, reading):
    return format_html("<ruby>{}<rt>{}</rt></ruby>", text, reading)


@lru_cache(maxsize=50_000)
def annotate_text(text):
    """Plain text in, HTML out: the text escaped, with <ruby> over its kanji words."""
    if not KANJI.search(text):
        return escape(text, quote=False)
    parts = []
    for morpheme in _tokenizer().tokenize(text):
        surface = morpheme.surface()
        reading = morpheme.reading_form()
        if not KANJI.search(surface) or not KATAKANA_READING.match(reading):
            parts.append(escape(surface, quote=False))
            continue
        for piece, piece_reading in align(surface, to_hiragana(reading)):
            parts.append(
                ruby(piece, piece_reading) if piece_reading else escape(piece, quote=False)
            )
    return "".join(parts)


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
        annotate = (
            self._annotating()
            and tag not in SKIPPED_ELEMENTS
            and (lang is None or lang.lower().startswith("ja"))
            # Readings would make the visible text differ from an aria-label that names it
            # (WCAG 2.5.3, label in name).
            and "aria-label" not in attributes
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


def add_furigana(html):
    """The page with <ruby> readings over the kanji of its Japanese text nodes.

    Attributes, <title>, scripts and styles, form controls, existing ruby and text marked
    with a non-Japanese `lang` are left exactly as they were.
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
