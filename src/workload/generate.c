/* generate.c - the legacy uniform generator and the arrival scale (spec 8.6, 8.7). */
#include <limits.h>
#include <math.h>

#include "powersched/job_source.h"

#include "powersched/workload.h"

int ps_legacy_generate(const ps_config *cfg, ps_rng *rng, const ps_durations *durations,
                       ps_rng *aux_rng, ps_joblist *out) {
    int count = (int)ps_rng_int(rng, 0, cfg->max_new_jobs_per_hour);
    int first = out->n;
    if (ps_joblist_reserve(out, first + count) != 0) return -1;
    /* Durations first as one batch (the reference's single vectorised call),
     * then nodes and cores alternating per job. */
    for (int i = 0; i < count; i++) {
        ps_job j = {0, 0, 0, 0};
        j.duration = durations ? ps_durations_sample(durations, aux_rng)
                               : (int32_t)ps_rng_int(rng, 1, cfg->max_job_duration);
        out->v[first + i] = j;
    }
    for (int i = 0; i < count; i++) {
        out->v[first + i].nodes = (int32_t)ps_rng_int(rng, cfg->min_nodes_per_job, cfg->max_nodes_per_job);
        out->v[first + i].cores = (int32_t)ps_rng_int(rng, cfg->min_cores_per_job, cfg->max_cores_per_job);
    }
    out->n = first + count;
    return 0;
}

int ps_arrival_scale(ps_joblist *l, int from, double scale, ps_rng *rng) {
    int n = l->n - from;
    if (n <= 0 || scale == 1.0) return 0;
    if (scale <= 0) {
        l->n = from;
        return 0;
    }
    double whole = floor(scale), frac = scale - whole;
    /* In doubles first: n * whole overflows int long before memory runs out. */
    if ((double)n * scale > PS_MAX_HOUR_JOBS || (double)n * (whole + 1) > INT_MAX - from) return PS_TOO_MANY_JOBS;
    int kept = n * (int)whole;
    if (ps_joblist_reserve(l, from + kept + n) != 0) return -1;
    /* The originals at [from, from+n) are the first whole copy; further copies
     * follow. With no whole copy the kept originals are compacted in place
     * (write index <= read index, so nothing unread is overwritten). */
    for (int w = 1; w < (int)whole; w++)
        for (int i = 0; i < n; i++) l->v[from + w * n + i] = l->v[from + i];
    int tail = from + kept;
    for (int i = 0; i < n && frac > 0; i++)
        if (ps_rng_uniform(rng) < frac) l->v[tail++] = l->v[from + i];
    l->n = tail;
    return 0;
}
