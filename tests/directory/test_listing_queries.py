"""The listing's faster queries give exactly what the straightforward ones gave.

Facet counts come from one grouped UNION query, the total from the level counts, and the
page's rows are loaded narrow by id after finding the page on ids alone (directory/filters.py,
directory/views.py, docs/performance.md).
"""

import pytest
from django.core.management import call_command
from django.http import QueryDict

from directory.filters import AssociationFilter
from directory.models import LISTING_FIELDS, Association, Language, Service
from directory.views import listing_page

QUERIES = [
    "",
    "region=kanto",
    "prefecture=14",
    "region=kanto&prefecture=27",
    "level=designated_city",
    "level=prefecture&region=kinki",
    "service=consultation",
    "language=vi&region=kanto",
    "q=international",
    "q=osaka&level=designated_city",
    "sort=name&region=kyushu-okinawa",
    # Invalid values are ignored, as the page says.
    "level=castle",
    "region=atlantis&service=consultation",
    "q=" + "x" * 201,
]


@pytest.fixture
def tagged(real_data):
    """Services and languages on some associations, and more associations than a page."""
    call_command("generate_associations", 300, verbosity=0)
    consultation = Service.objects.get(slug="consultation")
    for association in Association.objects.filter(slug__in=["kanagawa", "yokohama-city", "osaka"]):
        association.services.add(consultation)
    Association.objects.get(slug="yokohama-city").languages.add(
        Language.objects.get(code="vi"), Language.objects.get(code="ne")
    )
    Association.objects.filter(slug="osaka").update(is_published=False)


def filterset(query):
    return AssociationFilter(
        QueryDict(query) or None,
        queryset=Association.objects.published().in_directory_order(),
    )


def choosing(query, name, value):
    """What the listing shows when the visitor picks this option."""
    data = QueryDict(query, mutable=True)
    data[name] = value
    return filterset(data.urlencode()).qs.count()


@pytest.mark.parametrize("query", QUERIES)
def test_each_option_count_is_what_choosing_it_would_show(tagged, query):
    facets = filterset(query).facets()
    checked = 0
    for facet in facets:
        for option in facet["options"]:
            assert option["count"] == choosing(query, facet["name"], option["value"]), (
                facet["name"],
                option["value"],
            )
            checked += 1
    assert checked == 6 + 47 + 2 + Service.objects.count() + Language.objects.count()


@pytest.mark.parametrize("query", QUERIES)
def test_the_total_is_the_number_of_matching_associations(tagged, query):
    filters = filterset(query)
    assert filters.result_count() == filters.qs.count()


@pytest.mark.parametrize("query", ["", "level=designated_city", "sort=name", "q=international"])
def test_every_page_holds_the_same_rows_in_the_same_order(tagged, query):
    filters = filterset(query)
    expected = list(filters.qs.values_list("pk", flat=True))
    assert len(expected) > 100 or query.startswith("q=")
    shown = []
    for number in range(1, len(expected) // 100 + 2):
        page = listing_page(filterset(query), str(number))
        assert page.paginator.count == len(expected)
        shown += [association.pk for association in page.object_list]
    assert shown == expected


def test_cards_load_only_what_they_show(tagged):
    filters = filterset("")
    association = listing_page(filters, "1").object_list[0]
    deferred = association.get_deferred_fields()
    assert {"description", "description_en", "address_ja", "source_note", "email"} <= deferred
    assert not {"slug", "name_en", "name_ja", "city_en", "short_name", "level", "website"} & (
        deferred
    )
    assert set(LISTING_FIELDS) >= {"slug", "name", "city", "prefecture"}


def test_cards_share_the_places_the_filters_loaded(tagged, django_assert_num_queries):
    filters = filterset("")
    regions, prefectures = filters.places()
    page = listing_page(filters, "1")
    with django_assert_num_queries(0):
        for association in page.object_list:
            assert association.prefecture is prefectures[association.prefecture_id]
            assert association.prefecture.region in regions
            assert association.prefecture.name_en and association.prefecture.region.slug


def test_the_listing_renders_without_reading_a_deferred_field(
    client, tagged, django_assert_max_num_queries
):
    # One query per card would show as a hundred more queries here.
    with django_assert_max_num_queries(9):
        response = client.get("/en/associations/?page=2")
    assert response.status_code == 200
    assert response.content.decode().count('class="association-card"') == 100
