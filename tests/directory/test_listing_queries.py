"""The listing's faster queries give exactly what the straightforward ones gave.

Facet counts and the total are sums over three grouped queries cached per content
generation, and the page's rows are loaded narrow by id after finding the page on ids alone
(directory/listing.py, docs/performance.md).
"""

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from directory.listing import Listing, places
from directory.models import Association, Language, Service
from tests.conftest import install_real_data

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


@pytest.fixture(scope="module")
def tagged_rows(django_db_setup, django_db_blocker):
    """Services and languages on some associations, and more associations than a page.

    Built once for the module (on each xdist worker), in a transaction left open until its
    last test: each test runs in a savepoint inside it (pytest-django's `db`), so what a
    test changes is undone after it, and the whole is rolled back after the module. The
    37 tests used to build the same 363 rows each."""
    with django_db_blocker.unblock(), transaction.atomic():
        install_real_data()
        call_command("generate_associations", 300, verbosity=0)
        consultation = Service.objects.get(slug="consultation")
        for association in Association.objects.filter(
            slug__in=["kanagawa", "yokohama-city", "osaka"]
        ):
            association.services.add(consultation)
        Association.objects.get(slug="yokohama-city").languages.add(
            Language.objects.get(code="vi"), Language.objects.get(code="ne")
        )
        Association.objects.filter(slug="osaka").update(is_published=False)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def tagged(tagged_rows, db):
    assert Association.objects.count() == 363


def listing(query):
    return Listing(QueryDict(query), "en")


def choosing(query, name, value):
    """What the listing shows when the visitor picks this option."""
    data = QueryDict(query, mutable=True)
    data[name] = value
    return listing(data.urlencode()).filterset.qs.count()


@pytest.mark.parametrize("query", QUERIES)
def test_each_option_count_is_what_choosing_it_would_show(tagged, query):
    checked = 0
    for facet in listing(query).facets:
        for option in facet["options"]:
            assert option["count"] == choosing(query, facet["name"], option["value"]), (
                facet["name"],
                option["value"],
            )
            checked += 1
    assert checked == 6 + 47 + 2 + Service.objects.count() + Language.objects.count()


@pytest.mark.parametrize("query", QUERIES)
def test_the_total_is_the_number_of_matching_associations(tagged, query):
    shown = listing(query)
    assert shown.total == shown.filterset.qs.count()


@pytest.mark.parametrize("query", ["", "level=designated_city", "sort=name", "q=international"])
def test_every_page_holds_the_same_rows_in_the_same_order(tagged, query):
    expected = list(listing(query).filterset.qs.values_list("slug", flat=True))
    assert len(expected) > 100 or query.startswith("q=")
    shown = []
    for number in range(1, len(expected) // 100 + 2):
        page = listing(f"{query}&page={number}").page
        assert page.paginator.count == len(expected)
        shown += [card.slug for card in page.object_list]
    assert shown == expected


def test_cards_load_only_the_visitors_languages(tagged, django_assert_num_queries):
    shown = listing("")
    assert shown.facets  # the counts and places, which are cached
    with CaptureQueriesContext(connection) as queries:
        assert shown.page.object_list
    rows_query = queries.captured_queries[-1]["sql"]
    for column in ("name_en", "name_ja", "city_en", "slug", "short_name", "website"):
        assert column in rows_query
    for column in ("name_vi", "city_ko", "description", "address_ja", "source_note", "email"):
        assert column not in rows_query


def test_cards_share_the_places_the_filters_loaded(tagged, django_assert_num_queries):
    _regions, prefectures = places()
    page = listing("").page
    with django_assert_num_queries(0):
        for card in page.object_list:
            assert card.prefecture is prefectures[card.prefecture.code]
            assert card.prefecture.name_en and card.prefecture.region.slug


def test_a_second_render_in_the_same_language_counts_nothing(tagged):
    """Facets, places and options are built once per content generation; a save makes
    them stale (here, through the page cache's signal)."""
    # Each chosen region, prefecture, service or language is still looked up once to
    # validate it (django-filter's ModelChoiceFilter); nothing is counted again.
    for query, lookups in (
        ("", 0),
        ("region=kanto", 1),
        ("service=consultation&level=prefecture", 1),
    ):
        first = listing(query)
        expected = first.facets, first.total
        with CaptureQueriesContext(connection) as queries:
            again = listing(query)
            assert (again.facets, again.total) == expected
        assert len(queries) == lookups, query
        assert not any("GROUP BY" in query["sql"] for query in queries.captured_queries)
    # Hokkaido's association lists a consultation desk but no Japanese classes yet.
    classes = Service.objects.get(slug="japanese-classes")
    hokkaido = Association.objects.get(slug="hokkaido")
    assert not hokkaido.services.filter(pk=classes.pk).exists()
    before = listing("service=japanese-classes").total
    hokkaido.services.add(classes)
    assert listing("service=japanese-classes").total == before + 1


def test_the_listing_renders_without_reading_a_deferred_field(
    client, tagged, django_assert_max_num_queries
):
    # One query per card would show as a hundred more queries here.
    with django_assert_max_num_queries(9):
        response = client.get("/en/associations/?page=2")
    assert response.status_code == 200
    assert response.content.decode().count('class="association-card"') == 100


def test_generated_codes_stay_five_digits_and_unique_to_100000_associations():
    from directory.management.commands.generate_associations import municipality_code

    codes = [municipality_code(number) for number in range(1, 100_001)]
    given = [code for code in codes if code]
    assert all(len(code) == 5 and code.isdigit() for code in given)
    assert len(set(given)) == len(given) > 50_000
    assert min(given) > "47999"  # above every real prefecture's codes
