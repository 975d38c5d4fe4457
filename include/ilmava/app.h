/* ilmava: what a user does with the store, as single calls.
 *
 * Each operation combines the readers (import.h), the store (store.h) and
 * the model (model.h), so that the command line and the HTTP API do the same
 * thing the same way. No SQL here and no printing.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#ifndef ILMAVA_APP_H
#define ILMAVA_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ilmava/error.h"
#include "ilmava/import.h"
#include "ilmava/io.h"
#include "ilmava/model.h"
#include "ilmava/peers.h"
#include "ilmava/plan.h"
#include "ilmava/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Imports a data file in one transaction: all of it or, at the first bad
 * line, none of it (the message names line and column). `kind` is
 * ILM_FILE_SYKE (shape detected), ILM_FILE_MUNICIPALITIES or
 * ILM_FILE_INVENTORY. The inventory file's municipalities must be in the
 * register. `file_name` is recorded as the source (NULL: `path`). */
int ilm_app_import(ilm_store *s, const char *path, const char *file_name,
                   ilm_file_kind kind, ilm_import_stats *stats, ilm_import_info *info,
                   ilm_errors *err);

/* The same from memory (an upload). */
int ilm_app_import_buffer(ilm_store *s, const char *data, size_t len, const char *file_name,
                          ilm_file_kind kind, ilm_import_stats *stats,
                          ilm_import_info *info, ilm_errors *err);

/* An upload of a plain inventory file (ILM_FILE_INVENTORY) for one
 * municipality: a line naming another municipality rejects the file. */
int ilm_app_import_for(ilm_store *s, const char *code, const char *data, size_t len,
                       const char *file_name, ilm_import_stats *stats, ilm_import_info *info,
                       ilm_errors *err);

/* Replaces a plan's inventory and population with the store's current ones
 * for the plan's municipality and scope (Hinku rows only for "hinku"). */
int ilm_app_attach_inventory(ilm_store *s, ilm_plan *plan, ilm_errors *err);

/* Creates a plan for `municipality` (code or name) cutting `reduction`
 * from base_year by target_year in `scope`, checked against the store's
 * inventory (the base year must have data, and so on). `name` may be NULL. */
int ilm_app_plan_new(ilm_store *s, const char *municipality, int base_year,
                     int target_year, double reduction, ilm_scope scope,
                     const char *name, int64_t *id, ilm_errors *err);

/* Stores a plan document as a new plan. Its municipality is added to the
 * register when new; when the store has no inventory for it, the
 * document's inventory and population are imported (as counted in the
 * Hinku rule: a plan document does not say). Otherwise the plan is checked
 * against the store's inventory, which stays as it is. */
int ilm_app_plan_import(ilm_store *s, const char *path, int64_t *id, ilm_errors *err);

/* Adds a measure built from `ch` (see ilm_measure_edit) to plan
 * `plan_id`, checked with every rule of the spec on the store's inventory.
 * Stores the new measure's id in *measure_id. The three measure edits
 * name no plan version: each reads and saves the plan in one write
 * transaction, so parallel edits wait for each other (up to the store's
 * busy timeout, then ILM_EBUSY) and are never a version conflict. */
int ilm_app_measure_add(ilm_store *s, int64_t plan_id, const ilm_measure_change *ch,
                        int64_t *measure_id, ilm_errors *err);

/* Changes measure `measure_id` as `ch` says, checked the same way. A
 * change that leaves the measure as it was changes nothing: not the
 * plan's version, not the audit trail. */
int ilm_app_measure_set(ilm_store *s, int64_t measure_id, const ilm_measure_change *ch,
                        ilm_errors *err);

/* Changes a stored plan's own fields, each "FIELD=VALUE": name,
 * default_trend, trend.SECTOR (empty: removes the sector's trend),
 * trend_sd, draws, seed, discount_rate. The plan is checked with every
 * rule of the spec on the store's inventory and saved as a new version
 * (audited like every save); nothing is stored when a field or a rule
 * fails. */
int ilm_app_plan_set(ilm_store *s, int64_t plan_id, const char *const *fields, size_t n,
                     ilm_errors *err);

/* Removes measure `measure_id` from its plan. */
int ilm_app_measure_delete(ilm_store *s, int64_t measure_id, ilm_errors *err);

/* ---- accounts ---- */

/* Bounds on a password, in bytes. */
#define ILM_PASSWORD_MIN 10
#define ILM_PASSWORD_MAX 1024
/* Room for an argon2id hash string, its NUL included. */
#define ILM_PASSWORD_HASH_MAX 128

/* Hashes `password` with argon2id (libsodium's crypto_pwhash_str, the
 * interactive limits) into out[ILM_PASSWORD_HASH_MAX]. ILM_EINVAL with a
 * message when the password is shorter than ILM_PASSWORD_MIN or longer than
 * ILM_PASSWORD_MAX. Slow on purpose (~0.1 s, 64 MiB). */
int ilm_password_hash(const char *password, char out[ILM_PASSWORD_HASH_MAX], ilm_errors *err);
/* Whether `password` matches `hash`. Takes as long as hashing. */
bool ilm_password_verify(const char *hash, const char *password);
/* Writes a random password of 20 characters (letters and digits, about 119
 * bits) and its NUL into out. */
void ilm_password_random(char out[21]);

/* Adds a user with `password` hashed (see ilm_store_user_add). */
int ilm_app_user_add(ilm_store *s, const char *email, ilm_role role, const char *const *codes,
                     size_t n_codes, const char *password, int64_t *id, ilm_errors *err);
/* Sets a user's password (and ends their sessions). */
int ilm_app_user_passwd(ilm_store *s, const char *email, const char *password,
                        ilm_errors *err);

typedef struct ilm_demo_stats {
    int municipalities;
    int plans;
    int measures;
    long long inventory_rows;
} ilm_demo_stats;

/* Fills an empty store with synthetic municipalities generated here (an
 * industrial town with a large ETS plant, a mid-size city, a rural
 * municipality), each with an inventory, a plan and measures, all marked
 * synthetic. Refuses a store that already has municipalities or plans. */
int ilm_app_demo(ilm_store *s, ilm_demo_stats *stats, ilm_errors *err);

/* ---- the peer finder (peers.c; docs/peers.md) ---- */

/* The k (1..ILM_PEERS_MAX_K) municipalities most similar to `municipality`
 * (a code or a name) on the store's current data, with the reasons (see
 * ilm_peers_find). The figures are the total scope in each municipality's
 * latest year with inventory data, the population of the year nearest to
 * it, and the change since ILM_PEER_BASE_YEAR. Real municipalities are
 * compared with real ones and synthetic (demo) ones with synthetic ones;
 * those lacking an inventory, a population or figures for the base year
 * are left out and counted in out->left_out. Fewer than k peers come back
 * when fewer are comparable. ILM_ENOTFOUND for an unknown municipality;
 * ILM_EINVAL for a bad k, or with a message saying what is missing when
 * the municipality itself cannot be compared. Clear *out with
 * ilm_peer_result_clear. */
int ilm_app_peers(ilm_store *s, const char *municipality, int k, ilm_peer_result *out,
                  ilm_errors *err);

/* Copies plan `id` as a new plan of the same municipality named `name`
 * (required, not blank): its target, settings and measures; not published.
 * Audited as plan.create (and measure.create). Stores the new id. */
int ilm_app_plan_copy(ilm_store *s, int64_t id, const char *name, int64_t *new_id, ilm_errors *err);

/* Runs the optimiser on plan `id` at `version` and applies its answer as
 * one audited change (ilm_store_plan_apply_optimum): optional measures it
 * drops are cancelled, ideas it keeps become planned. ILM_ECONFLICT when
 * the plan is no longer at `version`. `opt` may be NULL. */
int ilm_app_plan_apply_optimum(ilm_store *s, int64_t id, int64_t version,
                               const ilm_optimize_options *opt, ilm_errors *err);

#ifdef __cplusplus
}
#endif

#endif
