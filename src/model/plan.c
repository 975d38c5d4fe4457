/* The plan record: allocation, copying, enum names and value validation
 * (spec/plan-model.md section 1).
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ilmava/plan.h"

ilm_plan *ilm_plan_new(void)
{
    ilm_plan *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->format = ILM_PLAN_FORMAT;
    p->scope = ILM_SCOPE_TOTAL;
    p->discount_rate = 0.04;
    p->seed = 1;
    p->easy_max_eur_per_t = 50;
    p->hard_min_eur_per_t = 150;
    return p;
}

void ilm_measure_clear(ilm_measure *m)
{
    free(m->id);
    free(m->name);
    free(m->sector);
    free(m->responsible);
    free(m->notes);
    memset(m, 0, sizeof *m);
}

void ilm_plan_free(ilm_plan *p)
{
    if (!p)
        return;
    free(p->name);
    free(p->municipality_code);
    free(p->municipality_name);
    for (size_t i = 0; i < p->n_inventory; i++)
        free(p->inventory[i].sector);
    free(p->inventory);
    free(p->population);
    for (size_t i = 0; i < p->n_trends; i++)
        free(p->trends[i].sector);
    free(p->trends);
    for (size_t i = 0; i < p->n_measures; i++)
        ilm_measure_clear(&p->measures[i]);
    free(p->measures);
    free(p);
}

/* strdup that keeps NULL as NULL; sets *oom on failure. */
static char *dup_or_null(const char *s, bool *oom)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        *oom = true;
    return d;
}

/* Copies n elements of size sz; NULL for n == 0. */
static void *dup_array(const void *src, size_t n, size_t sz, bool *oom)
{
    if (n == 0)
        return NULL;
    void *d = malloc(n * sz);
    if (!d) {
        *oom = true;
        return NULL;
    }
    memcpy(d, src, n * sz);
    return d;
}

ilm_plan *ilm_plan_clone(const ilm_plan *p)
{
    ilm_plan *c = malloc(sizeof *c);
    if (!c)
        return NULL;
    *c = *p;
    bool oom = false;
    c->name = dup_or_null(p->name, &oom);
    c->municipality_code = dup_or_null(p->municipality_code, &oom);
    c->municipality_name = dup_or_null(p->municipality_name, &oom);
    c->inventory = dup_array(p->inventory, p->n_inventory, sizeof *p->inventory, &oom);
    c->population = dup_array(p->population, p->n_population, sizeof *p->population, &oom);
    c->trends = dup_array(p->trends, p->n_trends, sizeof *p->trends, &oom);
    c->measures = dup_array(p->measures, p->n_measures, sizeof *p->measures, &oom);
    /* Element strings still point into p; give the copy its own, or NULL
     * them so that freeing a half-built copy is safe. */
    for (size_t i = 0; i < p->n_inventory; i++)
        if (c->inventory)
            c->inventory[i].sector = dup_or_null(p->inventory[i].sector, &oom);
    for (size_t i = 0; i < p->n_trends; i++)
        if (c->trends)
            c->trends[i].sector = dup_or_null(p->trends[i].sector, &oom);
    for (size_t i = 0; i < p->n_measures; i++) {
        if (!c->measures)
            break;
        ilm_measure *m = &c->measures[i];
        const ilm_measure *s = &p->measures[i];
        m->id = dup_or_null(s->id, &oom);
        m->name = dup_or_null(s->name, &oom);
        m->sector = dup_or_null(s->sector, &oom);
        m->responsible = dup_or_null(s->responsible, &oom);
        m->notes = dup_or_null(s->notes, &oom);
    }
    if (!c->inventory)
        c->n_inventory = 0;
    if (!c->trends)
        c->n_trends = 0;
    if (!c->measures)
        c->n_measures = 0;
    if (!c->population)
        c->n_population = 0;
    if (oom) {
        ilm_plan_free(c);
        return NULL;
    }
    return c;
}

int ilm_plan_last_year(const ilm_plan *p)
{
    int last = 0;
    for (size_t i = 0; i < p->n_inventory; i++)
        if (p->inventory[i].year > last)
            last = p->inventory[i].year;
    return last;
}

int ilm_plan_horizon(const ilm_plan *p)
{
    return p->horizon ? p->horizon : p->target_year;
}

static const char *const scope_names[] = {"total", "non_ets", "hinku"};
static const char *const control_names[] = {"own", "steer", "influence", "none"};
static const char *const status_names[] = {"idea", "planned", "ongoing", "done",
                                           "cancelled"};

const char *ilm_scope_name(ilm_scope s) { return scope_names[s]; }
const char *ilm_control_name(ilm_control c) { return control_names[c]; }
const char *ilm_status_name(ilm_status s) { return status_names[s]; }

static int lookup(const char *s, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

int ilm_scope_parse(const char *s, ilm_scope *out)
{
    int i = lookup(s, scope_names, 3);
    if (i < 0)
        return ILM_EINVAL;
    *out = (ilm_scope)i;
    return 0;
}

int ilm_control_parse(const char *s, ilm_control *out)
{
    int i = lookup(s, control_names, 4);
    if (i < 0)
        return ILM_EINVAL;
    *out = (ilm_control)i;
    return 0;
}

int ilm_status_parse(const char *s, ilm_status *out)
{
    int i = lookup(s, status_names, 5);
    if (i < 0)
        return ILM_EINVAL;
    *out = (ilm_status)i;
    return 0;
}

/* ---- validation ---- */

static bool stream_in_inventory(const ilm_plan *p, const char *sector, bool ets)
{
    for (size_t i = 0; i < p->n_inventory; i++)
        if (p->inventory[i].ets == ets && strcmp(p->inventory[i].sector, sector) == 0)
            return true;
    return false;
}

static bool sector_in_inventory(const ilm_plan *p, const char *sector)
{
    return stream_in_inventory(p, sector, false) || stream_in_inventory(p, sector, true);
}

/* The keys of spec/sectors.md. The store seeds its sector table from the
 * same list (sql/001_init.sql) and checks a stored plan's keys against it. */
static const char *const known_sectors[] = {
    "electricity",    "electric_heating", "district_heating", "oil_heating",
    "other_heating",  "industry",         "machinery",        "road_transport",
    "rail_transport", "water_transport",  "agriculture",      "waste",
    "f_gases"};

bool ilm_sector_known(const char *key)
{
    for (size_t i = 0; key && i < sizeof known_sectors / sizeof known_sectors[0]; i++)
        if (strcmp(known_sectors[i], key) == 0)
            return true;
    return false;
}

/* A sector key a measure or a trend may name: one the inventory has (a plan
 * document may use its own keys), or a standard one. A stream without
 * records is not an error (spec 1.1): the model computes it as absent. */
static bool sector_usable(const ilm_plan *p, const char *sector)
{
    return ilm_sector_known(sector) || sector_in_inventory(p, sector);
}

static int cmp_inventory(const void *a, const void *b)
{
    const ilm_inventory_row *x = *(const ilm_inventory_row *const *)a;
    const ilm_inventory_row *y = *(const ilm_inventory_row *const *)b;
    if (x->year != y->year)
        return x->year < y->year ? -1 : 1;
    int c = strcmp(x->sector, y->sector);
    if (c)
        return c;
    return (int)x->ets - (int)y->ets;
}

/* Duplicate (year, sector, ets) records, found by sorting pointers so that a
 * large inventory stays O(n log n). Reports the later record of each pair. */
static void check_inventory_duplicates(const ilm_plan *p, ilm_errors *err, bool *bad)
{
    size_t n = p->n_inventory;
    if (n < 2)
        return;
    const ilm_inventory_row **v = malloc(n * sizeof *v);
    if (!v) {
        ilm_errors_add(err, "out of memory while checking the inventory");
        *bad = true;
        return;
    }
    for (size_t i = 0; i < n; i++)
        v[i] = &p->inventory[i];
    qsort(v, n, sizeof *v, cmp_inventory);
    for (size_t i = 1; i < n; i++) {
        if (cmp_inventory(&v[i - 1], &v[i]) == 0) {
            size_t a = (size_t)(v[i - 1] - p->inventory), b = (size_t)(v[i] - p->inventory);
            if (a > b) {
                size_t t = a;
                a = b;
                b = t;
            }
            char f[ILM_ERROR_FIELD_LEN];
            snprintf(f, sizeof f, "inventory[%zu]", b);
            ilm_errors_addc(err, ILM_ERR_DUPLICATE_RECORD, f,
                            "%s: duplicate record for year %d, sector "
                            "\"%s\", ets %s (first at inventory[%zu])",
                            f, v[i]->year, v[i]->sector, v[i]->ets ? "true" : "false", a);
            ilm_errors_num(err, "year", v[i]->year);
            ilm_errors_text(err, "sector", v[i]->sector);
            *bad = true;
        }
    }
    free(v);
}

/* "measures[i].lifetime: 0.5 is below 1". */
static void below_one(ilm_errors *err, char *f, size_t fn, size_t i, double lifetime)
{
    char a[32];
    snprintf(f, fn, "measures[%zu].lifetime", i);
    ilm_errors_addc(err, ILM_ERR_BELOW_MIN, f, "%s: %s is below 1", f,
                    ilm_format_number(a, lifetime));
    ilm_errors_num(err, "value", lifetime);
    ilm_errors_num(err, "min", 1);
}

static void check_measure(const ilm_plan *p, size_t i, int target_year, ilm_errors *err, bool *bad)
{
    const ilm_measure *m = &p->measures[i];
    char a[32], b[32], c[32], f[ILM_ERROR_FIELD_LEN];
    const char *what = m->is_absolute ? "absolute_t" : "share";
    const char *range = m->is_absolute ? "absolute_range" : "share_range";
    (void)target_year;
#define FIELD(key) snprintf(f, sizeof f, "measures[%zu].%s", i, key)

    for (size_t j = 0; j < i; j++)
        if (strcmp(p->measures[j].id, m->id) == 0) {
            FIELD("id");
            ilm_errors_addc(err, ILM_ERR_DUPLICATE_ID, f,
                            "%s: \"%s\" is already used by measures[%zu]", f, m->id, j);
            ilm_errors_text(err, "value", m->id);
            *bad = true;
            break;
        }
    if (!sector_usable(p, m->sector)) {
        FIELD("sector");
        ilm_errors_addc(err, ILM_ERR_UNKNOWN_SECTOR, f,
                        "%s: no inventory records for sector \"%s\", and "
                        "it is not a known sector key",
                        f, m->sector);
        ilm_errors_text(err, "value", m->sector);
        *bad = true;
    }
    if (m->full < m->start) {
        FIELD("full");
        ilm_errors_addc(err, ILM_ERR_BEFORE_START, f, "%s: %d is before start %d", f, m->full,
                        m->start);
        ilm_errors_num(err, "value", m->full);
        ilm_errors_num(err, "start", m->start);
        *bad = true;
    }
    if (!m->is_absolute && !(m->amount >= 0 && m->amount <= 1)) {
        FIELD("share");
        ilm_errors_addc(err, ILM_ERR_NOT_SHARE, f, "%s: %s is outside 0..1", f,
                        ilm_format_number(a, m->amount));
        ilm_errors_num(err, "value", m->amount);
        *bad = true;
    }
    if (m->is_absolute && !(m->amount >= 0)) {
        FIELD("absolute_t");
        ilm_errors_addc(err, ILM_ERR_NEGATIVE, f, "%s: %s is negative", f,
                        ilm_format_number(a, m->amount));
        ilm_errors_num(err, "value", m->amount);
        *bad = true;
    }
    if (m->has_range) {
        const double *r = m->range;
        if (!(r[0] <= r[1] && r[1] <= r[2])) {
            FIELD(range);
            ilm_errors_addc(
                err, ILM_ERR_RANGE_ORDER, f, "%s: [%s, %s, %s] is not low <= mode <= high", f,
                ilm_format_number(a, r[0]), ilm_format_number(b, r[1]), ilm_format_number(c, r[2]));
            ilm_errors_num(err, "low", r[0]);
            ilm_errors_num(err, "mode", r[1]);
            ilm_errors_num(err, "high", r[2]);
            *bad = true;
        } else if (!m->is_absolute && !(r[0] >= 0 && r[2] <= 1)) {
            FIELD("share_range");
            ilm_errors_addc(err, ILM_ERR_RANGE_NOT_SHARE, f, "%s: [%s, %s, %s] is outside 0..1", f,
                            ilm_format_number(a, r[0]), ilm_format_number(b, r[1]),
                            ilm_format_number(c, r[2]));
            ilm_errors_num(err, "low", r[0]);
            ilm_errors_num(err, "mode", r[1]);
            ilm_errors_num(err, "high", r[2]);
            *bad = true;
        } else if (m->is_absolute && !(r[0] >= 0)) {
            FIELD("absolute_range");
            ilm_errors_addc(err, ILM_ERR_NEGATIVE, f, "%s: low %s is negative", f,
                            ilm_format_number(a, r[0]));
            ilm_errors_num(err, "value", r[0]);
            *bad = true;
        }
        if (r[1] != m->amount) {
            FIELD(range);
            ilm_errors_addc(err, ILM_ERR_MODE_DIFFERS, f, "%s: mode %s differs from %s %s", f,
                            ilm_format_number(a, r[1]), what, ilm_format_number(b, m->amount));
            ilm_errors_num(err, "mode", r[1]);
            ilm_errors_num(err, "value", m->amount);
            *bad = true;
        }
    }
    if (!(m->capex >= 0)) {
        FIELD("capex");
        ilm_errors_addc(err, ILM_ERR_NEGATIVE, f, "%s: %s is negative", f,
                        ilm_format_number(a, m->capex));
        ilm_errors_num(err, "value", m->capex);
        *bad = true;
    }
    if (!isfinite(m->opex)) {
        FIELD("opex");
        ilm_errors_addc(err, ILM_ERR_NOT_FINITE, f, "%s: not a finite number", f);
        *bad = true;
    }
    if (m->capex > 0 && !(m->lifetime >= 1)) {
        if (m->lifetime == 0) {
            FIELD("lifetime");
            ilm_errors_addc(err, ILM_ERR_LIFETIME_REQUIRED, f, "%s: required when capex > 0", f);
        } else {
            below_one(err, f, sizeof f, i, m->lifetime);
        }
        *bad = true;
    } else if (m->lifetime != 0 && !(m->lifetime >= 1)) {
        below_one(err, f, sizeof f, i, m->lifetime);
        *bad = true;
    }
#undef FIELD
}

/* Numbers and years that JSON cannot carry but a plan built in memory (from
 * the store, or by a caller) can: infinities, NaN, years off the calendar.
 * Caught first, so that the rules below compare ordinary values. */
static void check_finite(ilm_errors *err, bool *bad, double v, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void check_finite(ilm_errors *err, bool *bad, double v, const char *fmt, ...)
{
    if (isfinite(v))
        return;
    char field[96];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(field, sizeof field, fmt, ap);
    va_end(ap);
    ilm_errors_addc(err, ILM_ERR_NOT_FINITE, field, "%s: not a finite number", field);
    *bad = true;
}

static void check_year(ilm_errors *err, bool *bad, int year, const char *field, size_t i,
                       const char *key)
{
    if (year >= ILM_MIN_YEAR && year <= ILM_MAX_YEAR)
        return;
    char f[ILM_ERROR_FIELD_LEN];
    if (key)
        snprintf(f, sizeof f, "%s[%zu].%s", field, i, key);
    else
        snprintf(f, sizeof f, "%s", field);
    ilm_errors_addc(err, ILM_ERR_OUT_OF_RANGE, f, "%s: %d is outside %d..%d", f, year, ILM_MIN_YEAR,
                    ILM_MAX_YEAR);
    ilm_errors_num(err, "value", year);
    ilm_errors_num(err, "min", ILM_MIN_YEAR);
    ilm_errors_num(err, "max", ILM_MAX_YEAR);
    *bad = true;
}

static bool values_finite(const ilm_plan *p, ilm_errors *err)
{
    bool bad = false;
    for (size_t i = 0; i < p->n_inventory; i++) {
        check_finite(err, &bad, p->inventory[i].t, "inventory[%zu].t", i);
        check_year(err, &bad, p->inventory[i].year, "inventory", i, "year");
    }
    for (size_t i = 0; i < p->n_population; i++)
        check_finite(err, &bad, p->population[i].n, "population[%zu].n", i);
    for (size_t i = 0; i < p->n_trends; i++)
        check_finite(err, &bad, p->trends[i].rate, "baseline.trend.%s", p->trends[i].sector);
    check_finite(err, &bad, p->default_trend, "baseline.default_trend");
    check_finite(err, &bad, p->trend_sd, "baseline.trend_sd");
    check_finite(err, &bad, p->reduction, "target.reduction");
    check_year(err, &bad, p->base_year, "target.base_year", 0, NULL);
    check_year(err, &bad, p->target_year, "target.target_year", 0, NULL);
    check_finite(err, &bad, p->discount_rate, "settings.discount_rate");
    check_finite(err, &bad, p->easy_max_eur_per_t, "settings.easy_max_eur_per_t");
    check_finite(err, &bad, p->hard_min_eur_per_t, "settings.hard_min_eur_per_t");
    for (size_t i = 0; i < p->n_measures; i++) {
        const ilm_measure *m = &p->measures[i];
        check_finite(err, &bad, m->amount, "measures[%zu].%s", i,
                     m->is_absolute ? "absolute_t" : "share");
        for (int k = 0; m->has_range && k < 3; k++)
            check_finite(err, &bad, m->range[k], "measures[%zu].%s[%d]", i,
                         m->is_absolute ? "absolute_range" : "share_range", k);
        check_finite(err, &bad, m->capex, "measures[%zu].capex", i);
        check_finite(err, &bad, m->opex, "measures[%zu].opex", i);
        check_finite(err, &bad, m->lifetime, "measures[%zu].lifetime", i);
        check_year(err, &bad, m->start, "measures", i, "start");
        check_year(err, &bad, m->full, "measures", i, "full");
    }
    return !bad;
}

/* The caps on the plan's free texts (ILM_TEXT_*). The municipality's name
 * is the register's, not the plan's, and is not checked here. */
static bool check_texts(const ilm_plan *p, ilm_errors *err)
{
    bool bad = ilm_text_check(err, "name", p->name, ILM_TEXT_NAME) != 0;
    for (size_t i = 0; i < p->n_measures; i++) {
        const ilm_measure *m = &p->measures[i];
        static const char *const keys[] = {"id", "name", "responsible", "notes"};
        const char *vals[] = {m->id, m->name, m->responsible, m->notes};
        const size_t caps[] = {ILM_TEXT_KEY, ILM_TEXT_NAME, ILM_TEXT_NAME, ILM_TEXT_LONG};
        for (size_t k = 0; k < 4; k++) {
            char field[64];
            snprintf(field, sizeof field, "measures[%zu].%s", i, keys[k]);
            if (ilm_text_check(err, field, vals[k], caps[k]))
                bad = true;
        }
    }
    return bad;
}

int ilm_plan_validate(const ilm_plan *p, ilm_errors *err)
{
    bool bad = false;
    char a[32];

    if (!values_finite(p, err))
        return ILM_EINVAL;

    if (p->n_inventory == 0) {
        ilm_errors_addc(err, ILM_ERR_NO_INVENTORY, "inventory", "inventory: no records");
        return ILM_EINVAL;
    }
    for (size_t i = 0; i < p->n_inventory; i++) {
        const ilm_inventory_row *r = &p->inventory[i];
        if (!(r->t >= 0)) {
            char f[ILM_ERROR_FIELD_LEN];
            snprintf(f, sizeof f, "inventory[%zu].t", i);
            ilm_errors_addc(err, ILM_ERR_NEGATIVE, f, "%s: %s is negative (year %d, sector \"%s\")",
                            f, ilm_format_number(a, r->t), r->year, r->sector);
            ilm_errors_num(err, "value", r->t);
            bad = true;
        }
    }
    check_inventory_duplicates(p, err, &bad);

    for (size_t i = 0; i < p->n_population; i++) {
        if (!(p->population[i].n >= 0)) {
            char f[ILM_ERROR_FIELD_LEN];
            snprintf(f, sizeof f, "population[%zu].n", i);
            ilm_errors_addc(err, ILM_ERR_NEGATIVE, f, "%s: %s is negative", f,
                            ilm_format_number(a, p->population[i].n));
            ilm_errors_num(err, "value", p->population[i].n);
            bad = true;
        }
        for (size_t j = 0; j < i; j++)
            if (p->population[j].year == p->population[i].year) {
                char f[ILM_ERROR_FIELD_LEN];
                snprintf(f, sizeof f, "population[%zu].year", i);
                ilm_errors_addc(err, ILM_ERR_DUPLICATE_YEAR, f,
                                "%s: %d is already given at population[%zu]", f,
                                p->population[i].year, j);
                ilm_errors_num(err, "value", p->population[i].year);
                bad = true;
                break;
            }
    }

    for (size_t i = 0; i < p->n_trends; i++) {
        if (!sector_usable(p, p->trends[i].sector)) {
            char f[ILM_ERROR_FIELD_LEN];
            snprintf(f, sizeof f, "baseline.trend.%s", p->trends[i].sector);
            ilm_errors_addc(err, ILM_ERR_UNKNOWN_SECTOR, f,
                            "baseline.trend.%s: no inventory records for this sector, "
                            "and it is not a known sector key",
                            p->trends[i].sector);
            ilm_errors_text(err, "value", p->trends[i].sector);
            bad = true;
        }
        if (!(p->trends[i].rate > -1)) {
            char f[ILM_ERROR_FIELD_LEN];
            snprintf(f, sizeof f, "baseline.trend.%s", p->trends[i].sector);
            ilm_errors_addc(err, ILM_ERR_NOT_ABOVE, f, "%s: %s is not above -1", f,
                            ilm_format_number(a, p->trends[i].rate));
            ilm_errors_num(err, "value", p->trends[i].rate);
            ilm_errors_num(err, "min", -1);
            bad = true;
        }
    }
    if (!(p->default_trend > -1)) {
        ilm_errors_addc(err, ILM_ERR_NOT_ABOVE, "baseline.default_trend",
                        "baseline.default_trend: %s is not above -1",
                        ilm_format_number(a, p->default_trend));
        ilm_errors_num(err, "value", p->default_trend);
        ilm_errors_num(err, "min", -1);
        bad = true;
    }
    if (!(p->trend_sd >= 0 && p->trend_sd < 1)) {
        ilm_errors_addc(err, ILM_ERR_NOT_SHARE, "baseline.trend_sd",
                        "baseline.trend_sd: %s is outside 0..1", ilm_format_number(a, p->trend_sd));
        ilm_errors_num(err, "value", p->trend_sd);
        bad = true;
    }

    int last = ilm_plan_last_year(p);
    int horizon = ilm_plan_horizon(p);
    bool base_found = false;
    for (size_t i = 0; i < p->n_inventory && !base_found; i++)
        base_found = p->inventory[i].year == p->base_year;
    if (!base_found) {
        ilm_errors_addc(err, ILM_ERR_BASE_NOT_IN_INVENTORY, "target.base_year",
                        "target.base_year: %d is not in the inventory", p->base_year);
        ilm_errors_num(err, "value", p->base_year);
        bad = true;
    }
    if (!(p->reduction >= 0 && p->reduction <= 1)) {
        ilm_errors_addc(err, ILM_ERR_NOT_SHARE, "target.reduction",
                        "target.reduction: %s is outside 0..1", ilm_format_number(a, p->reduction));
        ilm_errors_num(err, "value", p->reduction);
        bad = true;
    }
    if (p->base_year > last) {
        ilm_errors_addc(err, ILM_ERR_AFTER_LAST_INVENTORY, "target.base_year",
                        "target.base_year: %d is after the last inventory year %d", p->base_year,
                        last);
        ilm_errors_num(err, "value", p->base_year);
        ilm_errors_num(err, "last", last);
        bad = true;
    }
    if (p->target_year <= last) {
        ilm_errors_addc(err, ILM_ERR_NOT_AFTER_INVENTORY, "target.target_year",
                        "target.target_year: %d must be after the last inventory year %d",
                        p->target_year, last);
        ilm_errors_num(err, "value", p->target_year);
        ilm_errors_num(err, "last", last);
        bad = true;
    }
    if (p->horizon != 0 && p->horizon < p->target_year) {
        ilm_errors_addc(err, ILM_ERR_BEFORE_TARGET_YEAR, "settings.horizon",
                        "settings.horizon: %d is before the target year %d", p->horizon,
                        p->target_year);
        ilm_errors_num(err, "value", p->horizon);
        ilm_errors_num(err, "target", p->target_year);
        bad = true;
    }
    if (horizon - p->base_year + 1 > ILM_MAX_YEARS) {
        ilm_errors_addc(err, ILM_ERR_TOO_MANY_YEARS, "settings.horizon",
                        "settings.horizon: %d is more than %d years after the base year", horizon,
                        ILM_MAX_YEARS - 1);
        ilm_errors_num(err, "value", horizon);
        ilm_errors_num(err, "max", ILM_MAX_YEARS - 1);
        bad = true;
    }

    if (!(p->discount_rate > -1 && p->discount_rate <= 1)) {
        ilm_errors_addc(err, ILM_ERR_OUT_OF_RANGE, "settings.discount_rate",
                        "settings.discount_rate: %s is outside -1..1 (exclusive of -1)",
                        ilm_format_number(a, p->discount_rate));
        ilm_errors_num(err, "value", p->discount_rate);
        ilm_errors_num(err, "min", -1);
        ilm_errors_num(err, "max", 1);
        bad = true;
    }
    if (p->draws < 0 || p->draws > ILM_MAX_DRAWS) {
        ilm_errors_addc(err, ILM_ERR_OUT_OF_RANGE, "settings.draws",
                        "settings.draws: %lld is outside 0..%d", (long long)p->draws,
                        ILM_MAX_DRAWS);
        ilm_errors_num(err, "value", (double)p->draws);
        ilm_errors_num(err, "min", 0);
        ilm_errors_num(err, "max", ILM_MAX_DRAWS);
        bad = true;
    }
    if (!(p->easy_max_eur_per_t <= p->hard_min_eur_per_t)) {
        char b[32];
        ilm_errors_addc(err, ILM_ERR_EASY_ABOVE_HARD, "settings.easy_max_eur_per_t",
                        "settings.easy_max_eur_per_t: %s is above hard_min_eur_per_t %s",
                        ilm_format_number(a, p->easy_max_eur_per_t),
                        ilm_format_number(b, p->hard_min_eur_per_t));
        ilm_errors_num(err, "value", p->easy_max_eur_per_t);
        ilm_errors_num(err, "hard", p->hard_min_eur_per_t);
        bad = true;
    }

    for (size_t i = 0; i < p->n_measures; i++)
        check_measure(p, i, p->target_year, err, &bad);
    if (check_texts(p, err))
        bad = true;

    return bad ? ILM_EINVAL : 0;
}
