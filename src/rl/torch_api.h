/* torch_api.h - the C face of libtorch, in the style of tch-rs's torch_api.h:
 * opaque handles, `at_` for tensors and generators, `ato_` for the
 * optimiser. Every call catches C++ exceptions into a thread-local last
 * error: after a call, at_last_error() is NULL on success or the message
 * (without backtrace). Functions returning a handle return NULL on error.
 * Every handle is freed explicitly (at_free, at_generator_free, ato_free).
 * Only the operations PowerSched uses are here. Tensors are float32 unless
 * an index (int64) is stated. */
#ifndef POWERSCHED_TORCH_API_H
#define POWERSCHED_TORCH_API_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct at_tensor_s *at_tensor;
typedef struct at_generator_s *at_generator;
typedef struct at_guard_s *at_guard;
typedef struct ato_adam_s *ato_adam;

/* ----------------------------------------------------------- errors, setup */
const char *at_last_error(void);
void at_clear_error(void);
/* Intra-op threads of torch and of OpenBLAS's own pool. */
void at_set_num_threads(int n);

/* ------------------------------------------------------- tensors and data */
at_tensor at_from_floats(const float *data, const int64_t *dims, int ndims);
at_tensor at_from_int64(const int64_t *data, const int64_t *dims, int ndims);
at_tensor at_zeros(const int64_t *dims, int ndims);
void at_free(at_tensor t);
int64_t at_numel(at_tensor t);
int64_t at_size(at_tensor t, int dim);
/* Copies a float tensor's values (row-major) into out[0..n); n must equal numel. */
void at_to_floats(at_tensor t, float *out, int64_t n);
/* Pointer to the values of a contiguous float tensor (parameters, buffers). */
float *at_data(at_tensor t);
double at_item(at_tensor t);

/* --------------------------------------------------------------- autograd */
void at_requires_grad(at_tensor t, int on);
/* The gradient of a leaf (NULL, with no error, when it has none yet). */
at_tensor at_grad(at_tensor t);
void at_backward(at_tensor scalar);
at_tensor at_detach(at_tensor t);
/* InferenceMode while the guard lives (rollouts). */
at_guard at_inference_mode(void);
void at_guard_end(at_guard g);

/* -------------------------------------------------------------------- ops */
/* x @ w^T + b (x: [B, in], w: [out, in], b: [out]). */
at_tensor at_linear(at_tensor x, at_tensor w, at_tensor b);
/* The same for a mostly-zero x given by its non-zero columns only:
 * xs: [B, K] holds x[:, idx], idx: int64 [K]. Forward and backward touch
 * only the K columns of w (the gradient of w is zero elsewhere). */
at_tensor at_linear_cols(at_tensor xs, at_tensor idx, at_tensor w, at_tensor b);
/* A new leaf (requires grad) holding w[:, idx] transposed ([K, out],
 * contiguous: one row per input column): the trainable column view of a
 * first layer. Its gradient is w's gradient at those columns, transposed
 * (w's is zero elsewhere); see ato_sparse_grad. */
at_tensor at_cols_leaf(at_tensor w, at_tensor idx);
/* xs @ wt + b for xs [B, K] (no gradient) and wt [K, out] (a column leaf):
 * the products of the zeros of xs are skipped, forward and backward (by
 * hand, no BLAS: each row of xs is itself mostly zeros). */
at_tensor at_linear_sparse_t(at_tensor xs, at_tensor wt, at_tensor b);
at_tensor at_tanh(at_tensor x);
at_tensor at_log_softmax(at_tensor x, int64_t dim);
at_tensor at_exp(at_tensor x);
at_tensor at_narrow(at_tensor x, int64_t dim, int64_t start, int64_t len);
at_tensor at_add(at_tensor a, at_tensor b);
at_tensor at_sub(at_tensor a, at_tensor b);
at_tensor at_mul(at_tensor a, at_tensor b);
at_tensor at_div(at_tensor a, at_tensor b);
at_tensor at_mul_scalar(at_tensor a, double s);
at_tensor at_add_scalar(at_tensor a, double s);
at_tensor at_minimum(at_tensor a, at_tensor b);
at_tensor at_clamp(at_tensor x, double lo, double hi);
at_tensor at_sum(at_tensor x);
at_tensor at_sum_dim(at_tensor x, int64_t dim);
at_tensor at_mean(at_tensor x);
/* x.gather(dim, idx) with int64 idx of the same rank. */
at_tensor at_gather(at_tensor x, int64_t dim, at_tensor idx);
at_tensor at_argmax(at_tensor x, int64_t dim);
/* One sample per row of probs [B, n] (int64 [B, 1]), drawn with g. */
at_tensor at_multinomial(at_tensor probs, at_generator g);
/* Orthogonal initialisation in place (torch.nn.init.orthogonal_) with g. */
void at_orthogonal_(at_tensor w, double gain, at_generator g);
void at_zero_(at_tensor t);

/* ------------------------------------------------------------- generators */
at_generator at_generator_new(uint64_t seed);
void at_generator_free(at_generator g);
/* The generator's state as bytes (for checkpoints): *len in, bytes out. */
int64_t at_generator_state_size(at_generator g);
void at_generator_get_state(at_generator g, uint8_t *out, int64_t len);
void at_generator_set_state(at_generator g, const uint8_t *in, int64_t len);

/* -------------------------------------------------------------- optimiser */
/* Adam over the given leaf tensors (SB3's defaults: betas 0.9/0.999). The
 * moments are tensors the optimiser owns; step count is shared. */
ato_adam ato_adam_new(at_tensor *params, int n, double lr, double beta1, double beta2, double eps);
void ato_free(ato_adam o);
/* Declares that parameter i's gradient is zero except at the columns idx
 * (int64 [K], ascending) of its [rows, cols] matrix, where it is the
 * transposed gradient of the leaf `cols` ([K, rows], from at_cols_leaf).
 * The parameter must have no gradient of its own. Clipping and Adam then
 * read only those columns (Adam's zero-gradient update everywhere else: the
 * same numbers as a dense zero gradient). Holds (and keeps its own
 * references to cols and idx) until ato_zero_grad. */
void ato_sparse_grad(ato_adam o, int i, at_tensor cols, at_tensor idx);
/* Parameter i's gradient as Adam will use it, dense (zeros where there is
 * none) into out[0..n), n = numel. */
void ato_grad_dense(ato_adam o, int i, float *out, int64_t n);
/* Scales all gradients so their global L2 norm is at most max_norm; returns
 * the norm before clipping. */
double ato_clip_grad_norm(ato_adam o, double max_norm);
void ato_step(ato_adam o);
/* An Adam step that reads a dense gradient for every parameter (its sparse
 * or missing gradient as zeros from a scratch buffer): the cost of plain
 * dense Adam, bench_train's limit. */
void ato_step_dense(ato_adam o);
/* Gradients to none (the next backward writes fresh ones) and sparse
 * declarations dropped. */
void ato_zero_grad(ato_adam o);
/* First (which 0) or second (which 1) moment of parameter i (borrowed). */
at_tensor ato_moment(ato_adam o, int i, int which);
int64_t ato_step_count(ato_adam o);
void ato_set_step_count(ato_adam o, int64_t steps);
void ato_set_lr(ato_adam o, double lr);

#ifdef __cplusplus
}
#endif

#endif
