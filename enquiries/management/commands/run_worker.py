import logging
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run the background jobs listed in settings.WORKER_JOBS (sending queued enquiry "
        "e-mails first of all) in a loop. Stop it with SIGTERM or Ctrl-C: it finishes the "
        "message in hand first. --once drains what is due now and exits."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Run every job until none has work, then exit."
        )
        parser.add_argument(
            "--poll",
            type=float,
            default=None,
            help="Seconds to sleep when there is nothing to do (default: WORKER_POLL_SECONDS).",
        )

    def handle(self, *args, once=False, poll=None, **options):
        jobs = [import_string(path) for path in settings.WORKER_JOBS]
        poll = settings.WORKER_POLL_SECONDS if poll is None else poll
        stop = threading.Event()
        if not once:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_args: stop.set())
        total = 0
        while not stop.is_set():
            # Drop connections the database has closed or that are past CONN_MAX_AGE, as
            # Django does between requests (not inside a transaction a caller holds open).
            if not connection.in_atomic_block:
                close_old_connections()
            handled = 0
            for job in jobs:
                try:
                    handled += job()
                except Exception:
                    # One failing job must not stop the others; it is retried next round.
                    logger.exception("Worker job %s failed", job.__module__ + "." + job.__name__)
            total += handled
            if handled:
                continue
            if once:
                break
            stop.wait(poll)
        if options["verbosity"] >= 1:
            self.stdout.write(f"Worker stopped after handling {total} item(s).")
