/* eval_plots.h - the evaluation plots of spec 11 as gnuplot script + data +
 * PNG: cumulative savings against both baselines over months, and the
 * episode summary panels (costs; wait and completion; max queue and drops). */
#ifndef POWERSCHED_EVAL_PLOTS_H
#define POWERSCHED_EVAL_PLOTS_H

#include "powersched/error.h"
#include "powersched/metrics.h"

/* Writes dir/cumulative_savings.{dat,gp[,png]} and
 * dir/episode_summary.{dat,gp[,png]}. *rendered counts the PNGs made. */
int ps_eval_plots(const char *dir, const char *title, const ps_episode_record *r, int n, int *rendered,
                  ps_error *err);

#endif
