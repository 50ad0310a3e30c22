import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from directory.models import Association
from pages.models import Page

BASE_DIR = Path(__file__).resolve().parents[2]


def public_urls():
    """One URL of every public page type, with the real data (the privacy page is in it)."""
    association = Association.objects.published().first()
    assert Page.objects.published().filter(slug="privacy").exists()
    return [
        "/en/",
        "/ja/",
        "/ur/",
        "/en/associations/",
        "/en/associations/?region=kanto&q=tokyo",
        association.get_absolute_url(),
        "/en/associations/serving/?postal_code=2310023",
        "/en/pages/privacy/",
        "/en/search/?q=japanese",
        "/en/map/",
        "/en/open-data/",
        "/en/enquiries/new/",
    ]


def other_urls():
    return ["/en/no-such-page/", "/healthz", "/admin/login/", "/static/css/portal.css", "/"]


def directives(response):
    policy = response["Content-Security-Policy"]
    return {
        name: sources
        for name, *sources in (part.split() for part in policy.split(";") if part.strip())
    }


def assert_security_headers(response):
    policy = directives(response)
    for name in ("script-src", "style-src"):
        assert policy[name] == ["'self'"], name
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_every_page_type_sends_the_security_headers(client, real_data):
    for url in public_urls() + other_urls():
        response = client.get(url)
        assert response.status_code in (200, 302, 404), url
        assert_security_headers(response)


def test_security_headers_on_the_error_pages(db):
    from django.db import OperationalError, connection

    def refuse(*args):
        raise OperationalError("connection refused")

    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(refuse):
        response = client.get("/en/associations/")
    assert response.status_code == 503
    assert_security_headers(response)


# Executable inline script. A JSON-LD data block is not executed, so CSP does not govern it
# (portal_tags.json_ld_script escapes it so it cannot close its element).
INLINE_SCRIPT = re.compile(
    r'<script(?![^>]*\bsrc=)(?![^>]*\btype="application/ld\+json")[^>]*>', re.IGNORECASE
)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|<[^>]+\sstyle\s*=", re.IGNORECASE)


def test_the_inline_script_pattern_only_lets_data_blocks_through():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert INLINE_SCRIPT.search('<script type="module">x()</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/js/portal.js"></script>')
    assert not INLINE_SCRIPT.search('<script type="application/ld+json">{}</script>')


def test_public_pages_need_no_inline_script_or_style(client, real_data):
    """What lets the policy above be strict: nothing inline to allow."""
    for url in public_urls():
        html = client.get(url).content.decode()
        assert not INLINE_SCRIPT.search(html), url
        assert not INLINE_HANDLER.search(html), url
        assert not INLINE_STYLE.search(html), url


def test_a_template_nonce_is_added_to_the_policy(rf):
    from django.http import HttpResponse
    from django.template import engines

    from core.middleware import SecurityHeadersMiddleware

    def view(request):
        html = engines["django"].from_string('<script nonce="{{ request.csp_nonce }}"></script>')
        return HttpResponse(html.render({"request": request}))

    response = SecurityHeadersMiddleware(view)(rf.get("/"))
    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
    assert directives(response)["script-src"] == ["'self'", f"'nonce-{nonce}'"]


def test_hsts_and_secure_cookies_on_https(client, settings, db):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.CSRF_COOKIE_SECURE = True
    response = client.get("/admin/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    cookie = response.cookies["csrftoken"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"


# --- Production settings, in a process of their own -------------------------------------------


def production_env(tmp_path, **extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CACHE_URL", "DEBUG"}
        and not key.startswith("DJANGO_")
    }
    env.update(
        PORTAL_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="portal.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
        # Not contacted by `check`; the tests that serve requests pass a real one.
        REDIS_URL="redis://127.0.0.1:6379/0",
        ENQUIRY_SITE_URL="https://portal.example.org",
        DEFAULT_FROM_EMAIL="no-reply@portal.example.org",
        STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    env.update(extra)
    return env


def run(args, env):
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.own_processes
def test_check_deploy_has_nothing_to_say_about_production_settings(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


PRODUCTION_REQUIRED = [
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "ENQUIRY_SITE_URL",
    "DEFAULT_FROM_EMAIL",
]


@pytest.mark.own_processes
@pytest.mark.parametrize("missing", PRODUCTION_REQUIRED)
def test_production_refuses_to_start_without_its_secrets(tmp_path, missing):
    env = production_env(tmp_path)
    del env[missing]
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert f"{missing} must be set when PORTAL_ENV=production" in result.stderr


PRODUCTION_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="portal.example.org")
plain = client.get("/en/")
secure = client.get("/admin/login/", secure=True)
csrf = secure.cookies[settings.CSRF_COOKIE_NAME]
print(json.dumps({
    "redirect": [plain.status_code, plain.get("Location")],
    "health_over_http": client.get("/healthz").status_code,
    "hsts": secure.get("Strict-Transport-Security"),
    "csrf_cookie": [bool(csrf["secure"]), bool(csrf["httponly"]), csrf["samesite"]],
    "session_cookie": [settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY,
                       settings.SESSION_COOKIE_SAMESITE],
    "cookie_names": [settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME],
    "debug": settings.DEBUG,
    "static_storage": settings.STORAGES["staticfiles"]["BACKEND"],
}))
"""


@pytest.mark.own_processes
def test_production_settings_in_a_real_process(tmp_path, redis_url):
    env = production_env(tmp_path, REDIS_URL=redis_url)
    collected = run(["manage.py", "collectstatic", "--noinput", "-v0"], env)
    assert collected.returncode == 0, collected.stderr
    result = run(["-c", PRODUCTION_PROBE], env)
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert facts["redirect"] == [301, "https://portal.example.org/en/"]
    assert facts["health_over_http"] == 200
    assert facts["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert facts["csrf_cookie"] == [True, True, "Lax"]
    assert facts["session_cookie"] == [True, True, "Lax"]
    assert facts["cookie_names"] == ["__Host-sessionid", "__Host-csrftoken"]
    assert facts["debug"] is False
    assert facts["static_storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
