/* resume.h - the trainer of a session (spec 12.5): resumed from the
 * checkpoint the session's models folder offers, or a new model; and the
 * iteration accounting of --iter-limit. */
#ifndef POWERSCHED_RL_RESUME_H
#define POWERSCHED_RL_RESUME_H

#include <stdio.h>

#include "checkpoint.h"
#include "powersched/session.h"

typedef struct ps_resume {
    int64_t steps;     /* nominal steps of the checkpoint resumed; -1: a new model */
    int64_t iteration; /* iterations done before this run: steps / iteration_steps */
    char path[4400];   /* the checkpoint resumed ("" for a new model) */
    int64_t next_plot_save; /* the first training plot comes at the first episode end after this
                             * step: an iteration in (new model), an episode in (resumed) */
    ps_checkpoint_info info;
} ps_resume;

/* Creates t on env: from the checkpoint ps_session_pick_model(want) picks
 * (warnings on `warn`), with that checkpoint's architecture and ent_coef
 * (--net-arch and --ent-coef are for new models, spec 12.2), or new from ppo
 * and hidden[n_hidden]. A resumed run continues the step and episode
 * counters: env progress = iteration * iteration_steps. t must be freed
 * (ps_trainer_free) also after a failure. */
int ps_trainer_resume(ps_trainer *t, ps_env *env, const ps_session *s, int64_t want, const ps_ppo_config *ppo,
                      const int *hidden, int n_hidden, uint64_t seed, int64_t iteration_steps, FILE *warn,
                      ps_resume *r, ps_error *err);

/* Saves t as the session's checkpoint after `nominal` steps (its path into
 * path), recording the weights and the options it was trained with. */
int ps_trainer_save(const ps_trainer *t, const ps_session *s, int64_t nominal, int64_t iteration,
                    const ps_weights *w, const struct cJSON *options, char *path, size_t size, ps_error *err);

/* --iter-limit is absolute (spec 12.5): iteration k, counted from 1 over the
 * session's life, runs when limit is 0 or k <= limit. */
int ps_iteration_allowed(int64_t k, int64_t limit);

#endif
