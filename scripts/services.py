"""Real servers for the benchmark, the audit and the backup test: PostgreSQL, Redis, gunicorn
and nginx, each on a free port of 127.0.0.1 and stopped by its PID when the block ends.

    with ExitStack() as stack:
        pg = stack.enter_context(postgres())
        url = pg.create_database("portal")
"""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PG_BIN_ROOT = Path("/usr/lib/postgresql")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(ready, what, timeout=30.0, process=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode} before it was ready")
        if ready():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} was not ready after {timeout:.0f} s")


def stop(process, timeout=10):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def postgres_bin(name):
    versions = sorted(PG_BIN_ROOT.glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True)
    for directory in versions:
        if (directory / name).exists():
            return str(directory / name)
    found = shutil.which(name)
    if found:
        return found
    raise RuntimeError(f"{name} not found: apt-get install -y postgresql")


class Postgres:
    def __init__(self, directory, port):
        self.directory = directory
        self.port = port
        self.data = directory / "data"

    def url(self, database):
        return f"postgres://portal@127.0.0.1:{self.port}/{database}"

    def psql(self, *args, database="postgres", user="postgres"):
        return subprocess.run(
            [postgres_bin("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", user]
            + ["-d", database, "-v", "ON_ERROR_STOP=1", "-X", "-q", "-A", "-t", *args],
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def create_database(self, name):
        self.psql("-c", f'CREATE DATABASE "{name}" OWNER portal')
        return self.url(name)

    def pg_ctl(self, *args):
        return subprocess.run(
            as_postgres_user([postgres_bin("pg_ctl"), "-D", str(self.data), *args]),
            check=True,
            capture_output=True,
            text=True,
            cwd="/",
        )

    def stop(self, mode="fast"):
        """`fast`: a primary first sends its replicas all of its WAL, so they lose nothing."""
        self.pg_ctl("-m", mode, "-w", "stop")

    def promote(self):
        """A replica becomes a primary; returns once it accepts writes."""
        self.pg_ctl("-w", "promote")


def as_postgres_user(command):
    """initdb and postgres refuse to run as root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def _server_directory():
    directory = Path(tempfile.mkdtemp(prefix="portal-pg-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    return directory


def _start(directory, port, settings=None):
    # Durability off: these servers hold nothing worth keeping, and they start in a second.
    # `settings` (name: value) come after, and win.
    options = (
        f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        " -c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
    )
    for name, value in (settings or {}).items():
        options += f" -c {name}={value}"
    subprocess.run(
        as_postgres_user(
            [postgres_bin("pg_ctl"), "-D", str(directory / "data"), "-w"]
            + ["-l", str(directory / "log"), "-o", options, "start"]
        ),
        check=True,
        capture_output=True,
        cwd="/",
    )


def _remove(server):
    subprocess.run(
        as_postgres_user(
            [postgres_bin("pg_ctl"), "-D", str(server.data), "-m", "immediate", "stop"]
        ),
        capture_output=True,
        cwd="/",
    )
    shutil.rmtree(server.directory, ignore_errors=True)


@contextmanager
def postgres(settings=None):
    """A throwaway PostgreSQL cluster with a `portal` role that may create databases;
    `settings` are server settings (name: value) on top of the defaults here.

    It can be a primary as it is: initdb's pg_hba.conf lets 127.0.0.1 replicate, and
    PostgreSQL 15's defaults (wal_level=replica, max_wal_senders=10) allow it.
    """
    directory = _server_directory()
    server = Postgres(directory, free_port())
    try:
        subprocess.run(
            as_postgres_user(
                [postgres_bin("initdb"), "-D", str(server.data), "-U", "postgres"]
                + ["--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]
            ),
            check=True,
            capture_output=True,
            cwd="/",
        )
        _start(directory, server.port, settings)
        server.psql("-c", "CREATE ROLE portal LOGIN CREATEDB")
        yield server
    finally:
        _remove(server)


@contextmanager
def replica(primary):
    """A streaming replica (hot standby) of `primary`, cloned from it as docs/deploy.md does
    (pg_basebackup --write-recovery-conf, with a replication slot); yields once it streams."""
    directory = _server_directory()
    server = Postgres(directory, free_port())
    slot = f"replica_{server.port}"
    try:
        subprocess.run(
            as_postgres_user(
                [postgres_bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port)]
                + ["-U", "postgres", "-D", str(server.data), "--wal-method=stream"]
                + ["--write-recovery-conf", "--create-slot", f"--slot={slot}", "--no-sync"]
                # At once, not spread over minutes as a checkpoint of a busy server is.
                + ["--checkpoint=fast"]
            ),
            check=True,
            capture_output=True,
            cwd="/",
        )
        _start(directory, server.port)
        streaming = (
            "SELECT count(*) FROM pg_stat_replication s JOIN pg_replication_slots r"
            f" ON r.active_pid = s.pid WHERE r.slot_name = '{slot}' AND s.state = 'streaming'"
        )
        wait_until(lambda: primary.psql("-c", streaming).strip() == "1", "replica")
        yield server
    finally:
        _remove(server)


@contextmanager
def redis():
    """A Redis without persistence; yields its URL."""
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", ""]
        + ["--appendonly", "no", "--daemonize", "no", "--maxmemory", "256mb"]
        + ["--maxmemory-policy", "allkeys-lru"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def ready():
        # Our own process must answer, not another Redis that holds the port.
        info = subprocess.run(
            ["redis-cli", "-p", str(port), "info", "server"], capture_output=True, text=True
        ).stdout
        return f"process_id:{process.pid}" in info

    try:
        wait_until(ready, "redis-server", process=process)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(process)


def production_env(work, redis_url, **extra):
    """The environment of the portal's production processes on this machine, as the
    benchmark and the audit run them: production settings behind nginx on loopback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_"))}
    env.update(
        PORTAL_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        ENQUIRY_SITE_URL="http://localhost",
        DEFAULT_FROM_EMAIL="portal@localhost",
        REDIS_URL=redis_url,
        STATIC_ROOT=str(work / "static"),
        SECURE_SSL_REDIRECT="false",
        GUNICORN_ACCESS_LOG="",
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def manage(*args, env, check=True):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=check,
        capture_output=True,
        text=True,
    )


def http_status(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


@contextmanager
def gunicorn(env, workers=2, log=None):
    """gunicorn with deploy/gunicorn.conf.py; yields its base URL once /healthz says ok."""
    port = free_port()
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
        cwd=BASE_DIR,
        env=env,
        stdout=log or subprocess.DEVNULL,
        stderr=log or subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: http_status(f"{base}/healthz") == 200, "gunicorn", process=process)
        yield base
    finally:
        stop(process, timeout=20)


@contextmanager
def nginx(config_text, directory):
    """nginx in the foreground with `config_text` as its whole configuration."""
    directory = Path(directory)
    config = directory / "nginx.conf"
    config.write_text(config_text)
    process = subprocess.Popen(
        ["nginx", "-p", str(directory), "-c", str(config), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=open(directory / "stderr.log", "w"),  # noqa: SIM115 - kept for the process
    )
    try:
        yield process
    finally:
        stop(process)
