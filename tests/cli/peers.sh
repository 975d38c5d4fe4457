#!/bin/sh
# The peers command: the demo's municipalities (text and --json, k, the
# same answer twice), bad input (k, an unknown municipality, one without
# the data to compare), the made-up register of tests/data/store, and, with
# ../shared, SYKE's North Karelia figures.
#
# Environment: ILMAVA_BIN, ILMAVA_TESTDATA, ILMAVA_SHARED (optional).
# Exit: 0 all passed, 1 some case failed, 77 nothing could run.
# SPDX-License-Identifier: AGPL-3.0-or-later

LC_ALL=C.UTF-8
export LC_ALL

me=peers.sh
BIN=${ILMAVA_BIN:-}
DATA=${ILMAVA_TESTDATA:-}/store
if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
    echo "$me: skipped: ILMAVA_BIN is not set or not executable ('$BIN')"
    exit 77
fi

. "$(dirname "$0")/lib.sh"

unset ILMAVA_DB
DB=$TMP/demo.db

db() {
    run --db "$DB" "$@"
}
# occurrences TEXT FILE: how many times TEXT is in FILE.
occurrences() {
    grep -F -o -e "$1" "$2" | wc -l | tr -d ' '
}

begin
run peers --help
expect_rc 0
out_has "usage: ilmava peers MUNICIPALITY [--k N] [--json]"
out_has "never a ranking of all"
run --help
out_has "peers MUNICIPALITY"
finish "peers/help"

begin
db --create demo
expect_rc 0
db peers 901
expect_rc 0
expect_no_stderr
out_has "Peers of Rautaniemi (demo) (901) [synthetic data], on its figures of 2024"
out_has "3 municipalities compared, 0 left out."
out_has "not a ranking"
out_has "1. Metsäkylä (demo) (903), 2024: distance "
out_has "2. Keskilahti (demo) (902), 2024: distance "
out_has "differs most: EU-ETS share"
grep -q '^3\. ' "$TMP/out" && bad "a third peer among three municipalities"
finish "peers/demo text"

begin
db peers 901 --json
expect_rc 0
cp "$TMP/out" "$TMP/first.json"
out_has '"municipality":{"code":"901","name":"Rautaniemi (demo)","year":2024,'
out_has '"compared":3,"left_out":[]'
out_has '"weights":{"population":1,"heating":1,"electricity":1,"transport":1,"agriculture":1,"other":1,"ets_share":1,"change":1}'
out_has '"peers":[{"code":"903","name":"Metsäkylä (demo)","year":2024,"distance":'
out_has '"reasons":[{"feature":'
[ "$(occurrences '"code":"901"' "$TMP/out")" -eq 1 ] || bad "901 is among its own peers"
[ "$(occurrences '"distance":' "$TMP/out")" -eq 2 ] || bad "expected 2 peers"
db peers 901 --json
cmp -s "$TMP/out" "$TMP/first.json" || bad "a second run gave another answer"
finish "peers/demo json, the same twice"

begin
db peers 'Keskilahti (demo)' --k 1 --json
expect_rc 0
out_has '"municipality":{"code":"902"'
[ "$(occurrences '"distance":' "$TMP/out")" -eq 1 ] || bad "--k 1 gave more than one peer"
finish "peers/by name, --k 1"

for k in 0 51 x ''; do
    begin
    db peers 901 --k "$k"
    expect_rc 2
    err_has "--k: '$k' is not a whole number in 1..50"
    [ -s "$TMP/out" ] && bad "stdout is not empty"
    finish "peers/--k '$k' is refused"
done

begin
db peers 998
expect_rc 2
err_has 'no municipality'
db peers
expect_rc 2
err_has "peers: expects a MUNICIPALITY"
db peers 901 902
expect_rc 2
err_has "expects one MUNICIPALITY"
db peers 901 --top 3
expect_rc 2
err_has "unknown option '--top'"
finish "peers/bad arguments"

# The made-up register: 701 has 2007 and 2019, 702 only 2019.
if [ -f "$DATA/register.csv" ]; then
    begin
    DB=$TMP/register.db
    db --create import municipalities "$DATA/register.csv"
    expect_rc 0
    db import inventory "$DATA/inventory.csv"
    expect_rc 0
    db peers 702
    expect_rc 2
    err_has "peers: Kokeenkylä (702) cannot be compared with other municipalities: its inventory has no figures for 2007"
    [ -s "$TMP/out" ] && bad "stdout is not empty"
    db peers 701
    expect_rc 0
    out_has "Peers of Testilä (701), on its figures of 2019 (all emissions)."
    out_has "1 municipalities compared, 1 left out."
    out_has "  left out: Kokeenkylä (702): its inventory has no figures for 2007"
    out_has "No other municipality can be compared."
    db peers 701 --json
    expect_rc 0
    out_has '"compared":1,"left_out":[{"code":"702","name":"Kokeenkylä","reason":"its inventory has no figures for 2007, the year the change is measured from"}]'
    out_has '"peers":[]'
    finish "peers/missing data"
else
    skip "peers/missing data" "no $DATA/register.csv"
fi

WIDE=${ILMAVA_SHARED:-}/data/syke/alas_hinku_pohjois_karjala_wide.csv
if [ -n "${ILMAVA_SHARED:-}" ] && [ -f "$WIDE" ]; then
    begin
    DB=$TMP/syke.db
    db --create import syke "$WIDE"
    expect_rc 0
    db peers 167 --k 3
    expect_rc 0
    out_has "Peers of Joensuu (167), on its figures of 2024 (all emissions)."
    out_has "13 municipalities compared, 0 left out."
    out_has "3. "
    grep -q '^4\. ' "$TMP/out" && bad "more than 3 peers"
    grep -q '(167), 2024: distance' "$TMP/out" && bad "Joensuu is among its own peers"
    finish "peers/SYKE North Karelia"

    # Kitee's figures made implausible past the importers: every other
    # municipality is still compared, Kitee is left out with the reason.
    begin
    sqlite3 "$DB" "UPDATE inventory SET t = 1e308 WHERE municipality = '260' AND year = 2024"
    for code in 167 422; do
        db peers $code --k 3
        expect_rc 0
        out_has "12 municipalities compared, 1 left out."
        out_has "  left out: Kitee (260): its inventory holds a figure outside the plausible range"
        db peers $code --json
        expect_rc 0
        out_has '"compared":12,"left_out":[{"code":"260","name":"Kitee","reason":"its inventory holds a figure'
    done
    db peers 260
    expect_rc 2
    err_has "Kitee (260) cannot be compared with other municipalities: its inventory holds a figure outside the plausible range"
    finish "peers/one municipality's bad data leaves it out, never fails the others"

    # An industrial town (95 % EU-ETS) among North Karelia's: no close
    # peer, said with the reason; its population is of 2019, said too.
    SYN=${ILMAVA_SHARED:-}/data/syke/alas_long_synthetic_industrial.csv
    if [ -f "$SYN" ]; then
        begin
        DB=$TMP/isolated.db
        db --create import syke "$WIDE"
        expect_rc 0
        db import syke "$SYN"
        expect_rc 0
        printf 'kuntanumero,kunta_fi,maakunta_koodi,vaesto_2019\n999,Teollisuuskaupunki,19,15000\n' >"$TMP/r999.csv"
        db import municipalities "$TMP/r999.csv"
        expect_rc 0
        db peers 999 --k 2
        expect_rc 0
        out_has "Per-person figures use the population of 2019, the nearest year with one."
        out_has "No close peer exists in the data: even the nearest differs by"
        out_has "deviations in EU-ETS share (more than 2)"
        db peers 999 --json
        out_has '"population_year":2019'
        out_has '"isolated":true,"nearest_differs_most":{"feature":"ets_share","z":'
        db peers 167
        out_lacks_peer=$(grep -c "No close peer" "$TMP/out")
        [ "$out_lacks_peer" -eq 0 ] || bad "Joensuu was said to have no close peer"
        grep -q "Per-person figures use the population of" "$TMP/out" &&
            bad "Joensuu's population is of 2024 (the wide file), yet a year was named"
        db peers 167 --json
        out_has '"isolated":false'
        finish "peers/no close peer: said, with the feature; the population's year"
    fi
else
    skip "peers/SYKE North Karelia" "no ILMAVA_SHARED data ($WIDE)"
fi

summary
