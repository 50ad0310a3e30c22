"""The one helper of the large-data query-count tests: counts with the real data, then again
after `generate_associations` (the benchmark's generator) has added 2,000 associations."""

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import Association

GENERATED = 2000


def queries_for(client, url):
    """The number of queries one render of `url` runs; the page must be there (a 404 is cheap)."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def query_counts_before_and_after_growth(client, urls, renders=1):
    """({url: counts}, {url: counts}) with the real data and with 2,000 more associations.

    Each `counts` is a tuple of `renders` renders in a row: the first after a change builds
    what the content generation caches, the next reuse it. The URLs are rendered in the same
    order both times, so what one page warms for the next is the same before and after.
    """

    def measure():
        return {url: tuple(queries_for(client, url) for _ in range(renders)) for url in urls}

    before = measure()
    real = Association.objects.count()
    call_command("generate_associations", GENERATED, verbosity=0)
    assert Association.objects.count() == real + GENERATED
    return before, measure()
