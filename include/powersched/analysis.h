/* analysis.h - the statistics of one sweep point of `powersched analyze`
 * (spec 13.1) from its evaluation episodes: population means and standard
 * deviations over episodes (NaNs skipped) and run-level deltas. */
#ifndef POWERSCHED_ANALYSIS_H
#define POWERSCHED_ANALYSIS_H

#include <stdint.h>

#include "powersched/error.h"
#include "powersched/metrics.h"

typedef struct ps_point_stats {
    double value; /* the swept quantity: arrival scale, lambda or seed */
    int episodes;
    double occ_agent_mean, occ_agent_std, occ_base_mean, occ_base_std; /* node occupancy, % */
    double arrivals_mean, arrivals_std;                                 /* jobs per hour */
    double dropped_agent, dropped_base, dropped_delta;                  /* totals; agent - baseline */
    double completion_mean, completion_std;                             /* % per episode */
    double wait_agent, wait_base, wait_delta;                           /* run level, hours */
    double savings_mean, savings_std, savings_off_mean, savings_off_std; /* EUR per episode */
    double savings_pct_mean, savings_off_pct_mean;                      /* % per episode */
    /* savings x (completion/100)^2 / (wait_delta + 1), per episode */
    double eff_savings_mean, eff_savings_std, eff_savings_off_mean, eff_savings_off_std;
    double cost1k_delta_pct, cost1k_delta_off_pct; /* (baseline_1k - agent_1k) * 100 / baseline_1k */
    double power_delta_off_pct;                     /* (E_off - E_agent) * 100 / E_off */
    double prop_savings_pct, prop_savings_off_pct;  /* prop savings * 100 / baseline prop cost */
    double eval_savings, annual_savings, eval_savings_off, annual_savings_off;
} ps_point_stats;

/* Every statistic, in the column order of summary.csv and the plot data. */
#define PS_POINT_STAT_FIELDS(X)                                                                          \
    X(episodes) X(occ_agent_mean) X(occ_agent_std) X(occ_base_mean) X(occ_base_std) X(arrivals_mean)    \
    X(arrivals_std) X(dropped_agent) X(dropped_base) X(dropped_delta) X(completion_mean)                  \
    X(completion_std) X(wait_agent) X(wait_base) X(wait_delta) X(savings_mean) X(savings_std)              \
    X(savings_off_mean) X(savings_off_std) X(savings_pct_mean) X(savings_off_pct_mean) X(eff_savings_mean) \
    X(eff_savings_std) X(eff_savings_off_mean) X(eff_savings_off_std) X(cost1k_delta_pct)                  \
    X(cost1k_delta_off_pct) X(power_delta_off_pct) X(prop_savings_pct) X(prop_savings_off_pct)             \
    X(eval_savings) X(annual_savings) X(eval_savings_off) X(annual_savings_off)

void ps_point_stats_compute(const ps_episode_record *r, int n, double eval_months, int episode_hours, double value,
                            ps_point_stats *s);

/* Population mean and std of the finite values of x (NaN when none). */
void ps_mean_std(const double *x, int n, double *mean, double *std);

/* ------------------------------------------------ the sweeps of spec 13 */

typedef enum ps_analysis_kind { PS_ANALYSIS_SCALE, PS_ANALYSIS_LAMBDA, PS_ANALYSIS_SEED } ps_analysis_kind;

#define PS_ANALYSIS_MAX_POINTS 256

/* Where the points of a sweep come from: a list, or the default schedule
 * (scales linear over [lo, hi] (13.2), lambdas geometric and rounded
 * (13.3), seeds min..max by step (13.4)). */
typedef struct ps_analysis_schedule {
    ps_analysis_kind kind;
    const char *list; /* "a,b,.." (--scales, --lambdas, --seeds); "" for the schedule */
    double lo, hi;
    int num_points;
    int64_t min_seed, max_seed, seed_step;
} ps_analysis_schedule;

/* The sweep values, rounded to 6 decimals, sorted, without duplicates; an
 * arrival-scale sweep always includes 1.0 (spec 13.2). v holds
 * PS_ANALYSIS_MAX_POINTS. */
int ps_analysis_points(const ps_analysis_schedule *s, double *v, int *n, ps_error *err);

/* The job-source modes a sweep evaluates each point in: arrival-scale runs
 * exact_replay_aggregate and sampling (unless one is excluded), lambda
 * poisson, seed sampling. Returns their count. */
int ps_analysis_modes(ps_analysis_kind kind, int replay_only, int sampler_only, const char *modes[2]);

/* "arrival-scale", "lambda", "seed" (analyze's sweep words) -> the kind, or -1. */
int ps_analysis_kind_parse(const char *word);
/* "job_arrival_scale", "lambda" or "seed": the value's column name. */
const char *ps_analysis_value_name(ps_analysis_kind kind);
/* The prototype scripts' output folder prefix (arrivalscale_occupancy_sweep, ...). */
const char *ps_analysis_dir_prefix(ps_analysis_kind kind);

#endif
