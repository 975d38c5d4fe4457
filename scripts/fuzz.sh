#!/bin/sh
# Runs the plan-parser fuzzer briefly; fails when it finds a crash.
# Usage: scripts/fuzz.sh BUILD_DIR SECONDS
set -eu
dir=$1
secs=$2
mkdir -p "$dir/corpus"
log="$dir/fuzz.log"
if "$dir/fuzz_plan" -max_total_time="$secs" -max_len=65536 -print_final_stats=1 \
     "$dir/corpus" tests/fuzz/corpus >"$log" 2>&1; then
  grep -E "stat::number_of_executed_units|Done" "$log" | tail -n 2
  echo "fuzz_plan: no crash in $secs s"
else
  tail -n 40 "$log"
  echo "fuzz_plan: FAILED (see $log)" >&2
  exit 1
fi
