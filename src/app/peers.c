/* The peer finder as a user operation: gathers every municipality's
 * figures from the store, leaves out those that cannot be compared, and
 * hands the rest to the computation (src/model/peers.c). docs/peers.md
 * documents what is gathered and why.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ilmava/app.h"
#include "ilmava/import.h"

/* One municipality's figures, or why there are none. */
typedef struct gathered {
    ilm_peer_input in;
    const char *missing; /* NULL: comparable */
} gathered;

/* The figures of `code` from the set's rows [r0, r1) and population rows
 * [p0, p1) (the municipality's ranges). */
static gathered gather(const char *code, const ilm_inventory_set *set, size_t r0, size_t r1,
                       size_t p0, size_t p1)
{
    gathered g = {0};
    memcpy(g.in.code, code, 4);
    if (r0 == r1) {
        g.missing = "it has no inventory data";
        return g;
    }
    /* Rows are by year: the last one is the latest year. */
    int year = set->rows[r1 - 1].year;
    double total = 0, ets = 0, base = 0, by_group[ILM_GROUP_COUNT] = {0};
    bool has_base = false;
    for (size_t i = r0; i < r1; i++) {
        const ilm_inventory_set_row *r = &set->rows[i];
        /* A figure no import accepts (written to the store by other
         * means) would make every sum it enters meaningless or infinite:
         * this municipality is left out, the others are compared. */
        if (!(r->t >= 0 && r->t <= ILM_IMPORT_MAX_T)) {
            g.missing = "its inventory holds a figure outside the plausible range "
                        "(0 to 100 Mt CO2e a row)";
            return g;
        }
        if (r->year == ILM_PEER_BASE_YEAR) {
            base += r->t;
            has_base = true;
        }
        if (r->year != year)
            continue;
        total += r->t;
        if (r->ets)
            ets += r->t;
        by_group[ilm_sector_group_of(r->sector)] += r->t;
    }
    /* The population of the year nearest to the inventory's; on a tie the
     * earlier year, as rows come by year. */
    double population = 0;
    int best = -1;
    for (size_t i = p0; i < p1; i++) {
        if (!(set->population[i].n >= 0 && set->population[i].n <= ILM_IMPORT_MAX_POPULATION)) {
            g.missing = "its population figures are outside the plausible range "
                        "(0 to 10 million)";
            return g;
        }
        int d = abs(set->population[i].year - year);
        if (set->population[i].n > 0 && (best < 0 || d < best)) {
            best = d;
            population = set->population[i].n;
            g.in.population_year = set->population[i].year;
        }
    }
    g.in.year = year;
    if (best < 0)
        g.missing = "it has no population figures";
    else if (!(total > 0))
        g.missing = "its inventory adds up to nothing in its latest year";
    else if (!has_base)
        g.missing = "its inventory has no figures for 2007, the year the change is measured from";
    else if (!(base > 0))
        g.missing = "its inventory adds up to nothing in 2007";
    if (g.missing)
        return g;
    g.in.population = population;
    for (int k = 0; k < ILM_GROUP_COUNT; k++)
        g.in.per_capita[k] = by_group[k] / population;
    g.in.ets_share = ets / total;
    g.in.change = total / base - 1;
    /* The computation's own rules, as a second fence. */
    g.missing = ilm_peer_input_problem(&g.in);
    return g;
}

int ilm_app_peers(ilm_store *s, const char *municipality, int k, ilm_peer_result *out,
                  ilm_errors *err)
{
    memset(out, 0, sizeof *out);
    if (k < 1 || k > ILM_PEERS_MAX_K) {
        ilm_errors_add(err, "k: %d is outside 1..%d", k, ILM_PEERS_MAX_K);
        return ILM_EINVAL;
    }
    ilm_municipality me = {0};
    ilm_municipality *all = NULL;
    size_t n_all = 0;
    ilm_inventory_set set = {0};
    int rc = ilm_store_municipality_find(s, municipality, &me, err);
    if (!rc)
        rc = ilm_store_municipalities(s, &all, &n_all, err);
    if (!rc)
        rc = ilm_store_inventory_latest(s, ILM_PEER_BASE_YEAR, &set, err);
    if (rc)
        goto done;
    out->inputs = calloc(n_all ? n_all : 1, sizeof *out->inputs);
    out->left_out = calloc(n_all ? n_all : 1, sizeof *out->left_out);
    if (!out->inputs || !out->left_out) {
        ilm_errors_add(err, "out of memory");
        rc = ILM_ENOMEM;
        goto done;
    }
    /* The register, the rows and the population all come by code: one
     * walk through each. */
    size_t r = 0, p = 0, target = SIZE_MAX;
    const char *why_not = NULL;
    for (size_t i = 0; i < n_all; i++) {
        const char *code = all[i].code;
        while (r < set.n_rows && strcmp(set.rows[r].code, code) < 0)
            r++;
        size_t r0 = r;
        while (r < set.n_rows && strcmp(set.rows[r].code, code) == 0)
            r++;
        while (p < set.n_population && strcmp(set.population[p].code, code) < 0)
            p++;
        size_t p0 = p;
        while (p < set.n_population && strcmp(set.population[p].code, code) == 0)
            p++;
        /* Like with like: made-up municipalities never stand beside real
         * ones. */
        if (all[i].synthetic != me.synthetic)
            continue;
        gathered one = gather(code, &set, r0, r, p0, p);
        bool is_me = strcmp(code, me.code) == 0;
        if (one.missing) {
            if (is_me) {
                why_not = one.missing;
                continue;
            }
            ilm_peer_left_out *lo = &out->left_out[out->n_left_out++];
            memcpy(lo->code, code, 4);
            lo->reason = one.missing;
            if (all[i].name_fi && !(lo->name = strdup(all[i].name_fi))) {
                ilm_errors_add(err, "out of memory");
                rc = ILM_ENOMEM;
                goto done;
            }
            continue;
        }
        one.in.name = strdup(all[i].name_fi);
        if (!one.in.name) {
            ilm_errors_add(err, "out of memory");
            rc = ILM_ENOMEM;
            goto done;
        }
        if (is_me)
            target = out->n_inputs;
        out->inputs[out->n_inputs++] = one.in;
    }
    if (target == SIZE_MAX) {
        ilm_errors_add(err, "%s (%s) cannot be compared with other municipalities: %s", me.name_fi,
                       me.code, why_not ? why_not : "it has no data");
        rc = ILM_EINVAL;
        goto done;
    }
    out->target = target;
    out->synthetic = me.synthetic;
    for (int f = 0; f < ILM_PF_COUNT; f++)
        out->weights[f] = 1.0;
    size_t room = (size_t)k < out->n_inputs - 1 ? (size_t)k : out->n_inputs - 1;
    out->peers = calloc(room ? room : 1, sizeof *out->peers);
    if (!out->peers) {
        ilm_errors_add(err, "out of memory");
        rc = ILM_ENOMEM;
        goto done;
    }
    rc = ilm_peers_find(out->inputs, out->n_inputs, target, out->weights, (size_t)k, out->peers,
                        &out->n_peers, err);
    /* No close peer: even the nearest differs by more than ILM_PEER_FAR_Z
     * standard deviations on some feature (its contribution is w z^2). */
    if (!rc && out->n_peers) {
        const ilm_peer *nearest = &out->peers[0];
        for (int f = 0; f < ILM_PF_COUNT; f++) {
            double w = out->weights[f];
            double z = w > 0 ? sqrt(nearest->contribution[f] / w) : 0;
            if (z > out->far_z) {
                out->far_z = z;
                out->far_feature = (ilm_peer_feature)f;
            }
        }
        out->isolated = out->far_z > ILM_PEER_FAR_Z;
    }
done:
    if (rc)
        ilm_peer_result_clear(out);
    ilm_inventory_set_clear(&set);
    ilm_municipalities_free(all, n_all);
    ilm_municipality_clear(&me);
    return rc;
}
