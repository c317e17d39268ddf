/* wg_options.h - the workload-generator flags (spec 9.5, the prototype's
 * workloadgen_cli), shared by every command that accepts them. */
#ifndef POWERSCHED_WG_OPTIONS_H
#define POWERSCHED_WG_OPTIONS_H

#include "powersched/options.h"
#include "powersched/workloadgen.h"

typedef struct ps_wg_flags {
    const char *mode;                 /* "", flat, poisson, uniform */
    double lambda;
    const char *lambdas4, *flat_targets4, *flat_jitters4, *uniform_ranges4;
    int max_jobs_hour, flat_jobs_hour, flat_jitter;
    double burst_small_prob, burst_heavy_prob;
} ps_wg_flags;

void ps_wg_flags_init(ps_wg_flags *f);
/* Adds the generator group (PS_GROUP_GENERATOR), pointing into f. */
void ps_wg_flags_options(ps_wg_flags *f, ps_optset *set);
/* build_workloadgen_config (spec 9.5): *enabled = 0 when --workload-gen is
 * empty. Malformed four-value lists, unknown modes and invalid values are
 * errors naming the flag. */
int ps_wg_flags_build(const ps_wg_flags *f, const ps_config *cluster, ps_wg_config *out, int *enabled,
                      ps_error *err);

#endif
