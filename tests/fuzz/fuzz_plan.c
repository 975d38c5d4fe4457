/* libFuzzer harness for the plan reader, and for the model on every plan
 * it accepts: ilm_plan_from_json, then ilm_model_run (at most 200 draws, one
 * thread), ilm_optimize (only with at most 12 optional measures, so that
 * the search stays exhaustive and short), and ilm_result_to_json. The
 * optimiser runs on an ilm_plan_clone of the plan, so that a shallow copy
 * shows up as a use after free or a double free.
 *
 * The caps keep one input well under a second, so that slow inputs stand
 * out as real findings rather than as the Monte Carlo doing its job. A
 * crash, a leak or a sanitizer report fails the run; an input the reader
 * rejects must come back with a message and no plan.
 *
 * Built by `make fuzz` (CMake option ILMAVA_FUZZ, clang only).
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ilmava/io.h"

#define FUZZ_MAX_DRAWS 200
#define FUZZ_MAX_OPTIONAL 12

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t count_optional(const ilm_plan *plan)
{
    size_t n = 0;
    for (size_t i = 0; i < plan->n_measures; i++)
        if (plan->measures[i].optional)
            n++;
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ilm_errors err;
    ilm_errors_clear(&err);

    ilm_plan *plan = NULL;
    int rc = ilm_plan_from_json((const char *)data, size, &plan, &err);
    if (rc != 0) {
        /* A rejected plan must say why and must not leak a half-read one. */
        if (plan != NULL || err.count == 0)
            abort();
        return 0;
    }
    if (plan == NULL)
        abort();

    ilm_run_options opt = ilm_run_options_default();
    opt.draws = plan->draws < FUZZ_MAX_DRAWS ? plan->draws : FUZZ_MAX_DRAWS;
    opt.threads = 1;
    ilm_result *res = NULL;
    ilm_errors_clear(&err);
    rc = ilm_model_run(plan, &opt, &res, &err);
    if (rc == 0) {
        char *json = ilm_result_to_json(res);
        /* Only running out of memory may make the writer give up. */
        if (json == NULL)
            abort();
        free(json);
        ilm_result_free(res);
    } else if (res != NULL || rc == ILM_EINVAL) {
        /* The reader validated this plan: the model must not reject it. */
        abort();
    }

    ilm_plan *copy = ilm_plan_clone(plan);
    ilm_plan_free(plan);
    if (copy == NULL)
        return 0;
    if (count_optional(copy) <= FUZZ_MAX_OPTIONAL) {
        ilm_optimum *o = NULL;
        ilm_errors_clear(&err);
        if (ilm_optimize(copy, NULL, &o, &err) == 0) {
            if (o == NULL)
                abort();
            char *json = ilm_optimum_to_json(copy, o);
            free(json);
            ilm_optimum_free(o);
        } else if (o != NULL) {
            abort();
        }
    }
    ilm_plan_free(copy);
    return 0;
}
