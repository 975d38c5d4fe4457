/* Golden tests: the comparison helper. See golden.h for the tolerances.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "golden.h"
#include "ilmava/io.h"
#include "ilmava/model.h"

#define PATH_CAP 256

typedef struct cmp_ctx {
    unsigned flags;
    const char *label;
    size_t n_diff;
    char path[PATH_CAP];  /* e.g. measures[2].cost_per_t */
    char field[PATH_CAP]; /* the same without indexes: measures.cost_per_t */
} cmp_ctx;

/* How a field is compared. */
typedef enum {
    KIND_INT,     /* exact, and a JSON integer on both sides */
    KIND_DET,     /* deterministic number */
    KIND_RATIO,   /* easy_share */
    KIND_P_MEET,  /* monte_carlo.p_meet */
    KIND_PCT,     /* monte_carlo.p5 / p50 / p95 */
    KIND_SKIP     /* a Monte Carlo value checked by the caller */
} field_kind;

static field_kind kind_of(const cmp_ctx *c)
{
    static const char *const ints[] = {"ilmava_result", "last_year",         "base_year",
                                       "target_year",   "horizon",           "years",
                                       "monte_carlo.draws", "monte_carlo.years"};
    const char *f = c->field;
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        if (strcmp(f, ints[i]) == 0)
            return KIND_INT;
    size_t n = strlen(f);
    if (strncmp(f, "classes.", 8) == 0 && n > 6 && strcmp(f + n - 6, ".count") == 0)
        return KIND_INT;
    if (strcmp(f, "easy_share") == 0)
        return KIND_RATIO;
    bool by_hand = (c->flags & GOLDEN_MC_BY_HAND) != 0;
    if (strcmp(f, "monte_carlo.p_meet") == 0)
        return by_hand ? KIND_SKIP : KIND_P_MEET;
    if (strcmp(f, "monte_carlo.p5") == 0 || strcmp(f, "monte_carlo.p50") == 0 ||
        strcmp(f, "monte_carlo.p95") == 0)
        return by_hand ? KIND_SKIP : KIND_PCT;
    return KIND_DET;
}

/* A short rendering of a JSON value for a message. */
static void describe(const json_t *v, char *buf, size_t cap)
{
    if (!v) {
        snprintf(buf, cap, "(absent)");
    } else if (json_is_integer(v)) {
        snprintf(buf, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    } else if (json_is_real(v)) {
        snprintf(buf, cap, "%.17g", json_real_value(v));
    } else {
        char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        if (!s) {
            snprintf(buf, cap, "(unprintable)");
            return;
        }
        if (strlen(s) > 60)
            snprintf(buf, cap, "%.57s...", s);
        else
            snprintf(buf, cap, "%s", s);
        free(s);
    }
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "object";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER: return "integer";
    case JSON_REAL: return "real";
    case JSON_TRUE:
    case JSON_FALSE: return "boolean";
    case JSON_NULL: return "null";
    }
    return "?";
}

static void differ(cmp_ctx *c, const json_t *got, const json_t *want, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Records one difference at the current path and prints it while fewer
 * than GOLDEN_MAX_REPORTED were printed. */
static void differ(cmp_ctx *c, const json_t *got, const json_t *want, const char *fmt, ...)
{
    c->n_diff++;
    if ((c->flags & GOLDEN_QUIET) || c->n_diff > GOLDEN_MAX_REPORTED)
        return;
    char g[96], w[96], why[160];
    describe(got, g, sizeof g);
    describe(want, w, sizeof w);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s: %s: got %s, want %s (%s)\n", c->label,
            c->path[0] ? c->path : "(document)", g, w, why);
}

static void compare_value(cmp_ctx *c, const json_t *got, const json_t *want);

/* Appends ".key" (or "key" at the top) / "[i]" to the paths; returns the
 * old lengths so that pop() can restore them. */
static void push_key(cmp_ctx *c, const char *key, size_t *pl, size_t *fl)
{
    *pl = strlen(c->path);
    *fl = strlen(c->field);
    const char *dot = *pl ? "." : "";
    snprintf(c->path + *pl, PATH_CAP - *pl, "%s%s", dot, key);
    snprintf(c->field + *fl, PATH_CAP - *fl, "%s%s", *fl ? "." : "", key);
}

static void push_index(cmp_ctx *c, size_t i, size_t *pl, size_t *fl)
{
    *pl = strlen(c->path);
    *fl = strlen(c->field);
    snprintf(c->path + *pl, PATH_CAP - *pl, "[%zu]", i);
}

static void pop(cmp_ctx *c, size_t pl, size_t fl)
{
    c->path[pl] = '\0';
    c->field[fl] = '\0';
}

static void compare_object(cmp_ctx *c, const json_t *got, const json_t *want)
{
    const char *key;
    json_t *wv;
    size_t pl, fl;
    /* In the expected document's order: missing keys and values. */
    json_object_foreach((json_t *)want, key, wv) {
        json_t *gv = json_object_get(got, key);
        push_key(c, key, &pl, &fl);
        if (!gv)
            differ(c, NULL, wv, "key missing from the engine's document");
        else
            compare_value(c, gv, wv);
        pop(c, pl, fl);
    }
    json_t *gv;
    json_object_foreach((json_t *)got, key, gv) {
        if (json_object_get(want, key))
            continue;
        push_key(c, key, &pl, &fl);
        differ(c, gv, NULL, "unexpected key in the engine's document");
        pop(c, pl, fl);
    }
}

static void compare_array(cmp_ctx *c, const json_t *got, const json_t *want)
{
    size_t ng = json_array_size(got), nw = json_array_size(want);
    if (ng != nw) {
        differ(c, got, want, "array length %zu, want %zu", ng, nw);
        return;
    }
    for (size_t i = 0; i < nw; i++) {
        size_t pl, fl;
        push_index(c, i, &pl, &fl);
        compare_value(c, json_array_get(got, i), json_array_get(want, i));
        pop(c, pl, fl);
    }
}

static void compare_number(cmp_ctx *c, const json_t *got, const json_t *want)
{
    field_kind k = kind_of(c);
    if (k == KIND_SKIP)
        return;
    if (k == KIND_INT) {
        if (!json_is_integer(got) || !json_is_integer(want))
            differ(c, got, want, "must be a JSON integer: got %s, want %s", type_name(got),
                   type_name(want));
        else if (json_integer_value(got) != json_integer_value(want))
            differ(c, got, want, "integers differ");
        return;
    }
    double g = json_number_value(got), w = json_number_value(want);
    double d = fabs(g - w), big = fmax(fabs(g), fabs(w)), tol;
    const char *rule;
    switch (k) {
    case KIND_P_MEET:
        tol = GOLDEN_P_MEET_TOL;
        rule = "p_meet: 0.01 absolute";
        break;
    case KIND_PCT:
        tol = fmax(GOLDEN_PCT_REL_TOL * big, GOLDEN_ABS_FLOOR);
        rule = "percentile: 1 % relative";
        break;
    case KIND_RATIO:
        tol = fmax(GOLDEN_REL_TOL * big, GOLDEN_RATIO_ABS_FLOOR);
        rule = "1e-9 relative, floor 1e-12";
        break;
    default:
        tol = fmax(GOLDEN_REL_TOL * big, GOLDEN_ABS_FLOOR);
        rule = "1e-9 relative, floor 1e-6";
        break;
    }
    if (!(d <= tol))
        differ(c, got, want, "|diff| %.3g > tol %.3g: %s; relative %.3g", d, tol, rule,
               big > 0 ? d / big : 0.0);
}

static void compare_value(cmp_ctx *c, const json_t *got, const json_t *want)
{
    if (json_is_number(got) && json_is_number(want)) {
        compare_number(c, got, want);
        return;
    }
    if (json_typeof(got) != json_typeof(want) &&
        !(json_is_boolean(got) && json_is_boolean(want))) {
        differ(c, got, want, "type %s, want %s", type_name(got), type_name(want));
        return;
    }
    switch (json_typeof(want)) {
    case JSON_OBJECT:
        compare_object(c, got, want);
        break;
    case JSON_ARRAY:
        compare_array(c, got, want);
        break;
    case JSON_STRING:
        if (strcmp(json_string_value(got), json_string_value(want)) != 0)
            differ(c, got, want, "strings differ");
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        if (json_is_true(got) != json_is_true(want))
            differ(c, got, want, "booleans differ");
        break;
    default: /* null == null; numbers handled above */
        break;
    }
}

size_t golden_compare(const json_t *got, const json_t *want, unsigned flags,
                      const char *label)
{
    cmp_ctx c = {.flags = flags, .label = label ? label : "golden"};
    compare_value(&c, got, want);
    if (c.n_diff > GOLDEN_MAX_REPORTED && !(flags & GOLDEN_QUIET))
        fprintf(stderr, "%s: ... and %zu more difference(s)\n", c.label,
                c.n_diff - GOLDEN_MAX_REPORTED);
    return c.n_diff;
}

json_t *golden_load_json(const char *path)
{
    json_error_t e;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
    if (!doc)
        fprintf(stderr, "golden: %s: cannot read JSON: %s (line %d)\n", path, e.text,
                e.line);
    return doc;
}

json_t *golden_run(const char *plan_path, int threads)
{
    ilm_errors err;
    ilm_errors_clear(&err);
    ilm_plan *plan = NULL;
    ilm_result *res = NULL;
    json_t *doc = NULL;
    int rc = ilm_plan_read_file(plan_path, &plan, &err);
    if (rc == 0) {
        ilm_run_options opt = ilm_run_options_default();
        opt.threads = threads;
        rc = ilm_model_run(plan, &opt, &res, &err);
    }
    if (rc != 0) {
        fprintf(stderr, "golden: %s: the engine failed with code %d\n", plan_path, rc);
        for (int i = 0; i < err.count; i++)
            fprintf(stderr, "golden: %s: %s\n", plan_path, err.msg[i]);
    } else {
        char *text = ilm_result_to_json(res);
        if (!text) {
            fprintf(stderr, "golden: %s: ilm_result_to_json returned NULL\n", plan_path);
        } else {
            json_error_t e;
            doc = json_loads(text, JSON_REJECT_DUPLICATES, &e);
            if (!doc)
                fprintf(stderr,
                        "golden: %s: the engine's result is not valid JSON: %s at "
                        "line %d column %d; it begins: %.200s\n",
                        plan_path, e.text, e.line, e.column, text);
            free(text);
        }
    }
    ilm_result_free(res); /* before the plan it points into */
    ilm_plan_free(plan);
    return doc;
}

void golden_check(const char *plan_path, const char *result_path, unsigned flags)
{
    json_t *want = golden_load_json(result_path);
    json_t *got = golden_run(plan_path, GOLDEN_THREADS);
    size_t n = 0;
    if (want && got) {
        /* Label the lines with the case's file name, not its whole path. */
        const char *slash = strrchr(result_path, '/');
        n = golden_compare(got, want, flags, slash ? slash + 1 : result_path);
    }
    bool ok_want = want != NULL, ok_got = got != NULL;
    json_decref(want);
    json_decref(got);
    if (!ok_want)
        fail_msg("%s: the expected result could not be read", result_path);
    if (!ok_got)
        fail_msg("%s: the engine produced no result", plan_path);
    if (n)
        fail_msg("%s: %zu field(s) differ from %s (the first ones are listed above)",
                 plan_path, n, result_path);
}

char *golden_join(const char *dir, const char *name, const char *suffix)
{
    size_t n = strlen(dir) + strlen(name) + strlen(suffix) + 2;
    char *s = malloc(n);
    if (!s)
        abort();
    snprintf(s, n, "%s/%s%s", dir, name, suffix);
    return s;
}

const char *golden_env_dir(const char *var)
{
    const char *v = getenv(var);
    return v && *v ? v : NULL;
}
