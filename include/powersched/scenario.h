/* scenario.h - from what the user named (files, generator settings, weights)
 * to loaded data and envs over it. This is the one place that joins the
 * simulator (which knows no files) with the readers and job sources.
 *
 * A ps_scenario holds loaded data only: the price series and the workload's
 * logs/templates/histograms. It is read-only once loaded, so any number of
 * envs (an analysis sweep, a vector of envs, an evaluation per policy) share
 * one load. It must outlive every env made from it and must not be moved. */
#ifndef POWERSCHED_SCENARIO_H
#define POWERSCHED_SCENARIO_H

#include "powersched/env.h"
#include "powersched/price_file.h"
#include "powersched/workload.h"

/* What to load. */
typedef struct ps_scenario_spec {
    ps_config cfg;
    ps_weights weights;
    const char *prices_path;     /* "" or NULL: synthetic prices */
    ps_price_options price_options; /* how the price file is read */
    const float *price_values;   /* alternative to prices_path (tests); copied */
    size_t n_price_values;
    long long price_first, price_last; /* rows first..last (0-based, inclusive) of the series; -1: all */
    ps_workload_spec workload;
    uint64_t seed;               /* seed of envs made by ps_scenario_env */
} ps_scenario_spec;

/* Contract constants and weights, synthetic prices (all rows), the legacy
 * generator, arrival scale 1, seed 0. */
ps_scenario_spec ps_scenario_spec_default(void);

typedef struct ps_scenario {
    ps_config cfg;
    ps_weights weights;
    uint64_t seed;
    float *prices;               /* NULL: synthetic */
    size_t n_prices;
    char prices_path[4096];      /* "" for synthetic or given values */
    ps_price_report price_report; /* what reading the price file did */
    long long price_first, price_last; /* the rows of the file kept (all: 0..n-1) */
    ps_workload workload;
} ps_scenario;

/* Reads the files and builds the job source's data. Errors name the file
 * and line (or the setting). On error sc holds nothing. */
int ps_scenario_load(ps_scenario *sc, const ps_scenario_spec *spec, ps_error *err);
void ps_scenario_free(ps_scenario *sc);

/* Creates env over sc's data with sc's cluster, weights and seed. */
int ps_scenario_env(const ps_scenario *sc, ps_env *env, ps_error *err);

/* The single-env case: loads spec's data for this env alone and creates
 * the env over it; the data is freed with the env (ps_env_free). *loaded,
 * when not NULL, points at that data for the env's life. */
int ps_env_open(ps_env *env, const ps_scenario_spec *spec, const ps_scenario **loaded, ps_error *err);

#endif
