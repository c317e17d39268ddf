/* analysis.c - spec 13.1's derived statistics of one sweep point. */
#include "powersched/analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "powersched/evaluation.h"

void ps_mean_std(const double *x, int n, double *mean, double *std) {
    double s = 0, q = 0;
    int k = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(x[i])) s += x[i], k++;
    if (k == 0) {
        *mean = *std = NAN;
        return;
    }
    *mean = s / k;
    for (int i = 0; i < n; i++)
        if (isfinite(x[i])) q += (x[i] - *mean) * (x[i] - *mean);
    *std = sqrt(q / k);
}

/* Mean and std of one per-episode quantity. */
typedef double (*episode_fn)(const ps_episode_record *r, double wait_delta);

static void stat(const ps_episode_record *r, int n, double wait_delta, episode_fn f, double *m, double *sd) {
    double *x = calloc((size_t)(n > 0 ? n : 1), sizeof *x);
    if (!x) {
        *m = *sd = NAN;
        return;
    }
    for (int i = 0; i < n; i++) x[i] = f(&r[i], wait_delta);
    ps_mean_std(x, n, m, sd);
    free(x);
}

static double effective(double savings, double completion, double wait_delta) {
    double d = wait_delta + 1;
    return fabs(d) < 1e-12 ? NAN : savings * (completion / 100) * (completion / 100) / d;
}

static double f_occ(const ps_episode_record *r, double w) { return (void)w, r->agent_occupancy_nodes_pct; }
static double f_occ_base(const ps_episode_record *r, double w) { return (void)w, r->baseline_occupancy_nodes_pct; }
static double f_completion(const ps_episode_record *r, double w) { return (void)w, r->completion_rate; }
static double f_savings(const ps_episode_record *r, double w) { return (void)w, r->savings_vs_baseline; }
static double f_savings_off(const ps_episode_record *r, double w) { return (void)w, r->savings_vs_baseline_off; }
static double f_pct(const ps_episode_record *r, double w) { return (void)w, r->savings_pct_baseline; }
static double f_pct_off(const ps_episode_record *r, double w) { return (void)w, r->savings_pct_baseline_off; }
static double f_eff(const ps_episode_record *r, double w) {
    return effective(r->savings_vs_baseline, r->completion_rate, w);
}
static double f_eff_off(const ps_episode_record *r, double w) {
    return effective(r->savings_vs_baseline_off, r->completion_rate, w);
}

void ps_point_stats_compute(const ps_episode_record *r, int n, double months, int hours, double value,
                            ps_point_stats *s) {
    memset(s, 0, sizeof *s);
    s->value = value;
    s->episodes = n;
    ps_eval_summary t;
    ps_eval_summarize(r, n, months, hours, &t);
    s->wait_agent = t.agent_avg_wait;
    s->wait_base = t.baseline_avg_wait;
    s->wait_delta = t.agent_avg_wait - t.baseline_avg_wait;
    double w = s->wait_delta;
    stat(r, n, w, f_occ, &s->occ_agent_mean, &s->occ_agent_std);
    stat(r, n, w, f_occ_base, &s->occ_base_mean, &s->occ_base_std);
    stat(r, n, w, f_completion, &s->completion_mean, &s->completion_std);
    stat(r, n, w, f_savings, &s->savings_mean, &s->savings_std);
    stat(r, n, w, f_savings_off, &s->savings_off_mean, &s->savings_off_std);
    double unused;
    stat(r, n, w, f_pct, &s->savings_pct_mean, &unused);
    stat(r, n, w, f_pct_off, &s->savings_off_pct_mean, &unused);
    stat(r, n, w, f_eff, &s->eff_savings_mean, &s->eff_savings_std);
    stat(r, n, w, f_eff_off, &s->eff_savings_off_mean, &s->eff_savings_off_std);
    s->arrivals_mean = t.arrivals_per_hour_mean;
    s->arrivals_std = t.arrivals_per_hour_std;
    s->dropped_agent = t.agent_dropped;
    s->dropped_base = t.baseline_dropped;
    s->dropped_delta = t.agent_dropped - t.baseline_dropped;
    s->cost1k_delta_pct = (t.baseline_cost_per_1k - t.agent_cost_per_1k) * 100 / t.baseline_cost_per_1k;
    s->cost1k_delta_off_pct = (t.baseline_off_cost_per_1k - t.agent_cost_per_1k) * 100 / t.baseline_off_cost_per_1k;
    s->power_delta_off_pct = t.baseline_off_mwh > 0 ? (t.baseline_off_mwh - t.agent_mwh) * 100 / t.baseline_off_mwh : NAN;
    s->prop_savings_pct = t.prop_savings_pct;
    s->prop_savings_off_pct = t.prop_savings_off_pct;
    s->eval_savings = t.total_savings;
    s->annual_savings = t.annual_savings;
    s->eval_savings_off = t.total_savings_off;
    s->annual_savings_off = t.annual_savings_off;
}
