"""The failover rehearsal (issue 11): the reference deployment on loopback, broken piece by
piece under load, without losing an enquiry.

Started here, each on its own port of 127.0.0.1: a PostgreSQL primary and its streaming
replica (pg_basebackup, as docs/deploy.md sets one up), Redis, two web nodes (gunicorn with
production settings, deploy/gunicorn.conf.py) behind the reference nginx (both nodes in its
upstream), the outbox worker (`manage.py run_worker`) and an SMTP server that keeps what it
is sent. The nodes' DATABASE_URL lists both database servers with
`target_session_attrs=read-write`, as docs/deploy.md recommends.

Visitors, each request from its own loopback address, read public pages and send enquiries
(the form, "check your answers", "send") while the rehearsal

1. kills one web node (`kill -9` of its whole process group): no GET may get a 5xx, since
   nginx passes it to the other node; a POST that was on the dead node gets nginx's 502 and is
   sent again by the visitor, which is safe (an enquiry is stored once per form token);
2. kills the worker (`kill -9`) while an e-mail is on the wire, and starts another: the lease
   runs out and every e-mail goes out;
3. holds back the primary's WAL sender (SIGSTOP), as a lagging replica would, until an
   enquiry has been stored meanwhile, then crashes the primary (the WAL sender killed, then
   `pg_ctl stop -m immediate`: every process quits at once and what was not streamed is
   lost) and promotes the replica (`pg_ctl promote`). Only requests made between the crash
   and the promotion may fail, with the 503 page (the visitor tries again); afterwards,
   none. Replication is asynchronous, so an enquiry whose sender was shown the reference
   before the replica had it would be lost: storing one waits for the replica
   (core/replication.py). With DATABASE_REPLICA_WAIT_SECONDS=0 this test fails, one enquiry
   lost.

At the end every enquiry a visitor was given a reference for is in the new primary, once,
and each of its e-mails reached the SMTP server. The figures are printed (and written as
JSON to $FAILOVER_FIGURES when set); docs/deploy.md quotes them.
"""

import asyncio
import email.parser
import html
import itertools
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from aiosmtpd.controller import Controller
from django.core import signing
from django.db.utils import ConnectionHandler

from core.replication import wait_for_replica
from scripts.services import BASE_DIR, free_port, http_status, postgres, redis, replica
from tests.nginx import Visitor, reference_nginx

# Its own database servers, Redis, web nodes and worker, whatever the suite's database: CI runs
# it once, in the PostgreSQL pass (docs/testing.md); `make test` runs it too.
pytestmark = [pytest.mark.nginx, pytest.mark.own_processes]

HOST = "portal.example.org"
FORM_PATH = "/en/enquiries/new/"
SEND_PATH = "/en/enquiries/send/"
SENT_PREFIX = "/en/enquiries/sent/"
SENT_SALT = "enquiries.sent"  # enquiries/views.py
LISTING_PATH = "/en/associations/"
PUBLIC_PATHS = [LISTING_PATH, "/en/", "/en/associations/hokkaido/", "/ja/associations/", FORM_PATH]
# How long one visitor keeps trying one step before the rehearsal counts the step as failed.
STEP_DEADLINE = 30.0
# A visitor who got an error tries the same step again after this long.
RETRY_INTERVAL = 0.05

SETUP_DATABASE = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from tests.conftest import install_real_data
install_real_data()
"""


# What the reference primary runs with (deploy/postgresql/primary.conf) that matters here:
# its replication settings, not its addresses and memory sizes. And PostgreSQL's default
# synchronous_commit=on, which the test servers otherwise turn off for speed.
PRIMARY_CONF = BASE_DIR / "deploy" / "postgresql" / "primary.conf"
PRIMARY_REPLICATION_SETTINGS = (
    "wal_level",
    "max_wal_senders",
    "wal_keep_size",
    "max_replication_slots",
    "hot_standby",
)


def primary_settings():
    settings = {"synchronous_commit": "on"}
    for line in PRIMARY_CONF.read_text().splitlines():
        name, _equals, value = line.partition("#")[0].partition("=")
        if name.strip() in PRIMARY_REPLICATION_SETTINGS:
            settings[name.strip()] = value.strip()
    assert len(settings) == 1 + len(PRIMARY_REPLICATION_SETTINGS), settings
    return settings


def wait_for(condition, what, timeout=30.0, interval=0.02):
    """Poll `condition` until it is true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not after {timeout:.0f} s")
        time.sleep(interval)


# --- The SMTP server ------------------------------------------------------------------------


class Sink:
    """aiosmtpd handler: keeps the Message-ID of everything it accepts. With `reply_delay`
    it stores the message, then waits before answering: a worker killed meanwhile has sent
    DATA but never heard the answer."""

    def __init__(self):
        self.message_ids = []
        self.reply_delay = 0.0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        headers = email.parser.BytesHeaderParser().parsebytes(envelope.original_content)
        with self.lock:
            self.message_ids.append(headers["Message-ID"].strip())
        if self.reply_delay:
            await asyncio.sleep(self.reply_delay)
        return "250 Message accepted for delivery"

    def received(self):
        with self.lock:
            return list(self.message_ids)


@contextmanager
def smtp_sink():
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield sink, controller.port
    finally:
        controller.stop()


# --- Processes of the portal ----------------------------------------------------------------


class Process:
    """A command in its own process group, so that `kill()` is `kill -9` of all of it (a
    gunicorn master and its workers), as when the machine running it dies."""

    def __init__(self, name, command, env, log_dir):
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self):
        self.signal_group(signal.SIGKILL)
        self.process.wait()

    def signal_group(self, signum):
        try:
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:
            pass

    def stop(self):
        if self.process.poll() is None:
            self.signal_group(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                pass
        # Whatever is left of the group (workers of a master killed first).
        self.signal_group(signal.SIGKILL)
        self.process.wait()
        self.log.close()

    def tail(self, lines=30):
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def start(stack, name, command, env, log_dir):
    process = Process(name, command, env, log_dir)
    stack.callback(process.stop)
    return process


def run(command, env, what):
    result = subprocess.run(
        command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"{what} failed:\n{result.stdout}\n{result.stderr}"


def portal_env(work, database_url, redis_url, smtp_port):
    """Production settings, as /etc/portal/portal.env would give them, with short timers.
    The environment's DATABASE_REPLICA_WAIT_SECONDS is kept: 0 shows what the wait is for."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CACHE_URL", "DEBUG", "PYTEST_XDIST_WORKER"}
        and not key.startswith(("DJANGO_", "PYTEST_", "GUNICORN_", "ENQUIRY_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        PORTAL_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        ENQUIRY_SITE_URL=f"https://{HOST}",
        DEFAULT_FROM_EMAIL=f"no-reply@{HOST}",
        STATIC_ROOT=str(work / "static"),
        # nginx speaks plain HTTP here; production terminates TLS in front of it.
        SECURE_SSL_REDIRECT="false",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_TIMEOUT="5",
        WEB_CONCURRENCY="2",
        LOG_LEVEL="WARNING",
        # The rehearsal's visitors send as fast as they can; the form's other guards stay.
        ENQUIRY_MIN_FILL_SECONDS="0",
        # Short outbox timers, so that a lost lease and an unknown outcome resolve in seconds.
        ENQUIRY_DELIVERY_LEASE_SECONDS="2",
        ENQUIRY_DELIVERY_BACKOFF_SECONDS="1",
        ENQUIRY_DELIVERY_BACKOFF_MAX_SECONDS="1",
        ENQUIRY_DELIVERY_UNKNOWN_RETRY_SECONDS="1",
        ENQUIRY_DELIVERY_UNKNOWN_RETRIES="2",
        WORKER_POLL_SECONDS="0.1",
    )
    return env


def web_node(stack, name, env, log_dir):
    port = free_port()
    node = start(
        stack,
        name,
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
        {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        log_dir,
    )
    node.netloc = f"127.0.0.1:{port}"
    return node


def node_is_healthy(node):
    if node.process.poll() is not None:
        raise AssertionError(f"{node.name} exited:\n{node.tail()}")
    return http_status(f"http://{node.netloc}/healthz", {"Host": HOST}) == 200


def worker(stack, name, env, log_dir):
    return start(stack, name, [sys.executable, "manage.py", "run_worker"], env, log_dir)


# --- Visitors -------------------------------------------------------------------------------


@dataclass
class Answer:
    step: str  # "get", "form", "check" or "send"
    path: str
    started: float
    ended: float
    status: int | None  # None: no HTTP answer at all
    detail: str = ""
    cache: str = ""  # nginx's X-Cache-Status
    set_cookie: bool = False
    bogus_cookie: bool = False


@dataclass
class Load:
    """What the visitors did and were told, shared by their threads."""

    port: int
    secret_key: str
    answers: list = field(default_factory=list)
    # (reference, e-mail address, form asked for, reference given) per enquiry
    stored: list = field(default_factory=list)
    in_flight: dict = field(default_factory=dict)  # request: (step, started)
    problems: list = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    addresses: itertools.count = field(default_factory=lambda: itertools.count())
    numbers: itertools.count = field(default_factory=lambda: itertools.count())

    def visitor(self):
        return Visitor(self.port, self.next_address(), host=HOST)

    def next_address(self):
        # Every request from its own loopback address: nginx's per-client limits on POSTs
        # (portal_forms) and Django's per-client enquiry limit never come into play, as with
        # as many real residents.
        number = next(self.addresses)
        return f"127.10.{number // 254 % 254 + 1}.{number % 254 + 1}"

    def request(self, step, visitor, method, path, data=None, headers=None):
        visitor.address = self.next_address()
        started = time.monotonic()
        key = object()
        self.in_flight[key] = (step, started)
        try:
            if method == "GET":
                response = visitor.get(path, headers=headers)
            else:
                response = visitor.post(path, data, headers=headers)
        except (OSError, ValueError) as error:  # http.client's errors are among these
            self.answers.append(Answer(step, path, started, time.monotonic(), None, repr(error)))
            return None
        finally:
            del self.in_flight[key]
        self.answers.append(
            Answer(
                step,
                path,
                started,
                time.monotonic(),
                response.status,
                cache=response.headers.get("X-Cache-Status", ""),
                set_cookie="Set-Cookie" in response.headers,
                bogus_cookie="sessionid" in (headers or {}).get("Cookie", ""),
            )
        )
        return response

    def until_answered(self, step, visitor, method, path, data=None):
        """The visitor's patience: the same request again after any 5xx or a broken
        connection, until an answer below 500."""
        deadline = time.monotonic() + STEP_DEADLINE
        while True:
            response = self.request(step, visitor, method, path, data)
            if response is not None and response.status < 500:
                return response
            if time.monotonic() > deadline:
                raise AssertionError(f"{step}: no answer below 500 in {STEP_DEADLINE:.0f} s")
            time.sleep(RETRY_INTERVAL)

    def send_enquiry(self):
        number = next(self.numbers)
        address = f"rehearsal-{number}@example.net"
        visitor = self.visitor()
        started = time.monotonic()
        form = self.until_answered("form", visitor, "GET", FORM_PATH)
        assert form.status == 200, f"form: {form.status}"
        page = form.text
        csrf = hidden(page, "csrfmiddlewaretoken")
        topic = re.search(r'name="topic"[^>]*>.*?<option value="(\d+)"', page, re.S)
        answers = {
            "csrfmiddlewaretoken": csrf,
            "form_token": hidden(page, "form_token"),
            "topic": topic.group(1),
            "message": f"Where can I learn Japanese? (rehearsal {number})",
            "name": "Maya Gurung",
            "email": address,
            "reply_language": "en",
            "privacy_notice": "on",
            "website": "",
        }
        check = self.until_answered("check", visitor, "POST", FORM_PATH, answers)
        assert check.status == 200 and 'name="answers"' in check.text, f"check: {check.status}"
        send = {"csrfmiddlewaretoken": csrf, "answers": hidden(check.text, "answers")}
        sent = self.until_answered("send", visitor, "POST", SEND_PATH, send)
        location = sent.headers.get("Location", "")
        assert sent.status == 302 and location.startswith(SENT_PREFIX), (
            f"send: {sent.status} {location}\n{sent.text[:500]}"
        )
        token = location[len(SENT_PREFIX) :].strip("/")
        reference = signing.loads(token, key=self.secret_key, salt=SENT_SALT)["reference"]
        self.stored.append((reference, address, started, time.monotonic()))

    def read_pages(self):
        for number in itertools.count():
            if self.stop.is_set():
                return
            path = PUBLIC_PATHS[number % len(PUBLIC_PATHS)]
            headers = {"Accept-Encoding": "gzip"}
            if path == LISTING_PATH and number % 2:
                # A made-up session cookie must not cost more than none (issue 11, item 2).
                headers["Cookie"] = f"__Host-sessionid={secrets.token_hex(16)}"
            visitor = self.visitor()
            response = self.request("get", visitor, "GET", path, headers=headers)
            if response is not None and response.status not in (200, 503):
                self.problems.append(f"GET {path}: {response.status}")

    def send_enquiries(self):
        while not self.stop.is_set():
            self.send_enquiry()

    def thread(self, target):
        def body():
            try:
                target()
            except Exception as error:  # noqa: BLE001 - reported by the test
                self.problems.append(f"{target.__name__}: {error!r}")
                self.stop.set()

        thread = threading.Thread(target=body, daemon=True)
        thread.start()
        return thread

    def stored_after(self, moment):
        """Enquiries begun (the form asked for) after `moment` and stored."""
        return sum(1 for _reference, _email, started, _told in self.stored if started > moment)

    def told_after(self, moment):
        """Enquiries whose sender was given the reference after `moment`."""
        return sum(1 for _reference, _email, _started, told in self.stored if told > moment)

    def longest_in_flight(self, step):
        now = time.monotonic()
        return max((now - at for s, at in list(self.in_flight.values()) if s == step), default=0)

    def answered_after(self, moment, step="get"):
        return sum(1 for a in self.answers if a.step == step and a.started > moment)


def hidden(page, name):
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no field {name}"
    return html.unescape(match.group(1))


# --- The rehearsal --------------------------------------------------------------------------


@dataclass
class Cluster:
    primary: object
    replica: object
    nodes: list
    workers: list
    proxy: object
    sink: Sink
    env: dict
    log_dir: Path
    stack: ExitStack
    timings: dict


@pytest.fixture
def cluster(tmp_path):
    started = time.monotonic()
    timings = {}
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    with ExitStack() as stack:
        primary = stack.enter_context(postgres(primary_settings()))
        # As docs/deploy.md sets up the primary: the portal may read the replicas' positions.
        primary.psql(
            "-c", "CREATE DATABASE portal OWNER portal", "-c", "GRANT pg_monitor TO portal"
        )
        redis_url = stack.enter_context(redis())
        sink, smtp_port = stack.enter_context(smtp_sink())
        standby = stack.enter_context(replica(primary))
        # libpq's multi-host form: the first of them that accepts writes (docs/deploy.md).
        database_url = (
            f"postgres://portal@127.0.0.1:{primary.port},127.0.0.1:{standby.port}/portal"
            "?target_session_attrs=read-write&connect_timeout=2"
        )
        env = portal_env(tmp_path, database_url, redis_url, smtp_port)
        timings["servers_s"] = time.monotonic() - started
        # The schema and the real data, and the static files, side by side.
        collect = subprocess.Popen(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        stack.callback(collect.kill)
        run([sys.executable, "-c", SETUP_DATABASE], env, "migrate")
        assert collect.wait(300) == 0, collect.stdout.read().decode()
        timings["database_and_static_s"] = time.monotonic() - started - timings["servers_s"]
        nodes = [web_node(stack, f"web{n}", env, log_dir) for n in (1, 2)]
        workers = [worker(stack, "worker1", env, log_dir)]
        for node in nodes:
            wait_for(lambda node=node: node_is_healthy(node), f"{node.name} /healthz", 60)
        proxy = stack.enter_context(reference_nginx([node.netloc for node in nodes]))
        timings["setup_s"] = time.monotonic() - started
        yield Cluster(primary, standby, nodes, workers, proxy, sink, env, log_dir, stack, timings)


def query(server, sql, *params):
    with psycopg.connect(
        host="127.0.0.1", port=server.port, user="postgres", dbname="portal", autocommit=True
    ) as connection:
        return connection.execute(sql, params).fetchall()


def in_window(answer, opened, closed):
    """Whether a request overlapped the interval [opened, closed]."""
    return answer.ended >= opened and answer.started <= closed


def test_failover_rehearsal_loses_no_enquiry(cluster):
    started = time.monotonic()
    load = Load(cluster.proxy.port, cluster.env["SECRET_KEY"])
    moments = {}

    # Ready: one enquiry all the way to the SMTP server; the listing in nginx's cache.
    load.send_enquiry()
    wait_for(lambda: len(cluster.sink.received()) == 2, "the first enquiry's e-mails")
    warm = load.visitor()
    for _ in range(2):
        assert load.request("get", warm, "GET", LISTING_PATH).status == 200
    bogus = load.request(
        "get", warm, "GET", LISTING_PATH, headers={"Cookie": "__Host-sessionid=bogus"}
    )
    assert bogus.status == 200 and bogus.headers["X-Cache-Status"] == "HIT"
    assert "Set-Cookie" not in bogus.headers
    load.answers.clear()

    threads = [load.thread(load.read_pages)]
    threads += [load.thread(load.send_enquiries) for _ in range(2)]
    try:
        moments["load"] = time.monotonic()
        wait_for(lambda: load.stored_after(moments["load"]) >= 2 or load.stop.is_set(), "load")

        # 1. A web node dies.
        moments["node_killed"] = time.monotonic()
        cluster.nodes[0].kill()
        wait_for(
            lambda: load.stored_after(moments["node_killed"]) >= 4 or load.stop.is_set(),
            "enquiries after the node died",
        )

        # 2. The worker dies with an e-mail on the wire: the SMTP server has the message
        # and holds back its answer; the worker has marked the DATA command as sent.
        cluster.sink.reply_delay = 2.0
        wait_for(
            lambda: (
                query(
                    cluster.primary,
                    "SELECT count(*) FROM enquiries_delivery"
                    " WHERE data_sent IS NOT NULL AND state = 'pending'",
                )[0][0]
                > 0
                or load.stop.is_set()
            ),
            "an e-mail on the wire",
        )
        moments["worker_killed"] = time.monotonic()
        cluster.workers[0].kill()
        cluster.sink.reply_delay = 0.0
        cluster.workers.append(worker(cluster.stack, "worker2", cluster.env, cluster.log_dir))
        wait_for(
            lambda: load.stored_after(moments["worker_killed"]) >= 3 or load.stop.is_set(),
            "enquiries after the worker died",
        )

        # 3. The primary crashes with commits it has not streamed yet: its WAL sender is
        # frozen until an enquiry's sender has been told the reference since (which only
        # happens if storing it does not wait for the replica) or a "send" has waited 2 s
        # for the replica. Then the WAL sender is killed and every process of the primary
        # quits at once (`immediate`: no shutdown checkpoint, nothing more streamed). The
        # replica is promoted. Nothing is pointed anywhere: the nodes' next connection finds
        # the new primary through the multi-host DATABASE_URL.
        before = len(load.stored)
        wal_sender = int(cluster.primary.psql("-c", "SELECT pid FROM pg_stat_replication"))
        os.kill(wal_sender, signal.SIGSTOP)
        moments["replication_held"] = time.monotonic()
        wait_for(
            lambda: (
                load.told_after(moments["replication_held"]) > 0
                or load.longest_in_flight("send") > 2.0
                or load.stop.is_set()
            ),
            "an enquiry stored while the replica lags",
        )
        moments["primary_stopping"] = time.monotonic()
        os.kill(wal_sender, signal.SIGKILL)
        cluster.primary.stop("immediate")
        moments["primary_stopped"] = time.monotonic()
        cluster.replica.promote()
        moments["promoted"] = time.monotonic()
        wait_for(
            lambda: (
                (
                    load.stored_after(moments["promoted"]) >= 4
                    and load.answered_after(moments["promoted"]) >= 50
                )
                or load.stop.is_set()
            ),
            "enquiries after the promotion",
        )
        stored_during_failover = len(load.stored) - before
    finally:
        load.stop.set()
        for thread in threads:
            thread.join(STEP_DEADLINE + 10)
    moments["load_stopped"] = time.monotonic()
    assert not load.problems, load.problems

    # Every e-mail of every enquiry the visitors were told was stored reaches the SMTP
    # server, from the new primary's outbox.
    references = [reference for reference, _email, _started, _told in load.stored]

    def deliveries():
        return query(
            cluster.replica,
            "SELECT e.reference, d.message_id, d.state, d.attempts, d.unknown_outcomes"
            " FROM enquiries_delivery d JOIN enquiries_enquiry e ON e.id = d.enquiry_id"
            " WHERE e.reference = ANY(%s)",
            references,
        )

    def all_delivered():
        rows = deliveries()
        received = set(cluster.sink.received())
        return all(state == "sent" and mid in received for _r, mid, state, _a, _u in rows)

    wait_for(all_delivered, "every e-mail delivered", timeout=30)
    moments["delivered"] = time.monotonic()

    rows = deliveries()
    enquiries = query(
        cluster.replica,
        "SELECT reference, email FROM enquiries_enquiry WHERE reference = ANY(%s)",
        references,
    )
    per_address = query(
        cluster.replica,
        "SELECT count(*) FROM enquiries_enquiry WHERE email LIKE 'rehearsal-%%'"
        " GROUP BY email HAVING count(*) > 1",
    )
    received = cluster.sink.received()
    lost = sorted(set(references) - {reference for reference, _email in enquiries})
    by_reference = {}
    for reference, _mid, _state, _attempts, _unknown in rows:
        by_reference[reference] = by_reference.get(reference, 0) + 1
    undelivered = [r for r in references if by_reference.get(r, 0) != 2]
    duplicates = sum(received.count(mid) - 1 for _r, mid, _s, _a, _u in rows)
    # A message goes out twice when a worker could not know whether the SMTP server had it
    # (it died, or lost the database, after DATA), which the outbox counts, or when the
    # primary crashed before it streamed the row saying "sent", which nothing can count.
    sent_twice_unaccounted = [
        mid for _r, mid, _s, _a, unknown in rows if received.count(mid) > 1 and not unknown
    ]
    # What nginx met on the dead node, and passed on to the other one (GETs) or answered 502.
    nginx_log = cluster.proxy.error_log()
    upstream_errors = {
        "connection_refused": nginx_log.count("(111: Connection refused)"),
        "connection_reset": nginx_log.count("(104: Connection reset by peer)"),
        "closed_prematurely": nginx_log.count("upstream prematurely closed"),
    }

    # The answers, by window.
    answers = load.answers
    fence_open, fence_closed = moments["primary_stopping"], moments["promoted"]
    gets = [a for a in answers if a.step == "get"]
    posts = [a for a in answers if a.step in ("check", "send")]
    errors = [a for a in answers if a.status is None or a.status >= 500]
    in_failover = [a for a in errors if in_window(a, fence_open, fence_closed)]
    outside = [a for a in errors if not in_window(a, fence_open, fence_closed)]
    get_errors_outside = [a for a in outside if a.step in ("get", "form")]
    post_errors_outside = [a for a in outside if a.step in ("check", "send")]
    after_promotion = [a for a in answers if a.started > fence_closed]
    bogus = [a for a in answers if a.bogus_cookie and a.status == 200]

    def ms(seconds):
        return round(seconds * 1000)

    figures = {
        "requests": len(answers),
        "gets": len(gets) + sum(1 for a in answers if a.step == "form"),
        "posts": len(posts),
        "load_s": round(moments["load_stopped"] - moments["load"], 1),
        "listing_with_a_made_up_session_cookie": {
            "answers": len(bogus),
            "from_nginx_cache": sum(1 for a in bogus if a.cache == "HIT"),
            "set_cookie": sum(1 for a in bogus if a.set_cookie),
        },
        "node_kill": {
            "nginx_upstream_errors": upstream_errors,
            "get_5xx": sum(1 for a in get_errors_outside),
            "post_5xx": len(post_errors_outside),
            "post_5xx_statuses": sorted({a.status for a in post_errors_outside}, key=str),
        },
        "worker_kill": {
            "unknown_outcomes_retried": sum(1 for row in rows if row[4]),
        },
        "failover": {
            "replication_held_ms": ms(moments["primary_stopping"] - moments["replication_held"]),
            "told_while_held": load.told_after(moments["replication_held"])
            - load.told_after(moments["primary_stopping"]),
            "primary_stop_ms": ms(moments["primary_stopped"] - moments["primary_stopping"]),
            "promote_ms": ms(moments["promoted"] - moments["primary_stopped"]),
            "window_ms": ms(fence_closed - fence_open),
            "errors_in_window": len(in_failover),
            "error_statuses_in_window": sorted({a.status for a in in_failover}, key=str),
            "first_to_last_error_ms": ms(
                max(a.ended for a in in_failover) - min(a.ended for a in in_failover)
            )
            if in_failover
            else 0,
            "enquiries_stored_meanwhile": stored_during_failover,
            "requests_after": len(after_promotion),
            "5xx_after": sum(1 for a in after_promotion if a.status is None or a.status >= 500),
        },
        "enquiries": {
            "stored": len(references),
            "found_in_new_primary": len(enquiries),
            "lost": len(lost),
            "stored_twice": len(per_address),
        },
        "emails": {
            "expected": 2 * len(references),
            "sent": sum(1 for row in rows if row[2] == "sent"),
            "received_by_smtp": len(received),
            "sent_twice": duplicates,
            "sent_twice_unaccounted": len(sent_twice_unaccounted),
        },
        "drain_s": round(moments["delivered"] - moments["load_stopped"], 1),
        "setup_s": {name: round(value, 1) for name, value in cluster.timings.items()},
        "rehearsal_s": round(time.monotonic() - started, 1),
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }
    print("FAILOVER_FIGURES " + json.dumps(figures))
    if os.environ.get("FAILOVER_FIGURES"):
        with open(os.environ["FAILOVER_FIGURES"], "a") as report:
            report.write(json.dumps(figures) + "\n")

    # Nothing lost, nothing twice.
    assert lost == [], lost
    assert per_address == []
    assert undelivered == []
    # nginx passed every GET that met the dead node to the other one.
    assert get_errors_outside == [], get_errors_outside
    # A POST that was on the dead node got nginx's 502, and only then; sending it again was
    # safe (stored once, above). nginx never passes a POST on by itself once it was sent.
    for answer in post_errors_outside:
        assert answer.status == 502, answer
        assert answer.started < moments["node_killed"] + 2.0, answer
    # A made-up session cookie got the page from nginx's cache, whatever else was failing.
    assert bogus and all(a.cache == "HIT" and not a.set_cookie for a in bogus)
    # In the failover window, only the 503 page: the visitor is told to try again.
    assert {a.status for a in in_failover} <= {503}, in_failover
    # After the promotion, not one error.
    assert figures["failover"]["5xx_after"] == 0
    # The nodes now write to the promoted replica, which is a primary.
    assert query(cluster.replica, "SELECT pg_is_in_recovery()") == [(False,)]
    assert (
        query(
            cluster.replica,
            "SELECT count(*) FROM pg_stat_activity WHERE usename = 'portal'",
        )[0][0]
        > 0
    )


# --- Waiting for the replica (core/replication.py) -------------------------------------------


@pytest.fixture
def streaming_pair():
    with postgres(primary_settings()) as primary, replica(primary) as standby:
        primary.psql(
            "-c", "CREATE DATABASE portal OWNER portal", "-c", "GRANT pg_monitor TO portal"
        )
        primary.psql("-c", "CREATE TABLE marks (n int)", database="portal")
        primary.psql("-c", "GRANT INSERT ON marks TO portal", database="portal")
        yield primary, standby


@pytest.fixture
def primary_connection(streaming_pair, django_db_blocker):
    """A Django connection to the pair's primary, as the portal's role."""
    primary, _standby = streaming_pair
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "portal",
                "USER": "portal",
                "HOST": "127.0.0.1",
                "PORT": str(primary.port),
            }
        }
    )
    with django_db_blocker.unblock():
        connection = handler["default"]
        yield connection
        connection.close()


def commit_a_row(connection):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO marks VALUES (1)")


def timed_wait(connection, timeout):
    started = time.monotonic()
    caught_up = wait_for_replica(timeout, using=connection)
    return caught_up, time.monotonic() - started


def test_a_commit_waits_for_the_replica_and_never_longer_than_allowed(
    streaming_pair, primary_connection, caplog
):
    primary, standby = streaming_pair
    commit_a_row(primary_connection)
    caught_up, seconds = timed_wait(primary_connection, 5)
    assert caught_up and seconds < 1

    # The replica stops taking WAL (its receiver is frozen): the wait gives up after its time.
    receiver = int(standby.psql("-c", "SELECT pid FROM pg_stat_wal_receiver").strip())
    os.kill(receiver, signal.SIGSTOP)
    try:
        commit_a_row(primary_connection)
        caught_up, seconds = timed_wait(primary_connection, 0.5)
    finally:
        os.kill(receiver, signal.SIGCONT)
    assert not caught_up and 0.5 <= seconds < 2
    assert "No replica caught up with a commit within 0.5 s" in caplog.text
    caught_up, seconds = timed_wait(primary_connection, 5)
    assert caught_up

    # A role that may not read the replicas' positions: no waiting, and the log says why.
    primary.psql("-c", "REVOKE pg_monitor FROM portal")
    commit_a_row(primary_connection)
    caught_up, seconds = timed_wait(primary_connection, 5)
    assert not caught_up and seconds < 1
    assert "GRANT pg_monitor" in caplog.text
    primary.psql("-c", "GRANT pg_monitor TO portal")

    # No replica at all: no waiting.
    standby.stop("immediate")
    wait_for(
        lambda: primary.psql("-c", "SELECT count(*) FROM pg_stat_replication").strip() == "0",
        "the replica gone",
    )
    commit_a_row(primary_connection)
    caught_up, seconds = timed_wait(primary_connection, 5)
    assert not caught_up and seconds < 1
    assert "No replica is streaming" in caplog.text
