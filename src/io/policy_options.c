/* policy_options.c - the hand-written policies' option group. */
#include "powersched/policy_options.h"

#include "powersched/job_timing.h"

void ps_heuristic_options(ps_heuristic_config *c, ps_optset *set) {
    const ps_option opts[] = {
        {"--suspend-time", OPT_INT, &c->suspend_time, "H", "slurm-suspend & co: hours idle before a node is powered off (Slurm's SuspendTime)", 0, 8760},
        {"--suspend-min-on", OPT_INT, &c->min_on, "N", "slurm-suspend & co: never fewer powered nodes (like SuspendExcNodes)", 0, 65535},
        {"--price-percentile", OPT_DOUBLE, &c->price_percentile, "Q", "price-threshold: start work only at or below this percentile of the next 23 h", 0, 100},
    };
    ps_optset_add(set, PS_GROUP_POLICY, opts, PS_COUNT(opts));
}

void ps_heuristic_max_wait(ps_heuristic_config *c, int guard_max_wait) {
    c->max_wait = guard_max_wait > 0 ? guard_max_wait : PS_JOB_TIMING_MAX_WAIT;
}
