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


PRINT_DATABASE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "d = settings.DATABASES['default']; "
    "print(json.dumps([d['HOST'], d['PORT'], d['NAME'], d['USER'], d['PASSWORD'], "
    "d.get('OPTIONS', {})]))"
)


def database_settings(url):
    """The process that the settings make of DATABASE_URL: its HOST, PORT, NAME, USER,
    PASSWORD and OPTIONS, printed as JSON."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(
        DATABASE_URL=url,
        DATABASE_PG_OPTIONS="",
        DJANGO_SETTINGS_MODULE="portal.settings",
        PORTAL_ENV="development",
    )
    return subprocess.run(
        [sys.executable, "-c", PRINT_DATABASE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # libpq's multi-host form, which dj_database_url cannot read: the primary and its
        # replica, the first that accepts writes (docs/deploy.md, "PostgreSQL primary and
        # replica").
        (
            "postgres://portal:p%40ss@10.0.2.10:5432,10.0.2.11:5433/portal"
            "?target_session_attrs=read-write&connect_timeout=2",
            [
                "10.0.2.10,10.0.2.11",
                "5432,5433",
                "portal",
                "portal",
                "p@ss",
                {"target_session_attrs": "read-write", "connect_timeout": 2},
            ],
        ),
        # A port for some hosts only: the others get libpq's default.
        (
            "postgres://portal@db1,[::1]:6432/portal",
            ["db1,::1", ",6432", "portal", "portal", "", {}],
        ),
        ("postgres://portal@db1,db2/portal", ["db1,db2", "", "portal", "portal", "", {}]),
        # One host, as before.
        (
            "postgres://portal@10.0.2.10:5432/portal",
            ["10.0.2.10", 5432, "portal", "portal", "", {}],
        ),
    ],
)
def test_database_url_with_several_hosts(url, expected):
    result = database_settings(url)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == expected


def test_a_malformed_host_list_is_refused():
    result = database_settings("postgres://portal@db1,db2:port/portal")
    assert result.returncode != 0
    assert "DATABASE_URL: 'db2:port' is not a host or host:port." in result.stderr
