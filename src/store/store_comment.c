/* Comments on plans: the sparring between a municipality and its experts.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"

void ilm_comments_free(ilm_comment *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].author);
        free(v[i].body);
    }
    free(v);
}

int ilm_store_comment_add(ilm_store *s, int64_t plan_id, const char *body, int64_t *id,
                          ilm_errors *err)
{
    size_t len = body ? strlen(body) : 0;
    if (len == 0 || len > ILM_COMMENT_MAX) {
        ilm_errors_addc(err, ILM_ERR_TEXT_LENGTH, "body", "body: a comment is 1 to %d bytes",
                        ILM_COMMENT_MAX);
        return ILM_EINVAL;
    }
    static const char head_sql[] = "SELECT municipality FROM plan WHERE id = ?1";
    static const char insert_sql[] =
        "INSERT INTO comment (plan_id, author, body, created_at)"
        " VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))";
    static const char json_sql[] =
        "SELECT json_object('id', id, 'plan_id', plan_id, 'author', author, 'body', body,"
        " 'created_at', created_at) FROM comment WHERE id = ?1";
    int rc = store_begin_write(s, "adding a comment", err);
    if (rc)
        return rc;
    char code[4] = "";
    char *new_json = NULL;
    sqlite3_stmt *st = store_stmt(s, head_sql, "adding a comment", err);
    if (!st) {
        rc = ILM_ESTORE;
        goto done;
    }
    sqlite3_bind_int64(st, 1, plan_id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        snprintf(code, sizeof code, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    if (step != SQLITE_ROW && step != SQLITE_DONE) {
        rc = store_error(s, step, err, "adding a comment");
        goto done;
    }
    if (step == SQLITE_DONE) {
        ilm_errors_add(err, "no plan %lld in the store", (long long)plan_id);
        rc = ILM_ENOTFOUND;
        goto done;
    }
    if (!(st = store_stmt(s, insert_sql, "adding a comment", err))) {
        rc = ILM_ESTORE;
        goto done;
    }
    sqlite3_bind_int64(st, 1, plan_id);
    sqlite3_bind_text(st, 2, s->actor ? s->actor : "system", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, body, (int)len, SQLITE_STATIC);
    if ((rc = store_step_done(s, st, "adding a comment", err)))
        goto done;
    *id = sqlite3_last_insert_rowid(s->db);
    if ((rc = store_query_text(s, json_sql, *id, &new_json, "auditing the comment", err)) ||
        (rc = store_audit_add(s, "comment.add", code, plan_id, 0, NULL, new_json, err)))
        goto done;
    rc = store_commit(s, "adding a comment", err);
done:
    if (rc)
        store_rollback(s);
    free(new_json);
    return rc;
}

int ilm_store_comments(ilm_store *s, int64_t plan_id, ilm_comment **out, size_t *n,
                       ilm_errors *err)
{
    static const char sql[] = "SELECT id, author, body, created_at FROM comment"
                              " WHERE plan_id = ?1 ORDER BY id";
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = store_stmt(s, sql, "reading comments", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_int64(st, 1, plan_id);
    ilm_comment *v = NULL;
    size_t count = 0, cap = 0;
    bool oom = false;
    int step;
    while (!oom && (step = sqlite3_step(st)) == SQLITE_ROW) {
        if (count == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            ilm_comment *grown = realloc(v, ncap * sizeof *grown);
            if (!grown) {
                oom = true;
                break;
            }
            v = grown;
            cap = ncap;
        }
        ilm_comment *c = &v[count++];
        memset(c, 0, sizeof *c);
        c->id = sqlite3_column_int64(st, 0);
        c->plan_id = plan_id;
        c->author = store_column_text(st, 1, &oom);
        c->body = store_column_text(st, 2, &oom);
        snprintf(c->created_at, sizeof c->created_at, "%s",
                 (const char *)sqlite3_column_text(st, 3));
    }
    sqlite3_reset(st);
    if (oom) {
        ilm_comments_free(v, count);
        return store_oom(err);
    }
    if (step != SQLITE_DONE) {
        ilm_comments_free(v, count);
        return store_error(s, step, err, "reading comments");
    }
    *out = v;
    *n = count;
    return 0;
}
