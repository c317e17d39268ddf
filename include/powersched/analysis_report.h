/* analysis_report.h - `powersched analyze` (spec 13) around the
 * evaluations: the scenario of each sweep point, and what is written of the
 * results: summary.csv, summary.json, trendlines_<mode>.{dat,gp[,png]} (the
 * 12 panels of 13.2) and the table printed at the end. */
#ifndef POWERSCHED_ANALYSIS_REPORT_H
#define POWERSCHED_ANALYSIS_REPORT_H

#include <stdio.h>

#include "powersched/analysis.h"
#include "powersched/compare.h"
#include "powersched/scenario_options.h"

/* One evaluated point: its mode and value, statistics and episodes. */
typedef struct ps_analysis_point {
    const char *mode;
    double value;
    ps_point_stats stats;
    ps_episode_list episodes;
    ps_compare policies; /* the yardsticks at this point (policies.n = 0: none run) */
} ps_analysis_point;

/* The generator of a lambda sweep (the analysis script's own flags). */
typedef struct ps_analysis_lambda {
    const char *attr_lambdas; /* "D,N,C": duration, nodes, cores means */
    int max_jobs;
    double burst_small, burst_heavy;
} ps_analysis_lambda;

/* The env of one point: base's data flags plus what the sweep varies (the
 * replay mode and arrival scale, the seed, or the generator's lambda).
 * flags and gen are the caller's; the spec points into them. */
int ps_analysis_point_spec(ps_analysis_kind kind, const ps_sim_flags *base, const ps_analysis_lambda *lambda,
                           const char *mode, double value, ps_sim_flags *flags, ps_wg_config *gen,
                           ps_scenario_spec *spec, ps_error *err);

/* The statistics as a table: with sep "," and only NULL, summary.csv (a
 * mode column first); with sep " " and one mode, that mode's plot data. */
void ps_analysis_table(FILE *fp, ps_analysis_kind kind, const ps_analysis_point *p, int n, const char *sep,
                       const char *only);

/* summary.csv, summary.json and the trendline plots of every mode into dir;
 * *png counts the PNGs gnuplot rendered. */
int ps_analysis_write(const char *dir, ps_analysis_kind kind, const char *session, const char *model, double months,
                      const ps_analysis_point *p, int n, const char *const *modes, int n_modes, int *png,
                      ps_error *err);

/* The closing table: occupancy, arrivals, savings, completion, deltas. */
/* compare.csv in dir: every point's yardsticks (policies), led by mode and value. */
int ps_analysis_write_compare(const char *dir, ps_analysis_kind kind, const ps_analysis_point *p, int n, ps_error *err);

void ps_analysis_print(FILE *fp, ps_analysis_kind kind, const ps_analysis_point *p, int n);

#endif
