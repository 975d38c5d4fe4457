#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# The HTTP server under load: `ilmava serve` against nginx serving the same
# JSON bodies as static files, on this machine, with wrk. Two routes, each
# requested with a signed-in organiser's session cookie:
#   GET /api/plans/1/pathway                 (cached: X-Cache: hit)
#   GET /api/municipalities/901/inventory    (read from the store each time)
# Method and caveats: bench/README.md ("The HTTP server"); the last recorded
# figures: bench/RESULTS.md.
#
# Usage: bench/http.sh
# Env:   BENCH_BUILD           build directory holding ilmava (default build,
#                              which `make` builds first; another is used as is)
#        BENCH_SECONDS         seconds of each timed wrk run (default 15)
#        BENCH_RUNS            timed runs of each (route, server) (default 3)
#        BENCH_WARMUP          seconds of the one untimed run of each (default 3)
#        BENCH_CONNECTIONS     wrk connections (default 64)
#        BENCH_WRK_THREADS     wrk threads (default 2)
#        BENCH_ILMAVA_THREADS  serve --threads (default: serve's own, 16)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SECS=${BENCH_SECONDS:-15}
RUNS=${BENCH_RUNS:-3}
WARMUP=${BENCH_WARMUP:-3}
CONNS=${BENCH_CONNECTIONS:-64}
WRK_THREADS=${BENCH_WRK_THREADS:-2}
ILM_THREADS=${BENCH_ILMAVA_THREADS:-}
P99_MAX_MS=20      # the goals
MIN_RATIO=0.5
PATHWAY=/api/plans/1/pathway
INVENTORY=/api/municipalities/901/inventory

die() { echo "bench/http.sh: $*" >&2; exit 1; }

scripts/install-deps.sh bench-http >&2
if [ -n "${BENCH_BUILD:-}" ]; then
  BUILD=${BENCH_BUILD%/}
else
  BUILD=build
  make >&2 || die "make failed: nothing to benchmark"
fi
BIN=$BUILD/ilmava
[ -x "$BIN" ] || die "$BIN is missing: nothing to benchmark"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || die "nginx is not installed"
command -v wrk >/dev/null || die "wrk is not installed"

tmp=$(mktemp -d)
ilm_pid=""
ngx_pid=""
cleanup() {
  # Only the two servers this script started, by their process ids.
  if [ -n "$ilm_pid" ]; then kill -TERM "$ilm_pid" 2>/dev/null; wait "$ilm_pid" 2>/dev/null; fi
  if [ -n "$ngx_pid" ]; then kill -QUIT "$ngx_pid" 2>/dev/null; wait "$ngx_pid" 2>/dev/null; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits up to 10 s for a server to answer $1 (a URL); $2 is its pid.
wait_up() {
  for _ in $(seq 100); do
    kill -0 "$2" 2>/dev/null || return 1
    curl -s -o /dev/null --max-time 1 "$1" && return 0
    sleep 0.1
  done
  return 1
}

# ---- the ilmava store and server ----
"$BIN" --db "$tmp/db" --create demo >/dev/null || die "ilmava demo failed"
password=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$password" |
  "$BIN" --db "$tmp/db" user add bench@x.fi --role organiser --password-stdin >/dev/null ||
  die "ilmava user add failed"
serve_args=(--db "$tmp/db" serve --listen 127.0.0.1:0)
[ -n "$ILM_THREADS" ] && serve_args+=(--threads "$ILM_THREADS")
# The access log (stderr) goes to a file: writing it is part of the cost.
"$BIN" "${serve_args[@]}" 2>"$tmp/ilmava.log" &
ilm_pid=$!
ilm_port=""
for _ in $(seq 100); do
  ilm_port=$(sed -n 's|^ilmava: serving .* on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$tmp/ilmava.log")
  [ -n "$ilm_port" ] && break
  kill -0 "$ilm_pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$ilm_port" ] || { cat "$tmp/ilmava.log" >&2; die "ilmava serve did not start"; }
ILM=http://127.0.0.1:$ilm_port
wait_up "$ILM/healthz" "$ilm_pid" || die "ilmava does not answer on $ILM"

curl -sf -o "$tmp/login.json" -c "$tmp/jar" -X POST "$ILM/api/login" \
  -H "Origin: $ILM" -H 'Content-Type: application/json' \
  -d "{\"email\":\"bench@x.fi\",\"password\":\"$password\"}" || die "POST /api/login failed"
token=$(awk '$6 == "ilmava_session" { print $7 }' "$tmp/jar")
[ -n "$token" ] || die "no ilmava_session cookie after the login"
COOKIE="Cookie: ilmava_session=$token"

# The bodies nginx will serve, byte for byte: the pathway twice, so that the
# second answer (the one kept) comes from the cache.
mkdir -p "$tmp/www$(dirname "$PATHWAY")" "$tmp/www$(dirname "$INVENTORY")"
fetch() {  # path, body file, header file
  local code
  code=$(curl -s -o "$2" -D "$3" -w '%{http_code}' -H "$COOKIE" "$ILM$1")
  [ "$code" = 200 ] || die "GET $1 answered $code"
}
fetch "$PATHWAY" "$tmp/pathway.miss" "$tmp/h1"
fetch "$PATHWAY" "$tmp/www$PATHWAY" "$tmp/h2"
grep -qi '^X-Cache: hit' "$tmp/h2" || die "the second GET $PATHWAY was not a cache hit"
cmp -s "$tmp/pathway.miss" "$tmp/www$PATHWAY" || die "the cached pathway differs from the computed one"
fetch "$INVENTORY" "$tmp/www$INVENTORY" "$tmp/h3"
# Run as root, nginx's workers run as nobody: they must be able to read.
chmod go+x "$tmp"
chmod -R go+rX "$tmp/www"

# ---- nginx ----
# A free port: the first, from a start that depends on our pid, that
# nothing answers on.
ngx_port=""
for p in $(seq $((20000 + $$ % 20000)) $((20050 + $$ % 20000))); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then ngx_port=$p; break; fi
done
[ -n "$ngx_port" ] || die "no free port for nginx"
# A temp path for each module this nginx has (nginx -V lists their compiled
# defaults), so that it needs nothing under /var/lib/nginx.
"$NGINX" -V 2>&1 | tr ' ' '\n' | sed -n 's|^--http-\([a-z-]*\)-temp-path=.*|\1|p' | tr '-' '_' |
  awk '{ printf "    %s_temp_path @PREFIX@/temp-%s;\n", $1, $1 }' >"$tmp/temp-paths"
sed -e "/^@TEMP_PATHS@$/{r $tmp/temp-paths" -e 'd;}' bench/http/nginx.conf.in |
  sed -e "s|@PREFIX@|$tmp|g" -e "s|@PORT@|$ngx_port|g" >"$tmp/nginx.conf"
"$NGINX" -t -q -c "$tmp/nginx.conf" -p "$tmp" -e "$tmp/nginx-error.log" >&2 ||
  { cat "$tmp/nginx-error.log" >&2 2>/dev/null; die "nginx rejects $tmp/nginx.conf"; }
"$NGINX" -c "$tmp/nginx.conf" -p "$tmp" -e "$tmp/nginx-error.log" &
ngx_pid=$!
NGX=http://127.0.0.1:$ngx_port
wait_up "$NGX$PATHWAY" "$ngx_pid" ||
  { cat "$tmp/nginx-error.log" >&2; die "nginx does not answer on $NGX"; }
for path in "$PATHWAY" "$INVENTORY"; do
  curl -sf -o "$tmp/check" -H "$COOKIE" "$NGX$path" || die "nginx GET $path failed"
  cmp -s "$tmp/check" "$tmp/www$path" || die "nginx's $path differs from ilmava's"
done
ngx_workers=$(pgrep -P "$ngx_pid" | wc -l || true)

# ---- the load ----
# wrk's times (812.00us, 1.73ms, 1.02s, 1.50m) in milliseconds.
to_ms() {
  awk -v t="$1" 'BEGIN { v = t + 0; u = t; sub(/^[0-9.]+/, "", u)
    if (u == "us") v /= 1000; else if (u == "s") v *= 1000; else if (u == "m") v *= 60000
    printf "%.2f", v }'
}
# CPU seconds (user + system) used so far by process $1 and by its children
# (nginx's workers).
cpu_s() {
  local t=0 pid
  for pid in "$1" $(pgrep -P "$1" || true); do
    [ -r "/proc/$pid/stat" ] || continue
    t=$((t + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat")))
  done
  awk -v t="$t" -v h="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / h }'
}
# One wrk run: server, base URL, path, seconds, label (none: a warm-up).
# Appends "req/s p50_ms p99_ms errors server_cpu_us_per_request" to $tmp/LABEL.
load() {
  local name=$1 base=$2 path=$3 secs=$4 label=$5 pid out c0 c1
  pid=$([ "$name" = ilmava ] && echo "$ilm_pid" || echo "$ngx_pid")
  c0=$(cpu_s "$pid")
  out=$(wrk -t"$WRK_THREADS" -c"$CONNS" -d"${secs}s" --latency -H "$COOKIE" "$base$path")
  c1=$(cpu_s "$pid")
  printf '### %s %s %s\n%s\n' "$name" "$path" "${label:-warm-up}" "$out" >>"$tmp/wrk.txt"
  [ -n "$label" ] || return 0
  local rps p50 p99 total sock non2xx
  rps=$(sed -n 's/^Requests\/sec:[[:space:]]*//p' <<<"$out")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
  total=$(awk '/ requests in / { print $1 }' <<<"$out")
  sock=$(sed -n 's/^[[:space:]]*Socket errors: //p' <<<"$out" |
    awk -F', ' '{ s = 0; for (i = 1; i <= NF; i++) { split($i, a, " "); s += a[2] } print s }')
  non2xx=$(sed -n 's/^[[:space:]]*Non-2xx or 3xx responses: //p' <<<"$out")
  awk -v r="$rps" -v a="$p50" -v b="$p99" -v s="${sock:-0}" -v n="${non2xx:-0}" \
    -v c0="$c0" -v c1="$c1" -v tot="$total" 'BEGIN {
      printf "%s %s %s %d %.1f\n", r, a, b, s + n, (tot > 0 ? (c1 - c0) * 1e6 / tot : 0) }' \
    >>"$tmp/$label"
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
routes=(pathway inventory)
declare -A PATH_OF=([pathway]=$PATHWAY [inventory]=$INVENTORY)
declare -A BASE_OF=([ilmava]=$ILM [nginx]=$NGX)
for r in "${routes[@]}"; do
  for s in ilmava nginx; do
    : >"$tmp/$r.$s"
    echo "warm-up: $r on $s" >&2
    load "$s" "${BASE_OF[$s]}" "${PATH_OF[$r]}" "$WARMUP" ""
  done
done
# Interleaved: each round runs every (route, server) once; which server
# goes first alternates from round to round.
for i in $(seq "$RUNS"); do
  order=(ilmava nginx)
  [ $((i % 2)) = 0 ] && order=(nginx ilmava)
  for r in "${routes[@]}"; do
    for s in "${order[@]}"; do
      echo "round $i/$RUNS: $r on $s" >&2
      load "$s" "${BASE_OF[$s]}" "${PATH_OF[$r]}" "$SECS" "$r.$s"
    done
  done
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)
[ -n "${BENCH_WRK_LOG:-}" ] && cp "$tmp/wrk.txt" "$BENCH_WRK_LOG"

# ---- the report ----
median() {  # numbers on stdin, one a line
  sort -g | awk '{ v[NR] = $1 }
    END { if (NR == 0) print "nan";
          else if (NR % 2) print v[(NR + 1) / 2];
          else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
col() { awk -v c="$2" '{ print $c }' "$tmp/$1"; }
med() { col "$1" "$2" | median; }
maxof() { col "$1" "$2" | sort -g | tail -n 1; }
sumof() { col "$1" "$2" | awk '{ s += $1 } END { print s + 0 }'; }

cpu_model=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)
cores=$(lscpu | sed -n 's/^Core(s) per socket:[[:space:]]*//p' | head -n 1)
sockets=$(lscpu | sed -n 's/^Socket(s):[[:space:]]*//p' | head -n 1)
tpc=$(lscpu | sed -n 's/^Thread(s) per core:[[:space:]]*//p' | head -n 1)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo none)
dirty=$(git status --porcelain -- src include CMakeLists.txt 2>/dev/null |
  awk '{ printf "%s%s", sep, $2; sep = ", " }')
wrk_v=$( (wrk -v 2>&1 || true) | head -n 1 | awk '{ print $2 }')
ngx_v=$("$NGINX" -v 2>&1 | sed 's/^nginx version: //')
mhd_v=$(dpkg-query -W -f='${Version}' libmicrohttpd12 2>/dev/null || echo "?")

cat <<EOF
Date: $started
Machine: $cpu_model, $(nproc) CPUs ($sockets socket(s) x $cores core(s) x $tpc thread(s)), $(uname -sr)
Software: ilmava $BIN, commit $commit${dirty:+ + uncommitted changes in $dirty}; libmicrohttpd $mhd_v; $ngx_v ($ngx_workers workers); wrk $wrk_v
Load average (1, 5, 15 min): $load0 before, $load1 after
Method: wrk -t$WRK_THREADS -c$CONNS -d${SECS}s --latency with the session cookie, on the same machine as the servers; one ${WARMUP} s warm-up of each, then $RUNS interleaved rounds; median over rounds, the worst round's p99 too, errors summed over the rounds
ilmava: serve --threads ${ILM_THREADS:-16 (default)}; the \`ilmava demo\` store; an organiser's session; access log to a file
nginx: the bodies ilmava answered, byte for byte, as static files; default_type application/json; worker_processes auto; access log to a file; otherwise defaults
Bodies: pathway $(wc -c <"$tmp/www$PATHWAY") bytes, inventory $(wc -c <"$tmp/www$INVENTORY") bytes
Command: BENCH_BUILD=$BUILD BENCH_SECONDS=$SECS BENCH_RUNS=$RUNS BENCH_CONNECTIONS=$CONNS bench/http.sh

| route | server | req/s | p50 (ms) | p99 (ms) | worst p99 (ms) | errors | server CPU per request (µs) |
|---|---|---:|---:|---:|---:|---:|---:|
EOF
for r in "${routes[@]}"; do
  for s in ilmava nginx; do
    # shellcheck disable=SC2016 # the backticks are markdown
    printf '| `GET %s` | %s | %.0f | %.2f | %.2f | %.2f | %d | %.1f |\n' "${PATH_OF[$r]}" "$s" \
      "$(med "$r.$s" 1)" "$(med "$r.$s" 2)" "$(med "$r.$s" 3)" "$(maxof "$r.$s" 3)" \
      "$(sumof "$r.$s" 4)" "$(med "$r.$s" 5)"
  done
done

verdict() {  # value, threshold, atleast | below | zero
  awk -v v="$1" -v t="$2" -v dir="$3" 'BEGIN {
    ok = dir == "below" ? v < t : dir == "zero" ? v == 0 : v >= t; print ok ? "PASS" : "FAIL" }'
}
cat <<EOF

| route | ilmava / nginx, req/s (goal >= $MIN_RATIO) | ilmava p99 (goal < $P99_MAX_MS ms) | ilmava errors (goal 0) |
|---|---|---|---|
EOF
for r in "${routes[@]}"; do
  ratio=$(awk -v a="$(med "$r.ilmava" 1)" -v b="$(med "$r.nginx" 1)" \
    'BEGIN { if (b > 0) printf "%.2f", a / b; else print 0 }')
  p99=$(med "$r.ilmava" 3)
  errs=$(sumof "$r.ilmava" 4)
  # shellcheck disable=SC2016 # the backticks are markdown
  printf '| `GET %s` | %s %s | %.2f ms %s | %d %s |\n' "${PATH_OF[$r]}" \
    "$ratio" "$(verdict "$ratio" "$MIN_RATIO" atleast)" \
    "$p99" "$(verdict "$p99" "$P99_MAX_MS" below)" "$errs" "$(verdict "$errs" 0 zero)"
done
