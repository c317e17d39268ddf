/* reward.c - spec 5.1 and 5.3. The reference's expression order is kept so
 * plain arithmetic agrees bit for bit with the golden traces. */
#include "powersched/reward.h"

#include <math.h>

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

/* (a) utilisation of powered capacity, (b) blackout bonus/penalty. */
static double efficiency(const ps_config *c, const ps_reward_in *in) {
    double e = 0.0, p = ps_power_mwh(c, in->on, in->used_cores);
    if (p > 0) {
        double r = 0.0;
        if (in->used_cores > 0) r = clip(((double)in->used_cores / p) / (c->cores_per_node / used_mw(c)), 0, 1);
        e = tanh(EFFICIENCY_GAIN * (r - EFFICIENCY_TARGET_RATIO));
    }
    double b = 0.0;
    if (in->on == 0) {
        if (in->unprocessed <= 0) b = 1.0;
        else b = clip(exp(-BLACKOUT_FACTOR * (double)in->unprocessed / BLACKOUT_THRESHOLD) - 1, -1, 0);
    }
    return e + b;
}

/* (c) price timing x useful work. */
static double price_component(const ps_config *c, double min_price, double max_price, const ps_reward_in *in) {
    if (in->used_cores <= 0) return 0.0;
    double span = fmax(max_price - min_price, 1e-6);
    double adv = PRICE_ADVANTAGE_GAIN * ((in->context_price - in->price) / span);
    double x = (double)in->used_cores / c->cores_per_node;
    double tau = adv >= 0 ? PRICE_NODE_TAU_POS : PRICE_NODE_TAU_NEG;
    double raw = adv * (1 - exp(-x / tau));
    if (in->price >= 0) return tanh(raw);
    double s = 1 - exp(-fabs(in->price) / NEGATIVE_PRICE_TAU);
    double l = 1 - exp(-x / NEGATIVE_PRICE_NODE_TAU);
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

void ps_reward_compute(const ps_config *c, const ps_weights *w, double min_price, double max_price,
                       const ps_reward_in *in, ps_reward_out *out) {
    out->step_cost = ps_power_mwh(c, in->on, in->used_cores) * in->price;
    out->efficiency = efficiency(c, in);
    out->price = price_component(c, min_price, max_price, in);
    out->idle = idle_component(c, in->idle);
    out->job_age = job_age_component(in);
    out->drop = fmin(0.0, PENALTY_DROPPED_JOB * (double)in->dropped);
    out->total = w->efficiency * out->efficiency + w->price * out->price + w->job_age * out->job_age +
                 w->idle * out->idle + w->drop * out->drop;
}
