/* ilmava: the store. The only module with SQL in it.
 *
 * SQLite is the embedded default. The interface speaks in the library's plain
 * data (plans, inventory rows, municipalities) and never in SQLite types, so
 * that a PostgreSQL backend can sit behind the same functions later.
 *
 * Every function that changes the store does it in one transaction: it either
 * happens whole or not at all. Functions return 0 or a negative ILM_E* code
 * and append messages to err.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#ifndef ILMAVA_STORE_H
#define ILMAVA_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ilmava/error.h"
#include "ilmava/plan.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ilm_store ilm_store;

/* The schema version this build writes. A store with a higher version was
 * written by a newer ilmava and is refused. */
int ilm_store_schema_version(void);

/* Opens the existing store at `path`, applies the embedded migrations the
 * file does not have yet, and stores the handle in *out. A missing file,
 * or one that is empty (no tables: truncated, or replaced by an empty
 * file), is refused with ILM_ENOTFOUND and a message that names the file
 * and says how to create one: a store that vanished must never come back
 * silently empty. Refuses a store from a newer version with ILM_ESTORE and
 * a message that names both versions, and so a file that is not an ilmava
 * store (not SQLite, or another program's database). A handle is for one
 * thread at a time: open one per thread. */
int ilm_store_open(const char *path, ilm_store **out, ilm_errors *err);

/* As ilm_store_open, but a missing or empty file becomes a new store with
 * the current schema: the first-run setup (the CLI's --create). */
int ilm_store_open_or_create(const char *path, ilm_store **out, ilm_errors *err);

/* Readiness: the store's schema is the one this build writes, a read of
 * real data works, the write lock can be taken (within a fraction of a
 * second; nothing is written) and the disk has room. 0 when ready, else
 * ILM_EBUSY (another writer holds the lock), ILM_EREADONLY, ILM_EFULL or
 * ILM_ESTORE with a message naming the file. */
int ilm_store_health(ilm_store *s, ilm_errors *err);

/* A write transaction spanning several calls on this handle: it takes the
 * write lock at once (BEGIN IMMEDIATE, waiting up to the busy timeout), so
 * what the calls read cannot change before they write. Each store change
 * inside it still succeeds or fails whole; ilm_store_commit keeps them
 * all, ilm_store_rollback drops them all. Use it for a read-modify-write
 * that names no version (adding a measure): it is serialised, never a
 * conflict. */
int ilm_store_begin(ilm_store *s, ilm_errors *err);
int ilm_store_commit(ilm_store *s, ilm_errors *err);
void ilm_store_rollback(ilm_store *s);

/* Closes the store. NULL is allowed. Commit or abort an import first. */
void ilm_store_close(ilm_store *s);

/* ---- sectors (data, loaded by the first migration from sectors.md) ---- */

typedef struct ilm_sector {
    char *key;        /* "district_heating" */
    char *name_fi, *name_sv, *name_en;
    char *syke_name;  /* SYKE ALas taso_3 name, "Kaukolämpö" */
    char *gpc;        /* GPC v1.1 references, as text */
} ilm_sector;

/* All sectors in their display order. Free with ilm_sectors_free. */
int ilm_store_sectors(ilm_store *s, ilm_sector **out, size_t *n, ilm_errors *err);
void ilm_sectors_free(ilm_sector *v, size_t n);

/* ---- municipalities ---- */

typedef struct ilm_municipality {
    char code[4];            /* three digits */
    char *name_fi, *name_sv; /* name_sv may be NULL */
    char *region_code;       /* may be NULL */
    char *region_fi, *region_sv; /* may be NULL */
    bool synthetic;          /* made up (demo data): say so wherever shown */
    bool city;               /* calls itself a city (kaupunki, stad): the register's
                                `muoto`, else the cities of 2021-2025
                                (sql/005_municipality_forms.sql) */
    bool city_given;         /* import: `city` was given by the file; otherwise the
                                stored form is left as it is */
    char *name_fi_genitive;  /* "Kontiolahden"; NULL when not known */
    /* Filled by ilm_store_municipalities and ilm_store_municipality_find: */
    int population_year;     /* latest year with a population; 0 if none */
    double population;
    size_t n_years;          /* years with inventory data, ascending */
    int *years;
} ilm_municipality;

void ilm_municipality_clear(ilm_municipality *m);
void ilm_municipalities_free(ilm_municipality *v, size_t n);

/* Every municipality in the register, by code. */
int ilm_store_municipalities(ilm_store *s, ilm_municipality **out, size_t *n,
                             ilm_errors *err);

/* Finds a municipality by code ("167") or by its Finnish or Swedish name
 * (case-insensitive for ASCII). ILM_ENOTFOUND with a message when absent. */
int ilm_store_municipality_find(ilm_store *s, const char *code_or_name,
                                ilm_municipality *out, ilm_errors *err);

/* The data version of municipality `code`: raised by every import that
 * changes its inventory, population, published totals or register entry,
 * so that a cached view knows it is stale. ILM_ENOTFOUND when there is no
 * such municipality. */
int ilm_store_data_version(ilm_store *s, const char *code, int64_t *out, ilm_errors *err);

/* ---- inventories ---- */

/* One row of a municipality's inventory in a scope: for "total" the sum of
 * the Hinku and non-Hinku parts of a stream; for "non_ets" the ets = false
 * streams; for "hinku" the rows SYKE counts in the Hinku rule. */
typedef struct ilm_inventory_view_row {
    int year;
    const char *sector; /* points into the view's sector keys */
    bool ets;
    double t;
} ilm_inventory_view_row;

typedef struct ilm_year_value {
    int year;
    double value;
} ilm_year_value;

/* Where an inventory's rows came from: one import, the years it gave. */
typedef struct ilm_inventory_source {
    char *kind;            /* "syke", "inventory", "plan", "demo" */
    char *file_name;
    char imported_at[21];  /* UTC */
    int first_year, last_year;
    long long rows;
} ilm_inventory_source;

typedef struct ilm_inventory_view {
    ilm_scope scope;
    size_t n_rows;               /* by year, then sector display order, then ets */
    ilm_inventory_view_row *rows;
    size_t n_population;         /* by year */
    ilm_year_value *population;
    size_t n_published;          /* SYKE's published totals, by year */
    ilm_year_value *published;   /* Hinku rule, t; only where imported */
    char **sector_keys;          /* owned strings the rows point to */
    size_t n_sector_keys;
    size_t n_sources;            /* the imports the rows came from, oldest first */
    struct ilm_inventory_source *sources;
} ilm_inventory_view;

/* The inventory of municipality `code` in `scope` for years from..to
 * (0 = open). */
int ilm_store_inventory(ilm_store *s, const char *code, ilm_scope scope, int from,
                        int to, ilm_inventory_view *out, ilm_errors *err);
void ilm_inventory_view_clear(ilm_inventory_view *v);

/* ---- imports: one transaction each ---- */

/* A stored inventory fact: one main-sector stream of a municipality in a
 * year, split by the Hinku rule. */
typedef struct ilm_store_row {
    char code[4];
    int year;
    const char *sector; /* a sector key */
    bool ets;
    bool hinku;         /* counted in SYKE's Hinku rule */
    double t;
} ilm_store_row;

/* The counts of an import. Rows are the stored facts: an inventory row
 * per (municipality, year, sector, ets, hinku) after sub-sector rows add
 * up, and a population or published total per (municipality, year),
 * which count as added, replaced or unchanged like inventory rows but are
 * never removed. A municipality whose names changed (update = true) is a
 * change that no count shows. */
typedef struct ilm_import_stats {
    long long added;      /* rows that were not in the store */
    long long replaced;   /* rows whose value changed */
    long long unchanged;  /* rows already in the store as they are */
    long long removed;    /* inventory rows of a (municipality, year) the
                             file covers that the file no longer has */
    long long municipalities_added;
} ilm_import_stats;

typedef struct ilm_store_import ilm_store_import;

/* Starts an import of `kind` ("syke", "municipalities", "inventory",
 * "plan", "demo") from `file_name` (recorded as the rows' source). Opens the
 * transaction; nothing is visible to others until the commit. */
int ilm_store_import_begin(ilm_store *s, const char *kind, const char *file_name,
                           ilm_store_import **out, ilm_errors *err);

/* Adds a municipality. `update` false: only when the code is new (a SYKE
 * file names its municipalities); true: also replaces the names and region
 * of an existing one (the register). */
int ilm_store_import_municipality(ilm_store_import *im, const ilm_municipality *m,
                                  bool update, ilm_errors *err);

/* Sets the population of a municipality in a year (the last value given
 * wins). Like the rows below, refuses at once with ILM_EINVAL and a
 * message a code that is not in the register (nor added by this import),
 * a year outside ILM_MIN_YEAR..ILM_MAX_YEAR or a negative value, so that
 * the caller can name the line of the file. */
int ilm_store_import_population(ilm_store_import *im, const char *code, int year,
                                double n, ilm_errors *err);

/* Adds t to the row's stream: sub-sector rows of one stream add up. For
 * every (municipality, year) that gets a row, the file's rows replace the
 * store's at the commit. Also refuses a sector that is not in the sector
 * table. */
int ilm_store_import_row(ilm_store_import *im, const ilm_store_row *row, ilm_errors *err);

/* Records SYKE's published Hinku-rule total of a municipality in a year (t). */
int ilm_store_import_published_total(ilm_store_import *im, const char *code, int year,
                                     double t, ilm_errors *err);

/* Applies the import, commits, fills *stats and frees im. When nothing
 * changed, the store is left exactly as it was (no import record either).
 * Each municipality whose inventory, population or published totals
 * changed gets its data version raised (ilm_plan_stamp) and an audit row
 * (inventory.import, with the file name and its counts as new_json).
 * On failure everything is rolled back and im is freed. */
int ilm_store_import_commit(ilm_store_import *im, ilm_import_stats *stats, ilm_errors *err);

/* Rolls everything back and frees im. NULL is allowed. */
void ilm_store_import_abort(ilm_store_import *im);

/* ---- plans ---- */

/* Stores a plan: its name, municipality, target, baseline assumptions,
 * settings and measures (not its inventory or population: those are the
 * store's). plan->store_id 0 creates a new plan, otherwise replaces that
 * one; measures keep their store ids by plan-document id, and measures no
 * longer in the plan are deleted. The caller validates the plan first (on
 * the store's inventory, as ilm_store_plan_load gives it); the store only
 * keeps its own constraints. Stores the plan's id in *id. */
int ilm_store_plan_save(ilm_store *s, const ilm_plan *plan, int64_t *id, ilm_errors *err);

/* Loads plan `id` with the store's current inventory and population of its
 * municipality, filtered by the plan's scope (Hinku rows only for "hinku").
 * Fills store_id, version and published of the plan and store_id of each
 * measure. */
int ilm_store_plan_load(ilm_store *s, int64_t id, ilm_plan **out, ilm_errors *err);

typedef struct ilm_plan_summary {
    int64_t id;
    char code[4];
    char *municipality_name;
    char *name; /* may be NULL */
    ilm_scope scope;
    int base_year, target_year;
    double reduction;
    size_t n_measures;
    int64_t version;
    bool published;
    char updated_at[21]; /* UTC, "2026-11-28T12:00:00Z" */
} ilm_plan_summary;

/* Plans of municipality `code` (NULL: all), by id. */
int ilm_store_plan_list(ilm_store *s, const char *code, ilm_plan_summary **out, size_t *n,
                        ilm_errors *err);
void ilm_plan_summaries_free(ilm_plan_summary *v, size_t n);

/* Deletes a plan and its measures (audited: plan.delete). ILM_ENOTFOUND
 * when there is none. */
int ilm_store_plan_delete(ilm_store *s, int64_t id, ilm_errors *err);

/* Publishes (or withdraws) a plan: anyone may then read it. Raises its
 * version; audited as plan.publish / plan.unpublish. */
int ilm_store_plan_publish(ilm_store *s, int64_t id, bool published, ilm_errors *err);

/* Applies an optimiser's answer to plan `id` as one change: the optional
 * measures named in `drop` (plan-document ids) become cancelled, those in
 * `keep` that are ideas become planned; the plan's version is raised and one
 * audit row (plan.optimize.apply) holds the optional measures' statuses
 * before and after; when no status changes, nothing is written (no version,
 * no audit row). ILM_ECONFLICT when the plan is no longer at `version`,
 * ILM_EINVAL when a named measure is not an optional one of the plan. */
int ilm_store_plan_apply_optimum(ilm_store *s, int64_t id, int64_t version, const char *const *keep,
                                 size_t n_keep, const char *const *drop, size_t n_drop,
                                 ilm_errors *err);

/* What a cached result of plan `id` depends on: its municipality, its
 * version and the municipality's data version (raised by every import that
 * changes the municipality's inventory or population). Cheap: one indexed
 * read. ILM_ENOTFOUND when there is no such plan. */
typedef struct ilm_plan_stamp {
    char code[4];
    int64_t version;
    int64_t data_version;
    bool published;
} ilm_plan_stamp;
int ilm_store_plan_stamp(ilm_store *s, int64_t id, ilm_plan_stamp *out, ilm_errors *err);

/* ---- the audit trail ----
 * Every function above that changes the store writes audit rows in the
 * same transaction as the change: who (the actor), what (the action), the
 * municipality, plan and measure it concerns, and the record before and
 * after as JSON objects of its stored columns. */

/* Names who makes the changes that follow on this handle: a user's email,
 * or "cli:LOGIN" for the command line. Copied; NULL means "system". */
int ilm_store_set_actor(ilm_store *s, const char *actor, ilm_errors *err);

typedef struct ilm_audit_entry {
    int64_t id;
    char at[21];        /* UTC, "2026-11-28T12:00:00Z" */
    char *actor;
    char *action;       /* "plan.update", "measure.delete", "inventory.import",
                           "user.add", ... */
    char code[4];       /* the municipality; "" when none */
    int64_t plan_id;    /* 0 when none */
    int64_t measure_id; /* 0 when none */
    char *old_json;     /* the record before, a JSON object; NULL when created */
    char *new_json;     /* after; NULL when deleted */
} ilm_audit_entry;

typedef struct ilm_audit_filter {
    const char *code;   /* NULL: every municipality */
    int64_t plan_id;    /* 0: every plan */
    int64_t before_id;  /* 0: the newest; else entries with id < before_id */
    size_t limit;       /* 0: 100; at most 1000 */
} ilm_audit_filter;

/* Audit entries, newest first. */
int ilm_store_audit(ilm_store *s, const ilm_audit_filter *f, ilm_audit_entry **out,
                    size_t *n, ilm_errors *err);
void ilm_audit_entries_free(ilm_audit_entry *v, size_t n);

/* ---- comments on plans ---- */

#define ILM_COMMENT_MAX 10000

typedef struct ilm_comment {
    int64_t id;
    int64_t plan_id;
    char *author;        /* the actor who wrote it */
    char *body;
    char created_at[21]; /* UTC */
} ilm_comment;

/* Adds a comment (1..ILM_COMMENT_MAX bytes) to plan `plan_id`, written by
 * the handle's actor. Audited as comment.add. */
int ilm_store_comment_add(ilm_store *s, int64_t plan_id, const char *body, int64_t *id,
                          ilm_errors *err);
/* A plan's comments, oldest first. */
int ilm_store_comments(ilm_store *s, int64_t plan_id, ilm_comment **out, size_t *n,
                       ilm_errors *err);
void ilm_comments_free(ilm_comment *v, size_t n);

/* ---- users and sessions ----
 * The store keeps password hashes (argon2id strings made by the caller),
 * never passwords, and session tokens only as hashes. */

typedef enum ilm_role {
    ILM_ROLE_ORGANISER, /* everything, every municipality */
    ILM_ROLE_EDITOR,    /* reads and changes its municipalities */
    ILM_ROLE_VIEWER,    /* reads its municipalities */
    ILM_ROLE_EXPERT     /* reads the municipalities assigned, writes comments */
} ilm_role;

/* "organiser", "editor", "viewer", "expert". */
const char *ilm_role_name(ilm_role r);
/* Parses a role name; ILM_EINVAL when unknown. */
int ilm_role_parse(const char *name, ilm_role *out);

#define ILM_MAX_USER_MUNICIPALITIES 400

typedef struct ilm_user {
    int64_t id;
    char *email;            /* stored lower-case */
    ilm_role role;
    bool disabled;
    char created_at[21];
    size_t n_municipalities; /* editor, viewer, expert: theirs, by code */
    char (*municipalities)[4];
} ilm_user;

void ilm_user_clear(ilm_user *u);
void ilm_users_free(ilm_user *v, size_t n);

/* Adds a user. The email is checked (one "@", no spaces, at most 254
 * bytes) and stored lower-case; an email already there is ILM_ECONFLICT.
 * An organiser has no municipalities; the other roles need at least one,
 * each in the register. Audited as user.add (without the hash). */
int ilm_store_user_add(ilm_store *s, const char *email, ilm_role role,
                       const char *const *codes, size_t n_codes, const char *password_hash,
                       int64_t *id, ilm_errors *err);
/* The user with this email (case-insensitive), and a copy of the password
 * hash when `password_hash` is not NULL (free it). ILM_ENOTFOUND when none. */
int ilm_store_user_find(ilm_store *s, const char *email, ilm_user *out, char **password_hash,
                        ilm_errors *err);
/* Every user, by email. */
int ilm_store_users(ilm_store *s, ilm_user **out, size_t *n, ilm_errors *err);
/* Replaces the password hash and ends the user's sessions. Audited. */
int ilm_store_user_set_password(ilm_store *s, const char *email, const char *password_hash,
                                ilm_errors *err);
/* Disables the user (they can no longer sign in) and ends their sessions.
 * Audited. */
int ilm_store_user_disable(ilm_store *s, const char *email, ilm_errors *err);

/* A signed-in session. Times are Unix seconds. */
typedef struct ilm_session {
    ilm_user user;
    char csrf_token[65];
    int64_t created_at, last_seen;
} ilm_session;

/* Stores a new session for user `user_id`, known by `token_hash` (hex of a
 * hash of the cookie's token) with its CSRF token, at time `now`. */
int ilm_store_session_create(ilm_store *s, const char *token_hash, int64_t user_id,
                             const char *csrf_token, int64_t now, ilm_errors *err);
/* The session known by `token_hash` with its user, when it is still valid
 * at `now`: used within idle_s of its last use, created within max_s, and
 * its user not disabled. An invalid one is deleted and ILM_ENOTFOUND is
 * returned. Records the use (last_seen) at most once a minute, so that
 * reading stays a read. */
int ilm_store_session_get(ilm_store *s, const char *token_hash, int64_t now, int64_t idle_s,
                          int64_t max_s, ilm_session *out, ilm_errors *err);
void ilm_session_clear(ilm_session *se);
/* Ends a session. Not an error when it is already gone. */
int ilm_store_session_delete(ilm_store *s, const char *token_hash, ilm_errors *err);

/* ---- failed logins (store_limits.c) ----
 * Counted per client address and per account (the email as typed), in the
 * store, so that restarts and several server processes share them. Each
 * attempt is recorded before its password is checked; a success clears
 * both counts. */

/* How failures slow down the next try. A key's first `free_*` tries need
 * no wait; after that each failure doubles the wait, from base_ms up to
 * max_ms. The counts of a key whose last attempt is forget_ms old are
 * forgotten. */
typedef struct ilm_login_policy {
    int free_address, free_account;
    int64_t base_ms, max_ms, forget_ms;
} ilm_login_policy;

/* The wait after `failures` failures of a key that has `free_tries` free
 * tries (0 while the free tries last). */
int64_t ilm_login_wait_ms(const ilm_login_policy *p, int free_tries, int failures);

typedef struct ilm_login_verdict {
    bool allowed;           /* the attempt is recorded: check the password */
    int64_t wait_ms;        /* when not allowed: how long until a try may come */
    int address_failures;   /* the counts, this attempt included when allowed */
    int account_failures;
} ilm_login_verdict;

/* Checks and records a login attempt from `address` on `account` at
 * `now_ms` (Unix ms), in one write transaction (BEGIN IMMEDIATE), so that
 * parallel attempts cannot pass more tries than the policy allows. Refused
 * (allowed false, nothing recorded) while the address's wait runs, or while
 * the account's wait runs and this address has failed on this account: an
 * address with no failures on an account always gets its password checked,
 * and signing in to another account does not clear that. `address`: 1..64
 * bytes, no space; `account`: 1..320 bytes. */
int ilm_store_login_reserve(ilm_store *s, const ilm_login_policy *p, const char *address,
                            const char *account, int64_t now_ms, ilm_login_verdict *out,
                            ilm_errors *err);
/* The password of a reserved attempt was wrong, as known at `now_ms`: the
 * waits of the address and the account run from now (a slow password
 * check does not eat into them). */
int ilm_store_login_failed(ilm_store *s, const ilm_login_policy *p, const char *address,
                           const char *account, int64_t now_ms, ilm_errors *err);
/* Takes back an attempt that ilm_store_login_reserve recorded but whose
 * password was never checked (the server was too busy). */
int ilm_store_login_release(ilm_store *s, const ilm_login_policy *p, const char *address,
                            const char *account, ilm_errors *err);
/* A successful login: forgets the failures of the address, of the account
 * and of the address on the account. */
int ilm_store_login_succeeded(ilm_store *s, const char *address, const char *account,
                              ilm_errors *err);

/* The plan a measure (by store id) belongs to. ILM_ENOTFOUND when none. */
int ilm_store_measure_plan(ilm_store *s, int64_t measure_id, int64_t *plan_id,
                           ilm_errors *err);

/* ---- every municipality at once (the peer finder, store_peers.c) ---- */

/* One stream of a municipality in a year, in the "total" scope (the Hinku
 * and non-Hinku parts added). */
typedef struct ilm_inventory_set_row {
    char code[4];
    int year;
    const char *sector; /* points into the set's sector keys */
    bool ets;
    double t;
} ilm_inventory_set_row;

typedef struct ilm_inventory_set_population {
    char code[4];
    int year;
    double n;
} ilm_inventory_set_population;

typedef struct ilm_inventory_set {
    size_t n_rows;                   /* by municipality, year, sector display order, ets */
    ilm_inventory_set_row *rows;
    size_t n_population;             /* by municipality, year */
    ilm_inventory_set_population *population;
    char **sector_keys;              /* owned strings the rows point to */
    size_t n_sector_keys;
} ilm_inventory_set;

/* For every municipality with inventory data, its streams in two years:
 * its latest year with data, and `ref_year` (0: none) when it has rows in
 * that year; and every population figure of every municipality. One read
 * snapshot. Clear it with ilm_inventory_set_clear, also after a failure. */
int ilm_store_inventory_latest(ilm_store *s, int ref_year, ilm_inventory_set *out,
                               ilm_errors *err);
void ilm_inventory_set_clear(ilm_inventory_set *v);

#ifdef __cplusplus
}
#endif

#endif
