/* ilmava: the plan document of spec/plan-model.md section 1, as plain data.
 *
 * A plan is a record, not an object with behaviour: the JSON reader, and
 * later the store, fill one in, and the model computes from it. Every
 * pointer in it is owned by the plan and released by ilm_plan_free.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#ifndef ILMAVA_PLAN_H
#define ILMAVA_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ilmava/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The plan format version this library reads and writes. */
#define ILM_PLAN_FORMAT 1

typedef enum { ILM_SCOPE_TOTAL, ILM_SCOPE_NON_ETS, ILM_SCOPE_HINKU } ilm_scope;

/* How much the municipality controls a measure (spec section 1). */
typedef enum {
    ILM_CONTROL_OWN,
    ILM_CONTROL_STEER,
    ILM_CONTROL_INFLUENCE,
    ILM_CONTROL_NONE
} ilm_control;

typedef enum {
    ILM_STATUS_IDEA,
    ILM_STATUS_PLANNED,
    ILM_STATUS_ONGOING,
    ILM_STATUS_DONE,
    ILM_STATUS_CANCELLED
} ilm_status;

/* One inventory record: emissions of a stream (sector, ets) in a year. */
typedef struct ilm_inventory_row {
    int year;
    char *sector;
    bool ets;
    double t;
} ilm_inventory_row;

typedef struct ilm_population_row {
    int year;
    double n;
} ilm_population_row;

/* A sector's own baseline growth rate (baseline.trend). */
typedef struct ilm_trend {
    char *sector;
    double rate;
} ilm_trend;

typedef struct ilm_measure {
    char *id;
    char *name;        /* may be NULL */
    char *sector;
    bool ets;
    int start, full;   /* first year with effect, first at full effect */
    bool is_absolute;  /* true: `amount` is absolute_t, else it is share */
    double amount;
    bool has_range;    /* share_range / absolute_range given */
    double range[3];   /* low, mode, high */
    double capex, opex;
    double lifetime;   /* 0 when not given */
    ilm_control control;
    bool optional;
    ilm_status status;
    char *responsible; /* may be NULL */
    char *notes;       /* may be NULL */
    int64_t store_id;  /* the store's number for it; 0 when not stored */
} ilm_measure;

typedef struct ilm_plan {
    int64_t store_id;         /* the store's number for it; 0 when not stored */
    /* The store's version of the plan, raised by every change; 0 when not
     * stored. ilm_store_plan_save refuses a plan whose version is not the
     * stored one (someone else changed it since it was read). */
    int64_t version;
    bool published;           /* readable by anyone, signed in or not */
    int format;               /* ilmava_plan */
    char *name;               /* may be NULL */
    char *municipality_code;  /* 3 digits */
    char *municipality_name;

    ilm_inventory_row *inventory;
    size_t n_inventory;
    ilm_population_row *population;
    size_t n_population;

    double default_trend;
    ilm_trend *trends;
    size_t n_trends;
    double trend_sd;

    int base_year, target_year;
    double reduction;
    ilm_scope scope;

    ilm_measure *measures;
    size_t n_measures;

    /* settings */
    int horizon; /* 0: the target year */
    double discount_rate;
    int64_t draws;
    uint64_t seed;
    double easy_max_eur_per_t;
    double hard_min_eur_per_t;
} ilm_plan;

/* Hard caps that keep a hostile plan from exhausting memory or time. */
#define ILM_MAX_INVENTORY 100000
#define ILM_MAX_MEASURES 1000
#define ILM_MAX_YEARS 300       /* from the base year to the horizon */
#define ILM_MAX_DRAWS 10000000  /* Monte Carlo draws */
#define ILM_MIN_YEAR 1900
#define ILM_MAX_YEAR 2200

/* Allocates an empty plan with the spec's defaults (scope total, discount
 * rate 0.04, seed 1, easy 50 and hard 150 EUR/t). Returns NULL when out of
 * memory. The caller owns it and frees it with ilm_plan_free. */
ilm_plan *ilm_plan_new(void);

/* Frees the plan and everything it owns. NULL is allowed. */
void ilm_plan_free(ilm_plan *plan);

/* Frees the strings a measure owns and zeroes it. */
void ilm_measure_clear(ilm_measure *m);

/* Returns a deep copy of the plan, or NULL when out of memory. */
ilm_plan *ilm_plan_clone(const ilm_plan *plan);

/* Applies every validation rule of spec section 1 that is about values and
 * their relations (duplicate records and ids, negative emissions, the year
 * order base_year <= L < target_year <= horizon, shares and ranges, sector
 * keys...). Appends one message per failure to err. Returns 0 when the plan
 * is valid, ILM_EINVAL otherwise. A measure or trend on a known sector
 * (one in the inventory, or a key of ilm_sector_known) whose stream has no
 * inventory record is valid: the model carries it as not computed. */
int ilm_plan_validate(const ilm_plan *plan, ilm_errors *err);

/* Whether `key` is one of the sector keys of spec/sectors.md (SYKE's 13
 * main sectors), which a plan may name even where its inventory has no
 * record: a Hinku plan carries no ETS industry. */
bool ilm_sector_known(const char *key);

/* The last inventory year L, or 0 for an empty inventory. */
int ilm_plan_last_year(const ilm_plan *plan);

/* The effective horizon: settings.horizon, or the target year when unset. */
int ilm_plan_horizon(const ilm_plan *plan);

/* Text names of the enums as they appear in plan documents. */
const char *ilm_scope_name(ilm_scope s);
const char *ilm_control_name(ilm_control c);
const char *ilm_status_name(ilm_status s);
/* Parses a name; returns 0, or ILM_EINVAL when the name is unknown. */
int ilm_scope_parse(const char *s, ilm_scope *out);
int ilm_control_parse(const char *s, ilm_control *out);
int ilm_status_parse(const char *s, ilm_status *out);

#ifdef __cplusplus
}
#endif

#endif
