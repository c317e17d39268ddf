/* fixed_policy.h - the policies `simulate` and friends run without a
 * model: always-on, random, a scripted action file, or a hand-written
 * policy of heuristics.h. */
#ifndef POWERSCHED_FIXED_POLICY_H
#define POWERSCHED_FIXED_POLICY_H

#include "powersched/heuristics.h"

typedef enum ps_fixed_kind { PS_FIXED_ALWAYS_ON, PS_FIXED_RANDOM, PS_FIXED_ACTIONS, PS_FIXED_HEURISTIC } ps_fixed_kind;

typedef struct ps_fixed_policy {
    ps_fixed_kind kind;
    ps_rng rng;           /* random's actions */
    ps_action *actions;   /* actions:FILE, one per step */
    long n_actions;
    ps_heuristic h;
} ps_fixed_policy;

/* spec: "always-on", "random", "actions:FILE" (one 'type,magnitude,refill'
 * line per step; blank and '#' lines skipped), "slurm-suspend",
 * "price-threshold" or "price-aware" (parameters from hc). Errors name the
 * file and line, or the setting. */
int ps_fixed_policy_init(ps_fixed_policy *p, const char *spec, const ps_heuristic_config *hc, const ps_config *cfg,
                         uint64_t seed, ps_error *err);
void ps_fixed_policy_free(ps_fixed_policy *p);

/* Whether the policy reads the observation (the caller must then pass it). */
int ps_fixed_policy_observes(const ps_fixed_policy *p);

/* The action of step `step` (0-based) given the observation written last. */
ps_action ps_fixed_policy_next(ps_fixed_policy *p, const ps_config *cfg, long step, const float *obs);

#endif
