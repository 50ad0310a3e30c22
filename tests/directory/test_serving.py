"""The postal-code finder: which associations serve an address?"""

import pytest

from tests.factories import KanagawaAssociationFactory, YokohamaFactory

URL = "/en/associations/serving/"


@pytest.fixture
def kanagawa(db):
    """Kanagawa's prefectural association and Yokohama's, the one designated city of Kanagawa
    with an association here (Kawasaki's and Sagamihara's are not made)."""
    KanagawaAssociationFactory()
    YokohamaFactory()


def serving(client, postal_code, language="en"):
    response = client.get(f"/{language}/associations/serving/", {"postal_code": postal_code})
    assert response.status_code == 200
    return response, response.content.decode()


def association_slugs(response):
    return [
        association.slug for area in response.context["areas"] for association in area.associations
    ]


def test_the_finder_page_asks_for_a_postal_code(client, db):
    html = client.get(URL).content.decode()
    assert 'name="postal_code"' in html
    assert 'autocomplete="postal-code"' in html
    assert "<h1>" in html and html.count("<h1") == 1


def test_serving_url_is_not_taken_for_an_association_slug():
    from django.urls import resolve

    assert resolve(URL).view_name == "directory:serving"


@pytest.mark.parametrize("typed", ["〒231-0023", "231-0023", "2310023", "２３１－００２３"])
def test_yokohama_gets_the_city_and_the_prefecture(client, kanagawa, typed):
    response, html = serving(client, typed)
    assert association_slugs(response) == ["yokohama-city", "kanagawa"]
    assert "横浜市中区" in html
    assert "Kanagawa" in html
    assert "Results for postal code 231-0023" in html


def test_sapporo_gets_the_city_and_hokkaido(client, real_data):
    response, html = serving(client, "060-0001")
    assert association_slugs(response) == ["sapporo-city", "hokkaido"]
    assert "札幌市中央区" in html


def test_a_town_outside_any_designated_city_gets_the_prefecture_only(client, kanagawa):
    response, html = serving(client, "250-0311")  # Hakone, Kanagawa
    assert association_slugs(response) == ["kanagawa"]
    assert "足柄下郡箱根町" in html
    assert "is a designated city" not in html


def test_a_designated_city_with_no_association_listed_says_so(client, kanagawa):
    response, html = serving(client, "252-0236")  # Chuo-ku, Sagamihara
    assert association_slugs(response) == ["kanagawa"]
    assert "Sagamihara is a designated city, but no association of its own is on our list." in html
    assert "The prefecture’s association serves you." in html


def test_nara_has_no_association_and_points_to_the_multiculture_division(client, real_data):
    response, html = serving(client, "630-8213")
    assert association_slugs(response) == []
    assert "Nara has no International Association on our list." in html
    assert "Multiculture Division" in html
    assert 'href="tel:+81352131725">+81 3-5213-1725</a>' in html


def test_nara_in_japanese_names_the_prefecture_in_japanese(client, real_data):
    _response, html = serving(client, "630-8213", language="ja")
    assert "奈良県" in html
    assert "多文化共生課" in html


def test_an_unknown_code_says_it_was_not_found(client, db):
    response, html = serving(client, "999-9999")
    assert response.context["areas"] == []
    assert "We could not find postal code 999-9999" in html


@pytest.mark.parametrize("typed", ["abc", "12345", "231-00234", "<script>", "1" * 500])
def test_malformed_input_gets_a_clear_error(client, db, typed):
    response, html = serving(client, typed)
    assert response.context["areas"] is None
    assert "Enter a postal code of seven digits, for example 231-0023." in html
    assert 'aria-invalid="true"' in html
    assert "<script>" not in html.split("<main", 1)[1]


def test_an_empty_code_asks_for_one(client, db):
    _response, html = serving(client, "")
    assert "Enter your postal code." in html


def test_a_code_in_two_prefectures_lists_both(client, real_data):
    response, _html = serving(client, "498-0000")
    assert [area.place.prefecture_code for area in response.context["areas"]] == ["23", "24"]
    assert association_slugs(response) == ["aichi", "mie"]


def test_the_finder_makes_few_queries(client, real_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get(URL, {"postal_code": "231-0023"})


def test_a_name_shown_in_its_fallback_language_is_marked_with_it(client, real_data):
    """Kawasaki has no Nepali name in the data: the English one is shown, marked lang="en",
    so that screen readers do not read it with Nepali pronunciation."""
    _response, html = serving(client, "210-0007", "ne")
    assert '<span lang="en">Kawasaki</span>' in html
