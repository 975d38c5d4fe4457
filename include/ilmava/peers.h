/* ilmava: the peer finder's computation. For one municipality, the k most
 * similar municipalities of a given set, with the reasons.
 *
 * Pure: no files, no SQL, no globals. The caller gathers the figures (the
 * app layer does it from the store, ilm_app_peers in app.h); this module
 * turns them into features, standardises them over the set, and measures
 * weighted Euclidean distances. docs/peers.md documents the features, the
 * weights, the standardisation and why there is no ranking of all.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#ifndef ILMAVA_PEERS_H
#define ILMAVA_PEERS_H

#include <stdbool.h>
#include <stddef.h>

#include "ilmava/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The sector groups of the per-capita features. Each sector key belongs to
 * one group (ilm_sector_group); the table is in src/model/peers.c. */
typedef enum ilm_sector_group {
    ILM_GROUP_HEATING,     /* electric_heating, district_heating, oil_heating, other_heating */
    ILM_GROUP_ELECTRICITY, /* electricity */
    ILM_GROUP_TRANSPORT,   /* road_transport, rail_transport, water_transport */
    ILM_GROUP_AGRICULTURE, /* agriculture */
    ILM_GROUP_OTHER,       /* industry, machinery, waste, f_gases, and any other key */
    ILM_GROUP_COUNT
} ilm_sector_group;

/* The group of a sector key. A key the table does not know (a sector added
 * to the store later) is ILM_GROUP_OTHER. */
ilm_sector_group ilm_sector_group_of(const char *sector_key);
/* "heating", "electricity", "transport", "agriculture", "other". */
const char *ilm_sector_group_name(ilm_sector_group g);

/* The features, in this order everywhere (weights, contributions). */
typedef enum ilm_peer_feature {
    ILM_PF_POPULATION, /* ln(population) */
    ILM_PF_HEATING,    /* ln(ILM_PEER_EPSILON + t per capita), per group */
    ILM_PF_ELECTRICITY,
    ILM_PF_TRANSPORT,
    ILM_PF_AGRICULTURE,
    ILM_PF_OTHER,
    ILM_PF_ETS_SHARE, /* EU-ETS t / all t, 0..1 */
    ILM_PF_CHANGE,    /* all t latest / all t 2007 - 1 */
    ILM_PF_COUNT
} ilm_peer_feature;

/* "population", "heating", "electricity", "transport", "agriculture",
 * "other", "ets_share", "change": the keys of the API's reasons. */
const char *ilm_peer_feature_name(ilm_peer_feature f);

/* Added to a per-capita figure (t CO2e a person) before its logarithm, so
 * that a group with no emissions has a finite feature: 10 kg a person, well
 * below any group's typical figure (tenths of a tonne to several tonnes). */
#define ILM_PEER_EPSILON 0.01

/* The reference year of the change feature: the Hinku network's base year. */
#define ILM_PEER_BASE_YEAR 2007

/* The most peers one call returns (the API's k is 1..ILM_PEERS_MAX_K). */
#define ILM_PEERS_MAX_K 50

/* One municipality's figures, in natural units. */
typedef struct ilm_peer_input {
    char code[4];                       /* ties in distance are broken by code */
    const char *name;                   /* not used by the computation; may be NULL */
    int year;                           /* the year of the figures; not used by the computation */
    int population_year;                /* the year of `population`: `year`, or the nearest
                                           year with a population when it has none */
    double population;                  /* inhabitants, > 0 */
    double per_capita[ILM_GROUP_COUNT]; /* t CO2e a person, >= 0 */
    double ets_share;                   /* 0..1 */
    double change;                      /* a fraction, -0.35 for -35 %; > -1 unless all went */
} ilm_peer_input;

/* Why `in` cannot be compared (a figure out of range: population not > 0,
 * a per-capita figure not finite or < 0, the ETS share outside 0..1, the
 * change not finite or < -1), as a short English phrase; NULL when it can.
 * ilm_peers_find refuses a set with such a member; callers leave it out
 * and say so (ilm_app_peers). */
const char *ilm_peer_input_problem(const ilm_peer_input *in);

/* The raw features of one municipality: the logarithms above, the ETS share
 * and the change as they are. */
void ilm_peer_features(const ilm_peer_input *in, double out[ILM_PF_COUNT]);

/* Standardises an n x m row-major matrix x column by column into z (which
 * may be x): z = (x - mean) / sd with the population standard deviation
 * (divisor n, not n - 1) over all n rows. A column whose values are all
 * equal has no spread: its z are 0 and spread[j] (when spread is not NULL)
 * is false. ILM_EINVAL for a value that is not finite, naming its row and
 * column. */
int ilm_peers_standardise(const double *x, size_t n, size_t m, double *z, bool *spread,
                          ilm_errors *err);

/* What a reason says: one feature of the peer next to the municipality's. */
typedef struct ilm_peer_reason {
    ilm_peer_feature feature;
    bool similar;      /* true: among the features on which the two differ
                          least; false: the one on which they differ most */
    double this_value; /* natural units: inhabitants, t a person, share, fraction */
    double peer_value;
    double z_difference; /* peer - this, in standard deviations of the set */
} ilm_peer_reason;

/* Up to 3 similar features and the biggest difference. A feature is
 * called similar only when the two are within ILM_PEER_SIMILAR_Z standard
 * deviations of the set on it. */
#define ILM_PEER_SIMILAR 3
#define ILM_PEER_SIMILAR_Z 1.0
#define ILM_PEER_MAX_REASONS (ILM_PEER_SIMILAR + 1)

typedef struct ilm_peer {
    size_t index;                      /* into the rows given */
    double distance;                   /* sqrt of the sum of the contributions */
    double contribution[ILM_PF_COUNT]; /* weight * (z peer - z this)^2; 0 without spread */
    size_t n_reasons;
    ilm_peer_reason reasons[ILM_PEER_MAX_REASONS]; /* the similar ones first */
} ilm_peer;

/* The distance core on any matrix: the k rows of the n x m matrix x nearest
 * to row `target`, by sqrt(sum_j w_j (z_target,j - z_i,j)^2) on the
 * standardised columns. `weights` has m values >= 0 (NULL: all 1). The
 * target itself is never among them. Nearest first; equal distances in
 * ascending row order. Writes min(k, n - 1) entries to out (index,
 * distance and the first min(m, ILM_PF_COUNT) contributions; no reasons)
 * and their number to *n_out. ILM_EINVAL for a bad target, weight or
 * value. */
int ilm_peers_nearest_rows(const double *x, size_t n, size_t m, const double *weights,
                           size_t target, size_t k, ilm_peer *out, size_t *n_out, ilm_errors *err);

/* The peer finder: the k municipalities of in[0..n) nearest to in[target]
 * on the features above, standardised over all n. `weights` has
 * ILM_PF_COUNT values >= 0 (NULL: all 1, the documented default). Nearest
 * first; equal distances by code. Each peer comes with its reasons: up to
 * ILM_PEER_SIMILAR features on which the two are within ILM_PEER_SIMILAR_Z
 * standard deviations, smallest contribution first (similar = true), then the
 * feature with the largest contribution (similar = false) when the two
 * differ at all; features with no spread or weight 0 say nothing and are
 * never reasons. out has room for min(k, n - 1) peers; *n_out gets their
 * number. Deterministic: the same input gives the same output. ILM_EINVAL
 * with a message naming the municipality for a figure out of range. */
int ilm_peers_find(const ilm_peer_input *in, size_t n, size_t target, const double *weights,
                   size_t k, ilm_peer *out, size_t *n_out, ilm_errors *err);

/* No close peer: the nearest differs from the municipality by more than
 * this many standard deviations of the set on some feature. */
#define ILM_PEER_FAR_Z 2.0

/* A municipality of the set that was left out of the comparison. */
typedef struct ilm_peer_left_out {
    char code[4];
    char *name;         /* owned; may be NULL */
    const char *reason; /* static English text: "it has no population figures" */
} ilm_peer_left_out;

/* The answer of ilm_app_peers: the municipalities compared and the peers
 * found among them. */
typedef struct ilm_peer_result {
    ilm_peer_input *inputs; /* the municipalities compared, by code; names owned */
    size_t n_inputs;        /* how many were compared, the municipality included */
    size_t target;          /* the municipality, in inputs */
    bool synthetic;         /* compared among the synthetic (demo) ones */
    /* Municipalities of its kind left out, by code, each with the reason:
     * missing data, or figures it cannot use (out of range, not finite).
     * One municipality's bad data never stops the comparison of others. */
    size_t n_left_out;
    ilm_peer_left_out *left_out;
    double weights[ILM_PF_COUNT];
    size_t n_peers;
    ilm_peer *peers;              /* nearest first; index into inputs */
    bool isolated;                /* no close peer exists in the data: even the nearest differs by
                                     more than ILM_PEER_FAR_Z standard deviations on far_feature */
    ilm_peer_feature far_feature; /* the nearest's largest difference (when n_peers) */
    double far_z;                 /* its size, in standard deviations of the set */
} ilm_peer_result;

/* Frees what the result owns and zeroes it. NULL is allowed. */
void ilm_peer_result_clear(ilm_peer_result *r);

#ifdef __cplusplus
}
#endif

#endif
