/* The Monte Carlo of spec section 6: draws of measure effects (triangular)
 * and sector growth rates (normal), p_meet, and yearly percentiles.
 *
 * Determinism: draws are cut into fixed blocks, and each block has its own
 * generator seeded from (seed, block number). Threads take whole blocks and
 * write to fixed slots, so the result does not depend on the thread count.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

#define BLOCK_DRAWS 2048
#define MAX_THREADS 64
/* Totals kept for the percentiles: draws x future years, capped at 800 MB. */
#define MAX_CELLS 100000000LL
/* Simulation steps (draws x future years x (streams + measures)): about a
 * minute of one core. A plan beyond it is a mistake, not a workload. */
#define MAX_STEPS 20000000000.0
/* Items (sectors, streams, measures) whose scratch rows a worker keeps. */
#define MAX_ITEMS 4096

/* ---- random numbers: xoshiro256** seeded by splitmix64 ---- */

typedef struct rng {
    uint64_t s[4];
    bool has_spare;
    double spare;
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void rng_seed(rng *g, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL);
    for (int i = 0; i < 4; i++)
        g->s[i] = splitmix64(&x);
    g->has_spare = false;
    g->spare = 0.0;
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t rng_next(rng *g)
{
    uint64_t *s = g->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform in the open interval (0, 1). */
static inline double rng_uniform(rng *g)
{
    return ((double)(rng_next(g) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

/* Standard normal by Marsaglia's polar method, using both values of each
 * pair (no trigonometry: it is the cheaper way on common hardware). */
static double rng_normal(rng *g)
{
    if (g->has_spare) {
        g->has_spare = false;
        return g->spare;
    }
    double u, v, q;
    do {
        u = 2.0 * rng_uniform(g) - 1.0;
        v = 2.0 * rng_uniform(g) - 1.0;
        q = u * u + v * v;
    } while (q >= 1.0 || q == 0.0);
    double f = sqrt(-2.0 * log(q) / q);
    g->spare = v * f;
    g->has_spare = true;
    return u * f;
}

/* Triangular(low, mode, high) by the inverse distribution function. */
static double rng_triangular(rng *g, const double r[3])
{
    double lo = r[0], mode = r[1], hi = r[2];
    double w = hi - lo;
    if (w <= 0.0)
        return mode;
    double u = rng_uniform(g);
    double c = (mode - lo) / w;
    if (u < c)
        return lo + sqrt(u * w * (mode - lo));
    return hi - sqrt((1.0 - u) * w * (hi - mode));
}

/* ---- the simulation ---- */

/* The in-scope part of the model, flattened for the inner loop. */
typedef struct sim {
    const model *m;
    size_t n_streams;   /* in-scope streams with emissions in year L */
    size_t *sector_of;  /* their sector */
    double *e_last;
    size_t n_meas;      /* measures with an effect after L on those streams */
    const cmeasure **meas;
    size_t *meas_slot;  /* slot of the measure's stream */
    double meet_limit;  /* V + 1e-9 max(1, V) */
    int64_t draws;
    uint64_t seed;
    size_t n_blocks;
    double *totals;     /* [f * draws + d]: in-scope scenario total */
    atomic_size_t next_block;
    atomic_size_t next_year;
    ilm_mc_result *res;
    atomic_llong meets;
    atomic_llong done;
} sim;

/* A worker's scratch space: one row of BLOCK_DRAWS values per item, so
 * that the inner loops run over consecutive draws and vectorise. */
typedef struct worker_buf {
    double *growth;  /* [sector][d]: 1 + drawn rate */
    double *coef_a;  /* [measure][d]: share: 1 / (1 - r ramp(L)); abs: A */
    double *coef_b;  /* [measure][d]: share: r / (1 - r ramp(L)) */
    double *factor;  /* [stream][d]: (1 + g)^(t - L) */
    double *value;   /* [d]: one stream's scenario */
    double *total;   /* [d] */
} worker_buf;

#define ROW(p, i) ((p) + (size_t)(i) * BLOCK_DRAWS)

static void draw_block(const sim *s, worker_buf *w, rng *g, size_t nd)
{
    const model *m = s->m;
    for (size_t d = 0; d < nd; d++) {
        for (size_t sec = 0; sec < m->n_sectors; sec++)
            ROW(w->growth, sec)[d] = 1.0 + m->growth[sec] + m->trend_sd * rng_normal(g);
        for (size_t j = 0; j < s->n_meas; j++) {
            const cmeasure *cm = s->meas[j];
            double v = cm->has_range ? rng_triangular(g, cm->range) : cm->amount;
            if (cm->absolute) {
                ROW(w->coef_a, j)[d] = v;
            } else {
                double inv = 1.0 / (1.0 - v * cm->ramp_last);
                ROW(w->coef_a, j)[d] = inv;
                ROW(w->coef_b, j)[d] = v * inv;
            }
        }
    }
}

static void run_block(sim *s, worker_buf *w, size_t block)
{
    const model *m = s->m;
    rng g;
    rng_seed(&g, s->seed, block);
    int64_t d0 = (int64_t)block * BLOCK_DRAWS;
    size_t nd = (size_t)(d0 + BLOCK_DRAWS < s->draws ? BLOCK_DRAWS : s->draws - d0);
    draw_block(s, w, &g, nd);

    for (size_t k = 0; k < s->n_streams; k++)
        for (size_t d = 0; d < nd; d++)
            ROW(w->factor, k)[d] = 1.0;
    long long meets = 0;
    double *restrict val = w->value, *restrict tot = w->total;
    for (size_t f = 0; f < m->nf; f++) {
        for (size_t d = 0; d < nd; d++)
            tot[d] = 0.0;
        size_t j = 0; /* measures are ordered by stream slot */
        for (size_t k = 0; k < s->n_streams; k++) {
            double *restrict fac = ROW(w->factor, k);
            const double *restrict gr = ROW(w->growth, s->sector_of[k]);
            double e = s->e_last[k];
            for (size_t d = 0; d < nd; d++) {
                fac[d] *= gr[d];
                val[d] = e * fac[d];
            }
            for (; j < s->n_meas && s->meas_slot[j] == k; j++) {
                const cmeasure *cm = s->meas[j];
                const double *restrict a = ROW(w->coef_a, j);
                double rt = cm->ramp[f];
                if (cm->absolute) {
                    double step = rt - cm->ramp_last;
                    for (size_t d = 0; d < nd; d++)
                        val[d] -= a[d] * step;
                } else {
                    const double *restrict b = ROW(w->coef_b, j);
                    for (size_t d = 0; d < nd; d++)
                        val[d] *= a[d] - b[d] * rt;
                }
            }
            for (size_t d = 0; d < nd; d++)
                tot[d] += val[d] > 0.0 ? val[d] : 0.0;
        }
        memcpy(s->totals + f * (size_t)s->draws + (size_t)d0, tot, nd * sizeof *tot);
        /* The same tolerance as the deterministic `meets`, so that a draw
         * equal to the scenario agrees with it to the last rounding. */
        if (f == m->ti)
            for (size_t d = 0; d < nd; d++)
                meets += tot[d] <= s->meet_limit;
    }
    atomic_fetch_add(&s->meets, meets);
    atomic_fetch_add(&s->done, (long long)nd);
}

typedef struct worker_arg {
    sim *s;
    worker_buf buf;
    ilm_progress_fn progress; /* only the calling thread reports */
    void *progress_user;
} worker_arg;

/* Phase one: simulate blocks of draws until none are left. */
static void *simulate(void *p)
{
    worker_arg *a = p;
    for (;;) {
        size_t b = atomic_fetch_add(&a->s->next_block, 1);
        if (b >= a->s->n_blocks)
            break;
        run_block(a->s, &a->buf, b);
        if (a->progress)
            a->progress(a->progress_user, atomic_load(&a->s->done), a->s->draws);
    }
    return NULL;
}

static int buf_alloc(worker_buf *w, size_t n_sectors, size_t n_meas, size_t n_streams)
{
    size_t row = BLOCK_DRAWS * sizeof(double);
    w->growth = malloc((n_sectors + 1) * row);
    w->coef_a = malloc((n_meas + 1) * row);
    w->coef_b = malloc((n_meas + 1) * row);
    w->factor = malloc((n_streams + 1) * row);
    w->value = malloc(row);
    w->total = malloc(row);
    return w->growth && w->coef_a && w->coef_b && w->factor && w->value && w->total
               ? 0
               : ILM_ENOMEM;
}

static void buf_free(worker_buf *w)
{
    free(w->growth);
    free(w->coef_a);
    free(w->coef_b);
    free(w->factor);
    free(w->value);
    free(w->total);
}

static void swap(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

/* Moves the k-th smallest of v[0..n) to v[k], with nothing larger before
 * it and nothing smaller after it (Wirth's selection). */
static void select_kth(double *v, size_t n, size_t k)
{
    ptrdiff_t lo = 0, hi = (ptrdiff_t)n - 1, kk = (ptrdiff_t)k;
    while (lo < hi) {
        ptrdiff_t mid = lo + (hi - lo) / 2;
        /* Median of three as the pivot keeps sorted input fast. */
        double a = v[lo], b = v[mid], c = v[hi];
        double pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        ptrdiff_t i = lo, j = hi;
        do {
            while (v[i] < pivot)
                i++;
            while (pivot < v[j])
                j--;
            if (i <= j) {
                swap(&v[i], &v[j]);
                i++;
                j--;
            }
        } while (i <= j);
        if (kk <= j)
            hi = j;
        else if (kk >= i)
            lo = i;
        else
            return;
    }
}

static const double quantile_q[3] = {0.05, 0.50, 0.95};

/* Linear interpolation between order statistics at h = (n - 1) q, as
 * numpy's default, by selection: the median first, then the low and high
 * quantiles inside the halves it leaves. Reorders v. */
static void quantiles_by_selection(double *v, size_t n, double out[3])
{
    size_t lo[3];
    double h[3];
    for (int i = 0; i < 3; i++) {
        h[i] = (double)(n - 1) * quantile_q[i];
        lo[i] = (size_t)floor(h[i]);
    }
    /* After selecting position p, v[0..p) <= v[p] <= v[p+1..n). Each next
     * order statistic is the least value after its position, inside the
     * part of the array that the later selections did not reorder. */
    select_kth(v, n, lo[1]);
    if (lo[0] < lo[1])
        select_kth(v, lo[1], lo[0]);
    if (lo[2] > lo[1])
        select_kth(v + lo[1] + 1, n - lo[1] - 1, lo[2] - lo[1] - 1);
    size_t end[3] = {lo[1] + 1, lo[2] + 1, n};
    for (int i = 0; i < 3; i++) {
        double a = v[lo[i]], b = a;
        if (lo[i] + 1 < n) {
            b = v[lo[i] + 1];
            for (size_t k = lo[i] + 2; k < end[i]; k++)
                if (v[k] < b)
                    b = v[k];
        }
        out[i] = a + (h[i] - (double)lo[i]) * (b - a);
    }
}

#define SAMPLE 4096

/* Scratch space for quantiles(): a sample and three candidate lists. */
typedef struct qscratch {
    double sample[SAMPLE];
    double *cand[3];
    size_t cap;
} qscratch;

/* The same three quantiles, faster on large arrays (Floyd and Rivest's
 * idea): a sample brackets each order statistic between two values, one
 * pass counts what lies below the bracket and collects what lies inside,
 * and selection runs only on those few candidates. When a bracket misses,
 * it falls back to quantiles_by_selection, so the answer is always exact.
 * v is left unchanged unless the fallback runs. */
static void quantiles(double *v, size_t n, qscratch *qs, double out[3])
{
    if (n < 8 * SAMPLE || !qs->cand[0]) {
        quantiles_by_selection(v, n, out);
        return;
    }
    size_t k[3], below[3] = {0, 0, 0}, nc[3] = {0, 0, 0};
    double h[3], a[3], b[3];
    for (size_t i = 0; i < SAMPLE; i++)
        qs->sample[i] = v[i * (n / SAMPLE)];
    for (int i = 0; i < 3; i++) {
        h[i] = (double)(n - 1) * quantile_q[i];
        k[i] = (size_t)floor(h[i]);
        double q = quantile_q[i];
        double r = q * (SAMPLE - 1);
        double spread = 5.0 * sqrt(SAMPLE * q * (1.0 - q)) + 4.0;
        size_t lo_r = r - spread > 0 ? (size_t)(r - spread) : 0;
        size_t hi_r = r + spread < SAMPLE - 1 ? (size_t)(r + spread) + 1 : SAMPLE - 1;
        select_kth(qs->sample, SAMPLE, lo_r);
        a[i] = qs->sample[lo_r];
        select_kth(qs->sample, SAMPLE, hi_r);
        b[i] = qs->sample[hi_r];
    }
    for (size_t j = 0; j < n; j++) {
        double x = v[j];
        for (int i = 0; i < 3; i++) {
            if (x < a[i]) {
                below[i]++;
            } else if (x <= b[i]) {
                if (nc[i] == qs->cap) {
                    quantiles_by_selection(v, n, out);
                    return;
                }
                qs->cand[i][nc[i]++] = x;
            }
        }
    }
    for (int i = 0; i < 3; i++) {
        /* Both order statistics k and k + 1 must be among the candidates. */
        if (below[i] > k[i] || k[i] + 1 >= below[i] + nc[i]) {
            quantiles_by_selection(v, n, out);
            return;
        }
    }
    for (int i = 0; i < 3; i++) {
        double *c = qs->cand[i];
        size_t r = k[i] - below[i];
        select_kth(c, nc[i], r);
        double lo = c[r], hi = c[r + 1];
        for (size_t j = r + 2; j < nc[i]; j++)
            if (c[j] < hi)
                hi = c[j];
        out[i] = lo + (h[i] - (double)k[i]) * (hi - lo);
    }
}

/* Scratch for arrays of n values; NULL when out of memory. */
static qscratch *qscratch_new(size_t n)
{
    qscratch *qs = calloc(1, sizeof *qs);
    if (!qs)
        return NULL;
    /* Roughly 2 % of the values fall in a bracket; 1/8 is ample. */
    qs->cap = n / 8 + 1;
    for (int i = 0; i < 3; i++)
        qs->cand[i] = malloc(qs->cap * sizeof(double));
    if (!qs->cand[0] || !qs->cand[1] || !qs->cand[2]) {
        for (int i = 0; i < 3; i++)
            free(qs->cand[i]);
        free(qs);
        return NULL;
    }
    return qs;
}

static void qscratch_free(qscratch *qs)
{
    if (!qs)
        return;
    for (int i = 0; i < 3; i++)
        free(qs->cand[i]);
    free(qs);
}

int model_quantiles(double *v, size_t n, double out[3])
{
    qscratch *qs = qscratch_new(n);
    if (!qs)
        return ILM_ENOMEM;
    quantiles(v, n, qs, out);
    qscratch_free(qs);
    return 0;
}

/* Phase two: the yearly percentiles, one year at a time. */
static void *percentiles(void *p)
{
    worker_arg *a = p;
    sim *s = a->s;
    qscratch *qs = qscratch_new((size_t)s->draws);
    qscratch none = {.cand = {NULL, NULL, NULL}}; /* selection only */
    for (;;) {
        size_t f = atomic_fetch_add(&s->next_year, 1);
        if (f >= s->m->nf)
            break;
        double q[3];
        quantiles(s->totals + f * (size_t)s->draws, (size_t)s->draws, qs ? qs : &none, q);
        s->res->p5[f] = q[0];
        s->res->p50[f] = q[1];
        s->res->p95[f] = q[2];
    }
    qscratch_free(qs);
    return NULL;
}

/* Runs fn on `threads` threads, the calling one among them. A thread that
 * cannot be started only makes the run slower: the work is shared out
 * through atomic counters, never by thread number. */
static void run_parallel(void *(*fn)(void *), worker_arg *args, int threads)
{
    pthread_t tid[MAX_THREADS];
    bool started[MAX_THREADS] = {false};
    for (int t = 1; t < threads; t++)
        started[t] = pthread_create(&tid[t], NULL, fn, &args[t]) == 0;
    fn(&args[0]);
    for (int t = 1; t < threads; t++)
        if (started[t])
            pthread_join(tid[t], NULL);
}

/* The totals array is large and written once: ask for huge pages, which
 * saves thousands of page faults. */
static double *alloc_totals(size_t n)
{
    size_t bytes = n * sizeof(double);
#ifdef MADV_HUGEPAGE
    size_t huge = (size_t)2 << 20;
    if (bytes >= huge) {
        size_t rounded = (bytes + huge - 1) / huge * huge;
        void *p = aligned_alloc(huge, rounded);
        if (p)
            madvise(p, rounded, MADV_HUGEPAGE);
        return p;
    }
#endif
    return malloc(bytes ? bytes : sizeof(double));
}

int model_montecarlo(const model *m, int64_t draws, uint64_t seed, int threads,
                     ilm_progress_fn progress, void *progress_user, ilm_mc_result **out,
                     ilm_errors *err)
{
    *out = NULL;
    if ((long long)draws * (long long)m->nf > MAX_CELLS) {
        ilm_errors_add(err,
                       "draws: %lld draws over %zu years exceed the limit of %lld "
                       "simulated years; use fewer draws",
                       (long long)draws, m->nf, MAX_CELLS);
        return ILM_ELIMIT;
    }
    size_t items = m->n_sectors + m->n_streams + 2 * m->n_meas;
    double steps = (double)draws * (double)m->nf * (double)(m->n_streams + m->n_meas);
    if (items > MAX_ITEMS || steps > MAX_STEPS) {
        ilm_errors_add(err,
                       "draws: a Monte Carlo of %lld draws over %zu years, %zu streams and "
                       "%zu measures is beyond the limit of %.0f steps and %d sectors, "
                       "streams and measures; use fewer draws or a coarser inventory",
                       (long long)draws, m->nf, m->n_streams, m->n_meas, MAX_STEPS,
                       MAX_ITEMS);
        return ILM_ELIMIT;
    }
    if (threads < 1)
        threads = 1;
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;

    int rc = ILM_ENOMEM;
    sim s;
    memset(&s, 0, sizeof s);
    s.m = m;
    s.draws = draws;
    s.seed = seed;
    s.meet_limit = m->V + 1e-9 * (m->V > 1.0 ? m->V : 1.0);
    s.n_blocks = (size_t)((draws + BLOCK_DRAWS - 1) / BLOCK_DRAWS);
    atomic_init(&s.next_block, 0);
    atomic_init(&s.meets, 0);
    atomic_init(&s.done, 0);
    s.sector_of = malloc((m->n_streams + 1) * sizeof *s.sector_of);
    s.e_last = malloc((m->n_streams + 1) * sizeof *s.e_last);
    s.meas = malloc((m->n_meas + 1) * sizeof *s.meas);
    s.meas_slot = malloc((m->n_meas + 1) * sizeof *s.meas_slot);
    s.totals = alloc_totals((size_t)draws * m->nf);
    ilm_mc_result *r = calloc(1, sizeof *r);
    worker_arg args[MAX_THREADS];
    memset(args, 0, sizeof args);
    if (!s.sector_of || !s.e_last || !s.meas || !s.meas_slot || !s.totals ||
        !r)
        goto done;

    /* Streams out of scope, or with nothing in year L, add nothing to the
     * in-scope total in any draw; leave them and their measures out. */
    size_t *slot_of = malloc((m->n_streams + 1) * sizeof *slot_of);
    if (!slot_of)
        goto done;
    for (size_t k = 0; k < m->n_streams; k++) {
        slot_of[k] = (size_t)-1;
        if (m->streams[k].in_scope && m->streams[k].e_last > 0.0) {
            slot_of[k] = s.n_streams;
            s.sector_of[s.n_streams] = m->streams[k].sector;
            s.e_last[s.n_streams] = m->streams[k].e_last;
            s.n_streams++;
        }
    }
    /* Ordered by stream slot for run_block, and within a stream the share
     * measures before the absolute ones: the model is B * prod(phi) - sum(d),
     * so the shares must not scale the absolute cuts. A measure at full
     * effect by L changes nothing later (phi = 1, d = 0). */
    for (size_t k = 0; k < s.n_streams; k++)
        for (int absolute = 0; absolute <= 1; absolute++)
            for (size_t j = 0; j < m->n_meas; j++) {
                const cmeasure *cm = &m->meas[j];
                if (slot_of[cm->stream] != k || cm->ramp_last >= 1.0 ||
                    cm->absolute != absolute)
                    continue;
                s.meas[s.n_meas] = cm;
                s.meas_slot[s.n_meas] = k;
                s.n_meas++;
            }
    free(slot_of);

    for (int t = 0; t < threads; t++)
        if (buf_alloc(&args[t].buf, m->n_sectors, s.n_meas, s.n_streams))
            goto done;

    for (int t = 0; t < threads; t++)
        args[t].s = &s;
    args[0].progress = progress;
    args[0].progress_user = progress_user;
    run_parallel(simulate, args, threads);

    r->draws = draws;
    r->p_meet = (double)atomic_load(&s.meets) / (double)draws;
    r->n_years = m->nf;
    r->years = malloc(m->nf * sizeof *r->years);
    r->p5 = malloc(m->nf * sizeof *r->p5);
    r->p50 = malloc(m->nf * sizeof *r->p50);
    r->p95 = malloc(m->nf * sizeof *r->p95);
    if (!r->years || !r->p5 || !r->p50 || !r->p95)
        goto done;
    for (size_t f = 0; f < m->nf; f++)
        r->years[f] = m->L + 1 + (int)f;
    s.res = r;
    atomic_init(&s.next_year, 0);
    run_parallel(percentiles, args, threads);
    rc = 0;
done:
    for (int t = 0; t < threads; t++)
        buf_free(&args[t].buf);
    free(s.sector_of);
    free(s.e_last);
    free(s.meas);
    free(s.meas_slot);
    free(s.totals);
    if (rc) {
        if (r) {
            free(r->years);
            free(r->p5);
            free(r->p50);
            free(r->p95);
            free(r);
        }
        ilm_errors_add(err, "out of memory in the Monte Carlo");
        return rc;
    }
    *out = r;
    return 0;
}
