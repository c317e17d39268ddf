/* compare.h - several policies evaluated on the same timeline: what an
 * operator needs to judge a policy. Each policy runs in a fresh env over the
 * same loaded scenario with the same seed, so arrivals, prices and the two
 * reference rows are identical for all of them:
 *   always-on     every node on (the env's baseline side)
 *   baseline_off  the baseline's schedule with idle nodes free (instant,
 *                 at no cost: an idealised power gating, not a policy)
 *   slurm-suspend, price-threshold, price-aware   heuristics.h
 *   random        uniformly random actions
 *   model         the trained network, deterministic
 * The oracle columns use the workload job set (the baseline's carried jobs
 * plus arrivals), which does not depend on the evaluated policy. */
#ifndef POWERSCHED_RL_COMPARE_H
#define POWERSCHED_RL_COMPARE_H

#include "evaluate.h"
#include "powersched/scenario.h"

#define PS_COMPARE_MAX 10

typedef struct ps_compare_row {
    char name[32];
    double cost, energy_mwh, eur_per_mwh;
    double submitted, completed, dropped, completion_pct;
    double mean_wait, p95_wait, max_wait;
    double power_ons, power_offs;
    double oracle_capture_pct; /* (cost(baseline_off) - cost) / (cost(baseline_off) - contiguous oracle) */
} ps_compare_row;

typedef struct ps_compare {
    ps_compare_row rows[PS_COMPARE_MAX];
    int n, episodes;
    double months;
    double oracle_liquid, oracle_contiguous;   /* sums over episodes, workload set */
    double oracle_unscheduled, oracle_spillover;
    int episodes_skipping;                     /* episodes where the contiguous oracle skipped jobs */
    int liquid_above_contiguous;               /* episodes without skips where liquid > contiguous (never) */
} ps_compare;

typedef struct ps_compare_spec {
    const char *policies[PS_COMPARE_MAX];
    int n;
    ps_heuristic_config heuristic; /* suspend time, floor, percentile, max wait (kind is set per row) */
    const char *model_path;        /* checkpoint for "model" */
    double months;
    uint64_t seed;
} ps_compare_spec;

/* Parses "always-on,baseline_off,..." into spec->policies (pointing into
 * buf, which must outlive spec). Unknown or repeated names are errors. */
int ps_compare_parse(const char *list, char *buf, size_t size, ps_compare_spec *spec, ps_error *err);

/* Runs every policy of spec (round(2 x months) episodes each). */
int ps_compare_run(const ps_scenario *sc, const ps_compare_spec *spec, ps_compare *out, ps_error *err);

/* The row called name, or NULL. */
const ps_compare_row *ps_compare_find(const ps_compare *c, const char *name);

#endif
