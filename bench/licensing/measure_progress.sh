#!/bin/sh
# The public progress lookup (办件查询, number + check code, POST) under load: gunicorn on 127.0.0.1 + wrk.
# Usage (after migrate, demo_load and generate.py on the bench database):
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_progress sh bench/licensing/measure_progress.sh
set -eu
PORT=${PORT:-8098}
WORKERS=${WORKERS:-4}
DURATION=${DURATION:-15s}
CONNS=${CONNS:-16}
export DEBUG=0 ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost} DB_CONN_MAX_AGE=600
mkdir -p var /tmp/progress_work
psql "$DATABASE_URL" -qAt -F, -c "SELECT number, check_code FROM licensing_application ORDER BY random() LIMIT 2000" \
  > var/bench_progress_pairs.txt
.venv/bin/python manage.py collectstatic --noinput -v0 || true
.venv/bin/gunicorn bureau.wsgi:application --chdir src -b 127.0.0.1:$PORT -w $WORKERS --worker-class sync \
  --access-logfile /dev/null --error-logfile /tmp/progress_work/gunicorn.log --daemon --pid /tmp/progress_work/pid
sleep 3
trap 'kill $(cat /tmp/progress_work/pid) 2>/dev/null || true' EXIT
BASE=http://127.0.0.1:$PORT
FIRST=$(head -1 var/bench_progress_pairs.txt)
curl -sf -X POST -b "csrftoken=benchcsrftoken0123456789abcdefgh" \
  -d "number=${FIRST%,*}&code=${FIRST#*,}&csrfmiddlewaretoken=benchcsrftoken0123456789abcdefgh" \
  "$BASE/licensing/progress/" | grep -q "progress-result" || { echo "the lookup does not find the application"; exit 1; }
wrk -t2 -c8 -d3s -s bench/licensing/progress.lua "$BASE" >/dev/null   # warm every worker
echo "== progress lookup, one connection (service time)"
wrk -t1 -c1 -d10s -s bench/licensing/progress.lua "$BASE" | tail -1
echo "== progress lookup, $CONNS connections, 2000 different applications"
wrk -t2 -c$CONNS -d$DURATION -s bench/licensing/progress.lua "$BASE" | tail -1
echo "== progress lookup page (empty form, GET)"
wrk -t2 -c$CONNS -d$DURATION -s bench/portal/report.lua "$BASE/licensing/progress/" | tail -1
