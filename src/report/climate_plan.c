/* The municipal climate plan in the contents the Climate Act (423/2022)
 * listed in § 14 a, repealed from 1.1.2025 (HE 151/2024), so no text here
 * calls the plan a statutory duty: the emission reduction target, the measures, how
 * emissions have developed, how implementation is monitored, optional
 * adaptation, and appendices on method, data and uncertainty. Charts are
 * the UI's: emissions by sector, and the pathway with its band.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report_internal.h"

typedef struct plan_phrases {
    const char *lang, *title, *municipality, *plan, *status, *draft, *approved, *computed;
    const char *title_genitive, *title_plain; /* %s the name in the genitive / as such */
    const char *council;           /* the council's name in the document's language and form */
    const char *h_target, *target; /* %s object %s pct %d base %d target %s value */
    const char *scope_object[3], *scope_col[3];
    const char *cmp_hinku, *cmp_act, *cmp_eu;
    const char *published;           /* %d year, %s SYKE's total, %s the sum of sectors */
    const char *h_history, *history; /* %d first %d last %s change */
    const char *chart_sectors, *unit, *year, *table_years;
    const char *h_measures, *measures_intro, *measure_cols[7], *no_owner, *class_names[3];
    const char *h_pathway, *chart_pathway, *s_baseline, *s_scenario, *s_target, *s_band;
    const char *pathway; /* %d year %s scenario %s baseline */
    const char *gap_short, *gap_met, *p_meet, *p_none;
    const char *h_monitoring, *indicators_intro, *indicators[4], *yearly;
    const char *h_adaptation, *adaptation_missing;
    const char *p_skew_met, *p_skew_missed; /* the gap and the probability disagree */
    const char *h_method, *method;          /* %d last %d horizon %s easy %s hard %s discount */
    const char *h_data, *source_syke, *source_own, *source_demo, *calc;
    const char *h_uncertainty, *uncertainty; /* %s draws %lld seed */
    const char *unc_cols[4];
} plan_phrases;

static const plan_phrases fi = {
    "fi",
    "Ilmastosuunnitelma",
    "Kunta",
    "Suunnitelma",
    "Käsittelyvaihe",
    "Luonnos",
    "Valtuusto hyväksynyt tavoitteen: %s",
    "Laskettu suunnitelman versiosta %lld",
    "%s ilmastosuunnitelma",
    "Ilmastosuunnitelma – %s",
    "{Kunnanvaltuusto|Kaupunginvaltuusto}",
    "1 Päästövähennystavoite",
    "Tavoitteena on vähentää %s %s vuoden %d tasosta vuoteen %d mennessä, eli enintään %s kt "
    "CO2e:hen.",
    {"{kunnan|kaupungin} alueen kasvihuonekaasupäästöjä", "päästökaupan ulkopuolisia päästöjä",
     "Hinku-laskennan mukaisia päästöjä"},
    {"Kokonaispäästöt", "Päästökaupan ulkopuoliset", "Hinku-laskenta"},
    "Hinku-verkoston tavoite: Hinku-laskennan mukaiset päästöt −80 % vuodesta 2007 vuoteen 2030.",
    "Ilmastolaki (423/2022), koko Suomi: hiilineutraalius 2035; −60 % vuoteen 2030 ja −80 % "
    "vuoteen "
    "2040 vuoden 1990 tasosta.",
    "EU: nettopäästöt vähintään −55 % vuoden 1990 tasosta vuoteen 2030.",
    "SYKE julkaisee vuoden %d Hinku-laskennan mukaisiksi kokonaispäästöiksi %s kt CO2e; "
    "sektorien summa on %s kt CO2e, koska SYKE pyöristää kokonaissumman erikseen. Tavoite on "
    "sidottu sektorien summaan.",
    "2 Päästöjen kehitys",
    "{Kunnan|Kaupungin} alueen kokonaispäästöt muuttuivat vuodesta %d vuoteen %d %s.",
    "Päästöt sektoreittain",
    "kt CO2e",
    "Vuosi",
    "Päästöt vuosittain (kt CO2e)",
    "3 Toimenpiteet",
    "Toimenpiteet vastuutahoittain. Vähennys on toimenpiteen osuus tavoitevuoden toteutuvasta "
    "vähennyksestä. Kustannus on vuotuinen: investoinnin annuiteetti (investointi jaettuna "
    "pitoajalle tasaerinä suunnitelman %s:n diskonttokorolla) ja vuotuiset käyttökulut.",
    {"Vastuutaho", "Toimenpide", "Aikataulu", "Kustannus (€/v)", "Vähennys (kt CO2e)", "€/t",
     "Luokka"},
    "(ei nimetty)",
    {"helppo", "keskivaikea", "vaikea"},
    "4 Päästöpolku ja tavoitteen saavuttaminen",
    "Päästöpolku",
    "Ilman toimenpiteitä",
    "Toimenpiteillä",
    "Tavoitepolku",
    "Toimenpiteillä, 90 %:n vaihteluväli",
    "Toimenpiteillä päästöjen arvioidaan olevan tavoitevuonna %d %s kt CO2e; ilman niitä %s kt "
    "CO2e.",
    "Tavoitteesta jäädään %s kt CO2e: tavoitteen saavuttaminen vaatii lisätoimia.",
    "Tavoite saavutetaan %s kt CO2e:n marginaalilla.",
    "Tavoitteen saavuttamisen todennäköisyys on epävarmuuslaskennan mukaan %s.",
    "Tavoitteen saavuttamisen todennäköisyyttä ei ole laskettu (ei simulointikierroksia).",
    "5 Toteutumisen seuranta",
    "Suunnitelman toteutumista seurataan näillä mittareilla:",
    {"{kunnan|kaupungin} alueen päästöt vuosittain kolmella tavalla laskettuina (kokonaispäästöt, "
     "päästökaupan "
     "ulkopuoliset, Hinku-laskenta) SYKEn vuosittain julkaisemista luvuista",
     "ero tavoitepolkuun kunakin vuonna",
     "kunkin toimenpiteen eteneminen suhteessa sen aikatauluun ja odotettuun vähennykseen",
     "helppojen ja vaikeiden toimenpiteiden toteutunut vähennys"},
    "Kun SYKE julkaisee uudet kuntakohtaiset päästöluvut, ilmastokoordinaattori päivittää "
    "aineiston ilmavaan ja raportoi {kunnanhallitukselle|kaupunginhallitukselle} vuosittain "
    "tavoitteen, päästöpolun ja "
    "toimenpiteiden tilanteen. Valtuusto käsittelee suunnitelman vähintään kerran "
    "valtuustokaudessa, "
    "ja sen tilanne kerrotaan {kunnan|kaupungin} strategiassa ja toimintakertomuksessa.",
    "6 Ilmastonmuutokseen sopeutuminen",
    "Tämä suunnitelma ei käsittele ilmastonmuutokseen sopeutumista. Sopeutumisosio lisätään "
    "antamalla sen teksti tiedostona: ilmava report plan %lld --adaptation TIEDOSTO.",
    "Tavoite saavutetaan toimenpiteiden todennäköisimmillä vaikutuksilla, mutta vaihteluvälit ovat "
    "vinoja: yli puolessa simuloinneista päästöt jäävät tavoitetta suuremmiksi, joten "
    "todennäköisyys on alle 50 %.",
    "Tavoitteesta jäädään toimenpiteiden todennäköisimmillä vaikutuksilla, mutta vaihteluvälit "
    "ovat vinoja: yli puolessa simuloinneista päästöt alittavat tavoitteen, joten todennäköisyys "
    "on yli 50 %.",
    "Liite A: Menetelmä",
    "Päästöpolku on laskettu ilmavan suunnitelmamallilla. Viimeisen inventaariovuoden (%d) "
    "päästöt jatkuvat sektoreittain suunnitelman kasvuoletuksilla vuoteen %d. Kukin toimenpide "
    "vähentää oman sektorinsa päästöjä aloitusvuodesta täyteen vaikutukseen kasvavasti, ja saman "
    "sektorin toimenpiteet vaikuttavat toisiinsa kertautuvasti, joten vähennyksiä ei lasketa "
    "kahteen kertaan. Tavoitepolku on suora viiva perusvuoden päästöistä tavoitearvoon. Helppo "
    "toimenpide maksaa enintään %s €/t, vaikea yli %s €/t; kustannukset on diskontattu %s:n "
    "korolla.",
    "Liite B: Aineistot",
    "Suomen ympäristökeskus (SYKE), Kuntien ja alueiden kasvihuonekaasupäästöt, CC BY 4.0: %s, "
    "tuotu %s, vuodet %d–%d.",
    "{Kunnan|Kaupungin} oma päästöinventaario: %s, tuotu %s, vuodet %d–%d.",
    "Luvut ovat keksittyä esimerkkiaineistoa (ilmava demo), eivät SYKEn tilastoja.",
    "Laskelmat: ilmava, suunnitelma %lld, versio %lld.",
    "Liite C: Epävarmuus",
    "Epävarmuus on arvioitu %s simuloinnilla (siemenluku %lld): kunkin toimenpiteen vaikutus ja "
    "sektorien kasvu arvotaan niiden vaihteluväleiltä. Taulukko näyttää päästöjen 5 %%:n, 50 %%:n "
    "ja 95 %%:n persentiilit ensimmäisenä simulointivuonna, joka viides vuosi ja tavoitevuonna.",
    {"Vuosi", "P5 (kt CO2e)", "P50 (kt CO2e)", "P95 (kt CO2e)"},
};

static const plan_phrases sv = {
    "sv",
    "Klimatplan",
    "Kommun",
    "Plan",
    "Behandlingsskede",
    "Utkast",
    "Fullmäktige har fastställt målet: %s",
    "Beräknad från planens version %lld",
    "Klimatplan för %s",
    "Klimatplan för %s",
    "{Kommunfullmäktige|Stadsfullmäktige}",
    "1 Mål för utsläppsminskning",
    "Målet är att minska %s med %s från %d års nivå till år %d, det vill säga till högst %s kt "
    "CO2e.",
    {"växthusgasutsläppen inom {kommunen|staden}", "utsläppen utanför utsläppshandeln",
     "utsläppen enligt Hinku-beräkningen"},
    {"Totala utsläpp", "Utanför utsläppshandeln", "Hinku-beräkning"},
    "Hinku-nätverkets mål: utsläppen enligt Hinku-beräkningen −80 % från 2007 till 2030.",
    "Klimatlagen (423/2022), hela Finland: koldioxidneutralitet 2035; −60 % till 2030 och −80 % "
    "till 2040 från 1990 års nivå.",
    "EU: nettoutsläppen minst −55 % från 1990 års nivå till 2030.",
    "SYKE publicerar %2$s kt CO2e som de totala utsläppen enligt Hinku-beräkningen år %1$d; "
    "summan av sektorerna är %3$s kt CO2e, eftersom SYKE avrundar totalen separat. Målet är "
    "bundet till summan av sektorerna.",
    "2 Utsläppens utveckling",
    "De totala utsläppen inom {kommunen|staden} förändrades från %d till %d med %s.",
    "Utsläpp per sektor",
    "kt CO2e",
    "År",
    "Utsläpp per år (kt CO2e)",
    "3 Åtgärder",
    "Åtgärder per ansvarig. Minskningen är åtgärdens andel av den faktiska minskningen under "
    "målåret. Kostnaden är årlig: investeringens annuitet (investeringen fördelad över "
    "livslängden i lika stora poster till planens diskonteringsränta %s) och de årliga "
    "driftskostnaderna.",
    {"Ansvarig", "Åtgärd", "Tidsplan", "Kostnad (€/år)", "Minskning (kt CO2e)", "€/t", "Klass"},
    "(inte utsedd)",
    {"lätt", "medelsvår", "svår"},
    "4 Utsläppsbana och måluppfyllelse",
    "Utsläppsbana",
    "Utan åtgärder",
    "Med åtgärder",
    "Målbana",
    "Med åtgärder, 90 % intervall",
    "Med åtgärderna beräknas utsläppen år %d vara %s kt CO2e; utan dem %s kt CO2e.",
    "Utsläppen överskrider målet med %s kt CO2e: det krävs ytterligare åtgärder.",
    "Målet nås med en marginal på %s kt CO2e.",
    "Enligt osäkerhetsberäkningen är sannolikheten att nå målet %s.",
    "Sannolikheten att nå målet har inte beräknats (inga simuleringar).",
    "5 Uppföljning av genomförandet",
    "Genomförandet följs upp med dessa indikatorer:",
    {"utsläppen inom {kommunen|staden} per år, beräknade på tre sätt (totala, utanför "
     "utsläppshandeln, "
     "Hinku-beräkning) enligt SYKE:s årliga siffror",
     "avvikelsen från målbanan varje år",
     "varje åtgärds framsteg i förhållande till tidsplanen och den förväntade minskningen",
     "den faktiska minskningen av lätta och svåra åtgärder"},
    "När SYKE publicerar nya kommunvisa utsläppssiffror uppdaterar klimatkoordinatorn materialet i "
    "ilmava och rapporterar årligen till {kommunstyrelsen|stadsstyrelsen} om målet, utsläppsbanan "
    "och åtgärderna. "
    "Fullmäktige behandlar planen minst en gång per fullmäktigeperiod, och dess läge redovisas i "
    "{kommunens|stadens} strategi och verksamhetsberättelse.",
    "6 Anpassning till klimatförändringen",
    "Denna plan behandlar inte anpassningen till klimatförändringen. Ett avsnitt om anpassning "
    "läggs till genom att ge dess text som en fil: ilmava report plan %lld --adaptation FIL.",
    "Målet nås med åtgärdernas mest sannolika effekter, men intervallen är sneda: i mer än "
    "hälften av simuleringarna blir utsläppen större än målet, så sannolikheten är under 50 %.",
    "Målet nås inte med åtgärdernas mest sannolika effekter, men intervallen är sneda: i mer än "
    "hälften av simuleringarna blir utsläppen mindre än målet, så sannolikheten är över 50 %.",
    "Bilaga A: Metod",
    "Utsläppsbanan har beräknats med ilmavas planmodell. Utsläppen det senaste inventeringsåret "
    "(%d) fortsätter per sektor enligt planens tillväxtantaganden till år %d. Varje åtgärd minskar "
    "utsläppen i sin sektor gradvis från startåret till full effekt, och åtgärder i samma sektor "
    "samverkar multiplikativt, så att inga minskningar räknas två gånger. Målbanan är en rät linje "
    "från basårets utsläpp till målvärdet. En lätt åtgärd kostar högst %s €/t, en svår mer än %s "
    "€/t; kostnaderna har diskonterats med räntan %s.",
    "Bilaga B: Material",
    "Finlands miljöcentral (SYKE), Kommunernas och regionernas växthusgasutsläpp, CC BY 4.0: %s, "
    "importerat %s, åren %d–%d.",
    "{Kommunens|Stadens} egen utsläppsinventering: %s, importerad %s, åren %d–%d.",
    "Siffrorna är påhittat exempelmaterial (ilmava demo), inte SYKE:s statistik.",
    "Beräkningar: ilmava, plan %lld, version %lld.",
    "Bilaga C: Osäkerhet",
    "Osäkerheten har uppskattats med %s simuleringar (frö %lld): varje åtgärds effekt och "
    "sektorernas tillväxt dras från sina intervall. Tabellen visar utsläppens 5-, 50- och "
    "95-percentiler det första simuleringsåret, vart femte år och målåret.",
    {"År", "P5 (kt CO2e)", "P50 (kt CO2e)", "P95 (kt CO2e)"},
};

static const plan_phrases en = {
    "en",
    "Climate plan",
    "Municipality",
    "Plan",
    "Stage",
    "Draft",
    "Target set by the council: %s",
    "Computed from version %lld of the plan",
    "Climate plan of %s",
    "Climate plan of %s",
    "{Municipal Council|City Council}",
    "1 Emission reduction target",
    "The target is to reduce %s by %s from the %d level by %d, that is, to at most %s kt CO2e.",
    {"the greenhouse gas emissions of the {municipality|city}",
     "the emissions outside emissions trading", "the emissions by the Hinku rule"},
    {"Total emissions", "Outside emissions trading", "Hinku rule"},
    "The Hinku network's target: emissions by the Hinku rule −80% from 2007 to 2030.",
    "The Climate Act (423/2022), all of Finland: carbon neutral by 2035; −60% by 2030 and −80% "
    "by 2040 from the 1990 level.",
    "The EU: net emissions at least −55% from the 1990 level by 2030.",
    "SYKE publishes %2$s kt CO2e as the total by the Hinku rule in %1$d; the sum of the sectors "
    "is %3$s kt CO2e, as SYKE rounds its total on its own. The target is bound to the sum of the "
    "sectors.",
    "2 How emissions have developed",
    "Total emissions in the {municipality|city} changed by %3$s from %1$d to %2$d.",
    "Emissions by sector",
    "kt CO2e",
    "Year",
    "Emissions by year (kt CO2e)",
    "3 Measures",
    "Measures by owner. The reduction is the measure's share of the actual reduction in the "
    "target year. The cost is yearly: the investment's annuity (the investment spread over its "
    "lifetime in equal payments at the plan's discount rate of %s) plus the yearly running costs.",
    {"Owner", "Measure", "Schedule", "Cost (EUR/a)", "Reduction (kt CO2e)", "EUR/t", "Class"},
    "(not named)",
    {"easy", "moderate", "hard"},
    "4 Pathway and reaching the target",
    "Emission pathway",
    "Without measures",
    "With measures",
    "Target path",
    "With measures, 90% range",
    "With the measures, emissions are estimated at %2$s kt CO2e in the target year %1$d; without "
    "them at %3$s kt CO2e.",
    "The target is missed by %s kt CO2e: reaching it needs further measures.",
    "The target is met with a margin of %s kt CO2e.",
    "By the uncertainty analysis, the probability of meeting the target is %s.",
    "The probability of meeting the target has not been computed (no simulations).",
    "5 Monitoring implementation",
    "Implementation is monitored with these indicators:",
    {"the {municipality's|city's} emissions each year in three counts (total, outside emissions "
     "trading, "
     "Hinku rule) from SYKE's yearly figures",
     "the distance from the target path each year",
     "each measure's progress against its schedule and expected reduction",
     "the actual reduction of the easy and the hard measures"},
    "When SYKE publishes new municipal emission figures, the climate coordinator updates the data "
    "in ilmava and reports yearly to the {Municipal Board|City Board} on the target, the pathway "
    "and the "
    "measures. The council reviews the plan at least once a council term, and its state is shown "
    "in the {municipality's|city's} strategy and annual report.",
    "6 Adapting to climate change",
    "This plan does not cover adapting to climate change. An adaptation section is added by "
    "giving its text as a file: ilmava report plan %lld --adaptation FILE.",
    "The target is met with the measures' most likely effects, but the ranges are skewed: in more "
    "than half of the simulations emissions end above the target, so the probability is below "
    "50%.",
    "The target is missed with the measures' most likely effects, but the ranges are skewed: in "
    "more than half of the simulations emissions end below the target, so the probability is "
    "above 50%.",
    "Appendix A: Method",
    "The pathway is computed with ilmava's plan model. Emissions of the last inventory year (%d) "
    "continue by sector with the plan's growth assumptions up to %d. Each measure reduces its "
    "sector's emissions gradually from its start to its full effect, and measures in the same "
    "sector combine multiplicatively, so no reduction is counted twice. The target path is a "
    "straight line from the base year's emissions to the target value. An easy measure costs at "
    "most %s EUR/t, a hard one more than %s EUR/t; costs are discounted at %s.",
    "Appendix B: Data",
    "Finnish Environment Institute (SYKE), Greenhouse gas emissions of municipalities and regions, "
    "CC BY 4.0: %s, imported %s, years %d–%d.",
    "The {municipality's|city's} own emission inventory: %s, imported %s, years %d–%d.",
    "The figures are made-up example data (ilmava demo), not SYKE statistics.",
    "Calculations: ilmava, plan %lld, version %lld.",
    "Appendix C: Uncertainty",
    "Uncertainty is estimated with %s simulations (seed %lld): each measure's effect and the "
    "sectors' growth are drawn from their ranges. The table shows the 5th, 50th and 95th "
    "percentiles of emissions in the first simulated year, every fifth year and the target year.",
    {"Year", "P5 (kt CO2e)", "P50 (kt CO2e)", "P95 (kt CO2e)"},
};

static const plan_phrases *phrases_for(const char *lang)
{
    return lang && strcmp(lang, "sv") == 0 ? &sv : lang && strcmp(lang, "en") == 0 ? &en : &fi;
}

/* The inventory chart: stacked areas by sector (total scope, kt), as the
 * UI's overview draws it. */
static void sector_chart(ilm_doc *d, const plan_phrases *t, const report_facts *f)
{
    const ilm_inventory_view *v = &f->total;
    size_t n = f->n_years, k = v->n_sector_keys;
    if (!n || !k)
        return;
    int *years = malloc(n * sizeof *years);
    double *values = calloc(n * k, sizeof *values);
    ilm_chart_series *series = calloc(k, sizeof *series);
    if (years && values && series) {
        for (size_t i = 0; i < n; i++)
            years[i] = f->years[i].year;
        for (size_t r = 0; r < v->n_rows; r++) {
            size_t yi = 0, si = 0;
            while (yi < n && years[yi] != v->rows[r].year)
                yi++;
            while (si < k && strcmp(v->sector_keys[si], v->rows[r].sector) != 0)
                si++;
            if (yi < n && si < k)
                values[si * n + yi] += v->rows[r].t / 1000;
        }
        for (size_t s = 0; s < k; s++)
            series[s] = (ilm_chart_series){report_sector_name(f, v->sector_keys[s], t->lang),
                                           ILM_SERIES_AREA, values + s * n, NULL,
                                           report_sector_color(v->sector_keys[s])};
        ilm_chart c = {t->chart_sectors, t->unit, n, years, k, series};
        ilm_doc_chart(d, &c);
    }
    free(years);
    free(values);
    free(series);
}

/* The pathway chart: baseline, scenario, target path and the Monte Carlo
 * band, as the UI's pathway view draws it. */
static void pathway_chart(ilm_doc *d, const plan_phrases *t, const report_facts *f)
{
    const ilm_result *r = f->result;
    size_t n = r->n_years;
    double *v = malloc(5 * n * sizeof *v);
    if (!v)
        return;
    double *base = v, *scen = v + n, *target = v + 2 * n, *lo = v + 3 * n, *hi = v + 4 * n;
    for (size_t i = 0; i < n; i++) {
        base[i] = r->baseline[i] / 1000;
        scen[i] = r->scenario[i] / 1000;
        target[i] = r->target_path[i] / 1000;
        lo[i] = hi[i] = NAN;
    }
    const ilm_mc_result *mc = r->monte_carlo;
    for (size_t j = 0; mc && j < mc->n_years; j++)
        for (size_t i = 0; i < n; i++)
            if (r->years[i] == mc->years[j]) {
                lo[i] = mc->p5[j] / 1000;
                hi[i] = mc->p95[j] / 1000;
            }
    ilm_chart_series s[4] = {
        {t->s_band, ILM_SERIES_BAND, lo, hi, "#0062A3"},
        {t->s_baseline, ILM_SERIES_LINE, base, NULL, "#7A7A7A"},
        {t->s_scenario, ILM_SERIES_LINE, scen, NULL, "#0062A3"},
        {t->s_target, ILM_SERIES_DASHED, target, NULL, "#B3261E"},
    };
    ilm_chart c = {t->chart_pathway, t->unit, n, r->years, mc ? 4 : 3, mc ? s : s + 1};
    ilm_doc_chart(d, &c);
    free(v);
}

static void measures_table(ilm_doc *d, const plan_phrases *t, const report_facts *f)
{
    const ilm_result *r = f->result;
    const char *L = t->lang;
    static const ilm_align align[7] = {ILM_ALIGN_LEFT,  ILM_ALIGN_LEFT,  ILM_ALIGN_LEFT,
                                       ILM_ALIGN_RIGHT, ILM_ALIGN_RIGHT, ILM_ALIGN_RIGHT,
                                       ILM_ALIGN_LEFT};
    ilm_doc_table(d, NULL, 7, t->measure_cols, align);
    report_measure *rows = report_measures_by_owner(f, t->no_owner);
    for (size_t i = 0; rows && i < r->n_measures; i++) {
        char sched[32], cost[48], kt[48], per_t[48], name[400];
        snprintf(sched, sizeof sched, "%d–%d", rows[i].m->start, rows[i].m->full);
        /* Outside the target's scope: marked, and no tonnes as if counted. */
        snprintf(name, sizeof name, rows[i].r->in_scope ? "%s" : "%s (%s)", rows[i].name,
                 report_out_of_scope_label(L));
        const char *row[7] = {
            rows[i].owner,
            name,
            sched,
            ilm_doc_number(cost, rows[i].r->annual_cost, 0, L),
            rows[i].r->in_scope ? ilm_doc_number(kt, rows[i].r->attributed / 1000, 2, L) : "–",
            rows[i].r->cost_per_t_null ? "–" : ilm_doc_number(per_t, rows[i].r->cost_per_t, 0, L),
            t->class_names[rows[i].r->cls]};
        ilm_doc_row(d, row);
    }
    free(rows);
    report_out_of_scope_para(d, f, L);
}

static void paragraphs(ilm_doc *d, const char *text)
{
    const char *q = text;
    while (*q) {
        const char *end = strstr(q, "\n\n");
        size_t n = end ? (size_t)(end - q) : strlen(q);
        while (n && (q[n - 1] == '\n' || q[n - 1] == ' '))
            n--;
        if (n)
            ilm_doc_para(d, "%.*s", (int)n, q);
        q += end ? (size_t)(end - q) : strlen(q);
        while (*q == '\n')
            q++;
    }
}

int ilm_report_climate_plan(ilm_store *s, int64_t plan_id, const ilm_plan_doc_options *o,
                            ilm_doc_format fmt, char **out, size_t *len, ilm_errors *err)
{
    *out = NULL;
    *len = 0;
    ilm_plan_doc_options none = {0};
    if (!o)
        o = &none;
    if (o->lang && ilm_report_lang_check(o->lang, "lang", err))
        return ILM_EINVAL;
    if (o->adaptation && strlen(o->adaptation) > 200000) {
        ilm_errors_addc(err, ILM_ERR_TEXT_TOO_LONG, "adaptation",
                        "adaptation: longer than 200 000 characters");
        ilm_errors_num(err, "max", 200000);
        return ILM_EINVAL;
    }
    report_facts f;
    int rc = report_facts_load(s, plan_id, &f, err);
    if (rc)
        return rc;
    /* The phrases in the municipality's form (kunta or kaupunki). */
    plan_phrases form;
    char **owned = NULL;
    _Static_assert(sizeof(plan_phrases) % sizeof(const char *) == 0,
                   "a phrase table holds only strings");
    if (report_forms_apply((const char *const *)(const void *)phrases_for(o->lang),
                           (const char **)(void *)&form,
                           sizeof(plan_phrases) / sizeof(const char *), f.muni.city, &owned)) {
        report_facts_clear(&f);
        ilm_errors_add(err, "report: out of memory");
        return ILM_ENOMEM;
    }
    const plan_phrases *t = &form;
    const char *L = t->lang;
    const ilm_plan *p = f.plan;
    const ilm_result *r = f.result;
    const char *muni = strcmp(L, "sv") == 0 && f.muni.name_sv ? f.muni.name_sv : f.muni.name_fi;
    char title[300], a[48], b[48], c[48];
    /* "Kontiolahden ilmastosuunnitelma" when the register knows the
     * genitive, else a form that needs none. */
    bool genitive = strcmp(L, "fi") == 0 && f.muni.name_fi_genitive;
    snprintf(title, sizeof title, genitive ? t->title_genitive : t->title_plain,
             genitive ? f.muni.name_fi_genitive : muni);
    ilm_doc *d = ilm_doc_new(L, title);
    if (!d) {
        report_facts_clear(&f);
        report_forms_free(owned);
        ilm_errors_add(err, "report: out of memory");
        return ILM_ENOMEM;
    }

    ilm_doc_heading(d, 1, "%s", title);
    ilm_doc_field(d, t->municipality, muni);
    ilm_doc_field(d, t->plan, p->name ? p->name : "");
    char status[400] = "";
    for (size_t i = 0; i < f.n_decisions; i++)
        if (strcmp(f.decisions[i].kind, "council_target") == 0) {
            char date[40];
            report_date(date, sizeof date, f.decisions[i].ref.date, L);
            /* The council's standard names in any language become the
             * document's own; another name is printed as recorded. */
            static const char *const councils[] = {
                "KV",           "valtuusto",        "kaupunginvaltuusto", "kunnanvaltuusto",
                "fullmäktige",  "stadsfullmäktige", "kommunfullmäktige",  "council",
                "city council", "municipal council"};
            const char *body = f.decisions[i].ref.body ? f.decisions[i].ref.body : "";
            for (size_t k = 0; k < sizeof councils / sizeof councils[0]; k++)
                if (strcasecmp(body, councils[k]) == 0)
                    body = t->council;
            char ref[300];
            const char *sec = f.decisions[i].ref.section;
            bool mark = sec && *sec && strncmp(sec, "§", strlen("§")) != 0;
            snprintf(ref, sizeof ref, "%s %s%s%s%s", body, date, sec && *sec ? " " : "",
                     mark ? "§ " : "", sec ? sec : "");
            snprintf(status, sizeof status, t->approved, ref);
            break;
        }
    ilm_doc_field(d, t->status, status[0] ? status : t->draft);
    char computed[80];
    snprintf(computed, sizeof computed, t->computed, (long long)p->version);
    ilm_doc_para(d, "%s", computed);

    /* 1 the target */
    ilm_doc_heading(d, 2, "%s", t->h_target);
    ilm_doc_para(d, t->target, t->scope_object[p->scope], report_share(a, p->reduction, L),
                 p->base_year, p->target_year, report_kt(b, r->target_value, L));
    double published;
    const report_year *base = report_year_find(&f, p->base_year);
    if (base && report_published_total(&f, p->base_year, &published))
        ilm_doc_para(d, t->published, p->base_year, report_kt(a, published, L),
                     report_kt(b, base->hinku, L));
    ilm_doc_item(d, "%s", t->cmp_hinku);
    ilm_doc_item(d, "%s", t->cmp_act);
    ilm_doc_item(d, "%s", t->cmp_eu);

    /* 2 history */
    ilm_doc_heading(d, 2, "%s", t->h_history);
    if (f.n_years >= 2) {
        const report_year *first = &f.years[0], *last = &f.years[f.n_years - 1];
        char ch[48];
        ilm_doc_percent(ch, first->total > 0 ? last->total / first->total - 1 : NAN, 1, L);
        ilm_doc_para(d, t->history, first->year, last->year, ch);
    }
    sector_chart(d, t, &f);
    const char *cols[4] = {t->year, t->scope_col[0], t->scope_col[1], t->scope_col[2]};
    ilm_doc_table(d, t->table_years, 4, cols, NULL);
    for (size_t i = 0; i < f.n_years; i++) {
        char ys[16];
        snprintf(ys, sizeof ys, "%d", f.years[i].year);
        const char *row[4] = {ys, report_kt(a, f.years[i].total, L),
                              report_kt(b, f.years[i].non_ets, L),
                              report_kt(c, f.years[i].hinku, L)};
        ilm_doc_row(d, row);
    }

    /* 3 measures */
    ilm_doc_heading(d, 2, "%s", t->h_measures);
    ilm_doc_para(d, t->measures_intro, ilm_doc_percent(a, p->discount_rate, 1, L));
    measures_table(d, t, &f);

    /* 4 pathway */
    ilm_doc_heading(d, 2, "%s", t->h_pathway);
    size_t ti = 0;
    while (ti < r->n_years && r->years[ti] != r->target_year)
        ti++;
    if (ti < r->n_years)
        ilm_doc_para(d, t->pathway, r->target_year, report_kt(a, r->scenario[ti], L),
                     report_kt(b, r->baseline[ti], L));
    ilm_doc_para(d, r->gap > 0 ? t->gap_short : t->gap_met, report_kt(a, fabs(r->gap), L));
    if (r->monte_carlo) {
        ilm_doc_para(d, t->p_meet, report_share(a, r->monte_carlo->p_meet, L));
        /* Met with a margin but under 50 %, or missed but over 50 %. */
        if (r->gap <= 0 && r->monte_carlo->p_meet < 0.5)
            ilm_doc_para(d, "%s", t->p_skew_met);
        else if (r->gap > 0 && r->monte_carlo->p_meet > 0.5)
            ilm_doc_para(d, "%s", t->p_skew_missed);
    } else
        ilm_doc_para(d, "%s", t->p_none);
    pathway_chart(d, t, &f);

    /* 5 monitoring */
    ilm_doc_heading(d, 2, "%s", t->h_monitoring);
    ilm_doc_para(d, "%s", t->indicators_intro);
    for (size_t i = 0; i < 4; i++)
        ilm_doc_item(d, "%s", t->indicators[i]);
    ilm_doc_para(d, "%s", t->yearly);

    /* 6 adaptation, when given */
    ilm_doc_heading(d, 2, "%s", t->h_adaptation);
    if (o->adaptation && *o->adaptation)
        paragraphs(d, o->adaptation);
    else
        ilm_doc_para(d, t->adaptation_missing, (long long)p->store_id);

    /* appendices */
    ilm_doc_page_break(d);
    ilm_doc_heading(d, 2, "%s", t->h_method);
    ilm_doc_para(
        d, t->method, r->last_year, r->horizon, ilm_doc_number(a, p->easy_max_eur_per_t, 0, L),
        ilm_doc_number(b, p->hard_min_eur_per_t, 0, L), ilm_doc_percent(c, p->discount_rate, 1, L));
    ilm_doc_heading(d, 2, "%s", t->h_data);
    for (size_t i = 0; i < f.total.n_sources; i++) {
        const ilm_inventory_source *src = &f.total.sources[i];
        if (strcmp(src->kind, "demo") == 0)
            continue;
        char date[40];
        report_date(date, sizeof date, src->imported_at, L);
        ilm_doc_item(d, strcmp(src->kind, "syke") == 0 ? t->source_syke : t->source_own,
                     src->file_name ? src->file_name : "", date, src->first_year, src->last_year);
    }
    if (f.muni.synthetic)
        ilm_doc_para(d, "%s", t->source_demo);
    ilm_doc_para(d, t->calc, (long long)p->store_id, (long long)p->version);
    ilm_doc_heading(d, 2, "%s", t->h_uncertainty);
    const ilm_mc_result *mc = r->monte_carlo;
    if (!mc) {
        ilm_doc_para(d, "%s", t->p_none);
    } else {
        ilm_doc_para(d, t->uncertainty, ilm_doc_number(a, (double)mc->draws, 0, L),
                     (long long)p->seed);
        ilm_doc_table(d, NULL, 4, t->unc_cols, NULL);
        for (size_t i = 0; i < mc->n_years; i++) {
            int y = mc->years[i];
            if (y != r->target_year && y != mc->years[0] && y % 5 != 0)
                continue;
            char ys[16], p50[48];
            snprintf(ys, sizeof ys, "%d", y);
            const char *row[4] = {ys, report_kt(a, mc->p5[i], L), report_kt(p50, mc->p50[i], L),
                                  report_kt(b, mc->p95[i], L)};
            ilm_doc_row(d, row);
        }
    }
    report_facts_clear(&f);
    rc = ilm_doc_render(d, fmt, out, len, err);
    ilm_doc_free(d);
    report_forms_free(owned);
    return rc;
}
