#!/bin/sh
# `make run` until the server exists: the engine on the example plans.
# Usage: scripts/run-examples.sh BIN SHARED_DIR
set -eu
bin=$1
shared=$2
plans=""
if [ -d "$shared/spec/examples" ]; then
  plans=$(ls "$shared"/spec/examples/*.plan.json)
else
  echo "($shared not found: running the project's own test plans)"
  plans=$(ls tests/data/golden/*.plan.json)
fi
for p in $plans; do
  echo "=== $p"
  "$bin" pathway "$p" --threads 2
  echo
done
