/* Reading plan documents (spec/plan-model.md section 1) from JSON.
 * The shape is checked here (unknown keys, types, required fields); the
 * rules about values and their relations are ilm_plan_validate's.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ilmava/io.h"
#include "plan_io.h"

#define MAX_KEY ILM_TEXT_KEY /* ids and sector keys */

/* The parser's running state: the error list and whether anything failed. */
typedef struct reader {
    ilm_errors *err;
    bool bad;
    bool oom;
} reader;

static void fail(reader *rd, ilm_error_code code, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Adds "PATH: <fmt>" with its code, about the field at path. */
static void fail(reader *rd, ilm_error_code code, const char *path, const char *fmt, ...)
{
    char msg[ILM_ERROR_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ilm_errors_addc(rd->err, code, path, "%s: %s", path, msg);
    rd->bad = true;
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

static void join(char *out, size_t n, const char *path, const char *key)
{
    if (path[0])
        snprintf(out, n, "%s.%s", path, key);
    else
        snprintf(out, n, "%s", key);
}

/* Reports every key of obj that is not in `allowed` (NULL-terminated). */
static void check_keys(reader *rd, const json_t *obj, const char *path,
                       const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, key) == 0;
        if (!ok) {
            char p[160];
            join(p, sizeof p, path, key);
            fail(rd, ILM_ERR_UNKNOWN_FIELD, p, "unknown key");
        }
    }
}

/* Looks up key; reports a missing required one. Returns NULL when absent. */
static json_t *member(reader *rd, const json_t *obj, const char *path, const char *key,
                      bool required)
{
    json_t *v = json_object_get(obj, key);
    if (!v && required) {
        char p[160];
        join(p, sizeof p, path, key);
        fail(rd, ILM_ERR_REQUIRED, p, "is required");
    }
    return v;
}

static bool get_number(reader *rd, const json_t *obj, const char *path, const char *key,
                       bool required, double *out)
{
    json_t *v = member(rd, obj, path, key, required);
    if (!v)
        return false;
    char p[160];
    join(p, sizeof p, path, key);
    if (!json_is_number(v)) {
        fail(rd, ILM_ERR_NOT_A_NUMBER, p, "must be a number, not %s", type_name(v));
        return false;
    }
    *out = json_number_value(v);
    return true;
}

static bool get_int(reader *rd, const json_t *obj, const char *path, const char *key,
                    bool required, long long lo, long long hi, long long *out)
{
    json_t *v = member(rd, obj, path, key, required);
    if (!v)
        return false;
    char p[160], a[32];
    join(p, sizeof p, path, key);
    double d;
    if (json_is_integer(v)) {
        d = (double)json_integer_value(v);
    } else if (json_is_real(v)) {
        d = json_real_value(v);
        if (d != floor(d)) {
            fail(rd, ILM_ERR_NOT_A_NUMBER, p, "%s is not a whole number", ilm_format_number(a, d));
            return false;
        }
    } else {
        fail(rd, ILM_ERR_NOT_A_NUMBER, p, "must be a whole number, not %s", type_name(v));
        return false;
    }
    if (d < (double)lo || d > (double)hi) {
        char msg[120];
        snprintf(msg, sizeof msg, "%s is outside %lld..%lld", ilm_format_number(a, d), lo, hi);
        fail(rd, ILM_ERR_OUT_OF_RANGE, p, "%s", msg);
        ilm_errors_num(rd->err, "value", d);
        ilm_errors_num(rd->err, "min", (double)lo);
        ilm_errors_num(rd->err, "max", (double)hi);
        return false;
    }
    *out = json_is_integer(v) ? json_integer_value(v) : (long long)d;
    return true;
}

static bool get_year(reader *rd, const json_t *obj, const char *path, const char *key,
                     bool required, int *out)
{
    long long y;
    if (!get_int(rd, obj, path, key, required, ILM_MIN_YEAR, ILM_MAX_YEAR, &y))
        return false;
    *out = (int)y;
    return true;
}

static bool get_bool(reader *rd, const json_t *obj, const char *path, const char *key,
                     bool *out)
{
    json_t *v = member(rd, obj, path, key, false);
    if (!v)
        return false;
    if (!json_is_boolean(v)) {
        char p[160];
        join(p, sizeof p, path, key);
        fail(rd, ILM_ERR_WRONG_TYPE, p, "must be true or false, not %s", type_name(v));
        return false;
    }
    *out = json_is_true(v);
    return true;
}

/* A string member copied into *out (owned by the caller). `max` caps its
 * length; `is_key` limits it to lowercase letters, digits, '_' and '-'. */
static bool get_string(reader *rd, const json_t *obj, const char *path, const char *key,
                       bool required, size_t max, bool is_key, char **out)
{
    json_t *v = member(rd, obj, path, key, required);
    if (!v)
        return false;
    char p[160];
    join(p, sizeof p, path, key);
    if (!json_is_string(v)) {
        fail(rd, ILM_ERR_NOT_A_STRING, p, "must be a string, not %s", type_name(v));
        return false;
    }
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n == 0 && (required || is_key)) {
        fail(rd, ILM_ERR_REQUIRED, p, "must not be empty");
        return false;
    }
    /* In characters, as ilm_plan_validate counts them: "notes: 5000
     * characters, at most 4000". */
    if (n > max && ilm_text_check(rd->err, p, s, max)) {
        rd->bad = true;
        return false;
    }
    if (is_key) {
        for (size_t i = 0; i < n; i++) {
            char c = s[i];
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                  (c >= 'A' && c <= 'Z'))) {
                fail(rd, ILM_ERR_BAD_KEY, p, "\"%s\" may hold only letters, digits, '_' and '-'",
                     s);
                return false;
            }
        }
    }
    *out = strdup(s);
    if (!*out)
        rd->oom = true;
    return *out != NULL;
}

/* Returns the member if it is an object (reporting it otherwise). */
static json_t *get_object(reader *rd, const json_t *obj, const char *path, const char *key,
                          bool required)
{
    json_t *v = member(rd, obj, path, key, required);
    if (v && !json_is_object(v)) {
        char p[160];
        join(p, sizeof p, path, key);
        fail(rd, ILM_ERR_WRONG_TYPE, p, "must be an object, not %s", type_name(v));
        return NULL;
    }
    return v;
}

static json_t *get_array(reader *rd, const json_t *obj, const char *path, const char *key,
                         bool required, size_t max)
{
    json_t *v = member(rd, obj, path, key, required);
    if (!v)
        return NULL;
    char p[160];
    join(p, sizeof p, path, key);
    if (!json_is_array(v)) {
        fail(rd, ILM_ERR_WRONG_TYPE, p, "must be an array, not %s", type_name(v));
        return NULL;
    }
    if (json_array_size(v) > max) {
        char msg[64];
        snprintf(msg, sizeof msg, "has more than %zu entries", max);
        fail(rd, ILM_ERR_TOO_MANY, p, "%s", msg);
        ilm_errors_num(rd->err, "count", (double)json_array_size(v));
        ilm_errors_num(rd->err, "max", (double)max);
        return NULL;
    }
    return v;
}

/* Checks that element i of an array is an object and names its path. */
static json_t *element_object(reader *rd, json_t *arr, const char *name, size_t i,
                              char *path, size_t pathlen)
{
    snprintf(path, pathlen, "%s[%zu]", name, i);
    json_t *v = json_array_get(arr, i);
    if (!json_is_object(v)) {
        fail(rd, ILM_ERR_WRONG_TYPE, path, "must be an object, not %s", type_name(v));
        return NULL;
    }
    return v;
}

static void read_municipality(reader *rd, const json_t *root, ilm_plan *p)
{
    json_t *mu = get_object(rd, root, "", "municipality", true);
    if (!mu)
        return;
    static const char *const keys[] = {"code", "name", NULL};
    check_keys(rd, mu, "municipality", keys);
    if (get_string(rd, mu, "municipality", "code", true, MAX_KEY, false, &p->municipality_code)) {
        const char *c = p->municipality_code;
        if (strlen(c) != 3 || c[0] < '0' || c[0] > '9' || c[1] < '0' || c[1] > '9' || c[2] < '0' ||
            c[2] > '9')
            fail(rd, ILM_ERR_NOT_A_MUNICIPALITY, "municipality.code",
                 "\"%s\" is not a 3-digit code", c);
    }
    get_string(rd, mu, "municipality", "name", true, ILM_TEXT_NAME, false, &p->municipality_name);
}

static void read_inventory(reader *rd, const json_t *root, ilm_plan *p)
{
    json_t *arr = get_array(rd, root, "", "inventory", true, ILM_MAX_INVENTORY);
    if (!arr)
        return;
    size_t n = json_array_size(arr);
    p->inventory = calloc(n ? n : 1, sizeof *p->inventory);
    if (!p->inventory) {
        rd->oom = true;
        return;
    }
    static const char *const keys[] = {"year", "sector", "ets", "t", NULL};
    for (size_t i = 0; i < n; i++) {
        char path[64];
        json_t *o = element_object(rd, arr, "inventory", i, path, sizeof path);
        if (!o)
            continue;
        check_keys(rd, o, path, keys);
        ilm_inventory_row *r = &p->inventory[p->n_inventory];
        bool ok = get_year(rd, o, path, "year", true, &r->year);
        ok &= get_string(rd, o, path, "sector", true, MAX_KEY, true, &r->sector);
        get_bool(rd, o, path, "ets", &r->ets);
        ok &= get_number(rd, o, path, "t", true, &r->t);
        /* Counted once it owns a string, so that ilm_plan_free releases it;
         * a half-read row only matters for the error already reported. */
        (void)ok;
        if (r->sector)
            p->n_inventory++;
    }
}

static void read_population(reader *rd, const json_t *root, ilm_plan *p)
{
    json_t *arr = get_array(rd, root, "", "population", false, ILM_MAX_YEARS * 4);
    if (!arr)
        return;
    size_t n = json_array_size(arr);
    p->population = calloc(n ? n : 1, sizeof *p->population);
    if (!p->population) {
        rd->oom = true;
        return;
    }
    static const char *const keys[] = {"year", "n", NULL};
    for (size_t i = 0; i < n; i++) {
        char path[64];
        json_t *o = element_object(rd, arr, "population", i, path, sizeof path);
        if (!o)
            continue;
        check_keys(rd, o, path, keys);
        ilm_population_row *r = &p->population[p->n_population];
        bool ok = get_year(rd, o, path, "year", true, &r->year);
        ok &= get_number(rd, o, path, "n", true, &r->n);
        if (ok)
            p->n_population++;
    }
}

static void read_baseline(reader *rd, const json_t *root, ilm_plan *p)
{
    json_t *b = get_object(rd, root, "", "baseline", false);
    if (!b)
        return;
    static const char *const keys[] = {"default_trend", "trend", "trend_sd", NULL};
    check_keys(rd, b, "baseline", keys);
    get_number(rd, b, "baseline", "default_trend", false, &p->default_trend);
    get_number(rd, b, "baseline", "trend_sd", false, &p->trend_sd);
    json_t *tr = get_object(rd, b, "baseline", "trend", false);
    if (!tr)
        return;
    p->trends = calloc(json_object_size(tr) + 1, sizeof *p->trends);
    if (!p->trends) {
        rd->oom = true;
        return;
    }
    const char *key;
    json_t *v;
    json_object_foreach(tr, key, v) {
        char path[160];
        snprintf(path, sizeof path, "baseline.trend.%s", key);
        if (!json_is_number(v)) {
            fail(rd, ILM_ERR_NOT_A_NUMBER, path, "must be a number, not %s", type_name(v));
            continue;
        }
        ilm_trend *t = &p->trends[p->n_trends];
        t->sector = strdup(key);
        if (!t->sector) {
            rd->oom = true;
            return;
        }
        t->rate = json_number_value(v);
        p->n_trends++;
    }
}

static void read_target(reader *rd, const json_t *root, ilm_plan *p)
{
    json_t *t = get_object(rd, root, "", "target", true);
    if (!t)
        return;
    static const char *const keys[] = {"base_year", "target_year", "reduction", "scope",
                                       NULL};
    check_keys(rd, t, "target", keys);
    get_year(rd, t, "target", "base_year", true, &p->base_year);
    get_year(rd, t, "target", "target_year", true, &p->target_year);
    get_number(rd, t, "target", "reduction", true, &p->reduction);
    char *scope = NULL;
    if (get_string(rd, t, "target", "scope", false, MAX_KEY, false, &scope) &&
        ilm_scope_parse(scope, &p->scope) != 0)
        fail(rd, ILM_ERR_NOT_ONE_OF, "target.scope", "\"%s\" is not one of total, non_ets, hinku",
             scope);
    free(scope);
}

static void read_settings(reader *rd, const json_t *root, ilm_plan *p)
{
    json_t *s = get_object(rd, root, "", "settings", false);
    if (!s)
        return;
    static const char *const keys[] = {"horizon",           "discount_rate",
                                       "draws",             "seed",
                                       "easy_max_eur_per_t", "hard_min_eur_per_t",
                                       NULL};
    check_keys(rd, s, "settings", keys);
    get_year(rd, s, "settings", "horizon", false, &p->horizon);
    get_number(rd, s, "settings", "discount_rate", false, &p->discount_rate);
    long long v;
    if (get_int(rd, s, "settings", "draws", false, 0, ILM_MAX_DRAWS, &v))
        p->draws = v;
    if (get_int(rd, s, "settings", "seed", false, 0, 9007199254740991LL, &v))
        p->seed = (uint64_t)v;
    get_number(rd, s, "settings", "easy_max_eur_per_t", false, &p->easy_max_eur_per_t);
    get_number(rd, s, "settings", "hard_min_eur_per_t", false, &p->hard_min_eur_per_t);
}

static void read_range(reader *rd, const json_t *o, const char *path, const char *key,
                       ilm_measure *m)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return;
    char p[160];
    join(p, sizeof p, path, key);
    if (!json_is_array(v) || json_array_size(v) != 3) {
        fail(rd, ILM_ERR_WRONG_TYPE, p, "must be an array [low, mode, high]");
        return;
    }
    for (size_t i = 0; i < 3; i++) {
        json_t *x = json_array_get(v, i);
        if (!json_is_number(x)) {
            fail(rd, ILM_ERR_WRONG_TYPE, p, "must hold three numbers [low, mode, high]");
            return;
        }
        m->range[i] = json_number_value(x);
    }
    m->has_range = true;
}

static void read_measure(reader *rd, json_t *o, const char *path, ilm_measure *m)
{
    static const char *const keys[] = {
        "id",    "name",     "sector",   "ets",         "start",       "full",
        "share", "absolute_t", "share_range", "absolute_range", "capex", "opex",
        "lifetime", "control", "optional", "responsible", "notes",      "status",
        NULL};
    check_keys(rd, o, path, keys);
    m->status = ILM_STATUS_PLANNED;
    m->control = ILM_CONTROL_OWN;
    get_string(rd, o, path, "id", true, MAX_KEY, false, &m->id);
    get_string(rd, o, path, "name", false, ILM_TEXT_NAME, false, &m->name);
    get_string(rd, o, path, "sector", true, MAX_KEY, true, &m->sector);
    get_bool(rd, o, path, "ets", &m->ets);
    get_year(rd, o, path, "start", true, &m->start);
    get_year(rd, o, path, "full", true, &m->full);

    bool has_share = json_object_get(o, "share") != NULL;
    bool has_abs = json_object_get(o, "absolute_t") != NULL;
    if (has_share && has_abs) {
        fail(rd, ILM_ERR_SHARE_OR_ABSOLUTE, path, "give share or absolute_t, not both");
    } else if (!has_share && !has_abs) {
        fail(rd, ILM_ERR_SHARE_OR_ABSOLUTE, path, "give one of share or absolute_t");
    } else {
        m->is_absolute = has_abs;
        get_number(rd, o, path, has_abs ? "absolute_t" : "share", true, &m->amount);
    }
    const char *own_range = has_abs ? "absolute_range" : "share_range";
    const char *other_range = has_abs ? "share_range" : "absolute_range";
    if (json_object_get(o, other_range) && (has_share || has_abs)) {
        char p[160];
        join(p, sizeof p, path, other_range);
        fail(rd, ILM_ERR_WRONG_TYPE, p, "does not fit a measure given by %s",
             has_abs ? "absolute_t" : "share");
    }
    read_range(rd, o, path, own_range, m);

    get_number(rd, o, path, "capex", false, &m->capex);
    get_number(rd, o, path, "opex", false, &m->opex);
    get_number(rd, o, path, "lifetime", false, &m->lifetime);
    char *s = NULL;
    if (get_string(rd, o, path, "control", false, MAX_KEY, false, &s) &&
        ilm_control_parse(s, &m->control) != 0) {
        char p[160];
        join(p, sizeof p, path, "control");
        fail(rd, ILM_ERR_NOT_ONE_OF, p, "\"%s\" is not one of own, steer, influence, none", s);
    }
    free(s);
    s = NULL;
    if (get_string(rd, o, path, "status", false, MAX_KEY, false, &s) &&
        ilm_status_parse(s, &m->status) != 0) {
        char p[160];
        join(p, sizeof p, path, "status");
        fail(rd, ILM_ERR_NOT_ONE_OF, p,
             "\"%s\" is not one of idea, planned, ongoing, done, cancelled", s);
    }
    free(s);
    get_bool(rd, o, path, "optional", &m->optional);
    get_string(rd, o, path, "responsible", false, ILM_TEXT_NAME, false, &m->responsible);
    get_string(rd, o, path, "notes", false, ILM_TEXT_LONG, false, &m->notes);
}

static void read_measures(reader *rd, const json_t *root, ilm_plan *p)
{
    json_t *arr = get_array(rd, root, "", "measures", false, ILM_MAX_MEASURES);
    if (!arr)
        return;
    size_t n = json_array_size(arr);
    p->measures = calloc(n ? n : 1, sizeof *p->measures);
    if (!p->measures) {
        rd->oom = true;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        char path[64];
        json_t *o = element_object(rd, arr, "measures", i, path, sizeof path);
        if (!o)
            continue;
        /* Counted before reading so that ilm_plan_free releases it. */
        read_measure(rd, o, path, &p->measures[p->n_measures++]);
    }
}

int ilm_plan_from_json(const char *text, size_t len, ilm_plan **out, ilm_errors *err)
{
    *out = NULL;
    if (len > ILM_PLAN_MAX_BYTES) {
        ilm_errors_add(err, "plan: larger than %u bytes", ILM_PLAN_MAX_BYTES);
        return ILM_ELIMIT;
    }
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        ilm_errors_add(err, "plan: invalid JSON at line %d, column %d: %s", jerr.line,
                       jerr.column, jerr.text);
        return ILM_EINVAL;
    }
    if (!json_is_object(root)) {
        ilm_errors_add(err, "plan: the document must be a JSON object, not %s",
                       type_name(root));
        json_decref(root);
        return ILM_EINVAL;
    }
    ilm_plan *p = ilm_plan_new();
    if (!p) {
        json_decref(root);
        ilm_errors_add(err, "out of memory");
        return ILM_ENOMEM;
    }
    reader rd = {.err = err};
    static const char *const keys[] = {"ilmava_plan", "name",     "municipality",
                                       "inventory",   "population", "baseline",
                                       "target",      "measures", "settings",
                                       NULL};
    check_keys(&rd, root, "", keys);
    long long fmt;
    if (get_int(&rd, root, "", "ilmava_plan", true, 0, 1000000, &fmt) &&
        fmt != ILM_PLAN_FORMAT) {
        char msg[80];
        snprintf(msg, sizeof msg, "version %lld is not supported (this build reads %d)", fmt,
                 ILM_PLAN_FORMAT);
        fail(&rd, ILM_ERR_INVALID, "ilmava_plan", "%s", msg);
    }
    get_string(&rd, root, "", "name", false, ILM_TEXT_NAME, false, &p->name);
    read_municipality(&rd, root, p);
    read_inventory(&rd, root, p);
    read_population(&rd, root, p);
    read_baseline(&rd, root, p);
    read_target(&rd, root, p);
    read_measures(&rd, root, p);
    read_settings(&rd, root, p);
    json_decref(root);

    int rc = 0;
    if (rd.oom) {
        ilm_errors_add(err, "out of memory while reading the plan");
        rc = ILM_ENOMEM;
    } else if (rd.bad) {
        rc = ILM_EINVAL;
    } else {
        rc = ilm_plan_validate(p, err);
    }
    if (rc) {
        ilm_plan_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

int ilm_plan_read_file(const char *path, ilm_plan **out, ilm_errors *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        ilm_errors_add(err, "%s", strerror(errno));
        return ILM_EIO;
    }
    size_t cap = 64 * 1024, len = 0;
    char *buf = malloc(cap);
    int rc = 0;
    while (buf) {
        if (len == cap) {
            if (cap > ILM_PLAN_MAX_BYTES) {
                ilm_errors_add(err, "larger than %u bytes", ILM_PLAN_MAX_BYTES);
                rc = ILM_ELIMIT;
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f)) {
                ilm_errors_add(err, "cannot read: %s", strerror(errno));
                rc = ILM_EIO;
            }
            break;
        }
    }
    fclose(f);
    if (!buf) {
        ilm_errors_add(err, "out of memory");
        return ILM_ENOMEM;
    }
    if (rc == 0)
        rc = ilm_plan_from_json(buf, len, out, err);
    free(buf);
    return rc;
}

/* Keys whose values are text: "name=2030 plan" stays a string. */
static bool is_text_key(const char *key)
{
    static const char *const text[] = {"id",      "name",   "sector", "control",
                                       "status",  "responsible", "notes", NULL};
    for (const char *const *t = text; *t; t++)
        if (strcmp(*t, key) == 0)
            return true;
    return false;
}

/* Sets `key` of measure object o to v (taken; NULL removes the key). A
 * measure is a share or an absolute cut: giving one replaces the other,
 * with its range. */
static void edit_key(json_t *o, const char *key, json_t *v)
{
    if (strcmp(key, "share") == 0 || strcmp(key, "absolute_t") == 0) {
        bool share = key[0] == 's';
        json_object_del(o, share ? "absolute_t" : "share");
        json_object_del(o, share ? "absolute_range" : "share_range");
    }
    if (v)
        json_object_set_new(o, key, v);
    else
        json_object_del(o, key);
}

static void edit_fields(reader *rd, json_t *o, const char *const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(fields[i], '=');
        if (!eq || eq == fields[i]) {
            fail(rd, ILM_ERR_WRONG_TYPE, "measure", "'%s': expected FIELD=VALUE", fields[i]);
            continue;
        }
        char key[MAX_KEY + 1];
        size_t klen = (size_t)(eq - fields[i]);
        if (klen > MAX_KEY) {
            fail(rd, ILM_ERR_UNKNOWN_FIELD, "measure", "'%.*s...': no such field", 20, fields[i]);
            continue;
        }
        memcpy(key, fields[i], klen);
        key[klen] = '\0';
        const char *value = eq + 1;
        if (!*value) { /* FIELD= removes an optional field */
            edit_key(o, key, NULL);
            continue;
        }
        json_t *v = is_text_key(key) ? json_string(value)
                                     : json_loads(value, JSON_DECODE_ANY, NULL);
        if (!v) {
            char path[MAX_KEY + 16];
            snprintf(path, sizeof path, "measure.%s", key);
            fail(rd, ILM_ERR_WRONG_TYPE, path,
                 "'%s' is not a value (a number, true, false or [low, mode, high])", value);
            continue;
        }
        edit_key(o, key, v);
    }
}

/* A JSON object of changes; null removes an optional field. */
static void edit_json(reader *rd, json_t *o, const char *text, size_t len)
{
    json_error_t je;
    json_t *patch = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!patch) {
        fail(rd, ILM_ERR_INVALID, "measure", "not valid JSON (line %d, column %d): %s", je.line,
             je.column, je.text);
        return;
    }
    if (!json_is_object(patch)) {
        fail(rd, ILM_ERR_WRONG_TYPE, "measure", "expected an object, found %s", type_name(patch));
        json_decref(patch);
        return;
    }
    const char *key;
    json_t *v;
    json_object_foreach(patch, key, v) {
        if (strlen(key) > MAX_KEY) {
            fail(rd, ILM_ERR_UNKNOWN_FIELD, "measure", "\"%.20s...\": no such field", key);
            continue;
        }
        edit_key(o, key, json_is_null(v) ? NULL : json_incref(v));
    }
    json_decref(patch);
}

int ilm_measure_edit(const ilm_measure *base, const ilm_measure_change *ch, ilm_measure *out,
                     ilm_errors *err)
{
    memset(out, 0, sizeof *out);
    json_t *o = NULL;
    if (base) {
        jsonw w;
        jw_init(&w);
        plan_write_measure(&w, base, false);
        char *text = jw_finish(&w);
        o = text ? json_loads(text, 0, NULL) : NULL;
        free(text);
    } else {
        o = json_object();
    }
    if (!o) {
        ilm_errors_add(err, "out of memory");
        return ILM_ENOMEM;
    }
    reader rd = {.err = err};
    if (ch->json)
        edit_json(&rd, o, ch->json, ch->json_len);
    else
        edit_fields(&rd, o, ch->fields, ch->n);
    if (!rd.bad)
        read_measure(&rd, o, "measure", out);
    json_decref(o);
    if (rd.oom || rd.bad) {
        ilm_measure_clear(out);
        if (rd.oom)
            ilm_errors_add(err, "out of memory");
        return rd.oom ? ILM_ENOMEM : ILM_EINVAL;
    }
    if (base)
        out->store_id = base->store_id;
    return 0;
}
