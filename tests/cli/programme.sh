#!/bin/sh
# The coaching programme on the command line: `ilmava programme ...` and
# `ilmava decision ...` on the demo store. The happy path (create, show,
# a council decision, applications, the selection with eligibility
# explained, an override, decisions, notifications, the dashboard, the
# report), then bad input: each exits 2 with a message naming the field.
#
# Environment: ILMAVA_BIN.
# Exit: 0 all passed, 1 some case failed, 77 nothing could run.
# SPDX-License-Identifier: AGPL-3.0-or-later

LC_ALL=C.UTF-8
export LC_ALL

me=programme.sh
BIN=${ILMAVA_BIN:-}
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

# The application period runs until 2099, so that it stays open.
cat >"$TMP/programme.json" <<'JSON'
{"name":"ILMAVA 2026","year":2026,"description":"Ilmastojohtamisen valmennus",
 "apply_from":"2026-01-15","apply_until":"2099-03-31",
 "capacity_min":1,"capacity_max":2,"own_funding_eur":2000,
 "max_region_share":1,"max_size_share":1,
 "phases":[{"key":"orientation","audience":"civil_service"},
           {"key":"peer_learning","audience":"both"}],
 "periods":[{"name":"Jakso I","starts":"2099-09-01","ends":"2099-10-31",
   "days":[{"day":"2099-09-15","place":"Joensuu","audience":"civil_service","phase":"orientation"},
           {"day":"2099-10-15","place":"online","online":true,"audience":"both","phase":"peer_learning"}]}]}
JSON
cat >"$TMP/application.json" <<'JSON'
{"climate_work":"Päästöinventaario ja ohjelma","has_council_target":true,
 "tells_easy_from_hard":true,"problems":["liikenne"],"sparring_problem":"liikenne",
 "own_funding_accepted":true,"status":"submitted",
 "participants":[{"name":"Anna","title":"kunnanjohtaja","level":"civil_service",
                  "phases":["orientation"]},
                 {"name":"Ville","title":"valtuuston puheenjohtaja","level":"political",
                  "phases":["peer_learning"]}]}
JSON

begin
run programme --help
expect_rc 0
out_has "usage: ilmava programme COMMAND"
out_has "decide APP_ID accepted|waitlisted|rejected|pending"
run decision --help
expect_rc 0
out_has "usage: ilmava decision PLAN_ID --body BODY --date YYYY-MM-DD"
finish "programme/help"

begin
db --create demo
expect_rc 0
db programme create "$TMP/programme.json"
expect_rc 0
expect_no_stderr
[ "$(cat "$TMP/out")" = 1 ] || bad "create printed '$(cat "$TMP/out")', expected the id 1"
db programme list
expect_rc 0
out_has "ILMAVA 2026"
out_has "capacity 1-2"
out_has "2 contact days"
db programme show 1 --json
expect_rc 0
out_has '"contact_days":2'
out_has '"application_period":"open"'
finish "programme/create, list, show"

begin
plan902=$("$BIN" --db "$DB" plan list 902 | awk 'NR == 2 {print $1}')
db decision "$plan902" --body Kunnanvaltuusto --date 2021-06-14 --section "§ 45" --dnro 12/11.00/2021
expect_rc 0
expect_no_stderr
db programme apply 1 902 "$TMP/application.json"
expect_rc 0
[ "$(cat "$TMP/out")" = 1 ] || bad "apply printed '$(cat "$TMP/out")'"
db programme apply 1 901 "$TMP/application.json"
expect_rc 0
[ "$(cat "$TMP/out")" = 2 ] || bad "apply printed '$(cat "$TMP/out")'"
finish "programme/a council decision, two applications"

begin
db programme applications 1
expect_rc 0
out_has "Keskilahti (demo)"
out_has "meets: Kunnanvaltuusto 2021-06-14 § 45, Dnro 12/11.00/2021 set the target of plan $plan902"
out_has "does not meet: no council-set climate target"
out_has "proposed cohort: 1 of capacity 1-2"
db programme show-application 2
expect_rc 0
out_has '"criterion":"council_target","met":false'
out_has '"eligible":false'
db programme applications 1 --language fi
expect_rc 0
out_has "ei täytä: valtuusto ei ole asettanut ilmastotavoitetta"
db programme show-application 2 --language sv
out_has "uppfyller inte: inget klimatmål fastställt av fullmäktige"
finish "programme/the selection explains eligibility"

begin
db programme override 2 --reason Teollisuuskaupunki --condition "asettaa tavoitteen ohjelman aikana"
expect_rc 0
db programme decide 1 accepted --reason "Ehdotettu kohortti"
expect_rc 0
db programme decide 2 accepted --reason Poikkeus
expect_rc 0
db programme show-application 2
out_has '"overridden":true'
out_has '"decision":{"decision":"accepted","reason":"Poikkeus"'
db programme notifications 1
expect_rc 0
out_has "== 902 (accepted, fi)"
out_has "asettaa tavoitteen ohjelman aikana"
# The letters keep their lines: the escaping of control characters from
# data (issue 12) leaves a document's line breaks alone.
grep -q 'x0A' "$TMP/out" && bad "a letter's line breaks are shown as escapes"
[ "$(wc -l <"$TMP/out")" -gt 6 ] || bad "the letters are not on several lines"
db programme notifications 1 --language sv
expect_rc 0
out_has "Mellanviken (demo)"
finish "programme/override and decisions, notifications"

begin
db programme dashboard 1
expect_rc 0
out_has "902  Keskilahti (demo)"
out_has "901  Rautaniemi (demo)"
db programme report 1 --format html --output "$TMP/report.html"
expect_rc 0
grep -q '<link rel="stylesheet" href="/assets/programme-report.css">' "$TMP/report.html" ||
    bad "the report links no stylesheet"
grep -q -i -e '<style' -e '<script' "$TMP/report.html" && bad "the report has an inline style or script"
db programme report 1 --format xlsx --output "$TMP/report.xlsx"
expect_rc 0
[ "$(head -c 2 "$TMP/report.xlsx")" = PK ] || bad "the workbook is not a zip"
finish "programme/dashboard and report"

begin
db programme show 1
day=$(sed -n 's/^  day \([0-9]*\) 2099-10-15.*/\1/p' "$TMP/out")
[ -n "$day" ] || bad "no id for the day of 2099-10-15 in: $(head -c 300 "$TMP/out")"
db programme delete-contact-day "$day"
expect_rc 0
expect_no_stderr
db programme show 1 --json
out_has '"contact_days":1'
db programme delete-contact-day "$day"
expect_rc 2
err_has "no contact day $day in the store"
db decision "$plan902" --delete --kind board_proposal
expect_rc 2
err_has "has no board_proposal decision recorded"
db decision "$plan902" --delete
expect_rc 2
err_has "kind: --kind council_target|board_proposal is required"
db decision "$plan902" --delete --kind council_target
expect_rc 0
db programme delete-sparring 999
expect_rc 2
err_has "no sparring entry 999 in the store"
finish "programme/deletes: a contact day, a council decision; unknown ones exit 2"

# ---- bad input: exit 2, the message names the field ----

begin
sed 's/"capacity_min":1/"capacity_min":3/' "$TMP/programme.json" >"$TMP/bad.json"
db programme create "$TMP/bad.json"
expect_rc 2
err_has "capacity_min: 3 is more than capacity_max 2"
finish "programme/bad: capacity minimum over the maximum"

begin
sed 's/"day":"2099-09-15"/"day":"2099-11-15"/' "$TMP/programme.json" >"$TMP/bad.json"
db programme create "$TMP/bad.json"
expect_rc 2
err_has "periods[0].days[0].day: 2099-11-15 is outside its period 2099-09-01..2099-10-31"
finish "programme/bad: a contact day outside its period"

begin
printf '{"nme":"x"}' >"$TMP/bad.json"
db programme create "$TMP/bad.json"
expect_rc 2
err_has "nme: unknown field"
finish "programme/bad: an unknown field"

begin
sed 's/"level":"civil_service",//' "$TMP/application.json" >"$TMP/bad.json"
db programme apply 1 903 "$TMP/bad.json"
expect_rc 2
err_has "participants[0].level: required"
db programme applications 1 --json
grep -q '"municipality":"903"' "$TMP/out" && bad "the rejected application was saved"
finish "programme/bad: a participant without a level"

begin
db programme apply 1 902 "$TMP/application.json"
expect_rc 2
err_has "municipality: 902 has already applied to programme 1"
finish "programme/bad: a second application of the same municipality"

begin
db programme decide 1 maybe
expect_rc 2
err_has "'maybe' is not accepted, waitlisted, rejected or pending"
db programme decide 1 rejected
expect_rc 2
err_has "reason: a waitlisting or a rejection needs its --reason"
db programme show-application 1
out_has '"decision":{"decision":"accepted"'
db programme override 1
expect_rc 2
err_has "--reason TEXT is required"
finish "programme/bad: decisions"

begin
db decision "$plan902" --date 2021-06-14
expect_rc 2
err_has "body: required"
db decision "$plan902" --body Kunnanvaltuusto --date 2021-13-01
expect_rc 2
err_has "date: required, a day YYYY-MM-DD"
db decision 999 --body Kunnanvaltuusto --date 2021-06-14
expect_rc 2
err_has "no plan 999 in the store"
finish "programme/bad: council decisions"

begin
db programme show 99
expect_rc 2
err_has "no programme 99 in the store"
db programme frobnicate
expect_rc 2
err_has "unknown command 'frobnicate'"
finish "programme/bad: an unknown programme or command"

summary
