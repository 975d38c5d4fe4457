#!/bin/sh
# Installs the npm packages that package.json pins (Chart.js, which the build
# embeds in the binary, and playwright-core, which drives Debian's chromium in
# the browser tests) with `npm ci`, only when node_modules is missing or
# older than package-lock.json. Nothing from npm runs at run time.
# Usage: scripts/npm-deps.sh
# SPDX-License-Identifier: AGPL-3.0-or-later
set -eu
cd "$(dirname "$0")/.."

stamp=node_modules/.package-lock.json
if [ -f "$stamp" ] && [ ! package-lock.json -nt "$stamp" ] &&
   [ -f node_modules/chart.js/dist/chart.umd.js ] &&
   [ -f node_modules/playwright-core/package.json ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "npm-deps: npm is missing; scripts/install-deps.sh installs it" >&2
  exit 1
fi
echo "npm-deps: npm ci" >&2
# --ignore-scripts: no package needs an install step (playwright-core never
# downloads a browser; the tests use /usr/bin/chromium).
npm ci --no-audit --no-fund --ignore-scripts
