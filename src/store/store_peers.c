/* Reading every municipality at once for the peer finder: each one's
 * streams in its latest year and a reference year, and all population
 * figures, in one read snapshot.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"

void ilm_inventory_set_clear(ilm_inventory_set *v)
{
    if (!v)
        return;
    free(v->rows);
    free(v->population);
    for (size_t i = 0; i < v->n_sector_keys; i++)
        free(v->sector_keys[i]);
    free(v->sector_keys);
    memset(v, 0, sizeof *v);
}

/* Grows *buf of *cap items of `size` bytes so that it holds n + 1. */
static int grow(void **buf, size_t *cap, size_t n, size_t size, ilm_errors *err)
{
    if (n < *cap)
        return 0;
    size_t grown = *cap ? 2 * *cap : 1024;
    if (grown > SIZE_MAX / size)
        return store_oom(err);
    void *g = realloc(*buf, grown * size);
    if (!g)
        return store_oom(err);
    *buf = g;
    *cap = grown;
    return 0;
}

static int read_keys(ilm_store *s, ilm_inventory_set *v, ilm_errors *err)
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
    for (size_t i = 0; i < n; i++) {
        v->sector_keys[i] = sectors[i].key;
        sectors[i].key = NULL;
    }
    v->n_sector_keys = n;
    ilm_sectors_free(sectors, n);
    return 0;
}

/* The latest year of each municipality comes from the primary key's
 * order; the join then reads only the two years' ranges. */
static int read_rows(ilm_store *s, int ref_year, ilm_inventory_set *v, ilm_errors *err)
{
    static const char sql[] =
        "WITH latest AS (SELECT municipality, max(year) AS year FROM inventory"
        " GROUP BY municipality)"
        " SELECT i.municipality, i.year, i.sector, i.ets, sum(i.t)"
        " FROM latest l JOIN inventory i ON i.municipality = l.municipality"
        " AND (i.year = l.year OR i.year = ?1)"
        " JOIN sector k ON k.key = i.sector"
        " GROUP BY i.municipality, i.year, i.sector, i.ets"
        " ORDER BY i.municipality, i.year, k.position, i.ets";
    sqlite3_stmt *st = store_stmt(s, sql, "reading the latest inventories", err);
    if (!st)
        return ILM_ESTORE;
    sqlite3_bind_int(st, 1, ref_year);
    size_t cap = 0;
    int rc, result = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if ((result = grow((void **)&v->rows, &cap, v->n_rows, sizeof *v->rows, err)))
            break;
        const char *code = (const char *)sqlite3_column_text(st, 0);
        const char *key = (const char *)sqlite3_column_text(st, 2);
        const char *sector = NULL;
        for (size_t k = 0; key && k < v->n_sector_keys && !sector; k++)
            if (strcmp(v->sector_keys[k], key) == 0)
                sector = v->sector_keys[k];
        if (!sector || !code || strlen(code) != 3) { /* the schema makes this impossible */
            ilm_errors_add(err, "latest inventories: a row with sector \"%s\" of \"%s\"",
                           key ? key : "", code ? code : "");
            result = ILM_EINTERNAL;
            break;
        }
        ilm_inventory_set_row *r = &v->rows[v->n_rows++];
        memcpy(r->code, code, 4);
        r->year = sqlite3_column_int(st, 1);
        r->sector = sector;
        r->ets = sqlite3_column_int(st, 3) != 0;
        r->t = sqlite3_column_double(st, 4);
    }
    if (!result && rc != SQLITE_DONE)
        result = store_error(s, rc, err, "reading the latest inventories");
    sqlite3_reset(st);
    return result;
}

static int read_population(ilm_store *s, ilm_inventory_set *v, ilm_errors *err)
{
    static const char sql[] = "SELECT municipality, year, n FROM population"
                              " ORDER BY municipality, year";
    sqlite3_stmt *st = store_stmt(s, sql, "reading the population", err);
    if (!st)
        return ILM_ESTORE;
    size_t cap = 0;
    int rc, result = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if ((result =
                 grow((void **)&v->population, &cap, v->n_population, sizeof *v->population, err)))
            break;
        const char *code = (const char *)sqlite3_column_text(st, 0);
        if (!code || strlen(code) != 3) {
            ilm_errors_add(err, "population: a row of \"%s\"", code ? code : "");
            result = ILM_EINTERNAL;
            break;
        }
        ilm_inventory_set_population *p = &v->population[v->n_population++];
        memcpy(p->code, code, 4);
        p->year = sqlite3_column_int(st, 1);
        p->n = sqlite3_column_double(st, 2);
    }
    if (!result && rc != SQLITE_DONE)
        result = store_error(s, rc, err, "reading the population");
    sqlite3_reset(st);
    return result;
}

int ilm_store_inventory_latest(ilm_store *s, int ref_year, ilm_inventory_set *out, ilm_errors *err)
{
    memset(out, 0, sizeof *out);
    bool began;
    int rc = store_begin_read(s, &began, err);
    if (rc)
        return rc;
    rc = read_keys(s, out, err);
    if (!rc)
        rc = read_rows(s, ref_year, out, err);
    if (!rc)
        rc = read_population(s, out, err);
    store_end_read(s, began);
    if (rc)
        ilm_inventory_set_clear(out);
    return rc;
}
