/* Unit tests of the deterministic model's formulas (spec sections 2-5),
 * each on a plan small enough to compute by hand.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ilmava/io.h"
#include "ilmava/model.h"
#include "model/internal.h"

#define NEAR(a, b) \
    assert_true(fabs((double)(a) - (double)(b)) <= 1e-9 * fmax(1.0, fabs((double)(b))))

/* A plan with one stream ("heat", non-ETS) of 1000 t in 2020 and 2021
 * (L = 2021), no growth, target -50 % from 2020 by 2025, and the given
 * measures and extra settings. */
static ilm_result *run_json(const char *measures, const char *extra, ilm_plan **plan_out)
{
    char doc[8192];
    snprintf(doc, sizeof doc,
             "{\"ilmava_plan\":1,\"municipality\":{\"code\":\"001\",\"name\":\"Test\"},"
             "\"inventory\":[{\"year\":2020,\"sector\":\"heat\",\"t\":1000},"
             "{\"year\":2021,\"sector\":\"heat\",\"t\":1000},"
             "{\"year\":2020,\"sector\":\"industry\",\"ets\":true,\"t\":5000},"
             "{\"year\":2021,\"sector\":\"industry\",\"ets\":true,\"t\":5000}],"
             "\"target\":{\"base_year\":2020,\"target_year\":2025,\"reduction\":0.5%s},"
             "\"measures\":[%s]%s}",
             extra && strstr(extra, "scope") ? "" : ",\"scope\":\"non_ets\"", measures,
             extra ? extra : "");
    ilm_errors err = {0};
    ilm_plan *plan = NULL;
    int rc = ilm_plan_from_json(doc, strlen(doc), &plan, &err);
    if (rc) {
        for (int i = 0; i < err.count; i++)
            fprintf(stderr, "%s\n", err.msg[i]);
        fail_msg("plan did not parse");
    }
    ilm_result *res = NULL;
    rc = ilm_model_run(plan, NULL, &res, &err);
    assert_int_equal(rc, 0);
    *plan_out = plan;
    return res;
}

static void test_crf(void **state)
{
    (void)state;
    NEAR(ilm_crf(0.0, 20), 0.05);
    NEAR(ilm_crf(0.04, 20), 0.04 / (1 - pow(1.04, -20)));
    NEAR(ilm_crf(0.03, 1), 1.03);
}

static void test_ramp(void **state)
{
    (void)state;
    assert_true(model_ramp(2025, 2028, 2024) == 0.0);
    NEAR(model_ramp(2025, 2028, 2025), 0.25);
    NEAR(model_ramp(2025, 2028, 2027), 0.75);
    assert_true(model_ramp(2025, 2028, 2028) == 1.0);
    assert_true(model_ramp(2025, 2028, 2040) == 1.0);
    assert_true(model_ramp(2025, 2025, 2025) == 1.0);
}

static void test_target_path_gap_overshoot(void **state)
{
    (void)state;
    ilm_plan *p;
    ilm_result *r = run_json("", NULL, &p);
    /* V = 0.5 * 1000; the path falls 100 t a year from 1000 in 2020. */
    NEAR(r->target_value, 500);
    assert_int_equal(r->n_years, 6);
    NEAR(r->target_path[0], 1000);
    NEAR(r->target_path[1], 900);
    NEAR(r->target_path[5], 500);
    NEAR(r->baseline[5], 1000);  /* ETS industry is out of scope */
    NEAR(r->gap, 500);
    assert_false(r->meets);
    /* 2022..2025: (1000-800) + (1000-700) + (1000-600) + (1000-500) */
    NEAR(r->overshoot, 1400);
    NEAR(r->easy_share, 0.0);
    ilm_result_free(r);
    ilm_plan_free(p);
}

static void test_scope_total_counts_ets(void **state)
{
    (void)state;
    ilm_plan *p;
    ilm_result *r = run_json("", NULL, &p);
    NEAR(r->baseline[0], 1000); /* non_ets: heat only */
    NEAR(r->target_value, 500);
    ilm_result_free(r);

    /* Scope "total" adds the 5000 t of ETS industry to every total. */
    p->scope = ILM_SCOPE_TOTAL;
    ilm_errors err = {0};
    assert_int_equal(ilm_model_run(p, NULL, &r, &err), 0);
    NEAR(r->baseline[0], 6000);
    NEAR(r->scenario[5], 6000);
    NEAR(r->target_value, 3000);
    ilm_result_free(r);
    ilm_plan_free(p);
}

static void test_share_measures_multiply(void **state)
{
    (void)state;
    ilm_plan *p;
    ilm_result *r = run_json(
        "{\"id\":\"a\",\"sector\":\"heat\",\"start\":2022,\"full\":2022,\"share\":0.5},"
        "{\"id\":\"b\",\"sector\":\"heat\",\"start\":2022,\"full\":2022,\"share\":0.5}",
        NULL, &p);
    /* Two 50 % cuts remove 75 %, and ln-proportional attribution splits
     * the 750 t evenly. */
    NEAR(r->scenario[5], 250);
    NEAR(r->measures[0].attributed, 375);
    NEAR(r->measures[1].attributed, 375);
    NEAR(r->measures[0].abatement, 500); /* standalone */
    assert_true(r->meets);
    NEAR(r->gap, -250);
    ilm_result_free(r);
    ilm_plan_free(p);
}

static void test_share_one_and_phi_zero(void **state)
{
    (void)state;
    ilm_plan *p;
    ilm_result *r = run_json(
        "{\"id\":\"all\",\"sector\":\"heat\",\"start\":2023,\"full\":2023,\"share\":1},"
        "{\"id\":\"half\",\"sector\":\"heat\",\"start\":2022,\"full\":2022,\"share\":0.5}",
        NULL, &p);
    NEAR(r->scenario[5], 0);
    NEAR(r->scenario[2], 500); /* 2022: only "half" */
    /* phi = 0 for "all": it takes the whole reduction. */
    NEAR(r->measures[0].attributed, 1000);
    NEAR(r->measures[1].attributed, 0);
    NEAR(r->measures[0].abatement, 1000);
    ilm_result_free(r);
    ilm_plan_free(p);
}

static void test_already_under_way(void **state)
{
    (void)state;
    ilm_plan *p;
    /* ramp(2021) = 2/4; share 0.4: phi(T) = (1 - 0.4) / (1 - 0.2) = 0.75. */
    ilm_result *r = run_json(
        "{\"id\":\"a\",\"sector\":\"heat\",\"start\":2020,\"full\":2023,\"share\":0.4}", NULL, &p);
    NEAR(r->scenario[5], 750);
    NEAR(r->scenario[2], 1000 * (1 - 0.4 * 0.75) / 0.8); /* 2022 */
    NEAR(r->measures[0].abatement, 250);
    ilm_result_free(r);
    ilm_plan_free(p);
    /* Fully in effect by L: nothing changes any more. */
    r = run_json("{\"id\":\"a\",\"sector\":\"heat\",\"start\":2019,\"full\":2021,\"share\":0.4}",
                 NULL, &p);
    NEAR(r->scenario[5], 1000);
    assert_true(r->measures[0].cost_per_t_null);
    assert_int_equal(r->measures[0].cls, ILM_CLASS_HARD);
    ilm_result_free(r);
    ilm_plan_free(p);
}

static void test_absolute_larger_than_stream(void **state)
{
    (void)state;
    ilm_plan *p;
    ilm_result *r = run_json(
        "{\"id\":\"s\",\"sector\":\"heat\",\"start\":2022,\"full\":2022,\"share\":0.5},"
        "{\"id\":\"x\",\"sector\":\"heat\",\"start\":2022,\"full\":2023,\"absolute_t\":3000}",
        NULL, &p);
    /* S = max(0, 1000 * 0.5 - 3000) = 0; the absolute part removes the
     * 500 t left after the share measure. */
    NEAR(r->scenario[5], 0);
    NEAR(r->scenario[2], 0);           /* 2022: 500 - 1500 */
    NEAR(r->measures[0].attributed, 500);
    NEAR(r->measures[1].attributed, 500);
    NEAR(r->measures[1].abatement, 1000); /* min(d, Base) */
    ilm_result_free(r);
    ilm_plan_free(p);
}

static void test_economics_and_classes(void **state)
{
    (void)state;
    ilm_plan *p;
    ilm_result *r = run_json(
        /* 100 t at full effect in 2025 */
        "{\"id\":\"cheap\",\"sector\":\"heat\",\"start\":2022,\"full\":2022,"
        "\"absolute_t\":100,\"capex\":1000,\"lifetime\":10,\"opex\":-50},"
        "{\"id\":\"infl\",\"sector\":\"heat\",\"start\":2022,\"full\":2022,"
        "\"absolute_t\":100,\"opex\":1000,\"control\":\"influence\"},"
        "{\"id\":\"none\",\"sector\":\"heat\",\"start\":2022,\"full\":2022,"
        "\"absolute_t\":100,\"opex\":0,\"control\":\"none\"},"
        "{\"id\":\"late\",\"sector\":\"heat\",\"start\":2024,\"full\":2030,"
        "\"absolute_t\":100,\"opex\":0},"
        "{\"id\":\"dear\",\"sector\":\"heat\",\"start\":2022,\"full\":2022,"
        "\"absolute_t\":100,\"opex\":15001,\"control\":\"own\"},"
        "{\"id\":\"never\",\"sector\":\"heat\",\"start\":2030,\"full\":2031,"
        "\"absolute_t\":100,\"opex\":10},"
        "{\"id\":\"gone\",\"sector\":\"heat\",\"start\":2022,\"full\":2022,"
        "\"absolute_t\":100,\"status\":\"cancelled\"},"
        "{\"id\":\"ets\",\"sector\":\"industry\",\"ets\":true,\"start\":2022,\"full\":2022,"
        "\"absolute_t\":100,\"opex\":100}",
        ",\"settings\":{\"discount_rate\":0}", &p);
    assert_int_equal(r->n_measures, 7); /* the cancelled one is left out */
    const ilm_measure_result *m = r->measures;
    NEAR(m[0].annual_cost, 1000.0 / 10 - 50);
    NEAR(m[0].cost_per_t, 0.5);
    assert_int_equal(m[0].cls, ILM_CLASS_EASY);
    NEAR(m[1].cost_per_t, 10);
    assert_int_equal(m[1].cls, ILM_CLASS_MODERATE); /* influence only */
    assert_int_equal(m[2].cls, ILM_CLASS_HARD);     /* control none */
    assert_int_equal(m[3].cls, ILM_CLASS_HARD);     /* full after T */
    NEAR(m[3].abatement, 100.0 * 2 / 7);
    NEAR(m[4].cost_per_t, 150.01);
    assert_int_equal(m[4].cls, ILM_CLASS_HARD);     /* above 150 EUR/t */
    assert_true(m[5].cost_per_t_null);              /* no effect by T */
    assert_int_equal(m[5].cls, ILM_CLASS_HARD);
    assert_string_equal(m[6].id, "ets");
    assert_false(m[6].in_scope);
    assert_int_equal(m[6].cls, ILM_CLASS_EASY);
    /* Classes: counts of all measures, attributed only within scope. */
    assert_int_equal(r->classes[ILM_CLASS_EASY].count, 2);
    NEAR(r->classes[ILM_CLASS_EASY].attributed, m[0].attributed);
    assert_int_equal(r->classes[ILM_CLASS_HARD].count, 4);
    NEAR(r->easy_share, m[0].attributed / 500);
    ilm_result_free(r);
    ilm_plan_free(p);
}

static void test_easy_share_null(void **state)
{
    (void)state;
    ilm_plan *p;
    /* Baseline falls 20 % a year: Baseline(T) is below V without measures. */
    ilm_result *r = run_json("", ",\"baseline\":{\"default_trend\":-0.2}", &p);
    assert_true(r->easy_share_null);
    assert_true(r->meets);
    NEAR(r->baseline[5], 1000 * pow(0.8, 4));
    char *json = ilm_result_to_json(r);
    assert_non_null(strstr(json, "\"easy_share\":null"));
    free(json);
    ilm_result_free(r);
    ilm_plan_free(p);
}

static void test_growth_per_sector_and_scope_total(void **state)
{
    (void)state;
    ilm_plan *p;
    ilm_result *r = run_json(
        "", ",\"baseline\":{\"default_trend\":0.1,\"trend\":{\"industry\":-0.5}}", &p);
    NEAR(r->baseline[5], 1000 * pow(1.1, 4)); /* non_ets: heat only */
    ilm_result_free(r);
    ilm_plan_free(p);
    r = run_json("", ",\"baseline\":{\"trend\":{\"industry\":-0.5}}", &p);
    NEAR(r->baseline[5], 1000);
    ilm_result_free(r);
    ilm_plan_free(p);
}

static void test_json_numbers_round_trip(void **state)
{
    (void)state;
    ilm_plan *p;
    ilm_result *r = run_json(
        "{\"id\":\"a\",\"sector\":\"heat\",\"start\":2022,\"full\":2024,\"share\":0.3}", NULL,
        &p);
    char *json = ilm_result_to_json(r);
    assert_non_null(json);
    /* Every number is written so that it reads back to the same double. */
    char key[64];
    snprintf(key, sizeof key, "\"gap\":");
    const char *g = strstr(json, key);
    assert_non_null(g);
    assert_true(strtod(g + strlen(key), NULL) == r->gap);
    assert_non_null(strstr(json, "\"scope\":\"non_ets\""));
    free(json);
    ilm_result_free(r);
    ilm_plan_free(p);
}

static void test_format_number(void **state)
{
    (void)state;
    char b[32];
    assert_string_equal(ilm_format_number(b, 1.4), "1.4");
    assert_string_equal(ilm_format_number(b, 0.1 + 0.2), "0.30000000000000004");
    assert_string_equal(ilm_format_number(b, 2030), "2030");
    assert_string_equal(ilm_format_number(b, 500), "500");
    assert_string_equal(ilm_format_number(b, -1e15), "-1000000000000000");
    assert_string_equal(ilm_format_number(b, 1.5e20), "1.5e+20");
    assert_string_equal(ilm_format_number(b, 0.00001), "1e-05");
    assert_string_equal(ilm_format_number(b, -1e-300), "-1e-300");
}

/* A plan with thousands of sectors computes its pathway quickly, but a
 * Monte Carlo over it is refused with a message instead of taking
 * gigabytes of scratch space. */
static void test_many_sectors_capped_monte_carlo(void **state)
{
    (void)state;
    ilm_plan *p = ilm_plan_new();
    assert_non_null(p);
    size_t n = 20000;
    p->inventory = calloc(n, sizeof *p->inventory);
    assert_non_null(p->inventory);
    p->municipality_code = strdup("001");
    p->municipality_name = strdup("Test");
    for (size_t i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "s%zu", i);
        p->inventory[i] = (ilm_inventory_row){.year = 2020, .sector = strdup(name), .t = 1.0};
    }
    p->n_inventory = n;
    p->base_year = 2020;
    p->target_year = 2030;
    p->reduction = 0.5;

    ilm_run_options opt = ilm_run_options_default();
    opt.draws = 0;
    ilm_errors err = {0};
    ilm_result *r = NULL;
    assert_int_equal(ilm_model_run(p, &opt, &r, &err), 0);
    NEAR(r->baseline[0], 20000);
    NEAR(r->target_value, 10000);
    ilm_result_free(r);

    opt.draws = 100;
    r = NULL;
    assert_int_equal(ilm_model_run(p, &opt, &r, &err), ILM_ELIMIT);
    assert_null(r);
    assert_int_equal(err.count, 1);
    assert_non_null(strstr(err.msg[0], "draws"));
    ilm_plan_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crf),
        cmocka_unit_test(test_ramp),
        cmocka_unit_test(test_target_path_gap_overshoot),
        cmocka_unit_test(test_scope_total_counts_ets),
        cmocka_unit_test(test_share_measures_multiply),
        cmocka_unit_test(test_share_one_and_phi_zero),
        cmocka_unit_test(test_already_under_way),
        cmocka_unit_test(test_absolute_larger_than_stream),
        cmocka_unit_test(test_economics_and_classes),
        cmocka_unit_test(test_easy_share_null),
        cmocka_unit_test(test_growth_per_sector_and_scope_total),
        cmocka_unit_test(test_json_numbers_round_trip),
        cmocka_unit_test(test_format_number),
        cmocka_unit_test(test_many_sectors_capped_monte_carlo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
