import pytest
from django.core.cache import cache
from django.core.management import call_command


@pytest.fixture
def real_data(db):
    """The real reference data: 6 regions, 47 prefectures and the 63 associations."""
    call_command("load_initial_data", verbosity=0)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (locmem, or Redis when REDIS_URL is set): a page
    cached by one test must not answer another test's request."""
    cache.clear()
    yield
    cache.clear()
