"""`make bench`: throughput and latency of the portal under production settings.

Starts its own PostgreSQL, Redis, gunicorn (2 workers, deploy/gunicorn.conf.py) and nginx
(deploy/nginx/portal-locations.conf), all on 127.0.0.1, and drives them with wrk for a fixed
time per scenario: first with the real data, then with 10,000 associations. Everything it
started is stopped when it ends. Writes reports/bench.json (and a dated copy) and prints a
summary; docs/performance.md discusses a run.
"""

import argparse
import gzip
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import ExitStack
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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

REPORTS = BASE_DIR / "reports"
DETAIL_SLUG = "hokkaido"
FILTERED_QUERY = "?region=kanto&level=designated_city"
SEARCH_TERM = "osaka"
SEARCH_PATH = f"/en/search/?q={SEARCH_TERM}"
POSTAL_CODE_PATH = "/en/associations/serving/?postal_code=1600023"
ENQUIRY_FORM_PATH = "/en/enquiries/new/"
ENQUIRY_SEND_PATH = "/en/enquiries/send/"
ENQUIRY_SENT_PREFIX = "/en/enquiries/sent/"
# Every POST comes from 127.0.0.1: the per-client limit (5 an hour) is raised for the bench
# only. Each stored enquiry has its own address, so the per-address limit stays as it is.
ENQUIRY_BENCH_ENV = {"ENQUIRY_RATE_LIMIT_PER_CLIENT": "1000000"}
# The floor (scripts/bench_floor.py): plain Django over the same rows, and bare Django.
FLOOR_LISTING_PATH = "/bench/floor/listing/"
FLOOR_TRIVIAL_PATH = "/bench/floor/trivial/"
# The baseline view under a language prefix: an anonymous public read, the light path.
PUBLIC_BASELINE_PATH = "/en/bench/baseline/"
UNCACHEABLE_SCENARIOS = ("baseline", "baseline_public", "floor_trivial")
EASY_LISTING_PATH = "/ja-easy/associations/"
CPU_PAGES = [
    "/bench/baseline/",
    PUBLIC_BASELINE_PATH,
    FLOOR_TRIVIAL_PATH,
    FLOOR_LISTING_PATH,
    EASY_LISTING_PATH,
]

TARGETS = {
    "nginx_listing_vs_static": 0.9,
    "warm_vs_baseline": 0.8,
    "uncached_listing_p95_ms": {"real": 30, "generated": 60},
    "enquiry_post_p95_ms": 100,
    # Issue 14: against plain Django in the same run.
    "listing_cpu_vs_floor": 3.0,
    "trivial_vs_bare_django": 0.85,
    "warm_listing_vs_bare_django": 0.9,
    "large_listing_wall_ms": 60,
}

WRK_REPORT = """
threads = {}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
  local e = summary.errors
  -- Totals a scenario script keeps in its thread (see ENQUIRY_LUA).
  local sent, unexpected, reused = 0, 0, 0
  for _, thread in ipairs(threads) do
    sent = sent + (thread:get("sent") or 0)
    unexpected = unexpected + (thread:get("unexpected") or 0)
    reused = reused + (thread:get("reused") or 0)
  end
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,'
    .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,'
    .. '"unexpected":%d,"reused":%d},"sent":%d,'
    .. '"p50_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d}\\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout, unexpected, reused, sent,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""

# POSTs of the enquiry form, one body per request from a file, starting at the line given as
# the script's argument. A response other than what a visitor gets counts as an error
# ("unexpected", which wrk alone would not count for a 2xx or 3xx), and so does a body sent
# twice ("reused": a repeated send only redirects to the enquiry it already made).
ENQUIRY_LUA = """
local bodies, next_body = {}, 1
local expected_status = %(status)d
local location_prefix = %(location)s
local distinct = %(distinct)s
sent, unexpected, reused = 0, 0, 0

init = function(args)
  for line in io.lines(%(bodies)s) do table.insert(bodies, line) end
  next_body = (tonumber(args[1]) or 0) %% #bodies + 1
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = %(cookie)s
  wrk.headers["Origin"] = %(origin)s
  wrk.headers["Referer"] = %(referer)s
end

request = function()
  local body = bodies[next_body]
  sent = sent + 1
  if distinct and sent > #bodies then reused = reused + 1 end
  next_body = next_body %% #bodies + 1
  return wrk.format("POST", %(path)s, nil, body)
end

response = function(status, headers, body)
  local ok = status == expected_status
  if ok and location_prefix ~= "" then
    local location = headers["Location"] or headers["location"] or ""
    ok = location:sub(1, #location_prefix) == location_prefix
  end
  if not ok then unexpected = unexpected + 1 end
end
"""


class EnquiryFormPage(HTMLParser):
    """The enquiry form's CSRF token, form token and topic choices, as a browser sees them."""

    def __init__(self):
        super().__init__()
        self.in_form = False
        self.select = None
        self.inputs = {}
        self.options = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("action") or "").endswith(ENQUIRY_FORM_PATH):
            self.in_form = True
        if not self.in_form:
            return
        if tag == "input" and attrs.get("name"):
            self.inputs[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self.select = attrs.get("name")
        elif tag == "option" and self.select and attrs.get("value"):
            self.options.setdefault(self.select, []).append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "form":
            self.in_form = False


def wrk(url, duration, connections, lua="", headers=(), script_args=()):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua + WRK_REPORT)
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "-s", script.name]
    for header in ("Accept-Encoding: gzip", *headers):
        command += ["-H", header]
    try:
        output = subprocess.run(
            [*command, url, *(["--", *script_args] if script_args else [])],
            capture_output=True,
            text=True,
            timeout=duration + 30,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    raw = json.loads(output.split("BENCH_JSON ", 1)[1].splitlines()[0])
    errors = sum(raw["errors"].values())
    return {
        "requests": raw["requests"],
        "requests_per_s": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "kb_per_response": round(raw["bytes"] / max(raw["requests"], 1) / 1024, 1),
        "errors": errors,
        "error_detail": raw["errors"],
        "sent": raw["sent"],
    }


def fetch(url, headers=None, data=None):
    request = urllib.request.Request(url, headers=headers or {}, data=data)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


def require_ok(base, path, marker=None):
    """The page must answer 200 (and show `marker`): a missing feature is an error."""
    status, _headers, body = fetch(base + path)
    if status != 200 or (marker and marker not in body.decode()):
        raise RuntimeError(f"{path} answered {status} without {marker!r}: cannot measure it")


def enquiry_scenarios(base, env, count, work, dataset):
    """`enquiry_check` (step 1, validates and renders "check your answers", stores nothing)
    and `enquiry_send` (step 2, stores the enquiry and its outbox rows), posted as a
    visitor's browser would: CSRF cookie and token, a form token old enough, the honeypot
    empty. Step 1 replays one body (it writes nothing); step 2 posts `count` distinct
    signed payloads from scripts/bench_enquiries.py, each once."""
    status, headers, body = fetch(base + ENQUIRY_FORM_PATH)
    page = EnquiryFormPage()
    page.feed(body.decode())
    cookie = headers.get("Set-Cookie", "").split(";")[0]
    if status != 200 or "csrftoken=" not in cookie or "form_token" not in page.inputs:
        raise RuntimeError(f"{ENQUIRY_FORM_PATH} answered {status} without the enquiry form")
    csrf = page.inputs["csrfmiddlewaretoken"]
    fields = {
        "csrfmiddlewaretoken": csrf,
        "form_token": page.inputs["form_token"],
        "topic": page.options["topic"][0],
        "association": "",
        "message": "Where can I find Japanese classes for adults? (benchmark)",
        "name": "Bench Visitor",
        "email": "bench-check@example.org",
        "phone": "",
        "reply_language": "en",
        "prefecture": "",
        "privacy_notice": "on",
        "website": "",  # the honeypot, empty as a person leaves it
    }
    check_bodies = work / f"enquiry-check-{dataset}.txt"
    check_bodies.write_text(urllib.parse.urlencode(fields) + "\n")
    answers = manage_script("scripts/bench_enquiries.py", str(count), env=env).splitlines()
    if len(answers) != count or len(set(answers)) != count:
        raise RuntimeError(f"expected {count} distinct payloads, got {len(set(answers))}")
    send_bodies = work / f"enquiry-send-{dataset}.txt"
    send_bodies.write_text(
        "".join(
            urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "answers": answer}) + "\n"
            for answer in answers
        )
    )
    # The form token was handed out with the page: a person takes longer than this to answer.
    time.sleep(int(env.get("ENQUIRY_MIN_FILL_SECONDS", "3")) + 0.5)
    # Step 1 must give the check-your-answers page. The body is the same every time and
    # compressed as sent, so wrk checks the status and this checks the page once.
    status, _headers, html = fetch(
        base + ENQUIRY_FORM_PATH,
        {
            "Cookie": cookie,
            "Origin": base,
            "Referer": base + ENQUIRY_FORM_PATH,
            "Content-Type": "application/x-www-form-urlencoded",
        },
        check_bodies.read_text().strip().encode(),
    )
    if status != 200 or 'name="answers"' not in html.decode():
        raise RuntimeError(f"the form's first step answered {status} without its check page")

    def lua(path, bodies, status, location="", distinct=False):
        return ENQUIRY_LUA % {
            "path": json.dumps(path),
            "bodies": json.dumps(str(bodies)),
            "status": status,
            "location": json.dumps(location),
            "distinct": "true" if distinct else "false",
            "cookie": json.dumps(cookie),
            "origin": json.dumps(base),
            "referer": json.dumps(base + ENQUIRY_FORM_PATH),
        }

    return [
        Scenario(
            "enquiry_check",
            ENQUIRY_FORM_PATH,
            "none",
            lua=lua(ENQUIRY_FORM_PATH, check_bodies, 200),
        ),
        Scenario(
            "enquiry_send",
            ENQUIRY_SEND_PATH,
            "none",
            lua=lua(
                ENQUIRY_SEND_PATH, send_bodies, 302, location=ENQUIRY_SENT_PREFIX, distinct=True
            ),
            bodies=count,
        ),
    ]


def manage_script(script, *args, env):
    result = subprocess.run(
        [sys.executable, script, *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


class Scenario:
    def __init__(self, name, path, cache, lua="", connections=None, bodies=None):
        self.name, self.path, self.cache, self.lua = name, path, cache, lua
        self.connections = connections
        # For a POST scenario with one body per request: how many there are, and the next.
        self.bodies, self.next_body = bodies, 0
        self.rounds = []


def measure(base, scenarios, args, baseline_rate=None):
    """Run the scenarios in turn, one second each, for `args.duration` rounds, and merge.

    Interleaving matters on a shared machine: load from elsewhere then weighs on every
    scenario alike, so ratios between them mean something even when absolute figures drift.
    Percentiles are the median over the rounds of each round's percentile.
    """
    for scenario in scenarios:
        if not scenario.lua:
            for _ in range(3):
                http_status(base + scenario.path, {"Accept-Encoding": "gzip"})
    for _ in range(args.duration):
        for scenario in scenarios:
            connections = scenario.connections or args.connections
            script_args = [str(scenario.next_body)] if scenario.bodies else []
            result = wrk(base + scenario.path, 1, connections, scenario.lua, (), script_args)
            scenario.next_body += result["sent"]
            scenario.rounds.append(result)
    results = {}
    for scenario in scenarios:
        rounds = scenario.rounds
        seconds = sum(r["requests"] / r["requests_per_s"] for r in rounds if r["requests_per_s"])
        requests = sum(r["requests"] for r in rounds)
        result = {
            "url": scenario.path,
            "cache": scenario.cache,
            "connections": scenario.connections or args.connections,
            "requests": requests,
            "requests_per_s": round(requests / seconds, 1) if seconds else 0.0,
            **{
                key: statistics.median(r[key] for r in rounds)
                for key in ("p50_ms", "p95_ms", "p99_ms")
            },
            "max_ms": max(r["max_ms"] for r in rounds),
            "kb_per_response": rounds[-1]["kb_per_response"],
            "errors": sum(r["errors"] for r in rounds),
        }
        if scenario.lua:
            result["method"] = "POST"
            result["error_detail"] = {
                key: sum(r["error_detail"][key] for r in rounds)
                for key in rounds[0]["error_detail"]
            }
        if scenario.bodies:
            result["distinct_bodies"] = scenario.bodies
            result["bodies_sent"] = scenario.next_body
        rate = baseline_rate or results.get("baseline", {}).get("requests_per_s")
        if rate and scenario.name != "baseline":
            result["ratio_to_baseline"] = round(result["requests_per_s"] / rate, 3)
        print(
            f"  {scenario.name:<22} {scenario.cache:<9} {result['requests_per_s']:>8.0f} req/s"
            f"  p50 {result['p50_ms']:6.1f}  p95 {result['p95_ms']:6.1f}"
            f"  p99 {result['p99_ms']:6.1f} ms  {result.get('ratio_to_baseline', 1):.2f}x"
            f"  errors {result['errors']}",
            flush=True,
        )
        results[scenario.name] = result
    return results


def bench_dataset(stack, dataset, env, args, work, pg):
    scenarios = {}
    pages = {
        "home": "/en/",
        "listing": "/en/associations/",
        "listing_filtered": "/en/associations/" + FILTERED_QUERY,
        "detail": f"/en/associations/{DETAIL_SLUG}/",
        "search": SEARCH_PATH,
        "postal_code": POSTAL_CODE_PATH,
    }
    with gunicorn(env) as base:
        for path in pages.values():
            require_ok(base, path)
        require_ok(base, POSTAL_CODE_PATH, marker="association-card")
        warm = [
            Scenario("baseline", "/bench/baseline/", "none"),
            Scenario("baseline_public", PUBLIC_BASELINE_PATH, "none"),
            Scenario("floor_trivial", FLOOR_TRIVIAL_PATH, "none"),
        ]
        warm += [Scenario(name, path, "warm") for name, path in pages.items()]
        for name, result in measure(base, warm, args).items():
            scenarios[name if name in UNCACHEABLE_SCENARIOS else f"{name}_warm"] = result
        if dataset == "real":
            scenarios["nginx"] = bench_nginx(stack, base, pages["listing"], args, work)
            scenarios["page_weight"] = page_weight(base, pages["listing"], env)
    # The same pages rendered on every request: what a miss costs. One connection per
    # worker, so latency is the time to render, not time spent queueing behind another.
    # The enquiry form's two POSTs (never cached) are measured alongside, the same way.
    env = {**env, "PAGE_CACHE_SECONDS": "0", **ENQUIRY_BENCH_ENV}
    with gunicorn(env) as base:
        uncached = [
            Scenario(name, path, "uncached", connections=args.uncached_connections)
            for name, path in {**pages, "floor_listing": FLOOR_LISTING_PATH}.items()
        ]
        posts = enquiry_scenarios(base, env, args.enquiries, work, dataset)
        for scenario in posts:
            scenario.connections = args.uncached_connections
        rate = scenarios["baseline"]["requests_per_s"]
        for name, result in measure(base, uncached + posts, args, baseline_rate=rate).items():
            scenarios[name if name.startswith("enquiry_") else f"{name}_uncached"] = result
        scenarios["memory"] = worker_memory(base, work, [*pages.values(), EASY_LISTING_PATH])
    scenarios["cpu"] = cpu_per_request(env, [*CPU_PAGES, *pages.values()])
    database = f"portal_{dataset}"
    stored = {
        "enquiries": count_rows(pg, database, "enquiries_enquiry"),
        "enquiries_marked_spam": count_rows(pg, database, "enquiries_enquiry", "status = 'spam'"),
        "deliveries_queued": count_rows(pg, database, "enquiries_delivery"),
    }
    send = scenarios["enquiry_send"]
    send["stored"] = stored
    # Every answered send made one enquiry (none refused, none a replay, none spam). wrk
    # prepares a connection's next request before it is written, so up to one body per
    # connection and round counts as sent without reaching the server; and a request still
    # in flight when a round ends is stored without being counted as answered.
    answered, sent = send["requests"], send["bodies_sent"]
    if not answered <= stored["enquiries"] <= sent or stored["enquiries_marked_spam"]:
        send["errors"] += 1
        send["store_mismatch"] = True
    print(f"  stored: {stored}", flush=True)
    return scenarios


def cpu_per_request(env, paths):
    """In-process CPU per request (scripts/bench_cpu.py), every page rendered."""
    measured = json.loads(manage_script("scripts/bench_cpu.py", *paths, env=env))
    listing, floor = measured["/en/associations/"], measured[FLOOR_LISTING_PATH]
    trivial, floor_trivial = measured["/bench/baseline/"], measured[FLOOR_TRIVIAL_PATH]
    measured["listing_vs_floor_cpu"] = round(listing["cpu_ms"] / floor["cpu_ms"], 2)
    measured["trivial_vs_floor_trivial_cpu"] = round(trivial["cpu_ms"] / floor_trivial["cpu_ms"], 2)
    public = measured[PUBLIC_BASELINE_PATH]
    measured["public_trivial_vs_floor_trivial_cpu"] = round(
        public["cpu_ms"] / floor_trivial["cpu_ms"], 2
    )
    print(
        f"  in-process CPU: listing {listing['cpu_ms']} ms, floor {floor['cpu_ms']} ms "
        f"({measured['listing_vs_floor_cpu']}x); facets {measured['facets']}",
        flush=True,
    )
    return measured


def worker_memory(base, work, paths, requests=1000):
    """RSS and PSS (from /proc/PID/smaps_rollup) of each gunicorn worker after `requests`
    mixed requests: PSS counts shared pages (the memory-mapped Sudachi dictionary, the
    code forked from the master) in proportion to the processes sharing them."""
    for number in range(requests):
        http_status(base + paths[number % len(paths)], {"Accept-Encoding": "gzip"})
    master = int((work / "gunicorn.pid").read_text())
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    workers = []
    for pid in children:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        values = dict(re.findall(r"^(\w+):\s+(\d+) kB", rollup, re.MULTILINE))
        workers.append(
            {
                "rss_mb": round(int(values["Rss"]) / 1024, 1),
                "pss_mb": round(int(values["Pss"]) / 1024, 1),
            }
        )
    print(f"  worker memory after {requests} requests: {workers}", flush=True)
    return {"requests": requests, "workers": workers}


def page_weight(base, listing_path, env):
    """The listing's HTML and CSS as sent, per encoding (whitenoise's .gz and .br files)."""
    _status, _headers, html = fetch(base + listing_path)
    css = re.findall(r'<link rel="stylesheet" href="(/static/[^"]+\.css)">', html.decode())
    weights = {}
    for encoding in ("gzip", "br"):
        _status, headers, body = fetch(base + listing_path, {"Accept-Encoding": encoding})
        total = len(body) if headers.get("Content-Encoding") == encoding else None
        for url in css:
            _status, css_headers, css_body = fetch(base + url, {"Accept-Encoding": encoding})
            if css_headers.get("Content-Encoding") != encoding:
                total = None
            elif total is not None:
                total += len(css_body)
        weights[encoding] = total
    weights["identity_html"] = len(html)
    weights["stylesheets"] = css
    print(f"  listing page weight (HTML+CSS): {weights}", flush=True)
    return weights


def bench_large(env, work, total):
    """The listing with `total` associations: HTTP uncached, and in-process CPU, queries
    and facet times (cold: just after a change; warm)."""
    env = {**env, "PAGE_CACHE_SECONDS": "0"}
    scenarios = {}
    pages = {
        "listing": "/en/associations/",
        "listing_filtered": "/en/associations/" + FILTERED_QUERY,
    }
    with gunicorn(env) as base:
        for path in pages.values():
            require_ok(base, path)
        uncached = [Scenario(name, path, "uncached", connections=2) for name, path in pages.items()]

        class Short:
            duration = 3
            connections = 2

        for name, result in measure(base, uncached, Short()).items():
            scenarios[f"{name}_uncached"] = result
    scenarios["cpu"] = json.loads(manage_script("scripts/bench_cpu.py", *pages.values(), env=env))
    print(f"  {total}: in-process {scenarios['cpu']}", flush=True)
    return scenarios


def count_rows(pg, database, table, where="true"):
    return int(pg.psql("-c", f"SELECT count(*) FROM {table} WHERE {where}", database=database))


NGINX_CONFIG = """
worker_processes auto;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {dir}/temp/body;
    proxy_temp_path {dir}/temp/proxy;
    fastcgi_temp_path {dir}/temp/fastcgi;
    uwsgi_temp_path {dir}/temp/uwsgi;
    scgi_temp_path {dir}/temp/scgi;
    # As in deploy/nginx/nginx.conf, with one local web node and a local cache directory.
    upstream portal_web {{ server {upstream}; keepalive 16; }}
    proxy_cache_path {dir}/cache levels=1:2 keys_zone=portal_pages:10m max_size=200m
                     inactive=1h use_temp_path=off;
    include {http};
    server {{
        listen 127.0.0.1:{port};
        server_name 127.0.0.1;
        include {locations};
        # The comparison: the same bytes as the listing, as a file nginx serves itself.
        location /bench-static/ {{ alias {dir}/static/; gzip_static on; }}
    }}
}}
"""


def bench_nginx(stack, upstream_base, listing_path, args, work):
    directory = work / "nginx"
    (directory / "static").mkdir(parents=True)
    (directory / "temp").mkdir()
    _status, _headers, html = fetch(upstream_base + listing_path)
    (directory / "static" / "listing.html").write_bytes(html)
    (directory / "static" / "listing.html.gz").write_bytes(gzip.compress(html, 6))
    for path in [work, directory, *directory.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    port = free_port()
    config = NGINX_CONFIG.format(
        dir=directory,
        upstream=urllib.parse.urlsplit(upstream_base).netloc,
        port=port,
        locations=BASE_DIR / "deploy" / "nginx" / "portal-locations.conf",
        http=BASE_DIR / "deploy" / "nginx" / "portal-http.conf",
    )
    base = f"http://127.0.0.1:{port}"
    with nginx(config, directory) as process:
        wait_until(
            lambda: http_status(base + "/bench-static/listing.html") == 200,
            "nginx",
            process=process,
        )
        measured = measure(
            base,
            [
                Scenario("nginx_static_file", "/bench-static/listing.html", "file"),
                Scenario("nginx_listing", listing_path, "nginx"),
            ],
            args,
        )
        static, listing = measured["nginx_static_file"], measured["nginx_listing"]
        _status, headers, _body = fetch(base + listing_path, {"Accept-Encoding": "gzip"})
    listing["x_cache_status"] = headers.get("X-Cache-Status")
    listing["ratio_to_static"] = round(listing["requests_per_s"] / static["requests_per_s"], 3)
    print(f"  nginx listing / static file: {listing['ratio_to_static']:.2f}x", flush=True)
    return {"static_file": static, "listing": listing}


def check_targets(results):
    checks = []

    def check(name, measured, target, met):
        checks.append({"target": name, "measured": measured, "goal": target, "met": met})

    nginx_run = results["datasets"]["real"]["nginx"]
    ratio = nginx_run["listing"]["ratio_to_static"]
    goal = TARGETS["nginx_listing_vs_static"]
    check("listing through nginx vs static file (x)", ratio, f">= {goal}", ratio >= goal)
    for dataset, scenarios in results["datasets"].items():
        if dataset == "large":
            wall = scenarios["cpu"]["/en/associations/"]["wall_ms"]
            goal = TARGETS["large_listing_wall_ms"]
            check("large: uncached listing wall, in process (ms)", wall, f"<= {goal}", wall <= goal)
            continue
        ratio = scenarios["cpu"]["listing_vs_floor_cpu"]
        goal = TARGETS["listing_cpu_vs_floor"]
        check(f"{dataset}: listing CPU vs floor listing (x)", ratio, f"<= {goal}", ratio <= goal)
        bare = scenarios["floor_trivial"]["requests_per_s"]
        # The light path is for anonymous public reads: the trivial view under /en/.
        ratio = round(scenarios["baseline_public"]["requests_per_s"] / bare, 3)
        goal = TARGETS["trivial_vs_bare_django"]
        check(
            f"{dataset}: trivial public read vs bare Django (x)", ratio, f">= {goal}", ratio >= goal
        )
        # The whole middleware stack (no language prefix: what the admin and forms get).
        scenarios["baseline_vs_bare"] = round(scenarios["baseline"]["requests_per_s"] / bare, 3)
        ratio = round(scenarios["listing_warm"]["requests_per_s"] / bare, 3)
        goal = TARGETS["warm_listing_vs_bare_django"]
        check(f"{dataset}: warm listing vs bare Django (x)", ratio, f">= {goal}", ratio >= goal)
        for page in ("home", "listing", "detail"):
            ratio = scenarios[f"{page}_warm"]["ratio_to_baseline"]
            goal = TARGETS["warm_vs_baseline"]
            check(f"{dataset}: {page} warm vs baseline (x)", ratio, f">= {goal}", ratio >= goal)
        p95 = scenarios["listing_uncached"]["p95_ms"]
        goal = TARGETS["uncached_listing_p95_ms"][dataset]
        check(f"{dataset}: uncached listing p95 (ms)", p95, f"<= {goal}", p95 <= goal)
        goal = TARGETS["enquiry_post_p95_ms"]
        send = scenarios["enquiry_send"]["p95_ms"]
        check(f"{dataset}: enquiry POST (send, stores) p95 (ms)", send, f"<= {goal}", send <= goal)
    errors = count_errors(results)
    check("errors in all runs", errors, "0", errors == 0)
    return checks


def count_errors(results):
    total = 0
    for scenarios in results["datasets"].values():
        for run in scenarios.values():
            if not isinstance(run, dict):
                continue
            for measured in run.values() if "static_file" in run else [run]:
                if isinstance(measured, dict):
                    total += measured.get("errors", 0) or 0
    return total


def tool_versions():
    def first_line(*command):
        try:
            result = subprocess.run(command, capture_output=True, text=True)
            return (result.stdout or result.stderr).strip().splitlines()[0]
        except (OSError, IndexError):
            return None

    from scripts.services import postgres_bin

    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "postgresql": first_line(postgres_bin("postgres"), "--version"),
        "redis": first_line("redis-server", "--version"),
        "nginx": first_line("nginx", "-v"),
        "wrk": first_line("wrk", "--version"),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--duration", type=int, default=5, help="seconds per scenario (1-second rounds)"
    )
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--uncached-connections", type=int, default=2)
    parser.add_argument("--associations", type=int, default=10_000)
    parser.add_argument(
        "--large",
        type=int,
        default=0,
        help="also measure the listing with this many associations (for example 100000)",
    )
    parser.add_argument(
        "--enquiries",
        type=int,
        default=3000,
        help="distinct signed enquiries prepared per dataset for enquiry_send",
    )
    args = parser.parse_args()
    for tool in ("wrk", "nginx", "redis-server"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install -y wrk nginx redis-server postgresql")

    started = time.monotonic()
    results = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "method": {
            "wrk": f"1 thread, {args.connections} connections ({args.uncached_connections} for "
            f"uncached pages), {args.duration} s per scenario in 1-second rounds interleaved "
            "with the other scenarios of its group, Accept-Encoding: gzip",
            "gunicorn": "2 sync workers, production settings, PostgreSQL and Redis on loopback; "
            "worker recycling (max_requests) off",
            "warm": "page in the shared page cache",
            "uncached": "PAGE_CACHE_SECONDS=0: every request renders the page (one cache lookup)",
            "enquiry_check": "POST of the form's first step (CSRF cookie and token, a form "
            "token older than ENQUIRY_MIN_FILL_SECONDS, honeypot empty): must answer 200 "
            "with the check-your-answers page; one body replayed (it stores nothing)",
            "enquiry_send": "POST of the second step with a distinct signed payload per "
            "request (scripts/bench_enquiries.py, same SECRET_KEY): must answer 302 to the "
            "sent page; stores the enquiry and its outbox rows; every stored enquiry is "
            "counted afterwards. ENQUIRY_RATE_LIMIT_PER_CLIENT raised to 1000000 for the bench "
            "only (all requests come from 127.0.0.1); the per-address limit, form token, "
            "minimum fill time and honeypot stay on; e-mail backend: dummy",
        },
        "machine": tool_versions(),
        # Other work on the machine skews absolute figures; ratios within one run less so.
        "load_average_at_start": os.getloadavg(),
        "targets": TARGETS,
        "datasets": {},
    }
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="portal-bench-")))
        pg = stack.enter_context(postgres())
        redis_url = stack.enter_context(redis())
        env = production_env(
            work,
            redis_url,
            ROOT_URLCONF="scripts.bench_urls",
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
            # deploy/gunicorn.conf.py recycles a worker after 5,000-5,500 requests: every two
            # seconds or so at the bench's rates, and when both workers restart together a
            # whole 1-second round stalls. Off here; see docs/performance.md.
            GUNICORN_CMD_ARGS=f"--max-requests 0 --pid {work / 'gunicorn.pid'}",
            # The portal with the floor's views beside it (scripts/bench_floor.py).
            GUNICORN_WSGI_APP="scripts.bench_floor:application",
        )
        datasets = [("real", None), ("generated", args.associations)]
        if args.large:
            datasets.append(("large", args.large))
        for dataset, total in datasets:
            print(f"Preparing {dataset}…", flush=True)
            env["DATABASE_URL"] = pg.create_database(f"portal_{dataset}")
            env["CACHE_KEY_PREFIX"] = f"bench-{dataset}"
            manage("migrate", "-v0", env=env)
            manage("load_initial_data", "-v0", env=env)
            if total:
                manage("generate_associations", str(total), "--total", env=env)
            # Planner statistics, as autovacuum would have gathered on a live database.
            pg.psql("-c", "VACUUM ANALYZE", database=f"portal_{dataset}")
            if not (work / "static").exists():
                manage("collectstatic", "--noinput", "-v0", env=env)
            count = pg.psql(
                "-c", "SELECT count(*) FROM directory_association", database=f"portal_{dataset}"
            ).strip()
            print(f"Measuring {dataset} ({count} associations)…", flush=True)
            if dataset == "large":
                scenarios = bench_large(env, work, total)
            else:
                scenarios = bench_dataset(stack, dataset, env, args, work, pg)
            results["datasets"][dataset] = {"associations": int(count), **scenarios}
    results["elapsed_s"] = round(time.monotonic() - started, 1)
    results["load_average_at_end"] = os.getloadavg()
    results["checks"] = check_targets(results)

    REPORTS.mkdir(exist_ok=True)
    text = json.dumps(results, indent=2, ensure_ascii=False) + "\n"
    stamp = re.sub(r"[^0-9T]", "", results["started"])[:15]
    (REPORTS / "bench.json").write_text(text)
    (REPORTS / f"bench-{stamp}.json").write_text(text)
    print(f"\nTargets ({results['elapsed_s']} s in all):")
    for item in results["checks"]:
        verdict = {True: "met", False: "NOT MET", None: "not measured"}[item["met"]]
        print(f"  {item['target']:<48} {item['measured']!s:>10}  goal {item['goal']:<7} {verdict}")
    print(f"Saved {REPORTS / 'bench.json'}")


if __name__ == "__main__":
    main()
