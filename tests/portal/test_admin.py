import json
import os
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import StaffPreferences
from tests.factories import PageFactory
from tests.staff import PASSWORD, make_staff

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


# --- Every registered model's admin renders -------------------------------------------------


def sample_value(field, counter):
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.ForeignKey | models.OneToOneField):
        related = field.related_model
        if related is get_user_model():
            # Never the logged-in superuser: a sample TOTP device would lock them out.
            return make_staff(f"sample{counter}")
        return related._default_manager.first() or sample_instance(related, counter + 1)
    if isinstance(field, models.EmailField):
        return f"sample{counter}@example.org"
    if isinstance(field, models.URLField):
        return "https://example.org/"
    if isinstance(field, models.SlugField):
        return f"sample-{counter}"
    if isinstance(field, models.UUIDField):
        import uuid

        return uuid.uuid4()
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return date.today()
    if isinstance(field, models.DurationField):
        return timedelta(minutes=1)
    if isinstance(field, models.DecimalField):
        return Decimal("1")
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.IntegerField | models.FloatField):
        return 1
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.GenericIPAddressField):
        return "127.0.0.1"
    if isinstance(field, models.CharField | models.TextField):
        return f"sample {counter}"[: field.max_length or None]
    raise NotImplementedError(f"No sample value for {field!r}: add one to this test.")


def sample_instance(model, counter=0):
    """A row for a model that has none yet, with a value for every required field."""
    values = {
        field.name: sample_value(field, counter)
        for field in model._meta.concrete_fields
        if not (field.auto_created or field.has_default() or field.null or field.blank)
        and not (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))
    }
    return model._default_manager.create(**values)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_add_and_change_pages_render(admin_client, real_data, model):
    opts = model._meta
    base = f"/admin/{opts.app_label}/{opts.model_name}/"
    assert admin_client.get(base).status_code == 200
    model_admin = admin.site._registry[model]
    add = admin_client.get(f"{base}add/")
    # Some admins (django-axes' logs) forbid adding by design.
    assert add.status_code == (200 if model_admin.has_add_permission(add.wsgi_request) else 403)
    instance = model._default_manager.first() or sample_instance(model)
    change = admin_client.get(f"{base}{instance.pk}/change/")
    assert change.status_code == 200


def test_every_app_with_models_has_them_registered():
    unregistered = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in {"directory", "portal"}
        and not model.__name__.startswith("Historical")
        and model not in admin.site._registry
        and model is not StaffPreferences
    ]
    assert unregistered == []


# --- Language: Japanese by default, each staff member's choice respected -----------------


def test_admin_is_japanese_by_default_without_a_prefix(admin_client):
    response = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Language"] == "ja"
    assert "パスワードの変更" in response.content.decode()
    assert admin_client.get("/ja/admin/").status_code == 404


def test_login_page_is_japanese_too(client):
    response = client.get("/admin/login/")
    assert "ログイン" in response.content.decode()


def test_switching_language_is_saved_for_the_user(admin_client, admin_user):
    response = admin_client.post(
        "/admin/language/", {"language": "en", "next": "/admin/directory/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/directory/"
    assert StaffPreferences.objects.get(user=admin_user).admin_language == "en"
    admin_client.cookies.clear()
    admin_client.force_login(admin_user)
    page = admin_client.get("/admin/")
    assert page["Content-Language"] == "en"
    assert "Change password" in page.content.decode()


def test_language_cookie_before_login_and_no_open_redirect(client):
    response = client.post(
        "/admin/language/", {"language": "vi", "next": "https://elsewhere.example/"}
    )
    assert response["Location"] == "/admin/"
    assert client.get("/admin/login/")["Content-Language"] == "vi"
    assert client.post("/admin/language/", {"language": "xx"})["Location"] == "/admin/"


def test_admin_choice_does_not_change_the_public_site(admin_client, db):
    admin_client.post("/admin/language/", {"language": "en"})
    assert admin_client.get("/vi/associations/")["Content-Language"] == "vi"


# --- Pages: publishing and preview --------------------------------------------------------


def test_page_drafts_preview_and_publish(client, admin_client, db):
    page = PageFactory(slug="about", body_ja="本文", is_published=False)
    assert client.get("/en/pages/about/").status_code == 404
    preview = admin_client.get("/en/pages/about/")
    assert (
        preview.status_code == 200 and "Only staff can see this preview" in preview.content.decode()
    )
    admin_client.post("/admin/pages/page/", {"action": "publish", "_selected_action": [page.pk]})
    assert client.get("/en/pages/about/").status_code == 200
    page.refresh_from_db()
    assert page.history.latest().history_change_reason == "Published"


def test_page_history_shows_old_and_new_values(admin_client, db):
    page = PageFactory(slug="about", body_ja="古い本文")
    page.body_ja = "新しい本文"
    page.save()
    html = admin_client.get(f"/admin/pages/page/{page.pk}/history/").content.decode()
    assert "古い本文" in html and "新しい本文" in html


def test_directory_editor_cannot_reach_users_or_enquiries(client, db):
    from portal.roles import DIRECTORY_EDITORS

    editor = make_staff("editor", DIRECTORY_EDITORS)
    client.force_login(editor)
    assert client.get("/admin/pages/page/").status_code == 200
    assert client.get("/admin/directory/association/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get("/admin/enquiries/").status_code == 404
    assert client.get("/admin/enquiries/division/").status_code in {403, 404}
    assert client.get("/admin/portal/staffpreferences/").status_code in {403, 404}


# --- Login hardening -------------------------------------------------------------------


def login(client, username, password, **extra):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/", **extra},
    )


def test_password_login_works(client, db):
    make_staff("staff")
    assert login(client, "staff", PASSWORD)["Location"] == "/admin/"


def test_lockout_after_repeated_failures(client, db, settings):
    make_staff("staff")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "staff", "wrong").status_code == 200
    locked = login(client, "staff", "wrong")
    assert locked.status_code == 429
    assert (
        "Too many failed logins" in locked.content.decode() or "ログイン" in locked.content.decode()
    )
    # Even the right password is refused while locked out.
    assert login(client, "staff", PASSWORD).status_code == 429


def test_an_over_long_username_is_a_field_error_not_a_recorded_failure(client, db):
    """Longer than the user model allows: refused by the form, before authentication.

    It used to reach authenticate(), and django-axes' record of the failure did not fit its
    255-character column: a server error on PostgreSQL (SQLite does not enforce lengths).
    """
    from axes.models import AccessAttempt, AccessFailureLog

    response = login(client, "x" * 1000, "wrong")
    assert response.status_code == 200
    errors = response.context["form"].errors["username"]
    assert errors and "150" in errors[0]
    assert not AccessAttempt.objects.exists() and not AccessFailureLog.objects.exists()
    # What the visitor typed stays in the field for them to correct.
    assert 'value="' + "x" * 1000 + '"' in response.content.decode()


def test_session_expires_after_idle_time_and_at_browser_close(client, db, settings):
    make_staff("staff")
    response = login(client, "staff", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""  # a browser-session cookie
    assert cookie["httponly"]
    assert settings.SESSION_COOKIE_AGE <= 60 * 60 * 8
    assert client.get("/admin/").status_code == 200
    session = client.session
    session.set_expiry(-1)
    session.save()
    assert client.get("/admin/").status_code == 302


def test_production_cookies_are_secure():
    env = {
        **os.environ,
        "PORTAL_ENV": "production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "portal.example",
        "DATABASE_URL": "sqlite:////tmp/unused.sqlite3",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "ENQUIRY_SITE_URL": "https://portal.example",
        "DEFAULT_FROM_EMAIL": "no-reply@portal.example",
    }
    script = (
        "import json; from portal import settings as s; print(json.dumps([s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME,"
        " s.SESSION_COOKIE_HTTPONLY, s.SESSION_EXPIRE_AT_BROWSER_CLOSE]))"
    )
    output = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(output.strip().splitlines()[-1]) == [
        True,
        True,
        "__Host-sessionid",
        "__Host-csrftoken",
        True,
        True,
    ]


@pytest.fixture
def staff_with_totp(db):
    user = make_staff("staff")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user, device


def test_staff_with_a_totp_device_must_enter_its_code(client, staff_with_totp):
    _user, device = staff_with_totp
    refused = login(client, "staff", PASSWORD)
    assert refused.status_code == 200
    assert client.get("/admin/").status_code == 302
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    wrong = login(client, "staff", PASSWORD, otp_token=f"{(int(code) + 1) % 1_000_000:06d}")
    assert wrong.status_code == 200
    assert client.get("/admin/").status_code == 302
    # django-otp slows down guessing after a failure; this test does not wait it out.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    accepted = login(client, "staff", PASSWORD, otp_token=code)
    assert accepted.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_site_can_require_two_factor_of_everybody(client, db, settings):
    settings.ADMIN_REQUIRE_TWO_FACTOR = True
    make_staff("staff")
    response = login(client, "staff", PASSWORD)
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_verified_session_is_not_asked_again_by_a_password_only_login_elsewhere(
    client, staff_with_totp
):
    user, _device = staff_with_totp
    # force_login bypasses the login form: the session is not OTP-verified, so the admin
    # treats it as not logged in rather than trusting it.
    client.force_login(user)
    assert client.get("/admin/").status_code == 302
