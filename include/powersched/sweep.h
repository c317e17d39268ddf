/* sweep.h - the reward-weight grid of train_iter (spec 12.8). Weights are in
 * canonical order: efficiency, price, idle, job_age, drop. */
#ifndef POWERSCHED_SWEEP_H
#define POWERSCHED_SWEEP_H

#include <stddef.h>

#include "powersched/config.h"
#include "powersched/error.h"

typedef struct ps_weight_combo {
    double w[PS_N_WEIGHTS];
} ps_weight_combo;

/* Index of a weight name as --fix-weights takes it (the declared name with
 * '-' for '_': job-age; job_age accepted too), or -1. */
int ps_weight_index(const char *name);
/* Those names in declaration order: "efficiency, price, idle, job-age or
 * drop" with sep ", " and last_sep " or ". */
void ps_weight_names(char *buf, size_t size, const char *sep, const char *last_sep);

/* Python's round(x, 2), with -0.0 written as 0.0 (the prototype's "-0.00"
 * runs went to a folder of their own). */
double ps_round2(double x);

/* All combinations (malloc'ed, *n of them): g = linspace(0, 1, int(1/step) + 1);
 * free weights enumerated over g in itertools.product order (last fastest),
 * the last free weight takes round(1 - the others, 2) and is kept within
 * [0, 1]; every weight rounded to 2 decimals. With all five fixed, the one
 * combination is kept only if they sum to 1 (+-1e-9). fixed: n_fixed indices
 * with their values (sum <= 1). */
int ps_sweep_grid(double step, const int *fixed, const double *values, int n_fixed, ps_weight_combo **out, int *n,
                  ps_error *err);

/* ps_sweep_grid with the fixed weights as --fix-weights/--fix-values give
 * them: comma lists of names (ps_weight_index) and numbers, same length. */
int ps_sweep_grid_fixed(double step, const char *names, const char *values, ps_weight_combo **out, int *n,
                        ps_error *err);

#endif
