/* Unit tests of the Monte Carlo (spec/plan-model.md section 6): the same
 * numbers for any thread count, the deterministic pathway when nothing is
 * uncertain, percentiles and p_meet against distributions derived by hand
 * (triangular ranges, normal growth rates), and the exact percentile
 * routine against a sort-based reference.
 *
 * Monte Carlo tolerances: the sample q-quantile of N draws from a density f
 * has standard error sqrt(q (1 - q) / N) / f(x_q), and a sample fraction
 * p has sqrt(p (1 - p) / N). Each check allows 5 standard errors (a miss
 * by chance has probability below 1e-6); the seed is fixed, so the test is
 * repeatable anyway, and a wrong distribution misses by far more.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ilmava/io.h"
#include "ilmava/model.h"
#include "model/internal.h"

#define NEAR(a, b)                                                                                 \
    assert_true(fabs((double)(a) - (double)(b)) <= 1e-9 * fmax(1.0, fabs((double)(b))))

/* |a - b| <= tol, with the numbers printed when it fails. */
#define WITHIN(a, b, tol) within((a), (b), (tol), #a, __LINE__)

static void within(double a, double b, double tol, const char *what, int line)
{
    if (!(fabs(a - b) <= tol))
        fail_msg("line %d: %s = %.17g, expected %.17g within %.3g", line, what, a, b, tol);
}

#define Z95 1.6448536269514722 /* the standard normal's 95th percentile */

static double normal_pdf(double z) { return exp(-0.5 * z * z) / sqrt(2.0 * M_PI); }
static double normal_cdf(double z) { return 0.5 * erfc(-z / sqrt(2.0)); }

/* The test's own generator (splitmix64, fixed seed): random plans and
 * arrays are the same on every run. */
static uint64_t rng_state = 0x853c49e6748fea9bULL;

static uint64_t next_u64(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double next_unit(void) { return (double)(next_u64() >> 11) / 9007199254740992.0; }

/* Parses a plan document built from a printf format. */
static ilm_plan *plan_from(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static ilm_plan *plan_from(const char *fmt, ...)
{
    char doc[16384];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(doc, sizeof doc, fmt, ap);
    va_end(ap);
    assert_true(len > 0 && (size_t)len < sizeof doc);
    ilm_errors err = {0};
    ilm_plan *p = NULL;
    int rc = ilm_plan_from_json(doc, strlen(doc), &p, &err);
    if (rc) {
        for (int i = 0; i < err.count; i++)
            fprintf(stderr, "%s\n", err.msg[i]);
        fail_msg("plan did not parse");
    }
    return p;
}

static ilm_result *run_mc(const ilm_plan *p, int64_t draws, int64_t seed, int threads)
{
    ilm_run_options o = ilm_run_options_default();
    o.draws = draws;
    o.seed = seed;
    o.threads = threads;
    ilm_errors err = {0};
    ilm_result *r = NULL;
    int rc = ilm_model_run(p, &o, &r, &err);
    if (rc) {
        for (int i = 0; i < err.count; i++)
            fprintf(stderr, "%s\n", err.msg[i]);
    }
    assert_int_equal(rc, 0);
    assert_non_null(r);
    int64_t want = draws >= 0 ? draws : p->draws; /* -1: the plan's */
    if (want > 0) {
        assert_non_null(r->monte_carlo);
        assert_true(r->monte_carlo->draws == want);
    } else {
        assert_null(r->monte_carlo);
    }
    return r;
}

#define HEAD "{\"ilmava_plan\":1,\"municipality\":{\"code\":\"001\",\"name\":\"Test\"},"

/* ---- (a) determinism ---- */

/* Four streams in three sectors, growth noise, ranges of both kinds,
 * measures already under way, a cancelled one; L = 2021, T = 2030,
 * H = 2035. p_meet is near one half. */
static ilm_plan *mixed_plan(void)
{
    return plan_from(
        HEAD "\"inventory\":["
             "{\"year\":2019,\"sector\":\"heat\",\"t\":1000},"
             "{\"year\":2020,\"sector\":\"heat\",\"t\":980},"
             "{\"year\":2021,\"sector\":\"heat\",\"t\":950},"
             "{\"year\":2019,\"sector\":\"transport\",\"t\":800},"
             "{\"year\":2021,\"sector\":\"transport\",\"t\":790},"
             "{\"year\":2019,\"sector\":\"industry\",\"ets\":true,\"t\":5000},"
             "{\"year\":2021,\"sector\":\"industry\",\"ets\":true,\"t\":4800},"
             "{\"year\":2021,\"sector\":\"industry\",\"t\":200}],"
             "\"baseline\":{\"default_trend\":-0.01,\"trend\":{\"transport\":0.005},"
             "\"trend_sd\":0.02},"
             "\"target\":{\"base_year\":2019,\"target_year\":2030,\"reduction\":0.4},"
             "\"measures\":["
             "{\"id\":\"h1\",\"sector\":\"heat\",\"start\":2020,\"full\":2024,\"share\":0.3,"
             "\"share_range\":[0.1,0.3,0.5]},"
             "{\"id\":\"h2\",\"sector\":\"heat\",\"start\":2022,\"full\":2026,"
             "\"absolute_t\":100,\"absolute_range\":[0,100,300]},"
             "{\"id\":\"t1\",\"sector\":\"transport\",\"start\":2023,\"full\":2030,"
             "\"share\":0.2,\"share_range\":[0.05,0.2,0.25]},"
             "{\"id\":\"x\",\"sector\":\"transport\",\"start\":2022,\"full\":2022,"
             "\"share\":0.9,\"share_range\":[0.5,0.9,1],\"status\":\"cancelled\"},"
             "{\"id\":\"i1\",\"sector\":\"industry\",\"ets\":true,\"start\":2024,"
             "\"full\":2024,\"absolute_t\":1500,\"absolute_range\":[1000,1500,2500]},"
             "{\"id\":\"n1\",\"sector\":\"industry\",\"start\":2022,\"full\":2022,"
             "\"share\":0.5}],"
             "\"settings\":{\"horizon\":2035}}");
}

static void assert_mc_identical(const ilm_mc_result *a, const ilm_mc_result *b)
{
    assert_true(a->draws == b->draws);
    assert_true(a->p_meet == b->p_meet);
    assert_int_equal(a->n_years, b->n_years);
    assert_memory_equal(a->years, b->years, a->n_years * sizeof *a->years);
    assert_memory_equal(a->p5, b->p5, a->n_years * sizeof(double));
    assert_memory_equal(a->p50, b->p50, a->n_years * sizeof(double));
    assert_memory_equal(a->p95, b->p95, a->n_years * sizeof(double));
}

/* Plan model 1.1: a measure whose stream has no inventory record (here
 * heat with ets true, and agriculture) is computed as absent, with its
 * range: the Monte Carlo is bit for bit that of the plan with those
 * measures cancelled, for one thread and for three. */
static void test_not_computed_draw_nothing(void **state)
{
    (void)state;
    ilm_plan *p = mixed_plan();
    ilm_measure *grown = realloc(p->measures, (p->n_measures + 2) * sizeof *grown);
    assert_non_null(grown);
    p->measures = grown;
    for (int k = 0; k < 2; k++) {
        ilm_measure *m = &p->measures[p->n_measures++];
        *m = p->measures[0]; /* h1: a share with a range */
        m->id = strdup(k ? "ghost_farm" : "ghost_ets_heat");
        m->name = NULL;
        m->responsible = m->notes = NULL;
        m->sector = strdup(k ? "agriculture" : "heat");
        m->ets = k == 0;
        assert_non_null(m->id);
        assert_non_null(m->sector);
    }
    ilm_plan *c = ilm_plan_clone(p);
    assert_non_null(c);
    c->measures[c->n_measures - 1].status = ILM_STATUS_CANCELLED;
    c->measures[c->n_measures - 2].status = ILM_STATUS_CANCELLED;
    for (int threads = 1; threads <= 3; threads += 2) {
        ilm_result *a = run_mc(p, 6000, 11, threads), *b = run_mc(c, 6000, 11, threads);
        assert_mc_identical(a->monte_carlo, b->monte_carlo);
        assert_int_equal(a->n_not_computed, 3);
        assert_int_equal(a->not_computed[1].reason, ILM_NC_NO_INVENTORY);
        assert_int_equal(b->not_computed[1].reason, ILM_NC_CANCELLED);
        assert_true(a->gap == b->gap);
        ilm_result_free(a);
        ilm_result_free(b);
    }
    ilm_plan_free(c);
    ilm_plan_free(p);
}

static void test_same_result_for_any_thread_count(void **state)
{
    (void)state;
    ilm_plan *p = mixed_plan();
    /* 6000 draws: two full blocks of the implementation and a partial one,
     * and fewer blocks than some of the thread counts. */
    const int64_t draws = 6000;
    ilm_result *r1 = run_mc(p, draws, 77, 1);
    const ilm_mc_result *m = r1->monte_carlo;
    /* The years L + 1 .. H, and a real spread (so that the comparison
     * below compares something). */
    assert_int_equal(m->n_years, 2035 - 2021);
    for (size_t f = 0; f < m->n_years; f++) {
        assert_int_equal(m->years[f], 2022 + (int)f);
        assert_true(m->p5[f] < m->p50[f] && m->p50[f] < m->p95[f]);
    }
    assert_true(m->p_meet > 0.1 && m->p_meet < 0.9);
    for (int threads = 2; threads <= 4; threads++) {
        ilm_result *rt = run_mc(p, draws, 77, threads);
        assert_mc_identical(m, rt->monte_carlo);
        ilm_result_free(rt);
    }
    /* More threads than blocks, and more than the implementation runs. */
    ilm_result *r100 = run_mc(p, draws, 77, 100);
    assert_mc_identical(m, r100->monte_carlo);
    ilm_result_free(r100);
    /* threads <= 0 means one thread. */
    ilm_result *r0 = run_mc(p, draws, 77, 0);
    assert_mc_identical(m, r0->monte_carlo);
    ilm_result_free(r0);

    /* Another seed gives other numbers. */
    ilm_result *r2 = run_mc(p, draws, 78, 2);
    const ilm_mc_result *m2 = r2->monte_carlo;
    size_t differ = 0;
    for (size_t f = 0; f < m->n_years; f++)
        differ += (m->p5[f] != m2->p5[f]) + (m->p50[f] != m2->p50[f]) + (m->p95[f] != m2->p95[f]);
    assert_true(differ >= m->n_years * 3 - 2);
    assert_true(m->p_meet != m2->p_meet);
    /* ...but the same distribution: the medians agree within Monte Carlo
     * noise (a few percent of the level here). */
    for (size_t f = 0; f < m->n_years; f++)
        assert_true(fabs(m->p50[f] - m2->p50[f]) < 0.03 * m->p50[f]);
    assert_true(fabs(m->p_meet - m2->p_meet) < 0.05);
    ilm_result_free(r2);
    ilm_result_free(r1);
    ilm_plan_free(p);
}

/* The options' -1 means the plan's own draws and seed. */
static void test_plan_draws_and_seed(void **state)
{
    (void)state;
    ilm_plan *p = mixed_plan();
    p->draws = 1500;
    p->seed = 4242;
    ilm_result *a = run_mc(p, -1, -1, 1); /* asserts draws == 1500 */
    ilm_result *b = run_mc(p, 1500, 4242, 3);
    assert_mc_identical(a->monte_carlo, b->monte_carlo);
    ilm_result *c = run_mc(p, 1500, 4243, 1);
    assert_memory_not_equal(a->monte_carlo->p50, c->monte_carlo->p50,
                            a->monte_carlo->n_years * sizeof(double));
    /* Draws 0 in the options: no Monte Carlo despite the plan's setting. */
    ilm_result *d = run_mc(p, 0, -1, 1);
    ilm_result_free(a);
    ilm_result_free(b);
    ilm_result_free(c);
    ilm_result_free(d);
    ilm_plan_free(p);
}

typedef struct progress_log {
    int calls;
    int64_t last_done, last_total;
    bool monotone;
} progress_log;

static void on_progress(void *user, int64_t done, int64_t total)
{
    progress_log *log = user;
    if (done < log->last_done)
        log->monotone = false;
    log->calls++;
    log->last_done = done;
    log->last_total = total;
}

static void test_progress(void **state)
{
    (void)state;
    ilm_plan *p = mixed_plan();
    progress_log log = {.monotone = true};
    ilm_run_options o = ilm_run_options_default();
    o.draws = 5000;
    o.threads = 1;
    o.progress = on_progress;
    o.progress_user = &log;
    ilm_errors err = {0};
    ilm_result *r = NULL;
    assert_int_equal(ilm_model_run(p, &o, &r, &err), 0);
    /* Called at least once, with the total, and counts that only grow. */
    assert_true(log.calls >= 1);
    assert_true(log.monotone);
    assert_true(log.last_total == 5000);
    assert_true(log.last_done > 0 && log.last_done <= 5000);
    ilm_result_free(r);
    ilm_plan_free(p);
}

/* ---- (b) nothing uncertain: the Monte Carlo is the deterministic model ---- */

/* Heat has an absolute measure listed before its share measures (the model
 * is Base * PRODUCT(phi) - SUM(d), never (Base - d) * phi), a point range,
 * two measures fully in effect by L (one a 100 % share: phi = 1, not
 * 0 / 0) and a cancelled one with a wide range;
 * transport is cut below zero and clamped; industry is ETS with a point
 * range. No trend_sd. L = 2021, T = 2026, H = 2030. */
static ilm_plan *certain_plan(double reduction, const char *scope)
{
    return plan_from(
        HEAD "\"inventory\":["
             "{\"year\":2020,\"sector\":\"heat\",\"t\":1000},"
             "{\"year\":2021,\"sector\":\"heat\",\"t\":1000},"
             "{\"year\":2020,\"sector\":\"transport\",\"t\":500},"
             "{\"year\":2021,\"sector\":\"transport\",\"t\":520},"
             "{\"year\":2020,\"sector\":\"industry\",\"ets\":true,\"t\":3000},"
             "{\"year\":2021,\"sector\":\"industry\",\"ets\":true,\"t\":3000}],"
             "\"baseline\":{\"default_trend\":0,\"trend\":{\"heat\":-0.02,\"transport\":0.03}},"
             "\"target\":{\"base_year\":2020,\"target_year\":2026,\"reduction\":%.17g,"
             "\"scope\":\"%s\"},"
             "\"measures\":["
             "{\"id\":\"a1\",\"sector\":\"heat\",\"start\":2022,\"full\":2023,"
             "\"absolute_t\":200},"
             "{\"id\":\"s1\",\"sector\":\"heat\",\"start\":2021,\"full\":2024,\"share\":0.5},"
             "{\"id\":\"s2\",\"sector\":\"heat\",\"start\":2025,\"full\":2025,\"share\":0.1,"
             "\"share_range\":[0.1,0.1,0.1]},"
             "{\"id\":\"old\",\"sector\":\"heat\",\"start\":2015,\"full\":2020,\"share\":0.3,"
             "\"share_range\":[0.1,0.3,0.9]},"
             "{\"id\":\"gone\",\"sector\":\"heat\",\"start\":2018,\"full\":2019,\"share\":1,"
             "\"status\":\"done\"},"
             "{\"id\":\"c\",\"sector\":\"heat\",\"start\":2022,\"full\":2022,\"share\":0.9,"
             "\"share_range\":[0.5,0.9,1],\"status\":\"cancelled\"},"
             "{\"id\":\"t1\",\"sector\":\"transport\",\"start\":2022,\"full\":2028,"
             "\"absolute_t\":800},"
             "{\"id\":\"t2\",\"sector\":\"transport\",\"start\":2022,\"full\":2022,"
             "\"share\":0.2},"
             "{\"id\":\"i1\",\"sector\":\"industry\",\"ets\":true,\"start\":2022,"
             "\"full\":2022,\"absolute_t\":500,\"absolute_range\":[500,500,500]}],"
             "\"settings\":{\"horizon\":2030}}",
        reduction, scope);
}

/* Every percentile of every year after L is the deterministic scenario.
 * Not bit for bit: the Monte Carlo grows the baseline by repeated
 * multiplication and computes phi as a - b ramp, where the pathway uses
 * pow() and a quotient; those differ by a few units in the last place, so
 * the check allows 1e-11 relative (or absolute, near zero). */
static void check_certain(const ilm_plan *p, bool expect_meets)
{
    ilm_result *r = run_mc(p, 2000, 5, 2);
    const ilm_mc_result *m = r->monte_carlo;
    assert_true(r->meets == expect_meets);
    assert_true(fabs(r->gap) > 10); /* far from the edge */
    assert_int_equal(m->n_years, 2030 - 2021);
    for (size_t f = 0; f < m->n_years; f++) {
        size_t i = (size_t)(m->years[f] - r->base_year);
        double s = r->scenario[i];
        double tol = 1e-11 * fmax(1.0, fabs(s));
        WITHIN(m->p5[f], s, tol);
        WITHIN(m->p50[f], s, tol);
        WITHIN(m->p95[f], s, tol);
    }
    assert_true(m->p_meet == (r->meets ? 1.0 : 0.0));
    ilm_result_free(r);
}

static void test_no_spread_equals_deterministic(void **state)
{
    (void)state;
    /* By hand (scope total): heat in 2026 = 1000 * 0.98^5 * 0.5 / 0.875 *
     * 0.9 - 200 = 264.77; transport = max(0, 520 * 1.03^5 * 0.8 - 800 *
     * 5/7) = 0; industry 2500. Total 2764.77 against V = 3150 (-30 %) or
     * 2250 (-50 %). */
    ilm_plan *p = certain_plan(0.3, "total");
    ilm_result *r = run_mc(p, 0, -1, 1);
    double heat = 1000 * pow(0.98, 5) * (0.5 / 0.875) * 0.9 - 200;
    NEAR(r->scenario[6], heat + 2500);
    ilm_result_free(r);
    check_certain(p, true);
    ilm_plan_free(p);

    p = certain_plan(0.5, "total");
    check_certain(p, false);
    ilm_plan_free(p);

    /* Non-ETS: industry is out of scope; V = 0.7 * 1500 = 1050. */
    p = certain_plan(0.3, "non_ets");
    check_certain(p, true);
    ilm_plan_free(p);
}

/* The order of shares and absolute cuts, by hand: 1000 t, an absolute cut
 * of 200 t listed before a 50 % share, both at full effect from L + 1:
 * 1000 * 0.5 - 200 = 300 t, never (1000 - 200) * 0.5 = 400 t. Both
 * computations are exact in binary floating point. */
static void test_absolute_before_share(void **state)
{
    (void)state;
    ilm_plan *p = plan_from(
        HEAD "\"inventory\":[{\"year\":2021,\"sector\":\"heat\",\"t\":1000}],"
             "\"target\":{\"base_year\":2021,\"target_year\":2023,\"reduction\":0.65},"
             "\"measures\":["
             "{\"id\":\"a\",\"sector\":\"heat\",\"start\":2022,\"full\":2022,"
             "\"absolute_t\":200,\"absolute_range\":[200,200,200]},"
             "{\"id\":\"s\",\"sector\":\"heat\",\"start\":2022,\"full\":2022,\"share\":0.5}]}");
    ilm_result *r = run_mc(p, 100, 1, 1);
    const ilm_mc_result *m = r->monte_carlo;
    assert_int_equal(m->n_years, 2);
    for (size_t f = 0; f < 2; f++) {
        assert_true(m->p5[f] == 300.0);
        assert_true(m->p50[f] == 300.0);
        assert_true(m->p95[f] == 300.0);
    }
    /* V = 350: met in every draw. */
    assert_true(r->meets);
    assert_true(m->p_meet == 1.0);
    ilm_result_free(r);
    ilm_plan_free(p);

    /* A tie: 600 t in the base year, -50 %: V = 300 exactly, and every
     * draw has Scenario(T) = 300 <= V, so p_meet is 1 (and the gap 0). */
    p = plan_from(HEAD "\"inventory\":[{\"year\":2020,\"sector\":\"heat\",\"t\":600},"
                       "{\"year\":2021,\"sector\":\"heat\",\"t\":1000}],"
                       "\"target\":{\"base_year\":2020,\"target_year\":2023,\"reduction\":0.5},"
                       "\"measures\":["
                       "{\"id\":\"a\",\"sector\":\"heat\",\"start\":2022,\"full\":2022,"
                       "\"absolute_t\":200},"
                       "{\"id\":\"s\",\"sector\":\"heat\",\"start\":2022,\"full\":2022,"
                       "\"share\":0.5,\"share_range\":[0.5,0.5,0.5]}]}");
    r = run_mc(p, 100, 1, 1);
    assert_true(r->target_value == 300.0);
    assert_true(r->gap == 0.0);
    assert_true(r->meets);
    assert_true(r->monte_carlo->p50[1] == 300.0);
    assert_true(r->monte_carlo->p_meet == 1.0);
    ilm_result_free(r);
    ilm_plan_free(p);
}

/* Caps: more draws than ILM_MAX_DRAWS, or more simulated years than the
 * Monte Carlo keeps, fail with ILM_ELIMIT and a message, computing
 * nothing (and allocating nothing large). */
static void test_draw_limits(void **state)
{
    (void)state;
    ilm_plan *p = mixed_plan(); /* 14 years after L */
    ilm_run_options o = ilm_run_options_default();
    ilm_errors err = {0};
    ilm_result dummy;
    ilm_result *r = &dummy;
    o.draws = (int64_t)ILM_MAX_DRAWS + 1;
    assert_int_equal(ilm_model_run(p, &o, &r, &err), ILM_ELIMIT);
    assert_null(r);
    assert_true(err.count >= 1);
    assert_non_null(strstr(err.msg[0], "draws"));
    /* 10^7 draws over 14 years are 1.4e8 simulated years. */
    ilm_errors_clear(&err);
    r = &dummy;
    o.draws = ILM_MAX_DRAWS;
    assert_int_equal(ilm_model_run(p, &o, &r, &err), ILM_ELIMIT);
    assert_null(r);
    assert_true(err.count >= 1);
    assert_non_null(strstr(err.msg[0], "draws"));
    ilm_plan_free(p);
}

/* Appends printf-formatted text at *pos of buf (of size cap). */
static void append(char *buf, size_t cap, size_t *pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t cap, size_t *pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *pos, cap - *pos, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < cap - *pos);
    *pos += (size_t)n;
}

/* Random plans without spread (no trend_sd; ranges absent or a single
 * point): streams heat, transport and ETS industry with their own growth,
 * now and then one at 0 t in L; up to 12 measures of both kinds in random
 * order, some under way or done by L, some after T, some cancelled with a
 * wide range, 100 % shares; every scope; horizons past T. In every year
 * after L each percentile is the deterministic scenario (within rounding,
 * as in check_certain), and p_meet is 1 exactly when the plan meets. */
static void test_no_spread_random_plans(void **state)
{
    (void)state;
    static const char *const sector[3] = {"heat", "transport", "industry"};
    static const char *const scope[3] = {"total", "non_ets", "hinku"};
    rng_state = 99;
    int meets = 0, misses = 0;
    for (int t = 0; t < 40; t++) {
        char doc[16384];
        size_t pos = 0;
        append(doc, sizeof doc, &pos, HEAD "\"inventory\":[");
        for (int k = 0; k < 3; k++) {
            double t0 = 200 + 1800 * next_unit();
            double tl = next_u64() % 8 == 0 ? 0 : t0 * (0.8 + 0.4 * next_unit());
            append(doc, sizeof doc, &pos,
                   "%s{\"year\":2020,\"sector\":\"%s\",\"ets\":%s,\"t\":%.17g},"
                   "{\"year\":2022,\"sector\":\"%s\",\"ets\":%s,\"t\":%.17g}",
                   k ? "," : "", sector[k], k == 2 ? "true" : "false", t0, sector[k],
                   k == 2 ? "true" : "false", tl);
        }
        /* One draw per statement: argument order is unspecified in C. */
        double g[3];
        for (int k = 0; k < 3; k++)
            g[k] = 0.1 * next_unit() - 0.05;
        int target = 2024 + (int)(next_u64() % 8);
        double reduction = 0.1 + 0.6 * next_unit();
        const char *sc = scope[next_u64() % 3];
        append(doc, sizeof doc, &pos,
               "],\"baseline\":{\"trend\":{\"heat\":%.17g,\"transport\":%.17g,"
               "\"industry\":%.17g}},"
               "\"target\":{\"base_year\":2020,\"target_year\":%d,\"reduction\":%.17g,"
               "\"scope\":\"%s\"},\"measures\":[",
               g[0], g[1], g[2], target, reduction, sc);
        int nm = (int)(next_u64() % 13);
        for (int j = 0; j < nm; j++) {
            int k = (int)(next_u64() % 3);
            bool absolute = next_u64() % 2;
            double a = absolute ? 600 * next_unit() : 0.6 * next_unit();
            if (!absolute && next_u64() % 10 == 0)
                a = 1;
            int start = 2018 + (int)(next_u64() % 16), full = start + (int)(next_u64() % 6);
            int kind = (int)(next_u64() % 6); /* 0: point range, 1: cancelled */
            append(doc, sizeof doc, &pos,
                   "%s{\"id\":\"m%d\",\"sector\":\"%s\",\"ets\":%s,\"start\":%d,"
                   "\"full\":%d,\"%s\":%.17g",
                   j ? "," : "", j, sector[k], k == 2 ? "true" : "false", start, full,
                   absolute ? "absolute_t" : "share", a);
            if (kind == 0)
                append(doc, sizeof doc, &pos, ",\"%s\":[%.17g,%.17g,%.17g]",
                       absolute ? "absolute_range" : "share_range", a, a, a);
            if (kind == 1)
                append(doc, sizeof doc, &pos, ",\"%s\":[0,%.17g,%.17g],\"status\":\"cancelled\"",
                       absolute ? "absolute_range" : "share_range", a, absolute ? 5000 : 1.0);
            append(doc, sizeof doc, &pos, "}");
        }
        append(doc, sizeof doc, &pos, "],\"settings\":{\"horizon\":2034}}");
        ilm_plan *p = plan_from("%s", doc);
        ilm_result *r = run_mc(p, 3, t, 2);
        const ilm_mc_result *m = r->monte_carlo;
        assert_int_equal(m->n_years, 2034 - 2022);
        for (size_t f = 0; f < m->n_years; f++) {
            double s = r->scenario[m->years[f] - r->base_year];
            double tol = 1e-11 * fmax(1.0, fabs(s));
            WITHIN(m->p5[f], s, tol);
            WITHIN(m->p50[f], s, tol);
            WITHIN(m->p95[f], s, tol);
        }
        /* Away from a tie, p_meet is 0 or 1 as `meets` says. (At a tie up to
         * rounding, `meets` allows 1e-9 V while a draw counts only when
         * Scenario(T) <= V exactly, so the two can disagree there.) */
        if (fabs(r->gap) > 1e-6) {
            assert_true(m->p_meet == (r->meets ? 1.0 : 0.0));
            meets += r->meets;
            misses += !r->meets;
        }
        ilm_result_free(r);
        ilm_plan_free(p);
    }
    assert_true(meets >= 5 && misses >= 5);
}

/* Very few draws: one draw gives one value for all three percentiles. */
static void test_tiny_draw_counts(void **state)
{
    (void)state;
    ilm_plan *p = mixed_plan();
    for (int64_t draws = 1; draws <= 3; draws++) {
        ilm_result *r = run_mc(p, draws, 9, 4);
        const ilm_mc_result *m = r->monte_carlo;
        for (size_t f = 0; f < m->n_years; f++) {
            assert_true(isfinite(m->p50[f]));
            assert_true(m->p5[f] <= m->p50[f] && m->p50[f] <= m->p95[f]);
            if (draws == 1)
                assert_true(m->p5[f] == m->p50[f] && m->p50[f] == m->p95[f]);
        }
        double k = m->p_meet * (double)draws;
        assert_true(k == floor(k) && k >= 0 && k <= (double)draws);
        ilm_result_free(r);
    }
    ilm_plan_free(p);
}

/* ---- (c) analytic distributions ---- */

/* Inverse distribution function and density of Triangular(lo, c, hi). */
static double tri_inv(double u, double lo, double c, double hi)
{
    double w = hi - lo;
    if (u < (c - lo) / w)
        return lo + sqrt(u * w * (c - lo));
    return hi - sqrt((1 - u) * w * (hi - c));
}

static double tri_pdf(double x, double lo, double c, double hi)
{
    double w = hi - lo;
    if (x < lo || x > hi)
        return 0;
    return x <= c ? 2 * (x - lo) / (w * (c - lo)) : 2 * (hi - x) / (w * (hi - c));
}

static double tri_cdf(double x, double lo, double c, double hi)
{
    double w = hi - lo;
    if (x <= lo)
        return 0;
    if (x >= hi)
        return 1;
    return x <= c ? (x - lo) * (x - lo) / (w * (c - lo)) : 1 - (hi - x) * (hi - x) / (w * (hi - c));
}

/* One stream of 1000 t, no growth; a share measure with a triangular
 * share_range that started in L = 2021 and is full in 2023, so ramp(L) =
 * 1/3 and in year t S = 1000 phi_t(r), phi_t(r) = (1 - r ramp(t)) /
 * (1 - r / 3), with ramp = 2/3, 1, 1 in 2022..2024. phi_t falls as r
 * rises, so the q-quantile of S is 1000 phi_t(F^-1(1 - q)), with standard
 * error |dS/dr| sqrt(q (1 - q) / N) / f(r), dS/dr = 1000 (1/3 - ramp(t)) /
 * (1 - r / 3)^2. T = 2023 and V = 700: met when phi_T(r) <= 0.7, that is
 * r >= 0.3 / (1 - 0.7 / 3) = 0.3913, so p_meet = 1 - F(0.3913). */
static void check_triangular(double lo, double c, double hi, int64_t n, int64_t seed)
{
    ilm_plan *p = plan_from(
        HEAD "\"inventory\":[{\"year\":2020,\"sector\":\"heat\",\"t\":1000},"
             "{\"year\":2021,\"sector\":\"heat\",\"t\":1000}],"
             "\"target\":{\"base_year\":2020,\"target_year\":2023,\"reduction\":0.3},"
             "\"measures\":[{\"id\":\"s\",\"sector\":\"heat\",\"start\":2021,\"full\":2023,"
             "\"share\":%.17g,\"share_range\":[%.17g,%.17g,%.17g]}],"
             "\"settings\":{\"horizon\":2024}}",
        c, lo, c, hi);
    ilm_result *r = run_mc(p, n, seed, 2);
    const ilm_mc_result *m = r->monte_carlo;
    /* The deterministic model uses the mode. */
    NEAR(r->scenario[3], 1000 * (1 - c) / (1 - c / 3));
    assert_int_equal(m->n_years, 3);
    const double q[3] = {0.05, 0.5, 0.95}, ramp[3] = {2.0 / 3, 1, 1};
    for (size_t f = 0; f < 3; f++) {
        const double *got[3] = {m->p5, m->p50, m->p95};
        for (int i = 0; i < 3; i++) {
            double x = tri_inv(1 - q[i], lo, c, hi);
            double want = 1000 * (1 - x * ramp[f]) / (1 - x / 3);
            double slope = 1000 * (ramp[f] - 1.0 / 3) / ((1 - x / 3) * (1 - x / 3));
            double se = slope * sqrt(q[i] * (1 - q[i]) / (double)n) / tri_pdf(x, lo, c, hi);
            WITHIN(got[i][f], want, 5 * se);
        }
    }
    double pm = 1 - tri_cdf(0.3 / (1 - 0.7 / 3), lo, c, hi);
    WITHIN(m->p_meet, pm, 5 * sqrt(pm * (1 - pm) / (double)n));
    ilm_result_free(r);
    ilm_plan_free(p);
}

static void test_triangular_share(void **state)
{
    (void)state;
    /* The helpers themselves, by hand: the median of [0.2, 0.3, 0.6] is
     * 0.6 - sqrt(0.5 * 0.4 * 0.3) = 0.355051, its 5th percentile 0.2 +
     * sqrt(0.05 * 0.4 * 0.1) = 0.244721, and F inverts F^-1. */
    NEAR(tri_inv(0.5, 0.2, 0.3, 0.6), 0.6 - sqrt(0.06));
    NEAR(tri_inv(0.05, 0.2, 0.3, 0.6), 0.2 + sqrt(0.002));
    NEAR(tri_cdf(tri_inv(0.8, 0.1, 0.5, 0.6), 0.1, 0.5, 0.6), 0.8);
    NEAR(tri_cdf(tri_inv(0.3, 0.1, 0.5, 0.6), 0.1, 0.5, 0.6), 0.3);
    /* The mode low, high and in the middle, p_meet = 0.363, 0.394, 0.694;
     * the threshold r = 0.3913 falls on both sides of the mode, and on
     * both sides of the median. */
    check_triangular(0.2, 0.3, 0.6, 15000, 2024);
    check_triangular(0.1, 0.45, 0.5, 15000, 2025);
    check_triangular(0.0, 0.5, 1.0, 15000, 2026);
    check_triangular(0.3, 0.32, 0.6, 15000, 2027);
}

/* One sector "heat" with a non-ETS (600 t) and an ETS (400 t) stream, no
 * measures, growth g = 0.01 with trend_sd = 0.05. Each sector draws one
 * rate G ~ Normal(g, sd) for the whole horizon, so the total in year
 * L + n is 1000 (1 + G)^n: a monotone function of G (1 + G > 0 with
 * overwhelming probability), whose q-quantile is 1000 (1 + g + sd z_q)^n.
 * Both streams share G: drawing per stream would narrow the spread by a
 * factor sqrt(0.6^2 + 0.4^2) = 0.72, and drawing per year would make it
 * grow like sqrt(n) instead of n. With V = 900 (-10 % from 1000) and
 * T = L + 3: p_meet = P(G <= 0.9^(1/3) - 1) = Phi((0.9^(1/3) - 1.01) / 0.05). */
static void test_growth_noise_one_sector(void **state)
{
    (void)state;
    const double g = 0.01, sd = 0.05;
    ilm_plan *p =
        plan_from(HEAD "\"inventory\":[{\"year\":2020,\"sector\":\"heat\",\"t\":600},"
                       "{\"year\":2020,\"sector\":\"heat\",\"ets\":true,\"t\":400},"
                       "{\"year\":2021,\"sector\":\"heat\",\"t\":600},"
                       "{\"year\":2021,\"sector\":\"heat\",\"ets\":true,\"t\":400}],"
                       "\"baseline\":{\"default_trend\":%g,\"trend_sd\":%g},"
                       "\"target\":{\"base_year\":2020,\"target_year\":2024,\"reduction\":0.1},"
                       "\"settings\":{\"horizon\":2025}}",
                  g, sd);
    const int64_t n = 25000;
    ilm_result *r = run_mc(p, n, 31, 3);
    const ilm_mc_result *m = r->monte_carlo;
    assert_int_equal(m->n_years, 4);
    const double z[3] = {-Z95, 0, Z95}, q[3] = {0.05, 0.5, 0.95};
    for (size_t f = 0; f < 4; f++) {
        int years = (int)f + 1;
        const double *got[3] = {m->p5, m->p50, m->p95};
        for (int i = 0; i < 3; i++) {
            double x = g + sd * z[i];
            double want = 1000 * pow(1 + x, years);
            /* SE of the rate's quantile, through d/dG of 1000 (1 + G)^n. */
            double se_g = sd * sqrt(q[i] * (1 - q[i]) / (double)n) / normal_pdf(z[i]);
            double se = 1000 * years * pow(1 + x, years - 1) * se_g;
            WITHIN(got[i][f], want, 5 * se);
        }
    }
    /* For the record, the 95th percentile in 2025 is about 1000 * 1.0922^4
     * = 1423 (per-stream draws would give about 1300). */
    WITHIN(m->p95[3], 1423.2, 18); /* 5 standard errors: 17.4 */
    double pm = normal_cdf((cbrt(0.9) - 1 - g) / sd);
    WITHIN(m->p_meet, pm, 5 * sqrt(pm * (1 - pm) / (double)n));
    ilm_result_free(r);
    ilm_plan_free(p);
}

/* Two sectors of 500 t, g = 0, trend_sd = 0.04, no measures: in year L + 1
 * the total is 500 (1 + G1) + 500 (1 + G2) with independent rates, which
 * is Normal(1000, 0.04 * sqrt(500^2 + 500^2)) = Normal(1000, 28.28). (One
 * shared rate would give a standard deviation of 40.) */
static void test_growth_noise_independent_sectors(void **state)
{
    (void)state;
    const double sd = 0.04;
    ilm_plan *p =
        plan_from(HEAD "\"inventory\":[{\"year\":2021,\"sector\":\"heat\",\"t\":500},"
                       "{\"year\":2021,\"sector\":\"transport\",\"t\":500}],"
                       "\"baseline\":{\"trend_sd\":%g},"
                       "\"target\":{\"base_year\":2021,\"target_year\":2022,\"reduction\":0.02}}",
                  sd);
    const int64_t n = 25000;
    ilm_result *r = run_mc(p, n, 8, 2);
    const ilm_mc_result *m = r->monte_carlo;
    assert_int_equal(m->n_years, 1);
    double sigma = sd * sqrt(500.0 * 500 * 2);
    const double z[3] = {-Z95, 0, Z95}, q[3] = {0.05, 0.5, 0.95};
    const double got[3] = {m->p5[0], m->p50[0], m->p95[0]};
    for (int i = 0; i < 3; i++) {
        double se = sigma * sqrt(q[i] * (1 - q[i]) / (double)n) / normal_pdf(z[i]);
        WITHIN(got[i], 1000 + sigma * z[i], 5 * se);
    }
    /* V = 980: p_meet = Phi(-20 / 28.28) = 0.2398. */
    double pm = normal_cdf(-20 / sigma);
    WITHIN(m->p_meet, pm, 5 * sqrt(pm * (1 - pm) / (double)n));
    ilm_result_free(r);
    ilm_plan_free(p);
}

/* ---- (e) p_meet ---- */

/* Heat, 1000 t, no growth; an absolute measure with range [100, 300, 600]
 * that started in 2021 and is full in 2024: ramp(L) = 1/4, so by T = 2024
 * it removes d = 0.75 A. Scope non_ets with V = 700: met when
 * 1000 - 0.75 A <= 700, that is A >= 400, with probability
 * (600 - 400)^2 / (500 * 300) = 4/15. The ETS stream and its wide range
 * are out of scope and must not count; a second non-ETS stream (transport,
 * 0 t in the base year and 0 t in L) adds nothing. */
static void test_p_meet_absolute_range(void **state)
{
    (void)state;
    ilm_plan *p = plan_from(
        HEAD "\"inventory\":[{\"year\":2020,\"sector\":\"heat\",\"t\":1000},"
             "{\"year\":2021,\"sector\":\"heat\",\"t\":1000},"
             "{\"year\":2021,\"sector\":\"transport\",\"t\":0},"
             "{\"year\":2020,\"sector\":\"industry\",\"ets\":true,\"t\":9000},"
             "{\"year\":2021,\"sector\":\"industry\",\"ets\":true,\"t\":9000}],"
             "\"target\":{\"base_year\":2020,\"target_year\":2024,\"reduction\":0.3,"
             "\"scope\":\"non_ets\"},"
             "\"measures\":["
             "{\"id\":\"i\",\"sector\":\"industry\",\"ets\":true,\"start\":2022,\"full\":2022,"
             "\"absolute_t\":4000,\"absolute_range\":[0,4000,9000]},"
             "{\"id\":\"a\",\"sector\":\"heat\",\"start\":2021,\"full\":2024,"
             "\"absolute_t\":300,\"absolute_range\":[100,300,600]},"
             "{\"id\":\"t\",\"sector\":\"transport\",\"start\":2022,\"full\":2022,"
             "\"share\":0.5,\"share_range\":[0,0.5,1]}],"
             "\"settings\":{\"horizon\":2024}}");
    const int64_t n = 30000;
    ilm_result *r = run_mc(p, n, 123, 4);
    const ilm_mc_result *m = r->monte_carlo;
    NEAR(r->target_value, 700);
    NEAR(r->scenario[4], 1000 - 0.75 * 300); /* the mode: not met */
    assert_false(r->meets);
    double pm = 4.0 / 15.0;
    WITHIN(m->p_meet, pm, 5 * sqrt(pm * (1 - pm) / (double)n));
    /* The percentiles in T follow the same transformation: the median of A
     * is 600 - sqrt(0.5 * 500 * 300) = 326.2, so S has median 755.4. */
    double a50 = tri_inv(0.5, 100, 300, 600);
    double se = 0.75 * sqrt(0.25 / (double)n) / tri_pdf(a50, 100, 300, 600);
    WITHIN(m->p50[2], 1000 - 0.75 * a50, 5 * se);
    ilm_result_free(r);
    ilm_plan_free(p);
}

/* ---- (d) model_quantiles ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The reference: sort, then interpolate at h = (n - 1) q between the order
 * statistics floor(h) and floor(h) + 1 as x_lo + (h - lo) (x_hi - x_lo),
 * numpy's default method ("linear") written the way the implementation
 * documents it, so that the two must agree to the last bit. */
static void reference_quantiles(const double *v, size_t n, double out[3])
{
    double *s = malloc(n * sizeof *s);
    assert_non_null(s);
    memcpy(s, v, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_double);
    const double q[3] = {0.05, 0.5, 0.95};
    for (int i = 0; i < 3; i++) {
        double h = (double)(n - 1) * q[i];
        size_t lo = (size_t)floor(h);
        double a = s[lo], b = lo + 1 < n ? s[lo + 1] : a;
        out[i] = a + (h - (double)lo) * (b - a);
    }
    free(s);
}

enum pattern {
    P_UNIFORM,
    P_TIES,
    P_SORTED,
    P_REVERSED,
    P_CONSTANT,
    P_STRIDED, /* a pattern that every n/4096-th element breaks */
    P_ORGAN,   /* up then down */
    P_HEAVY,   /* wide range of magnitudes and signs */
    P_COUNT
};

static const char *const pattern_names[] = {"uniform",  "ties",    "sorted", "reversed",
                                            "constant", "strided", "organ",  "heavy"};

static void fill(double *v, size_t n, enum pattern pat)
{
    size_t stride = n / 4096 ? n / 4096 : 1;
    for (size_t i = 0; i < n; i++) {
        switch (pat) {
        case P_UNIFORM: v[i] = 1000 * next_unit() - 300; break;
        case P_TIES: v[i] = (double)(next_u64() % 5) * 0.25; break;
        case P_SORTED: v[i] = (double)i * 0.5 + (double)(i % 3 == 0); break;
        case P_REVERSED: v[i] = (double)(n - i) * 0.75; break;
        case P_CONSTANT: v[i] = 42.125; break;
        case P_STRIDED: v[i] = i % stride == 0 ? 1e6 + (double)i : next_unit(); break;
        case P_ORGAN: v[i] = (double)(i < n / 2 ? i : n - i) + 0.5 * next_unit(); break;
        case P_HEAVY: v[i] = (next_unit() - 0.5) * pow(10.0, (double)(next_u64() % 12) - 6); break;
        default: v[i] = 0; break;
        }
    }
    if (pat == P_SORTED)
        qsort(v, n, sizeof *v, cmp_double);
}

static void test_quantiles_exact(void **state)
{
    (void)state;
    static const size_t sizes[] = {1,  2,    3,     4,     5,     10,    19,    20,
                                   21, 1000, 32767, 32768, 32769, 40000, 100001};
    int failures = 0;
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        size_t n = sizes[si];
        double *v = malloc(n * sizeof *v);
        assert_non_null(v);
        for (int pat = 0; pat < P_COUNT; pat++) {
            /* The large sizes run the fast path; skip a few patterns there
             * to keep the test quick under the sanitizers. */
            if (n > 40000 && (pat == P_ORGAN || pat == P_HEAVY))
                continue;
            fill(v, n, (enum pattern)pat);
            double want[3], got[3] = {NAN, NAN, NAN};
            reference_quantiles(v, n, want);
            assert_int_equal(model_quantiles(v, n, got), 0);
            for (int i = 0; i < 3; i++)
                if (!(got[i] == want[i])) {
                    fprintf(stderr, "n %zu, %s, q%d: got %.17g, want %.17g\n", n,
                            pattern_names[pat], i, got[i], want[i]);
                    failures++;
                }
        }
        free(v);
    }
    assert_int_equal(failures, 0);
}

/* Many small and middle-sized arrays of random length and pattern: the
 * interpolation partner of each order statistic is found among values the
 * selection left unordered, so every position must be tried. */
static void test_quantiles_random_sizes(void **state)
{
    (void)state;
    double *v = malloc(6000 * sizeof *v);
    assert_non_null(v);
    int failures = 0;
    for (int trial = 0; trial < 400; trial++) {
        size_t n = trial < 100 ? (size_t)trial + 1 : 2 + (size_t)(next_u64() % 5999);
        enum pattern pat = (enum pattern)(next_u64() % P_COUNT);
        fill(v, n, pat);
        double want[3], got[3];
        reference_quantiles(v, n, want);
        assert_int_equal(model_quantiles(v, n, got), 0);
        for (int i = 0; i < 3; i++)
            if (!(got[i] == want[i])) {
                fprintf(stderr, "n %zu, %s, q%d: got %.17g, want %.17g\n", n, pattern_names[pat], i,
                        got[i], want[i]);
                failures++;
            }
    }
    free(v);
    assert_int_equal(failures, 0);
}

/* Hand-computed cases: h = (n - 1) q. */
static void test_quantiles_by_hand(void **state)
{
    (void)state;
    double out[3];
    double one[] = {7};
    assert_int_equal(model_quantiles(one, 1, out), 0);
    assert_true(out[0] == 7 && out[1] == 7 && out[2] == 7);

    double two[] = {10, 0}; /* h = 0.05, 0.5, 0.95 */
    assert_int_equal(model_quantiles(two, 2, out), 0);
    NEAR(out[0], 0.5);
    NEAR(out[1], 5);
    NEAR(out[2], 9.5);

    /* 0..20 shuffled: h = 1, 10, 19 exactly. */
    double v[21];
    for (int i = 0; i < 21; i++)
        v[i] = (double)((i * 8) % 21);
    assert_int_equal(model_quantiles(v, 21, out), 0);
    assert_true(out[0] == 1 && out[1] == 10 && out[2] == 19);

    /* 1..11 reversed: h = 0.5, 5, 9.5. */
    double w[11];
    for (int i = 0; i < 11; i++)
        w[i] = 11 - i;
    assert_int_equal(model_quantiles(w, 11, out), 0);
    NEAR(out[0], 1.5);
    NEAR(out[1], 6);
    NEAR(out[2], 10.5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_result_for_any_thread_count),
        cmocka_unit_test(test_not_computed_draw_nothing),
        cmocka_unit_test(test_plan_draws_and_seed),
        cmocka_unit_test(test_progress),
        cmocka_unit_test(test_no_spread_equals_deterministic),
        cmocka_unit_test(test_absolute_before_share),
        cmocka_unit_test(test_no_spread_random_plans),
        cmocka_unit_test(test_tiny_draw_counts),
        cmocka_unit_test(test_draw_limits),
        cmocka_unit_test(test_triangular_share),
        cmocka_unit_test(test_growth_noise_one_sector),
        cmocka_unit_test(test_growth_noise_independent_sectors),
        cmocka_unit_test(test_p_meet_absolute_range),
        cmocka_unit_test(test_quantiles_exact),
        cmocka_unit_test(test_quantiles_random_sizes),
        cmocka_unit_test(test_quantiles_by_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
