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
import secrets
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
    redis,
    wait_until,
)

REPORTS = BASE_DIR / "reports"
DETAIL_SLUG = "hokkaido"
FILTERED_QUERY = "?region=kanto&level=designated_city"
SEARCH_TERM = "osaka"
# Features other issues build; each is measured once its first candidate URL answers 200.
SEARCH_CANDIDATES = [f"/en/search/?q={SEARCH_TERM}"]
POSTAL_CODE_CANDIDATES = [
    "/en/postal-code/?code=1600023",
    "/en/associations/postal-code/?postal_code=1600023",
    "/en/lookup/?postal_code=1600023",
]
ENQUIRY_FORM_CANDIDATES = ["/en/enquiries/", "/en/enquiry/", "/en/contact/"]
NOT_BUILT = "not measured: not built yet"

TARGETS = {
    "nginx_listing_vs_static": 0.5,
    "warm_vs_baseline": 0.8,
    "uncached_listing_p95_ms": {"real": 30, "generated": 60},
    "enquiry_post_p95_ms": 100,
}

WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,'
    .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
    .. '"p50_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d}\\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


class FormFields(HTMLParser):
    """The fields of the first POST form on a page, filled with plausible values."""

    def __init__(self):
        super().__init__()
        self.in_form = False
        self.done = False
        self.fields = {}
        self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post" and not self.done:
            self.in_form = True
        if not self.in_form or not attrs.get("name") and tag != "option":
            return
        kind = (attrs.get("type") or "text").lower()
        if tag == "input" and kind in ("hidden", "text", "email", "tel", "search", "url"):
            self.fields[attrs["name"]] = attrs.get("value") or (
                "bench@example.org" if kind == "email" or "mail" in attrs["name"] else "Bench"
            )
        elif tag == "input" and kind in ("checkbox", "radio"):
            self.fields.setdefault(attrs["name"], attrs.get("value", "on"))
        elif tag == "textarea":
            self.fields[attrs["name"]] = "A question sent by the benchmark."
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and attrs.get("value"):
            self.fields.setdefault(self.select, attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        if tag == "form" and self.in_form:
            self.in_form, self.done = False, True


def wrk(url, duration, connections, lua="", headers=()):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua + WRK_REPORT)
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "-s", script.name]
    for header in ("Accept-Encoding: gzip", *headers):
        command += ["-H", header]
    try:
        output = subprocess.run(
            [*command, url], capture_output=True, text=True, timeout=duration + 30, check=True
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
    }


def fetch(url, headers=None, data=None):
    request = urllib.request.Request(url, headers=headers or {}, data=data)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


def first_available(base, candidates):
    for path in candidates:
        if http_status(base + path) == 200:
            return path
    return None


def enquiry_post(base, path):
    """A wrk script that submits the enquiry form as a visitor would, or None."""
    status, headers, body = fetch(base + path)
    parser = FormFields()
    parser.feed(body.decode())
    if not parser.fields:
        return None
    cookie = headers.get("Set-Cookie", "").split(";")[0]
    body = urllib.parse.urlencode(parser.fields)
    lua = (
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body)}\n"
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        f'wrk.headers["Cookie"] = {json.dumps(cookie)}\n'
        f'wrk.headers["Referer"] = {json.dumps(base + path)}\n'
    )
    return lua


class Scenario:
    def __init__(self, name, path, cache, lua="", connections=None):
        self.name, self.path, self.cache, self.lua = name, path, cache, lua
        self.connections = connections
        self.rounds = []


def measure(base, scenarios, args, baseline_rate=None):
    """Run the scenarios in turn, one second each, for `args.duration` rounds, and merge.

    Interleaving matters on a shared machine: load from elsewhere then weighs on every
    scenario alike, so ratios between them mean something even when absolute figures drift.
    Percentiles are the median over the rounds of each round's percentile.
    """
    for scenario in scenarios:
        for _ in range(3):
            http_status(base + scenario.path, {"Accept-Encoding": "gzip"})
    for _ in range(args.duration):
        for scenario in scenarios:
            connections = scenario.connections or args.connections
            scenario.rounds.append(wrk(base + scenario.path, 1, connections, scenario.lua))
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


def bench_dataset(stack, dataset, env, args, work):
    scenarios = {}
    with gunicorn(env) as base:
        search = first_available(base, SEARCH_CANDIDATES)
        postal = first_available(base, POSTAL_CODE_CANDIDATES)
        enquiry = first_available(base, ENQUIRY_FORM_CANDIDATES)
        pages = {
            "home": "/en/",
            "listing": "/en/associations/",
            "listing_filtered": "/en/associations/" + FILTERED_QUERY,
            "detail": f"/en/associations/{DETAIL_SLUG}/",
            "search": search or f"/en/associations/?q={SEARCH_TERM}",
        }
        if postal:
            pages["postal_code"] = postal
        else:
            scenarios["postal_code_warm"] = {"status": NOT_BUILT}
        warm = [Scenario("baseline", "/bench/baseline/", "none")]
        warm += [Scenario(name, path, "warm") for name, path in pages.items()]
        lua = enquiry and enquiry_post(base, enquiry)
        if lua:
            warm.append(Scenario("enquiry_post", enquiry, "none", lua=lua))
        else:
            scenarios["enquiry_post"] = {"status": NOT_BUILT}
        for name, result in measure(base, warm, args).items():
            key = name if name in ("baseline", "enquiry_post") else f"{name}_warm"
            scenarios[key] = result
        if dataset == "real":
            scenarios["nginx"] = bench_nginx(stack, base, pages["listing"], args, work)
    # The same pages rendered on every request: what a miss costs. One connection per
    # worker, so latency is the time to render, not time spent queueing behind another.
    with gunicorn({**env, "PAGE_CACHE_SECONDS": "0"}) as base:
        uncached = [
            Scenario(name, path, "uncached", connections=args.uncached_connections)
            for name, path in pages.items()
        ]
        rate = scenarios["baseline"]["requests_per_s"]
        for name, result in measure(base, uncached, args, baseline_rate=rate).items():
            scenarios[f"{name}_uncached"] = result
    return scenarios


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
    map $http_cookie $portal_staff {{ "~(^|;)\\s*(__Host-)?sessionid=" 1; default 0; }}
    map $request_method $portal_form_client {{ POST $binary_remote_addr; default ""; }}
    limit_req_zone $portal_form_client zone=portal_forms:10m rate=10r/m;
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
        for page in ("home", "listing", "detail"):
            ratio = scenarios[f"{page}_warm"]["ratio_to_baseline"]
            goal = TARGETS["warm_vs_baseline"]
            check(f"{dataset}: {page} warm vs baseline (x)", ratio, f">= {goal}", ratio >= goal)
        p95 = scenarios["listing_uncached"]["p95_ms"]
        goal = TARGETS["uncached_listing_p95_ms"][dataset]
        check(f"{dataset}: uncached listing p95 (ms)", p95, f"<= {goal}", p95 <= goal)
        post = scenarios["enquiry_post"]
        goal = TARGETS["enquiry_post_p95_ms"]
        if "p95_ms" in post:
            check(
                f"{dataset}: enquiry POST p95 (ms)",
                post["p95_ms"],
                f"<= {goal}",
                post["p95_ms"] <= goal,
            )
        else:
            check(f"{dataset}: enquiry POST p95 (ms)", post["status"], f"<= {goal}", None)
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
                total += measured.get("errors", 0)
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
            "gunicorn": "2 sync workers, production settings, PostgreSQL and Redis on loopback",
            "warm": "page in the shared page cache",
            "uncached": "PAGE_CACHE_SECONDS=0: every request renders the page (one cache lookup)",
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
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_"))},
            "PORTAL_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "REDIS_URL": redis_url,
            "STATIC_ROOT": str(work / "static"),
            "SECURE_SSL_REDIRECT": "false",
            "ROOT_URLCONF": "scripts.bench_urls",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "GUNICORN_ACCESS_LOG": "",
            "LOG_LEVEL": "WARNING",
        }
        datasets = [("real", None), ("generated", args.associations)]
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
            scenarios = bench_dataset(stack, dataset, env, args, work)
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
