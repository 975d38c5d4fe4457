/* The plan compiled into arrays that the pathway, the Monte Carlo and the
 * optimiser share. Internal to src/model.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#ifndef ILM_MODEL_INTERNAL_H
#define ILM_MODEL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "ilmava/model.h"

/* A stream k = (sector, ets). */
typedef struct cstream {
    size_t sector;  /* index into model.sector_names */
    bool ets;
    bool in_scope;
    double e_last;  /* E(k, L) */
    double *hist;   /* E(k, y) for y = B .. L (index y - B) */
} cstream;

/* A measure that is computed (the cancelled ones, and those whose stream
 * has no inventory record, are left out: model.nc lists them). */
typedef struct cmeasure {
    size_t plan_index;
    size_t stream;
    bool absolute;
    double amount;   /* share r or absolute amount A */
    bool has_range;
    double range[3];
    double ramp_last; /* ramp(L) */
    double *ramp;     /* ramp(t) for t = L+1 .. H (index t - L - 1) */
} cmeasure;

typedef struct model {
    int B, L, T, H;
    size_t ny;   /* years B .. H */
    size_t nf;   /* future years L+1 .. H */
    size_t ti;   /* index of T among the future years: T - L - 1 */
    size_t n_sectors;
    const char **sector_names; /* point into the plan */
    double *growth;            /* g per sector */
    size_t n_streams;
    cstream *streams;
    size_t n_meas;
    cmeasure *meas;
    size_t n_nc;
    ilm_not_computed *nc; /* the measures computed as absent, plan order */
    double base_total; /* in-scope emissions of the base year */
    double V;          /* target value */
    double trend_sd;
} model;

/* Builds the model from a plan that passed ilm_plan_validate. Returns 0 or
 * ILM_ENOMEM. */
int model_build(const ilm_plan *plan, model *m);
void model_free(model *m);

/* ramp(t) of spec section 3. */
double model_ramp(int start, int full, int t);

/* phi of a share measure with share r, given ramp(t) and ramp(L). */
static inline double model_phi(double r, double ramp_t, double ramp_last)
{
    if (ramp_last >= 1.0)
        return 1.0;
    return (1.0 - r * ramp_t) / (1.0 - r * ramp_last);
}

/* d of an absolute measure with amount a. */
static inline double model_d(double a, double ramp_t, double ramp_last)
{
    return a * (ramp_t - ramp_last);
}

/* The in-scope scenario total in future year f (t = L + 1 + f), counting
 * the measures m->meas[j] with active[j] set (all when active is NULL). */
int model_scenario_total(const model *m, size_t f, const bool *active, double *total);

/* annual_cost of spec section 5: capex * CRF + opex. */
double model_annual_cost(const ilm_plan *p, const ilm_measure *pm);

/* The 5th, 50th and 95th percentiles of v[0..n) (n >= 1), with linear
 * interpolation between order statistics; may reorder v. Returns 0 or
 * ILM_ENOMEM. Exposed for the tests. */
int model_quantiles(double *v, size_t n, double out[3]);

/* Runs the Monte Carlo of spec section 6 into a new result. */
int model_montecarlo(const model *m, int64_t draws, uint64_t seed, int threads,
                     ilm_progress_fn progress, void *progress_user,
                     ilm_mc_result **out, ilm_errors *err);

#endif
