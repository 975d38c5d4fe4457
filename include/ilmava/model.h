/* ilmava: the plan model of spec/plan-model.md sections 2-7.
 *
 * Pure computation: no files, no SQL, no HTTP. The CLI, the server and the
 * reports all call these functions, so a number means the same everywhere.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#ifndef ILMAVA_MODEL_H
#define ILMAVA_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ilmava/error.h"
#include "ilmava/plan.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { ILM_CLASS_EASY, ILM_CLASS_MODERATE, ILM_CLASS_HARD } ilm_class;

const char *ilm_class_name(ilm_class c);

/* Why a measure of the plan is computed as if absent (spec section 7,
 * `not_computed`): it is cancelled, or its stream (sector, ets) has no
 * record in the plan's inventory (a Hinku plan carries no ETS industry). */
typedef enum { ILM_NC_CANCELLED, ILM_NC_NO_INVENTORY } ilm_nc_reason;

/* "cancelled" or "no_inventory". */
const char *ilm_nc_reason_name(ilm_nc_reason r);

/* A measure of the plan that is carried but not computed. */
typedef struct ilm_not_computed {
    size_t plan_index; /* index into plan->measures */
    const char *id;    /* points into the plan: valid while the plan lives */
    ilm_nc_reason reason;
} ilm_not_computed;

/* Whether plan measure i is computed; when not, sets *why (NULL allowed).
 * For a plan that passed ilm_plan_validate. Scans the inventory: callers
 * with a result at hand read its not_computed list instead. */
bool ilm_measure_computed(const ilm_plan *plan, size_t i, ilm_nc_reason *why);

/* The result of one computed measure (spec section 7). */
typedef struct ilm_measure_result {
    size_t plan_index;   /* index into plan->measures */
    const char *id;      /* points into the plan: valid while the plan lives */
    double annual_cost;  /* capex * CRF + opex, EUR a year */
    double abatement;    /* standalone effect in the target year, t */
    double attributed;   /* share of the actual reduction in the target year */
    double cost_per_t;   /* EUR/t; meaningless when cost_per_t_null */
    bool cost_per_t_null;
    ilm_class cls;
    /* Its stream counts in the target's scope: false for an ETS measure in
     * a non_ets plan. Such a measure keeps its abatement and annual_cost
     * but adds nothing to the scenario, the classes' attributed or
     * easy_share. */
    bool in_scope;
} ilm_measure_result;

typedef struct ilm_class_total {
    size_t count;
    double attributed;
} ilm_class_total;

/* Monte Carlo output (spec section 6). The arrays have n_years entries for
 * the years last_year+1 .. horizon. */
typedef struct ilm_mc_result {
    int64_t draws;
    double p_meet;
    size_t n_years;
    int *years;
    double *p5, *p50, *p95;
} ilm_mc_result;

/* The result document of spec section 7. Arrays run over the years
 * base_year .. horizon (n_years entries). */
typedef struct ilm_result {
    int last_year, base_year, target_year, horizon;
    ilm_scope scope;
    size_t n_years;
    int *years;
    double *baseline, *scenario, *target_path;
    double target_value, gap;
    bool meets;
    double overshoot;
    size_t n_measures;
    ilm_measure_result *measures; /* plan order, the not computed left out */
    size_t n_not_computed;
    ilm_not_computed *not_computed; /* plan order: cancelled, or no inventory */
    ilm_class_total classes[3];   /* indexed by ilm_class */
    double easy_share;
    bool easy_share_null;
    ilm_mc_result *monte_carlo;   /* NULL when no draws were asked for */
} ilm_result;

/* Called from the calling thread during a long Monte Carlo run with the
 * number of draws done so far. */
typedef void (*ilm_progress_fn)(void *user, int64_t done, int64_t total);

typedef struct ilm_run_options {
    int64_t draws;      /* -1: use plan settings.draws */
    int64_t seed;       /* -1: use plan settings.seed */
    int threads;        /* worker threads for the Monte Carlo; <= 0 means 1 */
    ilm_progress_fn progress;
    void *progress_user;
} ilm_run_options;

/* Default options: the plan's own draws and seed, one thread. */
ilm_run_options ilm_run_options_default(void);

/* Validates the plan and computes its pathway, measure economics, classes
 * and, when draws > 0, the Monte Carlo. On success stores a new result in
 * *out (the caller frees it with ilm_result_free; it points into the plan,
 * so free it before the plan) and returns 0. On failure returns a negative
 * code, appends messages to err and leaves *out NULL.
 * The Monte Carlo result depends only on the plan, the draws and the seed:
 * the same for any number of threads. */
int ilm_model_run(const ilm_plan *plan, const ilm_run_options *opt,
                  ilm_result **out, ilm_errors *err);

/* Frees a result. NULL is allowed. */
void ilm_result_free(ilm_result *res);

/* The capital recovery factor i / (1 - (1 + i)^-n), or 1/n when i = 0. */
double ilm_crf(double rate, double years);

/* The optimiser's answer (spec section 6). */
typedef struct ilm_optimum {
    bool feasible;       /* some choice meets the target */
    size_t n_measures;   /* = plan->n_measures */
    bool *keep;          /* per plan measure; the not computed are false */
    size_t n_not_computed;
    ilm_not_computed *not_computed; /* as in ilm_result: left out of the search */
    double annual_cost;  /* of every kept measure, optional or not */
    double gap;          /* of the chosen set, by the deterministic model */
    bool exact;          /* the search finished: the choice is optimal */
    const char *method;  /* "exact" (the search finished) or "bounded"
                            (it stopped at the node limit) */
    double cost_bound;   /* when feasible: no choice meeting the target
                            costs less than this (equals annual_cost when
                            exact) */
    size_t n_optional;   /* optional measures considered */
    uint64_t nodes;      /* search nodes visited */
} ilm_optimum;

/* Search budget: optional measures up to this many are always searched to
 * the end; beyond it the search stops after `node_limit` nodes. */
#define ILM_OPT_EXACT_MAX 25

typedef struct ilm_optimize_options {
    uint64_t node_limit; /* 0: default (2^28) once past ILM_OPT_EXACT_MAX */
} ilm_optimize_options;

/* Chooses which optional, computed measures (not cancelled, with an
 * inventory stream) to keep so that the total annual cost is lowest while
 * the target is met, by the exact deterministic model. When no choice
 * meets the target, returns the choice with the smallest gap (the cheapest
 * of those). On success stores a new optimum in *out (free with
 * ilm_optimum_free) and returns 0. `opt` may be NULL. */
int ilm_optimize(const ilm_plan *plan, const ilm_optimize_options *opt,
                 ilm_optimum **out, ilm_errors *err);

void ilm_optimum_free(ilm_optimum *o);

#ifdef __cplusplus
}
#endif

#endif
