/* train_log.h - a session's training logs under logs/<prefix>/:
 * episodes.csv (one row per finished episode: the steps, then every episode
 * record field) and updates.csv (one row per PPO update). Both are appended
 * to across resumes; the header is written when a file is new. */
#ifndef POWERSCHED_RL_TRAIN_LOG_H
#define POWERSCHED_RL_TRAIN_LOG_H

#include <stdio.h>

#include "ppo.h"
#include "powersched/metrics.h"

typedef struct ps_train_log {
    FILE *episodes, *updates;
} ps_train_log;

int ps_train_log_open(ps_train_log *l, const char *dir, ps_error *err);
void ps_train_log_close(ps_train_log *l); /* safe on a log that failed to open */

/* Each row is flushed: the files are read while training runs. */
void ps_train_log_episode(ps_train_log *l, int64_t steps, const ps_episode_record *rec);
void ps_train_log_update(ps_train_log *l, const ps_update_stats *s, int64_t steps, double learning_rate,
                         double steps_per_s);

#endif
