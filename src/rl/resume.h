/* resume.h - the trainer of a session (spec 12.5): resumed from the
 * checkpoint the session's models folder offers, or a new model (optionally
 * with the network of another session's checkpoint: a curriculum); and the
 * iteration accounting of --iter-limit. */
#ifndef POWERSCHED_RL_RESUME_H
#define POWERSCHED_RL_RESUME_H

#include <stdio.h>

#include "checkpoint.h"
#include "powersched/session.h"

/* How a run's trainer starts. */
typedef struct ps_train_start {
    int64_t want;            /* --model STEPS; -1: the latest */
    ps_ppo_config ppo;       /* a new model's hyperparameters */
    const int *hidden;       /* a new model's --net-arch */
    int n_hidden;
    uint64_t seed;           /* initialisation, sampling, shuffling */
    int64_t iteration_steps;
    const char *init_from;   /* a new model takes this checkpoint's network (NULL: initialised) */
    int obs_scale;           /* a new model's --obs-scale (PS_OBS_SCALE_*; with init_from: the source's) */
} ps_train_start;

typedef struct ps_resume {
    int64_t steps;     /* nominal steps of the checkpoint resumed; -1: a new model */
    int64_t iteration; /* iterations done before this run: steps / iteration_steps */
    char path[4400];   /* the checkpoint resumed ("" for a new model) */
    int initialized;   /* a new model with the network of st->init_from */
    int64_t next_plot_save; /* the first training plot comes at the first episode end after this
                             * step: an iteration in (new model), an episode in (resumed) */
    ps_checkpoint_info info; /* of the checkpoint resumed or initialised from */
} ps_resume;

/* Creates t on env: from the checkpoint ps_session_pick_model(st->want)
 * picks (warnings on `warn`), with that checkpoint's architecture and
 * ent_coef (--net-arch and --ent-coef are for new models, spec 12.2; an
 * init_from is then ignored with a warning), or new from st (with
 * init_from's network when given, refused when its architecture is not the
 * one asked for). A resumed run continues the step and episode counters:
 * env progress = iteration * iteration_steps. First removes the temp files
 * (<N>.zip.tmp.XXXXXX) an interrupted save left in the models folder, saying
 * so on `warn`: call it from the process that holds the session's lock
 * (ps_session_lock). t must be freed (ps_trainer_free) also after a
 * failure. */
int ps_trainer_resume(ps_trainer *t, ps_env *env, const ps_session *s, const ps_train_start *st, FILE *warn,
                      ps_resume *r, ps_error *err);

/* Saves t as the session's checkpoint after `nominal` steps (its path into
 * path), recording the weights and the options it was trained with. */
int ps_trainer_save(const ps_trainer *t, const ps_session *s, int64_t nominal, int64_t iteration,
                    const ps_weights *w, const struct cJSON *options, char *path, size_t size, ps_error *err);

/* --iter-limit is absolute (spec 12.5): iteration k, counted from 1 over the
 * session's life, runs when limit is 0 or k <= limit. */
int ps_iteration_allowed(int64_t k, int64_t limit);

#endif
