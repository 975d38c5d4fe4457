/* Handlers for the register and the inventories: health, sectors,
 * municipalities, an inventory and its CSV upload.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/internal.h"
#include "ilmava/app.h"
#include "ilmava/io.h"

int h_health(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    ilm_errors err = {0};
    /* Readiness, not only liveness: the schema is right, a read of real
     * data works, and the store can be written (ilm_store_health). A
     * server whose store is gone, locked, read-only or out of disk says
     * so with 503 and the reason, and the log keeps the detail. */
    int rc = ilm_store_health(c->store, &err);
    if (rc) {
        if (err.count)
            fprintf(stderr, "ilmava: healthz: %s\n", err.msg[0]);
        const char *code = "unavailable", *msg = "The store cannot be read (see the server's log)";
        if (rc == ILM_EBUSY) {
            code = "store_busy";
            msg = "The store is busy with another writer";
        } else if (rc == ILM_EFULL) {
            code = "disk_full";
            msg = "The disk holding the store is full";
        } else if (rc == ILM_EREADONLY) {
            code = "read_only";
            msg = "The store cannot be written";
        } else if (rc == ILM_ESTORE && err.count && strstr(err.msg[0], "schema")) {
            msg = "The store's schema is not the one this server writes";
        }
        http_add_header(req, "Retry-After", rc == ILM_EBUSY ? "1" : "60");
        return http_reply_error(req, 503, code, msg, NULL);
    }
    return reply_value(req, 200,
                       json_pack("{s:s, s:i}", "status", "ok", "schema",
                                 ilm_store_schema_version()));
}

int h_sectors(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    ilm_sector *v = NULL;
    size_t n = 0;
    ilm_errors err = {0};
    int rc = ilm_store_sectors(c->store, &v, &n, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s}", "key", v[i].key,
                                           "name_fi", v[i].name_fi, "name_sv", v[i].name_sv,
                                           "name_en", v[i].name_en, "gpc", v[i].gpc));
    ilm_sectors_free(v, n);
    return reply_value(req, 200, a);
}

int h_municipalities(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    ilm_municipality *v = NULL;
    size_t n = 0;
    ilm_errors err = {0};
    int rc = ilm_store_municipalities(c->store, &v, &n, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    char *json = ilm_municipalities_to_json(v, n);
    ilm_municipalities_free(v, n);
    return reply_text(req, 200, json);
}

/* The path's municipality, by code only (names are for people typing). */
static int find_municipality(http_request *req, ilm_municipality *m)
{
    api_ctx *c = api_context(req);
    const char *code = http_param(req, "code");
    ilm_errors err = {0};
    if (strlen(code) != 3 || strspn(code, "0123456789") != 3) {
        http_reply_error(req, 404, NULL, "No such municipality: a code is three digits",
                         NULL);
        return ILM_ENOTFOUND;
    }
    int rc = ilm_store_municipality_find(c->store, code, m, &err);
    if (rc)
        reply_errors(req, rc, &err);
    return rc;
}

int h_municipality(void *app, http_request *req)
{
    (void)app;
    ilm_municipality m = {0};
    if (find_municipality(req, &m))
        return 0;
    char *json = ilm_municipalities_to_json(&m, 1);
    ilm_municipality_clear(&m);
    json_t *list = json ? json_loads(json, 0, NULL) : NULL;
    free(json);
    json_t *one = json_incref(json_array_get(list, 0));
    json_decref(list);
    return reply_value(req, 200, one);
}

int h_inventory_get(void *app, http_request *req)
{
    api_server *a = app;
    api_ctx *c = api_context(req);
    ilm_scope scope = ILM_SCOPE_TOTAL;
    const char *sc = http_query(req, "scope");
    if (sc && ilm_scope_parse(sc, &scope) != 0)
        return reply_invalid(req, ILM_ERR_NOT_ONE_OF, "scope",
                             "scope: expected total, non_ets or hinku");
    long long from_q, to_q;
    if (!query_int(req, "from", 1900, 2200, 0, &from_q) ||
        !query_int(req, "to", 1900, 2200, 0, &to_q))
        return 0;
    int from = (int)from_q, to = (int)to_q;
    if (from && to && from > to)
        return reply_invalid(req, ILM_ERR_DATE_BEFORE, "from", "from: after to");
    /* Cached by everything the document depends on: the data version
     * rises with every import that changes the municipality. */
    const char *code = http_param(req, "code");
    int64_t data_version = 0;
    ilm_errors err = {0};
    char key[DOC_KEY_MAX] = "";
    size_t len = 0;
    if (strlen(code) == 3 && ilm_store_data_version(c->store, code, &data_version, &err) == 0) {
        snprintf(key, sizeof key, "inventory %s %s %d %d d%lld", code, ilm_scope_name(scope),
                 from, to, (long long)data_version);
        char *json = doc_cache_get(&a->cache, key, &len);
        if (json) {
            http_add_header(req, "X-Cache", "hit");
            return http_reply_take(req, 200, "application/json", json, len);
        }
    }
    ilm_municipality m = {0};
    if (find_municipality(req, &m))
        return 0;
    ilm_inventory_view v = {0};
    int rc = ilm_store_inventory(c->store, m.code, scope, from, to, &v, &err);
    if (rc) {
        ilm_municipality_clear(&m);
        return reply_errors(req, rc, &err);
    }
    char *json = ilm_inventory_to_json(&m, &v);
    ilm_inventory_view_clear(&v);
    ilm_municipality_clear(&m);
    if (json && key[0]) {
        doc_cache_put(&a->cache, key, json, strlen(json));
        http_add_header(req, "X-Cache", "miss");
    }
    return reply_text(req, 200, json);
}

int h_inventory_post(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    if (http_require_content_type(req, "text/csv"))
        return 0;
    ilm_municipality m = {0};
    if (find_municipality(req, &m))
        return 0;
    /* The name the rows record as their source. */
    const char *name = http_query(req, "file");
    char source[160];
    snprintf(source, sizeof source, "%s (upload)", name && *name ? name : "inventory.csv");
    ilm_import_stats st;
    ilm_import_info info;
    ilm_errors err = {0};
    int rc = ilm_app_import_for(c->store, m.code, http_body(req), http_body_len(req), source,
                                &st, &info, &err);
    ilm_municipality_clear(&m);
    if (rc)
        return reply_errors(req, rc, &err);
    return reply_value(req, 200,
                       json_pack("{s:I, s:I, s:I, s:I}", "added", (json_int_t)st.added,
                                 "replaced", (json_int_t)st.replaced, "unchanged",
                                 (json_int_t)st.unchanged, "removed",
                                 (json_int_t)st.removed));
}
