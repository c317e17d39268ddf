/* reward.h - the per-core energy model and the 47e1086 reward (spec 5). */
#ifndef POWERSCHED_REWARD_H
#define POWERSCHED_REWARD_H

#include <stdint.h>

#include "powersched/config.h"

/* P(on, U) in MWh for one hour: on*idle + ((used - idle)*U)/cores_per_node,
 * evaluated in exactly this order (spec 5.1). */
double ps_power_mwh(const ps_config *cfg, int on, int64_t used_cores);
/* Beyond the reference's model: one step's energy of off nodes and of
 * power-ons/-offs (MWh; 0 with the default model, where switching is free). */
double ps_extra_energy_mwh(const ps_config *cfg, int off_nodes, int switched_on, int switched_off);

/* What the env hands to the reward (spec 5.2). */
typedef struct ps_reward_in {
    int on, used, idle, off;
    int64_t used_cores;
    double price;          /* billed price of the step */
    double context_price;  /* ps_prices_context() */
    int64_t unprocessed;   /* active queue slots + backlog */
    int max_queue_age;     /* over active queue slots */
    int64_t dropped;       /* dropped this step */
    /* read by the newest reward only (cfg->contract.reward, spec 5 delta): */
    const float *window;          /* the 24-value price window at reward time (element 0 = billed) */
    int64_t demand_cores;         /* pending sum of nodes x cores before scheduling */
    int64_t overdue_age_core_hours; /* after scheduling: sum max(age - 24, 0) x nodes x cores */
    /* read by the cost reward only: */
    double agent_cost, baseline_off_cost; /* EUR billed this step to the agent and to baseline_off */
} ps_reward_in;

typedef struct ps_reward_out {
    double total, step_cost;
    double efficiency; /* includes the blackout term */
    double price, idle, job_age, drop;
    /* the newest reward's backlog pressure (job_age = its value): parts, 0 otherwise */
    double cheap, shortfall, overdue;
} ps_reward_out;

/* Grace of the newest reward's overdue term and of the overdue counts (hours). */
#define PS_OVERDUE_GRACE_HOURS 24

/* min/max_price: the price object's normalisation bounds (spec 7.2). The
 * formulas are the reference's (spec 5.3) unless cfg->contract.reward is
 * PS_REWARD_NEWEST: price gain 3 with taus 20/20/20, blackout +1 or 0, the
 * job-age slot becomes backlog pressure (still weighted by the job-age
 * weight) and the drop term is -0.3 tanh(dropped / 20), unweighted.
 * PS_REWARD_COST (beyond the prototype; the weights are not used), in
 * euros: what the step saved against baseline_off (price slot), less the
 * waiting priced at contract.wait_cost EUR per job and hour (job-age slot:
 * the unprocessed jobs after scheduling) and each dropped job priced as one
 * that waited max_job_age hours (drop slot). PS_REWARD_COST_AT_LAUNCH is
 * the same formula on other costs (env.c, launch_timing_gain): each side's
 * idle power of unused cores by the hour, and for every job the agent
 * starts, its whole run priced from its arrival less from now. */
void ps_reward_compute(const ps_config *cfg, const ps_weights *w, double min_price, double max_price,
                       const ps_reward_in *in, ps_reward_out *out);

/* The newest reward's cheapness of `price`: clip(1 - z, 0, 1) with
 * z = (price - q10) / (q90 - q10) over window[1..23] (numpy linear
 * quantiles); 0 when the band is <= 1e-6 (flat prices give no signal). */
double ps_reward_cheapness(double price, const float *window);

#endif
