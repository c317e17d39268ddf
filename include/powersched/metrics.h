/* metrics.h - counters of the timeline and of the current episode, and the
 * per-episode record (spec 10.1, 10.2, 10.4). */
#ifndef POWERSCHED_METRICS_H
#define POWERSCHED_METRICS_H

#include <stddef.h>
#include <stdint.h>

/* Job counters of one side. */
typedef struct ps_job_counters {
    int64_t submitted, completed, wait, dropped, rejected;
    int64_t max_queue, max_backlog;
    int64_t flushed;              /* discarded by drop-streak flushes (and hard resets) */
    int64_t launched, launch_wait; /* jobs launched, sum of their ages at launch */
} ps_job_counters;

/* Accumulators kept twice: for the whole timeline and for the episode. */
typedef struct ps_totals {
    ps_job_counters agent, baseline;
    double agent_cost, agent_power;
    double baseline_cost, baseline_cost_off, baseline_power, baseline_power_off;
    double reward;
    /* "prop" sums of spec 10.2 (per-step terms x price) */
    double agent_prop_power, baseline_prop_power, baseline_off_prop_power;
    double agent_prop_cost, baseline_prop_cost, baseline_off_prop_cost;
    /* for occupancy means */
    int64_t steps, used_cores, used_nodes, baseline_used_cores, baseline_used_nodes;
    int64_t power_ons, power_offs; /* the agent's node switches */
    int64_t guard_interventions;
    int64_t max_drop_streak; /* longest run of steps with >= 1 agent drop */
} ps_totals;

typedef struct ps_metrics {
    ps_totals cum, ep;
    int current_hour; /* 0 after reset, 1..336 during an episode */
    int64_t total_time_hours;
} ps_metrics;

/* The episode record of spec 10.2, in the reference dict's key order (the
 * golden X_episodes.csv columns). Counts are stored as doubles too. */
#define PS_EPISODE_FIELDS(X)                                                                   \
    X(episode) X(agent_cost) X(baseline_cost) X(baseline_cost_off)                             \
    X(agent_power_consumption_mwh) X(baseline_power_consumption_mwh)                           \
    X(baseline_power_consumption_off_mwh) X(agent_prop_power_mwh) X(baseline_prop_power_mwh)   \
    X(baseline_off_prop_power_mwh) X(agent_prop_cost) X(baseline_prop_cost)                    \
    X(baseline_off_prop_cost) X(savings_prop_cost_vs_baseline)                                 \
    X(savings_prop_cost_vs_baseline_off) X(agent_mean_price) X(baseline_mean_price)            \
    X(baseline_off_mean_price) X(savings_vs_baseline) X(savings_vs_baseline_off)               \
    X(savings_pct_baseline) X(savings_pct_baseline_off) X(agent_cost_per_1000_completed_jobs)  \
    X(baseline_cost_per_1000_completed_jobs) X(baseline_off_cost_per_1000_completed_jobs)      \
    X(agent_dropped_jobs_per_saved_euro) X(agent_dropped_jobs_per_saved_euro_off)              \
    X(total_reward) X(jobs_submitted) X(jobs_completed) X(avg_wait_time) X(completion_rate)    \
    X(max_queue_size) X(max_backlog_size) X(baseline_jobs_submitted)                           \
    X(baseline_jobs_completed) X(baseline_avg_wait_time) X(baseline_completion_rate)           \
    X(baseline_max_queue_size) X(baseline_max_backlog_size) X(jobs_dropped) X(jobs_lost_total) \
    X(drop_rate) X(loss_rate) X(jobs_rejected_queue_full) X(baseline_jobs_dropped)             \
    X(baseline_jobs_lost_total) X(baseline_drop_rate) X(baseline_loss_rate)                    \
    X(baseline_jobs_rejected_queue_full)                                                       \
    /* beyond the reference record: what the summary line needs */                            \
    X(agent_occupancy_cores_pct) X(baseline_occupancy_cores_pct)                               \
    X(agent_occupancy_nodes_pct) X(baseline_occupancy_nodes_pct) X(timeline_max_queue_size)         \
    /* yardsticks: completion waits, switching, oracle bounds (NaN when not computed) */           \
    X(agent_wait_p95) X(agent_wait_max) X(baseline_wait_p95) X(baseline_wait_max)                  \
    X(agent_power_ons) X(agent_power_offs) X(guard_interventions) X(jobs_waited_over_guard)         \
    X(oracle_liquid_cost) X(oracle_contiguous_cost) X(oracle_unscheduled) X(oracle_spillover)      \
    X(oracle_capture_pct) X(workload_oracle_liquid_cost) X(workload_oracle_contiguous_cost)        \
    X(workload_oracle_unscheduled) X(workload_oracle_spillover)                                   \
    /* the newer contract (spec 10 delta): launches, flushes, streaks, end-of-episode snapshots */ \
    X(episode_steps) X(terminated) X(jobs_launched) X(avg_wait_time_at_launch)                     \
    X(baseline_jobs_launched) X(baseline_avg_wait_time_at_launch) X(jobs_flushed)                  \
    X(baseline_jobs_flushed) X(max_drop_streak) X(on_nodes_end) X(used_nodes_end)                  \
    X(pending_jobs_end) X(pending_core_hours_end) X(overdue_jobs_end)                              \
    X(overdue_age_core_hours_end) X(baseline_pending_jobs_end) X(baseline_overdue_jobs_end)        \
    /* the oracle within the QoS guard's wait (oracle.h; NaN without the guard) */                 \
    X(oracle_qos_cost) X(workload_oracle_qos_cost)

#define PS_EPISODE_FIELD_DECL(name) double name;
typedef struct ps_episode_record {
    PS_EPISODE_FIELDS(PS_EPISODE_FIELD_DECL)
} ps_episode_record;
#undef PS_EPISODE_FIELD_DECL

/* Column names and offsets of every field, in order. */
typedef struct ps_episode_field {
    const char *name;
    size_t offset;
} ps_episode_field;
extern const ps_episode_field ps_episode_fields[];
extern const int ps_episode_field_count;
/* Number of leading fields that are the reference's record (50). */
#define PS_EPISODE_REFERENCE_FIELDS 50

/* Completed jobs by wait in hours, [0 .. max] (the last bin holds longer ones). */
typedef struct ps_wait_hist {
    int64_t *n;
    int max;
} ps_wait_hist;

/* The q-quantile (0..1, the lowest wait with at least q of the jobs at or
 * below it) and the maximum of counts now minus counts at `base` (an earlier
 * copy, or NULL); NaN when no job completed in between. */
void ps_wait_quantiles(const ps_wait_hist *now, const int64_t *base, double q, double *quantile, double *max);

/* Completed jobs that waited more than `hours` (counts now minus base). */
int64_t ps_wait_count_above(const ps_wait_hist *now, const int64_t *base, int hours);

/* Builds the record from the episode totals (ratios guarded as spec 10.2). */
void ps_episode_record_build(ps_episode_record *r, int64_t episode, const ps_totals *ep,
                             const ps_totals *cum, int max_nodes, int cores_per_node);

/* A growable list of episode records, for callers that keep them. */
typedef struct ps_episode_list {
    ps_episode_record *v;
    int n, cap;
} ps_episode_list;
/* Appends a copy; returns 0, or -1 when out of memory. */
int ps_episode_list_push(ps_episode_list *l, const ps_episode_record *r);
void ps_episode_list_free(ps_episode_list *l);

/* Python's `{:,.Nf}`: thousands separators, N decimals; "n/a" for NaN. */
void ps_format_thousands(double v, int decimals, char *out, size_t size);

/* The prototype's one-line evaluation summary (spec 10.4), without newline. */
void ps_episode_summary_line(const ps_episode_record *r, char *buf, size_t size);

#endif
