#!/bin/sh
# Validation tests for the ilmava command line (spec/plan-model.md section 1).
#
# Every tests/data/invalid/NAME.plan.json breaks one rule of the plan
# document (most are the valid tests/data/cli/base.plan.json with one change).
# NAME.expect holds the message(s) the product must print: each non-empty
# line is a fixed substring that must appear in stderr. For each file,
# `ilmava validate`, `ilmava pathway` and `ilmava optimize` must exit with
# exactly 2, print nothing on stdout, and print only lines that name the file.
# The valid base plan must give `ok` and exit 0.
#
# Environment: ILMAVA_BIN (the binary), ILMAVA_TESTDATA (tests/data),
# ILMAVA_SHARED (optional: ../shared; the cases that need it are skipped
# when it is absent). POSIX sh; no python, jq or network.
# Exit: 0 all passed, 1 some case failed, 77 nothing could run.
# SPDX-License-Identifier: AGPL-3.0-or-later

LC_ALL=C
export LC_ALL

me=validation.sh
BIN=${ILMAVA_BIN:-}
DATA=${ILMAVA_TESTDATA:-}
SHARED=${ILMAVA_SHARED:-}

if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
    echo "$me: skipped: ILMAVA_BIN is not set or not executable ('$BIN')"
    exit 77
fi
if [ -z "$DATA" ] || [ ! -d "$DATA/invalid" ] || [ ! -f "$DATA/cli/base.plan.json" ]; then
    echo "$me: skipped: ILMAVA_TESTDATA ('$DATA') has no invalid/ or cli/base.plan.json"
    exit 77
fi

TMP=${TMPDIR:-/tmp}/ilmava-validation.$$
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

# A case collects failures with `bad`; `finish NAME` prints its line.
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

# show FILE: the first lines of a captured output, for a failure message.
show() {
    sed -n '1,5s/^/#     | /p' "$1"
}

# check_user_error LABEL PATH EXPECT_FILE: after `run`, the command must
# have failed as a user error on the plan at PATH.
check_user_error() {
    label=$1
    path=$2
    expect=$3
    if [ "$rc" -ne 2 ]; then
        bad "$label: exit code $rc, expected 2"
    fi
    if [ -s "$TMP/out" ]; then
        bad "$label: stdout is not empty:
$(show "$TMP/out")"
    fi
    if [ ! -s "$TMP/err" ]; then
        bad "$label: stderr is empty"
        return
    fi
    # One message per line, each naming the file.
    while IFS= read -r line || [ -n "$line" ]; do
        case $line in
        "$path: "*) ;;
        *) bad "$label: stderr line does not start with '$path: ': $line" ;;
        esac
    done <"$TMP/err"
    if [ -n "$expect" ]; then
        while IFS= read -r want || [ -n "$want" ]; do
            [ -n "$want" ] || continue
            if ! grep -F -q -e "$want" "$TMP/err"; then
                bad "$label: stderr lacks: $want
#     stderr was:
$(show "$TMP/err")"
            fi
        done <"$expect"
    fi
}

# ---- the valid base plan ----

base=$DATA/cli/base.plan.json
begin
run validate "$base"
[ "$rc" -eq 0 ] || bad "validate: exit code $rc, expected 0"
[ "$(cat "$TMP/out")" = ok ] || bad "validate: stdout is not 'ok':
$(show "$TMP/out")"
[ -s "$TMP/err" ] && bad "validate: stderr is not empty:
$(show "$TMP/err")"
run pathway "$base"
[ "$rc" -eq 0 ] || bad "pathway: exit code $rc, expected 0:
$(show "$TMP/err")"
[ -s "$TMP/out" ] || bad "pathway: stdout is empty"
finish "valid/base"

# ---- one invalid plan per rule ----

n_plans=0
for plan in "$DATA"/invalid/*.plan.json; do
    [ -f "$plan" ] || continue
    n_plans=$((n_plans + 1))
    name=${plan##*/}
    name=${name%.plan.json}
    expect=$DATA/invalid/$name.expect
    begin
    if [ ! -f "$expect" ]; then
        bad "no $name.expect next to $name.plan.json"
        expect=
    elif ! grep -q . "$expect"; then
        bad "$name.expect is empty"
        expect=
    fi
    for cmd in validate pathway optimize; do
        run "$cmd" "$plan"
        check_user_error "$cmd" "$plan" "$expect"
    done
    finish "invalid/$name"
done

begin
[ "$n_plans" -ge 80 ] || bad "found only $n_plans plans in $DATA/invalid (expected 80 or more)"
for expect in "$DATA"/invalid/*.expect; do
    [ -f "$expect" ] || continue
    [ -f "${expect%.expect}.plan.json" ] || bad "$expect has no .plan.json"
done
finish "invalid/inventory-of-cases ($n_plans plans)"

# ---- files that are not plans ----

missing=$TMP/no-such-dir/no-such.plan.json
printf '%s\n' "$missing" "No such file or directory" >"$TMP/missing.expect"
begin
for cmd in validate pathway optimize; do
    run "$cmd" "$missing"
    check_user_error "$cmd" "$missing" "$TMP/missing.expect"
done
finish "file/does-not-exist"

printf '%s\n' "$DATA/invalid" >"$TMP/dir.expect"
begin
for cmd in validate pathway; do
    run "$cmd" "$DATA/invalid"
    check_user_error "$cmd" "$DATA/invalid" "$TMP/dir.expect"
done
finish "file/is-a-directory"

# ---- the shared examples must be valid ----

if [ -n "$SHARED" ] && [ -d "$SHARED/spec/examples" ]; then
    for plan in "$SHARED"/spec/examples/*.plan.json; do
        [ -f "$plan" ] || continue
        name=${plan##*/}
        begin
        run validate "$plan"
        [ "$rc" -eq 0 ] || bad "validate: exit code $rc, expected 0:
$(show "$TMP/err")"
        [ "$(cat "$TMP/out")" = ok ] || bad "validate: stdout is not 'ok'"
        finish "shared/$name"
    done
else
    skip "shared/examples" "ILMAVA_SHARED ('$SHARED') has no spec/examples"
fi

echo "# $me: $passed passed, $failed failed, $skipped skipped"
if [ "$failed" -ne 0 ]; then
    echo "# $me: FAILED:$failed_names"
    exit 1
fi
exit 0
