/* The coaching programme as user operations: saving programmes and
 * applications with their rules, eligibility explained criterion by
 * criterion from the store and the plan model, the selection view and
 * the proposed cohort, decisions with the start gap, peer groups formed
 * by similarity (the peer finder) or by sparring problem, and the cohort
 * dashboard. docs/programme.md says why each rule is as it is.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ilmava/app.h"
#include "ilmava/model.h"
#include "ilmava/programme.h"

/* ---- programmes ---- */

int ilm_app_programme_save(ilm_store *s, const ilm_programme *p, int64_t *id, ilm_errors *err)
{
    int rc = ilm_programme_check(p, err);
    if (rc)
        return rc;
    return ilm_store_programme_save(s, p, id, err);
}

/* ---- facts about an applicant ---- */

static const char *const swedish_codes[] = {"280", "440", "545"}; /* Korsnäs, Larsmo, Närpes */

int ilm_app_applicant_facts(ilm_store *s, const char *code, ilm_applicant_facts *out,
                            ilm_errors *err)
{
    memset(out, 0, sizeof *out);
    ilm_municipality m = {0};
    int rc = ilm_store_municipality_find(s, code, &m, err);
    if (rc)
        return rc;
    snprintf(out->code, sizeof out->code, "%s", m.code);
    snprintf(out->name, sizeof out->name, "%s", m.name_fi ? m.name_fi : m.code);
    snprintf(out->name_sv, sizeof out->name_sv, "%s", m.name_sv ? m.name_sv : "");
    snprintf(out->region, sizeof out->region, "%s",
             m.region_code ? m.region_code
             : m.region_fi ? m.region_fi
                           : "");
    snprintf(out->region_name, sizeof out->region_name, "%s", m.region_fi ? m.region_fi : "");
    out->population = m.population_year ? m.population : 0;
    out->size = ilm_size_class_of(m.population, m.population_year > 0);
    out->synthetic = m.synthetic;
    bool swedish = m.region_code && strcmp(m.region_code, "21") == 0;
    for (size_t i = 0; i < sizeof swedish_codes / sizeof *swedish_codes; i++)
        swedish = swedish || strcmp(m.code, swedish_codes[i]) == 0;
    snprintf(out->language, sizeof out->language, "%s", swedish ? "sv" : "fi");
    ilm_municipality_clear(&m);

    ilm_inventory_view v = {0};
    if ((rc = ilm_store_inventory(s, out->code, ILM_SCOPE_TOTAL, 0, 0, &v, err)))
        return rc;
    if (v.n_rows > 0) {
        int year = v.rows[v.n_rows - 1].year;
        double total = 0, ets = 0;
        for (size_t i = 0; i < v.n_rows; i++) {
            if (v.rows[i].year != year)
                continue;
            total += v.rows[i].t;
            if (v.rows[i].ets)
                ets += v.rows[i].t;
        }
        out->year = year;
        /* Figures no import accepts (written by other means) can add up to
         * infinity: no share then, rather than NaN in every list this
         * applicant stands in. */
        out->ets_share = total > 0 && isfinite(total) && isfinite(ets) ? ets / total : 0;
        out->industrial = out->ets_share >= ILM_INDUSTRIAL_ETS_SHARE;
    }
    ilm_inventory_view_clear(&v);
    return 0;
}

/* ---- eligibility ---- */

void ilm_eligibility_clear(ilm_eligibility *e)
{
    free(e->council.plan_name);
    ilm_decision_ref_clear(&e->council.ref);
    memset(e, 0, sizeof *e);
}

static void eur_text(char *out, size_t n, double v)
{
    long long x = llround(v);
    char d[32];
    snprintf(d, sizeof d, "%lld", x);
    size_t len = strlen(d), o = 0;
    for (size_t i = 0; i < len && o + 2 < n; i++) {
        if (i > 0 && d[i - 1] != '-' && (len - i) % 3 == 0)
            out[o++] = ' ';
        out[o++] = d[i];
    }
    out[o] = '\0';
}

/* "Kaupunginvaltuusto 2024-06-10 § 45, Dnro 12/11.00/2024" */
static void ref_text(char *out, size_t n, const ilm_decision_ref *r)
{
    snprintf(out, n, "%s %s%s%s%s%s", r->body ? r->body : "", r->date,
             r->section && *r->section ? " " : "", r->section ? r->section : "",
             r->dnro && *r->dnro ? ", Dnro " : "", r->dnro ? r->dnro : "");
}

/* Which plan eligibility assesses: the one whose target the council set;
 * else the most recently changed published plan, so that a newer empty
 * draft never stands in for the plan the municipality stands behind; else
 * the most recently changed plan (ties: the higher id). 0: none. */
static int64_t assessed_plan(const ilm_plan_summary *v, size_t n, const ilm_eligibility *e)
{
    if (e->has_council_target)
        return e->council.plan_id;
    int64_t best = 0;
    bool best_published = false;
    const char *at = "";
    for (size_t i = 0; i < n; i++) {
        int newer = strcmp(v[i].updated_at, at);
        bool better = best == 0 || (v[i].published && !best_published) ||
                      (v[i].published == best_published &&
                       (newer > 0 || (newer == 0 && v[i].id > best)));
        if (better) {
            best = v[i].id;
            best_published = v[i].published;
            at = v[i].updated_at;
        }
    }
    return best;
}

/* Runs plan `id` deterministically: its classes, gap and easy share. */
static int run_plan(ilm_store *s, int64_t id, size_t classes[3], double *gap, double *easy,
                    bool *has_easy, char *why, size_t why_n)
{
    ilm_plan *plan = NULL;
    ilm_result *res = NULL;
    ilm_errors err = {0};
    int rc = ilm_store_plan_load(s, id, &plan, &err);
    if (!rc) {
        ilm_run_options opt = ilm_run_options_default();
        opt.draws = 0;
        rc = ilm_model_run(plan, &opt, &res, &err);
    }
    if (rc) {
        snprintf(why, why_n, "%s", err.count ? err.msg[0] : "it cannot be computed");
        ilm_plan_free(plan);
        return rc;
    }
    classes[0] = classes[1] = classes[2] = 0;
    for (size_t i = 0; i < res->n_measures; i++)
        classes[res->measures[i].cls]++;
    *gap = res->gap;
    *has_easy = !res->easy_share_null;
    *easy = res->easy_share_null ? 0 : res->easy_share;
    ilm_result_free(res);
    ilm_plan_free(plan);
    return 0;
}

/* The evidence of each criterion in three languages. Each starts with
 * "meets" or "does not meet" in its language. */
typedef struct evidence_texts {
    const char *meets, *fails;
    const char *council_set;       /* %s ref, %lld plan, %s name */
    const char *council_missing;   /* %zu plans */
    const char *council_named;     /* %s ref */
    const char *no_plan;
    const char *not_computable;    /* %lld plan, %s name, %s why */
    const char *classes;           /* %lld plan, %s name, %zu easy, %zu moderate, %zu hard */
    const char *classes_both;
    const char *funding_accepted, *funding_none, *funding_missing; /* %s amount */
    const char *no_civil;          /* %zu political */
    const char *wrong_phase;       /* %zu index, %s name, %s level, %s phase, %s audience */
    const char *participants_ok;   /* %zu civil, %zu political */
    const char *no_political;      /* %s phases, %zu civil */
    const char *phase[ILM_PHASE_COUNT];
    const char *audience[3];
    const char *level[3];
} evidence_texts;

static const evidence_texts evidence_en = {
    "meets", "does not meet",
    "%s set the target of plan %lld \"%s\"",
    "no council-set climate target: none of its %zu plan(s) in ilmava has a council decision on "
    "its target",
    " (the application names %s: record it on the plan)",
    "the municipality has no plan in ilmava to classify measures",
    "plan %lld \"%s\" cannot be computed: %s",
    "plan %lld \"%s\" has %zu easy, %zu moderate and %zu hard measure(s) by the plan model",
    "; both easy and hard ones are needed",
    "the application accepts the own funding of %s EUR",
    "the programme asks for no own funding (%s EUR)",
    "the own funding of %s EUR is not accepted",
    "no participant of the top civil-service leadership, whom the first half is for (%zu "
    "political)",
    "participants[%zu] (%s, %s) attends %s, which is for %s",
    "%zu of the top civil-service leadership and %zu of the political leadership, each in phases "
    "for their level",
    "no participant of the political leadership, whom %s is also for (%zu of the top "
    "civil-service leadership)",
    {"orientation", "municipality-specific work", "peer learning", "expert sparring"},
    {"the top civil-service leadership", "the political leadership", "both"},
    {"", "civil service", "political"},
};

static const evidence_texts evidence_fi = {
    "täyttää", "ei täytä",
    "%s asetti suunnitelman %lld \"%s\" tavoitteen",
    "valtuusto ei ole asettanut ilmastotavoitetta: yhdelläkään kunnan %zu suunnitelmasta "
    "ilmavassa ei ole valtuuston päätöstä tavoitteesta",
    " (hakemus mainitsee päätöksen %s: kirjatkaa se suunnitelmaan)",
    "kunnalla ei ole ilmavassa suunnitelmaa, jonka toimenpiteet voisi luokitella",
    "suunnitelmaa %lld \"%s\" ei voi laskea: %s",
    "suunnitelmassa %lld \"%s\" on suunnitelmamallin mukaan %zu helppoa, %zu keskivaikeaa ja "
    "%zu vaikeaa toimenpidettä",
    "; tarvitaan sekä helppoja että vaikeita",
    "hakemus hyväksyy %s euron omarahoitusosuuden",
    "ohjelma ei edellytä omarahoitusta (%s euroa)",
    "%s euron omarahoitusosuutta ei ole hyväksytty",
    "osallistujissa ei ole ylimmän viranhaltijajohdon edustajaa, jolle ohjelman ensimmäinen "
    "puolisko on tarkoitettu (poliittisia osallistujia %zu)",
    "osallistuja %zu (%s, %s) osallistuu vaiheeseen %s, joka on tarkoitettu kohderyhmälle %s",
    "ylimmästä viranhaltijajohdosta %zu ja poliittisesta johdosta %zu osallistujaa, kukin oman "
    "tasonsa vaiheissa",
    "osallistujissa ei ole poliittisen johdon edustajaa, jolle myös vaihe %s on tarkoitettu "
    "(ylimmästä viranhaltijajohdosta %zu)",
    {"orientaatio", "kuntakohtainen työ", "vertaisoppiminen", "asiantuntijasparraus"},
    {"ylin viranhaltijajohto", "poliittinen johto", "molemmat"},
    {"", "viranhaltija", "luottamushenkilö"},
};

static const evidence_texts evidence_sv = {
    "uppfyller", "uppfyller inte",
    "%s fastställde målet för plan %lld \"%s\"",
    "inget klimatmål fastställt av fullmäktige: ingen av kommunens %zu planer i ilmava har ett "
    "fullmäktigebeslut om målet",
    " (ansökan nämner %s: registrera det på planen)",
    "kommunen har ingen plan i ilmava vars åtgärder kan klassificeras",
    "plan %lld \"%s\" kan inte beräknas: %s",
    "plan %lld \"%s\" har enligt planmodellen %zu lätta, %zu medelsvåra och %zu svåra åtgärder",
    "; både lätta och svåra behövs",
    "ansökan godkänner självfinansieringsandelen på %s euro",
    "programmet kräver ingen självfinansiering (%s euro)",
    "självfinansieringsandelen på %s euro har inte godkänts",
    "ingen deltagare från den högsta tjänstemannaledningen, som programmets första hälft är avsedd "
    "för (politiska deltagare %zu)",
    "deltagare %zu (%s, %s) deltar i fasen %s, som är avsedd för %s",
    "%zu från den högsta tjänstemannaledningen och %zu från den politiska ledningen, var och en i "
    "faser för sin nivå",
    "ingen deltagare från den politiska ledningen, som också fasen %s är avsedd för (%zu från "
    "den högsta tjänstemannaledningen)",
    {"orientering", "kommunspecifikt arbete", "kollegialt lärande", "expertsparrning"},
    {"den högsta tjänstemannaledningen", "den politiska ledningen", "båda"},
    {"", "tjänsteinnehavare", "förtroendevald"},
};

static const evidence_texts *evidence_for(const char *lang)
{
    return lang && strcmp(lang, "fi") == 0   ? &evidence_fi
           : lang && strcmp(lang, "sv") == 0 ? &evidence_sv
                                             : &evidence_en;
}

int ilm_app_eligibility(ilm_store *s, const ilm_programme *p, const ilm_application *a,
                        const char *lang, ilm_eligibility *out, ilm_errors *err)
{
    const evidence_texts *tx = evidence_for(lang);
    memset(out, 0, sizeof *out);
    for (int i = 0; i < ILM_CRITERION_COUNT; i++)
        out->items[i].criterion = (ilm_criterion)i;
    ilm_plan_decision *dec = NULL;
    ilm_plan_summary *plans = NULL;
    size_t n_dec = 0, n_plans = 0;
    int rc = ilm_store_plan_decisions(s, a->code, &dec, &n_dec, err);
    if (!rc)
        rc = ilm_store_plan_list(s, a->code, &plans, &n_plans, err);
    if (rc)
        goto done;
    char ref[400];

    /* 1: a council-approved target in the store. */
    ilm_eligibility_item *it = &out->items[ILM_CRITERION_COUNCIL_TARGET];
    for (size_t i = 0; i < n_dec; i++) {
        if (strcmp(dec[i].kind, "council_target") != 0)
            continue;
        out->has_council_target = true;
        out->council = dec[i];
        memset(&dec[i], 0, sizeof dec[i]); /* moved */
        break;
    }
    char text[600];
    if (out->has_council_target) {
        it->met = true;
        ref_text(ref, sizeof ref, &out->council.ref);
        snprintf(text, sizeof text, tx->council_set, ref, (long long)out->council.plan_id,
                 out->council.plan_name ? out->council.plan_name : "");
    } else {
        int w = snprintf(text, sizeof text, tx->council_missing, n_plans);
        if (a->has_council_target && a->target.body && w > 0 && (size_t)w < sizeof text) {
            ref_text(ref, sizeof ref, &a->target);
            snprintf(text + w, sizeof text - (size_t)w, tx->council_named, ref);
        }
    }
    snprintf(it->evidence, sizeof it->evidence, "%s: %.560s", it->met ? tx->meets : tx->fails, text);

    /* 2: easy and hard measures, by the model. */
    it = &out->items[ILM_CRITERION_EASY_AND_HARD];
    out->plan_id = assessed_plan(plans, n_plans, out);
    if (!out->plan_id) {
        snprintf(text, sizeof text, "%s", tx->no_plan);
    } else {
        char why[ILM_ERROR_LEN] = "";
        const char *name = "";
        for (size_t i = 0; i < n_plans; i++)
            if (plans[i].id == out->plan_id && plans[i].name)
                name = plans[i].name;
        if (run_plan(s, out->plan_id, out->classes, &out->gap, &out->easy_share,
                     &out->has_easy_share, why, sizeof why)) {
            /* assessed, but not computable */
            snprintf(text, sizeof text, tx->not_computable, (long long)out->plan_id, name, why);
        } else {
            out->plan_computed = true;
            size_t distinct = (out->classes[0] > 0) + (out->classes[1] > 0) + (out->classes[2] > 0);
            it->met = distinct > 1 && out->classes[ILM_CLASS_EASY] > 0 &&
                      out->classes[ILM_CLASS_HARD] > 0;
            int w = snprintf(text, sizeof text, tx->classes, (long long)out->plan_id, name,
                             out->classes[0], out->classes[1], out->classes[2]);
            if (!it->met && w > 0 && (size_t)w < sizeof text)
                snprintf(text + w, sizeof text - (size_t)w, "%s", tx->classes_both);
        }
    }
    snprintf(it->evidence, sizeof it->evidence, "%s: %.560s", it->met ? tx->meets : tx->fails, text);

    /* 3: own funding. */
    it = &out->items[ILM_CRITERION_OWN_FUNDING];
    char eur[40];
    eur_text(eur, sizeof eur, p->own_funding_eur);
    it->met = a->own_funding_accepted || p->own_funding_eur <= 0;
    snprintf(text, sizeof text,
             a->own_funding_accepted ? tx->funding_accepted
             : it->met               ? tx->funding_none
                                     : tx->funding_missing,
             eur);
    snprintf(it->evidence, sizeof it->evidence, "%s: %.560s", it->met ? tx->meets : tx->fails, text);

    /* 4: participants at the right level: the top civil-service
     * leadership, whom the first half is for, and the political
     * leadership where a phase is for it (audience political or both). */
    it = &out->items[ILM_CRITERION_PARTICIPANTS];
    size_t civil = 0, political = 0;
    char problem[300] = "";
    const char *political_phase = NULL;
    for (size_t k = 0; k < p->n_phases && !political_phase; k++)
        if (p->phases[k].audience != ILM_AUDIENCE_CIVIL_SERVICE)
            political_phase = tx->phase[p->phases[k].key];
    for (size_t i = 0; i < a->n_participants; i++) {
        const ilm_participant *x = &a->participants[i];
        if (x->level == ILM_LEVEL_CIVIL_SERVICE)
            civil++;
        else if (x->level == ILM_LEVEL_POLITICAL)
            political++;
        ilm_audience want =
            x->level == ILM_LEVEL_POLITICAL ? ILM_AUDIENCE_POLITICAL : ILM_AUDIENCE_CIVIL_SERVICE;
        for (size_t k = 0; k < p->n_phases && !problem[0]; k++) {
            const ilm_phase *ph = &p->phases[k];
            if ((x->phases & (1u << ph->key)) && ph->audience != ILM_AUDIENCE_BOTH &&
                ph->audience != want)
                snprintf(problem, sizeof problem, tx->wrong_phase, i, x->name ? x->name : "",
                         tx->level[x->level], tx->phase[ph->key], tx->audience[ph->audience]);
        }
    }
    it->met = civil > 0 && !problem[0] && (political > 0 || !political_phase);
    if (civil == 0)
        snprintf(text, sizeof text, tx->no_civil, political);
    else if (problem[0])
        snprintf(text, sizeof text, "%s", problem);
    else if (political == 0 && political_phase)
        snprintf(text, sizeof text, tx->no_political, political_phase, civil);
    else
        snprintf(text, sizeof text, tx->participants_ok, civil, political);
    snprintf(it->evidence, sizeof it->evidence, "%s: %.560s", it->met ? tx->meets : tx->fails, text);

    for (int i = 0; i < ILM_CRITERION_COUNT; i++)
        out->n_met += out->items[i].met;
    out->eligible = out->n_met == ILM_CRITERION_COUNT;
    out->overridden = !out->eligible && a->override_reason && *a->override_reason;
done:
    ilm_plan_decisions_free(dec, n_dec);
    ilm_plan_summaries_free(plans, n_plans);
    if (rc)
        ilm_eligibility_clear(out);
    return rc;
}

/* ---- the selection ---- */

void ilm_selection_clear(ilm_selection *sel)
{
    for (size_t i = 0; i < sel->n; i++) {
        ilm_application_free(sel->rows[i].application);
        ilm_eligibility_clear(&sel->rows[i].eligibility);
    }
    free(sel->rows);
    ilm_proposal_clear(&sel->proposal);
    ilm_programme_free(sel->programme);
    memset(sel, 0, sizeof *sel);
}

static int row_order(const void *x, const void *y)
{
    const ilm_selection_row *a = x, *b = y;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return a->application->id < b->application->id ? -1 : a->application->id > b->application->id;
}

/* The cap of a diversity limit at cohort size k (as the model's). */
static int share_cap(double share, size_t k)
{
    int c = (int)floor(share * (double)k + 1e-9);
    return c < 1 ? 1 : c;
}

/* Why a candidate is not proposed: the cohort is full; or a bigger
 * cohort with it would put too many of its region or size class in. */
static void left_out_why(ilm_selection *sel, ilm_selection_row *r)
{
    const ilm_programme *p = sel->programme;
    size_t k = sel->proposal.size;
    size_t same_region = 0, same_size = 0;
    for (size_t j = 0; j < sel->n; j++) {
        const ilm_selection_row *x = &sel->rows[j];
        if (!sel->proposal.chosen[j])
            continue;
        same_region += strcmp(x->facts.region, r->facts.region) == 0;
        same_size += x->facts.size == r->facts.size;
    }
    if (k >= (size_t)p->capacity_max) {
        snprintf(r->why_code, sizeof r->why_code, "capacity");
        r->why_cap = p->capacity_max;
        snprintf(r->why, sizeof r->why,
                 "left out by the capacity: the cohort has its maximum of %d with higher scores",
                 p->capacity_max);
    } else if ((int)same_region >= share_cap(p->max_region_share, k + 1)) {
        snprintf(r->why_code, sizeof r->why_code, "region_limit");
        r->why_cap = share_cap(p->max_region_share, k + 1);
        snprintf(r->why, sizeof r->why,
                 "left out by the region limit: %zu of the cohort are from its region already "
                 "(at most %.0f %%)",
                 same_region, p->max_region_share * 100);
    } else if ((int)same_size >= share_cap(p->max_size_share, k + 1)) {
        snprintf(r->why_code, sizeof r->why_code, "size_limit");
        r->why_cap = share_cap(p->max_size_share, k + 1);
        snprintf(r->why, sizeof r->why,
                 "left out by the size-class limit: %zu of the cohort are of its size class "
                 "already (at most %.0f %%)",
                 same_size, p->max_size_share * 100);
    } else {
        snprintf(r->why_code, sizeof r->why_code, "limits");
        snprintf(r->why, sizeof r->why,
                 "left out by the diversity limits (region %.0f %%, size class %.0f %% of the "
                 "cohort)",
                 p->max_region_share * 100, p->max_size_share * 100);
    }
}

int ilm_app_selection(ilm_store *s, int64_t programme_id, const char *code, const char *lang,
                      ilm_selection *out, ilm_errors *err)
{
    memset(out, 0, sizeof *out);
    ilm_application **apps = NULL;
    size_t n = 0;
    ilm_candidate *cand = NULL;
    int rc = ilm_store_programme_load(s, programme_id, &out->programme, err);
    if (!rc)
        rc = ilm_store_applications(s, programme_id, code, &apps, &n, err);
    if (rc)
        goto done;
    out->rows = calloc(n + 1, sizeof *out->rows);
    cand = calloc(n + 1, sizeof *cand);
    if (!out->rows || !cand) {
        ilm_errors_add(err, "out of memory");
        rc = ILM_ENOMEM;
        goto done;
    }
    const ilm_programme *p = out->programme;
    for (size_t i = 0; i < n; i++) {
        ilm_selection_row *r = &out->rows[i];
        r->application = apps[i];
        apps[i] = NULL;
        out->n++;
        const ilm_application *a = r->application;
        if ((rc = ilm_app_eligibility(s, p, a, lang, &r->eligibility, err)) ||
            (rc = ilm_app_applicant_facts(s, a->code, &r->facts, err)))
            goto done;
        r->score = ilm_programme_score(p->weights, a, &r->eligibility, r->values);
        bool ok = r->eligibility.eligible || r->eligibility.overridden;
        r->candidate =
            a->status == ILM_APPLICATION_SUBMITTED && ok && a->decision != ILM_DECISION_REJECTED;
        const char *why = "";
        if (a->status != ILM_APPLICATION_SUBMITTED) {
            why = "not_submitted";
            snprintf(r->why, sizeof r->why, "not submitted (%s)",
                     ilm_application_status_name(a->status));
        } else if (a->decision == ILM_DECISION_REJECTED) {
            why = "rejected";
            snprintf(r->why, sizeof r->why, "rejected by the organiser");
        } else if (!ok) {
            why = "not_eligible";
            int w = snprintf(r->why, sizeof r->why, "not eligible:");
            for (int k = 0; k < ILM_CRITERION_COUNT && w > 0 && (size_t)w < sizeof r->why; k++)
                if (!r->eligibility.items[k].met)
                    w += snprintf(r->why + w, sizeof r->why - (size_t)w, " %s",
                                  ilm_criterion_name((ilm_criterion)k));
        }
        snprintf(r->why_code, sizeof r->why_code, "%s", why);
    }
    qsort(out->rows, out->n, sizeof *out->rows, row_order);
    for (size_t i = 0; i < out->n; i++) {
        ilm_selection_row *r = &out->rows[i];
        cand[i] = (ilm_candidate){.id = r->application->id,
                                  .score = r->score,
                                  .region = r->facts.region,
                                  .size = ilm_size_class_name(r->facts.size),
                                  .eligible = r->candidate};
    }
    if ((rc = ilm_cohort_propose(cand, out->n, p->capacity_min, p->capacity_max,
                                 p->max_region_share, p->max_size_share, &out->proposal, err)))
        goto done;
    for (size_t i = 0; i < out->n; i++) {
        ilm_selection_row *r = &out->rows[i];
        r->proposed = out->proposal.chosen[i];
        if (r->candidate && !r->proposed)
            left_out_why(out, r);
    }
done:
    ilm_applications_free(apps, n);
    free(cand);
    if (rc)
        ilm_selection_clear(out);
    return rc;
}

/* ---- saving and deciding applications ---- */

int ilm_app_application_save(ilm_store *s, ilm_application *a, bool organiser, const char *today,
                             int64_t *id, ilm_errors *err)
{
    ilm_programme *p = NULL;
    ilm_application *old = NULL;
    int rc = ilm_store_programme_load(s, a->programme_id, &p, err);
    if (rc)
        return rc;
    char now[ILM_DATE_LEN];
    if (!today)
        ilm_date_today(now);
    else
        snprintf(now, sizeof now, "%s", today);
    if (a->id && (rc = ilm_store_application_load(s, a->id, &old, err)))
        goto done;
    if (!organiser) {
        if (strcmp(now, p->apply_until) > 0) {
            ilm_errors_addc(err, ILM_ERR_APPLICATIONS_CLOSED, "apply_until",
                            "apply_until: applications to \"%s\" closed on %s; only the "
                            "organiser can change one now",
                            p->name, p->apply_until);
            ilm_errors_text(err, "until", p->apply_until);
            rc = ILM_EINVAL;
            goto done;
        }
        if (old && old->decision != ILM_DECISION_PENDING) {
            ilm_errors_addc(err, ILM_ERR_ALREADY_DECIDED, "decision",
                            "decision: the application is %s already; only the organiser "
                            "can change it",
                            ilm_decision_name(old->decision));
            ilm_errors_text(err, "status", ilm_decision_name(old->decision));
            rc = ILM_EINVAL;
            goto done;
        }
    }
    if (a->status == ILM_APPLICATION_SUBMITTED && strcmp(now, p->apply_from) < 0 && !organiser) {
        ilm_errors_addc(err, ILM_ERR_APPLICATIONS_NOT_OPEN, "status",
                        "status: applications to \"%s\" open on %s", p->name, p->apply_from);
        ilm_errors_text(err, "from", p->apply_from);
        rc = ILM_EINVAL;
        goto done;
    }
    if ((rc = ilm_application_check(p, a, err)))
        goto done;
    rc = ilm_store_application_save(s, a, id, err);
done:
    ilm_application_free(old);
    ilm_programme_free(p);
    return rc;
}

static void now_time(char out[ILM_TIME_LEN])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, ILM_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int ilm_app_application_decide(ilm_store *s, int64_t id, ilm_decision d, const char *reason,
                               ilm_errors *err)
{
    ilm_application *a = NULL;
    ilm_programme *p = NULL;
    int rc = ilm_store_application_load(s, id, &a, err);
    if (!rc)
        rc = ilm_store_programme_load(s, a->programme_id, &p, err);
    if (rc)
        goto done;
    if (d != ILM_DECISION_PENDING && a->status != ILM_APPLICATION_SUBMITTED) {
        ilm_errors_addc(err, ILM_ERR_NOT_SUBMITTED, "decision",
                        "decision: application %lld is %s, not submitted", (long long)id,
                        ilm_application_status_name(a->status));
        ilm_errors_text(err, "status", ilm_application_status_name(a->status));
        rc = ILM_EINVAL;
        goto done;
    }
    char *copy = reason ? strdup(reason) : NULL;
    if (reason && !copy) {
        ilm_errors_add(err, "out of memory");
        rc = ILM_ENOMEM;
        goto done;
    }
    free(a->decision_reason);
    a->decision_reason = copy;
    a->decision = d;
    now_time(a->decided_at);
    if (d == ILM_DECISION_PENDING)
        a->decided_at[0] = '\0';
    if (d == ILM_DECISION_ACCEPTED && !a->has_start_gap) {
        ilm_eligibility e;
        if ((rc = ilm_app_eligibility(s, p, a, NULL, &e, err)))
            goto done;
        if (e.plan_id && e.plan_computed) {
            a->has_start_gap = true;
            a->start_plan_id = e.plan_id;
            a->start_gap = e.gap;
            now_time(a->start_gap_at);
        }
        ilm_eligibility_clear(&e);
    }
    int64_t saved;
    rc = ilm_app_application_save(s, a, true, NULL, &saved, err);
done:
    ilm_application_free(a);
    ilm_programme_free(p);
    return rc;
}

/* ---- peer groups ---- */

typedef struct member {
    int64_t application_id;
    char code[4];
    char key[160]; /* the sparring problem, folded; for "problem" */
    int size;      /* ilm_size_class */
} member;

static int member_order(const void *x, const void *y)
{
    const member *a = x, *b = y;
    int c = strcmp(a->key, b->key);
    if (c)
        return c;
    if (a->size != b->size)
        return a->size - b->size;
    return strcmp(a->code, b->code);
}

/* Lower case (ASCII), trimmed, spaces collapsed. */
static void fold(char *out, size_t n, const char *s)
{
    size_t o = 0;
    bool space = false;
    for (; s && *s && o + 1 < n; s++) {
        if (isspace((unsigned char)*s)) {
            space = o > 0;
            continue;
        }
        if (space && o + 2 < n)
            out[o++] = ' ';
        space = false;
        out[o++] = (char)tolower((unsigned char)*s);
    }
    out[o] = '\0';
}

int ilm_app_peer_groups_form(ilm_store *s, int64_t programme_id, const char *basis, int group_size,
                             ilm_errors *err)
{
    bool similarity = basis && strcmp(basis, "similarity") == 0;
    if (!basis || (!similarity && strcmp(basis, "problem") != 0)) {
        ilm_errors_addc(err, ILM_ERR_NOT_ONE_OF, "basis", "basis: expected similarity or problem");
        ilm_errors_text(err, "allowed", "similarity, problem");
        return ILM_EINVAL;
    }
    if (group_size < 2 || group_size > 10) {
        ilm_errors_addc(err, ILM_ERR_OUT_OF_RANGE, "size", "size: %d is outside 2..10", group_size);
        ilm_errors_num(err, "value", group_size);
        ilm_errors_num(err, "min", 2);
        ilm_errors_num(err, "max", 10);
        return ILM_EINVAL;
    }
    ilm_application **apps = NULL;
    size_t n_apps = 0, n = 0;
    member *m = NULL;
    double *dist = NULL;
    bool *used = NULL;
    ilm_peer_group *groups = NULL;
    size_t n_groups = 0;
    int rc = ilm_store_applications(s, programme_id, NULL, &apps, &n_apps, err);
    if (rc)
        return rc;
    m = calloc(n_apps + 1, sizeof *m);
    if (!m)
        goto oom;
    for (size_t i = 0; i < n_apps; i++) {
        if (apps[i]->decision != ILM_DECISION_ACCEPTED)
            continue;
        member *x = &m[n++];
        x->application_id = apps[i]->id;
        memcpy(x->code, apps[i]->code, 4);
        if (!similarity)
            fold(x->key, sizeof x->key, apps[i]->sparring_problem);
        ilm_applicant_facts f;
        if ((rc = ilm_app_applicant_facts(s, x->code, &f, err)))
            goto done;
        x->size = (int)f.size;
    }
    qsort(m, n, sizeof *m, member_order);
    size_t G = n ? (n + (size_t)group_size - 1) / (size_t)group_size : 0;
    groups = calloc(G + 1, sizeof *groups);
    used = calloc(n + 1, sizeof *used);
    dist = calloc(n * n + 1, sizeof *dist);
    if (!groups || !used || !dist)
        goto oom;
    if (similarity) {
        /* Distances among the cohort from the peer finder; a pair it does
         * not relate (another kind, or beyond its k) is far, and farther
         * still across size classes. */
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                dist[i * n + j] = i == j ? 0 : 1e6 + (m[i].size != m[j].size ? 1e3 : 0);
        for (size_t i = 0; i < n; i++) {
            ilm_peer_result r;
            ilm_errors quiet = {0};
            if (ilm_app_peers(s, m[i].code, ILM_PEERS_MAX_K, &r, &quiet) != 0)
                continue;
            for (size_t k = 0; k < r.n_peers; k++) {
                const char *code = r.inputs[r.peers[k].index].code;
                for (size_t j = 0; j < n; j++)
                    if (strcmp(m[j].code, code) == 0) {
                        double d = r.peers[k].distance;
                        if (d < dist[i * n + j]) {
                            dist[i * n + j] = d;
                            dist[j * n + i] = d;
                        }
                    }
            }
            ilm_peer_result_clear(&r);
        }
    }
    /* G groups; the first n % G (or all) get the larger size. */
    size_t base = G ? n / G : 0, extra = G ? n % G : 0, next = 0;
    for (size_t g = 0; g < G; g++) {
        size_t want = base + (g < extra);
        ilm_peer_group *pg = &groups[n_groups++];
        pg->application_ids = calloc(want + 1, sizeof *pg->application_ids);
        pg->name = malloc(ILM_NAME_MAX);
        if (!pg->application_ids || !pg->name)
            goto oom;
        snprintf(pg->basis, sizeof pg->basis, "%s", similarity ? "similarity" : "problem");
        if (similarity) {
            /* Seed: the first member left (by code order); then the one
             * nearest, on average, to those in the group. */
            size_t seed = 0;
            while (used[seed])
                seed++;
            used[seed] = true;
            pg->application_ids[pg->n_members++] = m[seed].application_id;
            size_t in[16] = {seed};
            size_t n_in = 1;
            while (pg->n_members < want) {
                size_t best = n;
                double best_d = 0;
                for (size_t j = 0; j < n; j++) {
                    if (used[j])
                        continue;
                    double d = 0;
                    for (size_t t = 0; t < n_in; t++)
                        d += dist[in[t] * n + j];
                    d /= (double)n_in;
                    if (best == n || d < best_d) {
                        best = j;
                        best_d = d;
                    }
                }
                used[best] = true;
                in[n_in++] = best;
                pg->application_ids[pg->n_members++] = m[best].application_id;
            }
            snprintf(pg->name, ILM_NAME_MAX, "Vertaisryhmä %zu", g + 1);
        } else {
            /* In (problem, size class, code) order: the same problem side
             * by side, then the same size. */
            snprintf(pg->name, ILM_NAME_MAX, "Vertaisryhmä %zu: %.150s", g + 1,
                     m[next].key[0] ? m[next].key : "muu");
            for (size_t t = 0; t < want; t++)
                pg->application_ids[pg->n_members++] = m[next++].application_id;
        }
    }
    rc = ilm_store_peer_groups_set(s, programme_id, groups, n_groups, err);
    goto done;
oom:
    ilm_errors_add(err, "out of memory");
    rc = ILM_ENOMEM;
done:
    for (size_t g = 0; g < n_groups; g++)
        groups[g].codes = NULL;
    ilm_peer_groups_free(groups, n_groups);
    ilm_applications_free(apps, n_apps);
    free(m);
    free(dist);
    free(used);
    return rc;
}

/* ---- the dashboard ---- */

void ilm_dashboard_clear(ilm_dashboard *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->rows[i].target.plan_name);
        ilm_decision_ref_clear(&d->rows[i].target.ref);
    }
    free(d->rows);
    ilm_programme_free(d->programme);
    memset(d, 0, sizeof *d);
}

/* Whether contact day `id` of p has taken place (its day is today or
 * before); an unknown day has not. */
static bool day_taken_place(const ilm_programme *p, int64_t id, const char *today)
{
    for (size_t i = 0; i < p->n_periods; i++)
        for (size_t j = 0; j < p->periods[i].n_days; j++)
            if (p->periods[i].days[j].id == id)
                return strcmp(p->periods[i].days[j].day, today) <= 0;
    return false;
}

int ilm_app_dashboard(ilm_store *s, int64_t programme_id, ilm_dashboard *out, ilm_errors *err)
{
    memset(out, 0, sizeof *out);
    ilm_application **apps = NULL;
    size_t n_apps = 0, n_att = 0;
    ilm_attendance *att = NULL;
    int rc = ilm_store_programme_load(s, programme_id, &out->programme, err);
    if (!rc)
        rc = ilm_store_applications(s, programme_id, NULL, &apps, &n_apps, err);
    if (!rc)
        rc = ilm_store_attendance(s, programme_id, &att, &n_att, err);
    if (rc)
        goto done;
    const ilm_programme *p = out->programme;
    snprintf(out->began, sizeof out->began, "%s",
             p->n_periods ? p->periods[0].starts : p->apply_until);
    out->contact_days = ilm_programme_contact_days(p);
    /* Only days that have taken place count: marks on a later day (kept
     * from before the day moved) wait until it comes. */
    char today[ILM_DATE_LEN];
    ilm_date_today(today);
    size_t kept = 0;
    for (size_t i = 0; i < n_att; i++)
        if (day_taken_place(p, att[i].contact_day_id, today))
            att[kept++] = att[i];
    n_att = kept;
    for (size_t i = 0; i < n_att; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = att[j].contact_day_id == att[i].contact_day_id;
        out->days_held += !seen;
    }
    out->rows = calloc(n_apps + 1, sizeof *out->rows);
    if (!out->rows) {
        ilm_errors_add(err, "out of memory");
        rc = ILM_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < n_apps; i++) {
        const ilm_application *a = apps[i];
        if (a->decision != ILM_DECISION_ACCEPTED)
            continue;
        ilm_dashboard_row *r = &out->rows[out->n++];
        r->application_id = a->id;
        memcpy(r->code, a->code, 4);
        snprintf(r->invoiced_at, sizeof r->invoiced_at, "%s", a->invoiced_at);
        snprintf(r->paid_at, sizeof r->paid_at, "%s", a->paid_at);
        ilm_applicant_facts f;
        if ((rc = ilm_app_applicant_facts(s, a->code, &f, err)))
            goto done;
        snprintf(r->name, sizeof r->name, "%s", f.name);
        ilm_eligibility e;
        if ((rc = ilm_app_eligibility(s, p, a, NULL, &e, err)))
            goto done;
        if (e.has_council_target) {
            r->has_target = true;
            r->target = e.council;
            memset(&e.council, 0, sizeof e.council); /* moved */
            r->target_since_start = strcmp(r->target.ref.date, out->began) >= 0;
        }
        r->has_start_gap = a->has_start_gap;
        r->start_gap = a->start_gap;
        int64_t plan = a->has_start_gap && a->start_plan_id ? a->start_plan_id : e.plan_id;
        ilm_eligibility_clear(&e);
        if (plan) {
            size_t classes[3];
            char why[ILM_ERROR_LEN];
            if (run_plan(s, plan, classes, &r->gap_now, &r->easy_share, &r->has_easy_share, why,
                         sizeof why) == 0)
                r->has_gap_now = true;
        }
        ilm_sparring_entry *log = NULL;
        size_t n_log = 0;
        if ((rc = ilm_store_sparring(s, a->id, &log, &n_log, err)))
            goto done;
        for (size_t k = 0; k < n_log; k++)
            if (log[k].kind == ILM_SPARRING_COMMITMENT) {
                if (log[k].done)
                    r->commitments_done++;
                else
                    r->commitments_open++;
            }
        ilm_sparring_entries_free(log, n_log);
        for (size_t k = 0; k < n_att; k++) {
            if (att[k].application_id != a->id)
                continue;
            r->attendance_recorded++;
            if (!att[k].present)
                continue;
            r->attendance_present++;
            bool seen = false;
            for (size_t j = 0; j < k && !seen; j++)
                seen = att[j].application_id == a->id && att[j].present &&
                       att[j].contact_day_id == att[k].contact_day_id;
            r->days_attended += !seen;
        }
    }
done:
    ilm_applications_free(apps, n_apps);
    free(att);
    if (rc)
        ilm_dashboard_clear(out);
    return rc;
}
