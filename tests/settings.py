"""The test run's settings: the portal's own, in development (the default is production)."""

import os
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

os.environ.setdefault("PORTAL_ENV", "development")

# Under pytest-xdist each worker (gw0, gw1, …) gets its own Redis database: the tests empty
# the cache between them (FLUSHDB), which must not empty another worker's cache mid-test.
# The environment is rewritten, not only CACHES, so that the production processes some
# tests start (the `redis_url` fixture) use the same worker's database.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and os.environ.get("REDIS_URL"):
    _database = str(int(_worker[2:]) + 1)
    _url = urlsplit(os.environ["REDIS_URL"])
    if _url.scheme == "unix":  # unix:///path/redis.sock?db=N
        _query = parse_qs(_url.query) | {"db": [_database]}
        _url = _url._replace(query=urlencode(_query, doseq=True))
    else:  # redis://host:port/N
        _url = _url._replace(path=f"/{_database}")
    os.environ["REDIS_URL"] = urlunsplit(_url)

from portal.settings import *  # noqa: E402, F403
