/* workloadgen.h - the synthetic workload generator (spec 9): a job count per
 * hour and job shapes in one of three modes (flat, poisson, uniform), plus
 * optional small and heavy bursts. Stateless apart from its configuration:
 * every draw comes from the RNG passed in, so the same seed and configuration
 * give the same job stream. */
#ifndef POWERSCHED_WORKLOADGEN_H
#define POWERSCHED_WORKLOADGEN_H

#include "powersched/config.h"
#include "powersched/error.h"
#include "powersched/rng.h"

/* A Poisson(lambda) sampler with its constants precomputed. Up to lambda
 * 240 (where 0 .. lambda + 12 sd fits the table) Walker's alias method: one
 * 64-bit draw per value; above, Hoermann's PTRS (what numpy uses). The
 * generator draws three attributes for every job, so this is its hot path. */
#define PS_POISSON_TABLE 512
typedef struct ps_poisson {
    double lam;
    int table_len;                     /* > 0: alias table in use */
    double prob[PS_POISSON_TABLE];     /* keep k with this probability ... */
    uint16_t alias[PS_POISSON_TABLE];  /* ... else take alias[k] */
    double slam, loglam, a, b, invalpha, vr, log_invalpha;
} ps_poisson;

void ps_poisson_init(ps_poisson *p, double lambda);
int64_t ps_poisson_draw(const ps_poisson *p, ps_rng *r);
/* One draw with a sampler built on the spot (tests, one-off use). */
int64_t ps_rng_poisson(ps_rng *r, double lambda);

typedef enum ps_wg_mode { PS_WG_FLAT, PS_WG_POISSON, PS_WG_UNIFORM } ps_wg_mode;

/* Attribute index: duration (h), nodes, cores per node. */
enum { PS_WG_DURATION, PS_WG_NODES, PS_WG_CORES, PS_WG_ATTRS };

/* One burst injector (spec 9.1 burst_* fields). */
typedef struct ps_wg_burst {
    double prob;               /* per-hour probability, 0..1 */
    int jobs_min, jobs_max;
    int min[PS_WG_ATTRS], max[PS_WG_ATTRS];
} ps_wg_burst;

/* WorkloadGenConfig (spec 9.1). */
typedef struct ps_wg_config {
    ps_wg_mode mode;
    int uniform_min_jobs, max_jobs;           /* uniform count range; max_jobs caps every mode */
    double lambda;                            /* poisson count */
    double lambda_attr[PS_WG_ATTRS];          /* poisson attributes */
    int flat_jobs, flat_jitter;               /* flat count */
    int flat_target[PS_WG_ATTRS], flat_attr_jitter[PS_WG_ATTRS];
    int min[PS_WG_ATTRS], max[PS_WG_ATTRS];   /* clip ranges */
    ps_wg_burst small, heavy;
    int hard_cap;                             /* <= 0: none; caps base count and final list */
    /* derived by ps_wg_config_check: samplers of lambda and lambda_attr */
    ps_poisson poisson_count, poisson_attr[PS_WG_ATTRS];
} ps_wg_config;

/* The defaults of spec 9.1 for `mode`, with the constructor's midpoints
 * (round half to even: duration 86, nodes 8, cores 48). */
ps_wg_config ps_wg_config_default(ps_wg_mode mode);

/* The constructor's normalisation and checks (spec 9.1): min <= max
 * everywhere, uniform_min <= max_jobs, probabilities in [0, 1], burst job
 * counts ordered, burst bounds clamped into the main ranges and reordered,
 * lambdas finite and >= 0; node and core ranges within what the cluster
 * model can hold (nodes <= 16, cores <= cores_per_node). It also prepares the
 * Poisson samplers: ps_wg_sample needs a config that passed this check. */
int ps_wg_config_check(ps_wg_config *c, const ps_config *cluster, ps_error *err);

/* How many jobs of one hour's final list came from each part. */
typedef struct ps_wg_hour {
    int base, small_burst, heavy_burst; /* job counts of each part */
} ps_wg_hour;

/* Appends one hour's jobs (spec 9.2: base, small burst, heavy burst) with the
 * draw order of the reference. Returns 0, or -1 when out of memory. */
int ps_wg_sample(const ps_wg_config *c, ps_rng *rng, ps_joblist *out, ps_wg_hour *hour);


#endif
