import re

from directory.prefecture_map import TILES


def test_every_prefecture_has_its_own_tile():
    assert sorted(TILES) == [f"{code:02d}" for code in range(1, 48)]
    assert len(set(TILES.values())) == 47


def test_map_page_links_every_prefecture_to_the_filtered_list(client, real_data):
    html = client.get("/en/map/").content.decode()
    svg = html.split('class="prefecture-map__svg"', 1)[1].split("</svg>", 1)[0]
    links = re.findall(
        r'<a href="/en/associations/\?prefecture=(\d\d)"[^>]*aria-label="([^"]+)"', svg
    )
    assert len(links) == 47
    labels = dict(links)
    assert labels["14"] == "Kanagawa: 3 associations"
    assert labels["13"] == "Tokyo: 1 association"
    assert labels["29"] == "Nara: 0 associations"


def test_tiles_are_shaded_by_number_of_associations(client, real_data):
    html = client.get("/en/map/").content.decode()
    assert re.search(r'prefecture=29" class="tile tile--0"', html)
    assert re.search(r'prefecture=13" class="tile tile--1"', html)
    assert re.search(r'prefecture=27" class="tile tile--2"', html)
    assert re.search(r'prefecture=14" class="tile tile--3"', html)


def test_the_map_has_a_text_list_alternative(client, real_data):
    html = client.get("/en/map/").content.decode()
    text_list = html.split('class="prefecture-list"', 1)[1]
    assert text_list.count('href="/en/associations/?prefecture=') == 47
    assert "(0 associations)" in text_list


def test_the_home_page_shows_the_map(client, real_data):
    html = client.get("/ja/").content.decode()
    assert html.count('class="tile tile--') == 47
    assert "神奈川県" in html


def test_the_map_draws_nothing_from_elsewhere(client, real_data):
    html = client.get("/en/map/").content.decode()
    svg = html.split('class="prefecture-map__svg"', 1)[1].split("</svg>", 1)[0]
    assert "http" not in svg
    assert "<script" not in svg and "style=" not in svg


def test_the_map_makes_few_queries(client, real_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        client.get("/en/map/")


def test_long_names_go_on_two_lines_at_a_space_or_between_syllables():
    from directory.prefecture_map import _fit

    assert _fit("東京都") == (["東京都"], 24)
    lines, size = _fit("와카야마 현")
    assert lines == ["와카야마", "현"] and size > 20
    lines, _size = _fit("ဆိုင်းတားမား")  # Saitama in Burmese: no spaces
    assert len(lines) == 2 and "".join(lines) == "ဆိုင်းတားမား"
    assert not any(line.startswith("\u103a") or line.startswith("\u1039") for line in lines)


def test_tile_labels_are_outside_the_links_and_the_names_say_the_count(client, real_data):
    html = client.get("/ko/map/").content.decode()
    svg = html.split('class="prefecture-map__svg"', 1)[1].split("</svg>", 1)[0]
    for link in re.findall(r"<a [^>]*>.*?</a>", svg, flags=re.S):
        assert "<text" not in link
    assert svg.count('class="tile-label') == 47
