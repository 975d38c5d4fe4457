#!/bin/sh
# Terminal escapes (issue 12): names from imported files and from other
# users must not steer the terminal of whoever lists them. A register whose
# names hold ESC[2J, an OSC title sequence, a BEL and a C1 CSI (U+009B), a
# plan, a measure and a programme named the same way: every listing command,
# its --json form, the documents printed to stdout and the error messages
# must carry no raw control byte on stdout or stderr, while ä stays ä.
#
# Environment: ILMAVA_BIN, ILMAVA_TESTDATA.
# Exit: 0 all passed, 1 some case failed, 77 nothing could run.
# SPDX-License-Identifier: AGPL-3.0-or-later

LC_ALL=C.UTF-8
export LC_ALL

me=test_cli_escapes.sh
BIN=${ILMAVA_BIN:-}
DATA=${ILMAVA_TESTDATA:-}/store
if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
    echo "$me: skipped: ILMAVA_BIN is not set or not executable ('$BIN')"
    exit 77
fi
if [ ! -f "$DATA/register.csv" ]; then
    echo "$me: skipped: no $DATA/register.csv"
    exit 77
fi

. "$(dirname "$0")/../cli/lib.sh"

unset ILMAVA_DB
DB=$TMP/store.db
db() {
    run --db "$DB" --create "$@"
}

ESC=$(printf '\033')
BEL=$(printf '\007')
C1=$(printf '\302\233')   # U+009B, CSI on terminals that read C1 codes
EVIL="X${ESC}[2J${BEL}${C1}ä"

# raw_controls FILE: exit 0 when FILE holds a control byte other than a
# newline, a tab or a CR before LF, or a UTF-8 C1 code; prints the first.
raw_controls() {
    LC_ALL=C grep -naP '[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!$)|\xc2[\x80-\x9f]' "$1" |
        head -1 | od -c | head -3
    LC_ALL=C grep -qaP '[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!$)|\xc2[\x80-\x9f]' "$1"
}

# clean NAME ARGS...: runs the command on the store; fails the case when a
# raw control byte reaches stdout or stderr.
clean() {
    name=$1
    shift
    db "$@"
    for stream in out err; do
        if dump=$(raw_controls "$TMP/$stream"); then
            bad "$name: a raw control byte on std$stream:
$dump"
        fi
    done
}

# The register and the inventory, with the hostile names.
sed "2s/Testilä/$EVIL/; 2s/Testby/$EVIL/; 2s/Koemaakunta/${ESC}]0;pwned${BEL}/" \
    "$DATA/register.csv" >"$TMP/register.csv"

begin
db import municipalities "$TMP/register.csv"
expect_rc 0
db import inventory "$DATA/inventory.csv"
expect_rc 0
db plan new 701 --base 2007 --target 2030 --reduction 0.5 --name "$EVIL plan"
expect_rc 0
plan=$(cat "$TMP/out")
db measure add "$plan" id=heat sector=district_heating start=2024 full=2026 share=0.5 \
    "name=$EVIL" "responsible=$EVIL" "notes=line1${ESC}[31m"
expect_rc 0
cat >"$TMP/programme.json" <<JSON
{"name":"P \u001b[2J\u0007\u009b ä","year":2026,"description":"d",
 "apply_from":"2026-01-15","apply_until":"2099-03-31",
 "capacity_min":1,"capacity_max":2,"own_funding_eur":2000,
 "max_region_share":1,"max_size_share":1,
 "phases":[{"key":"orientation","audience":"civil_service"}],
 "periods":[{"name":"Jakso \u001b[2J","starts":"2099-09-01","ends":"2099-10-31",
   "days":[{"day":"2099-09-15","place":"\u001b]0;x\u0007","audience":"civil_service",
            "phase":"orientation"}]}]}
JSON
db programme create "$TMP/programme.json"
expect_rc 0
finish "escapes/the store holds the hostile names"

begin
clean "municipalities" municipalities
grep -F -q 'X\x1B[2J\x07\u009Bä' "$TMP/out" || bad "municipalities: the escape is not shown as \\x1B"
clean "municipalities --json" municipalities --json
out_has 'X\u001b[2J\u0007\u009Bä'
clean "inventory" inventory 701
clean "inventory --json" inventory 701 --json
finish "escapes/municipalities and inventory"

begin
clean "plan list" plan list
clean "plan list --json" plan list --json
clean "plan show" plan show "$plan"
clean "plan show --json" plan show "$plan" --json
clean "plan export" plan export "$plan"
clean "pathway" pathway --plan "$plan"
clean "pathway --json" pathway --plan "$plan" --json
clean "optimize" optimize --plan "$plan"
clean "peers" peers 701
clean "peers --json" peers 701 --json
finish "escapes/plans, pathway, optimize, peers"

begin
clean "export csv measures" export csv "$plan" --table measures
clean "export csv inventory" export csv "$plan" --table inventory
clean "export gpc" export gpc "$plan"
clean "report decision md" report decision "$plan"
clean "report decision html" report decision "$plan" --format html
clean "report plan md" report plan "$plan"
finish "escapes/documents and exports on stdout"

begin
clean "programme list" programme list
clean "programme list --json" programme list --json
clean "programme show" programme show 1
clean "programme show --json" programme show 1 --json
finish "escapes/programme"

begin
# Errors that repeat a name or a user's argument.
clean "inventory unknown" inventory "$EVIL-none"
expect_rc 2
clean "plan new unknown option" plan new 701 "--${ESC}[2J"
expect_rc 2
clean "measure add bad value" measure add "$plan" id=x "sector=${ESC}[2J" start=2024 full=2026 share=0.1
expect_rc 2
clean "import a file named with ESC" import inventory "$TMP/${ESC}[2J.csv"
expect_rc 2
clean "peers unknown" peers "$EVIL"
finish "escapes/error messages"

summary
