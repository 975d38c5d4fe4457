/* Users and sessions: accounts with a role and their municipalities, and
 * the signed-in sessions of the web UI.
 *
 * The store holds password hashes (argon2id strings the application makes)
 * and hashes of session tokens, never a password or a token. Emails are
 * kept lower-case (ASCII), so that "Anna@X.fi" and "anna@x.fi" are one
 * user. User changes are audited without the hash.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"

#define EMAIL_MAX 254
/* Longer than any hex digest a caller would use (SHA-512: 128). */
#define TOKEN_HASH_MAX 128
/* argon2id strings are under 128 bytes; the cap only stops nonsense. */
#define PASSWORD_HASH_MAX 512
/* A session's use is recorded at most this often, and at least every half
 * idle period, so that a session in use never expires as idle. */
#define TOUCH_INTERVAL_S 60

static const char *const role_names[] = {"organiser", "editor", "viewer", "expert"};

const char *ilm_role_name(ilm_role r)
{
    return (unsigned)r < sizeof role_names / sizeof role_names[0] ? role_names[r] : "unknown";
}

int ilm_role_parse(const char *name, ilm_role *out)
{
    for (size_t i = 0; name && i < sizeof role_names / sizeof role_names[0]; i++) {
        if (strcmp(name, role_names[i]) == 0) {
            *out = (ilm_role)i;
            return 0;
        }
    }
    return ILM_EINVAL;
}

void ilm_user_clear(ilm_user *u)
{
    if (!u)
        return;
    free(u->email);
    free(u->municipalities);
    memset(u, 0, sizeof *u);
}

void ilm_users_free(ilm_user *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        ilm_user_clear(&v[i]);
    free(v);
}

void ilm_session_clear(ilm_session *se)
{
    if (!se)
        return;
    ilm_user_clear(&se->user);
    memset(se, 0, sizeof *se);
}

/* Checks an email and writes it lower-case into out[EMAIL_MAX + 1]. The
 * rules are the ones that catch typing mistakes (one "@", something on
 * both sides, no spaces); whether mail arrives is for the mail to tell. */
static int normalise_email(const char *email, char out[EMAIL_MAX + 1], ilm_errors *err)
{
    if (!email || !*email) {
        ilm_errors_addc(err, ILM_ERR_REQUIRED, "email", "email: missing");
        return ILM_EINVAL;
    }
    size_t len = strlen(email);
    if (len > EMAIL_MAX) {
        ilm_errors_addc(err, ILM_ERR_TEXT_TOO_LONG, "email", "email: %zu bytes, at most %d", len,
                        EMAIL_MAX);
        return ILM_EINVAL;
    }
    size_t at = len, n_at = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)email[i];
        if (c <= 0x20 || c == 0x7f) {
            ilm_errors_addc(err, ILM_ERR_BAD_EMAIL, "email",
                            "email \"%.*s\": a space or control character at byte %zu", (int)len,
                            email, i);
            return ILM_EINVAL;
        }
        if (c == '@') {
            n_at++;
            at = i;
        }
        out[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : (char)c;
    }
    out[len] = '\0';
    if (n_at != 1 || at == 0 || at == len - 1) {
        ilm_errors_addc(err, ILM_ERR_BAD_EMAIL, "email",
                        "email \"%s\": not an address (name@domain)", email);
        return ILM_EINVAL;
    }
    return 0;
}

/* The user row's JSON for the audit trail: never the hash. */
static const char user_json_sql[] =
    "SELECT json_object('id', u.id, 'email', u.email, 'role', u.role, 'disabled', u.disabled,"
    " 'created_at', u.created_at, 'updated_at', u.updated_at,"
    " 'municipalities', json((SELECT json_group_array(x.municipality) FROM"
    " (SELECT municipality FROM user_municipality WHERE user_id = u.id"
    " ORDER BY municipality) x)))"
    " FROM user_account u WHERE u.id = ?1";

/* Reads the user's municipalities into u. */
static int read_user_municipalities(ilm_store *s, ilm_user *u, ilm_errors *err)
{
    static const char sql[] =
        "SELECT municipality FROM user_municipality WHERE user_id = ?1 ORDER BY municipality";
    sqlite3_stmt *st = store_stmt(s, sql, "reading a user's municipalities", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_int64(st, 1, u->id);
    size_t cap = 0;
    int rc, result = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (u->n_municipalities == cap) {
            size_t grown = cap ? 2 * cap : 8;
            char(*g)[4] = realloc(u->municipalities, grown * sizeof *g);
            if (!g) {
                result = store_oom(err);
                break;
            }
            u->municipalities = g;
            cap = grown;
        }
        const char *code = (const char *)sqlite3_column_text(st, 0);
        snprintf(u->municipalities[u->n_municipalities++], 4, "%s", code ? code : "");
    }
    if (!result && rc != SQLITE_DONE)
        result =
            store_error(s, rc, err, "reading the municipalities of user %lld", (long long)u->id);
    sqlite3_reset(st);
    return result;
}

#define USER_COLUMNS "id, email, role, disabled, created_at"

/* Columns c..c+4 (USER_COLUMNS) of a user row into u. */
static int read_user(sqlite3_stmt *st, int c, ilm_user *u, bool *oom)
{
    u->id = sqlite3_column_int64(st, c);
    u->email = store_column_text(st, c + 1, oom);
    const char *role = (const char *)sqlite3_column_text(st, c + 2);
    u->disabled = sqlite3_column_int(st, c + 3) != 0;
    const char *at = (const char *)sqlite3_column_text(st, c + 4);
    snprintf(u->created_at, sizeof u->created_at, "%s", at ? at : "");
    return role && ilm_role_parse(role, &u->role) == 0 ? 0 : ILM_EINTERNAL;
}

/* The user with the normalised `email` (and a copy of the hash when
 * `hash` is not NULL); *found says whether there is one. */
static int find_user(ilm_store *s, const char *email, ilm_user *u, char **hash, bool *found,
                     ilm_errors *err)
{
    static const char sql[] =
        "SELECT " USER_COLUMNS ", password_hash FROM user_account WHERE email = ?1";
    memset(u, 0, sizeof *u);
    *found = false;
    if (hash)
        *hash = NULL;
    sqlite3_stmt *st = store_stmt(s, sql, "finding a user", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    int result = 0;
    bool oom = false;
    if (rc == SQLITE_ROW) {
        *found = true;
        if (read_user(st, 0, u, &oom) && !oom) {
            ilm_errors_add(err, "user %s: a role the store does not know", email);
            result = ILM_EINTERNAL;
        }
        if (hash)
            *hash = store_column_text(st, 5, &oom);
        if (oom)
            result = store_oom(err);
    } else if (rc != SQLITE_DONE) {
        result = store_error(s, rc, err, "finding user %s", email);
    }
    sqlite3_reset(st);
    if (!result && *found)
        result = read_user_municipalities(s, u, err);
    if (result) {
        ilm_user_clear(u);
        if (hash) {
            free(*hash);
            *hash = NULL;
        }
    }
    return result;
}

/* The municipality list of a new user: none for an organiser, one or more
 * others, each a code in the register. */
static int check_codes(ilm_store *s, ilm_role role, const char *const *codes, size_t n,
                       ilm_errors *err)
{
    if (role == ILM_ROLE_ORGANISER && n > 0) {
        ilm_errors_addc(err, ILM_ERR_MUNICIPALITY_RULE, "municipalities",
                        "an organiser works on every municipality: give none");
        return ILM_EINVAL;
    }
    if (role != ILM_ROLE_ORGANISER && n == 0) {
        const char *name = ilm_role_name(role);
        ilm_errors_addc(err, ILM_ERR_MUNICIPALITY_RULE, "municipalities",
                        "%s %s needs at least one municipality",
                        strchr("aeiou", name[0]) ? "an" : "a", name);
        return ILM_EINVAL;
    }
    if (n > ILM_MAX_USER_MUNICIPALITIES) {
        ilm_errors_addc(err, ILM_ERR_TOO_MANY, "municipalities", "%zu municipalities, at most %d",
                        n, ILM_MAX_USER_MUNICIPALITIES);
        return ILM_ELIMIT;
    }
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (!store_is_code(codes[i])) {
            ilm_errors_addc(err, ILM_ERR_NOT_A_MUNICIPALITY, "municipalities",
                            "municipality \"%s\": not a municipality code (three digits)",
                            codes[i] ? codes[i] : "");
            rc = ILM_EINVAL;
            continue;
        }
        bool exists = false;
        int q = store_municipality_exists(s, codes[i], &exists, err);
        if (q)
            return q;
        if (!exists) {
            ilm_errors_addc(err, ILM_ERR_UNKNOWN_MUNICIPALITY, "municipalities",
                            "municipality %s: not in the register", codes[i]);
            if (!rc)
                rc = ILM_ENOTFOUND;
        }
    }
    return rc;
}

static int check_hash(const char *hash, ilm_errors *err)
{
    size_t len = hash ? strlen(hash) : 0;
    if (len == 0 || len > PASSWORD_HASH_MAX) {
        ilm_errors_add(err, "password hash: must be 1 to %d bytes", PASSWORD_HASH_MAX);
        return ILM_EINVAL;
    }
    return 0;
}

/* Writes the audit row of user `id` with its JSON after the change. */
static int audit_user(ilm_store *s, const char *action, int64_t id, const char *old_json,
                      ilm_errors *err)
{
    char *new_json = NULL;
    int rc = store_query_text(s, user_json_sql, id, &new_json, "auditing a user", err);
    if (!rc)
        rc = store_audit_add(s, action, NULL, 0, 0, old_json, new_json, err);
    free(new_json);
    return rc;
}

int ilm_store_user_add(ilm_store *s, const char *email, ilm_role role, const char *const *codes,
                       size_t n_codes, const char *password_hash, int64_t *id, ilm_errors *err)
{
    static const char insert_sql[] =
        "INSERT INTO user_account (email, role, password_hash, created_at, updated_at)"
        " VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),"
        " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))";
    static const char muni_sql[] = "INSERT INTO user_municipality (user_id, municipality)"
                                   " VALUES (?1, ?2) ON CONFLICT DO NOTHING";
    if (id)
        *id = 0;
    char norm[EMAIL_MAX + 1];
    int rc = normalise_email(email, norm, err);
    if ((unsigned)role > ILM_ROLE_EXPERT) {
        ilm_errors_add(err, "role: unknown role %d", (int)role);
        rc = ILM_EINVAL;
    }
    int hrc = check_hash(password_hash, err);
    if (rc || hrc)
        return rc ? rc : hrc;
    if ((rc = store_begin_write(s, "adding a user", err)))
        return rc;
    ilm_user old;
    bool found = false;
    int64_t uid = 0;
    if ((rc = find_user(s, norm, &old, NULL, &found, err)))
        goto done;
    ilm_user_clear(&old);
    if (found) {
        ilm_errors_addc(err, ILM_ERR_USER_EXISTS, "email", "user %s already exists", norm);
        rc = ILM_ECONFLICT;
        goto done;
    }
    if ((rc = check_codes(s, role, codes, n_codes, err)))
        goto done;
    sqlite3_stmt *st = store_stmt(s, insert_sql, "adding a user", err);
    if (!st) {
        rc = ILM_ESTORE;
        goto done;
    }
    sqlite3_bind_text(st, 1, norm, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ilm_role_name(role), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, password_hash, -1, SQLITE_STATIC);
    if ((rc = store_step_done(s, st, "adding a user", err)))
        goto done;
    uid = sqlite3_last_insert_rowid(s->db);
    for (size_t i = 0; i < n_codes; i++) {
        if (!(st = store_stmt(s, muni_sql, "adding a user", err))) {
            rc = ILM_ESTORE;
            goto done;
        }
        sqlite3_bind_int64(st, 1, uid);
        sqlite3_bind_text(st, 2, codes[i], -1, SQLITE_STATIC);
        if ((rc = store_step_done(s, st, "adding a user's municipality", err)))
            goto done;
    }
    if ((rc = audit_user(s, "user.add", uid, NULL, err)))
        goto done;
    rc = store_commit(s, "adding a user", err);
done:
    if (rc) {
        store_rollback(s);
        return rc;
    }
    if (id)
        *id = uid;
    return 0;
}

int ilm_store_user_find(ilm_store *s, const char *email, ilm_user *out, char **password_hash,
                        ilm_errors *err)
{
    memset(out, 0, sizeof *out);
    if (password_hash)
        *password_hash = NULL;
    /* A malformed email names no user: the same answer as an unknown one,
     * so that a sign-in form need not tell the two apart. */
    char norm[EMAIL_MAX + 1];
    if (normalise_email(email, norm, NULL)) {
        ilm_errors_add(err, "no user %.*s", EMAIL_MAX, email ? email : "");
        return ILM_ENOTFOUND;
    }
    int rc;
    /* The user row and their municipalities from one snapshot. */
    bool began, found = false;
    if ((rc = store_begin_read(s, &began, err)))
        return rc;
    rc = find_user(s, norm, out, password_hash, &found, err);
    store_end_read(s, began);
    if (!rc && !found) {
        ilm_errors_add(err, "no user %s", norm);
        rc = ILM_ENOTFOUND;
    }
    return rc;
}

int ilm_store_users(ilm_store *s, ilm_user **out, size_t *n, ilm_errors *err)
{
    static const char sql[] = "SELECT " USER_COLUMNS " FROM user_account ORDER BY email";
    *out = NULL;
    *n = 0;
    bool began;
    int rc = store_begin_read(s, &began, err);
    if (rc)
        return rc;
    sqlite3_stmt *st = store_stmt(s, sql, "listing the users", err);
    if (!st) {
        store_end_read(s, began);
        return ILM_ESTORE;
    }
    ilm_user *v = NULL;
    size_t len = 0, cap = 0;
    int result = 0;
    bool oom = false;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap) {
            size_t grown = cap ? 2 * cap : 16;
            ilm_user *g = realloc(v, grown * sizeof *g);
            if (!g) {
                oom = true;
                break;
            }
            v = g;
            cap = grown;
        }
        ilm_user *u = &v[len++];
        memset(u, 0, sizeof *u);
        if (read_user(st, 0, u, &oom) && !oom) {
            ilm_errors_add(err, "user %lld: a role the store does not know", (long long)u->id);
            result = ILM_EINTERNAL;
            break;
        }
        if (oom)
            break;
    }
    if (oom)
        result = store_oom(err);
    else if (!result && rc != SQLITE_DONE)
        result = store_error(s, rc, err, "listing the users");
    sqlite3_reset(st);
    for (size_t i = 0; !result && i < len; i++)
        result = read_user_municipalities(s, &v[i], err);
    store_end_read(s, began);
    if (result) {
        ilm_users_free(v, len);
        return result;
    }
    *out = v;
    *n = len;
    return 0;
}

static int end_sessions(ilm_store *s, int64_t user_id, ilm_errors *err)
{
    static const char sql[] = "DELETE FROM session WHERE user_id = ?1";
    sqlite3_stmt *st = store_stmt(s, sql, "ending sessions", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_int64(st, 1, user_id);
    return store_step_done(s, st, "ending the user's sessions", err);
}

/* Changes user `email` with `sql` (?1 = id, ?2 = the text `value`, may be
 * unused), ends their sessions and audits it as `action`; in one
 * transaction. With `only_if_changed`, a statement that changed nothing
 * writes no audit row. */
static int change_user(ilm_store *s, const char *email, const char *sql, const char *value,
                       const char *action, bool only_if_changed, ilm_errors *err)
{
    char norm[EMAIL_MAX + 1];
    int rc = normalise_email(email, norm, err);
    if (rc)
        return rc;
    char what[EMAIL_MAX + 64];
    snprintf(what, sizeof what, "%s of %s", action, norm);
    if ((rc = store_begin_write(s, what, err)))
        return rc;
    ilm_user u;
    bool found = false;
    char *old_json = NULL;
    if ((rc = find_user(s, norm, &u, NULL, &found, err)))
        goto done;
    if (!found) {
        ilm_errors_add(err, "no user %s", norm);
        rc = ILM_ENOTFOUND;
        goto done;
    }
    if ((rc = store_query_text(s, user_json_sql, u.id, &old_json, "auditing a user", err)))
        goto done;
    sqlite3_stmt *st = store_stmt(s, sql, what, err);
    if (!st) {
        rc = ILM_ESTORE;
        goto done;
    }
    sqlite3_bind_int64(st, 1, u.id);
    if (value)
        sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    if ((rc = store_step_done(s, st, what, err)))
        goto done;
    bool changed = sqlite3_changes(s->db) > 0;
    if ((rc = end_sessions(s, u.id, err)))
        goto done;
    if ((changed || !only_if_changed) && (rc = audit_user(s, action, u.id, old_json, err)))
        goto done;
    rc = store_commit(s, what, err);
done:
    if (rc)
        store_rollback(s);
    ilm_user_clear(&u);
    free(old_json);
    return rc;
}

int ilm_store_user_set_password(ilm_store *s, const char *email, const char *password_hash,
                                ilm_errors *err)
{
    static const char sql[] = "UPDATE user_account SET password_hash = ?2,"
                              " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?1";
    int rc = check_hash(password_hash, err);
    return rc ? rc : change_user(s, email, sql, password_hash, "user.passwd", false, err);
}

int ilm_store_user_disable(ilm_store *s, const char *email, ilm_errors *err)
{
    static const char sql[] =
        "UPDATE user_account SET disabled = 1,"
        " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?1 AND disabled = 0";
    return change_user(s, email, sql, NULL, "user.disable", true, err);
}

/* ---- sessions ---- */

static int check_token_hash(const char *token_hash, ilm_errors *err)
{
    size_t len = token_hash ? strlen(token_hash) : 0;
    if (len == 0 || len > TOKEN_HASH_MAX) {
        ilm_errors_add(err, "session: the token hash must be 1 to %d bytes", TOKEN_HASH_MAX);
        return ILM_EINVAL;
    }
    return 0;
}

int ilm_store_session_create(ilm_store *s, const char *token_hash, int64_t user_id,
                             const char *csrf_token, int64_t now, ilm_errors *err)
{
    static const char user_sql[] = "SELECT disabled FROM user_account WHERE id = ?1";
    static const char insert_sql[] =
        "INSERT INTO session (token_hash, user_id, csrf_token, created_at, last_seen)"
        " VALUES (?1, ?2, ?3, ?4, ?4)";
    int rc = check_token_hash(token_hash, err);
    if (rc)
        return rc;
    size_t csrf_len = csrf_token ? strlen(csrf_token) : 0;
    if (csrf_len == 0 || csrf_len >= sizeof((ilm_session *)0)->csrf_token) {
        ilm_errors_add(err, "session: the CSRF token must be 1 to %zu bytes",
                       sizeof((ilm_session *)0)->csrf_token - 1);
        return ILM_EINVAL;
    }
    if ((rc = store_begin_write(s, "starting a session", err)))
        return rc;
    sqlite3_stmt *st = store_stmt(s, user_sql, "starting a session", err);
    if (!st) {
        rc = ILM_ESTORE;
        goto done;
    }
    sqlite3_bind_int64(st, 1, user_id);
    int step = sqlite3_step(st);
    bool disabled = step == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
    sqlite3_reset(st);
    if (step == SQLITE_DONE) {
        ilm_errors_add(err, "no user %lld", (long long)user_id);
        rc = ILM_ENOTFOUND;
        goto done;
    }
    if (step != SQLITE_ROW) {
        rc = store_error(s, step, err, "starting a session");
        goto done;
    }
    if (disabled) {
        ilm_errors_addc(err, ILM_ERR_INVALID, NULL, "user %lld is disabled", (long long)user_id);
        rc = ILM_EINVAL;
        goto done;
    }
    if (!(st = store_stmt(s, insert_sql, "starting a session", err))) {
        rc = ILM_ESTORE;
        goto done;
    }
    sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_text(st, 3, csrf_token, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now);
    step = sqlite3_step(st);
    if (step == SQLITE_CONSTRAINT_PRIMARYKEY) {
        ilm_errors_add(err, "session: the token is in use already");
        rc = ILM_ECONFLICT;
    } else if (step != SQLITE_DONE) {
        rc = store_error(s, step, err, "starting a session");
    }
    sqlite3_reset(st);
    if (!rc)
        rc = store_commit(s, "starting a session", err);
done:
    if (rc)
        store_rollback(s);
    return rc;
}

int ilm_store_session_delete(ilm_store *s, const char *token_hash, ilm_errors *err)
{
    static const char sql[] = "DELETE FROM session WHERE token_hash = ?1";
    int rc = check_token_hash(token_hash, err);
    if (rc)
        return rc;
    sqlite3_stmt *st = store_stmt(s, sql, "ending a session", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_STATIC);
    return store_step_done(s, st, "ending a session", err);
}

int ilm_store_session_get(ilm_store *s, const char *token_hash, int64_t now, int64_t idle_s,
                          int64_t max_s, ilm_session *out, ilm_errors *err)
{
    static const char sql[] =
        "SELECT s.csrf_token, s.created_at, s.last_seen, u.id, u.email, u.role, u.disabled,"
        " u.created_at FROM session s JOIN user_account u ON u.id = s.user_id"
        " WHERE s.token_hash = ?1";
    static const char touch_sql[] =
        "UPDATE session SET last_seen = ?2 WHERE token_hash = ?1 AND last_seen < ?2";
    memset(out, 0, sizeof *out);
    int rc = check_token_hash(token_hash, err);
    if (rc)
        return rc;
    /* Single statements, no read transaction around them: the delete and
     * the touch below would otherwise have to upgrade a read snapshot,
     * which fails at once when another connection wrote meanwhile. */
    sqlite3_stmt *st = store_stmt(s, sql, "reading a session", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    bool oom = false;
    if (step == SQLITE_ROW) {
        const char *csrf = (const char *)sqlite3_column_text(st, 0);
        snprintf(out->csrf_token, sizeof out->csrf_token, "%s", csrf ? csrf : "");
        out->created_at = sqlite3_column_int64(st, 1);
        out->last_seen = sqlite3_column_int64(st, 2);
        if (read_user(st, 3, &out->user, &oom) && !oom) {
            ilm_errors_add(err, "session: a role the store does not know");
            rc = ILM_EINTERNAL;
        }
        if (oom)
            rc = store_oom(err);
    } else if (step == SQLITE_DONE) {
        ilm_errors_add(err, "no such session (signed out or expired)");
        rc = ILM_ENOTFOUND;
    } else {
        rc = store_error(s, step, err, "reading a session");
    }
    sqlite3_reset(st);
    if (rc) {
        ilm_session_clear(out);
        return rc;
    }
    if (out->user.disabled || now - out->last_seen > idle_s || now - out->created_at > max_s) {
        ilm_session_clear(out);
        int del = ilm_store_session_delete(s, token_hash, err);
        if (del)
            return del;
        ilm_errors_add(err, "no such session (signed out or expired)");
        return ILM_ENOTFOUND;
    }
    int64_t touch_after = idle_s / 2 < TOUCH_INTERVAL_S ? idle_s / 2 : TOUCH_INTERVAL_S;
    if (now - out->last_seen >= touch_after) {
        if (!(st = store_stmt(s, touch_sql, "recording a session's use", err)))
            rc = ILM_ESTORE;
        else {
            sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 2, now);
            rc = store_step_done(s, st, "recording a session's use", err);
        }
        if (!rc)
            out->last_seen = now;
    }
    if (!rc)
        rc = read_user_municipalities(s, &out->user, err);
    if (rc)
        ilm_session_clear(out);
    return rc;
}
