/* The facts of a plan that every document shows, gathered once: the plan
 * on the current inventory, the model run (the same call and options as
 * `ilmava pathway --plan ID`), the municipality, the inventory by year in
 * the three scopes, its sources and the plan's decision records. Also the
 * sector names and colours.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

/* The UI's sector colours (web/assets/charts.js), so that the documents'
 * charts look like the screens'. */
static const struct {
    const char *key, *color;
} colors[] = {
    {"electricity", "#E6B400"},      {"electric_heating", "#F28E2B"},
    {"district_heating", "#D55E00"}, {"oil_heating", "#8C3D10"},
    {"other_heating", "#E8A27C"},    {"industry", "#6E6E6E"},
    {"machinery", "#A6761D"},        {"road_transport", "#0072B2"},
    {"rail_transport", "#56B4E9"},   {"water_transport", "#1B3F73"},
    {"agriculture", "#009E73"},      {"waste", "#7B4F9E"},
    {"f_gases", "#CC79A7"},
};

const ilm_sector *report_sector(const report_facts *f, const char *key)
{
    for (size_t i = 0; key && i < f->n_sectors; i++)
        if (strcmp(f->sectors[i].key, key) == 0)
            return &f->sectors[i];
    return NULL;
}

const char *report_sector_name(const report_facts *f, const char *key, const char *lang)
{
    const ilm_sector *s = report_sector(f, key);
    if (!s)
        return key ? key : "";
    return strcmp(lang, "sv") == 0 ? s->name_sv : strcmp(lang, "en") == 0 ? s->name_en : s->name_fi;
}

const char *report_sector_color(const char *key)
{
    for (size_t i = 0; i < sizeof colors / sizeof colors[0]; i++)
        if (key && strcmp(key, colors[i].key) == 0)
            return colors[i].color;
    return "#999999";
}

char *report_kt(char *buf, double t, const char *lang)
{
    return ilm_doc_number(buf, t / 1000, 1, lang);
}

char *report_share(char *buf, double fraction, const char *lang)
{
    double tenths = round(fraction * 1000);
    bool whole = isfinite(tenths) && fmod(tenths, 10) == 0;
    return ilm_doc_percent(buf, fraction, whole ? 0 : 1, lang);
}

static int by_owner(const void *x, const void *y)
{
    const report_measure *a = x, *b = y;
    int c = strcmp(a->owner, b->owner);
    return c ? c : strcmp(a->name, b->name);
}

report_measure *report_measures_by_owner(const report_facts *f, const char *no_owner)
{
    const ilm_result *r = f->result;
    report_measure *v = r->n_measures ? calloc(r->n_measures, sizeof *v) : NULL;
    if (!v)
        return NULL;
    for (size_t i = 0; i < r->n_measures; i++) {
        const ilm_measure *m = &f->plan->measures[r->measures[i].plan_index];
        v[i] = (report_measure){m, &r->measures[i],
                                m->responsible && *m->responsible ? m->responsible : no_owner,
                                m->name && *m->name ? m->name : m->id};
    }
    qsort(v, r->n_measures, sizeof *v, by_owner);
    return v;
}

void report_date(char *out, size_t n, const char *iso, const char *lang)
{
    int y = 0, m = 0, d = 0;
    if (!iso || sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3) {
        snprintf(out, n, "%s", iso ? iso : "");
        return;
    }
    static const char *const months[] = {"January",   "February", "March",    "April",
                                         "May",       "June",     "July",     "August",
                                         "September", "October",  "November", "December"};
    if (strcmp(lang, "en") == 0 && m >= 1 && m <= 12)
        snprintf(out, n, "%d %s %d", d, months[m - 1], y);
    else
        snprintf(out, n, "%d.%d.%d", d, m, y);
}

const report_year *report_year_find(const report_facts *f, int year)
{
    for (size_t i = 0; i < f->n_years; i++)
        if (f->years[i].year == year)
            return &f->years[i];
    return NULL;
}

double report_year_scope(const report_year *y, ilm_scope scope)
{
    return scope == ILM_SCOPE_NON_ETS ? y->non_ets : scope == ILM_SCOPE_HINKU ? y->hinku : y->total;
}

void report_facts_clear(report_facts *f)
{
    ilm_result_free(f->result);
    ilm_plan_free(f->plan);
    ilm_municipality_clear(&f->muni);
    free(f->years);
    ilm_inventory_view_clear(&f->total);
    ilm_plan_decisions_free(f->decisions, f->n_decisions);
    ilm_sectors_free(f->sectors, f->n_sectors);
    memset(f, 0, sizeof *f);
}

/* Adds a view's yearly sums into the years, in the field at `offset`. */
static int add_scope(ilm_store *s, const char *code, ilm_scope scope, report_facts *f,
                     size_t offset, ilm_errors *err)
{
    ilm_inventory_view v = {0};
    ilm_inventory_view *view = scope == ILM_SCOPE_TOTAL ? &f->total : &v;
    int rc = ilm_store_inventory(s, code, scope, 0, 0, view, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < view->n_rows; i++) {
        const ilm_inventory_view_row *r = &view->rows[i];
        report_year *y = (report_year *)report_year_find(f, r->year);
        if (!y) {
            report_year *grown = realloc(f->years, (f->n_years + 1) * sizeof *grown);
            if (!grown) {
                rc = ILM_ENOMEM;
                break;
            }
            f->years = grown;
            /* Rows come by year ascending: appending keeps the order. */
            y = &f->years[f->n_years++];
            memset(y, 0, sizeof *y);
            y->year = r->year;
        }
        *(double *)((char *)y + offset) += r->t;
    }
    if (rc)
        ilm_errors_add(err, "report: out of memory");
    ilm_inventory_view_clear(&v);
    return rc;
}

static int by_year(const void *a, const void *b)
{
    const report_year *x = a, *y = b;
    return (x->year > y->year) - (x->year < y->year);
}

int report_facts_load(ilm_store *s, int64_t plan_id, report_facts *f, ilm_errors *err)
{
    memset(f, 0, sizeof *f);
    int rc = ilm_store_plan_load(s, plan_id, &f->plan, err);
    if (rc)
        goto fail;
    if (!(f->plan->reduction > 0)) {
        ilm_errors_add(err,
                       "plan %lld has no target: its reduction is 0; set target.reduction first",
                       (long long)plan_id);
        rc = ILM_EINVAL;
        goto fail;
    }
    ilm_run_options opt = ilm_run_options_default();
    /* The draws the UI shows too (web/assets/views-plan.js, drawsOf): a
     * plan without its own gets REPORT_DEFAULT_DRAWS, never "not computed"
     * here beside a probability on the screen. */
    if (f->plan->draws <= 0)
        opt.draws = REPORT_DEFAULT_DRAWS;
    rc = ilm_model_run(f->plan, &opt, &f->result, err);
    if (rc)
        goto fail;
    rc = ilm_store_municipality_find(s, f->plan->municipality_code, &f->muni, err);
    if (!rc)
        rc = ilm_store_sectors(s, &f->sectors, &f->n_sectors, err);
    if (!rc)
        rc = add_scope(s, f->plan->municipality_code, ILM_SCOPE_TOTAL, f,
                       offsetof(report_year, total), err);
    if (!rc)
        rc = add_scope(s, f->plan->municipality_code, ILM_SCOPE_NON_ETS, f,
                       offsetof(report_year, non_ets), err);
    if (!rc)
        rc = add_scope(s, f->plan->municipality_code, ILM_SCOPE_HINKU, f,
                       offsetof(report_year, hinku), err);
    if (rc)
        goto fail;
    if (f->n_years)
        qsort(f->years, f->n_years, sizeof *f->years, by_year);

    ilm_plan_decision *all = NULL;
    size_t n_all = 0;
    rc = ilm_store_plan_decisions(s, f->plan->municipality_code, &all, &n_all, err);
    if (rc)
        goto fail;
    /* Keep this plan's: move them to the front, free the rest. */
    for (size_t i = 0; i < n_all; i++) {
        if (all[i].plan_id != plan_id)
            continue;
        ilm_plan_decision tmp = all[f->n_decisions];
        all[f->n_decisions] = all[i];
        all[i] = tmp;
        f->n_decisions++;
    }
    for (size_t i = f->n_decisions; i < n_all; i++) {
        free(all[i].plan_name);
        ilm_decision_ref_clear(&all[i].ref);
    }
    f->decisions = all;
    return 0;
fail:
    report_facts_clear(f);
    return rc;
}

/* ---- measures that do not count toward the target (plan model 1.1) ---- */

const char *report_out_of_scope_label(const char *lang)
{
    if (!lang)
        lang = "fi";
    return strcmp(lang, "sv") == 0   ? "utanför målet"
           : strcmp(lang, "en") == 0 ? "outside the target's scope"
                                     : "tavoitteen ulkopuolella";
}

const char *report_scope_reason(const report_facts *f, const ilm_measure *m, bool computed,
                                const char *lang)
{
    /* fi, sv, en: computed outside the scope; ETS industry, another ETS
     * stream under Hinku; no inventory otherwise. */
    static const char *const why[3][4] = {
        {"päästökauppasektori ei kuulu tavoitteeseen, joka rajaa päästökaupan pois",
         "päästökauppateollisuus ei kuulu Hinku-laskentaan",
         "päästökaupan piiriin kuuluva osa ei kuulu Hinku-laskentaan",
         "päästöinventaariossa ei ole tätä päästölähdettä"},
        {"utsläppshandeln ingår inte i ett mål som avgränsar bort utsläppshandeln",
         "industrin inom utsläppshandeln ingår inte i Hinku-beräkningen",
         "delen inom utsläppshandeln ingår inte i Hinku-beräkningen",
         "utsläppsinventeringen har inte denna utsläppskälla"},
        {"emissions trading is not part of a target that leaves the EU-ETS out",
         "ETS industry is not counted in the Hinku calculation",
         "the emissions-trading part is not counted in the Hinku calculation",
         "the emission inventory has no such source"},
    };
    int l = !lang ? 0 : strcmp(lang, "sv") == 0 ? 1 : strcmp(lang, "en") == 0 ? 2 : 0;
    int k = computed ? 0
            : f->plan->scope == ILM_SCOPE_HINKU && m->ets
                ? (strcmp(m->sector, "industry") == 0 ? 1 : 2)
                : 3;
    return why[l][k];
}

/* Appends "name (reason)" to a growing list, separated by "; ". */
static bool list_add(char **buf, size_t *len, size_t *cap, const char *name, const char *why)
{
    size_t need = *len + strlen(name) + strlen(why) + 8;
    if (need > 1u << 20) /* a hard cap: a plan has at most ILM_MAX_MEASURES */
        return false;
    if (need > *cap) {
        size_t c = need * 2;
        char *b = realloc(*buf, c);
        if (!b)
            return false;
        *buf = b;
        *cap = c;
    }
    *len += (size_t)snprintf(*buf + *len, *cap - *len, "%s%s (%s)", *len ? "; " : "", name, why);
    return true;
}

void report_out_of_scope_para(ilm_doc *d, const report_facts *f, const char *lang)
{
    const ilm_result *r = f->result;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    if (!lang)
        lang = "fi";
    bool ok = true;
    for (size_t i = 0; ok && i < r->n_measures; i++)
        if (!r->measures[i].in_scope) {
            const ilm_measure *m = &f->plan->measures[r->measures[i].plan_index];
            ok = list_add(&buf, &len, &cap, m->name && *m->name ? m->name : m->id,
                          report_scope_reason(f, m, true, lang));
        }
    for (size_t i = 0; ok && i < r->n_not_computed; i++)
        if (r->not_computed[i].reason == ILM_NC_NO_INVENTORY) {
            const ilm_measure *m = &f->plan->measures[r->not_computed[i].plan_index];
            ok = list_add(&buf, &len, &cap, m->name && *m->name ? m->name : m->id,
                          report_scope_reason(f, m, false, lang));
        }
    if (ok && len)
        ilm_doc_para(d,
                     strcmp(lang, "sv") == 0 ? "Dessa åtgärder räknas inte in i målets "
                                               "utsläppsminskning: %s."
                     : strcmp(lang, "en") == 0
                         ? "These measures are not counted in the target's emission cut: %s."
                         : "Näitä toimenpiteitä ei lasketa tavoitteen päästövähennykseen: %s.",
                     buf);
    free(buf);
}

bool report_published_total(const report_facts *f, int year, double *t)
{
    for (size_t i = 0; i < f->total.n_published; i++)
        if (f->total.published[i].year == year) {
            *t = f->total.published[i].value;
            return true;
        }
    return false;
}

/* s with each "{a|b}" replaced by a (city false) or b (city true);
 * malloc'ed, or NULL when out of memory. */
static char *forms_expand(const char *s, bool city)
{
    size_t n = strlen(s);
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (const char *p = s; *p;) {
        const char *bar = *p == '{' ? strchr(p, '|') : NULL;
        const char *end = bar ? strchr(bar, '}') : NULL;
        if (!end || memchr(p + 1, '}', (size_t)(bar - p - 1))) {
            out[o++] = *p++;
            continue;
        }
        const char *from = city ? bar + 1 : p + 1;
        size_t len = city ? (size_t)(end - bar - 1) : (size_t)(bar - p - 1);
        memcpy(out + o, from, len);
        o += len;
        p = end + 1;
    }
    out[o] = '\0';
    return out;
}

int report_forms_apply(const char *const *src, const char **dst, size_t n, bool city, char ***owned)
{
    *owned = calloc(n + 1, sizeof **owned);
    if (!*owned)
        return ILM_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        dst[i] = src[i];
        if (!src[i] || !strchr(src[i], '{'))
            continue;
        char *x = forms_expand(src[i], city);
        if (!x) {
            report_forms_free(*owned);
            *owned = NULL;
            return ILM_ENOMEM;
        }
        (*owned)[k++] = x;
        dst[i] = x;
    }
    return 0;
}

void report_forms_free(char **owned)
{
    if (!owned)
        return;
    for (char **p = owned; *p; p++)
        free(*p);
    free(owned);
}
