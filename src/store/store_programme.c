/* The coaching programme in the store: programmes with phases, contact
 * periods and days; applications with participants; council decisions on
 * plans; attendance; the sparring log; peer groups (sql/004).
 *
 * Each change is one transaction with its audit rows, the record before
 * and after as JSON made by SQLite. Programmes and applications carry a
 * version raised by every save, checked like a plan's.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ilmava/programme.h"
#include "store/internal.h"

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

/* Copies a text column into a fixed buffer ("" for NULL). */

/* Adds "FIELD: <fmt>" with its code, about that field. */
static void field_error(ilm_errors *err, ilm_error_code code, const char *field, const char *fmt,
                        ...) __attribute__((format(printf, 4, 5)));
static void field_error(ilm_errors *err, ilm_error_code code, const char *field, const char *fmt,
                        ...)
{
    char msg[ILM_ERROR_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ilm_errors_addc(err, code, field, "%s: %s", field, msg);
}

static void column_copy(sqlite3_stmt *st, int col, char *out, size_t n)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(out, n, "%s", t ? (const char *)t : "");
}

/* Binds a fixed-buffer text: "" becomes NULL. */
static void bind_opt(sqlite3_stmt *st, int i, const char *v)
{
    store_bind_text(st, i, v && *v ? v : NULL);
}

/* Steps a query expected to give one row or none; *found says which. */
static int step_one(ilm_store *s, sqlite3_stmt *st, bool *found, const char *what, ilm_errors *err)
{
    int rc = sqlite3_step(st);
    *found = rc == SQLITE_ROW;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_error(s, rc, err, "%s", what);
    return 0;
}

/* A JSON array of ids ("[1,2,3]"), for `id NOT IN (SELECT value FROM
 * json_each(?))`; malloc'd. */
static char *ids_json(const int64_t *ids, size_t n)
{
    size_t cap = 3 + n * 21;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    size_t len = 0;
    out[len++] = '[';
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(out + len, cap - len, "%s%lld", i ? "," : "", (long long)ids[i]);
    out[len++] = ']';
    out[len] = '\0';
    return out;
}

/* ---- programmes ---- */

static const char programme_json_sql[] =
    "SELECT json_object('id', p.id, 'name', p.name, 'year', p.year,"
    " 'description', p.description, 'apply_from', p.apply_from, 'apply_until', p.apply_until,"
    " 'capacity_min', p.capacity_min, 'capacity_max', p.capacity_max,"
    " 'own_funding_eur', p.own_funding_eur, 'eligibility_text', p.eligibility_text,"
    " 'score_weights', json(p.score_weights), 'max_region_share', p.max_region_share,"
    " 'max_size_share', p.max_size_share, 'version', p.version,"
    " 'phases', json((SELECT json_group_array(json_object('key', key, 'audience', audience))"
    "   FROM (SELECT key, audience FROM programme_phase WHERE programme_id = p.id"
    "   ORDER BY position))),"
    " 'periods', json((SELECT json_group_array(json_object('id', c.id, 'name', c.name,"
    "   'starts', c.starts, 'ends', c.ends, 'days', json((SELECT json_group_array("
    "   json_object('id', d.id, 'day', d.day, 'place', d.place, 'online', d.online,"
    "   'agenda', d.agenda, 'audience', d.audience, 'phase', d.phase))"
    "   FROM (SELECT * FROM contact_day WHERE period_id = c.id ORDER BY day, id) d))))"
    "   FROM (SELECT * FROM contact_period WHERE programme_id = p.id ORDER BY position) c)))"
    " FROM programme p WHERE p.id = ?1";

static char *weights_json(const double w[ILM_SCORE_COUNT])
{
    char *out = malloc(64 * ILM_SCORE_COUNT + 4);
    if (!out)
        return NULL;
    size_t len = 0;
    out[len++] = '{';
    for (int i = 0; i < ILM_SCORE_COUNT; i++)
        len += (size_t)sprintf(out + len, "%s\"%s\":%.17g", i ? "," : "",
                               ilm_score_criterion_name((ilm_score_criterion)i), w[i]);
    out[len++] = '}';
    out[len] = '\0';
    return out;
}

static int save_periods(ilm_store *s, const ilm_programme *p, int64_t id, ilm_errors *err)
{
    static const char ins_period[] =
        "INSERT INTO contact_period (programme_id, position, name, starts, ends)"
        " VALUES (?1, ?2, ?3, ?4, ?5)";
    static const char upd_period[] =
        "UPDATE contact_period SET position = ?2, name = ?3, starts = ?4, ends = ?5"
        " WHERE id = ?6 AND programme_id = ?1";
    static const char del_periods[] = "DELETE FROM contact_period WHERE programme_id = ?1"
                                      " AND id NOT IN (SELECT value FROM json_each(?2))";
    static const char ins_day[] =
        "INSERT INTO contact_day (period_id, day, place, online, agenda, audience, phase)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    static const char upd_day[] =
        "UPDATE contact_day SET period_id = ?1, day = ?2, place = ?3, online = ?4,"
        " agenda = ?5, audience = ?6, phase = ?7 WHERE id = ?8"
        " AND period_id IN (SELECT id FROM contact_period WHERE programme_id = ?9)";
    static const char del_days[] = "DELETE FROM contact_day WHERE period_id IN"
                                   " (SELECT id FROM contact_period WHERE programme_id = ?1)"
                                   " AND id NOT IN (SELECT value FROM json_each(?2))";
    const char *what = "saving the contact periods";
    size_t n_days = 0;
    for (size_t i = 0; i < p->n_periods; i++)
        n_days += p->periods[i].n_days;
    int64_t *period_ids = calloc(p->n_periods + 1, sizeof *period_ids);
    int64_t *day_ids = calloc(n_days + 1, sizeof *day_ids);
    char *keep = NULL;
    int rc = 0;
    if (!period_ids || !day_ids) {
        rc = store_oom(err);
        goto done;
    }
    /* Days first by id: a day that moves to another period keeps its
     * attendance. Periods are written first so that the days can name
     * them. */
    for (size_t i = 0; i < p->n_periods; i++) {
        const ilm_contact_period *c = &p->periods[i];
        sqlite3_stmt *st = store_stmt(s, c->id ? upd_period : ins_period, what, err);
        if (!st) {
            rc = ILM_ESTORE;
            goto done;
        }
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, (int64_t)i);
        sqlite3_bind_text(st, 3, c->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, c->starts, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, c->ends, -1, SQLITE_STATIC);
        if (c->id)
            sqlite3_bind_int64(st, 6, c->id);
        if ((rc = store_step_done(s, st, what, err)))
            goto done;
        if (c->id && sqlite3_changes(s->db) == 0) {
            {
                char f_[ILM_ERROR_FIELD_LEN];
                snprintf(f_, sizeof f_, "periods[%zu].id", i);
                field_error(err, ILM_ERR_NO_SUCH_RECORD, f_,
                            "no contact period %lld in this programme", (long long)c->id);
            }
            rc = ILM_EINVAL;
            goto done;
        }
        period_ids[i] = c->id ? c->id : sqlite3_last_insert_rowid(s->db);
    }
    size_t k = 0;
    for (size_t i = 0; i < p->n_periods; i++) {
        for (size_t j = 0; j < p->periods[i].n_days; j++) {
            const ilm_contact_day *d = &p->periods[i].days[j];
            sqlite3_stmt *st = store_stmt(s, d->id ? upd_day : ins_day, what, err);
            if (!st) {
                rc = ILM_ESTORE;
                goto done;
            }
            sqlite3_bind_int64(st, 1, period_ids[i]);
            sqlite3_bind_text(st, 2, d->day, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, d->place, -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 4, d->online);
            sqlite3_bind_text(st, 5, d->agenda ? d->agenda : "", -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 6, ilm_audience_name(d->audience), -1, SQLITE_STATIC);
            store_bind_text(st, 7, d->has_phase ? ilm_phase_name(d->phase) : NULL);
            if (d->id) {
                sqlite3_bind_int64(st, 8, d->id);
                sqlite3_bind_int64(st, 9, id);
            }
            if ((rc = store_step_done(s, st, what, err)))
                goto done;
            if (d->id && sqlite3_changes(s->db) == 0) {
                {
                    char f_[ILM_ERROR_FIELD_LEN];
                    snprintf(f_, sizeof f_, "periods[%zu].days[%zu].id", i, j);
                    field_error(err, ILM_ERR_NO_SUCH_RECORD, f_,
                                "no contact day %lld in this programme", (long long)d->id);
                }
                rc = ILM_EINVAL;
                goto done;
            }
            day_ids[k++] = d->id ? d->id : sqlite3_last_insert_rowid(s->db);
        }
    }
    const char *dels[2] = {del_days, del_periods};
    for (int t = 0; t < 2; t++) {
        free(keep);
        keep = t == 0 ? ids_json(day_ids, k) : ids_json(period_ids, p->n_periods);
        if (!keep) {
            rc = store_oom(err);
            goto done;
        }
        sqlite3_stmt *st = store_stmt(s, dels[t], what, err);
        if (!st) {
            rc = ILM_ESTORE;
            goto done;
        }
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, keep, -1, SQLITE_STATIC);
        if ((rc = store_step_done(s, st, what, err)))
            goto done;
    }
done:
    free(keep);
    free(period_ids);
    free(day_ids);
    return rc;
}

int ilm_store_programme_save(ilm_store *s, const ilm_programme *p, int64_t *id, ilm_errors *err)
{
    static const char version_sql[] = "SELECT version FROM programme WHERE id = ?1";
    static const char insert_sql[] =
        "INSERT INTO programme (name, year, description, apply_from, apply_until, capacity_min,"
        " capacity_max, own_funding_eur, eligibility_text, score_weights, max_region_share,"
        " max_size_share, version, created_at, updated_at)"
        " VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 1, " NOW ", " NOW ")";
    static const char update_sql[] =
        "UPDATE programme SET name = ?2, year = ?3, description = ?4, apply_from = ?5,"
        " apply_until = ?6, capacity_min = ?7, capacity_max = ?8, own_funding_eur = ?9,"
        " eligibility_text = ?10, score_weights = ?11, max_region_share = ?12,"
        " max_size_share = ?13, version = version + 1, updated_at = " NOW " WHERE id = ?1";
    static const char del_phases[] = "DELETE FROM programme_phase WHERE programme_id = ?1";
    static const char ins_phase[] =
        "INSERT INTO programme_phase (programme_id, position, key, audience)"
        " VALUES (?1, ?2, ?3, ?4)";
    const char *what = "saving a programme";
    char *old_json = NULL, *new_json = NULL, *weights = weights_json(p->weights);
    if (!weights)
        return store_oom(err);
    int rc = store_begin_write(s, what, err);
    if (rc) {
        free(weights);
        return rc;
    }
    sqlite3_stmt *st;
    if (p->id) {
        if (!(st = store_stmt(s, version_sql, what, err))) {
            rc = ILM_ESTORE;
            goto done;
        }
        sqlite3_bind_int64(st, 1, p->id);
        bool found = false;
        rc = step_one(s, st, &found, what, err);
        int64_t version = found ? sqlite3_column_int64(st, 0) : 0;
        sqlite3_reset(st);
        if (rc)
            goto done;
        if (!found) {
            ilm_errors_add(err, "no programme %lld in the store", (long long)p->id);
            rc = ILM_ENOTFOUND;
            goto done;
        }
        if (p->version && p->version != version) {
            ilm_errors_addc(err, ILM_ERR_VERSION_CONFLICT, "version",
                            "version: programme %lld was changed by someone else: it is at "
                            "version %lld, not %lld",
                            (long long)p->id, (long long)version, (long long)p->version);
            rc = ILM_ECONFLICT;
            goto done;
        }
        if ((rc = store_query_text(s, programme_json_sql, p->id, &old_json, what, err)))
            goto done;
    }
    if (!(st = store_stmt(s, p->id ? update_sql : insert_sql, what, err))) {
        rc = ILM_ESTORE;
        goto done;
    }
    if (p->id)
        sqlite3_bind_int64(st, 1, p->id);
    sqlite3_bind_text(st, 2, p->name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, p->year);
    sqlite3_bind_text(st, 4, p->description ? p->description : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, p->apply_from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, p->apply_until, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, p->capacity_min);
    sqlite3_bind_int(st, 8, p->capacity_max);
    sqlite3_bind_double(st, 9, p->own_funding_eur);
    sqlite3_bind_text(st, 10, p->eligibility_text ? p->eligibility_text : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 11, weights, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 12, p->max_region_share);
    sqlite3_bind_double(st, 13, p->max_size_share);
    if ((rc = store_step_done(s, st, what, err)))
        goto done;
    *id = p->id ? p->id : sqlite3_last_insert_rowid(s->db);
    if (!(st = store_stmt(s, del_phases, what, err))) {
        rc = ILM_ESTORE;
        goto done;
    }
    sqlite3_bind_int64(st, 1, *id);
    if ((rc = store_step_done(s, st, what, err)))
        goto done;
    for (size_t i = 0; i < p->n_phases; i++) {
        if (!(st = store_stmt(s, ins_phase, what, err))) {
            rc = ILM_ESTORE;
            goto done;
        }
        sqlite3_bind_int64(st, 1, *id);
        sqlite3_bind_int64(st, 2, (int64_t)i);
        sqlite3_bind_text(st, 3, ilm_phase_name(p->phases[i].key), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, ilm_audience_name(p->phases[i].audience), -1, SQLITE_STATIC);
        if ((rc = store_step_done(s, st, what, err)))
            goto done;
    }
    if ((rc = save_periods(s, p, *id, err)))
        goto done;
    if ((rc = store_query_text(s, programme_json_sql, *id, &new_json, what, err)) ||
        (rc = store_audit_add(s, p->id ? "programme.update" : "programme.create", NULL, 0, 0,
                              old_json, new_json, err)))
        goto done;
    rc = store_commit(s, what, err);
done:
    if (rc)
        store_rollback(s);
    free(weights);
    free(old_json);
    free(new_json);
    return rc;
}

/* Reads the weights object back; unknown keys are ignored, missing ones
 * keep their defaults. */
static void parse_weights(const char *json, double w[ILM_SCORE_COUNT])
{
    ilm_score_weights_default(w);
    if (!json)
        return;
    for (int i = 0; i < ILM_SCORE_COUNT; i++) {
        char key[48];
        snprintf(key, sizeof key, "\"%s\":", ilm_score_criterion_name((ilm_score_criterion)i));
        const char *at = strstr(json, key);
        if (at)
            w[i] = strtod(at + strlen(key), NULL);
    }
}

static int load_periods(ilm_store *s, ilm_programme *p, ilm_errors *err)
{
    static const char period_sql[] =
        "SELECT id, name, starts, ends FROM contact_period WHERE programme_id = ?1"
        " ORDER BY position, id";
    static const char day_sql[] =
        "SELECT id, day, place, online, agenda, audience, phase FROM contact_day"
        " WHERE period_id = ?1 ORDER BY day, id";
    const char *what = "reading contact periods";
    sqlite3_stmt *st = store_stmt(s, period_sql, what, err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_int64(st, 1, p->id);
    bool oom = false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        ilm_contact_period *grown = realloc(p->periods, (p->n_periods + 1) * sizeof *grown);
        if (!grown) {
            oom = true;
            break;
        }
        p->periods = grown;
        ilm_contact_period *c = &p->periods[p->n_periods++];
        memset(c, 0, sizeof *c);
        c->id = sqlite3_column_int64(st, 0);
        c->name = store_column_text(st, 1, &oom);
        column_copy(st, 2, c->starts, sizeof c->starts);
        column_copy(st, 3, c->ends, sizeof c->ends);
    }
    sqlite3_reset(st);
    if (oom)
        return store_oom(err);
    if (rc != SQLITE_DONE)
        return store_error(s, rc, err, "%s", what);
    for (size_t i = 0; i < p->n_periods; i++) {
        ilm_contact_period *c = &p->periods[i];
        if (!(st = store_stmt(s, day_sql, what, err)))
            return ILM_ESTORE;
        sqlite3_bind_int64(st, 1, c->id);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            ilm_contact_day *grown = realloc(c->days, (c->n_days + 1) * sizeof *grown);
            if (!grown) {
                oom = true;
                break;
            }
            c->days = grown;
            ilm_contact_day *d = &c->days[c->n_days++];
            memset(d, 0, sizeof *d);
            d->id = sqlite3_column_int64(st, 0);
            column_copy(st, 1, d->day, sizeof d->day);
            d->place = store_column_text(st, 2, &oom);
            d->online = sqlite3_column_int(st, 3) != 0;
            d->agenda = store_column_text(st, 4, &oom);
            ilm_audience_parse((const char *)sqlite3_column_text(st, 5), &d->audience);
            const char *ph = (const char *)sqlite3_column_text(st, 6);
            d->has_phase = ph && ilm_phase_parse(ph, &d->phase) == 0;
        }
        sqlite3_reset(st);
        if (oom)
            return store_oom(err);
        if (rc != SQLITE_DONE)
            return store_error(s, rc, err, "%s", what);
    }
    return 0;
}

int ilm_store_programme_load(ilm_store *s, int64_t id, ilm_programme **out, ilm_errors *err)
{
    static const char sql[] =
        "SELECT name, year, description, apply_from, apply_until, capacity_min, capacity_max,"
        " own_funding_eur, eligibility_text, score_weights, max_region_share, max_size_share,"
        " version, created_at, updated_at FROM programme WHERE id = ?1";
    static const char phase_sql[] =
        "SELECT key, audience FROM programme_phase WHERE programme_id = ?1 ORDER BY position";
    const char *what = "reading a programme";
    *out = NULL;
    ilm_programme *p = ilm_programme_new();
    if (!p)
        return store_oom(err);
    bool began = false;
    int rc = store_begin_read(s, &began, err);
    if (rc) {
        ilm_programme_free(p);
        return rc;
    }
    sqlite3_stmt *st = store_stmt(s, sql, what, err);
    bool oom = false, found = false;
    if (!st) {
        rc = ILM_ESTORE;
        goto done;
    }
    sqlite3_bind_int64(st, 1, id);
    if (!(rc = step_one(s, st, &found, what, err)) && found) {
        p->id = id;
        p->name = store_column_text(st, 0, &oom);
        p->year = sqlite3_column_int(st, 1);
        p->description = store_column_text(st, 2, &oom);
        column_copy(st, 3, p->apply_from, sizeof p->apply_from);
        column_copy(st, 4, p->apply_until, sizeof p->apply_until);
        p->capacity_min = sqlite3_column_int(st, 5);
        p->capacity_max = sqlite3_column_int(st, 6);
        p->own_funding_eur = sqlite3_column_double(st, 7);
        p->eligibility_text = store_column_text(st, 8, &oom);
        parse_weights((const char *)sqlite3_column_text(st, 9), p->weights);
        p->max_region_share = sqlite3_column_double(st, 10);
        p->max_size_share = sqlite3_column_double(st, 11);
        p->version = sqlite3_column_int64(st, 12);
        column_copy(st, 13, p->created_at, sizeof p->created_at);
        column_copy(st, 14, p->updated_at, sizeof p->updated_at);
    }
    sqlite3_reset(st);
    if (rc)
        goto done;
    if (oom) {
        rc = store_oom(err);
        goto done;
    }
    if (!found) {
        ilm_errors_add(err, "no programme %lld in the store", (long long)id);
        rc = ILM_ENOTFOUND;
        goto done;
    }
    if (!(st = store_stmt(s, phase_sql, what, err))) {
        rc = ILM_ESTORE;
        goto done;
    }
    sqlite3_bind_int64(st, 1, id);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW && p->n_phases < ILM_PHASE_COUNT) {
        ilm_phase *ph = &p->phases[p->n_phases++];
        ilm_phase_parse((const char *)sqlite3_column_text(st, 0), &ph->key);
        ilm_audience_parse((const char *)sqlite3_column_text(st, 1), &ph->audience);
    }
    sqlite3_reset(st);
    if (step != SQLITE_DONE && step != SQLITE_ROW) {
        rc = store_error(s, step, err, "%s", what);
        goto done;
    }
    rc = load_periods(s, p, err);
done:
    store_end_read(s, began);
    if (rc) {
        ilm_programme_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

/* Ids of a query with ?1 bound to `arg` (0: none bound). */
static int query_ids(ilm_store *s, const char *sql, int64_t arg, const char *text_arg,
                     int64_t **out, size_t *n, ilm_errors *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = store_stmt(s, sql, "listing", err);
    if (!st)
        return ILM_ESTORE;
    if (arg)
        sqlite3_bind_int64(st, 1, arg);
    if (text_arg)
        sqlite3_bind_text(st, 2, text_arg, -1, SQLITE_STATIC);
    int rc;
    int64_t *v = NULL;
    size_t count = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t *grown = realloc(v, (count + 1) * sizeof *grown);
        if (!grown) {
            sqlite3_reset(st);
            free(v);
            return store_oom(err);
        }
        v = grown;
        v[count++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        free(v);
        return store_error(s, rc, err, "listing");
    }
    *out = v;
    *n = count;
    return 0;
}

int ilm_store_programmes(ilm_store *s, ilm_programme ***out, size_t *n, ilm_errors *err)
{
    static const char sql[] = "SELECT id FROM programme ORDER BY year DESC, id";
    *out = NULL;
    *n = 0;
    int64_t *ids = NULL;
    size_t count = 0;
    bool began = false;
    int rc = store_begin_read(s, &began, err);
    if (rc)
        return rc;
    if ((rc = query_ids(s, sql, 0, NULL, &ids, &count, err)))
        goto done;
    ilm_programme **v = calloc(count + 1, sizeof *v);
    if (!v) {
        rc = store_oom(err);
        goto done;
    }
    for (size_t i = 0; i < count; i++) {
        if ((rc = ilm_store_programme_load(s, ids[i], &v[i], err))) {
            ilm_programmes_free(v, i);
            goto done;
        }
    }
    *out = v;
    *n = count;
done:
    store_end_read(s, began);
    free(ids);
    return rc;
}

int ilm_store_programme_period(ilm_store *s, int64_t id, char from[ILM_DATE_LEN],
                               char until[ILM_DATE_LEN], ilm_errors *err)
{
    static const char sql[] = "SELECT apply_from, apply_until FROM programme WHERE id = ?1";
    sqlite3_stmt *st = store_stmt(s, sql, "reading a programme", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    bool found = false;
    int rc = step_one(s, st, &found, "reading a programme", err);
    if (!rc && found) {
        column_copy(st, 0, from, ILM_DATE_LEN);
        column_copy(st, 1, until, ILM_DATE_LEN);
    }
    sqlite3_reset(st);
    if (!rc && !found) {
        ilm_errors_add(err, "no programme %lld in the store", (long long)id);
        rc = ILM_ENOTFOUND;
    }
    return rc;
}

int ilm_store_contact_day_programme(ilm_store *s, int64_t day_id, int64_t *programme_id,
                                    ilm_errors *err)
{
    static const char sql[] = "SELECT c.programme_id FROM contact_day d"
                              " JOIN contact_period c ON c.id = d.period_id WHERE d.id = ?1";
    sqlite3_stmt *st = store_stmt(s, sql, "reading a contact day", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_int64(st, 1, day_id);
    bool found = false;
    int rc = step_one(s, st, &found, "reading a contact day", err);
    if (!rc && found)
        *programme_id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (!rc && !found) {
        ilm_errors_add(err, "no contact day %lld in the store", (long long)day_id);
        rc = ILM_ENOTFOUND;
    }
    return rc;
}

/* ---- applications ---- */

static const char application_json_sql[] =
    "SELECT json_object('id', a.id, 'programme_id', a.programme_id, 'municipality',"
    " a.municipality, 'status', a.status, 'climate_work', a.climate_work,"
    " 'has_council_target', a.has_council_target, 'target_body', a.target_body,"
    " 'target_date', a.target_date, 'target_section', a.target_section, 'target_dnro',"
    " a.target_dnro, 'tells_easy_from_hard', a.tells_easy_from_hard, 'easy_hard_how',"
    " a.easy_hard_how, 'problems', json(a.problems), 'sparring_problem', a.sparring_problem,"
    " 'own_funding_accepted', a.own_funding_accepted, 'board_body', a.board_body,"
    " 'board_date', a.board_date, 'board_section', a.board_section, 'board_dnro', a.board_dnro,"
    " 'language', a.language, 'override_reason', a.override_reason, 'override_condition',"
    " a.override_condition, 'decision', a.decision, 'decision_reason', a.decision_reason,"
    " 'decided_at', a.decided_at, 'start_plan_id', a.start_plan_id, 'start_gap', a.start_gap,"
    " 'invoiced_at', a.invoiced_at, 'paid_at', a.paid_at, 'submitted_at', a.submitted_at,"
    " 'version', a.version, 'participants', json((SELECT json_group_array(json_object('id',"
    " x.id, 'name', x.name, 'title', x.title, 'level', x.level, 'phases', json(x.phases)))"
    " FROM (SELECT * FROM participant WHERE application_id = a.id ORDER BY position) x)))"
    " FROM application a WHERE a.id = ?1";

/* A JSON array of strings, escaped; malloc'd. */
static char *strings_json(char *const *v, size_t n)
{
    size_t cap = 3;
    for (size_t i = 0; i < n; i++)
        cap += strlen(v[i]) * 6 + 3;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    size_t len = 0;
    out[len++] = '[';
    for (size_t i = 0; i < n; i++) {
        if (i)
            out[len++] = ',';
        out[len++] = '"';
        for (const unsigned char *c = (const unsigned char *)v[i]; *c; c++) {
            if (*c == '"' || *c == '\\') {
                out[len++] = '\\';
                out[len++] = (char)*c;
            } else if (*c < 0x20) {
                len += (size_t)sprintf(out + len, "\\u%04x", *c);
            } else {
                out[len++] = (char)*c;
            }
        }
        out[len++] = '"';
    }
    out[len++] = ']';
    out[len] = '\0';
    return out;
}

static char *phases_json(unsigned phases)
{
    char *names[ILM_PHASE_COUNT];
    size_t n = 0;
    for (int k = 0; k < ILM_PHASE_COUNT; k++)
        if (phases & (1u << k))
            names[n++] = (char *)ilm_phase_name((ilm_phase_key)k);
    return strings_json(names, n);
}

static int save_participants(ilm_store *s, const ilm_application *a, int64_t id, ilm_errors *err)
{
    static const char ins[] =
        "INSERT INTO participant (application_id, position, name, title, level, phases)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    static const char upd[] =
        "UPDATE participant SET position = ?2, name = ?3, title = ?4, level = ?5, phases = ?6"
        " WHERE id = ?7 AND application_id = ?1";
    static const char del[] = "DELETE FROM participant WHERE application_id = ?1"
                              " AND id NOT IN (SELECT value FROM json_each(?2))";
    const char *what = "saving the participants";
    int64_t *ids = calloc(a->n_participants + 1, sizeof *ids);
    if (!ids)
        return store_oom(err);
    int rc = 0;
    char *keep = NULL;
    for (size_t i = 0; i < a->n_participants; i++) {
        const ilm_participant *x = &a->participants[i];
        char *ph = phases_json(x->phases);
        sqlite3_stmt *st = ph ? store_stmt(s, x->id ? upd : ins, what, err) : NULL;
        if (!st) {
            free(ph);
            rc = ph ? ILM_ESTORE : store_oom(err);
            goto done;
        }
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, (int64_t)i);
        sqlite3_bind_text(st, 3, x->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, x->title, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, ilm_level_name(x->level), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, ph, -1, SQLITE_STATIC);
        if (x->id)
            sqlite3_bind_int64(st, 7, x->id);
        rc = store_step_done(s, st, what, err);
        free(ph);
        if (rc)
            goto done;
        if (x->id && sqlite3_changes(s->db) == 0) {
            {
                char f_[ILM_ERROR_FIELD_LEN];
                snprintf(f_, sizeof f_, "participants[%zu].id", i);
                field_error(err, ILM_ERR_NO_SUCH_RECORD, f_,
                            "no participant %lld in this application", (long long)x->id);
            }
            rc = ILM_EINVAL;
            goto done;
        }
        ids[i] = x->id ? x->id : sqlite3_last_insert_rowid(s->db);
    }
    if (!(keep = ids_json(ids, a->n_participants))) {
        rc = store_oom(err);
        goto done;
    }
    sqlite3_stmt *st = store_stmt(s, del, what, err);
    if (!st) {
        rc = ILM_ESTORE;
        goto done;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, keep, -1, SQLITE_STATIC);
    rc = store_step_done(s, st, what, err);
done:
    free(keep);
    free(ids);
    return rc;
}

static void bind_ref(sqlite3_stmt *st, int i, const ilm_decision_ref *r)
{
    bool has = r->body && *r->body;
    store_bind_text(st, i, has ? r->body : NULL);
    bind_opt(st, i + 1, has ? r->date : NULL);
    store_bind_text(st, i + 2, has ? r->section : NULL);
    store_bind_text(st, i + 3, has ? r->dnro : NULL);
}

int ilm_store_application_save(ilm_store *s, const ilm_application *a, int64_t *id, ilm_errors *err)
{
    static const char head_sql[] = "SELECT version, municipality, programme_id FROM application"
                                   " WHERE id = ?1";
    static const char dup_sql[] = "SELECT id FROM application WHERE programme_id = ?1"
                                  " AND municipality = ?2";
    static const char prog_sql[] = "SELECT 1 FROM programme WHERE id = ?1";
    static const char insert_sql[] =
        "INSERT INTO application (programme_id, municipality, status, climate_work,"
        " has_council_target, target_body, target_date, target_section, target_dnro,"
        " tells_easy_from_hard, easy_hard_how, problems, sparring_problem,"
        " own_funding_accepted, board_body, board_date, board_section, board_dnro, language,"
        " override_reason, override_condition, decision, decision_reason, decided_at,"
        " start_plan_id, start_gap, start_gap_at, invoiced_at, paid_at, submitted_at, version,"
        " created_at, updated_at) VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
        " ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30,"
        " CASE WHEN ?4 = 'submitted' THEN " NOW " END, 1, " NOW ", " NOW ")";
    static const char update_sql[] =
        "UPDATE application SET status = ?4, climate_work = ?5, has_council_target = ?6,"
        " target_body = ?7, target_date = ?8, target_section = ?9, target_dnro = ?10,"
        " tells_easy_from_hard = ?11, easy_hard_how = ?12, problems = ?13,"
        " sparring_problem = ?14, own_funding_accepted = ?15, board_body = ?16,"
        " board_date = ?17, board_section = ?18, board_dnro = ?19, language = ?20,"
        " override_reason = ?21, override_condition = ?22, decision = ?23,"
        " decision_reason = ?24, decided_at = ?25, start_plan_id = ?26, start_gap = ?27,"
        " start_gap_at = ?28, invoiced_at = ?29, paid_at = ?30,"
        " submitted_at = CASE WHEN ?4 = 'submitted' AND status <> 'submitted' THEN " NOW
        " ELSE submitted_at END, version = version + 1, updated_at = " NOW " WHERE id = ?1";
    const char *what = "saving an application";
    char *old_json = NULL, *new_json = NULL;
    char *problems = strings_json(a->problems, a->n_problems);
    if (!problems)
        return store_oom(err);
    int rc = store_begin_write(s, what, err);
    if (rc) {
        free(problems);
        return rc;
    }
    sqlite3_stmt *st;
    bool found = false;
    char code[4] = "";
    snprintf(code, sizeof code, "%s", a->code);
    if (a->id) {
        if (!(st = store_stmt(s, head_sql, what, err))) {
            rc = ILM_ESTORE;
            goto done;
        }
        sqlite3_bind_int64(st, 1, a->id);
        rc = step_one(s, st, &found, what, err);
        int64_t version = found ? sqlite3_column_int64(st, 0) : 0;
        if (found)
            column_copy(st, 1, code, sizeof code);
        sqlite3_reset(st);
        if (rc)
            goto done;
        if (!found) {
            ilm_errors_add(err, "no application %lld in the store", (long long)a->id);
            rc = ILM_ENOTFOUND;
            goto done;
        }
        if (a->version && a->version != version) {
            ilm_errors_addc(err, ILM_ERR_VERSION_CONFLICT, "version",
                            "version: application %lld was changed by someone else: it is "
                            "at version %lld, not %lld",
                            (long long)a->id, (long long)version, (long long)a->version);
            rc = ILM_ECONFLICT;
            goto done;
        }
        if ((rc = store_query_text(s, application_json_sql, a->id, &old_json, what, err)))
            goto done;
    } else {
        if (!(st = store_stmt(s, prog_sql, what, err))) {
            rc = ILM_ESTORE;
            goto done;
        }
        sqlite3_bind_int64(st, 1, a->programme_id);
        rc = step_one(s, st, &found, what, err);
        sqlite3_reset(st);
        if (rc)
            goto done;
        if (!found) {
            ilm_errors_add(err, "no programme %lld in the store", (long long)a->programme_id);
            rc = ILM_ENOTFOUND;
            goto done;
        }
        bool exists = false;
        if ((rc = store_municipality_exists(s, a->code, &exists, err)))
            goto done;
        if (!exists) {
            ilm_errors_addc(err, ILM_ERR_UNKNOWN_MUNICIPALITY, "municipality",
                            "municipality: no municipality \"%s\" in the store", a->code);
            rc = ILM_EINVAL;
            goto done;
        }
        if (!(st = store_stmt(s, dup_sql, what, err))) {
            rc = ILM_ESTORE;
            goto done;
        }
        sqlite3_bind_int64(st, 1, a->programme_id);
        sqlite3_bind_text(st, 2, a->code, -1, SQLITE_STATIC);
        rc = step_one(s, st, &found, what, err);
        int64_t other = found ? sqlite3_column_int64(st, 0) : 0;
        sqlite3_reset(st);
        if (rc)
            goto done;
        if (found) {
            ilm_errors_addc(err, ILM_ERR_ALREADY_APPLIED, "municipality",
                            "municipality: %s has already applied to programme %lld "
                            "(application %lld); change that one instead",
                            a->code, (long long)a->programme_id, (long long)other);
            rc = ILM_ECONFLICT;
            goto done;
        }
    }
    if (!(st = store_stmt(s, a->id ? update_sql : insert_sql, what, err))) {
        rc = ILM_ESTORE;
        goto done;
    }
    if (a->id)
        sqlite3_bind_int64(st, 1, a->id);
    sqlite3_bind_int64(st, 2, a->programme_id);
    sqlite3_bind_text(st, 3, a->code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, ilm_application_status_name(a->status), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, a->climate_work ? a->climate_work : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, a->has_council_target);
    bind_ref(st, 7, &a->target);
    sqlite3_bind_int(st, 11, a->tells_easy_from_hard);
    sqlite3_bind_text(st, 12, a->easy_hard_how ? a->easy_hard_how : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 13, problems, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 14, a->sparring_problem ? a->sparring_problem : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 15, a->own_funding_accepted);
    bind_ref(st, 16, &a->board);
    bind_opt(st, 20, a->language);
    store_bind_text(st, 21, a->override_reason);
    store_bind_text(st, 22, a->override_condition);
    sqlite3_bind_text(st, 23, ilm_decision_name(a->decision), -1, SQLITE_STATIC);
    store_bind_text(st, 24, a->decision_reason);
    bind_opt(st, 25, a->decided_at);
    if (a->has_start_gap) {
        if (a->start_plan_id)
            sqlite3_bind_int64(st, 26, a->start_plan_id);
        sqlite3_bind_double(st, 27, a->start_gap);
        bind_opt(st, 28, a->start_gap_at);
    }
    bind_opt(st, 29, a->invoiced_at);
    bind_opt(st, 30, a->paid_at);
    if ((rc = store_step_done(s, st, what, err)))
        goto done;
    *id = a->id ? a->id : sqlite3_last_insert_rowid(s->db);
    if ((rc = save_participants(s, a, *id, err)))
        goto done;
    if ((rc = store_query_text(s, application_json_sql, *id, &new_json, what, err)) ||
        (rc = store_audit_add(s, a->id ? "application.update" : "application.create", code, 0, 0,
                              old_json, new_json, err)))
        goto done;
    rc = store_commit(s, what, err);
done:
    if (rc)
        store_rollback(s);
    free(problems);
    free(old_json);
    free(new_json);
    return rc;
}

/* Reads a JSON array of strings as SQLite's json_each gives it. */
static int load_strings(ilm_store *s, const char *sql, int64_t id, char ***out, size_t *n,
                        ilm_errors *err)
{
    sqlite3_stmt *st = store_stmt(s, sql, "reading a list", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    int rc;
    bool oom = false;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char **grown = realloc(*out, (*n + 1) * sizeof *grown);
        if (!grown) {
            oom = true;
            break;
        }
        *out = grown;
        (*out)[*n] = store_column_text(st, 0, &oom);
        if ((*out)[*n])
            (*n)++;
    }
    sqlite3_reset(st);
    if (oom)
        return store_oom(err);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : store_error(s, rc, err, "reading a list");
}

static void read_ref(sqlite3_stmt *st, int col, ilm_decision_ref *r, bool *oom)
{
    r->body = store_column_text(st, col, oom);
    column_copy(st, col + 1, r->date, sizeof r->date);
    r->section = store_column_text(st, col + 2, oom);
    r->dnro = store_column_text(st, col + 3, oom);
}

int ilm_store_application_load(ilm_store *s, int64_t id, ilm_application **out, ilm_errors *err)
{
    static const char sql[] =
        "SELECT programme_id, municipality, status, climate_work, has_council_target,"
        " target_body, target_date, target_section, target_dnro, tells_easy_from_hard,"
        " easy_hard_how, sparring_problem, own_funding_accepted, board_body, board_date,"
        " board_section, board_dnro, language, override_reason, override_condition, decision,"
        " decision_reason, decided_at, start_plan_id, start_gap, start_gap_at, invoiced_at,"
        " paid_at, submitted_at, version, created_at, updated_at"
        " FROM application WHERE id = ?1";
    static const char problems_sql[] =
        "SELECT j.value FROM application a, json_each(a.problems) j WHERE a.id = ?1"
        " ORDER BY j.key";
    static const char part_sql[] =
        "SELECT id, name, title, level, phases FROM participant WHERE application_id = ?1"
        " ORDER BY position, id";
    static const char part_phase_sql[] =
        "SELECT j.value FROM participant x, json_each(x.phases) j WHERE x.id = ?1";
    const char *what = "reading an application";
    *out = NULL;
    ilm_application *a = ilm_application_new();
    if (!a)
        return store_oom(err);
    bool began = false, found = false, oom = false;
    int rc = store_begin_read(s, &began, err);
    if (rc) {
        ilm_application_free(a);
        return rc;
    }
    sqlite3_stmt *st = store_stmt(s, sql, what, err);
    if (!st) {
        rc = ILM_ESTORE;
        goto done;
    }
    sqlite3_bind_int64(st, 1, id);
    if (!(rc = step_one(s, st, &found, what, err)) && found) {
        a->id = id;
        a->programme_id = sqlite3_column_int64(st, 0);
        column_copy(st, 1, a->code, sizeof a->code);
        ilm_application_status_parse((const char *)sqlite3_column_text(st, 2), &a->status);
        a->climate_work = store_column_text(st, 3, &oom);
        a->has_council_target = sqlite3_column_int(st, 4) != 0;
        read_ref(st, 5, &a->target, &oom);
        a->tells_easy_from_hard = sqlite3_column_int(st, 9) != 0;
        a->easy_hard_how = store_column_text(st, 10, &oom);
        a->sparring_problem = store_column_text(st, 11, &oom);
        a->own_funding_accepted = sqlite3_column_int(st, 12) != 0;
        read_ref(st, 13, &a->board, &oom);
        column_copy(st, 17, a->language, sizeof a->language);
        a->override_reason = store_column_text(st, 18, &oom);
        a->override_condition = store_column_text(st, 19, &oom);
        ilm_decision_parse((const char *)sqlite3_column_text(st, 20), &a->decision);
        a->decision_reason = store_column_text(st, 21, &oom);
        column_copy(st, 22, a->decided_at, sizeof a->decided_at);
        a->has_start_gap = sqlite3_column_type(st, 24) != SQLITE_NULL;
        a->start_plan_id = sqlite3_column_int64(st, 23);
        a->start_gap = sqlite3_column_double(st, 24);
        column_copy(st, 25, a->start_gap_at, sizeof a->start_gap_at);
        column_copy(st, 26, a->invoiced_at, sizeof a->invoiced_at);
        column_copy(st, 27, a->paid_at, sizeof a->paid_at);
        column_copy(st, 28, a->submitted_at, sizeof a->submitted_at);
        a->version = sqlite3_column_int64(st, 29);
        column_copy(st, 30, a->created_at, sizeof a->created_at);
        column_copy(st, 31, a->updated_at, sizeof a->updated_at);
    }
    sqlite3_reset(st);
    if (rc)
        goto done;
    if (oom) {
        rc = store_oom(err);
        goto done;
    }
    if (!found) {
        ilm_errors_add(err, "no application %lld in the store", (long long)id);
        rc = ILM_ENOTFOUND;
        goto done;
    }
    if ((rc = load_strings(s, problems_sql, id, &a->problems, &a->n_problems, err)))
        goto done;
    if (!(st = store_stmt(s, part_sql, what, err))) {
        rc = ILM_ESTORE;
        goto done;
    }
    sqlite3_bind_int64(st, 1, id);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        ilm_participant *grown = realloc(a->participants, (a->n_participants + 1) * sizeof *grown);
        if (!grown) {
            oom = true;
            break;
        }
        a->participants = grown;
        ilm_participant *x = &a->participants[a->n_participants++];
        memset(x, 0, sizeof *x);
        x->id = sqlite3_column_int64(st, 0);
        x->name = store_column_text(st, 1, &oom);
        x->title = store_column_text(st, 2, &oom);
        ilm_level_parse((const char *)sqlite3_column_text(st, 3), &x->level);
    }
    sqlite3_reset(st);
    if (oom) {
        rc = store_oom(err);
        goto done;
    }
    if (step != SQLITE_DONE) {
        rc = store_error(s, step, err, "%s", what);
        goto done;
    }
    for (size_t i = 0; i < a->n_participants; i++) {
        char **names = NULL;
        size_t n = 0;
        rc = load_strings(s, part_phase_sql, a->participants[i].id, &names, &n, err);
        for (size_t j = 0; j < n; j++) {
            ilm_phase_key k;
            if (ilm_phase_parse(names[j], &k) == 0)
                a->participants[i].phases |= 1u << k;
            free(names[j]);
        }
        free(names);
        if (rc)
            goto done;
    }
done:
    store_end_read(s, began);
    if (rc) {
        ilm_application_free(a);
        return rc;
    }
    *out = a;
    return 0;
}

int ilm_store_applications(ilm_store *s, int64_t programme_id, const char *code,
                           ilm_application ***out, size_t *n, ilm_errors *err)
{
    static const char sql[] = "SELECT id FROM application WHERE programme_id = ?1"
                              " AND (?2 IS NULL OR municipality = ?2) ORDER BY id";
    *out = NULL;
    *n = 0;
    bool began = false;
    int rc = store_begin_read(s, &began, err);
    if (rc)
        return rc;
    int64_t *ids = NULL;
    size_t count = 0;
    if ((rc = query_ids(s, sql, programme_id, code, &ids, &count, err)))
        goto done;
    ilm_application **v = calloc(count + 1, sizeof *v);
    if (!v) {
        rc = store_oom(err);
        goto done;
    }
    for (size_t i = 0; i < count; i++) {
        if ((rc = ilm_store_application_load(s, ids[i], &v[i], err))) {
            ilm_applications_free(v, i);
            goto done;
        }
    }
    *out = v;
    *n = count;
done:
    store_end_read(s, began);
    free(ids);
    return rc;
}

int ilm_store_application_head(ilm_store *s, int64_t id, ilm_application_head *out, ilm_errors *err)
{
    static const char sql[] =
        "SELECT a.municipality, a.programme_id, p.apply_from, p.apply_until"
        " FROM application a JOIN programme p ON p.id = a.programme_id WHERE a.id = ?1";
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = store_stmt(s, sql, "reading an application", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    bool found = false;
    int rc = step_one(s, st, &found, "reading an application", err);
    if (!rc && found) {
        column_copy(st, 0, out->code, sizeof out->code);
        out->programme_id = sqlite3_column_int64(st, 1);
        column_copy(st, 2, out->apply_from, sizeof out->apply_from);
        column_copy(st, 3, out->apply_until, sizeof out->apply_until);
    }
    sqlite3_reset(st);
    if (!rc && !found) {
        ilm_errors_add(err, "no application %lld in the store", (long long)id);
        rc = ILM_ENOTFOUND;
    }
    return rc;
}

/* ---- council decisions ---- */

void ilm_plan_decisions_free(ilm_plan_decision *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].plan_name);
        ilm_decision_ref_clear(&v[i].ref);
    }
    free(v);
}

int ilm_store_plan_decision_set(ilm_store *s, const ilm_plan_decision *d, ilm_errors *err)
{
    static const char head_sql[] = "SELECT municipality FROM plan WHERE id = ?1";
    static const char old_sql[] =
        "SELECT json_object('plan_id', plan_id, 'kind', kind, 'body', body, 'meeting_date',"
        " meeting_date, 'section', section, 'dnro', dnro) FROM plan_decision"
        " WHERE plan_id = ?1 AND kind = ?2";
    static const char upsert_sql[] =
        "INSERT INTO plan_decision (plan_id, kind, body, meeting_date, section, dnro,"
        " recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, " NOW ")"
        " ON CONFLICT (plan_id, kind) DO UPDATE SET body = excluded.body,"
        " meeting_date = excluded.meeting_date, section = excluded.section,"
        " dnro = excluded.dnro, recorded_at = excluded.recorded_at";
    const char *what = "recording a decision";
    if (strcmp(d->kind, "council_target") != 0 && strcmp(d->kind, "board_proposal") != 0) {
        ilm_errors_addc(err, ILM_ERR_NOT_ONE_OF, "kind",
                        "kind: expected council_target or board_proposal");
        return ILM_EINVAL;
    }
    if (!d->ref.body || !*d->ref.body || strlen(d->ref.body) > ILM_NAME_MAX) {
        ilm_errors_addc(err, ILM_ERR_TEXT_LENGTH, "body",
                        "body: required, 1 to %d bytes (\"Kaupunginvaltuusto\")", ILM_NAME_MAX);
        return ILM_EINVAL;
    }
    if (!ilm_date_valid(d->ref.date)) {
        ilm_errors_addc(err, ILM_ERR_NOT_A_DATE, "date", "date: required, a day YYYY-MM-DD");
        return ILM_EINVAL;
    }
    if ((d->ref.section && strlen(d->ref.section) > 20) ||
        (d->ref.dnro && strlen(d->ref.dnro) > 60)) {
        bool dnro = d->ref.dnro && strlen(d->ref.dnro) > 60;
        field_error(err, ILM_ERR_TEXT_TOO_LONG, dnro ? "dnro" : "section", "too long");
        ilm_errors_num(err, "max", dnro ? 60 : 20);
        return ILM_EINVAL;
    }
    int rc = store_begin_write(s, what, err);
    if (rc)
        return rc;
    char code[4] = "";
    char *old_json = NULL, *new_json = NULL;
    bool found = false;
    sqlite3_stmt *st = store_stmt(s, head_sql, what, err);
    if (!st) {
        rc = ILM_ESTORE;
        goto done;
    }
    sqlite3_bind_int64(st, 1, d->plan_id);
    rc = step_one(s, st, &found, what, err);
    if (found)
        column_copy(st, 0, code, sizeof code);
    sqlite3_reset(st);
    if (rc)
        goto done;
    if (!found) {
        ilm_errors_add(err, "no plan %lld in the store", (long long)d->plan_id);
        rc = ILM_ENOTFOUND;
        goto done;
    }
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            if (!(st = store_stmt(s, upsert_sql, what, err))) {
                rc = ILM_ESTORE;
                goto done;
            }
            sqlite3_bind_int64(st, 1, d->plan_id);
            sqlite3_bind_text(st, 2, d->kind, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, d->ref.body, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 4, d->ref.date, -1, SQLITE_STATIC);
            store_bind_text(st, 5, d->ref.section);
            store_bind_text(st, 6, d->ref.dnro);
            if ((rc = store_step_done(s, st, what, err)))
                goto done;
        }
        if (!(st = store_stmt(s, old_sql, what, err))) {
            rc = ILM_ESTORE;
            goto done;
        }
        sqlite3_bind_int64(st, 1, d->plan_id);
        sqlite3_bind_text(st, 2, d->kind, -1, SQLITE_STATIC);
        bool oom = false;
        rc = step_one(s, st, &found, what, err);
        char *j = found ? store_column_text(st, 0, &oom) : NULL;
        sqlite3_reset(st);
        if (pass == 0)
            old_json = j;
        else
            new_json = j;
        if (rc)
            goto done;
        if (oom) {
            rc = store_oom(err);
            goto done;
        }
    }
    if ((rc = store_audit_add(s, "plan.decision", code, d->plan_id, 0, old_json, new_json, err)))
        goto done;
    rc = store_commit(s, what, err);
done:
    if (rc)
        store_rollback(s);
    free(old_json);
    free(new_json);
    return rc;
}

int ilm_store_plan_decisions(ilm_store *s, const char *code, ilm_plan_decision **out, size_t *n,
                             ilm_errors *err)
{
    static const char sql[] =
        "SELECT d.plan_id, p.name, p.municipality, d.kind, d.body, d.meeting_date, d.section,"
        " d.dnro, d.recorded_at FROM plan_decision d JOIN plan p ON p.id = d.plan_id"
        " WHERE p.municipality = ?1 ORDER BY d.meeting_date DESC, d.plan_id DESC, d.kind";
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = store_stmt(s, sql, "reading decisions", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    ilm_plan_decision *v = NULL;
    size_t count = 0;
    bool oom = false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        ilm_plan_decision *grown = realloc(v, (count + 1) * sizeof *grown);
        if (!grown) {
            oom = true;
            break;
        }
        v = grown;
        ilm_plan_decision *d = &v[count++];
        memset(d, 0, sizeof *d);
        d->plan_id = sqlite3_column_int64(st, 0);
        d->plan_name = store_column_text(st, 1, &oom);
        column_copy(st, 2, d->code, sizeof d->code);
        column_copy(st, 3, d->kind, sizeof d->kind);
        d->ref.body = store_column_text(st, 4, &oom);
        column_copy(st, 5, d->ref.date, sizeof d->ref.date);
        d->ref.section = store_column_text(st, 6, &oom);
        d->ref.dnro = store_column_text(st, 7, &oom);
        column_copy(st, 8, d->recorded_at, sizeof d->recorded_at);
    }
    sqlite3_reset(st);
    if (oom || (rc != SQLITE_DONE && rc != SQLITE_ROW)) {
        ilm_plan_decisions_free(v, count);
        return oom ? store_oom(err) : store_error(s, rc, err, "reading decisions");
    }
    *out = v;
    *n = count;
    return 0;
}

/* ---- attendance ---- */

int ilm_store_attendance_record(ilm_store *s, int64_t programme_id, const ilm_attendance *v,
                                size_t n, ilm_errors *err)
{
    static const char check_day[] =
        "SELECT 1 FROM contact_day d JOIN contact_period c ON c.id = d.period_id"
        " WHERE d.id = ?1 AND c.programme_id = ?2";
    static const char check_part[] =
        "SELECT a.municipality FROM participant x JOIN application a ON a.id = x.application_id"
        " WHERE x.id = ?1 AND a.programme_id = ?2";
    static const char upsert[] =
        "INSERT INTO attendance (contact_day_id, participant_id, present) VALUES (?1, ?2, ?3)"
        " ON CONFLICT (contact_day_id, participant_id) DO UPDATE SET present = excluded.present";
    static const char json_sql[] =
        "SELECT json_object('programme_id', ?1, 'contact_day_id', ?2, 'participant_id', ?3,"
        " 'present', ?4)";
    const char *what = "recording attendance";
    int rc = store_begin_write(s, what, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < n && !rc; i++) {
        bool found = false;
        sqlite3_stmt *st = store_stmt(s, check_day, what, err);
        if (!st) {
            rc = ILM_ESTORE;
            break;
        }
        sqlite3_bind_int64(st, 1, v[i].contact_day_id);
        sqlite3_bind_int64(st, 2, programme_id);
        rc = step_one(s, st, &found, what, err);
        sqlite3_reset(st);
        if (rc)
            break;
        if (!found) {
            {
                char f_[ILM_ERROR_FIELD_LEN];
                snprintf(f_, sizeof f_, "attendance[%zu].contact_day_id", i);
                field_error(err, ILM_ERR_NO_SUCH_RECORD, f_,
                            "no contact day %lld in programme %lld", (long long)v[i].contact_day_id,
                            (long long)programme_id);
            }
            rc = ILM_EINVAL;
            break;
        }
        if (!(st = store_stmt(s, check_part, what, err))) {
            rc = ILM_ESTORE;
            break;
        }
        sqlite3_bind_int64(st, 1, v[i].participant_id);
        sqlite3_bind_int64(st, 2, programme_id);
        char code[4] = "";
        rc = step_one(s, st, &found, what, err);
        if (found)
            column_copy(st, 0, code, sizeof code);
        sqlite3_reset(st);
        if (rc)
            break;
        if (!found) {
            {
                char f_[ILM_ERROR_FIELD_LEN];
                snprintf(f_, sizeof f_, "attendance[%zu].participant_id", i);
                field_error(err, ILM_ERR_NO_SUCH_RECORD, f_,
                            "no participant %lld in an application to programme %lld",
                            (long long)v[i].participant_id, (long long)programme_id);
            }
            rc = ILM_EINVAL;
            break;
        }
        if (!(st = store_stmt(s, upsert, what, err))) {
            rc = ILM_ESTORE;
            break;
        }
        sqlite3_bind_int64(st, 1, v[i].contact_day_id);
        sqlite3_bind_int64(st, 2, v[i].participant_id);
        sqlite3_bind_int(st, 3, v[i].present);
        if ((rc = store_step_done(s, st, what, err)))
            break;
        if (!(st = store_stmt(s, json_sql, what, err))) {
            rc = ILM_ESTORE;
            break;
        }
        sqlite3_bind_int64(st, 1, programme_id);
        sqlite3_bind_int64(st, 2, v[i].contact_day_id);
        sqlite3_bind_int64(st, 3, v[i].participant_id);
        sqlite3_bind_int(st, 4, v[i].present);
        bool oom = false;
        rc = step_one(s, st, &found, what, err);
        char *j = found ? store_column_text(st, 0, &oom) : NULL;
        sqlite3_reset(st);
        if (!rc && oom)
            rc = store_oom(err);
        if (!rc)
            rc = store_audit_add(s, "attendance.record", code, 0, 0, NULL, j, err);
        free(j);
    }
    if (!rc)
        rc = store_commit(s, what, err);
    if (rc)
        store_rollback(s);
    return rc;
}

int ilm_store_attendance(ilm_store *s, int64_t programme_id, ilm_attendance **out, size_t *n,
                         ilm_errors *err)
{
    static const char sql[] =
        "SELECT t.contact_day_id, t.participant_id, x.application_id, t.present"
        " FROM attendance t JOIN participant x ON x.id = t.participant_id"
        " JOIN application a ON a.id = x.application_id WHERE a.programme_id = ?1"
        " ORDER BY t.contact_day_id, t.participant_id";
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = store_stmt(s, sql, "reading attendance", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_int64(st, 1, programme_id);
    ilm_attendance *v = NULL;
    size_t count = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        ilm_attendance *grown = realloc(v, (count + 1) * sizeof *grown);
        if (!grown) {
            sqlite3_reset(st);
            free(v);
            return store_oom(err);
        }
        v = grown;
        v[count].contact_day_id = sqlite3_column_int64(st, 0);
        v[count].participant_id = sqlite3_column_int64(st, 1);
        v[count].application_id = sqlite3_column_int64(st, 2);
        v[count].present = sqlite3_column_int(st, 3) != 0;
        count++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        free(v);
        return store_error(s, rc, err, "reading attendance");
    }
    *out = v;
    *n = count;
    return 0;
}

/* ---- the sparring log ---- */

void ilm_sparring_entry_clear(ilm_sparring_entry *e)
{
    free(e->body);
    free(e->owner);
    free(e->author);
    memset(e, 0, sizeof *e);
}

void ilm_sparring_entries_free(ilm_sparring_entry *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ilm_sparring_entry_clear(&v[i]);
    free(v);
}

#define SPARRING_COLS                                                                              \
    "id, application_id, kind, body, owner, due, done, author, created_at,"                        \
    " updated_at"

static void read_sparring(sqlite3_stmt *st, ilm_sparring_entry *e, bool *oom)
{
    memset(e, 0, sizeof *e);
    e->id = sqlite3_column_int64(st, 0);
    e->application_id = sqlite3_column_int64(st, 1);
    ilm_sparring_kind_parse((const char *)sqlite3_column_text(st, 2), &e->kind);
    e->body = store_column_text(st, 3, oom);
    e->owner = store_column_text(st, 4, oom);
    column_copy(st, 5, e->due, sizeof e->due);
    e->done = sqlite3_column_int(st, 6) != 0;
    e->author = store_column_text(st, 7, oom);
    column_copy(st, 8, e->created_at, sizeof e->created_at);
    column_copy(st, 9, e->updated_at, sizeof e->updated_at);
}

int ilm_store_sparring_save(ilm_store *s, const ilm_sparring_entry *e, int64_t *id, ilm_errors *err)
{
    static const char head_sql[] = "SELECT municipality FROM application WHERE id = ?1";
    static const char insert_sql[] =
        "INSERT INTO sparring_entry (application_id, kind, body, owner, due, done, author,"
        " created_at, updated_at) VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, " NOW ", " NOW ")";
    static const char update_sql[] =
        "UPDATE sparring_entry SET kind = ?3, body = ?4, owner = ?5, due = ?6, done = ?7,"
        " updated_at = " NOW " WHERE id = ?1 AND application_id = ?2";
    static const char json_sql[] =
        "SELECT json_object('id', id, 'application_id', application_id, 'kind', kind, 'body',"
        " body, 'owner', owner, 'due', due, 'done', done, 'author', author)"
        " FROM sparring_entry WHERE id = ?1";
    const char *what = "saving a sparring entry";
    int rc = ilm_sparring_check(e, err);
    if (rc)
        return rc;
    if ((rc = store_begin_write(s, what, err)))
        return rc;
    char code[4] = "";
    char *old_json = NULL, *new_json = NULL;
    bool found = false;
    sqlite3_stmt *st = store_stmt(s, head_sql, what, err);
    if (!st) {
        rc = ILM_ESTORE;
        goto done;
    }
    sqlite3_bind_int64(st, 1, e->application_id);
    rc = step_one(s, st, &found, what, err);
    if (found)
        column_copy(st, 0, code, sizeof code);
    sqlite3_reset(st);
    if (rc)
        goto done;
    if (!found) {
        ilm_errors_add(err, "no application %lld in the store", (long long)e->application_id);
        rc = ILM_ENOTFOUND;
        goto done;
    }
    if (e->id && (rc = store_query_text(s, json_sql, e->id, &old_json, what, err)))
        goto done;
    if (!(st = store_stmt(s, e->id ? update_sql : insert_sql, what, err))) {
        rc = ILM_ESTORE;
        goto done;
    }
    if (e->id)
        sqlite3_bind_int64(st, 1, e->id);
    sqlite3_bind_int64(st, 2, e->application_id);
    sqlite3_bind_text(st, 3, ilm_sparring_kind_name(e->kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, e->body, -1, SQLITE_STATIC);
    store_bind_text(st, 5, e->owner);
    bind_opt(st, 6, e->due);
    sqlite3_bind_int(st, 7, e->done);
    if (!e->id)
        sqlite3_bind_text(st, 8, s->actor ? s->actor : "system", -1, SQLITE_STATIC);
    if ((rc = store_step_done(s, st, what, err)))
        goto done;
    if (e->id && sqlite3_changes(s->db) == 0) {
        ilm_errors_add(err, "no sparring entry %lld in application %lld", (long long)e->id,
                       (long long)e->application_id);
        rc = ILM_ENOTFOUND;
        goto done;
    }
    *id = e->id ? e->id : sqlite3_last_insert_rowid(s->db);
    if ((rc = store_query_text(s, json_sql, *id, &new_json, what, err)) ||
        (rc = store_audit_add(s, e->id ? "sparring.update" : "sparring.add", code, 0, 0, old_json,
                              new_json, err)))
        goto done;
    rc = store_commit(s, what, err);
done:
    if (rc)
        store_rollback(s);
    free(old_json);
    free(new_json);
    return rc;
}

int ilm_store_sparring(ilm_store *s, int64_t application_id, ilm_sparring_entry **out, size_t *n,
                       ilm_errors *err)
{
    static const char sql[] = "SELECT " SPARRING_COLS " FROM sparring_entry"
                              " WHERE application_id = ?1 ORDER BY id";
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = store_stmt(s, sql, "reading the sparring log", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_int64(st, 1, application_id);
    ilm_sparring_entry *v = NULL;
    size_t count = 0;
    bool oom = false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        ilm_sparring_entry *grown = realloc(v, (count + 1) * sizeof *grown);
        if (!grown) {
            oom = true;
            break;
        }
        v = grown;
        read_sparring(st, &v[count++], &oom);
    }
    sqlite3_reset(st);
    if (oom || (rc != SQLITE_DONE && rc != SQLITE_ROW)) {
        ilm_sparring_entries_free(v, count);
        return oom ? store_oom(err) : store_error(s, rc, err, "reading the sparring log");
    }
    *out = v;
    *n = count;
    return 0;
}

int ilm_store_sparring_get(ilm_store *s, int64_t id, ilm_sparring_entry *out, ilm_errors *err)
{
    static const char sql[] = "SELECT " SPARRING_COLS " FROM sparring_entry WHERE id = ?1";
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = store_stmt(s, sql, "reading a sparring entry", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    bool found = false, oom = false;
    int rc = step_one(s, st, &found, "reading a sparring entry", err);
    if (!rc && found)
        read_sparring(st, out, &oom);
    sqlite3_reset(st);
    if (!rc && oom) {
        ilm_sparring_entry_clear(out);
        rc = store_oom(err);
    }
    if (!rc && !found) {
        ilm_errors_add(err, "no sparring entry %lld in the store", (long long)id);
        rc = ILM_ENOTFOUND;
    }
    return rc;
}

/* ---- peer groups ---- */

void ilm_peer_groups_free(ilm_peer_group *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].application_ids);
        free(v[i].codes);
    }
    free(v);
}

static const char groups_json_sql[] =
    "SELECT json_group_array(json_object('id', g.id, 'name', g.name, 'basis', g.basis,"
    " 'members', json((SELECT json_group_array(a.municipality) FROM peer_group_member m"
    " JOIN application a ON a.id = m.application_id WHERE m.group_id = g.id))))"
    " FROM peer_group g WHERE g.programme_id = ?1";

int ilm_store_peer_groups_set(ilm_store *s, int64_t programme_id, const ilm_peer_group *v, size_t n,
                              ilm_errors *err)
{
    static const char del_sql[] = "DELETE FROM peer_group WHERE programme_id = ?1";
    static const char ins_group[] =
        "INSERT INTO peer_group (programme_id, name, basis) VALUES (?1, ?2, ?3)";
    static const char check_member[] =
        "SELECT 1 FROM application WHERE id = ?1 AND programme_id = ?2";
    static const char ins_member[] =
        "INSERT INTO peer_group_member (group_id, application_id) VALUES (?1, ?2)";
    static const char twice_sql[] =
        "SELECT 1 FROM peer_group_member m JOIN peer_group g ON g.id = m.group_id"
        " WHERE g.programme_id = ?1 AND m.application_id = ?2";
    const char *what = "saving peer groups";
    int rc = store_begin_write(s, what, err);
    if (rc)
        return rc;
    char *old_json = NULL, *new_json = NULL;
    if ((rc = store_query_text(s, groups_json_sql, programme_id, &old_json, what, err)))
        goto done;
    sqlite3_stmt *st = store_stmt(s, del_sql, what, err);
    if (!st) {
        rc = ILM_ESTORE;
        goto done;
    }
    sqlite3_bind_int64(st, 1, programme_id);
    if ((rc = store_step_done(s, st, what, err)))
        goto done;
    for (size_t i = 0; i < n; i++) {
        if (!v[i].name || !*v[i].name || strlen(v[i].name) > ILM_NAME_MAX) {
            {
                char f_[ILM_ERROR_FIELD_LEN];
                snprintf(f_, sizeof f_, "groups[%zu].name", i);
                field_error(err, ILM_ERR_TEXT_LENGTH, f_, "required, 1 to %d bytes", ILM_NAME_MAX);
            }
            rc = ILM_EINVAL;
            goto done;
        }
        if (!(st = store_stmt(s, ins_group, what, err))) {
            rc = ILM_ESTORE;
            goto done;
        }
        sqlite3_bind_int64(st, 1, programme_id);
        sqlite3_bind_text(st, 2, v[i].name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, v[i].basis, -1, SQLITE_STATIC);
        if ((rc = store_step_done(s, st, what, err)))
            goto done;
        int64_t gid = sqlite3_last_insert_rowid(s->db);
        for (size_t j = 0; j < v[i].n_members; j++) {
            bool found = false;
            const char *qs[2] = {check_member, twice_sql};
            for (int q = 0; q < 2; q++) {
                if (!(st = store_stmt(s, qs[q], what, err))) {
                    rc = ILM_ESTORE;
                    goto done;
                }
                sqlite3_bind_int64(st, q == 0 ? 1 : 2, v[i].application_ids[j]);
                sqlite3_bind_int64(st, q == 0 ? 2 : 1, programme_id);
                rc = step_one(s, st, &found, what, err);
                sqlite3_reset(st);
                if (rc)
                    goto done;
                if (q == 0 && !found) {
                    {
                        char f_[ILM_ERROR_FIELD_LEN];
                        snprintf(f_, sizeof f_, "groups[%zu].members[%zu]", i, j);
                        field_error(err, ILM_ERR_NOT_APPLICANT, f_,
                                    "no application %lld to this programme",
                                    (long long)v[i].application_ids[j]);
                    }
                    rc = ILM_EINVAL;
                    goto done;
                }
                if (q == 1 && found) {
                    {
                        char f_[ILM_ERROR_FIELD_LEN];
                        snprintf(f_, sizeof f_, "groups[%zu].members[%zu]", i, j);
                        field_error(err, ILM_ERR_IN_ANOTHER_GROUP, f_,
                                    "application %lld is in another group already",
                                    (long long)v[i].application_ids[j]);
                    }
                    rc = ILM_EINVAL;
                    goto done;
                }
            }
            if (!(st = store_stmt(s, ins_member, what, err))) {
                rc = ILM_ESTORE;
                goto done;
            }
            sqlite3_bind_int64(st, 1, gid);
            sqlite3_bind_int64(st, 2, v[i].application_ids[j]);
            if ((rc = store_step_done(s, st, what, err)))
                goto done;
        }
    }
    if ((rc = store_query_text(s, groups_json_sql, programme_id, &new_json, what, err)) ||
        (rc = store_audit_add(s, "peer_groups.set", NULL, 0, 0, old_json, new_json, err)))
        goto done;
    rc = store_commit(s, what, err);
done:
    if (rc)
        store_rollback(s);
    free(old_json);
    free(new_json);
    return rc;
}

/* Fills g's members from the store. */
static int load_members(ilm_store *s, ilm_peer_group *g, ilm_errors *err)
{
    static const char sql[] =
        "SELECT a.id, a.municipality FROM peer_group_member m JOIN application a"
        " ON a.id = m.application_id WHERE m.group_id = ?1 ORDER BY a.municipality";
    sqlite3_stmt *st = store_stmt(s, sql, "reading a peer group", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_int64(st, 1, g->id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t *ids = realloc(g->application_ids, (g->n_members + 1) * sizeof *ids);
        if (ids)
            g->application_ids = ids;
        char(*codes)[4] = ids ? realloc(g->codes, (g->n_members + 1) * sizeof *codes) : NULL;
        if (!codes) {
            sqlite3_reset(st);
            return store_oom(err);
        }
        g->codes = codes;
        g->application_ids[g->n_members] = sqlite3_column_int64(st, 0);
        column_copy(st, 1, g->codes[g->n_members], 4);
        g->n_members++;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : store_error(s, rc, err, "reading a peer group");
}

int ilm_store_peer_groups(ilm_store *s, int64_t programme_id, ilm_peer_group **out, size_t *n,
                          ilm_errors *err)
{
    static const char sql[] = "SELECT id FROM peer_group WHERE programme_id = ?1 ORDER BY id";
    *out = NULL;
    *n = 0;
    bool began = false;
    int rc = store_begin_read(s, &began, err);
    if (rc)
        return rc;
    int64_t *ids = NULL;
    size_t count = 0;
    if ((rc = query_ids(s, sql, programme_id, NULL, &ids, &count, err)))
        goto done;
    ilm_peer_group *v = calloc(count + 1, sizeof *v);
    if (!v) {
        rc = store_oom(err);
        goto done;
    }
    for (size_t i = 0; i < count; i++) {
        if ((rc = ilm_store_peer_group(s, ids[i], &v[i], err))) {
            ilm_peer_groups_free(v, i + 1);
            goto done;
        }
    }
    *out = v;
    *n = count;
done:
    store_end_read(s, began);
    free(ids);
    return rc;
}

int ilm_store_peer_group(ilm_store *s, int64_t id, ilm_peer_group *out, ilm_errors *err)
{
    static const char sql[] = "SELECT programme_id, name, basis FROM peer_group WHERE id = ?1";
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = store_stmt(s, sql, "reading a peer group", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_int64(st, 1, id);
    bool found = false, oom = false;
    int rc = step_one(s, st, &found, "reading a peer group", err);
    if (!rc && found) {
        out->id = id;
        out->programme_id = sqlite3_column_int64(st, 0);
        out->name = store_column_text(st, 1, &oom);
        column_copy(st, 2, out->basis, sizeof out->basis);
    }
    sqlite3_reset(st);
    if (!rc && oom)
        rc = store_oom(err);
    if (!rc && !found) {
        ilm_errors_add(err, "no peer group %lld in the store", (long long)id);
        rc = ILM_ENOTFOUND;
    }
    if (!rc)
        rc = load_members(s, out, err);
    if (rc) {
        free(out->name);
        free(out->application_ids);
        free(out->codes);
        memset(out, 0, sizeof *out);
    }
    return rc;
}

/* ---- deletes ---- */

/* Deletes the row `delete_sql` names (its ?1 and ?2 bound to id and key)
 * and audits it as `action` with the row's JSON from `json_sql` as the old
 * value, in one transaction. `missing` is the message when there is no
 * such row (ILM_ENOTFOUND). */
static int delete_audited(ilm_store *s, const char *json_sql, const char *code_sql,
                          const char *delete_sql, int64_t id, const char *key, const char *action,
                          int64_t plan_id, const char *missing, ilm_errors *err)
{
    const char *what = action;
    int rc = store_begin_write(s, what, err);
    if (rc)
        return rc;
    char code[4] = "";
    char *old_json = NULL;
    bool found = false, oom = false;
    sqlite3_stmt *st = store_stmt(s, json_sql, what, err);
    if (!st) {
        rc = ILM_ESTORE;
        goto done;
    }
    sqlite3_bind_int64(st, 1, id);
    if (key)
        sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    rc = step_one(s, st, &found, what, err);
    if (found)
        old_json = store_column_text(st, 0, &oom);
    sqlite3_reset(st);
    if (!rc && oom) {
        ilm_errors_add(err, "%s: out of memory", what);
        rc = ILM_ENOMEM;
    }
    if (rc)
        goto done;
    if (!found) {
        ilm_errors_add(err, "%s", missing);
        rc = ILM_ENOTFOUND;
        goto done;
    }
    if (code_sql) {
        if (!(st = store_stmt(s, code_sql, what, err))) {
            rc = ILM_ESTORE;
            goto done;
        }
        sqlite3_bind_int64(st, 1, id);
        rc = step_one(s, st, &found, what, err);
        if (found)
            column_copy(st, 0, code, sizeof code);
        sqlite3_reset(st);
        if (rc)
            goto done;
    }
    if (!(st = store_stmt(s, delete_sql, what, err))) {
        rc = ILM_ESTORE;
        goto done;
    }
    sqlite3_bind_int64(st, 1, id);
    if (key)
        sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    if ((rc = store_step_done(s, st, what, err)) ||
        (rc = store_audit_add(s, action, code[0] ? code : NULL, plan_id, 0, old_json, NULL, err)))
        goto done;
    rc = store_commit(s, what, err);
done:
    if (rc)
        store_rollback(s);
    free(old_json);
    return rc;
}

int ilm_store_contact_day_delete(ilm_store *s, int64_t id, ilm_errors *err)
{
    char missing[80];
    snprintf(missing, sizeof missing, "no contact day %lld in the store", (long long)id);
    /* Its attendance goes with it (ON DELETE CASCADE); the audit keeps it. */
    return delete_audited(
        s,
        "SELECT json_object('id', d.id, 'period_id', d.period_id, 'day', d.day, 'place', d.place,"
        " 'audience', d.audience, 'attendance', (SELECT json_group_array(json_object("
        "'participant_id', a.participant_id, 'present', a.present)) FROM attendance a"
        " WHERE a.contact_day_id = d.id)) FROM contact_day d WHERE d.id = ?1",
        NULL, "DELETE FROM contact_day WHERE id = ?1", id, NULL, "contact_day.delete", 0, missing,
        err);
}

int ilm_store_sparring_delete(ilm_store *s, int64_t id, ilm_errors *err)
{
    char missing[80];
    snprintf(missing, sizeof missing, "no sparring entry %lld in the store", (long long)id);
    return delete_audited(
        s,
        "SELECT json_object('id', id, 'application_id', application_id, 'kind', kind, 'body',"
        " body, 'owner', owner, 'due', due, 'done', done, 'author', author)"
        " FROM sparring_entry WHERE id = ?1",
        "SELECT a.municipality FROM sparring_entry e JOIN application a"
        " ON a.id = e.application_id WHERE e.id = ?1",
        "DELETE FROM sparring_entry WHERE id = ?1", id, NULL, "sparring.delete", 0, missing, err);
}

int ilm_store_plan_decision_delete(ilm_store *s, int64_t plan_id, const char *kind,
                                   ilm_errors *err)
{
    if (!kind || (strcmp(kind, "council_target") != 0 && strcmp(kind, "board_proposal") != 0)) {
        ilm_errors_addc(err, ILM_ERR_NOT_ONE_OF, "kind",
                        "kind: expected council_target or board_proposal");
        return ILM_EINVAL;
    }
    char missing[120];
    snprintf(missing, sizeof missing, "plan %lld has no %s decision recorded",
             (long long)plan_id, kind);
    return delete_audited(
        s,
        "SELECT json_object('plan_id', plan_id, 'kind', kind, 'body', body, 'meeting_date',"
        " meeting_date, 'section', section, 'dnro', dnro) FROM plan_decision"
        " WHERE plan_id = ?1 AND kind = ?2",
        "SELECT municipality FROM plan WHERE id = ?1",
        "DELETE FROM plan_decision WHERE plan_id = ?1 AND kind = ?2", plan_id, kind,
        "plan.decision.delete", plan_id, missing, err);
}
