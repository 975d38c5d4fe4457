#!/bin/sh
# Messages (issue 12): a 2 MB data line in a SYKE import is named as a line
# that is too long, with its number and the cap, never as a file whose
# lines end in CR only; a command's error never repeats its own prefix
# ("peers: peers: ..."), checked on the peer finder's error and on a set of
# failing commands.
#
# Environment: ILMAVA_BIN, ILMAVA_SHARED. Needs sqlite3 (the CLI).
# Exit: 0 all passed, 1 some case failed, 77 nothing could run.
# SPDX-License-Identifier: AGPL-3.0-or-later

LC_ALL=C.UTF-8
export LC_ALL

me=test_cli_messages.sh
BIN=${ILMAVA_BIN:-}
SYKE=${ILMAVA_SHARED:-}/data/syke
if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
    echo "$me: skipped: ILMAVA_BIN is not set or not executable ('$BIN')"
    exit 77
fi
if [ ! -f "$SYKE/alas_long_pohjois_karjala.csv" ]; then
    echo "$me: skipped: no $SYKE/alas_long_pohjois_karjala.csv"
    exit 77
fi
if ! command -v sqlite3 >/dev/null || ! command -v python3 >/dev/null; then
    echo "$me: skipped: sqlite3 or python3 is not installed"
    exit 77
fi

. "$(dirname "$0")/../cli/lib.sh"

unset ILMAVA_DB
DB=$TMP/store.db
db() {
    run --db "$DB" --create "$@"
}
# no_doubled_prefix NAME: fails the case when a line of stderr starts with
# the same word twice ("peers: peers:", "export: export gpc:").
no_doubled_prefix() {
    if grep -E -q '^(ilmava: )?([a-z-]+)( [a-z-]+)?: \2[ :]' "$TMP/err"; then
        bad "$1: a doubled prefix:
$(show "$TMP/err")"
    fi
}

# A SYKE long export (CRLF) and a copy with LF line ends, each with a 2 MB
# third data line; the LF copy keeps a CR inside the long line's first
# bytes, which misled the old guess.
python3 - "$SYKE/alas_long_pohjois_karjala.csv" "$TMP" <<'PY'
import sys
src = open(sys.argv[1], "rb").read().split(b"\r\n")
long_line = src[3] + b"9" * (2 << 20)
open(sys.argv[2] + "/long-crlf.csv", "wb").write(b"\r\n".join(src[:3] + [long_line] + src[3:]))
lf = [l for l in src]
lf[3] = src[3] + b"\r" + b"9" * (2 << 20)
open(sys.argv[2] + "/long-lf.csv", "wb").write(b"\n".join(lf))
PY

begin
for f in long-crlf long-lf; do
    db import syke "$TMP/$f.csv"
    expect_rc 2
    err_has "line 4: longer than 8192 bytes"
    grep -q "CR only" "$TMP/err" && bad "$f: the message guesses CR-only line ends:
$(show "$TMP/err")"
    [ -s "$TMP/out" ] && bad "$f: stdout is not empty"
done
[ "$(sqlite3 "$DB" 'SELECT count(*) FROM inventory' 2>/dev/null || echo 0)" = 0 ] ||
    bad "rows were stored from a refused file"
finish "messages/a 2 MB line is too long, with its number and the cap"

begin
# A file with CR-only line ends is still named as such.
python3 -c "
import sys
open(sys.argv[1], 'wb').write(b'\r'.join([b'kuntanumero;kunta;vuosi'] + [b'1;2;3'] * 3000))
" "$TMP/cr-only.csv"
db import syke "$TMP/cr-only.csv"
expect_rc 2
err_has "line 1: longer than 8192 bytes; the lines seem to end in CR only"
finish "messages/CR-only line ends are still recognised"

begin
"$BIN" --db "$TMP/demo.db" --create demo >/dev/null 2>&1 || bad "demo failed"
# Data the peer finder cannot use, written past the import's checks.
sqlite3 "$TMP/demo.db" "UPDATE inventory SET t = 1e308 WHERE municipality = '901'
    AND sector IN ('agriculture', 'district_heating')"
run --db "$TMP/demo.db" peers 902
no_doubled_prefix "peers 902"
run --db "$TMP/demo.db" peers 999
expect_rc 2
err_has 'peers: no municipality "999"'
no_doubled_prefix "peers 999"
finish "messages/peers: no doubled prefix"

begin
# Failing commands across the CLI: none repeats its prefix.
for args in "plan show 999" "plan delete 999" "plan export 999" "measure delete 999" \
    "inventory 999" "export csv 999 --table measures" "export gpc 999" "export xlsx 999 -o x" \
    "report decision 999" "report plan 999" "report application 999" \
    "programme show 999" "programme applications 999" "programme dashboard 999" \
    "programme decide 999 accepted" "decision 999 --body KV --date 2026-01-01" \
    "user disable nobody@test.invalid" "user passwd nobody@test.invalid" \
    "pathway --plan 999" "optimize --plan 999" "peers 999" "import syke $TMP/none.csv"; do
    # shellcheck disable=SC2086
    run --db "$TMP/demo.db" $args </dev/null
    [ "$rc" -ne 0 ] || bad "$args: exit code 0"
    no_doubled_prefix "$args"
done
finish "messages/no command repeats its prefix"

summary
