#!/bin/sh
# Soak: the mixed workload at half the measured capacity for DURATION against PostgreSQL, through run_platform
# (gunicorn with deploy/gunicorn.conf.py, the worker with its heartbeat, the scheduler), while the worker's sweeps are
# enqueued every minute. Records requests, errors, latency, and every 30 s the worker's memory and the database
# connections (var/soak_monitor.csv). Usage, after bench/soak/prepare.sh:
#   DURATION=30m sh bench/soak/run.sh
set -eu
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bench_soak}
export PORT=${PORT:-8099} WEB_WORKERS=${WEB_WORKERS:-4} WEB_THREADS=${WEB_THREADS:-4}
export DEBUG=0 ALLOWED_HOSTS=127.0.0.1,localhost DB_CONN_MAX_AGE=600 SESSION_IDLE_SECONDS=86400
DURATION=${DURATION:-30m}
CONNS=${CONNS:-16}
BASE=http://127.0.0.1:$PORT
mkdir -p var
.venv/bin/python manage.py collectstatic --noinput -v0 >/dev/null
.venv/bin/python manage.py run_platform > var/soak_platform.log 2>&1 &
PLATFORM=$!
cleanup() {
  kill "$PLATFORM" ${MONITOR:-} ${SWEEPS:-} 2>/dev/null || true
  wait "$PLATFORM" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 60); do curl -sf "$BASE/healthz" >/dev/null 2>&1 && break; sleep 1; done
curl -s "$BASE/healthz"; echo
wrk -t2 -c8 -d10s -s bench/soak/mix.lua "$BASE" >/dev/null    # warm every process
echo "== capacity: the mix at $CONNS connections for 30 s"
CAP=$(wrk -t2 -c$CONNS -d30s -s bench/soak/mix.lua "$BASE" | tee /dev/stderr | sed -n 's/.*requests\/s \([0-9.]*\).*/\1/p')
LOW=$(wrk -t1 -c1 -d10s -s bench/soak/mix.lua "$BASE" | sed -n 's/.*p50 \([0-9.]*\) ms.*/\1/p')
# per-connection pause so that CONNS connections together ask for half the capacity
DELAY=$(python3 -c "print(max(0, round($CONNS * 1000 / ($CAP / 2) - $LOW)))")
echo "capacity $CAP req/s; single-request p50 $LOW ms; soak target $(python3 -c "print(round($CAP/2,1))") req/s: " \
     "$CONNS connections, ${DELAY} ms pause each"
.venv/bin/python bench/soak/monitor.py var/soak_monitor.csv 30 &
MONITOR=$!
( while true; do .venv/bin/python manage.py scheduler --once >/dev/null 2>&1; sleep 60; done ) &
SWEEPS=$!
echo "== soak: $DURATION"
SOAK_DELAY_MS=$DELAY wrk -t2 -c$CONNS -d$DURATION --timeout 10s -s bench/soak/mix.lua "$BASE"
sleep 31
kill "$MONITOR" "$SWEEPS" 2>/dev/null || true
echo "== monitor (first and last lines of var/soak_monitor.csv)"
head -2 var/soak_monitor.csv; tail -1 var/soak_monitor.csv
echo "== server errors in the access log: $(grep -cE '" 5[0-9][0-9] ' var/soak_platform.log || true)"
echo "== restarts: $(grep -c '进程已退出' var/soak_platform.log || true)"
curl -s "$BASE/healthz"; echo
