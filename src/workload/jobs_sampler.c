/* jobs_sampler.c - hour-by-hour replay of a sacct log (spec 8.3, 8.4). */
#include <stdlib.h>
#include <string.h>

#include "powersched/workload.h"

static int32_t clamp32(int64_t v, int32_t lo, int32_t hi) { return v < lo ? lo : v > hi ? hi : (int32_t)v; }
static int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

/* ------------------------------------------------------------ templates */

typedef struct group {
    int32_t nnodes, cpn, minutes;
    int64_t count, core_minutes;
    int order;
} group;

/* Stable sort by total core-minutes, descending (ties: first appearance). */
static int group_cmp(const void *a, const void *b) {
    const group *x = a, *y = b;
    if (x->core_minutes != y->core_minutes) return x->core_minutes > y->core_minutes ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

static ps_template group_template(const group *g, int cpn_max, int nodes_max) {
    ps_template t;
    if (g->minutes < 60) {
        /* A sub-hour group becomes ONE wider 1-hour job of the same core-hours. */
        int64_t eq_cores = ceil_div(g->core_minutes, 60);
        if (eq_cores < 1) eq_cores = 1;
        int64_t eq_nodes = ceil_div(eq_cores, cpn_max);
        if (eq_nodes < 1) eq_nodes = 1;
        if (eq_nodes > nodes_max) eq_nodes = nodes_max;
        int64_t needed = eq_cores < eq_nodes * cpn_max ? eq_cores : eq_nodes * cpn_max;
        int64_t cpn = ceil_div(needed, eq_nodes);
        t.duration_h = 1;
        t.nodes = (int32_t)eq_nodes;
        t.cores = (int32_t)(cpn < cpn_max ? cpn : cpn_max);
        t.instances = 1;
    } else {
        t.duration_h = (int32_t)ceil_div(g->minutes, 60);
        t.nodes = clamp32(g->nnodes, 1, nodes_max);
        t.cores = clamp32(g->cpn, 1, cpn_max);
        t.instances = (int32_t)g->count;
    }
    return t;
}

int ps_jobs_to_templates(const ps_sacct_job *jobs, int n, int cpn_max, int nodes_max,
                         ps_template **out, int *n_out, int *cap) {
    if (n == 0) return 0;
    group *g = malloc((size_t)n * sizeof *g);
    if (!g) return -1;
    int ng = 0;
    for (int i = 0; i < n; i++) {
        const ps_sacct_job *j = &jobs[i];
        int k = 0;
        while (k < ng && !(g[k].nnodes == j->nnodes && g[k].cpn == j->cores_per_node &&
                           g[k].minutes == j->duration_min))
            k++;
        if (k == ng) g[ng++] = (group){j->nnodes, j->cores_per_node, j->duration_min, 0, 0, k};
        g[k].count++;
        g[k].core_minutes += (int64_t)j->nnodes * j->cores_per_node * j->duration_min;
    }
    qsort(g, (size_t)ng, sizeof *g, group_cmp);
    if (*n_out + ng > *cap) {
        int ncap = *cap ? *cap : 256;
        while (ncap < *n_out + ng) ncap *= 2;
        ps_template *t = realloc(*out, (size_t)ncap * sizeof *t);
        if (!t) { free(g); return -1; }
        *out = t;
        *cap = ncap;
    }
    for (int k = 0; k < ng; k++) (*out)[(*n_out)++] = group_template(&g[k], cpn_max, nodes_max);
    free(g);
    return ng;
}

/* ---------------------------------------------------------------- sampler */

static int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

/* Stable counting sort of the jobs into their UTC submit-hour bins. */
static int bin_jobs(ps_jobs_sampler *s) {
    ps_sacct_job *j = s->log.jobs;
    int n = s->log.n;
    int64_t lo = floor_div(j[0].submit, 3600), hi = lo;
    for (int i = 1; i < n; i++) {
        int64_t h = floor_div(j[i].submit, 3600);
        if (h < lo) lo = h;
        if (h > hi) hi = h;
    }
    if (hi - lo > 10 * 365 * 24) return -2; /* more than ten years of hourly bins */
    s->first_hour = lo;
    s->n_bins = (int)(hi - lo) + 2; /* plus the empty trailing bin */
    s->bin_start = calloc((size_t)s->n_bins + 1, sizeof *s->bin_start);
    ps_sacct_job *sorted = malloc((size_t)n * sizeof *sorted);
    if (!s->bin_start || !sorted) { free(sorted); return -1; }
    for (int i = 0; i < n; i++) s->bin_start[floor_div(j[i].submit, 3600) - lo + 1]++;
    for (int b = 0; b < s->n_bins; b++) s->bin_start[b + 1] += s->bin_start[b];
    int *fill = malloc((size_t)s->n_bins * sizeof *fill);
    if (!fill) { free(sorted); return -1; }
    memcpy(fill, s->bin_start, (size_t)s->n_bins * sizeof *fill);
    for (int i = 0; i < n; i++) sorted[fill[floor_div(j[i].submit, 3600) - lo]++] = j[i];
    free(fill);
    free(s->log.jobs);
    s->log.jobs = sorted;
    return 0;
}

int ps_jobs_sampler_create(ps_jobs_sampler *s, const char *path, ps_replay_mode mode, ps_error *err) {
    ps_sacct_log log;
    if (ps_job_log_read(path, PS_SWF_CORES_PER_NODE, 0, &log, err) != PS_OK) return PS_ERR;
    return ps_jobs_sampler_create_log(s, &log, path, mode, err);
}

int ps_jobs_sampler_create_log(ps_jobs_sampler *s, ps_sacct_log *log, const char *path, ps_replay_mode mode,
                               ps_error *err) {
    memset(s, 0, sizeof *s);
    s->mode = mode;
    s->log = *log;
    memset(log, 0, sizeof *log);
    int rc = bin_jobs(s);
    if (rc == -2) {
        ps_jobs_sampler_free(s);
        return ps_error_set(err, "%s: submit times span more than ten years", path);
    }
    s->tpl_start = calloc((size_t)s->n_bins + 1, sizeof *s->tpl_start);
    if (rc != 0 || !s->tpl_start) {
        ps_jobs_sampler_free(s);
        return ps_error_set(err, "%s: out of memory binning jobs", path);
    }
    int n_tpl = 0, cap = 0;
    for (int b = 0; b < s->n_bins; b++) {
        int first = s->bin_start[b], cnt = s->bin_start[b + 1] - first;
        s->tpl_start[b] = n_tpl;
        if (ps_jobs_to_templates(s->log.jobs + first, cnt, 96, PS_MAX_NODES_PER_JOB_LIMIT,
                                 &s->templates, &n_tpl, &cap) < 0) {
            ps_jobs_sampler_free(s);
            return ps_error_set(err, "%s: out of memory building templates", path);
        }
        int jobs = 0;
        for (int t = s->tpl_start[b]; t < n_tpl; t++)
            jobs += s->templates[t].instances > 1 ? s->templates[t].instances : 1;
        if (cnt > s->max_raw_per_bin) s->max_raw_per_bin = cnt;
        if (jobs > s->max_jobs_per_bin) s->max_jobs_per_bin = jobs;
        if (n_tpl - s->tpl_start[b] > s->max_templates_per_bin) s->max_templates_per_bin = n_tpl - s->tpl_start[b];
    }
    s->tpl_start[s->n_bins] = n_tpl;
    return PS_OK;
}

void ps_jobs_sampler_free(ps_jobs_sampler *s) {
    ps_sacct_free(&s->log);
    free(s->bin_start);
    free(s->templates);
    free(s->tpl_start);
    memset(s, 0, sizeof *s);
}

int ps_jobs_sampler_next(const ps_jobs_sampler *s, int *position, ps_joblist *out) {
    int b = *position;
    *position = (b + 1) % s->n_bins;
    if (s->mode == PS_REPLAY_EXACT) {
        for (int i = s->bin_start[b]; i < s->bin_start[b + 1]; i++) {
            const ps_sacct_job *j = &s->log.jobs[i];
            ps_job job = {(int32_t)ceil_div(j->duration_min, 60), 0,
                          clamp32(j->nnodes, 1, PS_MAX_NODES_PER_JOB_LIMIT),
                          clamp32(j->cores_per_node, 1, 96)};
            if (job.duration < 1) job.duration = 1;
            if (ps_joblist_push(out, job) != 0) return -1;
        }
        return 0;
    }
    /* Template replay and exact-replay-aggregate give the same list (spec 8.4). */
    for (int t = s->tpl_start[b]; t < s->tpl_start[b + 1]; t++) {
        const ps_template *tp = &s->templates[t];
        ps_job job = {tp->duration_h, 0, tp->nodes, tp->cores};
        for (int k = 0; k < (tp->instances > 1 ? tp->instances : 1); k++)
            if (ps_joblist_push(out, job) != 0) return -1;
    }
    return 0;
}

int64_t ps_jobs_sampler_pass_jobs(const ps_jobs_sampler *s) {
    if (s->mode == PS_REPLAY_EXACT) return s->log.n;
    int64_t n = 0;
    for (int t = 0; t < s->tpl_start[s->n_bins]; t++)
        n += s->templates[t].instances > 1 ? s->templates[t].instances : 1;
    return n;
}
