/* Imports: a reader's records into the store, in one transaction.
 *
 * The records go into the connection's staging tables (store.c), where
 * sub-sector rows of one stream add up, and the commit compares and applies
 * them with a few set-based statements. Memory in C stays constant: only a
 * bit per municipality code and the sector keys.
 *
 * Counting (ilm_import_stats): an inventory row is the stored fact
 * (municipality, year, sector, ets, hinku). For every (municipality, year)
 * the file has rows for, a staged row is added (not stored), replaced
 * (stored with another t) or unchanged (stored with the same t), and a
 * stored row of that municipality and year the file lacks is removed. A
 * population or published total of a (municipality, year) counts the same
 * way as added, replaced or unchanged; those are never removed, since a
 * file that lacks them just does not give them. Rows that keep their value
 * keep the import they came from.
 *
 * The counts are kept per municipality as well: each municipality whose
 * inventory, population, published totals or register entry changed gets
 * its data_version raised and an inventory.import audit row with its own
 * counts, in the import's transaction.
 *
 * Sums: the rows of a stream add up in the order given. Rows of one stream
 * that are not consecutive (SYKE's files never do that) add up run by run,
 * which can differ from the strict order in the last bit; the same file
 * still gives the same sums every time.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ilmava/import.h" /* the value caps */
#include "store/internal.h"

enum { REG_ADDED = 1, REG_UPDATED = 2 };

struct ilm_store_import {
    ilm_store *s;
    char *kind, *file_name;
    /* Municipality codes known to be in the register, one bit per code,
     * so that a row needs no lookup. */
    unsigned char known[125];
    char **sector_keys;
    size_t n_sectors;
    size_t last_sector; /* rows come grouped: try the previous key first */
    long long municipalities_added, municipalities_updated;
    unsigned char registered[1000]; /* by code: REG_ADDED or REG_UPDATED */
    /* The stream being summed: SYKE's files give the sub-sector rows of a
     * stream one after the other, so they add up here and reach SQLite as
     * one row. */
    bool has_pending;
    ilm_store_row pending; /* .sector points into sector_keys */
    sqlite3_stmt *stage_row;
};

static int code_number(const char *code)
{
    return (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
}

static void free_import(ilm_store_import *im)
{
    if (!im)
        return;
    im->s->importing = false;
    for (size_t i = 0; i < im->n_sectors; i++)
        free(im->sector_keys[i]);
    free(im->sector_keys);
    free(im->kind);
    free(im->file_name);
    free(im);
}

void ilm_store_import_abort(ilm_store_import *im)
{
    if (!im)
        return;
    store_rollback(im->s);
    free_import(im);
}

static const char stage_row_sql[] =
    "INSERT INTO temp.stage_row (municipality, year, sector, ets, hinku, t)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO UPDATE SET t = t + excluded.t";

const char *store_base_name(const char *path)
{
    if (!path)
        return "";
    const char *b = path;
    for (const char *p = path; *p; p++)
        if (*p == '/' || *p == '\\')
            b = p + 1;
    return b;
}

int ilm_store_import_begin(ilm_store *s, const char *kind, const char *file_name,
                           ilm_store_import **out, ilm_errors *err)
{
    *out = NULL;
    if (!kind || !*kind) {
        ilm_errors_add(err, "import: no kind given");
        return ILM_EINVAL;
    }
    ilm_sector *sectors = NULL;
    size_t n_sectors = 0;
    int rc = store_begin_write(s, "starting an import", err);
    if (rc)
        return rc;
    ilm_store_import *im = calloc(1, sizeof *im);
    if (!im) {
        store_rollback(s);
        return store_oom(err);
    }
    im->s = s;
    s->importing = true;
    im->kind = strdup(kind);
    im->file_name = strdup(store_base_name(file_name));
    if (!im->kind || !im->file_name) {
        rc = store_oom(err);
        goto fail;
    }
    /* Foreign keys are enforced at the commit, when the import record and
     * every row it names are in place. The staging tables are empty here
     * (a commit clears them, a rollback undoes them); clearing them again
     * costs nothing. */
    if ((rc = store_exec(s,
                         "PRAGMA defer_foreign_keys = ON;"
                         "DELETE FROM temp.stage_row;"
                         "DELETE FROM temp.stage_population;"
                         "DELETE FROM temp.stage_published;",
                         "starting an import", err)))
        goto fail;
    if ((rc = ilm_store_sectors(s, &sectors, &n_sectors, err)))
        goto fail;
    im->sector_keys = calloc(n_sectors ? n_sectors : 1, sizeof *im->sector_keys);
    if (!im->sector_keys) {
        rc = store_oom(err);
        goto fail;
    }
    for (size_t i = 0; i < n_sectors; i++) {
        im->sector_keys[i] = sectors[i].key;
        sectors[i].key = NULL;
    }
    im->n_sectors = n_sectors;
    ilm_sectors_free(sectors, n_sectors);
    sectors = NULL;
    if (!(im->stage_row = store_stmt(s, stage_row_sql, "staging inventory rows", err))) {
        rc = ILM_ESTORE;
        goto fail;
    }
    *out = im;
    return 0;
fail:
    ilm_sectors_free(sectors, n_sectors);
    ilm_store_import_abort(im);
    return rc;
}

/* Checks that `code` is in the register (or was added by this import). */
static int check_known(ilm_store_import *im, const char *code, const char *what, ilm_errors *err)
{
    if (!store_is_code(code)) {
        ilm_errors_addc(err, ILM_ERR_NOT_A_MUNICIPALITY, NULL,
                        "%s: \"%s\" is not a municipality code (three digits)", what,
                        code ? code : "");
        return ILM_EINVAL;
    }
    int n = code_number(code);
    unsigned char bit = (unsigned char)(1u << (n % 8));
    if (im->known[n / 8] & bit)
        return 0;
    bool exists = false;
    int rc = store_municipality_exists(im->s, code, &exists, err);
    if (rc)
        return rc;
    if (!exists) {
        ilm_errors_addc(err, ILM_ERR_UNKNOWN_MUNICIPALITY, NULL,
                        "%s: municipality %s is not in the store; import the municipality "
                        "register (or a SYKE file that names it) first",
                        what, code);
        return ILM_EINVAL;
    }
    im->known[n / 8] |= bit;
    return 0;
}

static int check_year(int year, const char *what, ilm_errors *err)
{
    if (year >= ILM_MIN_YEAR && year <= ILM_MAX_YEAR)
        return 0;
    ilm_errors_addc(err, ILM_ERR_OUT_OF_RANGE, NULL, "%s: year %d is outside %d..%d", what, year,
                    ILM_MIN_YEAR, ILM_MAX_YEAR);
    ilm_errors_num(err, "value", year);
    ilm_errors_num(err, "min", ILM_MIN_YEAR);
    ilm_errors_num(err, "max", ILM_MAX_YEAR);
    return ILM_EINVAL;
}

/* Binds text that may be NULL. */
static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

int ilm_store_import_municipality(ilm_store_import *im, const ilm_municipality *m, bool update,
                                  ilm_errors *err)
{
    static const char insert_sql[] =
        "INSERT INTO municipality (code, name_fi, name_sv, region_code, region_fi, region_sv,"
        " synthetic, form, name_fi_genitive) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
    /* Only a real change writes: a register imported twice must leave the
     * store as it was. */
    static const char update_sql[] =
        "UPDATE municipality SET name_fi = ?2, name_sv = ?3, region_code = ?4, region_fi = ?5,"
        " region_sv = ?6, synthetic = ?7, form = coalesce(?8, form),"
        " name_fi_genitive = coalesce(?9, name_fi_genitive)"
        " WHERE code = ?1 AND (name_fi IS NOT ?2 OR name_sv IS NOT ?3 OR region_code IS NOT ?4"
        " OR region_fi IS NOT ?5 OR region_sv IS NOT ?6 OR synthetic IS NOT ?7"
        " OR form IS NOT coalesce(?8, form)"
        " OR name_fi_genitive IS NOT coalesce(?9, name_fi_genitive))";
    ilm_store *s = im->s;
    if (!store_is_code(m->code)) {
        ilm_errors_add(err, "municipality: \"%s\" is not a municipality code (three digits)",
                       m->code);
        return ILM_EINVAL;
    }
    if (!m->name_fi || !*m->name_fi) {
        ilm_errors_add(err, "municipality %s: no Finnish name", m->code);
        return ILM_EINVAL;
    }
    if (m->region_code &&
        (strlen(m->region_code) != 2 || strspn(m->region_code, "0123456789") != 2)) {
        ilm_errors_add(err, "municipality %s: region code \"%s\" is not two digits", m->code,
                       m->region_code);
        return ILM_EINVAL;
    }
    if (m->name_fi_genitive && strlen(m->name_fi_genitive) > 100) {
        ilm_errors_add(err, "municipality %s: genitive name longer than 100 characters", m->code);
        return ILM_EINVAL;
    }
    bool exists = false;
    int rc = store_municipality_exists(s, m->code, &exists, err);
    if (rc)
        return rc;
    if (exists && !update) {
        int n = code_number(m->code);
        im->known[n / 8] |= (unsigned char)(1u << (n % 8));
        return 0;
    }
    sqlite3_stmt *st =
        store_stmt(s, exists ? update_sql : insert_sql, "storing a municipality", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_text(st, 1, m->code, -1, SQLITE_STATIC);
    bind_text(st, 2, m->name_fi);
    bind_text(st, 3, m->name_sv);
    bind_text(st, 4, m->region_code);
    bind_text(st, 5, m->region_fi);
    bind_text(st, 6, m->region_sv);
    sqlite3_bind_int(st, 7, m->synthetic ? 1 : 0);
    bind_text(st, 8, m->city_given ? (m->city ? "kaupunki" : "kunta") : NULL);
    bind_text(st, 9, m->name_fi_genitive && *m->name_fi_genitive ? m->name_fi_genitive : NULL);
    char what[64];
    snprintf(what, sizeof what, "storing municipality %s", m->code);
    if ((rc = store_step_done(s, st, what, err)))
        return rc;
    int n = code_number(m->code);
    if (!exists) {
        im->municipalities_added++;
        im->registered[n] = REG_ADDED;
    } else if (sqlite3_changes(s->db) > 0) {
        im->municipalities_updated++;
        if (im->registered[n] != REG_ADDED)
            im->registered[n] = REG_UPDATED;
    }
    im->known[n / 8] |= (unsigned char)(1u << (n % 8));
    return 0;
}

/* Stages a (municipality, year, value) fact: the last value given wins. */
static int stage_year_value(ilm_store_import *im, const char *sql, const char *what,
                            const char *code, int year, double v, bool nonnegative, double cap,
                            ilm_errors *err)
{
    int rc = check_known(im, code, what, err);
    if (!rc)
        rc = check_year(year, what, err);
    if (rc)
        return rc;
    if (!isfinite(v) || (nonnegative && v < 0)) {
        char a[32];
        ilm_errors_addc(err, isfinite(v) ? ILM_ERR_NEGATIVE : ILM_ERR_NOT_FINITE, NULL,
                        "%s of %s in %d: %s is not %s", what, code, year, ilm_format_number(a, v),
                        nonnegative ? "a number >= 0" : "a number");
        if (isfinite(v))
            ilm_errors_num(err, "value", v);
        return ILM_EINVAL;
    }
    /* The readers' caps (import.h), kept here too for every other source
     * (a plan document's inventory). */
    if (fabs(v) > cap) {
        char a[32], b[32];
        ilm_errors_addc(err, ILM_ERR_ABOVE_CAP, NULL, "%s of %s in %d: %s is above the cap of %s",
                        what, code, year, ilm_format_number(a, v), ilm_format_number(b, cap));
        ilm_errors_num(err, "value", v);
        ilm_errors_num(err, "max", cap);
        return ILM_EINVAL;
    }
    sqlite3_stmt *st = store_stmt(im->s, sql, what, err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_text(st, 1, code, 3, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, year);
    sqlite3_bind_double(st, 3, v);
    return store_step_done(im->s, st, what, err);
}

int ilm_store_import_population(ilm_store_import *im, const char *code, int year, double n,
                                ilm_errors *err)
{
    static const char sql[] = "INSERT INTO temp.stage_population (municipality, year, n)"
                              " VALUES (?1, ?2, ?3) ON CONFLICT DO UPDATE SET n = excluded.n";
    return stage_year_value(im, sql, "population", code, year, n, true, ILM_IMPORT_MAX_POPULATION,
                            err);
}

int ilm_store_import_published_total(ilm_store_import *im, const char *code, int year, double t,
                                     ilm_errors *err)
{
    static const char sql[] = "INSERT INTO temp.stage_published (municipality, year, t)"
                              " VALUES (?1, ?2, ?3) ON CONFLICT DO UPDATE SET t = excluded.t";
    return stage_year_value(im, sql, "published total", code, year, t, false, ILM_IMPORT_MAX_T,
                            err);
}

/* The sector key of the table equal to `key`, or NULL. */
static const char *find_sector(ilm_store_import *im, const char *key)
{
    if (!key)
        return NULL;
    if (im->last_sector < im->n_sectors && strcmp(im->sector_keys[im->last_sector], key) == 0)
        return im->sector_keys[im->last_sector];
    for (size_t i = 0; i < im->n_sectors; i++) {
        if (strcmp(im->sector_keys[i], key) == 0) {
            im->last_sector = i;
            return im->sector_keys[i];
        }
    }
    return NULL;
}

/* Stages the pending stream's sum. The statement is kept across calls:
 * all its parameters are bound every time, so it is only reset. */
static int flush_pending(ilm_store_import *im, ilm_errors *err)
{
    if (!im->has_pending)
        return 0;
    const ilm_store_row *r = &im->pending;
    sqlite3_stmt *st = im->stage_row;
    sqlite3_bind_text(st, 1, r->code, 3, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, r->year);
    sqlite3_bind_text(st, 3, r->sector, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, r->ets ? 1 : 0);
    sqlite3_bind_int(st, 5, r->hinku ? 1 : 0);
    sqlite3_bind_double(st, 6, r->t);
    int rc = sqlite3_step(st);
    int out = 0;
    if (rc != SQLITE_DONE)
        out = store_error(im->s, rc, err, "staging the inventory row of %s in %d, sector \"%s\"",
                          r->code, r->year, r->sector);
    sqlite3_reset(st);
    im->has_pending = false;
    return out;
}

int ilm_store_import_row(ilm_store_import *im, const ilm_store_row *row, ilm_errors *err)
{
    int rc = check_known(im, row->code, "inventory row", err);
    if (!rc)
        rc = check_year(row->year, "inventory row", err);
    if (rc)
        return rc;
    const char *sector = find_sector(im, row->sector);
    if (!sector) {
        ilm_errors_addc(err, ILM_ERR_UNKNOWN_SECTOR, NULL,
                        "inventory row of %s in %d: \"%s\" is not a sector in the store", row->code,
                        row->year, row->sector ? row->sector : "");
        return ILM_EINVAL;
    }
    if (!(row->t >= 0) || !isfinite(row->t)) {
        char a[32];
        ilm_errors_addc(err, isfinite(row->t) ? ILM_ERR_NEGATIVE : ILM_ERR_NOT_FINITE, NULL,
                        "inventory row of %s in %d, sector \"%s\": t %s is not a number >= 0",
                        row->code, row->year, sector, ilm_format_number(a, row->t));
        if (isfinite(row->t))
            ilm_errors_num(err, "value", row->t);
        return ILM_EINVAL;
    }
    if (row->t > ILM_IMPORT_MAX_T) {
        char a[32];
        ilm_errors_addc(err, ILM_ERR_ABOVE_CAP, NULL,
                        "inventory row of %s in %d, sector \"%s\": t %s is above the cap of "
                        "100000000 t CO2e a row",
                        row->code, row->year, sector, ilm_format_number(a, row->t));
        ilm_errors_num(err, "value", row->t);
        ilm_errors_num(err, "max", ILM_IMPORT_MAX_T);
        return ILM_EINVAL;
    }
    ilm_store_row *p = &im->pending;
    if (im->has_pending && p->year == row->year && p->sector == sector && p->ets == row->ets &&
        p->hinku == row->hinku && memcmp(p->code, row->code, 3) == 0) {
        p->t += row->t;
        return 0;
    }
    if ((rc = flush_pending(im, err)))
        return rc;
    *p = *row;
    p->sector = sector;
    im->has_pending = true;
    return 0;
}

/* ---- the commit ---- */

/* What the commit counts per municipality code. */
typedef struct muni_counts {
    /* inventory rows: staged, stored in the covered (municipality, year)
     * pairs before and after the upsert, written by it, deleted */
    long long staged, before, after, written, deleted;
    /* the results, with population and published totals added in */
    long long added, replaced, unchanged, removed;
} muni_counts;

#define N_CODES 1000

/* Runs `sql`, whose rows are (municipality, count, ...), and adds each
 * count column to the field of that municipality at the matching offset.
 * ?1 is bound to import_id when the statement has parameters. */
static int add_grouped(ilm_store *s, const char *sql, const char *what, int64_t import_id,
                       muni_counts *c, const size_t *fields, int n_fields, ilm_errors *err)
{
    sqlite3_stmt *st = store_stmt(s, sql, what, err);
    if (!st)
        return ILM_ESTORE;
    if (sqlite3_bind_parameter_count(st) > 0)
        sqlite3_bind_int64(st, 1, import_id);
    int rc, out = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(st, 0);
        if (!store_is_code(code)) { /* the schema's CHECK makes this impossible */
            ilm_errors_add(err, "%s: a municipality code \"%s\"", what, code ? code : "");
            out = ILM_EINTERNAL;
            break;
        }
        char *m = (char *)&c[code_number(code)];
        for (int i = 0; i < n_fields; i++)
            *(long long *)(m + fields[i]) += sqlite3_column_int64(st, i + 1);
    }
    if (!out && rc != SQLITE_DONE)
        out = store_error(s, rc, err, "%s", what);
    sqlite3_reset(st);
    return out;
}

/* The inventory rows. Comparing every staged row with the store before
 * applying would cost a second lookup per row, so the counts come from
 * cheap ones around the one pass that applies, per municipality:
 *   staged  staged rows                 = added + replaced + unchanged
 *   before  stored rows of the (municipality, year) pairs the file covers,
 *                                       = replaced + unchanged + removed
 *   written rows the upsert inserted or updated (its RETURNING rows)
 *                                       = added + replaced
 *           (an unchanged row meets the upsert's WHERE as false: no write,
 *           and it keeps its import id)
 *   after   the same count as before, once the upsert ran = before + added
 * and the removed rows, when there are any, are deleted last. */
static const char count_staged_sql[] =
    "SELECT municipality, count(*) FROM temp.stage_row GROUP BY municipality";
static const char count_covered_sql[] =
    "SELECT p.municipality, count(*)"
    " FROM (SELECT DISTINCT municipality, year FROM temp.stage_row) p"
    " JOIN main.inventory i ON i.municipality = p.municipality AND i.year = p.year"
    " GROUP BY p.municipality";
static const char upsert_rows_sql[] =
    "INSERT INTO main.inventory (municipality, year, sector, ets, hinku, t, import_id)"
    " SELECT municipality, year, sector, ets, hinku, t, ?1 FROM temp.stage_row WHERE true"
    " ON CONFLICT (municipality, year, sector, ets, hinku)"
    " DO UPDATE SET t = excluded.t, import_id = excluded.import_id WHERE t <> excluded.t"
    " RETURNING municipality, 1";
static const char delete_removed_sql[] =
    "DELETE FROM main.inventory"
    " WHERE (municipality, year) IN (SELECT municipality, year FROM temp.stage_row)"
    " AND NOT EXISTS (SELECT 1 FROM temp.stage_row s WHERE s.municipality = inventory.municipality"
    " AND s.year = inventory.year AND s.sector = inventory.sector AND s.ets = inventory.ets"
    " AND s.hinku = inventory.hinku)"
    " RETURNING municipality, 1";

static int apply_rows(ilm_store *s, int64_t import_id, muni_counts *c, ilm_errors *err)
{
    static const size_t f_staged[] = {offsetof(muni_counts, staged)};
    static const size_t f_before[] = {offsetof(muni_counts, before)};
    static const size_t f_written[] = {offsetof(muni_counts, written)};
    static const size_t f_after[] = {offsetof(muni_counts, after)};
    static const size_t f_deleted[] = {offsetof(muni_counts, deleted)};
    int rc;
    if ((rc = add_grouped(s, count_staged_sql, "counting the staged rows", 0, c, f_staged, 1,
                          err)) ||
        (rc = add_grouped(s, count_covered_sql, "counting the stored rows", 0, c, f_before, 1,
                          err)) ||
        (rc = add_grouped(s, upsert_rows_sql, "storing the inventory rows", import_id, c, f_written,
                          1, err)) ||
        (rc = add_grouped(s, count_covered_sql, "counting the stored rows", 0, c, f_after, 1, err)))
        return rc;
    long long removed_total = 0;
    for (int m = 0; m < N_CODES; m++) {
        muni_counts *x = &c[m];
        long long added = x->after - x->before, replaced = x->written - added;
        long long unchanged = x->staged - x->written;
        long long removed = x->before - replaced - unchanged;
        if (added < 0 || replaced < 0 || unchanged < 0 || removed < 0) {
            ilm_errors_add(err,
                           "import: inconsistent counts for %03d (%lld staged, %lld stored, "
                           "%lld written, %lld after)",
                           m, x->staged, x->before, x->written, x->after);
            return ILM_EINTERNAL;
        }
        x->added += added;
        x->replaced += replaced;
        x->unchanged += unchanged;
        x->removed += removed;
        removed_total += removed;
    }
    if (removed_total > 0 &&
        (rc = add_grouped(s, delete_removed_sql, "removing the rows the file no longer has", 0, c,
                          f_deleted, 1, err)))
        return rc;
    for (int m = 0; m < N_CODES; m++) {
        if (c[m].deleted != c[m].removed) {
            ilm_errors_add(err, "import: %03d: %lld rows deleted, %lld counted as removed", m,
                           c[m].deleted, c[m].removed);
            return ILM_EINTERNAL;
        }
    }
    return 0;
}

/* Population and published totals: few rows, compared directly. */
static const char count_population_sql[] =
    "SELECT s.municipality, count(*) FILTER (WHERE p.n IS NULL),"
    " count(*) FILTER (WHERE p.n <> s.n), count(*) FILTER (WHERE p.n = s.n)"
    " FROM temp.stage_population s LEFT JOIN main.population p"
    " ON p.municipality = s.municipality AND p.year = s.year GROUP BY s.municipality";
static const char upsert_population_sql[] =
    "INSERT INTO main.population (municipality, year, n, import_id)"
    " SELECT municipality, year, n, ?1 FROM temp.stage_population WHERE true"
    " ON CONFLICT (municipality, year)"
    " DO UPDATE SET n = excluded.n, import_id = excluded.import_id WHERE n <> excluded.n";
static const char count_published_sql[] =
    "SELECT s.municipality, count(*) FILTER (WHERE p.t IS NULL),"
    " count(*) FILTER (WHERE p.t <> s.t), count(*) FILTER (WHERE p.t = s.t)"
    " FROM temp.stage_published s LEFT JOIN main.published_total p"
    " ON p.municipality = s.municipality AND p.year = s.year GROUP BY s.municipality";
static const char upsert_published_sql[] =
    "INSERT INTO main.published_total (municipality, year, t, import_id)"
    " SELECT municipality, year, t, ?1 FROM temp.stage_published WHERE true"
    " ON CONFLICT (municipality, year)"
    " DO UPDATE SET t = excluded.t, import_id = excluded.import_id WHERE t <> excluded.t";

/* Runs a statement with the import id bound to ?1. */
static int apply(ilm_store *s, const char *sql, int64_t import_id, const char *what,
                 ilm_errors *err)
{
    sqlite3_stmt *st = store_stmt(s, sql, what, err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_int64(st, 1, import_id);
    return store_step_done(s, st, what, err);
}

static int apply_year_values(ilm_store *s, int64_t import_id, muni_counts *c, ilm_errors *err)
{
    static const size_t f[] = {offsetof(muni_counts, added), offsetof(muni_counts, replaced),
                               offsetof(muni_counts, unchanged)};
    int rc;
    if ((rc = add_grouped(s, count_population_sql, "comparing the population", 0, c, f, 3, err)) ||
        (rc = apply(s, upsert_population_sql, import_id, "storing the population", err)) ||
        (rc = add_grouped(s, count_published_sql, "comparing the published totals", 0, c, f, 3,
                          err)))
        return rc;
    return apply(s, upsert_published_sql, import_id, "storing the published totals", err);
}

/* Raises the data version of each municipality the import changed and
 * writes its audit row, with its own counts. */
static int audit_municipalities(ilm_store_import *im, int64_t import_id, const muni_counts *c,
                                ilm_errors *err)
{
    static const char raise_sql[] =
        "UPDATE municipality SET data_version = data_version + 1 WHERE code = ?1";
    static const char json_sql[] =
        "SELECT json_object('import_id', ?1, 'file', ?2, 'kind', ?3, 'added', ?4,"
        " 'replaced', ?5, 'unchanged', ?6, 'removed', ?7, 'register', ?8,"
        " 'data_version', (SELECT data_version FROM municipality WHERE code = ?9))";
    ilm_store *s = im->s;
    int rc = 0;
    for (int m = 0; !rc && m < N_CODES; m++) {
        const muni_counts *x = &c[m];
        if (!x->added && !x->replaced && !x->removed && !im->registered[m])
            continue;
        char code[8];
        snprintf(code, sizeof code, "%03d", m);
        sqlite3_stmt *st = store_stmt(s, raise_sql, "raising a data version", err);
        if (!st)
            return ILM_ESTORE;
        sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
        if ((rc = store_step_done(s, st, "raising a data version", err)))
            break;
        if (!(st = store_stmt(s, json_sql, "auditing the import", err)))
            return ILM_ESTORE;
        sqlite3_bind_int64(st, 1, import_id);
        sqlite3_bind_text(st, 2, im->file_name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, im->kind, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, x->added);
        sqlite3_bind_int64(st, 5, x->replaced);
        sqlite3_bind_int64(st, 6, x->unchanged);
        sqlite3_bind_int64(st, 7, x->removed);
        if (im->registered[m])
            sqlite3_bind_text(st, 8, im->registered[m] == REG_ADDED ? "added" : "updated", -1,
                              SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 8);
        sqlite3_bind_text(st, 9, code, -1, SQLITE_STATIC);
        int step = sqlite3_step(st);
        bool oom = false;
        char *json = step == SQLITE_ROW ? store_column_text(st, 0, &oom) : NULL;
        if (step != SQLITE_ROW)
            rc = store_error(s, step, err, "auditing the import");
        else if (oom || !json)
            rc = store_oom(err);
        sqlite3_reset(st);
        if (!rc)
            rc = store_audit_add(s, "inventory.import", code, 0, 0, NULL, json, err);
        free(json);
    }
    return rc;
}

/* The import record goes in first, since the rows name it; its counts are
 * filled in at the end. */
static const char insert_import_sql[] =
    "INSERT INTO import (kind, file_name, imported_at, rows_added, rows_replaced,"
    " rows_unchanged, rows_removed, municipalities_added, municipalities_updated)"
    " VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 0, 0, 0, 0, 0, 0)";
static const char count_import_sql[] =
    "UPDATE import SET rows_added = ?2, rows_replaced = ?3, rows_unchanged = ?4,"
    " rows_removed = ?5, municipalities_added = ?6, municipalities_updated = ?7 WHERE id = ?1";

static int record_import(ilm_store_import *im, int64_t *id, ilm_errors *err)
{
    ilm_store *s = im->s;
    sqlite3_stmt *q = store_stmt(s, insert_import_sql, "recording the import", err);
    if (!q)
        return ILM_ESTORE;
    sqlite3_bind_text(q, 1, im->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, im->file_name, -1, SQLITE_STATIC);
    int rc = store_step_done(s, q, "recording the import", err);
    *id = sqlite3_last_insert_rowid(s->db);
    return rc;
}

static int record_counts(ilm_store_import *im, int64_t id, const ilm_import_stats *st,
                         ilm_errors *err)
{
    ilm_store *s = im->s;
    sqlite3_stmt *q = store_stmt(s, count_import_sql, "recording the import", err);
    if (!q)
        return ILM_ESTORE;
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int64(q, 2, st->added);
    sqlite3_bind_int64(q, 3, st->replaced);
    sqlite3_bind_int64(q, 4, st->unchanged);
    sqlite3_bind_int64(q, 5, st->removed);
    sqlite3_bind_int64(q, 6, st->municipalities_added);
    sqlite3_bind_int64(q, 7, im->municipalities_updated);
    return store_step_done(s, q, "recording the import", err);
}

int ilm_store_import_commit(ilm_store_import *im, ilm_import_stats *stats, ilm_errors *err)
{
    ilm_store *s = im->s;
    ilm_import_stats st = {.municipalities_added = im->municipalities_added};
    memset(stats, 0, sizeof *stats);
    int64_t id = 0;
    int rc;
    muni_counts *c = calloc(N_CODES, sizeof *c);
    if (!c) {
        rc = store_oom(err);
        goto fail;
    }
    if ((rc = flush_pending(im, err)) || (rc = record_import(im, &id, err)) ||
        (rc = apply_rows(s, id, c, err)) || (rc = apply_year_values(s, id, c, err)))
        goto fail;
    for (int m = 0; m < N_CODES; m++) {
        st.added += c[m].added;
        st.replaced += c[m].replaced;
        st.unchanged += c[m].unchanged;
        st.removed += c[m].removed;
    }
    bool changed = st.added || st.replaced || st.removed || im->municipalities_added ||
                   im->municipalities_updated;
    if (!changed) {
        /* Nothing was written but the import record: rolling back leaves
         * the file exactly as it was. */
        free(c);
        ilm_store_import_abort(im);
        *stats = st;
        return 0;
    }
    if ((rc = record_counts(im, id, &st, err)) || (rc = audit_municipalities(im, id, c, err)) ||
        (rc = store_exec(s,
                         "DELETE FROM temp.stage_row;"
                         "DELETE FROM temp.stage_population;"
                         "DELETE FROM temp.stage_published;",
                         "clearing the staging tables", err)) ||
        (rc = store_commit(s, "committing the import", err)))
        goto fail;
    free(c);
    free_import(im);
    *stats = st;
    return 0;
fail:
    free(c);
    ilm_errors_add(err, "the import was rolled back: the store is as it was before");
    ilm_store_import_abort(im);
    return rc;
}
