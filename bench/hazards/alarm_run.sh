#!/bin/sh
# The alarm-intake benchmark of issue 16 (target: ≥ 500 alarms/s accepted, p95 ≤ 50 ms, on 2 cores).
# PostgreSQL database bench_alarm (created afresh unless FRESH=0), gunicorn with deploy/gunicorn.conf.py and the
# production-like settings of bench/web/run.sh (DEBUG=0, persistent connections), then the simulator
# (bench/hazards/alarm_simulator.py) at each CONNS for DURATION seconds, single events and BATCH-event bodies.
#   sh bench/hazards/alarm_run.sh                 (ENTERPRISES=200 CONNS="4 8 16" DURATION=20 BATCHES="1 10")
set -eu
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bench_alarm}
export PORT=${PORT:-8097} WEB_WORKERS=${WEB_WORKERS:-4} WEB_THREADS=${WEB_THREADS:-1} WEB_MAX_REQUESTS=0
export DEBUG=0 ALLOWED_HOSTS=127.0.0.1,localhost DB_CONN_MAX_AGE=${DB_CONN_MAX_AGE:-600} BUREAU_VAR_DIR="$PWD/var"
export PYTHONPATH="$PWD/src"
DB=${DATABASE_URL##*/}
mkdir -p var
.venv/bin/python manage.py collectstatic --noinput -v0 >/dev/null
if [ "${FRESH:-1}" = 1 ]; then
  psql "${DATABASE_URL%/*}/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
  .venv/bin/python manage.py migrate --noinput -v0
  ENTERPRISES=${ENTERPRISES:-200} .venv/bin/python bench/hazards/alarm_simulator.py prepare
  psql "$DATABASE_URL" -qc "VACUUM ANALYZE"
fi
.venv/bin/gunicorn bureau.wsgi:application --chdir "$PWD/src" -c "$PWD/deploy/gunicorn.conf.py" --worker-class sync \
  --access-logfile /dev/null --error-logfile "$PWD/var/bench_alarm_gunicorn.log" &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null || true; wait $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 1; done
echo "nproc $(nproc) | workers $WEB_WORKERS × $WEB_THREADS threads | load $(cut -d' ' -f1-3 /proc/loadavg)"
BASE=http://127.0.0.1:$PORT CONNECTIONS=4 DURATION=3 .venv/bin/python bench/hazards/alarm_simulator.py send >/dev/null  # warm up
for batch in ${BATCHES:-1 10}; do
  for c in ${CONNS:-4 8 16}; do
    BASE=http://127.0.0.1:$PORT CONNECTIONS=$c BATCH=$batch DURATION=${DURATION:-20} \
      .venv/bin/python bench/hazards/alarm_simulator.py send
  done
done
