/* Stored plans: save (insert or replace, measures keeping their numbers),
 * load (with the store's current inventory), list, delete, publish, and
 * the stamp a result cache checks.
 *
 * Every change raises the plan's version and writes audit rows in its own
 * transaction: one for the plan (its row, its trends and the order of its
 * measures) and one per measure whose stored columns changed. A save from
 * an older version than the stored one is refused (ILM_ECONFLICT), so that
 * two people editing the same plan do not silently undo each other.
 *
 * A plan round-trips exactly: doubles are REAL (8-byte IEEE, bit for bit;
 * only -0.0 comes back as 0.0, which computes the same), the uint64 seed
 * is kept as the int64 with the same bits, enums as their document names.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"

/* The longest measure id the plan reader accepts; the store holds the same
 * limit, which also leaves room for the temporary keys of a rename. */
#define KEY_MAX 64

/* The seed's bits as an int64 and back, without implementation-defined
 * conversions. */
static int64_t seed_to_db(uint64_t v)
{
    return v <= (uint64_t)INT64_MAX ? (int64_t)v : -(int64_t)(UINT64_MAX - v) - 1;
}

static uint64_t seed_from_db(int64_t v) { return (uint64_t)v; }

#define bind_text store_bind_text

/* The audit trail's JSON of a plan: its row, its trends by sector and the
 * keys of its measures in order (a reorder shows here, not as a change of
 * every measure). The subqueries go through json() so that they nest as
 * JSON, not as strings. */
#define PLAN_JSON_EXPR                                                                             \
    "SELECT json_object('id', p.id, 'municipality', p.municipality, 'name', p.name,"               \
    " 'base_year', p.base_year, 'target_year', p.target_year, 'reduction', p.reduction,"           \
    " 'scope', p.scope, 'default_trend', p.default_trend, 'trend_sd', p.trend_sd,"                 \
    " 'horizon', p.horizon, 'discount_rate', p.discount_rate, 'draws', p.draws,"                   \
    " 'seed', p.seed, 'easy_max_eur_per_t', p.easy_max_eur_per_t,"                                 \
    " 'hard_min_eur_per_t', p.hard_min_eur_per_t, 'version', p.version,"                           \
    " 'published', p.published, 'created_at', p.created_at, 'updated_at', p.updated_at,"           \
    " 'trend', json((SELECT json_group_object(t.sector, t.rate) FROM"                              \
    " (SELECT sector, rate FROM plan_trend WHERE plan_id = p.id ORDER BY position) t)),"           \
    " 'measures', json((SELECT json_group_array(x.key) FROM"                                       \
    " (SELECT key FROM measure WHERE plan_id = p.id ORDER BY position) x)))"
static const char plan_json_sql[] = PLAN_JSON_EXPR " FROM plan p WHERE p.id = ?1";

/* A measure's stored columns but its position, which the plan's JSON
 * holds. */
#define MEASURE_JSON                                                                               \
    "json_object('id', id, 'plan_id', plan_id, 'key', key, 'name', name, 'sector', sector,"        \
    " 'ets', ets, 'start_year', start_year, 'full_year', full_year,"                               \
    " 'is_absolute', is_absolute, 'amount', amount, 'range_low', range_low,"                       \
    " 'range_mode', range_mode, 'range_high', range_high, 'capex', capex, 'opex', opex,"           \
    " 'lifetime', lifetime, 'control', control, 'optional', optional, 'status', status,"           \
    " 'responsible', responsible, 'notes', notes)"
static const char measure_json_sql[] = "SELECT " MEASURE_JSON " FROM measure WHERE id = ?1";

/* What the version check, delete and publish need of a stored plan. */
typedef struct plan_head {
    bool found;
    char code[4];
    int64_t version;
} plan_head;

static int read_plan_head(ilm_store *s, int64_t id, plan_head *h, ilm_errors *err)
{
    static const char sql[] = "SELECT municipality, version FROM plan WHERE id = ?1";
    memset(h, 0, sizeof *h);
    sqlite3_stmt *st = store_stmt(s, sql, "reading a plan", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    int result = 0;
    if (rc == SQLITE_ROW) {
        h->found = true;
        const char *code = (const char *)sqlite3_column_text(st, 0);
        snprintf(h->code, sizeof h->code, "%s", code ? code : "");
        h->version = sqlite3_column_int64(st, 1);
    } else if (rc != SQLITE_DONE) {
        result = store_error(s, rc, err, "reading plan %lld", (long long)id);
    }
    sqlite3_reset(st);
    return result;
}

/* ---- save ---- */

/* The checks that are the store's own: what its schema needs to hold the
 * plan. The model's rules are ilm_plan_validate's, the caller's job. */
static int check_plan(ilm_store *s, const ilm_plan *p, ilm_errors *err)
{
    static const char sector_sql[] = "SELECT 1 FROM sector WHERE key = ?1";
    int rc = 0;
    if (!p->municipality_code || !store_is_code(p->municipality_code)) {
        ilm_errors_add(err, "municipality.code: \"%s\" is not a municipality code",
                       p->municipality_code ? p->municipality_code : "");
        return ILM_EINVAL;
    }
    if ((unsigned)p->scope > ILM_SCOPE_HINKU) {
        ilm_errors_add(err, "target.scope: unknown scope %d", (int)p->scope);
        rc = ILM_EINVAL;
    }
    if (p->draws < 0) {
        ilm_errors_add(err, "settings.draws: %lld is negative", (long long)p->draws);
        rc = ILM_EINVAL;
    }
    for (size_t i = 0; i < p->n_measures; i++) {
        const ilm_measure *m = &p->measures[i];
        size_t len = m->id ? strlen(m->id) : 0;
        if (len == 0 || len > KEY_MAX) {
            ilm_errors_add(err, "measures[%zu].id: must be 1 to %d bytes", i, KEY_MAX);
            rc = ILM_EINVAL;
            continue;
        }
        if (!m->sector) {
            ilm_errors_add(err, "measures[%zu].sector: missing", i);
            rc = ILM_EINVAL;
        }
        if ((unsigned)m->control > ILM_CONTROL_NONE || (unsigned)m->status > ILM_STATUS_CANCELLED) {
            ilm_errors_add(err, "measures[%zu]: unknown control or status", i);
            rc = ILM_EINVAL;
        }
        for (size_t j = 0; j < i; j++) {
            if (p->measures[j].id && strcmp(p->measures[j].id, m->id) == 0) {
                ilm_errors_add(err, "measures[%zu].id: \"%s\" is already used by measures[%zu]", i,
                               m->id, j);
                rc = ILM_EINVAL;
                break;
            }
        }
    }
    for (size_t i = 0; i < p->n_trends; i++)
        if (!p->trends[i].sector) {
            ilm_errors_add(err, "baseline.trend[%zu]: no sector", i);
            rc = ILM_EINVAL;
        }
    if (rc)
        return rc;

    /* Sector keys: the foreign keys would refuse them too, but without
     * saying which. */
    size_t n_keys = p->n_trends + p->n_measures;
    for (size_t i = 0; i < n_keys; i++) {
        const char *key =
            i < p->n_trends ? p->trends[i].sector : p->measures[i - p->n_trends].sector;
        sqlite3_stmt *st = store_stmt(s, sector_sql, "checking a sector", err);
        if (!st)
            return ILM_ESTORE;
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        int step = sqlite3_step(st);
        if (step != SQLITE_DONE && step != SQLITE_ROW) {
            int code = store_error(s, step, err, "checking sector \"%s\"", key);
            sqlite3_reset(st);
            return code;
        }
        sqlite3_reset(st);
        if (step == SQLITE_DONE) {
            if (i < p->n_trends)
                ilm_errors_add(err, "baseline.trend.%s: not a sector in the store", key);
            else
                ilm_errors_add(err, "measures[%zu].sector: \"%s\" is not a sector in the store",
                               i - p->n_trends, key);
            rc = ILM_EINVAL;
        }
    }
    if (rc)
        return rc;
    bool exists = false;
    rc = store_municipality_exists(s, p->municipality_code, &exists, err);
    if (!rc && !exists) {
        ilm_errors_add(err, "municipality.code: no municipality %s in the store",
                       p->municipality_code);
        rc = ILM_ENOTFOUND;
    }
    return rc;
}

/* Binds the plan's columns ?2..?15 (?1 is the id of an update). */
static void bind_plan(sqlite3_stmt *st, const ilm_plan *p)
{
    sqlite3_bind_text(st, 2, p->municipality_code, -1, SQLITE_STATIC);
    bind_text(st, 3, p->name);
    sqlite3_bind_int(st, 4, p->base_year);
    sqlite3_bind_int(st, 5, p->target_year);
    sqlite3_bind_double(st, 6, p->reduction);
    sqlite3_bind_text(st, 7, ilm_scope_name(p->scope), -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 8, p->default_trend);
    sqlite3_bind_double(st, 9, p->trend_sd);
    sqlite3_bind_int(st, 10, p->horizon);
    sqlite3_bind_double(st, 11, p->discount_rate);
    sqlite3_bind_int64(st, 12, p->draws);
    sqlite3_bind_int64(st, 13, seed_to_db(p->seed));
    sqlite3_bind_double(st, 14, p->easy_max_eur_per_t);
    sqlite3_bind_double(st, 15, p->hard_min_eur_per_t);
}

static int save_plan_row(ilm_store *s, const ilm_plan *p, int64_t *id, ilm_errors *err)
{
    static const char insert_sql[] =
        "INSERT INTO plan (municipality, name, base_year, target_year, reduction, scope,"
        " default_trend, trend_sd, horizon, discount_rate, draws, seed, easy_max_eur_per_t,"
        " hard_min_eur_per_t, created_at, updated_at)"
        " VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
        " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))";
    static const char update_sql[] =
        "UPDATE plan SET municipality = ?2, name = ?3, base_year = ?4, target_year = ?5,"
        " reduction = ?6, scope = ?7, default_trend = ?8, trend_sd = ?9, horizon = ?10,"
        " discount_rate = ?11, draws = ?12, seed = ?13, easy_max_eur_per_t = ?14,"
        " hard_min_eur_per_t = ?15, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),"
        " version = version + 1 WHERE id = ?1";
    bool insert = p->store_id == 0;
    sqlite3_stmt *st = store_stmt(s, insert ? insert_sql : update_sql, "saving a plan", err);
    if (!st)
        return ILM_ESTORE;
    if (!insert)
        sqlite3_bind_int64(st, 1, p->store_id);
    bind_plan(st, p);
    int rc = store_step_done(s, st, "saving the plan", err);
    if (rc)
        return rc;
    if (insert) {
        *id = sqlite3_last_insert_rowid(s->db);
    } else if (sqlite3_changes(s->db) == 0) {
        ilm_errors_add(err, "no plan %lld in the store", (long long)p->store_id);
        return ILM_ENOTFOUND;
    } else {
        *id = p->store_id;
    }
    return 0;
}

static int save_trends(ilm_store *s, const ilm_plan *p, int64_t id, ilm_errors *err)
{
    static const char delete_sql[] = "DELETE FROM plan_trend WHERE plan_id = ?1";
    static const char insert_sql[] =
        "INSERT INTO plan_trend (plan_id, sector, position, rate) VALUES (?1, ?2, ?3, ?4)";
    sqlite3_stmt *st = store_stmt(s, delete_sql, "saving the plan's trends", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    int rc = store_step_done(s, st, "replacing the plan's trends", err);
    for (size_t i = 0; !rc && i < p->n_trends; i++) {
        if (!(st = store_stmt(s, insert_sql, "saving the plan's trends", err)))
            return ILM_ESTORE;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, p->trends[i].sector, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, (int64_t)i);
        sqlite3_bind_double(st, 4, p->trends[i].rate);
        char what[96];
        snprintf(what, sizeof what, "saving baseline.trend.%.40s", p->trends[i].sector);
        rc = store_step_done(s, st, what, err);
    }
    return rc;
}

/* A measure row of the stored plan, and the plan measure that keeps it. */
typedef struct stored_measure {
    int64_t id;
    char *key;
    char *json;        /* the row before the save, for the audit trail */
    size_t claimed_by; /* plan measure index + 1; 0: none, the row goes */
} stored_measure;

static void free_stored(stored_measure *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].key);
        free(v[i].json);
    }
    free(v);
}

/* An audit row to write once the plan's own row is written. */
typedef struct measure_change {
    const char *action; /* "measure.create", "measure.update", "measure.delete" */
    int64_t id;
    char *old_json, *new_json;
} measure_change;

typedef struct change_list {
    measure_change *v;
    size_t n, cap;
} change_list;

static void free_changes(change_list *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].old_json);
        free(c->v[i].new_json);
    }
    free(c->v);
    memset(c, 0, sizeof *c);
}

/* Appends a change; takes old_json and new_json (frees them on failure). */
static int add_change(change_list *c, const char *action, int64_t id, char *old_json,
                      char *new_json, ilm_errors *err)
{
    if (c->n == c->cap) {
        size_t grown = c->cap ? 2 * c->cap : 16;
        measure_change *g = realloc(c->v, grown * sizeof *g);
        if (!g) {
            free(old_json);
            free(new_json);
            return store_oom(err);
        }
        c->v = g;
        c->cap = grown;
    }
    c->v[c->n++] = (measure_change){action, id, old_json, new_json};
    return 0;
}

static int read_stored_measures(ilm_store *s, int64_t plan_id, stored_measure **out, size_t *n,
                                ilm_errors *err)
{
    static const char sql[] = "SELECT id, key, " MEASURE_JSON " FROM measure WHERE plan_id = ?1";
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = store_stmt(s, sql, "reading the plan's measures", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_int64(st, 1, plan_id);
    size_t cap = 0;
    int rc, result = 0;
    bool oom = false;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            size_t grown = cap ? 2 * cap : 32;
            stored_measure *g = realloc(*out, grown * sizeof *g);
            if (!g) {
                oom = true;
                break;
            }
            *out = g;
            cap = grown;
        }
        stored_measure *m = &(*out)[(*n)++];
        m->id = sqlite3_column_int64(st, 0);
        m->claimed_by = 0;
        m->key = store_column_text(st, 1, &oom);
        m->json = store_column_text(st, 2, &oom);
        if (oom)
            break;
    }
    if (oom)
        result = store_oom(err);
    else if (rc != SQLITE_DONE)
        result = store_error(s, rc, err, "reading the measures of plan %lld", (long long)plan_id);
    sqlite3_reset(st);
    return result;
}

/* Binds a measure's columns ?2..?22 (?1 is the row id of an update). */
static void bind_measure(sqlite3_stmt *st, int64_t plan_id, size_t position, const ilm_measure *m)
{
    sqlite3_bind_int64(st, 2, plan_id);
    sqlite3_bind_int64(st, 3, (int64_t)position);
    sqlite3_bind_text(st, 4, m->id, -1, SQLITE_STATIC);
    bind_text(st, 5, m->name);
    sqlite3_bind_text(st, 6, m->sector, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, m->ets ? 1 : 0);
    sqlite3_bind_int(st, 8, m->start);
    sqlite3_bind_int(st, 9, m->full);
    sqlite3_bind_int(st, 10, m->is_absolute ? 1 : 0);
    sqlite3_bind_double(st, 11, m->amount);
    for (int k = 0; k < 3; k++) {
        if (m->has_range)
            sqlite3_bind_double(st, 12 + k, m->range[k]);
        else
            sqlite3_bind_null(st, 12 + k);
    }
    sqlite3_bind_double(st, 15, m->capex);
    sqlite3_bind_double(st, 16, m->opex);
    sqlite3_bind_double(st, 17, m->lifetime);
    sqlite3_bind_text(st, 18, ilm_control_name(m->control), -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 19, m->optional ? 1 : 0);
    sqlite3_bind_text(st, 20, ilm_status_name(m->status), -1, SQLITE_STATIC);
    bind_text(st, 21, m->responsible);
    bind_text(st, 22, m->notes);
}

/* Which stored row each plan measure keeps: first its own store id (a
 * measure renamed in an edit keeps its number), then its key (a plan
 * document read again). Returns per plan measure the row id or 0 (new). */
static void match_measures(const ilm_plan *p, stored_measure *stored, size_t n_stored,
                           int64_t *row_of)
{
    for (size_t i = 0; i < p->n_measures; i++) {
        row_of[i] = 0;
        for (size_t j = 0; p->measures[i].store_id && j < n_stored; j++) {
            if (stored[j].id == p->measures[i].store_id && !stored[j].claimed_by) {
                stored[j].claimed_by = i + 1;
                row_of[i] = stored[j].id;
                break;
            }
        }
    }
    for (size_t i = 0; i < p->n_measures; i++) {
        for (size_t j = 0; !row_of[i] && j < n_stored; j++) {
            if (!stored[j].claimed_by && strcmp(stored[j].key, p->measures[i].id) == 0) {
                stored[j].claimed_by = i + 1;
                row_of[i] = stored[j].id;
            }
        }
    }
}

/* Saves the measures and lists, in `changes`, the audit rows of those
 * whose stored columns changed. */
static int save_measures(ilm_store *s, const ilm_plan *p, int64_t plan_id, change_list *changes,
                         ilm_errors *err)
{
    static const char delete_sql[] = "DELETE FROM measure WHERE id = ?1";
    static const char rekey_sql[] = "UPDATE measure SET key = ?2 WHERE id = ?1";
    static const char insert_sql[] =
        "INSERT INTO measure (plan_id, position, key, name, sector, ets, start_year, full_year,"
        " is_absolute, amount, range_low, range_mode, range_high, capex, opex, lifetime,"
        " control, optional, status, responsible, notes)"
        " VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
        " ?19, ?20, ?21, ?22)";
    /* Writes only when a column but the position changed, so that its
     * changes() says whether the measure is to be audited; a new position
     * alone goes by position_sql. IS NOT compares REALs bit for bit (but
     * for -0.0, which the store keeps as 0.0 anyway). */
    static const char update_sql[] =
        "UPDATE measure SET plan_id = ?2, position = ?3, key = ?4, name = ?5, sector = ?6,"
        " ets = ?7, start_year = ?8, full_year = ?9, is_absolute = ?10, amount = ?11,"
        " range_low = ?12, range_mode = ?13, range_high = ?14, capex = ?15, opex = ?16,"
        " lifetime = ?17, control = ?18, optional = ?19, status = ?20, responsible = ?21,"
        " notes = ?22 WHERE id = ?1 AND (plan_id IS NOT ?2 OR key IS NOT ?4"
        " OR name IS NOT ?5 OR sector IS NOT ?6 OR ets IS NOT ?7 OR start_year IS NOT ?8"
        " OR full_year IS NOT ?9 OR is_absolute IS NOT ?10 OR amount IS NOT ?11"
        " OR range_low IS NOT ?12 OR range_mode IS NOT ?13 OR range_high IS NOT ?14"
        " OR capex IS NOT ?15 OR opex IS NOT ?16 OR lifetime IS NOT ?17 OR control IS NOT ?18"
        " OR optional IS NOT ?19 OR status IS NOT ?20 OR responsible IS NOT ?21"
        " OR notes IS NOT ?22)";
    static const char position_sql[] =
        "UPDATE measure SET position = ?2 WHERE id = ?1 AND position IS NOT ?2";
    stored_measure *stored = NULL;
    size_t n_stored = 0;
    int rc = read_stored_measures(s, plan_id, &stored, &n_stored, err);
    if (rc)
        return rc;
    int64_t *row_of = calloc(p->n_measures ? p->n_measures : 1, sizeof *row_of);
    if (!row_of) {
        free_stored(stored, n_stored);
        return store_oom(err);
    }
    match_measures(p, stored, n_stored, row_of);

    sqlite3_stmt *st;
    for (size_t j = 0; !rc && j < n_stored; j++) {
        const stored_measure *m = &stored[j];
        if (!m->claimed_by) { /* no longer in the plan */
            if (!(st = store_stmt(s, delete_sql, "deleting a measure", err)))
                rc = ILM_ESTORE;
            else {
                sqlite3_bind_int64(st, 1, m->id);
                rc = store_step_done(s, st, "deleting a measure", err);
            }
            if (!rc) {
                rc = add_change(changes, "measure.delete", m->id, stored[j].json, NULL, err);
                stored[j].json = NULL; /* the change list owns it now */
            }
        } else if (strcmp(m->key, p->measures[m->claimed_by - 1].id) != 0) {
            /* A renamed measure first takes a key no real one can have
             * (longer than KEY_MAX), so that renames that swap keys never
             * meet UNIQUE (plan_id, key) halfway. */
            char temp[KEY_MAX + 32];
            snprintf(temp, sizeof temp, "%*s%lld", KEY_MAX + 1, "renaming:", (long long)m->id);
            if (!(st = store_stmt(s, rekey_sql, "renaming a measure", err)))
                rc = ILM_ESTORE;
            else {
                sqlite3_bind_int64(st, 1, m->id);
                sqlite3_bind_text(st, 2, temp, -1, SQLITE_TRANSIENT);
                rc = store_step_done(s, st, "renaming a measure", err);
            }
        }
    }
    for (size_t i = 0; !rc && i < p->n_measures; i++) {
        bool update = row_of[i] != 0;
        if (!(st = store_stmt(s, update ? update_sql : insert_sql, "saving a measure", err))) {
            rc = ILM_ESTORE;
            break;
        }
        if (update)
            sqlite3_bind_int64(st, 1, row_of[i]);
        bind_measure(st, plan_id, i, &p->measures[i]);
        char what[96];
        snprintf(what, sizeof what, "saving measures[%zu] (\"%.40s\")", i, p->measures[i].id);
        rc = store_step_done(s, st, what, err);
        if (rc)
            break;
        bool changed = sqlite3_changes(s->db) > 0;
        if (!update) {
            row_of[i] = sqlite3_last_insert_rowid(s->db);
        } else if (!changed) {
            if (!(st = store_stmt(s, position_sql, "saving a measure", err))) {
                rc = ILM_ESTORE;
                break;
            }
            sqlite3_bind_int64(st, 1, row_of[i]);
            sqlite3_bind_int64(st, 2, (int64_t)i);
            rc = store_step_done(s, st, what, err);
        }
        if (rc || !changed)
            continue;
        char *old_json = NULL, *new_json = NULL;
        for (size_t j = 0; update && j < n_stored; j++) {
            if (stored[j].id == row_of[i]) {
                old_json = stored[j].json;
                stored[j].json = NULL;
            }
        }
        rc = store_query_text(s, measure_json_sql, row_of[i], &new_json, "auditing a measure", err);
        if (rc)
            free(old_json);
        else
            rc = add_change(changes, update ? "measure.update" : "measure.create", row_of[i],
                            old_json, new_json, err);
    }
    free(row_of);
    free_stored(stored, n_stored);
    return rc;
}

/* Refuses to replace a plan that changed since `p` was read from it, and
 * reads the stored plan's JSON for the audit trail. */
static int check_version(ilm_store *s, const ilm_plan *p, char **old_json, ilm_errors *err)
{
    plan_head h;
    int rc = read_plan_head(s, p->store_id, &h, err);
    if (rc)
        return rc;
    if (!h.found) {
        ilm_errors_add(err, "no plan %lld in the store", (long long)p->store_id);
        return ILM_ENOTFOUND;
    }
    if (p->version != 0 && p->version != h.version) {
        ilm_errors_addc(err, ILM_ERR_VERSION_CONFLICT, "version",
                        "plan %lld was changed by someone else: it is at version %lld, not "
                        "%lld; load it again and redo the change",
                        (long long)p->store_id, (long long)h.version, (long long)p->version);
        return ILM_ECONFLICT;
    }
    return store_query_text(s, plan_json_sql, p->store_id, old_json, "auditing the plan", err);
}

static int audit_save(ilm_store *s, const ilm_plan *p, int64_t plan_id, const char *old_json,
                      const change_list *changes, ilm_errors *err)
{
    char *new_json = NULL;
    int rc = store_query_text(s, plan_json_sql, plan_id, &new_json, "auditing the plan", err);
    if (!rc)
        rc = store_audit_add(s, p->store_id ? "plan.update" : "plan.create", p->municipality_code,
                             plan_id, 0, old_json, new_json, err);
    free(new_json);
    for (size_t i = 0; !rc && i < changes->n; i++) {
        const measure_change *c = &changes->v[i];
        rc = store_audit_add(s, c->action, p->municipality_code, plan_id, c->id, c->old_json,
                             c->new_json, err);
    }
    return rc;
}

/* Whether a save of a stored plan changed nothing: no measure changed and
 * the plan's JSON (its row, trends and the order of its measures) is the
 * same but for the version and time the save itself raised. */
static int save_changed_nothing(ilm_store *s, int64_t plan_id, const char *old_json,
                                const change_list *changes, bool *same, ilm_errors *err)
{
    static const char sql[] = "SELECT json_remove(?1, '$.version', '$.updated_at')"
                              " IS json_remove((" PLAN_JSON_EXPR "), '$.version', '$.updated_at')"
                              " FROM plan p WHERE p.id = ?2";
    *same = false;
    if (changes->n > 0 || !old_json)
        return 0;
    sqlite3_stmt *st = store_stmt(s, sql, "comparing the plan", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_text(st, 1, old_json, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, plan_id);
    int rc = sqlite3_step(st);
    int out = 0;
    if (rc == SQLITE_ROW)
        *same = sqlite3_column_int(st, 0) == 1;
    else if (rc != SQLITE_DONE)
        out = store_error(s, rc, err, "comparing plan %lld", (long long)plan_id);
    sqlite3_reset(st);
    return out;
}

int ilm_store_plan_save(ilm_store *s, const ilm_plan *plan, int64_t *id, ilm_errors *err)
{
    int64_t plan_id = 0;
    int rc = store_begin_write(s, "saving a plan", err);
    if (rc)
        return rc;
    char *old_json = NULL;
    change_list changes = {0};
    bool same = false;
    if ((rc = check_plan(s, plan, err)) ||
        (plan->store_id && (rc = check_version(s, plan, &old_json, err))) ||
        (rc = save_plan_row(s, plan, &plan_id, err)) || (rc = save_trends(s, plan, plan_id, err)) ||
        (rc = save_measures(s, plan, plan_id, &changes, err)) ||
        (rc = save_changed_nothing(s, plan_id, old_json, &changes, &same, err)))
        store_rollback(s);
    else if (same) /* a save that changes nothing raises no version, writes no audit row */
        store_rollback(s);
    else if ((rc = audit_save(s, plan, plan_id, old_json, &changes, err)) ||
             (rc = store_commit(s, "committing the plan", err)))
        store_rollback(s);
    free(old_json);
    free_changes(&changes);
    if (rc)
        return rc;
    if (id)
        *id = plan_id;
    return 0;
}

/* ---- load ---- */

static int load_trends(ilm_store *s, ilm_plan *p, ilm_errors *err)
{
    static const char sql[] =
        "SELECT sector, rate FROM plan_trend WHERE plan_id = ?1 ORDER BY position";
    sqlite3_stmt *st = store_stmt(s, sql, "reading the plan's trends", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_int64(st, 1, p->store_id);
    size_t cap = 0;
    int rc, result = 0;
    bool oom = false;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (p->n_trends == cap) {
            size_t grown = cap ? 2 * cap : 16;
            ilm_trend *g = realloc(p->trends, grown * sizeof *g);
            if (!g) {
                oom = true;
                break;
            }
            p->trends = g;
            cap = grown;
        }
        ilm_trend *t = &p->trends[p->n_trends];
        t->rate = sqlite3_column_double(st, 1);
        t->sector = store_column_text(st, 0, &oom);
        if (t->sector)
            p->n_trends++;
        if (oom)
            break;
    }
    if (oom)
        result = store_oom(err);
    else if (rc != SQLITE_DONE)
        result = store_error(s, rc, err, "reading the trends of plan %lld", (long long)p->store_id);
    sqlite3_reset(st);
    return result;
}

/* One measure row into m; the enums are the schema's CHECKed names. */
static int read_measure(sqlite3_stmt *st, ilm_measure *m, bool *oom)
{
    m->store_id = sqlite3_column_int64(st, 0);
    m->id = store_column_text(st, 1, oom);
    m->name = store_column_text(st, 2, oom);
    m->sector = store_column_text(st, 3, oom);
    m->ets = sqlite3_column_int(st, 4) != 0;
    m->start = sqlite3_column_int(st, 5);
    m->full = sqlite3_column_int(st, 6);
    m->is_absolute = sqlite3_column_int(st, 7) != 0;
    m->amount = sqlite3_column_double(st, 8);
    m->has_range = sqlite3_column_type(st, 9) != SQLITE_NULL;
    for (int k = 0; k < 3; k++)
        m->range[k] = m->has_range ? sqlite3_column_double(st, 9 + k) : 0;
    m->capex = sqlite3_column_double(st, 12);
    m->opex = sqlite3_column_double(st, 13);
    m->lifetime = sqlite3_column_double(st, 14);
    const char *control = (const char *)sqlite3_column_text(st, 15);
    m->optional = sqlite3_column_int(st, 16) != 0;
    const char *status = (const char *)sqlite3_column_text(st, 17);
    m->responsible = store_column_text(st, 18, oom);
    m->notes = store_column_text(st, 19, oom);
    if (!control || ilm_control_parse(control, &m->control) || !status ||
        ilm_status_parse(status, &m->status))
        return ILM_EINTERNAL;
    return 0;
}

static int load_measures(ilm_store *s, ilm_plan *p, ilm_errors *err)
{
    static const char sql[] =
        "SELECT id, key, name, sector, ets, start_year, full_year, is_absolute, amount,"
        " range_low, range_mode, range_high, capex, opex, lifetime, control, optional, status,"
        " responsible, notes FROM measure WHERE plan_id = ?1 ORDER BY position";
    sqlite3_stmt *st = store_stmt(s, sql, "reading the plan's measures", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_int64(st, 1, p->store_id);
    size_t cap = 0;
    int rc, result = 0;
    bool oom = false;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (p->n_measures == cap) {
            size_t grown = cap ? 2 * cap : 16;
            ilm_measure *g = realloc(p->measures, grown * sizeof *g);
            if (!g) {
                oom = true;
                break;
            }
            p->measures = g;
            cap = grown;
        }
        ilm_measure *m = &p->measures[p->n_measures++];
        memset(m, 0, sizeof *m);
        if (read_measure(st, m, &oom) && !oom) {
            ilm_errors_add(err, "measure %lld: a control or status the store does not know",
                           (long long)m->store_id);
            result = ILM_EINTERNAL;
            break;
        }
        if (oom)
            break;
    }
    if (oom)
        result = store_oom(err);
    else if (!result && rc != SQLITE_DONE)
        result =
            store_error(s, rc, err, "reading the measures of plan %lld", (long long)p->store_id);
    sqlite3_reset(st);
    return result;
}

/* The store's inventory and population of the plan's municipality: every
 * stream for "total" and "non_ets" (the model picks the streams in scope),
 * only the Hinku rows for "hinku" (spec section 2). */
static int load_inventory(ilm_store *s, ilm_plan *p, ilm_errors *err)
{
    ilm_inventory_view v = {0};
    ilm_scope scope = p->scope == ILM_SCOPE_HINKU ? ILM_SCOPE_HINKU : ILM_SCOPE_TOTAL;
    int rc = ilm_store_inventory(s, p->municipality_code, scope, 0, 0, &v, err);
    if (rc)
        return rc;
    p->inventory = calloc(v.n_rows ? v.n_rows : 1, sizeof *p->inventory);
    p->population = calloc(v.n_population ? v.n_population : 1, sizeof *p->population);
    bool oom = !p->inventory || !p->population;
    for (size_t i = 0; !oom && i < v.n_rows; i++) {
        ilm_inventory_row *r = &p->inventory[i];
        *r = (ilm_inventory_row){.year = v.rows[i].year, .ets = v.rows[i].ets, .t = v.rows[i].t};
        r->sector = strdup(v.rows[i].sector);
        if (!r->sector)
            oom = true;
        else
            p->n_inventory = i + 1;
    }
    for (size_t i = 0; !oom && i < v.n_population; i++)
        p->population[i] = (ilm_population_row){v.population[i].year, v.population[i].value};
    if (!oom)
        p->n_population = v.n_population;
    ilm_inventory_view_clear(&v);
    return oom ? store_oom(err) : 0;
}

static int load_plan_row(ilm_store *s, int64_t id, ilm_plan *p, ilm_errors *err)
{
    static const char sql[] =
        "SELECT p.municipality, m.name_fi, p.name, p.base_year, p.target_year, p.reduction,"
        " p.scope, p.default_trend, p.trend_sd, p.horizon, p.discount_rate, p.draws, p.seed,"
        " p.easy_max_eur_per_t, p.hard_min_eur_per_t, p.version, p.published"
        " FROM plan p JOIN municipality m ON m.code = p.municipality WHERE p.id = ?1";
    sqlite3_stmt *st = store_stmt(s, sql, "reading a plan", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    int result = 0;
    bool oom = false;
    if (rc == SQLITE_ROW) {
        p->store_id = id;
        p->format = ILM_PLAN_FORMAT;
        p->municipality_code = store_column_text(st, 0, &oom);
        p->municipality_name = store_column_text(st, 1, &oom);
        p->name = store_column_text(st, 2, &oom);
        p->base_year = sqlite3_column_int(st, 3);
        p->target_year = sqlite3_column_int(st, 4);
        p->reduction = sqlite3_column_double(st, 5);
        const char *scope = (const char *)sqlite3_column_text(st, 6);
        p->default_trend = sqlite3_column_double(st, 7);
        p->trend_sd = sqlite3_column_double(st, 8);
        p->horizon = sqlite3_column_int(st, 9);
        p->discount_rate = sqlite3_column_double(st, 10);
        p->draws = sqlite3_column_int64(st, 11);
        p->seed = seed_from_db(sqlite3_column_int64(st, 12));
        p->easy_max_eur_per_t = sqlite3_column_double(st, 13);
        p->hard_min_eur_per_t = sqlite3_column_double(st, 14);
        p->version = sqlite3_column_int64(st, 15);
        p->published = sqlite3_column_int(st, 16) != 0;
        if (oom)
            result = store_oom(err);
        else if (!scope || ilm_scope_parse(scope, &p->scope)) {
            ilm_errors_add(err, "plan %lld: a scope the store does not know", (long long)id);
            result = ILM_EINTERNAL;
        }
    } else if (rc == SQLITE_DONE) {
        ilm_errors_add(err, "no plan %lld in the store", (long long)id);
        result = ILM_ENOTFOUND;
    } else {
        result = store_error(s, rc, err, "reading plan %lld", (long long)id);
    }
    sqlite3_reset(st);
    return result;
}

int ilm_store_plan_load(ilm_store *s, int64_t id, ilm_plan **out, ilm_errors *err)
{
    *out = NULL;
    ilm_plan *p = ilm_plan_new();
    if (!p)
        return store_oom(err);
    /* One snapshot: the plan, its measures and the inventory it computes
     * on all come from the same state of the store. */
    bool began;
    int rc = store_begin_read(s, &began, err);
    if (!rc) {
        if ((rc = load_plan_row(s, id, p, err)) == 0 && (rc = load_trends(s, p, err)) == 0 &&
            (rc = load_measures(s, p, err)) == 0)
            rc = load_inventory(s, p, err);
        store_end_read(s, began);
    }
    if (rc) {
        ilm_plan_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

/* ---- list, delete, publish, stamp ---- */

void ilm_plan_summaries_free(ilm_plan_summary *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++) {
        free(v[i].municipality_name);
        free(v[i].name);
    }
    free(v);
}

int ilm_store_plan_list(ilm_store *s, const char *code, ilm_plan_summary **out, size_t *n,
                        ilm_errors *err)
{
    static const char sql[] =
        "SELECT p.id, p.municipality, m.name_fi, p.name, p.scope, p.base_year, p.target_year,"
        " p.reduction, (SELECT count(*) FROM measure x WHERE x.plan_id = p.id),"
        " p.version, p.published, p.updated_at"
        " FROM plan p JOIN municipality m ON m.code = p.municipality"
        " WHERE ?1 IS NULL OR p.municipality = ?1 ORDER BY p.id";
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = store_stmt(s, sql, "listing the plans", err);
    if (!st)
        return ILM_ESTORE;
    bind_text(st, 1, code);
    ilm_plan_summary *v = NULL;
    size_t len = 0, cap = 0;
    int rc, result = 0;
    bool oom = false;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap) {
            size_t grown = cap ? 2 * cap : 16;
            ilm_plan_summary *g = realloc(v, grown * sizeof *g);
            if (!g) {
                oom = true;
                break;
            }
            v = g;
            cap = grown;
        }
        ilm_plan_summary *e = &v[len++];
        memset(e, 0, sizeof *e);
        e->id = sqlite3_column_int64(st, 0);
        const char *c = (const char *)sqlite3_column_text(st, 1);
        snprintf(e->code, sizeof e->code, "%s", c ? c : "");
        e->municipality_name = store_column_text(st, 2, &oom);
        e->name = store_column_text(st, 3, &oom);
        const char *scope = (const char *)sqlite3_column_text(st, 4);
        if (!scope || ilm_scope_parse(scope, &e->scope))
            e->scope = ILM_SCOPE_TOTAL; /* the schema's CHECK allows no other */
        e->base_year = sqlite3_column_int(st, 5);
        e->target_year = sqlite3_column_int(st, 6);
        e->reduction = sqlite3_column_double(st, 7);
        e->n_measures = (size_t)sqlite3_column_int64(st, 8);
        e->version = sqlite3_column_int64(st, 9);
        e->published = sqlite3_column_int(st, 10) != 0;
        const char *at = (const char *)sqlite3_column_text(st, 11);
        snprintf(e->updated_at, sizeof e->updated_at, "%s", at ? at : "");
        if (oom)
            break;
    }
    if (oom)
        result = store_oom(err);
    else if (rc != SQLITE_DONE)
        result = store_error(s, rc, err, "listing the plans");
    sqlite3_reset(st);
    if (result) {
        ilm_plan_summaries_free(v, len);
        return result;
    }
    *out = v;
    *n = len;
    return 0;
}

int ilm_store_plan_delete(ilm_store *s, int64_t id, ilm_errors *err)
{
    /* The foreign keys' ON DELETE CASCADE takes the measures and trends
     * with it. */
    static const char sql[] = "DELETE FROM plan WHERE id = ?1";
    char what[64];
    snprintf(what, sizeof what, "deleting plan %lld", (long long)id);
    int rc = store_begin_write(s, what, err);
    if (rc)
        return rc;
    plan_head h;
    char *old_json = NULL;
    sqlite3_stmt *st = NULL;
    if ((rc = read_plan_head(s, id, &h, err)))
        goto done;
    if (!h.found) {
        ilm_errors_add(err, "no plan %lld in the store", (long long)id);
        rc = ILM_ENOTFOUND;
        goto done;
    }
    if ((rc = store_query_text(s, plan_json_sql, id, &old_json, "auditing the plan", err)))
        goto done;
    if (!(st = store_stmt(s, sql, what, err))) {
        rc = ILM_ESTORE;
        goto done;
    }
    sqlite3_bind_int64(st, 1, id);
    if ((rc = store_step_done(s, st, what, err)) ||
        (rc = store_audit_add(s, "plan.delete", h.code, id, 0, old_json, NULL, err)))
        goto done;
    rc = store_commit(s, what, err);
done:
    if (rc)
        store_rollback(s);
    free(old_json);
    return rc;
}

int ilm_store_plan_publish(ilm_store *s, int64_t id, bool published, ilm_errors *err)
{
    static const char sql[] = "UPDATE plan SET published = ?2, version = version + 1,"
                              " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?1";
    char what[64];
    snprintf(what, sizeof what, "%s plan %lld", published ? "publishing" : "withdrawing",
             (long long)id);
    int rc = store_begin_write(s, what, err);
    if (rc)
        return rc;
    plan_head h;
    char *old_json = NULL, *new_json = NULL;
    sqlite3_stmt *st = NULL;
    if ((rc = read_plan_head(s, id, &h, err)))
        goto done;
    if (!h.found) {
        ilm_errors_add(err, "no plan %lld in the store", (long long)id);
        rc = ILM_ENOTFOUND;
        goto done;
    }
    if ((rc = store_query_text(s, plan_json_sql, id, &old_json, "auditing the plan", err)))
        goto done;
    if (!(st = store_stmt(s, sql, what, err))) {
        rc = ILM_ESTORE;
        goto done;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, published ? 1 : 0);
    if ((rc = store_step_done(s, st, what, err)) ||
        (rc = store_query_text(s, plan_json_sql, id, &new_json, "auditing the plan", err)) ||
        (rc = store_audit_add(s, published ? "plan.publish" : "plan.unpublish", h.code, id, 0,
                              old_json, new_json, err)))
        goto done;
    rc = store_commit(s, what, err);
done:
    if (rc)
        store_rollback(s);
    free(old_json);
    free(new_json);
    return rc;
}

int ilm_store_plan_stamp(ilm_store *s, int64_t id, ilm_plan_stamp *out, ilm_errors *err)
{
    static const char sql[] =
        "SELECT p.municipality, p.version, m.data_version, p.published"
        " FROM plan p JOIN municipality m ON m.code = p.municipality WHERE p.id = ?1";
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = store_stmt(s, sql, "reading a plan's stamp", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    int result = 0;
    if (rc == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(st, 0);
        snprintf(out->code, sizeof out->code, "%s", code ? code : "");
        out->version = sqlite3_column_int64(st, 1);
        out->data_version = sqlite3_column_int64(st, 2);
        out->published = sqlite3_column_int(st, 3) != 0;
    } else if (rc == SQLITE_DONE) {
        ilm_errors_add(err, "no plan %lld in the store", (long long)id);
        result = ILM_ENOTFOUND;
    } else {
        result = store_error(s, rc, err, "reading the stamp of plan %lld", (long long)id);
    }
    sqlite3_reset(st);
    return result;
}

int ilm_store_measure_plan(ilm_store *s, int64_t measure_id, int64_t *plan_id, ilm_errors *err)
{
    static const char sql[] = "SELECT plan_id FROM measure WHERE id = ?1";
    *plan_id = 0;
    sqlite3_stmt *st = store_stmt(s, sql, "finding a measure", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_int64(st, 1, measure_id);
    int rc = sqlite3_step(st);
    int result = 0;
    if (rc == SQLITE_ROW) {
        *plan_id = sqlite3_column_int64(st, 0);
    } else if (rc == SQLITE_DONE) {
        ilm_errors_add(err, "no measure %lld in the store", (long long)measure_id);
        result = ILM_ENOTFOUND;
    } else {
        result = store_error(s, rc, err, "finding measure %lld", (long long)measure_id);
    }
    sqlite3_reset(st);
    return result;
}

/* ---- applying the optimiser's answer ---- */

/* The audit trail's JSON of an optimiser's application: the plan's version
 * and the status of each optional measure, by key. */
static const char optimum_json_sql[] =
    "SELECT json_object('version', p.version, 'status', json((SELECT"
    " json_group_object(m.key, m.status) FROM measure m WHERE m.plan_id = p.id AND m.optional)))"
    " FROM plan p WHERE p.id = ?1";

/* Sets the status of optional measure `key` of plan `id` to `to` (only
 * where it is `from`, when `from` is not NULL), counting a change in
 * *changed; ILM_EINVAL when the plan has no such optional measure. */
static int set_optional_status(ilm_store *s, int64_t id, const char *key, const char *from,
                               const char *to, int *changed, ilm_errors *err)
{
    static const char find_sql[] = "SELECT status FROM measure"
                                   " WHERE plan_id = ?1 AND key = ?2 AND optional";
    static const char set_sql[] = "UPDATE measure SET status = ?3 WHERE plan_id = ?1 AND key = ?2";
    sqlite3_stmt *st = store_stmt(s, find_sql, "reading a measure", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, key);
    int rc = sqlite3_step(st);
    bool found = rc == SQLITE_ROW;
    const char *now = found ? (const char *)sqlite3_column_text(st, 0) : NULL;
    bool matches = now && (!from || strcmp(now, from) == 0) && strcmp(now, to) != 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_error(s, rc, err, "reading measure \"%s\"", key);
    if (!found) {
        ilm_errors_add(err, "measures: \"%s\" is not an optional measure of plan %lld", key,
                       (long long)id);
        return ILM_EINVAL;
    }
    if (!matches)
        return 0;
    if (!(st = store_stmt(s, set_sql, "setting a measure's status", err)))
        return ILM_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, key);
    bind_text(st, 3, to);
    (*changed)++;
    return store_step_done(s, st, "setting a measure's status", err);
}

int ilm_store_plan_apply_optimum(ilm_store *s, int64_t id, int64_t version, const char *const *keep,
                                 size_t n_keep, const char *const *drop, size_t n_drop,
                                 ilm_errors *err)
{
    static const char bump_sql[] = "UPDATE plan SET version = version + 1,"
                                   " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
                                   " WHERE id = ?1";
    int rc = store_begin_write(s, "applying the optimiser's answer", err);
    if (rc)
        return rc;
    plan_head h;
    char *old_json = NULL, *new_json = NULL;
    sqlite3_stmt *st = NULL;
    if ((rc = read_plan_head(s, id, &h, err)))
        goto done;
    if (!h.found) {
        ilm_errors_add(err, "no plan %lld in the store", (long long)id);
        rc = ILM_ENOTFOUND;
        goto done;
    }
    if (h.version != version) {
        ilm_errors_add(err,
                       "plan %lld was changed by someone else: it is at version %lld, not "
                       "%lld; run the optimiser again",
                       (long long)id, (long long)h.version, (long long)version);
        rc = ILM_ECONFLICT;
        goto done;
    }
    if ((rc = store_query_text(s, optimum_json_sql, id, &old_json, "auditing the plan", err)))
        goto done;
    int changed = 0;
    for (size_t i = 0; !rc && i < n_drop; i++)
        rc = set_optional_status(s, id, drop[i], NULL, "cancelled", &changed, err);
    for (size_t i = 0; !rc && i < n_keep; i++)
        rc = set_optional_status(s, id, keep[i], "idea", "planned", &changed, err);
    if (rc)
        goto done;
    if (!changed) { /* nothing to apply: no version, no audit row */
        store_rollback(s);
        free(old_json);
        return 0;
    }
    if (!(st = store_stmt(s, bump_sql, "raising the plan's version", err))) {
        rc = ILM_ESTORE;
        goto done;
    }
    sqlite3_bind_int64(st, 1, id);
    if ((rc = store_step_done(s, st, "raising the plan's version", err)) ||
        (rc = store_query_text(s, optimum_json_sql, id, &new_json, "auditing the plan", err)) ||
        (rc = store_audit_add(s, "plan.optimize.apply", h.code, id, 0, old_json, new_json, err)))
        goto done;
    rc = store_commit(s, "applying the optimiser's answer", err);
done:
    if (rc)
        store_rollback(s);
    free(old_json);
    free(new_json);
    return rc;
}
