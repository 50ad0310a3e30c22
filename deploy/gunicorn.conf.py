"""gunicorn settings for every web node: `gunicorn -c deploy/gunicorn.conf.py`.

Read from the environment like the Django settings; see docs/deploy.md.
"""

import multiprocessing
import os

# The benchmark serves its floor views beside the portal (scripts/bench_floor.py).
wsgi_app = os.environ.get("GUNICORN_WSGI_APP", "portal.wsgi:application")
# Loopback only: nginx on this machine is the one client (deploy/nginx/portal-node.conf when
# a load balancer is in front). `unix:/run/portal/gunicorn.sock` works as well.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers behind nginx, which buffers slow clients: each worker serves one request at
# a time with one persistent database connection. Pages are mostly served from Redis, so
# the usual 2 x cores + 1 keeps the CPUs busy.
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Recycle workers now and then so a slow leak cannot grow without bound. A wide jitter keeps
# workers that serve the same load from restarting together (which `make bench` saw with 500:
# a second with no worker answering).
max_requests = 5000
max_requests_jitter = 2500

# gunicorn believes X-Forwarded-Proto only from here. The client's address is Django's
# business (TRUSTED_PROXIES, core/client_address.py), read the same way in the access log.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Logs: one JSON line per event on stdout/stderr (portal/log.py), for journald or a collector.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.log.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
        },
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        },
    },
    # Replaces gunicorn's default root logger too (Django's LOGGING takes it over later).
    "root": {"handlers": ["stderr"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stderr"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
    },
}


def post_worker_init(worker):
    """Once the worker has loaded Django and the portal: move everything alive now (modules,
    URL patterns, templates, the catalogues) out of the garbage collector's sight. The
    collector then stops walking these long-lived objects on every collection of the oldest
    generation, which the bench measured at about 5 % of an uncached page."""
    import gc

    gc.collect()
    gc.freeze()
