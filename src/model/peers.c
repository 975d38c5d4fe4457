/* The peer finder's computation: features, standardisation, weighted
 * Euclidean distances and the reasons (include/ilmava/peers.h,
 * docs/peers.md). Pure: no I/O, no globals but constant tables.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ilmava/peers.h"

/* The one place that says which sector belongs to which group
 * (docs/peers.md repeats it). Keys not here count as "other". */
static const struct {
    const char *key;
    ilm_sector_group group;
} sector_groups[] = {
    {"electric_heating", ILM_GROUP_HEATING},
    {"district_heating", ILM_GROUP_HEATING},
    {"oil_heating", ILM_GROUP_HEATING},
    {"other_heating", ILM_GROUP_HEATING},
    {"electricity", ILM_GROUP_ELECTRICITY},
    {"road_transport", ILM_GROUP_TRANSPORT},
    {"rail_transport", ILM_GROUP_TRANSPORT},
    {"water_transport", ILM_GROUP_TRANSPORT},
    {"agriculture", ILM_GROUP_AGRICULTURE},
    {"industry", ILM_GROUP_OTHER},
    {"machinery", ILM_GROUP_OTHER},
    {"waste", ILM_GROUP_OTHER},
    {"f_gases", ILM_GROUP_OTHER},
};

ilm_sector_group ilm_sector_group_of(const char *sector_key)
{
    for (size_t i = 0; sector_key && i < sizeof sector_groups / sizeof sector_groups[0]; i++)
        if (strcmp(sector_groups[i].key, sector_key) == 0)
            return sector_groups[i].group;
    return ILM_GROUP_OTHER;
}

const char *ilm_sector_group_name(ilm_sector_group g)
{
    static const char *const names[ILM_GROUP_COUNT] = {"heating", "electricity", "transport",
                                                       "agriculture", "other"};
    return (unsigned)g < ILM_GROUP_COUNT ? names[g] : "?";
}

const char *ilm_peer_feature_name(ilm_peer_feature f)
{
    static const char *const names[ILM_PF_COUNT] = {"population", "heating",     "electricity",
                                                    "transport",  "agriculture", "other",
                                                    "ets_share",  "change"};
    return (unsigned)f < ILM_PF_COUNT ? names[f] : "?";
}

void ilm_peer_features(const ilm_peer_input *in, double out[ILM_PF_COUNT])
{
    out[ILM_PF_POPULATION] = log(in->population);
    for (int g = 0; g < ILM_GROUP_COUNT; g++)
        out[ILM_PF_HEATING + g] = log(ILM_PEER_EPSILON + in->per_capita[g]);
    out[ILM_PF_ETS_SHARE] = in->ets_share;
    out[ILM_PF_CHANGE] = in->change;
}

int ilm_peers_standardise(const double *x, size_t n, size_t m, double *z, bool *spread,
                          ilm_errors *err)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++)
            if (!isfinite(x[i * m + j])) {
                ilm_errors_add(err, "peers: row %zu, feature %zu is not a finite number", i, j);
                return ILM_EINVAL;
            }
    for (size_t j = 0; j < m; j++) {
        double lo = n ? x[j] : 0, hi = lo, sum = 0;
        for (size_t i = 0; i < n; i++) {
            double v = x[i * m + j];
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
            sum += v;
        }
        /* Equal values are tested as such, not by sd == 0: their mean can
         * be an ulp off, which would make a tiny sd and z of +-1 out of
         * nothing. */
        bool has_spread = n > 0 && lo < hi;
        if (spread)
            spread[j] = has_spread;
        if (!has_spread) {
            for (size_t i = 0; i < n; i++)
                z[i * m + j] = 0;
            continue;
        }
        double mean = sum / (double)n, ss = 0;
        for (size_t i = 0; i < n; i++) {
            double d = x[i * m + j] - mean;
            ss += d * d;
        }
        double sd = sqrt(ss / (double)n);
        for (size_t i = 0; i < n; i++)
            z[i * m + j] = (x[i * m + j] - mean) / sd;
    }
    return 0;
}

typedef struct ranked {
    double distance;
    size_t row;
} ranked;

static int by_distance_then_row(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->distance != y->distance)
        return x->distance < y->distance ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

static int check_weights(const double *w, size_t m, ilm_errors *err)
{
    for (size_t j = 0; w && j < m; j++)
        if (!isfinite(w[j]) || w[j] < 0) {
            ilm_errors_add(err, "peers: weight %zu must be a finite number >= 0", j);
            return ILM_EINVAL;
        }
    return 0;
}

/* The k nearest rows of standardised z to `target`, as documented at
 * ilm_peers_nearest_rows. */
static int nearest(const double *z, size_t n, size_t m, const double *w, size_t target, size_t k,
                   ilm_peer *out, size_t *n_out, ilm_errors *err)
{
    *n_out = 0;
    if (n < 2 || k == 0)
        return 0;
    ranked *r = malloc((n - 1) * sizeof *r);
    if (!r) {
        ilm_errors_add(err, "out of memory");
        return ILM_ENOMEM;
    }
    size_t nr = 0;
    const double *t = &z[target * m];
    for (size_t i = 0; i < n; i++) {
        if (i == target)
            continue;
        double sum = 0;
        for (size_t j = 0; j < m; j++) {
            double d = z[i * m + j] - t[j];
            sum += (w ? w[j] : 1.0) * d * d;
        }
        r[nr++] = (ranked){sqrt(sum), i};
    }
    /* The comparison is total (rows differ), so the order is the same
     * whatever qsort's algorithm. */
    qsort(r, nr, sizeof *r, by_distance_then_row);
    size_t keep = k < nr ? k : nr;
    size_t mc = m < ILM_PF_COUNT ? m : ILM_PF_COUNT;
    for (size_t p = 0; p < keep; p++) {
        ilm_peer *o = &out[p];
        memset(o, 0, sizeof *o);
        o->index = r[p].row;
        o->distance = r[p].distance;
        for (size_t j = 0; j < mc; j++) {
            double d = z[r[p].row * m + j] - t[j];
            o->contribution[j] = (w ? w[j] : 1.0) * d * d;
        }
    }
    free(r);
    *n_out = keep;
    return 0;
}

int ilm_peers_nearest_rows(const double *x, size_t n, size_t m, const double *weights,
                           size_t target, size_t k, ilm_peer *out, size_t *n_out, ilm_errors *err)
{
    *n_out = 0;
    if (target >= n || m == 0) {
        ilm_errors_add(err, "peers: row %zu is not among the %zu rows", target, n);
        return ILM_EINVAL;
    }
    if (n > SIZE_MAX / sizeof(double) / m) {
        ilm_errors_add(err, "peers: too many rows");
        return ILM_ELIMIT;
    }
    int rc = check_weights(weights, m, err);
    if (rc)
        return rc;
    double *z = malloc(n * m * sizeof *z);
    if (!z) {
        ilm_errors_add(err, "out of memory");
        return ILM_ENOMEM;
    }
    rc = ilm_peers_standardise(x, n, m, z, NULL, err);
    if (!rc)
        rc = nearest(z, n, m, weights, target, k, out, n_out, err);
    free(z);
    return rc;
}

const char *ilm_peer_input_problem(const ilm_peer_input *in)
{
    if (!(isfinite(in->population) && in->population > 0))
        return "population must be a number > 0";
    for (int g = 0; g < ILM_GROUP_COUNT; g++)
        if (!(isfinite(in->per_capita[g]) && in->per_capita[g] >= 0))
            return "emissions per capita must be numbers >= 0";
    if (!(in->ets_share >= 0 && in->ets_share <= 1))
        return "the ETS share must be within 0..1";
    if (!(isfinite(in->change) && in->change >= -1))
        return "the change since 2007 must be a number >= -1";
    return NULL;
}

static int check_input(const ilm_peer_input *in, ilm_errors *err)
{
    const char *what = ilm_peer_input_problem(in);
    if (!what)
        return 0;
    ilm_errors_add(err, "peers: municipality %s: %s", in->code, what);
    return ILM_EINVAL;
}

static double natural_value(const ilm_peer_input *in, ilm_peer_feature f)
{
    switch (f) {
    case ILM_PF_POPULATION: return in->population;
    case ILM_PF_ETS_SHARE: return in->ets_share;
    case ILM_PF_CHANGE: return in->change;
    default: return in->per_capita[f - ILM_PF_HEATING];
    }
}

static void add_reason(ilm_peer *p, const ilm_peer_input *in, size_t t, int f, bool similar,
                       double dz)
{
    p->reasons[p->n_reasons++] = (ilm_peer_reason){
        .feature = (ilm_peer_feature)f,
        .similar = similar,
        .this_value = natural_value(&in[t], (ilm_peer_feature)f),
        .peer_value = natural_value(&in[p->index], (ilm_peer_feature)f),
        .z_difference = dz,
    };
}

/* The reasons of peer p of target t: the informative features (with spread
 * and weight) by contribution, ties in feature order. */
static void reasons(ilm_peer *p, const ilm_peer_input *in, const double *z, const bool *spread,
                    const double *w, size_t t)
{
    int order[ILM_PF_COUNT];
    int n = 0;
    for (int f = 0; f < ILM_PF_COUNT; f++)
        if (spread[f] && (!w || w[f] > 0))
            order[n++] = f;
    /* Insertion sort: eight items, stable, so equal contributions keep
     * the feature order. */
    for (int i = 1; i < n; i++) {
        int f = order[i], j = i;
        while (j > 0 && p->contribution[order[j - 1]] > p->contribution[f]) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = f;
    }
    bool differs = n > 0 && p->contribution[order[n - 1]] > 0;
    int candidates = differs ? n - 1 : n;
    p->n_reasons = 0;
    /* Only what is within ILM_PEER_SIMILAR_Z standard deviations is called
     * similar: with few municipalities the closest feature can still be
     * far apart, and saying "similar" then would mislead. */
    for (int i = 0; i < candidates && p->n_reasons < ILM_PEER_SIMILAR; i++) {
        int f = order[i];
        double dz = z[p->index * ILM_PF_COUNT + f] - z[t * ILM_PF_COUNT + f];
        if (fabs(dz) <= ILM_PEER_SIMILAR_Z)
            add_reason(p, in, t, f, true, dz);
    }
    if (differs) {
        int f = order[n - 1];
        add_reason(p, in, t, f, false, z[p->index * ILM_PF_COUNT + f] - z[t * ILM_PF_COUNT + f]);
    }
}

typedef struct coded {
    const char *code;
    size_t index;
} coded;

static int by_code(const void *a, const void *b)
{
    const coded *x = a, *y = b;
    return strcmp(x->code, y->code);
}

int ilm_peers_find(const ilm_peer_input *in, size_t n, size_t target, const double *weights,
                   size_t k, ilm_peer *out, size_t *n_out, ilm_errors *err)
{
    *n_out = 0;
    if (target >= n) {
        ilm_errors_add(err, "peers: municipality %zu is not among the %zu given", target, n);
        return ILM_EINVAL;
    }
    if (n > SIZE_MAX / (ILM_PF_COUNT * sizeof(double))) {
        ilm_errors_add(err, "peers: too many municipalities");
        return ILM_ELIMIT;
    }
    int rc = check_weights(weights, ILM_PF_COUNT, err);
    for (size_t i = 0; !rc && i < n; i++)
        rc = check_input(&in[i], err);
    if (rc)
        return rc;

    /* Rows in code order: the distance core breaks ties by row, and so
     * equal distances come out by code whatever order the caller used. */
    coded *byc = malloc(n * sizeof *byc);
    double *x = malloc(n * ILM_PF_COUNT * sizeof *x);
    double *zc = malloc(n * ILM_PF_COUNT * sizeof *zc); /* z in the caller's order */
    if (!byc || !x || !zc) {
        ilm_errors_add(err, "out of memory");
        rc = ILM_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        byc[i] = (coded){in[i].code, i};
    qsort(byc, n, sizeof *byc, by_code);
    size_t row_of_target = 0;
    for (size_t r = 0; r < n; r++) {
        if (r > 0 && strcmp(byc[r - 1].code, byc[r].code) == 0) {
            ilm_errors_add(err, "peers: municipality %s is given twice", byc[r].code);
            rc = ILM_EINVAL;
            goto done;
        }
        ilm_peer_features(&in[byc[r].index], &x[r * ILM_PF_COUNT]);
        if (byc[r].index == target)
            row_of_target = r;
    }
    bool spread[ILM_PF_COUNT];
    rc = ilm_peers_standardise(x, n, ILM_PF_COUNT, x, spread, err);
    if (rc)
        goto done;
    rc = nearest(x, n, ILM_PF_COUNT, weights, row_of_target, k, out, n_out, err);
    if (rc)
        goto done;
    for (size_t r = 0; r < n; r++)
        memcpy(&zc[byc[r].index * ILM_PF_COUNT], &x[r * ILM_PF_COUNT], ILM_PF_COUNT * sizeof *zc);
    for (size_t p = 0; p < *n_out; p++) {
        out[p].index = byc[out[p].index].index;
        reasons(&out[p], in, zc, spread, weights, target);
    }
done:
    if (rc)
        *n_out = 0;
    free(byc);
    free(x);
    free(zc);
    return rc;
}

void ilm_peer_result_clear(ilm_peer_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_inputs; i++)
        free((char *)r->inputs[i].name);
    free(r->inputs);
    free(r->peers);
    for (size_t i = 0; i < r->n_left_out; i++)
        free(r->left_out[i].name);
    free(r->left_out);
    memset(r, 0, sizeof *r);
}
