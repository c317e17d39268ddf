/* analysis.c - spec 13.1's derived statistics of one sweep point. */
#include "powersched/analysis.h"

#include <math.h>
#include <stdio.h>
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

/* ------------------------------------------------------------ sweeps */

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int parse_list(const char *list, double *v, int *n, ps_error *err) {
    char buf[2048];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *end;
        double x = strtod(t, &end);
        if (end == t || *end || !isfinite(x) || x < 0) return ps_error_set(err, "'%s' is not a non-negative number", t);
        if (*n == PS_ANALYSIS_MAX_POINTS) return ps_error_set(err, "more than %d points", PS_ANALYSIS_MAX_POINTS);
        v[(*n)++] = x;
    }
    return PS_OK;
}

static int schedule(const ps_analysis_schedule *s, double *v, int *n, ps_error *err) {
    if (s->kind == PS_ANALYSIS_SEED) {
        if (s->seed_step <= 0 || s->max_seed < s->min_seed) return ps_error_set(err, "invalid seed range");
        for (int64_t x = s->min_seed; x <= s->max_seed && *n < PS_ANALYSIS_MAX_POINTS; x += s->seed_step)
            v[(*n)++] = (double)x;
        return PS_OK;
    }
    if (s->num_points < 1 || s->num_points > PS_ANALYSIS_MAX_POINTS || !(s->hi >= s->lo) || s->lo < 0)
        return ps_error_set(err, "invalid range %g..%g with %d points", s->lo, s->hi, s->num_points);
    for (int k = 0; k < s->num_points; k++) {
        double t = s->num_points > 1 ? (double)k / (s->num_points - 1) : 0;
        v[k] = s->kind == PS_ANALYSIS_SCALE ? s->lo + (s->hi - s->lo) * t
                                            : round(s->lo * pow(s->hi / fmax(s->lo, 1e-9), t));
    }
    *n = s->num_points;
    return PS_OK;
}

int ps_analysis_points(const ps_analysis_schedule *s, double *v, int *n, ps_error *err) {
    *n = 0;
    if ((*s->list ? parse_list(s->list, v, n, err) : schedule(s, v, n, err)) != PS_OK) return PS_ERR;
    for (int k = 0; s->kind == PS_ANALYSIS_SCALE && k < *n; k++)
        if (v[k] > PS_MAX_ARRIVAL_SCALE) return ps_error_set(err, "arrival scale %g is above %g", v[k], PS_MAX_ARRIVAL_SCALE);
    if (s->kind == PS_ANALYSIS_SCALE && *n < PS_ANALYSIS_MAX_POINTS) v[(*n)++] = 1.0;
    for (int k = 0; k < *n; k++) v[k] = round(v[k] * 1e6) / 1e6;
    qsort(v, (size_t)*n, sizeof *v, cmp_double);
    int u = 0;
    for (int k = 0; k < *n; k++)
        if (u == 0 || v[k] != v[u - 1]) v[u++] = v[k];
    *n = u;
    return *n ? PS_OK : ps_error_set(err, "no sweep points");
}

int ps_analysis_modes(ps_analysis_kind kind, int replay_only, int sampler_only, const char *modes[2]) {
    int n = 0;
    if (kind == PS_ANALYSIS_LAMBDA) modes[n++] = "poisson";
    else if (kind == PS_ANALYSIS_SEED) modes[n++] = "sampling";
    else {
        if (!sampler_only) modes[n++] = "exact_replay_aggregate";
        if (!replay_only) modes[n++] = "sampling";
    }
    return n;
}

const char *ps_analysis_value_name(ps_analysis_kind kind) {
    return kind == PS_ANALYSIS_SCALE ? "job_arrival_scale" : kind == PS_ANALYSIS_LAMBDA ? "lambda" : "seed";
}

const char *ps_analysis_dir_prefix(ps_analysis_kind kind) {
    return kind == PS_ANALYSIS_SCALE    ? "arrivalscale_occupancy_sweep"
           : kind == PS_ANALYSIS_LAMBDA ? "lambda_occupancy_sweep"
                                        : "hourlyjobs_seed_occupancy_sweep";
}

/* The words of the sweeps on the command line, in ps_analysis_kind order. */
static const char *const KIND_WORDS[] = {"arrival-scale", "lambda", "seed"};

int ps_analysis_kind_parse(const char *word) {
    for (int k = 0; k < (int)(sizeof KIND_WORDS / sizeof *KIND_WORDS); k++)
        if (!strcmp(word, KIND_WORDS[k])) return k;
    return -1;
}
