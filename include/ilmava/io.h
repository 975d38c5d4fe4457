/* ilmava: reading plan documents and writing result documents (JSON).
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#ifndef ILMAVA_IO_H
#define ILMAVA_IO_H

#include <stddef.h>

#include "ilmava/error.h"
#include "ilmava/model.h"
#include "ilmava/plan.h"

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

/* Renders the result document of spec section 7. Returns a NUL-terminated
 * string the caller frees, or NULL when out of memory. */
char *ilm_result_to_json(const ilm_result *res);

/* Renders {"feasible", "keep", "drop", "annual_cost", "gap", "method", ...}
 * for an optimiser answer on `plan`. The caller frees the string. */
char *ilm_optimum_to_json(const ilm_plan *plan, const ilm_optimum *o);

#ifdef __cplusplus
}
#endif

#endif
