/* job_source.h - where an env's new jobs come from, seen from the simulator:
 * a small table of functions (Redis rio style). The simulator knows no job
 * source types and no files; src/workload builds sources (log replay, the
 * hourly sampler, the generators) and hands one to each env. */
#ifndef POWERSCHED_JOB_SOURCE_H
#define POWERSCHED_JOB_SOURCE_H

#include "powersched/config.h"
#include "powersched/rng.h"

#define PS_TOO_MANY_JOBS (-2)

typedef struct ps_job_source_ops {
    /* Appends this hour's new jobs to out. `hour` is the hour within the
     * episode minus one (0..episode_hours-1; the hourly sampler's day phase),
     * `rng` the env stream, `aux_rng` the env's second stream (the
     * reference's global numpy RNG). Returns 0, -1 when out of memory, or
     * PS_TOO_MANY_JOBS when the hour would bring more than PS_MAX_HOUR_JOBS. */
    int (*next)(void *state, int hour, ps_rng *rng, ps_rng *aux_rng, ps_joblist *out);
    /* One line saying what the source is (for start-up lines). */
    const char *(*describe)(const void *state);
    /* Releases state (the data it only points at stays with its owner). */
    void (*free)(void *state);
} ps_job_source_ops;

/* A source instance: ops == NULL means no jobs ever arrive. */
typedef struct ps_job_source {
    const ps_job_source_ops *ops;
    void *state;
} ps_job_source;

#endif
