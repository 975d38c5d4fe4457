#!/bin/sh
# Crash safety of imports: a large import killed with SIGKILL in the middle
# leaves a store that opens, passes PRAGMA integrity_check, and holds either
# the old rows or the new ones, never a mix.
#
# Environment: ILMAVA_BIN. Needs sqlite3 (the CLI).
# Exit: 0 passed, 1 failed, 77 could not run.
# SPDX-License-Identifier: AGPL-3.0-or-later

LC_ALL=C.UTF-8
export LC_ALL

me=crash.sh
BIN=${ILMAVA_BIN:-}
GEN=$(dirname "$0")/../../scripts/gen-syke-long.sh
if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
    echo "$me: skipped: ILMAVA_BIN is not set or not executable ('$BIN')"
    exit 77
fi
if ! command -v sqlite3 >/dev/null; then
    echo "$me: skipped: the sqlite3 command is not installed"
    exit 77
fi

. "$(dirname "$0")/lib.sh"

DB=$TMP/store.db
# About 300 000 lines: long enough to be killed in the middle.
sh "$GEN" 100 150 1 >"$TMP/old.csv"
sh "$GEN" 100 150 2 >"$TMP/new.csv"

inventory_sum() {
    sqlite3 "$1" "SELECT count(*), total(t) FROM inventory"
}

begin
run --db "$DB" --create import syke "$TMP/old.csv"
expect_rc 0
old=$(inventory_sum "$DB")
cp "$DB" "$TMP/expected.db"
run --db "$TMP/expected.db" import syke "$TMP/new.csv"
expect_rc 0
new=$(inventory_sum "$TMP/expected.db")
[ "$old" != "$new" ] || bad "the two versions give the same rows: the test would prove nothing"
finish "crash/setup: two versions of a large file"

# Kill at several moments; at least one must land in the middle.
killed_mid=0
for delay in 0.2 0.5 0.8 1.2; do
    begin
    "$BIN" --db "$DB" import syke "$TMP/new.csv" >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid"
        killed_mid=$((killed_mid + 1))
    fi
    wait "$pid" 2>/dev/null
    check=$(sqlite3 "$DB" "PRAGMA integrity_check")
    [ "$check" = ok ] || bad "integrity_check after the kill: $check"
    now=$(inventory_sum "$DB")
    [ "$now" = "$old" ] || [ "$now" = "$new" ] ||
        bad "after the kill the store holds '$now': neither the old '$old' nor the new '$new'"
    run --db "$DB" municipalities
    expect_rc 0
    finish "crash/SIGKILL after ${delay}s leaves old or new rows"
    # Back to the old version for the next round.
    [ "$now" = "$new" ] && "$BIN" --db "$DB" import syke "$TMP/old.csv" >/dev/null
done

begin
[ "$killed_mid" -gt 0 ] || bad "every import finished before its kill: make the file larger"
finish "crash/at least one kill landed mid-import ($killed_mid of 4)"

summary
