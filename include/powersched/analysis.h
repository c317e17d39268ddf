/* analysis.h - the statistics of one sweep point of `powersched analyze`
 * (spec 13.1) from its evaluation episodes: population means and standard
 * deviations over episodes (NaNs skipped) and run-level deltas. */
#ifndef POWERSCHED_ANALYSIS_H
#define POWERSCHED_ANALYSIS_H

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

void ps_point_stats_compute(const ps_episode_record *r, int n, double eval_months, int episode_hours, double value,
                            ps_point_stats *s);

/* Population mean and std of the finite values of x (NaN when none). */
void ps_mean_std(const double *x, int n, double *mean, double *std);

#endif
