/* Unit tests of the plan record (spec/plan-model.md section 1): the
 * defaults of ilm_plan_new, the deep copy of ilm_plan_clone, every kind of
 * rule that ilm_plan_validate applies (set directly on the struct, each
 * message naming its field and record), the last year and horizon, and the
 * enum names.
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
#include "ilmava/plan.h"

#define NEAR(a, b)                                                                                 \
    assert_true(fabs((double)(a) - (double)(b)) <= 1e-9 * fmax(1.0, fabs((double)(b))))

/* A valid plan that uses every part of the record. The inventory is out of
 * year order on purpose, and has (industry, ets) and (industry, non-ETS) in
 * the same year, which is not a duplicate:
 *   [0] 2021 heat 900        [1] 2020 heat 1000
 *   [2] 2020 industry ETS 5000  [3] 2021 industry ETS 4800
 *   [4] 2021 industry non-ETS 300
 * L = 2021, B = 2020, T = 2030, H = 2035. */
static const char BASE_PLAN[] =
    "{\"ilmava_plan\":1,\"name\":\"Base\","
    "\"municipality\":{\"code\":\"851\",\"name\":\"Tornio\"},"
    "\"inventory\":["
    "{\"year\":2021,\"sector\":\"heat\",\"t\":900},"
    "{\"year\":2020,\"sector\":\"heat\",\"t\":1000},"
    "{\"year\":2020,\"sector\":\"industry\",\"ets\":true,\"t\":5000},"
    "{\"year\":2021,\"sector\":\"industry\",\"ets\":true,\"t\":4800},"
    "{\"year\":2021,\"sector\":\"industry\",\"t\":300}],"
    "\"population\":[{\"year\":2020,\"n\":21000},{\"year\":2021,\"n\":20800}],"
    "\"baseline\":{\"default_trend\":-0.01,\"trend\":{\"industry\":0.02},\"trend_sd\":0.01},"
    "\"target\":{\"base_year\":2020,\"target_year\":2030,\"reduction\":0.5,"
    "\"scope\":\"total\"},"
    "\"measures\":["
    "{\"id\":\"m1\",\"name\":\"Heat pumps\",\"sector\":\"heat\",\"start\":2020,"
    "\"full\":2025,\"share\":0.3,\"share_range\":[0.2,0.3,0.4],\"capex\":100000,"
    "\"opex\":-2000,\"lifetime\":20,\"control\":\"steer\",\"optional\":true,"
    "\"responsible\":\"Energy office\",\"notes\":\"district\",\"status\":\"ongoing\"},"
    "{\"id\":\"m2\",\"sector\":\"industry\",\"ets\":true,\"start\":2023,\"full\":2023,"
    "\"absolute_t\":1000,\"absolute_range\":[500,1000,2000],\"opex\":5000},"
    "{\"id\":\"m3\",\"sector\":\"industry\",\"start\":2022,\"full\":2024,"
    "\"absolute_t\":50,\"status\":\"cancelled\"}],"
    "\"settings\":{\"horizon\":2035,\"discount_rate\":0.03,\"draws\":0,\"seed\":42}}";

static ilm_plan *base_plan(void)
{
    ilm_errors err = {0};
    ilm_plan *p = NULL;
    int rc = ilm_plan_from_json(BASE_PLAN, strlen(BASE_PLAN), &p, &err);
    for (int i = 0; i < err.count; i++)
        fprintf(stderr, "%s\n", err.msg[i]);
    assert_int_equal(rc, 0);
    assert_non_null(p);
    return p;
}

/* Replaces an owned string of the plan. */
static void set_str(char **field, const char *s)
{
    free(*field);
    *field = strdup(s);
    assert_non_null(*field);
}

/* True when some message of err contains every one of the (up to three)
 * substrings; NULL entries are skipped. */
static bool has_msg(const ilm_errors *err, const char *a, const char *b, const char *c)
{
    for (int i = 0; i < err->count; i++) {
        const char *m = err->msg[i];
        if ((!a || strstr(m, a)) && (!b || strstr(m, b)) && (!c || strstr(m, c)))
            return true;
    }
    return false;
}

static void print_errors(const char *what, const ilm_errors *err)
{
    fprintf(stderr, "%s: %d message(s)\n", what, err->count);
    for (int i = 0; i < err->count; i++)
        fprintf(stderr, "  %s\n", err->msg[i]);
}

/* ---- defaults ---- */

static void test_new_defaults(void **state)
{
    (void)state;
    ilm_plan *p = ilm_plan_new();
    assert_non_null(p);
    assert_int_equal(p->format, ILM_PLAN_FORMAT);
    assert_int_equal(p->scope, ILM_SCOPE_TOTAL);
    assert_true(p->discount_rate == 0.04);
    assert_true(p->seed == 1);
    assert_true(p->easy_max_eur_per_t == 50.0);
    assert_true(p->hard_min_eur_per_t == 150.0);
    /* Everything else is empty or zero: no draws, horizon = target year,
     * no growth and no spread. */
    assert_true(p->draws == 0);
    assert_int_equal(p->horizon, 0);
    assert_true(p->default_trend == 0.0);
    assert_true(p->trend_sd == 0.0);
    assert_true(p->reduction == 0.0);
    assert_null(p->name);
    assert_null(p->municipality_code);
    assert_null(p->municipality_name);
    assert_null(p->inventory);
    assert_null(p->population);
    assert_null(p->trends);
    assert_null(p->measures);
    assert_int_equal(p->n_inventory, 0);
    assert_int_equal(p->n_population, 0);
    assert_int_equal(p->n_trends, 0);
    assert_int_equal(p->n_measures, 0);
    ilm_plan_free(p);
    ilm_plan_free(NULL); /* allowed */
}

/* The JSON reader starts from the same defaults: a minimal document gives
 * the spec's settings, and a measure gets control own, status planned. */
static void test_defaults_through_json(void **state)
{
    (void)state;
    static const char doc[] =
        "{\"ilmava_plan\":1,\"municipality\":{\"code\":\"001\",\"name\":\"X\"},"
        "\"inventory\":[{\"year\":2020,\"sector\":\"heat\",\"t\":10}],"
        "\"target\":{\"base_year\":2020,\"target_year\":2030,\"reduction\":0.5},"
        "\"measures\":[{\"id\":\"a\",\"sector\":\"heat\",\"start\":2021,\"full\":2021,"
        "\"share\":0.1}]}";
    ilm_errors err = {0};
    ilm_plan *p = NULL;
    assert_int_equal(ilm_plan_from_json(doc, strlen(doc), &p, &err), 0);
    assert_int_equal(p->scope, ILM_SCOPE_TOTAL);
    assert_true(p->discount_rate == 0.04);
    assert_true(p->seed == 1);
    assert_true(p->draws == 0);
    assert_true(p->easy_max_eur_per_t == 50.0);
    assert_true(p->hard_min_eur_per_t == 150.0);
    assert_int_equal(ilm_plan_horizon(p), 2030);
    assert_int_equal(p->measures[0].control, ILM_CONTROL_OWN);
    assert_int_equal(p->measures[0].status, ILM_STATUS_PLANNED);
    assert_false(p->measures[0].optional);
    assert_false(p->measures[0].ets);
    assert_false(p->measures[0].has_range);
    ilm_plan_free(p);
}

/* ---- clone ---- */

/* Every number of two results is the same double, and the measure ids are
 * the same text. */
static void assert_results_identical(const ilm_result *a, const ilm_result *b)
{
    assert_int_equal(a->last_year, b->last_year);
    assert_int_equal(a->base_year, b->base_year);
    assert_int_equal(a->target_year, b->target_year);
    assert_int_equal(a->horizon, b->horizon);
    assert_int_equal(a->scope, b->scope);
    assert_int_equal(a->n_years, b->n_years);
    size_t ny = a->n_years;
    assert_memory_equal(a->years, b->years, ny * sizeof *a->years);
    assert_memory_equal(a->baseline, b->baseline, ny * sizeof(double));
    assert_memory_equal(a->scenario, b->scenario, ny * sizeof(double));
    assert_memory_equal(a->target_path, b->target_path, ny * sizeof(double));
    assert_true(a->target_value == b->target_value);
    assert_true(a->gap == b->gap);
    assert_true(a->meets == b->meets);
    assert_true(a->overshoot == b->overshoot);
    assert_int_equal(a->n_measures, b->n_measures);
    for (size_t j = 0; j < a->n_measures; j++) {
        const ilm_measure_result *x = &a->measures[j], *y = &b->measures[j];
        assert_int_equal(x->plan_index, y->plan_index);
        assert_string_equal(x->id, y->id);
        assert_true(x->annual_cost == y->annual_cost);
        assert_true(x->abatement == y->abatement);
        assert_true(x->attributed == y->attributed);
        assert_true(x->cost_per_t_null == y->cost_per_t_null);
        if (!x->cost_per_t_null)
            assert_true(x->cost_per_t == y->cost_per_t);
        assert_int_equal(x->cls, y->cls);
        assert_true(x->in_scope == y->in_scope);
    }
    for (int c = 0; c < 3; c++) {
        assert_int_equal(a->classes[c].count, b->classes[c].count);
        assert_true(a->classes[c].attributed == b->classes[c].attributed);
    }
    assert_true(a->easy_share_null == b->easy_share_null);
    if (!a->easy_share_null)
        assert_true(a->easy_share == b->easy_share);
    assert_true((a->monte_carlo == NULL) == (b->monte_carlo == NULL));
    if (a->monte_carlo) {
        const ilm_mc_result *x = a->monte_carlo, *y = b->monte_carlo;
        assert_true(x->draws == y->draws);
        assert_true(x->p_meet == y->p_meet);
        assert_int_equal(x->n_years, y->n_years);
        assert_memory_equal(x->years, y->years, x->n_years * sizeof *x->years);
        assert_memory_equal(x->p5, y->p5, x->n_years * sizeof(double));
        assert_memory_equal(x->p50, y->p50, x->n_years * sizeof(double));
        assert_memory_equal(x->p95, y->p95, x->n_years * sizeof(double));
    }
}

static ilm_result *run(const ilm_plan *p, int64_t draws)
{
    ilm_run_options o = ilm_run_options_default();
    o.draws = draws;
    ilm_errors err = {0};
    ilm_result *r = NULL;
    int rc = ilm_model_run(p, &o, &r, &err);
    if (rc)
        print_errors("ilm_model_run", &err);
    assert_int_equal(rc, 0);
    assert_non_null(r);
    return r;
}

static void test_clone_equal_and_runs_identically(void **state)
{
    (void)state;
    ilm_plan *p = base_plan();
    ilm_plan *c = ilm_plan_clone(p);
    assert_non_null(c);
    assert_ptr_not_equal(c, p);

    /* Same values everywhere. */
    assert_int_equal(c->format, p->format);
    assert_string_equal(c->name, "Base");
    assert_string_equal(c->municipality_code, "851");
    assert_string_equal(c->municipality_name, "Tornio");
    assert_int_equal(c->n_inventory, 5);
    assert_int_equal(c->n_population, 2);
    assert_int_equal(c->n_trends, 1);
    assert_int_equal(c->n_measures, 3);
    for (size_t i = 0; i < p->n_inventory; i++) {
        assert_int_equal(c->inventory[i].year, p->inventory[i].year);
        assert_string_equal(c->inventory[i].sector, p->inventory[i].sector);
        assert_true(c->inventory[i].ets == p->inventory[i].ets);
        assert_true(c->inventory[i].t == p->inventory[i].t);
    }
    assert_memory_equal(c->population, p->population, 2 * sizeof *p->population);
    assert_string_equal(c->trends[0].sector, "industry");
    assert_true(c->trends[0].rate == 0.02);
    for (size_t i = 0; i < p->n_measures; i++) {
        const ilm_measure *a = &p->measures[i], *b = &c->measures[i];
        assert_string_equal(a->id, b->id);
        assert_string_equal(a->sector, b->sector);
        assert_true((a->name == NULL) == (b->name == NULL));
        assert_true((a->responsible == NULL) == (b->responsible == NULL));
        assert_true((a->notes == NULL) == (b->notes == NULL));
        assert_true(a->ets == b->ets);
        assert_int_equal(a->start, b->start);
        assert_int_equal(a->full, b->full);
        assert_true(a->is_absolute == b->is_absolute);
        assert_true(a->amount == b->amount);
        assert_true(a->has_range == b->has_range);
        assert_memory_equal(a->range, b->range, sizeof a->range);
        assert_true(a->capex == b->capex && a->opex == b->opex);
        assert_true(a->lifetime == b->lifetime);
        assert_int_equal(a->control, b->control);
        assert_true(a->optional == b->optional);
        assert_int_equal(a->status, b->status);
    }
    assert_string_equal(c->measures[0].name, "Heat pumps");
    assert_string_equal(c->measures[0].responsible, "Energy office");
    assert_string_equal(c->measures[0].notes, "district");
    assert_null(c->measures[1].name); /* NULL stays NULL */
    assert_true(c->default_trend == p->default_trend && c->trend_sd == p->trend_sd);
    assert_int_equal(c->base_year, p->base_year);
    assert_int_equal(c->target_year, p->target_year);
    assert_true(c->reduction == p->reduction);
    assert_int_equal(c->scope, p->scope);
    assert_int_equal(c->horizon, p->horizon);
    assert_true(c->discount_rate == p->discount_rate);
    assert_true(c->draws == p->draws && c->seed == p->seed);
    assert_true(c->easy_max_eur_per_t == p->easy_max_eur_per_t);
    assert_true(c->hard_min_eur_per_t == p->hard_min_eur_per_t);

    ilm_errors err = {0};
    assert_int_equal(ilm_plan_validate(p, &err), 0);
    assert_int_equal(ilm_plan_validate(c, &err), 0);
    assert_int_equal(err.count, 0);

    /* Both run to the same numbers, the Monte Carlo included. */
    ilm_result *rp = run(p, 3000);
    ilm_result *rc = run(c, 3000);
    assert_results_identical(rp, rc);
    /* The clone's result points into the clone, not into the original. */
    assert_ptr_equal(rc->measures[0].id, c->measures[0].id);
    ilm_result_free(rp);

    /* The clone owns everything: with the original freed (ASan would
     * report any shared pointer), it still runs to the same result. */
    ilm_plan_free(p);
    ilm_result *rc2 = run(c, 3000);
    assert_results_identical(rc, rc2);
    ilm_result_free(rc);
    ilm_result_free(rc2);
    ilm_plan_free(c);
}

static void test_clone_is_deep(void **state)
{
    (void)state;
    ilm_plan *p = base_plan();
    ilm_plan *c = ilm_plan_clone(p);
    assert_non_null(c);

    /* No owned pointer is shared. */
    assert_ptr_not_equal(c->name, p->name);
    assert_ptr_not_equal(c->municipality_code, p->municipality_code);
    assert_ptr_not_equal(c->municipality_name, p->municipality_name);
    assert_ptr_not_equal(c->inventory, p->inventory);
    assert_ptr_not_equal(c->population, p->population);
    assert_ptr_not_equal(c->trends, p->trends);
    assert_ptr_not_equal(c->measures, p->measures);
    for (size_t i = 0; i < p->n_inventory; i++)
        assert_ptr_not_equal(c->inventory[i].sector, p->inventory[i].sector);
    assert_ptr_not_equal(c->trends[0].sector, p->trends[0].sector);
    for (size_t i = 0; i < p->n_measures; i++) {
        assert_ptr_not_equal(c->measures[i].id, p->measures[i].id);
        assert_ptr_not_equal(c->measures[i].sector, p->measures[i].sector);
    }
    assert_ptr_not_equal(c->measures[0].name, p->measures[0].name);
    assert_ptr_not_equal(c->measures[0].responsible, p->measures[0].responsible);
    assert_ptr_not_equal(c->measures[0].notes, p->measures[0].notes);

    /* Change the clone's strings in place and its array elements. */
    c->name[0] = 'X';
    c->municipality_code[0] = '9';
    c->municipality_name[0] = 'X';
    c->inventory[0].sector[0] = 'X';
    c->inventory[0].t = 1;
    c->inventory[2].year = 1999;
    c->population[0].n = 5;
    c->trends[0].sector[0] = 'X';
    c->trends[0].rate = 0.5;
    c->measures[0].id[0] = 'X';
    c->measures[0].name[0] = 'X';
    c->measures[0].sector[0] = 'X';
    c->measures[0].responsible[0] = 'X';
    c->measures[0].notes[0] = 'X';
    c->measures[0].range[0] = 0.0;
    c->measures[1].amount = 7;
    c->measures[2].status = ILM_STATUS_DONE;
    c->scope = ILM_SCOPE_NON_ETS;

    assert_string_equal(p->name, "Base");
    assert_string_equal(p->municipality_code, "851");
    assert_string_equal(p->municipality_name, "Tornio");
    assert_string_equal(p->inventory[0].sector, "heat");
    assert_true(p->inventory[0].t == 900);
    assert_int_equal(p->inventory[2].year, 2020);
    assert_true(p->population[0].n == 21000);
    assert_string_equal(p->trends[0].sector, "industry");
    assert_true(p->trends[0].rate == 0.02);
    assert_string_equal(p->measures[0].id, "m1");
    assert_string_equal(p->measures[0].name, "Heat pumps");
    assert_string_equal(p->measures[0].sector, "heat");
    assert_string_equal(p->measures[0].responsible, "Energy office");
    assert_string_equal(p->measures[0].notes, "district");
    assert_true(p->measures[0].range[0] == 0.2);
    assert_true(p->measures[1].amount == 1000);
    assert_int_equal(p->measures[2].status, ILM_STATUS_CANCELLED);
    assert_int_equal(p->scope, ILM_SCOPE_TOTAL);

    /* Replacing (freeing) a clone's string leaves the original's intact. */
    set_str(&c->measures[1].id, "other");
    set_str(&c->inventory[1].sector, "other");
    assert_string_equal(p->measures[1].id, "m2");
    assert_string_equal(p->inventory[1].sector, "heat");
    ilm_errors err = {0};
    assert_int_equal(ilm_plan_validate(p, &err), 0);

    /* And the other way round: changing the original leaves the clone. */
    ilm_plan *c2 = ilm_plan_clone(p);
    p->measures[1].sector[0] = 'Y';
    p->inventory[3].t = -1;
    assert_string_equal(c2->measures[1].sector, "industry");
    assert_true(c2->inventory[3].t == 4800);
    assert_int_equal(ilm_plan_validate(c2, &err), 0);

    ilm_plan_free(c);
    ilm_plan_free(c2);
    ilm_plan_free(p);
}

static void test_clone_empty_plan(void **state)
{
    (void)state;
    ilm_plan *p = ilm_plan_new();
    p->seed = 99;
    ilm_plan *c = ilm_plan_clone(p);
    assert_non_null(c);
    assert_null(c->name);
    assert_null(c->inventory);
    assert_null(c->measures);
    assert_int_equal(c->n_inventory, 0);
    assert_int_equal(c->n_measures, 0);
    assert_true(c->seed == 99);
    assert_true(c->discount_rate == 0.04);
    ilm_plan_free(p);
    ilm_plan_free(c);
}

/* ---- validation ---- */

typedef void (*mutation)(ilm_plan *p);

static void dup_inventory_year(ilm_plan *p) { p->inventory[0].year = 2020; }
static void dup_inventory_ets(ilm_plan *p) { p->inventory[4].ets = true; }
static void dup_inventory_sector(ilm_plan *p) { set_str(&p->inventory[4].sector, "heat"); }
static void negative_emissions(ilm_plan *p) { p->inventory[3].t = -0.5; }
static void nan_emissions(ilm_plan *p) { p->inventory[1].t = NAN; }
static void base_year_absent(ilm_plan *p) { p->base_year = 2019; }
static void base_year_after_last(ilm_plan *p) { p->base_year = 2022; }
static void target_year_at_last(ilm_plan *p) { p->target_year = 2021; }
static void target_year_before_base(ilm_plan *p) { p->target_year = 2019; }
static void horizon_before_target(ilm_plan *p) { p->horizon = 2029; }
static void horizon_too_far(ilm_plan *p) { p->horizon = 2020 + ILM_MAX_YEARS; }
static void reduction_above_one(ilm_plan *p) { p->reduction = 1.2; }
static void reduction_negative(ilm_plan *p) { p->reduction = -0.1; }
static void dup_measure_id(ilm_plan *p) { set_str(&p->measures[2].id, "m1"); }
static void share_above_one(ilm_plan *p)
{
    p->measures[0].amount = 1.4;
    p->measures[0].has_range = false;
}
static void share_negative(ilm_plan *p)
{
    p->measures[0].amount = -0.1;
    p->measures[0].has_range = false;
}
static void share_nan(ilm_plan *p)
{
    p->measures[0].amount = NAN;
    p->measures[0].has_range = false;
}
static void share_range_above_one(ilm_plan *p) { p->measures[0].range[2] = 1.2; }
static void share_range_negative(ilm_plan *p) { p->measures[0].range[0] = -0.1; }
static void range_low_above_mode(ilm_plan *p) { p->measures[1].range[0] = 1500; }
static void range_mode_above_high(ilm_plan *p) { p->measures[1].range[2] = 900; }
static void range_mode_not_amount(ilm_plan *p) { p->measures[0].amount = 0.35; }
static void absolute_negative(ilm_plan *p)
{
    p->measures[1].amount = -5;
    p->measures[1].has_range = false;
}
static void absolute_range_negative(ilm_plan *p) { p->measures[1].range[0] = -1; }
static void measure_sector_absent(ilm_plan *p) { set_str(&p->measures[1].sector, "transport"); }
static void full_before_start(ilm_plan *p) { p->measures[0].full = 2019; }
static void lifetime_missing(ilm_plan *p) { p->measures[0].lifetime = 0; }
static void lifetime_below_one(ilm_plan *p) { p->measures[0].lifetime = 0.5; }
static void capex_negative(ilm_plan *p) { p->measures[1].capex = -1; }
static void trend_sd_negative(ilm_plan *p) { p->trend_sd = -0.01; }
static void trend_unknown_sector(ilm_plan *p) { set_str(&p->trends[0].sector, "farming"); }
static void trend_below_minus_one(ilm_plan *p) { p->trends[0].rate = -1; }
static void population_negative(ilm_plan *p) { p->population[0].n = -3; }
static void population_dup_year(ilm_plan *p) { p->population[1].year = 2020; }
static void draws_negative(ilm_plan *p) { p->draws = -1; }
static void easy_above_hard(ilm_plan *p) { p->easy_max_eur_per_t = 200; }
static void capex_infinite(ilm_plan *p) { p->measures[1].capex = INFINITY; }
static void default_trend_infinite(ilm_plan *p) { p->default_trend = INFINITY; }
static void inventory_year_off_calendar(ilm_plan *p) { p->inventory[0].year = 1066; }
static void start_off_calendar(ilm_plan *p) { p->measures[0].start = 1800; }

typedef struct vcase {
    const char *what;
    mutation mutate;
    const char *want[3]; /* substrings of one message */
} vcase;

static const vcase cases[] = {
    {"duplicate (year, sector, ets), rows apart",
     dup_inventory_year,
     {"inventory[1]", "duplicate", "inventory[0]"}},
    {"duplicate by ets", dup_inventory_ets, {"inventory[4]", "duplicate", "inventory[3]"}},
    {"duplicate by sector", dup_inventory_sector, {"inventory[4]", "duplicate", "inventory[0]"}},
    {"negative emissions", negative_emissions, {"inventory[3].t", "-0.5", NULL}},
    {"NaN emissions", nan_emissions, {"inventory[1].t", NULL, NULL}},
    {"base year absent", base_year_absent, {"target.base_year", "2019", NULL}},
    {"base year after L", base_year_after_last, {"target.base_year", "2022", NULL}},
    {"target year = L", target_year_at_last, {"target.target_year", "2021", NULL}},
    {"target year before base", target_year_before_base, {"target.target_year", NULL, NULL}},
    {"horizon before target", horizon_before_target, {"settings.horizon", "2029", NULL}},
    {"horizon too far", horizon_too_far, {"settings.horizon", NULL, NULL}},
    {"reduction above 1", reduction_above_one, {"target.reduction", "1.2", NULL}},
    {"reduction negative", reduction_negative, {"target.reduction", NULL, NULL}},
    {"duplicate measure id", dup_measure_id, {"measures[2].id", "\"m1\"", "measures[0]"}},
    {"share above 1", share_above_one, {"measures[0].share", "1.4", NULL}},
    {"share negative", share_negative, {"measures[0].share", "-0.1", NULL}},
    {"share NaN", share_nan, {"measures[0].share", NULL, NULL}},
    {"share range above 1", share_range_above_one, {"measures[0].share_range", "1.2", NULL}},
    {"share range negative", share_range_negative, {"measures[0].share_range", "-0.1", NULL}},
    {"range low above mode", range_low_above_mode, {"measures[1].absolute_range", "1500", NULL}},
    {"range mode above high", range_mode_above_high, {"measures[1].absolute_range", "900", NULL}},
    {"range mode differs", range_mode_not_amount, {"measures[0].share_range", "0.35", NULL}},
    {"absolute negative", absolute_negative, {"measures[1].absolute_t", "-5", NULL}},
    {"absolute range negative",
     absolute_range_negative,
     {"measures[1].absolute_range", NULL, NULL}},
    {"measure on absent sector", measure_sector_absent, {"measures[1].sector", "transport", NULL}},
    {"full before start", full_before_start, {"measures[0].full", "2019", NULL}},
    {"lifetime missing with capex", lifetime_missing, {"measures[0].lifetime", NULL, NULL}},
    {"lifetime below 1", lifetime_below_one, {"measures[0].lifetime", "0.5", NULL}},
    {"capex negative", capex_negative, {"measures[1].capex", NULL, NULL}},
    {"trend_sd negative", trend_sd_negative, {"baseline.trend_sd", NULL, NULL}},
    {"trend on absent sector", trend_unknown_sector, {"baseline.trend", "farming", NULL}},
    {"trend -1", trend_below_minus_one, {"baseline.trend.industry", NULL, NULL}},
    {"population negative", population_negative, {"population[0].n", NULL, NULL}},
    {"population year twice", population_dup_year, {"population[1].year", "2020", NULL}},
    {"draws negative", draws_negative, {"settings.draws", NULL, NULL}},
    {"easy above hard", easy_above_hard, {"settings.easy_max_eur_per_t", NULL, NULL}},
    {"capex infinite", capex_infinite, {"measures[1].capex", "finite", NULL}},
    {"default trend infinite", default_trend_infinite, {"baseline.default_trend", "finite", NULL}},
    {"inventory year 1066", inventory_year_off_calendar, {"inventory[0].year", "1066", NULL}},
    {"measure start 1800", start_off_calendar, {"measures[0].start", "1800", NULL}},
};

static void test_validate_base_is_valid(void **state)
{
    (void)state;
    ilm_plan *p = base_plan();
    ilm_errors err = {0};
    int rc = ilm_plan_validate(p, &err);
    if (rc)
        print_errors("base plan", &err);
    assert_int_equal(rc, 0);
    assert_int_equal(err.count, 0);
    ilm_plan_free(p);
}

/* Each rule, broken alone, fails validation with a message that names the
 * field and the record; the model refuses to compute. */
static void test_validate_each_rule(void **state)
{
    (void)state;
    ilm_plan *base = base_plan();
    int failures = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const vcase *vc = &cases[i];
        ilm_plan *p = ilm_plan_clone(base);
        assert_non_null(p);
        vc->mutate(p);
        ilm_errors err = {0};
        int rc = ilm_plan_validate(p, &err);
        bool ok = rc == ILM_EINVAL && err.count >= 1 &&
                  has_msg(&err, vc->want[0], vc->want[1], vc->want[2]);
        if (!ok) {
            fprintf(stderr, "case \"%s\": rc %d, wanted a message with \"%s\" \"%s\" \"%s\"\n",
                    vc->what, rc, vc->want[0], vc->want[1] ? vc->want[1] : "",
                    vc->want[2] ? vc->want[2] : "");
            print_errors(vc->what, &err);
            failures++;
        }
        /* A NULL error list is allowed and gives the same verdict. */
        assert_int_equal(ilm_plan_validate(p, NULL), rc);
        /* Nothing is computed. */
        ilm_result dummy;
        ilm_result *r = &dummy; /* must be reset to NULL */
        ilm_errors err2 = {0};
        assert_int_not_equal(ilm_model_run(p, NULL, &r, &err2), 0);
        assert_null(r);
        assert_true(err2.count >= 1);
        ilm_plan_free(p);
    }
    ilm_plan_free(base);
    assert_int_equal(failures, 0);
}

/* The edges of each rule are allowed. */
static void test_validate_edges_allowed(void **state)
{
    (void)state;
    ilm_plan *base = base_plan();
    ilm_errors err = {0};
    ilm_plan *p;

    p = ilm_plan_clone(base); /* target year L + 1, horizon = target */
    p->target_year = 2022;
    p->horizon = 2022;
    assert_int_equal(ilm_plan_validate(p, &err), 0);
    p->horizon = 0; /* unset: the target year */
    assert_int_equal(ilm_plan_validate(p, &err), 0);
    ilm_plan_free(p);

    p = ilm_plan_clone(base); /* base year = L */
    p->base_year = 2021;
    assert_int_equal(ilm_plan_validate(p, &err), 0);
    ilm_plan_free(p);

    p = ilm_plan_clone(base); /* shares 0 and 1, point ranges, reduction 0 and 1 */
    p->measures[0].amount = 1;
    p->measures[0].range[0] = p->measures[0].range[1] = p->measures[0].range[2] = 1;
    p->measures[1].amount = 0;
    p->measures[1].range[0] = p->measures[1].range[1] = 0;
    p->reduction = 1;
    assert_int_equal(ilm_plan_validate(p, &err), 0);
    p->measures[0].amount = 0;
    p->measures[0].range[0] = p->measures[0].range[1] = 0;
    p->reduction = 0;
    assert_int_equal(ilm_plan_validate(p, &err), 0);
    ilm_plan_free(p);

    p = ilm_plan_clone(base); /* full = start, no capex so no lifetime, zero emissions */
    p->measures[0].full = p->measures[0].start;
    p->measures[0].capex = 0;
    p->measures[0].lifetime = 0;
    p->inventory[4].t = 0;
    p->measures[2].status = ILM_STATUS_IDEA;
    assert_int_equal(ilm_plan_validate(p, &err), 0);
    ilm_plan_free(p);

    /* Spec 1.1: a measure on a stream without inventory records is carried,
     * not refused, when its sector is in the inventory or a known key; so
     * is a trend on a known sector. A scope switch must never fail. */
    p = ilm_plan_clone(base);
    p->measures[0].ets = true; /* (heat, ETS): no such rows */
    set_str(&p->measures[1].sector, "agriculture");
    set_str(&p->trends[0].sector, "f_gases");
    assert_int_equal(ilm_plan_validate(p, &err), 0);
    ilm_plan_free(p);

    p = ilm_plan_clone(base); /* the horizon at the cap of ILM_MAX_YEARS years */
    p->horizon = 2020 + ILM_MAX_YEARS - 1;
    assert_int_equal(ilm_plan_validate(p, &err), 0);
    ilm_plan_free(p);

    if (err.count)
        print_errors("edges", &err);
    assert_int_equal(err.count, 0);
    ilm_plan_free(base);
}

/* Several failures: each one gets its own message. */
static void test_validate_reports_every_failure(void **state)
{
    (void)state;
    ilm_plan *p = base_plan();
    negative_emissions(p);
    dup_measure_id(p);
    share_above_one(p);
    horizon_before_target(p);
    measure_sector_absent(p);
    ilm_errors err = {0};
    assert_int_equal(ilm_plan_validate(p, &err), ILM_EINVAL);
    assert_true(err.count >= 5);
    assert_true(has_msg(&err, "inventory[3].t", NULL, NULL));
    assert_true(has_msg(&err, "measures[2].id", NULL, NULL));
    assert_true(has_msg(&err, "measures[0].share", "1.4", NULL));
    assert_true(has_msg(&err, "settings.horizon", NULL, NULL));
    assert_true(has_msg(&err, "measures[1].sector", "transport", NULL));
    ilm_plan_free(p);
}

static void test_validate_empty_inventory(void **state)
{
    (void)state;
    ilm_plan *p = ilm_plan_new();
    p->base_year = 2020;
    p->target_year = 2030;
    ilm_errors err = {0};
    assert_int_equal(ilm_plan_validate(p, &err), ILM_EINVAL);
    assert_true(has_msg(&err, "inventory", NULL, NULL));
    ilm_plan_free(p);
}

/* Duplicates in a large inventory, far apart in row order. */
static void test_validate_duplicates_large_inventory(void **state)
{
    (void)state;
    ilm_plan *p = base_plan();
    size_t n = 2000;
    ilm_inventory_row *rows = realloc(p->inventory, (p->n_inventory + n) * sizeof *rows);
    assert_non_null(rows);
    p->inventory = rows;
    for (size_t i = 0; i < n; i++) {
        ilm_inventory_row *r = &rows[p->n_inventory++];
        char name[32];
        snprintf(name, sizeof name, "s%zu", i / 2);
        r->sector = strdup(name);
        r->year = 2020 + (int)(i % 2);
        r->ets = (i / 2) % 2 == 1;
        r->t = (double)i;
    }
    ilm_errors err = {0};
    assert_int_equal(ilm_plan_validate(p, &err), 0);
    /* The last row repeats row 5 + 2 * 321 + 1: sector s321, 2021, ETS. */
    size_t last = p->n_inventory - 1;
    rows[last].year = 2021;
    set_str(&rows[last].sector, "s321");
    rows[last].ets = true;
    assert_int_equal(ilm_plan_validate(p, &err), ILM_EINVAL);
    char want[64];
    snprintf(want, sizeof want, "inventory[%zu]", last);
    assert_true(has_msg(&err, want, "duplicate", "inventory[648]"));
    assert_int_equal(err.count, 1);
    ilm_plan_free(p);
}

/* ---- last year and horizon ---- */

static void test_last_year_and_horizon(void **state)
{
    (void)state;
    ilm_plan *p = base_plan();
    /* The largest year, not the last row's. */
    assert_int_equal(ilm_plan_last_year(p), 2021);
    p->inventory[2].year = 2024;
    assert_int_equal(ilm_plan_last_year(p), 2024);
    assert_int_equal(ilm_plan_horizon(p), 2035);
    p->horizon = 0;
    assert_int_equal(ilm_plan_horizon(p), 2030);
    p->target_year = 2040;
    assert_int_equal(ilm_plan_horizon(p), 2040);
    ilm_plan_free(p);

    ilm_plan *e = ilm_plan_new();
    assert_int_equal(ilm_plan_last_year(e), 0);
    ilm_plan_free(e);

    /* The result carries the same L and horizon. */
    p = base_plan();
    ilm_result *r = run(p, 0);
    assert_int_equal(r->last_year, 2021);
    assert_int_equal(r->horizon, 2035);
    assert_int_equal(r->n_years, 2035 - 2020 + 1);
    assert_null(r->monte_carlo);
    ilm_result_free(r);
    p->horizon = 0;
    r = run(p, 0);
    assert_int_equal(r->horizon, 2030);
    assert_int_equal(r->n_years, 2030 - 2020 + 1);
    ilm_result_free(r);
    ilm_plan_free(p);
}

/* ---- enum names ---- */

static void test_scope_names(void **state)
{
    (void)state;
    static const char *const names[] = {"total", "non_ets", "hinku"};
    static const ilm_scope values[] = {ILM_SCOPE_TOTAL, ILM_SCOPE_NON_ETS, ILM_SCOPE_HINKU};
    for (int i = 0; i < 3; i++) {
        assert_string_equal(ilm_scope_name(values[i]), names[i]);
        ilm_scope s = (ilm_scope)-1;
        assert_int_equal(ilm_scope_parse(names[i], &s), 0);
        assert_int_equal(s, values[i]);
        assert_int_equal(ilm_scope_parse(ilm_scope_name(values[i]), &s), 0);
        assert_int_equal(s, values[i]);
    }
    static const char *const bad[] = {"",         "Total",  "TOTAL", "non-ets", "nonets",
                                      "non_ets ", "hinku2", "all",   "totals"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ilm_scope s = ILM_SCOPE_NON_ETS;
        assert_int_equal(ilm_scope_parse(bad[i], &s), ILM_EINVAL);
    }
}

static void test_control_names(void **state)
{
    (void)state;
    static const char *const names[] = {"own", "steer", "influence", "none"};
    static const ilm_control values[] = {ILM_CONTROL_OWN, ILM_CONTROL_STEER, ILM_CONTROL_INFLUENCE,
                                         ILM_CONTROL_NONE};
    for (int i = 0; i < 4; i++) {
        assert_string_equal(ilm_control_name(values[i]), names[i]);
        ilm_control c = (ilm_control)-1;
        assert_int_equal(ilm_control_parse(names[i], &c), 0);
        assert_int_equal(c, values[i]);
    }
    static const char *const bad[] = {"", "Own", "owns", "steering", "influenc", "null", "NONE"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ilm_control c = ILM_CONTROL_OWN;
        assert_int_equal(ilm_control_parse(bad[i], &c), ILM_EINVAL);
    }
}

static void test_status_names(void **state)
{
    (void)state;
    static const char *const names[] = {"idea", "planned", "ongoing", "done", "cancelled"};
    static const ilm_status values[] = {ILM_STATUS_IDEA, ILM_STATUS_PLANNED, ILM_STATUS_ONGOING,
                                        ILM_STATUS_DONE, ILM_STATUS_CANCELLED};
    for (int i = 0; i < 5; i++) {
        assert_string_equal(ilm_status_name(values[i]), names[i]);
        ilm_status s = (ilm_status)-1;
        assert_int_equal(ilm_status_parse(names[i], &s), 0);
        assert_int_equal(s, values[i]);
    }
    static const char *const bad[] = {"",      "canceled", "Cancelled", "plan",
                                      "ideas", "finished", "done\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ilm_status s = ILM_STATUS_IDEA;
        assert_int_equal(ilm_status_parse(bad[i], &s), ILM_EINVAL);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_defaults),
        cmocka_unit_test(test_defaults_through_json),
        cmocka_unit_test(test_clone_equal_and_runs_identically),
        cmocka_unit_test(test_clone_is_deep),
        cmocka_unit_test(test_clone_empty_plan),
        cmocka_unit_test(test_validate_base_is_valid),
        cmocka_unit_test(test_validate_each_rule),
        cmocka_unit_test(test_validate_edges_allowed),
        cmocka_unit_test(test_validate_reports_every_failure),
        cmocka_unit_test(test_validate_empty_inventory),
        cmocka_unit_test(test_validate_duplicates_large_inventory),
        cmocka_unit_test(test_last_year_and_horizon),
        cmocka_unit_test(test_scope_names),
        cmocka_unit_test(test_control_names),
        cmocka_unit_test(test_status_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
