/* JSON views of what the store holds: the municipality list, an inventory
 * and the plan list. The CLI's --json and the HTTP API print the same.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdlib.h>

#include "ilmava/io.h"
#include "jsonw.h"

static void optional_string(jsonw *w, const char *s)
{
    if (s)
        jw_string(w, s);
    else
        jw_null(w);
}

char *ilm_municipalities_to_json(const ilm_municipality *v, size_t n)
{
    jsonw w;
    jw_init(&w);
    jw_array_begin(&w);
    for (size_t i = 0; i < n; i++) {
        const ilm_municipality *m = &v[i];
        jw_object_begin(&w);
        jw_key(&w, "code");
        jw_string(&w, m->code);
        jw_key(&w, "name_fi");
        jw_string(&w, m->name_fi);
        jw_key(&w, "name_sv");
        optional_string(&w, m->name_sv);
        jw_key(&w, "region");
        optional_string(&w, m->region_fi);
        jw_key(&w, "synthetic");
        jw_bool(&w, m->synthetic);
        jw_key(&w, "population");
        if (m->population_year)
            jw_number(&w, m->population);
        else
            jw_null(&w);
        jw_key(&w, "population_year");
        if (m->population_year)
            jw_int(&w, m->population_year);
        else
            jw_null(&w);
        jw_key(&w, "years");
        jw_int_array(&w, m->years, m->n_years);
        jw_object_end(&w);
    }
    jw_array_end(&w);
    return jw_finish(&w);
}

/* The population of a year in the view, or -1. */
static double population_of(const ilm_inventory_view *v, int year)
{
    for (size_t i = 0; i < v->n_population; i++)
        if (v->population[i].year == year)
            return v->population[i].value;
    return -1;
}

char *ilm_inventory_to_json(const ilm_municipality *m, const ilm_inventory_view *v)
{
    jsonw w;
    jw_init(&w);
    jw_object_begin(&w);
    jw_key(&w, "municipality");
    jw_object_begin(&w);
    jw_key(&w, "code");
    jw_string(&w, m->code);
    jw_key(&w, "name");
    jw_string(&w, m->name_fi);
    jw_object_end(&w);
    jw_key(&w, "scope");
    jw_string(&w, ilm_scope_name(v->scope));
    jw_key(&w, "rows");
    jw_array_begin(&w);
    for (size_t i = 0; i < v->n_rows; i++) {
        const ilm_inventory_view_row *r = &v->rows[i];
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
    jw_key(&w, "totals");
    jw_array_begin(&w);
    /* Rows come by year: one total per run of equal years. */
    for (size_t i = 0; i < v->n_rows;) {
        int year = v->rows[i].year;
        double t = 0;
        for (; i < v->n_rows && v->rows[i].year == year; i++)
            t += v->rows[i].t;
        double pop = population_of(v, year);
        jw_object_begin(&w);
        jw_key(&w, "year");
        jw_int(&w, year);
        jw_key(&w, "t");
        jw_number(&w, t);
        jw_key(&w, "per_capita");
        if (pop > 0)
            jw_number(&w, t / pop);
        else
            jw_null(&w);
        jw_object_end(&w);
    }
    jw_array_end(&w);
    jw_key(&w, "sources");
    jw_array_begin(&w);
    for (size_t i = 0; i < v->n_sources; i++) {
        const ilm_inventory_source *src = &v->sources[i];
        jw_object_begin(&w);
        jw_key(&w, "kind");
        jw_string(&w, src->kind ? src->kind : "");
        jw_key(&w, "file");
        jw_string(&w, src->file_name ? src->file_name : "");
        jw_key(&w, "imported_at");
        jw_string(&w, src->imported_at);
        jw_key(&w, "first_year");
        jw_int(&w, src->first_year);
        jw_key(&w, "last_year");
        jw_int(&w, src->last_year);
        jw_key(&w, "rows");
        jw_int(&w, src->rows);
        jw_object_end(&w);
    }
    jw_array_end(&w);
    jw_object_end(&w);
    return jw_finish(&w);
}

char *ilm_plan_summaries_to_json(const ilm_plan_summary *v, size_t n)
{
    jsonw w;
    jw_init(&w);
    jw_array_begin(&w);
    for (size_t i = 0; i < n; i++) {
        const ilm_plan_summary *p = &v[i];
        jw_object_begin(&w);
        jw_key(&w, "id");
        jw_int(&w, (long long)p->id);
        jw_key(&w, "municipality");
        jw_string(&w, p->code);
        jw_key(&w, "name");
        optional_string(&w, p->name);
        jw_key(&w, "scope");
        jw_string(&w, ilm_scope_name(p->scope));
        jw_key(&w, "base_year");
        jw_int(&w, p->base_year);
        jw_key(&w, "target_year");
        jw_int(&w, p->target_year);
        jw_key(&w, "reduction");
        jw_number(&w, p->reduction);
        jw_key(&w, "measures");
        jw_int(&w, (long long)p->n_measures);
        jw_key(&w, "version");
        jw_int(&w, (long long)p->version);
        jw_key(&w, "published");
        jw_bool(&w, p->published);
        jw_key(&w, "updated_at");
        jw_string(&w, p->updated_at);
        jw_object_end(&w);
    }
    jw_array_end(&w);
    return jw_finish(&w);
}
