/* trace.c - per-step trace and episode CSV writers (golden/README.md columns). */
#include <zlib.h>

#include "powersched/io.h"

uint32_t ps_crc32_i32(const int32_t *v, size_t n) {
    /* x86-64 and every platform we build on are little-endian, so the array
     * bytes are the reference's int32 bytes. */
    return (uint32_t)crc32(0L, (const Bytef *)v, (uInt)(n * sizeof *v));
}

static uint32_t crc_backlog(const ps_side *s, int64_t now) {
    uLong crc = 0;
    for (int i = 0; i < s->bl_len; i++) {
        ps_job j = ps_side_backlog_at(s, i, now);
        crc = crc32(crc, (const Bytef *)&j, sizeof j);
    }
    return (uint32_t)crc;
}

static int64_t sum_i32(const int32_t *v, size_t n) {
    int64_t s = 0;
    for (size_t i = 0; i < n; i++) s += v[i];
    return s;
}

/* X(name, printf-kind, expression): kinds I (int64), D (double), U (crc). */
#define TRACE_COLUMNS(X)                                                                        \
    X(step, I, e->current_step) X(episode, I, e->current_episode) X(hour, I, m->current_hour)     \
    X(a_type, I, a.type) X(a_mag, I, a.magnitude) X(a_refill, I, a.refill)                        \
    X(current_price, D, in->current_price) X(avg_future_price, D, in->avg_future_price)            \
    X(price_hist_avg, D, in->price_hist_avg) X(price_future_avg, D, in->avg_future_price)           \
    X(price_ctx, D, in->price_ctx) X(reward, D, in->reward) X(step_cost, D, in->step_cost)         \
    X(step_power_mwh, D, in->step_power) X(eff_x100, D, in->parts.efficiency * 100)                \
    X(price_x100, D, in->parts.price * 100) X(idle_x100, D, in->parts.idle * 100)                  \
    X(jobage_x100, D, in->parts.job_age * 100) X(eff_raw, D, in->parts.efficiency)                 \
    X(price_raw, D, in->parts.price) X(idle_raw, D, in->parts.idle)                                \
    X(jobage_raw, D, in->parts.job_age) X(dropped_this_step, I, in->dropped)                       \
    X(num_on_nodes, I, in->on) X(num_used_nodes, I, in->used) X(num_off_nodes, I, in->off)          \
    X(used_cores, I, in->used_cores) X(running_jobs, I, in->running)                               \
    X(node_changes, I, in->node_changes) X(agent_launched, I, in->agent_launched)                  \
    X(new_jobs, I, in->new_jobs) X(new_jobs_sum_dur, I, in->new_sum_duration)                      \
    X(new_jobs_sum_nodes, I, in->new_sum_nodes) X(new_jobs_sum_cores, I, in->new_sum_cores)        \
    X(new_jobs_core_hours, I, in->new_core_hours) X(queue_active, I, ag->n_active)                 \
    X(backlog_len, I, ag->bl_len) X(unprocessed, I, ag->n_active + ag->bl_len)                     \
    X(next_empty_slot, I, ag->next_empty) X(next_job_id, I, e->next_job_id)                        \
    X(jobs_submitted_cum, I, cu->agent.submitted) X(jobs_completed_cum, I, cu->agent.completed)     \
    X(total_wait_cum, I, cu->agent.wait) X(dropped_cum, I, cu->agent.dropped)                      \
    X(rejected_cum, I, cu->agent.rejected) X(max_queue_cum, I, cu->agent.max_queue)                \
    X(max_backlog_cum, I, cu->agent.max_backlog) X(baseline_cost, D, in->baseline_cost)            \
    X(baseline_cost_off, D, in->baseline_cost_off) X(baseline_power_mwh, D, in->baseline_power)    \
    X(baseline_power_off_mwh, D, in->baseline_power_off)                                         \
    X(baseline_used_nodes, I, in->baseline_used_nodes)                                           \
    X(baseline_used_cores, I, in->baseline_used_cores) X(baseline_cost_cum, D, cu->baseline_cost)  \
    X(baseline_cost_off_cum, D, cu->baseline_cost_off) X(total_cost_cum, D, cu->agent_cost)        \
    X(episode_reward_cum, D, m->ep.reward) X(baseline_queue_active, I, bs->n_active)               \
    X(baseline_backlog_len, I, bs->bl_len) X(baseline_next_empty_slot, I, bs->next_empty)          \
    X(baseline_running_jobs, I, bs->n_running) X(baseline_submitted_cum, I, cu->baseline.submitted) \
    X(baseline_completed_cum, I, cu->baseline.completed) X(baseline_wait_cum, I, cu->baseline.wait) \
    X(baseline_dropped_cum, I, cu->baseline.dropped) X(baseline_rejected_cum, I, cu->baseline.rejected) \
    X(obs_job_queue_sum, I, sum_i32(&ag->queue[0].duration, 4 * (size_t)q))                        \
    X(obs_pending_job_count, I, ag->pending.count)                                               \
    X(obs_pending_core_hours, D, (double)(float)ag->pending.core_hours)                           \
    X(obs_pending_avg_duration, D, pend_avg)                                                     \
    X(obs_pending_max_nodes, I, ps_pending_max_nodes(&ag->pending)) X(obs_backlog_size, I, ag->bl_len) \
    X(obs_nodes_sum, I, sum_i32(ag->nodes, (size_t)nn))                                          \
    X(crc_nodes, U, ps_crc32_i32(ag->nodes, (size_t)nn))                                         \
    X(crc_cores, U, ps_crc32_i32(ag->cores, (size_t)nn))                                         \
    X(crc_queue, U, ps_crc32_i32(&ag->queue[0].duration, 4 * (size_t)q))                          \
    X(crc_backlog, U, crc_backlog(ag, e->current_step))                                          \
    X(crc_prices, U, crc32(0L, (const Bytef *)e->prices.window, sizeof e->prices.window))        \
    X(crc_b_nodes, U, ps_crc32_i32(bs->nodes, (size_t)nn))                                       \
    X(crc_b_cores, U, ps_crc32_i32(bs->cores, (size_t)nn))                                       \
    X(crc_b_queue, U, ps_crc32_i32(&bs->queue[0].duration, 4 * (size_t)q))                        \
    X(crc_b_backlog, U, crc_backlog(bs, e->current_step)) X(terminated, I, 0)                     \
    X(truncated, I, in->truncated) X(num_idle_nodes, I, in->idle) X(a_timed, I, a.timed)

void ps_trace_header(FILE *fp) {
    const char *sep = "";
#define HEADER(name, kind, expr) fprintf(fp, "%s%s", sep, #name), sep = ",";
    TRACE_COLUMNS(HEADER)
#undef HEADER
    fputc('\n', fp);
}

static void put_I(FILE *fp, long long v) { fprintf(fp, "%lld", v); }
static void put_D(FILE *fp, double v) { fprintf(fp, "%.17g", v); }
static void put_U(FILE *fp, unsigned long v) { fprintf(fp, "%lu", v); }

void ps_trace_row(FILE *fp, const ps_env *e, ps_action a, const ps_step_info *in) {
    const ps_metrics *m = &e->metrics;
    const ps_totals *cu = &m->cum;
    const ps_side *ag = &e->agent, *bs = &e->baseline;
    int q = e->cfg.max_queue_size, nn = e->cfg.max_nodes;
    double pend_avg = ag->pending.count > 0
                          ? (double)(float)((double)ag->pending.sum_duration / (double)ag->pending.count)
                          : 0.0;
    int first = 1;
#define ROW(name, kind, expr)     \
    if (!first) fputc(',', fp);   \
    first = 0;                    \
    put_##kind(fp, expr);
    TRACE_COLUMNS(ROW)
#undef ROW
    fputc('\n', fp);
}

void ps_episodes_header(FILE *fp) {
    for (int i = 0; i < ps_episode_field_count; i++) fprintf(fp, "%s%s", i ? "," : "", ps_episode_fields[i].name);
    fputc('\n', fp);
}

void ps_episodes_row(FILE *fp, const ps_episode_record *r) {
    for (int i = 0; i < ps_episode_field_count; i++)
        fprintf(fp, "%s%.17g", i ? "," : "", *(const double *)((const char *)r + ps_episode_fields[i].offset));
    fputc('\n', fp);
}
