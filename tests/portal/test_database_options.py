"""PostgreSQL session options from DATABASE_PG_OPTIONS (portal/settings.py): parallel query
off by default, since it slowed the listing under concurrent requests (docs/performance.md)."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

PRINT_OPTIONS = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
)


def database_options(**environment):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "DATABASE_PG_OPTIONS")
    }
    env.update(environment, DJANGO_SETTINGS_MODULE="portal.settings")
    output = subprocess.run(
        [sys.executable, "-c", PRINT_OPTIONS],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


POSTGRES_URL = "postgres://portal@127.0.0.1:9/portal"


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"DATABASE_URL": POSTGRES_URL}, {"options": "-c max_parallel_workers_per_gather=0"}),
        (
            {"DATABASE_URL": POSTGRES_URL, "DATABASE_PG_OPTIONS": "-c work_mem=8MB"},
            {"options": "-c work_mem=8MB"},
        ),
        ({"DATABASE_URL": POSTGRES_URL, "DATABASE_PG_OPTIONS": ""}, {}),
        ({"DATABASE_URL": "sqlite:///:memory:"}, {}),
    ],
)
def test_postgresql_session_options(environment, expected):
    assert database_options(**environment) == expected
