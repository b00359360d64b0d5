#!/bin/sh
# Data of the web benchmark on PostgreSQL: the demo set plus APPLICATIONS applications (bench/licensing/generate.py),
# then the signed-in sessions and URL lists (bench/web/sessions.py). Run it again with a larger APPLICATIONS after
# a run to grow the same database (the generator appends): 100000 then 900000 gives 1× then 10×.
#   sh bench/web/prepare.sh                      # creates bureau_bench with 100,029 applications
#   FRESH=0 APPLICATIONS=900000 sh bench/web/prepare.sh   # … and grows it to 1,000,029
set -eu
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bureau_bench}
DB=${DATABASE_URL##*/}
mkdir -p var
if [ "${FRESH:-1}" = 1 ]; then
  psql "${DATABASE_URL%/*}/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
  .venv/bin/python manage.py migrate --noinput -v0
  .venv/bin/python manage.py demo_load --quiet
fi
.venv/bin/python bench/licensing/generate.py "${APPLICATIONS:-100000}"
.venv/bin/python bench/web/sessions.py
psql "$DATABASE_URL" -qc "VACUUM ANALYZE"
