"""The shared cache of public pages and the HTTP caching headers that go with it.

A page is stored under a key made of its scheme, host, path and full query string (the
language is the path's prefix). Every entry records the content *generation* it was built
from; staff saving any public content bumps the generation (signals below), and an entry of
an older generation is a miss. One round trip (`get_many`) fetches both the generation and
the entry, so a hit costs about what a trivial view does.
"""

import gzip
import hashlib
import logging
import re
import time
from dataclasses import dataclass
from importlib import import_module

import brotli
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cached_db
from django.core.cache import cache, caches
from django.db import transaction

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
ENTRY_PREFIX = "page-cache:page:"
# Headers a stored page is replayed with; everything else comes from the middleware.
STORED_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag")
COMPRESS_MIN_BYTES = 500
BROTLI_QUALITY = 5


@dataclass(frozen=True)
class CachedPage:
    generation: int
    status: int
    headers: tuple
    body_gzip: bytes
    etag: str
    last_modified: int
    # Brotli (quality 5: 1 ms for the listing, 7 % smaller than gzip); empty when the page
    # was built for one gzip client and not stored.
    body_brotli: bytes = b""


def new_generation():
    return time.time_ns()


def bump_generation():
    """Make every stored page stale. Call after changing public content in bulk."""
    memory.forget()
    cache.set(GENERATION_KEY, new_generation(), timeout=None)


def current_generation(value):
    """The generation `value` read from the cache, creating it when the cache has none."""
    if value is not None:
        return value
    value = new_generation()
    if not cache.add(GENERATION_KEY, value, timeout=None):
        value = cache.get(GENERATION_KEY, value)
    return value


def entry_key(request):
    identity = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return ENTRY_PREFIX + hashlib.sha256(identity.encode()).hexdigest()


# What Django's session backends make (32 of [a-z0-9]); any other value names no session.
SESSION_KEY_FORMAT = re.compile(r"[a-z0-9]{32}")


def signed_in(request):
    """Whether the request's session cookie names a session someone is signed in to.

    Only then is a public page personal. A forged, expired or anonymous session cookie gets
    the page every visitor gets, from the cache: otherwise any made-up cookie would make
    every request render (issue 11). One session read (Redis) for a well-formed key, none
    for anything else.

    With the cached_db sessions of production, only the cached copy is read: a key the
    cache does not have is no one's. Reading the database copy as well cost a query for
    every made-up key, and a forged staff marker sends such requests past nginx's cache
    without limit (`make bench-cookies`: 342 against 1,230 requests a second). Staff whose
    cached copy is gone (Redis restarted or full) see public pages as visitors do until
    their next admin page, which reads the session from the database and caches it again.
    """
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key or not SESSION_KEY_FORMAT.fullmatch(key):
        return False
    try:
        store = import_module(settings.SESSION_ENGINE).SessionStore(key)
        if isinstance(store, cached_db.SessionStore):
            return SESSION_KEY in (caches[settings.SESSION_CACHE_ALIAS].get(store.cache_key) or {})
        return SESSION_KEY in store
    except Exception:
        # The session cannot be read: the page is rendered for it, as it always was.
        logger.warning("Session store unavailable; page not shared", exc_info=True)
        return True


class ProcessMemory:
    """The last generation read and the pages last served, kept in this process for
    PAGE_CACHE_LOCAL_SECONDS: a hit then needs no round trip at all. Another process's
    change is seen here that many seconds later at most (1 in production, 0 in development
    and tests); a change made in this process is seen at once."""

    max_pages = 256

    def __init__(self):
        self.forget()

    def forget(self):
        self.generation = None
        self.read_at = 0.0
        self.pages = {}

    def fresh_generation(self):
        seconds = settings.PAGE_CACHE_LOCAL_SECONDS
        if seconds > 0 and time.monotonic() - self.read_at < seconds:
            return self.generation
        return None

    def remember_generation(self, generation):
        if generation != self.generation:
            self.pages = {}
        self.generation, self.read_at = generation, time.monotonic()

    def remember_page(self, key, entry):
        if settings.PAGE_CACHE_LOCAL_SECONDS > 0:
            if len(self.pages) >= self.max_pages:
                self.pages = {}
            self.pages[key] = entry


memory = ProcessMemory()


def lookup(key):
    """(generation, CachedPage or None) for this entry key: from this process's memory, or
    in one round trip to the shared cache."""
    generation = memory.fresh_generation()
    if generation is not None:
        entry = memory.pages.get(key) or cache.get(key)
    else:
        found = cache.get_many([GENERATION_KEY, key])
        generation = current_generation(found.get(GENERATION_KEY))
        memory.remember_generation(generation)
        entry = found.get(key)
    if entry is not None and entry.generation != generation:
        entry = None
    if entry is not None:
        memory.remember_page(key, entry)
    return generation, entry


def build_entry(generation, response, with_brotli=True):
    body = response.content
    return CachedPage(
        generation=generation,
        status=response.status_code,
        headers=tuple(
            (name, response[name]) for name in STORED_HEADERS if response.has_header(name)
        ),
        body_gzip=gzip.compress(body, compresslevel=6, mtime=0),
        etag=f'W/"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"',
        # The generation is the time content last changed, which is what Last-Modified means.
        last_modified=generation // 1_000_000_000,
        body_brotli=brotli.compress(body, quality=BROTLI_QUALITY) if with_brotli else b"",
    )


def store(key, entry):
    cache.set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
    memory.remember_page(key, entry)


def is_content_model(model):
    meta = model._meta
    watched = settings.PAGE_CACHE_CONTENT_MODELS
    return meta.app_label in watched or f"{meta.app_label}.{meta.object_name}" in watched


def content_changed(sender, **kwargs):
    """Signal receiver: staff changed something that public pages show."""
    if kwargs.get("action", "post_").startswith("pre_") or not is_content_model(sender):
        return
    try:
        bump_generation()
        # Bump again once the change is committed: a page rendered from the old rows between
        # the first bump and the commit must not outlive the transaction.
        transaction.on_commit(bump_generation, robust=True)
    except Exception:
        # Saving content must not fail because the cache is down; entries then expire.
        logger.exception("Could not invalidate the page cache")


# Values derived from public content (the listing's facet counts and places, the navigation,
# the division's contact block) are built once per content generation instead of on every
# request: every save that makes the stored pages stale makes these stale too. Each is kept
# in this process (free to read) and in the shared cache (one build for all processes).
DERIVED_PREFIX = "page-cache:derived:"
DERIVED_SECONDS = 24 * 60 * 60


class DerivedMemory:
    def __init__(self):
        self.values = {}

    def get(self, key, generation):
        found = self.values.get(key)
        return found[1] if found is not None and found[0] == generation else None

    def set(self, key, generation, value):
        self.values[key] = (generation, value)


derived = DerivedMemory()


def per_generation(name, build):
    """build()'s value for the current content generation, built at most once per generation
    in all processes (unless two build it at the same moment). A cache that is down costs
    the build, never the page."""
    key = DERIVED_PREFIX + name
    try:
        generation = memory.fresh_generation()
        if generation is not None:
            value = derived.get(key, generation)
            if value is not None:
                return value
            stored = cache.get(key)
        else:
            found = cache.get_many([GENERATION_KEY, key])
            generation = current_generation(found.get(GENERATION_KEY))
            memory.remember_generation(generation)
            value = derived.get(key, generation)
            if value is not None:
                return value
            stored = found.get(key)
    except Exception:
        logger.warning("Cache unavailable; %s built for this request only", name, exc_info=True)
        return build()
    if stored is not None and stored[0] == generation:
        value = stored[1]
    else:
        value = build()
        try:
            cache.set(key, (generation, value), timeout=DERIVED_SECONDS)
        except Exception:
            logger.warning("Cache unavailable; %s not stored", name, exc_info=True)
    derived.set(key, generation, value)
    return value
