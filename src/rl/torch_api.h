/* torch_api.h - the C face of libtorch, in the style of tch-rs's torch_api.h:
 * opaque handles, `at_` for tensors and generators (Adam is C: adam.h).
 * Every call catches C++ exceptions into a thread-local last
 * error: after a call, at_last_error() is NULL on success or the message
 * (without backtrace). Functions returning a handle return NULL on error.
 * Every handle is freed explicitly (at_free, at_generator_free).
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
/* x @ w + b for an input-major weight (w: [in, out]). */
at_tensor at_matmul_add(at_tensor x, at_tensor w, at_tensor b);
/* The same for a mostly-zero x given by its non-zero columns only:
 * xs: [B, K] holds x[:, idx], idx: int64 [K]; xs @ w[idx, :] + b. */
at_tensor at_linear_cols(at_tensor xs, at_tensor idx, at_tensor w, at_tensor b);
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

#ifdef __cplusplus
}
#endif

#endif
