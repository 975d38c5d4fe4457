#!/bin/sh
# Runs each fuzz harness briefly on its seed corpus; fails when one crashes.
# Usage: scripts/fuzz.sh BUILD_DIR SECONDS_EACH
set -eu
dir=$1
secs=$2
for name in plan import programme doc; do
  bin="$dir/fuzz_$name"
  work="$dir/corpus-$name"
  log="$dir/fuzz_$name.log"
  mkdir -p "$work"
  if "$bin" -max_total_time="$secs" -max_len=65536 -print_final_stats=1 \
       "$work" "tests/fuzz/corpus/$name" >"$log" 2>&1; then
    grep -E "stat::number_of_executed_units" "$log" | tail -n 1
    echo "fuzz_$name: no crash in $secs s"
  else
    tail -n 40 "$log"
    echo "fuzz_$name: FAILED (see $log)" >&2
    exit 1
  fi
done
