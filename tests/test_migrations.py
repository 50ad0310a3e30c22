"""Every model change ships with its migration: a field or choice edited without one would
pass the tests (which build the schema from the models' migrations) and break production."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit:
        pytest.fail(
            f"makemigrations --check exited {exit.code}; missing migrations:\n{out.getvalue()}"
        )
    assert "No changes detected" in out.getvalue()
