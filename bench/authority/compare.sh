#!/usr/bin/env bash
# Interleave before/after runs of measure.py on the same database: compare.sh BEFORE_TREE AFTER_TREE [rounds]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
before="$1"; after="$2"; rounds="${3:-3}"
for i in $(seq 1 "$rounds"); do
  for tree in "$before" "$after"; do
    echo "== round $i: $(git -C "$tree" log -1 --format=%h) ($tree)"
    BUREAU_SRC="$tree/src" "$here/../../.venv/bin/python" "$here/measure.py"
  done
done
