/* What the API's files share: the server record, the per-request context,
 * and the helpers every handler uses. Nothing here leaves src/api/.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#ifndef ILM_API_INTERNAL_H
#define ILM_API_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "api/api.h"
#include "http/http.h"
#include "ilmava/store.h"

/* ---- store handles: one per request, from a pool ---- */

typedef struct store_pool {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    ilm_store **free_list;
    size_t n_free, n_open, max;
    char *path;
} store_pool;

/* ---- cached JSON documents (pathways, inventories) ----
 * The key names everything the document depends on, versions included
 * ("pathway 3 v7 d2 draws -1 seed -1"), so a change makes a new key and
 * the stale document simply ages out. */

#define DOC_CACHE_SLOTS 256
#define DOC_KEY_MAX 96

typedef struct doc_entry {
    char key[DOC_KEY_MAX]; /* "" when the slot is free */
    uint64_t used;         /* a clock for least-recently-used replacement */
    char *json;
    size_t len;
} doc_entry;

typedef struct doc_cache {
    pthread_mutex_t lock;
    uint64_t clock;
    doc_entry slots[DOC_CACHE_SLOTS];
} doc_cache;

/* A copy of the document cached under key (free it), or NULL. */
char *doc_cache_get(doc_cache *c, const char *key, size_t *len);
/* Keeps a copy of json under key, in the least recently used slot. */
void doc_cache_put(doc_cache *c, const char *key, const char *json, size_t len);
/* Frees the documents. */
void doc_cache_clear(doc_cache *c);

/* Password hashing is slow on purpose: at most `max` run at once and
 * `queue_max` more wait, so logins never take every request thread. */
typedef struct hash_gate {
    pthread_mutex_t lock;
    pthread_cond_t free;
    int running, waiting, max, queue_max;
} hash_gate;

/* Model runs (pathways, the optimiser) take a core each: at most `max` run
 * at once, `queue_max` more wait (at most RUN_GATE_WAIT_S), and any more
 * get 503 with Retry-After, so reads and the event threads stay free. */
typedef struct run_gate {
    pthread_mutex_t lock;
    pthread_cond_t free;
    int running, waiting, max, queue_max;
} run_gate;

#define RUN_GATE_WAIT_S 5

/* Enters the gate (waiting in its queue if there is room); false when the
 * queue is full or the wait ran out: the caller answers with
 * reply_busy. */
bool run_gate_enter(run_gate *g);
/* Leaves the gate entered with run_gate_enter. */
void run_gate_leave(run_gate *g);
/* Replies 503 with Retry-After: 1 and `message`. Returns 0. */
int reply_busy(http_request *req, const char *message);

struct api_server {
    http_server *http;
    store_pool pool;
    doc_cache cache;
    hash_gate gate;
    run_gate models; /* model runs (plans.c) */
    /* The public origin: --origin, or from the listen address. Set right
     * after the HTTP server starts (the port may be chosen then): until
     * then a changing request is refused. */
    _Atomic(char *) origin;
    bool behind_tls;
    int64_t session_idle_s, session_max_s;
    char dummy_hash[128]; /* verified for unknown emails: same timing */
};

/* ---- one request ---- */

typedef struct api_ctx {
    api_server *app;
    /* From the pool during the authorise step, given back at its end, and
     * taken again when the whole request is in (api_prepare); back to the
     * pool when the request ends. Never held while a client sends. */
    ilm_store *store;
    bool signed_in;
    ilm_session session;  /* when signed_in */
    char token_hash[65];  /* when signed_in */
} api_ctx;

/* The request's context (set by the authorise step; never NULL in a
 * handler). */
api_ctx *api_context(http_request *req);

int pool_init(store_pool *p, const char *path, size_t max, ilm_errors *err);
/* A free handle, or a new one while fewer than `max` are open; never
 * waits: NULL with a message in err when all are taken (the caller
 * answers 503) or a new one cannot be opened. */
ilm_store *pool_take(store_pool *p, ilm_errors *err);
void pool_give(store_pool *p, ilm_store *s);
void pool_destroy(store_pool *p);

/* The authorise callback of the route table. */
int api_authorize(void *app, http_request *req, const http_route *route);
/* The prepare callback: takes the request's store handle just before the
 * handler (503 with Retry-After when none is free). */
int api_prepare(void *app, http_request *req);

/* Whether the user may read / change municipality `code`. */
bool api_can_read(const api_ctx *c, const char *code);
bool api_can_write(const api_ctx *c, const char *code);
bool api_can_comment(const api_ctx *c, const char *code);

/* ---- replies ---- */

/* Replies with the store's or the engine's errors: the status from the
 * ILM_E* code (EINVAL 422, ENOTFOUND 404, ECONFLICT 409, ELIMIT 413,
 * anything else 500) and, below 500, every message with its code, field and
 * parameters (docs/API.md, "Errors"). Returns 0. */
int reply_errors(http_request *req, int rc, const ilm_errors *err);
/* Replies 422 with one message of the given code and field. Returns 0. */
int reply_invalid(http_request *req, ilm_error_code code, const char *field, const char *message);
/* Replies with a jansson value (taken) as JSON. */
int reply_value(http_request *req, int status, json_t *v);
/* Replies with a malloc'd JSON string (taken); NULL means out of memory. */
int reply_text(http_request *req, int status, char *json);

/* Parses the body as a JSON object. On failure replies 400 (or 415 for
 * another media type) and returns NULL. */
json_t *body_object(http_request *req);
/* Checks that `o` has only the keys in `allowed` (NULL-terminated); on an
 * unknown key replies 422 naming it and returns false. */
bool only_keys(http_request *req, json_t *o, const char *const *allowed);

/* Parses path parameter `name` as a positive id; on failure replies 404
 * and returns false. */
bool param_id(http_request *req, const char *name, int64_t *out);
/* Query parameter `name` as a whole number in lo..hi; absent gives
 * `dflt`. Otherwise replies 422 naming it and returns false. */
bool query_int(http_request *req, const char *name, long long lo, long long hi, long long dflt,
               long long *out);

/* ---- handlers ---- */

int h_health(void *app, http_request *req);
int h_contact_day_delete(void *app, http_request *req);
int h_sparring_delete(void *app, http_request *req);
int h_plan_decision_delete(void *app, http_request *req);
int h_document_decision(void *app, http_request *req);
int h_document_plan(void *app, http_request *req);
int h_document_application(void *app, http_request *req);
int h_export_xlsx(void *app, http_request *req);
int h_export_csv(void *app, http_request *req);
int h_export_gpc(void *app, http_request *req);
int h_sectors(void *app, http_request *req);
int h_login(void *app, http_request *req);
int h_logout(void *app, http_request *req);
int h_me(void *app, http_request *req);
int h_municipalities(void *app, http_request *req);
int h_municipality(void *app, http_request *req);
int h_inventory_get(void *app, http_request *req);
int h_inventory_post(void *app, http_request *req);
int h_plans_list(void *app, http_request *req);
int h_plans_create(void *app, http_request *req);
int h_plan_get(void *app, http_request *req);
int h_plan_put(void *app, http_request *req);
int h_plan_delete(void *app, http_request *req);
int h_plan_publish(void *app, http_request *req);
int h_plan_unpublish(void *app, http_request *req);
int h_measure_add(void *app, http_request *req);
int h_measure_put(void *app, http_request *req);
int h_measure_delete(void *app, http_request *req);
int h_pathway(void *app, http_request *req);
int h_pathway_trial(void *app, http_request *req);
int h_optimize(void *app, http_request *req);
int h_plan_audit(void *app, http_request *req);
int h_comments(void *app, http_request *req);
int h_comment_add(void *app, http_request *req);
int h_audit(void *app, http_request *req);
int h_plan_copy(void *app, http_request *req);
int h_plan_optimize_apply(void *app, http_request *req);
int h_public_plans(void *app, http_request *req); /* public.c */
int h_peers(void *app, http_request *req); /* peers.c */
/* programme.c: the coaching programme */
int h_programmes(void *app, http_request *req);
int h_programme_create(void *app, http_request *req);
int h_programme_get(void *app, http_request *req);
int h_programme_put(void *app, http_request *req);
int h_programme_applications(void *app, http_request *req);
int h_application_create(void *app, http_request *req);
int h_programme_proposal(void *app, http_request *req);
int h_programme_notifications(void *app, http_request *req);
int h_contact_days(void *app, http_request *req);
int h_contact_day_add(void *app, http_request *req);
int h_attendance_put(void *app, http_request *req);
int h_peer_groups(void *app, http_request *req);
int h_peer_groups_form(void *app, http_request *req);
int h_peer_groups_put(void *app, http_request *req);
int h_peer_group_comparison(void *app, http_request *req);
int h_programme_dashboard(void *app, http_request *req);
int h_programme_report(void *app, http_request *req);
int h_application_get(void *app, http_request *req);
int h_application_put(void *app, http_request *req);
int h_application_decision(void *app, http_request *req);
int h_application_override(void *app, http_request *req);
int h_application_funding(void *app, http_request *req);
int h_sparring(void *app, http_request *req);
int h_sparring_add(void *app, http_request *req);
int h_sparring_put(void *app, http_request *req);
int h_plan_decision_put(void *app, http_request *req);
int h_plan_decisions(void *app, http_request *req);
/* The programme requirements of api_authorize (programme.c's helpers
 * resolve their {id}): 0, or the status to refuse with. */
int api_authorize_programme(api_ctx *c, http_request *req, int required);
int h_static(void *app, http_request *req); /* static.c: the browser UI */


#endif
