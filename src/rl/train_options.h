/* train_options.h - the option groups of the learner's commands, each
 * declared once and composed by the commands that take it:
 *   "training"   (train, train-iter): how a model is trained;
 *   "run"        (train, evaluate-savings, train-iter): threads, dashboard,
 *                the seed-sweep session layout;
 *   "evaluation" (evaluate-savings, analyze, train-iter): --eval-months.
 * train-iter forwards the groups as they were given (ps_optset_forward), so
 * every option of train is one of train-iter's too. */
#ifndef POWERSCHED_RL_TRAIN_OPTIONS_H
#define POWERSCHED_RL_TRAIN_OPTIONS_H

#include <stdint.h>

#include "policy.h"
#include "powersched/options.h"
#include "powersched/scenario_options.h"

#define PS_GROUP_TRAINING "training"
#define PS_GROUP_RUN "run"
#define PS_GROUP_EVALUATION "evaluation"

typedef struct ps_train_flags {
    int64_t iteration_steps;
    const char *net_arch, *device, *render, *obs_scale, *action;
    const char *init_from, *init_from_weights; /* "" when not given */
    double ent_coef, learning_rate, gamma;
    int no_tensorboard, n_steps, batch_size;
    int hidden[PS_MAX_HIDDEN], n_hidden; /* --net-arch, parsed by ps_train_flags_check */
    int obs_scale_mode;                  /* --obs-scale as PS_OBS_SCALE_* (ps_train_flags_check) */
    int action_mode;                     /* --action as PS_ACTION_* (ps_train_flags_check) */
} ps_train_flags;

typedef struct ps_run_flags {
    const char *output_dir; /* where sessions live: PS_SESSIONS_DIR unless given */
    int threads, plot_dashboard, dashboard_hours, seed_sweep;
} ps_run_flags;

void ps_train_flags_init(ps_train_flags *f);
void ps_train_flags_options(ps_train_flags *f, ps_optset *set);
/* Parses --net-arch, --obs-scale and --action and checks --device, --render and the --init-from pair. */
int ps_train_flags_check(ps_train_flags *f, ps_error *err);

void ps_run_flags_init(ps_run_flags *f);
void ps_run_flags_options(ps_run_flags *f, ps_optset *set);
/* --seed-sweep names the session by the seed, so it needs --seed;
 * --output-dir must name a folder. */
int ps_run_flags_check(const ps_run_flags *f, int seed_given, ps_error *err);

/* Every group `train` takes besides its own: training, run and the
 * scenario's (ps_sim_flags_options). train-iter takes the same, so every
 * option of train is one of train-iter's. */
void ps_train_options(ps_train_flags *t, ps_run_flags *r, ps_sim_flags *sim, ps_optset *set);

/* The evaluation group: --eval-months into *months (its default is the
 * caller's: 12 for evaluate-savings, 6 for train-iter, spec 12.8). */
void ps_eval_months_options(double *months, ps_optset *set);

/* What a sweep (train-iter, whose own group is `own`) passes on, appended to
 * out[*n..max) as given: to train every group of set but its own and the
 * evaluation's (so every option of train reaches each run); to
 * evaluate-savings the scenario's groups and the run group. */
int ps_forward_to_train(const ps_optset *set, const char *own, const char **out, int *n, int max, ps_error *err);
int ps_forward_to_evaluate(const ps_optset *set, const char **out, int *n, int max, ps_error *err);

/* "64,64" -> {64, 64}: 1 to PS_MAX_HIDDEN layer sizes of 1..4096. */
int ps_parse_net_arch(const char *s, int *hidden, int *n, ps_error *err);

#endif
