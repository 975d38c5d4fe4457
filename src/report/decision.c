/* Decision items (pykälä) in the municipal format: the climate target of a
 * plan for the council (or the board's proposal to it), and the board's
 * decision to apply for a coaching programme. Header, handling history,
 * the preparer's text from the live numbers, the proposal, a blank for the
 * decision, further information, recipients and the appeal instructions
 * of the right kind (their wording in src/report/texts/).
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "report/texts.h"
#include "report_internal.h"

/* ---- the fixed phrases ---- */

typedef struct phrases {
    const char *lang;
    /* header */
    const char *municipality, *body, *date, *section, *dnro, *class_label, *class_1100;
    const char *council, *board; /* default body names */
    const char *history, *preparer, *presenter;
    const char *background, *proposal, *decision, *contact, *recipients, *appeal;
    const char *preparatory_appeal; /* a proposal to the council: no appeal */
    const char *court_blank;        /* the appeal court when the region is unknown */
    /* the target item */
    const char *title_target;
    const char *scope_object[3]; /* what is reduced: total, non_ets, hinku */
    const char *scope_col[3];    /* table columns */
    const char *year, *emissions_caption,
        *emissions_now;       /* %d year, %s total, %s non-ETS, %s hinku */
    const char *change_since; /* %d from, %d to, %s total, %s non-ETS, %s hinku */
    const char *ets_share;    /* %s share */
    const char *target;       /* %s object, %s pct, %d base, %d target, %s value */
    const char *compare_intro;
    const char *published; /* %d year, %s SYKE's total, %s the sum of sectors */
    const char *cmp_hinku, *cmp_hinku_implied; /* %s pct vs 2007 */
    const char *cmp_climate_act, *cmp_1990_implied;
    const char *cmp_eu;
    const char *cmp_2007_rise, *cmp_1990_rise; /* a target above that year's level: %s pct */
    const char *pathway;             /* %zu measures, %d year, %s scenario, %s baseline */
    const char *gap_short, *gap_met; /* %s kt */
    const char *path_caption, *path_cols[3];
    const char *classes_intro; /* %s easy max, %s hard min */
    const char *class_names[3];
    const char *class_line, *class_line_one; /* %s class, %zu count, %s kt */
    const char *pathway_one;                 /* as pathway, for one measure */
    const char *outside_scope;               /* %s the measures outside the target's scope */
    const char *easy_share;                  /* %s share */
    const char *p_meet;                      /* %s draws, %s p */
    const char *p_range;                     /* %d year, %s p5, %s p95 */
    const char *p_none;
    const char *p_skew_met, *p_skew_missed; /* the gap and the probability disagree */
    const char *measures_caption, *measure_cols[6], *no_owner, *out_of_scope, *class_single[3];
    const char *source_syke, *source_demo, *source_own, *calc; /* see use */
    /* %s body, %s object, %s pct, %d base, %d target, %s value: */
    const char *proposal_council, *proposal_board, *proposal_committee;
    const char *proposal_council_heading; /* the council decides on the board's proposal */
    const char *default_recipients[3];
    /* the application item */
    const char *title_application; /* %s programme (with its year) */
    const char *programme_funding; /* %s eur */
    const char *contact_intro;     /* the contact periods and days */
    const char *audiences[3];      /* civil service, political, both: who attends */
    const char *online;
    const char *reasons;
    const char *has_target, *no_target; /* %s ref */
    const char *tells, *tells_not;
    const char *problems, *sparring_problem;
    const char *participants_caption, *participant_cols[3], *levels[2];
    const char *proposal_apply; /* %s body, %s municipality, %s programme, %s eur */
    const char *default_app_recipients[3];
} phrases;

static const phrases fi = {
    "fi",
    "Kunta",
    "Toimielin",
    "Kokouspäivä",
    "Pykälä",
    "Dnro",
    "Tehtäväluokka",
    "11.00 Ympäristöasioiden ohjaus",
    "{Kunnanvaltuusto|Kaupunginvaltuusto}",
    "{Kunnanhallitus|Kaupunginhallitus}",
    "Käsittelyhistoria",
    "Valmistelija",
    "Esittelijä",
    "Selostus",
    "Päätösehdotus",
    "Päätös",
    "Lisätiedot",
    "Otteet",
    "Muutoksenhakuohje",
    "Tähän päätökseen ei saa hakea muutosta, koska päätös koskee vain asian valmistelua "
    "(kuntalaki 410/2015, 136 §).",
    "________________ (hallinto-oikeuden nimi ja osoite)",
    "Ilmastotavoitteen asettaminen",
    {"{kunnan|kaupungin} alueen kasvihuonekaasupäästöjä", "päästökaupan ulkopuolisia päästöjä",
     "Hinku-laskennan mukaisia päästöjä"},
    {"Kokonaispäästöt", "Päästökaupan ulkopuoliset", "Hinku-laskenta"},
    "Vuosi",
    "Kasvihuonekaasupäästöt (kt CO2e)",
    "{Kunnan|Kaupungin} alueen kasvihuonekaasupäästöt olivat vuonna %d yhteensä %s kt CO2e. "
    "Päästökaupan "
    "ulkopuolisia päästöjä oli %s kt CO2e ja Hinku-laskennan mukaisia %s kt CO2e.",
    "Vuodesta %d vuoteen %d kokonaispäästöt ovat muuttuneet %s, päästökaupan ulkopuoliset "
    "%s ja Hinku-laskennan mukaiset %s.",
    "Päästökauppaan kuuluvan teollisuuden osuus kokonaispäästöistä on %s. Sen päästöistä "
    "päätetään yrityksissä ja EU:n päästökaupassa, ei {kunnassa|kaupungissa}. Siksi luvut "
    "esitetään rinnakkain "
    "kokonaispäästöinä, päästökaupan ulkopuolisina ja Hinku-laskennan mukaisina.",
    "Ehdotettu tavoite on vähentää %s %s vuoden %d tasosta vuoteen %d mennessä, eli enintään "
    "%s kt CO2e:hen.",
    "Vertailukohtia:",
    "SYKE julkaisee vuoden %d Hinku-laskennan mukaisiksi kokonaispäästöiksi %s kt CO2e; "
    "sektorien summa on %s kt CO2e, koska SYKE pyöristää kokonaissumman erikseen. Tavoite on "
    "sidottu sektorien summaan.",
    "Hinku-verkoston tavoite on vähentää Hinku-laskennan mukaisia päästöjä 80 % vuoden 2007 "
    "tasosta vuoteen 2030 mennessä.",
    "Ehdotettu tavoite vastaa %s:n vähennystä vuoden 2007 tasosta.",
    "Ilmastolain (423/2022) tavoitteet koko Suomelle ovat hiilineutraalius vuonna 2035 sekä "
    "päästöjen vähentäminen 60 % vuoteen 2030 ja 80 % vuoteen 2040 mennessä vuoden 1990 tasosta.",
    "Ehdotettu tavoite vastaa %s:n vähennystä vuoden 1990 tasosta.",
    "EU:n tavoite on vähentää nettopäästöjä vähintään 55 % vuoden 1990 tasosta vuoteen 2030 "
    "mennessä.",
    "Ehdotettu tavoite on %s vuoden 2007 tasoa korkeampi.",
    "Ehdotettu tavoite on %s vuoden 1990 tasoa korkeampi.",
    "Suunnitelman %zu toimenpiteellä päästöjen arvioidaan olevan tavoitevuonna %d %s kt CO2e. "
    "Ilman toimenpiteitä ne olisivat %s kt CO2e.",
    "Tavoitteesta jäädään %s kt CO2e, joten sen saavuttaminen vaatii lisätoimia.",
    "Tavoite saavutetaan %s kt CO2e:n marginaalilla.",
    "Päästöpolku (kt CO2e)",
    {"Ilman toimenpiteitä", "Toimenpiteillä", "Tavoitepolku"},
    "Toimenpiteet on luokiteltu tonnikohtaisen kustannuksen, {kunnan|kaupungin} "
    "vaikutusmahdollisuuksien ja toteutusajan mukaan. Helppo toimenpide maksaa enintään %s €/t ja "
    "on {kunnan|kaupungin} omissa käsissä tai ohjattavissa. Vaikea maksaa yli %s €/t, on "
    "{kunnan|kaupungin} vaikutusvallan ulkopuolella tai saavuttaa "
    "täyden vaikutuksensa vasta tavoitevuoden jälkeen.",
    {"Helpot", "Keskivaikeat", "Vaikeat"},
    "%s: %zu toimenpidettä, vähennys tavoitevuonna %s kt CO2e.",
    "%s: %zu toimenpide, vähennys tavoitevuonna %s kt CO2e.",
    "Suunnitelman %zu toimenpiteellä päästöjen arvioidaan olevan tavoitevuonna %d %s kt CO2e. "
    "Ilman toimenpidettä ne olisivat %s kt CO2e.",
    "Luvuissa eivät ole mukana tavoitteen ulkopuoliset toimenpiteet: %s.",
    "Helpoilla toimenpiteillä katetaan %s tarvittavasta vähennyksestä.",
    "Epävarmuuslaskennan (%s simulointia) mukaan todennäköisyys saavuttaa tavoite on %s.",
    "Vuoden %d päästöt ovat 90 %%:n todennäköisyydellä välillä %s–%s kt CO2e.",
    "Tavoitteen saavuttamisen todennäköisyyttä ei ole laskettu, koska suunnitelmassa ei ole "
    "simulointikierroksia.",
    "Tavoite saavutetaan toimenpiteiden todennäköisimmillä vaikutuksilla, mutta vaihteluvälit ovat "
    "vinoja: yli puolessa simuloinneista päästöt jäävät tavoitetta suuremmiksi, joten "
    "todennäköisyys on alle 50 %.",
    "Tavoitteesta jäädään toimenpiteiden todennäköisimmillä vaikutuksilla, mutta vaihteluvälit "
    "ovat vinoja: yli puolessa simuloinneista päästöt alittavat tavoitteen, joten todennäköisyys "
    "on yli 50 %.",
    "Toimenpiteet vastuutahoittain",
    {"Vastuutaho", "Toimenpide", "Sektori", "Vähennys (kt CO2e)", "Kustannus (€/v)", "Luokka"},
    "(ei nimetty)",
    "tavoitteen ulkopuolella",
    {"helppo", "keskivaikea", "vaikea"},
    "Lähde: Suomen ympäristökeskus (SYKE), Kuntien ja alueiden kasvihuonekaasupäästöt, "
    "CC BY 4.0. Aineisto %s tuotu %s, vuodet %d–%d.",
    "Luvut ovat keksittyä esimerkkiaineistoa (ilmava demo), eivät SYKEn tilastoja.",
    "Lähde: {kunnan|kaupungin} oma päästöinventaario %s, tuotu %s, vuodet %d–%d.",
    "Laskelmat: ilmava, suunnitelma %lld, versio %lld.",
    "%s asettaa {kunnan|kaupungin} ilmastotavoitteeksi vähentää %s %s vuoden %d tasosta vuoteen %d "
    "mennessä, eli enintään %s kt CO2e:hen.",
    "%s esittää valtuustolle, että valtuusto asettaa {kunnan|kaupungin} ilmastotavoitteeksi "
    "vähentää %s %s vuoden %d tasosta vuoteen %d mennessä, eli enintään %s kt CO2e:hen.",
    "%s esittää {kunnanhallitukselle|kaupunginhallitukselle}, että "
    "{kunnanhallitus|kaupunginhallitus} ehdottaa valtuustolle {kunnan|kaupungin} "
    "ilmastotavoitteeksi vähentää %s %s vuoden %d tasosta vuoteen %d mennessä, eli enintään %s kt "
    "CO2e:hen.",
    "{Kunnanhallituksen|Kaupunginhallituksen} ehdotus",
    {"{Kunnanhallitus|Kaupunginhallitus}", "Toimialat", "Ilmastokoordinaattori"},
    "Hakeminen ilmastojohtamisen valmennusohjelmaan %s",
    "Ohjelman omarahoitusosuus on %s euroa.",
    "Ohjelman kontaktijaksot ja -päivät sekä niihin osallistuvat:",
    {"ylin viranhaltijajohto", "poliittinen johto", "ylin viranhaltijajohto ja poliittinen johto"},
    "etänä",
    "{Kunnan|Kaupungin} perustelut",
    "Valtuusto on asettanut {kunnalle|kaupungille} ilmastotavoitteen (%s).",
    "{Kunnalla|Kaupungilla} ei vielä ole valtuuston asettamaa ilmastotavoitetta.",
    "{Kunnan|Kaupungin} ilmastotyössä erotellaan jo helpot ja vaikeat tavoitteet: %s",
    "{Kunnan|Kaupungin} ilmastotyössä ei vielä eroteta helppoja ja vaikeita tavoitteita "
    "toisistaan.",
    "Ratkaistavat ongelmat:",
    "Sparrattavaksi valittu ongelma: %s",
    "Osallistujat",
    {"Nimi", "Tehtävä", "Taso"},
    {"Viranhaltijajohto", "Poliittinen johto"},
    "%s päättää, että %s hakee mukaan ilmastojohtamisen valmennusohjelmaan %s, nimeää "
    "osallistujiksi selostuksessa luetellut henkilöt ja sitoutuu ohjelman %s euron "
    "omarahoitusosuuteen.",
    {"Ohjelman järjestäjä", "Osallistujat", "Talouspalvelut"},
};

static const phrases sv = {
    "sv",
    "Kommun",
    "Organ",
    "Sammanträdesdatum",
    "Paragraf",
    "Dnr",
    "Uppgiftsklass",
    "11.00 Styrning av miljöärenden",
    "{Kommunfullmäktige|Stadsfullmäktige}",
    "{Kommunstyrelsen|Stadsstyrelsen}",
    "Behandlingshistorik",
    "Beredare",
    "Föredragande",
    "Beredning",
    "Beslutsförslag",
    "Beslut",
    "Ytterligare upplysningar",
    "Protokollsutdrag",
    "Anvisning för sökande av ändring",
    "Ändring i detta beslut får inte sökas, eftersom beslutet endast gäller beredning "
    "(kommunallagen 410/2015, 136 §).",
    "________________ (förvaltningsdomstolens namn och adress)",
    "Fastställande av klimatmål",
    {"växthusgasutsläppen inom {kommunen|staden}", "utsläppen utanför utsläppshandeln",
     "utsläppen enligt Hinku-beräkningen"},
    {"Totala utsläpp", "Utanför utsläppshandeln", "Hinku-beräkning"},
    "År",
    "Växthusgasutsläpp (kt CO2e)",
    "Växthusgasutsläppen inom {kommunen|staden} var år %d totalt %s kt CO2e. Utsläppen utanför "
    "utsläppshandeln var %s kt CO2e och utsläppen enligt Hinku-beräkningen %s kt CO2e.",
    "Från år %d till år %d har de totala utsläppen förändrats med %s, utsläppen utanför "
    "utsläppshandeln med %s och utsläppen enligt Hinku-beräkningen med %s.",
    "Industrin inom utsläppshandeln står för %s av de totala utsläppen. Om dess utsläpp beslutas "
    "i företagen och inom EU:s utsläppshandel, inte i {kommunen|staden}. Därför visas siffrorna "
    "sida vid "
    "sida som totala utsläpp, utsläpp utanför utsläppshandeln och enligt Hinku-beräkningen.",
    "Det föreslagna målet är att minska %s med %s från %d års nivå till år %d, det vill säga till "
    "högst %s kt CO2e.",
    "Jämförelser:",
    "SYKE publicerar %2$s kt CO2e som de totala utsläppen enligt Hinku-beräkningen år %1$d; "
    "summan av sektorerna är %3$s kt CO2e, eftersom SYKE avrundar totalen separat. Målet är "
    "bundet till summan av sektorerna.",
    "Hinku-nätverkets mål är att minska utsläppen enligt Hinku-beräkningen med 80 % från 2007 års "
    "nivå till år 2030.",
    "Det föreslagna målet motsvarar en minskning med %s från 2007 års nivå.",
    "Klimatlagens (423/2022) mål för hela Finland är koldioxidneutralitet år 2035 samt en "
    "minskning "
    "av utsläppen med 60 % till år 2030 och med 80 % till år 2040 från 1990 års nivå.",
    "Det föreslagna målet motsvarar en minskning med %s från 1990 års nivå.",
    "EU:s mål är att minska nettoutsläppen med minst 55 % från 1990 års nivå till år 2030.",
    "Det föreslagna målet ligger %s över 2007 års nivå.",
    "Det föreslagna målet ligger %s över 1990 års nivå.",
    "Med planens %zu åtgärder beräknas utsläppen år %d vara %s kt CO2e. Utan åtgärder skulle de "
    "vara %s kt CO2e.",
    "Utsläppen överskrider målet med %s kt CO2e, så det krävs ytterligare åtgärder för att nå det.",
    "Målet nås med en marginal på %s kt CO2e.",
    "Utsläppsbana (kt CO2e)",
    {"Utan åtgärder", "Med åtgärder", "Målbana"},
    "Åtgärderna har klassificerats efter kostnad per ton, {kommunens|stadens} möjligheter att "
    "påverka och genomförandetid. En lätt åtgärd kostar högst %s €/t och ligger i "
    "{kommunens|stadens} egna händer eller kan styras av {kommunen|staden}. En svår kostar mer än "
    "%s €/t, ligger utanför {kommunens|stadens} inflytande "
    "eller får full effekt först efter målåret.",
    {"Lätta", "Medelsvåra", "Svåra"},
    "%s: %zu åtgärder, minskning under målåret %s kt CO2e.",
    "%s: %zu åtgärd, minskning under målåret %s kt CO2e.",
    "Med planens %zu åtgärd beräknas utsläppen år %d vara %s kt CO2e. Utan åtgärden skulle de "
    "vara %s kt CO2e.",
    "Åtgärderna utanför målet ingår inte i siffrorna: %s.",
    "De lätta åtgärderna täcker %s av den minskning som behövs.",
    "Enligt osäkerhetsberäkningen (%s simuleringar) är sannolikheten att nå målet %s.",
    "Utsläppen år %d ligger med 90 %% sannolikhet mellan %s och %s kt CO2e.",
    "Sannolikheten att nå målet har inte beräknats, eftersom planen inte har några simuleringar.",
    "Målet nås med åtgärdernas mest sannolika effekter, men intervallen är sneda: i mer än "
    "hälften av simuleringarna blir utsläppen större än målet, så sannolikheten är under 50 %.",
    "Målet nås inte med åtgärdernas mest sannolika effekter, men intervallen är sneda: i mer än "
    "hälften av simuleringarna blir utsläppen mindre än målet, så sannolikheten är över 50 %.",
    "Åtgärder per ansvarig",
    {"Ansvarig", "Åtgärd", "Sektor", "Minskning (kt CO2e)", "Kostnad (€/år)", "Klass"},
    "(inte utsedd)",
    "utanför målet",
    {"lätt", "medelsvår", "svår"},
    "Källa: Finlands miljöcentral (SYKE), Kommunernas och regionernas växthusgasutsläpp, "
    "CC BY 4.0. Materialet %s importerat %s, åren %d–%d.",
    "Siffrorna är påhittat exempelmaterial (ilmava demo), inte SYKE:s statistik.",
    "Källa: {kommunens|stadens} egen utsläppsinventering %s, importerad %s, åren %d–%d.",
    "Beräkningar: ilmava, plan %lld, version %lld.",
    "%s fastställer som {kommunens|stadens} klimatmål att minska %s med %s från %d års nivå till "
    "år %d, det vill säga till högst %s kt CO2e.",
    "%s föreslår för fullmäktige att fullmäktige fastställer som {kommunens|stadens} klimatmål att "
    "minska %s med %s från %d års nivå till år %d, det vill säga till högst %s kt CO2e.",
    "%s föreslår för {kommunstyrelsen|stadsstyrelsen} att {kommunstyrelsen|stadsstyrelsen} "
    "föreslår för fullmäktige som {kommunens|stadens} klimatmål att minska %s med %s från %d års "
    "nivå till år %d, det vill säga till högst %s kt CO2e.",
    "{Kommunstyrelsens|Stadsstyrelsens} förslag",
    {"{Kommunstyrelsen|Stadsstyrelsen}", "Sektorerna", "Klimatkoordinatorn"},
    "Ansökan till klimatledarskapsprogrammet %s",
    "Programmets självfinansieringsandel är %s euro.",
    "Programmets kontaktperioder och kontaktdagar och vilka som deltar i dem:",
    {"den högsta tjänstemannaledningen", "den politiska ledningen",
     "den högsta tjänstemannaledningen och den politiska ledningen"},
    "på distans",
    "{Kommunens|Stadens} motivering",
    "Fullmäktige har fastställt ett klimatmål för {kommunen|staden} (%s).",
    "{Kommunen|Staden} har ännu inget klimatmål som fullmäktige har fastställt.",
    "I {kommunens|stadens} klimatarbete skiljs lätta och svåra mål redan åt: %s",
    "I {kommunens|stadens} klimatarbete skiljs lätta och svåra mål ännu inte åt.",
    "Problem som ska lösas:",
    "Problem som valts för sparring: %s",
    "Deltagare",
    {"Namn", "Uppgift", "Nivå"},
    {"Tjänstemannaledning", "Politisk ledning"},
    "%s beslutar att %s ansöker om att delta i klimatledarskapsprogrammet %s, utser de "
    "personer som räknas upp i beredningen till deltagare och förbinder sig till programmets "
    "självfinansieringsandel på %s euro.",
    {"Programmets arrangör", "Deltagarna", "Ekonomiservice"},
};

static const phrases en = {
    "en",
    "Municipality",
    "Body",
    "Meeting date",
    "Section",
    "Diary no.",
    "Task class",
    "11.00 Steering of environmental matters",
    "{Municipal Council|City Council}",
    "{Municipal Board|City Board}",
    "Handling history",
    "Prepared by",
    "Presented by",
    "Background",
    "Proposal",
    "Decision",
    "Further information",
    "Extracts to",
    "Appeal instructions",
    "No appeal may be made against this decision, as it only concerns the preparation of the "
    "matter (Local Government Act 410/2015, s. 136).",
    "________________ (the administrative court's name and address)",
    "Setting the climate target",
    {"the greenhouse gas emissions of the {municipality|city}",
     "the emissions outside emissions trading", "the emissions by the Hinku rule"},
    {"Total emissions", "Outside emissions trading", "Hinku rule"},
    "Year",
    "Greenhouse gas emissions (kt CO2e)",
    "The greenhouse gas emissions of the {municipality|city} were %2$s kt CO2e in %1$d. Emissions "
    "outside emissions trading were %3$s kt CO2e and emissions by the Hinku rule %4$s kt CO2e.",
    "From %d to %d total emissions changed by %s, emissions outside emissions trading by %s and "
    "emissions by the Hinku rule by %s.",
    "Industry in the EU emissions trading system accounts for %s of total emissions. Its "
    "emissions are decided by the companies and the EU emissions trading system, not by the "
    "{municipality|city}. This is why the figures are shown side by side as total emissions, "
    "emissions "
    "outside emissions trading and emissions by the Hinku rule.",
    "The proposed target is to reduce %s by %s from the %d level by %d, that is, to at most %s kt "
    "CO2e.",
    "For comparison:",
    "SYKE publishes %2$s kt CO2e as the total by the Hinku rule in %1$d; the sum of the sectors "
    "is %3$s kt CO2e, as SYKE rounds its total on its own. The target is bound to the sum of the "
    "sectors.",
    "The Hinku network's target is to reduce emissions by the Hinku rule by 80% from the 2007 "
    "level by 2030.",
    "The proposed target corresponds to a reduction of %s from the 2007 level.",
    "The Climate Act (423/2022) sets Finland's targets: carbon neutrality in 2035, and a reduction "
    "of emissions by 60% by 2030 and by 80% by 2040 from the 1990 level.",
    "The proposed target corresponds to a reduction of %s from the 1990 level.",
    "The EU's target is to reduce net emissions by at least 55% from the 1990 level by 2030.",
    "The proposed target is %s above the 2007 level.",
    "The proposed target is %s above the 1990 level.",
    "With the plan's %1$zu measures, emissions are estimated at %3$s kt CO2e in the target year "
    "%2$d. Without the measures they would be %4$s kt CO2e.",
    "The target is missed by %s kt CO2e, so reaching it needs further measures.",
    "The target is met with a margin of %s kt CO2e.",
    "Emission pathway (kt CO2e)",
    {"Without measures", "With measures", "Target path"},
    "The measures are classified by cost per tonne, the {municipality's|city's} control and lead "
    "time. An easy measure costs at most %s EUR/t and is in the {municipality's|city's} own hands "
    "or under its steering. A hard one costs more than %s EUR/t, is outside the "
    "{municipality's|city's} control, or "
    "reaches its full effect only after the target year.",
    {"Easy", "Moderate", "Hard"},
    "%s: %zu measures, a reduction of %s kt CO2e in the target year.",
    "%s: %zu measure, a reduction of %s kt CO2e in the target year.",
    "With the plan's %1$zu measure, emissions are estimated at %3$s kt CO2e in the target year "
    "%2$d. Without the measure they would be %4$s kt CO2e.",
    "The figures leave out the measures outside the target's scope: %s.",
    "The easy measures cover %s of the reduction needed.",
    "By the uncertainty analysis (%s simulations), the probability of meeting the target is %s.",
    "Emissions in %d lie between %s and %s kt CO2e with 90%% probability.",
    "The probability of meeting the target has not been computed, as the plan has no simulations.",
    "The target is met with the measures' most likely effects, but the ranges are skewed: in more "
    "than half of the simulations emissions end above the target, so the probability is below "
    "50%.",
    "The target is missed with the measures' most likely effects, but the ranges are skewed: in "
    "more than half of the simulations emissions end below the target, so the probability is "
    "above 50%.",
    "Measures by owner",
    {"Owner", "Measure", "Sector", "Reduction (kt CO2e)", "Cost (EUR/a)", "Class"},
    "(not named)",
    "outside the target's scope",
    {"easy", "moderate", "hard"},
    "Source: Finnish Environment Institute (SYKE), Greenhouse gas emissions of municipalities and "
    "regions, CC BY 4.0. Data %s imported %s, years %d–%d.",
    "The figures are made-up example data (ilmava demo), not SYKE statistics.",
    "Source: the {municipality's|city's} own emission inventory %s, imported %s, years %d–%d.",
    "Calculations: ilmava, plan %lld, version %lld.",
    "The %s sets as the {municipality's|city's} climate target to reduce %s by %s from the %d "
    "level "
    "by %d, that is, to at most %s kt CO2e.",
    "The %s proposes that the council set as the {municipality's|city's} climate target to reduce "
    "%s by %s from the %d level by %d, that is, to at most %s kt CO2e.",
    "The %s proposes that the {Municipal Board|City Board} propose to the council as the "
    "{municipality's|city's} climate target to reduce %s by %s from the %d level by %d, that is, "
    "to at most %s kt CO2e.",
    "The {Municipal Board's|City Board's} proposal",
    {"{Municipal Board|City Board}", "Departments", "Climate coordinator"},
    "Applying for the climate-leadership coaching programme %s",
    "The programme's own funding is %s EUR.",
    "The programme's contact periods and days, and who attends them:",
    {"top civil-service management", "political leadership",
     "top civil-service management and political leadership"},
    "online",
    "The {municipality's|city's} reasons",
    "The council has set a climate target for the {municipality|city} (%s).",
    "The {municipality|city} has no climate target set by its council yet.",
    "The {municipality's|city's} climate work already tells easy goals from hard ones: %s",
    "The {municipality's|city's} climate work does not yet tell easy goals from hard ones.",
    "Problems to solve:",
    "The problem chosen for sparring: %s",
    "Participants",
    {"Name", "Title", "Level"},
    {"Top civil-service leadership", "Political leadership"},
    "The %s decides that %s applies for the climate-leadership coaching programme %s, names "
    "the persons listed in the background as its participants and commits to the programme's own "
    "funding of %s EUR.",
    {"The programme's organiser", "The participants", "Financial services"},
};

static const phrases *phrases_for(const char *lang)
{
    return lang && strcmp(lang, "sv") == 0 ? &sv : lang && strcmp(lang, "en") == 0 ? &en : &fi;
}

/* ---- checks ---- */

/* n digits at p, none more: their count, or 0. */
static size_t digits(const char *p, size_t min, size_t max)
{
    size_t run = strspn(p, "0123456789");
    return run >= min && run <= max ? run : 0;
}

/* A four-digit year, 1900..2199, at p. */
static bool dnro_year(const char *p)
{
    return digits(p, 4, 4) == 4 &&
           (strncmp(p, "19", 2) == 0 || strncmp(p, "20", 2) == 0 || strncmp(p, "21", 2) == 0);
}

/* running/class/year from p to the end: 727/11.00/2026, 1/00.01.02/2026. */
static bool dnro_classed(const char *p)
{
    size_t run = digits(p, 1, 7);
    if (!run || p[run] != '/')
        return false;
    p += run + 1;
    /* two-digit groups joined by dots: 11.00, 00.01.02 */
    int groups = 0;
    bool dangling = false; /* "11.00./" */
    while (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1])) {
        groups++;
        p += 2;
        dangling = *p == '.';
        if (!dangling)
            break;
        p++;
    }
    if (groups < 2 || groups > 4 || dangling || *p != '/')
        return false;
    p++;
    return dnro_year(p) && p[4] == '\0';
}

/* year-running from p to the end: 2026-727, 2022-003049. */
static bool dnro_year_running(const char *p)
{
    if (!dnro_year(p) || p[4] != '-')
        return false;
    size_t run = digits(p + 5, 1, 7);
    return run && p[5 + run] == '\0';
}

/* The registry's prefix: 1 to 10 ASCII letters (TOR, KH, TRE, HEL). Its
 * length, or 0. */
static size_t dnro_prefix(const char *p)
{
    size_t n = 0;
    while (n < 11 && isalpha((unsigned char)p[n]))
        n++;
    return n >= 1 && n <= 10 ? n : 0;
}

/* The forms registries write (docs/documents.md):
 *   727/11.00/2026          running/class/year (class 2-4 two-digit groups)
 *   TOR/727/11.00/2026      the same after a prefix and '/', ' ' or ':'
 *   KH 727/11.00/2026, TRE:5072/10.03.01/2021
 *   TORDno-2026-727         a prefix, "Dno-", year-running (Dynasty, CloudNC)
 *   HEL 2022-003049         a prefix, a space, year-running (Helsinki)
 * Anything else, such as 727-11.00-2026 or a two-digit year, is refused. */
int ilm_dnro_check(const char *dnro, const char *field, ilm_errors *err)
{
    const char *p = dnro ? dnro : "";
    bool ok = strlen(p) <= 40 && dnro_classed(p);
    size_t pre = ok ? 0 : dnro_prefix(p);
    if (!ok && pre) {
        const char *q = p + pre;
        if (*q == '/' || *q == ' ' || *q == ':')
            ok = dnro_classed(q + 1) || (*q == ' ' && dnro_year_running(q + 1));
        else if (*q == '-' && pre > 3 &&
                 (strncmp(q - 3, "Dno", 3) == 0 || strncmp(q - 3, "DNO", 3) == 0))
            ok = dnro_year_running(q + 1); /* the prefix's letters end in Dno */
        ok = ok && strlen(p) <= 40;
    }
    if (ok)
        return 0;
    ilm_errors_addc(err, ILM_ERR_BAD_DNRO, field,
                    "%s: \"%.40s\" is not a diary number of the form running/class/year, "
                    "e.g. 727/11.00/2026 (also with a prefix: TOR/727/11.00/2026, "
                    "KH 727/11.00/2026; or TORDno-2026-727)",
                    field, dnro ? dnro : "");
    return ILM_EINVAL;
}

static bool valid_date(const char *s)
{
    int y, m, d;
    char tail;
    if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        return false;
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 &&
           d <= (m == 2 && !leap ? 28 : days[m - 1]);
}

static bool given(const char *s) { return s && *s; }

static int check_options(const ilm_decision_options *o, ilm_errors *err)
{
    int rc = 0;
    if (o->lang && ilm_report_lang_check(o->lang, "lang", err))
        rc = ILM_EINVAL;
    if (given(o->dnro) && ilm_dnro_check(o->dnro, "dnro", err))
        rc = ILM_EINVAL;
    if (given(o->meeting_date) && !valid_date(o->meeting_date)) {
        ilm_errors_addc(err, ILM_ERR_NOT_A_DATE, "date", "date: \"%.40s\" is not a date YYYY-MM-DD",
                        o->meeting_date);
        rc = ILM_EINVAL;
    }
    if (given(o->section)) {
        const char *p = o->section;
        if (strncmp(p, "§", strlen("§")) == 0)
            p += strlen("§");
        while (*p == ' ')
            p++;
        if (!*p || strlen(p) > 8 || strspn(p, "0123456789") != strlen(p)) {
            ilm_errors_addc(err, ILM_ERR_BAD_SECTION, "section",
                            "section: \"%.40s\" is not a section number such as 45 or § 45",
                            o->section);
            rc = ILM_EINVAL;
        }
    }
    const struct {
        const char *value, *name;
    } texts[] = {{o->body, "body"},
                 {o->preparer, "preparer"},
                 {o->presenter, "presenter"},
                 {o->contact, "contact"},
                 {o->court, "court"}};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (texts[i].value && strlen(texts[i].value) > 200) {
            ilm_errors_addc(err, ILM_ERR_TEXT_TOO_LONG, texts[i].name,
                            "%s: longer than 200 characters", texts[i].name);
            ilm_errors_num(err, "max", 200);
            rc = ILM_EINVAL;
        }
    if (o->n_recipients > 30) {
        ilm_errors_addc(err, ILM_ERR_TOO_MANY, "recipients", "recipients: more than 30");
        ilm_errors_num(err, "max", 30);
        rc = ILM_EINVAL;
    }
    for (size_t i = 0; i < o->n_recipients; i++)
        if (!o->recipients[i] || !*o->recipients[i] || strlen(o->recipients[i]) > 200) {
            {
                char f[ILM_ERROR_FIELD_LEN];
                snprintf(f, sizeof f, "recipients[%zu]", i);
                ilm_errors_addc(err, ILM_ERR_TEXT_LENGTH, f,
                                "%s: empty or longer than 200 characters", f);
                ilm_errors_num(err, "min", 1);
                ilm_errors_num(err, "max", 200);
            }
            rc = ILM_EINVAL;
        }
    return rc;
}

/* ---- shared parts ---- */

/* "45" or "§ 45" -> "§ 45" */
static void format_section(char *out, size_t n, const char *s)
{
    if (!given(s)) {
        out[0] = '\0';
        return;
    }
    if (strncmp(s, "§", strlen("§")) == 0)
        s += strlen("§");
    while (*s == ' ')
        s++;
    snprintf(out, n, "§ %s", s);
}

typedef enum { BODY_COUNCIL, BODY_BOARD, BODY_COMMITTEE } body_kind;

typedef struct body_info {
    const char *name;
    body_kind kind;
    bool council; /* the council decides; otherwise a board or a committee proposes */
} body_info;

static bool contains_ci(const char *s, const char *what)
{
    size_t n = strlen(what);
    for (; *s; s++)
        if (strncasecmp(s, what, n) == 0)
            return true;
    return false;
}

static bool one_of_ci(const char *s, const char *const *names)
{
    for (; *names; names++)
        if (strcasecmp(s, *names) == 0)
            return true;
    return false;
}

/* The deciding body. The council's and the board's standard names, in any
 * of the three languages and either form (KV, kaupunginvaltuusto,
 * kunnanvaltuusto, stadsfullmäktige, ...), become the document's own
 * name for this municipality (t->council, t->board: kunnan- or
 * kaupungin-). Any other name is printed as given: with "valtuusto",
 * "fullmäktige" or "council" it is a council, with "hallitus",
 * "styrelse" or "board" a board, otherwise a committee (lautakunta,
 * nämnd), which proposes to the board (Kuntalaki 39 §). */
static body_info body_for(const char *body, bool board_default, const phrases *t)
{
    static const char *const councils[] = {"KV",
                                           "valtuusto",
                                           "kaupunginvaltuusto",
                                           "kunnanvaltuusto",
                                           "fullmäktige",
                                           "stadsfullmäktige",
                                           "kommunfullmäktige",
                                           "council",
                                           "city council",
                                           "municipal council",
                                           NULL};
    static const char *const boards[] = {"KH",
                                         "hallitus",
                                         "kaupunginhallitus",
                                         "kunnanhallitus",
                                         "styrelsen",
                                         "stadsstyrelsen",
                                         "kommunstyrelsen",
                                         "board",
                                         "city board",
                                         "municipal board",
                                         NULL};
    body_info b;
    if (!given(body))
        body = board_default ? "KH" : "KV";
    if (one_of_ci(body, councils)) {
        b.name = t->council;
        b.kind = BODY_COUNCIL;
    } else if (one_of_ci(body, boards)) {
        b.name = t->board;
        b.kind = BODY_BOARD;
    } else {
        b.name = body;
        b.kind = contains_ci(body, "valtuusto") || contains_ci(body, "fullmäktige") ||
                         contains_ci(body, "council")
                     ? BODY_COUNCIL
                 : contains_ci(body, "hallitus") || contains_ci(body, "styrelse") ||
                         contains_ci(body, "board")
                     ? BODY_BOARD
                     : BODY_COMMITTEE;
    }
    b.council = b.kind == BODY_COUNCIL;
    return b;
}

/* "Kaupunginhallitus 12.5.2026 § 120, Dnro 1/11.00/2026", with the body's
 * and the diary number's names in the document's language. */
static void format_ref(char *out, size_t n, const ilm_decision_ref *r, const phrases *t)
{
    char date[40], sec[40];
    report_date(date, sizeof date, r->date, t->lang);
    format_section(sec, sizeof sec, r->section);
    body_info b = body_for(r->body ? r->body : "", false, t);
    snprintf(out, n, "%s %s%s%s%s%s%s", given(r->body) ? b.name : "", date, sec[0] ? " " : "", sec,
             given(r->dnro) ? ", " : "", given(r->dnro) ? t->dnro : "", given(r->dnro) ? " " : "");
    if (given(r->dnro)) {
        size_t len = strlen(out);
        snprintf(out + len, n - len, "%s", r->dnro);
    }
}

static void header(ilm_doc *d, const phrases *t, const char *municipality, const body_info *b,
                   const ilm_decision_options *o, const char *dnro_fallback)
{
    char date[40], sec[40], dnro[80];
    report_date(date, sizeof date, o->meeting_date, t->lang);
    format_section(sec, sizeof sec, o->section);
    const char *dn = given(o->dnro) ? o->dnro : dnro_fallback;
    if (given(dn)) {
        snprintf(dnro, sizeof dnro, "%s", dn);
    } else {
        /* The running number is the registry's to give; the class is the
         * default one and the year that of the meeting, or this year. */
        int year = 0;
        if (given(o->meeting_date))
            sscanf(o->meeting_date, "%4d", &year);
        if (!year) {
            time_t now = time(NULL);
            struct tm tm;
            gmtime_r(&now, &tm);
            year = tm.tm_year + 1900;
        }
        snprintf(dnro, sizeof dnro, "____/11.00/%d", year);
    }
    ilm_doc_field(d, t->municipality, municipality);
    ilm_doc_field(d, t->body, b->name);
    ilm_doc_field(d, t->date, date);
    ilm_doc_field(d, t->section, sec);
    ilm_doc_field(d, t->dnro, dnro);
    if (strstr(dnro, "/11.00/"))
        ilm_doc_field(d, t->class_label, t->class_1100);
}

/* The preparer, and the presenter (esittelijä) of a board or committee:
 * the council has none, it decides on the board's proposal. */
static void people(ilm_doc *d, const phrases *t, const ilm_decision_options *o, bool council)
{
    ilm_doc_field(d, t->preparer, o->preparer ? o->preparer : "");
    if (!council)
        ilm_doc_field(d, t->presenter, o->presenter ? o->presenter : "");
}

/* The phrases in the municipality's form (kunta or kaupunki): *x is
 * filled, t points to it; free *owned after the document is rendered. */
static const phrases *phrases_in_form(const phrases *t, bool city, phrases *x, char ***owned)
{
    _Static_assert(sizeof(phrases) % sizeof(const char *) == 0,
                   "a phrase table holds only strings");
    if (report_forms_apply((const char *const *)(const void *)t, (const char **)(void *)x,
                           sizeof(phrases) / sizeof(const char *), city, owned))
        return NULL;
    return x;
}

/* The appeal text of a kind from the data files: '#' lines dropped,
 * paragraphs on blank lines, "{body}" replaced. */
const char *report_appeal_text(const char *kind, const char *lang)
{
    char name[64];
    snprintf(name, sizeof name, "appeal-%s-%s", kind, lang);
    for (size_t i = 0; i < report_n_texts; i++)
        if (strcmp(report_texts[i].name, name) == 0)
            return report_texts[i].text;
    return NULL;
}

/* The administrative court of a region from texts/courts.txt: "name,
 * address, e-mail" in `lang` into out. False when the table has no line
 * for the region (or the region is unknown). */
bool report_court_for_region(const char *region_code, const char *lang, char *out, size_t n)
{
    const char *text = NULL;
    for (size_t i = 0; i < report_n_texts; i++)
        if (strcmp(report_texts[i].name, "courts") == 0)
            text = report_texts[i].text;
    if (!text || !region_code || strlen(region_code) != 2)
        return false;
    int name_field = strcmp(lang, "sv") == 0 ? 2 : strcmp(lang, "en") == 0 ? 3 : 1;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len && p[0] != '#') {
            /* Fields 0..5 of the line, split at '|'. */
            const char *f[6];
            size_t fl[6], k = 0;
            const char *q = p, *end = p + len;
            while (k < 6) {
                const char *bar = memchr(q, '|', (size_t)(end - q));
                f[k] = q;
                fl[k] = bar ? (size_t)(bar - q) : (size_t)(end - q);
                k++;
                if (!bar)
                    break;
                q = bar + 1;
            }
            bool match = false;
            for (size_t c = 0; k == 6 && c + 2 <= fl[0]; c += 3)
                match = match || strncmp(f[0] + c, region_code, 2) == 0;
            if (match) {
                snprintf(out, n, "%.*s, %.*s, %.*s", (int)fl[name_field], f[name_field], (int)fl[4],
                         f[4], (int)fl[5], f[5]);
                return true;
            }
        }
        p = nl ? nl + 1 : p + len;
    }
    return false;
}

/* Appends `v` to the paragraph buffer. */
static void para_append(char *para, size_t cap, size_t *len, const char *v)
{
    int w = snprintf(para + *len, cap - *len, "%s", v);
    *len = w > 0 && *len + (size_t)w < cap ? *len + (size_t)w : cap - 1;
}

static int appeal(ilm_doc *d, const phrases *t, const char *kind, const char *body,
                  const char *court, ilm_errors *err)
{
    ilm_doc_heading(d, 2, "%s", t->appeal);
    if (!kind) {
        ilm_doc_para(d, "%s", t->preparatory_appeal);
        return 0;
    }
    const char *text = report_appeal_text(kind, t->lang);
    if (!text) {
        ilm_errors_add(err, "report: the appeal wording appeal-%s-%s.txt is missing", kind,
                       t->lang);
        return ILM_EINTERNAL;
    }
    /* Collect paragraphs. */
    char para[4096];
    size_t len = 0;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        bool comment = n > 0 && p[0] == '#';
        if (!comment && n == 0 && len) {
            ilm_doc_para(d, "%s", para);
            len = 0;
        } else if (!comment && n > 0) {
            for (size_t i = 0; i < n && len + 1 < sizeof para; i++) {
                if (strncmp(p + i, "{body}", 6) == 0) {
                    para_append(para, sizeof para, &len, body);
                    i += 5;
                    continue;
                }
                if (strncmp(p + i, "{court}", 7) == 0) {
                    para_append(para, sizeof para, &len, given(court) ? court : t->court_blank);
                    i += 6;
                    continue;
                }
                if (len && para[len - 1] != ' ' && i == 0)
                    para[len++] = ' ';
                para[len++] = p[i];
            }
            para[len] = '\0';
        }
        p = nl ? nl + 1 : p + n;
    }
    if (len)
        ilm_doc_para(d, "%s", para);
    return 0;
}

static void closing(ilm_doc *d, const phrases *t, const ilm_decision_options *o,
                    const char *const *default_recipients)
{
    ilm_doc_heading(d, 2, "%s", t->decision);
    ilm_doc_blank(d, "", 4);
    ilm_doc_field(d, t->contact, o->contact ? o->contact : "");
    ilm_doc_heading(d, 2, "%s", t->recipients);
    if (o->n_recipients)
        for (size_t i = 0; i < o->n_recipients; i++)
            ilm_doc_item(d, "%s", o->recipients[i]);
    else
        for (size_t i = 0; i < 3; i++)
            ilm_doc_item(d, "%s", default_recipients[i]);
}

static int finish(ilm_doc *d, ilm_doc_format f, char **out, size_t *len, ilm_errors *err)
{
    if (!d) {
        ilm_errors_add(err, "report: out of memory");
        return ILM_ENOMEM;
    }
    int rc = ilm_doc_render(d, f, out, len, err);
    ilm_doc_free(d);
    return rc;
}

/* ---- the climate target item ---- */

static double pct_change(double from, double to) { return from > 0 ? to / from - 1 : NAN; }

/* "-35,6 %" with the sign always shown. */
static char *signed_percent(char *buf, double fraction, const char *lang)
{
    char tmp[48];
    ilm_doc_percent(tmp, fraction, 1, lang);
    bool plus = isfinite(fraction) && fraction > 0;
    size_t n = strlen(tmp);
    if (n > 46)
        n = 46;
    buf[0] = '+';
    memcpy(buf + plus, tmp, n);
    buf[n + plus] = '\0';
    return buf;
}

static void emissions_part(ilm_doc *d, const phrases *t, const report_facts *f)
{
    const char *L = t->lang;
    char a[48], b[48], c[48];
    const report_year *last = f->n_years ? &f->years[f->n_years - 1] : NULL;
    if (!last)
        return;
    ilm_doc_para(d, t->emissions_now, last->year, report_kt(a, last->total, L),
                 report_kt(b, last->non_ets, L), report_kt(c, last->hinku, L));
    static const int refs[] = {1990, 2007};
    for (size_t i = 0; i < 2; i++) {
        const report_year *y = report_year_find(f, refs[i]);
        if (!y || y == last)
            continue;
        ilm_doc_para(d, t->change_since, y->year, last->year,
                     signed_percent(a, pct_change(y->total, last->total), L),
                     signed_percent(b, pct_change(y->non_ets, last->non_ets), L),
                     signed_percent(c, pct_change(y->hinku, last->hinku), L));
    }
    double ets = last->total - last->non_ets;
    if (last->total > 0 && ets / last->total >= 0.25)
        ilm_doc_para(d, t->ets_share, report_share(a, ets / last->total, L));

    const char *cols[4] = {t->year, t->scope_col[0], t->scope_col[1], t->scope_col[2]};
    ilm_doc_table(d, t->emissions_caption, 4, cols, NULL);
    static const int milestones[] = {1990, 2005, 2007, 2010, 2015, 2020};
    for (size_t i = 0; i < f->n_years; i++) {
        const report_year *y = &f->years[i];
        bool show = i + 3 >= f->n_years;
        for (size_t k = 0; k < sizeof milestones / sizeof milestones[0]; k++)
            show = show || y->year == milestones[k];
        if (!show)
            continue;
        char year[16];
        snprintf(year, sizeof year, "%d", y->year);
        const char *row[4] = {year, report_kt(a, y->total, L), report_kt(b, y->non_ets, L),
                              report_kt(c, y->hinku, L)};
        ilm_doc_row(d, row);
    }
}

static void target_part(ilm_doc *d, const phrases *t, const report_facts *f)
{
    const char *L = t->lang;
    const ilm_plan *p = f->plan;
    const ilm_result *r = f->result;
    char pct[48], v[48];
    ilm_doc_para(d, t->target, t->scope_object[p->scope], report_share(pct, p->reduction, L),
                 p->base_year, p->target_year, report_kt(v, r->target_value, L));
    /* SYKE's own total of the base year beside the sum of the sectors. */
    double published;
    const report_year *base = report_year_find(f, p->base_year);
    if (base && report_published_total(f, p->base_year, &published)) {
        char sum[48];
        ilm_doc_para(d, t->published, p->base_year, report_kt(v, published, L),
                     report_kt(sum, base->hinku, L));
    }
    ilm_doc_para(d, "%s", t->compare_intro);
    const report_year *y2007 = report_year_find(f, 2007);
    const report_year *y1990 = report_year_find(f, 1990);
    ilm_doc_item(d, "%s", t->cmp_hinku);
    /* The implied cut from 2007 and 1990: a rise when the target lies
     * above that year's level, never a negative "reduction". */
    if (y2007 && p->base_year != 2007 && report_year_scope(y2007, p->scope) > 0) {
        double cut = 1 - r->target_value / report_year_scope(y2007, p->scope);
        ilm_doc_item(d, cut < 0 ? t->cmp_2007_rise : t->cmp_hinku_implied,
                     ilm_doc_percent(pct, fabs(cut), 1, L));
    }
    ilm_doc_item(d, "%s", t->cmp_climate_act);
    if (y1990 && p->base_year != 1990 && report_year_scope(y1990, p->scope) > 0) {
        double cut = 1 - r->target_value / report_year_scope(y1990, p->scope);
        ilm_doc_item(d, cut < 0 ? t->cmp_1990_rise : t->cmp_1990_implied,
                     ilm_doc_percent(pct, fabs(cut), 1, L));
    }
    ilm_doc_item(d, "%s", t->cmp_eu);
}

static size_t year_index(const ilm_result *r, int year)
{
    for (size_t i = 0; i < r->n_years; i++)
        if (r->years[i] == year)
            return i;
    return r->n_years;
}

static void pathway_part(ilm_doc *d, const phrases *t, const report_facts *f)
{
    const char *L = t->lang;
    const ilm_result *r = f->result;
    size_t ti = year_index(r, r->target_year);
    if (ti == r->n_years)
        return;
    char a[48], b[48], c[48];
    /* Only the measures in the target's scope count toward it. */
    size_t in_scope = 0;
    for (size_t i = 0; i < r->n_measures; i++)
        in_scope += r->measures[i].in_scope;
    ilm_doc_para(d, in_scope == 1 ? t->pathway_one : t->pathway, in_scope, r->target_year,
                 report_kt(a, r->scenario[ti], L), report_kt(b, r->baseline[ti], L));
    if (r->gap > 0)
        ilm_doc_para(d, t->gap_short, report_kt(a, r->gap, L));
    else
        ilm_doc_para(d, t->gap_met, report_kt(a, -r->gap, L));
    const char *cols[4] = {t->year, t->path_cols[0], t->path_cols[1], t->path_cols[2]};
    ilm_doc_table(d, t->path_caption, 4, cols, NULL);
    for (size_t i = 0; i < r->n_years; i++) {
        int year = r->years[i];
        if (year < r->last_year)
            continue;
        if (year != r->last_year && year != r->target_year && year != r->horizon && year % 5 != 0)
            continue;
        char ys[16];
        snprintf(ys, sizeof ys, "%d", year);
        const char *row[4] = {ys, report_kt(a, r->baseline[i], L), report_kt(b, r->scenario[i], L),
                              report_kt(c, r->target_path[i], L)};
        ilm_doc_row(d, row);
    }
}

static void classes_part(ilm_doc *d, const phrases *t, const report_facts *f)
{
    const char *L = t->lang;
    const ilm_result *r = f->result;
    char a[48], b[48];
    ilm_doc_para(d, t->classes_intro, ilm_doc_number(a, f->plan->easy_max_eur_per_t, 0, L),
                 ilm_doc_number(b, f->plan->hard_min_eur_per_t, 0, L));
    /* In-scope measures by class; the others named after the list. */
    size_t count[3] = {0, 0, 0};
    char outside[1200] = "";
    size_t used = 0;
    for (size_t i = 0; i < r->n_measures; i++) {
        const ilm_measure_result *m = &r->measures[i];
        if (m->in_scope) {
            count[m->cls]++;
            continue;
        }
        const ilm_measure *pm = &f->plan->measures[m->plan_index];
        int w = snprintf(outside + used, sizeof outside - used, "%s%s", used ? ", " : "",
                         pm->name && *pm->name ? pm->name : pm->id);
        if (w > 0)
            used = used + (size_t)w < sizeof outside ? used + (size_t)w : sizeof outside - 1;
    }
    for (int c = 0; c < 3; c++)
        ilm_doc_item(d, count[c] == 1 ? t->class_line_one : t->class_line, t->class_names[c],
                     count[c], report_kt(a, r->classes[c].attributed, L));
    if (used)
        ilm_doc_para(d, t->outside_scope, outside);
    if (!r->easy_share_null)
        ilm_doc_para(d, t->easy_share, report_share(a, r->easy_share, L));
}

static void probability_part(ilm_doc *d, const phrases *t, const report_facts *f)
{
    const char *L = t->lang;
    const ilm_mc_result *mc = f->result->monte_carlo;
    if (!mc) {
        ilm_doc_para(d, "%s", t->p_none);
        return;
    }
    char a[48], b[48];
    ilm_doc_para(d, t->p_meet, ilm_doc_number(a, (double)mc->draws, 0, L),
                 report_share(b, mc->p_meet, L));
    /* Met with a margin but under 50 %, or missed but over 50 %. */
    if (f->result->gap <= 0 && mc->p_meet < 0.5)
        ilm_doc_para(d, "%s", t->p_skew_met);
    else if (f->result->gap > 0 && mc->p_meet > 0.5)
        ilm_doc_para(d, "%s", t->p_skew_missed);
    for (size_t i = 0; i < mc->n_years; i++)
        if (mc->years[i] == f->result->target_year)
            ilm_doc_para(d, t->p_range, mc->years[i], report_kt(a, mc->p5[i], L),
                         report_kt(b, mc->p95[i], L));
}

static void measures_part(ilm_doc *d, const phrases *t, const report_facts *f)
{
    const char *L = t->lang;
    const ilm_result *r = f->result;
    if (!r->n_measures) {
        report_out_of_scope_para(d, f, L);
        return;
    }
    report_measure *rows = report_measures_by_owner(f, t->no_owner);
    if (!rows)
        return;
    ilm_doc_table(d, t->measures_caption, 6, t->measure_cols,
                  (const ilm_align[]){ILM_ALIGN_LEFT, ILM_ALIGN_LEFT, ILM_ALIGN_LEFT,
                                      ILM_ALIGN_RIGHT, ILM_ALIGN_RIGHT, ILM_ALIGN_LEFT});
    for (size_t i = 0; i < r->n_measures; i++) {
        char kt[48], eur[48], name[400];
        snprintf(name, sizeof name, rows[i].r->in_scope ? "%s" : "%s (%s)", rows[i].name,
                 t->out_of_scope);
        const char *row[6] = {
            rows[i].owner, name, report_sector_name(f, rows[i].m->sector, L),
            /* no tonnes as if counted (plan model 1.1) */
            rows[i].r->in_scope ? ilm_doc_number(kt, rows[i].r->attributed / 1000, 2, L) : "–",
            ilm_doc_number(eur, rows[i].r->annual_cost, 0, L), t->class_single[rows[i].r->cls]};
        ilm_doc_row(d, row);
    }
    free(rows);
    report_out_of_scope_para(d, f, L);
}

static void source_part(ilm_doc *d, const phrases *t, const report_facts *f)
{
    char date[40];
    for (size_t i = 0; i < f->total.n_sources; i++) {
        const ilm_inventory_source *s = &f->total.sources[i];
        char day[11];
        snprintf(day, sizeof day, "%.10s", s->imported_at);
        report_date(date, sizeof date, day, t->lang);
        if (strcmp(s->kind, "demo") == 0)
            continue;
        ilm_doc_para(d, strcmp(s->kind, "syke") == 0 ? t->source_syke : t->source_own,
                     s->file_name ? s->file_name : "", date, s->first_year, s->last_year);
    }
    if (f->muni.synthetic)
        ilm_doc_para(d, "%s", t->source_demo);
    ilm_doc_para(d, t->calc, (long long)f->plan->store_id, (long long)f->plan->version);
}

int ilm_report_decision(ilm_store *s, int64_t plan_id, const ilm_decision_options *o,
                        ilm_doc_format fmt, char **out, size_t *len, ilm_errors *err)
{
    *out = NULL;
    *len = 0;
    ilm_decision_options none = {0};
    if (!o)
        o = &none;
    if (check_options(o, err))
        return ILM_EINVAL;
    report_facts f;
    int rc = report_facts_load(s, plan_id, &f, err);
    if (rc)
        return rc;
    /* The council decision recorded on the plan fills the body, date,
     * section and Dnro that the request leaves blank (checked when stored). */
    ilm_decision_options eff = *o;
    for (size_t i = 0; i < f.n_decisions; i++) {
        const ilm_decision_ref *r = &f.decisions[i].ref;
        if (strcmp(f.decisions[i].kind, "council_target") != 0)
            continue;
        if (!given(eff.body))
            eff.body = r->body;
        if (!given(eff.meeting_date) && given(r->date))
            eff.meeting_date = r->date;
        if (!given(eff.section))
            eff.section = r->section;
        if (!given(eff.dnro))
            eff.dnro = r->dnro;
        break;
    }
    o = &eff;
    phrases form;
    char **owned = NULL;
    const phrases *t = phrases_in_form(phrases_for(o->lang), f.muni.city, &form, &owned);
    if (!t) {
        report_facts_clear(&f);
        return finish(NULL, fmt, out, len, err);
    }
    body_info b = body_for(o->body, false, t);
    const char *muni =
        strcmp(t->lang, "sv") == 0 && f.muni.name_sv ? f.muni.name_sv : f.muni.name_fi;
    char title[300];
    snprintf(title, sizeof title, "%s: %s", muni, t->title_target);
    ilm_doc *d = ilm_doc_new(t->lang, title);
    if (!d) {
        report_facts_clear(&f);
        report_forms_free(owned);
        return finish(NULL, fmt, out, len, err);
    }
    /* The plan's own Dnro when its decision records carry one. */
    const char *dnro = NULL;
    for (size_t i = 0; i < f.n_decisions && !dnro; i++)
        if (given(f.decisions[i].ref.dnro))
            dnro = f.decisions[i].ref.dnro;
    header(d, t, muni, &b, o, dnro);
    ilm_doc_heading(d, 1, "%s", t->title_target);
    /* Earlier handling: the plan's recorded decisions, oldest first, but
     * not this item's own meeting (the same body on the same day, or the
     * same body when the day is not given). */
    bool history = false;
    for (size_t i = f.n_decisions; i-- > 0;) {
        const ilm_decision_ref *r = &f.decisions[i].ref;
        body_info rb = body_for(r->body, false, t);
        if (rb.kind == b.kind && strcmp(rb.name, b.name) == 0 &&
            (!given(o->meeting_date) || strcmp(o->meeting_date, r->date) == 0))
            continue;
        if (!history)
            ilm_doc_heading(d, 2, "%s", t->history);
        history = true;
        char ref[400];
        format_ref(ref, sizeof ref, r, t);
        ilm_doc_item(d, "%s", ref);
    }
    people(d, t, o, b.council);
    ilm_doc_heading(d, 2, "%s", t->background);
    emissions_part(d, t, &f);
    target_part(d, t, &f);
    pathway_part(d, t, &f);
    classes_part(d, t, &f);
    probability_part(d, t, &f);
    measures_part(d, t, &f);
    source_part(d, t, &f);

    /* The council decides on the board's proposal; the board proposes to
     * the council; a committee proposes to the board, which prepares the
     * council's matters (Kuntalaki 39 §). */
    ilm_doc_heading(d, 2, "%s", b.council ? t->proposal_council_heading : t->proposal);
    char pct[48], v[48];
    ilm_doc_para(d,
                 b.kind == BODY_COUNCIL ? t->proposal_council
                 : b.kind == BODY_BOARD ? t->proposal_board
                                        : t->proposal_committee,
                 b.name, t->scope_object[f.plan->scope],
                 report_share(pct, f.plan->reduction, t->lang), f.plan->base_year,
                 f.plan->target_year, report_kt(v, f.result->target_value, t->lang));
    closing(d, t, o, t->default_recipients);
    char court[400] = "";
    if (given(o->court))
        snprintf(court, sizeof court, "%s", o->court);
    else
        report_court_for_region(f.muni.region_code, t->lang, court, sizeof court);
    rc = appeal(d, t, b.council ? "kunnallisvalitus" : NULL, b.name, court, err);
    report_facts_clear(&f);
    if (rc) {
        ilm_doc_free(d);
        report_forms_free(owned);
        return rc;
    }
    rc = finish(d, fmt, out, len, err);
    report_forms_free(owned);
    return rc;
}

/* ---- the board's decision to apply for a programme ---- */

int ilm_report_application_decision(ilm_store *s, int64_t application_id,
                                    const ilm_decision_options *o, ilm_doc_format fmt, char **out,
                                    size_t *len, ilm_errors *err)
{
    *out = NULL;
    *len = 0;
    ilm_decision_options none = {0};
    if (!o)
        o = &none;
    if (check_options(o, err))
        return ILM_EINVAL;
    const phrases *t = phrases_for(o->lang);
    phrases form;
    char **owned = NULL;
    ilm_application *a = NULL;
    ilm_programme *p = NULL;
    ilm_municipality m = {0};
    ilm_doc *d = NULL;
    int rc = ilm_store_application_load(s, application_id, &a, err);
    if (!rc)
        rc = ilm_store_programme_load(s, a->programme_id, &p, err);
    if (!rc)
        rc = ilm_store_municipality_find(s, a->code, &m, err);
    if (rc)
        goto done;
    if (!(t = phrases_in_form(t, m.city, &form, &owned))) {
        rc = finish(NULL, fmt, out, len, err);
        goto done;
    }
    body_info b = body_for(o->body, true, t);
    const char *muni = strcmp(t->lang, "sv") == 0 && m.name_sv ? m.name_sv : m.name_fi;
    /* "ILMAVA 2026", or "Valmennus (2026)" when the name lacks its year. */
    char programme[300], year[16];
    snprintf(year, sizeof year, "%d", p->year);
    snprintf(programme, sizeof programme, strstr(p->name, year) ? "%s" : "%s (%s)", p->name, year);
    char title[400];
    snprintf(title, sizeof title, t->title_application, programme);
    char doc_title[500];
    snprintf(doc_title, sizeof doc_title, "%s: %s", muni, title);
    d = ilm_doc_new(t->lang, doc_title);
    if (!d) {
        rc = finish(NULL, fmt, out, len, err);
        goto done;
    }
    /* The board decision the application names fills what the options leave. */
    ilm_decision_options merged = *o;
    if (!given(merged.meeting_date) && a->board.body && a->board.date[0])
        merged.meeting_date = a->board.date;
    if (!given(merged.section) && a->board.body)
        merged.section = a->board.section;
    if (!given(merged.body) && given(a->board.body))
        b = body_for(a->board.body, true, t);
    if (given(a->board.dnro) && !given(o->dnro) &&
        ilm_dnro_check(a->board.dnro, "board.dnro", NULL))
        a->board.dnro[0] = '\0'; /* not a diary number: leave it to fill in */
    header(d, t, muni, &b, &merged, a->board.dnro);
    ilm_doc_heading(d, 1, "%s", title);
    people(d, t, o, b.council);
    ilm_doc_heading(d, 2, "%s", t->background);
    char eur[48];
    ilm_doc_number(eur, p->own_funding_eur, 0, t->lang);
    if (given(p->description)) {
        /* Paragraphs of the programme's description as its organiser wrote them. */
        const char *q = p->description;
        while (*q) {
            const char *end = strstr(q, "\n\n");
            size_t n = end ? (size_t)(end - q) : strlen(q);
            if (n)
                ilm_doc_para(d, "%.*s", (int)n, q);
            q += n;
            while (*q == '\n')
                q++;
        }
    }
    /* The contact periods and days, each with who attends: the top
     * civil-service management first, then the political leadership. */
    if (p->n_periods) {
        ilm_doc_para(d, "%s", t->contact_intro);
        for (size_t i = 0; i < p->n_periods; i++) {
            const ilm_contact_period *cp = &p->periods[i];
            char from[40], to[40], days[1500] = "";
            report_date(from, sizeof from, cp->starts, t->lang);
            report_date(to, sizeof to, cp->ends, t->lang);
            size_t used = 0;
            for (size_t k = 0; k < cp->n_days; k++) {
                const ilm_contact_day *cd = &cp->days[k];
                char day[40];
                report_date(day, sizeof day, cd->day, t->lang);
                int w = snprintf(days + used, sizeof days - used, "%s%s %s (%s)", k ? "; " : "",
                                 day, cd->online || !cd->place ? t->online : cd->place,
                                 t->audiences[cd->audience <= ILM_AUDIENCE_BOTH ? cd->audience
                                                                                 : 2]);
                if (w > 0)
                    used = used + (size_t)w < sizeof days ? used + (size_t)w : sizeof days - 1;
            }
            ilm_doc_item(d, "%s %s–%s%s%s", cp->name ? cp->name : "", from, to, used ? ": " : "",
                         days);
        }
    }
    if (p->own_funding_eur > 0)
        ilm_doc_para(d, t->programme_funding, eur);
    ilm_doc_heading(d, 3, "%s", t->reasons);
    if (given(a->climate_work))
        ilm_doc_para(d, "%s", a->climate_work);
    if (a->has_council_target && a->target.body) {
        char ref[400];
        format_ref(ref, sizeof ref, &a->target, t);
        ilm_doc_para(d, t->has_target, ref);
    } else {
        ilm_doc_para(d, "%s", t->no_target);
    }
    if (a->tells_easy_from_hard)
        ilm_doc_para(d, t->tells, given(a->easy_hard_how) ? a->easy_hard_how : "");
    else
        ilm_doc_para(d, "%s", t->tells_not);
    if (a->n_problems) {
        ilm_doc_para(d, "%s", t->problems);
        for (size_t i = 0; i < a->n_problems; i++)
            ilm_doc_item(d, "%s", a->problems[i]);
    }
    if (given(a->sparring_problem))
        ilm_doc_para(d, t->sparring_problem, a->sparring_problem);
    if (a->n_participants) {
        ilm_doc_table(d, t->participants_caption, 3, t->participant_cols,
                      (const ilm_align[]){ILM_ALIGN_LEFT, ILM_ALIGN_LEFT, ILM_ALIGN_LEFT});
        /* The top civil-service management first, then the political leadership. */
        for (int political = 0; political < 2; political++)
            for (size_t i = 0; i < a->n_participants; i++) {
                const ilm_participant *x = &a->participants[i];
                if ((x->level == ILM_LEVEL_POLITICAL) != (political == 1))
                    continue;
                const char *row[3] = {x->name, x->title, t->levels[political]};
                ilm_doc_row(d, row);
            }
    }
    ilm_doc_heading(d, 2, "%s", t->proposal);
    ilm_doc_para(d, t->proposal_apply, b.name, muni, programme, eur);
    closing(d, t, o, t->default_app_recipients);
    rc = appeal(d, t, "oikaisuvaatimus", b.name, NULL, err);
    if (rc)
        goto done;
    rc = finish(d, fmt, out, len, err);
    d = NULL;
done:
    ilm_doc_free(d);
    report_forms_free(owned);
    ilm_municipality_clear(&m);
    ilm_programme_free(p);
    ilm_application_free(a);
    return rc;
}
