/* job_stream.c - a job source sampled hour by hour, and its statistics. */
#include "powersched/job_stream.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "powersched/prices.h" /* ps_percentile_linear */

int ps_job_stream_sample(const ps_stream_source *src, int hours, uint64_t seed, ps_job_stream *s) {
    memset(s, 0, sizeof *s);
    s->hours = hours;
    s->start = malloc(((size_t)hours + 1) * sizeof *s->start);
    if (!s->start) return -1;
    ps_rng rng;
    ps_rng_seed(&rng, seed, PS_STREAM_ENV); /* the env's arrival stream */
    for (int t = 0; t < hours; t++) {
        s->start[t] = s->jobs.n;
        ps_wg_hour h = {0, 0, 0};
        int rc = src->hourly ? ps_hourly_sample(&src->sampler, t, &rng, &s->jobs)
                             : ps_wg_sample(&src->gen, &rng, &s->jobs, &h);
        if (rc != 0 || ps_arrival_scale(&s->jobs, s->start[t], src->scale, &rng) != 0) {
            ps_job_stream_free(s);
            return -1;
        }
        s->small_bursts += h.small_burst > 0;
        s->heavy_bursts += h.heavy_burst > 0;
    }
    s->start[hours] = s->jobs.n;
    return 0;
}

void ps_job_stream_free(ps_job_stream *s) {
    ps_joblist_free(&s->jobs);
    free(s->start);
    s->start = NULL;
}

uint32_t ps_job_stream_digest(const ps_job_stream *s) {
    uLong crc = crc32(0L, Z_NULL, 0);
    for (int t = 0; t < s->hours; t++)
        for (int i = s->start[t]; i < s->start[t + 1]; i++) {
            int32_t row[4] = {t, s->jobs.v[i].duration, s->jobs.v[i].nodes, s->jobs.v[i].cores};
            crc = crc32(crc, (const Bytef *)row, sizeof row);
        }
    return (uint32_t)crc;
}

int ps_job_stream_equal(const ps_job_stream *a, const ps_job_stream *b) {
    return a->hours == b->hours && a->jobs.n == b->jobs.n &&
           !memcmp(a->jobs.v, b->jobs.v, (size_t)a->jobs.n * sizeof *a->jobs.v) &&
           !memcmp(a->start, b->start, ((size_t)a->hours + 1) * sizeof *a->start);
}

int ps_job_attr(const ps_job *j, int attr) { return attr == 0 ? j->duration : attr == 1 ? j->nodes : j->cores; }

/* ----------------------------------------------------------- statistics */

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts v in place. */
static void dist_row(const char *name, double *v, int n, ps_dist_row *r) {
    static const double Q[7] = {0, 1, 10, 50, 90, 99, 100};
    memset(r, 0, sizeof *r);
    r->name = name;
    r->n = n;
    if (n == 0) return;
    double sum = 0, sq = 0;
    for (int i = 0; i < n; i++) sum += v[i];
    r->mean = sum / n;
    for (int i = 0; i < n; i++) sq += (v[i] - r->mean) * (v[i] - r->mean);
    r->std = sqrt(sq / n);
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    for (int k = 0; k < 7; k++) r->q[k] = ps_percentile_linear(v, (size_t)n, Q[k]);
}

double ps_job_stream_work(const ps_job_stream *s, int t, int cores) {
    double w = 0;
    for (int i = s->start[t]; i < s->start[t + 1]; i++)
        w += (double)s->jobs.v[i].duration * s->jobs.v[i].nodes * (cores ? s->jobs.v[i].cores : 1);
    return w;
}

int ps_job_stream_stats(const ps_job_stream *s, ps_dist_row rows[PS_STREAM_ROWS]) {
    int n = s->jobs.n, hrs = s->hours, most = n > hrs ? n : hrs;
    double *v = malloc((size_t)(most > 0 ? most : 1) * sizeof *v);
    if (!v) return -1;
    for (int t = 0; t < hrs; t++) v[t] = s->start[t + 1] - s->start[t];
    dist_row("jobs/hour", v, hrs, &rows[0]);
    for (int kind = 0; kind < 2; kind++) {
        for (int t = 0; t < hrs; t++) v[t] = ps_job_stream_work(s, t, kind);
        dist_row(kind ? "core-hours/hour" : "node-hours/hour", v, hrs, &rows[1 + kind]);
    }
    static const char *const names[3] = {"duration (h)", "nodes", "cores per node"};
    for (int a = 0; a < 3; a++) {
        for (int i = 0; i < n; i++) v[i] = ps_job_attr(&s->jobs.v[i], a);
        dist_row(names[a], v, n, &rows[3 + a]);
    }
    free(v);
    return 0;
}

void ps_dist_rows_print(FILE *fp, const ps_dist_row *rows, int n) {
    fprintf(fp, "  %-18s %8s %10s %10s %9s %9s %9s %9s %9s %9s %9s\n", "", "n", "mean", "std", "min", "p1", "p10",
            "p50", "p90", "p99", "max");
    for (int i = 0; i < n; i++) {
        const ps_dist_row *r = &rows[i];
        if (r->n == 0) {
            fprintf(fp, "  %-18s %8d  (no values)\n", r->name, 0);
            continue;
        }
        fprintf(fp, "  %-18s %8d %10.2f %10.2f", r->name, r->n, r->mean, r->std);
        for (int k = 0; k < 7; k++) fprintf(fp, " %9.1f", r->q[k]);
        fputc('\n', fp);
    }
}
