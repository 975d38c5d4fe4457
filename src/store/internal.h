/* What the store's files share: the connection and its statement cache,
 * and the helpers that turn SQLite's results into the library's error
 * codes and messages. Nothing here leaves src/store/.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#ifndef ILM_STORE_INTERNAL_H
#define ILM_STORE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "ilmava/store.h"

/* Distinct SQL texts the store prepares once per connection. Raise it when
 * a new statement does not fit: store_stmt says so at the first use. */
#define STORE_MAX_STMTS 256

typedef struct store_cached {
    const char *sql; /* the key: the address of a static string */
    sqlite3_stmt *stmt;
} store_cached;

struct ilm_store {
    sqlite3 *db;
    char *path;     /* for messages */
    bool importing; /* an ilm_store_import holds the write transaction */
    bool in_txn;    /* the caller's ilm_store_begin holds the write transaction */
    int savepoints; /* store changes open inside it */
    bool has_file_id; /* the file's identity when opened, for the health check */
    unsigned long long file_dev, file_ino;
    char *actor;    /* who the audit rows name; NULL: "system" */
    size_t n_stmts;
    store_cached stmts[STORE_MAX_STMTS];
};

/* Returns the connection's prepared statement for `sql`, reset and with
 * its bindings cleared, preparing it at the first use. `sql` must have
 * static storage: the cache is keyed by its address, which is what keeps
 * the lookup to a few pointer compares on hot paths. The statement stays
 * owned by the store; reset it when done, so that it holds no read
 * snapshot. Returns NULL with a message naming `what` on failure. */
sqlite3_stmt *store_stmt(ilm_store *s, const char *sql, const char *what, ilm_errors *err);

/* Adds "<what>: <SQLite's message>" to err (the printf-style `what`) and
 * returns the ILM_E* code for SQLite's result code `rc`: ILM_ENOMEM,
 * ILM_EINVAL for a constraint the data broke, ILM_ELIMIT for too big,
 * ILM_EBUSY for a lock, ILM_EFULL for no room on the disk, ILM_EREADONLY
 * for a file that cannot be written, ILM_ESTORE otherwise. */
int store_error(ilm_store *s, int rc, ilm_errors *err, const char *what, ...)
    __attribute__((format(printf, 4, 5)));

/* Runs SQL without results (one or more statements, no parameters). */
int store_exec(ilm_store *s, const char *sql, const char *what, ilm_errors *err);

/* Steps a statement that returns no rows and resets it. */
int store_step_done(ilm_store *s, sqlite3_stmt *st, const char *what, ilm_errors *err);

/* BEGIN IMMEDIATE: takes the write lock now (waiting up to the busy
 * timeout), so that a writer never fails halfway on a lock it could not
 * upgrade. Refused while an import holds the connection's transaction.
 * Inside the caller's ilm_store_begin it opens a savepoint instead, which
 * store_commit releases and store_rollback undoes. */
int store_begin_write(ilm_store *s, const char *what, ilm_errors *err);

/* A read transaction (one consistent snapshot for several statements),
 * unless the connection is in one already. Sets *began when it began one,
 * which store_end_read then ends. */
int store_begin_read(ilm_store *s, bool *began, ilm_errors *err);
void store_end_read(ilm_store *s, bool began);

int store_commit(ilm_store *s, const char *what, ilm_errors *err);

/* Rolls the connection's transaction back, if it has one. */
void store_rollback(ilm_store *s);

/* A copy of a text column; NULL for SQL NULL. Sets *oom when out of
 * memory. */
char *store_column_text(sqlite3_stmt *st, int col, bool *oom);

/* The file name in `path` without its directories ('/' or '\\'): what
 * the store keeps and shows of an import's file, never a server path. */
const char *store_base_name(const char *path);

/* Whether `code` is three ASCII digits. */
bool store_is_code(const char *code);

/* Whether municipality `code` is in the register. */
int store_municipality_exists(ilm_store *s, const char *code, bool *exists, ilm_errors *err);

/* Adds "out of memory" and returns ILM_ENOMEM. */
int store_oom(ilm_errors *err);

/* Binds text that may be NULL (SQL NULL then). The text must outlive the
 * statement's next step. */
void store_bind_text(sqlite3_stmt *st, int i, const char *v);

/* Runs `sql`, a query of one text column with the integer ?1 = id, and
 * copies its first row's value into *out (NULL when there is no row or
 * the value is NULL; free it). Used for the JSON of a record. */
int store_query_text(ilm_store *s, const char *sql, int64_t id, char **out, const char *what,
                     ilm_errors *err);

/* ---- the audit trail (store_audit.c) ---- */

/* Appends an audit row naming the handle's actor, now, inside the
 * caller's write transaction. `code` may be NULL or "", plan_id and
 * measure_id 0 (none); old_json and new_json may be NULL. */
int store_audit_add(ilm_store *s, const char *action, const char *code, int64_t plan_id,
                    int64_t measure_id, const char *old_json, const char *new_json,
                    ilm_errors *err);

#endif
