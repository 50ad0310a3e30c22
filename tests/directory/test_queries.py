"""Each page makes the same number of queries whatever the size of the directory."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.caching import bump_generation
from directory.models import Association, Language, Prefecture, Service

PAGES = [
    "/en/",
    "/en/associations/",
    "/en/associations/?region=kanto&level=designated_city",
    "/en/associations/?service=consultation&language=vi&q=city",
    "/ja/associations/?prefecture=14&page=2",
    "/en/associations/yokohama-city/",
]


def generate_associations(count):
    prefectures = list(Prefecture.objects.all())
    services = list(Service.objects.all())
    languages = list(Language.objects.all())
    created = Association.objects.bulk_create(
        Association(
            slug=f"generated-{number}",
            name_ja=f"生成された協会{number}",
            name_en=f"Generated City {number} Association",
            level=Association.Level.DESIGNATED_CITY,
            prefecture=prefectures[number % len(prefectures)],
            city_en=f"City {number}",
            municipality_code=f"{90000 + number:05d}",
            display_order=1000 + number,
            search_text=f"generated city {number} association",
        )
        for number in range(count)
    )
    Association.services.through.objects.bulk_create(
        Association.services.through(association=association, service=service)
        for association in created
        for service in services[: 1 + association.pk % 3]
    )
    Association.languages.through.objects.bulk_create(
        Association.languages.through(association=association, language=language)
        for association in created
        for language in languages[association.pk % 5 : association.pk % 5 + 3]
    )
    # bulk_create sends no signals: say the content changed, as generate_associations does.
    bump_generation()


def query_counts(client):
    counts = {}
    for path in PAGES:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, path
        counts[path] = len(queries)
    return counts


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_data(client, real_data, django_assert_max_num_queries):
    # Every page must show results with the real data too: an empty page skips queries.
    yokohama = Association.objects.get(slug="yokohama-city")
    yokohama.services.add(*Service.objects.all()[:3])
    yokohama.languages.add(Language.objects.get(code="vi"))
    with_real_data = query_counts(client)
    generate_associations(2000)
    assert Association.objects.count() == 2063
    with_generated_data = query_counts(client)
    assert with_generated_data == with_real_data
    for path, count in with_real_data.items():
        assert count <= 12, (path, count)
    with django_assert_max_num_queries(12):
        client.get("/en/associations/")
