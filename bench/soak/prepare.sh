#!/bin/sh
# Soak data on PostgreSQL: the demo set, 200,000 petitions (bench/portal) and 200,000 applications (bench/licensing),
# then signed-in sessions and URL lists for the load mix. Usage (from the project directory):
#   sh bench/soak/prepare.sh            # DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/bench_soak
set -eu
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bench_soak}
DB=${DATABASE_URL##*/}
psql "${DATABASE_URL%/*}/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
mkdir -p var
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py demo_load --quiet
.venv/bin/python bench/portal/generate.py "${PETITIONS:-200000}"
.venv/bin/python bench/licensing/generate.py "${APPLICATIONS:-200000}"
.venv/bin/python bench/soak/sessions.py
psql "$DATABASE_URL" -qc "VACUUM ANALYZE"
