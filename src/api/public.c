/* What anyone may read without signing in: the index of published plans
 * (GET /api/public/plans). Each plan itself, its pathway and its documents
 * are the plan routes', which let anyone read a published plan.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include "api/internal.h"
#include "ilmava/store.h"

int h_public_plans(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    ilm_plan_summary *v = NULL;
    size_t n = 0;
    ilm_errors err = {0};
    int rc = ilm_store_plan_list(c->store, NULL, &v, &n, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    json_t *list = json_array();
    for (size_t i = 0; list && i < n; i++) {
        const ilm_plan_summary *p = &v[i];
        if (!p->published)
            continue;
        json_t *o = json_pack("{s:I, s:s, s:s?, s:s?, s:s, s:i, s:i, s:f, s:I, s:s}", "id",
                              (json_int_t)p->id, "municipality", p->code, "municipality_name",
                              p->municipality_name, "name", p->name, "scope",
                              ilm_scope_name(p->scope), "base_year", p->base_year, "target_year",
                              p->target_year, "reduction", p->reduction, "measures",
                              (json_int_t)p->n_measures, "updated_at", p->updated_at);
        if (!o || json_array_append_new(list, o)) {
            json_decref(list);
            list = NULL;
        }
    }
    ilm_plan_summaries_free(v, n);
    if (!list)
        return http_reply_error(req, 500, NULL, NULL, NULL);
    return reply_value(req, 200, list);
}
