/* adam.h - torch.optim.Adam (SB3's optimiser) over the network's float
 * arrays, in C: one flat buffer holds both moments of every parameter.
 *
 * A "row" parameter is a [rows, cols] matrix whose gradient arrives as a
 * few rows (the first layers, stored input-major: the batch's non-zero
 * inputs). Its other rows get Adam's zero-gradient update: m *= b1,
 * v *= b2, and the weight still moves. That update is deferred: each row
 * remembers the step it is current to, a gradient step first brings the
 * rows it touches up to date, and ps_adam_flush applies what is owed to the
 * rest in one pass over the matrix (the pending steps applied to a
 * cache-sized tile at a time) instead of one pass per step. Each element
 * goes through the same operations in the same order as with a dense zero
 * gradient, so the numbers are identical, bit for bit; only the memory
 * traffic changes. Read the parameters or the moments only after a flush.
 * Subnormal values are flushed to zero in the updates (see adam.c). */
#ifndef POWERSCHED_RL_ADAM_H
#define POWERSCHED_RL_ADAM_H

#include <stdint.h>

#include "powersched/error.h"

#define PS_ADAM_MAX_PARAMS 32

/* A parameter's gradient for one step: g[numel] for a dense parameter; for
 * a row parameter g[K * cols], row idx[k]'s gradient at g[k * cols ..],
 * idx ascending (K may be 0: no row touched). */
typedef struct ps_grad {
    float *g;
    int K;
    const int64_t *idx;
} ps_grad;

typedef struct ps_adam_coefs {
    float step, rsbc2; /* lr / (1 - b1^t), 1 / sqrt(1 - b2^t) */
} ps_adam_coefs;

typedef struct ps_adam {
    int n;
    float *p[PS_ADAM_MAX_PARAMS];     /* borrowed */
    float *m[PS_ADAM_MAX_PARAMS], *v[PS_ADAM_MAX_PARAMS]; /* views into moments */
    int64_t numel[PS_ADAM_MAX_PARAMS], rows[PS_ADAM_MAX_PARAMS], cols[PS_ADAM_MAX_PARAMS];
    int64_t *done[PS_ADAM_MAX_PARAMS]; /* row parameters: step each row is current to */
    float *moments;                    /* owned: m and v of every parameter */
    double lr, beta1, beta2, eps;
    int64_t steps;
    /* coefficients of the steps since the last flush (steps - flushed of them) */
    ps_adam_coefs *hist;
    int64_t flushed, hist_cap;
    float *zeros; /* ps_adam_step_dense's zero gradient */
    int64_t zeros_n;
} ps_adam;

/* Over n float arrays of numel[i] values (the parameters, borrowed; they
 * must outlive o), moments zero, step count 0. */
int ps_adam_create(ps_adam *o, float *const *params, const int64_t *numel, int n, double lr, double beta1,
                   double beta2, double eps, ps_error *err);
void ps_adam_free(ps_adam *o);
/* Declares parameter i a [rows, cols] row parameter (rows * cols = numel). */
int ps_adam_set_rows(ps_adam *o, int i, int64_t rows, int64_t cols, ps_error *err);

/* The global L2 norm of the gradients; when it exceeds max_norm they are
 * scaled by max_norm / (norm + 1e-6) in place (torch's clip_grad_norm_).
 * Returns the norm before clipping. */
double ps_adam_clip(const ps_adam *o, ps_grad *g, double max_norm);
/* One Adam step with g[0..n):
 *   m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
 *   p -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps). */
int ps_adam_step(ps_adam *o, const ps_grad *g, ps_error *err);
/* Applies every deferred zero-gradient update: parameters and moments are
 * then those of dense Adam. */
void ps_adam_flush(ps_adam *o);
/* One step with a zero gradient read from memory for every parameter, over
 * all of it (no deferral): what plain dense Adam costs (bench_train's limit).
 * Flushes first. */
int ps_adam_step_dense(ps_adam *o, ps_error *err);

/* First (which 0) or second (which 1) moment of parameter i. */
float *ps_adam_moment(const ps_adam *o, int i, int which);
/* For a resumed optimiser (its moments copied in): every row current. */
void ps_adam_set_step_count(ps_adam *o, int64_t steps);

#endif
