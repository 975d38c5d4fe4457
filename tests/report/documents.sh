#!/bin/sh
# The documents as a registry office (kirjaamo) and a municipal lawyer
# read them (issue 14), on a real municipality (Kontiolahti, a kunta, and
# Joensuu, a kaupunki, from ../shared/data) and the demo: the appeal
# instructions' notification rule (Kuntalaki 140 § 3 mom.) and appeal
# court in fi, sv and en, the court override.
#
# Environment: ILMAVA_BIN, ILMAVA_SHARED.
# Exit: 0 all passed, 1 some case failed, 77 nothing could run.
# SPDX-License-Identifier: AGPL-3.0-or-later

LC_ALL=C.UTF-8
export LC_ALL

me=documents.sh
BIN=${ILMAVA_BIN:-}
if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
    echo "$me: skipped: ILMAVA_BIN is not set or not executable ('$BIN')"
    exit 77
fi
DATA=${ILMAVA_SHARED:-}/data
if [ ! -f "$DATA/kunnat_2021_2025.csv" ] || [ ! -f "$DATA/syke/alas_hinku_pohjois_karjala_wide.csv" ]; then
    echo "$me: skipped: ILMAVA_SHARED/data is missing ('$DATA')"
    exit 77
fi

. "$(dirname "$0")/../cli/lib.sh"

unset ILMAVA_DB
DB=$TMP/pk.db
db() {
    run --db "$DB" "$@"
}
# out_lacks TEXT: stdout must not contain TEXT.
out_lacks() {
    if grep -F -q -e "$1" "$TMP/out"; then
        bad "stdout has: $1"
    fi
}

begin
db import municipalities "$DATA/kunnat_2021_2025.csv"
expect_rc 0
db import syke "$DATA/syke/alas_hinku_pohjois_karjala_wide.csv"
expect_rc 0
"$BIN" --db "$DB" plan new Kontiolahti --base 2007 --target 2030 --reduction 0.8 \
    --name "Kontiolahti 2030" >"$TMP/kontiolahti" 2>&1 || bad "plan new Kontiolahti failed"
"$BIN" --db "$DB" plan new Joensuu --base 2007 --target 2030 --reduction 0.8 \
    --name "Joensuu 2030" >"$TMP/joensuu" 2>&1 || bad "plan new Joensuu failed"
finish "documents/setup: the register, North Karelia's figures, two plans"
K=$(cat "$TMP/kontiolahti")
J=$(cat "$TMP/joensuu")

# The member of the municipality is notified seven days after the minutes
# are in the public data network, not on the day (Kuntalaki 140 § 3 mom.).
begin
db report decision "$K" --lang fi
expect_rc 0
out_has "Kunnan jäsenen katsotaan saaneen päätöksestä tiedon seitsemän päivän kuluttua siitä, kun pöytäkirja on nähtävänä yleisessä tietoverkossa."
out_lacks "tiedon, kun pöytäkirja"
out_has "30 päivän kuluessa"
out_has "Valitusviranomainen on hallinto-oikeus, jonka tuomiopiiriin kunta kuuluu: Itä-Suomen hallinto-oikeus, PL 1744, 70101 Kuopio"
db report decision "$K" --lang sv
expect_rc 0
out_has "En kommunmedlem anses ha fått del av beslutet sju dagar efter att protokollet har funnits tillgängligt i det allmänna datanätet."
out_lacks "del av beslutet när protokollet"
out_has "Östra Finlands förvaltningsdomstol, PL 1744, 70101 Kuopio"
db report decision "$K" --lang en
expect_rc 0
out_has "Members of the municipality are deemed notified seven days after the minutes have been made available in the public data network."
out_lacks "deemed notified when the minutes"
out_has "Eastern Finland Administrative Court, PL 1744, 70101 Kuopio"
finish "documents/council decision: notification 7 days after the minutes are online, the region's court (fi, sv, en)"

begin
db report decision "$K" --court "Itä-Suomen hallinto-oikeus, Minna Canthin katu 64, 70100 Kuopio"
expect_rc 0
out_has "kuuluu: Itä-Suomen hallinto-oikeus, Minna Canthin katu 64, 70100 Kuopio"
out_lacks "PL 1744"
db report plan "$K" --court X
expect_rc 2
err_has "report plan: takes only"
finish "documents/--court overrides the region's court"

# The board's own decision: a rectification request in 14 days, with the
# same notification rule.
cat >"$TMP/programme.json" <<'JSON'
{"name":"ILMAVA 2026","year":2026,"apply_from":"2026-01-15","apply_until":"2099-03-31",
 "capacity_min":1,"capacity_max":15,"own_funding_eur":2000,
 "phases":[{"key":"orientation","audience":"civil_service"}],
 "periods":[{"name":"Jakso I","starts":"2099-09-01","ends":"2099-10-31",
   "days":[{"day":"2099-09-15","place":"Joensuu","audience":"civil_service","phase":"orientation"}]}]}
JSON
cat >"$TMP/application.json" <<'JSON'
{"climate_work":"Kunnalla on päästöinventaario.","has_council_target":false,
 "tells_easy_from_hard":false,"own_funding_accepted":true,"status":"submitted",
 "participants":[{"name":"Anna Esimerkki","title":"kunnanjohtaja","level":"civil_service",
                  "phases":["orientation"]}]}
JSON
begin
db programme create "$TMP/programme.json"
expect_rc 0
db programme apply 1 Kontiolahti "$TMP/application.json"
expect_rc 0
db report application 1 --lang fi
expect_rc 0
out_has "Oikaisuvaatimus on tehtävä 14 päivän kuluessa päätöksen tiedoksisaannista. Kunnan jäsenen katsotaan saaneen päätöksestä tiedon seitsemän päivän kuluttua siitä, kun pöytäkirja on nähtävänä yleisessä tietoverkossa."
db report application 1 --lang sv
expect_rc 0
out_has "inom 14 dagar från delfåendet av beslutet. En kommunmedlem anses ha fått del av beslutet sju dagar efter att protokollet"
db report application 1 --lang en
expect_rc 0
out_has "within 14 days of notification of the decision. Members of the municipality are deemed notified seven days after the minutes"
finish "documents/board decision: rectification request in 14 days, notification 7 days after (fi, sv, en)"

summary
