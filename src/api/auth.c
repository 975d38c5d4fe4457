/* Signing in and out: sessions, CSRF tokens, the limits on failed logins
 * and the gate that keeps password hashing off the other requests' way.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "api/internal.h"
#include "ilmava/app.h"

/* Failed logins slow the next try down, per client address and per
 * account: the first tries are free, then each failure doubles the wait,
 * from 1 s up to 15 min. An address gets more free tries than an account
 * (an office may sign in from one address). The counts are in the store
 * (store_limits.c) and are forgotten a day after the last failure. */
static const ilm_login_policy login_policy = {.free_address = 20,
                                              .free_account = 5,
                                              .base_ms = 1000,
                                              .max_ms = 900 * 1000,
                                              .forget_ms = 24 * 3600 * 1000};

/* ---- the client's address, for the limits ---- */

/* The address the limits count: the http layer's client address (the
 * client's own behind a trusted proxy), an IPv6 address cut to its /64
 * prefix, since one client usually holds a whole /64. Anything else is
 * kept as text (at most 63 bytes, no spaces), so it still counts. */
static void limit_address(http_request *req, char *out, size_t size)
{
    const char *addr = http_client_addr(req);
    struct in6_addr in6;
    if (addr && strchr(addr, ':') && inet_pton(AF_INET6, addr, &in6) == 1) {
        char text[INET6_ADDRSTRLEN];
        memset(&in6.s6_addr[8], 0, 8);
        inet_ntop(AF_INET6, &in6, text, sizeof text);
        snprintf(out, size, "%s/64", text);
        return;
    }
    snprintf(out, size, "%s", addr && *addr ? addr : "unknown");
    for (char *p = out; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            *p = '_';
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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

static int delayed(http_request *req, int64_t wait_ms)
{
    char retry[24], message[96];
    int64_t seconds = (wait_ms + 999) / 1000;
    snprintf(retry, sizeof retry, "%lld", (long long)(seconds > 0 ? seconds : 1));
    snprintf(message, sizeof message, "Too many failed logins; try again in %s s", retry);
    http_add_header(req, "Retry-After", retry);
    return http_reply_error(req, 429, "login_delayed", message, NULL);
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
        return reply_invalid(req, ILM_ERR_REQUIRED, f, "email and password are required strings");
    }
    char email[256], address[64];
    snprintf(email, sizeof email, "%s", json_string_value(je));
    for (char *p = email; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    limit_address(req, address, sizeof address);
    const char *account = *email ? email : "(empty)";

    /* The attempt is recorded before the password is checked, in one
     * write transaction: parallel tries cannot pass the limit. */
    ilm_errors err = {0};
    ilm_login_verdict verdict;
    int rc = ilm_store_login_reserve(c->store, &login_policy, address, account, now_ms(), &verdict,
                                     &err);
    if (rc) {
        json_decref(o);
        return reply_errors(req, rc, &err);
    }
    if (!verdict.allowed) {
        json_decref(o);
        return delayed(req, verdict.wait_ms);
    }

    ilm_user user = {0};
    char *hash = NULL;
    rc = ilm_store_user_find(c->store, email, &user, &hash, &err);
    if (rc && rc != ILM_ENOTFOUND) {
        json_decref(o);
        ilm_store_login_release(c->store, &login_policy, address, account, NULL);
        return reply_errors(req, rc, &err);
    }
    /* Verify even for an unknown email, against a dummy hash, so that the
     * time taken does not tell which emails have accounts. */
    if (!gate_enter(&a->gate)) {
        free(hash);
        ilm_user_clear(&user);
        json_decref(o);
        ilm_store_login_release(c->store, &login_policy, address, account, NULL);
        http_add_header(req, "Retry-After", "1");
        return http_reply_error(req, 503, "busy", "Too many logins at once; try again", NULL);
    }
    bool ok = ilm_password_verify(hash ? hash : a->dummy_hash, json_string_value(jp));
    gate_leave(&a->gate);
    free(hash);
    json_decref(o);
    if (!ok || rc || user.disabled) {
        ilm_user_clear(&user);
        /* The attempt is counted already; its waits run from the reply.
         * Should this write fail, they run from the reservation. */
        ilm_errors ignored = {0};
        ilm_store_login_failed(c->store, &login_policy, address, account, now_ms(), &ignored);
        return http_reply_error(req, 401, "bad_login", "Wrong email or password", NULL);
    }
    rc = ilm_store_login_succeeded(c->store, address, account, &err);
    if (rc) {
        ilm_user_clear(&user);
        return reply_errors(req, rc, &err);
    }

    char token[65], token_hash[65], csrf[65];
    random_hex(token, 32);
    random_hex(csrf, 32);
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(token_hash, sizeof token_hash, digest, sizeof digest);
    ilm_store_set_actor(c->store, user.email, &err);
    rc = ilm_store_session_create(c->store, token_hash, user.id, csrf, (int64_t)time(NULL), &err);
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
