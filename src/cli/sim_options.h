/* sim_options.h - the data, workload and reward flags shared by every command
 * that builds an env (simulate, sanity; later train and evaluate-savings). */
#ifndef POWERSCHED_CLI_SIM_OPTIONS_H
#define POWERSCHED_CLI_SIM_OPTIONS_H

#include <stdio.h>

#include "options.h"
#include "powersched/scenario.h"
#include "wg_options.h"

typedef struct ps_sim_flags {
    const char *prices, *job_durations, *jobs, *hourly_jobs;
    int exact_replay, exact_replay_aggregate;
    double arrival_scale;
    uint64_t seed;
    ps_weights weights;
    ps_wg_flags wg;
    ps_wg_config generator; /* built by ps_sim_flags_to_spec; the spec points here */
} ps_sim_flags;

#define PS_SIM_FLAG_COUNT (13 + PS_WG_FLAG_COUNT)

void ps_sim_flags_init(ps_sim_flags *f);
/* Writes the PS_SIM_FLAG_COUNT shared options, pointing into f. */
void ps_sim_flags_options(ps_sim_flags *f, ps_option *out);
/* Validates flag combinations and fills an env spec (which then points into
 * f). Conflicting job sources are resolved by the reference's precedence,
 * with one warning line each on `warn` (NULL: silent). */
int ps_sim_flags_to_spec(ps_sim_flags *f, ps_scenario_spec *spec, FILE *warn, ps_error *err);
/* The start-up lines the prototype prints while building its env. */
void ps_sim_print_setup(FILE *fp, const ps_scenario *sc, const ps_sim_flags *f);

#endif
