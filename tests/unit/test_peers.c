/* Unit tests of the peer finder: a small case computed by hand (z-scores
 * and distances to 1e-12), the same case through the municipality
 * features, ties broken by code, determinism, features without spread,
 * weights, bad input, the sector groups; then the app operation on the
 * demo store (missing data left out, the municipality's own figures
 * checked against its inventory) and, with ../shared, on SYKE's real
 * figures of North Karelia.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "ilmava/app.h"
#include "ilmava/peers.h"
#include "ilmava/store.h"

#define TOL 1e-12

/* |a - b| <= tol, with both values in the message when it fails. */
#define assert_near(a, b, tol) assert_near_at((a), (b), (tol), __FILE__, __LINE__)
static void assert_near_at(double a, double b, double tol, const char *file, int line)
{
    if (!(fabs(a - b) <= tol))
        fail_msg("%s:%d: %.17g is not within %g of %.17g", file, line, a, tol, b);
}
#define R2 1.4142135623730951 /* sqrt(2) */

/* ---- the hand-computed case ----
 *
 * Four rows, two features:
 *
 *   row  A  B
 *    0   2  1
 *    1   4  5
 *    2   4  3
 *    3   6  3
 *
 * A: mean 4, deviations -2 0 0 2, variance (4+0+0+4)/4 = 2 (population
 * variance, divisor n), sd sqrt(2): z = -sqrt2, 0, 0, sqrt2.
 * B: mean 3, deviations -2 2 0 0, variance 2, sd sqrt(2):
 * z = -sqrt2, sqrt2, 0, 0.
 *
 *   row  zA      zB
 *    0  -sqrt2  -sqrt2
 *    1   0       sqrt2
 *    2   0       0
 *    3   sqrt2   0
 *
 * From row 2: row 1 sqrt(0 + 2) = sqrt2, row 3 sqrt(2 + 0) = sqrt2 (a tie:
 * row 1 first), row 0 sqrt(2 + 2) = 2.
 * From row 0: row 2 sqrt(2 + 2) = 2, row 1 sqrt(2 + 8) = sqrt10, row 3
 * sqrt(8 + 2) = sqrt10 (a tie: row 1 first).
 * With weights (1, 4), from row 2: row 3 sqrt(1*2) = sqrt2, row 1
 * sqrt(4*2) = 2 sqrt2, row 0 sqrt(1*2 + 4*2) = sqrt10.
 */
static const double hand[4 * 2] = {2, 1, 4, 5, 4, 3, 6, 3};

static void test_hand_zscores(void **state)
{
    (void)state;
    double z[8];
    bool spread[2];
    assert_int_equal(ilm_peers_standardise(hand, 4, 2, z, spread, NULL), 0);
    const double want[8] = {-R2, -R2, 0, R2, 0, 0, R2, 0};
    for (int i = 0; i < 8; i++)
        assert_near(z[i], want[i], TOL);
    assert_true(spread[0] && spread[1]);
}

static void test_hand_distances(void **state)
{
    (void)state;
    ilm_peer p[3];
    size_t n = 0;
    assert_int_equal(ilm_peers_nearest_rows(hand, 4, 2, NULL, 2, 3, p, &n, NULL), 0);
    assert_int_equal(n, 3);
    assert_int_equal(p[0].index, 1);
    assert_near(p[0].distance, R2, TOL);
    assert_near(p[0].contribution[0], 0, TOL);
    assert_near(p[0].contribution[1], 2, TOL);
    assert_int_equal(p[1].index, 3);
    assert_near(p[1].distance, R2, TOL);
    assert_near(p[1].contribution[0], 2, TOL);
    assert_near(p[1].contribution[1], 0, TOL);
    assert_int_equal(p[2].index, 0);
    assert_near(p[2].distance, 2, TOL);

    assert_int_equal(ilm_peers_nearest_rows(hand, 4, 2, NULL, 0, 3, p, &n, NULL), 0);
    assert_int_equal(n, 3);
    assert_int_equal(p[0].index, 2);
    assert_near(p[0].distance, 2, TOL);
    assert_int_equal(p[1].index, 1);
    assert_near(p[1].distance, sqrt(10), TOL);
    assert_int_equal(p[2].index, 3);
    assert_near(p[2].distance, sqrt(10), TOL);

    /* k below the number of rows: the nearest only. */
    assert_int_equal(ilm_peers_nearest_rows(hand, 4, 2, NULL, 0, 1, p, &n, NULL), 0);
    assert_int_equal(n, 1);
    assert_int_equal(p[0].index, 2);
}

static void test_hand_weights(void **state)
{
    (void)state;
    const double w[2] = {1, 4};
    ilm_peer p[3];
    size_t n = 0;
    assert_int_equal(ilm_peers_nearest_rows(hand, 4, 2, w, 2, 3, p, &n, NULL), 0);
    assert_int_equal(n, 3);
    assert_int_equal(p[0].index, 3);
    assert_near(p[0].distance, R2, TOL);
    assert_int_equal(p[1].index, 1);
    assert_near(p[1].distance, 2 * R2, TOL);
    assert_near(p[1].contribution[1], 8, TOL);
    assert_int_equal(p[2].index, 0);
    assert_near(p[2].distance, sqrt(10), TOL);
}

/* The hand case again, as municipalities: population 1000, 2000, 2000,
 * 4000 (ln: deviations -ln2, 0, 0, ln2 from the mean, so z = -sqrt2, 0, 0,
 * sqrt2, as A) and change -0.4, 0, -0.2, -0.2 (z = -sqrt2, sqrt2, 0, 0, as
 * B). Every other feature is the same everywhere: no spread, no
 * contribution. The codes are not in row order, so that the tie between
 * rows 1 and 3 must come out by code: 150 before 200. */
static void hand_inputs(ilm_peer_input in[4])
{
    const char *codes[4] = {"300", "200", "100", "150"};
    const double pop[4] = {1000, 2000, 2000, 4000}, change[4] = {-0.4, 0, -0.2, -0.2};
    memset(in, 0, 4 * sizeof *in);
    for (int i = 0; i < 4; i++) {
        snprintf(in[i].code, sizeof in[i].code, "%s", codes[i]);
        in[i].population = pop[i];
        in[i].change = change[i];
        in[i].ets_share = 0.1;
        for (int g = 0; g < ILM_GROUP_COUNT; g++)
            in[i].per_capita[g] = 0.5 + g;
    }
}

static void test_hand_municipalities(void **state)
{
    (void)state;
    ilm_peer_input in[4];
    hand_inputs(in);
    ilm_peer p[3];
    size_t n = 0;
    assert_int_equal(ilm_peers_find(in, 4, 2, NULL, 5, p, &n, NULL), 0);
    assert_int_equal(n, 3);
    assert_string_equal(in[p[0].index].code, "150");
    assert_near(p[0].distance, R2, TOL);
    assert_string_equal(in[p[1].index].code, "200");
    assert_near(p[1].distance, R2, TOL);
    assert_string_equal(in[p[2].index].code, "300");
    assert_near(p[2].distance, 2, TOL);
    for (int f = ILM_PF_HEATING; f <= ILM_PF_ETS_SHARE; f++)
        assert_true(p[0].contribution[f] == 0);

    /* 150: the same change (similar), population 4000 against 2000, sqrt2
     * standard deviations more (the difference). */
    assert_int_equal(p[0].n_reasons, 2);
    assert_int_equal(p[0].reasons[0].feature, ILM_PF_CHANGE);
    assert_true(p[0].reasons[0].similar);
    assert_near(p[0].reasons[0].this_value, -0.2, TOL);
    assert_near(p[0].reasons[0].peer_value, -0.2, TOL);
    assert_near(p[0].reasons[0].z_difference, 0, TOL);
    assert_int_equal(p[0].reasons[1].feature, ILM_PF_POPULATION);
    assert_false(p[0].reasons[1].similar);
    assert_near(p[0].reasons[1].this_value, 2000, TOL);
    assert_near(p[0].reasons[1].peer_value, 4000, TOL);
    assert_near(p[0].reasons[1].z_difference, R2, TOL);

    /* 300: both features sqrt2 apart, more than one standard deviation:
     * nothing is called similar; the tie in contribution goes to the later
     * feature as the difference. */
    assert_int_equal(p[2].n_reasons, 1);
    assert_int_equal(p[2].reasons[0].feature, ILM_PF_CHANGE);
    assert_false(p[2].reasons[0].similar);
    assert_near(p[2].reasons[0].z_difference, -R2, TOL);
}

/* ---- determinism ---- */

/* Field by field: structs have padding that memcmp would read. */
static void assert_same_peers(const ilm_peer *a, const ilm_peer *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(a[i].index, b[i].index);
        assert_true(a[i].distance == b[i].distance);
        for (int f = 0; f < ILM_PF_COUNT; f++)
            assert_true(a[i].contribution[f] == b[i].contribution[f]);
        assert_int_equal(a[i].n_reasons, b[i].n_reasons);
        for (size_t r = 0; r < a[i].n_reasons; r++) {
            const ilm_peer_reason *x = &a[i].reasons[r], *y = &b[i].reasons[r];
            assert_int_equal(x->feature, y->feature);
            assert_int_equal(x->similar, y->similar);
            assert_true(x->this_value == y->this_value && x->peer_value == y->peer_value &&
                        x->z_difference == y->z_difference);
        }
    }
}

/* A made-up set of n municipalities from a fixed sequence, with pairs of
 * identical figures so that distances tie exactly. */
static void made_up(ilm_peer_input *in, size_t n)
{
    uint64_t x = 88172645463325252ULL;
    memset(in, 0, n * sizeof *in);
    for (size_t i = 0; i < n; i++) {
        snprintf(in[i].code, sizeof in[i].code, "%03zu", (i * 37) % 1000);
        if (i % 5 == 4) { /* a twin of the one before, under another code */
            char code[4];
            memcpy(code, in[i].code, 4);
            in[i] = in[i - 1];
            memcpy(in[i].code, code, 4);
            continue;
        }
        double u[ILM_PF_COUNT];
        for (int j = 0; j < ILM_PF_COUNT; j++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            u[j] = (double)(x >> 11) / 9007199254740992.0;
        }
        in[i].population = 1000 + 200000 * u[0] * u[0];
        for (int g = 0; g < ILM_GROUP_COUNT; g++)
            in[i].per_capita[g] = 4 * u[1 + g];
        in[i].ets_share = u[6] < 0.7 ? 0 : u[6];
        in[i].change = -0.6 + 0.5 * u[7];
    }
}

static void test_determinism(void **state)
{
    (void)state;
    enum { N = 60, K = 20 };
    ilm_peer_input in[N], rev[N];
    made_up(in, N);
    for (size_t i = 0; i < N; i++)
        rev[i] = in[N - 1 - i];
    for (size_t target = 0; target < N; target += 7) {
        ilm_peer a[K], b[K], c[K];
        size_t na, nb, nc;
        assert_int_equal(ilm_peers_find(in, N, target, NULL, K, a, &na, NULL), 0);
        assert_int_equal(ilm_peers_find(in, N, target, NULL, K, b, &nb, NULL), 0);
        assert_int_equal(na, K);
        assert_int_equal(nb, K);
        assert_same_peers(a, b, K);
        /* The same set in reverse order: the same peers in the same order,
         * ties by code. */
        assert_int_equal(ilm_peers_find(rev, N, N - 1 - target, NULL, K, c, &nc, NULL), 0);
        assert_int_equal(nc, K);
        for (size_t p = 0; p < K; p++) {
            assert_string_equal(in[a[p].index].code, rev[c[p].index].code);
            assert_true(a[p].distance == c[p].distance);
            assert_true(isfinite(a[p].distance));
            assert_string_not_equal(in[a[p].index].code, in[target].code);
            if (p > 0) {
                assert_true(a[p - 1].distance <= a[p].distance);
                if (a[p - 1].distance == a[p].distance)
                    assert_true(strcmp(in[a[p - 1].index].code, in[a[p].index].code) < 0);
            }
        }
    }
    /* The twins are at distance 0 from each other. */
    ilm_peer t[1];
    size_t nt;
    assert_int_equal(ilm_peers_find(in, N, 4, NULL, 1, t, &nt, NULL), 0);
    assert_int_equal(nt, 1);
    assert_int_equal(t[0].index, 3);
    assert_true(t[0].distance == 0);
    assert_int_equal(t[0].n_reasons, 3);
    assert_true(t[0].reasons[0].similar);
}

/* ---- no spread ---- */

static void test_zero_spread(void **state)
{
    (void)state;
    /* Column 0 is the same everywhere (its mean may be an ulp off: still
     * no spread), column 1 is not. */
    const double x[3 * 2] = {0.1, 1, 0.1, 2, 0.1, 4};
    double z[6];
    bool spread[2];
    assert_int_equal(ilm_peers_standardise(x, 3, 2, z, spread, NULL), 0);
    assert_false(spread[0]);
    assert_true(spread[1]);
    for (int i = 0; i < 3; i++)
        assert_true(z[i * 2] == 0);

    /* Municipalities alike in everything: distance 0 for all, by code,
     * and no reasons (no feature tells them apart). */
    ilm_peer_input in[4];
    hand_inputs(in);
    for (int i = 0; i < 3; i++) {
        in[i].population = 5000;
        in[i].change = -0.25;
    }
    ilm_peer p[2];
    size_t n;
    assert_int_equal(ilm_peers_find(in, 3, 0, NULL, 5, p, &n, NULL), 0);
    assert_int_equal(n, 2);
    assert_string_equal(in[p[0].index].code, "100");
    assert_string_equal(in[p[1].index].code, "200");
    for (int i = 0; i < 2; i++) {
        assert_true(p[i].distance == 0);
        assert_int_equal(p[i].n_reasons, 0);
    }

    /* One municipality alone: no peers, not an error. */
    assert_int_equal(ilm_peers_find(in, 1, 0, NULL, 5, p, &n, NULL), 0);
    assert_int_equal(n, 0);

    /* A weight of 0 removes a feature like no spread does. */
    double w[ILM_PF_COUNT];
    for (int f = 0; f < ILM_PF_COUNT; f++)
        w[f] = f == ILM_PF_POPULATION ? 0 : 1;
    ilm_peer q[3];
    ilm_peer_input all[4];
    hand_inputs(all);
    assert_int_equal(ilm_peers_find(all, 4, 2, w, 3, q, &n, NULL), 0);
    assert_int_equal(n, 3);
    /* Only the change counts (z: 300 -sqrt2, 200 sqrt2, 100 0, 150 0):
     * from 100, 150 at 0, then 200 and 300 tie at sqrt2, by code. */
    assert_string_equal(all[q[0].index].code, "150");
    assert_true(q[0].distance == 0);
    assert_string_equal(all[q[1].index].code, "200");
    assert_near(q[1].distance, R2, TOL);
    assert_string_equal(all[q[2].index].code, "300");
    assert_near(q[2].distance, R2, TOL);
    for (size_t i = 0; i < n; i++)
        for (size_t r = 0; r < q[i].n_reasons; r++)
            assert_int_equal(q[i].reasons[r].feature, ILM_PF_CHANGE);
}

/* ---- features, groups, bad input ---- */

static void test_features(void **state)
{
    (void)state;
    ilm_peer_input in = {.code = "001", .population = 21500, .ets_share = 0.25, .change = -0.3};
    in.per_capita[ILM_GROUP_HEATING] = 2.1;
    in.per_capita[ILM_GROUP_AGRICULTURE] = 0;
    double f[ILM_PF_COUNT];
    ilm_peer_features(&in, f);
    assert_near(f[ILM_PF_POPULATION], log(21500), TOL);
    assert_near(f[ILM_PF_HEATING], log(2.11), TOL);
    assert_near(f[ILM_PF_AGRICULTURE], log(0.01), TOL);
    assert_near(f[ILM_PF_ETS_SHARE], 0.25, TOL);
    assert_near(f[ILM_PF_CHANGE], -0.3, TOL);
    assert_string_equal(ilm_peer_feature_name(ILM_PF_ETS_SHARE), "ets_share");
    assert_string_equal(ilm_peer_feature_name(ILM_PF_OTHER), "other");
}

static void test_sector_groups(void **state)
{
    (void)state;
    const struct {
        const char *key;
        ilm_sector_group g;
    } want[] = {
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
        {"a_new_sector", ILM_GROUP_OTHER},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        assert_int_equal(ilm_sector_group_of(want[i].key), want[i].g);
    assert_string_equal(ilm_sector_group_name(ILM_GROUP_TRANSPORT), "transport");
}

static void test_bad_input(void **state)
{
    (void)state;
    ilm_peer_input in[4];
    ilm_peer p[3];
    size_t n = 99;
    ilm_errors err = {0};

    hand_inputs(in);
    in[1].population = 0;
    assert_int_equal(ilm_peers_find(in, 4, 2, NULL, 3, p, &n, &err), ILM_EINVAL);
    assert_int_equal(n, 0);
    assert_string_equal(err.msg[0], "peers: municipality 200: population must be a number > 0");

    hand_inputs(in);
    in[3].per_capita[ILM_GROUP_OTHER] = NAN;
    ilm_errors_clear(&err);
    assert_int_equal(ilm_peers_find(in, 4, 2, NULL, 3, p, &n, &err), ILM_EINVAL);
    assert_non_null(strstr(err.msg[0], "municipality 150"));

    hand_inputs(in);
    in[0].ets_share = 1.5;
    ilm_errors_clear(&err);
    assert_int_equal(ilm_peers_find(in, 4, 2, NULL, 3, p, &n, &err), ILM_EINVAL);
    assert_non_null(strstr(err.msg[0], "ETS share"));

    hand_inputs(in);
    memcpy(in[3].code, "200", 4);
    ilm_errors_clear(&err);
    assert_int_equal(ilm_peers_find(in, 4, 2, NULL, 3, p, &n, &err), ILM_EINVAL);
    assert_string_equal(err.msg[0], "peers: municipality 200 is given twice");

    hand_inputs(in);
    double w[ILM_PF_COUNT] = {1, 1, 1, -1, 1, 1, 1, 1};
    assert_int_equal(ilm_peers_find(in, 4, 2, w, 3, p, &n, NULL), ILM_EINVAL);
    assert_int_equal(ilm_peers_find(in, 4, 4, NULL, 3, p, &n, NULL), ILM_EINVAL);
    const double bad[4] = {1, INFINITY, 2, 3};
    assert_int_equal(ilm_peers_nearest_rows(bad, 4, 1, NULL, 0, 3, p, &n, NULL), ILM_EINVAL);
    assert_int_equal(n, 0);
}

/* ---- the app operation on a store ---- */

typedef struct fixture {
    char dir[64];
    char path[96];
    ilm_store *s;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/ilmava-peers-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/store.db", f->dir);
    ilm_errors err = {0};
    if (ilm_store_open_or_create(f->path, &f->s, &err) != 0) {
        rmdir(f->dir);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ilm_store_close(f->s);
    const char *suffixes[] = {"store.db", "store.db-wal", "store.db-shm"};
    for (size_t i = 0; i < 3; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s/%s", f->dir, suffixes[i]);
        unlink(p);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

/* Peers sorted, finite, never the municipality itself. */
static void check_sorted(const ilm_peer_result *r)
{
    const char *me = r->inputs[r->target].code;
    for (size_t i = 0; i < r->n_peers; i++) {
        const ilm_peer *p = &r->peers[i];
        assert_true(isfinite(p->distance));
        assert_true(p->distance >= 0);
        assert_string_not_equal(r->inputs[p->index].code, me);
        if (i > 0)
            assert_true(r->peers[i - 1].distance <= p->distance);
    }
}

/* Adds a synthetic municipality with `years` of inventory (one oil
 * heating row each) and, when pop > 0, a population in 2020. */
static void add_synthetic(ilm_store *s, const char *code, const int *years, size_t n_years,
                          double pop)
{
    ilm_store_import *im = NULL;
    ilm_errors err = {0};
    assert_int_equal(ilm_store_import_begin(s, "demo", "test", &im, &err), 0);
    ilm_municipality m = {.name_fi = "Testilä", .synthetic = true};
    memcpy(m.code, code, 4);
    assert_int_equal(ilm_store_import_municipality(im, &m, false, &err), 0);
    for (size_t i = 0; i < n_years; i++) {
        ilm_store_row row = {.year = years[i], .sector = "oil_heating", .hinku = true, .t = 500};
        memcpy(row.code, code, 4);
        assert_int_equal(ilm_store_import_row(im, &row, &err), 0);
    }
    if (pop > 0)
        assert_int_equal(ilm_store_import_population(im, code, 2020, pop, &err), 0);
    ilm_import_stats st;
    assert_int_equal(ilm_store_import_commit(im, &st, &err), 0);
}

static void test_app_demo(void **state)
{
    fixture *f = *state;
    ilm_errors err = {0};
    ilm_demo_stats ds;
    assert_int_equal(ilm_app_demo(f->s, &ds, &err), 0);

    ilm_peer_result r;
    assert_int_equal(ilm_app_peers(f->s, "901", 5, &r, &err), 0);
    assert_int_equal(r.n_inputs, 3);
    assert_int_equal(r.n_left_out, 0);
    assert_true(r.synthetic);
    assert_int_equal(r.n_peers, 2); /* fewer than k: only three to compare */
    check_sorted(&r);
    for (int f2 = 0; f2 < ILM_PF_COUNT; f2++)
        assert_true(r.weights[f2] == 1);

    /* The municipality's own figures against its inventory (total scope)
     * and the population of the same year. */
    const ilm_peer_input *me = &r.inputs[r.target];
    assert_string_equal(me->code, "901");
    assert_string_equal(me->name, "Rautaniemi (demo)");
    ilm_inventory_view v = {0};
    assert_int_equal(ilm_store_inventory(f->s, "901", ILM_SCOPE_TOTAL, 0, 0, &v, &err), 0);
    int last = v.rows[v.n_rows - 1].year;
    assert_int_equal(me->year, last);
    double total = 0, ets = 0, heat = 0, base = 0, pop = 0;
    for (size_t i = 0; i < v.n_rows; i++) {
        if (v.rows[i].year == 2007)
            base += v.rows[i].t;
        if (v.rows[i].year != last)
            continue;
        total += v.rows[i].t;
        ets += v.rows[i].ets ? v.rows[i].t : 0;
        if (strstr(v.rows[i].sector, "heating"))
            heat += v.rows[i].t;
    }
    for (size_t i = 0; i < v.n_population; i++)
        if (v.population[i].year == last)
            pop = v.population[i].value;
    ilm_inventory_view_clear(&v);
    assert_true(pop > 0 && ets > 0 && base > 0);
    assert_near(me->population, pop, 0);
    assert_near(me->per_capita[ILM_GROUP_HEATING], heat / pop, 1e-12);
    assert_near(me->ets_share, ets / total, 1e-12);
    assert_near(me->change, total / base - 1, 1e-12);
    ilm_peer_result_clear(&r);

    /* By name, and k = 1. */
    assert_int_equal(ilm_app_peers(f->s, "Metsäkylä (demo)", 1, &r, &err), 0);
    assert_int_equal(r.n_peers, 1);
    ilm_peer_result_clear(&r);

    /* Bad k, unknown municipality. */
    ilm_errors_clear(&err);
    assert_int_equal(ilm_app_peers(f->s, "901", 0, &r, &err), ILM_EINVAL);
    assert_string_equal(err.msg[0], "k: 0 is outside 1..50");
    assert_int_equal(ilm_app_peers(f->s, "901", 51, &r, NULL), ILM_EINVAL);
    assert_int_equal(ilm_app_peers(f->s, "998", 5, &r, NULL), ILM_ENOTFOUND);
    assert_null(r.inputs);

    /* Missing data: left out and counted; asked for itself, a message
     * saying what is missing. */
    const int only_recent[] = {2020, 2021};
    const int with_base[] = {2007, 2021};
    add_synthetic(f->s, "904", NULL, 0, 3000);        /* no inventory */
    add_synthetic(f->s, "905", only_recent, 2, 3000); /* no 2007 */
    add_synthetic(f->s, "906", with_base, 2, 0);      /* no population */
    add_synthetic(f->s, "907", with_base, 2, 3000);   /* comparable */
    assert_int_equal(ilm_app_peers(f->s, "901", 50, &r, &err), 0);
    assert_int_equal(r.n_inputs, 4);
    assert_int_equal(r.n_left_out, 3);
    assert_int_equal(r.n_peers, 3);
    check_sorted(&r);
    /* Each left out by code, with its name and the reason. */
    assert_string_equal(r.left_out[0].code, "904");
    assert_string_equal(r.left_out[0].name, "Testilä");
    assert_string_equal(r.left_out[0].reason, "it has no inventory data");
    assert_string_equal(r.left_out[1].code, "905");
    assert_string_equal(r.left_out[2].code, "906");
    assert_string_equal(r.left_out[2].reason, "it has no population figures");
    for (size_t i = 0; i < r.n_inputs; i++) {
        assert_string_not_equal(r.inputs[i].code, "904");
        assert_string_not_equal(r.inputs[i].code, "905");
        assert_string_not_equal(r.inputs[i].code, "906");
    }
    ilm_peer_result_clear(&r);

    const struct {
        const char *code, *msg;
    } cannot[] = {
        {"904", "Testilä (904) cannot be compared with other municipalities: it has no "
                "inventory data"},
        {"905", "Testilä (905) cannot be compared with other municipalities: its inventory "
                "has no figures for 2007, the year the change is measured from"},
        {"906", "Testilä (906) cannot be compared with other municipalities: it has no "
                "population figures"},
    };
    for (size_t i = 0; i < 3; i++) {
        ilm_errors_clear(&err);
        assert_int_equal(ilm_app_peers(f->s, cannot[i].code, 5, &r, &err), ILM_EINVAL);
        assert_string_equal(err.msg[0], cannot[i].msg);
        assert_null(r.peers);
    }
}

/* Runs SQL on the store file through a second connection, as another
 * program (or an attacker with the file) would write to it. */
static void write_directly(const fixture *f, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "  sqlite3: %s\n", msg ? msg : "?");
    sqlite3_free(msg);
    sqlite3_close(db);
    assert_int_equal(rc, SQLITE_OK);
}

/* One municipality's implausible figures, written to the store past the
 * importers (1e308 t in two sectors: their sum is infinite; an infinite
 * population), leave it out of every comparison with the reason; the
 * others are still compared. Asked for itself, it gets the reason. */
static void test_app_bad_data_left_out(void **state)
{
    fixture *f = *state;
    ilm_errors err = {0};
    ilm_demo_stats ds;
    assert_int_equal(ilm_app_demo(f->s, &ds, &err), 0);
    const int with_base[] = {2007, 2021};
    add_synthetic(f->s, "907", with_base, 2, 3000);
    add_synthetic(f->s, "908", with_base, 2, 3000);
    ilm_peer_result r;
    assert_int_equal(ilm_app_peers(f->s, "901", 50, &r, &err), 0);
    assert_int_equal(r.n_inputs, 5);
    ilm_peer_result_clear(&r);

    write_directly(f, "UPDATE inventory SET t = 1e308 WHERE municipality = '907'");
    write_directly(f, "UPDATE population SET n = 9e999 WHERE municipality = '908'");
    const char *const askers[] = {"901", "902", "903"};
    for (size_t a = 0; a < 3; a++) {
        ilm_errors_clear(&err);
        assert_int_equal(ilm_app_peers(f->s, askers[a], 50, &r, &err), 0);
        assert_int_equal(r.n_inputs, 3);
        assert_int_equal(r.n_peers, 2);
        assert_int_equal(r.n_left_out, 2);
        assert_string_equal(r.left_out[0].code, "907");
        assert_non_null(strstr(r.left_out[0].reason, "outside the plausible range"));
        assert_string_equal(r.left_out[1].code, "908");
        assert_non_null(strstr(r.left_out[1].reason, "population"));
        check_sorted(&r);
        for (size_t p = 0; p < r.n_peers; p++)
            assert_true(isfinite(r.peers[p].distance));
        ilm_peer_result_clear(&r);
    }
    ilm_errors_clear(&err);
    assert_int_equal(ilm_app_peers(f->s, "907", 5, &r, &err), ILM_EINVAL);
    assert_non_null(strstr(err.msg[0], "Testilä (907) cannot be compared"));
    assert_non_null(strstr(err.msg[0], "plausible range"));
}

/* Real municipalities are never compared with made-up ones. */
static void test_app_kinds_apart(void **state)
{
    fixture *f = *state;
    ilm_errors err = {0};
    ilm_demo_stats ds;
    assert_int_equal(ilm_app_demo(f->s, &ds, &err), 0);
    ilm_store_import *im = NULL;
    assert_int_equal(ilm_store_import_begin(f->s, "inventory", "test", &im, &err), 0);
    const char *codes[2] = {"101", "102"};
    for (int i = 0; i < 2; i++) {
        ilm_municipality m = {.name_fi = "Real"};
        memcpy(m.code, codes[i], 4);
        assert_int_equal(ilm_store_import_municipality(im, &m, false, &err), 0);
        for (int y = 2007; y <= 2008; y++) {
            ilm_store_row row = {.year = y, .sector = "road_transport", .t = 1000.0 * (i + 1)};
            memcpy(row.code, codes[i], 4);
            assert_int_equal(ilm_store_import_row(im, &row, &err), 0);
        }
        assert_int_equal(ilm_store_import_population(im, codes[i], 2008, 500, &err), 0);
    }
    ilm_import_stats st;
    assert_int_equal(ilm_store_import_commit(im, &st, &err), 0);

    ilm_peer_result r;
    assert_int_equal(ilm_app_peers(f->s, "101", 5, &r, &err), 0);
    assert_false(r.synthetic);
    assert_int_equal(r.n_inputs, 2);
    assert_int_equal(r.n_peers, 1);
    assert_string_equal(r.inputs[r.peers[0].index].code, "102");
    ilm_peer_result_clear(&r);
    assert_int_equal(ilm_app_peers(f->s, "902", 5, &r, &err), 0);
    assert_int_equal(r.n_inputs, 3);
    ilm_peer_result_clear(&r);
}

/* ---- SYKE's real figures (../shared) ---- */

static void test_app_syke(void **state)
{
    fixture *f = *state;
    const char *shared = getenv("ILMAVA_SHARED");
    char path[1024];
    snprintf(path, sizeof path, "%s/data/syke/alas_hinku_pohjois_karjala_wide.csv",
             shared ? shared : "");
    if (!shared || !*shared || access(path, R_OK) != 0) {
        print_message("skipped: no %s\n", path);
        skip();
    }
    ilm_errors err = {0};
    ilm_import_stats st;
    ilm_import_info info;
    assert_int_equal(ilm_app_import(f->s, path, NULL, ILM_FILE_SYKE, &st, &info, &err), 0);
    ilm_municipality *all = NULL;
    size_t n_all = 0;
    assert_int_equal(ilm_store_municipalities(f->s, &all, &n_all, &err), 0);
    assert_int_equal(n_all, 13);
    for (size_t i = 0; i < n_all; i++) {
        ilm_peer_result r, again;
        assert_int_equal(ilm_app_peers(f->s, all[i].code, 5, &r, &err), 0);
        assert_int_equal(r.n_inputs, 13);
        assert_int_equal(r.n_left_out, 0);
        assert_int_equal(r.n_peers, 5);
        assert_string_equal(r.inputs[r.target].code, all[i].code);
        assert_int_equal(r.inputs[r.target].year, 2024);
        check_sorted(&r);
        for (size_t p = 0; p < r.n_peers; p++) {
            assert_true(r.peers[p].distance > 0);
            /* The file is the Hinku rule: no ETS rows, no spread, never a
             * reason. */
            assert_true(r.peers[p].contribution[ILM_PF_ETS_SHARE] == 0);
            for (size_t k = 0; k < r.peers[p].n_reasons; k++)
                assert_int_not_equal(r.peers[p].reasons[k].feature, ILM_PF_ETS_SHARE);
        }
        assert_int_equal(ilm_app_peers(f->s, all[i].code, 5, &again, &err), 0);
        assert_int_equal(again.n_peers, r.n_peers);
        assert_same_peers(r.peers, again.peers, r.n_peers);
        ilm_peer_result_clear(&again);

        /* Heinävesi (090), by hand from the file: 2024 heating 0.5 + 1.9 +
         * 1.1 + 1.3 = 4.8 kt for 2929 inhabitants; all sectors 25.3 kt in
         * 2024 against 40.7 kt in 2007 (the sums of the sectors, not
         * SYKE's rounded total 40.8). */
        if (strcmp(all[i].code, "090") == 0) {
            const ilm_peer_input *me = &r.inputs[r.target];
            assert_near(me->population, 2929, 0);
            assert_near(me->per_capita[ILM_GROUP_HEATING], 4800.0 / 2929, 1e-9);
            assert_near(me->change, 25.3 / 40.7 - 1, 1e-9);
            assert_true(me->ets_share == 0);
        }
        ilm_peer_result_clear(&r);
    }
    ilm_municipalities_free(all, n_all);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_zscores),
        cmocka_unit_test(test_hand_distances),
        cmocka_unit_test(test_hand_weights),
        cmocka_unit_test(test_hand_municipalities),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_zero_spread),
        cmocka_unit_test(test_features),
        cmocka_unit_test(test_sector_groups),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test_setup_teardown(test_app_demo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_app_kinds_apart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_app_bad_data_left_out, setup, teardown),
        cmocka_unit_test_setup_teardown(test_app_syke, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
