"""Each page makes the same number of queries whatever the size of the directory."""

import pytest

from directory.models import Association, Language, Service
from tests.large_data import query_counts_before_and_after_growth

PAGES = [
    "/en/",
    "/en/associations/",
    "/en/associations/?region=kanto&level=designated_city",
    "/en/associations/?service=consultation&language=vi&q=city",
    "/ja/associations/?prefecture=14&page=2",
    "/en/associations/yokohama-city/",
]


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_data(client, real_data, django_assert_max_num_queries):
    # Every page must show results with the real data too: an empty page skips queries.
    yokohama = Association.objects.get(slug="yokohama-city")
    yokohama.services.add(*Service.objects.all()[:3])
    yokohama.languages.add(Language.objects.get(code="vi"))
    with_real_data, with_generated_data = query_counts_before_and_after_growth(client, PAGES)
    assert with_generated_data == with_real_data
    for path, (count,) in with_real_data.items():
        assert count <= 12, (path, count)
    with django_assert_max_num_queries(12):
        client.get("/en/associations/")
