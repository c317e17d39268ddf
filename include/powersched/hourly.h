/* hourly.h - the hourly statistical sampler (spec 8.5, `--hourly-jobs`): per
 * hour of day, a distribution of job counts (one sample per calendar date of
 * the log) and job templates; each hour draws a count and scales the
 * templates to it. One object per env (the prototype's singleton is not kept). */
#ifndef POWERSCHED_HOURLY_H
#define POWERSCHED_HOURLY_H

#include <stdint.h>

#include "powersched/config.h"
#include "powersched/error.h"
#include "powersched/rng.h"

/* A template: `nodes` x `cores`, duration_h hours. For a sub-hour bin,
 * hourly_jobs = max(1, ceil(total minutes / 60)) one-hour jobs stand for
 * `originals` log jobs; an hour-or-longer job is its own template (1, 1). */
typedef struct ps_hourly_template {
    int32_t nodes, cores, duration_h;
    int32_t hourly_jobs, originals;
    int sub_hour;
} ps_hourly_template;

typedef struct ps_hourly {
    int n_dates;                 /* dates with at least one job (>= 1, or 1 fallback) */
    int32_t *counts;             /* [24][n_dates]: jobs of date d in hour h */
    ps_hourly_template *tpl;     /* all templates, hour by hour */
    int tpl_start[25];           /* templates of hour h: [tpl_start[h], tpl_start[h+1]) */
    int64_t total_weight[24];    /* pool size of the hour (>= 1) */
    int64_t pool_size[24];       /* log jobs of the hour (0 for an empty pool) */
    long skipped;                /* log rows left out (job steps, SWF jobs that never ran) */
} ps_hourly;

/* Parses the sacct log (spec 8.2; hour and date by string slicing of Submit)
 * and builds counts and templates (cores cap 96 per node, nodes cap 16). */
int ps_hourly_create(ps_hourly *h, const char *path, ps_error *err);
/* The same from a log already read (path only names it in errors). */
struct ps_sacct_log;
int ps_hourly_create_log(ps_hourly *h, const struct ps_sacct_log *log, const char *path, ps_error *err);
void ps_hourly_free(ps_hourly *h);

/* sample_aggregated (spec 8.5): appends the jobs of hour `hour` (taken mod 24).
 * Draws one index, then one uniform per template of the hour when the drawn
 * count is > 0. Returns 0, or -1 when out of memory. */
int ps_hourly_sample(const ps_hourly *h, int hour, ps_rng *rng, ps_joblist *out);
/* The newer sampler (spec 8.6 delta): the drawn count becomes
 * count x floor(scale) + Binomial(count, frac(scale)) (one binomial draw,
 * only for a count > 0 and a fraction > 0) before the templates are scaled
 * to it; scale <= 0 gives no jobs and draws nothing. Scale 1 is
 * ps_hourly_sample. */
int ps_hourly_sample_scaled(const ps_hourly *h, int hour, double scale, ps_rng *rng, ps_joblist *out);

/* Expected number of emitted jobs in hour of day h (mean over the count
 * samples of the scaled template multiplicities). */
double ps_hourly_expected_jobs(const ps_hourly *h, int hour);

#endif
