/* job_stream.h - `workloadgen inspect` (spec 9, 14.3): a job source
 * sampled hour by hour as the env would, its statistics and determinism
 * digest (src/workload/job_stream.c), and its plots (src/io/job_stream_plot.c:
 * a gnuplot script with its data, rendered when gnuplot is installed). */
#ifndef POWERSCHED_JOB_STREAM_H
#define POWERSCHED_JOB_STREAM_H

#include <stdint.h>
#include <stdio.h>

#include "powersched/hourly.h"
#include "powersched/workload.h"
#include "powersched/workloadgen.h"

/* What is sampled: the hourly sampler (with an arrival scale) or the
 * workload generator. */
typedef struct ps_stream_source {
    int hourly;
    ps_wg_config gen;
    ps_hourly sampler;
    double scale;
} ps_stream_source;

/* The jobs of `hours` hours: those of hour t are jobs.v[start[t]..start[t+1]). */
typedef struct ps_job_stream {
    ps_joblist jobs;
    int *start; /* hours + 1 entries */
    int hours, small_bursts, heavy_bursts;
} ps_job_stream;

/* Samples src with the env's arrival stream seeded with seed. Returns -1
 * when out of memory (s is then freed). ps_job_stream_free frees. */
int ps_job_stream_sample(const ps_stream_source *src, int hours, uint64_t seed, ps_job_stream *s);
void ps_job_stream_free(ps_job_stream *s);
/* CRC-32 of the rows (hour, duration, nodes, cores). */
uint32_t ps_job_stream_digest(const ps_job_stream *s);
/* The work arriving in hour t: node-hours, or core-hours when cores. */
double ps_job_stream_work(const ps_job_stream *s, int t, int cores);
/* Job by job and hour by hour the same. */
int ps_job_stream_equal(const ps_job_stream *a, const ps_job_stream *b);

/* The job attributes of the histograms: 0 duration (h), 1 nodes, 2 cores
 * per node. */
#define PS_JOB_ATTRS 3
int ps_job_attr(const ps_job *j, int attr);

/* Distribution of one quantity: count, mean, population std and the
 * percentiles min, p1, p10, p50, p90, p99, max (linear interpolation). */
typedef struct ps_dist_row {
    const char *name;
    int n;
    double mean, std, q[7];
} ps_dist_row;

#define PS_STREAM_ROWS 6
/* jobs/hour, node-hours/hour, core-hours/hour, duration (h), nodes, cores per
 * node. Returns -1 when out of memory. */
int ps_job_stream_stats(const ps_job_stream *s, ps_dist_row rows[PS_STREAM_ROWS]);
/* The rows as a table with a header line. */
void ps_dist_rows_print(FILE *fp, const ps_dist_row *rows, int n);

/* dir/<label>.gp with <label>_hourly.dat and the duration, nodes and cores
 * histograms (<label>_<attr>.dat), rendered to <label>.png when gnuplot is
 * there (*png says so). Creates dir. */
int ps_job_stream_plot(const char *dir, const char *label, const char *title, const ps_job_stream *s, int *png,
                       ps_error *err);

#endif
