/* policy.h - the actor-critic of spec 12.2: the flattened observation feeds
 * two separate tanh MLPs (policy and value, hidden sizes --net-arch), an
 * action head of 3 + nodes + 2 logits (MultiDiscrete([3, nodes, 2]) as three
 * independent categoricals) and a value head. Orthogonal initialisation
 * with gains sqrt(2) (hidden), 0.01 (action), 1 (value); biases 0.
 *
 * The observation is mostly zeros (an empty 10,000-value queue), so the
 * first layers only read the columns that are non-zero in the batch, and in
 * training also skip each row's zeros and leave the weight gradient sparse
 * (the batch's columns only): the result equals the dense product, forward
 * and backward. */
#ifndef POWERSCHED_RL_POLICY_H
#define POWERSCHED_RL_POLICY_H

#include <stdint.h>

#include "powersched/error.h"
#include "powersched/rng.h"
#include "tensors.h"
#include "torch_api.h"

#define PS_MAX_HIDDEN 4
#define PS_MAX_LOGITS 8192
#define PS_MAX_PARAMS (4 * PS_MAX_HIDDEN + 4)

typedef struct ps_policy {
    int obs_dim, n_hidden, hidden[PS_MAX_HIDDEN];
    int nvec[3], n_logits;
    int n_params;
    at_tensor params[PS_MAX_PARAMS];     /* owned */
    char names[PS_MAX_PARAMS][32];       /* "pi.0.weight", ... "value.bias" */
    /* Transposed copies [obs_dim, hidden0] of the two first-layer weights
     * for the C forward (contiguous rows per input); ps_policy_refresh
     * rebuilds them after the weights change. */
    float *w1t[2];
    int *nonzero; /* scratch of the C forward: indices of non-zero inputs */
} ps_policy;

/* Call after the parameters changed (an update, a load). */
int ps_policy_refresh(ps_policy *p, ps_error *err);

/* A batch of observations as the first layers read it: the non-zero columns
 * idx (K of obs_dim) and their values [B, K]. Built once per rollout batch
 * and reused by every epoch of an update. */
typedef struct ps_batch {
    int B, K;
    at_tensor xs, idx; /* owned; idx int64 [K] ascending (at least one column) */
} ps_batch;

int ps_batch_build(ps_batch *b, const float *obs, int B, int obs_dim, ps_error *err);
void ps_batch_free(ps_batch *b);

/* hidden: n_hidden sizes (1..PS_MAX_HIDDEN). Weights are initialised with g. */
int ps_policy_create(ps_policy *p, int obs_dim, const int nvec[3], const int *hidden, int n_hidden,
                     at_generator g, ps_error *err);
void ps_policy_free(ps_policy *p);
int64_t ps_policy_param_count(const ps_policy *p);

/* Rollout step for one observation: samples an action from the three
 * categoricals with rng (or takes the per-component argmax when
 * deterministic) and gives its log-probability and the value estimate. The
 * forward runs in C on the parameters' values (hidden sizes up to 4096). */
int ps_policy_act(ps_policy *p, const float *obs, int deterministic, ps_rng *rng, int action[3], double *logp,
                  double *value, ps_error *err);
/* Value estimate of one observation (truncation bootstrap, last value). */
int ps_policy_value(ps_policy *p, const float *obs, double *value, ps_error *err);
/* ps_policy_act as shim operations in InferenceMode, sampling with torch's
 * multinomial and g: the reference the C forward is tested against. */
int ps_policy_act_reference(ps_policy *p, const float *obs, int deterministic, at_generator g, int action[3],
                            double *logp, double *value, ps_error *err);

/* Training forward over a batch and its actions ([B, 3]): log-probability,
 * entropy and value of each row, as tensors of shape [B] that carry
 * gradients. They are added to tl (which owns them). */
typedef struct ps_policy_eval {
    at_tensor logp, entropy, value;
    /* Column batches only: the two first layers' weights enter as leaves
     * holding their batch columns (at_cols_leaf, [K, hidden0]), so backward
     * writes a [K, hidden0] gradient for each instead of a dense
     * [hidden0, obs_dim] one; the optimiser learns of them through
     * ps_policy_sparse_grads. NULL after a dense evaluation. idx is the
     * batch's (borrowed). */
    at_tensor first_cols[2], idx;
} ps_policy_eval;
int ps_policy_evaluate(ps_policy *p, const ps_batch *batch, const int64_t *actions, ps_tlist *tl,
                       ps_policy_eval *out, ps_error *err);

/* After backward of a loss on ev: tells opt (made over p->params, in order)
 * where the first layers' gradients are (ato_sparse_grad); nothing to do
 * after a dense evaluation. Call before clipping and the Adam step. */
int ps_policy_sparse_grads(const ps_policy *p, const ps_policy_eval *ev, ato_adam opt, ps_error *err);

/* The same with a dense first-layer product over obs [B, obs_dim] (tests). */
int ps_policy_evaluate_dense(ps_policy *p, const float *obs, int B, const int64_t *actions, ps_tlist *tl,
                             ps_policy_eval *out, ps_error *err);

#endif
