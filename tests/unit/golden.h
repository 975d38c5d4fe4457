/* Golden tests: run a plan through the engine (ilm_plan_read_file,
 * ilm_model_run, ilm_result_to_json) and compare the result document with
 * an expected one, field by field, under the tolerances of spec section 7
 * and bench/check_numpy.py.
 *
 * Tolerances (|got - want| <= tol):
 *   integers (ilmava_result, *_year, horizon, years, counts, draws),
 *   strings, booleans, null: exact; an integer field must also be a JSON
 *   integer in both documents.
 *   deterministic numbers: tol = max(1e-9 * max(|got|, |want|), 1e-6), i.e.
 *   1e-9 relative with an absolute floor of 1e-6 (tonnes or euros) for values
 *   near 0, where cancellation makes a relative test meaningless;
 *   easy_share (a ratio of sums of non-negative terms, no cancellation):
 *   1e-9 relative with a floor of only 1e-12;
 *   monte_carlo.p_meet: 0.01 absolute;
 *   monte_carlo.p5 / p50 / p95: 1 % relative (floor 1e-6).
 * Objects must have the same key sets and arrays the same lengths. A number
 * may be written 5 or 5.0 except in the integer fields; -0.0 equals 0.0.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#ifndef ILMAVA_TEST_GOLDEN_H
#define ILMAVA_TEST_GOLDEN_H

#include <stddef.h>

#include <jansson.h>

#define GOLDEN_REL_TOL 1e-9
#define GOLDEN_ABS_FLOOR 1e-6
#define GOLDEN_RATIO_ABS_FLOOR 1e-12
#define GOLDEN_P_MEET_TOL 0.01
#define GOLDEN_PCT_REL_TOL 0.01
/* At most this many differences are printed; the rest are only counted. */
#define GOLDEN_MAX_REPORTED 12

/* Flags of golden_compare / golden_check. */
enum {
    /* Compare monte_carlo's keys, draws, years and array lengths, but not
     * the values of p_meet, p5, p50, p95: the caller checks those by hand
     * (they come from a random generator). */
    GOLDEN_MC_BY_HAND = 1u << 0,
    /* Count differences without printing them (self-tests of the helper). */
    GOLDEN_QUIET = 1u << 1
};

/* Threads used for the Monte Carlo in golden_check. */
#define GOLDEN_THREADS 2

/* Reads and parses a JSON file (duplicate keys rejected). Prints the reason
 * and returns NULL on failure. The caller json_decref()s it. */
json_t *golden_load_json(const char *path);

/* Runs the engine on a plan file with ilm_run_options_default() and the
 * given number of threads, renders the result with ilm_result_to_json and
 * parses it. Prints the engine's messages and returns NULL on failure. */
json_t *golden_run(const char *plan_path, int threads);

/* Compares the engine's document `got` with the expected `want`. Prints the
 * JSON path and both values of the first GOLDEN_MAX_REPORTED differences,
 * each line prefixed with `label`. Returns the number of differences. */
size_t golden_compare(const json_t *got, const json_t *want, unsigned flags,
                      const char *label);

/* The cmocka check: runs plan_path through the engine with GOLDEN_THREADS
 * threads, compares with result_path and fails the current test (after
 * freeing everything) when a file is missing or unreadable, the engine
 * fails, or any field differs. */
void golden_check(const char *plan_path, const char *result_path, unsigned flags);

/* Returns a new string dir + "/" + name + suffix (abort on out of memory). */
char *golden_join(const char *dir, const char *name, const char *suffix);

/* The value of an environment variable naming a folder, or NULL when it
 * is unset or empty. */
const char *golden_env_dir(const char *var);

#endif
