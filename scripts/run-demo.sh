#!/bin/sh
# `make run` until the server exists: a store with the synthetic demo data,
# its municipalities and plans, and each plan's pathway.
# Usage: scripts/run-demo.sh BIN DB
set -eu
bin=$1
db=$2
if [ ! -f "$db" ]; then
  "$bin" --db "$db" demo
fi
"$bin" --db "$db" municipalities
echo
"$bin" --db "$db" plan list
for id in $("$bin" --db "$db" plan list --json | tr '{' '\n' | sed -n 's/^"id":\([0-9]*\),.*/\1/p'); do
  echo
  echo "=== plan $id"
  "$bin" --db "$db" pathway --plan "$id" --threads 2
done
