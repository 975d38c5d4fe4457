/* Handlers for plans and measures: reading and changing them with the
 * version check, publishing, the pathway (cached), the optimiser and the
 * audit trail.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "api/internal.h"
#include "ilmava/app.h"
#include "ilmava/io.h"
#include "ilmava/model.h"

/* Draws one API request may ask for: a second of one core, about. */
#define API_MAX_DRAWS 200000
/* The most draws a request may ask for when its user cannot edit the plan
 * (anonymous readers of a published plan, viewers, experts): the plans'
 * default and the UI's runs stay under it. */
#define API_READER_MAX_DRAWS 20000
/* The optimiser's search budget past ILM_OPT_EXACT_MAX optional measures. */
#define API_OPT_NODE_LIMIT (1u << 22)

/* ---- a plan as JSON ---- */

/* Loads plan `id` and replies with it. */
static int reply_plan(http_request *req, int status, int64_t id)
{
    api_ctx *c = api_context(req);
    ilm_plan *p = NULL;
    ilm_errors err = {0};
    int rc = ilm_store_plan_load(c->store, id, &p, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    char *json = ilm_stored_plan_to_json(p);
    ilm_plan_free(p);
    return reply_text(req, status, json);
}

/* A 409 that carries the plan as it is now, so the client can merge. */
static int reply_conflict(http_request *req, int64_t id, const ilm_errors *err)
{
    api_ctx *c = api_context(req);
    ilm_plan *p = NULL;
    ilm_errors quiet = {0};
    char *current =
        ilm_store_plan_load(c->store, id, &p, &quiet) == 0 ? ilm_stored_plan_to_json(p) : NULL;
    ilm_plan_free(p);
    json_t *e = json_pack("{s:s, s:s}", "code", "conflict", "message",
                          err->count ? err->msg[0] : "The plan was changed by someone else");
    char *error = e ? json_dumps(e, JSON_COMPACT) : NULL;
    json_decref(e);
    size_t n = (error ? strlen(error) : 0) + (current ? strlen(current) : 4) + 32;
    char *body = error ? malloc(n) : NULL;
    if (body)
        snprintf(body, n, "{\"error\":%s,\"current\":%s}", error, current ? current : "null");
    free(error);
    free(current);
    return reply_text(req, 409, body);
}

/* ---- plans ---- */

int h_plans_list(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    const char *code = http_param(req, "code");
    ilm_municipality m = {0};
    ilm_errors err = {0};
    int rc = ilm_store_municipality_find(c->store, code, &m, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    ilm_plan_summary *v = NULL;
    size_t n = 0;
    rc = ilm_store_plan_list(c->store, m.code, &v, &n, &err);
    ilm_municipality_clear(&m);
    if (rc)
        return reply_errors(req, rc, &err);
    char *json = ilm_plan_summaries_to_json(v, n);
    ilm_plan_summaries_free(v, n);
    return reply_text(req, 200, json);
}

/* An integer member of o, or 422 naming it. */
static bool get_int_field(http_request *req, json_t *o, const char *key, bool required,
                          long long lo, long long hi, long long *out)
{
    json_t *v = json_object_get(o, key);
    if (!v && !required)
        return true;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        ilm_errors err = {0};
        ilm_errors_addc(&err, v ? ILM_ERR_OUT_OF_RANGE : ILM_ERR_REQUIRED, key,
                        "%s: %s an integer from %lld to %lld", key,
                        v ? "expected" : "required:", lo, hi);
        if (v) {
            if (json_is_number(v))
                ilm_errors_num(&err, "value", json_number_value(v));
            ilm_errors_num(&err, "min", (double)lo);
            ilm_errors_num(&err, "max", (double)hi);
        }
        reply_errors(req, ILM_EINVAL, &err);
        return false;
    }
    *out = json_integer_value(v);
    return true;
}

/* A name member that is there but blank (or not a string): 422 naming
 * `name`, so that no plan is saved nameless by a slip. */
static bool name_given_blank(http_request *req, json_t *o)
{
    json_t *jn = json_object_get(o, "name");
    if (!jn || json_is_null(jn))
        return false;
    const char *v = json_string_value(jn);
    bool blank = true;
    for (const char *c = v; c && *c; c++)
        if (*c != ' ' && *c != '\t' && *c != '\n' && *c != '\r')
            blank = false;
    if (!blank)
        return false;
    reply_invalid(req, v ? ILM_ERR_REQUIRED : ILM_ERR_NOT_A_STRING, "name",
                  v ? "name: required: a plan needs a name" : "name: expected a string");
    return true;
}

int h_plans_create(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    json_t *o = body_object(req);
    if (!o)
        return 0;
    static const char *const keys[] = {"name",      "base_year", "target_year",
                                       "reduction", "scope",     NULL};
    long long base, target;
    bool ok = only_keys(req, o, keys) &&
              get_int_field(req, o, "base_year", true, ILM_MIN_YEAR, ILM_MAX_YEAR, &base) &&
              get_int_field(req, o, "target_year", true, ILM_MIN_YEAR, ILM_MAX_YEAR, &target);
    json_t *jr = json_object_get(o, "reduction"), *js = json_object_get(o, "scope"),
           *jn = json_object_get(o, "name");
    ilm_scope scope = ILM_SCOPE_TOTAL;
    if (ok && !json_is_number(jr)) {
        reply_invalid(req, jr ? ILM_ERR_NOT_A_NUMBER : ILM_ERR_REQUIRED, "reduction",
                      "reduction: required, a number from 0 to 1");
        ok = false;
    }
    if (ok && js && (!json_is_string(js) || ilm_scope_parse(json_string_value(js), &scope))) {
        ilm_errors err = {0};
        ilm_errors_addc(&err, ILM_ERR_NOT_ONE_OF, "scope",
                        "scope: expected total, non_ets or hinku");
        ilm_errors_text(&err, "allowed", "total, non_ets, hinku");
        reply_errors(req, ILM_EINVAL, &err);
        ok = false;
    }
    if (ok && name_given_blank(req, o))
        ok = false;
    if (!ok) {
        json_decref(o);
        return 0;
    }
    int64_t id = 0;
    ilm_errors err = {0};
    int rc = ilm_app_plan_new(c->store, http_param(req, "code"), (int)base, (int)target,
                              json_number_value(jr), scope, jn ? json_string_value(jn) : NULL, &id,
                              &err);
    json_decref(o);
    /* The model names these fields in the plan document ("target.reduction");
     * in this body they are top-level ("reduction"). */
    for (int i = 0; rc == ILM_EINVAL && i < err.count; i++) {
        char *f = err.info[i].field;
        if (strncmp(f, "target.", 7) == 0)
            memmove(f, f + 7, strlen(f + 7) + 1);
    }
    if (rc)
        return reply_errors(req, rc, &err);
    char location[64];
    snprintf(location, sizeof location, "/api/plans/%" PRId64, id);
    http_add_header(req, "Location", location);
    return reply_plan(req, 201, id);
}

int h_plan_get(void *app, http_request *req)
{
    (void)app;
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    return reply_plan(req, 200, id);
}

/* PUT: the client sends the plan as it read it, changed, with the version
 * it read. The inventory and the municipality are the store's and stay. */
int h_plan_put(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    json_t *body = body_object(req);
    if (!body)
        return 0;
    static const char *const keys[] = {
        "ilmava_plan", "name", "municipality", "baseline",  "target", "measures",
        "settings",    "id",   "version",      "published", NULL};
    long long version = 0;
    if (!only_keys(req, body, keys) ||
        !get_int_field(req, body, "version", true, 1, INT64_MAX, &version) ||
        name_given_blank(req, body)) {
        json_decref(body);
        return 0;
    }
    ilm_plan *stored = NULL;
    ilm_errors err = {0};
    int rc = ilm_store_plan_load(c->store, id, &stored, &err);
    if (rc) {
        json_decref(body);
        return reply_errors(req, rc, &err);
    }
    /* Start from the stored document; the body's fields replace its own. */
    char *doc_text = ilm_plan_to_json(stored);
    json_t *doc = doc_text ? json_loads(doc_text, 0, NULL) : NULL;
    free(doc_text);
    const char *stored_code = stored->municipality_code;
    json_t *jm = json_object_get(body, "municipality");
    const char *bad = NULL;
    const char *code = json_string_value(json_object_get(jm, "code"));
    if (jm && (!code || strcmp(code, stored_code) != 0))
        bad = "municipality: a plan stays with its municipality";
    const char *key;
    json_t *v;
    json_object_foreach (body, key, v) {
        if (!strcmp(key, "id") || !strcmp(key, "version") || !strcmp(key, "published") ||
            !strcmp(key, "municipality"))
            continue;
        json_object_set(doc, key, v);
    }
    /* measure_id is ours, not the document's: measures keep their store
     * ids by their document id. */
    json_t *ms = json_object_get(doc, "measures");
    size_t i;
    json_t *m;
    json_array_foreach (ms, i, m) {
        if (json_is_object(m))
            json_object_del(m, "measure_id");
    }
    ilm_plan_free(stored);
    json_decref(body);
    if (bad) {
        json_decref(doc);
        return http_reply_error(req, 422, NULL, bad, "municipality");
    }
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (!text)
        return http_reply_error(req, 500, NULL, NULL, NULL);
    ilm_plan *p = NULL;
    rc = ilm_plan_from_json(text, strlen(text), &p, &err);
    free(text);
    if (rc)
        return reply_errors(req, rc, &err);
    p->store_id = id;
    p->version = version;
    /* The document carried the inventory of the old scope: check the plan
     * on the one it computes on now (a Hinku plan has only the Hinku rows).
     * Measures without rows there are carried, not refused (spec 1.1). */
    rc = ilm_app_attach_inventory(c->store, p, &err);
    if (!rc)
        rc = ilm_plan_validate(p, &err);
    int64_t saved;
    if (!rc)
        rc = ilm_store_plan_save(c->store, p, &saved, &err);
    ilm_plan_free(p);
    if (rc == ILM_ECONFLICT)
        return reply_conflict(req, id, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    return reply_plan(req, 200, id);
}

int h_plan_delete(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    ilm_errors err = {0};
    int rc = ilm_store_plan_delete(c->store, id, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    return http_reply(req, 204, NULL, NULL, 0);
}

static int set_published(http_request *req, bool published)
{
    api_ctx *c = api_context(req);
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    ilm_errors err = {0};
    int rc = ilm_store_plan_publish(c->store, id, published, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    return reply_plan(req, 200, id);
}

int h_plan_publish(void *app, http_request *req)
{
    (void)app;
    return set_published(req, true);
}

int h_plan_unpublish(void *app, http_request *req)
{
    (void)app;
    return set_published(req, false);
}

/* ---- measures ---- */

int h_measure_add(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t plan_id;
    if (!param_id(req, "id", &plan_id))
        return 0;
    json_t *body = body_object(req); /* checks the media type and the JSON */
    if (!body)
        return 0;
    json_decref(body);
    ilm_measure_change ch = {.json = http_body(req), .json_len = http_body_len(req)};
    int64_t measure_id = 0;
    ilm_errors err = {0};
    int rc = ilm_app_measure_add(c->store, plan_id, &ch, &measure_id, &err);
    if (rc == ILM_ECONFLICT)
        return reply_conflict(req, plan_id, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    char location[64];
    snprintf(location, sizeof location, "/api/measures/%" PRId64, measure_id);
    http_add_header(req, "Location", location);
    return reply_plan(req, 201, plan_id);
}

int h_measure_put(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t measure_id, plan_id;
    if (!param_id(req, "id", &measure_id))
        return 0;
    json_t *body = body_object(req);
    if (!body)
        return 0;
    /* The store id is the path's; a body may echo it back as read. */
    json_object_del(body, "measure_id");
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!text)
        return http_reply_error(req, 500, NULL, NULL, NULL);
    ilm_measure_change ch = {.json = text, .json_len = strlen(text)};
    ilm_errors err = {0};
    int rc = ilm_store_measure_plan(c->store, measure_id, &plan_id, &err);
    if (!rc)
        rc = ilm_app_measure_set(c->store, measure_id, &ch, &err);
    free(text);
    if (rc == ILM_ECONFLICT)
        return reply_conflict(req, plan_id, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    return reply_plan(req, 200, plan_id);
}

int h_measure_delete(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t measure_id, plan_id;
    if (!param_id(req, "id", &measure_id))
        return 0;
    ilm_errors err = {0};
    int rc = ilm_store_measure_plan(c->store, measure_id, &plan_id, &err);
    if (!rc)
        rc = ilm_app_measure_delete(c->store, measure_id, &err);
    if (rc == ILM_ECONFLICT)
        return reply_conflict(req, plan_id, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    return http_reply(req, 204, NULL, NULL, 0);
}

/* ---- the pathway, cached ---- */

/* Whether the request may run the model with `draws` draws: a reader who
 * cannot edit the plan gets at most API_READER_MAX_DRAWS; otherwise
 * replies 422 naming `draws` and the cap. */
static bool draws_allowed(http_request *req, const char *code, long long draws)
{
    if (draws <= API_READER_MAX_DRAWS || api_can_write(api_context(req), code))
        return true;
    char msg[200];
    snprintf(msg, sizeof msg,
             "draws: at most %d for a reader who cannot edit this plan (asked: %lld); "
             "give ?draws=",
             API_READER_MAX_DRAWS, draws);
    reply_invalid(req, ILM_ERR_INVALID, "draws", msg);
    return false;
}

int h_pathway(void *app, http_request *req)
{
    api_server *a = app;
    api_ctx *c = api_context(req);
    int64_t id;
    long long draws, seed;
    if (!param_id(req, "id", &id) || !query_int(req, "draws", 0, API_MAX_DRAWS, -1, &draws) ||
        !query_int(req, "seed", 0, INT64_MAX, -1, &seed))
        return 0;
    ilm_plan_stamp st;
    ilm_errors err = {0};
    int rc = ilm_store_plan_stamp(c->store, id, &st, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    if (draws >= 0 && !draws_allowed(req, st.code, draws))
        return 0;
    char key[DOC_KEY_MAX];
    snprintf(key, sizeof key, "pathway %" PRId64 " v%" PRId64 " d%" PRId64 " %lld %lld", id,
             st.version, st.data_version, draws, seed);
    size_t len = 0;
    char *json = doc_cache_get(&a->cache, key, &len);
    if (json) {
        http_add_header(req, "X-Cache", "hit");
        return http_reply_take(req, 200, "application/json", json, len);
    }

    ilm_plan *p = NULL;
    rc = ilm_store_plan_load(c->store, id, &p, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    ilm_run_options opt = ilm_run_options_default();
    opt.draws = draws;
    opt.seed = seed;
    if (draws < 0 && p->draws > API_MAX_DRAWS) {
        ilm_plan_free(p);
        char msg[160];
        snprintf(msg, sizeof msg,
                 "draws: the plan asks for more than %d; give ?draws=", API_MAX_DRAWS);
        return http_reply_error(req, 422, NULL, msg, "draws");
    }
    if (draws < 0 && !draws_allowed(req, st.code, p->draws)) {
        ilm_plan_free(p);
        return 0;
    }
    /* Key what was computed, should the plan have moved on meanwhile. */
    snprintf(key, sizeof key, "pathway %" PRId64 " v%" PRId64 " d%" PRId64 " %lld %lld", id,
             p->version, st.data_version, draws, seed);
    /* A run takes a core: at most cores - 1 run at once. */
    if (!run_gate_enter(&a->models)) {
        ilm_plan_free(p);
        return reply_busy(req, "Too many model runs at once; try again");
    }
    ilm_result *r = NULL;
    rc = ilm_model_run(p, &opt, &r, &err);
    run_gate_leave(&a->models);
    if (!rc) {
        json = ilm_result_to_json(r);
        ilm_result_free(r);
    }
    ilm_plan_free(p);
    if (rc)
        return reply_errors(req, rc, &err);
    if (!json)
        return http_reply_error(req, 500, NULL, NULL, NULL);
    len = strlen(json);
    doc_cache_put(&a->cache, key, json, len);
    http_add_header(req, "X-Cache", "miss");
    return http_reply_take(req, 200, "application/json", json, len);
}

/* Sets `m`'s fields from the override object `v`; false with `msg` filled
 * when `v` is not an object or tries to rename the measure. */
static bool override_measure(json_t *m, const char *mid, json_t *v, char *msg, size_t n)
{
    if (!json_is_object(v)) {
        snprintf(msg, n, "measures.%s: give an object of the fields to try", mid);
        return false;
    }
    json_t *nid = json_object_get(v, "id");
    if (nid && (!json_is_string(nid) || strcmp(json_string_value(nid), mid) != 0)) {
        snprintf(msg, n, "measures.%s.id: a trial cannot rename a measure", mid);
        return false;
    }
    json_object_update(m, v);
    json_object_del(m, "measure_id");
    return true;
}

/* The stored plan `stored` as a document with `over`'s measure fields
 * replaced, parsed into *out; replies 422 and returns false on bad input. */
static bool trial_plan(http_request *req, api_ctx *c, const ilm_plan *stored, json_t *over,
                       ilm_plan **out)
{
    char *doc_text = ilm_plan_to_json(stored);
    json_t *doc = doc_text ? json_loads(doc_text, 0, NULL) : NULL;
    free(doc_text);
    if (!doc) {
        http_reply_error(req, 500, NULL, NULL, NULL);
        return false;
    }
    json_t *ms = json_object_get(doc, "measures");
    char msg[256] = "";
    const char *mid;
    json_t *v;
    json_object_foreach (over, mid, v) {
        json_t *found = NULL;
        size_t i;
        json_t *m;
        json_array_foreach (ms, i, m) {
            const char *x = json_string_value(json_object_get(m, "id"));
            if (x && !strcmp(x, mid))
                found = m;
        }
        if (!found) {
            snprintf(msg, sizeof msg, "measures.%s: the plan has no measure with this id", mid);
            break;
        }
        if (!override_measure(found, mid, v, msg, sizeof msg))
            break;
    }
    char *text = msg[0] ? NULL : json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    if (msg[0]) {
        http_reply_error(req, 422, NULL, msg, "measures");
        return false;
    }
    ilm_errors err = {0};
    ilm_plan *p = NULL;
    int rc = text ? ilm_plan_from_json(text, strlen(text), &p, &err) : ILM_ENOMEM;
    free(text);
    if (!rc) {
        p->store_id = stored->store_id;
        p->version = stored->version;
        rc = ilm_app_attach_inventory(c->store, p, &err);
    }
    if (!rc)
        rc = ilm_plan_validate(p, &err);
    if (rc) {
        ilm_plan_free(p);
        reply_errors(req, rc, &err);
        return false;
    }
    *out = p;
    return true;
}

/* POST /api/plans/{id}/pathway/trial: the stored plan's pathway with some
 * measures' fields replaced ({"measures": {"<id>": {...}}}), computed and
 * never saved: the try-it panel's sandbox. Same draw caps and model gate as
 * GET pathway; not cached. */
int h_pathway_trial(void *app, http_request *req)
{
    api_server *a = app;
    api_ctx *c = api_context(req);
    int64_t id;
    long long draws, seed;
    if (!param_id(req, "id", &id) || !query_int(req, "draws", 0, API_MAX_DRAWS, -1, &draws) ||
        !query_int(req, "seed", 0, INT64_MAX, -1, &seed))
        return 0;
    json_t *body = body_object(req);
    if (!body)
        return 0;
    static const char *const keys[] = {"measures", NULL};
    json_t *over = json_object_get(body, "measures");
    if (!only_keys(req, body, keys)) {
        json_decref(body);
        return 0;
    }
    if (!json_is_object(over)) {
        json_decref(body);
        return http_reply_error(req, 422, NULL,
                                "measures: give an object of measure ids and the fields to try",
                                "measures");
    }
    ilm_plan *stored = NULL;
    ilm_errors err = {0};
    int rc = ilm_store_plan_load(c->store, id, &stored, &err);
    if (rc) {
        json_decref(body);
        return reply_errors(req, rc, &err);
    }
    if (draws < 0 && stored->draws > API_MAX_DRAWS) {
        ilm_plan_free(stored);
        json_decref(body);
        char msg[160];
        snprintf(msg, sizeof msg,
                 "draws: the plan asks for more than %d; give ?draws=", API_MAX_DRAWS);
        return http_reply_error(req, 422, NULL, msg, "draws");
    }
    if (!draws_allowed(req, stored->municipality_code, draws >= 0 ? draws : stored->draws)) {
        ilm_plan_free(stored);
        json_decref(body);
        return 0;
    }
    ilm_plan *p = NULL;
    bool ok = trial_plan(req, c, stored, over, &p);
    ilm_plan_free(stored);
    json_decref(body);
    if (!ok)
        return 0;
    ilm_run_options opt = ilm_run_options_default();
    opt.draws = draws;
    opt.seed = seed;
    if (!run_gate_enter(&a->models)) {
        ilm_plan_free(p);
        return reply_busy(req, "Too many model runs at once; try again");
    }
    ilm_result *r = NULL;
    rc = ilm_model_run(p, &opt, &r, &err);
    run_gate_leave(&a->models);
    char *json = NULL;
    if (!rc) {
        json = ilm_result_to_json(r); /* the result points into the plan */
        ilm_result_free(r);
    }
    ilm_plan_free(p);
    if (rc)
        return reply_errors(req, rc, &err);
    if (!json)
        return http_reply_error(req, 500, NULL, NULL, NULL);
    http_add_header(req, "X-Trial", "not saved");
    return http_reply_take(req, 200, "application/json", json, strlen(json));
}

int h_optimize(void *app, http_request *req)
{
    api_server *a = app;
    api_ctx *c = api_context(req);
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    ilm_plan *p = NULL;
    ilm_errors err = {0};
    int rc = ilm_store_plan_load(c->store, id, &p, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    ilm_optimize_options opt = {.node_limit = API_OPT_NODE_LIMIT};
    ilm_optimum *o = NULL;
    if (!run_gate_enter(&a->models)) {
        ilm_plan_free(p);
        return reply_busy(req, "Too many model runs at once; try again");
    }
    rc = ilm_optimize(p, &opt, &o, &err);
    run_gate_leave(&a->models);
    char *json = rc ? NULL : ilm_optimum_to_json(p, o);
    ilm_optimum_free(o);
    ilm_plan_free(p);
    if (rc)
        return reply_errors(req, rc, &err);
    return reply_text(req, 200, json);
}

/* ---- the audit trail ---- */

static json_t *parsed_or_null(const char *text)
{
    json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
    return v ? v : json_null();
}

static int reply_audit(http_request *req, const char *code, int64_t plan_id)
{
    api_ctx *c = api_context(req);
    long long limit, before;
    if (!query_int(req, "limit", 1, 1000, 100, &limit) ||
        !query_int(req, "before", 1, INT64_MAX, 0, &before))
        return 0;
    ilm_audit_filter f = {
        .code = code, .plan_id = plan_id, .before_id = before, .limit = (size_t)limit};
    ilm_audit_entry *v = NULL;
    size_t n = 0;
    ilm_errors err = {0};
    int rc = ilm_store_audit(c->store, &f, &v, &n, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        const ilm_audit_entry *e = &v[i];
        json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)e->id, "at", e->at, "actor",
                              e->actor, "action", e->action);
        json_object_set_new(o, "municipality", e->code[0] ? json_string(e->code) : json_null());
        json_object_set_new(o, "plan_id",
                            e->plan_id ? json_integer((json_int_t)e->plan_id) : json_null());
        json_object_set_new(o, "measure_id",
                            e->measure_id ? json_integer((json_int_t)e->measure_id) : json_null());
        json_object_set_new(o, "old", parsed_or_null(e->old_json));
        json_object_set_new(o, "new", parsed_or_null(e->new_json));
        json_array_append_new(a, o);
    }
    ilm_audit_entries_free(v, n);
    return reply_value(req, 200, a);
}

int h_plan_audit(void *app, http_request *req)
{
    (void)app;
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    return reply_audit(req, NULL, id);
}

int h_audit(void *app, http_request *req)
{
    (void)app;
    const char *code = http_query(req, "municipality");
    long long plan;
    if (!query_int(req, "plan", 1, INT64_MAX, 0, &plan))
        return 0;
    /* Checked here, so that the error names the query parameter. */
    if (code && *code && !(strlen(code) == 3 && strspn(code, "0123456789") == 3))
        return http_reply_error(req, 422, NULL,
                                "municipality: expected a municipality code of three digits",
                                "municipality");
    return reply_audit(req, code && *code ? code : NULL, plan);
}

/* ---- comments ---- */

static int reply_comments(http_request *req, int status, int64_t id)
{
    api_ctx *c = api_context(req);
    ilm_comment *v = NULL;
    size_t n = 0;
    ilm_errors err = {0};
    int rc = ilm_store_comments(c->store, id, &v, &n, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)v[i].id,
                                           "author", v[i].author, "body", v[i].body, "created_at",
                                           v[i].created_at));
    ilm_comments_free(v, n);
    return reply_value(req, status, a);
}

int h_comments(void *app, http_request *req)
{
    (void)app;
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    return reply_comments(req, 200, id);
}

int h_comment_add(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t id, comment_id;
    if (!param_id(req, "id", &id))
        return 0;
    json_t *o = body_object(req);
    if (!o)
        return 0;
    static const char *const keys[] = {"body", NULL};
    if (!only_keys(req, o, keys)) {
        json_decref(o);
        return 0;
    }
    json_t *body = json_object_get(o, "body");
    if (!json_is_string(body)) {
        json_decref(o);
        return reply_invalid(req, ILM_ERR_REQUIRED, "body", "body: required, the comment's text");
    }
    ilm_errors err = {0};
    int rc = ilm_text_check(&err, "body", json_string_value(body), ILM_COMMENT_MAX);
    if (!rc)
        rc = ilm_store_comment_add(c->store, id, json_string_value(body), &comment_id, &err);
    json_decref(o);
    if (rc)
        return reply_errors(req, rc, &err);
    return reply_comments(req, 201, id);
}

/* ---- copying a plan, applying the optimiser ---- */

/* POST /api/plans/{id}/copy {"name": "..."}: a new plan of the same
 * municipality, 201 with it. */
int h_plan_copy(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    json_t *o = body_object(req);
    if (!o)
        return 0;
    static const char *const keys[] = {"name", NULL};
    if (!only_keys(req, o, keys)) {
        json_decref(o);
        return 0;
    }
    json_t *jn = json_object_get(o, "name");
    if (!json_is_string(jn)) {
        json_decref(o);
        return reply_invalid(req, ILM_ERR_REQUIRED, "name",
                             "name: required: the copy needs a name of its own");
    }
    int64_t new_id = 0;
    ilm_errors err = {0};
    int rc = ilm_app_plan_copy(c->store, id, json_string_value(jn), &new_id, &err);
    json_decref(o);
    if (rc)
        return reply_errors(req, rc, &err);
    char location[64];
    snprintf(location, sizeof location, "/api/plans/%" PRId64, new_id);
    http_add_header(req, "Location", location);
    return reply_plan(req, 201, new_id);
}

/* POST /api/plans/{id}/optimize/apply {"version": N}: runs the optimiser
 * and applies its answer in one change; 409 with the current plan when the
 * plan is no longer at N. */
int h_plan_optimize_apply(void *app, http_request *req)
{
    api_server *a = app;
    api_ctx *c = api_context(req);
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    json_t *o = body_object(req);
    if (!o)
        return 0;
    static const char *const keys[] = {"version", NULL};
    long long version = 0;
    bool ok =
        only_keys(req, o, keys) && get_int_field(req, o, "version", true, 1, INT64_MAX, &version);
    json_decref(o);
    if (!ok)
        return 0;
    if (!run_gate_enter(&a->models))
        return reply_busy(req, "Too many model runs at once; try again");
    ilm_optimize_options opt = {.node_limit = API_OPT_NODE_LIMIT};
    ilm_errors err = {0};
    int rc = ilm_app_plan_apply_optimum(c->store, id, version, &opt, &err);
    run_gate_leave(&a->models);
    if (rc == ILM_ECONFLICT)
        return reply_conflict(req, id, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    return reply_plan(req, 200, id);
}
