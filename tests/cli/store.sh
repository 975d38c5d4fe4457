#!/bin/sh
# The store on the command line: imports (idempotent, atomic), inventories,
# stored plans and measures, the demo, and --db / ILMAVA_DB, on the made-up
# files in tests/data/store. Every rejected input is checked to leave the
# store exactly as it was (a checksum of sqlite3's .dump).
#
# Environment: ILMAVA_BIN, ILMAVA_TESTDATA. Needs sqlite3 (the CLI).
# Exit: 0 all passed, 1 some case failed, 77 nothing could run.
# SPDX-License-Identifier: AGPL-3.0-or-later

LC_ALL=C.UTF-8
export LC_ALL

me=store.sh
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
if ! command -v sqlite3 >/dev/null; then
    echo "$me: skipped: the sqlite3 command is not installed"
    exit 77
fi

. "$(dirname "$0")/lib.sh"

unset ILMAVA_DB
DB=$TMP/store.db

# db ARGS...: the binary on the test store.
db() {
    run --db "$DB" "$@"
}
checksum() {
    sqlite3 "$1" .dump | sha256sum | cut -d' ' -f1
}
count() {
    sqlite3 "$DB" "SELECT count(*) FROM $1"
}

# ---- imports ----

begin
db --create import municipalities "$DATA/register.csv"
expect_rc 0
out_has "municipalities added to the register: 2"
db municipalities
expect_rc 0
out_has "701"
out_has "Testilä"
out_has "Kokeenkylä"
finish "import/register"

begin
db import inventory "$DATA/inventory.csv"
expect_rc 0
out_has "rows: 9 added, 0 replaced, 0 unchanged, 0 removed"
[ "$(count inventory)" -eq 9 ] || bad "inventory has $(count inventory) rows, expected 9"
finish "import/inventory adds rows"

begin
before=$(checksum "$DB")
db import inventory "$DATA/inventory.csv"
expect_rc 0
out_has "rows: 0 added, 0 replaced, 9 unchanged, 0 removed"
[ "$(checksum "$DB")" = "$before" ] || bad "importing the same file again changed the store"
finish "import/same file twice changes nothing"

begin
db import inventory "$DATA/inventory-newer.csv"
expect_rc 0
out_has "rows: 0 added, 1 replaced, 7 unchanged, 1 removed"
[ "$(count inventory)" -eq 8 ] || bad "inventory has $(count inventory) rows, expected 8"
v=$(sqlite3 "$DB" "SELECT t FROM inventory WHERE municipality='701' AND year=2019 AND sector='district_heating'")
[ "$v" = "19000.0" ] || bad "the replaced row holds '$v', expected 19000.0"
finish "import/newer file replaces and removes"

for f in number sector negative columns unknown-municipality cut; do
    begin
    before=$(checksum "$DB")
    db import inventory "$DATA/bad-$f.csv"
    expect_rc 2
    [ -s "$TMP/out" ] && bad "stdout is not empty"
    err_has "bad-$f.csv"
    case $f in
    cut) err_has "line 10" ;;
    *) err_has "line 4" ;;
    esac
    [ "$(checksum "$DB")" = "$before" ] || bad "a rejected file changed the store"
    finish "import/rejects bad-$f.csv and keeps the store"
done

begin
db import inventory "$DATA/bad-number.csv"
err_has "5x000"
db import inventory "$DATA/bad-sector.csv"
err_has "steel_mill"
db import inventory "$DATA/bad-negative.csv"
err_has "-50000"
finish "import/messages name the bad value"

begin
before=$(checksum "$DB")
db import inventory "$TMP/no-such-file.csv"
expect_rc 2
err_has "no-such-file.csv"
db import weather "$DATA/inventory.csv"
expect_rc 2
err_has "unknown kind"
[ "$(checksum "$DB")" = "$before" ] || bad "a failed import changed the store"
finish "import/missing file and unknown kind"

begin
db import syke "$DATA/syke-long.csv"
expect_rc 0
out_has "SYKE long"
out_has "municipalities added to the register: 1"
# 7 sub-sector lines a year become 5 streams; the ETS line is not Hinku.
out_has "rows: 10 added"
db inventory 703 --json
expect_rc 0
out_has '"totals":[{"year":2007,"t":56500,"per_capita":null},{"year":2020,"t":45200,"per_capita":null}]'
# Where the rows came from: the import, its file and the years it gave.
out_has '"sources":[{"kind":"syke","file":"'
out_has '"first_year":2007,"last_year":2020,"rows":10}]'
db inventory Pääkylä --scope non_ets --json
out_has '"scope":"non_ets"'
out_has '{"year":2007,"t":16500,'
db inventory 703 --scope hinku --json
out_has '{"year":2007,"t":16500,'
finish "import/SYKE long export: aggregation, kt to t, scopes"

begin
before=$(checksum "$DB")
db import syke "$DATA/syke-long-cp1252.csv"
expect_rc 0
out_has "Windows-1252"
out_has "rows: 0 added, 0 replaced, 10 unchanged, 0 removed"
[ "$(checksum "$DB")" = "$before" ] || bad "the Windows-1252 file gave a different store"
finish "import/Windows-1252 file equals the UTF-8 one"

begin
db inventory 703 --lang en
expect_rc 0
out_has "Pääkylä (703): all emissions (total), kt CO2e"
out_has "change 2007-2020: -20.0 %"
out_has "Industry (ETS) 70.8 %"
# Finnish by default, with readable sector labels, not cut keys; the
# columns line up by display width.
db inventory 703
expect_rc 0
out_has "Pääkylä (703): kaikki päästöt (total), kt CO2e"
# A decimal comma in Finnish and Swedish, a point in English.
out_has "muutos 2007-2020: -20,0 %"
out_has "Teollisuus (PK) 70,8 %"
grep -E -q "^20[0-9][0-9] .*[0-9]\.[0-9]" "$TMP/out" && bad "a decimal point in the Finnish table"
grep -q "electrici\|distri ETS" "$TMP/out" && bad "the headings are cut English keys"
head -n 2 "$TMP/out" | tail -n 1 | grep -q "^vuosi " || bad "no Finnish heading line"
/usr/bin/python3 - "$TMP/out" <<'PY' || bad "the inventory's columns do not line up"
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()[1:]
rows = [l for l in lines if l[:4].isdigit() or l.startswith("vuosi")]
widths = {len(l.rstrip()) for l in rows}
sys.exit(0 if len(widths) == 1 else 1)
PY
db inventory 703 --lang sv
out_has "förändring 2007-2020: -20,0 %"
db inventory 703 --lang de
expect_rc 2
err_has 'inventory: --lang: "de" is not one of fi, sv, en'
db municipalities
/usr/bin/python3 - "$TMP/out" <<'PY' || bad "the municipalities' columns do not line up by display width"
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
head = lines[0]
col = head.index("population") + len("population")
for l in lines[1:-1]:
    if "(" in l and l[:col].rstrip()[-1:] != ")":
        sys.exit(1)
PY
db inventory 703 --csv --from 2020
out_has "year,sector,ets,t"
out_has "2020,industry,true,32000"
grep -q "^2007," "$TMP/out" && bad "--from 2020 printed 2007"
db inventory Nowhere
expect_rc 2
err_has "Nowhere"
db inventory 703 --scope everything
expect_rc 2
finish "inventory/text, csv and errors"

# ---- stored plans ----

begin
db plan new 703 --base 2007 --target 2030 --reduction 0.8 --scope hinku --name "Testiplan"
expect_rc 0
plan=$(cat "$TMP/out")
case $plan in '' | *[!0-9]*) bad "plan new printed '$plan', not an id" ;; esac
db plan list --json
out_has "\"id\":$plan,\"municipality\":\"703\",\"name\":\"Testiplan\",\"scope\":\"hinku\",\"base_year\":2007,\"target_year\":2030,\"reduction\":0.8"
finish "plan/new and list"

begin
before=$(checksum "$DB")
db plan new 703 --base 1999 --target 2030 --reduction 0.8
expect_rc 2
err_has "base_year"
db plan new 703 --base 2007 --target 2030 --reduction 1.5
expect_rc 2
db plan new 799 --base 2007 --target 2030 --reduction 0.5
expect_rc 2
err_has "799"
[ "$(checksum "$DB")" = "$before" ] || bad "a rejected plan changed the store"
finish "plan/new rejects a base year without data, a bad reduction, an unknown municipality"

begin
db measure add "$plan" id=heat sector=district_heating start=2024 full=2026 share=0.5 \
    capex=1e6 lifetime=20 "name=Lämpöpumput" status=planned
expect_rc 0
mid=$(cat "$TMP/out")
case $mid in '' | *[!0-9]*) bad "measure add printed '$mid', not an id" ;; esac
db measure add "$plan" id=cars sector=road_transport start=2025 full=2030 absolute_t=2000 \
    absolute_range=[1000,2000,3000] optional=true
expect_rc 0
db plan show "$plan"
out_has "heat"
out_has "cars"
out_has "Lämpöpumput"
finish "measure/add"

begin
before=$(checksum "$DB")
db measure add "$plan" id=bad sector=district_heating start=2024 full=2026 share=1.4
expect_rc 2
err_has "share"
err_has "1.4"
db measure add "$plan" id=heat sector=district_heating start=2024 full=2026 share=0.1
expect_rc 2
err_has "heat"
db measure add "$plan" id=x sector=forestry start=2024 full=2026 share=0.1
expect_rc 2
err_has "forestry"
db measure set "$mid" share=abc
expect_rc 2
db measure set "$mid" colour=red
expect_rc 2
err_has "colour"
db measure set 999999 share=0.2
expect_rc 2
[ "$(checksum "$DB")" = "$before" ] || bad "a rejected measure changed the store"
finish "measure/bad values are rejected and nothing is stored"

# Plan model 1.1: a measure on a known sector that the inventory does not
# have is carried and computed as absent, not refused; so a scope change
# can never strand a plan.
begin
db measure add "$plan" id=farm sector=agriculture start=2024 full=2026 share=0.1
expect_rc 0
farm=$(cat "$TMP/out")
db plan show "$plan"
out_has "(not computed: no inventory records)"
db pathway --plan "$plan" --json
expect_rc 0
out_has '{"id":"farm","reason":"no_inventory"}'
db measure delete "$farm"
expect_rc 0
finish "measure/on a stream without inventory: carried, not computed"

begin
db measure set "$mid" share=0.6 notes=checked
expect_rc 0
db plan export "$plan"
expect_rc 0
out_has '"share":0.6'
out_has '"notes":"checked"'
out_has '"scope":"hinku"'
cp "$TMP/out" "$TMP/exported.json"
db pathway --plan "$plan" --json
expect_rc 0
out_has '"base_year":2007'
cp "$TMP/out" "$TMP/pathway-before.json"
run pathway "$TMP/exported.json" --json
cmp -s "$TMP/out" "$TMP/pathway-before.json" || bad "the exported document computes differently from the stored plan"
finish "measure/set, export, and pathway --plan equals the exported file"

begin
# New data moves a stored plan's pathway.
sed 's/^2020;703;5,800/2020;703;9,900/' "$DATA/syke-long.csv" >"$TMP/syke-newer.csv"
db import syke "$TMP/syke-newer.csv"
expect_rc 0
out_has "1 replaced"
db pathway --plan "$plan" --json
cmp -s "$TMP/out" "$TMP/pathway-before.json" && bad "the pathway did not change with the new inventory"
db optimize --plan "$plan" --json
expect_rc 0
out_has '"feasible"'
finish "plan/a stored plan computes on the current inventory"

begin
db plan import "$TMP/exported.json"
expect_rc 0
copy=$(cat "$TMP/out")
[ "$copy" != "$plan" ] || bad "plan import reused id $plan"
db plan show "$copy" --json
out_has '"id":"heat"'
db plan delete "$copy"
expect_rc 0
db plan show "$copy"
expect_rc 2
db plan delete "$copy"
expect_rc 2
finish "plan/import, show, delete"

begin
before=$(checksum "$DB")
printf '{"ilmava_plan":1}' >"$TMP/broken.json"
db plan import "$TMP/broken.json"
expect_rc 2
err_has "broken.json"
[ "$(checksum "$DB")" = "$before" ] || bad "a rejected plan document changed the store"
finish "plan/import rejects a bad document"

# ---- the demo, --db and ILMAVA_DB ----

begin
run --db "$TMP/demo.db" --create demo
expect_rc 0
out_has "3 synthetic municipalities"
run municipalities --db "$TMP/demo.db"
out_has "[synthetic]"
run --db "$TMP/demo.db" plan list --json
n=$(tr '{' '\n' <"$TMP/out" | grep -c '"id"')
[ "$n" -eq 3 ] || bad "the demo has $n plans, expected 3"
for id in 1 2 3; do
    run --db "$TMP/demo.db" pathway --plan $id --draws 2000
    [ "$rc" -eq 0 ] || bad "pathway --plan $id exits $rc"
done
before=$(checksum "$TMP/demo.db")
run --db "$TMP/demo.db" demo
expect_rc 2
[ "$(checksum "$TMP/demo.db")" = "$before" ] || bad "a second demo changed the store"
finish "demo/fills an empty store once"

begin
ILMAVA_DB=$TMP/demo.db "$BIN" plan list >"$TMP/out" 2>"$TMP/err"
out_has "(demo)"
finish "db/ILMAVA_DB chooses the store"

begin
sqlite3 "$TMP/demo.db" "PRAGMA user_version = 999"
run --db "$TMP/demo.db" municipalities
expect_rc 1
err_has "newer"
printf 'not a database at all, just text that is long enough to look like a header\n' >"$TMP/text.db"
run --db "$TMP/text.db" municipalities
[ "$rc" -ne 0 ] || bad "a text file opened as a store"
err_has "text.db"
finish "db/a newer schema and a non-database are refused"

# plan set: a stored plan's own fields in place, with the same checks,
# audited; nothing stored when a field or a rule fails.
begin
DB=$TMP/planset.db
db --create demo
expect_rc 0
db plan set 1 trend.road_transport=-0.02 trend_sd=0.01 draws=2000 seed=7
expect_rc 0
db plan export 1
out_has '"road_transport":-0.02'
out_has '"trend_sd":0.01'
out_has '"draws":2000'
out_has '"seed":7'
[ "$(sqlite3 "$DB" "SELECT count(*) FROM audit WHERE action = 'plan.update'")" -ge 1 ] ||
    bad "no plan.update audit row"
cp "$TMP/out" "$TMP/before.json"
db plan set 1 trend_sd=5
expect_rc 2
err_has "baseline.trend_sd: 5 is outside 0..1"
db plan set 1 draws=-1
expect_rc 2
err_has 'draws: "-1" is not a whole number >= 0'
db plan set 1 colour=red
expect_rc 2
err_has "colour: not a plan field"
db plan set 1 trend.road_transport=fast
expect_rc 2
err_has 'trend.road_transport: "fast" is not a number'
db plan export 1
cmp -s "$TMP/out" "$TMP/before.json" || bad "a refused plan set changed the plan"
db plan set 1 trend.road_transport=
expect_rc 0
db plan export 1
grep -q '"road_transport":-0.02' "$TMP/out" && bad "trend.road_transport= did not remove the trend"
db plan set 99 draws=1
expect_rc 2
finish "plan/set: fields in place, checked, audited, nothing stored on a failure"

summary
