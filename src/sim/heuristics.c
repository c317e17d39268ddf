/* heuristics.c - the hand-written policies of heuristics.h. */
#include "powersched/heuristics.h"

#include "powersched/job_timing.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *NAMES[] = {"always-on", "slurm-suspend", "price-threshold", "price-aware", "job-timing"};

ps_heuristic_config ps_heuristic_config_default(ps_heuristic_kind kind) {
    ps_heuristic_config c = {kind, 1, 0, 30.0, 24};
    return c;
}

int ps_heuristic_parse(const char *name, ps_heuristic_kind *kind) {
    for (int k = 0; k < (int)(sizeof NAMES / sizeof NAMES[0]); k++)
        if (!strcmp(name, NAMES[k])) {
            *kind = (ps_heuristic_kind)k;
            return 0;
        }
    return -1;
}

int ps_heuristic_create(ps_heuristic *h, const ps_heuristic_config *cfg, const ps_config *cluster, ps_error *err) {
    memset(h, 0, sizeof *h);
    if (cfg->suspend_time < 0) return ps_error_set(err, "--suspend-time must be >= 0 hours");
    if (cfg->min_on < 0 || cfg->min_on > cluster->max_nodes)
        return ps_error_set(err, "--suspend-min-on must be 0..%d nodes", cluster->max_nodes);
    if (!(cfg->price_percentile >= 0 && cfg->price_percentile <= 100))
        return ps_error_set(err, "--price-percentile must be 0..100");
    if (cfg->max_wait < 1) return ps_error_set(err, "--max-wait must be >= 1 hour");
    h->cfg = *cfg;
    h->cluster = *cluster;
    h->layout = ps_obs_layout_for(cluster);
    h->idle_hours = calloc((size_t)cluster->max_nodes, sizeof *h->idle_hours);
    h->booting = calloc((size_t)cluster->node_boot_hours + 1, sizeof *h->booting);
    if (!h->idle_hours || !h->booting) {
        ps_heuristic_free(h);
        return ps_error_set(err, "out of memory");
    }
    return PS_OK;
}

void ps_heuristic_free(ps_heuristic *h) {
    free(h->idle_hours);
    free(h->booting);
    memset(h, 0, sizeof *h);
}

/* ---------------------------------------------------------- what is seen */

typedef struct view {
    int idle, off, on, suspendable;
    int64_t waiting_cores;    /* cores asked by the jobs waiting in the queue */
    int widest;               /* most nodes one waiting job needs */
    double waiting_core_hours;
    int oldest;               /* age of the oldest waiting job, -1 if none */
    int booting;              /* power-ons asked that the observation still shows off */
} view;

static void see_nodes(ps_heuristic *h, const float *obs, view *v) {
    const float *nodes = obs + h->layout.nodes;
    for (int i = 0; i < h->cluster.max_nodes; i++) {
        int idle = nodes[i] == 0.0f;
        h->idle_hours[i] = idle ? h->idle_hours[i] + 1 : 0;
        v->idle += idle;
        v->off += nodes[i] < 0.0f; /* includes nodes still booting */
        v->suspendable += idle && h->idle_hours[i] >= h->cfg.suspend_time;
    }
    v->on = h->cluster.max_nodes - v->off;
}

/* Counts one waiting job (an observation row) into the queue's part. */
static void see_job(view *v, const float *q) {
    double cores = (double)q[2] * q[3];
    v->waiting_cores += (int64_t)cores;
    if ((int)q[2] > v->widest) v->widest = (int)q[2];
    v->waiting_core_hours += cores * q[0];
    if ((int)q[1] > v->oldest) v->oldest = (int)q[1];
}

static void see_queue(const ps_heuristic *h, const float *obs, view *v) {
    const float *q = obs + h->layout.job_queue;
    v->oldest = -1;
    for (int s = 0; s < h->cluster.max_queue_size; s++, q += 4)
        if (q[0] > 0.0f) see_job(v, q);
}

/* ------------------------------------------------------------ decisions */

/* Power-ons asked in the last node_boot_hours decisions: the observation
 * shows them off while they boot, so they are not asked for again. (What
 * was asked, not what was applied: a QoS guard that changed the action is
 * not seen here.) */
static int still_booting(const ps_heuristic *h) {
    int n = 0;
    for (int k = 0; k < h->cluster.node_boot_hours; k++) n += h->booting[k];
    return n;
}

/* Nodes the waiting work needs: its cores' worth, and at least as many as
 * its widest job (a job on n nodes needs n distinct nodes however few cores
 * it asks). */
static int64_t nodes_for_work(const ps_heuristic *h, const view *v) {
    int cpn = h->cluster.cores_per_node;
    int64_t nodes = (v->waiting_cores + cpn - 1) / cpn;
    return v->widest > nodes ? v->widest : nodes;
}

static ps_action power_for_work(const ps_heuristic *h, const view *v) {
    int64_t need = nodes_for_work(h, v) - v->idle - v->booting;
    int can = v->off - v->booting;
    if (need > 0 && can > 0) return (ps_action){2, (need < can ? (int)need : can) - 1, 1, 0};
    return (ps_action){1, 0, 1, 0};
}

static ps_action suspend(const ps_heuristic *h, int eligible, int on) {
    int room = on - h->cfg.min_on, n = eligible < room ? eligible : room;
    return n > 0 ? (ps_action){0, n - 1, 1, 0} : (ps_action){1, 0, 1, 0};
}

static ps_action slurm_suspend(const ps_heuristic *h, const view *v) {
    ps_action a = power_for_work(h, v);
    if (a.type == 2) return a;
    int64_t spare = v->idle - nodes_for_work(h, v); /* idle nodes the waiting work does not need */
    return suspend(h, spare < v->suspendable ? (int)(spare > 0 ? spare : 0) : v->suspendable, v->on);
}

/* Holding back: idle nodes off at once, nothing powered on. */
static ps_action hold(const ps_heuristic *h, const view *v) { return suspend(h, v->idle, v->on); }

static int must_start(const ps_heuristic *h, const view *v) {
    return v->oldest >= 0 && v->oldest + 1 >= h->cfg.max_wait; /* it ages one hour in the next step */
}

static int cmp_float(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* The next hour is element 1 of the window (element 0 was just billed). */
static ps_action price_threshold(const ps_heuristic *h, const view *v, const float *prices) {
    float sorted[PS_PRICE_WINDOW - 1];
    memcpy(sorted, prices + 1, sizeof sorted);
    qsort(sorted, PS_PRICE_WINDOW - 1, sizeof *sorted, cmp_float);
    int k = (int)floor(h->cfg.price_percentile / 100.0 * (PS_PRICE_WINDOW - 2) + 1e-9);
    if (prices[1] <= sorted[k] || must_start(h, v)) return slurm_suspend(h, v);
    return hold(h, v);
}

static double window_mean(const float *prices, int from, int len) {
    double s = 0.0;
    for (int i = from; i < from + len; i++) s += prices[i];
    return s / len;
}

static ps_action price_aware(const ps_heuristic *h, const view *v, const float *prices) {
    if (v->oldest < 0 || must_start(h, v)) return slurm_suspend(h, v);
    int len = (int)lround(v->waiting_core_hours / (double)(v->waiting_cores > 0 ? v->waiting_cores : 1));
    len = len < 1 ? 1 : len > PS_PRICE_WINDOW - 1 ? PS_PRICE_WINDOW - 1 : len;
    int last = h->cfg.max_wait - 1 - v->oldest;    /* latest start still within max_wait */
    if (last > PS_PRICE_WINDOW - 1 - len) last = PS_PRICE_WINDOW - 1 - len;
    double now = window_mean(prices, 1, len);
    for (int s = 1; s <= last; s++)
        if (window_mean(prices, 1 + s, len) < now) return hold(h, v);
    return slurm_suspend(h, v);
}

/* The queue's part of the view over the jobs the job-timing rule starts
 * now at hold_price (each an hour older when the env schedules it);
 * returns how many it holds. */
static int see_served(const ps_heuristic *h, const float *obs, double hold_price, view *v) {
    int decision = h->cluster.contract.price_timing == PS_PRICE_TIMING_DECISION, held = 0;
    int promise = h->cfg.max_wait - h->cluster.node_boot_hours;
    const float *q = obs + h->layout.job_queue, *prices = obs + h->layout.predicted_prices;
    v->waiting_cores = v->widest = 0;
    v->waiting_core_hours = 0;
    v->oldest = -1;
    for (int s = 0; s < h->cluster.max_queue_size; s++, q += 4) {
        if (q[0] <= 0.0f) continue;
        if (ps_job_timing_hold(prices, decision ? 0 : 1, (int)q[0], promise - ((int)q[1] + 1), hold_price))
            held++;
        else
            see_job(v, q);
    }
    return held;
}

/* Each job at its own cheapest start (job_timing.h), the env told to hold
 * the others (timed); the nodes follow slurm-suspend for the jobs served,
 * and while some are held, idle nodes they do not need go off at once, as
 * price-aware's holding hours. */
static ps_action job_timing(const ps_heuristic *h, const float *obs, const view *v, int timed) {
    view served = *v;
    int held = see_served(h, obs, ps_timed_hold_price(timed, h->cluster.hold_price), &served);
    ps_action a = power_for_work(h, &served);
    if (a.type != 2) {
        int64_t spare = served.idle - nodes_for_work(h, &served);
        a = held ? suspend(h, spare > 0 ? (int)spare : 0, served.on) : slurm_suspend(h, &served);
    }
    a.timed = timed;
    return a;
}

/* What the observation shows, with the memory the policies keep. */
static view see(ps_heuristic *h, const float *obs) {
    view v;
    memset(&v, 0, sizeof v);
    see_nodes(h, obs, &v);
    see_queue(h, obs, &v);
    v.booting = still_booting(h);
    return v;
}

/* Remembers this step's power-ons while they boot; advances the clock. */
static ps_action remember(ps_heuristic *h, ps_action a) {
    if (h->cluster.node_boot_hours > 0) /* this slot's ask (node_boot_hours ago) is usable now */
        h->booting[h->t % h->cluster.node_boot_hours] = a.type == 2 ? a.magnitude + 1 : 0;
    h->t++;
    return a;
}

static int same_action(ps_action a, ps_action b) {
    return a.type == b.type && a.refill == b.refill && (a.type == 1 || a.magnitude == b.magnitude);
}

/* The price rules read the next hour at window element 1 (element 0 was
 * billed) with the reference's billing; with decision-hour billing the
 * window starts at the next hour, so they look at it from one earlier. */
static const float *price_window(const ps_heuristic *h, const float *obs) {
    int decision = h->cluster.contract.price_timing == PS_PRICE_TIMING_DECISION;
    return obs + h->layout.predicted_prices - decision;
}

int ps_heuristic_timing_holds(const ps_heuristic *h, const float *obs, int timed) {
    view v;
    memset(&v, 0, sizeof v);
    return see_served(h, obs, ps_timed_hold_price(timed, h->cluster.hold_price), &v);
}

/* The levels hold nested sets of jobs (a lower price on waiting holds
 * every job a higher one does), so they differ iff the extremes do. */
ps_action ps_heuristic_timing_level(ps_heuristic *h, const float *obs, int timed, int *decides) {
    if (decides) {
        double lo = ps_timed_hold_price(1, h->cluster.hold_price), hi = lo;
        for (int k = 2; k <= PS_TIMED_LEVELS; k++) {
            double p = ps_timed_hold_price(k, h->cluster.hold_price);
            lo = p < lo ? p : lo, hi = p > hi ? p : hi;
        }
        view v;
        memset(&v, 0, sizeof v);
        *decides = see_served(h, obs, lo, &v) != see_served(h, obs, hi, &v);
    }
    view v = see(h, obs);
    return remember(h, job_timing(h, obs, &v, timed));
}

ps_action ps_heuristic_gate(ps_heuristic *h, const float *obs, int choice, int *decides) {
    view v = see(h, obs);
    ps_action run = slurm_suspend(h, &v), wait = hold(h, &v);
    int forced = v.oldest < 0 || must_start(h, &v);
    if (decides) *decides = !forced && !same_action(run, wait);
    if (choice == PS_GATE_PRICE_AWARE) return remember(h, price_aware(h, &v, price_window(h, obs)));
    if (choice == PS_GATE_JOB_TIMING) return remember(h, job_timing(h, obs, &v, 1));
    return remember(h, choice == PS_GATE_SERVE || forced ? run : wait);
}

ps_action ps_heuristic_act(ps_heuristic *h, const float *obs) {
    view v = see(h, obs);
    ps_action a = {1, 0, 1, 0};
    const float *prices = price_window(h, obs);
    switch (h->cfg.kind) {
    case PS_H_ALWAYS_ON: a = (ps_action){2, h->cluster.max_nodes - 1, 1, 0}; break;
    case PS_H_SLURM_SUSPEND: a = slurm_suspend(h, &v); break;
    case PS_H_PRICE_THRESHOLD: a = price_threshold(h, &v, prices); break;
    case PS_H_PRICE_AWARE: a = price_aware(h, &v, prices); break;
    case PS_H_JOB_TIMING: a = job_timing(h, obs, &v, 1); break;
    }
    return remember(h, a);
}
