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

/* Opens (creating when absent) the store at `path`, applies the embedded
 * migrations the file does not have yet, and stores the handle in *out.
 * Refuses a store from a newer version with ILM_ESTORE and a message that
 * names both versions, and so a file that is not an ilmava store (not
 * SQLite, or another program's database). A handle is for one thread at a
 * time: open one per thread. */
int ilm_store_open(const char *path, ilm_store **out, ilm_errors *err);

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
 * Fills store_id of the plan and of each measure. */
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
} ilm_plan_summary;

/* Plans of municipality `code` (NULL: all), by id. */
int ilm_store_plan_list(ilm_store *s, const char *code, ilm_plan_summary **out, size_t *n,
                        ilm_errors *err);
void ilm_plan_summaries_free(ilm_plan_summary *v, size_t n);

/* Deletes a plan and its measures. ILM_ENOTFOUND when there is none. */
int ilm_store_plan_delete(ilm_store *s, int64_t id, ilm_errors *err);

/* The plan a measure (by store id) belongs to. ILM_ENOTFOUND when none. */
int ilm_store_measure_plan(ilm_store *s, int64_t measure_id, int64_t *plan_id,
                           ilm_errors *err);

#ifdef __cplusplus
}
#endif

#endif
