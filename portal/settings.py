"""Settings for the International Associations portal.

Everything that differs between a developer's machine and production is read from the
environment. Production is the default, so that whatever serves the public (portal/wsgi.py,
gunicorn) fails closed: it refuses to start without its secrets and never runs with DEBUG on.
Development (SQLite file, console e-mail, DEBUG on, no setup at all) is opted into with
PORTAL_ENV=development, which manage.py, `make run` and the test settings set.
"""

import ipaddress
import os
import re
import urllib.parse
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from core.languages import (
    CONTENT_FALLBACK,
    CONTENT_FALLBACK_BY_LANGUAGE,
    CONTENT_REQUIRED_LANGUAGE,
    SITE_LANGUAGES,
    register_language_info,
)

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def required(name):
    value = env(name)
    if not value:
        raise ImproperlyConfigured(
            f"{name} must be set when PORTAL_ENV=production "
            "(the default; PORTAL_ENV=development for a developer's machine)."
        )
    return value


PORTAL_ENV = env("PORTAL_ENV", "production")
if PORTAL_ENV not in {"production", "development"}:
    raise ImproperlyConfigured("PORTAL_ENV must be production or development.")
PRODUCTION = PORTAL_ENV == "production"


# One entry of libpq's host list: "host", "host:port", "[v6]" or "[v6]:port".
_HOST_ENTRY = re.compile(r"(\[[^\]]+\]|[^:\[\]]+)(?::(\d*))?")


def database_config(url, conn_max_age):
    """DATABASES["default"] from DATABASE_URL: dj_database_url's parse, and libpq's
    multi-host form as well, which it cannot read:

        postgres://portal:…@10.0.2.10:5432,10.0.2.11:5432/portal?target_session_attrs=read-write

    lists the primary and its replica. libpq tries the hosts in turn and keeps the first that
    accepts writes, so after a failover every new connection finds the promoted replica
    (docs/deploy.md, "PostgreSQL primary and replica"). Hosts and ports go to libpq as
    comma-separated lists, as it takes them.
    """
    parts = urllib.parse.urlsplit(url)
    credentials, at, hosts = parts.netloc.rpartition("@")
    if "," not in hosts:
        return dj_database_url.parse(url, conn_max_age=conn_max_age)
    names, ports = [], []
    for entry in hosts.split(","):
        match = _HOST_ENTRY.fullmatch(entry)
        if not match:
            raise ImproperlyConfigured(f"DATABASE_URL: {entry!r} is not a host or host:port.")
        names.append(urllib.parse.unquote(match[1].strip("[]")))
        ports.append(match[2] or "")
    single = urllib.parse.urlunsplit(parts._replace(netloc=f"{credentials}{at}multi-host"))
    config = dj_database_url.parse(single, conn_max_age=conn_max_age)
    config["HOST"] = ",".join(names)
    # An empty entry is the default port (5432), as in libpq.
    config["PORT"] = ",".join(ports) if any(ports) else ""
    return config


def production_required(name, development_default):
    """The variable's value; in development its default, in production there is none."""
    return required(name) if PRODUCTION else env(name, development_default)


# --- Django core ---------------------------------------------------------------------------

if PRODUCTION:
    SECRET_KEY = required("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or required("ALLOWED_HOSTS")
    DEBUG = False
else:
    # A fixed key is fine for a development database that holds only public data.
    SECRET_KEY = env("SECRET_KEY", "development-only-not-secret")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
    DEBUG = env_bool("DEBUG", True)

INSTALLED_APPS = [
    # modeltranslation must come before the admin to patch its forms.
    "modeltranslation",
    # django.contrib.admin with the portal's admin site (optional two-factor login).
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "localflavor",
    "simple_history",
    "import_export",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "core",
    "portal",
    "directory",
    "pages",
    "enquiries",
]

MIDDLEWARE = [
    # Outermost, so that every response (static files and error pages too) gets the headers.
    "core.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside sessions and CSRF: it must see any cookie they set, so as never to store it.
    "core.middleware.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After LocaleMiddleware, before CommonMiddleware sets Content-Length.
    "core.furigana.FuriganaMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads the body, CSRF's check included.
    "core.middleware.RequestBodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.OTPMiddleware",
    "core.middleware.StaffCookieMiddleware",
    "core.middleware.LightAdminLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout raised by its backend into a response.
    "axes.middleware.AxesMiddleware",
]

# A form that fails the CSRF check (expired page, blocked cookies) gets a translated page
# saying what to do, not Django's English one about tokens.
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"
# The benchmark (scripts/bench.py) adds a trivial view through its own URLconf.
ROOT_URLCONF = env("ROOT_URLCONF", "portal.urls")
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site_languages",
                "portal.context_processors.site_chrome",
                "enquiries.context_processors.contact_division",
            ],
        },
    },
]

# Persistent connections: a sync gunicorn worker serves one request at a time, so one
# connection per worker is a pool of the right size (see docs/deploy.md).
if PRODUCTION:
    DATABASES = {
        "default": database_config(
            required("DATABASE_URL"), conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "600"))
        )
    }
else:
    DATABASES = {
        "default": database_config(
            env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=0
        )
    }
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL session options for the portal's connections. Its requests are short and run
# side by side on few cores: parallel query (extra worker processes for one query) made the
# listing's facet counts a third slower under concurrent load, so it is off by default
# (docs/performance.md). An empty DATABASE_PG_OPTIONS keeps the server's own settings.
DATABASE_PG_OPTIONS = env("DATABASE_PG_OPTIONS", "-c max_parallel_workers_per_gather=0")
if DATABASE_PG_OPTIONS and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = DATABASE_PG_OPTIONS

# How long storing an enquiry waits for a streaming replica to have it on disk, so that a
# crash of the primary cannot lose an enquiry whose sender was given its reference
# (core/replication.py, docs/deploy.md). Only while a replica streams; 0 never waits.
DATABASE_REPLICA_WAIT_SECONDS = float(env("DATABASE_REPLICA_WAIT_SECONDS", "5"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username and address never reach the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

WHITENOISE_USE_FINDERS = not PRODUCTION

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = production_required("DEFAULT_FROM_EMAIL", "no-reply@example.org")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Behind a TLS-terminating proxy in production.
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Load balancers probe nodes over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    # The __Host- prefix makes browsers refuse these cookies unless they are Secure,
    # host-only and for the whole site, so no subdomain can plant or read them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
# Set for signed-in staff (portal/middleware.py): nginx's page cache lets them through.
STAFF_COOKIE_NAME = "__Host-portal_staff" if PRODUCTION else "portal_staff"
# Only staff have sessions. They end when the browser closes, and after
# SESSION_IDLE_SECONDS without a request (every request renews the expiry).
SESSION_COOKIE_AGE = int(env("SESSION_IDLE_SECONDS", str(60 * 60 * 2)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The proxies in front of the portal (addresses or networks, comma-separated): the reference
# nginx on the same machine, plus a load balancer in front of it if there is one. Only a
# request from one of them has its X-Forwarded-For read; the client's address (rate limits,
# login lockouts, logs) is the first hop from the right that is not one of them
# (core/client_address.py). Empty: no proxy, the connection's address is the client.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1" if PRODUCTION else "")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is not an address.") from _error
# Both said which header to believe, separately: TRUSTED_PROXIES now decides for everything.
for _retired in ("ENQUIRY_CLIENT_ADDRESS_META", "AXES_TRUST_FORWARDED_FOR"):
    if env(_retired) is not None:
        raise ImproperlyConfigured(f"{_retired} is replaced by TRUSTED_PROXIES (docs/deploy.md).")

# --- Cache and sessions --------------------------------------------------------------------

# Redis when REDIS_URL (or CACHE_URL) is set: one cache shared by every web and worker node
# for pages, sessions and rate limits. Otherwise a per-process memory cache, which is right
# for development and tests but not for several processes (see docs/deploy.md). Production
# always has several (gunicorn's workers, the worker process), so there it is required.
CACHE_URL = env("REDIS_URL") or env("CACHE_URL") or (required("REDIS_URL") if PRODUCTION else "")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "portal"),
            # Fail fast: a slow Redis must not hold every worker (pages then come from the DB).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    # Sessions (staff only) read from Redis and survive its restart in the database.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "portal",
        }
    }

# --- Internationalisation ------------------------------------------------------------------

# Visitors whose browser names no supported language get English (see portal/urls.py).
LANGUAGE_CODE = "en"
LANGUAGES = [(language.code, language.native_name) for language in SITE_LANGUAGES]
LANGUAGES_BIDI = [language.code for language in SITE_LANGUAGES if language.direction == "rtl"]
register_language_info()
LOCALE_PATHS = [BASE_DIR / "locale"]
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# --- Third-party packages ------------------------------------------------------------------

MODELTRANSLATION_DEFAULT_LANGUAGE = CONTENT_REQUIRED_LANGUAGE
MODELTRANSLATION_LANGUAGES = tuple(code for code, _name in LANGUAGES)
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": CONTENT_FALLBACK, **CONTENT_FALLBACK_BY_LANGUAGE}

# django-simple-history: who changed what, with revert in the admin (docs/admin.md).
SIMPLE_HISTORY_REVERT_DISABLED = False
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# django-import-export: importing writes, so it needs the change permission.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# django-axes: after AXES_FAILURE_LIMIT failed logins for one username from one address,
# that pair is refused for AXES_COOLOFF_MINUTES (a correct password included).
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# The client's address as core/client_address.py derives it from TRUSTED_PROXIES.
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_address"

# django-otp: staff who have a confirmed TOTP device must enter its code at login;
# ADMIN_REQUIRE_TWO_FACTOR=true refuses the admin to every staff member without one.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "International Associations portal")
ADMIN_REQUIRE_TWO_FACTOR = env_bool("ADMIN_REQUIRE_TWO_FACTOR", False)

# --- This portal ---------------------------------------------------------------------------

# Listing page size: all 63 real associations fit on one page, grouped by region like
# CLAIR's own page; larger data sets paginate.
DIRECTORY_PAGE_SIZE = int(env("DIRECTORY_PAGE_SIZE", "100"))

# Public pages (the language-prefixed URLs) kept in the shared cache, per URL with its query
# string, until staff change content (core/caching.py) or this many seconds pass. Off by
# default without a shared cache: a per-process cache could not be invalidated everywhere.
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "600" if PRODUCTION and CACHE_URL else "0"))
# Each process also keeps the pages it served for this long, so that most hits need no
# round trip to Redis; another node's change then shows here within this many seconds.
PAGE_CACHE_LOCAL_SECONDS = float(env("PAGE_CACHE_LOCAL_SECONDS", "1" if PRODUCTION else "0"))
# How long browsers and proxies may reuse a public page before revalidating it (ETag).
PUBLIC_PAGE_MAX_AGE = int(env("PUBLIC_PAGE_MAX_AGE", "300" if PRODUCTION else "0"))
# Apps (or "app.Model") whose changes are shown on public pages and so empty the page cache
# and what is built once per content generation (the enquiry form's topics, for one).
PAGE_CACHE_CONTENT_MODELS = [
    "directory",
    "pages",
    "enquiries.Division",
    "enquiries.Topic",
    "admin.LogEntry",
]

# The admin speaks Japanese unless a staff member chose another language (docs/admin.md).
ADMIN_DEFAULT_LANGUAGE = env("ADMIN_DEFAULT_LANGUAGE", "ja")

# Website link checks (manage.py check_links and the admin action).
LINKCHECK_TIMEOUT = float(env("LINKCHECK_TIMEOUT", "10"))
LINKCHECK_WORKERS = int(env("LINKCHECK_WORKERS", "8"))
# The admin action checks at most this many rows and waits at most this long in the request.
LINKCHECK_ADMIN_MAX_ROWS = int(env("LINKCHECK_ADMIN_MAX_ROWS", "30"))
LINKCHECK_ADMIN_DEADLINE = float(env("LINKCHECK_ADMIN_DEADLINE", "20"))

# Enquiries (enquiries/, docs/enquiries.md) ------------------------------------------------

# Staff promise a reply within this many working days (weekdays that are not Japanese
# public holidays or the year-end closure); the acknowledgement says so and the admin flags
# open enquiries older than that as overdue.
ENQUIRY_REPLY_WORKING_DAYS = int(env("ENQUIRY_REPLY_WORKING_DAYS", "5"))
# `manage.py anonymise_enquiries` (daily, from cron) strips the personal data of enquiries
# closed (or marked spam) longer ago than this, and of open ones (new, in progress,
# answered) whose status has not changed for the longer period. The admin warns staff of
# what will be anonymised within the warning period.
ENQUIRY_RETENTION = timedelta(days=int(env("ENQUIRY_RETENTION_DAYS", "365")))
ENQUIRY_OPEN_RETENTION = timedelta(days=int(env("ENQUIRY_OPEN_RETENTION_DAYS", "730")))
ENQUIRY_RETENTION_WARNING = timedelta(days=int(env("ENQUIRY_RETENTION_WARNING_DAYS", "30")))
# The division's copy is written in the staff's language; acknowledgements in the resident's.
ENQUIRY_STAFF_LANGUAGE = env("ENQUIRY_STAFF_LANGUAGE", "ja")
# Where staff open the admin; the division's copy links to the enquiry there.
ENQUIRY_SITE_URL = production_required("ENQUIRY_SITE_URL", "http://127.0.0.1:8000")
ENQUIRY_MESSAGE_ID_DOMAIN = env(
    "ENQUIRY_MESSAGE_ID_DOMAIN", DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
)
# Abuse resistance without a CAPTCHA: a form sent back faster than this is kept as spam; a
# form older than the maximum age must be checked again; per-client and per-address limits
# (count per window in seconds) use the cache; bigger request bodies are refused.
ENQUIRY_MIN_FILL_SECONDS = int(env("ENQUIRY_MIN_FILL_SECONDS", "3"))
ENQUIRY_FORM_MAX_AGE_SECONDS = int(env("ENQUIRY_FORM_MAX_AGE_SECONDS", str(60 * 60 * 24)))
ENQUIRY_RATE_LIMIT_PER_CLIENT = (int(env("ENQUIRY_RATE_LIMIT_PER_CLIENT", "5")), 60 * 60)
ENQUIRY_RATE_LIMIT_PER_EMAIL = (int(env("ENQUIRY_RATE_LIMIT_PER_EMAIL", "3")), 60 * 60)
ENQUIRY_MAX_REQUEST_BYTES = int(env("ENQUIRY_MAX_REQUEST_BYTES", str(256 * 1024)))
# Any other request body (admin forms and imports); nginx's client_max_body_size matches.
REQUEST_MAX_BODY_BYTES = int(env("REQUEST_MAX_BODY_BYTES", str(1024 * 1024)))
# The outbox: retries back off exponentially from the base delay up to the ceiling, and give
# up (the delivery shows as failed in the admin) after the last attempt. A worker holds a
# message for the lease time; after that another worker may send it again.
ENQUIRY_DELIVERY_MAX_ATTEMPTS = int(env("ENQUIRY_DELIVERY_MAX_ATTEMPTS", "12"))
ENQUIRY_DELIVERY_BACKOFF_SECONDS = int(env("ENQUIRY_DELIVERY_BACKOFF_SECONDS", "60"))
ENQUIRY_DELIVERY_BACKOFF_MAX_SECONDS = int(
    env("ENQUIRY_DELIVERY_BACKOFF_MAX_SECONDS", str(6 * 60 * 60))
)
ENQUIRY_DELIVERY_LEASE_SECONDS = int(env("ENQUIRY_DELIVERY_LEASE_SECONDS", "300"))
# A send whose outcome is unknown (the server went quiet after DATA, so it may have stored
# the message) is retried this many times, this long after, then left to staff.
ENQUIRY_DELIVERY_UNKNOWN_RETRIES = int(env("ENQUIRY_DELIVERY_UNKNOWN_RETRIES", "1"))
ENQUIRY_DELIVERY_UNKNOWN_RETRY_SECONDS = int(
    env("ENQUIRY_DELIVERY_UNKNOWN_RETRY_SECONDS", str(60 * 60))
)

# `manage.py run_worker` runs each of these callables in turn (each returns how many items
# it handled) and sleeps for the poll interval when none had anything to do.
WORKER_JOBS = ["enquiries.outbox.deliver_due"]
# `make run` starts the worker beside the development server; it looks every second there,
# so that an enquiry's e-mails show in the console as the confirmation page says.
WORKER_POLL_SECONDS = float(env("WORKER_POLL_SECONDS", "5" if PRODUCTION else "1"))
# Open data (portal/views.py, directory/open_data.py): the licence stated on the open-data
# page and inside every export. CLAIR decides the licence; CC BY 4.0 is compatible with the
# Japanese government's standard terms of use for open data.
OPEN_DATA_LICENCE_NAME = env("OPEN_DATA_LICENCE_NAME", "CC BY 4.0")
OPEN_DATA_LICENCE_URL = env("OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/")

# One JSON object per line in production (portal/log.py), readable text in development.
LOG_FORMAT = env("LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "core.log.JsonFormatter"},
        "text": {"format": "%(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}
