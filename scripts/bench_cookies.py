"""`make bench-cookies`: the listing under a flood of made-up session cookies (issue 11).

A `Cookie: __Host-sessionid=…` that names no signed-in session must not make a public page
uncacheable: nginx does not skip its cache for it, and Django answers it from its page cache
(docs/deploy.md, "Requests that must not be able to defeat the caches"). This measures that it
holds: `/en/associations/` with no cookie, with one fixed bogus cookie, with a new
well-formed random session key on every request (each names no session, so each costs Django
a session lookup when it reaches Django), and with that key plus a forged staff marker (which
nginx lets past its cache), through the reference nginx and straight to gunicorn.

Starts, on 127.0.0.1 only, PostgreSQL, Redis, gunicorn (2 sync workers, production settings,
deploy/gunicorn.conf.py) with the real data, and nginx with deploy/nginx/portal-http.conf and
portal-locations.conf, as `make bench` does, and stops them all when it ends. wrk, 1 thread,
4 connections, `Accept-Encoding: gzip`; every scenario sends its requests from the same Lua
`request()` (only the cookie differs) in 1-second rounds interleaved with the others, so
that other load on the machine weighs on all of them alike. Writes reports/bench-cookies.json
and prints a summary; docs/performance.md discusses a run.
"""

import argparse
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
import urllib.parse
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.bench import (  # noqa: E402
    NGINX_CONFIG,
    REPORTS,
    Scenario,
    fetch,
    measure,
    require_ok,
    tool_versions,
)
from scripts.services import (  # noqa: E402
    BASE_DIR,
    free_port,
    gunicorn,
    http_status,
    manage,
    nginx,
    postgres,
    production_env,
    redis,
    wait_until,
)

LISTING_PATH = "/en/associations/"

COOKIE_LUA = """
local mode = "%s"
local characters = "abcdefghijklmnopqrstuvwxyz0123456789"
-- What Django's session keys look like (32 of [a-z0-9]), naming no session: made before the
-- clock starts, so that the client does the same work in every scenario.
local keys, next_key = {}, 1
init = function(args)
  for k = 1, 10000 do
    local key = {}
    for i = 1, 32 do
      local n = math.random(#characters)
      key[i] = characters:sub(n, n)
    end
    keys[k] = table.concat(key)
  end
end
request = function()
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  local key = keys[next_key]
  next_key = next_key %% #keys + 1
  if mode == "fixed" then
    headers["Cookie"] = "__Host-sessionid=bogus"
  elseif mode == "random" then
    headers["Cookie"] = "__Host-sessionid=" .. key
  elseif mode == "staff" then
    headers["Cookie"] = "__Host-portal_staff=1; __Host-sessionid=" .. key
  end
  return wrk.format(nil, nil, headers)
end
"""

COOKIES = {
    "no_cookie": "none",
    "fixed_bogus_cookie": "fixed",
    "random_session_key": "random",
    # The forged staff marker sends the request past nginx's cache (portal-http.conf), so
    # each one reaches Django, which reads the session it names.
    "forged_staff_marker_and_random_key": "staff",
}


def scenarios(where):
    return [
        Scenario(f"{where}_{name}", LISTING_PATH, where, lua=COOKIE_LUA % mode)
        for name, mode in COOKIES.items()
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--duration", type=int, default=5, help="seconds per scenario (1-second rounds)"
    )
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    for tool in ("wrk", "nginx", "redis-server"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install -y wrk nginx redis-server postgresql")

    started = time.monotonic()
    results = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "method": {
            "wrk": f"1 thread, {args.connections} connections, {args.duration} s per scenario "
            "in 1-second rounds interleaved with the other scenarios, Accept-Encoding: gzip, "
            "one Lua request() for every scenario",
            "cookies": "none; `__Host-sessionid=bogus`; a random 32-character [a-z0-9] "
            "session key naming no session, a new one per request (10,000 made beforehand); "
            "the same with a forged `__Host-portal_staff=1`",
            "gunicorn": "2 sync workers, production settings, PostgreSQL and Redis on "
            "loopback, real data; worker recycling (max_requests) off",
            "nginx": "deploy/nginx/portal-http.conf and portal-locations.conf in front of it",
        },
        "machine": tool_versions(),
        # Other work on the machine skews absolute figures; ratios within one run less so.
        "load_average_at_start": os.getloadavg(),
    }
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="portal-cookies-")))
        pg = stack.enter_context(postgres())
        redis_url = stack.enter_context(redis())
        env = production_env(
            work,
            redis_url,
            DATABASE_URL=pg.create_database("portal"),
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
            GUNICORN_CMD_ARGS="--max-requests 0",  # as in `make bench`
        )
        print("Preparing…", flush=True)
        manage("migrate", "-v0", env=env)
        manage("load_initial_data", "-v0", env=env)
        pg.psql("-c", "VACUUM ANALYZE", database="portal")
        manage("collectstatic", "--noinput", "-v0", env=env)
        base = stack.enter_context(gunicorn(env))
        require_ok(base, LISTING_PATH)

        directory = work / "nginx"
        (directory / "temp").mkdir(parents=True)
        for path in [work, directory, directory / "temp"]:
            path.chmod(0o755)
        port = free_port()
        config = NGINX_CONFIG.format(
            dir=directory,
            upstream=urllib.parse.urlsplit(base).netloc,
            port=port,
            locations=BASE_DIR / "deploy" / "nginx" / "portal-locations.conf",
            http=BASE_DIR / "deploy" / "nginx" / "portal-http.conf",
        )
        proxy = f"http://127.0.0.1:{port}"
        process = stack.enter_context(nginx(config, directory))
        wait_until(lambda: http_status(proxy + "/healthz") == 200, "nginx", process=process)

        # The answer a made-up cookie gets, once: the cached page, no cookie set.
        fetch(proxy + LISTING_PATH, {"Accept-Encoding": "gzip"})
        status, headers, _body = fetch(
            proxy + LISTING_PATH,
            {"Accept-Encoding": "gzip", "Cookie": "__Host-sessionid=" + secrets.token_hex(16)},
        )
        results["bogus_cookie_answer"] = {
            "status": status,
            "x_cache_status": headers.get("X-Cache-Status"),
            "set_cookie": headers.get("Set-Cookie"),
        }
        print(f"  a made-up cookie through nginx: {results['bogus_cookie_answer']}", flush=True)

        print("Measuring through nginx and straight to gunicorn…", flush=True)
        results["nginx"] = measure(proxy, scenarios("nginx"), args)
        results["gunicorn"] = measure(base, scenarios("gunicorn"), args)
    for where in ("nginx", "gunicorn"):
        plain = results[where][f"{where}_no_cookie"]["requests_per_s"]
        for name in COOKIES:
            result = results[where][f"{where}_{name}"]
            result["method"] = "GET"  # measure() takes a Lua scenario for a POST
            result["ratio_to_no_cookie"] = round(result["requests_per_s"] / plain, 3)
    results["elapsed_s"] = round(time.monotonic() - started, 1)
    results["load_average_at_end"] = os.getloadavg()

    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "bench-cookies.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n"
    )
    print(f"\nWritten to {REPORTS / 'bench-cookies.json'} ({results['elapsed_s']} s in all).")
    errors = sum(r["errors"] for where in ("nginx", "gunicorn") for r in results[where].values())
    if errors:
        sys.exit(f"{errors} requests failed")


if __name__ == "__main__":
    main()
