/* policy_options.h - the option group of the hand-written policies
 * (heuristics.h), shared by every command that runs them. */
#ifndef POWERSCHED_POLICY_OPTIONS_H
#define POWERSCHED_POLICY_OPTIONS_H

#include "powersched/heuristics.h"
#include "powersched/options.h"

#define PS_GROUP_POLICY "hand-written policies"

/* Adds --suspend-time, --suspend-min-on, --price-percentile, pointing into
 * c (whose values are the defaults shown). */
void ps_heuristic_options(ps_heuristic_config *c, ps_optset *set);

/* The price policies hold work at most --max-wait hours (the QoS guard's
 * promise, scenario_options.h), or 24 h when the guard is off. */
void ps_heuristic_max_wait(ps_heuristic_config *c, int guard_max_wait);

#endif
