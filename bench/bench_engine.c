/* ilmava_bench: times the engine through its public API, without the
 * command line around it (no process start, no JSON parsing in the timed
 * part, no output). Method and use: bench/README.md.
 *
 *   ilmava_bench mc PLAN [--draws N] [--seed S] [--threads T] [--reps R]
 *   ilmava_bench pathway PLAN [--reps R]
 *   ilmava_bench optimize PLAN [--reps R] [--node-limit N]
 *   ilmava_bench inventory DB CODE [--scope S] [--reps R]
 *
 * Each loads the plan once, then times R calls of ilm_model_run (or
 * ilm_optimize) with clock_gettime(CLOCK_MONOTONIC) around the call alone:
 * freeing the result is outside the timed part. `inventory` opens the store
 * DB once and times R calls of ilm_store_inventory for municipality CODE
 * together with ilm_inventory_view_clear (a reader's whole cost). It prints
 * one line of space-separated key=value pairs on stdout (times in seconds,
 * or in microseconds for `pathway` and `inventory`), e.g.
 *
 *   bench=mc draws=100000 seed=11 threads=1 reps=5 load_s=0.0021
 *     first_s=0.071 min_s=0.064 median_s=0.066 max_s=0.071 p_meet=0.4381
 *
 * Exit status 0 on success, 1 when the plan, the store or a run fails, 2 on
 * a usage error. Never part of a test: timings depend on the machine.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ilmava/error.h"
#include "ilmava/io.h"
#include "ilmava/model.h"
#include "ilmava/plan.h"
#include "ilmava/store.h"

static const char usage[] =
    "usage: ilmava_bench mc PLAN [--draws N] [--seed S] [--threads T] [--reps R]\n"
    "       ilmava_bench pathway PLAN [--reps R]\n"
    "       ilmava_bench optimize PLAN [--reps R] [--node-limit N]\n"
    "       ilmava_bench inventory DB CODE [--scope S] [--reps R]\n"
    "\n"
    "Loads PLAN (or opens the store DB) once and times R calls of the engine\n"
    "(the call alone, by CLOCK_MONOTONIC); prints one line of key=value pairs.\n"
    "  mc        ilm_model_run with the Monte Carlo (defaults: the plan's draws\n"
    "            and seed, 1 thread, 5 reps); times in seconds\n"
    "  pathway   ilm_model_run with draws forced to 0 (default 2000 reps);\n"
    "            per-call times in microseconds\n"
    "  optimize  ilm_optimize (default 3 reps); times in seconds, with the\n"
    "            method, nodes visited and the answer\n"
    "  inventory ilm_store_inventory of municipality CODE (all years) plus\n"
    "            ilm_inventory_view_clear; scope total (default), non_ets or\n"
    "            hinku; default 200 reps; per-call times in microseconds\n";

typedef enum { MODE_MC, MODE_PATHWAY, MODE_OPTIMIZE, MODE_INVENTORY } mode;

typedef struct args {
    mode mode;
    const char *plan;  /* inventory: the store */
    const char *code;  /* inventory: the municipality */
    ilm_scope scope;   /* inventory */
    long long draws;   /* -1: the plan's */
    long long seed;    /* -1: the plan's */
    long long threads;
    long long reps;
    long long node_limit; /* 0: the library's default */
} args;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct stats {
    double first, min, median, max;
} stats;

/* Summarises t[0..n) (n >= 1); sorts t. */
static stats summarise(double *t, size_t n)
{
    stats s = {.first = t[0]};
    qsort(t, n, sizeof *t, cmp_double);
    s.min = t[0];
    s.max = t[n - 1];
    s.median = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2.0;
    return s;
}

static void print_errors(const char *what, const ilm_errors *err)
{
    for (int i = 0; i < err->count; i++)
        fprintf(stderr, "ilmava_bench: %s: %s\n", what, err->msg[i]);
    if (err->dropped)
        fprintf(stderr, "ilmava_bench: %s: %d more messages\n", what, err->dropped);
    if (err->count == 0 && err->dropped == 0)
        fprintf(stderr, "ilmava_bench: %s failed\n", what);
}

/* Parses a whole decimal integer in [lo, hi]. */
static int parse_ll(const char *opt, const char *s, long long lo, long long hi,
                    long long *out)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end != '\0' || v < lo || v > hi) {
        fprintf(stderr, "ilmava_bench: %s: '%s' is not an integer in %lld..%lld\n", opt,
                s, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_args(int argc, char **argv, args *a)
{
    if (argc < 3)
        return -1;
    if (strcmp(argv[1], "mc") == 0)
        a->mode = MODE_MC;
    else if (strcmp(argv[1], "pathway") == 0)
        a->mode = MODE_PATHWAY;
    else if (strcmp(argv[1], "optimize") == 0)
        a->mode = MODE_OPTIMIZE;
    else if (strcmp(argv[1], "inventory") == 0)
        a->mode = MODE_INVENTORY;
    else
        return -1;
    a->plan = NULL;
    a->code = NULL;
    a->scope = ILM_SCOPE_TOTAL;
    a->draws = -1;
    a->seed = -1;
    a->threads = 1;
    a->reps = a->mode == MODE_MC          ? 5
              : a->mode == MODE_PATHWAY   ? 2000
              : a->mode == MODE_INVENTORY ? 200
                                          : 3;
    a->node_limit = 0;
    for (int i = 2; i < argc; i++) {
        const char *o = argv[i];
        if (o[0] != '-' || o[1] == '\0') {
            if (a->mode == MODE_INVENTORY && a->plan && !a->code) {
                a->code = o;
                continue;
            }
            if (a->plan) {
                fprintf(stderr, "ilmava_bench: one PLAN only, got '%s' too\n", o);
                return -1;
            }
            a->plan = o;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "ilmava_bench: %s needs a value\n", o);
            return -1;
        }
        const char *v = argv[++i];
        int rc;
        if (strcmp(o, "--reps") == 0)
            rc = parse_ll(o, v, 1, 100000000, &a->reps);
        else if (a->mode == MODE_MC && strcmp(o, "--draws") == 0)
            rc = parse_ll(o, v, 0, ILM_MAX_DRAWS, &a->draws);
        else if (a->mode == MODE_MC && strcmp(o, "--seed") == 0)
            rc = parse_ll(o, v, 0, INT64_MAX, &a->seed);
        else if (a->mode == MODE_MC && strcmp(o, "--threads") == 0)
            rc = parse_ll(o, v, 1, 64, &a->threads);
        else if (a->mode == MODE_OPTIMIZE && strcmp(o, "--node-limit") == 0)
            rc = parse_ll(o, v, 0, INT64_MAX, &a->node_limit);
        else if (a->mode == MODE_INVENTORY && strcmp(o, "--scope") == 0) {
            rc = ilm_scope_parse(v, &a->scope) ? -1 : 0;
            if (rc)
                fprintf(stderr, "ilmava_bench: --scope: '%s' is not total, non_ets or hinku\n",
                        v);
        } else {
            fprintf(stderr, "ilmava_bench: %s: unknown option '%s'\n", argv[1], o);
            return -1;
        }
        if (rc)
            return -1;
    }
    if (a->mode == MODE_INVENTORY && (!a->plan || !a->code)) {
        fprintf(stderr, "ilmava_bench: inventory: expects a DB and a CODE\n");
        return -1;
    }
    if (!a->plan) {
        fprintf(stderr, "ilmava_bench: %s: expects a PLAN\n", argv[1]);
        return -1;
    }
    return 0;
}

/* mc and pathway: R timed calls of ilm_model_run. */
static int bench_run(const args *a, const ilm_plan *plan, double load_s)
{
    ilm_run_options opt = ilm_run_options_default();
    if (a->mode == MODE_PATHWAY) {
        opt.draws = 0;
    } else {
        opt.draws = a->draws;
        opt.seed = a->seed;
        opt.threads = (int)a->threads;
    }
    size_t n = (size_t)a->reps;
    double *t = malloc(n * sizeof *t);
    if (!t) {
        fputs("ilmava_bench: out of memory\n", stderr);
        return 1;
    }
    ilm_errors err;
    ilm_errors_clear(&err);
    double p_meet = -1.0;
    int64_t draws = 0;
    for (size_t i = 0; i < n; i++) {
        ilm_result *res = NULL;
        double t0 = now_s();
        int rc = ilm_model_run(plan, &opt, &res, &err);
        t[i] = now_s() - t0;
        if (rc) {
            print_errors("ilm_model_run", &err);
            free(t);
            return 1;
        }
        if (res->monte_carlo) {
            p_meet = res->monte_carlo->p_meet;
            draws = res->monte_carlo->draws;
        }
        ilm_result_free(res);
    }
    stats s = summarise(t, n);
    free(t);
    if (a->mode == MODE_PATHWAY) {
        printf("bench=pathway draws=0 reps=%zu load_s=%.6f first_us=%.3f min_us=%.3f "
               "median_us=%.3f max_us=%.3f\n",
               n, load_s, s.first * 1e6, s.min * 1e6, s.median * 1e6, s.max * 1e6);
        return 0;
    }
    uint64_t seed = a->seed >= 0 ? (uint64_t)a->seed : plan->seed;
    printf("bench=mc draws=%" PRId64 " seed=%" PRIu64 " threads=%lld reps=%zu load_s=%.6f "
           "first_s=%.6f min_s=%.6f median_s=%.6f max_s=%.6f p_meet=%.6f\n",
           draws, seed, a->threads, n, load_s,
           s.first, s.min, s.median, s.max, p_meet);
    return 0;
}

static int bench_optimize(const args *a, const ilm_plan *plan, double load_s)
{
    ilm_optimize_options opt = {.node_limit = (uint64_t)a->node_limit};
    size_t n = (size_t)a->reps;
    double *t = malloc(n * sizeof *t);
    if (!t) {
        fputs("ilmava_bench: out of memory\n", stderr);
        return 1;
    }
    ilm_errors err;
    ilm_errors_clear(&err);
    ilm_optimum *last = NULL;
    for (size_t i = 0; i < n; i++) {
        ilm_optimum *o = NULL;
        double t0 = now_s();
        int rc = ilm_optimize(plan, &opt, &o, &err);
        t[i] = now_s() - t0;
        if (rc) {
            print_errors("ilm_optimize", &err);
            ilm_optimum_free(last);
            free(t);
            return 1;
        }
        ilm_optimum_free(last);
        last = o;
    }
    stats s = summarise(t, n);
    free(t);
    size_t kept = 0, kept_optional = 0;
    for (size_t j = 0; j < last->n_measures; j++)
        if (last->keep[j]) {
            kept++;
            kept_optional += plan->measures[j].optional;
        }
    printf("bench=optimize reps=%zu load_s=%.6f first_s=%.6f min_s=%.6f median_s=%.6f "
           "max_s=%.6f method=%s exact=%d nodes=%" PRIu64 " n_optional=%zu "
           "kept_optional=%zu kept=%zu feasible=%d annual_cost=%.2f cost_bound=%.2f "
           "gap=%.3f\n",
           n, load_s, s.first, s.min, s.median, s.max, last->method ? last->method : "?",
           (int)last->exact, last->nodes, last->n_optional, kept_optional, kept,
           (int)last->feasible, last->annual_cost, last->cost_bound, last->gap);
    ilm_optimum_free(last);
    return 0;
}

/* inventory: R timed calls of ilm_store_inventory + ilm_inventory_view_clear
 * on one store handle. */
static int bench_inventory(const args *a)
{
    ilm_errors err;
    ilm_errors_clear(&err);
    ilm_store *s = NULL;
    double t0 = now_s();
    if (ilm_store_open(a->plan, &s, &err)) {
        print_errors(a->plan, &err);
        return 1;
    }
    double open_s = now_s() - t0;
    size_t n = (size_t)a->reps;
    double *t = malloc(n * sizeof *t);
    if (!t) {
        fputs("ilmava_bench: out of memory\n", stderr);
        ilm_store_close(s);
        return 1;
    }
    size_t rows = 0, years = 0;
    for (size_t i = 0; i < n; i++) {
        ilm_inventory_view v;
        t0 = now_s();
        int rc = ilm_store_inventory(s, a->code, a->scope, 0, 0, &v, &err);
        if (!rc) {
            rows = v.n_rows;
            years = 0;
            for (size_t j = 0; j < v.n_rows; j++)
                years += j == 0 || v.rows[j].year != v.rows[j - 1].year;
        }
        ilm_inventory_view_clear(&v);
        t[i] = now_s() - t0;
        if (rc) {
            print_errors("ilm_store_inventory", &err);
            free(t);
            ilm_store_close(s);
            return 1;
        }
    }
    ilm_store_close(s);
    stats st = summarise(t, n);
    free(t);
    printf("bench=inventory code=%s scope=%s reps=%zu open_s=%.6f first_us=%.3f "
           "min_us=%.3f median_us=%.3f max_us=%.3f rows=%zu years=%zu\n",
           a->code, ilm_scope_name(a->scope), n, open_s, st.first * 1e6, st.min * 1e6,
           st.median * 1e6, st.max * 1e6, rows, years);
    return 0;
}

int main(int argc, char **argv)
{
    args a;
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        fputs(usage, stdout);
        return 0;
    }
    if (parse_args(argc, argv, &a)) {
        fputs(usage, stderr);
        return 2;
    }
    if (a.mode == MODE_INVENTORY)
        return bench_inventory(&a);
    ilm_errors err;
    ilm_errors_clear(&err);
    ilm_plan *plan = NULL;
    double t0 = now_s();
    if (ilm_plan_read_file(a.plan, &plan, &err)) {
        print_errors(a.plan, &err);
        return 1;
    }
    double load_s = now_s() - t0;
    int rc = a.mode == MODE_OPTIMIZE ? bench_optimize(&a, plan, load_s)
                                     : bench_run(&a, plan, load_s);
    ilm_plan_free(plan);
    return rc;
}
