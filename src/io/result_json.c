/* Writing the result document (spec section 7) and the optimiser's answer.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdbool.h>
#include <stdlib.h>

#include "ilmava/io.h"
#include "jsonw.h"

static void write_class(jsonw *w, const char *name, const ilm_class_total *c)
{
    jw_key(w, name);
    jw_object_begin(w);
    jw_key(w, "count");
    jw_int(w, (long long)c->count);
    jw_key(w, "attributed");
    jw_number(w, c->attributed);
    jw_object_end(w);
}

/* "not_computed": [{"id", "reason"}, ...] (spec section 7). */
static void write_not_computed(jsonw *w, const ilm_not_computed *v, size_t n)
{
    jw_key(w, "not_computed");
    jw_array_begin(w);
    for (size_t i = 0; i < n; i++) {
        jw_object_begin(w);
        jw_key(w, "id");
        jw_string(w, v[i].id);
        jw_key(w, "reason");
        jw_string(w, ilm_nc_reason_name(v[i].reason));
        jw_object_end(w);
    }
    jw_array_end(w);
}

static bool listed(const ilm_not_computed *v, size_t n, size_t plan_index)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].plan_index == plan_index)
            return true;
    return false;
}

char *ilm_result_to_json(const ilm_result *r)
{
    jsonw w;
    jw_init(&w);
    jw_object_begin(&w);
    jw_key(&w, "ilmava_result");
    jw_int(&w, 1);
    jw_key(&w, "last_year");
    jw_int(&w, r->last_year);
    jw_key(&w, "base_year");
    jw_int(&w, r->base_year);
    jw_key(&w, "target_year");
    jw_int(&w, r->target_year);
    jw_key(&w, "horizon");
    jw_int(&w, r->horizon);
    jw_key(&w, "scope");
    jw_string(&w, ilm_scope_name(r->scope));
    jw_key(&w, "years");
    jw_int_array(&w, r->years, r->n_years);
    jw_key(&w, "baseline");
    jw_number_array(&w, r->baseline, r->n_years);
    jw_key(&w, "scenario");
    jw_number_array(&w, r->scenario, r->n_years);
    jw_key(&w, "target_path");
    jw_number_array(&w, r->target_path, r->n_years);
    jw_key(&w, "target_value");
    jw_number(&w, r->target_value);
    jw_key(&w, "gap");
    jw_number(&w, r->gap);
    jw_key(&w, "meets");
    jw_bool(&w, r->meets);
    jw_key(&w, "overshoot");
    jw_number(&w, r->overshoot);
    jw_key(&w, "measures");
    jw_array_begin(&w);
    for (size_t i = 0; i < r->n_measures; i++) {
        const ilm_measure_result *m = &r->measures[i];
        jw_object_begin(&w);
        jw_key(&w, "id");
        jw_string(&w, m->id);
        jw_key(&w, "annual_cost");
        jw_number(&w, m->annual_cost);
        jw_key(&w, "abatement");
        jw_number(&w, m->abatement);
        jw_key(&w, "attributed");
        jw_number(&w, m->attributed);
        jw_key(&w, "cost_per_t");
        if (m->cost_per_t_null)
            jw_null(&w);
        else
            jw_number(&w, m->cost_per_t);
        jw_key(&w, "class");
        jw_string(&w, ilm_class_name(m->cls));
        jw_key(&w, "in_scope");
        jw_bool(&w, m->in_scope);
        jw_object_end(&w);
    }
    jw_array_end(&w);
    write_not_computed(&w, r->not_computed, r->n_not_computed);
    jw_key(&w, "classes");
    jw_object_begin(&w);
    write_class(&w, "easy", &r->classes[ILM_CLASS_EASY]);
    write_class(&w, "moderate", &r->classes[ILM_CLASS_MODERATE]);
    write_class(&w, "hard", &r->classes[ILM_CLASS_HARD]);
    jw_object_end(&w);
    jw_key(&w, "easy_share");
    if (r->easy_share_null)
        jw_null(&w);
    else
        jw_number(&w, r->easy_share);
    if (r->monte_carlo) {
        const ilm_mc_result *mc = r->monte_carlo;
        jw_key(&w, "monte_carlo");
        jw_object_begin(&w);
        jw_key(&w, "draws");
        jw_int(&w, mc->draws);
        jw_key(&w, "p_meet");
        jw_number(&w, mc->p_meet);
        jw_key(&w, "years");
        jw_int_array(&w, mc->years, mc->n_years);
        jw_key(&w, "p5");
        jw_number_array(&w, mc->p5, mc->n_years);
        jw_key(&w, "p50");
        jw_number_array(&w, mc->p50, mc->n_years);
        jw_key(&w, "p95");
        jw_number_array(&w, mc->p95, mc->n_years);
        jw_object_end(&w);
    }
    jw_object_end(&w);
    return jw_finish(&w);
}

char *ilm_optimum_to_json(const ilm_plan *p, const ilm_optimum *o)
{
    jsonw w;
    jw_init(&w);
    jw_object_begin(&w);
    jw_key(&w, "feasible");
    jw_bool(&w, o->feasible);
    for (int pass = 0; pass < 2; pass++) {
        jw_key(&w, pass == 0 ? "keep" : "drop");
        jw_array_begin(&w);
        for (size_t i = 0; i < p->n_measures; i++) {
            const ilm_measure *m = &p->measures[i];
            if (!m->optional || listed(o->not_computed, o->n_not_computed, i))
                continue;
            if (o->keep[i] == (pass == 0))
                jw_string(&w, m->id);
        }
        jw_array_end(&w);
    }
    jw_key(&w, "annual_cost");
    jw_number(&w, o->annual_cost);
    jw_key(&w, "gap");
    jw_number(&w, o->gap);
    jw_key(&w, "method");
    jw_string(&w, o->method);
    jw_key(&w, "exact");
    jw_bool(&w, o->exact);
    jw_key(&w, "cost_bound");
    jw_number(&w, o->cost_bound);
    jw_key(&w, "optional");
    jw_int(&w, (long long)o->n_optional);
    jw_key(&w, "nodes");
    jw_int(&w, (long long)o->nodes);
    write_not_computed(&w, o->not_computed, o->n_not_computed);
    jw_object_end(&w);
    return jw_finish(&w);
}
