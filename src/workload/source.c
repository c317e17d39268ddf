/* source.c - the per-step job source of an env (spec 2.4, 2.6 step 7, 8.6). */
#include <math.h>
#include <string.h>

#include "powersched/workload.h"

int ps_workload_create(ps_workload *w, const ps_config *cfg, const ps_workload_spec *spec, ps_error *err) {
    memset(w, 0, sizeof *w);
    w->cfg = cfg;
    w->arrival_scale = spec->arrival_scale;
    if (!isfinite(spec->arrival_scale) || spec->arrival_scale < 0)
        return ps_error_set(err, "job arrival scale must be finite and >= 0, got %g", spec->arrival_scale);
    if (spec->jobs_path && *spec->jobs_path) {
        w->kind = PS_SOURCE_JOBS_SAMPLER;
        return ps_jobs_sampler_create(&w->jobs, spec->jobs_path, spec->replay_mode, err);
    }
    w->kind = PS_SOURCE_LEGACY;
    if (spec->durations_path && *spec->durations_path) {
        if (ps_durations_read(&w->durations, spec->durations_path, err) != PS_OK) return PS_ERR;
        w->has_durations = 1;
    }
    return PS_OK;
}

void ps_workload_free(ps_workload *w) {
    if (w->kind == PS_SOURCE_JOBS_SAMPLER) ps_jobs_sampler_free(&w->jobs);
    if (w->has_durations) ps_durations_free(&w->durations);
    memset(w, 0, sizeof *w);
}

int ps_workload_generate(ps_workload *w, ps_rng *rng, ps_rng *aux_rng, ps_joblist *out) {
    int from = out->n, rc;
    if (w->kind == PS_SOURCE_JOBS_SAMPLER)
        rc = ps_jobs_sampler_next(&w->jobs, out);
    else
        rc = ps_legacy_generate(w->cfg, rng, w->has_durations ? &w->durations : NULL, aux_rng, out);
    if (rc != 0) return rc;
    return ps_arrival_scale(out, from, w->arrival_scale, rng);
}

const char *ps_workload_describe(const ps_workload *w) {
    if (w->kind == PS_SOURCE_LEGACY)
        return w->has_durations ? "legacy random generator, durations from file" : "legacy random generator";
    switch (w->jobs.mode) {
    case PS_REPLAY_EXACT: return "jobs log, exact timeline (raw jobs per hour)";
    case PS_REPLAY_EXACT_AGGREGATE: return "jobs log, exact timeline (aggregated per step)";
    default: return "jobs log, hourly templates";
    }
}
