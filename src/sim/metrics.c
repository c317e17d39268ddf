/* metrics.c - the episode record and its summary line (spec 10.2, 10.4). */
#include "powersched/metrics.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "powersched/config.h"

#define PS_EPISODE_FIELD_ENTRY(name) {#name, offsetof(ps_episode_record, name)},
const ps_episode_field ps_episode_fields[] = {PS_EPISODE_FIELDS(PS_EPISODE_FIELD_ENTRY)};
#undef PS_EPISODE_FIELD_ENTRY
const int ps_episode_field_count = (int)(sizeof ps_episode_fields / sizeof ps_episode_fields[0]);

static double ratio_or(double num, double den, double fallback) { return den > 0 ? num / den : fallback; }

static void side_rates(const ps_job_counters *c, double *avg_wait, double *completion, double *drop, double *loss) {
    *avg_wait = c->completed > 0 ? (double)c->wait / (double)c->completed : 0.0;
    *completion = c->submitted > 0 ? (double)c->completed / (double)c->submitted * 100 : 0.0;
    *drop = c->submitted > 0 ? (double)c->dropped / (double)c->submitted * 100 : 0.0;
    /* lost = dropped + flushed (spec 2.6 delta); without flushes the reference's drop rate */
    *loss = c->submitted > 0 ? (double)(c->dropped + c->flushed) / (double)c->submitted * 100 : 0.0;
}

int ps_episode_list_push(ps_episode_list *l, const ps_episode_record *r) {
    if (l->n == INT_MAX || ps_grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v) != 0) return -1;
    l->v[l->n++] = *r;
    return 0;
}

void ps_episode_list_free(ps_episode_list *l) {
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* Spec 10 delta: launch-based waits, flushes, the longest drop streak. The
 * end-of-episode snapshots of the cluster are the env's to fill. */
static void newer_contract_fields(ps_episode_record *r, const ps_totals *ep) {
    r->episode_steps = (double)ep->steps;
    r->jobs_launched = (double)ep->agent.launched;
    r->avg_wait_time_at_launch = ratio_or((double)ep->agent.launch_wait, (double)ep->agent.launched, 0);
    r->baseline_jobs_launched = (double)ep->baseline.launched;
    r->baseline_avg_wait_time_at_launch = ratio_or((double)ep->baseline.launch_wait, (double)ep->baseline.launched, 0);
    r->jobs_flushed = (double)ep->agent.flushed;
    r->baseline_jobs_flushed = (double)ep->baseline.flushed;
    r->max_drop_streak = (double)ep->max_drop_streak;
}

void ps_episode_record_build(ps_episode_record *r, int64_t episode, const ps_totals *ep,
                             const ps_totals *cum, int max_nodes, int cores_per_node) {
    memset(r, 0, sizeof *r);
    r->episode = (double)episode;
    r->agent_cost = ep->agent_cost;
    r->baseline_cost = ep->baseline_cost;
    r->baseline_cost_off = ep->baseline_cost_off;
    r->agent_power_consumption_mwh = ep->agent_power;
    r->baseline_power_consumption_mwh = ep->baseline_power;
    r->baseline_power_consumption_off_mwh = ep->baseline_power_off;
    r->agent_prop_power_mwh = ep->agent_prop_power;
    r->baseline_prop_power_mwh = ep->baseline_prop_power;
    r->baseline_off_prop_power_mwh = ep->baseline_off_prop_power;
    r->agent_prop_cost = ep->agent_prop_cost;
    r->baseline_prop_cost = ep->baseline_prop_cost;
    r->baseline_off_prop_cost = ep->baseline_off_prop_cost;
    r->savings_prop_cost_vs_baseline = ep->baseline_prop_cost - ep->agent_prop_cost;
    r->savings_prop_cost_vs_baseline_off = ep->baseline_off_prop_cost - ep->agent_prop_cost;
    r->agent_mean_price = ratio_or(ep->agent_cost, ep->agent_power, 0);
    r->baseline_mean_price = ratio_or(ep->baseline_cost, ep->baseline_power, 0);
    r->baseline_off_mean_price = ratio_or(ep->baseline_cost_off, ep->baseline_power_off, 0);
    r->savings_vs_baseline = ep->baseline_cost - ep->agent_cost;
    r->savings_vs_baseline_off = ep->baseline_cost_off - ep->agent_cost;
    if (ep->baseline_cost <= 0) r->savings_pct_baseline = 0;
    else r->savings_pct_baseline = (ep->baseline_cost - ep->agent_cost) / ep->baseline_cost * 100;
    if (ep->baseline_cost_off <= 0) r->savings_pct_baseline_off = 0;
    else r->savings_pct_baseline_off = (ep->baseline_cost_off - ep->agent_cost) / ep->baseline_cost_off * 100;
    double ac = (double)ep->agent.completed, bc = (double)ep->baseline.completed;
    r->agent_cost_per_1000_completed_jobs = ratio_or(ep->agent_cost * 1000, ac, NAN);
    r->baseline_cost_per_1000_completed_jobs = ratio_or(ep->baseline_cost * 1000, bc, NAN);
    r->baseline_off_cost_per_1000_completed_jobs = ratio_or(ep->baseline_cost_off * 1000, bc, NAN);
    r->agent_dropped_jobs_per_saved_euro = ratio_or((double)ep->agent.dropped, r->savings_vs_baseline, NAN);
    r->agent_dropped_jobs_per_saved_euro_off = ratio_or((double)ep->agent.dropped, r->savings_vs_baseline_off, NAN);
    r->total_reward = ep->reward;

    r->jobs_submitted = (double)ep->agent.submitted;
    r->jobs_completed = ac;
    side_rates(&ep->agent, &r->avg_wait_time, &r->completion_rate, &r->drop_rate, &r->loss_rate);
    r->max_queue_size = (double)ep->agent.max_queue;
    r->max_backlog_size = (double)ep->agent.max_backlog;
    r->baseline_jobs_submitted = (double)ep->baseline.submitted;
    r->baseline_jobs_completed = bc;
    side_rates(&ep->baseline, &r->baseline_avg_wait_time, &r->baseline_completion_rate, &r->baseline_drop_rate,
               &r->baseline_loss_rate);
    r->baseline_max_queue_size = (double)ep->baseline.max_queue;
    r->baseline_max_backlog_size = (double)ep->baseline.max_backlog;
    r->jobs_dropped = (double)ep->agent.dropped;
    r->jobs_lost_total = (double)(ep->agent.dropped + ep->agent.flushed);
    r->jobs_rejected_queue_full = (double)ep->agent.rejected;
    r->baseline_jobs_dropped = (double)ep->baseline.dropped;
    r->baseline_jobs_lost_total = (double)(ep->baseline.dropped + ep->baseline.flushed);
    r->baseline_jobs_rejected_queue_full = (double)ep->baseline.rejected;
    newer_contract_fields(r, ep);

    double steps = ep->steps > 0 ? (double)ep->steps : 1;
    double cores = (double)max_nodes * cores_per_node;
    r->agent_occupancy_cores_pct = (double)ep->used_cores / steps / cores * 100;
    r->baseline_occupancy_cores_pct = (double)ep->baseline_used_cores / steps / cores * 100;
    r->agent_occupancy_nodes_pct = (double)ep->used_nodes / steps / max_nodes * 100;
    r->baseline_occupancy_nodes_pct = (double)ep->baseline_used_nodes / steps / max_nodes * 100;
    r->timeline_max_queue_size = (double)cum->agent.max_queue;
    r->agent_power_ons = (double)ep->power_ons;
    r->agent_power_offs = (double)ep->power_offs;
    r->guard_interventions = (double)ep->guard_interventions;
    r->jobs_waited_over_guard = NAN;
    r->agent_wait_p95 = r->agent_wait_max = r->baseline_wait_p95 = r->baseline_wait_max = NAN;
    r->oracle_liquid_cost = r->oracle_contiguous_cost = r->oracle_unscheduled = r->oracle_spillover = NAN;
    r->oracle_capture_pct = r->workload_oracle_liquid_cost = r->workload_oracle_contiguous_cost = NAN;
    r->workload_oracle_unscheduled = r->workload_oracle_spillover = NAN;
    r->oracle_qos_cost = r->workload_oracle_qos_cost = NAN;
}

int64_t ps_wait_count_above(const ps_wait_hist *h, const int64_t *base, int hours) {
    int64_t n = 0;
    for (int w = hours + 1; w <= h->max; w++) n += h->n[w] - (base ? base[w] : 0);
    return n;
}

void ps_wait_quantiles(const ps_wait_hist *h, const int64_t *base, double q, double *quantile, double *max) {
    int64_t total = 0;
    *quantile = *max = NAN;
    for (int w = 0; w <= h->max; w++) total += h->n[w] - (base ? base[w] : 0);
    if (total <= 0) return;
    int64_t seen = 0, need = (int64_t)ceil(q * (double)total);
    for (int w = 0; w <= h->max; w++) {
        int64_t c = h->n[w] - (base ? base[w] : 0);
        if (c <= 0) continue;
        seen += c;
        if (isnan(*quantile) && seen >= need) *quantile = w;
        *max = w;
    }
}

/* ------------------------------------------------------------ summary line */

void ps_format_thousands(double v, int decimals, char *out, size_t size) {
    if (isnan(v)) {
        snprintf(out, size, "n/a");
        return;
    }
    char raw[64];
    snprintf(raw, sizeof raw, "%.*f", decimals, fabs(v));
    char *dot = strchr(raw, '.');
    int int_len = dot ? (int)(dot - raw) : (int)strlen(raw), o = 0;
    int zero = strspn(raw, "0.") == strlen(raw);
    if (v < 0 && !zero) out[o++] = '-';
    for (int i = 0; i < int_len && o < (int)size - 8; i++) {
        out[o++] = raw[i];
        if ((int_len - i - 1) % 3 == 0 && i != int_len - 1) out[o++] = ',';
    }
    snprintf(out + o, size - (size_t)o, "%s", dot ? dot : "");
}

static void fmt_opt(double v, const char *fmt, char *out, size_t size) {
    if (isnan(v)) snprintf(out, size, "n/a");
    else snprintf(out, size, fmt, v);
}

void ps_episode_summary_line(const ps_episode_record *r, char *buf, size_t size) {
    char k1[48], k2[48], k3[48], d1[48], d2[48];
    ps_format_thousands(r->agent_cost_per_1000_completed_jobs, 1, k1, sizeof k1);
    ps_format_thousands(r->baseline_cost_per_1000_completed_jobs, 1, k2, sizeof k2);
    ps_format_thousands(r->baseline_off_cost_per_1000_completed_jobs, 1, k3, sizeof k3);
    fmt_opt(r->agent_dropped_jobs_per_saved_euro, "%.6f", d1, sizeof d1);
    fmt_opt(r->agent_dropped_jobs_per_saved_euro_off, "%.6f", d2, sizeof d2);
    snprintf(buf, size,
             "  Episode %.0f: Agent Cost=€%.0f, Baseline Cost=€%.0f | Baseline Off=€%.0f, "
             "Savings=€%.0f/€%.0f, Power=%.1f/%.1f/%.1f MWh (agent/base/base_off), "
             "MeanPrice=%.2f/%.2f/%.2f €/MWh (agent/base/base_off), "
             "CostPer1kCompleted=%s/%s/%s €/1k (agent/base/base_off), "
             "DroppedPerSavedEuro=%s/%s jobs/€ (vs base/base_off), Jobs=%.0f/%.0f (%.0f%%), "
             "AvgWait=%.1fh, EpisodeMaxQueue=%.0f, Lost=%.0f, TimelineMaxQueue=%.0f, "
             "Agent Occupancy (Cores)=%.2f%%, Baseline Occupancy (Cores)=%.2f%%, "
             "Agent Occupancy (Nodes)=%.2f%%, Baseline Occupancy (Nodes)=%.2f%%, "
             "PropPower=%.1f/%.1f/%.1f MWh (agent/base/base_off), PropSavings=€%.0f/€%.0f (vs base/base_off)",
             r->episode, r->agent_cost, r->baseline_cost, r->baseline_cost_off, r->savings_vs_baseline,
             r->savings_vs_baseline_off, r->agent_power_consumption_mwh, r->baseline_power_consumption_mwh,
             r->baseline_power_consumption_off_mwh, r->agent_mean_price, r->baseline_mean_price,
             r->baseline_off_mean_price, k1, k2, k3, d1, d2, r->jobs_completed, r->jobs_submitted,
             r->completion_rate, r->avg_wait_time, r->max_queue_size, r->jobs_lost_total,
             r->timeline_max_queue_size, r->agent_occupancy_cores_pct, r->baseline_occupancy_cores_pct,
             r->agent_occupancy_nodes_pct, r->baseline_occupancy_nodes_pct, r->agent_prop_power_mwh,
             r->baseline_prop_power_mwh, r->baseline_off_prop_power_mwh, r->savings_prop_cost_vs_baseline,
             r->savings_prop_cost_vs_baseline_off);
}
