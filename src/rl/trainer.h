/* trainer.h - the PPO loop of SB3's learn(): collect n_steps with the
 * policy, bootstrap truncated episodes, compute GAE, update; repeat until
 * the step target. The env is the caller's; the trainer owns the network,
 * the optimiser, the rollout and the action-sampling generator. */
#ifndef POWERSCHED_RL_TRAINER_H
#define POWERSCHED_RL_TRAINER_H

#include "powersched/env.h"
#include "powersched/heuristics.h"
#include "ppo.h"

/* The policy's action encoding (ps_ppo_config.action):
 * - NODES, the reference's: MultiDiscrete([3, nodes, 2]), the env's action;
 * - GATE (train --action gate): MultiDiscrete([2, 1, 1]): the policy says
 *   only whether waiting work starts this hour (1) or is held (0), and
 *   ps_heuristic_gate turns that into nodes (slurm-suspend's count when
 *   serving; work due by --max-wait, or 24 h without the guard, starts
 *   anyway);
 * - OVERRIDE (--action override): MultiDiscrete([3, 1, 1]): hold, serve, or
 *   price-aware's choice (2), which a new model starts out preferring (its
 *   logit's bias is PS_OVERRIDE_FOLLOW_BIAS, the others' 0: probability
 *   e^2 / (e^2 + 2) = 0.79): the policy learns where to overrule the rule.
 * - OVERRIDE_TIMING (--action override-timing): MultiDiscrete([4, 1, 1]):
 *   the same with a fourth choice, job-timing's action (heuristics.h), which
 *   a new model starts out preferring (e^2 / (e^2 + 3) = 0.71).
 * - TIMING_LEVELS (--action timing-levels): MultiDiscrete([6, 1, 1]):
 *   job-timing's action at ps_action.timed level choice + 1 (job_timing.h:
 *   the hold price times 1, 0, 0.5, 1.5, 2 or 3), so the policy only makes
 *   the rule hold more or less eagerly; a new model starts out preferring
 *   choice 0, job-timing itself (e^2 / (e^2 + 5) = 0.60).
 * A checkpoint's nvec says which: [2, 1, 1] is GATE, [3, 1, 1] OVERRIDE,
 * [4, 1, 1] OVERRIDE_TIMING, [6, 1, 1] TIMING_LEVELS. */
enum { PS_ACTION_NODES, PS_ACTION_GATE, PS_ACTION_OVERRIDE, PS_ACTION_OVERRIDE_TIMING, PS_ACTION_TIMING_LEVELS };
#define PS_OVERRIDE_FOLLOW_BIAS 2.0f

/* Called by learn(); any may be NULL. num_timesteps counts the step just
 * taken (an episode's end is logged at the same step as SB3's). on_update's
 * return value != 0 stops learning after that update (Ctrl-C). */
typedef struct ps_train_hooks {
    void *user;
    void (*on_step)(void *user, const ps_env *env, const ps_step_info *info);
    void (*on_episode)(void *user, const ps_env *env, const ps_episode_record *rec, int64_t num_timesteps);
    int (*on_update)(void *user, const ps_update_stats *stats, int64_t num_timesteps);
} ps_train_hooks;

typedef struct ps_trainer {
    ps_env *env;                /* borrowed */
    ps_ppo_config ppo;
    ps_policy policy;
    ps_adam opt;                /* over policy.params; the first layers' weights by rows */
    ps_train_work work;         /* the update's buffers */
    int obs_scale;              /* PS_OBS_SCALE_*: how the policy scales its inputs */
    at_generator gen;           /* weight initialisation */
    ps_rng action_rng;          /* action sampling (torch's RNG in SB3) */
    ps_rng shuffle_rng;         /* minibatch order */
    ps_heuristic gate;          /* the GATE and OVERRIDE encodings' node rules */
    ps_rollout rollout;
    float *obs;                 /* the last observation */
    float *pobs;                /* what the network reads of it, when that differs (PS_OBS_SCALE_SHAPE) */
    int last_episode_start, started;
    int64_t num_timesteps;      /* env steps taken by learn() so far */
    int64_t n_updates;          /* gradient steps */
    ps_phase_times times;       /* accumulated by learn() (the caller may reset it) */
} ps_trainer;

/* hidden/n_hidden: --net-arch. seed drives initialisation, sampling and
 * shuffling. */
int ps_trainer_create(ps_trainer *t, ps_env *env, const ps_ppo_config *ppo, const int *hidden, int n_hidden,
                      uint64_t seed, ps_error *err);
void ps_trainer_free(ps_trainer *t);

/* How the network scales the observation (--obs-scale): not at all (the
 * reference), or each input divided by a fixed bound of its field (queue
 * durations by 170 h, ages by a week, nodes by 16, cores by 96, node hours by
 * 170, prices by 100 EUR/MWh, pending core-hours by a day of the cluster,
 * counts by the queue size, the backlog by 1000), so that the first layer's
 * tanh is not saturated by inputs in the thousands. */
enum { PS_OBS_SCALE_NONE, PS_OBS_SCALE_BOUNDS, PS_OBS_SCALE_SUMMARY, PS_OBS_SCALE_SHAPE };
int ps_trainer_set_obs_scale(ps_trainer *t, int mode, ps_error *err);
/* SUMMARY is BOUNDS with the queue rows and the node states scaled by 0:
 * the network reads only the price window, the pending summaries and the
 * backlog size (a small input for --action gate, whose decision needs no
 * more). SHAPE is SUMMARY with the price window read as its shape: each
 * price's deviation from the window's mean in units of the window's
 * standard deviation + 1 EUR/MWh (ps_trainer_policy_obs), so that a
 * network trained on some months meets the same range of inputs in others.
 * Their names: checkpoint.h. */

/* The observation the network reads for the env's obs: obs itself, or
 * (SHAPE) a transformed copy held by t until the next call. */
const float *ps_trainer_policy_obs(ps_trainer *t, const float *obs);

/* The action encoding of a checkpoint's nvec: GATE for [2, 1, 1],
 * OVERRIDE for [3, 1, 1], else NODES. */
int ps_action_encoding(const int nvec[3]);

/* The env's action for the policy's action a (what rollouts and evaluation
 * step the env with); obs is the observation a was chosen on. *decides (may
 * be NULL): whether a mattered (always, but for the gate encodings: see
 * ps_heuristic_gate); a rollout's steps that did not decide do not move
 * the policy (ps_ppo_update gives them advantage 0). */
ps_action ps_trainer_env_action(ps_trainer *t, const float *obs, const int a[3], int *decides);

/* Runs rollouts + updates until num_timesteps >= its value at the call +
 * steps (so 100000 steps = 1563 rollouts of 64 = 100032 steps). The first
 * call resets the env (seeded with *seed when given). Returns PS_OK also
 * when a hook stopped it; *stopped says so. */
int ps_trainer_learn(ps_trainer *t, int64_t steps, const uint64_t *seed, const ps_train_hooks *hooks, int *stopped,
                     ps_error *err);

#endif
