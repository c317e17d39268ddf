/* source.c - the per-step job source of an env (spec 2.4, 2.6 step 7, 8.6). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "powersched/workload.h"

static int given(const char *path) { return path && *path; }

int ps_workload_resolve(const ps_workload_spec *s, ps_source_kind *kind, char notes[4][160]) {
    int n = 0;
    int jobs = given(s->jobs_path), hourly = given(s->hourly_path), gen = s->generator != NULL;
    if (jobs && !gen) *kind = PS_SOURCE_JOBS_SAMPLER;
    else if (hourly) *kind = PS_SOURCE_HOURLY;
    else if (gen) *kind = PS_SOURCE_GENERATOR;
    else *kind = PS_SOURCE_LEGACY;
    if (jobs && gen) snprintf(notes[n++], 160, "--workload-gen takes precedence over --jobs: the jobs log is not used");
    if (hourly && *kind == PS_SOURCE_JOBS_SAMPLER)
        snprintf(notes[n++], 160, "--jobs takes precedence over --hourly-jobs: the hourly sampler is not used");
    if (hourly && gen)
        snprintf(notes[n++], 160, "--hourly-jobs takes precedence over --workload-gen: the generator is not used");
    if (given(s->durations_path) && *kind != PS_SOURCE_LEGACY)
        snprintf(notes[n++], 160, "--job-durations only feeds the legacy generator: not used with this job source");
    return n;
}

static int swf_cpn(const ps_workload_spec *spec) {
    return spec->swf_cores_per_node > 0 ? spec->swf_cores_per_node : PS_SWF_CORES_PER_NODE;
}

static int open_jobs(ps_workload *w, const ps_workload_spec *spec, ps_error *err) {
    ps_sacct_log log;
    if (ps_job_log_read(spec->jobs_path, swf_cpn(spec), spec->jobs_swf, &log, err) != PS_OK) return PS_ERR;
    return ps_jobs_sampler_create_log(&w->jobs, &log, spec->jobs_path, spec->replay_mode, err);
}

static int open_hourly(ps_workload *w, const ps_workload_spec *spec, ps_error *err) {
    ps_sacct_log log;
    if (ps_job_log_read(spec->hourly_path, swf_cpn(spec), 0, &log, err) != PS_OK) return PS_ERR;
    int rc = ps_hourly_create_log(&w->hourly, &log, spec->hourly_path, err);
    ps_sacct_free(&log);
    return rc;
}

int ps_workload_create(ps_workload *w, const ps_config *cfg, const ps_workload_spec *spec, ps_error *err) {
    memset(w, 0, sizeof *w);
    w->cfg = *cfg;
    char notes[4][160];
    ps_workload_resolve(spec, &w->kind, notes);
    if (!isfinite(spec->arrival_scale) || spec->arrival_scale < 0)
        return ps_error_set(err, "job arrival scale must be finite and >= 0, got %g", spec->arrival_scale);
    w->arrival_scale = spec->generator ? 1.0 : spec->arrival_scale;
    switch (w->kind) {
    case PS_SOURCE_JOBS_SAMPLER: return open_jobs(w, spec, err);
    case PS_SOURCE_HOURLY: return open_hourly(w, spec, err);
    case PS_SOURCE_GENERATOR:
        w->generator = *spec->generator;
        return ps_wg_config_check(&w->generator, cfg, err);
    case PS_SOURCE_LEGACY:
        if (given(spec->durations_path)) {
            if (ps_durations_read(&w->durations, spec->durations_path, err) != PS_OK) return PS_ERR;
            w->has_durations = 1;
        }
        return PS_OK;
    }
    return PS_OK;
}

void ps_workload_free(ps_workload *w) {
    if (w->kind == PS_SOURCE_JOBS_SAMPLER) ps_jobs_sampler_free(&w->jobs);
    if (w->kind == PS_SOURCE_HOURLY) ps_hourly_free(&w->hourly);
    if (w->has_durations) ps_durations_free(&w->durations);
    memset(w, 0, sizeof *w);
}

/* ------------------------------------------------- one env's job source */

typedef struct cursor {
    const ps_workload *w;
    int position; /* jobs sampler: the next bin */
} cursor;

static int cursor_next(void *state, int hour, ps_rng *rng, ps_rng *aux_rng, ps_joblist *out) {
    cursor *c = state;
    const ps_workload *w = c->w;
    int from = out->n, rc = 0;
    switch (w->kind) {
    case PS_SOURCE_JOBS_SAMPLER: rc = ps_jobs_sampler_next(&w->jobs, &c->position, out); break;
    case PS_SOURCE_HOURLY:
        /* --hourly-scale binomial scales the drawn count instead of thinning the jobs */
        if (w->cfg.contract.hourly_binomial) return ps_hourly_sample_scaled(&w->hourly, hour, w->arrival_scale, rng, out);
        rc = ps_hourly_sample(&w->hourly, hour, rng, out);
        break;
    case PS_SOURCE_GENERATOR: rc = ps_wg_sample(&w->generator, rng, out, NULL); break;
    case PS_SOURCE_LEGACY:
        rc = ps_legacy_generate(&w->cfg, rng, w->has_durations ? &w->durations : NULL, aux_rng, out);
        break;
    }
    if (rc != 0) return rc;
    return ps_arrival_scale(out, from, w->arrival_scale, rng);
}

static const char *cursor_describe(const void *state) { return ps_workload_describe(((const cursor *)state)->w); }

static void cursor_free(void *state) { free(state); }

static const ps_job_source_ops CURSOR_OPS = {cursor_next, cursor_describe, cursor_free};

int ps_workload_source(const ps_workload *w, ps_job_source *out, ps_error *err) {
    cursor *c = calloc(1, sizeof *c);
    if (!c) return ps_error_set(err, "out of memory");
    c->w = w;
    out->ops = &CURSOR_OPS;
    out->state = c;
    return PS_OK;
}

const char *ps_workload_describe(const ps_workload *w) {
    switch (w->kind) {
    case PS_SOURCE_LEGACY:
        return w->has_durations ? "legacy random generator, durations from file" : "legacy random generator";
    case PS_SOURCE_HOURLY: return "hourly statistical sampler";
    case PS_SOURCE_GENERATOR:
        return w->generator.mode == PS_WG_FLAT ? "workload generator, flat"
               : w->generator.mode == PS_WG_POISSON ? "workload generator, poisson"
                                                     : "workload generator, uniform";
    case PS_SOURCE_JOBS_SAMPLER: break;
    }
    switch (w->jobs.mode) {
    case PS_REPLAY_EXACT: return "jobs log, exact timeline (raw jobs per hour)";
    case PS_REPLAY_EXACT_AGGREGATE: return "jobs log, exact timeline (aggregated per step)";
    default: return "jobs log, hourly templates";
    }
}
