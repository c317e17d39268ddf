/* ppo.h - PPO as stable-baselines3 configures it for the prototype (spec
 * 12.2): rollouts of n_steps, GAE with the truncation bootstrap, n_epochs of
 * clipped-surrogate updates with per-minibatch advantage normalisation,
 * value MSE, entropy bonus, global gradient-norm clipping, Adam. */
#ifndef POWERSCHED_RL_PPO_H
#define POWERSCHED_RL_PPO_H

#include <stdint.h>

#include "adam.h"
#include "policy.h"
#include "policy_grad.h"
#include "powersched/rng.h"

typedef struct ps_ppo_config {
    int n_steps, batch_size, n_epochs;
    double learning_rate, gamma, gae_lambda, clip_range, ent_coef, vf_coef, max_grad_norm;
    double adam_beta1, adam_beta2, adam_eps;
    int action; /* the policy's action encoding, PS_ACTION_* (trainer.h); not PPO's, but fixed with it per model */
} ps_ppo_config;

/* n_steps 64, batch 64, 10 epochs, lr 3e-4, gamma 0.99, lambda 0.95, clip
 * 0.2, ent_coef 0, vf_coef 0.5, max grad norm 0.5, Adam (0.9, 0.999, 1e-5);
 * the reference's action encoding. */
ps_ppo_config ps_ppo_config_default(void);

/* One rollout: what the policy saw, did and was paid (caller-owned arrays). */
typedef struct ps_rollout {
    int n, cap, obs_dim;
    float *obs;               /* [cap, obs_dim] */
    int64_t *actions;         /* [cap, 3] */
    double *rewards, *values, *logp, *advantages, *returns;
    uint8_t *episode_starts;  /* obs i is the first of an episode */
    uint8_t *decides;         /* action i changed what the env did (always, but for --action gate) */
} ps_rollout;

int ps_rollout_init(ps_rollout *r, int cap, int obs_dim, ps_error *err);
void ps_rollout_free(ps_rollout *r);

/* SB3's compute_returns_and_advantage: for t from the end,
 *   delta = r_t + gamma * V_{t+1} * (1 - start_{t+1}) - V_t,
 *   A_t = delta + gamma * lambda * (1 - start_{t+1}) * A_{t+1},
 * with V_n = last_value and start_n = last_done; returns = A + V. (A
 * truncated episode's bootstrap gamma * V(terminal obs) is already in its
 * last reward.) */
void ps_gae(const double *rewards, const double *values, const uint8_t *episode_starts, int n, double last_value,
            int last_done, double gamma, double lambda, double *advantages, double *returns);

/* (A - mean) / (unbiased std + 1e-8) in place when n > 1. */
void ps_normalize_advantages(double *a, int n);

/* 1 - Var(returns - values) / Var(returns) (NaN when Var(returns) = 0). */
double ps_explained_variance(const double *values, const double *returns, int n);

/* Seconds spent in each phase of training (bench_train's breakdown): the
 * rollout (env steps, the C forward, GAE), building the batch's column view,
 * the training forward and loss, backward, gradient clipping, and Adam (its
 * steps and the flush of the deferred updates). */
typedef struct ps_phase_times {
    double rollout, batch, forward, backward, clip, adam;
} ps_phase_times;

/* Monotonic clock in seconds (for the phase times). */
double ps_ppo_clock(void);

/* As SB3 logs them (train/...): the losses, clip fraction and gradient norm
 * are means over every gradient step of the update, approx_kl the mean over
 * the last epoch's, loss the last step's. */
typedef struct ps_update_stats {
    double policy_loss, value_loss, entropy_loss, approx_kl, clip_fraction, loss, explained_variance, grad_norm;
    int64_t n_updates;
    ps_phase_times times; /* this update's batch, forward .. adam */
} ps_update_stats;

/* The PPO losses of one minibatch: the total and its parts as numbers, and
 * (autograd reference only) the total as a tensor. ratio = exp(logp -
 * old_logp); loss = -mean(min(A ratio, A clamp(ratio, 1 -+ clip))) +
 * ent_coef (-mean(entropy)) + vf_coef mean((returns - value)^2). */
typedef struct ps_ppo_loss {
    at_tensor loss;
    double total, policy_loss, value_loss, entropy_loss, approx_kl, clip_fraction;
} ps_ppo_loss;
/* What training runs: from the forward in w (logp, entropy, value of each
 * row) to the loss and its derivatives per row (w->g_logp, g_entropy,
 * g_value), as autograd would give them (torch.minimum's tie splits the
 * gradient in half; clamp passes it at the bounds). */
void ps_ppo_loss_grad(const ps_ppo_config *c, const double *old_logp, const double *advantages,
                      const double *returns, int B, ps_train_work *w, ps_ppo_loss *out);
/* The autograd reference (tensors in tl). */
int ps_ppo_loss_compute(const ps_ppo_config *c, const ps_policy_eval *ev, const double *old_logp,
                        const double *advantages, const double *returns, int B, ps_tlist *tl,
                        ps_ppo_loss *out, ps_error *err);

/* n_epochs over the rollout (which must have advantages and returns). Shuffles
 * minibatches with rng when there is more than one per epoch. opt is over
 * p's parameters in order, the first layers' weights declared column
 * parameters; work holds the buffers between updates. Flushes opt at the
 * end, so the parameters are Adam's exact values when it returns. */
int ps_ppo_update(ps_policy *p, ps_adam *opt, ps_train_work *work, const ps_ppo_config *c, ps_rollout *r,
                  ps_rng *rng, ps_update_stats *stats, ps_error *err);

#endif
