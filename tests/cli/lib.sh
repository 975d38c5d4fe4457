# The harness the CLI test scripts share: cases, checks and the summary.
# A script sets `me` and BIN, then sources this file.
# SPDX-License-Identifier: AGPL-3.0-or-later

TMP=${TMPDIR:-/tmp}/ilmava-$me.$$
rm -rf "$TMP"
mkdir "$TMP" || { echo "$me: cannot create $TMP"; exit 1; }
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP


passed=0
failed=0
skipped=0
failed_names=
case_ok=
case_why=

begin() {
    case_ok=yes
    case_why=
}
bad() {
    case_ok=no
    case_why="$case_why
#   $*"
}
finish() {
    if [ "$case_ok" = yes ]; then
        passed=$((passed + 1))
        echo "ok - $1"
    else
        failed=$((failed + 1))
        failed_names="$failed_names $1"
        echo "not ok - $1$case_why"
    fi
}
skip() {
    skipped=$((skipped + 1))
    echo "ok - $1 # SKIP $2"
}

# run ARGS...: runs the binary; sets rc, output in $TMP/out and $TMP/err.
run() {
    "$BIN" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
}

show() {
    sed -n '1,5s/^/#     | /p' "$1"
}

# expect_rc N
expect_rc() {
    [ "$rc" -eq "$1" ] || bad "exit code $rc, expected $1
#     stderr:
$(show "$TMP/err")"
}
expect_no_stderr() {
    [ -s "$TMP/err" ] && bad "stderr is not empty:
$(show "$TMP/err")"
}
# out_has TEXT / err_has TEXT: a fixed substring of stdout / stderr.
out_has() {
    grep -F -q -e "$1" "$TMP/out" || bad "stdout lacks: $1"
}
err_has() {
    grep -F -q -e "$1" "$TMP/err" || bad "stderr lacks: $1
$(show "$TMP/err")"
}

# summary: prints the counts; exits 1 when a case failed.
summary() {
    echo "# $me: $passed passed, $failed failed, $skipped skipped"
    if [ "$failed" -ne 0 ]; then
        echo "# $me: FAILED:$failed_names"
        exit 1
    fi
    exit 0
}
