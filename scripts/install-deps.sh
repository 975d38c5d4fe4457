#!/bin/sh
# Installs the Debian 12 packages that building and testing ilmava need.
# apt-get runs only when a package is missing, so a ready machine is untouched.
# Usage: scripts/install-deps.sh [build|check|bench|bench-http]
set -eu

build_pkgs="cmake make gcc pkg-config libjansson-dev libsqlite3-dev libmicrohttpd-dev libsodium-dev
  libcairo2-dev libpango1.0-dev librsvg2-dev libxlsxwriter-dev fonts-dejavu-core"
# poppler-utils and LibreOffice read the documents and workbooks back.
check_pkgs="$build_pkgs libcmocka-dev clang libclang-rt-14-dev sqlite3 python3
  poppler-utils libreoffice-calc-nogui"
bench_pkgs="$build_pkgs python3 python3-numpy hyperfine sqlite3 time"
# bench/http.sh: a load generator and nginx for the side-by-side comparison.
bench_http_pkgs="$build_pkgs curl wrk nginx-light"

case "${1:-build}" in
  build) want=$build_pkgs ;;
  check) want=$check_pkgs ;;
  bench) want=$bench_pkgs ;;
  bench-http) want=$bench_http_pkgs ;;
  *) echo "usage: $0 [build|check|bench|bench-http]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
# Node.js and npm fetch Chart.js for the build (scripts/npm-deps.sh) and
# playwright-core for the browser tests, which drive Debian's chromium.
# Checked as commands: a Node.js from elsewhere that brings its own npm
# is fine, and Debian's npm package would conflict with it.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ "${1:-build}" = check ] && [ ! -x /usr/bin/chromium ]; then
  missing="$missing chromium"
fi
[ -z "$missing" ] && exit 0

echo "installing:$missing" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing
