/* ilmava: reading plan documents and writing result documents (JSON).
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#ifndef ILMAVA_IO_H
#define ILMAVA_IO_H

#include <stdbool.h>
#include <stddef.h>

#include "ilmava/error.h"
#include "ilmava/model.h"
#include "ilmava/peers.h"
#include "ilmava/plan.h"
#include "ilmava/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The largest plan document read, in bytes. */
#define ILM_PLAN_MAX_BYTES (16u * 1024u * 1024u)

/* Parses a plan document (spec section 1) from `len` bytes of JSON, checks
 * its shape (unknown keys, types, required fields) and then every rule of
 * ilm_plan_validate. On success stores a new plan in *out (the caller frees
 * it with ilm_plan_free) and returns 0; otherwise returns a negative code,
 * appends messages naming field and record to err, and leaves *out NULL. */
int ilm_plan_from_json(const char *text, size_t len, ilm_plan **out,
                       ilm_errors *err);

/* Reads and parses a plan file as ilm_plan_from_json does. The messages do
 * not repeat the path: the caller names the file. */
int ilm_plan_read_file(const char *path, ilm_plan **out, ilm_errors *err);

/* Renders a plan document (spec section 1), defaults written out. Returns a
 * string the caller frees, or NULL when out of memory. */
char *ilm_plan_to_json(const ilm_plan *plan);

/* A stored plan as the API shows it: {"id", "version", "published"} and
 * then the plan document without "inventory" and "population" (they are
 * the store's), each measure with its store number as "measure_id". */
char *ilm_stored_plan_to_json(const ilm_plan *plan);

/* Changes to a measure, in the plan document's keys: FIELD=VALUE
 * assignments from the command line ("share=0.3",
 * "share_range=[0.2,0.3,0.4]", "name=Heat pumps", "notes=" removes an
 * optional field), or a JSON object from the API ({"share": 0.3,
 * "notes": null}; null removes). */
typedef struct ilm_measure_change {
    const char *const *fields; /* used when json is NULL */
    size_t n;
    const char *json;
    size_t json_len;
} ilm_measure_change;

/* Builds a measure from `base` (NULL for a new one) and the change.
 * Giving share replaces absolute_t and vice versa. Checks the measure's
 * shape as the plan reader does, with messages naming "measure.FIELD"; the
 * rules that involve the whole plan are ilm_plan_validate's. Fills *out
 * (its strings are freed with the plan that takes it, or by
 * ilm_measure_clear) and returns 0, or a negative code. */
int ilm_measure_edit(const ilm_measure *base, const ilm_measure_change *ch, ilm_measure *out,
                     ilm_errors *err);

/* JSON views of the store's contents (the CLI's --json and the API):
 * [{"code", "name_fi", "name_sv", "region", "synthetic", "population",
 *   "population_year", "years"}] */
char *ilm_municipalities_to_json(const ilm_municipality *v, size_t n);
/* {"municipality": {"code", "name"}, "scope", "rows": [{"year", "sector",
 *  "ets", "t"}], "totals": [{"year", "t", "per_capita"}], "sources":
 *  [{"kind", "file", "imported_at", "first_year", "last_year", "rows"}]};
 * per_capita is null where there is no population. */
char *ilm_inventory_to_json(const ilm_municipality *m, const ilm_inventory_view *v);
/* [{"id", "municipality", "name", "scope", "base_year", "target_year",
 *   "reduction", "measures", "version", "published", "updated_at"}] */
char *ilm_plan_summaries_to_json(const ilm_plan_summary *v, size_t n);

/* Renders the result document of spec section 7. Returns a NUL-terminated
 * string the caller frees, or NULL when out of memory. */
char *ilm_result_to_json(const ilm_result *res);

/* Renders {"feasible", "keep", "drop", "annual_cost", "gap", "method", ...}
 * for an optimiser answer on `plan`. The caller frees the string. */
char *ilm_optimum_to_json(const ilm_plan *plan, const ilm_optimum *o);

/* The peer finder's answer (docs/API.md, docs/peers.md): {"municipality":
 * {"code", "name", "year", "population", "synthetic"}, "compared",
 * "left_out", "weights": {FEATURE: w}, "peers": [{"code", "name", "year",
 * "distance", "reasons": [{"feature", "similar", "this", "peer",
 * "z_difference"}], "contributions": {FEATURE: c}}]}. The caller frees the
 * string; NULL when out of memory. */
char *ilm_peers_to_json(const ilm_peer_result *r);

/* ---- CSV cells (src/io/csv_write.c) ---- */

/* True when s is a plain decimal number ("-12.5", "3e6"): a spreadsheet
 * reads it as a number, never as a formula. */
bool ilm_csv_is_number(const char *s);

/* True when a spreadsheet could read text cell s as a formula: it begins
 * with =, +, -, @, a tab or a carriage return and is not a plain number. */
bool ilm_csv_is_risky(const char *s);

/* Text s as one CSV cell for separator sep: quoted when it holds sep, a
 * quote or a line break (quotes doubled); a risky cell (above) gets a
 * single quote before it and is quoted, as OWASP recommends against CSV
 * injection. NULL is written as an empty cell. Returns a new string for
 * the caller to free, or NULL when out of memory. Numbers are the
 * writer's to format: this is for text. */
char *ilm_csv_cell(const char *s, char sep);

#ifdef __cplusplus
}
#endif

#endif
