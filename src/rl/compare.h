/* compare.h (rl) - runs several policies on the same timeline: each in a
 * fresh env over the same loaded scenario with the same seed, so arrivals,
 * prices and the reference rows are identical for all of them. The result
 * and its reports: include/powersched/compare.h. */
#ifndef POWERSCHED_RL_COMPARE_H
#define POWERSCHED_RL_COMPARE_H

#include "evaluate.h"
#include "powersched/compare.h"
#include "powersched/scenario.h"

typedef struct ps_compare_spec {
    const char *policies[PS_COMPARE_MAX];
    int n;
    ps_heuristic_config heuristic; /* suspend time, floor, percentile, max wait (kind is set per row) */
    const char *model_path;        /* checkpoint for "model" */
    const char *const *members;    /* further checkpoints voting with it (ps_evaluator_add_member) */
    int n_members;
    int sample;                    /* "model" samples its actions (ps_evaluator.sample) */
    double months;
    uint64_t seed;
} ps_compare_spec;

/* Runs every policy of spec (round(2 x months) episodes each). */
int ps_compare_run(const ps_scenario *sc, const ps_compare_spec *spec, ps_compare *out, ps_error *err);

/* The comparison once per seed; prints the mean +- sd table on fp and writes
 * dir/compare_seeds.csv. */
int ps_compare_seeds(const ps_scenario *sc, const ps_compare_spec *spec, const uint64_t *seeds, int n, const char *dir,
                     FILE *fp, ps_error *err);

#endif
