/* policy_grad.h - the actor-critic's training forward and backward over a
 * minibatch, by hand in C on the parameters' values: no autograd graph, no
 * per-op dispatch, no allocation once the work buffers have grown. The
 * first layers read only the batch's non-zero inputs and produce their
 * weight gradients as those inputs' rows ([K, hidden0], for Adam's row
 * parameters); every other gradient is dense. The autograd evaluation of
 * policy.h (ps_policy_evaluate) is the reference it is tested against. */
#ifndef POWERSCHED_RL_POLICY_GRAD_H
#define POWERSCHED_RL_POLICY_GRAD_H

#include "adam.h"
#include "policy.h"

typedef struct ps_train_work {
    int B_cap;
    float *act[2][PS_MAX_HIDDEN];      /* [B, hidden_l]: tanh outputs of each trunk */
    float *lsm, *q;                    /* [B, n_logits]: log-softmax and softmax of each component */
    double *h;                         /* [B, 3]: each component's entropy */
    float *value;                      /* [B] */
    double *logp, *entropy;            /* [B]: of the batch's actions; summed over components */
    /* set by the caller before the backward: d loss / d logp, entropy, value */
    double *g_logp, *g_entropy, *g_value;
    float *dlogits, *dh, *dz;          /* backward scratch */
    float *scratch;                    /* the dense kernels' */
    float *grad;                       /* every parameter's gradient (first layers: [K, hidden0]) */
    ps_grad grads[PS_MAX_PARAMS];      /* views into grad, in parameter order */
} ps_train_work;

void ps_train_work_free(ps_train_work *w);

/* The forward of the batch with its actions ([B, 3]): fills lsm, value,
 * logp and entropy (and what the backward needs). */
int ps_policy_train_forward(const ps_policy *p, const ps_batch *b, const int64_t *actions, ps_train_work *w,
                            ps_error *err);

/* From g_logp, g_entropy and g_value (the loss's derivatives per row) to
 * every parameter's gradient in w->grads. Call after the forward of the
 * same batch, before the weights change. */
void ps_policy_train_backward(const ps_policy *p, const ps_batch *b, const int64_t *actions, ps_train_work *w);

#endif
