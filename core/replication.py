"""Commits that must survive a crash of the PostgreSQL primary.

Replication to the hot standby is asynchronous (docs/deploy.md): the primary acknowledges a
commit once it is on its own disk, and streams it to the replica a moment later. If the
primary dies within that moment and the replica is promoted, the commit is gone. For most
writes that is acceptable (staff save again, a session is recreated, an e-mail already sent
goes out once more), but not for an enquiry whose sender has been shown its reference.

`wait_for_replica()` closes that gap for the writes that need it, without PostgreSQL's
synchronous replication, which would stop every write while the replica is down: right
after the commit it waits until a streaming replica has flushed the primary's WAL as far as
it reached, reading the replica's position from pg_stat_replication. It waits only while a
replica is streaming, and at most DATABASE_REPLICA_WAIT_SECONDS; past that the commit stays on
the primary alone, as before, and a warning says so.
"""

import logging
import time

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.002

# The end of the WAL written so far, which the commit just made is part of. The insert
# position, not the flush one: with synchronous_commit=off the commit may not be flushed yet.
WAL_END = "SELECT pg_current_wal_insert_lsn()"

# One row per replica connected. Its state and position need pg_read_all_stats (GRANT
# pg_monitor TO portal); without it they are NULL while the row is still there.
REPLICAS = (
    "SELECT count(*), count(state), count(*) FILTER (WHERE state = 'streaming'),"
    " coalesce(bool_or(state = 'streaming' AND flush_lsn >= %s::pg_lsn), false)"
    " FROM pg_stat_replication"
)


def wait_for_replica(timeout=None, using=None):
    """After a commit: return True once a streaming replica has it on disk; False at once
    when none streams (or this is not PostgreSQL), and after `timeout` seconds (default
    DATABASE_REPLICA_WAIT_SECONDS; 0 does not wait) when none has caught up by then.
    `using`: the Django connection that committed (the default database's)."""
    timeout = settings.DATABASE_REPLICA_WAIT_SECONDS if timeout is None else timeout
    using = using or connection
    if using.vendor != "postgresql" or timeout <= 0:
        return False
    deadline = time.monotonic() + timeout
    with using.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        if cursor.fetchone()[0]:
            return False  # a replica itself: it accepted no write to wait for
        cursor.execute(WAL_END)
        (position,) = cursor.fetchone()
        while True:
            cursor.execute(REPLICAS, [position])
            connected, visible, streaming, caught_up = cursor.fetchone()
            if caught_up:
                return True
            if connected and not visible:
                logger.error(
                    "The database role cannot read the replicas' positions "
                    "(GRANT pg_monitor TO the portal's role): a commit is not waiting for them"
                )
                return False
            if not streaming:
                logger.warning("No replica is streaming: a commit is on the primary alone")
                return False
            if time.monotonic() >= deadline:
                logger.warning(
                    "No replica caught up with a commit within %s s: it is on the primary alone",
                    timeout,
                )
                return False
            time.sleep(POLL_SECONDS)
