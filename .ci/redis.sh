# Sourced by .ci/run (issue 7: production configuration). Redis for the test run that uses
# PostgreSQL, so the suite also runs against the production cache backend:
#
#   . .ci/redis.sh
#   start_redis                      # exports REDIS_URL=redis://127.0.0.1:PORT/0
#   DATABASE_URL=postgres://… REDIS_URL="$REDIS_URL" .venv/bin/pytest
#   stop_redis                       # also call it from .ci/run's EXIT trap
#
# The backup/restore test (tests/portal/test_backup.py) needs only the PostgreSQL binaries
# (apt-get install -y postgresql); it starts and stops its own server.

start_redis() {
    command -v redis-server >/dev/null || apt-get install -y -q redis-server >/dev/null
    REDIS_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
        --daemonize no >/dev/null &
    REDIS_PID=$!
    # Ready when *our* process answers (another Redis could hold the port).
    for _ in $(seq 100); do
        if redis-cli -p "$REDIS_PORT" info server 2>/dev/null | grep -q "process_id:$REDIS_PID"; then
            export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
            return 0
        fi
        sleep 0.1
    done
    echo "redis-server did not start" >&2
    return 1
}

stop_redis() {
    if [ -n "${REDIS_PID:-}" ]; then
        kill "$REDIS_PID" 2>/dev/null || true
        wait "$REDIS_PID" 2>/dev/null || true
        REDIS_PID=
    fi
}
