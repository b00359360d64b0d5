#!/bin/sh
# The web benchmark of issue 18: gunicorn (4 sync workers, deploy/gunicorn.conf.py otherwise) on 127.0.0.1, wrk at
# 1 / 4 / 16 connections per page and for the mix, then the in-process split (total, SQL, Python) per page.
# Usage, after bench/web/prepare.sh:  sh bench/web/run.sh            (DURATION=10s CONNS="1 4 16" PAGES="…")
# BUREAU_SRC=/other/checkout/src serves another tree (before/after on the same database); INPROCESS=0 skips the split.
set -eu
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bureau_bench}
export PORT=${PORT:-8098} WEB_WORKERS=${WEB_WORKERS:-4} WEB_THREADS=1 WEB_MAX_REQUESTS=0
export DEBUG=0 ALLOWED_HOSTS=127.0.0.1,localhost DB_CONN_MAX_AGE=${DB_CONN_MAX_AGE:-600} BUREAU_VAR_DIR="$PWD/var"
DURATION=${DURATION:-10s}
CONNS=${CONNS:-"1 4 16"}
PAGES=${PAGES:-"healthz portal_home progress_form verify floor queue_page queue_api detail mine workbench own_detail"}
BASE=http://127.0.0.1:$PORT
mkdir -p var
.venv/bin/python manage.py collectstatic --noinput -v0 >/dev/null
SRC=${BUREAU_SRC:-$PWD/src}
.venv/bin/gunicorn bureau.wsgi:application --chdir "$SRC" -c "$PWD/deploy/gunicorn.conf.py" --worker-class sync \
  --access-logfile /dev/null --error-logfile "$PWD/var/bench_web_gunicorn.log" &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null || true; wait $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -sf "$BASE/healthz" >/dev/null 2>&1 && break; sleep 1; done
echo "date $(date -u '+%F %T') UTC | nproc $(nproc) | load $(cut -d' ' -f1-3 /proc/loadavg) | applications \
$(psql "$DATABASE_URL" -Atc 'select count(*) from licensing_application')"
PAGE=queue_page wrk -t2 -c8 -d3s -s bench/web/mix.lua "$BASE" >/dev/null   # warm every worker
echo "| page | connections | throughput | p50 | p95 | p99 | errors, non-2xx | load |"
echo "|---|---|---|---|---|---|---|---|"
for page in $PAGES mix; do
  for c in $CONNS; do
    threads=$([ "$c" -ge 2 ] && echo 2 || echo 1)
    script=bench/web/page.lua; [ "$page" = mix ] && script=bench/web/mix.lua
    line=$(PAGE=$page wrk -t$threads -c$c -d$DURATION -s $script "$BASE" | tail -1)
    echo "| $page | $c | $line | load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
kill $GUNICORN 2>/dev/null || true
if [ "${INPROCESS:-1}" = 1 ]; then
  echo "in process (WSGI handler, CPU per request, mean of ${RUNS:-200} requests):"
  RUNS=${RUNS:-200} BUREAU_SRC="$SRC" .venv/bin/python bench/web/inprocess.py 2>/dev/null | grep -E '^(\||date)'
fi
