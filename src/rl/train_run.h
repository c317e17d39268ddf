/* train_run.h - what a training run keeps beside its trainer: the session
 * folders and config.json, the logs (CSV and TensorBoard, train_log.h), the
 * hours of the running episode and the episode plots made from them (about
 * one an iteration, spec 12.3; every episode with --render human). The train
 * command's hooks feed it; it prints nothing. */
#ifndef POWERSCHED_RL_TRAIN_RUN_H
#define POWERSCHED_RL_TRAIN_RUN_H

#include "powersched/episode_plot.h"
#include "powersched/options.h"
#include "powersched/scenario_options.h"
#include "powersched/session.h"
#include "resume.h"
#include "train_log.h"

typedef struct ps_train_run {
    ps_session sess;
    ps_train_log log;
    ps_episode_series series;
    struct cJSON *options; /* the data and generator options every checkpoint records */
    char name[256];        /* the session's name, for plot titles */
    int64_t next_plot_save; /* the next episode plot comes at the first episode end after this step */
    int64_t plot_every;     /* then the one after it; 0: every episode */
} ps_train_run;

/* Creates the session's folders: base/name[/seed_<seed>]/... */
int ps_train_run_open(ps_train_run *r, const char *base, const char *name, const uint64_t *seed_sweep,
                      const ps_weights *w, ps_error *err);
/* Opens the logs (event files too when tensorboard), writes config.json
 * (every option of set, the seed) and keeps the options checkpoints record. */
/* Opens the logs and writes config.json; config.json and every checkpoint
 * record the tool's version and the inputs' sizes and CRCs (provenance.h). */
int ps_train_run_records(ps_train_run *r, const ps_optset *set, const ps_sim_flags *sim, uint64_t seed, int seed_given,
                         int episode_hours, int tensorboard, ps_error *err);
void ps_train_run_close(ps_train_run *r); /* safe after a failed open */

/* The run's trainer (ps_trainer_resume on the run's session; call after
 * ps_train_run_records, with the session locked); a resumed run then cuts
 * the CSV logs back to the checkpoint's steps (ps_train_log_resume), so the
 * steps it logs again appear once. Warnings go to warn. */
int ps_train_run_resume(ps_train_run *r, ps_trainer *t, ps_env *env, const ps_train_start *st, FILE *warn,
                        ps_resume *res, ps_error *err);

void ps_train_run_step(ps_train_run *r, const ps_env *env, const ps_step_info *in);
/* Logs the episode that ended after `steps` trainer steps and plots it when
 * due. A plot that could not be written is reported in warn (PS_ERR):
 * training goes on. */
int ps_train_run_episode(ps_train_run *r, const ps_env *env, const ps_episode_record *rec, int64_t steps,
                         ps_error *warn);
/* Plots the last `hours` hours (0: all) of the series as plots/<prefix>_<kind>_<step>. */
int ps_train_run_plot(ps_train_run *r, const ps_env *env, const char *kind, int hours, ps_error *err);

#endif
