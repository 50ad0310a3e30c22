"""In-process CPU per request, for `make bench`: `python scripts/bench_cpu.py PATH…`.

Run with the benchmark's environment (production settings, its PostgreSQL and Redis,
PAGE_CACHE_SECONDS=0 so that every request renders). Each path goes through the same WSGI
application gunicorn serves (scripts/bench_floor.py: the portal's handler, or the floor's
for /bench/floor/…): 10 requests to warm up, then 50 timed, one after the other. Reports,
as JSON on stdout, the median CPU time of this process per request (time.process_time:
Python, Django, the database driver; the database server's own work is not in it), the
median wall time, and the queries per request. Also the listing's facet counts built cold
(just after a content change) and warm, in the same process.
"""

import gc
import io
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.utils import translation  # noqa: E402

from scripts.bench_floor import application  # noqa: E402

WARM_UP = 10
TIMED = 50


def environ(path):
    path, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT_ENCODING": "gzip",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def request(path, counter):
    statuses = []
    body = application(environ(path), lambda status, headers, *args: statuses.append(status))
    size = sum(len(chunk) for chunk in body)
    if hasattr(body, "close"):
        body.close()
    if not statuses or not statuses[0].startswith("200"):
        raise RuntimeError(f"{path} answered {statuses}")
    return size


def measure(path):
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        for _ in range(WARM_UP):
            request(path, counter)
        cpu, wall, queries = [], [], []
        for _ in range(TIMED):
            counter.count = 0
            started_cpu, started = time.process_time(), time.perf_counter()
            size = request(path, counter)
            cpu.append(time.process_time() - started_cpu)
            wall.append(time.perf_counter() - started)
            queries.append(counter.count)
    return {
        "cpu_ms": round(statistics.median(cpu) * 1000, 2),
        "wall_ms": round(statistics.median(wall) * 1000, 2),
        "queries": statistics.median(queries),
        "bytes_gzip": size,
    }


def facet_times():
    from core.caching import bump_generation
    from directory.listing import Listing

    def timed(build, times):
        results = []
        for _ in range(times):
            started = time.perf_counter()
            build()
            results.append(time.perf_counter() - started)
        return round(statistics.median(results) * 1000, 2)

    with translation.override("en"):

        def cold():
            bump_generation()
            return Listing(QueryDict(""), "en").facets

        cold_ms = timed(cold, 5)
        assert Listing(QueryDict(""), "en").facets  # this generation's counts, built once
        warm_ms = timed(lambda: Listing(QueryDict(""), "en").facets, 20)
    return {"facets_cold_ms": cold_ms, "facets_warm_ms": warm_ms}


def main():
    paths = sys.argv[1:]
    # As a gunicorn worker after post_worker_init (deploy/gunicorn.conf.py).
    request(paths[0], QueryCounter())
    gc.collect()
    gc.freeze()
    results = {path: measure(path) for path in paths}
    results["facets"] = facet_times()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
