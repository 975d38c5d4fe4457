#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Monte Carlo benchmark: the C engine against the numpy reference
# (bench/mc_numpy.py). Method and caveats: bench/README.md.
#
# Usage: bench/run.sh [--numpy-only]
# Env:   ILMAVA_SHARED  shared tree with spec/examples (default ../shared
#                       relative to the repository root)
#        BENCH_RUNS     timed runs per command, median reported (default 5)
#        BENCH_DRAWS    Monte Carlo draws (default 100000)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SHARED=${ILMAVA_SHARED:-$ROOT/../shared}
PLAN=$SHARED/spec/examples/tornio-like.plan.json
GOLDEN=$SHARED/spec/examples/tornio-like.result.json
OPTIM=bench/data/optim25.plan.json
RUNS=${BENCH_RUNS:-5}
DRAWS=${BENCH_DRAWS:-100000}
SEED=11                      # the golden tornio-like result uses seed 11
PY=/usr/bin/python3          # Debian's python3 has numpy; pyenv's has not
C=build/ilmava

numpy_only=0
case "${1:-}" in
  "") ;;
  --numpy-only) numpy_only=1 ;;
  *) echo "usage: $0 [--numpy-only]" >&2; exit 2 ;;
esac

[ -f "$PLAN" ] || { echo "plan not found: $PLAN (set ILMAVA_SHARED)" >&2; exit 1; }

scripts/install-deps.sh bench
if [ "$numpy_only" = 0 ]; then
  make || { echo "make failed: nothing to benchmark" >&2; exit 1; }
  [ -x "$C" ] || { echo "$C is missing after make: nothing to benchmark" >&2; exit 1; }
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() {  # numbers on stdin, one a line
  sort -g | awk '{ v[NR] = $1 }
    END { if (NR == 0) print "nan";
          else if (NR % 2) print v[(NR + 1) / 2];
          else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

# Median wall time of a whole command over $RUNS runs after one warm-up;
# output is discarded. hyperfine when available, else a perf_counter loop.
wall() {
  if command -v hyperfine >/dev/null 2>&1; then
    hyperfine -N --style none --warmup 1 --runs "$RUNS" \
      --export-json "$tmp/h.json" -- "$(printf '%q ' "$@")" >/dev/null
    "$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$tmp/h.json"
  else
    "$PY" - "$RUNS" "$@" <<'EOF'
import statistics, subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
times = []
for i in range(runs + 1):
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    if i:
        times.append(time.perf_counter() - t0)
print(statistics.median(times))
EOF
  fi
}

# Median of the Monte Carlo section alone, as mc_numpy.py reports it.
numpy_mc() {
  "$PY" bench/mc_numpy.py "$PLAN" --json --draws "$DRAWS" --seed "$SEED" >/dev/null 2>"$tmp/err"
  for _ in $(seq "$RUNS"); do
    "$PY" bench/mc_numpy.py "$PLAN" --json --draws "$DRAWS" --seed "$SEED" 2>&1 >/dev/null |
      sed -n 's/^mc_seconds=//p'
  done | median
}

# Check a command's result against the golden file; a benchmark of a wrong
# answer is worthless, but the timings are still printed.
verdict() {
  "$@" >"$tmp/out.json" 2>/dev/null || { echo "error"; return; }
  if [ "$DRAWS" = 100000 ] && "$PY" bench/check_numpy.py --result "$tmp/out.json" "$GOLDEN" >/dev/null; then
    echo "matches golden"
  elif [ "$DRAWS" = 100000 ]; then
    echo "DIFFERS from golden"
  else
    echo "not checked"
  fi
}

fmt() { awk -v t="$1" 'BEGIN { printf "%.4f", t }'; }

np_cmd=("$PY" bench/mc_numpy.py "$PLAN" --json --draws "$DRAWS" --seed "$SEED")
np_mc=$(numpy_mc)
np_wall=$(wall "${np_cmd[@]}")
np_ok=$(verdict "${np_cmd[@]}")

if [ "$numpy_only" = 0 ]; then
  c_cmd=("$C" pathway "$PLAN" --json --draws "$DRAWS" --seed "$SEED")
  c1=$(wall "${c_cmd[@]}" --threads 1)
  c2=$(wall "${c_cmd[@]}" --threads 2)
  c1_ok=$(verdict "${c_cmd[@]}" --threads 1)
  c2_ok=$(verdict "${c_cmd[@]}" --threads 2)
  c0=$(wall "$C" pathway "$PLAN" --json --draws 0)
  if [ -f "$OPTIM" ]; then
    copt=$(wall "$C" optimize "$OPTIM" --json)
  fi
fi

cat <<EOF
Plan: $PLAN, $DRAWS draws, seed $SEED; median of $RUNS runs (after 1 warm-up)
Machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
numpy $("$PY" -c 'import numpy; print(numpy.__version__)'), $(command -v hyperfine >/dev/null && hyperfine --version || echo "no hyperfine: perf_counter loop"), commit $(git rev-parse --short HEAD 2>/dev/null || echo none)

| measurement | median (s) | output |
|---|---:|---|
| numpy, Monte Carlo section only | $(fmt "$np_mc") | |
| numpy, whole process | $(fmt "$np_wall") | $np_ok |
EOF
if [ "$numpy_only" = 1 ]; then
  echo
  echo "(--numpy-only: C engine not built nor timed)"
  exit 0
fi
cat <<EOF
| C, --threads 1 (C1) | $(fmt "$c1") | $c1_ok |
| C, --threads 2 (C2) | $(fmt "$c2") | $c2_ok |
| C, pathway --draws 0 | $(fmt "$c0") | |
EOF
if [ -n "${copt:-}" ]; then
  echo "| C, optimize $OPTIM | $(fmt "$copt") | |"
else
  echo "| C, optimize | - | $OPTIM absent |"
fi
cat <<EOF

| ratio | value |
|---|---:|
| numpy MC section / C1 | $(ratio "$np_mc" "$c1") |
| numpy whole process / C1 | $(ratio "$np_wall" "$c1") |
| C1 / C2 | $(ratio "$c1" "$c2") |
EOF
