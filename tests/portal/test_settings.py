"""Fail closed (portal/settings.py): what serves the public defaults to production, and
development is chosen by manage.py and the test settings. Each check runs in a process of its
own, as the servers do, since settings are read once at start-up."""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

# Its own processes, configured by the test alone: the suite's database makes no difference.
pytestmark = pytest.mark.own_processes

PRINT_SETTINGS = (
    "import json, {module}; from django.conf import settings; "
    "print(json.dumps([settings.PORTAL_ENV, settings.DEBUG, settings.EMAIL_BACKEND]))"
)


def clean_env(**extra):
    """This environment without anything that chooses settings, plus `extra`."""
    chosen = {"PORTAL_ENV", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}
    chosen |= {"REDIS_URL", "CACHE_URL", "ENQUIRY_SITE_URL", "DEFAULT_FROM_EMAIL"}
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in chosen and not key.startswith("DJANGO_")
    }
    env.update(extra)
    return env


def production_secrets(tmp_path):
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "portal.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "ENQUIRY_SITE_URL": "https://portal.example.org",
        "DEFAULT_FROM_EMAIL": "no-reply@portal.example.org",
    }


def run(args, env, timeout=120):
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def printed_settings(result):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_wsgi_application_defaults_to_production(tmp_path):
    result = run(
        ["-c", PRINT_SETTINGS.format(module="portal.wsgi")],
        clean_env(**production_secrets(tmp_path)),
    )
    assert printed_settings(result) == [
        "production",
        False,
        "django.core.mail.backends.smtp.EmailBackend",
    ]


def test_debug_cannot_be_switched_on_in_production(tmp_path):
    result = run(
        ["-c", PRINT_SETTINGS.format(module="portal.wsgi")],
        clean_env(DEBUG="true", **production_secrets(tmp_path)),
    )
    assert printed_settings(result)[:2] == ["production", False]


def test_the_wsgi_application_refuses_to_start_without_secrets():
    result = run(["-c", "import portal.wsgi"], clean_env())
    assert result.returncode != 0
    assert "SECRET_KEY must be set when PORTAL_ENV=production" in result.stderr


def test_gunicorn_refuses_to_serve_without_secrets():
    # deploy/gunicorn.conf.py exactly as systemd starts it, but with nothing configured: its
    # worker cannot boot, so gunicorn exits instead of serving a development site.
    env = clean_env(GUNICORN_BIND="127.0.0.1:0", WEB_CONCURRENCY="1")
    result = run(["-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"], env, timeout=60)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "SECRET_KEY must be set when PORTAL_ENV=production" in output


def test_manage_py_chooses_development():
    # `make run` is manage.py migrate, load_initial_data and runserver.
    script = "from django.conf import settings; print(settings.PORTAL_ENV, settings.DEBUG)"
    result = run(["manage.py", "shell", "-c", script], clean_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["development", "True"]


def test_the_tests_run_in_development():
    assert settings.PORTAL_ENV == "development"


def test_an_unknown_environment_name_is_refused(tmp_path):
    # A typo such as "prod" must not quietly mean development.
    env = clean_env(PORTAL_ENV="prod", **production_secrets(tmp_path))
    result = run(["-c", "import portal.wsgi"], env)
    assert result.returncode != 0
    assert "PORTAL_ENV must be production or development" in result.stderr
