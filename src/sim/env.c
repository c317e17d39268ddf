/* env.c - construction, reset and the exact step order of spec 2.6. */
#include "powersched/env.h"
#include "powersched/job_timing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Spec 2.6 delta: DROP_STREAK_TERMINATION_PENALTY, the reward of a flush step. */
#define DROP_STREAK_TERMINATION_PENALTY (-200.0)

ps_env_spec ps_env_spec_default(void) {
    ps_env_spec s;
    memset(&s, 0, sizeof s);
    s.cfg = ps_config_default();
    s.weights = ps_weights_default();
    return s;
}

ps_action ps_action_random(ps_rng *rng, const ps_config *cfg) {
    ps_action a = {0, 0, 0, 0}; /* timed stays 0: a random action is the reference's */
    a.type = (int)ps_rng_int(rng, 0, 2);
    a.magnitude = (int)ps_rng_int(rng, 0, cfg->max_nodes - 1);
    a.refill = (int)ps_rng_int(rng, 0, 1);
    return a;
}

ps_obs_layout ps_obs_layout_for(const ps_config *c) {
    ps_obs_layout l;
    l.backlog_size = 0;
    l.job_queue = 1;
    l.nodes = l.job_queue + 4 * c->max_queue_size;
    l.pending_avg_duration = l.nodes + c->max_nodes;
    l.pending_core_hours = l.pending_avg_duration + 1;
    l.pending_job_count = l.pending_core_hours + 1;
    l.pending_max_nodes = l.pending_job_count + 1;
    l.predicted_prices = l.pending_max_nodes + 1;
    l.size = l.predicted_prices + PS_PRICE_WINDOW;
    return l;
}

int ps_env_obs_size(const ps_env *env) { return env->layout.size; }

static void seed_rngs(ps_env *env, uint64_t seed) {
    ps_rng_seed(&env->rng, seed, PS_STREAM_ENV);
    ps_rng_seed(&env->aux_rng, seed, PS_STREAM_AUX);
}

static int check_contract(const ps_contract *k, ps_error *err) {
    if (k->reward < PS_REWARD_REFERENCE || k->reward > PS_REWARD_COST_AT_LAUNCH || k->flush_after_drop_streak < 0 ||
        k->price_timing < 0 || k->price_timing > PS_PRICE_TIMING_DECISION || k->price_history < 0 ||
        k->price_history > PS_PRICE_HISTORY_CONSUMED || k->synthetic_prices < 0 ||
        k->synthetic_prices > PS_SYNTH_LOGIC || k->hard_reset < 0 || k->hard_reset > PS_HARD_RESET_EVAL ||
        !isfinite(k->logic_high) || !isfinite(k->logic_low) || !(k->wait_cost >= 0 && isfinite(k->wait_cost)))
        return ps_error_set(err, "invalid training contract (reward %d, flush streak %d, price timing %d, history %d, "
                                 "synthetic %d, hard reset %d)", k->reward, k->flush_after_drop_streak,
                            k->price_timing, k->price_history, k->synthetic_prices, k->hard_reset);
    return PS_OK;
}

/* A fully used node's power per core for one hour, in MWh: the oracles'
 * energy and the cost-at-launch reward's price of a job's run. */
static double busy_mwh_per_core(const ps_config *c) { return c->cost_used_w / 1e6 / c->cores_per_node; }

int ps_env_create(ps_env *env, const ps_env_spec *spec, ps_error *err) {
    memset(env, 0, sizeof *env);
    env->source = spec->source;
    env->cfg = spec->cfg;
    env->weights = spec->weights;
    env->layout = ps_obs_layout_for(&env->cfg);
    const ps_config *c = &env->cfg;
    if (c->max_nodes_per_job > PS_MAX_NODES_PER_JOB_LIMIT || c->min_nodes_per_job < 1 ||
        c->min_nodes_per_job > c->max_nodes_per_job || c->min_cores_per_job < 0 ||
        c->min_cores_per_job > c->max_cores_per_job || c->max_cores_per_job > c->cores_per_node ||
        c->max_job_duration < 1 || c->max_job_age < 0 || c->episode_hours < 1 || c->max_new_jobs_per_hour < 0) {
        ps_env_free(env);
        return ps_error_set(err, "invalid cluster configuration (job shape limits)");
    }
    if (!(c->cost_idle_w >= 0 && c->cost_used_w > 0 && c->cost_used_w >= c->cost_idle_w && c->node_off_w >= 0 &&
          c->node_boot_kwh >= 0 && c->node_shutdown_kwh >= 0 && c->node_boot_hours >= 0 &&
          c->node_boot_hours <= c->max_job_age)) {
        ps_env_free(env);
        return ps_error_set(err, "invalid energy model: need 0 <= idle <= busy watts (busy > 0), off watts and "
                                 "switching energy >= 0, boot hours 0..%d", c->max_job_age);
    }
    if (check_contract(&c->contract, err) != PS_OK) {
        ps_env_free(env);
        return PS_ERR;
    }
    seed_rngs(env, spec->seed);
    env->episode_idx = -1;
    env->hard_reset_pending = c->contract.hard_reset != PS_HARD_RESET_OFF;
    if (ps_side_init(&env->agent, &env->cfg, err) != PS_OK ||
        ps_side_init(&env->baseline, &env->cfg, err) != PS_OK ||
        ps_prices_init_contract(&env->prices, spec->prices, spec->n_prices, &c->contract, err) != PS_OK) {
        ps_env_free(env);
        return PS_ERR;
    }
    env->obs_rows = calloc((size_t)(c->max_queue_size + 63) / 64, sizeof *env->obs_rows);
    env->agent_waits0 = calloc((size_t)env->agent.waits.max + 1, sizeof *env->agent_waits0);
    env->baseline_waits0 = calloc((size_t)env->baseline.waits.max + 1, sizeof *env->baseline_waits0);
    env->oracles = spec->oracles;
    double core_mwh = busy_mwh_per_core(c);
    ps_oracle_init(&env->oracle_agent, (int64_t)c->max_nodes * c->cores_per_node, c->max_job_age, core_mwh);
    ps_oracle_init(&env->oracle_workload, (int64_t)c->max_nodes * c->cores_per_node, c->max_job_age, core_mwh);
    env->oracle_agent.max_wait = env->oracle_workload.max_wait = c->guard_max_wait; /* the guard's promise */
    env->agent.log_launches = c->contract.reward == PS_REWARD_COST_AT_LAUNCH;
    if (!env->obs_rows || !env->agent_waits0 || !env->baseline_waits0) {
        ps_env_free(env);
        return ps_error_set(err, "out of memory");
    }
    return PS_OK;
}

void ps_env_free(ps_env *env) {
    ps_side_free(&env->agent);
    ps_side_free(&env->baseline);
    if (env->source.ops && env->source.ops->free) env->source.ops->free(env->source.state);
    ps_joblist_free(&env->new_jobs);
    free(env->obs_rows);
    free(env->agent_waits0);
    free(env->baseline_waits0);
    ps_oracle_free(&env->oracle_agent);
    ps_oracle_free(&env->oracle_workload);
    memset(env, 0, sizeof *env);
}

/* ------------------------------------------------------------ observation */

void ps_env_observe(ps_env *env, float *obs) {
    const ps_obs_layout *l = &env->layout;
    const ps_side *a = &env->agent;
    int words = (env->cfg.max_queue_size + 63) / 64;
    float *q = obs + l->job_queue;
    if (obs != env->obs_buf) {
        memset(q, 0, (size_t)env->cfg.max_queue_size * 4 * sizeof *q);
        memset(env->obs_rows, 0, (size_t)words * sizeof *env->obs_rows);
        env->obs_buf = obs;
    }
    /* Rows written last time and empty now are zeroed; active rows rewritten. */
    for (int w = 0; w < words; w++) {
        uint64_t stale = env->obs_rows[w] & ~a->active[w];
        for (; stale; stale &= stale - 1) memset(q + 4 * (w * 64 + __builtin_ctzll(stale)), 0, 4 * sizeof *q);
        for (uint64_t act = a->active[w]; act; act &= act - 1) {
            int slot = w * 64 + __builtin_ctzll(act);
            const ps_job *j = &a->queue[slot];
            float *row = q + 4 * slot;
            row[0] = (float)j->duration;
            row[1] = (float)j->age;
            row[2] = (float)j->nodes;
            row[3] = (float)j->cores;
        }
        env->obs_rows[w] = a->active[w];
    }
    obs[l->backlog_size] = (float)a->bl_len;
    for (int i = 0; i < env->cfg.max_nodes; i++) obs[l->nodes + i] = (float)a->nodes[i];
    const ps_pending *p = &a->pending;
    obs[l->pending_avg_duration] = p->count > 0 ? (float)((double)p->sum_duration / (double)p->count) : 0.0f;
    obs[l->pending_core_hours] = (float)p->core_hours;
    obs[l->pending_job_count] = (float)p->count;
    obs[l->pending_max_nodes] = (float)ps_pending_max_nodes(p);
    memcpy(obs + l->predicted_prices, env->prices.window, sizeof env->prices.window);
}

/* ------------------------------------------------------------------ reset */

void ps_env_set_progress(ps_env *env, int64_t steps) {
    /* Times in the cluster state are absolute steps: shift them with the
     * counter so running jobs and backlog ages keep their meaning. */
    int64_t shift = steps - env->current_step;
    ps_side *sides[2] = {&env->agent, &env->baseline};
    for (int k = 0; k < 2; k++) {
        ps_side *s = sides[k];
        for (int i = 0; i < env->cfg.max_nodes; i++) s->max_end[i] += shift;
        for (int h = 0; h < s->n_running; h++) s->run[s->heap[h]].end += shift;
        for (int i = 0; i < s->bl_len; i++) s->backlog[(s->bl_head + i) % (env->cfg.max_backlog_size + 1)].arrival += shift;
    }
    env->current_step = steps;
    env->current_episode = steps / env->cfg.episode_hours;
}

/* ----------------------------------------------------------- yardsticks */

void ps_env_set_oracles(ps_env *env, int on) { env->oracles = on; }

/* The pending jobs of a side at the episode start: queue rows in slot order,
 * then the backlog head to tail (spec 16.3); and its running jobs, which
 * only the bound within the wait counts. Out of memory is not an error
 * of the step: the oracle remembers it and the record's bounds stay NaN. */
static void oracle_carry(ps_oracle *o, const ps_side *s, int64_t now) {
    ps_oracle_reset(o);
    for (int slot = 0; slot < s->cfg->max_queue_size; slot++) {
        const ps_job *j = &s->queue[slot];
        if (j->duration > 0) ps_oracle_add_carried(o, j->age, j->duration, j->nodes, j->cores);
    }
    for (int i = 0; i < s->bl_len; i++) {
        ps_job j = ps_side_backlog_at(s, i, now);
        ps_oracle_add_carried(o, j.age, j.duration, j.nodes, j.cores);
    }
    for (int h = 0; h < s->n_running; h++) { /* billed in steps now + 1 .. end - 1 */
        const ps_running_job *r = &s->run[s->heap[h]];
        if (r->end - now > 1) ps_oracle_add_running(o, (int)(r->end - now - 1), r->n, r->cores);
    }
}

static void oracles_start(ps_env *env) {
    oracle_carry(&env->oracle_agent, &env->agent, env->current_step);
    oracle_carry(&env->oracle_workload, &env->baseline, env->current_step);
}

static void oracles_finish(ps_env *env, ps_episode_record *r) {
    ps_oracle_result a, w;
    if (ps_oracle_solve(&env->oracle_agent, &a) != 0 || ps_oracle_solve(&env->oracle_workload, &w) != 0) return;
    r->oracle_liquid_cost = a.liquid_cost;
    r->oracle_contiguous_cost = a.contiguous_cost;
    r->oracle_unscheduled = (double)a.unscheduled;
    r->oracle_spillover = (double)a.spillover;
    double gap = r->baseline_cost_off - a.contiguous_cost; /* spec 15.2 */
    r->oracle_capture_pct = gap != 0 ? (r->baseline_cost_off - r->agent_cost) / gap * 100 : NAN;
    r->workload_oracle_liquid_cost = w.liquid_cost;
    r->workload_oracle_contiguous_cost = w.contiguous_cost;
    r->workload_oracle_unscheduled = (double)w.unscheduled;
    r->workload_oracle_spillover = (double)w.spillover;
    r->oracle_qos_cost = a.qos_cost;
    r->workload_oracle_qos_cost = w.qos_cost;
}

/* Spec 10 delta: the cluster when the record is made (after a flush: empty)
 * and the last step's node counts. */
static void end_snapshots(const ps_env *env, const ps_step_info *in, ps_episode_record *r) {
    const ps_side *a = &env->agent, *b = &env->baseline;
    ps_overdue ao = ps_side_overdue(a, env->current_step, PS_OVERDUE_GRACE_HOURS);
    ps_overdue bo = ps_side_overdue(b, env->current_step, PS_OVERDUE_GRACE_HOURS);
    r->terminated = in->terminated;
    r->on_nodes_end = in->on;
    r->used_nodes_end = in->used;
    r->pending_jobs_end = (double)a->pending.count;
    r->pending_core_hours_end = (double)a->pending.core_hours;
    r->overdue_jobs_end = (double)ao.jobs;
    r->overdue_age_core_hours_end = (double)ao.age_core_hours;
    r->baseline_pending_jobs_end = (double)b->pending.count;
    r->baseline_overdue_jobs_end = (double)bo.jobs;
}

static void finish_episode(ps_env *env, const ps_step_info *in) {
    ps_metrics *m = &env->metrics;
    ps_episode_record *r = &env->last_episode;
    ps_episode_record_build(r, env->current_episode, &m->ep, &m->cum, env->cfg.max_nodes, env->cfg.cores_per_node);
    end_snapshots(env, in, r);
    ps_wait_quantiles(&env->agent.waits, env->agent_waits0, 0.95, &r->agent_wait_p95, &r->agent_wait_max);
    ps_wait_quantiles(&env->baseline.waits, env->baseline_waits0, 0.95, &r->baseline_wait_p95, &r->baseline_wait_max);
    if (env->cfg.guard_max_wait > 0)
        r->jobs_waited_over_guard = (double)ps_wait_count_above(&env->agent.waits, env->agent_waits0, env->cfg.guard_max_wait);
    if (env->oracles) oracles_finish(env, r);
}

void ps_env_request_hard_reset(ps_env *env) { env->hard_reset_pending = 1; }

/* Start of a hard reset's timeline (spec 2.5 delta). */
static long long hard_reset_start(ps_env *env) {
    const ps_prices *p = &env->prices;
    if (!p->values) return ps_rng_int(&env->rng, 0, 23); /* a random phase, in evaluation too */
    long long n = (long long)p->n;
    if (env->cfg.contract.hard_reset == PS_HARD_RESET_EVAL) return env->episode_idx * env->cfg.episode_hours % n;
    return ps_rng_int(&env->rng, 0, n - 1);
}

static void hard_reset(ps_env *env, long long price_start) {
    long long start = price_start >= 0 ? price_start : hard_reset_start(env);
    env->metrics.cum.agent.flushed += ps_side_flush(&env->agent);
    env->metrics.cum.baseline.flushed += ps_side_flush(&env->baseline);
    env->next_job_id = 0;
    env->drop_streak = 0;
    ps_prices_reset(&env->prices, start);
    env->start_row = env->prices.values ? start % (long long)env->prices.n : start;
    env->hard_reset_pending = 0;
}

void ps_env_reset(ps_env *env, const uint64_t *seed, long long price_start, float *obs) {
    /* Like gymnasium's reset(seed): only the env stream. The durations
     * sampler's stream (numpy's global RNG in the reference) keeps going. */
    if (seed) ps_rng_seed(&env->rng, *seed, PS_STREAM_ENV);
    env->episode_idx++;
    env->needs_reset = 0;
    if (env->hard_reset_pending) {
        hard_reset(env, price_start);
        price_start = -1;
    }
    memset(&env->metrics.ep, 0, sizeof env->metrics.ep);
    memcpy(env->agent_waits0, env->agent.waits.n, (size_t)(env->agent.waits.max + 1) * sizeof *env->agent_waits0);
    memcpy(env->baseline_waits0, env->baseline.waits.n,
           (size_t)(env->baseline.waits.max + 1) * sizeof *env->baseline_waits0);
    if (env->oracles) oracles_start(env);
    env->metrics.current_hour = 0;
    if (price_start >= 0) ps_prices_reset(&env->prices, price_start);
    if (obs) ps_env_observe(env, obs);
}

/* ------------------------------------------------------------------- step */

static void add_completions(ps_job_counters *c, ps_completions done) {
    c->completed += done.count;
    c->wait += done.wait;
}

static void note_max(ps_job_counters *c, const ps_side *s) {
    if (s->n_active > c->max_queue) c->max_queue = s->n_active;
    if (s->bl_len > c->max_backlog) c->max_backlog = s->bl_len;
}

/* A side's launch counters at one moment; differences give a step's launches. */
typedef struct launch_mark {
    int64_t launches, wait, cores;
} launch_mark;

static launch_mark mark_launches(const ps_side *s) {
    launch_mark m = {s->launches, s->launch_wait, s->launch_cores};
    return m;
}

static launch_mark launches_since(const ps_side *s, launch_mark before) {
    launch_mark m = {s->launches - before.launches, s->launch_wait - before.wait, s->launch_cores - before.cores};
    return m;
}

/* Per-step values shared by both accumulators. */
typedef struct step_acc {
    const ps_step_info *info;
    const ps_env *env;
    ps_completions agent_done, base_done;
    int64_t rejected, base_rejected, base_dropped;
    launch_mark agent_launch, base_launch; /* this step's launches */
} step_acc;

static void add_launches(ps_job_counters *c, launch_mark m) {
    c->launched += m.launches;
    c->launch_wait += m.wait;
}

static void accumulate(ps_totals *t, const step_acc *a) {
    const ps_step_info *in = a->info;
    add_completions(&t->agent, a->agent_done);
    add_completions(&t->baseline, a->base_done);
    add_launches(&t->agent, a->agent_launch);
    add_launches(&t->baseline, a->base_launch);
    t->agent.flushed += in->flushed;
    t->baseline.flushed += in->baseline_flushed;
    if (in->drop_streak > t->max_drop_streak) t->max_drop_streak = in->drop_streak;
    t->agent.submitted += in->new_jobs;
    t->agent.rejected += a->rejected;
    t->agent.dropped += in->dropped;
    t->baseline.submitted += in->new_jobs;
    t->baseline.rejected += a->base_rejected;
    t->baseline.dropped += a->base_dropped;
    note_max(&t->agent, &a->env->agent);
    note_max(&t->baseline, &a->env->baseline);
    t->baseline_cost += in->baseline_cost;
    t->baseline_cost_off += in->baseline_cost_off;
    t->baseline_power += in->baseline_power;
    t->baseline_power_off += in->baseline_power_off;
    t->reward += in->reward;
    t->agent_cost += in->step_cost;
    t->agent_power += in->step_power;
    /* The "prop" sums of spec 10.2: the per-step model written the reference's
     * second way, idle*on + (used - idle)*(U/cores), summed step by step (the
     * golden episode records match this order bit for bit). */
    const ps_config *c = &a->env->cfg;
    double idle = c->cost_idle_w / 1e6, dyn = c->cost_used_w / 1e6 - idle;
    double a_term = idle * in->on + dyn * ((double)in->used_cores / c->cores_per_node);
    double b_dyn = dyn * ((double)in->baseline_used_cores / c->cores_per_node);
    double b_term = idle * c->max_nodes + b_dyn, boff_term = idle * in->baseline_used_nodes + b_dyn;
    t->agent_prop_power += a_term;
    t->baseline_prop_power += b_term;
    t->baseline_off_prop_power += boff_term;
    t->agent_prop_cost += a_term * in->current_price;
    t->baseline_prop_cost += b_term * in->current_price;
    t->baseline_off_prop_cost += boff_term * in->current_price;
    t->steps++;
    t->power_ons += in->switched_on;
    t->power_offs += in->switched_off;
    t->guard_interventions += in->guarded;
    t->used_cores += in->used_cores;
    t->used_nodes += in->used;
    t->baseline_used_cores += in->baseline_used_cores;
    t->baseline_used_nodes += in->baseline_used_nodes;
}

/* Spec 6.2 steps 1-8; returns launches or -1 (out of memory). */
static int baseline_step(ps_env *env, int64_t now, step_acc *acc) {
    ps_side *b = &env->baseline;
    launch_mark before = mark_launches(b);
    acc->base_done = ps_side_process_running(b, now);
    int64_t dropped = ps_side_age_queue(b);
    dropped += ps_side_age_backlog(b, now);
    ps_side_refill(b, now);
    acc->base_rejected = ps_side_add_jobs(b, env->new_jobs.v, env->new_jobs.n, now);
    dropped += acc->base_rejected;
    int launched = ps_side_schedule(b, now, 0, &env->next_job_id), total = launched;
    /* Greedy loop: refill and schedule again while the last pass launched. */
    while (launched > 0 && b->bl_len > 0) {
        if (ps_side_refill(b, now) == 0) break;
        launched = ps_side_schedule(b, now, 1, &env->next_job_id);
        if (launched < 0) return -1;
        total += launched;
    }
    acc->base_dropped = dropped;
    acc->base_launch = launches_since(b, before);
    return launched < 0 ? -1 : total;
}

/* Age from which the guard acts: its promise less the boot time. */
static int guard_due(const ps_config *c) {
    int due = c->guard_max_wait - c->node_boot_hours;
    return due > 0 ? due : 0;
}

/* The QoS guard (an option beyond the reference): a job that would wait
 * longer than guard_max_wait hours must be able to start now, so the
 * action may not switch nodes off while one waits; enough nodes for the
 * queue's waiting work are switched on (capacity permitting) and the backlog
 * is pulled when its oldest job is due. A boot delay moves the deadline
 * earlier by the boot time. Returns the action to apply. */
static ps_action guard(const ps_env *env, ps_action a, int64_t now, int *changed) {
    const ps_config *c = &env->cfg;
    const ps_side *s = &env->agent;
    ps_waiting w = ps_side_waiting(s, now, guard_due(c));
    ps_action g = a;
    if (w.backlog_overdue) g.refill = 1;
    if (w.overdue > 0) {
        int64_t need = (w.cores + c->cores_per_node - 1) / c->cores_per_node;
        if (w.widest > need) need = w.widest; /* a job on n nodes needs n distinct nodes */
        if (w.overdue_nodes > need) need = w.overdue_nodes; /* whole nodes for every due job, whatever the packing */
        int idle = 0;
        for (int i = 0; i < c->max_nodes; i++) idle += s->nodes[i] == 0;
        int64_t more = need - idle - s->n_booting, off = c->max_nodes - s->on;
        if (more > off) more = off;
        if (g.type == 0) g.type = 1; /* nothing goes off while a job is due */
        if (more > 0 && !(g.type == 2 && g.magnitude + 1 >= more)) g = (ps_action){2, (int)more - 1, g.refill, g.timed};
    }
    *changed = g.type != a.type || g.magnitude != a.magnitude || g.refill != a.refill;
    return g;
}

int ps_action_check(const ps_config *cfg, ps_action a, const char *where, ps_error *err) {
    if (a.type >= 0 && a.type <= 2 && a.magnitude >= 0 && a.magnitude < cfg->max_nodes &&
        (a.refill == 0 || a.refill == 1) && a.timed >= 0 && a.timed <= PS_TIMED_LEVELS)
        return PS_OK;
    char timed[32] = "", range[32] = ""; /* only when set: the vector API's actions have no timed */
    if (a.timed) {
        snprintf(timed, sizeof timed, " (timed %d)", a.timed);
        snprintf(range, sizeof range, ", timed 0..%d", PS_TIMED_LEVELS);
    }
    return ps_error_set(err, "%sinvalid action [%d, %d, %d]%s: expected type 0..2, magnitude 0..%d, refill 0..1%s",
                        where, a.type, a.magnitude, a.refill, timed, cfg->max_nodes - 1, range);
}

/* ps_action.timed: the job-timing rule on the window the action was
 * decided on, at the hold price of its level; the hour decided is
 * window[1] (window[0] with decision-hour billing, whose window starts at
 * the billed hour). */
typedef struct timing_hold {
    const ps_env *env;
    double hold_price;
} timing_hold;

static int timing_holds(const void *ctx, const ps_job *j) {
    const timing_hold *t = ctx;
    const ps_config *c = &t->env->cfg;
    int promise = (c->guard_max_wait > 0 ? c->guard_max_wait : PS_JOB_TIMING_MAX_WAIT) - c->node_boot_hours;
    return ps_job_timing_hold(t->env->seen_prices, t->env->prices.decision_hour ? 0 : 1, j->duration,
                              promise - j->age, t->hold_price);
}

static void new_job_sums(const ps_joblist *l, ps_step_info *in) {
    in->new_jobs = l->n;
    for (int i = 0; i < l->n; i++) {
        const ps_job *j = &l->v[i];
        in->new_sum_duration += j->duration;
        in->new_sum_nodes += j->nodes;
        in->new_sum_cores += j->cores;
        in->new_core_hours += (int64_t)j->duration * j->nodes * j->cores;
    }
}

/* Agent part of the step: spec 2.6 steps 3-12. */
static int agent_step(ps_env *env, ps_action a, int64_t now, ps_step_info *in, step_acc *acc, ps_error *err) {
    ps_side *s = &env->agent;
    ps_side_advance_boots(s);
    acc->agent_done = ps_side_process_running(s, now);
    int64_t dropped = ps_side_age_queue(s);
    dropped += ps_side_age_backlog(s, now);
    ps_side_refill(s, now);
    env->new_jobs.n = 0;
    const ps_job_source *src = &env->source;
    int got = src->ops ? src->ops->next(src->state, env->metrics.current_hour - 1, &env->rng, &env->aux_rng,
                                         &env->new_jobs) : 0;
    if (got == PS_TOO_MANY_JOBS)
        return ps_error_set(err, "hour %d brings more than %d new jobs (lower --job-arrival-scale)",
                            env->metrics.current_hour, PS_MAX_HOUR_JOBS);
    if (got != 0) return ps_error_set(err, "out of memory generating jobs");
    new_job_sums(&env->new_jobs, in);
    if (env->oracles) { /* same list the baseline gets: after scaling, before rejection */
        ps_oracle_record(&env->oracle_agent, in->current_price, env->new_jobs.v, env->new_jobs.n);
        ps_oracle_record(&env->oracle_workload, in->current_price, env->new_jobs.v, env->new_jobs.n);
    }
    acc->rejected = ps_side_add_jobs(s, env->new_jobs.v, env->new_jobs.n, now);
    in->demand_cores = s->pending.core_demand; /* the "decision pending summary" */
    launch_mark before = mark_launches(s);
    if (env->cfg.guard_max_wait > 0) a = guard(env, a, now, &in->guarded);
    in->node_changes = ps_side_adjust_nodes(s, a.type, a.magnitude + 1);
    if (a.type == 2) in->switched_on = in->node_changes;
    if (a.type == 0) in->switched_off = in->node_changes;
    in->dropped = dropped + acc->rejected;
    /* with the guard, due jobs are placed first, on the nodes it switched on for them */
    int launched = env->cfg.guard_max_wait > 0 ? ps_side_schedule_due(s, now, guard_due(&env->cfg), &env->next_job_id) : 0;
    timing_hold level = {env, ps_timed_hold_price(a.timed, env->cfg.hold_price)};
    ps_hold timing = {timing_holds, &level};
    const ps_hold *hold = a.timed ? &timing : NULL;
    if (launched >= 0) {
        int first = ps_side_schedule_held(s, now, 0, hold, &env->next_job_id);
        launched = first < 0 ? -1 : launched + first;
    }
    if (launched >= 0 && a.refill == 1 && s->bl_len > 0) {
        if (ps_side_refill(s, now) > 0) {
            int more = ps_side_schedule_held(s, now, 1, hold, &env->next_job_id);
            launched = more < 0 ? -1 : launched + more;
        }
    }
    if (launched < 0) return ps_error_set(err, "out of memory launching jobs");
    in->agent_launched = launched;
    acc->agent_launch = launches_since(s, before);
    in->launched_cores = acc->agent_launch.cores;
    return PS_OK;
}

/* Spec 2.6 step 16 and the baseline's energy and cost. */
static int baseline_part(ps_env *env, int64_t now, ps_step_info *in, step_acc *acc, ps_error *err) {
    const ps_config *c = &env->cfg;
    if (baseline_step(env, now, acc) < 0) return ps_error_set(err, "out of memory in the baseline");
    ps_side *b = &env->baseline;
    in->baseline_used_nodes = ps_side_used_nodes(b);
    in->baseline_used_cores = ps_side_used_cores(b);
    in->baseline_power = ps_power_mwh(c, b->on, in->baseline_used_cores);
    in->baseline_power_off = ps_power_mwh(c, in->baseline_used_nodes, in->baseline_used_cores) +
                             ps_extra_energy_mwh(c, c->max_nodes - in->baseline_used_nodes, 0, 0);
    in->baseline_cost = in->baseline_power * in->current_price;
    in->baseline_cost_off = in->baseline_power_off * in->current_price;
    return PS_OK;
}

/* The cost-at-launch reward. A side's hourly bill less the busy power of
 * the cores its jobs use (a fully used node's power per core, as the
 * oracles): what is left is the idle power of powered cores no job uses,
 * and switching and off energy. */
static double unused_power_cost(const ps_env *env, double step_cost, int64_t used_cores, double price) {
    const ps_config *c = &env->cfg;
    /* this order of operations is the one the bench's figures were trained with */
    return step_cost - price * c->cost_used_w / 1e6 / c->cores_per_node * (double)used_cores;
}

/* What the jobs the agent started this step saved by waiting: each one's
 * whole run at the prices from its arrival (baseline_off's schedule starts
 * work on arrival) less the same run from now, so the effect of holding
 * work lands in the hour it starts, not spread over the days it runs. */
static double launch_timing_gain(ps_env *env) {
    const ps_config *c = &env->cfg;
    ps_side *s = &env->agent;
    double core_mwh = busy_mwh_per_core(c), gain = 0.0;
    for (int i = 0; i < s->n_launch_log; i++) {
        const struct ps_launch_rec *r = &s->launch_log[i];
        gain += core_mwh * r->width *
                (ps_prices_sum(&env->prices, -r->age, r->duration) - ps_prices_sum(&env->prices, 0, r->duration));
    }
    s->n_launch_log = 0;
    return gain;
}

/* Spec 2.6 step 17: the reward and the agent's energy and cost. */
static void reward_part(ps_env *env, int64_t now, ps_step_info *in) {
    const ps_config *c = &env->cfg;
    const ps_side *s = &env->agent;
    in->step_power = ps_power_mwh(c, in->on, in->used_cores);
    in->step_cost = in->step_power * in->current_price; /* = parts.step_cost, the reference's arithmetic */
    double extra = ps_extra_energy_mwh(c, in->off, in->switched_on, in->switched_off);
    if (extra != 0) { /* the reference bills P(on, U) alone; keep its arithmetic then */
        in->step_power += extra;
        in->step_cost = in->step_power * in->current_price;
    }
    ps_reward_in rin = {in->on, in->used, in->idle, in->off, in->used_cores, in->current_price,
                        in->price_ctx, s->n_active + s->bl_len, 0, in->dropped,
                        env->prices.window, in->demand_cores, 0, in->step_cost, in->baseline_cost_off};
    if (in->off > 0) rin.max_queue_age = ps_side_max_queue_age(s);
    if (c->contract.reward == PS_REWARD_COST_AT_LAUNCH) {
        rin.agent_cost = unused_power_cost(env, in->step_cost, in->used_cores, in->current_price) -
                         launch_timing_gain(env);
        rin.baseline_off_cost = unused_power_cost(env, in->baseline_cost_off, in->baseline_used_cores,
                                                  in->current_price);
    }
    if (c->contract.reward == PS_REWARD_NEWEST) {
        in->overdue_age_core_hours = ps_side_overdue(s, now, PS_OVERDUE_GRACE_HOURS).age_core_hours;
        rin.overdue_age_core_hours = in->overdue_age_core_hours;
    }
    ps_reward_compute(c, &env->weights, env->prices.min_price, env->prices.max_price, &rin, &in->parts);
    in->reward = in->parts.total;
}

/* Spec 2.6 delta: a run of dropping steps reaching the limit flushes both
 * sides and ends the episode with a fixed penalty. The hour was still spent,
 * so energy and cost are the step's as computed before the flush. */
static void drop_streak_flush(ps_env *env, ps_step_info *in) {
    env->drop_streak = in->dropped > 0 ? env->drop_streak + 1 : 0;
    in->drop_streak = env->drop_streak;
    int limit = env->cfg.contract.flush_after_drop_streak;
    if (limit <= 0 || env->drop_streak < limit) return;
    in->flushed = ps_side_flush(&env->agent);
    in->baseline_flushed = ps_side_flush(&env->baseline);
    in->reward = DROP_STREAK_TERMINATION_PENALTY;
    in->terminated = 1;
    env->drop_streak = 0;
}

/* Spec 2.6 steps 1-2: counters, and the billed price (decision-hour timing
 * reads window[0] now and advances at the end of the step). */
static int64_t begin_step(ps_env *env, ps_step_info *in) {
    ps_metrics *m = &env->metrics;
    if (env->needs_reset) ps_env_reset(env, NULL, -1, NULL);
    int64_t now = ++env->current_step;
    m->current_hour++;
    m->total_time_hours++;
    if (m->current_hour == 1) env->current_episode++;
    memcpy(env->seen_prices, env->prices.window, sizeof env->seen_prices); /* what the last observation showed */
    if (env->prices.decision_hour) in->current_price = (double)env->prices.window[0];
    else in->current_price = ps_prices_advance(&env->prices);
    return now;
}

int ps_env_step(ps_env *env, ps_action a, float *obs, ps_step_info *info, ps_error *err) {
    if (ps_action_check(&env->cfg, a, "", err) != PS_OK) return PS_ERR;
    ps_step_info local, *in = info ? info : &local;
    memset(in, 0, sizeof *in);
    step_acc acc;
    memset(&acc, 0, sizeof acc);
    acc.info = in;
    acc.env = env;
    ps_metrics *m = &env->metrics;
    const ps_config *c = &env->cfg;

    int64_t now = begin_step(env, in);                       /* 1-2 */
    if (agent_step(env, a, now, in, &acc, err) != PS_OK) return PS_ERR; /* 3-12 */

    ps_side *s = &env->agent;                                /* 14 */
    in->on = s->on;
    in->used = ps_side_used_nodes(s);
    in->off = c->max_nodes - s->on;
    in->idle = in->on - in->used;
    in->used_cores = ps_side_used_cores(s);
    in->running = s->n_running;
    in->avg_future_price = (double)ps_prices_window_mean(&env->prices);
    in->price_hist_avg = ps_prices_history_mean(&env->prices);
    in->price_ctx = ps_prices_context(&env->prices);

    if (baseline_part(env, now, in, &acc, err) != PS_OK) return PS_ERR; /* 16 */
    reward_part(env, now, in);                               /* 17 */
    drop_streak_flush(env, in);

    accumulate(&m->cum, &acc);                               /* 8, 15-18 */
    accumulate(&m->ep, &acc);
    in->truncated = m->current_hour == c->episode_hours;     /* 19 */
    if (in->truncated || in->terminated) {
        finish_episode(env, in);
        in->episode = &env->last_episode;
        env->needs_reset = in->terminated;
    }
    if (env->prices.decision_hour) ps_prices_advance(&env->prices);
    if (obs) ps_env_observe(env, obs);                       /* 20 */
    return PS_OK;
}
