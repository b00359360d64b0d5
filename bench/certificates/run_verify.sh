#!/bin/sh
# Verification endpoint under load: gunicorn (WORKERS sync workers, default 4) on 127.0.0.1 and wrk (2 threads, 16 connections).
# Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_certificates sh bench/certificates/run_verify.sh [versions]
set -eu
cd "$(dirname "$0")/../.."
PORT=${PORT:-8765}
# `versions` (issue 15): codes of every version, current and superseded (generate_versions.py)
if [ "${1:-}" = "versions" ]; then
  psql "$DATABASE_URL" -qAt -c "SELECT verify_code FROM certificates_certificateversion TABLESAMPLE SYSTEM (1) LIMIT 19000" \
    > /tmp/cert_codes.txt
else
  psql "$DATABASE_URL" -qAt -c "SELECT verify_code FROM certificates_certificate TABLESAMPLE SYSTEM (1) LIMIT 19000" \
    > /tmp/cert_codes.txt
fi
psql "$DATABASE_URL" -qAt -c "SELECT md5('unknown' || g) FROM generate_series(1, 1000) g" >> /tmp/cert_codes.txt
PYTHONPATH="$PWD/src" DEBUG=0 .venv/bin/gunicorn bureau.wsgi --chdir "$PWD" --workers ${WORKERS:-4} --bind 127.0.0.1:$PORT --log-level warning \
  --pid /tmp/cert_bench_gunicorn.pid --daemon
sleep 6
wrk -t2 -c16 -d10s -s bench/certificates/verify.lua "http://127.0.0.1:$PORT" -- /tmp/cert_codes.txt > /dev/null  # warm-up
echo "== 16 connections, 30 s"
wrk -t2 -c16 -d30s -s bench/certificates/verify.lua "http://127.0.0.1:$PORT" -- /tmp/cert_codes.txt
echo "== 4 connections, 20 s"
wrk -t2 -c4 -d20s -s bench/certificates/verify.lua "http://127.0.0.1:$PORT" -- /tmp/cert_codes.txt
echo "== public verification page (HTML), 16 connections, 20 s"
wrk -t2 -c16 -d20s -s bench/certificates/verify.lua "http://127.0.0.1:$PORT" -- /tmp/cert_codes.txt page
kill "$(cat /tmp/cert_bench_gunicorn.pid)"
