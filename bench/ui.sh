#!/bin/sh
# The browser UI's first load and chart update (bench/ui.mjs), against the
# built binary. Usage: bench/ui.sh [BUILD_DIR]
# SPDX-License-Identifier: AGPL-3.0-or-later
set -eu
cd "$(dirname "$0")/.."
scripts/npm-deps.sh >/dev/null
[ -x /usr/bin/chromium ] || { echo "bench/ui.sh: /usr/bin/chromium is missing (scripts/install-deps.sh check)" >&2; exit 1; }
ILMAVA_BIN="${ILMAVA_BIN:-$(pwd)/${1:-build}/ilmava}" exec node bench/ui.mjs
