/* evaluation.h - the cumulative analysis of an evaluation (spec 10.5) from
 * its episode records, plus what the prototype does not report: the split
 * of the saving against baseline_off into energy volume and price timing,
 * the mean price paid per MWh and the dropped jobs of both sides. Pure
 * arithmetic on the records; printing and files are the CLI's. */
#ifndef POWERSCHED_EVALUATION_H
#define POWERSCHED_EVALUATION_H

#include "powersched/config.h"
#include "powersched/metrics.h"

typedef struct ps_eval_summary {
    int episodes;
    double eval_months;
    /* vs baseline (idle nodes on) and vs baseline_off (idle nodes free) */
    double total_savings, avg_monthly_pct, annual_savings;
    double total_savings_off, avg_monthly_pct_off, annual_savings_off;
    /* jobs */
    double agent_completed, agent_submitted, agent_completion_pct, agent_avg_wait, agent_avg_max_queue;
    double baseline_completed, baseline_submitted, baseline_completion_pct, baseline_avg_wait,
        baseline_avg_max_queue;
    double arrivals_per_hour_mean, arrivals_per_hour_std;
    double agent_dropped, baseline_dropped;
    /* money and energy */
    double agent_cost, baseline_cost, baseline_off_cost;
    double agent_cost_per_1k, baseline_cost_per_1k, baseline_off_cost_per_1k; /* NaN without completions */
    double lost_per_saved_euro, lost_per_saved_euro_off;                     /* NaN unless savings > 0 */
    double agent_mwh, baseline_mwh, baseline_off_mwh;                         /* prop power sums */
    double agent_eur_per_mwh, baseline_eur_per_mwh, baseline_off_eur_per_mwh;
    double prop_savings, prop_savings_pct, prop_savings_off, prop_savings_off_pct; /* pct NaN if base <= 0 */
    /* saving vs baseline_off = energy volume + price timing:
     *   (E_off - E_agent) * p_agent + E_off * (p_off - p_agent), p = cost / energy */
    double saving_off_energy_volume, saving_off_price_timing;
    /* the oracle bounds (spec 16, sums over episodes; NaN when not computed),
     * the agent's job set, and capture = (off - agent) / (off - contiguous) */
    double oracle_liquid_cost, oracle_contiguous_cost, oracle_unscheduled, oracle_spillover, oracle_capture_pct;
    double agent_wait_p95_max; /* the largest episode p95 completion wait */
} ps_eval_summary;

/* The monthly % series of spec 10.5 (episodes paired (1,2), (3,4), ...; each
 * month's value entered for both episodes; a trailing odd episode repeats
 * the last value). vs_off selects baseline_off. out has n entries. */
void ps_eval_monthly_pct(const ps_episode_record *r, int n, int vs_off, double *out);

void ps_eval_summarize(const ps_episode_record *r, int n, double eval_months, int episode_hours,
                       ps_eval_summary *s);

/* analysis_naming: 6 decimals, trailing zeros then dot stripped, '-' -> 'm',
 * '.' -> 'p' (0.7 -> "0p7", 0 -> "0", -0.5 -> "m0p5"). */
void ps_eval_number_slug(double v, char *buf, size_t size);
/* m{model}_e{E}_p{P}_i{I}_ja{A} (spec 12.4); model is a step count or a name.
 * The prototype's names predate the drop weight: only the first
 * PS_EVAL_NAMED_WEIGHTS weights of the declaration appear. */
#define PS_EVAL_NAMED_WEIGHTS 4
void ps_eval_dir_name(const char *model, const ps_weights *w, char *buf, size_t size);

#endif
