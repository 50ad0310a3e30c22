"""Whether the services every page needs (the database and the shared cache) answer."""

import logging
import secrets

import psycopg
import redis.exceptions
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection

logger = logging.getLogger(__name__)

# Errors that mean "a service is down or unreachable", as opposed to a bug: visitors get the
# 503 page for these (portal.views.server_error), and a form can catch them to tell the
# visitor it cannot accept their submission right now.
SERVICE_UNAVAILABLE_ERRORS = (
    OperationalError,
    InterfaceError,
    # psycopg's own, as Django lets some through unwrapped: closing the server-side cursor of
    # QuerySet.iterator() (a ModelChoiceField rendering its options does that) on a connection
    # the server dropped (the failover rehearsal, docs/deploy.md).
    psycopg.OperationalError,
    psycopg.InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    ConnectionError,
    TimeoutError,
)


def database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except SERVICE_UNAVAILABLE_ERRORS:
        logger.warning("Health check: database unavailable", exc_info=True)
        return False


def cache_ok():
    # A key of its own: several nodes may be checked at the same moment.
    key = f"healthz:{secrets.token_hex(8)}"
    try:
        cache.set(key, "ok", timeout=10)
        found = cache.get(key)
        cache.delete(key)
        return found == "ok"
    except SERVICE_UNAVAILABLE_ERRORS:
        logger.warning("Health check: cache unavailable", exc_info=True)
        return False
