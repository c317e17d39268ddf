/* compare.h - the result of evaluating several policies on one timeline
 * (src/rl/compare.c runs them) and how it is reported: a table, CSV, JSON
 * and a gnuplot figure. Rows:
 *   always-on     every node on (the env's baseline side)
 *   baseline_off  the baseline's schedule with idle nodes free (instant,
 *                 at no cost: an idealised power gating, not a policy)
 *   slurm-suspend, price-threshold, price-aware   heuristics.h
 *   random        uniformly random actions
 *   model         the trained network, deterministic
 * The oracle figures use the workload job set (the baseline's carried jobs
 * plus arrivals), which does not depend on the evaluated policy. */
#ifndef POWERSCHED_COMPARE_H
#define POWERSCHED_COMPARE_H

#include <stdint.h>
#include <stdio.h>

#include "powersched/error.h"

#define PS_COMPARE_MAX 10
#define PS_COMPARE_MAX_SEEDS 16

typedef struct ps_compare_row {
    char name[32];
    double cost, energy_mwh, eur_per_mwh;
    double submitted, completed, dropped, completion_pct;
    double mean_wait, p95_wait, max_wait;
    double power_ons, power_offs;
    double oracle_capture_pct; /* (cost(baseline_off) - cost) / (cost(baseline_off) - contiguous oracle) */
    double qos_capture_pct;    /* the same against the oracle within the guard's wait (NaN without the guard) */
} ps_compare_row;

typedef struct ps_compare {
    ps_compare_row rows[PS_COMPARE_MAX];
    int n, episodes;
    double months;
    double oracle_liquid, oracle_contiguous;   /* sums over episodes, workload set */
    double oracle_unscheduled, oracle_spillover;
    double oracle_qos;                         /* within the guard's wait (oracle.h); NaN without the guard */
    int episodes_skipping;                     /* episodes where the contiguous oracle skipped jobs */
    int liquid_above_contiguous;               /* episodes without skips where liquid > contiguous (never) */
} ps_compare;

/* Splits "always-on,baseline_off,..." into names (pointing into buf, which
 * must outlive them). Unknown or repeated names are errors. */
int ps_compare_parse(const char *list, char *buf, size_t size, const char *names[PS_COMPARE_MAX], int *n,
                     ps_error *err);

/* The row called name, or NULL. */
const ps_compare_row *ps_compare_find(const ps_compare *c, const char *name);

/* The table: one row per policy with cost, energy, EUR/MWh, saving against
 * baseline_off and slurm-suspend (when present), completion, waits, dropped
 * jobs and oracle capture, then the oracle bounds. */
void ps_compare_print(FILE *fp, const ps_compare *c);

/* The same comparison under several seeds (c[k] ran with seeds[k]): the
 * mean and standard deviation of cost, saving against baseline_off,
 * completion, mean and p95 wait, per policy. */
void ps_compare_print_seeds(FILE *fp, const ps_compare *c, int n, const uint64_t *seeds);
/* "0,1,2" -> seeds (at most max). */
int ps_compare_parse_seeds(const char *list, uint64_t *seeds, int max, int *n, ps_error *err);
/* compare_seeds.csv: the comparison's columns led by the seed. */
int ps_compare_write_seeds(const char *path, const ps_compare *c, int n, const uint64_t *seeds, ps_error *err);

/* One line: each policy's saving against baseline_off (% of its cost). */
void ps_compare_print_brief(FILE *fp, const ps_compare *c);

/* CSV lines of a comparison, each led by `lead` (e.g. a sweep point's
 * "mode,value"; "" for none): the header names the lead's columns. */
void ps_compare_csv_header(FILE *fp, const char *lead);
void ps_compare_csv_rows(FILE *fp, const char *lead, const ps_compare *c);

/* compare.csv, compare.json and compare.{dat,gp,png} (bars per policy:
 * cost, completion, mean wait; the contiguous oracle as a line) in dir.
 * *png = 0 when gnuplot is missing (script and data are still written). */
int ps_compare_write(const char *dir, const ps_compare *c, int *png, ps_error *err);

#endif
