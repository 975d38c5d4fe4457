/* The deterministic model: baseline, scenario, target path, gap, overshoot,
 * measure economics, attribution and classes (spec sections 2-5, 7).
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const class_names[] = {"easy", "moderate", "hard"};

const char *ilm_class_name(ilm_class c) { return class_names[c]; }

const char *ilm_nc_reason_name(ilm_nc_reason r)
{
    return r == ILM_NC_CANCELLED ? "cancelled" : "no_inventory";
}

bool ilm_measure_computed(const ilm_plan *p, size_t i, ilm_nc_reason *why)
{
    const ilm_measure *m = &p->measures[i];
    ilm_nc_reason r = ILM_NC_CANCELLED;
    bool computed = m->status != ILM_STATUS_CANCELLED;
    if (computed) {
        computed = false;
        r = ILM_NC_NO_INVENTORY;
        for (size_t k = 0; k < p->n_inventory && !computed; k++)
            computed =
                p->inventory[k].ets == m->ets && strcmp(p->inventory[k].sector, m->sector) == 0;
    }
    if (!computed && why)
        *why = r;
    return computed;
}

double model_ramp(int start, int full, int t)
{
    if (t < start)
        return 0.0;
    if (t > full)
        return 1.0;
    return (double)(t - start + 1) / (double)(full - start + 1);
}

double ilm_crf(double rate, double years)
{
    if (rate == 0.0)
        return 1.0 / years;
    return rate / (1.0 - pow(1.0 + rate, -years));
}

ilm_run_options ilm_run_options_default(void)
{
    ilm_run_options o = {.draws = -1, .seed = -1, .threads = 1};
    return o;
}

void model_free(model *m)
{
    for (size_t i = 0; i < m->n_streams; i++)
        free(m->streams[i].hist);
    for (size_t i = 0; i < m->n_meas; i++)
        free(m->meas[i].ramp);
    free(m->streams);
    free(m->meas);
    free(m->nc);
    free(m->sector_names);
    free(m->growth);
    memset(m, 0, sizeof *m);
}

/* Stream lookup by (sector, ets) in an open-addressing hash table, so that
 * compiling a large inventory stays linear. Slots hold stream index + 1. */
typedef struct stream_index {
    size_t *slot;
    size_t mask;
} stream_index;

static size_t hash_key(const char *sector, bool ets)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (const unsigned char *c = (const unsigned char *)sector; *c; c++)
        h = (h ^ *c) * 1099511628211u;
    return (size_t)((h ^ (uint64_t)ets) * 1099511628211u);
}

static int index_init(stream_index *ix, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    ix->slot = calloc(cap, sizeof *ix->slot);
    ix->mask = cap - 1;
    return ix->slot ? 0 : ILM_ENOMEM;
}

/* The slot of (sector, ets): holding its stream, or empty where it goes. */
static size_t *index_find(const stream_index *ix, const model *m, const char *sector, bool ets)
{
    for (size_t i = hash_key(sector, ets) & ix->mask;; i = (i + 1) & ix->mask) {
        size_t *slot = &ix->slot[i];
        if (*slot == 0)
            return slot;
        const cstream *st = &m->streams[*slot - 1];
        if (st->ets == ets && strcmp(m->sector_names[st->sector], sector) == 0)
            return slot;
    }
}

/* The sector index of a name, through either of its two streams. */
static size_t index_sector(const stream_index *ix, const model *m, const char *sector)
{
    for (int ets = 0; ets <= 1; ets++) {
        size_t *slot = index_find(ix, m, sector, ets);
        if (*slot)
            return m->streams[*slot - 1].sector;
    }
    return (size_t)-1;
}

int model_build(const ilm_plan *p, model *m)
{
    memset(m, 0, sizeof *m);
    m->B = p->base_year;
    m->L = ilm_plan_last_year(p);
    m->T = p->target_year;
    m->H = ilm_plan_horizon(p);
    m->ny = (size_t)(m->H - m->B + 1);
    m->nf = (size_t)(m->H - m->L);
    m->ti = (size_t)(m->T - m->L - 1);
    m->trend_sd = p->trend_sd;

    /* At most one sector and one stream per inventory row. */
    m->sector_names = calloc(p->n_inventory, sizeof *m->sector_names);
    m->streams = calloc(p->n_inventory, sizeof *m->streams);
    m->meas = calloc(p->n_measures ? p->n_measures : 1, sizeof *m->meas);
    m->nc = calloc(p->n_measures ? p->n_measures : 1, sizeof *m->nc);
    if (!m->sector_names || !m->streams || !m->meas || !m->nc)
        goto oom;

    stream_index ix;
    if (index_init(&ix, p->n_inventory))
        goto oom;
    size_t nhist = (size_t)(m->L - m->B + 1);
    for (size_t i = 0; i < p->n_inventory; i++) {
        const ilm_inventory_row *r = &p->inventory[i];
        size_t *slot = index_find(&ix, m, r->sector, r->ets);
        if (*slot == 0) {
            size_t s = index_sector(&ix, m, r->sector);
            if (s == (size_t)-1) {
                s = m->n_sectors++;
                m->sector_names[s] = r->sector;
            }
            size_t k = m->n_streams++;
            *slot = k + 1;
            cstream *st = &m->streams[k];
            st->sector = s;
            st->ets = r->ets;
            st->in_scope = p->scope != ILM_SCOPE_NON_ETS || !r->ets;
            st->hist = calloc(nhist, sizeof *st->hist);
            if (!st->hist)
                goto oom_index;
        }
        size_t k = *slot - 1;
        if (r->year >= m->B)
            m->streams[k].hist[r->year - m->B] = r->t;
        if (r->year == m->L)
            m->streams[k].e_last = r->t;
    }

    m->growth = malloc(m->n_sectors * sizeof *m->growth);
    if (!m->growth)
        goto oom_index;
    for (size_t s = 0; s < m->n_sectors; s++)
        m->growth[s] = p->default_trend;
    for (size_t j = 0; j < p->n_trends; j++) {
        size_t s = index_sector(&ix, m, p->trends[j].sector);
        if (s != (size_t)-1)
            m->growth[s] = p->trends[j].rate;
    }

    for (size_t i = 0; i < p->n_measures; i++) {
        const ilm_measure *pm = &p->measures[i];
        size_t slot =
            pm->status == ILM_STATUS_CANCELLED ? 0 : *index_find(&ix, m, pm->sector, pm->ets);
        if (slot == 0) {
            /* Carried, computed as absent (spec 1.1): cancelled, or a
             * stream the inventory does not have. */
            m->nc[m->n_nc++] = (ilm_not_computed){.plan_index = i,
                                                  .id = pm->id,
                                                  .reason = pm->status == ILM_STATUS_CANCELLED
                                                                ? ILM_NC_CANCELLED
                                                                : ILM_NC_NO_INVENTORY};
            continue;
        }
        cmeasure *cm = &m->meas[m->n_meas++];
        cm->plan_index = i;
        cm->stream = slot - 1;
        cm->absolute = pm->is_absolute;
        cm->amount = pm->amount;
        cm->has_range = pm->has_range;
        memcpy(cm->range, pm->range, sizeof cm->range);
        cm->ramp_last = model_ramp(pm->start, pm->full, m->L);
        cm->ramp = malloc(m->nf * sizeof *cm->ramp);
        if (!cm->ramp)
            goto oom_index;
        for (size_t f = 0; f < m->nf; f++)
            cm->ramp[f] = model_ramp(pm->start, pm->full, m->L + 1 + (int)f);
    }

    for (size_t k = 0; k < m->n_streams; k++)
        if (m->streams[k].in_scope)
            m->base_total += m->streams[k].hist[0];
    m->V = (1.0 - p->reduction) * m->base_total;
    free(ix.slot);
    return 0;
oom_index:
    free(ix.slot);
oom:
    model_free(m);
    return ILM_ENOMEM;
}

void ilm_result_free(ilm_result *r)
{
    if (!r)
        return;
    free(r->years);
    free(r->baseline);
    free(r->scenario);
    free(r->target_path);
    free(r->measures);
    free(r->not_computed);
    if (r->monte_carlo) {
        free(r->monte_carlo->years);
        free(r->monte_carlo->p5);
        free(r->monte_carlo->p50);
        free(r->monte_carlo->p95);
        free(r->monte_carlo);
    }
    free(r);
}

/* Classifies a measure (spec section 5). */
static ilm_class classify(const ilm_plan *p, const ilm_measure *pm,
                          const ilm_measure_result *mr)
{
    if (mr->cost_per_t_null || mr->cost_per_t > p->hard_min_eur_per_t ||
        pm->control == ILM_CONTROL_NONE || pm->full > p->target_year)
        return ILM_CLASS_HARD;
    if (mr->cost_per_t <= p->easy_max_eur_per_t &&
        (pm->control == ILM_CONTROL_OWN || pm->control == ILM_CONTROL_STEER))
        return ILM_CLASS_EASY;
    return ILM_CLASS_MODERATE;
}

/* Per-stream state of the deterministic scenario in one year. */
typedef struct stream_year {
    double base;  /* Base(k, t) */
    double prod;  /* PRODUCT of phi over share measures */
    double dsum;  /* SUM of d over absolute measures */
    double s;     /* S(k, t) */
} stream_year;

/* Fills sy with every stream's state in future year f (t = L + 1 + f),
 * counting the measures whose `active` flag is set (all when NULL). */
static void compute_stream_year(const model *m, size_t f, const bool *active,
                                stream_year *sy)
{
    int t = m->L + 1 + (int)f;
    for (size_t k = 0; k < m->n_streams; k++) {
        const cstream *st = &m->streams[k];
        sy[k].base = st->e_last * pow(1.0 + m->growth[st->sector], t - m->L);
        sy[k].prod = 1.0;
        sy[k].dsum = 0.0;
    }
    for (size_t j = 0; j < m->n_meas; j++) {
        const cmeasure *cm = &m->meas[j];
        if (active && !active[j])
            continue;
        if (cm->absolute)
            sy[cm->stream].dsum += model_d(cm->amount, cm->ramp[f], cm->ramp_last);
        else
            sy[cm->stream].prod *= model_phi(cm->amount, cm->ramp[f], cm->ramp_last);
    }
    for (size_t k = 0; k < m->n_streams; k++)
        sy[k].s = fmax(0.0, sy[k].base * sy[k].prod - sy[k].dsum);
}

int model_scenario_total(const model *m, size_t f, const bool *active, double *total)
{
    stream_year *sy = malloc((m->n_streams + 1) * sizeof *sy);
    if (!sy)
        return ILM_ENOMEM;
    compute_stream_year(m, f, active, sy);
    double sum = 0.0;
    for (size_t k = 0; k < m->n_streams; k++)
        if (m->streams[k].in_scope)
            sum += sy[k].s;
    free(sy);
    *total = sum;
    return 0;
}

double model_annual_cost(const ilm_plan *p, const ilm_measure *pm)
{
    double cost = pm->opex;
    if (pm->capex != 0.0)
        cost += pm->capex * ilm_crf(p->discount_rate, pm->lifetime);
    return cost;
}

/* Splits each stream's reduction in the target year among its measures
 * (spec section 5, `attributed`). */
static void attribute(const model *m, const stream_year *syT, ilm_result *r)
{
    for (size_t k = 0; k < m->n_streams; k++) {
        const stream_year *sy = &syT[k];
        double mult = sy->base * (1.0 - sy->prod);
        double abs_part = sy->base * sy->prod - sy->s;
        double log_sum = 0.0, d_sum = 0.0;
        size_t zeros = 0;
        for (size_t j = 0; j < m->n_meas; j++) {
            const cmeasure *cm = &m->meas[j];
            if (cm->stream != k)
                continue;
            if (cm->absolute) {
                d_sum += model_d(cm->amount, cm->ramp[m->ti], cm->ramp_last);
            } else {
                double phi = model_phi(cm->amount, cm->ramp[m->ti], cm->ramp_last);
                if (phi == 0.0)
                    zeros++;
                else
                    log_sum += log(phi);
            }
        }
        for (size_t j = 0; j < m->n_meas; j++) {
            const cmeasure *cm = &m->meas[j];
            if (cm->stream != k)
                continue;
            double a = 0.0;
            if (cm->absolute) {
                double d = model_d(cm->amount, cm->ramp[m->ti], cm->ramp_last);
                if (d_sum > 0.0)
                    a = abs_part * (d / d_sum);
            } else {
                double phi = model_phi(cm->amount, cm->ramp[m->ti], cm->ramp_last);
                if (zeros > 0)
                    a = phi == 0.0 ? mult / (double)zeros : 0.0;
                else if (log_sum != 0.0)
                    a = mult * (log(phi) / log_sum);
            }
            r->measures[j].attributed = a;
        }
    }
}

static int compute_deterministic(const ilm_plan *p, const model *m, ilm_result *r)
{
    r->last_year = m->L;
    r->base_year = m->B;
    r->target_year = m->T;
    r->horizon = m->H;
    r->scope = p->scope;
    r->n_years = m->ny;
    r->target_value = m->V;
    r->years = malloc(m->ny * sizeof *r->years);
    r->baseline = malloc(m->ny * sizeof *r->baseline);
    r->scenario = malloc(m->ny * sizeof *r->scenario);
    r->target_path = malloc(m->ny * sizeof *r->target_path);
    r->measures = calloc(m->n_meas ? m->n_meas : 1, sizeof *r->measures);
    r->not_computed = calloc(m->n_nc ? m->n_nc : 1, sizeof *r->not_computed);
    stream_year *sy = malloc(m->n_streams * sizeof *sy);
    stream_year *syT = malloc(m->n_streams * sizeof *syT);
    if (!r->years || !r->baseline || !r->scenario || !r->target_path || !r->measures ||
        !r->not_computed || !sy || !syT) {
        free(sy);
        free(syT);
        return ILM_ENOMEM;
    }

    for (size_t i = 0; i < m->ny; i++) {
        int t = m->B + (int)i;
        r->years[i] = t;
        double base = 0.0, scen = 0.0;
        if (t <= m->L) {
            for (size_t k = 0; k < m->n_streams; k++)
                if (m->streams[k].in_scope)
                    base += m->streams[k].hist[i];
            scen = base;
        } else {
            size_t f = (size_t)(t - m->L - 1);
            compute_stream_year(m, f, NULL, sy);
            for (size_t k = 0; k < m->n_streams; k++)
                if (m->streams[k].in_scope) {
                    base += sy[k].base;
                    scen += sy[k].s;
                }
            if (f == m->ti)
                memcpy(syT, sy, m->n_streams * sizeof *sy);
        }
        r->baseline[i] = base;
        r->scenario[i] = scen;
        if (t >= m->T)
            r->target_path[i] = m->V;
        else
            r->target_path[i] = m->base_total + (m->V - m->base_total) * (double)(t - m->B) /
                                                    (double)(m->T - m->B);
    }
    size_t iT = (size_t)(m->T - m->B);
    r->gap = r->scenario[iT] - m->V;
    r->meets = r->gap <= 1e-9 * fmax(1.0, m->V);
    r->overshoot = 0.0;
    for (int t = m->L + 1; t <= m->T; t++)
        r->overshoot += r->scenario[t - m->B] - r->target_path[t - m->B];

    r->n_not_computed = m->n_nc;
    if (m->n_nc)
        memcpy(r->not_computed, m->nc, m->n_nc * sizeof *m->nc);
    r->n_measures = m->n_meas;
    attribute(m, syT, r);
    for (size_t j = 0; j < m->n_meas; j++) {
        const cmeasure *cm = &m->meas[j];
        const ilm_measure *pm = &p->measures[cm->plan_index];
        ilm_measure_result *mr = &r->measures[j];
        const stream_year *st = &syT[cm->stream];
        mr->plan_index = cm->plan_index;
        mr->id = pm->id;
        mr->in_scope = m->streams[cm->stream].in_scope;
        mr->annual_cost = model_annual_cost(p, pm);
        double rampT = cm->ramp[m->ti];
        if (cm->absolute)
            mr->abatement = fmin(model_d(cm->amount, rampT, cm->ramp_last), st->base);
        else
            mr->abatement = st->base * (1.0 - model_phi(cm->amount, rampT, cm->ramp_last));
        mr->cost_per_t_null = mr->abatement == 0.0;
        mr->cost_per_t = mr->cost_per_t_null ? 0.0 : mr->annual_cost / mr->abatement;
        mr->cls = classify(p, pm, mr);
        r->classes[mr->cls].count++;
        if (mr->in_scope)
            r->classes[mr->cls].attributed += mr->attributed;
    }
    double need = r->baseline[iT] - m->V;
    r->easy_share_null = !(need > 0.0);
    r->easy_share = r->easy_share_null ? 0.0 : r->classes[ILM_CLASS_EASY].attributed / need;
    free(sy);
    free(syT);
    return 0;
}

int ilm_model_run(const ilm_plan *p, const ilm_run_options *opt, ilm_result **out,
                  ilm_errors *err)
{
    *out = NULL;
    ilm_run_options dflt = ilm_run_options_default();
    if (!opt)
        opt = &dflt;
    int rc = ilm_plan_validate(p, err);
    if (rc)
        return rc;
    int64_t draws = opt->draws >= 0 ? opt->draws : p->draws;
    uint64_t seed = opt->seed >= 0 ? (uint64_t)opt->seed : p->seed;
    if (draws > ILM_MAX_DRAWS) {
        ilm_errors_add(err, "draws: %lld is above the maximum %d", (long long)draws,
                       ILM_MAX_DRAWS);
        return ILM_ELIMIT;
    }

    model m;
    if (model_build(p, &m)) {
        ilm_errors_add(err, "out of memory while building the model");
        return ILM_ENOMEM;
    }
    ilm_result *r = calloc(1, sizeof *r);
    rc = r ? compute_deterministic(p, &m, r) : ILM_ENOMEM;
    if (rc)
        ilm_errors_add(err, "out of memory while computing the pathway");
    if (!rc && draws > 0)
        rc = model_montecarlo(&m, draws, seed, opt->threads, opt->progress,
                              opt->progress_user, &r->monte_carlo, err);
    model_free(&m);
    if (rc) {
        ilm_result_free(r);
        return rc;
    }
    *out = r;
    return 0;
}
