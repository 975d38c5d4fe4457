/* Golden tests on the project's own cases, tests/data/golden/NAME.plan.json
 * with NAME.result.json. The expected results come from the independent
 * numpy reference (bench/mc_numpy.py), never from this engine, and their key
 * numbers are derived by hand in tests/data/golden/README.md.
 *
 * The cases are listed here, not globbed, so that a missing file fails.
 * The Monte Carlo cases compare their deterministic part with numpy and
 * check the draws by hand-coded assertions (p_meet is 0 or 1 by
 * construction). A last test checks that the comparison helper itself
 * fails when it should.
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

static const char *data_dir; /* $ILMAVA_TESTDATA/golden */

typedef struct golden_case {
    const char *name;
    unsigned flags;
} golden_case;

static char *case_path(const char *name, const char *suffix)
{
    return golden_join(data_dir, name, suffix);
}

static void run_case(const char *name, unsigned flags)
{
    char *plan = case_path(name, ".plan.json");
    char *result = case_path(name, ".result.json");
    /* golden_check may longjmp out on failure: copy, free, then check. */
    char plan_buf[512], result_buf[512];
    snprintf(plan_buf, sizeof plan_buf, "%s", plan);
    snprintf(result_buf, sizeof result_buf, "%s", result);
    free(plan);
    free(result);
    golden_check(plan_buf, result_buf, flags);
}

static void test_case(void **state)
{
    const golden_case *gc = *state;
    run_case(gc->name, gc->flags);
}

/* ---- The Monte Carlo cases, checked by hand ----------------------------
 *
 * mc_all_meet and mc_none_meet share their streams and measures (README):
 * heating 1000 t with a share in [0.5, 0.7] reached in 2024 (half in 2023),
 * transport 500 t minus an amount in [50, 200] from 2023, waste 100 t minus a
 * degenerate share range [0.1, 0.1, 0.1] from 2023; no growth and no
 * trend_sd. So every draw's in-scope total lies in
 *   2023: [650 + 300 + 90, 750 + 450 + 90] = [1040, 1290]
 *   2024, 2025, 2026: [300 + 300 + 90, 500 + 450 + 90] = [690, 1040]
 * and is the same in 2024, 2025 and 2026. V is 1120 for mc_all_meet (every
 * draw meets: p_meet = 1) and 480 for mc_none_meet (none does: p_meet = 0).
 */

#define MC_DRAWS 20000
#define MC_SLACK 1e-9

static const int mc_years[] = {2023, 2024, 2025, 2026};
static const double mc_lo[] = {1040, 690, 690, 690};
static const double mc_hi[] = {1290, 1040, 1040, 1040};

/* The engine's monte_carlo object, copied out so that the JSON can be
 * freed before any assertion longjmps. */
typedef struct mc_seen {
    bool present, draws_int, years_int, lengths_ok;
    long long draws;
    double p_meet;
    size_t n_years;
    long long years[4];
    double p5[4], p50[4], p95[4];
} mc_seen;

static mc_seen mc_read(json_t *doc)
{
    mc_seen s = {0};
    const json_t *mc = json_object_get(doc, "monte_carlo");
    s.present = json_is_object(mc);
    if (s.present) {
        const json_t *d = json_object_get(mc, "draws");
        s.draws_int = json_is_integer(d);
        s.draws = json_integer_value(d);
        s.p_meet = json_number_value(json_object_get(mc, "p_meet"));
        const json_t *years = json_object_get(mc, "years"), *p5 = json_object_get(mc, "p5"),
                     *p50 = json_object_get(mc, "p50"), *p95 = json_object_get(mc, "p95");
        s.n_years = json_array_size(years);
        s.lengths_ok = json_array_size(p5) == s.n_years && json_array_size(p50) == s.n_years &&
                       json_array_size(p95) == s.n_years;
        s.years_int = true;
        for (size_t i = 0; i < 4 && i < s.n_years; i++) {
            s.years_int &= json_is_integer(json_array_get(years, i));
            s.years[i] = json_integer_value(json_array_get(years, i));
            s.p5[i] = json_number_value(json_array_get(p5, i));
            s.p50[i] = json_number_value(json_array_get(p50, i));
            s.p95[i] = json_number_value(json_array_get(p95, i));
        }
    }
    json_decref(doc);
    return s;
}

/* Hand-coded checks of the engine's monte_carlo object; frees doc. */
static void check_mc_by_hand(json_t *doc, double want_p_meet)
{
    mc_seen s = mc_read(doc);
    if (!s.present)
        fail_msg("monte_carlo: missing from the engine's result");
    assert_true(s.draws_int);
    assert_int_equal(s.draws, MC_DRAWS);
    if (s.p_meet != want_p_meet)
        fail_msg("monte_carlo.p_meet: got %.17g, want exactly %g (by construction)", s.p_meet,
                 want_p_meet);
    assert_int_equal(s.n_years, 4);
    assert_true(s.years_int);
    assert_true(s.lengths_ok);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(s.years[i], mc_years[i]);
        if (!(mc_lo[i] - MC_SLACK <= s.p5[i] && s.p5[i] < s.p50[i] && s.p50[i] < s.p95[i] &&
              s.p95[i] <= mc_hi[i] + MC_SLACK))
            fail_msg("monte_carlo year %d: want %g <= p5 < p50 < p95 <= %g, got p5 %.17g, "
                     "p50 %.17g, p95 %.17g",
                     mc_years[i], mc_lo[i], mc_hi[i], s.p5[i], s.p50[i], s.p95[i]);
    }
    /* Every draw's total is the same in 2024, 2025 and 2026. */
    for (size_t i = 2; i < 4; i++)
        if (s.p5[i] != s.p5[1] || s.p50[i] != s.p50[1] || s.p95[i] != s.p95[1])
            fail_msg("monte_carlo year %d: percentiles differ from 2024's though every "
                     "draw's total is the same",
                     mc_years[i]);
}

static void mc_case(const char *name, double want_p_meet)
{
    char *plan = case_path(name, ".plan.json");
    char buf[512];
    snprintf(buf, sizeof buf, "%s", plan);
    free(plan);

    /* The deterministic part against numpy; Monte Carlo shape only. */
    run_case(name, GOLDEN_MC_BY_HAND);

    json_t *doc = golden_run(buf, GOLDEN_THREADS);
    assert_non_null(doc);
    check_mc_by_hand(doc, want_p_meet);

    /* The same draws for any number of threads (model.h). */
    json_t *one = golden_run(buf, 1), *two = golden_run(buf, 2), *three = golden_run(buf, 3);
    bool same = one && two && three &&
                json_equal(json_object_get(one, "monte_carlo"),
                           json_object_get(two, "monte_carlo")) &&
                json_equal(json_object_get(one, "monte_carlo"),
                           json_object_get(three, "monte_carlo"));
    json_decref(one);
    json_decref(two);
    json_decref(three);
    if (!same)
        fail_msg("%s: the Monte Carlo differs between 1, 2 and 3 threads", buf);
}

static void test_mc_all_meet(void **state)
{
    (void)state;
    mc_case("mc_all_meet", 1.0);
}

static void test_mc_none_meet(void **state)
{
    (void)state;
    mc_case("mc_none_meet", 0.0);
}

/* ---- The helper fails when it should ------------------------------------ */

static json_t *load_case(const char *name)
{
    char *path = case_path(name, ".result.json");
    json_t *doc = golden_load_json(path);
    free(path);
    return doc;
}

/* Differences between want and a copy of it changed by `edit`. */
static size_t diffs_after(const json_t *want, void (*edit)(json_t *), unsigned flags)
{
    json_t *got = json_deep_copy(want);
    if (!got)
        abort();
    edit(got);
    size_t n = golden_compare(got, want, flags | GOLDEN_QUIET, "self-test");
    json_decref(got);
    return n;
}

static void scale_at(json_t *doc, const char *key, size_t i, double factor)
{
    json_t *a = json_object_get(doc, key);
    json_t *v = a && json_is_array(a) ? json_array_get(a, i) : a;
    json_t *obj = json_is_array(a) ? NULL : doc;
    double x = json_number_value(v) * factor;
    if (obj)
        json_object_set_new(obj, key, json_real(x));
    else
        json_array_set_new(a, i, json_real(x));
}

static void edit_none(json_t *d) { (void)d; }
static void edit_scenario_1e6(json_t *d) { scale_at(d, "scenario", 4, 1 + 1e-6); }
static void edit_scenario_1e11(json_t *d) { scale_at(d, "scenario", 4, 1 + 1e-11); }
static void edit_drop_key(json_t *d) { json_object_del(d, "overshoot"); }
static void edit_add_key(json_t *d) { json_object_set_new(d, "extra", json_true()); }
static void edit_cost_null(json_t *d)
{
    json_object_set_new(json_array_get(json_object_get(d, "measures"), 0), "cost_per_t",
                        json_null());
}
static void edit_year_real(json_t *d)
{
    json_array_set_new(json_object_get(d, "years"), 0, json_real(2020.0));
}
static void edit_years_longer(json_t *d)
{
    json_array_append_new(json_object_get(d, "years"), json_integer(2026));
}
static void edit_meets(json_t *d) { json_object_set_new(d, "meets", json_true()); }
static void edit_class(json_t *d)
{
    json_object_set_new(json_array_get(json_object_get(d, "measures"), 1), "class",
                        json_string("moderate"));
}
static void edit_count(json_t *d)
{
    json_object_set_new(json_object_get(json_object_get(d, "classes"), "hard"), "count",
                        json_integer(3));
}
static void edit_minus_zero(json_t *d)
{
    /* numpy wrote heat_done's attributed as -0.0 */
    json_object_set_new(json_array_get(json_object_get(d, "measures"), 2), "attributed",
                        json_real(0.0));
}
static void edit_easy_share_small(json_t *d) { scale_at(d, "easy_share", 0, 1 + 1e-10); }
static void edit_easy_share_1e6(json_t *d) { scale_at(d, "easy_share", 0, 1 + 1e-6); }
static void edit_gap_tiny(json_t *d) { json_object_set_new(d, "gap", json_real(5e-7)); }
static void edit_gap_small(json_t *d) { json_object_set_new(d, "gap", json_real(2e-6)); }

static void set_mc(json_t *d, const char *key, size_t i, double v)
{
    json_t *mc = json_object_get(d, "monte_carlo");
    if (i == (size_t)-1)
        json_object_set_new(mc, key, json_real(v));
    else
        json_array_set_new(json_object_get(mc, key), i, json_real(v));
}
static void edit_p_meet_ok(json_t *d) { set_mc(d, "p_meet", (size_t)-1, 0.995); }
static void edit_p_meet_bad(json_t *d) { set_mc(d, "p_meet", (size_t)-1, 0.98); }
static void edit_p50_ok(json_t *d)
{
    json_t *a = json_object_get(json_object_get(d, "monte_carlo"), "p50");
    set_mc(d, "p50", 1, json_number_value(json_array_get(a, 1)) * 1.005);
}
static void edit_p50_bad(json_t *d)
{
    json_t *a = json_object_get(json_object_get(d, "monte_carlo"), "p50");
    set_mc(d, "p50", 1, json_number_value(json_array_get(a, 1)) * 1.02);
}
static void edit_mc_draws(json_t *d)
{
    json_object_set_new(json_object_get(d, "monte_carlo"), "draws", json_integer(20001));
}
static void edit_drop_mc(json_t *d) { json_object_del(d, "monte_carlo"); }

static void test_helper_self_check(void **state)
{
    (void)state;
    json_t *a = load_case("underway");
    json_t *d = load_case("zero_discount");
    json_t *mc = load_case("mc_all_meet");
    bool loaded = a && d && mc;
    size_t n[24];
    size_t k = 0;
    if (loaded) {
        n[k++] = diffs_after(a, edit_none, 0);             /* 0 */
        n[k++] = diffs_after(a, edit_scenario_1e6, 0);     /* 1 */
        n[k++] = diffs_after(a, edit_scenario_1e11, 0);    /* 2 */
        n[k++] = diffs_after(a, edit_drop_key, 0);         /* 3 */
        n[k++] = diffs_after(a, edit_add_key, 0);          /* 4 */
        n[k++] = diffs_after(a, edit_cost_null, 0);        /* 5 */
        n[k++] = diffs_after(a, edit_year_real, 0);        /* 6 */
        n[k++] = diffs_after(a, edit_years_longer, 0);     /* 7 */
        n[k++] = diffs_after(a, edit_meets, 0);            /* 8 */
        n[k++] = diffs_after(a, edit_class, 0);            /* 9 */
        n[k++] = diffs_after(a, edit_count, 0);            /* 10 */
        n[k++] = diffs_after(a, edit_minus_zero, 0);       /* 11 */
        n[k++] = diffs_after(a, edit_easy_share_small, 0); /* 12 */
        n[k++] = diffs_after(a, edit_easy_share_1e6, 0);   /* 13 */
        n[k++] = diffs_after(d, edit_gap_tiny, 0);         /* 14 */
        n[k++] = diffs_after(d, edit_gap_small, 0);        /* 15 */
        n[k++] = diffs_after(mc, edit_p_meet_ok, 0);       /* 16 */
        n[k++] = diffs_after(mc, edit_p_meet_bad, 0);      /* 17 */
        n[k++] = diffs_after(mc, edit_p50_ok, 0);          /* 18 */
        n[k++] = diffs_after(mc, edit_p50_bad, 0);         /* 19 */
        n[k++] = diffs_after(mc, edit_p_meet_bad, GOLDEN_MC_BY_HAND); /* 20 */
        n[k++] = diffs_after(mc, edit_p50_bad, GOLDEN_MC_BY_HAND);    /* 21 */
        n[k++] = diffs_after(mc, edit_mc_draws, GOLDEN_MC_BY_HAND);   /* 22 */
        n[k++] = diffs_after(mc, edit_drop_mc, GOLDEN_MC_BY_HAND);    /* 23 */
    }
    json_decref(a);
    json_decref(d);
    json_decref(mc);
    assert_true(loaded);
    static const size_t want[24] = {0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0,
                                    0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1};
    for (size_t i = 0; i < k; i++)
        if (n[i] != want[i])
            fail_msg("self-check edit %zu: %zu difference(s), want %zu", i, n[i], want[i]);
}

static golden_case cases[] = {
    {"underway", 0},            /* (a) */
    {"share_one", 0},           /* (b) */
    {"absolute_clip", 0},       /* (c) */
    {"zero_discount", 0},       /* (d) */
    {"no_effect", 0},           /* (e) */
    {"ets_non_ets", 0},         /* (f) */
    {"ets_total", 0},           /* (f) */
    {"two_shares", 0},          /* (g) */
    {"phi_zero", 0},            /* (g) */
    {"hinku", 0},               /* (h) */
    {"easy_share_null", 0},     /* (i) */
    {"easy_share_zero_room", 0},/* (i) */
    {"cancelled", 0},           /* (j) */
    {"hinku_no_ets", 0},        /* (k) */
};

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *testdata = golden_env_dir("ILMAVA_TESTDATA");
    if (!testdata) {
        fprintf(stderr, "test_golden_own: ILMAVA_TESTDATA is not set (CTest sets it to "
                        "tests/data)\n");
        return 1;
    }
    char *dir = golden_join(testdata, "golden", "");
    data_dir = dir;

    enum { N_CASES = sizeof cases / sizeof cases[0] };
    struct CMUnitTest tests[N_CASES + 3];
    size_t n = 0;
    for (size_t i = 0; i < N_CASES; i++)
        tests[n++] = (struct CMUnitTest){cases[i].name, test_case, NULL, NULL, &cases[i]};
    tests[n++] = (struct CMUnitTest){"mc_all_meet", test_mc_all_meet, NULL, NULL, NULL};
    tests[n++] = (struct CMUnitTest){"mc_none_meet", test_mc_none_meet, NULL, NULL, NULL};
    tests[n++] =
        (struct CMUnitTest){"helper_self_check", test_helper_self_check, NULL, NULL, NULL};

    int failed = _cmocka_run_group_tests("golden_own", tests, n, NULL, NULL);
    free(dir);
    return failed ? 1 : 0; /* never 77, which CTest reads as skipped */
}
