import os
import shutil
import subprocess

import pytest
from django.core import serializers
from django.core.cache import cache
from django.core.management.color import no_style
from django.db import connection
from django.utils import translation

from core.caching import memory as page_cache_memory
from portal.management.commands.load_initial_data import FIXTURES
from tests.factories import reset_sequences

_fixture_objects = None


def _load_fixture_objects():
    """Parse the fixtures once per test session; deserialising them is the slow part."""
    global _fixture_objects
    if _fixture_objects is None:
        from django.conf import settings

        _fixture_objects = []
        for name in FIXTURES:
            with open(settings.BASE_DIR / "fixtures" / f"{name}.json", encoding="utf-8") as f:
                _fixture_objects.append(list(serializers.deserialize("json", f.read())))
    return _fixture_objects


def install_real_data():
    """What `manage.py load_initial_data` installs, inserted in bulk for speed."""
    models = []
    for objects in _load_fixture_objects():
        model = type(objects[0].object)
        models.append(model)
        model.objects.bulk_create([item.object for item in objects])
        for item in objects:
            for field_name, values in (item.m2m_data or {}).items():
                getattr(item.object, field_name).set(values)
    # The rows carry their own primary keys: move PostgreSQL's sequences past them, as
    # loaddata does, so that objects created later in a test get fresh keys.
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


@pytest.fixture
def real_data(db):
    """The real reference data: 6 regions, 47 prefectures, the 63 associations and more.

    For tests about the shipped data itself; a test that needs one association, page or
    enquiry builds it with tests/factories.py instead (docs/testing.md)."""
    install_real_data()


@pytest.fixture(autouse=True)
def factory_sequences():
    """Each test's factory objects are numbered from 0, whichever tests ran before it."""
    reset_sequences()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (locmem, or Redis when REDIS_URL is set): a page
    cached by one test must not answer another test's request."""
    cache.clear()
    page_cache_memory.forget()
    yield
    cache.clear()
    page_cache_memory.forget()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language. A request activates its own
    language for the rest of its thread (as Django's LocaleMiddleware does), so without this
    a test would inherit the language of the previous test's last request."""
    from django.conf import settings

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A real Redis for tests that start production processes: the run's own (REDIS_URL, as
    .ci/run sets for PostgreSQL) or a private redis-server on a Unix socket, ready when it
    says so on its log."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    socket_path = tmp_path_factory.mktemp("redis") / "redis.sock"
    process = subprocess.Popen(
        [
            shutil.which("redis-server") or "redis-server",
            "--port",
            "0",
            "--unixsocket",
            str(socket_path),
            "--save",
            "",
            "--appendonly",
            "no",
            "--loglevel",
            "notice",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        for line in process.stdout:
            # Redis 7.0 logs "ready to accept connections at <socket>", later ones "Ready to…".
            if "ready to accept connections" in line.lower():
                break
        else:
            pytest.fail("redis-server did not start")
        yield f"unix://{socket_path}?db=0"
    finally:
        process.terminate()
        process.wait(timeout=10)


# What makes a test one that uses the suite's database (directly or through a fixture).
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help=(
            "Run only the tests that use the suite's database (CI's SQLite pass: the others "
            "do the same on any database and run in its PostgreSQL pass)."
        ),
    )


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--database-tests-only"):
        return
    kept, left = [], []
    for item in items:
        uses_database = item.get_closest_marker("django_db") is not None or bool(
            DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        )
        (kept if uses_database else left).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept
