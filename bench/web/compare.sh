#!/bin/sh
# Before/after on the same database and the same machine load: the trees BEFORE and AFTER (paths of checkouts)
# served in turn, ROUNDS times, at 16 connections for the pages of PAGES (bench/web/run.sh does each run).
#   sh bench/web/compare.sh /path/to/before /path/to/after
set -eu
BEFORE=$1 AFTER=$2
for round in $(seq 1 "${ROUNDS:-2}"); do
  for tree in "$BEFORE" "$AFTER"; do
    echo "== round $round: $tree ($(git -C "$tree" rev-parse --short HEAD))"
    BUREAU_SRC="$tree/src" CONNS=${CONNS:-16} DURATION=${DURATION:-8s} INPROCESS=0 \
      PAGES=${PAGES:-"floor queue_page queue_api detail"} sh bench/web/run.sh | grep -v '^|---' | tail -n +2
  done
done
