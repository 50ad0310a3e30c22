"""Budgets: a constant number of queries per page whatever the data size, and a light page."""

import gzip
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command

from tests.large_data import query_counts_before_and_after_growth

PAGE_WEIGHT_BUDGET = 60 * 1024
# The first render after a change builds the facet counts (three grouped queries), the
# filters' options (three) and the chrome (two) for the generation; later renders reuse them.
LISTING_QUERY_BUDGET = 10
# Later renders: the page's rows, plus one lookup per region, prefecture, service or
# language chosen (django-filter validates the value against its table).
LISTING_WARM_QUERY_BUDGET = 1


def test_home_query_budget(client, real_data, django_assert_max_num_queries):
    # The count, the regions, the map's prefectures, the navigation pages and the
    # division's contact block: five, whatever the number of associations.
    with django_assert_max_num_queries(5):
        client.get("/en/")
    call_command("generate_associations", 500, verbosity=0)
    with django_assert_max_num_queries(5):
        client.get("/en/")


def test_detail_query_budget(client, real_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        client.get("/en/associations/hokkaido/")


# (query, lookups of chosen values, text search): what the warm render of each costs.
LISTINGS = [
    ("", 0, False),
    ("?region=kanto", 1, False),
    ("?q=international&level=designated_city", 0, True),
]


def test_listing_query_count_does_not_grow_with_the_data(client, real_data):
    urls = {
        f"/en/associations/{query}": (lookups, searched) for query, lookups, searched in LISTINGS
    }
    with_real_data, with_generated_data = query_counts_before_and_after_growth(
        client, urls, renders=2
    )
    for url, (lookups, searched) in urls.items():
        first, again = with_generated_data[url]
        assert first <= LISTING_QUERY_BUDGET, url
        assert (first, again) == with_real_data[url], url
        # A text search is counted on every request (its three grouped queries); every
        # other listing is counted once per content generation.
        assert again == LISTING_WARM_QUERY_BUDGET + lookups + (3 if searched else 0), url


def linked_assets(html, pattern):
    return [
        finders.find(url.removeprefix(settings.STATIC_URL))
        for url in re.findall(pattern, html)
        if url.startswith(settings.STATIC_URL)
    ]


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_listing_page_weight(client, real_data, language):
    """HTML, CSS and JavaScript together, compressed as they are sent, in every language."""
    html = client.get(f"/{language}/associations/").content.decode()
    assets = linked_assets(html, r'<link rel="stylesheet" href="([^"]+)"')
    assets += linked_assets(html, r'<script[^>]+src="([^"]+)"')
    assert assets and all(assets)
    weight = len(gzip.compress(html.encode())) + sum(
        len(gzip.compress(open(path, "rb").read())) for path in assets
    )
    assert weight <= PAGE_WEIGHT_BUDGET, f"{language}: {weight} bytes"


def test_no_web_font_is_shipped_or_linked(client, real_data):
    html = client.get("/en/associations/").content.decode()
    assert 'as="font"' not in html
    for directory in settings.STATICFILES_DIRS:
        for path in directory.rglob("*"):
            assert path.suffix.lower() not in {".woff", ".woff2", ".ttf", ".otf", ".eot"}, path
            if path.suffix == ".css":
                assert "@font-face" not in path.read_text(), path


def test_the_light_path_skips_middleware_only_on_anonymous_reads(rf):
    from django.http import HttpResponse

    from core.middleware import SkippedOnAnonymousRead

    ran = []

    class Recorder:
        def __init__(self, get_response):
            self.get_response = get_response

        def __call__(self, request):
            ran.append(request.path)
            return self.get_response(request)

    middleware = type("Light", (SkippedOnAnonymousRead,), {"wrapped": Recorder})(
        lambda request: HttpResponse("ok")
    )
    staff = rf.get("/en/associations/")
    staff.COOKIES[settings.SESSION_COOKIE_NAME] = "a-session"
    for request in (rf.get("/en/associations/"), rf.head("/ja/")):
        assert middleware(request).status_code == 200
    assert ran == []
    for request in (rf.post("/en/enquiries/new/"), rf.get("/admin/"), staff):
        middleware(request)
    assert ran == ["/en/enquiries/new/", "/admin/", "/en/associations/"]
