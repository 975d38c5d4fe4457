#!/bin/sh
# Command-line contract of ilmava (src/cli/main.c): help, usage errors,
# the pathway report and result document, Monte Carlo reproducibility and
# the optimiser, on the small plans in tests/data/cli.
#
# Environment: ILMAVA_BIN (the binary), ILMAVA_TESTDATA (tests/data),
# ILMAVA_SHARED (optional: ../shared; the cases that need it are skipped
# when it is absent). POSIX sh; no python, jq or network.
# Exit: 0 all passed, 1 some case failed, 77 nothing could run.
# SPDX-License-Identifier: AGPL-3.0-or-later

LC_ALL=C
export LC_ALL

me=commands.sh
BIN=${ILMAVA_BIN:-}
DATA=${ILMAVA_TESTDATA:-}
SHARED=${ILMAVA_SHARED:-}

if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
    echo "$me: skipped: ILMAVA_BIN is not set or not executable ('$BIN')"
    exit 77
fi
if [ -z "$DATA" ] || [ ! -f "$DATA/cli/base.plan.json" ]; then
    echo "$me: skipped: ILMAVA_TESTDATA ('$DATA') has no cli/base.plan.json"
    exit 77
fi

. "$(dirname "$0")/lib.sh"

BASE=$DATA/cli/base.plan.json
INFEASIBLE=$DATA/cli/infeasible.plan.json
NOT_COMPUTED=$DATA/cli/not-computed.plan.json
NOSPREAD=$DATA/cli/mc-no-spread.plan.json

# ---- help ----

for args in "--help" "-h" "help"; do
    begin
    run $args
    expect_rc 0
    out_has "COMMAND [ARGS]"
    out_has "pathway"
    out_has "optimize"
    expect_no_stderr
    finish "help/ilmava $args"
done

for cmd in validate pathway optimize; do
    begin
    run "$cmd" --help
    expect_rc 0
    out_has "usage: ilmava $cmd"
    expect_no_stderr
    finish "help/$cmd --help"
done

begin
run pathway --help
out_has "--draws"
out_has "--seed"
out_has "--threads"
out_has "--json"
finish "help/pathway lists its options"

# ---- usage errors: exit 2, one line on stderr, nothing on stdout ----

# usage_error NAME EXPECTED_SUBSTRING ARGS...
usage_error() {
    name=$1
    want=$2
    shift 2
    begin
    run "$@"
    expect_rc 2
    [ -s "$TMP/out" ] && bad "stdout is not empty:
$(show "$TMP/out")"
    lines=$(wc -l <"$TMP/err")
    [ "$lines" -eq 1 ] || bad "stderr has $lines lines, expected 1:
$(show "$TMP/err")"
    case $(head -n 1 "$TMP/err") in
    "ilmava: "*) ;;
    *) bad "stderr does not start with 'ilmava: '" ;;
    esac
    err_has "$want"
    finish "usage/$name"
}

usage_error no-args "expects a command"
usage_error unknown-command "'frobnicate'" frobnicate
usage_error unknown-option "'--bogus'" pathway x.json --bogus
usage_error draws-negative "'-1'" pathway "$BASE" --draws -1
usage_error draws-abc "'abc'" pathway "$BASE" --draws abc
usage_error draws-too-many "'10000001'" pathway "$BASE" --draws 10000001
usage_error draws-no-value "--draws" pathway "$BASE" --draws
usage_error threads-0 "--threads" pathway "$BASE" --threads 0
usage_error threads-65 "'65'" pathway "$BASE" --threads 65
usage_error seed-negative "--seed" pathway "$BASE" --seed -1
usage_error pathway-missing-plan "expects a PLAN.json" pathway
usage_error pathway-missing-plan-with-options "expects a PLAN.json" pathway --json --draws 5
usage_error pathway-two-plans "'$BASE'" pathway "$BASE" "$BASE"
usage_error validate-missing-plan "expects one PLAN.json" validate
usage_error validate-two-plans "expects one PLAN.json" validate "$BASE" "$BASE"
usage_error validate-unknown-option "'--json'" validate --json
usage_error optimize-missing-plan "expects a PLAN.json" optimize
usage_error optimize-unknown-option "'--draws'" optimize "$BASE" --draws 5

# ---- pathway: the readable report ----

begin
run pathway "$BASE"
expect_rc 0
expect_no_stderr
out_has "Pikkulahti (made up) (978)"
out_has "Target: -50.0 % from 2018 by 2030"
# V = (1 - 0.5) * non-ETS 2018 = 0.5 * (10000 + 8000 + 2000 + 2000) = 11000;
# with no trend the scenario in 2030 is 20000 - 4500 (heat-pumps) - 1800
# (wood-chips on the rest of heating) - 2000 (park-ride) - 2625 (ev-fleet)
# - 1200 (biogas) = 7875.
out_has "Target value in 2030: 11 000 t. Scenario: 7 875 t."
out_has "The target is met"
out_has "Measures, easy to hard"
for id in heat-pumps kiln-electrification ev-fleet park-ride biogas wood-chips; do
    grep -E -q "^(easy|moderate|hard) +$id " "$TMP/out" || bad "no row for measure $id in the measure table"
done
grep -E -q "kiln-electrification .*\(outside the target's scope" "$TMP/out" ||
    bad "the ETS measure is not marked as outside the non_ets scope"
finish "pathway/report"

begin
# A report that cannot be written (a full disk) is a failure, not exit 0.
if [ -w /dev/full ]; then
    "$BIN" pathway "$BASE" >/dev/full 2>"$TMP/err"
    rc=$?
    expect_rc 1
    grep -q "cannot write the output" "$TMP/err" || bad "no message about the failed write"
fi
finish "pathway/write-error"

begin
run pathway "$INFEASIBLE"
expect_rc 0
out_has "The target is NOT met"
finish "pathway/report-not-met"

# ---- pathway --json: the result document ----

# is_json_doc FILE: one line, an object starting with {"ilmava_result":1,
# balanced braces and brackets (the ids hold none).
is_json_doc() {
    lines=$(wc -l <"$1")
    [ "$lines" -eq 1 ] || bad "the output has $lines lines, expected 1"
    case $(cat "$1") in
    '{"ilmava_result":1,'*'}') ;;
    *) bad "the output is not an object starting with {\"ilmava_result\":1,:
$(show "$1")" ;;
    esac
    o=$(tr -cd '{' <"$1" | wc -c)
    c=$(tr -cd '}' <"$1" | wc -c)
    [ "$o" -eq "$c" ] || bad "unbalanced braces: $o { and $c }"
    o=$(tr -cd '[' <"$1" | wc -c)
    c=$(tr -cd ']' <"$1" | wc -c)
    [ "$o" -eq "$c" ] || bad "unbalanced brackets: $o [ and $c ]"
}

begin
run pathway "$BASE" --json
expect_rc 0
expect_no_stderr
is_json_doc "$TMP/out"
out_has '"meets":true'
out_has '"scope":"non_ets"'
out_has '"last_year":2020,"base_year":2018,"target_year":2030,"horizon":2035'
out_has '"id":"kiln-electrification"'
grep -F -q '"monte_carlo"' "$TMP/out" && bad "monte_carlo is present although draws is 0"
finish "pathway/json"

begin
run pathway --json "$INFEASIBLE"
expect_rc 0
is_json_doc "$TMP/out"
out_has '"meets":false'
finish "pathway/json-not-met (options before the plan)"

# ---- Monte Carlo: reproducible, independent of threads, seed-dependent ----

mc() {
    out=$1
    shift
    "$BIN" pathway "$BASE" --json "$@" >"$TMP/$out" 2>"$TMP/$out.err"
    mc_rc=$?
    [ "$mc_rc" -eq 0 ] || bad "pathway --json $* exited $mc_rc:
$(show "$TMP/$out.err")"
}

begin
mc s5a --draws 2000 --seed 5
mc s5b --draws 2000 --seed 5
is_json_doc "$TMP/s5a"
grep -F -q '"monte_carlo":{"draws":2000,"p_meet":' "$TMP/s5a" || bad "no monte_carlo with 2000 draws"
cmp -s "$TMP/s5a" "$TMP/s5b" || bad "two runs with --draws 2000 --seed 5 differ"
finish "montecarlo/same-seed-same-bytes"

begin
mc t1 --draws 10000 --seed 5 --threads 1
mc t2 --draws 10000 --seed 5 --threads 2
mc t3 --threads 3 --seed 5 --draws 10000
cmp -s "$TMP/t1" "$TMP/t2" || bad "--threads 1 and --threads 2 differ"
cmp -s "$TMP/t1" "$TMP/t3" || bad "--threads 1 and --threads 3 differ"
finish "montecarlo/threads-same-bytes"

begin
mc s6 --draws 2000 --seed 6
sed 's/.*"monte_carlo"://' "$TMP/s5a" >"$TMP/mc5"
sed 's/.*"monte_carlo"://' "$TMP/s6" >"$TMP/mc6"
cmp -s "$TMP/mc5" "$TMP/mc6" && bad "seeds 5 and 6 give the same monte_carlo"
# Outside monte_carlo the document must not depend on the seed.
sed 's/"monte_carlo":.*//' "$TMP/s5a" >"$TMP/det5"
sed 's/"monte_carlo":.*//' "$TMP/s6" >"$TMP/det6"
cmp -s "$TMP/det5" "$TMP/det6" || bad "the deterministic part depends on the seed"
finish "montecarlo/other-seed-other-result"

begin
# Without --seed the plan's settings.seed (7) is used.
mc plan_seed --draws 2000
mc seed7 --draws 2000 --seed 7
cmp -s "$TMP/plan_seed" "$TMP/seed7" || bad "--draws 2000 differs from --draws 2000 --seed 7 (settings.seed)"
finish "montecarlo/default-seed-from-plan"

begin
# With no spread at all (no ranges, trend_sd 0) every draw is the
# deterministic scenario: 7875 t in 2030 against V = 0.38 * 22000 = 8360 t,
# so meets is true and p_meet must be 1. The absolute measure (ev-fleet)
# is listed before a share measure (park-ride) on the same stream, which
# catches a simulation that scales absolute cuts by later shares.
run pathway "$NOSPREAD" --json
expect_rc 0
out_has '"meets":true'
out_has '"p_meet":1,'
finish "montecarlo/no-spread-agrees-with-pathway"

# ---- optimize ----

# The base plan's optional measures and their cut in 2030 (non-ETS, no
# trend; heat-pumps, not optional, already cuts heating from 9000 to 4500,
# leaving 15500 t against V = 11000 t, so 4500 t more are needed):
#   ev-fleet   2625 t  20000 EUR/yr   (absolute)
#   park-ride  2000 t  12000 EUR/yr   (0.25 of road 8000)
#   biogas     1200 t   3000 EUR/yr   (0.6 of agriculture 2000)
#   wood-chips 1800 t   9000 EUR/yr   (0.4 of the 4500 t heating left)
# The cuts add up (ev-fleet is subtracted after park-ride's share). Choices
# that cut >= 4500 t: ev+park 4625 t 32000; park+bio+wood 5000 t 24000;
# ev+bio+wood 5625 t 32000; ev+park+bio 5825 t 35000; ev+park+wood 6425 t
# 41000; all 7625 t 44000. Too little: ev+wood 4425, ev+bio 3825, park+wood
# 3800, the rest less. Cheapest: keep park-ride, biogas, wood-chips (gap
# 10500 - 11000 = -500 t), drop ev-fleet.
begin
run optimize "$BASE" --json
expect_rc 0
expect_no_stderr
lines=$(wc -l <"$TMP/out")
[ "$lines" -eq 1 ] || bad "the output has $lines lines, expected 1"
out_has '"feasible":true'
out_has '"keep":["park-ride","biogas","wood-chips"]'
out_has '"drop":["ev-fleet"]'
out_has '"method":"exact"'
finish "optimize/json"

begin
run optimize "$BASE"
expect_rc 0
expect_no_stderr
out_has "Keep: park-ride biogas wood-chips"
out_has "Drop: ev-fleet"
finish "optimize/report"

# infeasible.plan.json is the base plan with reduction 0.9: V = 2200 t, and
# even with every optional measure the scenario is 7875 t. The choice with
# the smallest gap keeps them all (every measure only cuts).
begin
run optimize --json "$INFEASIBLE"
expect_rc 0
out_has '"feasible":false'
out_has '"keep":["ev-fleet","park-ride","biogas","wood-chips"]'
out_has '"drop":[]'
out_has '"method":"exact"'
finish "optimize/json-infeasible"

# not-computed.plan.json is the base plan with `biogas` (optional) marked
# ETS: the inventory has no (agriculture, ETS) rows. Spec 1.1: it is valid,
# carried and computed as absent; the optimiser neither keeps nor drops it.
begin
run validate "$NOT_COMPUTED"
expect_rc 0
expect_no_stderr
run pathway "$NOT_COMPUTED" --json
expect_rc 0
out_has '"not_computed":[{"id":"biogas","reason":"no_inventory"}]'
out_has '"id":"kiln-electrification","annual_cost"'
out_has '"in_scope":false'
run pathway "$NOT_COMPUTED"
expect_rc 0
out_has "Not computed (carried in the plan, computed as absent):"
out_has 'biogas               no inventory records for sector "agriculture" with ets true'
out_has "kiln-electrification"
out_has "(outside the target's scope: ETS, not counted)"
run optimize --json "$NOT_COMPUTED"
expect_rc 0
out_has '"keep":["ev-fleet","park-ride"]'
out_has '"drop":["wood-chips"]'
out_has '"not_computed":[{"id":"biogas","reason":"no_inventory"}]'
finish "pathway/not-computed measure"

# ---- the shared examples ----

if [ -n "$SHARED" ] && [ -d "$SHARED/spec/examples" ]; then
    n=0
    for plan in "$SHARED"/spec/examples/*.plan.json; do
        [ -f "$plan" ] || continue
        n=$((n + 1))
        name=${plan##*/}
        begin
        run pathway "$plan"
        expect_rc 0
        [ -s "$TMP/out" ] || bad "pathway printed nothing"
        out_has "Target value in"
        run pathway "$plan" --json
        expect_rc 0
        is_json_doc "$TMP/out"
        finish "shared/pathway $name"
    done
    begin
    [ "$n" -ge 2 ] || bad "found $n example plans in $SHARED/spec/examples, expected 2"
    finish "shared/examples present"
else
    skip "shared/pathway examples" "ILMAVA_SHARED ('$SHARED') has no spec/examples"
fi

summary
