/* Writing plan documents (spec section 1): what `plan export` prints and
 * what the measure editor starts from. Everything is written explicitly,
 * defaults included, so that the document says what was computed.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdlib.h>

#include "ilmava/io.h"
#include "plan_io.h"

static void write_optional_string(jsonw *w, const char *key, const char *s)
{
    if (!s)
        return;
    jw_key(w, key);
    jw_string(w, s);
}

void plan_write_measure(jsonw *w, const ilm_measure *m, bool with_store_id)
{
    jw_object_begin(w);
    jw_key(w, "id");
    jw_string(w, m->id);
    write_optional_string(w, "name", m->name);
    jw_key(w, "sector");
    jw_string(w, m->sector);
    jw_key(w, "ets");
    jw_bool(w, m->ets);
    jw_key(w, "start");
    jw_int(w, m->start);
    jw_key(w, "full");
    jw_int(w, m->full);
    jw_key(w, m->is_absolute ? "absolute_t" : "share");
    jw_number(w, m->amount);
    if (m->has_range) {
        jw_key(w, m->is_absolute ? "absolute_range" : "share_range");
        jw_number_array(w, m->range, 3);
    }
    jw_key(w, "capex");
    jw_number(w, m->capex);
    jw_key(w, "opex");
    jw_number(w, m->opex);
    if (m->lifetime > 0) {
        jw_key(w, "lifetime");
        jw_number(w, m->lifetime);
    }
    jw_key(w, "control");
    jw_string(w, ilm_control_name(m->control));
    jw_key(w, "optional");
    jw_bool(w, m->optional);
    jw_key(w, "status");
    jw_string(w, ilm_status_name(m->status));
    write_optional_string(w, "responsible", m->responsible);
    write_optional_string(w, "notes", m->notes);
    if (with_store_id) {
        jw_key(w, "measure_id");
        jw_int(w, (long long)m->store_id);
    }
    jw_object_end(w);
}

/* The plan document; `stored`: the store's view of it instead, without the
 * inventory and population and with the store's numbers. */
static char *write_plan(const ilm_plan *p, bool stored)
{
    jsonw w;
    jw_init(&w);
    jw_object_begin(&w);
    if (stored) {
        jw_key(&w, "id");
        jw_int(&w, (long long)p->store_id);
        jw_key(&w, "version");
        jw_int(&w, (long long)p->version);
        jw_key(&w, "published");
        jw_bool(&w, p->published);
    }
    jw_key(&w, "ilmava_plan");
    jw_int(&w, ILM_PLAN_FORMAT);
    write_optional_string(&w, "name", p->name);

    jw_key(&w, "municipality");
    jw_object_begin(&w);
    jw_key(&w, "code");
    jw_string(&w, p->municipality_code);
    jw_key(&w, "name");
    jw_string(&w, p->municipality_name);
    jw_object_end(&w);

    if (!stored) {
    jw_key(&w, "inventory");
    jw_array_begin(&w);
    for (size_t i = 0; i < p->n_inventory; i++) {
        const ilm_inventory_row *r = &p->inventory[i];
        jw_object_begin(&w);
        jw_key(&w, "year");
        jw_int(&w, r->year);
        jw_key(&w, "sector");
        jw_string(&w, r->sector);
        jw_key(&w, "ets");
        jw_bool(&w, r->ets);
        jw_key(&w, "t");
        jw_number(&w, r->t);
        jw_object_end(&w);
    }
    jw_array_end(&w);

    if (p->n_population) {
        jw_key(&w, "population");
        jw_array_begin(&w);
        for (size_t i = 0; i < p->n_population; i++) {
            jw_object_begin(&w);
            jw_key(&w, "year");
            jw_int(&w, p->population[i].year);
            jw_key(&w, "n");
            jw_number(&w, p->population[i].n);
            jw_object_end(&w);
        }
        jw_array_end(&w);
    }
    } /* !stored */

    jw_key(&w, "baseline");
    jw_object_begin(&w);
    jw_key(&w, "default_trend");
    jw_number(&w, p->default_trend);
    jw_key(&w, "trend");
    jw_object_begin(&w);
    for (size_t i = 0; i < p->n_trends; i++) {
        jw_key(&w, p->trends[i].sector);
        jw_number(&w, p->trends[i].rate);
    }
    jw_object_end(&w);
    jw_key(&w, "trend_sd");
    jw_number(&w, p->trend_sd);
    jw_object_end(&w);

    jw_key(&w, "target");
    jw_object_begin(&w);
    jw_key(&w, "base_year");
    jw_int(&w, p->base_year);
    jw_key(&w, "target_year");
    jw_int(&w, p->target_year);
    jw_key(&w, "reduction");
    jw_number(&w, p->reduction);
    jw_key(&w, "scope");
    jw_string(&w, ilm_scope_name(p->scope));
    jw_object_end(&w);

    jw_key(&w, "measures");
    jw_array_begin(&w);
    for (size_t i = 0; i < p->n_measures; i++)
        plan_write_measure(&w, &p->measures[i], stored);
    jw_array_end(&w);

    jw_key(&w, "settings");
    jw_object_begin(&w);
    if (p->horizon) {
        jw_key(&w, "horizon");
        jw_int(&w, p->horizon);
    }
    jw_key(&w, "discount_rate");
    jw_number(&w, p->discount_rate);
    jw_key(&w, "draws");
    jw_int(&w, (long long)p->draws);
    jw_key(&w, "seed");
    jw_int(&w, (long long)p->seed);
    jw_key(&w, "easy_max_eur_per_t");
    jw_number(&w, p->easy_max_eur_per_t);
    jw_key(&w, "hard_min_eur_per_t");
    jw_number(&w, p->hard_min_eur_per_t);
    jw_object_end(&w);

    jw_object_end(&w);
    return jw_finish(&w);
}

char *ilm_plan_to_json(const ilm_plan *p)
{
    return write_plan(p, false);
}

char *ilm_stored_plan_to_json(const ilm_plan *p)
{
    return write_plan(p, true);
}
