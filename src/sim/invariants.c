/* invariants.c - full recomputation of what the simulator keeps incrementally
 * (spec 14.2 invariants plus our own bookkeeping). O(state), for tests and
 * `powersched sanity`, never on the step path. */
#include <stdlib.h>
#include <string.h>

#include "powersched/env.h"

static int check_nodes(const ps_side *s, const char *who, int64_t now, ps_error *err) {
    const ps_config *c = s->cfg;
    int n = c->max_nodes, cpn = c->cores_per_node, on = 0, booting = 0;
    int32_t *held = calloc((size_t)n, sizeof *held);
    int64_t *last = calloc((size_t)n, sizeof *last);
    int rc = PS_OK;
    if (!held || !last) { rc = ps_error_set(err, "out of memory"); goto out; }
    for (int h = 0; h < s->n_running; h++) {
        const ps_running_job *j = &s->run[s->heap[h]];
        if (j->end <= now) { rc = ps_error_set(err, "%s: running job past its end", who); goto out; }
        for (int k = 0; k < j->n; k++) {
            held[j->node[k]] += j->cores;
            if (j->end > last[j->node[k]]) last[j->node[k]] = j->end;
        }
    }
    for (int i = 0; i < n; i++) {
        int32_t v = s->nodes[i], f = s->cores[i];
        if (v < -1 || f < 0 || f > cpn) { rc = ps_error_set(err, "%s: node %d has state %d, %d free cores", who, i, v, f); goto out; }
        if (v == -1 && (f != 0 || held[i] != 0)) { rc = ps_error_set(err, "%s: off node %d holds cores", who, i); goto out; }
        if (s->boot_left[i] < 0 || (s->boot_left[i] > 0 && v != -1)) { rc = ps_error_set(err, "%s: node %d boots in state %d", who, i, v); goto out; }
        booting += s->boot_left[i] > 0;
        on += s->boot_left[i] > 0; /* powered while booting */
        if (v == -1) continue;
        on++;
        if (f != cpn - held[i]) { rc = ps_error_set(err, "%s: node %d has %d free cores, jobs hold %d", who, i, f, held[i]); goto out; }
        int64_t want = last[i] > now ? last[i] - now : 0;
        if (v != want) { rc = ps_error_set(err, "%s: node %d timer %d, jobs say %lld", who, i, v, (long long)want); goto out; }
        if (v == 0 && f != cpn) { rc = ps_error_set(err, "%s: idle node %d has %d free cores", who, i, f); goto out; }
    }
    if (on != s->on) { rc = ps_error_set(err, "%s: %d nodes on, counter says %d", who, on, s->on); goto out; }
    if (booting != s->n_booting) { rc = ps_error_set(err, "%s: %d nodes booting, counter says %d", who, booting, s->n_booting); goto out; }
    for (int k = 0; k <= cpn; k++) {
        int cnt = 0;
        for (int i = 0; i < n; i++) cnt += s->nodes[i] >= 0 && s->cores[i] >= k;
        if (cnt != s->cnt_ge[k]) { rc = ps_error_set(err, "%s: %d nodes with >= %d free cores, index says %d", who, cnt, k, s->cnt_ge[k]); goto out; }
    }
out:
    free(held);
    free(last);
    return rc;
}

static int check_queue(const ps_side *s, const char *who, int64_t now, ps_error *err) {
    const ps_config *c = s->cfg;
    ps_pending p;
    memset(&p, 0, sizeof p);
    int active = 0, first_empty = -1;
    for (int q = 0; q < c->max_queue_size; q++) {
        const ps_job *j = &s->queue[q];
        int bit = (int)((s->active[q >> 6] >> (q & 63)) & 1);
        if (j->duration == 0) {
            if (j->age || j->nodes || j->cores || bit) return ps_error_set(err, "%s: empty slot %d not all zero", who, q);
            if (first_empty < 0) first_empty = q;
            continue;
        }
        if (j->duration < 0 || !bit) return ps_error_set(err, "%s: slot %d duration %d, active bit %d", who, q, j->duration, bit);
        if (j->age < 0 || j->age > c->max_job_age || j->nodes < 0 || j->nodes > PS_MAX_NODES_PER_JOB_LIMIT ||
            j->cores < 0 || j->cores > c->cores_per_node)
            return ps_error_set(err, "%s: slot %d holds [%d, %d, %d, %d]", who, q, j->duration, j->age, j->nodes, j->cores);
        active++;
        p.sum_duration += j->duration;
        p.core_hours += (int64_t)j->duration * j->nodes * j->cores;
        p.core_demand += (int64_t)j->nodes * j->cores;
        p.nodes_hist[j->nodes]++;
    }
    if (active != s->n_active) return ps_error_set(err, "%s: %d active slots, counter says %d", who, active, s->n_active);
    int want_next = first_empty < 0 ? c->max_queue_size : first_empty;
    if (s->next_empty != want_next) return ps_error_set(err, "%s: next_empty_slot %d, lowest empty slot %d", who, s->next_empty, want_next);
    for (int i = 0; i < s->bl_len; i++) {
        ps_job j = ps_side_backlog_at(s, i, now);
        if (j.duration <= 0 || j.age < 0 || j.age > c->max_job_age || j.nodes < 0 ||
            j.nodes > PS_MAX_NODES_PER_JOB_LIMIT || j.cores < 0 || j.cores > c->cores_per_node)
            return ps_error_set(err, "%s: backlog record %d is [%d, %d, ...]", who, i, j.duration, j.age);
        if (i > 0 && j.age > ps_side_backlog_at(s, i - 1, now).age) return ps_error_set(err, "%s: backlog not in FIFO order at %d", who, i);
        p.sum_duration += j.duration;
        p.core_hours += (int64_t)j.duration * j.nodes * j.cores;
        p.core_demand += (int64_t)j.nodes * j.cores;
        p.nodes_hist[j.nodes]++;
    }
    p.count = active + s->bl_len;
    if (memcmp(&p, &s->pending, sizeof p) != 0) return ps_error_set(err, "%s: pending statistics out of date", who);
    if (s->bl_len > c->max_backlog_size) return ps_error_set(err, "%s: backlog over capacity", who);
    return PS_OK;
}

static int check_conservation(const ps_side *s, const ps_job_counters *c, const char *who, ps_error *err) {
    int64_t held = s->n_active + s->bl_len + s->n_running + c->completed + c->dropped + c->flushed;
    if (held != c->submitted)
        return ps_error_set(err, "%s: %lld jobs submitted but %d queued + %d backlog + %d running + %lld completed + "
                                 "%lld dropped + %lld flushed",
                            who, (long long)c->submitted, s->n_active, s->bl_len, s->n_running,
                            (long long)c->completed, (long long)c->dropped, (long long)c->flushed);
    return PS_OK;
}

int ps_env_check_invariants(const ps_env *env, ps_error *err) {
    int64_t now = env->current_step;
    const ps_side *sides[2] = {&env->agent, &env->baseline};
    const ps_job_counters *cnt[2] = {&env->metrics.cum.agent, &env->metrics.cum.baseline};
    const char *who[2] = {"agent", "baseline"};
    for (int k = 0; k < 2; k++) {
        if (check_nodes(sides[k], who[k], now, err) != PS_OK || check_queue(sides[k], who[k], now, err) != PS_OK ||
            check_conservation(sides[k], cnt[k], who[k], err) != PS_OK)
            return PS_ERR;
    }
    if (env->baseline.on != env->cfg.max_nodes) return ps_error_set(err, "baseline: a node is off");
    return PS_OK;
}
