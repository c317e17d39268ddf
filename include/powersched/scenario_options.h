/* scenario_options.h - the option groups of a scenario (data, workload
 * generator, reward weights), shared by every command that builds an env and
 * by the C and Python APIs, and their translation into a scenario spec. */
#ifndef POWERSCHED_SCENARIO_OPTIONS_H
#define POWERSCHED_SCENARIO_OPTIONS_H

#include <stdio.h>

#include "powersched/options.h"
#include "powersched/scenario.h"
#include "powersched/wg_options.h"

/* The group of the newer training contract's options (spec 18 C). */
#define PS_GROUP_CONTRACT "training contract"

typedef struct ps_sim_flags {
    const char *prices, *job_durations, *jobs, *jobs_swf, *hourly_jobs, *price_rows, *price_column, *price_gaps;
    int swf_cores_per_node;
    /* training contract: words turned into cluster.contract by ps_sim_flags_to_spec */
    const char *reward, *price_timing, *price_history, *hard_reset, *hourly_scale;
    int exact_replay, exact_replay_aggregate;
    double arrival_scale;
    uint64_t seed;
    ps_weights weights;
    ps_config cluster;      /* the energy-model group sets its power fields, the contract group
                               its drop-streak limit */
    ps_wg_flags wg;
    ps_wg_config generator; /* built by ps_sim_flags_to_spec; the spec points here */
} ps_sim_flags;

void ps_sim_flags_init(ps_sim_flags *f);
/* The jobs log to replay: --jobs-swf when given, else --jobs ("" for none). */
const char *ps_sim_flags_jobs(const ps_sim_flags *f);
/* Adds the data, energy-model, quality-of-service, training-contract,
 * workload-generator and weight groups, pointing into f. */
void ps_sim_flags_options(ps_sim_flags *f, ps_optset *set);
/* The names of the groups ps_sim_flags_options adds (at most max; their
 * count): what a command that starts others forwards to them (train-iter). */
int ps_sim_flags_groups(const char **groups, int max);
/* Validates flag combinations and fills an env spec (which then points into
 * f). Conflicting job sources are resolved by the reference's precedence,
 * with one warning line each on `warn` (NULL: silent). `--prices logic` or
 * `logic:HIGH:LOW` selects the logic price instead of a file. */
int ps_sim_flags_to_spec(ps_sim_flags *f, ps_scenario_spec *spec, FILE *warn, ps_error *err);
/* The start-up lines the prototype prints while building its env. */
void ps_sim_print_setup(FILE *fp, const ps_scenario *sc, const ps_sim_flags *f);

#endif
