/* The API server: its route table, the one authorisation step every route
 * goes through, the pool of store handles, and the reply helpers.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "api/internal.h"
#include "ilmava/app.h"

/* Route order matters only where a literal and a {param} share a place;
 * none do here. Every route names what it requires: api_authorize is the
 * only place that decides, and the isolation test reads this table. */
static const http_route routes[] = {
    {"GET", "/healthz", h_health, REQ_PUBLIC},
    {"GET", "/api/sectors", h_sectors, REQ_PUBLIC},
    {"POST", "/api/login", h_login, REQ_PUBLIC},
    {"POST", "/api/logout", h_logout, REQ_USER},
    {"GET", "/api/me", h_me, REQ_USER},
    {"GET", "/api/municipalities", h_municipalities, REQ_USER},
    {"GET", "/api/municipalities/{code}", h_municipality, REQ_USER},
    {"GET", "/api/municipalities/{code}/inventory", h_inventory_get, REQ_MUNI_READ},
    {"GET", "/api/municipalities/{code}/peers", h_peers, REQ_USER},
    {"POST", "/api/municipalities/{code}/inventory", h_inventory_post, REQ_MUNI_WRITE},
    {"GET", "/api/municipalities/{code}/plans", h_plans_list, REQ_MUNI_READ},
    {"POST", "/api/municipalities/{code}/plans", h_plans_create, REQ_MUNI_WRITE},
    {"GET", "/api/plans/{id}", h_plan_get, REQ_PLAN_READ},
    {"PUT", "/api/plans/{id}", h_plan_put, REQ_PLAN_WRITE},
    {"DELETE", "/api/plans/{id}", h_plan_delete, REQ_PLAN_WRITE},
    {"POST", "/api/plans/{id}/publish", h_plan_publish, REQ_PLAN_WRITE},
    {"POST", "/api/plans/{id}/unpublish", h_plan_unpublish, REQ_PLAN_WRITE},
    {"POST", "/api/plans/{id}/measures", h_measure_add, REQ_PLAN_WRITE},
    {"GET", "/api/plans/{id}/pathway", h_pathway, REQ_PLAN_READ},
    {"POST", "/api/plans/{id}/pathway/trial", h_pathway_trial, REQ_PLAN_READ},
    {"POST", "/api/plans/{id}/optimize", h_optimize, REQ_PLAN_READ},
    {"POST", "/api/plans/{id}/optimize/apply", h_plan_optimize_apply, REQ_PLAN_WRITE},
    {"POST", "/api/plans/{id}/copy", h_plan_copy, REQ_PLAN_WRITE},
    {"GET", "/api/public/plans", h_public_plans, REQ_PUBLIC},
    {"GET", "/api/plans/{id}/audit", h_plan_audit, REQ_PLAN_MEMBER},
    {"GET", "/api/plans/{id}/comments", h_comments, REQ_PLAN_MEMBER},
    {"POST", "/api/plans/{id}/comments", h_comment_add, REQ_PLAN_COMMENT},
    {"PUT", "/api/measures/{id}", h_measure_put, REQ_MEASURE_WRITE},
    {"DELETE", "/api/measures/{id}", h_measure_delete, REQ_MEASURE_WRITE},
    {"GET", "/api/audit", h_audit, REQ_ORGANISER},
    /* The coaching programme (programme.c). */
    {"GET", "/api/programmes", h_programmes, REQ_USER},
    {"POST", "/api/programmes", h_programme_create, REQ_ORGANISER},
    {"GET", "/api/programmes/{id}", h_programme_get, REQ_USER},
    {"PUT", "/api/programmes/{id}", h_programme_put, REQ_ORGANISER},
    {"GET", "/api/programmes/{id}/applications", h_programme_applications, REQ_USER},
    {"POST", "/api/programmes/{id}/applications", h_application_create, REQ_PROGRAMME_APPLY},
    {"GET", "/api/programmes/{id}/proposal", h_programme_proposal, REQ_ORGANISER},
    {"GET", "/api/programmes/{id}/notifications", h_programme_notifications, REQ_ORGANISER},
    {"GET", "/api/programmes/{id}/contact-days", h_contact_days, REQ_ORGANISER},
    {"POST", "/api/programmes/{id}/contact-days", h_contact_day_add, REQ_ORGANISER},
    {"PUT", "/api/contact-days/{id}/attendance", h_attendance_put, REQ_ORGANISER},
    {"DELETE", "/api/contact-days/{id}", h_contact_day_delete, REQ_ORGANISER},
    {"GET", "/api/programmes/{id}/peer-groups", h_peer_groups, REQ_USER},
    {"POST", "/api/programmes/{id}/peer-groups", h_peer_groups_form, REQ_ORGANISER},
    {"PUT", "/api/programmes/{id}/peer-groups", h_peer_groups_put, REQ_ORGANISER},
    {"GET", "/api/peer-groups/{id}/comparison", h_peer_group_comparison, REQ_PEER_GROUP_MEMBER},
    {"GET", "/api/programmes/{id}/dashboard", h_programme_dashboard, REQ_ORGANISER},
    {"GET", "/api/programmes/{id}/report", h_programme_report, REQ_ORGANISER},
    {"GET", "/api/applications/{id}", h_application_get, REQ_APPLICATION_READ},
    {"PUT", "/api/applications/{id}", h_application_put, REQ_APPLICATION_WRITE},
    {"PUT", "/api/applications/{id}/decision", h_application_decision, REQ_ORGANISER},
    {"PUT", "/api/applications/{id}/override", h_application_override, REQ_ORGANISER},
    {"PUT", "/api/applications/{id}/funding", h_application_funding, REQ_ORGANISER},
    {"GET", "/api/applications/{id}/sparring", h_sparring, REQ_APPLICATION_READ},
    {"POST", "/api/applications/{id}/sparring", h_sparring_add, REQ_APPLICATION_SPARRING},
    {"PUT", "/api/sparring/{id}", h_sparring_put, REQ_SPARRING_WRITE},
    {"DELETE", "/api/sparring/{id}", h_sparring_delete, REQ_SPARRING_WRITE},
    {"PUT", "/api/plans/{id}/decision", h_plan_decision_put, REQ_PLAN_WRITE},
    {"DELETE", "/api/plans/{id}/decision", h_plan_decision_delete, REQ_PLAN_WRITE},
    {"GET", "/api/plans/{id}/decisions", h_plan_decisions, REQ_PLAN_MEMBER},
    /* Documents and exports (documents.c): downloads of what the reader may read. */
    {"GET", "/api/plans/{id}/documents/decision", h_document_decision, REQ_PLAN_READ},
    {"GET", "/api/plans/{id}/documents/plan", h_document_plan, REQ_PLAN_READ},
    {"GET", "/api/applications/{id}/documents/decision", h_document_application,
     REQ_APPLICATION_READ},
    {"GET", "/api/plans/{id}/exports/xlsx", h_export_xlsx, REQ_PLAN_READ},
    {"GET", "/api/plans/{id}/exports/csv", h_export_csv, REQ_PLAN_READ},
    {"GET", "/api/plans/{id}/exports/gpc", h_export_gpc, REQ_PLAN_READ},
    /* The browser UI (static.c): the page and its flat asset folder. */
    {"GET", "/", h_static, REQ_PUBLIC},
    {"GET", "/assets/{name}", h_static, REQ_PUBLIC},
};

const http_route *api_routes(size_t *n)
{
    *n = sizeof routes / sizeof routes[0];
    return routes;
}

const char *api_requirement_name(int required)
{
    switch (required) {
    case REQ_PUBLIC: return "public";
    case REQ_USER: return "user";
    case REQ_ORGANISER: return "organiser";
    case REQ_MUNI_READ: return "municipality.read";
    case REQ_MUNI_WRITE: return "municipality.write";
    case REQ_PLAN_READ: return "plan.read";
    case REQ_PLAN_WRITE: return "plan.write";
    case REQ_PLAN_MEMBER: return "plan.member";
    case REQ_PLAN_COMMENT: return "plan.comment";
    case REQ_MEASURE_WRITE: return "measure.write";
    case REQ_PROGRAMME_APPLY: return "programme.apply";
    case REQ_APPLICATION_READ: return "application.read";
    case REQ_APPLICATION_WRITE: return "application.write";
    case REQ_APPLICATION_SPARRING: return "application.sparring";
    case REQ_SPARRING_WRITE: return "sparring.write";
    case REQ_PEER_GROUP_MEMBER: return "peer_group.member";
    default: return "?";
    }
}

/* ---- the pool of store handles ---- */

int pool_init(store_pool *p, const char *path, size_t max, ilm_errors *err)
{
    memset(p, 0, sizeof *p);
    p->path = strdup(path);
    p->free_list = calloc(max, sizeof *p->free_list);
    if (!p->path || !p->free_list) {
        free(p->path);
        free(p->free_list);
        ilm_errors_add(err, "out of memory");
        return ILM_ENOMEM;
    }
    p->max = max;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->freed, NULL);
    /* One handle now: it applies the migrations and proves the file opens. */
    ilm_store *s = NULL;
    int rc = ilm_store_open(path, &s, err);
    if (rc) {
        pool_destroy(p);
        return rc;
    }
    p->free_list[p->n_free++] = s;
    p->n_open = 1;
    return 0;
}

/* A request holds a handle only while its thread runs for it (authorise,
 * handler), so `max` (threads + 1) covers them all; should it not, the
 * request is told to come back rather than block an event thread. */
ilm_store *pool_take(store_pool *p, ilm_errors *err)
{
    pthread_mutex_lock(&p->lock);
    if (p->n_free == 0 && p->n_open >= p->max) {
        pthread_mutex_unlock(&p->lock);
        ilm_errors_add(err, "all %zu store connections are in use", p->max);
        return NULL;
    }
    if (p->n_free > 0) {
        ilm_store *s = p->free_list[--p->n_free];
        pthread_mutex_unlock(&p->lock);
        return s;
    }
    p->n_open++;
    pthread_mutex_unlock(&p->lock);
    ilm_store *s = NULL;
    if (ilm_store_open(p->path, &s, err) != 0) {
        pthread_mutex_lock(&p->lock);
        p->n_open--;
        pthread_cond_signal(&p->freed);
        pthread_mutex_unlock(&p->lock);
        return NULL;
    }
    return s;
}

void pool_give(store_pool *p, ilm_store *s)
{
    if (!s)
        return;
    /* The next request sets its own actor; never inherit one. */
    ilm_store_set_actor(s, NULL, NULL);
    pthread_mutex_lock(&p->lock);
    p->free_list[p->n_free++] = s;
    pthread_cond_signal(&p->freed);
    pthread_mutex_unlock(&p->lock);
}

void pool_destroy(store_pool *p)
{
    for (size_t i = 0; i < p->n_free; i++)
        ilm_store_close(p->free_list[i]);
    free(p->free_list);
    free(p->path);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->freed);
    memset(p, 0, sizeof *p);
}

/* ---- the gate of model runs ---- */

bool run_gate_enter(run_gate *g)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += RUN_GATE_WAIT_S;
    pthread_mutex_lock(&g->lock);
    if (g->running >= g->max && g->waiting >= g->queue_max) {
        pthread_mutex_unlock(&g->lock);
        return false;
    }
    g->waiting++;
    bool ok = true;
    while (g->running >= g->max && ok)
        ok = pthread_cond_timedwait(&g->free, &g->lock, &until) != ETIMEDOUT || g->running < g->max;
    g->waiting--;
    if (ok)
        g->running++;
    pthread_mutex_unlock(&g->lock);
    return ok;
}

void run_gate_leave(run_gate *g)
{
    pthread_mutex_lock(&g->lock);
    g->running--;
    pthread_cond_signal(&g->free);
    pthread_mutex_unlock(&g->lock);
}

/* ---- the document cache ---- */

char *doc_cache_get(doc_cache *c, const char *key, size_t *len)
{
    char *out = NULL;
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i < DOC_CACHE_SLOTS; i++) {
        doc_entry *e = &c->slots[i];
        if (e->json && strcmp(e->key, key) == 0) {
            e->used = ++c->clock;
            out = malloc(e->len + 1);
            if (out) {
                memcpy(out, e->json, e->len + 1);
                *len = e->len;
            }
            break;
        }
    }
    pthread_mutex_unlock(&c->lock);
    return out;
}

void doc_cache_put(doc_cache *c, const char *key, const char *json, size_t len)
{
    char *copy = malloc(len + 1);
    if (!copy || strlen(key) >= DOC_KEY_MAX) {
        free(copy);
        return;
    }
    memcpy(copy, json, len + 1);
    pthread_mutex_lock(&c->lock);
    doc_entry *victim = &c->slots[0];
    for (size_t i = 0; i < DOC_CACHE_SLOTS; i++) {
        doc_entry *e = &c->slots[i];
        if (!e->json || strcmp(e->key, key) == 0) {
            victim = e;
            break;
        }
        if (e->used < victim->used)
            victim = e;
    }
    free(victim->json);
    snprintf(victim->key, sizeof victim->key, "%s", key);
    victim->json = copy;
    victim->len = len;
    victim->used = ++c->clock;
    pthread_mutex_unlock(&c->lock);
}

void doc_cache_clear(doc_cache *c)
{
    for (size_t i = 0; i < DOC_CACHE_SLOTS; i++) {
        free(c->slots[i].json);
        c->slots[i].json = NULL;
    }
}

/* ---- the request context ---- */

static void ctx_free(void *data)
{
    api_ctx *c = data;
    if (!c)
        return;
    pool_give(&c->app->pool, c->store);
    ilm_session_clear(&c->session);
    free(c);
}

api_ctx *api_context(http_request *req)
{
    return http_data(req);
}

static bool has_code(const ilm_user *u, const char *code)
{
    for (size_t i = 0; i < u->n_municipalities; i++)
        if (strcmp(u->municipalities[i], code) == 0)
            return true;
    return false;
}

bool api_can_read(const api_ctx *c, const char *code)
{
    if (!c->signed_in)
        return false;
    const ilm_user *u = &c->session.user;
    return u->role == ILM_ROLE_ORGANISER || has_code(u, code);
}

bool api_can_write(const api_ctx *c, const char *code)
{
    if (!c->signed_in)
        return false;
    const ilm_user *u = &c->session.user;
    return u->role == ILM_ROLE_ORGANISER || (u->role == ILM_ROLE_EDITOR && has_code(u, code));
}

/* Experts comment on the municipalities assigned to them; so do the
 * municipality's editors and the organiser. Viewers only read. */
bool api_can_comment(const api_ctx *c, const char *code)
{
    if (!c->signed_in)
        return false;
    const ilm_user *u = &c->session.user;
    return u->role == ILM_ROLE_ORGANISER ||
           ((u->role == ILM_ROLE_EDITOR || u->role == ILM_ROLE_EXPERT) && has_code(u, code));
}

/* ---- the one authorisation step ---- */

static bool is_safe_method(const char *m)
{
    return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
}

/* The origin this server has for the browser, from --origin or the listen
 * address (never from the request's Host, which the client chooses). */
static int public_origin(api_server *a, const api_options *o, ilm_errors *err)
{
    char *origin;
    if (o->origin) {
        origin = strdup(o->origin);
    } else {
        const char *listen_on = o->listen ? o->listen : "127.0.0.1:8080";
        const char *colon = strrchr(listen_on, ':');
        int hlen = colon ? (int)(colon - listen_on) : (int)strlen(listen_on);
        char buf[300];
        snprintf(buf, sizeof buf, "%s://%.*s:%d", a->behind_tls ? "https" : "http", hlen, listen_on,
                 http_port(a->http));
        origin = strdup(buf);
    }
    atomic_store(&a->origin, origin);
    if (!origin) {
        ilm_errors_add(err, "out of memory");
        return ILM_ENOMEM;
    }
    return 0;
}

static int refuse(http_request *req, int status, const char *code, const char *message)
{
    http_reply_error(req, status, code, message, NULL);
    return status;
}

/* Resolves the session cookie, if any, into c. */
static int resolve_session(api_ctx *c, http_request *req)
{
    const char *token = http_cookie(req, "ilmava_session");
    if (!token)
        return 0;
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(c->token_hash, sizeof c->token_hash, digest, sizeof digest);
    ilm_errors err = {0};
    int rc = ilm_store_session_get(c->store, c->token_hash, (int64_t)time(NULL),
                                   c->app->session_idle_s, c->app->session_max_s, &c->session,
                                   &err);
    if (rc == ILM_ENOTFOUND) {
        /* Expired or ended: tell the browser to forget it. */
        http_set_cookie(req, "ilmava_session", "", 0);
        return 0;
    }
    if (rc)
        return rc;
    c->signed_in = true;
    http_set_user(req, c->session.user.email);
    http_set_authenticated(req);
    return ilm_store_set_actor(c->store, c->session.user.email, &err);
}

/* Which municipality the plan or measure of the path belongs to, and
 * whether its plan is published. 404 when there is no such record. */
static int resolve_plan(api_ctx *c, http_request *req, bool measure, ilm_plan_stamp *st)
{
    int64_t id = 0;
    const char *s = http_param(req, "id");
    char *end = NULL;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || *end || v <= 0)
        return 404;
    id = v;
    ilm_errors err = {0};
    if (measure) {
        int rc = ilm_store_measure_plan(c->store, id, &id, &err);
        if (rc)
            return rc == ILM_ENOTFOUND ? 404 : 500;
    }
    int rc = ilm_store_plan_stamp(c->store, id, st, &err);
    if (rc)
        return rc == ILM_ENOTFOUND ? 404 : 500;
    return 0;
}

int reply_busy(http_request *req, const char *message)
{
    http_add_header(req, "Retry-After", "1");
    http_reply_error(req, 503, "busy", message, NULL);
    return 0;
}

static int decide(api_server *a, api_ctx *c, http_request *req, const http_route *route);

int api_authorize(void *app, http_request *req, const http_route *route)
{
    api_server *a = app;
    api_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return 500;
    c->app = a;
    ilm_errors err = {0};
    c->store = pool_take(&a->pool, &err);
    http_set_data(req, c, ctx_free);
    if (!c->store) {
        reply_busy(req, "The store is busy; try again");
        return 503;
    }
    int verdict = decide(a, c, req, route);
    /* The body may take its time to come: the handle goes back now, and
     * api_prepare takes one again when the request is complete. */
    pool_give(&a->pool, c->store);
    c->store = NULL;
    return verdict;
}

int api_prepare(void *app, http_request *req)
{
    api_server *a = app;
    api_ctx *c = api_context(req);
    if (!c)
        return 500;
    ilm_errors err = {0};
    c->store = pool_take(&a->pool, &err);
    if (!c->store) {
        reply_busy(req, "The store is busy; try again");
        return 503;
    }
    if (c->signed_in && ilm_store_set_actor(c->store, c->session.user.email, &err) != 0) {
        http_reply_error(req, 500, NULL, NULL, NULL);
        return 500;
    }
    return 0;
}

/* The verdict of api_authorize, with c->store held. */
static int decide(api_server *a, api_ctx *c, http_request *req, const http_route *route)
{
    if (resolve_session(c, req) != 0)
        return 500;

    /* A changing request must come from our own pages (Origin) and carry
     * the session's CSRF token, so another site cannot make a signed-in
     * browser act. */
    if (!is_safe_method(http_method(req))) {
        const char *origin = http_header(req, "Origin");
        const char *own = atomic_load(&a->origin);
        if (!origin || !own || strcmp(origin, own) != 0)
            return refuse(req, 403, "bad_origin",
                          origin ? "The request's Origin is not this server"
                                 : "A changing request needs an Origin header");
        if (c->signed_in) {
            const char *token = http_header(req, "X-CSRF-Token");
            size_t want = strlen(c->session.csrf_token);
            if (!token || strlen(token) != want ||
                sodium_memcmp(token, c->session.csrf_token, want) != 0)
                return refuse(req, 403, "bad_csrf_token",
                              "X-CSRF-Token is missing or does not match the session");
        }
    }

    const char *code = http_param(req, "code");
    ilm_plan_stamp st = {0};
    int rc;
    switch ((api_requirement)route->required) {
    case REQ_PUBLIC:
        return 0;
    case REQ_USER:
        return c->signed_in ? 0 : 401;
    case REQ_ORGANISER:
        if (!c->signed_in)
            return 401;
        return c->session.user.role == ILM_ROLE_ORGANISER ? 0 : 403;
    case REQ_MUNI_READ:
    case REQ_MUNI_WRITE:
        if (!c->signed_in)
            return 401;
        if (!code)
            return 500;
        if (route->required == REQ_MUNI_READ)
            return api_can_read(c, code) ? 0 : 403;
        return api_can_write(c, code) ? 0 : 403;
    case REQ_PLAN_READ:
    case REQ_PLAN_WRITE:
    case REQ_PLAN_MEMBER:
    case REQ_PLAN_COMMENT:
    case REQ_MEASURE_WRITE:
        rc = resolve_plan(c, req, route->required == REQ_MEASURE_WRITE, &st);
        if (rc)
            return rc;
        /* Someone else's unpublished plan does not exist, as far as this
         * client can tell: 404, never 403. */
        if (!st.published && !api_can_read(c, st.code))
            return 404;
        if (route->required == REQ_PLAN_READ)
            return 0;
        if (!c->signed_in)
            return 401;
        if (route->required == REQ_PLAN_MEMBER)
            return api_can_read(c, st.code) ? 0 : 403;
        if (route->required == REQ_PLAN_COMMENT)
            return api_can_comment(c, st.code) ? 0 : 403;
        return api_can_write(c, st.code) ? 0 : 403;
    case REQ_PROGRAMME_APPLY:
    case REQ_APPLICATION_READ:
    case REQ_APPLICATION_WRITE:
    case REQ_APPLICATION_SPARRING:
    case REQ_SPARRING_WRITE:
    case REQ_PEER_GROUP_MEMBER:
        return api_authorize_programme(c, req, route->required);
    }
    return 500;
}

/* ---- replies ---- */

bool query_int(http_request *req, const char *name, long long lo, long long hi, long long dflt,
               long long *out)
{
    const char *s = http_query(req, name);
    *out = dflt;
    if (!s)
        return true;
    /* Digits with an optional minus: strtoll alone would take " 5" and "+5". */
    size_t sign = s[0] == '-', digits = strspn(s + sign, "0123456789");
    char *end = NULL;
    errno = 0;
    long long v = digits ? strtoll(s, &end, 10) : 0;
    if (!digits || s[sign + digits] || errno || v < lo || v > hi) {
        ilm_errors err = {0};
        ilm_errors_addc(&err, ILM_ERR_OUT_OF_RANGE, name,
                        "%s: expected a whole number from %lld to %lld", name, lo, hi);
        ilm_errors_num(&err, "min", (double)lo);
        ilm_errors_num(&err, "max", (double)hi);
        reply_errors(req, ILM_EINVAL, &err);
        return false;
    }
    *out = v;
    return true;
}

/* A JSON string of s; bytes that are not UTF-8 (a text cut mid-character)
 * become '?'. */
static json_t *json_text(const char *s)
{
    json_t *v = json_string(s);
    if (v)
        return v;
    char copy[ILM_ERROR_LEN];
    size_t n = 0;
    for (; s[n] && n + 1 < sizeof copy; n++)
        copy[n] = (unsigned char)s[n] < 0x80 ? s[n] : '?';
    copy[n] = '\0';
    return json_string(copy);
}

/* Message i of err as {"code", "message", "field", "params"}. */
static json_t *error_json(const ilm_errors *err, int i)
{
    const ilm_error_info *in = &err->info[i];
    json_t *params = json_object();
    const char *name;
    for (int k = 0; k < ILM_ERROR_PARAMS && (name = ilm_error_param_name(in->code, k)); k++) {
        const ilm_error_param *p = &in->param[k];
        if (p->kind == ILM_PARAM_NUMBER)
            json_object_set_new(params, name,
                                p->num == (double)(json_int_t)p->num
                                    ? json_integer((json_int_t)p->num)
                                    : json_real(p->num));
        else if (p->kind == ILM_PARAM_TEXT)
            json_object_set_new(params, name, json_text(p->text));
    }
    json_t *o = json_object();
    json_object_set_new(o, "code", json_string(ilm_error_code_name(in->code)));
    json_object_set_new(o, "message", json_text(err->msg[i]));
    if (in->field[0])
        json_object_set_new(o, "field", json_text(in->field));
    json_object_set_new(o, "params", params);
    return o;
}

/* {"error": {first message's keys..., "errors": [every message]}}. The
 * top-level code is the first message's on a 422 (when it has one of its
 * own), else the status's ("conflict", "not_found") as it always was. NULL
 * when out of memory. */
static char *errors_doc(int status, const char *code, const ilm_errors *err)
{
    json_t *list = json_array();
    for (int i = 0; i < err->count; i++)
        json_array_append_new(list, error_json(err, i));
    json_t *first = json_deep_copy(json_array_get(list, 0));
    if (!first) {
        json_decref(list);
        return NULL;
    }
    if (code || status != 422 || err->info[0].code == ILM_ERR_INVALID)
        json_object_set_new(first, "code", json_string(code ? code : http_status_code(status)));
    json_object_set_new(first, "errors", list);
    json_t *doc = json_pack("{so}", "error", first);
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    return text;
}

int reply_errors(http_request *req, int rc, const ilm_errors *err)
{
    int status;
    const char *code = NULL, *retry = NULL;
    switch (rc) {
    case ILM_EINVAL: status = 422; break;
    case ILM_ENOTFOUND: status = 404; break;
    case ILM_ECONFLICT: status = 409; break;
    case ILM_ELIMIT: status = 413; break;
    /* The store cannot do it now; the same request may work later. The
     * code is for the UI to translate; the detail is for the log. */
    case ILM_EBUSY: status = 503, code = "store_busy", retry = "1"; break;
    case ILM_EFULL: status = 503, code = "disk_full", retry = "60"; break;
    case ILM_EREADONLY: status = 503, code = "read_only", retry = "60"; break;
    default: status = 500; break;
    }
    if (status >= 500 && err && err->count)
        fprintf(stderr, "ilmava: %s %s: %s\n", http_method(req), http_path(req), err->msg[0]);
    if (retry)
        http_add_header(req, "Retry-After", retry);
    if (status < 500 && err && err->count) {
        /* Every message, each with its code, field and parameters. */
        char *doc = errors_doc(status, code, err);
        if (doc)
            return http_reply_take(req, status, "application/json", doc, strlen(doc));
    }
    const char *msg = NULL; /* the details are for the log, not the client */
    if (status >= 500)
        msg = rc == ILM_EBUSY       ? "The store is busy with another change; try again"
              : rc == ILM_EFULL     ? "The disk holding the store is full; nothing was saved"
              : rc == ILM_EREADONLY ? "The store cannot be written now; nothing was saved"
                                    : NULL;
    http_reply_error(req, status, code, msg, NULL);
    return 0;
}

/* A 422 with one message, its code and field, as reply_errors sends it:
 * for a handler's own checks of the body. */
int reply_invalid(http_request *req, ilm_error_code code, const char *field, const char *message)
{
    ilm_errors err = {0};
    ilm_errors_addc(&err, code, field, "%s", message);
    return reply_errors(req, ILM_EINVAL, &err);
}

int reply_text(http_request *req, int status, char *json)
{
    if (!json)
        return http_reply_error(req, 500, NULL, NULL, NULL);
    return http_reply_take(req, status, "application/json", json, strlen(json));
}

int reply_value(http_request *req, int status, json_t *v)
{
    char *text = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    json_decref(v);
    return reply_text(req, status, text);
}

json_t *body_object(http_request *req)
{
    if (http_require_content_type(req, "application/json"))
        return NULL;
    json_error_t je;
    json_t *o = json_loadb(http_body(req), http_body_len(req), JSON_REJECT_DUPLICATES, &je);
    if (!o) {
        char msg[ILM_ERROR_LEN];
        snprintf(msg, sizeof msg, "The body is not valid JSON (line %d, column %d): %s",
                 je.line, je.column, je.text);
        http_reply_error(req, 400, "bad_json", msg, NULL);
        return NULL;
    }
    if (!json_is_object(o)) {
        json_decref(o);
        http_reply_error(req, 400, "bad_json", "The body must be a JSON object", NULL);
        return NULL;
    }
    return o;
}

bool only_keys(http_request *req, json_t *o, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        const char *const *k = allowed;
        while (*k && strcmp(*k, key) != 0)
            k++;
        if (!*k) {
            ilm_errors err = {0};
            ilm_errors_addc(&err, ILM_ERR_UNKNOWN_FIELD, key, "%.60s: unknown field", key);
            reply_errors(req, ILM_EINVAL, &err);
            return false;
        }
    }
    return true;
}

bool param_id(http_request *req, const char *name, int64_t *out)
{
    const char *s = http_param(req, name);
    char *end = NULL;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || *end || v <= 0) {
        http_reply_error(req, 404, NULL, NULL, NULL);
        return false;
    }
    *out = v;
    return true;
}

/* ---- start and stop ---- */

int api_start(const api_options *o, api_server **out, ilm_errors *err)
{
    *out = NULL;
    if (sodium_init() < 0) {
        ilm_errors_add(err, "libsodium cannot start");
        return ILM_EINTERNAL;
    }
    api_server *a = calloc(1, sizeof *a);
    if (!a) {
        ilm_errors_add(err, "out of memory");
        return ILM_ENOMEM;
    }
    unsigned threads = o->threads ? o->threads : 16;
    a->behind_tls = o->behind_tls;
    a->session_idle_s = o->session_idle_s > 0 ? o->session_idle_s : 2 * 3600;
    a->session_max_s = o->session_max_s > 0 ? o->session_max_s : 12 * 3600;
    pthread_mutex_init(&a->cache.lock, NULL);
    pthread_mutex_init(&a->gate.lock, NULL);
    pthread_cond_init(&a->gate.free, NULL);
    /* Hashing takes a core for ~0.1 s: leave the other core to everyone
     * else, and let a few wait rather than take every thread. */
    a->gate.max = 1;
    a->gate.queue_max = threads / 4 > 0 ? (int)threads / 4 : 1;
    /* Model runs: one core stays free for everyone else; a few may wait,
     * never every event thread. */
    pthread_mutex_init(&a->models.lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&a->models.free, &ca);
    pthread_condattr_destroy(&ca);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    a->models.max = cores > 2 ? (int)cores - 1 : 1;
    a->models.queue_max = threads / 4 > 0 ? (int)threads / 4 : 1;

    char pw[21];
    ilm_password_random(pw);
    int rc = ilm_password_hash(pw, a->dummy_hash, err);
    if (!rc)
        rc = pool_init(&a->pool, o->db_path, threads + 1, err);
    if (rc) {
        pthread_mutex_destroy(&a->models.lock);
        pthread_cond_destroy(&a->models.free);
        free(a);
        return rc;
    }
    http_server_options ho = {.listen = o->listen,
                              .threads = threads,
                              .max_body = 8u * 1024 * 1024,
                              .timeout_s = 30,
                              .behind_tls = o->behind_tls,
                              .trusted_proxies = o->trusted_proxies,
                              .n_trusted_proxies = o->n_trusted_proxies,
                              .prepare = api_prepare,
                              .log = o->log};
    size_t n;
    const http_route *r = api_routes(&n);
    rc = http_start(r, n, api_authorize, a, &ho, &a->http, err);
    if (!rc)
        rc = public_origin(a, o, err);
    if (rc) {
        api_stop(a);
        return rc;
    }
    *out = a;
    return 0;
}

int api_port(const api_server *a)
{
    return http_port(a->http);
}

static void api_free(api_server *a)
{
    pool_destroy(&a->pool);
    doc_cache_clear(&a->cache);
    pthread_mutex_destroy(&a->cache.lock);
    pthread_mutex_destroy(&a->gate.lock);
    pthread_cond_destroy(&a->gate.free);
    pthread_mutex_destroy(&a->models.lock);
    pthread_cond_destroy(&a->models.free);
    free(atomic_load(&a->origin));
    free(a);
}

void api_stop(api_server *a)
{
    if (!a)
        return;
    http_stop(a->http);
    api_free(a);
}

int api_serve_until_signal(api_server *a)
{
    int sig = http_serve_until_signal(a->http);
    a->http = NULL; /* stopped and freed */
    api_free(a);
    return sig;
}
