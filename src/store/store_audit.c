/* The audit trail: who changed what and when. The writers (plans, imports,
 * users) add rows inside their own transactions with store_audit_add, so
 * that a change and its record commit or roll back together. The records'
 * JSON is made by SQLite's json_object() over the stored columns, which
 * keeps the store free of a JSON library.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"

/* An email is at most 254 bytes; "cli:" and a login name fit as well. */
#define ACTOR_MAX 320

#define AUDIT_DEFAULT_LIMIT 100
#define AUDIT_MAX_LIMIT 1000

int ilm_store_set_actor(ilm_store *s, const char *actor, ilm_errors *err)
{
    if (actor) {
        size_t len = strlen(actor);
        if (len == 0 || len > ACTOR_MAX) {
            ilm_errors_add(err, "actor: must be 1 to %d bytes", ACTOR_MAX);
            return ILM_EINVAL;
        }
        for (size_t i = 0; i < len; i++) {
            if ((unsigned char)actor[i] < 0x20 || actor[i] == 0x7f) {
                ilm_errors_add(err, "actor: a control character at byte %zu", i);
                return ILM_EINVAL;
            }
        }
    }
    char *copy = NULL;
    if (actor && !(copy = strdup(actor)))
        return store_oom(err);
    free(s->actor);
    s->actor = copy;
    return 0;
}

int store_audit_add(ilm_store *s, const char *action, const char *code, int64_t plan_id,
                    int64_t measure_id, const char *old_json, const char *new_json, ilm_errors *err)
{
    static const char sql[] =
        "INSERT INTO audit (at, actor, action, municipality, plan_id, measure_id, old_json,"
        " new_json) VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    sqlite3_stmt *st = store_stmt(s, sql, "writing the audit trail", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_text(st, 1, s->actor ? s->actor : "system", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, action, -1, SQLITE_STATIC);
    store_bind_text(st, 3, code && *code ? code : NULL);
    if (plan_id)
        sqlite3_bind_int64(st, 4, plan_id);
    else
        sqlite3_bind_null(st, 4);
    if (measure_id)
        sqlite3_bind_int64(st, 5, measure_id);
    else
        sqlite3_bind_null(st, 5);
    store_bind_text(st, 6, old_json);
    store_bind_text(st, 7, new_json);
    char what[96];
    snprintf(what, sizeof what, "writing the audit trail (%.40s)", action);
    return store_step_done(s, st, what, err);
}

void ilm_audit_entries_free(ilm_audit_entry *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++) {
        free(v[i].actor);
        free(v[i].action);
        free(v[i].old_json);
        free(v[i].new_json);
    }
    free(v);
}

/* One statement per filter, so that each can walk its own index
 * (municipality, id) or (plan_id, id) backwards from before_id and stop at
 * the limit, instead of scanning the whole trail. */
#define AUDIT_COLUMNS                                                                              \
    "SELECT id, at, actor, action, municipality, plan_id, measure_id, old_json, new_json"          \
    " FROM audit"
static const char audit_all_sql[] = AUDIT_COLUMNS " WHERE id < ?3 ORDER BY id DESC LIMIT ?4";
static const char audit_code_sql[] =
    AUDIT_COLUMNS " WHERE municipality = ?1 AND id < ?3 ORDER BY id DESC LIMIT ?4";
static const char audit_plan_sql[] =
    AUDIT_COLUMNS " WHERE plan_id = ?2 AND id < ?3 ORDER BY id DESC LIMIT ?4";
static const char audit_both_sql[] =
    AUDIT_COLUMNS " WHERE plan_id = ?2 AND municipality = ?1 AND id < ?3 ORDER BY id DESC LIMIT ?4";

int ilm_store_audit(ilm_store *s, const ilm_audit_filter *f, ilm_audit_entry **out, size_t *n,
                    ilm_errors *err)
{
    *out = NULL;
    *n = 0;
    ilm_audit_filter none = {0};
    if (!f)
        f = &none;
    if (f->code && !store_is_code(f->code)) {
        ilm_errors_add(err, "audit: \"%s\" is not a municipality code", f->code);
        return ILM_EINVAL;
    }
    if (f->plan_id < 0 || f->before_id < 0) {
        ilm_errors_add(err, "audit: plan and before ids are positive");
        return ILM_EINVAL;
    }
    size_t limit = f->limit == 0 ? AUDIT_DEFAULT_LIMIT : f->limit;
    if (limit > AUDIT_MAX_LIMIT)
        limit = AUDIT_MAX_LIMIT;
    const char *sql = f->code ? (f->plan_id ? audit_both_sql : audit_code_sql)
                              : (f->plan_id ? audit_plan_sql : audit_all_sql);
    sqlite3_stmt *st = store_stmt(s, sql, "reading the audit trail", err);
    if (!st)
        return ILM_ESTORE;
    if (f->code)
        sqlite3_bind_text(st, 1, f->code, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, f->plan_id);
    sqlite3_bind_int64(st, 3, f->before_id ? f->before_id : INT64_MAX);
    sqlite3_bind_int64(st, 4, (int64_t)limit);
    ilm_audit_entry *v = calloc(limit, sizeof *v);
    if (!v) {
        sqlite3_reset(st);
        return store_oom(err);
    }
    size_t len = 0;
    int rc = SQLITE_DONE, result = 0;
    bool oom = false;
    while (len < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        ilm_audit_entry *e = &v[len++];
        e->id = sqlite3_column_int64(st, 0);
        const char *at = (const char *)sqlite3_column_text(st, 1);
        snprintf(e->at, sizeof e->at, "%s", at ? at : "");
        e->actor = store_column_text(st, 2, &oom);
        e->action = store_column_text(st, 3, &oom);
        const char *code = (const char *)sqlite3_column_text(st, 4);
        snprintf(e->code, sizeof e->code, "%s", code ? code : "");
        e->plan_id = sqlite3_column_int64(st, 5);
        e->measure_id = sqlite3_column_int64(st, 6);
        e->old_json = store_column_text(st, 7, &oom);
        e->new_json = store_column_text(st, 8, &oom);
        if (oom)
            break;
    }
    if (oom)
        result = store_oom(err);
    else if (len < limit && rc != SQLITE_DONE)
        result = store_error(s, rc, err, "reading the audit trail");
    sqlite3_reset(st);
    if (result) {
        ilm_audit_entries_free(v, len);
        return result;
    }
    *out = v;
    *n = len;
    return 0;
}
