"""Fixed-window counters in Django's cache (Redis in production, shared by every process)."""

import hashlib
import time

from django.core.cache import cache


def _key(scope, identifier, window, now):
    digest = hashlib.sha256(identifier.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"enquiries:rate:{scope}:{digest}:{int(now // window)}"


def hit(scope, identifier, limit, window):
    """Count one use; return how many seconds to wait when over the limit, else 0."""
    now = time.time()
    key = _key(scope, identifier, window, now)
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:
        # The counter expired between add() and incr().
        cache.set(key, 1, timeout=window)
        count = 1
    if count > limit:
        return int(window - now % window) + 1
    return 0
