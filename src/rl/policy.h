/* policy.h - the actor-critic of spec 12.2: the flattened observation feeds
 * two separate tanh MLPs (policy and value, hidden sizes --net-arch), an
 * action head of 3 + nodes + 2 logits (MultiDiscrete([3, nodes, 2]) as three
 * independent categoricals) and a value head. Orthogonal initialisation
 * with gains sqrt(2) (hidden), 0.01 (action), 1 (value); biases 0.
 *
 * The observation is mostly zeros (an empty 10,000-value queue), so the
 * first layers only read the inputs that are non-zero, and their gradients
 * are those inputs' rows only. Every access to a first-layer weight is by
 * input, so it is stored input-major, [obs_dim, hidden0] (torch's Linear
 * holds the transpose; checkpoints keep torch's layout). */
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
    float *w[PS_MAX_PARAMS];             /* their values (the tensors' storage) */
    int64_t numel[PS_MAX_PARAMS];
    char names[PS_MAX_PARAMS][32];       /* "pi.0.weight", ... "value.bias" */
    /* NULL: the network reads the observation as the env writes it (the
     * reference); else input d is multiplied by in_scale[d] first (owned;
     * --obs-scale). */
    float *in_scale;
    int64_t *nonzero; /* scratch of the C forward: the non-zero inputs */
    float *nonzero_val;
} ps_policy;

/* Parameter layout: pi.k.{weight,bias} for each hidden layer, the same for
 * vf, then action.{weight,bias}, value.{weight,bias}; these give the index
 * of a layer's weight (its bias follows). */
static inline int ps_pi_layer(const ps_policy *p, int k) { return (void)p, 2 * k; }
static inline int ps_vf_layer(const ps_policy *p, int k) { return 2 * (p->n_hidden + k); }
static inline int ps_action_layer(const ps_policy *p) { return 4 * p->n_hidden; }
static inline int ps_value_layer(const ps_policy *p) { return 4 * p->n_hidden + 2; }
/* Whether parameter i is a first-layer weight, stored [obs_dim, hidden0]. */
static inline int ps_input_major(const ps_policy *p, int i) { return i == ps_pi_layer(p, 0) || i == ps_vf_layer(p, 0); }

/* A batch of observations as the first layers read it: the non-zero columns
 * idx (K of obs_dim, ascending, at least one) and their values xs [B, K],
 * and the non-zeros listed once for the training products, which run
 * twice per gradient step (two trunks):
 *   by tile of PS_BATCH_TILE columns, then row: entries
 *     tile_ptr[t * B + r] .. tile_ptr[t * B + r + 1] of tile_in (the
 *     input, a first-layer weight row) and tile_val;
 *   by column: entries col_ptr[k] .. col_ptr[k + 1] of col_row (the batch
 *     row) and col_val.
 * Built per minibatch from the rollout's ps_obs_rows; when one minibatch
 * holds the whole rollout, once per update for all its epochs. */
#define PS_BATCH_TILE 128
typedef struct ps_batch {
    int B, K;
    float *xs;
    int64_t *idx;
    int64_t *tile_ptr, *tile_in, *col_ptr, *col_row;
    float *tile_val, *col_val;
} ps_batch;

/* Observations as sparse rows: row r's non-zero inputs (before scaling)
 * are col[ptr[r]] .. col[ptr[r + 1] - 1], ascending, with their values
 * times the scale in val (0 where the scale is). A rollout is listed once
 * per update, and every minibatch of every epoch is assembled from it. */
typedef struct ps_obs_rows {
    int n, D;
    int64_t *ptr;
    int32_t *col;
    float *val;
} ps_obs_rows;

/* obs [n, D]; scale: the policy's in_scale (NULL: none). */
int ps_obs_rows_build(ps_obs_rows *o, const float *obs, int n, int D, const float *scale, ps_error *err);
void ps_obs_rows_free(ps_obs_rows *o);
/* The batch of rows[0..B) of o, in that order. */
int ps_batch_from_rows(ps_batch *b, const ps_obs_rows *o, const int *rows, int B, ps_error *err);
/* The batch of obs [B, obs_dim]; scale: the policy's in_scale (NULL: none). */
int ps_batch_build(ps_batch *b, const float *obs, int B, int obs_dim, const float *scale, ps_error *err);
void ps_batch_free(ps_batch *b);

/* hidden: n_hidden sizes (1..PS_MAX_HIDDEN). Weights are initialised with g. */
int ps_policy_create(ps_policy *p, int obs_dim, const int nvec[3], const int *hidden, int n_hidden,
                     at_generator g, ps_error *err);
void ps_policy_free(ps_policy *p);
/* Sets (a copy of scale[0..obs_dim)) or, with NULL, removes in_scale. */
int ps_policy_set_in_scale(ps_policy *p, const float *scale, ps_error *err);
int64_t ps_policy_param_count(const ps_policy *p);

/* Rollout step for one observation: samples an action from the three
 * categoricals with rng (or takes the per-component argmax when
 * deterministic) and gives its log-probability and the value estimate. The
 * forward runs in C on the parameters' values (hidden sizes up to 4096). */
int ps_policy_act(ps_policy *p, const float *obs, int deterministic, ps_rng *rng, int action[3], double *logp,
                  double *value, ps_error *err);
/* Each categorical's probabilities for one observation (n_logits values,
 * head by head, each summing to 1): an ensemble's vote. */
int ps_policy_probs(ps_policy *p, const float *obs, double *probs, ps_error *err);
/* Value estimate of one observation (truncation bootstrap, last value). */
int ps_policy_value(ps_policy *p, const float *obs, double *value, ps_error *err);
/* ps_policy_act as shim operations in InferenceMode, sampling with torch's
 * multinomial and g: the reference the C forward is tested against. */
int ps_policy_act_reference(ps_policy *p, const float *obs, int deterministic, at_generator g, int action[3],
                            double *logp, double *value, ps_error *err);

/* The autograd reference of the training forward (policy_grad.h is what
 * training runs; the tests hold the two together): log-probability, entropy
 * and value of each row for a batch and its actions ([B, 3]), as tensors of
 * shape [B] that carry gradients to the parameters. They are added to tl
 * (which owns them). */
typedef struct ps_policy_eval {
    at_tensor logp, entropy, value;
} ps_policy_eval;
int ps_policy_evaluate(ps_policy *p, const ps_batch *batch, const int64_t *actions, ps_tlist *tl,
                       ps_policy_eval *out, ps_error *err);

/* The same with a dense first-layer product over obs [B, obs_dim]. */
int ps_policy_evaluate_dense(ps_policy *p, const float *obs, int B, const int64_t *actions, ps_tlist *tl,
                             ps_policy_eval *out, ps_error *err);

#endif
