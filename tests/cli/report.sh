#!/bin/sh
# Documents and exports on the demo store: `ilmava report` and `ilmava
# export`. Golden Markdown of the decision item, the board's application
# decision and the climate plan in fi, sv and en
# (tests/data/golden/docs/; UPDATE_GOLDEN=1 rewrites them); the numbers in
# the HTML and the PDF (pdftotext) equal `ilmava pathway --json`
# (tests/report/check_numbers.py); the XLSX opened by LibreOffice and by a
# second reader equals it too (tests/report/check_xlsx.py); bad input
# exits 2 with a message naming the field.
#
# Environment: ILMAVA_BIN, UPDATE_GOLDEN.
# Exit: 0 all passed, 1 some case failed, 77 nothing could run.
# SPDX-License-Identifier: AGPL-3.0-or-later

LC_ALL=C.UTF-8
export LC_ALL

me=report.sh
BIN=${ILMAVA_BIN:-}
if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
    echo "$me: skipped: ILMAVA_BIN is not set or not executable ('$BIN')"
    exit 77
fi

. "$(dirname "$0")/lib.sh"

HERE=$(cd "$(dirname "$0")/.." && pwd)
GOLDEN=$HERE/data/golden/docs
unset ILMAVA_DB
DB=$TMP/demo.db

db() {
    run --db "$DB" "$@"
}

cat >"$TMP/programme.json" <<'JSON'
{"name":"ILMAVA 2026","year":2026,
 "description":"Ilmastojohtamisen valmennusohjelma kuntien ylimmälle johdolle: perehdytys, kuntakohtainen työ, vertaisoppiminen ja asiantuntijasparraus.\n\nNeljä kontaktipäivää kolmessa jaksossa.",
 "apply_from":"2026-01-15","apply_until":"2099-03-31",
 "capacity_min":1,"capacity_max":15,"own_funding_eur":2000,
 "phases":[{"key":"orientation","audience":"civil_service"},
           {"key":"peer_learning","audience":"both"}],
 "periods":[{"name":"Jakso I","starts":"2099-09-01","ends":"2099-10-31",
   "days":[{"day":"2099-09-15","place":"Joensuu","audience":"civil_service","phase":"orientation"}]}]}
JSON
cat >"$TMP/application.json" <<'JSON'
{"climate_work":"Kunnalla on päästöinventaario ja ilmasto-ohjelman luonnos.",
 "has_council_target":false,"tells_easy_from_hard":false,
 "problems":["Tehtaan päästöt hallitsevat kokonaisuutta","Liikenteen päästöt eivät laske"],
 "sparring_problem":"Tavoite, joka sopii teollisuuskaupungille",
 "own_funding_accepted":true,"status":"submitted",
 "board_decision":{"body":"Kaupunginhallitus","date":"2026-02-09","section":"§ 31","dnro":"58/11.00/2026"},
 "participants":[{"name":"Anna Esimerkki","title":"kaupunginjohtaja","level":"civil_service",
                  "phases":["orientation"]},
                 {"name":"Pekka Esimerkki","title":"kaupunginhallituksen puheenjohtaja","level":"political",
                  "phases":["peer_learning"]}]}
JSON

begin
db --create demo
expect_rc 0
db programme create "$TMP/programme.json"
expect_rc 0
db programme apply 1 901 "$TMP/application.json"
expect_rc 0
finish "report/setup: the demo, a programme and an application"

# golden NAME: compares $TMP/out with $GOLDEN/NAME.md (or rewrites it).
golden() {
    if [ -n "${UPDATE_GOLDEN:-}" ]; then
        cp "$TMP/out" "$GOLDEN/$1.md"
        return
    fi
    if [ ! -f "$GOLDEN/$1.md" ]; then
        bad "no golden file $GOLDEN/$1.md"
    elif ! cmp -s "$TMP/out" "$GOLDEN/$1.md"; then
        bad "differs from $1.md:
$(diff "$GOLDEN/$1.md" "$TMP/out" | sed -n '1,12s/^/#     /p')"
    fi
}

DECISION="--date 2026-12-14 --section 45 --dnro 727/11.00/2026 --preparer Ilmastokoordinaattori --contact 040_123_4567"
for lang in fi sv en; do
    begin
    # shellcheck disable=SC2086
    db report decision 1 --lang $lang $DECISION
    expect_rc 0
    expect_no_stderr
    golden decision-$lang
    finish "report/decision item, $lang, equals its golden Markdown"

    begin
    db report application 1 --lang $lang
    expect_rc 0
    expect_no_stderr
    golden application-$lang
    finish "report/application decision, $lang, equals its golden Markdown"

    begin
    db report plan 1 --lang $lang
    expect_rc 0
    expect_no_stderr
    golden plan-$lang
    finish "report/climate plan, $lang, equals its golden Markdown"
done

begin
db report decision 1 --body KH
expect_rc 0
out_has "Kaupunginhallitus esittää valtuustolle"
out_has "koskee vain asian valmistelua"
db report decision 1
out_has "kunnallisvalituksella hallinto-oikeudelta"
out_has "30 päivän kuluessa"
db report application 1
out_has "oikaisuvaatimuksen"
out_has "14 päivän kuluessa"
out_has "Kaupunginhallitus päättää, että Rautaniemi (demo) hakee mukaan"
finish "report/appeal instructions of the right kind for the body"

if command -v pdftotext >/dev/null 2>&1; then
    begin
    if ! /usr/bin/python3 "$HERE/report/check_numbers.py" "$BIN" "$DB" 1 "$TMP" >"$TMP/check" 2>&1; then
        bad "check_numbers.py failed:
$(sed -n '1,20s/^/#     /p' "$TMP/check")"
    fi
    finish "report/the HTML and PDF numbers equal ilmava pathway --json"
else
    skip "report/the HTML and PDF numbers equal ilmava pathway --json" "pdftotext is missing"
fi

begin
db export xlsx 1 -o "$TMP/plan.xlsx"
expect_rc 0
if ! /usr/bin/python3 "$HERE/report/check_xlsx.py" "$BIN" "$DB" 1 "$TMP/plan.xlsx" >"$TMP/check" 2>&1; then
    bad "check_xlsx.py failed:
$(sed -n '1,20s/^/#     /p' "$TMP/check")"
fi
finish "report/the XLSX cells equal the pathway JSON (zip reader$(command -v libreoffice >/dev/null && echo ' and LibreOffice'))"

begin
db export csv 1 --table pathway --lang en
expect_rc 0
out_has "Year,Without measures (t CO2e),With measures (t CO2e),Target path (t CO2e)"
db export gpc 1
expect_rc 0
out_has "municipality,year,gpc_sector,gpc_subsectors,gpc_scope,syke_sector,eu_ets,t_co2e"
out_has "901,2024,I,I.3.1,1,industry,true,"
finish "report/csv and gpc exports"

# Bad input: exit 2, the field named, nothing written.
bad_case() {
    name=$1
    want=$2
    shift 2
    begin
    db "$@"
    expect_rc 2
    err_has "$want"
    [ -s "$TMP/out" ] && bad "stdout is not empty"
    finish "report/bad input: $name"
}
bad_case "a wrong Dnro" 'dnro: "727-11.00-2026" is not a diary number' report decision 1 --dnro 727-11.00-2026
bad_case "a Dnro with a short year" 'dnro: "1/11.00/26"' report decision 1 --dnro 1/11.00/26
bad_case "an unknown language" '--lang: "de" is not one of fi, sv, en' report decision 1 --lang de
bad_case "an unknown format" '--format: "docx" is not one of md, html, pdf' report plan 1 --format docx
bad_case "a bad date" 'date: "2026-02-30" is not a date' report decision 1 --date 2026-02-30
bad_case "a bad section" 'section: "x" is not a section number' report decision 1 --section x
bad_case "an unknown plan" 'plan 99' report decision 99
bad_case "an unknown export table" 'table: "nope" is not one of' export csv 1 --table nope
bad_case "an unknown export language" 'lang: "de" is not one of fi, sv, en' export xlsx 1 --lang de -o "$TMP/x.xlsx"

begin
"$BIN" --db "$DB" plan new 901 --base 2007 --target 2035 --reduction 0 --name "ei tavoitetta" >"$TMP/id" 2>&1
id=$(cat "$TMP/id")
db report decision "$id"
expect_rc 2
err_has "plan $id has no target"
db export xlsx "$id" -o "$TMP/none.xlsx"
expect_rc 2
err_has "plan $id has no target"
[ -e "$TMP/none.xlsx" ] && bad "a file was written for a plan with no target"
finish "report/bad input: a plan with no target"

summary
