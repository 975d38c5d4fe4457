/* The optimiser of spec section 6: the cheapest set of optional measures
 * that meets the target, by an exact depth-first branch and bound.
 *
 * Only the target year matters for `meets`, and streams are independent, so
 * the search walks the optional measures grouped by stream and carries each
 * stream's running product of phi and sum of d. Two bounds prune it: the
 * cost so far (every measure searched costs more than nothing, see below),
 * and the emissions if every remaining measure were kept (measures only ever
 * lower emissions). Optional measures with annual_cost <= 0 are always kept:
 * dropping one can neither lower the cost nor help the target.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define DEFAULT_NODE_LIMIT (1ULL << 28)

/* An optional measure in the search, in search order. */
typedef struct opt_item {
    size_t cm;         /* index into model.meas */
    size_t group;      /* its stream's group */
    bool absolute;
    double effect;     /* phi(T) for a share measure, d(T) for an absolute one */
    double cost;
    double suf_prod;   /* product of phi over this and later items of the group */
    double suf_d;      /* sum of d over this and later items of the group */
} opt_item;

typedef struct opt_group {
    double base;       /* Base(k, T) */
    bool in_scope;
    double prod0, d0;  /* effect of the measures that always stay */
    double later_min;  /* all-kept emissions of the later groups */
} opt_group;

typedef struct search {
    opt_item *items;
    size_t n;
    opt_group *groups;
    double limit;      /* emissions at T must not exceed this */
    uint64_t nodes, node_limit;
    bool budget_hit;
    double open_bound; /* lowest cost bound of a subtree left unsearched */
    bool *choice;      /* current path */
    bool have_best;
    double best_cost;
    bool *best;
} search;

static double contribution(const opt_group *g, double prod, double d)
{
    return g->in_scope ? fmax(0.0, g->base * prod - d) : 0.0;
}

static void dfs(search *s, size_t i, double prod, double d, double done, double cost)
{
    s->nodes++;
    if (i == s->n) {
        if (done <= s->limit && (!s->have_best || cost < s->best_cost)) {
            s->have_best = true;
            s->best_cost = cost;
            memcpy(s->best, s->choice, s->n * sizeof *s->best);
        }
        return;
    }
    if (s->have_best && cost >= s->best_cost)
        return;
    const opt_item *it = &s->items[i];
    const opt_group *g = &s->groups[it->group];
    double least = done + contribution(g, prod * it->suf_prod, d + it->suf_d) + g->later_min;
    if (least > s->limit)
        return;
    if (s->node_limit && s->nodes > s->node_limit) {
        s->budget_hit = true;
        if (cost < s->open_bound)
            s->open_bound = cost;
        return;
    }
    bool last_of_group = i + 1 == s->n || s->items[i + 1].group != it->group;
    for (int keep = 1; keep >= 0; keep--) {
        double p2 = prod, d2 = d, c2 = cost;
        if (keep) {
            c2 += it->cost;
            if (it->absolute)
                d2 += it->effect;
            else
                p2 *= it->effect;
        }
        s->choice[i] = keep;
        if (last_of_group) {
            double done2 = done + contribution(g, p2, d2);
            const opt_group *next = i + 1 < s->n ? &s->groups[s->items[i + 1].group] : NULL;
            dfs(s, i + 1, next ? next->prod0 : 1.0, next ? next->d0 : 0.0, done2, c2);
        } else {
            dfs(s, i + 1, p2, d2, done, c2);
        }
    }
}

static int cmp_stream(const void *a, const void *b)
{
    const opt_item *x = a, *y = b;
    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    return x->cm < y->cm ? -1 : (x->cm > y->cm);
}

void ilm_optimum_free(ilm_optimum *o)
{
    if (!o)
        return;
    free(o->keep);
    free(o->not_computed);
    free(o);
}

/* Sums the annual cost of the kept measures (plan order) and computes the
 * gap with the full model, as the pathway does. */
static int finish(const ilm_plan *p, const model *m, const bool *active, const double *cost,
                  ilm_optimum *o)
{
    o->annual_cost = 0.0;
    for (size_t j = 0; j < m->n_meas; j++) {
        o->keep[m->meas[j].plan_index] = active[j];
        if (active[j])
            o->annual_cost += cost[j];
    }
    double total;
    if (model_scenario_total(m, m->ti, active, &total))
        return ILM_ENOMEM;
    o->gap = total - m->V;
    (void)p;
    return 0;
}

int ilm_optimize(const ilm_plan *p, const ilm_optimize_options *opt, ilm_optimum **out,
                 ilm_errors *err)
{
    *out = NULL;
    int rc = ilm_plan_validate(p, err);
    if (rc)
        return rc;
    model m;
    if (model_build(p, &m)) {
        ilm_errors_add(err, "out of memory while building the model");
        return ILM_ENOMEM;
    }
    rc = ILM_ENOMEM;
    size_t nm = m.n_meas;
    ilm_optimum *o = calloc(1, sizeof *o);
    double *cost = malloc((nm + 1) * sizeof *cost);
    bool *active = malloc((nm + 1) * sizeof *active);
    opt_item *items = malloc((nm + 1) * sizeof *items);
    opt_group *groups = calloc(m.n_streams + 1, sizeof *groups);
    bool *choice = calloc(nm + 1, sizeof *choice);
    bool *best = calloc(nm + 1, sizeof *best);
    if (!o || !cost || !active || !items || !groups || !choice || !best)
        goto done;
    o->n_measures = p->n_measures;
    o->keep = calloc(p->n_measures + 1, sizeof *o->keep);
    o->not_computed = calloc(m.n_nc + 1, sizeof *o->not_computed);
    if (!o->keep || !o->not_computed)
        goto done;
    /* The measures computed as absent are not searched: neither kept nor
     * dropped, and their cost does not count. */
    o->n_not_computed = m.n_nc;
    if (m.n_nc)
        memcpy(o->not_computed, m.nc, m.n_nc * sizeof *m.nc);

    /* Base(k, T) as the pathway computes it, and the measures that stay. */
    int years = m.T - m.L;
    for (size_t k = 0; k < m.n_streams; k++) {
        const cstream *st = &m.streams[k];
        groups[k].base = st->e_last * pow(1.0 + m.growth[st->sector], years);
        groups[k].in_scope = st->in_scope;
        groups[k].prod0 = 1.0;
    }
    size_t n = 0;
    for (size_t j = 0; j < nm; j++) {
        const cmeasure *cm = &m.meas[j];
        const ilm_measure *pm = &p->measures[cm->plan_index];
        cost[j] = model_annual_cost(p, pm);
        double effect = cm->absolute ? model_d(cm->amount, cm->ramp[m.ti], cm->ramp_last)
                                     : model_phi(cm->amount, cm->ramp[m.ti], cm->ramp_last);
        active[j] = true;
        if (pm->optional)
            o->n_optional++;
        if (pm->optional && cost[j] > 0.0) {
            items[n++] = (opt_item){.cm = j, .group = cm->stream, .absolute = cm->absolute,
                                    .effect = effect, .cost = cost[j]};
            continue;
        }
        if (cm->absolute)
            groups[cm->stream].d0 += effect;
        else
            groups[cm->stream].prod0 *= effect;
    }

    /* Group items by stream; groups are numbered by stream, ordered as the
     * items are, and the streams without items add a fixed amount. */
    qsort(items, n, sizeof *items, cmp_stream);
    double fixed = 0.0;
    for (size_t k = 0; k < m.n_streams; k++) {
        bool has_items = false;
        for (size_t i = 0; i < n && !has_items; i++)
            has_items = items[i].group == k;
        if (!has_items)
            fixed += contribution(&groups[k], groups[k].prod0, groups[k].d0);
    }
    for (size_t i = n; i-- > 0;) {
        bool last = i + 1 == n || items[i + 1].group != items[i].group;
        double sp = last ? 1.0 : items[i + 1].suf_prod, sd = last ? 0.0 : items[i + 1].suf_d;
        items[i].suf_prod = items[i].absolute ? sp : sp * items[i].effect;
        items[i].suf_d = items[i].absolute ? sd + items[i].effect : sd;
    }
    double later = 0.0;
    for (size_t i = n; i-- > 0;) {
        bool first = i == 0 || items[i - 1].group != items[i].group;
        if (!first)
            continue;
        opt_group *g = &groups[items[i].group];
        g->later_min = later;
        later += contribution(g, g->prod0 * items[i].suf_prod, g->d0 + items[i].suf_d);
    }
    double all_kept = fixed + later;

    double tol = 1e-9 * fmax(1.0, m.V);
    o->feasible = all_kept - m.V <= tol;
    search s = {.items = items, .n = n, .groups = groups, .choice = choice, .best = best,
                .open_bound = INFINITY};
    /* Infeasible: look for the cheapest choice as close as keeping all. */
    s.limit = o->feasible ? m.V + tol : all_kept + 1e-9 * fmax(1.0, all_kept);
    if (n > ILM_OPT_EXACT_MAX)
        s.node_limit = opt && opt->node_limit ? opt->node_limit : DEFAULT_NODE_LIMIT;
    if (n > 0)
        dfs(&s, 0, groups[items[0].group].prod0, groups[items[0].group].d0, fixed, 0.0);
    else
        s.have_best = true;
    /* Keeping everything always qualifies, so a best exists unless the
     * budget ran out first; then fall back to keeping everything. */
    for (size_t i = 0; i < n; i++)
        active[items[i].cm] = s.have_best ? best[i] : true;
    o->nodes = s.nodes;
    o->exact = !s.budget_hit;
    o->method = o->exact ? "exact" : "bounded";
    rc = finish(p, &m, active, cost, o);
    if (rc)
        goto done;
    o->cost_bound = o->annual_cost;
    if (!o->exact) {
        double fixed_cost = o->annual_cost;
        for (size_t i = 0; i < n; i++)
            if (active[items[i].cm])
                fixed_cost -= items[i].cost;
        /* open_bound counts only the searched items' cost. */
        if (fixed_cost + s.open_bound < o->cost_bound)
            o->cost_bound = fixed_cost + s.open_bound;
    }
    rc = 0;
done:
    if (rc) {
        ilm_errors_add(err, "out of memory in the optimiser");
        ilm_optimum_free(o);
        o = NULL;
    }
    free(cost);
    free(active);
    free(items);
    free(groups);
    free(choice);
    free(best);
    model_free(&m);
    *out = o;
    return rc;
}
