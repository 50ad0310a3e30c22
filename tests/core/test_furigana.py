"""Furigana on Easy Japanese pages: readings a reader can trust, wherever there is Japanese.

`furigana_corpus.tsv` holds every distinct base/reading pair the ja-easy pages showed on the
shipped data (home, listing, map, search, postal-code and enquiry pages, all 63 association
pages and the five site pages), each with the text it came from. Every pair was checked by
hand once; the analyser alone had read 日本 as にっぽん, 何 as なん before particles and the 日
of 365日 as か. The file is regenerated only by hand, after checking the new pairs.
"""

import csv
import re
import time

import pytest
from django.conf import settings

from core import furigana

CORPUS = settings.BASE_DIR / "tests" / "core" / "furigana_corpus.tsv"
RUBY = re.compile(r"<ruby>(.*?)<rt>(.*?)</rt></ruby>")
# What a ruby may stand over: kanji, after the digits of a day count read as one word (5日).
RUBY_BASE = re.compile(rf"[0-9０-９]*{furigana.KANJI_CLASS}+")


def corpus():
    with CORPUS.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file, delimiter="\t"))


def test_the_corpus_is_large_enough_and_has_no_duplicates():
    rows = corpus()
    assert len(rows) >= 200
    assert len({(row["base"], row["reading"]) for row in rows}) == len(rows)


@pytest.mark.parametrize("row", corpus(), ids=lambda row: f"{row['base']}={row['reading']}")
def test_corpus_reading(row):
    html = furigana.annotate_text(row["text"])
    assert f"<ruby>{row['base']}<rt>{row['reading']}</rt></ruby>" in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The portal's own vocabulary, read from the curated list before the analyser.
        ("日本の 地域国際化協会", "<ruby>日本<rt>にほん</rt></ruby>の"),
        ("何も いりません", "<ruby>何<rt>なに</rt></ruby>も"),
        ("何について 聞きたいですか", "<ruby>何<rt>なに</rt></ruby>について"),
        ("祝日は 休みです", "<ruby>祝日<rt>しゅくじつ</rt></ruby>"),
        (
            "土・日・祝は 休みです",
            "<ruby>土<rt>ど</rt></ruby>・<ruby>日<rt>にち</rt></ruby>・"
            "<ruby>祝<rt>しゅく</rt></ruby>は",
        ),
        # Counters after numerals.
        ("365日 後に", "365<ruby>日<rt>にち</rt></ruby>"),
        ("5日 いないに", "<ruby>5日<rt>いつか</rt></ruby>"),
        ("20日", "<ruby>20日<rt>はつか</rt></ruby>"),
        ("12月", "12<ruby>月<rt>がつ</rt></ruby>"),
        ("2026年", "2026<ruby>年<rt>ねん</rt></ruby>"),
        ("3ヶ月", "3ヶ<ruby>月<rt>げつ</rt></ruby>"),
        # Never one ruby stretched over brackets and katakana.
        ("協会（クレア）", "<ruby>協会<rt>きょうかい</rt></ruby>（クレア）"),
    ],
)
def test_curated_readings_and_counters(text, expected):
    assert expected in furigana.annotate_text(text)


def test_visible_text_inside_an_aria_label_gets_readings_and_keeps_its_label():
    html = furigana.add_furigana('<nav aria-label="メインの メニュー"><a href="/">相談</a></nav>')
    assert 'aria-label="メインの メニュー"' in html
    assert "<ruby>相談<rt>そうだん</rt></ruby>" in html


def test_options_carry_their_reading_in_brackets():
    html = furigana.add_furigana(
        '<select name="prefecture"><option value="">全部の 都道府県</option>'
        '<option value="14" selected>神奈川県</option><option>简体中文</option>'
        '<option lang="en">Tokyo</option></select>'
    )
    assert '<option value="">全部（ぜんぶ）の 都道府県（とどうふけん）</option>' in html
    assert '<option value="14" selected>神奈川県（かながわけん）</option>' in html
    # Chinese characters the analyser cannot read are not Japanese: left as they are.
    assert "<option>简体中文</option>" in html
    assert '<option lang="en">Tokyo</option>' in html


EASY_PAGES = [
    "/ja-easy/",
    "/ja-easy/associations/",
    "/ja-easy/associations/yokohama-city/",
    "/ja-easy/associations/serving/?postal_code=231-0023",
    "/ja-easy/enquiries/new/",
    "/ja-easy/map/",
]


@pytest.mark.parametrize("url", EASY_PAGES)
def test_rubies_stand_over_kanji_only(client, real_data, url):
    html = client.get(url).content.decode()
    bases = [base for base, _ in RUBY.findall(html)]
    assert bases
    assert [base for base in bases if not RUBY_BASE.fullmatch(base)] == []
    assert "にっぽん" not in html


def test_navigation_and_selects_are_read_on_easy_japanese_pages(client, real_data):
    html = client.get("/ja-easy/associations/").content.decode()
    navigation = re.search(r'<nav class="main-nav".*?</nav>', html, re.S).group()
    assert "<ruby>" in navigation
    assert re.search(r"<option[^>]*>神奈川県（かながわけん）", html)
    form = client.get("/ja-easy/enquiries/new/").content.decode()
    assert re.search(r"<option[^>]*>公益財団法人横浜市国際交流協会（こうえきざいだんほうじん", form)


def test_a_warm_page_is_annotated_quickly(client, real_data):
    html = client.get("/ja/associations/").content.decode()
    furigana.add_furigana.cache_clear()
    furigana.add_furigana(html)  # the first visitor's request
    rounds = 20
    start = time.perf_counter()
    for _ in range(rounds):
        # A new string each time, as every response is, so the page is hashed again.
        furigana.add_furigana("".join([html[:1], html[1:]]))
    per_page = (time.perf_counter() - start) / rounds
    assert per_page < 0.001, f"{per_page * 1000:.2f} ms per page"

    # A page never seen before still parses, but every text node's readings are cached.
    furigana.annotate_text.cache_clear()
    furigana.add_furigana(html + " ")
    furigana.add_furigana(html + "  ")
    assert furigana.annotate_text.cache_info().hits > furigana.annotate_text.cache_info().misses
