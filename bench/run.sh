#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Benchmarks of the C engine, side by side in one run: the Monte Carlo
# against the numpy reference (bench/mc_numpy.py), thread scaling, the
# deterministic pathway and the optimiser. Method and caveats:
# bench/README.md; the last recorded figures: bench/RESULTS.md.
#
# Usage: bench/run.sh [--numpy-only]
# Env:   ILMAVA_SHARED  shared tree with spec/examples (default ../shared
#                       relative to the repository root)
#        BENCH_RUNS     rounds / timed runs per command (default 7)
#        BENCH_REPS     in-process repetitions per ilmava_bench mc call (default 9)
#        BENCH_DRAWS    Monte Carlo draws (default 100000)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SHARED=${ILMAVA_SHARED:-$ROOT/../shared}
PLAN=$SHARED/spec/examples/tornio-like.plan.json
GOLDEN=$SHARED/spec/examples/tornio-like.result.json
DATA=bench/data
RUNS=${BENCH_RUNS:-7}
REPS=${BENCH_REPS:-9}
DRAWS=${BENCH_DRAWS:-100000}
SEED=11                      # the golden tornio-like result uses seed 11
PY=/usr/bin/python3          # Debian's python3 has numpy; pyenv's has not
C=build/ilmava               # both built by `make` (the repo Makefile)
CB=build/ilmava_bench

numpy_only=0
case "${1:-}" in
  "") ;;
  --numpy-only) numpy_only=1 ;;
  *) echo "usage: $0 [--numpy-only]" >&2; exit 2 ;;
esac

[ -f "$PLAN" ] || { echo "plan not found: $PLAN (set ILMAVA_SHARED)" >&2; exit 1; }

scripts/install-deps.sh bench
if [ "$numpy_only" = 0 ]; then
  make >&2 || { echo "make failed: nothing to benchmark" >&2; exit 1; }
  for b in "$C" "$CB"; do
    [ -x "$b" ] || { echo "$b is missing after make: nothing to benchmark" >&2; exit 1; }
  done
  for n in 16 25 30; do
    [ -f "$DATA/optim$n.plan.json" ] || { "$PY" bench/gen_optim.py >&2; break; }
  done
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
ms() { awk -v t="$1" 'BEGIN { printf "%.1f", t * 1000 }'; }
us() { awk -v t="$1" 'BEGIN { printf "%.1f", t }'; }
# The value of key $2 in a line of key=value pairs $1 (ilmava_bench output).
kv() { awk -v k="$2" '{ for (i = 1; i <= NF; i++) { j = index($i, "=");
         if (substr($i, 1, j - 1) == k) print substr($i, j + 1) } }' <<<"$1"; }
# PASS when $1 >= $2 ("at least"), or $1 < $2 with $3 = below.
verdict_num() {
  awk -v v="$1" -v t="$2" -v dir="${3:-atleast}" 'BEGIN {
    ok = dir == "below" ? v < t : v >= t; print ok ? "PASS" : "FAIL" }'
}

# Check a command's result against the golden file; a benchmark of a wrong
# answer is worthless, but the timings are still printed.
golden() {
  "$@" >"$tmp/out.json" 2>/dev/null || { echo "error"; return; }
  if [ "$DRAWS" != 100000 ]; then
    echo "not checked"
  elif "$PY" bench/check_numpy.py --result "$tmp/out.json" "$GOLDEN" >/dev/null; then
    echo "matches golden"
  else
    echo "DIFFERS from golden"
  fi
}

np_cmd=("$PY" bench/mc_numpy.py "$PLAN" --json --draws "$DRAWS" --seed "$SEED")
c_cmd=("$C" pathway "$PLAN" --json --draws "$DRAWS" --seed "$SEED")

# CPU seconds used by the whole machine (/proc/stat) and by this script's
# children (the `times` builtin, run in this shell: a subshell starts at 0).
# Their difference over the run is what other processes took: on a 2-CPU
# machine that load spoils the 2-thread figures, so it is printed with them.
machine_cpu() { awk '/^cpu / { print ($2 + $3 + $4 + $7 + $8 + $9) / 100 }' /proc/stat; }
children_cpu() {  # a file written by `times` -> user + system seconds of children
  awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); t += a[1] * 60 + a[2] }
                 print t }' "$1"
}
times >"$tmp/times0"
m0=$(machine_cpu); w0=$(date +%s.%N)

# ---- (a, b) Monte Carlo sections, interleaved round by round ----
# One round: one numpy process (its mc_seconds), then one ilmava_bench
# process per thread count, each timing $REPS calls of ilm_model_run.
np_section() {
  "$PY" bench/mc_numpy.py "$PLAN" --json --timing --draws "$DRAWS" --seed "$SEED" \
    2>&1 >/dev/null | sed -n 's/^mc_seconds=//p'
}
np_section >/dev/null                                   # warm-up
if [ "$numpy_only" = 0 ]; then
  for t in 1 2; do "$CB" mc "$PLAN" --draws "$DRAWS" --seed "$SEED" --threads "$t" --reps 1 >/dev/null; done
fi
: >"$tmp/np"
for t in 1 2; do : >"$tmp/c$t.med"; : >"$tmp/c$t.first"; : >"$tmp/c$t.min"; done
for _ in $(seq "$RUNS"); do
  np_section >>"$tmp/np"
  if [ "$numpy_only" = 1 ]; then continue; fi
  for t in 1 2; do
    line=$("$CB" mc "$PLAN" --draws "$DRAWS" --seed "$SEED" --threads "$t" --reps "$REPS")
    kv "$line" median_s >>"$tmp/c$t.med"
    kv "$line" first_s >>"$tmp/c$t.first"
    kv "$line" min_s >>"$tmp/c$t.min"
    kv "$line" p_meet >"$tmp/c$t.pmeet"
  done
done
np_mc=$(median <"$tmp/np")

# ---- (c) whole commands, (d) and (e) whole-process rows, with hyperfine ----
# Median wall time of each command over $RUNS runs after one warm-up, output
# discarded: hyperfine -N when available, else a perf_counter loop.
wall_all() {  # one command per argument, each a single %q-quoted string
  if command -v hyperfine >/dev/null 2>&1; then
    hyperfine -N --style none --warmup 1 --runs "$RUNS" \
      --export-json "$tmp/h.json" -- "$@" >/dev/null
    "$PY" -c 'import json, sys
for r in json.load(open(sys.argv[1]))["results"]: print(r["median"])' "$tmp/h.json"
  else
    "$PY" - "$RUNS" "$@" <<'EOF'
import shlex, statistics, subprocess, sys, time
runs = int(sys.argv[1])
for cmd in sys.argv[2:]:
    argv, times = shlex.split(cmd), []
    for i in range(runs + 1):
        t0 = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
        if i:
            times.append(time.perf_counter() - t0)
    print(statistics.median(times))
EOF
  fi
}
q() { printf '%q ' "$@"; }

if [ "$numpy_only" = 1 ]; then
  mapfile -t W < <(wall_all "$(q "${np_cmd[@]}")")
else
  mapfile -t W < <(wall_all "$(q "${np_cmd[@]}")" \
    "$(q "${c_cmd[@]}" --threads 1)" "$(q "${c_cmd[@]}" --threads 2)" \
    "$(q "$C" pathway "$PLAN" --json --draws 0)" \
    "$(q "$C" optimize "$DATA/optim25.plan.json" --json)")
fi
np_wall=${W[0]}
np_ok=$(golden "${np_cmd[@]}")

m1=$(machine_cpu); w1=$(date +%s.%N)
times >"$tmp/times1"
o0=$(children_cpu "$tmp/times0"); o1=$(children_cpu "$tmp/times1")
other=$(awk -v m="$m1" -v mm="$m0" -v o="$o1" -v oo="$o0" -v w="$w1" -v ww="$w0" \
  'BEGIN { x = (m - mm) - (o - oo); if (x < 0) x = 0; printf "%.1f", 100 * x / (w - ww) }')
quiet=$(awk -v x="$other" 'BEGIN { print x <= 5 ? "quiet" : "BUSY: 2-thread figures unreliable" }')

cpu_model=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)
cores=$(lscpu | sed -n 's/^Core(s) per socket:[[:space:]]*//p' | head -n 1)
sockets=$(lscpu | sed -n 's/^Socket(s):[[:space:]]*//p' | head -n 1)
tpc=$(lscpu | sed -n 's/^Thread(s) per core:[[:space:]]*//p' | head -n 1)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo none)
dirty=$(git status --porcelain -- src include CMakeLists.txt 2>/dev/null | awk '{ printf "%s%s", sep, $2; sep = ", " }')

cat <<EOF
Date: $(date -u '+%Y-%m-%d %H:%M UTC')
Machine: $cpu_model, $(nproc) CPUs ($sockets socket(s) x $cores core(s) x $tpc thread(s)), $(uname -sr)
Software: $(gcc --version | head -n 1), numpy $("$PY" -c 'import numpy; print(numpy.__version__)'), $(command -v hyperfine >/dev/null && hyperfine --version || echo "no hyperfine: perf_counter loop"), commit $commit${dirty:+ + uncommitted changes in $dirty}
Workload: $PLAN, $DRAWS draws, seed $SEED
Method: $RUNS interleaved rounds (numpy process, ilmava_bench --threads 1, --threads 2; $REPS in-process runs each); whole commands: median of $RUNS runs after 1 warm-up
Other load: other processes used $other % of one CPU during the timed sections (a) to (c) ($quiet)
Command: ILMAVA_SHARED=$SHARED BENCH_RUNS=$RUNS BENCH_REPS=$REPS BENCH_DRAWS=$DRAWS bench/run.sh${1:+ $1}

### Monte Carlo section (model run alone)

| measurement | median (ms) | output |
|---|---:|---|
| numpy, \`mc_seconds\` (fresh process each) | $(ms "$np_mc") | $np_ok |
EOF
if [ "$numpy_only" = 1 ]; then
  echo
  echo "| numpy, whole process | $(ms "$np_wall") | |"
  echo
  echo "(--numpy-only: C engine not built nor timed)"
  exit 0
fi

c1=$(median <"$tmp/c1.med"); c1f=$(median <"$tmp/c1.first"); c1m=$(median <"$tmp/c1.min")
c2=$(median <"$tmp/c2.med"); c2f=$(median <"$tmp/c2.first"); c2m=$(median <"$tmp/c2.min")
c1_wall=${W[1]}; c2_wall=${W[2]}; c0_wall=${W[3]}; opt_wall=${W[4]}
c1_ok=$(golden "${c_cmd[@]}" --threads 1)
c2_ok=$(golden "${c_cmd[@]}" --threads 2)
same_p=$([ "$(cat "$tmp/c1.pmeet")" = "$(cat "$tmp/c2.pmeet")" ] && echo "p_meet $(cat "$tmp/c1.pmeet") for both" || echo "p_meet DIFFERS between thread counts")

r_np_c1=$(ratio "$np_mc" "$c1"); r_np_c1f=$(ratio "$np_mc" "$c1f")
r_c1_c2=$(ratio "$c1" "$c2"); r_c1_c2f=$(ratio "$c1f" "$c2f")
r_np_c1m=$(ratio "$np_mc" "$c1m"); r_c1_c2m=$(ratio "$c1m" "$c2m")
cat <<EOF
| C ilm_model_run, 1 thread (C1): median of in-process runs | $(ms "$c1") | $same_p |
| C ilm_model_run, 1 thread: first run in each process | $(ms "$c1f") | |
| C ilm_model_run, 1 thread: fastest run in each process | $(ms "$c1m") | |
| C ilm_model_run, 2 threads (C2): median of in-process runs | $(ms "$c2") | |
| C ilm_model_run, 2 threads: first run in each process | $(ms "$c2f") | |
| C ilm_model_run, 2 threads: fastest run in each process | $(ms "$c2m") | |

| ratio | median runs | first runs | fastest runs |
|---|---:|---:|---:|
| numpy MC section / C1 | $r_np_c1 | $r_np_c1f | $r_np_c1m |
| C1 / C2 | $r_c1_c2 | $r_c1_c2f | $r_c1_c2m |

### Whole commands (hyperfine)

| command | median (ms) | output |
|---|---:|---|
| \`${np_cmd[*]}\` | $(ms "$np_wall") | $np_ok |
| \`${c_cmd[*]} --threads 1\` | $(ms "$c1_wall") | $c1_ok |
| \`${c_cmd[*]} --threads 2\` | $(ms "$c2_wall") | $c2_ok |
| \`$C pathway $PLAN --json --draws 0\` | $(ms "$c0_wall") | |
| \`$C optimize $DATA/optim25.plan.json --json\` | $(ms "$opt_wall") | |

| ratio | value |
|---|---:|
| numpy process / C1 process | $(ratio "$np_wall" "$c1_wall") |
| C1 process / C2 process | $(ratio "$c1_wall" "$c2_wall") |
| numpy process / C2 process | $(ratio "$np_wall" "$c2_wall") |
EOF

# ---- (d) deterministic pathway, per call ----
pw=$("$CB" pathway "$PLAN" --reps 20000)
pw_med=$(kv "$pw" median_us)
cat <<EOF

### Deterministic pathway (ilm_model_run, draws 0, 20 000 calls)

| per call | µs |
|---|---:|
| median | $(us "$pw_med") |
| min | $(us "$(kv "$pw" min_us)") |
| max | $(us "$(kv "$pw" max_us)") |
EOF

# ---- (e) optimiser ----
cat <<EOF

### Optimiser (ilm_optimize; bench/data, generated by bench/gen_optim.py)

| plan | optional | runs | median (ms) | method | exact | nodes | annual cost (EUR) | cost bound (EUR) |
|---|---:|---:|---:|---|---|---:|---:|---:|
EOF
for n in 16 25 30; do
  reps=$([ "$n" = 16 ] && echo 21 || echo 3)
  o=$("$CB" optimize "$DATA/optim$n.plan.json" --reps "$reps")
  printf '| optim%s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$n" \
    "$(kv "$o" n_optional)" "$reps" "$(ms "$(kv "$o" median_s)")" "$(kv "$o" method)" \
    "$( [ "$(kv "$o" exact)" = 1 ] && echo yes || echo no)" "$(kv "$o" nodes)" \
    "$(kv "$o" annual_cost)" "$(kv "$o" cost_bound)"
  if [ "$n" = 25 ]; then
    opt25=$(kv "$o" median_s)
    opt25_exact=$(kv "$o" exact)
  fi
done

opt25_ok=$(verdict_num "$opt25" 2 below)
[ "$opt25_exact" = 1 ] || opt25_ok="FAIL (not exact)"
cat <<EOF

### Targets

| target | measured | verdict |
|---|---:|---|
| MC >= 10x numpy, 1 thread (MC sections, median runs / first runs) | ${r_np_c1}x / ${r_np_c1f}x | $(verdict_num "$r_np_c1" 10) / $(verdict_num "$r_np_c1f" 10) |
| MC 2 threads >= 1.8x 1 thread (median runs / first runs) | ${r_c1_c2}x / ${r_c1_c2f}x | $(verdict_num "$r_c1_c2" 1.8) / $(verdict_num "$r_c1_c2f" 1.8) |
| deterministic pathway < 1 ms per call | $(us "$pw_med") µs | $(verdict_num "$pw_med" 1000 below) |
| exact optimiser, 25 optional measures < 2 s | $(ms "$opt25") ms | $opt25_ok |
EOF
