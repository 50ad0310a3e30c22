"""The documented backup and restore (deploy/pg-backup.sh, deploy/pg-restore.sh), done for
real: a PostgreSQL of the test's own holding the portal's data is dumped, the dump restored
into an empty database, and every table compared row by row."""

import os
import subprocess
import sys

import pytest

from scripts.services import BASE_DIR, postgres

# Its own processes, configured by the test alone: the suite's database makes no difference.
pytestmark = pytest.mark.own_processes

TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"


def fingerprint(server, database):
    """Each table's row count and a digest of all its rows."""
    tables = server.psql("-c", TABLES, database=database).split()
    return {
        table: server.psql(
            "-c",
            f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
            f' FROM "{table}" t',
            database=database,
        ).strip()
        for table in tables
    }


def manage(database_url, *args):
    env = {**os.environ, "DATABASE_URL": database_url}
    for name in ("PORTAL_ENV", "REDIS_URL", "CACHE_URL"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def server():
    with postgres() as server:
        yield server


def test_backup_and_restore_round_trip(server, tmp_path):
    source = server.create_database("portal_source")
    manage(source, "migrate", "-v0")
    manage(source, "load_initial_data", "-v0")
    manage(source, "generate_associations", "100")
    manage(
        source,
        "shell",
        "-c",
        "from pages.models import Page;"
        "Page.objects.create(slug='backup-check', title_ja='個人情報', body_en='**Ünïcode** ✓',"
        " is_published=True)",
    )

    backup = subprocess.run(
        [BASE_DIR / "deploy" / "pg-backup.sh", source, tmp_path / "backups"],
        check=True,
        capture_output=True,
        text=True,
    )
    dump = backup.stdout.strip()
    assert dump.endswith(".dump") and os.path.getsize(dump) > 10_000

    restored = server.create_database("portal_restored")
    subprocess.run(
        [BASE_DIR / "deploy" / "pg-restore.sh", dump, restored],
        check=True,
        capture_output=True,
    )

    before = fingerprint(server, "portal_source")
    after = fingerprint(server, "portal_restored")
    assert "directory_association" in before
    assert before["directory_association"].startswith("163|")
    assert after == before

    # The restored database is a working portal database: nothing to migrate, and new rows
    # get fresh primary keys (the sequences came back too).
    manage(restored, "migrate", "--check")
    manage(restored, "generate_associations", "1")
    count = manage(
        restored,
        "shell",
        "-c",
        "from directory.models import Association; print(Association.objects.count())",
    )
    assert count.stdout.split()[-1] == "164"


def test_restore_refuses_a_damaged_dump(server, tmp_path):
    damaged = tmp_path / "damaged.dump"
    damaged.write_bytes(b"PGDMP" + b"\0" * 100)
    target = server.create_database("portal_damaged")
    result = subprocess.run(
        [BASE_DIR / "deploy" / "pg-restore.sh", damaged, target], capture_output=True
    )
    assert result.returncode != 0
    assert server.psql("-c", TABLES, database="portal_damaged").strip() == ""
