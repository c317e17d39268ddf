/* bench_util.h - timing helpers shared by the benchmark programs. */
#ifndef POWERSCHED_BENCH_UTIL_H
#define POWERSCHED_BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "powersched/scenario.h"
#include "powersched/env.h"

static inline double bench_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static inline int bench_cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts v and returns its median (v[n/2]). */
static inline double bench_median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
    return v[n / 2];
}

static inline int bench_exists(const char *path) {
    FILE *f = fopen(path, "r");
    if (f) fclose(f);
    return f != NULL;
}

/* The ordinary case of the benchmarks: 2023 prices and the exact replay of
 * the GPU log from SHARED/data, or (absent) synthetic prices and the legacy
 * generator. The paths live in the caller's buffers (the spec points there). */
static inline void bench_real_data(const char *shared, ps_scenario_spec *spec, char prices[4096], char log[4096]) {
    snprintf(prices, 4096, "%s/data/prices_2023.csv", shared);
    snprintf(log, 4096, "%s/data/allusers-gpu-30.log", shared);
    *spec = ps_scenario_spec_default();
    if (bench_exists(prices) && bench_exists(log)) {
        spec->prices_path = prices;
        spec->workload.jobs_path = log;
        spec->workload.replay_mode = PS_REPLAY_EXACT;
        printf("# real prices + exact replay of %s\n", log);
    } else {
        printf("# %s absent: synthetic prices and the legacy generator\n", log);
    }
}

#endif
