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
    run --db "$DB" --create "$@"
}
# out_lacks TEXT: stdout must not contain TEXT.
out_lacks() {
    if grep -F -q -e "$1" "$TMP/out"; then
        bad "stdout has: $1"
    fi
}

begin
db --create import municipalities "$DATA/kunnat_2021_2025.csv"
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
 "participants":[{"name":"Pekka Poliitikko","title":"kunnanhallituksen puheenjohtaja","level":"political",
                  "phases":["orientation"]},
                 {"name":"Anna Esimerkki","title":"kunnanjohtaja","level":"civil_service",
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

# City or municipality (kaupunki or kunta): the register knows; every body
# name, possessive and extract follows, and a text never mixes the two.
begin
for body in "" "--body Kunnanvaltuusto" "--body KV"; do
    # shellcheck disable=SC2086
    db report decision "$K" $body
    expect_rc 0
    out_has "**Toimielin:** Kunnanvaltuusto"
    out_has "Kunnanvaltuusto asettaa kunnan ilmastotavoitteeksi vähentää kunnan alueen kasvihuonekaasupäästöjä"
    out_has "## Kunnanhallituksen ehdotus"
    out_has "- Kunnanhallitus"
    out_lacks "aupungin"
    out_lacks "Kaupunginhallitus"
    out_lacks "Esittelijä"
done
db report decision "$K" --lang sv
out_has "Kommunfullmäktige fastställer som kommunens klimatmål att minska växthusgasutsläppen inom kommunen"
out_has "## Kommunstyrelsens förslag"
out_has "- Kommunstyrelsen"
out_lacks "Stads"
out_lacks "staden"
db report decision "$K" --lang en
out_has "The Municipal Council sets as the municipality's climate target"
out_lacks "City Board"
db report plan "$K"
out_has "raportoi kunnanhallitukselle"
out_lacks "aupungin"
finish "documents/a kunta (Kontiolahti): kunnanvaltuusto, kunnanhallitus, kommunstyrelsen, no kaupungin"

begin
db report decision "$J"
expect_rc 0
out_has "**Toimielin:** Kaupunginvaltuusto"
out_has "Kaupunginvaltuusto asettaa kaupungin ilmastotavoitteeksi vähentää kaupungin alueen kasvihuonekaasupäästöjä"
out_has "## Kaupunginhallituksen ehdotus"
out_has "- Kaupunginhallitus"
out_lacks "kunnan alueen"
out_lacks "Kunnan alueen"
out_lacks "Kunnanhallitus"
db report decision "$J" --lang sv
out_has "Stadsfullmäktige fastställer som stadens klimatmål att minska växthusgasutsläppen inom staden"
out_has "- Stadsstyrelsen"
out_lacks "Kommunstyrelsen"
db report plan "$J" --lang sv
out_has "rapporterar årligen till stadsstyrelsen"
out_lacks "inom kommunen"
finish "documents/a kaupunki (Joensuu): kaupunginvaltuusto, kaupunginhallitus, stadsstyrelsen, no kunnan alueen"

begin
db report decision "$K" --body Ympäristölautakunta
expect_rc 0
out_has "Ympäristölautakunta esittää kunnanhallitukselle, että kunnanhallitus ehdottaa valtuustolle kunnan ilmastotavoitteeksi"
out_lacks "esittää valtuustolle"
out_has "koskee vain asian valmistelua"
out_has "**Esittelijä:**"
db report decision "$J" --body KH
out_has "Kaupunginhallitus esittää valtuustolle, että valtuusto asettaa kaupungin ilmastotavoitteeksi"
out_has "## Päätösehdotus"
finish "documents/a committee proposes to the board (Kuntalaki 39 §), the board to the council"

# Handling history: the board's item does not list its own meeting; the
# council's lists the board's, in the document's language.
begin
"$BIN" --db "$DB" decision "$K" --kind board_proposal --body Kunnanhallitus --date 2026-11-30 \
    --section 200 --dnro "KH 727/11.00/2026" >"$TMP/rec" 2>&1 || bad "decision failed: $(cat "$TMP/rec")"
db report decision "$K" --body KH --date 2026-11-30
expect_rc 0
out_lacks "Käsittelyhistoria"
out_lacks "30.11.2026 § 200"
db report decision "$K" --date 2026-12-14
out_has "## Käsittelyhistoria"
out_has "- Kunnanhallitus 30.11.2026 § 200, Dnro KH 727/11.00/2026"
"$BIN" --db "$DB" decision "$K" --body Kunnanvaltuusto --date 2026-12-14 --section 45 \
    >"$TMP/rec2" 2>&1 || bad "decision failed: $(cat "$TMP/rec2")"
db report plan "$K" --lang sv
out_has "Fullmäktige har fastställt målet: Kommunfullmäktige 14.12.2026 § 45"
db report plan "$K" --lang fi
out_has "Valtuusto hyväksynyt tavoitteen: Kunnanvaltuusto 14.12.2026 § 45"
db report decision "$K" --date 2026-12-14 --lang sv
out_has "## Behandlingshistorik"
out_has "- Kommunstyrelsen 30.11.2026 § 200, Dnr KH 727/11.00/2026"
out_lacks "Kunnanhallitus"
out_lacks "Dnro"
finish "documents/handling history: not the item's own meeting; Swedish names in Swedish"

begin
for dnro in "TOR/727/11.00/2026" "KH 727/11.00/2026" "TORDno-2026-727" "HEL 2022-003049"; do
    db report decision "$K" --dnro "$dnro"
    expect_rc 0
    out_has "**Dnro:** $dnro"
done
db report decision "$K" --dnro "TOR-727-11.00-2026"
expect_rc 2
err_has 'dnro: "TOR-727-11.00-2026" is not a diary number'
finish "documents/Dnro: the forms registries write, with a prefix"

# The register's form and genitive columns.
begin
db report plan "$K"
out_has "# Kontiolahden ilmastosuunnitelma"
db report plan "$J"
out_has "# Joensuun ilmastosuunnitelma"
db report plan "$J" --lang sv
out_has "# Klimatplan för Joensuu"
printf 'kuntanumero,kunta_fi,kunta_sv,maakunta_koodi,maakunta_fi,maakunta_sv,muoto,kunta_fi_genetiivi\n276,Kontiolahti,Kontiolahti,12,Pohjois-Karjala,Norra Karelen,kaupunki,Kontiolahden kunnan\n' >"$TMP/reg.csv"
db import municipalities "$TMP/reg.csv"
expect_rc 0
db report plan "$K"
out_has "# Kontiolahden kunnan ilmastosuunnitelma"
db report decision "$K"
out_has "Kaupunginvaltuusto asettaa kaupungin"
printf 'kuntanumero,kunta_fi,muoto\n276,Kontiolahti,kunta\n' >"$TMP/reg2.csv"
db import municipalities "$TMP/reg2.csv"
expect_rc 0
db report decision "$K"
out_has "Kunnanvaltuusto asettaa kunnan"
printf 'kuntanumero,kunta_fi,muoto\n276,Kontiolahti,town\n' >"$TMP/bad.csv"
db import municipalities "$TMP/bad.csv"
expect_rc 2
err_has '"town" is not kunta or kaupunki'
db report decision "$K"
out_has "Kunnanvaltuusto asettaa kunnan"
# A municipality in no list (SYKE's synthetic town): a title that needs
# no genitive.
if [ -f "$DATA/syke/alas_long_synthetic_industrial.csv" ]; then
    run --db "$TMP/syn.db" --create import syke "$DATA/syke/alas_long_synthetic_industrial.csv"
    "$BIN" --db "$TMP/syn.db" plan new 999 --base 2007 --target 2030 --reduction 0.5 >"$TMP/syn" 2>&1 || bad "plan new 999 failed"
    run --db "$TMP/syn.db" report plan "$(cat "$TMP/syn")"
    out_has "# Ilmastosuunnitelma – Teollisuuskaupunki"
fi
finish "documents/the register's muoto and kunta_fi_genetiivi columns; a bad form is refused"

# Direction: a plan that misses its target and one that meets it say
# opposite things, in each language.
begin
"$BIN" --db "$DB" plan new Kontiolahti --base 2007 --target 2030 --reduction 0.1 \
    --name "Kontiolahti -10 %" >"$TMP/met" 2>&1 || bad "plan new failed"
M=$(cat "$TMP/met")
for doc in decision plan; do
    db report $doc "$K" --lang fi
    out_has "Tavoitteesta jäädään"
    out_lacks "Tavoite saavutetaan"
    db report $doc "$M" --lang fi
    out_has "Tavoite saavutetaan"
    out_lacks "Tavoitteesta jäädään"
    db report $doc "$K" --lang sv
    out_has "Utsläppen överskrider målet med"
    out_lacks "Målet nås med"
    out_lacks "underskrids"
    db report $doc "$M" --lang sv
    out_has "Målet nås med en marginal på"
    out_lacks "överskrider"
    db report $doc "$K" --lang en
    out_has "The target is missed by"
    out_lacks "The target is met"
    db report $doc "$M" --lang en
    out_has "The target is met with a margin of"
    out_lacks "missed"
done
finish "documents/a missed and a met target say opposite things (fi, sv, en)"

begin
db report plan "$K" --lang fi
out_has "## 6 Ilmastonmuutokseen sopeutuminen"
out_has "Tämä suunnitelma ei käsittele ilmastonmuutokseen sopeutumista."
out_has "--adaptation TIEDOSTO"
db report plan "$K" --lang fi
out_has "investoinnin annuiteetti (investointi jaettuna pitoajalle tasaerinä suunnitelman 4,0"
out_has "diskonttokorolla) ja vuotuiset käyttökulut"
out_lacks "lakisääteinen"
finish "documents/the plan: adaptation not covered and how to add it; cost as an annuity"

# Counts: in-scope measures only, the others named; one measure is singular.
begin
"$BIN" --db "$DB" measure add "$K" id=heat-pumps name=Lämpöpumput sector=oil_heating start=2026 \
    full=2030 share=0.5 capex=2e5 lifetime=20 status=planned >"$TMP/m" 2>&1 || bad "measure add failed: $(cat "$TMP/m")"
db report decision "$K" --lang fi
out_has "Suunnitelman 1 toimenpiteellä päästöjen arvioidaan"
out_has "Ilman toimenpidettä ne olisivat"
out_has "- Helpot: 1 toimenpide, vähennys"
out_lacks "1 toimenpidettä"
db report decision "$K" --lang sv
out_has "Med planens 1 åtgärd beräknas"
out_has "- Lätta: 1 åtgärd, minskning"
db report decision "$K" --lang en
out_has "With the plan's 1 measure, emissions"
out_has "- Easy: 1 measure, a reduction"
run --db "$TMP/demo.db" --create demo
run --db "$TMP/demo.db" report decision 1
out_has "Suunnitelman 6 toimenpiteellä"
out_has "- Keskivaikeat: 4 toimenpidettä"
out_has "Luvuissa eivät ole mukana tavoitteen ulkopuoliset toimenpiteet: Tehtaan sähköistys (päästökauppa)."
finish "documents/counts of in-scope measures, the others named; 1 toimenpide, 1 åtgärd, 1 measure"

# Met with a margin but a probability under 50 %, and missed but over
# 50 %: one sentence explains the skewed ranges, in each language.
begin
for spec in "met 0.40 [0.0,0.40,0.42]" "missed 0.37 [0.36,0.37,0.9]"; do
    # shellcheck disable=SC2086
    set -- $spec
    "$BIN" --db "$DB" plan export "$M" | /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin)
d['name'] = 'skew $1'
d['target']['reduction'] = 0.5
d['settings']['draws'] = 2000
d['measures'] = [{'id': 'ev', 'name': 'Sähköautot', 'sector': 'road_transport', 'start': 2025,
                  'full': 2030, 'share': $2, 'share_range': $3, 'capex': 1e6, 'lifetime': 10}]
print(json.dumps(d))" >"$TMP/skew.json"
    "$BIN" --db "$DB" plan import "$TMP/skew.json" >"$TMP/skew.id" 2>&1 || bad "plan import failed: $(cat "$TMP/skew.id")"
    S=$(cat "$TMP/skew.id")
    for doc in decision plan; do
        if [ "$1" = met ]; then
            db report $doc "$S" --lang fi
            out_has "Tavoite saavutetaan toimenpiteiden todennäköisimmillä vaikutuksilla, mutta vaihteluvälit ovat vinoja"
            db report $doc "$S" --lang sv
            out_has "Målet nås med åtgärdernas mest sannolika effekter, men intervallen är sneda"
            db report $doc "$S" --lang en
            out_has "The target is met with the measures' most likely effects, but the ranges are skewed"
        else
            db report $doc "$S" --lang fi
            out_has "Tavoitteesta jäädään toimenpiteiden todennäköisimmillä vaikutuksilla, mutta vaihteluvälit ovat vinoja"
            db report $doc "$S" --lang sv
            out_has "Målet nås inte med åtgärdernas mest sannolika effekter, men intervallen är sneda"
            db report $doc "$S" --lang en
            out_has "The target is missed with the measures' most likely effects, but the ranges are skewed"
        fi
    done
done
db report decision "$M" --lang en
out_lacks "skewed"
finish "documents/a met target under 50 % and a missed one over 50 % are explained (fi, sv, en)"

# SYKE's published total beside the sum of the sectors, and which one the
# target is bound to; a target above 1990's level is a rise, not a
# negative reduction.
begin
for doc in decision plan; do
    db report $doc "$K" --lang fi
    out_has "SYKE julkaisee vuoden 2007 Hinku-laskennan mukaisiksi kokonaispäästöiksi 94,2 kt CO2e; sektorien summa on 94,0 kt CO2e"
    out_has "Tavoite on sidottu sektorien summaan."
    db report $doc "$K" --lang sv
    out_has "SYKE publicerar 94,2 kt CO2e som de totala utsläppen enligt Hinku-beräkningen år 2007; summan av sektorerna är 94,0 kt CO2e"
    db report $doc "$K" --lang en
    out_has "SYKE publishes 94.2 kt CO2e as the total by the Hinku rule in 2007; the sum of the sectors is 94.0 kt CO2e"
done
"$BIN" --db "$DB" plan new Kontiolahti --base 2006 --target 2030 --reduction 0.05 \
    --name "Kontiolahti -5 %" >"$TMP/rise" 2>&1 || bad "plan new failed"
R=$(cat "$TMP/rise")
db report decision "$R" --lang fi
out_has "Ehdotettu tavoite on 6,1"
out_has "vuoden 1990 tasoa korkeampi."
out_lacks "%:n vähennystä vuoden 1990 tasosta"
db report decision "$R" --lang en
out_has "above the 1990 level."
finish "documents/SYKE's total beside the sum of sectors; a target above 1990 is a rise"

# The board's decision to apply states the contact periods and days, who
# attends (top management first, then the political leadership) and the
# own funding.
begin
db report application 1 --lang fi
expect_rc 0
out_has "Ohjelman kontaktijaksot ja -päivät sekä niihin osallistuvat:"
out_has "- Jakso I 1.9.2099–31.10.2099: 15.9.2099 Joensuu (ylin viranhaltijajohto)"
out_has "Ohjelman omarahoitusosuus on 2"
out_has "Kunnanhallitus päättää, että Kontiolahti hakee mukaan"
first=$(grep -n "| Anna Esimerkki |" "$TMP/out" | cut -d: -f1)
second=$(grep -n "| Pekka Poliitikko |" "$TMP/out" | cut -d: -f1)
if [ -z "$first" ] || [ -z "$second" ] || [ "$first" -ge "$second" ]; then
    bad "the top management is not listed first (lines '$first' and '$second')"
fi
db report application 1 --lang sv
out_has "- Jakso I 1.9.2099–31.10.2099: 15.9.2099 Joensuu (den högsta tjänstemannaledningen)"
out_has "Kommunstyrelsen beslutar"
db report application 1 --lang en
out_has "15 September 2099 Joensuu (top civil-service management)"
finish "documents/the application decision: contact days, who attends, own funding; top management first"

# PDF tables: a figure never breaks across lines, and headers break only
# between words (the column widens instead).
if command -v pdftotext >/dev/null 2>&1; then
    begin
    for lang in fi sv en; do
        for doc in plan decision; do
            run --db "$TMP/demo.db" report $doc 1 --lang $lang -o "$TMP/doc.md"
            run --db "$TMP/demo.db" report $doc 1 --lang $lang --format pdf -o "$TMP/doc.pdf"
            expect_rc 0
            pdftotext -layout "$TMP/doc.pdf" "$TMP/doc.txt" 2>/dev/null || bad "pdftotext failed"
            if ! /usr/bin/python3 - "$TMP/doc.md" "$TMP/doc.txt" >"$TMP/check" 2>&1 <<'PY'
import re, sys
md = open(sys.argv[1], encoding="utf-8").read().replace("\u00a0", " ")
txt = open(sys.argv[2], encoding="utf-8").read().replace("\u00a0", " ")
# The tables the PDF shows as tables: a chart's data (a caption "*Name* (unit)"
# before it) is drawn as a chart there, so it is left out.
lines, chart = [], False
for l in md.splitlines():
    if re.match(r"^\*[^*]+\* \(", l):
        chart = True
    elif l.startswith("|"):
        if not chart and not l.startswith("| ---"):
            lines.append(l)
    elif l.strip():
        chart = False
bad = []
tokens = set()
for l in lines:
    for cell in l.strip("|").split("|"):
        cell = cell.strip()
        if re.fullmatch(r"[-+−]?\d[\d ]*([.,]\d+)?( ?%)?", cell):
            tokens.add(cell)
        elif l is lines[0] or cell.endswith(")") or " " not in cell:
            # header words: each must appear whole in the PDF text
            for w in re.findall(r"\w{5,}", cell):
                if not re.search(r"(?<!\w)" + re.escape(w) + r"(?!\w)", txt):
                    bad.append("word " + w)
for t in tokens:
    if not re.search(r"(?<![\d,.])" + re.escape(t) + r"(?![\d,.])", txt):
        bad.append("figure " + t)
if bad:
    print("; ".join(sorted(set(bad))[:12]))
    sys.exit(1)
PY
            then
                bad "$doc $lang: broken in the PDF: $(cat "$TMP/check")"
            fi
        done
    done
    finish "documents/PDF tables: figures whole, header words whole (fi, sv, en)"
else
    skip "documents/PDF tables: figures whole, header words whole (fi, sv, en)" "pdftotext is missing"
fi

summary
