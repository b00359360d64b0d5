#!/bin/sh
# Measure the portal pages and the petition lookup under load with wrk against gunicorn on 127.0.0.1.
# Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_portal sh bench/portal/measure.sh
# Prints throughput and latency percentiles (p50/p95/p99) per page.
set -eu
PORT=${PORT:-8097}
WORKERS=${WORKERS:-4}
DURATION=${DURATION:-20s}
CONNS=${CONNS:-16}
export DEBUG=0 ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}
export DB_CONN_MAX_AGE=600
mkdir -p /tmp/portal_work
.venv/bin/python manage.py collectstatic --noinput -v0 || true
.venv/bin/gunicorn bureau.wsgi:application --chdir src -b 127.0.0.1:$PORT -w $WORKERS --worker-class sync \
  --access-logfile /dev/null --error-logfile /tmp/portal_work/bench_gunicorn.log --daemon --pid /tmp/portal_work/bench_gunicorn.pid
sleep 3
trap 'kill $(cat /tmp/portal_work/bench_gunicorn.pid) 2>/dev/null || true' EXIT
BASE=http://127.0.0.1:$PORT
FIRST=$(head -1 var/bench_portal_urls.txt)
curl -sf "$BASE$FIRST" | grep -q "压测诉求" || { echo "lookup does not find the ticket (same SECRET_KEY as generate.py?)"; exit 1; }
for url in "$FIRST" /portal/ "/portal/laws/?q=%E5%8D%B1%E9%99%A9%E5%8C%96%E5%AD%A6%E5%93%81" /portal/laws/ /petitions/lookup/; do
  curl -s -o /dev/null "$BASE$url"
done
# warm every worker (imports, template loading, the first connection) so that the figures are steady-state ones
wrk -t2 -c8 -d3s -s bench/portal/lookup.lua "$BASE" >/dev/null
wrk -t2 -c8 -d2s "$BASE/portal/" >/dev/null
echo "== service time: petition lookup, one connection (latency without queueing)"
wrk -t1 -c1 -d10s -s bench/portal/lookup.lua "$BASE" | tail -1
echo "== petition lookup (valid number + code, 2000 different tickets)"
wrk -t2 -c$CONNS -d$DURATION -s bench/portal/lookup.lua "$BASE" | tail -1
echo "== petition lookup page (empty form)"
wrk -t2 -c$CONNS -d$DURATION -s bench/portal/report.lua "$BASE/petitions/lookup/" | tail -1
echo "== portal home"
wrk -t2 -c$CONNS -d$DURATION -s bench/portal/report.lua "$BASE/portal/" | tail -1
echo "== law search (危险化学品, 500 documents)"
wrk -t2 -c$CONNS -d$DURATION -s bench/portal/report.lua "$BASE/portal/laws/?q=%E5%8D%B1%E9%99%A9%E5%8C%96%E5%AD%A6%E5%93%81" | tail -1
