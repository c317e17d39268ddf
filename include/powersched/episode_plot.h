/* episode_plot.h - the per-episode plot of spec 11 (price on the left axis;
 * online nodes, used nodes, queue + backlog and the reward components x100
 * on the right), written as gnuplot script + data + PNG. */
#ifndef POWERSCHED_EPISODE_PLOT_H
#define POWERSCHED_EPISODE_PLOT_H

#include "powersched/env.h"

/* Per-hour series of one episode, filled step by step. */
typedef struct ps_episode_series {
    int n, cap;
    float *price, *on, *used, *queue, *eff, *price_r, *idle, *job_age, *reward;
} ps_episode_series;

int ps_series_init(ps_episode_series *s, int cap);
void ps_series_free(ps_episode_series *s);
void ps_series_clear(ps_episode_series *s);
/* Appends one step (ignored when full). */
void ps_series_add(ps_episode_series *s, const ps_env *env, const ps_step_info *in);

/* Writes dir/name.dat, dir/name.gp and, with gnuplot, dir/name.png for the
 * last `hours` entries (all when <= 0). *rendered = 1 when a PNG was made. */
int ps_episode_plot(const char *dir, const char *name, const char *title, const ps_episode_series *s, int hours,
                    int *rendered, ps_error *err);

#endif
