import gzip
import importlib
import io
import logging
import re
import secrets

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language_from_path

from core import caching, errors
from core.text_size import DEFAULT as TEXT_SIZE_DEFAULT
from core.text_size import current_text_size

logger = logging.getLogger(__name__)

ADMIN_LANGUAGE_COOKIE = "admin_language"


def admin_language(request):
    """The staff member's saved choice, else this browser's last choice, else Japanese."""
    codes = {code for code, _name in settings.LANGUAGES}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        preferences = getattr(user, "staff_preferences", None)
        if preferences is not None and preferences.admin_language in codes:
            return preferences.admin_language
    cookie = request.COOKIES.get(ADMIN_LANGUAGE_COOKIE)
    if cookie in codes:
        return cookie
    return settings.ADMIN_DEFAULT_LANGUAGE


class AdminLanguageMiddleware:
    """The admin has no language prefix: it speaks the staff member's chosen language.

    Visitors' language choices (URL prefix, Django's language cookie) do not reach the
    admin, and an admin choice never changes the public site's language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(reverse("admin:index")):
            language = admin_language(request)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


# No inline script or style anywhere (house style), so 'self' is all pages need. A template
# that really needs an inline element uses {{ request.csp_nonce }}; the nonce is then added
# here, and that response is never stored in a shared cache.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)


class CspNonce:
    """A per-request nonce that is only made (and only put in the header) when a template
    uses it."""

    def __init__(self):
        self.value = None

    def __str__(self):
        if self.value is None:
            self.value = secrets.token_urlsafe(16)
        return self.value

    @property
    def used(self):
        return self.value is not None


def content_security_policy(nonce=None):
    directives = []
    for name, sources in CONTENT_SECURITY_POLICY.items():
        if nonce and name in ("script-src", "style-src"):
            sources = [*sources, f"'nonce-{nonce}'"]
        directives.append(f"{name} {' '.join(sources)}")
    return "; ".join(directives)


STATIC_POLICY = content_security_policy()


class SecurityHeadersMiddleware:
    """The headers Django's SecurityMiddleware does not set, on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = CspNonce()
        response = self.get_response(request)
        nonce = request.csp_nonce
        response.headers.setdefault(
            "Content-Security-Policy",
            content_security_policy(nonce.value) if nonce.used else STATIC_POLICY,
        )
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        return response


ACCEPTS_GZIP = re.compile(r"\bgzip\b")
ACCEPTS_BROTLI = re.compile(r"\bbr\b(?!\s*;\s*q=0(\.0*)?\s*(,|$))")


def accepts_brotli(request):
    return ACCEPTS_BROTLI.search(request.headers.get("Accept-Encoding", "")) is not None


VARYING_ON_VISITOR = {"cookie", "accept-language", "authorization", "*"}
# Cookies a public (language-prefixed) page never depends on: a CSRF token is only used by
# forms, which set the cookie again and so are never stored; the language is in the URL.
# A forged staff marker (below) only sends the request past nginx's cache to this one.
HARMLESS_COOKIES = {
    settings.CSRF_COOKIE_NAME,
    settings.LANGUAGE_COOKIE_NAME,
    settings.STAFF_COOKIE_NAME,
}
# Served like public pages although they have no language prefix.
PUBLIC_UNPREFIXED_PATHS = re.compile(r"/sitemap(-[a-z0-9-]+)?\.xml")


class PublicPageCacheMiddleware:
    """Public pages: served from the shared cache, compressed once, answered 304 when the
    visitor's copy is current, and given Cache-Control so a proxy in front may keep them.

    Public pages are the language-prefixed GET/HEAD URLs requested without a session
    cookie. A response is stored only if it is a plain 200 that sets no cookie, does not
    vary on the visitor and used no CSP nonce; anything else passes through untouched.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.is_public_request(request):
            response = self.get_response(request)
            if current_text_size(request) != TEXT_SIZE_DEFAULT:
                # The page's HTML depends on the text-size cookie: no shared cache may keep it.
                patch_cache_control(response, private=True, no_cache=True)
            return response
        # The session (if any) is nobody's: nothing below may read it, or answer by deleting
        # its cookie (which would make the page unstorable).
        request.COOKIES.pop(settings.SESSION_COOKIE_NAME, None)
        # Raises DisallowedHost (a 400) for a host not in ALLOWED_HOSTS, before any lookup.
        key = caching.entry_key(request)
        generation, entry = self.lookup(key)
        # A disabled cache (PAGE_CACHE_SECONDS=0) replays nothing, not even pages stored in
        # the shared cache while it was on: every request renders.
        if entry is not None and settings.PAGE_CACHE_SECONDS > 0:
            return self.replay(request, entry)
        response = self.get_response(request)
        if not self.is_public_response(request, response):
            if response.cookies and not response.has_header("Cache-Control"):
                response["Cache-Control"] = "private, no-cache"
            return response
        # Brotli for a stored page (built once, replayed often) or a client that takes it.
        with_brotli = settings.PAGE_CACHE_SECONDS > 0 or accepts_brotli(request)
        if generation is None:
            entry = caching.build_entry(caching.new_generation(), response, with_brotli)
            return self.replay(request, entry)
        entry = caching.build_entry(generation, response, with_brotli)
        if settings.PAGE_CACHE_SECONDS > 0:
            try:
                caching.store(key, entry)
            except Exception:
                logger.warning("Page cache unavailable; page not stored", exc_info=True)
        return self.replay(request, entry)

    @staticmethod
    def is_public_request(request):
        return (
            request.method in ("GET", "HEAD")
            # A chosen text size changes the HTML; only the default page is shared.
            and current_text_size(request) == TEXT_SIZE_DEFAULT
            and (
                get_language_from_path(request.path_info) is not None
                or PUBLIC_UNPREFIXED_PATHS.fullmatch(request.path_info) is not None
            )
            # Last: it may read the session store.
            and not caching.signed_in(request)
        )

    @staticmethod
    def is_public_response(request, response):
        user = getattr(request, "user", None)
        vary = {value.strip().lower() for value in response.get("Vary", "").split(",")}
        if PUBLIC_UNPREFIXED_PATHS.fullmatch(request.path_info):
            # The sitemaps name every language's URLs explicitly: the same file for everyone,
            # although LocaleMiddleware, seeing no language prefix, added the header.
            vary.discard("accept-language")
        if vary & VARYING_ON_VISITOR == {"cookie"} and set(request.COOKIES) <= HARMLESS_COOKIES:
            # A view looked at request.user, so the session middleware added "Vary: Cookie";
            # but there is no session, and public pages vary on no other cookie: this is the
            # page every anonymous visitor gets.
            vary.discard("cookie")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not response.has_header("Cache-Control")
            and not vary & VARYING_ON_VISITOR
            and not request.csp_nonce.used
            and not (user is not None and user.is_authenticated)
        )

    @staticmethod
    def lookup(key):
        try:
            return caching.lookup(key)
        except Exception:
            # Pages still come from the database; /healthz reports the cache as down.
            logger.warning("Page cache unavailable; serving uncached", exc_info=True)
            return None, None

    @staticmethod
    def replay(request, entry):
        # getattr: entries stored before brotli have no such field.
        body_brotli = getattr(entry, "body_brotli", b"")
        if body_brotli and accepts_brotli(request):
            response = HttpResponse(body_brotli, status=entry.status)
            response["Content-Encoding"] = "br"
        elif ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
            response = HttpResponse(entry.body_gzip, status=entry.status)
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(gzip.decompress(entry.body_gzip), status=entry.status)
        for name, value in entry.headers:
            response[name] = value
        response["ETag"] = entry.etag
        response["Last-Modified"] = http_date(entry.last_modified)
        response["Cache-Control"] = f"public, max-age={settings.PUBLIC_PAGE_MAX_AGE}"
        patch_vary_headers(response, ["Accept-Encoding"])
        return get_conditional_response(
            request, etag=entry.etag, last_modified=entry.last_modified, response=response
        )


class StaffCookieMiddleware:
    """Marks the browsers of signed-in staff with a cookie nginx can see (STAFF_COOKIE_NAME):
    their requests skip nginx's page cache (deploy/nginx/portal-http.conf).

    The session cookie cannot do this: anyone can send one, and nginx cannot tell a real
    session from a made-up one. A forged marker only reaches Django, whose page cache then
    serves the public page. The marker goes when the admin finds nobody signed in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated and user.is_staff
        marked = settings.STAFF_COOKIE_NAME in request.COOKIES
        if signed_in and not marked:
            response.set_cookie(
                settings.STAFF_COOKIE_NAME,
                "1",
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        elif marked and not signed_in and request.path_info.startswith(reverse("admin:index")):
            response.delete_cookie(settings.STAFF_COOKIE_NAME, samesite="Lax")
        return response


class RequestBodyLimitMiddleware:
    """Refuses a request body larger than its view accepts with 413, before anything (CSRF's
    check included) reads it: REQUEST_MAX_BODY_BYTES everywhere, less where a view says so
    (`max_request_bytes` on the view, as enquiries.views.limit_request_body sets).

    A declared Content-Length is checked without reading anything. A chunked body (no
    Content-Length) is read up to the limit, and refused if there is more; what was read is
    then what the view gets.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.check(request, settings.REQUEST_MAX_BODY_BYTES) or self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = getattr(view_func, "max_request_bytes", None)
        if limit is None:
            return None
        template = getattr(view_func, "request_too_large_template", "413.html")
        return self.check(request, limit(), template)

    def check(self, request, limit, template="413.html"):
        meta = request.META
        try:
            length = int(meta.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return self.too_large(request, template)
        if "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower() and not length:
            body = meta["wsgi.input"].read(limit + 1)
            if len(body) > limit:
                return self.too_large(request, template)
            # The body is what Django reads from now on (it reads CONTENT_LENGTH bytes).
            meta["wsgi.input"] = io.BytesIO(body)
            meta["CONTENT_LENGTH"] = str(len(body))
            meta.pop("HTTP_TRANSFER_ENCODING")
            request._stream = LimitedStream(meta["wsgi.input"], len(body))
        return None

    @staticmethod
    def too_large(request, template):
        logger.warning("Request body too large: %s", request.path)
        if template == "413.html":
            response = errors.error_page(request, template, 413)
        else:
            response = render(request, template, status=413)
        # The rest of the body is never read: the connection cannot carry another request.
        response["Connection"] = "close"
        return response


# The light path. An anonymous read (GET or HEAD of a language-prefixed public page, no
# session cookie) gives the login lockout, two-factor, history and admin-language
# middleware nothing to do: no login is attempted, no staff member is verified, nothing
# is written, the admin is never under a language prefix. The wrappers below skip them
# there and run them unchanged everywhere else (the admin, forms posted, staff sessions).


def is_anonymous_read(request):
    try:
        return request._portal_anonymous_read
    except AttributeError:
        request._portal_anonymous_read = answer = (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and get_language_from_path(request.path_info) is not None
        )
        return answer


class SkippedOnAnonymousRead:
    """Runs `wrapped` (a middleware class) except on an anonymous read."""

    wrapped = None

    def __init__(self, get_response):
        self.get_response = get_response
        # `wrapped` is a staticmethod: a wrapped function (simple_history's) must not bind.
        self.full = self.wrapped(get_response)

    def __call__(self, request):
        if is_anonymous_read(request):
            return self.get_response(request)
        return self.full(request)


def _skipped_on_anonymous_read(path):
    module, name = path.rsplit(".", 1)
    wrapped = getattr(importlib.import_module(module), name)
    return type(
        name,
        (SkippedOnAnonymousRead,),
        {"wrapped": staticmethod(wrapped), "__doc__": wrapped.__doc__},
    )


OTPMiddleware = _skipped_on_anonymous_read("django_otp.middleware.OTPMiddleware")
HistoryRequestMiddleware = _skipped_on_anonymous_read(
    "simple_history.middleware.HistoryRequestMiddleware"
)
LightAdminLanguageMiddleware = type(
    "AdminLanguageMiddleware", (SkippedOnAnonymousRead,), {"wrapped": AdminLanguageMiddleware}
)
