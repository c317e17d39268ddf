/* train_log.h - a training run's logs:
 *   logs/<prefix>/episodes.csv  one row per finished episode: the steps, then
 *                               every episode record field;
 *   logs/<prefix>/updates.csv   one row per PPO update;
 *   tb/<prefix>/events.out.tfevents.*  (optional) the same as TensorBoard
 *                               scalars under the prototype's tags (spec 10.3:
 *                               metrics/... per episode; SB3's train/...,
 *                               rollout/... and time/fps per update).
 * The CSV files are appended to across resumes (the header is written when a
 * file is new or empty), after ps_train_log_resume has cut them back to the
 * checkpoint resumed; every resume starts a new event file. Rows are flushed as
 * written: the files are read while training runs. A failed write is kept
 * (ps_train_log.failed, err) and later writes are skipped, so the caller can
 * check once per iteration instead of after every row. */
#ifndef POWERSCHED_RL_TRAIN_LOG_H
#define POWERSCHED_RL_TRAIN_LOG_H

#include <stdio.h>

#include "ppo.h"
#include "powersched/metrics.h"
#include "powersched/tensorboard.h"

/* SB3's ep_info_buffer: the rewards and lengths of the last 100 episodes. */
#define PS_EP_INFO_LEN 100

typedef struct ps_train_log {
    char dir[4400]; /* the CSV files' folder */
    FILE *episodes, *updates;
    ps_tb tb; /* tb.fp NULL: no TensorBoard */
    double ep_reward[PS_EP_INFO_LEN], ep_len[PS_EP_INFO_LEN];
    int n_ep; /* episodes seen by this log (the buffer holds the last 100) */
    int failed;
    ps_error err;
} ps_train_log;

/* dir: the CSV folder; tb_dir: the event file's folder, NULL for none. */
int ps_train_log_open(ps_train_log *l, const char *dir, const char *tb_dir, ps_error *err);
void ps_train_log_close(ps_train_log *l); /* safe on a log that failed to open */

/* On resume from a checkpoint taken after `steps` trainer steps: drops the
 * rows of episodes.csv and updates.csv logged after it (by a run that went
 * on past that checkpoint; and a last row a kill cut short), so each step
 * appears once, rewriting a file atomically only when it loses rows, and
 * reopens the files for appending. Says on warn (may be NULL) how many rows
 * each file lost. The event files are left alone. */
int ps_train_log_resume(ps_train_log *l, int64_t steps, FILE *warn, ps_error *err);

/* An episode that ended when the trainer had taken `steps` steps. */
void ps_train_log_episode(ps_train_log *l, int64_t steps, const ps_episode_record *rec);
/* An update after `steps` steps; steps_per_s is SB3's time/fps. */
void ps_train_log_update(ps_train_log *l, const ps_update_stats *s, int64_t steps, double learning_rate,
                         double clip_range, double steps_per_s);

/* The TensorBoard tag of each episode record field logged per episode
 * (spec 10.3: the 47e1086-era callback's metrics/..., then the newest one's). */
typedef struct ps_tb_metric {
    const char *tag, *field; /* field: the record's (and episodes.csv's) name */
    size_t offset;
} ps_tb_metric;
extern const ps_tb_metric ps_tb_metrics[];
extern const int ps_tb_metric_count;

#endif
