/* Signing in and out: sessions, CSRF tokens, the limits on failed logins
 * and the gate that keeps password hashing off the other requests' way.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "api/internal.h"
#include "ilmava/app.h"

/* Failed logins allowed in a window, per account and per address. */
#define WINDOW_S 900
#define MAX_FAILURES_ACCOUNT 5
#define MAX_FAILURES_ADDRESS 20

/* ---- the limiter ---- */

static size_t slot_of(const char *key)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return (size_t)(h % LIMITER_SLOTS);
}

/* The entry for key, found or taken over (a full table forgets the oldest
 * window: the table is bounded whatever an attacker sends). */
static limiter_entry *entry_for(limiter *l, const char *key, int64_t now)
{
    size_t first = slot_of(key), oldest = first;
    for (size_t i = 0; i < 8; i++) {
        limiter_entry *e = &l->slots[(first + i) % LIMITER_SLOTS];
        if (strcmp(e->key, key) == 0) {
            if (now - e->window_start >= WINDOW_S) {
                e->window_start = now;
                e->failures = 0;
            }
            return e;
        }
        if (!e->key[0] || now - e->window_start >= WINDOW_S ||
            e->window_start < l->slots[oldest].window_start)
            oldest = (first + i) % LIMITER_SLOTS;
        if (!e->key[0])
            break;
    }
    limiter_entry *e = &l->slots[oldest];
    snprintf(e->key, sizeof e->key, "%s", key);
    e->window_start = now;
    e->failures = 0;
    return e;
}

static int failures(limiter *l, const char *key, int64_t now)
{
    pthread_mutex_lock(&l->lock);
    int n = entry_for(l, key, now)->failures;
    pthread_mutex_unlock(&l->lock);
    return n;
}

static void add_failure(limiter *l, const char *key, int64_t now)
{
    pthread_mutex_lock(&l->lock);
    entry_for(l, key, now)->failures++;
    pthread_mutex_unlock(&l->lock);
}

static void forget(limiter *l, const char *key, int64_t now)
{
    pthread_mutex_lock(&l->lock);
    entry_for(l, key, now)->failures = 0;
    pthread_mutex_unlock(&l->lock);
}

/* ---- the hashing gate ---- */

/* Waits for a turn to hash; false when too many already wait. */
static bool gate_enter(hash_gate *g)
{
    pthread_mutex_lock(&g->lock);
    if (g->running >= g->max && g->waiting >= g->queue_max) {
        pthread_mutex_unlock(&g->lock);
        return false;
    }
    g->waiting++;
    while (g->running >= g->max)
        pthread_cond_wait(&g->free, &g->lock);
    g->waiting--;
    g->running++;
    pthread_mutex_unlock(&g->lock);
    return true;
}

static void gate_leave(hash_gate *g)
{
    pthread_mutex_lock(&g->lock);
    g->running--;
    pthread_cond_signal(&g->free);
    pthread_mutex_unlock(&g->lock);
}

/* ---- the user as JSON ---- */

static json_t *user_json(const ilm_user *u)
{
    json_t *codes = json_array();
    for (size_t i = 0; i < u->n_municipalities; i++)
        json_array_append_new(codes, json_string(u->municipalities[i]));
    return json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)u->id, "email", u->email,
                     "role", ilm_role_name(u->role), "municipalities", codes);
}

static void random_hex(char *out, size_t bytes)
{
    unsigned char buf[32];
    randombytes_buf(buf, bytes);
    sodium_bin2hex(out, bytes * 2 + 1, buf, bytes);
}

static int too_many(http_request *req, const char *message)
{
    char retry[16];
    snprintf(retry, sizeof retry, "%d", WINDOW_S);
    http_add_header(req, "Retry-After", retry);
    return http_reply_error(req, 429, "too_many_attempts", message, NULL);
}

int h_login(void *app, http_request *req)
{
    api_server *a = app;
    api_ctx *c = api_context(req);
    json_t *o = body_object(req);
    if (!o)
        return 0;
    static const char *const keys[] = {"email", "password", NULL};
    if (!only_keys(req, o, keys)) {
        json_decref(o);
        return 0;
    }
    json_t *je = json_object_get(o, "email"), *jp = json_object_get(o, "password");
    if (!json_is_string(je) || !json_is_string(jp)) {
        const char *f = !json_is_string(je) ? "email" : "password";
        json_decref(o);
        return http_reply_error(req, 422, NULL, "email and password are required strings", f);
    }
    char email[256], addr_key[80], acct_key[300];
    snprintf(email, sizeof email, "%s", json_string_value(je));
    for (char *p = email; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    snprintf(acct_key, sizeof acct_key, "a:%s", email);
    snprintf(addr_key, sizeof addr_key, "i:%s", http_client_addr(req));
    int64_t now = (int64_t)time(NULL);
    if (failures(&a->limits, acct_key, now) >= MAX_FAILURES_ACCOUNT ||
        failures(&a->limits, addr_key, now) >= MAX_FAILURES_ADDRESS) {
        json_decref(o);
        return too_many(req, "Too many failed logins; wait before trying again");
    }

    ilm_user user = {0};
    char *hash = NULL;
    ilm_errors err = {0};
    int rc = ilm_store_user_find(c->store, email, &user, &hash, &err);
    if (rc && rc != ILM_ENOTFOUND) {
        json_decref(o);
        return reply_errors(req, rc, &err);
    }
    /* Verify even for an unknown email, against a dummy hash, so that the
     * time taken does not tell which emails have accounts. */
    if (!gate_enter(&a->gate)) {
        free(hash);
        ilm_user_clear(&user);
        json_decref(o);
        http_add_header(req, "Retry-After", "1");
        return http_reply_error(req, 503, "busy", "Too many logins at once; try again", NULL);
    }
    bool ok = ilm_password_verify(hash ? hash : a->dummy_hash, json_string_value(jp));
    gate_leave(&a->gate);
    free(hash);
    json_decref(o);
    if (!ok || rc || user.disabled) {
        add_failure(&a->limits, acct_key, now);
        add_failure(&a->limits, addr_key, now);
        ilm_user_clear(&user);
        return http_reply_error(req, 401, "bad_login", "Wrong email or password", NULL);
    }
    forget(&a->limits, acct_key, now);

    char token[65], token_hash[65], csrf[65];
    random_hex(token, 32);
    random_hex(csrf, 32);
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(token_hash, sizeof token_hash, digest, sizeof digest);
    ilm_store_set_actor(c->store, user.email, &err);
    rc = ilm_store_session_create(c->store, token_hash, user.id, csrf, now, &err);
    if (rc) {
        ilm_user_clear(&user);
        return reply_errors(req, rc, &err);
    }
    http_set_user(req, user.email);
    http_set_authenticated(req);
    http_set_cookie(req, "ilmava_session", token, -1);
    json_t *reply = json_pack("{s:o, s:s}", "user", user_json(&user), "csrf_token", csrf);
    ilm_user_clear(&user);
    return reply_value(req, 200, reply);
}

int h_logout(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    ilm_errors err = {0};
    int rc = ilm_store_session_delete(c->store, c->token_hash, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    http_set_cookie(req, "ilmava_session", "", 0);
    return http_reply(req, 204, NULL, NULL, 0);
}

int h_me(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    json_t *reply = json_pack("{s:o, s:s}", "user", user_json(&c->session.user), "csrf_token",
                              c->session.csrf_token);
    return reply_value(req, 200, reply);
}
