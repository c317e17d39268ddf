/* reward.c - spec 5.1 and 5.3. The reference's expression order is kept so
 * plain arithmetic agrees bit for bit with the golden traces. */
#include "powersched/reward.h"

#include <math.h>
#include <stdlib.h>

#include "powersched/prices.h"

/* Reward constants of the reference (spec 5.3). */
#define EFFICIENCY_GAIN 5.0
#define EFFICIENCY_TARGET_RATIO 0.70
#define BLACKOUT_THRESHOLD 10.0
#define BLACKOUT_FACTOR 2.0
#define PRICE_ADVANTAGE_GAIN 4.0
#define PRICE_NODE_TAU_POS 70.0
#define PRICE_NODE_TAU_NEG 40.0
#define NEGATIVE_PRICE_TAU 8.0
#define NEGATIVE_PRICE_NODE_TAU 14.0
#define NEGATIVE_PRICE_BONUS 2.5
#define NEGATIVE_PRICE_CAP 1.5
#define NEGATIVE_PRICE_FLOOR 0.35
#define PENALTY_IDLE_NODE (-0.1)
#define PENALTY_DROPPED_JOB (-5.0)
#define JOB_AGE_TAU (168.0 / 2)
/* The newest reward (spec 5 delta). */
#define NEWEST_PRICE_GAIN 3.0
#define NEWEST_PRICE_TAU 20.0
#define NEWEST_NEGATIVE_NODE_TAU 20.0
#define SHORTFALL_WEIGHT 0.75
#define OVERDUE_WEIGHT 1.25
#define CHEAP_BAND_MIN 1e-6
#define NEWEST_DROP_FACTOR 0.3
#define NEWEST_DROP_SCALE 20.0

/* The constants that differ between the reference and the newest price term. */
typedef struct price_consts {
    double gain, tau_pos, tau_neg, negative_node_tau;
} price_consts;
static const price_consts REFERENCE_PRICE = {PRICE_ADVANTAGE_GAIN, PRICE_NODE_TAU_POS, PRICE_NODE_TAU_NEG,
                                             NEGATIVE_PRICE_NODE_TAU};
static const price_consts NEWEST_PRICE = {NEWEST_PRICE_GAIN, NEWEST_PRICE_TAU, NEWEST_PRICE_TAU,
                                          NEWEST_NEGATIVE_NODE_TAU};

static double clip(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }
static double idle_mw(const ps_config *c) { return c->cost_idle_w / 1e6; }
static double used_mw(const ps_config *c) { return c->cost_used_w / 1e6; }

double ps_power_mwh(const ps_config *c, int on, int64_t u) {
    return on * idle_mw(c) + ((used_mw(c) - idle_mw(c)) * (double)u) / c->cores_per_node;
}

double ps_extra_energy_mwh(const ps_config *c, int off_nodes, int switched_on, int switched_off) {
    double e = 0.0;
    if (c->node_off_w != 0) e += off_nodes * (c->node_off_w / 1e6);
    if (c->node_boot_kwh != 0) e += switched_on * (c->node_boot_kwh / 1e3);
    if (c->node_shutdown_kwh != 0) e += switched_off * (c->node_shutdown_kwh / 1e3);
    return e;
}

/* (a) utilisation of powered capacity, (b) blackout bonus/penalty (the
 * newest reward: a bonus for an empty cluster with nothing pending, no
 * penalty). */
static double efficiency(const ps_config *c, const ps_reward_in *in, int newest) {
    double e = 0.0, p = ps_power_mwh(c, in->on, in->used_cores);
    if (p > 0) {
        double r = 0.0;
        if (in->used_cores > 0) r = clip(((double)in->used_cores / p) / (c->cores_per_node / used_mw(c)), 0, 1);
        e = tanh(EFFICIENCY_GAIN * (r - EFFICIENCY_TARGET_RATIO));
    }
    double b = 0.0;
    if (in->on == 0) {
        if (in->unprocessed <= 0) b = 1.0;
        else if (!newest) b = clip(exp(-BLACKOUT_FACTOR * (double)in->unprocessed / BLACKOUT_THRESHOLD) - 1, -1, 0);
    }
    return e + b;
}

/* (c) price timing x useful work. */
static double price_component(const ps_config *c, double min_price, double max_price, const ps_reward_in *in,
                              const price_consts *k) {
    if (in->used_cores <= 0) return 0.0;
    double span = fmax(max_price - min_price, 1e-6);
    double adv = k->gain * ((in->context_price - in->price) / span);
    double x = (double)in->used_cores / c->cores_per_node;
    double tau = adv >= 0 ? k->tau_pos : k->tau_neg;
    double raw = adv * (1 - exp(-x / tau));
    if (in->price >= 0) return tanh(raw);
    double s = 1 - exp(-fabs(in->price) / NEGATIVE_PRICE_TAU);
    double l = 1 - exp(-x / k->negative_node_tau);
    double o = s * l;
    double r = fmin(tanh(raw) + NEGATIVE_PRICE_BONUS * o, NEGATIVE_PRICE_CAP);
    return fmax(r, NEGATIVE_PRICE_FLOOR * o);
}

/* (d) idle nodes, normalised by the bounds computed once (0 .. -0.1 * nodes). */
static double idle_component(const ps_config *c, int idle) {
    double lo = PENALTY_IDLE_NODE * 0, hi = PENALTY_IDLE_NODE * c->max_nodes;
    double raw = PENALTY_IDLE_NODE * idle;
    double norm = hi == lo ? 0.5 : (raw - lo) / (hi - lo);
    return clip(-norm, -1, 0);
}

/* (e) oldest waiting job, only while some node is off. */
static double job_age_component(const ps_reward_in *in) {
    if (in->off == 0 || in->max_queue_age <= 0) return 0.0;
    return -fmin((1 - exp(-in->max_queue_age / JOB_AGE_TAU)) / (1 - exp(-2.0)), 1.0);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double ps_reward_cheapness(double price, const float *window) {
    enum { N = PS_PRICE_WINDOW - 1 };
    double v[N];
    for (int i = 0; i < N; i++) v[i] = (double)window[i + 1];
    qsort(v, N, sizeof *v, cmp_double);
    double q10 = ps_percentile_linear(v, N, 10), q90 = ps_percentile_linear(v, N, 90);
    if (q90 - q10 <= CHEAP_BAND_MIN) return 0.0;
    return clip(1 - (price - q10) / (q90 - q10), 0, 1);
}

/* (e) of the newest reward: cores left unused while prices are cheap and
 * work waits, plus work waiting past its grace (spec 5 delta). The
 * saturation scales are the cluster's cores (32160) and half of them. */
static double backlog_pressure(const ps_config *c, const ps_reward_in *in, ps_reward_out *out) {
    double cluster = (double)c->max_nodes * c->cores_per_node;
    out->cheap = in->window ? ps_reward_cheapness(in->price, in->window) : 0.0;
    out->shortfall = 0.0;
    if (out->cheap > 0 && in->demand_cores > 0) {
        double target = fmin((double)in->demand_cores, cluster);
        out->shortfall = out->cheap * (1 - fmin((double)in->used_cores, target) / target);
    }
    out->overdue = 1 - exp(-(double)in->overdue_age_core_hours / (cluster / 2));
    return -clip(SHORTFALL_WEIGHT * out->shortfall + OVERDUE_WEIGHT * out->overdue, 0, 1);
}

static void reference_reward(const ps_config *c, const ps_weights *w, double min_price, double max_price,
                             const ps_reward_in *in, ps_reward_out *out) {
    out->efficiency = efficiency(c, in, 0);
    out->price = price_component(c, min_price, max_price, in, &REFERENCE_PRICE);
    out->idle = idle_component(c, in->idle);
    out->job_age = job_age_component(in);
    out->drop = fmin(0.0, PENALTY_DROPPED_JOB * (double)in->dropped);
    out->total = w->efficiency * out->efficiency + w->price * out->price + w->job_age * out->job_age +
                 w->idle * out->idle + w->drop * out->drop;
}

/* The drop term is the prototype's newest reward file's; the newest env
 * calls a `loss_penalty` that no found file defines: assumed to be the same
 * -0.3 tanh(n / 20) (spec 18.20). The drop weight is not applied. */
static void newest_reward(const ps_config *c, const ps_weights *w, double min_price, double max_price,
                          const ps_reward_in *in, ps_reward_out *out) {
    out->efficiency = efficiency(c, in, 1);
    out->price = price_component(c, min_price, max_price, in, &NEWEST_PRICE);
    out->idle = idle_component(c, in->idle);
    out->job_age = backlog_pressure(c, in, out);
    out->drop = NEWEST_DROP_FACTOR * -tanh((double)in->dropped / NEWEST_DROP_SCALE);
    out->total = w->efficiency * out->efficiency + w->price * out->price + w->job_age * out->job_age +
                 w->idle * out->idle + out->drop;
}

static void cost_reward(const ps_config *c, const ps_reward_in *in, ps_reward_out *out) {
    double wait = c->contract.wait_cost;
    out->efficiency = out->idle = 0.0;
    out->price = in->baseline_off_cost - in->agent_cost;
    out->job_age = -wait * (double)in->unprocessed;
    out->drop = -wait * c->max_job_age * (double)in->dropped;
    out->total = out->price + out->job_age + out->drop;
}

void ps_reward_compute(const ps_config *c, const ps_weights *w, double min_price, double max_price,
                       const ps_reward_in *in, ps_reward_out *out) {
    out->step_cost = ps_power_mwh(c, in->on, in->used_cores) * in->price;
    out->cheap = out->shortfall = out->overdue = 0.0;
    if (c->contract.reward == PS_REWARD_NEWEST) newest_reward(c, w, min_price, max_price, in, out);
    else if (c->contract.reward == PS_REWARD_COST || c->contract.reward == PS_REWARD_COST_AT_LAUNCH)
        cost_reward(c, in, out);
    else reference_reward(c, w, min_price, max_price, in, out);
}
