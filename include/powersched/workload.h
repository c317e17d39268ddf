/* workload.h - where each hour's new jobs come from (spec 8): the Slurm sacct
 * log reader, the jobs sampler (template replay, exact replay, exact replay
 * aggregate), the durations sampler, the legacy uniform generator and the job
 * arrival scale, and the job sources an env steps through (job_source.h).
 * Loaded data (logs, templates, histograms) is read-only once built, so any
 * number of envs can share it; what changes while stepping lives in the job
 * source each env owns (ps_workload_source). Nothing here is global. */
#ifndef POWERSCHED_WORKLOAD_H
#define POWERSCHED_WORKLOAD_H

#include <stdint.h>

#include "powersched/config.h"
#include "powersched/error.h"
#include "powersched/hourly.h"
#include "powersched/job_source.h"
#include "powersched/rng.h"
#include "powersched/workloadgen.h"

/* ----------------------------------------------------------- sacct log */

/* One job row of a sacct export (spec 8.2). */
typedef struct ps_sacct_job {
    int64_t submit;      /* Submit as seconds since the epoch, read as UTC */
    int32_t date;        /* YYYYMMDD of Submit (string slice, no time zone) */
    int32_t hour;        /* hour of day of Submit */
    int64_t elapsed_s;   /* ElapsedRaw */
    int32_t ncpus, nnodes;
    int32_t cores_per_node;   /* NCPUS div NNodes, 0 if NNodes == 0 */
    int32_t duration_min;     /* max(1, ceil(ElapsedRaw / 60)) */
} ps_sacct_job;

typedef struct ps_sacct_log {
    ps_sacct_job *jobs;
    int n;
    long steps_skipped; /* job-step rows (JobID 123.batch, 123.0) left out */
    long never_ran;     /* SWF jobs with run time or processors -1, left out */
} ps_sacct_log;

/* The longest job a log may hold (ElapsedRaw, seconds: ~31 years), so
 * minutes and hours stay far inside int32 arithmetic. */
#define PS_MAX_JOB_SECONDS INT64_C(1000000000)
/* The largest job log read (bytes). */
#define PS_MAX_LOG_BYTES (INT64_C(8) << 30)

/* Reads a sacct export: the fixed-width default (header, dashes line, one
 * job per line) or --parsable/--parsable2 ('|'-separated). Columns are found
 * by header name (Submit, ElapsedRaw, NCPUS, NNodes required, any order,
 * case-insensitive; others ignored); with a JobID column, job-step rows
 * (123.batch) are skipped and counted. Blank lines and lines starting with
 * '-' are skipped. Malformed rows are errors naming file, line and field; a
 * file without a header or without any job is an error. */
int ps_sacct_read(const char *path, ps_sacct_log *log, ps_error *err);
void ps_sacct_free(ps_sacct_log *log);
/* Room for one more job in log->jobs (*cap: its capacity), for the readers. */
int ps_sacct_log_reserve(ps_sacct_log *log, long *cap, const char *path, ps_error *err);

/* Reads a Standard Workload Format trace (Parallel Workloads Archive) into
 * sacct rows: submit = the header's UnixStartTime (0 when absent) + field 2,
 * read as UTC; ElapsedRaw = run time (field 4); NCPUS = allocated processors
 * (field 5, else requested, field 8); NNodes = ceil(NCPUS / cores_per_node).
 * Jobs that never ran (run time or processors -1) are counted and left out. */
int ps_swf_read(const char *path, int cores_per_node, ps_sacct_log *log, ps_error *err);
/* A job log of either kind: SWF when force_swf, the name ends in .swf or the
 * file starts with a ';' comment; else a sacct export. */
int ps_job_log_read(const char *path, int swf_cores_per_node, int force_swf, ps_sacct_log *log, ps_error *err);
#define PS_SWF_CORES_PER_NODE 96

/* ------------------------------------------------------- jobs sampler */

/* An hourly template of the jobs sampler (spec 8.3): `instances` jobs of
 * duration_h hours on `nodes` nodes x `cores` cores. */
typedef struct ps_template {
    int32_t duration_h, nodes, cores, instances;
} ps_template;

typedef enum ps_replay_mode {
    PS_REPLAY_TEMPLATES = 0,     /* default: precomputed hourly templates */
    PS_REPLAY_EXACT = 1,         /* --jobs-exact-replay: raw jobs in file order */
    PS_REPLAY_EXACT_AGGREGATE = 2 /* --jobs-exact-replay-aggregate: = templates */
} ps_replay_mode;

/* One-hour bins from the first to one past the last submit hour (UTC), each
 * with its raw jobs and its templates. Read-only once created: each reader
 * keeps its own position, which advances one bin per step and wraps. */
typedef struct ps_jobs_sampler {
    ps_sacct_log log;        /* jobs sorted into bins (stable) */
    int n_bins;
    int *bin_start;          /* [n_bins + 1] offsets into log.jobs */
    ps_template *templates;
    int *tpl_start;          /* [n_bins + 1] offsets into templates */
    int64_t first_hour;      /* epoch hour of bin 0 */
    ps_replay_mode mode;
    int max_raw_per_bin, max_jobs_per_bin, max_templates_per_bin;
} ps_jobs_sampler;

int ps_jobs_sampler_create(ps_jobs_sampler *s, const char *path, ps_replay_mode mode, ps_error *err);
/* The same from a log already read (taken over: log is emptied); path only
 * names it in errors. */
int ps_jobs_sampler_create_log(ps_jobs_sampler *s, ps_sacct_log *log, const char *path, ps_replay_mode mode,
                               ps_error *err);
void ps_jobs_sampler_free(ps_jobs_sampler *s);
/* Appends the jobs of bin *position (mode rules of spec 8.4) and advances
 * *position (wrapping). */
int ps_jobs_sampler_next(const ps_jobs_sampler *s, int *position, ps_joblist *out);
/* Jobs one replay pass emits in the sampler's mode. */
int64_t ps_jobs_sampler_pass_jobs(const ps_jobs_sampler *s);

/* Aggregates raw jobs (spec 8.3 aggregate_jobs) and converts the groups to
 * hourly templates (convert_to_hourly_jobs); appends to out, returns count or -1. */
int ps_jobs_to_templates(const ps_sacct_job *jobs, int n, int cores_per_node, int max_nodes,
                         ps_template **out, int *n_out, int *cap);

/* ---------------------------------------------------- durations sampler */

/* Histogram of rounded durations (spec 8.1) sampled by inverse CDF. */
typedef struct ps_durations {
    double *cdf;    /* cdf[d - 1] = P(duration <= d) */
    int max_hours;
    int64_t n_values;
} ps_durations;

int ps_durations_read(ps_durations *d, const char *path, ps_error *err);
void ps_durations_free(ps_durations *d);
int32_t ps_durations_sample(const ps_durations *d, ps_rng *rng);

/* -------------------------------------------------- legacy + arrivals */

/* Legacy uniform generator (spec 8.7): count U{0..max_new}; durations
 * U{1..max_job_duration} as one batch (or from `durations` with `aux_rng`);
 * then nodes and cores alternating per job. */
int ps_legacy_generate(const ps_config *cfg, ps_rng *rng, const ps_durations *durations,
                       ps_rng *aux_rng, ps_joblist *out);

/* Arrival scale (spec 8.6), in place on list[from..n): whole copies, then one
 * uniform per original job keeps a copy with probability frac. */
int ps_arrival_scale(ps_joblist *list, int from, double scale, ps_rng *rng);


/* ------------------------------------------------- the per-step source */

/* Every source the user named; ps_workload_create picks one by the
 * reference's precedence (spec 2.4):
 *   1. jobs log, unless a generator is configured
 *   2. hourly-jobs log (even over a generator)
 *   3. the workload generator
 *   4. the legacy random generator (durations from a file if given).
 * With a generator the arrival scale is forced to 1 (train.py's rule). */
typedef struct ps_workload_spec {
    const char *jobs_path;        /* --jobs: Slurm log for the jobs sampler */
    ps_replay_mode replay_mode;
    const char *hourly_path;      /* --hourly-jobs: Slurm log for the hourly sampler */
    const ps_wg_config *generator; /* --workload-gen: NULL = none */
    const char *durations_path;   /* --job-durations: legacy generator only */
    int swf_cores_per_node;       /* cores per node when a job log is an SWF trace */
    int jobs_swf;                 /* --jobs-swf: the jobs log is SWF whatever its name */
    double arrival_scale;         /* --job-arrival-scale, finite and >= 0 */
} ps_workload_spec;

typedef enum ps_source_kind {
    PS_SOURCE_JOBS_SAMPLER,
    PS_SOURCE_HOURLY,
    PS_SOURCE_GENERATOR,
    PS_SOURCE_LEGACY
} ps_source_kind;

/* The source the precedence picks, and one line per conflict it resolved
 * (e.g. "--hourly-jobs takes precedence over --workload-gen"); the caller
 * prints them. Returns the number of lines written to notes (at most 4). */
int ps_workload_resolve(const ps_workload_spec *spec, ps_source_kind *kind, char notes[4][160]);

/* The loaded data of the chosen source; read-only after ps_workload_create. */
typedef struct ps_workload {
    ps_config cfg;
    ps_source_kind kind;
    ps_jobs_sampler jobs;
    ps_hourly hourly;
    ps_wg_config generator;
    ps_durations durations;
    int has_durations;
    double arrival_scale;
} ps_workload;

int ps_workload_create(ps_workload *w, const ps_config *cfg, const ps_workload_spec *spec, ps_error *err);
void ps_workload_free(ps_workload *w);
/* A job source for one env reading w (which must outlive it): the chosen
 * source then the arrival scale (spec 2.6 step 7, 8.6; with
 * w->cfg.contract.hourly_binomial the hourly sampler scales its drawn count
 * instead, spec 8.6 delta). Its own state is the log position. Returns
 * PS_ERR only when out of memory. */
int ps_workload_source(const ps_workload *w, ps_job_source *out, ps_error *err);
/* Human-readable description of the source (for start-up lines). */
const char *ps_workload_describe(const ps_workload *w);

#endif
