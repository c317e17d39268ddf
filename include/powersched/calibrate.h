/* calibrate.h - `workloadgen calibrate` (issue 12): the workload-generator
 * flags (spec 9.5) that reproduce the hourly statistics of Slurm sacct logs,
 * and the fit: the logs' statistics beside those of a sample drawn from the
 * generator with exactly the printed flags (parsed back, as a user's command
 * line would be).
 *
 * How (src/workload/calibrate.c):
 * - The logs become one hourly job stream (job_stream.h): jobs binned by
 *   submit hour (UTC) over the union of the logs' spans, first to last submit
 *   hour of each, zero hours included (the reference's workload-statistics
 *   script); each job converted as --jobs-exact-replay does (hours =
 *   max(1, ceil(minutes / 60)), nodes clamped to 1..16, cores per node to
 *   1..cores_per_node), so the log is measured as the env would see it.
 * - Bursts (optional): hours whose count of small-burst-shaped jobs (<= 8 h,
 *   <= 2 nodes, <= 16 cores) reaches the median of hours with arrivals plus
 *   the burst minimum (50) are burst hours, likewise heavy ones (>= 72 h,
 *   >= 4 nodes, >= 32 cores, minimum 1); their excess over that median
 *   becomes a burst probability that carries the same volume
 *   (excess / (hours x mean burst size)), and is taken off the base count.
 * - The base (all jobs per hour minus the burst excess; shapes from the jobs
 *   of the other hours) is fitted by moments: poisson lambdas (an attribute's
 *   lambda solves E[clip(Poisson(lambda), lo, hi)] = mean), flat targets with
 *   the jitter of the variance, uniform ranges of the mean and variance; the
 *   mean wins where a range limit forbids both. In poisson and flat mode
 *   the attribute clip ranges (--wg-uniform-ranges4) are the log's own.
 * - Each mode is sampled and compared with the log by the Kolmogorov-Smirnov
 *   distance of the six statistics of `workloadgen inspect`; the mode whose
 *   worst distance is lowest fits best. */
#ifndef POWERSCHED_CALIBRATE_H
#define POWERSCHED_CALIBRATE_H

#include <stdint.h>
#include <stdio.h>

#include "powersched/config.h"
#include "powersched/error.h"
#include "powersched/job_stream.h"
#include "powersched/workloadgen.h"

/* ------------------------------------------------------------- the logs */

typedef struct ps_calib_log {
    ps_job_stream stream;   /* the covered hours, in time order */
    int files;
    long steps_skipped;     /* job-step rows the reader left out */
    long clamped[PS_WG_ATTRS]; /* jobs whose duration / nodes / cores were clamped */
    int64_t first_hour, last_hour; /* epoch hours (UTC) of the first and last bin */
} ps_calib_log;

/* Reads the sacct logs (ps_sacct_read: an error names the file and line; a
 * missing or empty file is an error) into one stream. ps_calib_log_free frees. */
int ps_calib_log_read(ps_calib_log *log, const char *const *paths, int n, const ps_config *cluster, ps_error *err);
void ps_calib_log_free(ps_calib_log *log);

/* ----------------------------------------------------- what is fitted */

enum { PS_CALIB_SMALL, PS_CALIB_HEAVY, PS_CALIB_BURSTS };

typedef struct ps_calib_burst {
    double baseline;   /* median per-hour count of burst-shaped jobs over hours with arrivals */
    int hours;         /* burst hours in the log */
    double excess;     /* their jobs above the baseline */
    double prob;       /* the burst probability of the same volume, <= 1 */
} ps_calib_burst;

/* Moments of one quantity (population variance). */
typedef struct ps_calib_moments {
    double mean, var;
    int min, max;
} ps_calib_moments;

typedef struct ps_calib_target {
    int hours;
    long jobs;
    ps_calib_moments count;              /* base jobs per hour (burst excess taken off) */
    ps_calib_moments attr[PS_WG_ATTRS];  /* base jobs' duration, nodes, cores per node */
    int lo[PS_WG_ATTRS], hi[PS_WG_ATTRS]; /* every job's range: the clip ranges */
    ps_calib_burst burst[PS_CALIB_BURSTS]; /* all zero without burst fitting */
} ps_calib_target;

/* The moments to fit; with bursts, the burst probabilities first. Returns
 * PS_ERR only when out of memory. */
int ps_calib_target_of(const ps_calib_log *log, int bursts, ps_calib_target *t, ps_error *err);

/* lambda with E[min(max(X, lo), hi)] = mean for X ~ Poisson(lambda): hi
 * when lo == hi, 0 when mean <= lo, large enough that the clip holds nearly
 * every draw at hi when mean >= hi. */
double ps_calib_poisson_lambda(double mean, int lo, int hi);

/* The generator flags of mode fitted to t, as one command-line fragment
 * ("--workload-gen poisson --wg-poisson-lambdas4 ..."). */
void ps_calib_flags(const ps_calib_target *t, ps_wg_mode mode, char *line, size_t size);

/* Parses a flags line as `simulate` would (the generator option group, then
 * ps_wg_flags_build): an error names the flag. */
int ps_calib_flags_config(const char *line, const ps_config *cluster, ps_wg_config *cfg, ps_error *err);

/* Two-sample Kolmogorov-Smirnov distance (sup |F_a - F_b|); sorts a and b
 * in place. 0 when either is empty. */
double ps_calib_ks(double *a, int na, double *b, int nb);

/* ------------------------------------------------------------- the fit */

typedef struct ps_calib_options {
    int mode;      /* -1: try all three and keep the best; else a ps_wg_mode */
    int bursts;    /* fit burst probabilities */
    int hours;     /* hours to sample; 0: 10 x the log's (fewer for a busy log) */
    uint64_t seed;
} ps_calib_options;

typedef struct ps_calib_fit {
    int tried;
    char flags[512];
    ps_dist_row rows[PS_STREAM_ROWS]; /* of the sample */
    double ks[PS_STREAM_ROWS], worst, mean; /* the distances, their maximum and mean */
} ps_calib_fit;

typedef struct ps_calib_result {
    ps_calib_target target;
    ps_dist_row log_rows[PS_STREAM_ROWS];
    ps_calib_fit fit[3]; /* by ps_wg_mode */
    ps_wg_mode best;
    int forced, bursts, sample_hours, cores_per_node;
    uint64_t seed;
} ps_calib_result;

/* Fits, samples each mode tried with its own flags line and keeps the best:
 * the lowest worst distance (no statistic badly off), then the lowest mean;
 * on a tie flat, then poisson, then uniform. */
int ps_calibrate(const ps_calib_log *log, const ps_calib_options *opt, const ps_config *cluster,
                 ps_calib_result *res, ps_error *err);

/* The report: the logs, the bursts, the mode and why (one line), the flags
 * line (alone on its line, starting with --workload-gen), the fit table and
 * the KS distances. */
void ps_calib_print(FILE *fp, const ps_calib_log *log, const ps_calib_result *res);

#endif
