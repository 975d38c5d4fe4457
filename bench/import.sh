#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# The import benchmark: `ilmava import syke` of a generated national-scale
# long file (309 municipalities, 1990 and 2005-2024, about a million rows)
# side by side with the sqlite3 shell's `.import` of the same file into a
# plain table; the re-import of the same file and the import of a newer
# version; peak memory (RSS) against the file's size; and the time of one
# municipality's inventory query on the imported store. Method and caveats:
# bench/README.md ("The import"); the last recorded figures: bench/RESULTS.md.
#
# Usage: bench/import.sh
# Env:   BENCH_BUILD  build directory holding ilmava and ilmava_bench (default
#                     build, made by `make`; another one is built with
#                     `cmake --build` and must be configured already)
#        BENCH_RUNS   timed runs per command (default 5), after 1 warm-up
#        BENCH_REPS   ilm_store_inventory calls timed in one process (default 200)
#        BENCH_CODE   the municipality whose inventory is queried (default 150)
#        BENCH_ROWS   sub-sector rows per municipality and year of the large
#                     file (default 154: 999 306 rows, 108 MB)
#        TMPDIR       where the files and stores go (default /tmp); both
#                     programs write to the same directory
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${BENCH_BUILD:-build}
RUNS=${BENCH_RUNS:-5}
REPS=${BENCH_REPS:-200}
CODE=${BENCH_CODE:-150}
ROWS=${BENCH_ROWS:-154}
MUNIS=309
PY=/usr/bin/python3
C=$BUILD/ilmava
CB=$BUILD/ilmava_bench
SQLITE=sqlite3
GTIME=/usr/bin/time
RATIO_GOAL=0.5       # ilmava rows/s at least half of sqlite3's
RSS_GOAL=1.5         # largest / smallest peak RSS over the three file sizes
QUERY_GOAL_US=5000   # one municipality's inventory

[ $# -eq 0 ] || { echo "usage: $0 (no arguments; see the Env lines at its top)" >&2; exit 2; }

scripts/install-deps.sh bench
if [ "$BUILD" = build ]; then
  make >&2 || { echo "make failed: nothing to benchmark" >&2; exit 1; }
else
  cmake --build "$BUILD" -j 2 --target ilmava ilmava_bench >&2 ||
    { echo "building $BUILD failed: nothing to benchmark" >&2; exit 1; }
fi
for b in "$C" "$CB"; do
  [ -x "$b" ] || { echo "$b is missing: nothing to benchmark" >&2; exit 1; }
done
for b in "$SQLITE" "$GTIME" "$PY"; do
  command -v "$b" >/dev/null || { echo "$b is missing (scripts/install-deps.sh bench)" >&2; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() {  # numbers on stdin, one a line
  sort -g | awk '{ v[NR] = $1 }
    END { if (NR == 0) print "nan";
          else if (NR % 2) print v[(NR + 1) / 2];
          else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
ms() { awk -v t="$1" 'BEGIN { printf "%.0f", t * 1000 }'; }
per_s() { awk -v n="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.0f", n / t; else print "n/a" }'; }
us() { awk -v t="$1" 'BEGIN { printf "%.1f", t }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
kv() { awk -v k="$2" '{ for (i = 1; i <= NF; i++) { j = index($i, "=");
         if (substr($i, 1, j - 1) == k) print substr($i, j + 1) } }' <<<"$1"; }
verdict_num() {  # PASS when $1 >= $2, or $1 < $2 with $3 = below
  awk -v v="$1" -v t="$2" -v dir="${3:-atleast}" 'BEGIN {
    ok = dir == "below" ? v < t : v >= t; print ok ? "PASS" : "FAIL" }'
}
q() { printf '%q ' "$@"; }
machine_cpu() { awk '/^cpu / { print ($2 + $3 + $4 + $7 + $8 + $9) / 100 }' /proc/stat; }
children_cpu() {  # a file written by `times` -> user + system seconds of children
  awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); t += a[1] * 60 + a[2] }
                 print t }' "$1"
}
loadavg() { cut -d ' ' -f 1-3 /proc/loadavg; }

# ---- the files ----
# v1 and v2: the large file in two versions (v2 changes every value);
# q1, h1: a quarter and a half of its rows per municipality and year (the
# same municipalities, years and stored facts, smaller sub-sector detail);
# m77, m154: the large file's detail for a quarter and a half of the
# municipalities (fewer stored facts too); g1: v1's rows in another order,
# each stream's sub-sector rows one after the other as in SYKE's exports
# (the generator deals them out over the sectors in turn instead).
qrows=$((ROWS / 4)); hrows=$((ROWS / 2))
scripts/gen-syke-long.sh "$MUNIS" "$ROWS" 1 >"$tmp/v1.csv"
scripts/gen-syke-long.sh "$MUNIS" "$ROWS" 2 >"$tmp/v2.csv"
scripts/gen-syke-long.sh "$MUNIS" "$qrows" 1 >"$tmp/q1.csv"
scripts/gen-syke-long.sh "$MUNIS" "$hrows" 1 >"$tmp/h1.csv"
scripts/gen-syke-long.sh $((MUNIS / 4)) "$ROWS" 1 >"$tmp/m77.csv"
scripts/gen-syke-long.sh $((MUNIS / 2)) "$ROWS" 1 >"$tmp/m154.csv"
{ head -n 1 "$tmp/v1.csv"
  tail -n +2 "$tmp/v1.csv" | LC_ALL=C sort -s -t ';' -k2,2 -k1,1n -k12,12 -k7,7 -k6,6
} >"$tmp/g1.csv"
lines() { echo $(($(wc -l <"$1") - 1)); }   # data rows, without the header
size_mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f", b / 1e6 }'; }
N=$(lines "$tmp/v1.csv")

# ---- timing ----
# Median, min and max wall time of a command over $RUNS runs after one
# warm-up, `prepare` (a command, run untimed before each run) first:
# hyperfine -N when available, else a perf_counter loop.
# Usage: wall PREPARE COMMAND (each one %q-quoted string) -> "median min max"
wall() {
  if command -v hyperfine >/dev/null 2>&1; then
    hyperfine -N --style none --warmup 1 --runs "$RUNS" --prepare "$1" \
      --export-json "$tmp/h.json" -- "$2" >/dev/null
    "$PY" -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(r["median"], r["min"], r["max"])' "$tmp/h.json"
  else
    "$PY" - "$RUNS" "$1" "$2" <<'EOF'
import shlex, statistics, subprocess, sys, time
runs, prepare, cmd = int(sys.argv[1]), shlex.split(sys.argv[2]), shlex.split(sys.argv[3])
times = []
for i in range(runs + 1):
    subprocess.run(prepare, stdout=subprocess.DEVNULL, check=True)
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    if i:
        times.append(time.perf_counter() - t0)
print(statistics.median(times), min(times), max(times))
EOF
  fi
}

DB=$tmp/ilmava.db
SDB=$tmp/sqlite.db
SEED=$tmp/seed.db     # a store holding v1, the starting point of (c) and (d)
rm_db() { q sh -c "rm -f \"\$1\" \"\$1-wal\" \"\$1-shm\" \"\$1-journal\"" rm_db "$1"; }
seed_db() { q sh -c "rm -f \"\$2-wal\" \"\$2-shm\" && cp \"\$1\" \"\$2\"" seed_db "$SEED" "$DB"; }
sqlite_import() {  # FILE DB -> the command, a %q-quoted string
  q "$SQLITE" -batch -cmd ".mode csv" -cmd ".separator ;" "$2" ".import $1 t"
}

# The answers first: a benchmark of a wrong answer is worthless.
counts() { sed -n 's/^rows: //p' "$1"; }
"$C" --db "$SEED" --create import syke "$tmp/v1.csv" >"$tmp/a.out"
"$C" --db "$SEED" --create import syke "$tmp/v1.csv" >"$tmp/c.out"
cp "$SEED" "$tmp/v2.db"
"$C" --db "$tmp/v2.db" --create import syke "$tmp/v2.csv" >"$tmp/d.out"
rm -f "$tmp/v2.db"*
"$C" --db "$tmp/g1.db" --create import syke "$tmp/g1.csv" >"$tmp/e.out"
same=$("$SQLITE" "$tmp/g1.db" "ATTACH '$SEED' AS s; SELECT count(*) FROM inventory i
  JOIN s.inventory j USING (municipality, year, sector, ets, hinku) WHERE i.t = j.t")
same="$same of $(counts "$tmp/a.out" | awk '{ print $1 }') stored facts equal to (a)'s"
rm -f "$tmp/g1.db"*
eval "$(sqlite_import "$tmp/v1.csv" "$SDB")"
s_rows=$("$SQLITE" "$SDB" 'SELECT count(*) FROM t')
rm -f "$SDB"
facts=$(counts "$tmp/a.out" | awk '{ print $1 }')

load0=$(loadavg)
times >"$tmp/times0"
m0=$(machine_cpu); w0=$(date +%s.%N)

# (a) ilmava, fresh store each run; (b) sqlite3 .import, fresh database each
# run; (c) the same file again into a store that has it; (d) version 2
# into a store that has version 1. Interleaved command by command.
w=$(wall "$(rm_db "$DB")" "$(q "$C" --db "$DB" --create import syke "$tmp/v1.csv")")
read -r a_med a_min a_max <<<"$w"
w=$(wall "$(rm_db "$SDB")" "$(sqlite_import "$tmp/v1.csv" "$SDB")")
read -r b_med b_min b_max <<<"$w"
w=$(wall "$(seed_db)" "$(q "$C" --db "$DB" --create import syke "$tmp/v1.csv")")
read -r c_med c_min c_max <<<"$w"
w=$(wall "$(seed_db)" "$(q "$C" --db "$DB" --create import syke "$tmp/v2.csv")")
read -r d_med d_min d_max <<<"$w"
w=$(wall "$(rm_db "$DB")" "$(q "$C" --db "$DB" --create import syke "$tmp/g1.csv")")
read -r g_med g_min g_max <<<"$w"

# The inventory of one municipality on the store holding v1: in-process
# calls, and the whole `ilmava inventory` command.
inv=$("$CB" inventory "$SEED" "$CODE" --reps "$REPS")
w=$(wall "true" "$(q "$C" --db "$SEED" inventory "$CODE")")
read -r e_med _ _ <<<"$w"

m1=$(machine_cpu); w1=$(date +%s.%N)
times >"$tmp/times1"
load1=$(loadavg)
o0=$(children_cpu "$tmp/times0"); o1=$(children_cpu "$tmp/times1")
other=$(awk -v m="$m1" -v mm="$m0" -v o="$o1" -v oo="$o0" -v w="$w1" -v ww="$w0" \
  'BEGIN { x = (m - mm) - (o - oo); if (x < 0) x = 0; printf "%.1f", 100 * x / (w - ww) }')
quiet=$(awk -v x="$other" 'BEGIN { print x <= 5 ? "quiet" : "BUSY: timings unreliable" }')

# ---- peak RSS (GNU time's %M, KiB), one fresh import per file ----
rss() {  # COMMAND... -> maximum resident set size in KiB
  "$GTIME" -f %M -o "$tmp/rss" "$@" >/dev/null
  tail -n 1 "$tmp/rss"
}
declare -A RI RS
for f in q1 h1 v1 m77 m154; do
  rm -f "$DB"* "$SDB"*
  RI[$f]=$(rss "$C" --db "$DB" --create import syke "$tmp/$f.csv")
  RS[$f]=$(rss "$SQLITE" -batch -cmd ".mode csv" -cmd ".separator ;" "$SDB" ".import $tmp/$f.csv t")
done
cp "$SEED" "$DB"; rm -f "$DB-wal" "$DB-shm"
rss_c=$(rss "$C" --db "$DB" --create import syke "$tmp/v1.csv")
rss_d=$(rss "$C" --db "$DB" --create import syke "$tmp/v2.csv")
rss_flat=$(awk -v a="${RI[q1]}" -v b="${RI[h1]}" -v c="${RI[v1]}" 'BEGIN {
  lo = a; hi = a; if (b < lo) lo = b; if (b > hi) hi = b; if (c < lo) lo = c; if (c > hi) hi = c;
  printf "%.2f", hi / lo }')

# ---- the report ----
cpu_model=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)
cores=$(lscpu | sed -n 's/^Core(s) per socket:[[:space:]]*//p' | head -n 1)
sockets=$(lscpu | sed -n 's/^Socket(s):[[:space:]]*//p' | head -n 1)
tpc=$(lscpu | sed -n 's/^Thread(s) per core:[[:space:]]*//p' | head -n 1)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo none)
dirty=$(git status --porcelain -- src include CMakeLists.txt 2>/dev/null | awk '{ printf "%s%s", sep, $2; sep = ", " }')
fs=$(df -P -T "$tmp" | awk 'NR == 2 { print $2 " (" $7 ")" }')
a_rate=$(per_s "$N" "$a_med"); b_rate=$(per_s "$N" "$b_med")
r_ab=$(ratio "$b_med" "$a_med")   # ilmava rows/s over sqlite3 rows/s
inv_med=$(kv "$inv" median_us)

cat <<EOF
Date: $(date -u '+%Y-%m-%d %H:%M UTC')
Machine: $cpu_model, $(nproc) CPUs ($sockets socket(s) x $cores core(s) x $tpc thread(s)), $(uname -sr)
Software: $(gcc --version | head -n 1), ilmava $C and the sqlite3 shell $("$SQLITE" --version | cut -d ' ' -f 1) (Debian libsqlite3-0 $(dpkg-query -W -f '${Version}' libsqlite3-0 2>/dev/null || echo ?)), $(command -v hyperfine >/dev/null && hyperfine --version || echo "no hyperfine: perf_counter loop"), commit $commit${dirty:+ + uncommitted changes in $dirty}
Files: scripts/gen-syke-long.sh $MUNIS $ROWS 1 (v1) and 2 (v2): $N rows, $(size_mb "$tmp/v1.csv") MB each, $facts stored facts; g1: v1 sorted by stream; in $fs
Method: median of $RUNS runs after 1 warm-up of each command, a fresh store or database (or a fresh copy of the store holding v1) before each run, untimed
Load average (1, 5, 15 min): $load0 before, $load1 after; other processes used $other % of one CPU during the timed runs ($quiet)
Command: BENCH_BUILD=$BUILD BENCH_RUNS=$RUNS BENCH_REPS=$REPS BENCH_CODE=$CODE BENCH_ROWS=$ROWS bench/import.sh

### Import of $N rows

| command | median (ms) | min (ms) | max (ms) | rows/s (median) | result |
|---|---:|---:|---:|---:|---|
| (a) \`ilmava import syke v1.csv\`, fresh store | $(ms "$a_med") | $(ms "$a_min") | $(ms "$a_max") | $a_rate | $(counts "$tmp/a.out") |
| (b) \`sqlite3\` \`.import v1.csv t\`, fresh database | $(ms "$b_med") | $(ms "$b_min") | $(ms "$b_max") | $b_rate | $s_rows rows in t (all TEXT) |
| (c) \`ilmava import syke v1.csv\` again (unchanged) | $(ms "$c_med") | $(ms "$c_min") | $(ms "$c_max") | $(per_s "$N" "$c_med") | $(counts "$tmp/c.out") |
| (d) \`ilmava import syke v2.csv\` over v1 (replaces all) | $(ms "$d_med") | $(ms "$d_min") | $(ms "$d_max") | $(per_s "$N" "$d_med") | $(counts "$tmp/d.out") |
| (e) \`ilmava import syke g1.csv\`, fresh store: v1 grouped by stream | $(ms "$g_med") | $(ms "$g_min") | $(ms "$g_max") | $(per_s "$N" "$g_med") | $(counts "$tmp/e.out"); $same |

| ratio of rows/s | value |
|---|---:|
| (a) ilmava / (b) sqlite3 | $r_ab |
| (c) re-import / (b) sqlite3 | $(ratio "$b_med" "$c_med") |
| (d) new version / (b) sqlite3 | $(ratio "$b_med" "$d_med") |
| (e) grouped by stream / (b) sqlite3 | $(ratio "$b_med" "$g_med") |

### Peak memory (maximum RSS, GNU time %M), one import into a fresh store or database

| file | rows | MB | stored facts | ilmava (MiB) | sqlite3 shell (MiB) |
|---|---:|---:|---:|---:|---:|
EOF
for f in q1 h1 v1 m77 m154; do
  case $f in
    q1) label="$MUNIS municipalities, $qrows rows each year" ;;
    h1) label="$MUNIS municipalities, $hrows rows each year" ;;
    v1) label="$MUNIS municipalities, $ROWS rows each year" ;;
    m77) label="$((MUNIS / 4)) municipalities, $ROWS rows each year" ;;
    m154) label="$((MUNIS / 2)) municipalities, $ROWS rows each year" ;;
  esac
  case $f in
    q1|h1|v1) nf=$facts ;;
    *) nf=$((facts * (${f#m}) / MUNIS)) ;;
  esac
  echo "| $label | $(lines "$tmp/$f.csv") | $(size_mb "$tmp/$f.csv") | $nf | $(mib "${RI[$f]}") | $(mib "${RS[$f]}") |"
done
cat <<EOF
| (c) v1 again, into the store holding v1 | $N | $(size_mb "$tmp/v1.csv") | $facts | $(mib "$rss_c") | |
| (d) v2, into the store holding v1 | $N | $(size_mb "$tmp/v2.csv") | $facts | $(mib "$rss_d") | |

### Inventory of municipality $CODE on the store holding v1

| measurement | value |
|---|---:|
| \`ilmava_bench inventory\`: ilm_store_inventory + clear, $REPS calls, median | $(us "$(kv "$inv" median_us)") µs |
| first call in the process | $(us "$(kv "$inv" first_us)") µs |
| min / max | $(us "$(kv "$inv" min_us)") / $(us "$(kv "$inv" max_us)") µs |
| rows returned (year x stream) | $(kv "$inv" rows) in $(kv "$inv" years) years |
| whole command \`ilmava inventory $CODE\` (process, open, query, text), median | $(ms "$e_med") ms |

### Targets

| target | measured | verdict |
|---|---:|---|
| ilmava import >= $RATIO_GOAL x sqlite3 .import, rows/s | ${r_ab}x ($a_rate / $b_rate rows/s) | $(verdict_num "$r_ab" "$RATIO_GOAL") |
| peak RSS flat in the file's size: largest / smallest of the $MUNIS-municipality files < $RSS_GOAL | ${rss_flat}x ($(mib "${RI[q1]}"), $(mib "${RI[h1]}"), $(mib "${RI[v1]}") MiB) | $(verdict_num "$rss_flat" "$RSS_GOAL" below) |
| one municipality's inventory < 5 ms (median call) | $(awk -v u="$inv_med" 'BEGIN { printf "%.2f", u / 1000 }') ms | $(verdict_num "$inv_med" "$QUERY_GOAL_US" below) |
EOF
