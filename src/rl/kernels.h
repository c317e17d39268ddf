/* kernels.h - the float loops of the learner's hand-written forward and
 * backward: small dense layers and the first layers' sparse products.
 * Matrices are row-major; every output is written, not accumulated into,
 * unless said. Each has AVX-512 and AVX2 clones picked at load time. */
#ifndef POWERSCHED_RL_KERNELS_H
#define POWERSCHED_RL_KERNELS_H

#include <stdint.h>

/* y[B, O] = x[B, I] W[O, I]^T + b[O]. scratch: I * O floats. */
void ps_k_linear(float *y, const float *x, const float *W, const float *b, int64_t B, int64_t I, int64_t O,
                 float *scratch);

/* The gradients of ps_k_linear from dz[B, O]: dW[O, I] = dz^T x,
 * db[O] = the column sums of dz, and dx[B, I] = dz W unless dx is NULL.
 * scratch: O * B floats. */
void ps_k_linear_grad(float *dW, float *db, float *dx, const float *dz, const float *x, const float *W, int64_t B,
                      int64_t I, int64_t O, float *scratch);

/* y[0..H) += sum_i as[i] w[ks[i], 0..H) (w: [., H]): a sparse vector times
 * an input-major weight. */
void ps_k_rows_axpy(float *y, const float *w, const int64_t *ks, const float *as, int64_t n, int64_t H);

/* y[B, H] += x w for a sparse x [B, .] given as lists (ps_batch's): for
 * each tile t of the tiles and row r, the entries ptr[t * B + r] ..
 * ptr[t * B + r + 1] of (in, val) add val * w[in, :] to y[r, :]. A tile's
 * rows of w are read by every row of y while they are in L1. */
void ps_k_sparse_rows_mm(float *y, const float *w, const int64_t *ptr, const int64_t *in, const float *val,
                         int64_t tiles, int64_t B, int64_t H);

/* gw[K, H]: row k = sum over the entries ptr[k] .. ptr[k + 1] of (row, val)
 * of val * g[row, :] (g: [B, H]): the first layer's weight gradient at the
 * batch's K inputs. */
void ps_k_sparse_cols_grad(float *gw, const float *g, const int64_t *ptr, const int64_t *row, const float *val,
                           int64_t K, int64_t H);

/* x[0..n) = tanh(x) in place, to a few ulp (vectorised). */
void ps_k_tanh(float *x, int64_t n);

/* dst[cols, rows] = src[rows, cols] transposed. */
void ps_k_transpose(float *dst, const float *src, int64_t rows, int64_t cols);

#endif
