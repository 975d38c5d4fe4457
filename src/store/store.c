/* The SQLite store: opening and migrating, the shared helpers of
 * internal.h, and the read queries (sectors, municipalities, inventories).
 * Imports are in store_import.c, plans in store_plan.c, the audit trail
 * in store_audit.c, users and sessions in store_user.c.
 *
 * Connection settings, chosen once in ilm_store_open:
 * - WAL journal: readers never block the writer or each other, and a
 *   process killed mid-import leaves the last committed state.
 * - synchronous = NORMAL: in WAL mode a commit is then not fsync'ed until
 *   the next checkpoint. A crash of the process loses nothing committed;
 *   a power cut or an OS crash may lose the last commits, but never
 *   corrupts the file. Imports can be repeated and a plan edit is one
 *   command, so that is worth a commit without an fsync.
 * - foreign keys on; a 5 s busy timeout for a second ilmava writing.
 * - a 64 MiB page cache for the main and temp databases, so that an
 *   import's staging table and the rows it touches stay in memory.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "store/internal.h"
#include "store/migrations.h"

/* 'ilmv': PRAGMA application_id, set by the first migration. */
#define STORE_APPLICATION_ID 1768713590
#define STORE_BUSY_MS 5000

/* ---- helpers (internal.h) ---- */

int store_oom(ilm_errors *err)
{
    ilm_errors_add(err, "out of memory");
    return ILM_ENOMEM;
}

int store_error(ilm_store *s, int rc, ilm_errors *err, const char *what, ...)
{
    char head[160];
    va_list ap;
    va_start(ap, what);
    vsnprintf(head, sizeof head, what, ap);
    va_end(ap);
    int primary = rc & 0xff;
    /* A write that found no room can also come back as an I/O error whose
     * system error is ENOSPC (or EFBIG past a file-size limit). */
    bool no_room =
        primary == SQLITE_FULL ||
        (primary == SQLITE_IOERR && s && s->db &&
         (sqlite3_system_errno(s->db) == ENOSPC || sqlite3_system_errno(s->db) == EFBIG));
    const char *hint = "";
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
        hint = " (another program is writing to the store; try again)";
    else if (no_room)
        hint = " (the disk holding the store is full; free some space)";
    else if (primary == SQLITE_READONLY)
        hint = " (the store's file or its folder cannot be written)";
    ilm_errors_add(err, "%s: %s%s", head, s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc),
                   hint);
    if (no_room)
        return ILM_EFULL;
    switch (primary) {
    case SQLITE_NOMEM: return ILM_ENOMEM;
    case SQLITE_CONSTRAINT: return ILM_EINVAL;
    case SQLITE_TOOBIG: return ILM_ELIMIT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return ILM_EBUSY;
    case SQLITE_READONLY: return ILM_EREADONLY;
    default: return ILM_ESTORE;
    }
}

sqlite3_stmt *store_stmt(ilm_store *s, const char *sql, const char *what, ilm_errors *err)
{
    for (size_t i = 0; i < s->n_stmts; i++) {
        if (s->stmts[i].sql == sql) {
            sqlite3_stmt *st = s->stmts[i].stmt;
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            return st;
        }
    }
    if (s->n_stmts == STORE_MAX_STMTS) {
        ilm_errors_add(err, "%s: the store's statement cache is full (STORE_MAX_STMTS)", what);
        return NULL;
    }
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK) {
        store_error(s, rc, err, "%s", what);
        sqlite3_finalize(st);
        return NULL;
    }
    s->stmts[s->n_stmts++] = (store_cached){sql, st};
    return st;
}

int store_exec(ilm_store *s, const char *sql, const char *what, ilm_errors *err)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : store_error(s, rc, err, "%s", what);
}

int store_step_done(ilm_store *s, sqlite3_stmt *st, const char *what, ilm_errors *err)
{
    int rc = sqlite3_step(st);
    int out = rc == SQLITE_DONE ? 0 : store_error(s, rc, err, "%s", what);
    sqlite3_reset(st);
    return out;
}

int store_begin_write(ilm_store *s, const char *what, ilm_errors *err)
{
    if (s->importing || (!s->in_txn && !sqlite3_get_autocommit(s->db))) {
        ilm_errors_add(err, "%s: an import is in progress on this store connection", what);
        return ILM_EINTERNAL;
    }
    /* Inside the caller's ilm_store_begin, a change is a savepoint of its
     * transaction: all or nothing on its own, committed with the rest. */
    if (s->in_txn) {
        int rc = store_exec(s, "SAVEPOINT store_write", what, err);
        if (!rc)
            s->savepoints++;
        return rc;
    }
    return store_exec(s, "BEGIN IMMEDIATE", what, err);
}

int store_begin_read(ilm_store *s, bool *began, ilm_errors *err)
{
    *began = false;
    if (!sqlite3_get_autocommit(s->db))
        return 0;
    int rc = store_exec(s, "BEGIN", "reading the store", err);
    *began = rc == 0;
    return rc;
}

void store_end_read(ilm_store *s, bool began)
{
    /* A read transaction has nothing to keep: COMMIT only ends it. */
    if (began)
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
}

int store_commit(ilm_store *s, const char *what, ilm_errors *err)
{
    if (s->in_txn && s->savepoints > 0) {
        int rc = store_exec(s, "RELEASE store_write", what, err);
        if (rc)
            store_rollback(s);
        else
            s->savepoints--;
        return rc;
    }
    int rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        return 0;
    int code = store_error(s, rc, err, "%s", what);
    store_rollback(s);
    return code;
}

void store_rollback(ilm_store *s)
{
    if (s->in_txn) {
        /* Undo only the inner change; the caller's transaction decides. */
        if (s->savepoints > 0 && !sqlite3_get_autocommit(s->db)) {
            sqlite3_exec(s->db, "ROLLBACK TO store_write; RELEASE store_write", NULL, NULL, NULL);
            s->savepoints--;
        }
        return;
    }
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int ilm_store_begin(ilm_store *s, ilm_errors *err)
{
    if (s->in_txn || s->importing || !sqlite3_get_autocommit(s->db)) {
        ilm_errors_add(err, "a transaction is already open on this store connection");
        return ILM_EINTERNAL;
    }
    int rc = store_exec(s, "BEGIN IMMEDIATE", "starting a change", err);
    if (!rc) {
        s->in_txn = true;
        s->savepoints = 0;
    }
    return rc;
}

int ilm_store_commit(ilm_store *s, ilm_errors *err)
{
    if (!s->in_txn) {
        ilm_errors_add(err, "no transaction is open on this store connection");
        return ILM_EINTERNAL;
    }
    s->in_txn = false;
    s->savepoints = 0;
    if (sqlite3_get_autocommit(s->db)) { /* SQLite rolled it back (a full disk) */
        ilm_errors_add(err, "committing a change: the store rolled it back");
        return ILM_ESTORE;
    }
    return store_commit(s, "committing a change", err);
}

void ilm_store_rollback(ilm_store *s)
{
    if (!s || !s->in_txn)
        return;
    s->in_txn = false;
    s->savepoints = 0;
    store_rollback(s);
}

char *store_column_text(sqlite3_stmt *st, int col, bool *oom)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    if (!t)
        return NULL;
    char *d = strdup((const char *)t);
    if (!d)
        *oom = true;
    return d;
}

bool store_is_code(const char *code)
{
    return code && strlen(code) == 3 && strspn(code, "0123456789") == 3;
}

int store_municipality_exists(ilm_store *s, const char *code, bool *exists, ilm_errors *err)
{
    static const char sql[] = "SELECT 1 FROM municipality WHERE code = ?1";
    *exists = false;
    sqlite3_stmt *st = store_stmt(s, sql, "looking up a municipality", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    int out = 0;
    if (rc == SQLITE_ROW)
        *exists = true;
    else if (rc != SQLITE_DONE)
        out = store_error(s, rc, err, "looking up municipality %s", code);
    sqlite3_reset(st);
    return out;
}

void store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

int store_query_text(ilm_store *s, const char *sql, int64_t id, char **out, const char *what,
                     ilm_errors *err)
{
    *out = NULL;
    sqlite3_stmt *st = store_stmt(s, sql, what, err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    int result = 0;
    bool oom = false;
    if (rc == SQLITE_ROW)
        *out = store_column_text(st, 0, &oom);
    if (oom)
        result = store_oom(err);
    else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        result = store_error(s, rc, err, "%s", what);
    sqlite3_reset(st);
    return result;
}

/* ---- opening ---- */

int ilm_store_schema_version(void) { return (int)ilm_n_migrations; }

/* Reads an integer pragma (user_version, application_id). */
static int read_pragma(ilm_store *s, const char *sql, int *out, ilm_errors *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int(st, 0);
    int code = 0;
    if (rc != SQLITE_ROW) {
        if ((rc & 0xff) == SQLITE_NOTADB) {
            ilm_errors_add(err, "%s is not an ilmava store (SQLite: %s)", s->path,
                           sqlite3_errmsg(s->db));
            code = ILM_ESTORE;
        } else {
            code = store_error(s, rc, err, "reading the store %s", s->path);
        }
    }
    sqlite3_finalize(st);
    return code;
}

/* Refuses a file that SQLite can read but that is not ours: another
 * program's database must not get our tables added to it. */
static int check_identity(ilm_store *s, int version, ilm_errors *err)
{
    int app_id = 0, n_objects = 0;
    int rc = read_pragma(s, "PRAGMA application_id", &app_id, err);
    if (!rc)
        rc = read_pragma(s, "SELECT count(*) FROM sqlite_schema", &n_objects, err);
    if (rc)
        return rc;
    bool ours = app_id == STORE_APPLICATION_ID || (app_id == 0 && version == 0 && n_objects == 0);
    if (!ours) {
        ilm_errors_add(err, "%s is an SQLite database of another program, not an ilmava store",
                       s->path);
        return ILM_ESTORE;
    }
    if (version > (int)ilm_n_migrations) {
        ilm_errors_add(err,
                       "%s was written by a newer ilmava (schema %d; this one knows %d): "
                       "use that version, or another store file",
                       s->path, version, (int)ilm_n_migrations);
        return ILM_ESTORE;
    }
    return 0;
}

/* Applies the migrations the file lacks, each in its own transaction.
 * user_version is read again under the write lock, so that two programs
 * opening a new store at once do not both apply a migration. */
static int migrate(ilm_store *s, ilm_errors *err)
{
    for (;;) {
        int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            return store_error(s, rc, err, "%s: starting a schema migration", s->path);
        int version = 0;
        rc = read_pragma(s, "PRAGMA user_version", &version, err);
        if (!rc && version > (int)ilm_n_migrations)
            rc = check_identity(s, version, err);
        if (rc || version >= (int)ilm_n_migrations) {
            store_rollback(s);
            return rc;
        }
        const ilm_migration *m = &ilm_migrations[version];
        char set_version[64];
        /* PRAGMA takes no parameters; the value is our own integer. */
        snprintf(set_version, sizeof set_version, "PRAGMA user_version = %d", version + 1);
        char *msg = NULL;
        int src = sqlite3_exec(s->db, m->sql, NULL, NULL, &msg);
        if (src != SQLITE_OK) {
            ilm_errors_add(err, "%s: applying schema migration %s: %s", s->path, m->name,
                           msg ? msg : sqlite3_errstr(src));
            sqlite3_free(msg);
            store_rollback(s);
            return ILM_ESTORE;
        }
        rc = sqlite3_exec(s->db, set_version, NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
        if (rc != SQLITE_OK) {
            int code =
                store_error(s, rc, err, "%s: applying schema migration %s", s->path, m->name);
            store_rollback(s);
            return code;
        }
    }
}

/* The import's staging tables live in the connection's temp database:
 * memory stays bounded whatever the file's size (SQLite spills them to a
 * temp file beyond the cache), and the commit compares them with the
 * stored rows in SQL. They are created once per connection so that the
 * import's prepared statements can be kept. */
static const char staging_sql[] =
    "CREATE TEMP TABLE stage_row ("
    " municipality TEXT NOT NULL, year INTEGER NOT NULL, sector TEXT NOT NULL,"
    " ets INTEGER NOT NULL, hinku INTEGER NOT NULL, t REAL NOT NULL,"
    " PRIMARY KEY (municipality, year, sector, ets, hinku)) STRICT, WITHOUT ROWID;"
    "CREATE TEMP TABLE stage_population ("
    " municipality TEXT NOT NULL, year INTEGER NOT NULL, n REAL NOT NULL,"
    " PRIMARY KEY (municipality, year)) STRICT, WITHOUT ROWID;"
    "CREATE TEMP TABLE stage_published ("
    " municipality TEXT NOT NULL, year INTEGER NOT NULL, t REAL NOT NULL,"
    " PRIMARY KEY (municipality, year)) STRICT, WITHOUT ROWID;";

/* SQLite keeps process-wide memory statistics under one mutex by
 * default; with a connection per server thread that lock was a fifth of
 * the server's time. Nothing reads the statistics. It must be set before
 * SQLite initialises; if something else initialised it first, the call
 * fails harmlessly and the default stays. */
static void configure_sqlite(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* Say why an existing store cannot be used without --create: it is
 * missing, or it holds nothing. */
static int refuse_missing(const char *path, ilm_errors *err)
{
    ilm_errors_add(err,
                   "no store at %s (the file does not exist): to start a new, empty store "
                   "there, run the command again with --create",
                   path);
    return ILM_ENOTFOUND;
}

static int refuse_empty(const char *path, ilm_errors *err)
{
    struct stat sb;
    long long size = stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
    ilm_errors_add(err,
                   "the store %s is empty (%lld bytes, no tables): if it held data, restore "
                   "it from a backup; to start a new, empty store there, run the command "
                   "again with --create",
                   path, size);
    return ILM_ENOTFOUND;
}

/* Opens the store; `create`: make it when the file is missing or empty. */
static int store_open(const char *path, bool create, ilm_store **out, ilm_errors *err)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, configure_sqlite);
    *out = NULL;
    struct stat sb;
    if (!create && stat(path, &sb) != 0 && errno == ENOENT)
        return refuse_missing(path, err);
    ilm_store *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        free(s);
        return store_oom(err);
    }
    /* NOMUTEX: a handle is used by one thread at a time (store.h), so
     * SQLite's per-call mutexes would only slow the import's hot path. */
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &s->db, flags, NULL);
    int code = 0;
    if (rc != SQLITE_OK) {
        if (!s->db) {
            code = store_oom(err);
        } else if (!create && stat(path, &sb) != 0 && errno == ENOENT) {
            code = refuse_missing(path, err);
        } else {
            ilm_errors_add(err, "cannot open the store %s: %s", path, sqlite3_errmsg(s->db));
            code = ILM_ESTORE;
        }
        goto done;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, STORE_BUSY_MS);

    int version = 0, n_objects = 0;
    if ((code = read_pragma(s, "PRAGMA user_version", &version, err)) ||
        (code = check_identity(s, version, err)))
        goto done;
    /* A store that vanished (truncated, replaced by an empty file) must
     * not silently become a new, empty one that looks healthy. */
    if (!create && version == 0 &&
        !(code = read_pragma(s, "SELECT count(*) FROM sqlite_schema", &n_objects, err)) &&
        n_objects == 0)
        code = refuse_empty(path, err);
    if (code)
        goto done;
    /* foreign_keys is a no-op inside a transaction: set it first. */
    rc = sqlite3_exec(s->db,
                      "PRAGMA foreign_keys = ON;"
                      "PRAGMA journal_mode = WAL;"
                      "PRAGMA synchronous = NORMAL;"
                      "PRAGMA main.cache_size = -65536;"
                      "PRAGMA temp.cache_size = -65536;",
                      NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        code = store_error(s, rc, err, "%s: configuring the store", path);
        goto done;
    }
    if (version < (int)ilm_n_migrations && (code = migrate(s, err)))
        goto done;
    rc = sqlite3_exec(s->db, staging_sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        code = store_error(s, rc, err, "%s: creating the import staging tables", path);
    if (!code && stat(path, &sb) == 0) {
        s->has_file_id = true;
        s->file_dev = (unsigned long long)sb.st_dev;
        s->file_ino = (unsigned long long)sb.st_ino;
    }
done:
    if (code) {
        ilm_store_close(s);
        return code;
    }
    *out = s;
    return 0;
}

int ilm_store_open(const char *path, ilm_store **out, ilm_errors *err)
{
    return store_open(path, false, out, err);
}

int ilm_store_open_or_create(const char *path, ilm_store **out, ilm_errors *err)
{
    return store_open(path, true, out, err);
}

/* How long the health check waits for another writer's lock: healthz
 * must answer fast, and a lock held that long already says "busy". */
#define STORE_HEALTH_BUSY_MS 200
/* Below this much free space the store is reported full: a write of a
 * few pages may already fail. */
#define STORE_HEALTH_MIN_FREE (1024 * 1024)

int ilm_store_health(ilm_store *s, ilm_errors *err)
{
    /* The file itself first: one removed, replaced or emptied under the
     * server can still answer from the WAL and the page cache for a
     * while, and must not look healthy. */
    struct stat sb;
    if (stat(s->path, &sb) != 0) {
        ilm_errors_add(err, "%s: the store's file is gone (%s)", s->path, strerror(errno));
        return ILM_ESTORE;
    }
    if (s->has_file_id && ((unsigned long long)sb.st_dev != s->file_dev ||
                           (unsigned long long)sb.st_ino != s->file_ino)) {
        ilm_errors_add(err, "%s: the store's file was replaced by another one since it was opened",
                       s->path);
        return ILM_ESTORE;
    }
    if (sb.st_size == 0) {
        ilm_errors_add(err, "%s: the store's file is empty (0 bytes): it was truncated", s->path);
        return ILM_ESTORE;
    }
    int version = 0, n = 0;
    int rc = read_pragma(s, "PRAGMA user_version", &version, err);
    if (rc)
        return rc;
    if (version != (int)ilm_n_migrations) {
        ilm_errors_add(err, "%s: the store's schema is version %d, not %d%s", s->path, version,
                       (int)ilm_n_migrations,
                       version == 0 ? " (the file is empty or was replaced)" : "");
        return ILM_ESTORE;
    }
    /* A read of real data: the sector table is seeded by the first
     * migration and never empty. */
    if ((rc = read_pragma(s, "SELECT count(*) FROM sector", &n, err)))
        return rc;
    if (n == 0) {
        ilm_errors_add(err, "%s: the store has no sectors: it is not a complete store", s->path);
        return ILM_ESTORE;
    }
    /* Can it write? Taking the write lock and giving it back writes
     * nothing: it finds a read-only file or a writer holding the lock,
     * in at most STORE_HEALTH_BUSY_MS. */
    sqlite3_busy_timeout(s->db, STORE_HEALTH_BUSY_MS);
    int src = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (src == SQLITE_OK)
        src = sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
    if (src != SQLITE_OK)
        return store_error(s, src, err, "%s: taking the write lock", s->path);
    if (sqlite3_db_readonly(s->db, "main") == 1) {
        ilm_errors_add(err, "%s: the store's file cannot be written", s->path);
        return ILM_EREADONLY;
    }
    struct statvfs fs;
    if (statvfs(s->path, &fs) == 0 &&
        (unsigned long long)fs.f_bavail * fs.f_frsize < STORE_HEALTH_MIN_FREE) {
        ilm_errors_add(err, "%s: less than 1 MiB is free on the store's disk", s->path);
        return ILM_EFULL;
    }
    return 0;
}

void ilm_store_close(ilm_store *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_stmts; i++)
        sqlite3_finalize(s->stmts[i].stmt);
    /* Rolls back an import left open, and checkpoints the WAL when this is
     * the last connection. */
    sqlite3_close(s->db);
    free(s->path);
    free(s->actor);
    free(s);
}

/* ---- sectors ---- */

void ilm_sectors_free(ilm_sector *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++) {
        free(v[i].key);
        free(v[i].name_fi);
        free(v[i].name_sv);
        free(v[i].name_en);
        free(v[i].syke_name);
        free(v[i].gpc);
    }
    free(v);
}

int ilm_store_sectors(ilm_store *s, ilm_sector **out, size_t *n, ilm_errors *err)
{
    static const char sql[] =
        "SELECT key, name_fi, name_sv, name_en, syke_name, gpc FROM sector ORDER BY position";
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = store_stmt(s, sql, "reading the sectors", err);
    if (!st)
        return ILM_ESTORE;
    ilm_sector *v = NULL;
    size_t len = 0, cap = 0;
    bool oom = false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap) {
            size_t grown = cap ? 2 * cap : 16;
            ilm_sector *g = realloc(v, grown * sizeof *g);
            if (!g) {
                oom = true;
                break;
            }
            v = g;
            cap = grown;
        }
        ilm_sector *e = &v[len++];
        e->key = store_column_text(st, 0, &oom);
        e->name_fi = store_column_text(st, 1, &oom);
        e->name_sv = store_column_text(st, 2, &oom);
        e->name_en = store_column_text(st, 3, &oom);
        e->syke_name = store_column_text(st, 4, &oom);
        e->gpc = store_column_text(st, 5, &oom);
        if (oom)
            break;
    }
    int code = 0;
    if (oom)
        code = store_oom(err);
    else if (rc != SQLITE_DONE)
        code = store_error(s, rc, err, "reading the sectors");
    sqlite3_reset(st);
    if (code) {
        ilm_sectors_free(v, len);
        return code;
    }
    *out = v;
    *n = len;
    return 0;
}

/* ---- municipalities ---- */

void ilm_municipality_clear(ilm_municipality *m)
{
    if (!m)
        return;
    free(m->name_fi);
    free(m->name_sv);
    free(m->region_code);
    free(m->region_fi);
    free(m->region_sv);
    free(m->years);
    memset(m, 0, sizeof *m);
}

void ilm_municipalities_free(ilm_municipality *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        ilm_municipality_clear(&v[i]);
    free(v);
}

/* Columns 0-6 of a municipality row into m. */
static void read_municipality(sqlite3_stmt *st, ilm_municipality *m, bool *oom)
{
    const unsigned char *code = sqlite3_column_text(st, 0);
    snprintf(m->code, sizeof m->code, "%s", code ? (const char *)code : "");
    m->name_fi = store_column_text(st, 1, oom);
    m->name_sv = store_column_text(st, 2, oom);
    m->region_code = store_column_text(st, 3, oom);
    m->region_fi = store_column_text(st, 4, oom);
    m->region_sv = store_column_text(st, 5, oom);
    m->synthetic = sqlite3_column_int(st, 6) != 0;
}

#define MUNICIPALITY_COLUMNS "code, name_fi, name_sv, region_code, region_fi, region_sv, synthetic"

/* The latest population and the inventory years of m. */
static int read_details(ilm_store *s, ilm_municipality *m, ilm_errors *err)
{
    static const char pop_sql[] = "SELECT year, n FROM population WHERE municipality = ?1 "
                                  "ORDER BY year DESC LIMIT 1";
    /* A skip scan: each step is one seek in the primary key for the next
     * larger year, so the cost is the number of years, not of rows. */
    static const char years_sql[] =
        "WITH RECURSIVE y(year) AS ("
        " SELECT min(year) FROM inventory WHERE municipality = ?1"
        " UNION ALL"
        " SELECT (SELECT min(year) FROM inventory WHERE municipality = ?1 AND year > y.year)"
        " FROM y WHERE y.year IS NOT NULL)"
        " SELECT year FROM y WHERE year IS NOT NULL";

    sqlite3_stmt *st = store_stmt(s, pop_sql, "reading a population", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_text(st, 1, m->code, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        m->population_year = sqlite3_column_int(st, 0);
        m->population = sqlite3_column_double(st, 1);
    }
    int code = 0;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        code = store_error(s, rc, err, "reading the population of %s", m->code);
    sqlite3_reset(st);
    if (code)
        return code;

    st = store_stmt(s, years_sql, "reading inventory years", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_text(st, 1, m->code, -1, SQLITE_STATIC);
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (m->n_years == cap) {
            size_t grown = cap ? 2 * cap : 32;
            int *g = realloc(m->years, grown * sizeof *g);
            if (!g) {
                code = store_oom(err);
                break;
            }
            m->years = g;
            cap = grown;
        }
        m->years[m->n_years++] = sqlite3_column_int(st, 0);
    }
    if (!code && rc != SQLITE_DONE)
        code = store_error(s, rc, err, "reading the inventory years of %s", m->code);
    sqlite3_reset(st);
    return code;
}

int ilm_store_municipalities(ilm_store *s, ilm_municipality **out, size_t *n, ilm_errors *err)
{
    static const char sql[] = "SELECT " MUNICIPALITY_COLUMNS " FROM municipality ORDER BY code";
    *out = NULL;
    *n = 0;
    bool began;
    int code = store_begin_read(s, &began, err);
    if (code)
        return code;
    ilm_municipality *v = NULL;
    size_t len = 0, cap = 0;
    sqlite3_stmt *st = store_stmt(s, sql, "reading the municipalities", err);
    if (!st)
        code = ILM_ESTORE;
    int rc = SQLITE_DONE;
    bool oom = false;
    while (!code && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap) {
            size_t grown = cap ? 2 * cap : 64;
            ilm_municipality *g = realloc(v, grown * sizeof *g);
            if (!g) {
                oom = true;
                break;
            }
            v = g;
            cap = grown;
        }
        ilm_municipality *m = &v[len++];
        memset(m, 0, sizeof *m);
        read_municipality(st, m, &oom);
        if (oom)
            break;
    }
    if (oom)
        code = store_oom(err);
    else if (!code && rc != SQLITE_DONE)
        code = store_error(s, rc, err, "reading the municipalities");
    if (st)
        sqlite3_reset(st);
    for (size_t i = 0; !code && i < len; i++)
        code = read_details(s, &v[i], err);
    store_end_read(s, began);
    if (code) {
        ilm_municipalities_free(v, len);
        return code;
    }
    *out = v;
    *n = len;
    return 0;
}

int ilm_store_municipality_find(ilm_store *s, const char *code_or_name, ilm_municipality *out,
                                ilm_errors *err)
{
    /* A code matches only as a code; a name in Finnish before one in
     * Swedish, should one municipality's Swedish name be another's Finnish
     * one. */
    static const char sql[] =
        "SELECT " MUNICIPALITY_COLUMNS " FROM municipality"
        " WHERE code = ?1 OR name_fi = ?1 COLLATE NOCASE OR name_sv = ?1 COLLATE NOCASE"
        " ORDER BY code = ?1 DESC, name_fi = ?1 COLLATE NOCASE DESC, code LIMIT 1";
    memset(out, 0, sizeof *out);
    const char *who = code_or_name ? code_or_name : "";
    bool began;
    int code = store_begin_read(s, &began, err);
    if (code)
        return code;
    sqlite3_stmt *st = store_stmt(s, sql, "finding a municipality", err);
    if (!st) {
        store_end_read(s, began);
        return ILM_ESTORE;
    }
    sqlite3_bind_text(st, 1, who, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    bool oom = false;
    if (rc == SQLITE_ROW)
        read_municipality(st, out, &oom);
    if (oom)
        code = store_oom(err);
    else if (rc == SQLITE_DONE) {
        ilm_errors_add(err, "no municipality \"%s\" (give its code or Finnish or Swedish name)",
                       who);
        code = ILM_ENOTFOUND;
    } else if (rc != SQLITE_ROW) {
        code = store_error(s, rc, err, "finding municipality \"%s\"", who);
    }
    sqlite3_reset(st);
    if (!code)
        code = read_details(s, out, err);
    store_end_read(s, began);
    if (code)
        ilm_municipality_clear(out);
    return code;
}

/* ---- inventories ---- */

void ilm_inventory_view_clear(ilm_inventory_view *v)
{
    if (!v)
        return;
    free(v->rows);
    free(v->population);
    free(v->published);
    for (size_t i = 0; i < v->n_sector_keys; i++)
        free(v->sector_keys[i]);
    free(v->sector_keys);
    for (size_t i = 0; i < v->n_sources; i++) {
        free(v->sources[i].kind);
        free(v->sources[i].file_name);
    }
    free(v->sources);
    memset(v, 0, sizeof *v);
}

/* The imports the municipality's rows in years from..to came from. */
static int read_sources(ilm_store *s, const char *code, int from, int to,
                        ilm_inventory_view *v, ilm_errors *err)
{
    static const char sql[] =
        "SELECT i.kind, i.file_name, i.imported_at, min(r.year), max(r.year), count(*)"
        " FROM inventory r JOIN import i ON i.id = r.import_id"
        " WHERE r.municipality = ?1 AND r.year BETWEEN ?2 AND ?3"
        " GROUP BY i.id ORDER BY i.id";
    sqlite3_stmt *st = store_stmt(s, sql, "reading the inventory's sources", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, from);
    sqlite3_bind_int(st, 3, to);
    size_t cap = 0;
    bool oom = false;
    int rc;
    while (!oom && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (v->n_sources == cap) {
            size_t grown = cap ? 2 * cap : 4;
            ilm_inventory_source *g = realloc(v->sources, grown * sizeof *g);
            if (!g) {
                oom = true;
                break;
            }
            v->sources = g;
            cap = grown;
        }
        ilm_inventory_source *src = &v->sources[v->n_sources++];
        memset(src, 0, sizeof *src);
        src->kind = store_column_text(st, 0, &oom);
        src->file_name = store_column_text(st, 1, &oom);
        snprintf(src->imported_at, sizeof src->imported_at, "%s",
                 (const char *)sqlite3_column_text(st, 2));
        src->first_year = sqlite3_column_int(st, 3);
        src->last_year = sqlite3_column_int(st, 4);
        src->rows = sqlite3_column_int64(st, 5);
    }
    int result = oom ? store_oom(err)
                     : rc != SQLITE_DONE ? store_error(s, rc, err, "reading the sources of %s", code)
                                         : 0;
    sqlite3_reset(st);
    return result;
}

/* Reads (year, value) rows of `sql` for municipality ?1 and years ?2..?3. */
static int read_year_values(ilm_store *s, const char *sql, const char *what, const char *code,
                            int from, int to, ilm_year_value **out, size_t *n, ilm_errors *err)
{
    sqlite3_stmt *st = store_stmt(s, sql, what, err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, from);
    sqlite3_bind_int(st, 3, to);
    size_t cap = 0;
    int rc, result = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            size_t grown = cap ? 2 * cap : 32;
            ilm_year_value *g = realloc(*out, grown * sizeof *g);
            if (!g) {
                result = store_oom(err);
                break;
            }
            *out = g;
            cap = grown;
        }
        (*out)[(*n)++] = (ilm_year_value){sqlite3_column_int(st, 0), sqlite3_column_double(st, 1)};
    }
    if (!result && rc != SQLITE_DONE)
        result = store_error(s, rc, err, "%s of %s", what, code);
    sqlite3_reset(st);
    return result;
}

/* The sector keys in display order, which the view's rows point into. */
static int read_sector_keys(ilm_store *s, ilm_inventory_view *v, ilm_errors *err)
{
    ilm_sector *sectors = NULL;
    size_t n = 0;
    int rc = ilm_store_sectors(s, &sectors, &n, err);
    if (rc)
        return rc;
    v->sector_keys = calloc(n ? n : 1, sizeof *v->sector_keys);
    if (!v->sector_keys) {
        ilm_sectors_free(sectors, n);
        return store_oom(err);
    }
    /* The keys move into the view; the rest is freed. */
    for (size_t i = 0; i < n; i++) {
        v->sector_keys[i] = sectors[i].key;
        sectors[i].key = NULL;
    }
    v->n_sector_keys = n;
    ilm_sectors_free(sectors, n);
    return 0;
}

/* The view's rows: ?4 = 1 keeps only Hinku rows, ?5 = 1 only non-ETS.
 * Grouping follows the primary key (one municipality's rows are one
 * range), and only the final order by sector position needs a sort. */
static int read_rows(ilm_store *s, const char *code, ilm_scope scope, int from, int to,
                     ilm_inventory_view *v, ilm_errors *err)
{
    static const char sql[] = "SELECT i.year, i.sector, i.ets, sum(i.t) FROM inventory i"
                              " JOIN sector k ON k.key = i.sector"
                              " WHERE i.municipality = ?1 AND i.year BETWEEN ?2 AND ?3"
                              " AND (?4 = 0 OR i.hinku = 1) AND (?5 = 0 OR i.ets = 0)"
                              " GROUP BY i.year, i.sector, i.ets"
                              " ORDER BY i.year, k.position, i.ets";
    sqlite3_stmt *st = store_stmt(s, sql, "reading an inventory", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, from);
    sqlite3_bind_int(st, 3, to);
    sqlite3_bind_int(st, 4, scope == ILM_SCOPE_HINKU);
    sqlite3_bind_int(st, 5, scope == ILM_SCOPE_NON_ETS);
    size_t cap = 0;
    int rc, result = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (v->n_rows == cap) {
            size_t grown = cap ? 2 * cap : 256;
            ilm_inventory_view_row *g = realloc(v->rows, grown * sizeof *g);
            if (!g) {
                result = store_oom(err);
                break;
            }
            v->rows = g;
            cap = grown;
        }
        const char *key = (const char *)sqlite3_column_text(st, 1);
        const char *sector = NULL;
        for (size_t k = 0; key && k < v->n_sector_keys && !sector; k++)
            if (strcmp(v->sector_keys[k], key) == 0)
                sector = v->sector_keys[k];
        if (!sector) { /* the join and the foreign key make this impossible */
            ilm_errors_add(err, "inventory of %s: unknown sector \"%s\"", code, key ? key : "");
            result = ILM_EINTERNAL;
            break;
        }
        v->rows[v->n_rows++] = (ilm_inventory_view_row){
            .year = sqlite3_column_int(st, 0),
            .sector = sector,
            .ets = sqlite3_column_int(st, 2) != 0,
            .t = sqlite3_column_double(st, 3),
        };
    }
    if (!result && rc != SQLITE_DONE)
        result = store_error(s, rc, err, "reading the inventory of %s", code);
    sqlite3_reset(st);
    return result;
}

int ilm_store_inventory(ilm_store *s, const char *code, ilm_scope scope, int from, int to,
                        ilm_inventory_view *out, ilm_errors *err)
{
    static const char pop_sql[] = "SELECT year, n FROM population"
                                  " WHERE municipality = ?1 AND year BETWEEN ?2 AND ?3"
                                  " ORDER BY year";
    static const char pub_sql[] = "SELECT year, t FROM published_total"
                                  " WHERE municipality = ?1 AND year BETWEEN ?2 AND ?3"
                                  " ORDER BY year";
    memset(out, 0, sizeof *out);
    out->scope = scope;
    if (scope != ILM_SCOPE_TOTAL && scope != ILM_SCOPE_NON_ETS && scope != ILM_SCOPE_HINKU) {
        ilm_errors_add(err, "inventory: unknown scope %d", (int)scope);
        return ILM_EINVAL;
    }
    const char *who = code ? code : "";
    if (from == 0)
        from = INT_MIN;
    if (to == 0)
        to = INT_MAX;
    bool began;
    int rc = store_begin_read(s, &began, err);
    if (rc)
        return rc;
    bool exists = false;
    rc = store_municipality_exists(s, who, &exists, err);
    if (!rc && !exists) {
        ilm_errors_add(err, "no municipality \"%s\" (give its code)", who);
        rc = ILM_ENOTFOUND;
    }
    if (!rc)
        rc = read_sector_keys(s, out, err);
    if (!rc)
        rc = read_rows(s, who, scope, from, to, out, err);
    if (!rc)
        rc = read_year_values(s, pop_sql, "reading the population", who, from, to, &out->population,
                              &out->n_population, err);
    if (!rc)
        rc = read_year_values(s, pub_sql, "reading the published totals", who, from, to,
                              &out->published, &out->n_published, err);
    if (!rc)
        rc = read_sources(s, who, from, to, out, err);
    store_end_read(s, began);
    if (rc) {
        ilm_inventory_view_clear(out);
        out->scope = scope;
    }
    return rc;
}

int ilm_store_data_version(ilm_store *s, const char *code, int64_t *out, ilm_errors *err)
{
    static const char sql[] = "SELECT data_version FROM municipality WHERE code = ?1";
    sqlite3_stmt *st = store_stmt(s, sql, "reading the data version", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return 0;
    if (rc == SQLITE_DONE) {
        ilm_errors_add(err, "no municipality %s in the register", code);
        return ILM_ENOTFOUND;
    }
    return store_error(s, rc, err, "reading the data version of %s", code);
}
