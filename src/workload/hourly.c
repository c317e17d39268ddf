/* hourly.c - the hourly statistical sampler (spec 8.5). */
#include "powersched/hourly.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "powersched/job_source.h"
#include "powersched/workload.h"

#define LOG_CORES_CAP 96 /* precalculate_hourly_templates(96, 16) */
#define LOG_NODES_CAP 16

static int32_t min32(int32_t a, int32_t b) { return a < b ? a : b; }

/* Dates in first-appearance order; returns the index of `date`. */
static int date_index(int32_t *dates, int *n, int32_t date) {
    for (int i = *n - 1; i >= 0; i--)
        if (dates[i] == date) return i;
    dates[*n] = date;
    return (*n)++;
}

static int build_counts(ps_hourly *h, const ps_sacct_log *log) {
    int32_t *dates = malloc((size_t)log->n * sizeof *dates);
    int *job_date = malloc((size_t)log->n * sizeof *job_date);
    if (!dates || !job_date) {
        free(dates);
        free(job_date);
        return -1;
    }
    int nd = 0;
    for (int i = 0; i < log->n; i++) job_date[i] = date_index(dates, &nd, log->jobs[i].date);
    h->n_dates = nd;
    h->counts = calloc((size_t)24 * nd, sizeof *h->counts);
    if (h->counts)
        for (int i = 0; i < log->n; i++) h->counts[log->jobs[i].hour * nd + job_date[i]]++;
    free(dates);
    free(job_date);
    return h->counts ? 0 : -1;
}

typedef struct pool_job {
    int32_t minutes, nodes, cores;
} pool_job;

/* Templates of one hour from its pool (file order): sub-hour bins keyed by
 * (nodes, cores) in first-appearance order, then the hour-or-longer jobs. */
static int hour_templates(ps_hourly *h, const pool_job *pool, int n, int *count, int *cap) {
    if (*count + n + 1 > *cap) {
        int ncap = (*count + n + 1) * 2;
        ps_hourly_template *t = realloc(h->tpl, (size_t)ncap * sizeof *t);
        if (!t) return -1;
        h->tpl = t;
        *cap = ncap;
    }
    int first = *count;
    int64_t *minutes = calloc((size_t)n + 1, sizeof *minutes);
    if (!minutes) return -1;
    for (int i = 0; i < n; i++) {
        int32_t nn = min32(pool[i].nodes, LOG_NODES_CAP), c = min32(pool[i].cores, LOG_CORES_CAP);
        if (pool[i].minutes >= 60) continue;
        int k = first;
        while (k < *count && !(h->tpl[k].nodes == nn && h->tpl[k].cores == c)) k++;
        if (k == *count) h->tpl[(*count)++] = (ps_hourly_template){nn, c, 1, 0, 0, 1};
        minutes[k - first] += pool[i].minutes;
        h->tpl[k].originals++;
    }
    for (int k = first; k < *count; k++) {
        int64_t hj = (minutes[k - first] + 59) / 60;
        h->tpl[k].hourly_jobs = (int32_t)(hj < 1 ? 1 : hj);
    }
    free(minutes);
    for (int i = 0; i < n; i++) {
        if (pool[i].minutes < 60) continue;
        int32_t hours = (pool[i].minutes + 59) / 60;
        h->tpl[(*count)++] = (ps_hourly_template){min32(pool[i].nodes, LOG_NODES_CAP),
                                                   min32(pool[i].cores, LOG_CORES_CAP), hours < 1 ? 1 : hours, 1, 1, 0};
    }
    return 0;
}

static int build_templates(ps_hourly *h, const ps_sacct_log *log) {
    pool_job *pool = malloc(((size_t)log->n + 1) * sizeof *pool);
    if (!pool) return -1;
    int count = 0, cap = 0;
    for (int hr = 0; hr < 24; hr++) {
        int n = 0;
        for (int i = 0; i < log->n; i++)
            if (log->jobs[i].hour == hr)
                pool[n++] = (pool_job){log->jobs[i].duration_min, log->jobs[i].nnodes, log->jobs[i].cores_per_node};
        h->pool_size[hr] = n;
        /* An empty pool falls back to one dummy job (1 minute, 1 node, 1 core). */
        if (n == 0) pool[n++] = (pool_job){1, 1, 1};
        h->total_weight[hr] = n;
        h->tpl_start[hr] = count;
        if (hour_templates(h, pool, n, &count, &cap) != 0) {
            free(pool);
            return -1;
        }
    }
    h->tpl_start[24] = count;
    free(pool);
    return 0;
}

int ps_hourly_create(ps_hourly *h, const char *path, ps_error *err) {
    ps_sacct_log log;
    if (ps_job_log_read(path, PS_SWF_CORES_PER_NODE, 0, &log, err) != PS_OK) return PS_ERR;
    int rc = ps_hourly_create_log(h, &log, path, err);
    ps_sacct_free(&log);
    return rc;
}

int ps_hourly_create_log(ps_hourly *h, const ps_sacct_log *log, const char *path, ps_error *err) {
    memset(h, 0, sizeof *h);
    h->skipped = log->steps_skipped + log->never_ran;
    if (!(build_counts(h, log) == 0 && build_templates(h, log) == 0)) {
        ps_hourly_free(h);
        return ps_error_set(err, "%s: out of memory building the hourly sampler", path);
    }
    return PS_OK;
}

void ps_hourly_free(ps_hourly *h) {
    free(h->counts);
    free(h->tpl);
    memset(h, 0, sizeof *h);
}

int ps_hourly_sample(const ps_hourly *h, int hour, ps_rng *rng, ps_joblist *out) {
    return ps_hourly_sample_scaled(h, hour, 1.0, rng, out);
}

int ps_hourly_sample_scaled(const ps_hourly *h, int hour, double scale, ps_rng *rng, ps_joblist *out) {
    if (scale <= 0) return 0;
    int hr = ((hour % 24) + 24) % 24;
    int64_t num = h->counts[hr * h->n_dates + ps_rng_int(rng, 0, h->n_dates - 1)];
    double whole = floor(scale), frac = scale - whole;
    /* scale 1 leaves the count (and the draws) as the reference's */
    if (num > 0) num = num * (int64_t)whole + (frac > 0 ? ps_rng_binomial(rng, num, frac) : 0);
    if (num <= 0 || h->tpl_start[hr] == h->tpl_start[hr + 1]) return 0;
    double s = (double)num / (double)h->total_weight[hr];
    int from = out->n;
    for (int k = h->tpl_start[hr]; k < h->tpl_start[hr + 1]; k++) {
        const ps_hourly_template *t = &h->tpl[k];
        double expected = (t->sub_hour ? t->hourly_jobs : 1) * s;
        double whole_jobs = floor(expected);
        int64_t n = (int64_t)whole_jobs;
        if (ps_rng_uniform(rng) < expected - whole_jobs) n++; /* always drawn, even for a zero fraction */
        ps_job j = {t->duration_h, 0, t->nodes, t->cores};
        if (n > PS_MAX_HOUR_JOBS - (out->n - from)) return PS_TOO_MANY_JOBS;
        if (ps_joblist_reserve(out, out->n + (int)n) != 0) return -1;
        for (int64_t i = 0; i < n; i++) out->v[out->n++] = j;
    }
    return 0;
}

double ps_hourly_expected_jobs(const ps_hourly *h, int hour) {
    int hr = ((hour % 24) + 24) % 24;
    double mean = 0, mult = 0;
    for (int d = 0; d < h->n_dates; d++) mean += h->counts[hr * h->n_dates + d] > 0 ? h->counts[hr * h->n_dates + d] : 0;
    mean /= h->n_dates;
    for (int k = h->tpl_start[hr]; k < h->tpl_start[hr + 1]; k++) mult += h->tpl[k].sub_hour ? h->tpl[k].hourly_jobs : 1;
    return mean * mult / (double)h->total_weight[hr];
}
