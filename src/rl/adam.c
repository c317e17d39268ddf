/* adam.c - Adam with deferred zero-gradient updates for row parameters
 * (see adam.h). */
#include "adam.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE__)
#include <xmmintrin.h>
#endif

/* The first moment of a weight whose input stays zero decays by 0.9 a step
 * and is subnormal (< 1.2e-38) within a thousand steps; x86 computes with
 * subnormals some 100x slower, which made Adam the slowest phase of
 * training. The updates run with subnormals flushed to zero (FTZ and DAZ,
 * restored after): such a moment moves its weight by less than 1e-36, so
 * the result is the same for every purpose, though not bit for bit that
 * of IEEE arithmetic. */
typedef struct fp_mode {
    unsigned saved;
} fp_mode;

static fp_mode flush_subnormals(void) {
#if defined(__SSE__)
    fp_mode m = {_mm_getcsr()};
    _mm_setcsr(m.saved | 0x8040); /* FTZ (bit 15) | DAZ (bit 6) */
    return m;
#else
    return (fp_mode){0};
#endif
}

static void restore_fp(fp_mode m) {
#if defined(__SSE__)
    _mm_setcsr(m.saved);
#else
    (void)m;
#endif
}

/* The per-element update. torch divides sqrt(v) by sqrt(bc2); multiplying
 * by its reciprocal is the same to an ulp of the denominator and saves one
 * of the two divisions, which with the square root bound the decay pass.
 * restrict lets the compiler vectorise it, and the
 * AVX2 and AVX-512 clones (picked at load time by what the CPU has) double
 * and quadruple the width. Each lane does the same IEEE operations, so every
 * clone gives the same numbers. */
__attribute__((target_clones("avx512f", "avx2", "default"))) static void
adam_update(float *restrict p, float *restrict m, float *restrict v, const float *restrict g, int64_t n, float b1,
            float b2, float c1, float c2, float step, float rsbc2, float eps) {
    for (int64_t k = 0; k < n; k++) {
        m[k] = m[k] * b1 + g[k] * c1;
        v[k] = v[k] * b2 + g[k] * g[k] * c2;
        p[k] -= step * (m[k] / (sqrtf(v[k]) * rsbc2 + eps));
    }
}

/* adam_update with g = 0: x * b + 0 is x * b (up to the sign of a zero,
 * which no later value sees), so this is the dense update's result without
 * reading a gradient. */
__attribute__((target_clones("avx512f", "avx2", "default"))) static void
adam_decay(float *restrict p, float *restrict m, float *restrict v, int64_t n, float b1, float b2, float step,
           float rsbc2, float eps) {
    for (int64_t k = 0; k < n; k++) {
        m[k] = m[k] * b1;
        v[k] = v[k] * b2;
        p[k] -= step * (m[k] / (sqrtf(v[k]) * rsbc2 + eps));
    }
}

int ps_adam_create(ps_adam *o, float *const *params, const int64_t *numel, int n, double lr, double beta1,
                   double beta2, double eps, ps_error *err) {
    memset(o, 0, sizeof *o);
    if (n < 1 || n > PS_ADAM_MAX_PARAMS) return ps_error_set(err, "Adam: 1 to %d parameters, got %d", PS_ADAM_MAX_PARAMS, n);
    int64_t total = 0;
    for (int i = 0; i < n; i++) total += numel[i];
    if (!(o->moments = calloc((size_t)(2 * total), sizeof *o->moments)))
        return ps_error_set(err, "out of memory for Adam's moments (%lld values)", (long long)(2 * total));
    o->n = n;
    for (int i = 0, off = 0; i < n; off += numel[i++]) {
        o->p[i] = params[i];
        o->numel[i] = numel[i];
        o->m[i] = o->moments + off;
        o->v[i] = o->moments + total + off;
    }
    o->lr = lr;
    o->beta1 = beta1;
    o->beta2 = beta2;
    o->eps = eps;
    return PS_OK;
}

void ps_adam_free(ps_adam *o) {
    for (int i = 0; i < o->n; i++) free(o->done[i]);
    free(o->moments);
    free(o->hist);
    free(o->zeros);
    memset(o, 0, sizeof *o);
}

int ps_adam_set_rows(ps_adam *o, int i, int64_t rows, int64_t cols, ps_error *err) {
    if (i < 0 || i >= o->n || rows < 1 || cols < 1 || rows * cols != o->numel[i])
        return ps_error_set(err, "Adam: parameter %d is not a [%lld, %lld] matrix", i, (long long)rows, (long long)cols);
    int64_t *done = calloc((size_t)rows, sizeof *done);
    if (!done) return ps_error_set(err, "out of memory");
    ps_adam_flush(o);
    for (int64_t r = 0; r < rows; r++) done[r] = o->steps;
    free(o->done[i]);
    o->done[i] = done;
    o->rows[i] = rows;
    o->cols[i] = cols;
    return PS_OK;
}

static int64_t grad_len(const ps_adam *o, int i, const ps_grad *g) {
    return o->done[i] ? (int64_t)g->K * o->cols[i] : o->numel[i];
}

double ps_adam_clip(const ps_adam *o, ps_grad *g, double max_norm) {
    double sq = 0;
    for (int i = 0; i < o->n; i++) {
        if (!g[i].g) continue;
        const float *x = g[i].g;
        int64_t n = grad_len(o, i, &g[i]), k = 0;
        double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0}; /* independent chains */
        for (; k + 8 <= n; k += 8)
            for (int j = 0; j < 8; j++) acc[j] += (double)x[k + j] * x[k + j];
        for (; k < n; k++) acc[0] += (double)x[k] * x[k];
        for (int j = 0; j < 8; j++) sq += acc[j];
    }
    double norm = sqrt(sq), coef = max_norm / (norm + 1e-6);
    if (coef < 1)
        for (int i = 0; i < o->n; i++) {
            if (!g[i].g) continue;
            float c = (float)coef, *x = g[i].g;
            for (int64_t k = 0, n = grad_len(o, i, &g[i]); k < n; k++) x[k] *= c;
        }
    return norm;
}

/* The pending zero-gradient steps (from, to] on n elements, a tile at a
 * time so each tile's p, m and v stay in L1 across the steps. */
static void decay_range(const ps_adam *o, float *p, float *m, float *v, int64_t n, int64_t from, int64_t to) {
    float b1 = (float)o->beta1, b2 = (float)o->beta2, eps = (float)o->eps;
    for (int64_t t0 = 0; t0 < n; t0 += 1024) {
        int64_t len = n - t0 < 1024 ? n - t0 : 1024;
        for (int64_t s = from + 1; s <= to; s++) {
            const ps_adam_coefs *c = &o->hist[s - o->flushed - 1];
            adam_decay(p + t0, m + t0, v + t0, len, b1, b2, c->step, c->rsbc2, eps);
        }
    }
}

/* A row parameter's step: for each run of consecutive rows, the steps
 * they are owed, then the full update over the run (contiguous in the
 * matrix and in the gradient); untouched rows wait for the flush. */
static void step_rows(ps_adam *o, int i, const ps_grad *g, const ps_adam_coefs *c) {
    int64_t K = g->K, C = o->cols[i], *done = o->done[i];
    const int64_t *ix = g->idx;
    float b1 = (float)o->beta1, b2 = (float)o->beta2, eps = (float)o->eps;
    float c1 = (float)(1 - o->beta1), c2 = (float)(1 - o->beta2);
    for (int64_t k = 0; k < K;) {
        int64_t e = k + 1;
        while (e < K && ix[e] == ix[e - 1] + 1) e++;
        for (int64_t j = k; j < e; j++) {
            int64_t off = ix[j] * C;
            if (done[ix[j]] < o->steps - 1) decay_range(o, o->p[i] + off, o->m[i] + off, o->v[i] + off, C, done[ix[j]], o->steps - 1);
            done[ix[j]] = o->steps;
        }
        int64_t off = ix[k] * C;
        adam_update(o->p[i] + off, o->m[i] + off, o->v[i] + off, g->g + k * C, (e - k) * C, b1, b2, c1, c2, c->step,
                    c->rsbc2, eps);
        k = e;
    }
}

int ps_adam_step(ps_adam *o, const ps_grad *g, ps_error *err) {
    for (int i = 0; i < o->n; i++)
        if (o->done[i] && g[i].K > 0 && (!g[i].g || !g[i].idx)) return ps_error_set(err, "Adam: parameter %d: rows without values", i);
    if (o->steps - o->flushed >= o->hist_cap) {
        int64_t cap = o->hist_cap ? 2 * o->hist_cap : 64;
        ps_adam_coefs *h = realloc(o->hist, (size_t)cap * sizeof *h);
        if (!h) return ps_error_set(err, "out of memory");
        o->hist = h;
        o->hist_cap = cap;
    }
    o->steps++;
    double bc1 = 1 - pow(o->beta1, (double)o->steps), bc2 = 1 - pow(o->beta2, (double)o->steps);
    ps_adam_coefs c = {(float)(o->lr / bc1), (float)(1 / sqrt(bc2))};
    o->hist[o->steps - o->flushed - 1] = c;
    float b1 = (float)o->beta1, b2 = (float)o->beta2, eps = (float)o->eps;
    float c1 = (float)(1 - o->beta1), c2 = (float)(1 - o->beta2);
    fp_mode fp = flush_subnormals();
    for (int i = 0; i < o->n; i++) {
        if (o->done[i])
            step_rows(o, i, &g[i], &c);
        else if (g[i].g) /* a parameter without a gradient is skipped, as torch does */
            adam_update(o->p[i], o->m[i], o->v[i], g[i].g, o->numel[i], b1, b2, c1, c2, c.step, c.rsbc2, eps);
    }
    restore_fp(fp);
    return PS_OK;
}

void ps_adam_flush(ps_adam *o) {
    fp_mode fp = flush_subnormals();
    for (int i = 0; i < o->n; i++) {
        int64_t *done = o->done[i], R = o->rows[i], C = o->cols[i];
        if (!done) continue;
        for (int64_t r = 0; r < R;) { /* runs of rows owed the same steps: contiguous */
            int64_t e = r + 1;
            while (e < R && done[e] == done[r]) e++;
            if (done[r] < o->steps)
                decay_range(o, o->p[i] + r * C, o->m[i] + r * C, o->v[i] + r * C, (e - r) * C, done[r], o->steps);
            r = e;
        }
        for (int64_t r = 0; r < R; r++) done[r] = o->steps;
    }
    restore_fp(fp);
    o->flushed = o->steps;
}

int ps_adam_step_dense(ps_adam *o, ps_error *err) {
    ps_adam_flush(o);
    int64_t most = 0;
    for (int i = 0; i < o->n; i++) most = o->numel[i] > most ? o->numel[i] : most;
    if (o->zeros_n < most) {
        free(o->zeros);
        if (!(o->zeros = calloc((size_t)most, sizeof *o->zeros))) {
            o->zeros_n = 0;
            return ps_error_set(err, "out of memory");
        }
        o->zeros_n = most;
    }
    ps_grad g[PS_ADAM_MAX_PARAMS];
    int64_t *done[PS_ADAM_MAX_PARAMS];
    for (int i = 0; i < o->n; i++) {
        g[i] = (ps_grad){o->zeros, 0, NULL};
        done[i] = o->done[i];
        o->done[i] = NULL; /* every parameter dense for this step */
    }
    int rc = ps_adam_step(o, g, err);
    for (int i = 0; i < o->n; i++) o->done[i] = done[i];
    for (int i = 0; i < o->n; i++)
        if (done[i])
            for (int64_t r = 0; r < o->rows[i]; r++) done[i][r] = o->steps;
    o->flushed = o->steps;
    return rc;
}

float *ps_adam_moment(const ps_adam *o, int i, int which) {
    if (i < 0 || i >= o->n) return NULL;
    return which ? o->v[i] : o->m[i];
}

void ps_adam_set_step_count(ps_adam *o, int64_t steps) {
    o->steps = o->flushed = steps;
    for (int i = 0; i < o->n; i++)
        if (o->done[i])
            for (int64_t r = 0; r < o->rows[i]; r++) o->done[i][r] = steps;
}
