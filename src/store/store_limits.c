/* Failed logins, per client address and per account, in the store: the
 * rows of login_limit (sql/005_login_limits.sql).
 *
 * An attempt is checked and recorded in one write transaction before the
 * caller checks its password, so that parallel attempts see each other:
 * however many arrive at once, only the tries the policy allows reach the
 * (slow) password hash. Three keys count each attempt: the address (its
 * own wait), the account (its wait, which holds only addresses that have
 * failed on it) and the pair of both (whether this address has failed on
 * this account). A success deletes all three. Because the counts live in
 * the file, a restart keeps them and every server process on the store
 * shares them.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "store/internal.h"

/* Caps on the names; a pair is "ADDRESS ACCOUNT", within the CHECK of
 * login_limit.name (400 bytes). */
#define ADDRESS_MAX_BYTES 64
#define ACCOUNT_MAX_BYTES 320

enum { ADDRESS, ACCOUNT, PAIR, N_KEYS };
static const char *const kind_names[N_KEYS] = {"address", "account", "pair"};

typedef struct key_state {
    int failures;
    int64_t last_ms, next_ms;
} key_state;

/* The names of an attempt's three keys. */
typedef struct login_keys {
    const char *name[N_KEYS];
    char pair[ADDRESS_MAX_BYTES + ACCOUNT_MAX_BYTES + 2];
} login_keys;

int64_t ilm_login_wait_ms(const ilm_login_policy *p, int free_tries, int failures)
{
    if (failures < free_tries || p->base_ms <= 0)
        return 0;
    int shift = failures - free_tries;
    if (shift >= 40 || p->base_ms > (p->max_ms >> shift))
        return p->max_ms;
    return p->base_ms << shift;
}

static int check_name(const char *what, const char *name, size_t max, ilm_errors *err)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > max) {
        ilm_errors_add(err, "%s: 1 to %zu bytes, not %zu", what, max, n);
        return ILM_EINVAL;
    }
    return 0;
}

static int make_keys(const char *address, const char *account, login_keys *k, ilm_errors *err)
{
    int rc;
    if ((rc = check_name("login address", address, ADDRESS_MAX_BYTES, err)) ||
        (rc = check_name("login account", account, ACCOUNT_MAX_BYTES, err)))
        return rc;
    if (strchr(address, ' ')) {
        ilm_errors_add(err, "login address \"%s\": a space", address);
        return ILM_EINVAL;
    }
    snprintf(k->pair, sizeof k->pair, "%s %s", address, account);
    k->name[ADDRESS] = address;
    k->name[ACCOUNT] = account;
    k->name[PAIR] = k->pair;
    return 0;
}

/* The counts of one key; zero when it has no row, or when its last attempt
 * was before forget_before_ms. */
static int read_key(ilm_store *s, const char *kind, const char *name, int64_t forget_before_ms,
                    key_state *out, ilm_errors *err)
{
    static const char sql[] =
        "SELECT failures, last_ms, next_ms FROM login_limit WHERE kind = ?1 AND name = ?2";
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = store_stmt(s, sql, "reading failed logins", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st), result = 0;
    if (rc == SQLITE_ROW) {
        int64_t last = sqlite3_column_int64(st, 1);
        if (last >= forget_before_ms) {
            out->failures = sqlite3_column_int(st, 0);
            out->last_ms = last;
            out->next_ms = sqlite3_column_int64(st, 2);
        }
    } else if (rc != SQLITE_DONE) {
        result = store_error(s, rc, err, "reading the failed logins of %s %s", kind, name);
    }
    sqlite3_reset(st);
    return result;
}

static int write_key(ilm_store *s, const char *kind, const char *name, const key_state *k,
                     ilm_errors *err)
{
    static const char upsert_sql[] =
        "INSERT INTO login_limit (kind, name, failures, last_ms, next_ms)"
        " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (kind, name) DO UPDATE SET"
        " failures = excluded.failures, last_ms = excluded.last_ms, next_ms = excluded.next_ms";
    static const char delete_sql[] = "DELETE FROM login_limit WHERE kind = ?1 AND name = ?2";
    sqlite3_stmt *st =
        store_stmt(s, k->failures > 0 ? upsert_sql : delete_sql, "recording a login attempt", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    if (k->failures > 0) {
        sqlite3_bind_int(st, 3, k->failures);
        sqlite3_bind_int64(st, 4, k->last_ms);
        sqlite3_bind_int64(st, 5, k->next_ms);
    }
    return store_step_done(s, st, "recording a login attempt", err);
}

/* How long the attempt must still wait (0: it may go on). The account's
 * wait holds only an address that has failed on this account itself: a
 * correct password from an address with no failures on it always gets
 * checked, so that nobody can lock a named user out by failing on their
 * account. Because a success does not clear another account's pair, a
 * client cannot make itself clean by signing in to an account of its own. */
static int64_t wait_for(const key_state *k, int64_t now_ms)
{
    int64_t wait = k[ADDRESS].next_ms > now_ms ? k[ADDRESS].next_ms - now_ms : 0;
    if (k[PAIR].failures > 0 && k[ACCOUNT].next_ms - now_ms > wait)
        wait = k[ACCOUNT].next_ms - now_ms;
    return wait;
}

/* Reads the three keys and the wait. */
static int read_keys(ilm_store *s, const ilm_login_policy *p, const login_keys *names,
                     int64_t now_ms, key_state *k, int64_t *wait, ilm_errors *err)
{
    int64_t forget_before = p->forget_ms > 0 ? now_ms - p->forget_ms : INT64_MIN;
    int rc = 0;
    for (int i = 0; i < N_KEYS && !rc; i++)
        rc = read_key(s, kind_names[i], names->name[i], forget_before, &k[i], err);
    *wait = rc ? 0 : wait_for(k, now_ms);
    return rc;
}

int ilm_store_login_reserve(ilm_store *s, const ilm_login_policy *p, const char *address,
                            const char *account, int64_t now_ms, ilm_login_verdict *out,
                            ilm_errors *err)
{
    /* At most 64 old rows go per attempt: enough to keep up with the
     * attempts that make new ones, few enough to keep the write short. */
    static const char prune_sql[] =
        "DELETE FROM login_limit WHERE (kind, name) IN"
        " (SELECT kind, name FROM login_limit WHERE last_ms < ?1 LIMIT 64)";
    memset(out, 0, sizeof *out);
    login_keys names;
    int rc = make_keys(address, account, &names, err);
    if (rc)
        return rc;
    key_state k[N_KEYS];
    int64_t wait;
    /* A refusal needs no write: read first, so that a flood of refused
     * attempts does not queue on the write lock. */
    if ((rc = read_keys(s, p, &names, now_ms, k, &wait, err)))
        return rc;
    if (wait == 0) {
        if ((rc = store_begin_write(s, "recording a login attempt", err)))
            return rc;
        if (p->forget_ms > 0) {
            sqlite3_stmt *st = store_stmt(s, prune_sql, "forgetting old failed logins", err);
            if (!st) {
                store_rollback(s);
                return ILM_ESTORE;
            }
            sqlite3_bind_int64(st, 1, now_ms - p->forget_ms);
            rc = store_step_done(s, st, "forgetting old failed logins", err);
        }
        /* The decision that counts: under the write lock. */
        if (!rc)
            rc = read_keys(s, p, &names, now_ms, k, &wait, err);
        if (!rc && wait == 0) {
            int free_tries[N_KEYS] = {p->free_address, p->free_account, 0};
            for (int i = 0; i < N_KEYS && !rc; i++) {
                k[i].failures++;
                k[i].last_ms = now_ms;
                k[i].next_ms =
                    i == PAIR ? 0 : now_ms + ilm_login_wait_ms(p, free_tries[i], k[i].failures);
                rc = write_key(s, kind_names[i], names.name[i], &k[i], err);
            }
        }
        if (!rc)
            rc = store_commit(s, "recording a login attempt", err);
        else
            store_rollback(s);
        if (rc)
            return rc;
    }
    out->allowed = wait == 0;
    out->wait_ms = wait;
    out->address_failures = k[ADDRESS].failures;
    out->account_failures = k[ACCOUNT].failures;
    return 0;
}

int ilm_store_login_failed(ilm_store *s, const ilm_login_policy *p, const char *address,
                           const char *account, int64_t now_ms, ilm_errors *err)
{
    login_keys names;
    int rc = make_keys(address, account, &names, err);
    if (rc || (rc = store_begin_write(s, "recording a failed login", err)))
        return rc;
    int free_tries[2] = {p->free_address, p->free_account};
    for (int i = ADDRESS; i <= ACCOUNT && !rc; i++) {
        key_state k;
        rc = read_key(s, kind_names[i], names.name[i], INT64_MIN, &k, err);
        int64_t next = now_ms + ilm_login_wait_ms(p, free_tries[i], k.failures);
        if (rc || k.failures == 0 || next <= k.next_ms)
            continue;
        k.next_ms = next;
        rc = write_key(s, kind_names[i], names.name[i], &k, err);
    }
    if (!rc)
        return store_commit(s, "recording a failed login", err);
    store_rollback(s);
    return rc;
}

int ilm_store_login_release(ilm_store *s, const ilm_login_policy *p, const char *address,
                            const char *account, ilm_errors *err)
{
    login_keys names;
    int rc = make_keys(address, account, &names, err);
    if (rc || (rc = store_begin_write(s, "taking back a login attempt", err)))
        return rc;
    int free_tries[N_KEYS] = {p->free_address, p->free_account, 0};
    for (int i = 0; i < N_KEYS && !rc; i++) {
        key_state k;
        rc = read_key(s, kind_names[i], names.name[i], INT64_MIN, &k, err);
        if (rc || k.failures == 0)
            continue;
        k.failures--;
        k.next_ms = i == PAIR ? 0 : k.last_ms + ilm_login_wait_ms(p, free_tries[i], k.failures);
        rc = write_key(s, kind_names[i], names.name[i], &k, err);
    }
    if (!rc)
        return store_commit(s, "taking back a login attempt", err);
    store_rollback(s);
    return rc;
}

int ilm_store_login_succeeded(ilm_store *s, const char *address, const char *account,
                              ilm_errors *err)
{
    static const char sql[] = "DELETE FROM login_limit WHERE (kind = 'address' AND name = ?1)"
                              " OR (kind = 'account' AND name = ?2)"
                              " OR (kind = 'pair' AND name = ?3)";
    login_keys names;
    int rc = make_keys(address, account, &names, err);
    if (rc)
        return rc;
    sqlite3_stmt *st = store_stmt(s, sql, "clearing failed logins", err);
    if (!st)
        return ILM_ESTORE;
    for (int i = 0; i < N_KEYS; i++)
        sqlite3_bind_text(st, i + 1, names.name[i], -1, SQLITE_STATIC);
    return store_step_done(s, st, "clearing failed logins", err);
}
