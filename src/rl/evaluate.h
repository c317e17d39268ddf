/* evaluate.h - running a policy over evaluation episodes (spec 12.7): a
 * trained model's deterministic policy, or a heuristic, from a fresh
 * timeline reset with a seed. Shared by evaluate-savings and analyze. */
#ifndef POWERSCHED_RL_EVALUATE_H
#define POWERSCHED_RL_EVALUATE_H

#include "checkpoint.h"

#include "powersched/heuristics.h"

typedef enum ps_eval_policy { PS_EVAL_MODEL, PS_EVAL_ALWAYS_ON, PS_EVAL_RANDOM, PS_EVAL_HEURISTIC } ps_eval_policy;

typedef struct ps_evaluator {
    ps_eval_policy kind;
    ps_trainer t;   /* holds the network (PS_EVAL_MODEL) */
    ps_rng rng;     /* PS_EVAL_RANDOM's actions; the model's when sampling */
    int sample;     /* PS_EVAL_MODEL: sample the policy's actions (seeded by the run) instead of the argmax */
    ps_heuristic h; /* PS_EVAL_HEURISTIC */
    /* PS_EVAL_MODEL as an ensemble: the other members (owned) and the
     * scratch of their vote (2 x n_logits). */
    ps_trainer *members;
    int n_members;
    double *vote;
} ps_evaluator;

/* Called after every step and after every episode (either may be NULL). */
typedef struct ps_eval_hooks {
    void *user;
    void (*on_step)(void *user, const ps_env *env, ps_action action, const ps_step_info *info);
    void (*on_episode)(void *user, const ps_env *env, const ps_episode_record *rec, int done, int total);
} ps_eval_hooks;

/* A heuristic evaluator (no network); seed drives PS_EVAL_RANDOM. */
void ps_evaluator_heuristic(ps_evaluator *e, ps_eval_policy kind, uint64_t seed);
/* A hand-written policy of heuristics.h for this cluster. */
int ps_evaluator_policy(ps_evaluator *e, const ps_heuristic_config *cfg, const ps_config *cluster, ps_error *err);
/* Loads the checkpoint at path for an env of this shape. */
int ps_evaluator_load(ps_evaluator *e, ps_env *env, const char *path, ps_checkpoint_info *info, ps_error *err);
/* Makes a loaded model an ensemble with the checkpoint at path (train
 * --seed runs of one configuration, say): every step each categorical takes
 * the action with the highest mean probability over the members (with
 * sample, one drawn from that mean), and the first model's gate acts on it.
 * The member must have the first's action encoding; its --obs-scale is its
 * own. */
int ps_evaluator_add_member(ps_evaluator *e, ps_env *env, const char *path, ps_error *err);
/* ps_evaluator_load of path, then each of members[0..n) added (n may be 0);
 * nothing stays loaded on failure. */
int ps_evaluator_load_ensemble(ps_evaluator *e, ps_env *env, const char *path, const char *const *members, int n,
                               ps_checkpoint_info *info, ps_error *err);
void ps_evaluator_free(ps_evaluator *e);

/* Resets env with seed, then runs round(2 * months) episodes (a reset before
 * each); appends each episode's record to records. */
int ps_evaluator_run(ps_evaluator *e, ps_env *env, double months, uint64_t seed, const ps_eval_hooks *hooks,
                     ps_episode_list *records, ps_error *err);

#endif
