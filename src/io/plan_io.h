/* Shared between the plan reader and writer. Internal to src/io.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#ifndef ILM_PLAN_IO_H
#define ILM_PLAN_IO_H

#include "ilmava/plan.h"
#include "jsonw.h"

/* Writes one measure as the plan document has it. */
void plan_write_measure(jsonw *w, const ilm_measure *m, bool with_store_id);

#endif
