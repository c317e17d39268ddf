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
} ps_reward_in;

typedef struct ps_reward_out {
    double total, step_cost;
    double efficiency; /* includes the blackout term */
    double price, idle, job_age, drop;
} ps_reward_out;

/* min/max_price: the price object's normalisation bounds (spec 7.2). */
void ps_reward_compute(const ps_config *cfg, const ps_weights *w, double min_price, double max_price,
                       const ps_reward_in *in, ps_reward_out *out);

#endif
