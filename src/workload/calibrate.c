/* calibrate.c - `workloadgen calibrate`: generator flags fitted to sacct
 * logs, and the fit shown (calibrate.h says how). */
#include "powersched/calibrate.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "powersched/prices.h" /* ps_percentile_linear */
#include "powersched/wg_options.h"
#include "powersched/workload.h"

static const char *const MODE_NAME[3] = {"flat", "poisson", "uniform"};

/* --------------------------------------------------------------- the logs */

typedef struct span {
    int64_t a, b; /* epoch hours, inclusive */
} span;

static int64_t epoch_hour(int64_t s) { return s >= 0 ? s / 3600 : -((-s + 3599) / 3600); }

static int cmp_span(const void *x, const void *y) {
    int64_t a = ((const span *)x)->a, b = ((const span *)y)->a;
    return (a > b) - (a < b);
}

/* The bin of epoch hour h among the merged spans (offsets off[]). */
static int bin_of(const span *sp, const int *off, int m, int64_t h) {
    int k = 0;
    while (k + 1 < m && sp[k + 1].a <= h) k++;
    return off[k] + (int)(h - sp[k].a);
}

static int32_t clamp_count(int64_t v, int32_t lo, int32_t hi, long *clamped) {
    if (v >= lo && v <= hi) return (int32_t)v;
    (*clamped)++;
    return v < lo ? lo : hi;
}

/* A log job as --jobs-exact-replay hands it to the env, within the generator's limits. */
static ps_job convert(const ps_sacct_job *j, int cores_per_node, long clamped[PS_WG_ATTRS]) {
    int64_t hours = (j->duration_min + 59) / 60;
    return (ps_job){clamp_count(hours < 1 ? 1 : hours, 1, PS_MAX_JOB_HOURS, &clamped[PS_WG_DURATION]), 0,
                    clamp_count(j->nnodes, 1, PS_MAX_NODES_PER_JOB_LIMIT, &clamped[PS_WG_NODES]),
                    clamp_count(j->cores_per_node, 1, cores_per_node, &clamped[PS_WG_CORES])};
}

/* Merges the logs' spans (sorted in place) and fills the stream. */
static int fill_stream(ps_calib_log *log, const ps_sacct_log *logs, span *sp, int n, const ps_config *cl,
                       ps_error *err) {
    int64_t total_jobs = 0;
    for (int f = 0; f < n; f++) total_jobs += logs[f].n;
    qsort(sp, (size_t)n, sizeof *sp, cmp_span);
    int m = 0;
    for (int f = 0; f < n; f++) {
        if (m && sp[f].a <= sp[m - 1].b + 1) sp[m - 1].b = sp[f].b > sp[m - 1].b ? sp[f].b : sp[m - 1].b;
        else sp[m++] = sp[f];
    }
    int64_t hours = 0;
    for (int k = 0; k < m; k++) hours += sp[k].b - sp[k].a + 1;
    if (hours > 10000000 || total_jobs > INT32_MAX / 2)
        return ps_error_set(err, "the logs span %lld hours with %lld jobs: more than 10,000,000 hours or %d jobs",
                            (long long)hours, (long long)total_jobs, INT32_MAX / 2);
    ps_job_stream *s = &log->stream;
    int *off = malloc((size_t)m * sizeof *off), *pos = calloc((size_t)hours + 1, sizeof *pos);
    s->start = calloc((size_t)hours + 1, sizeof *s->start);
    if (!off || !pos || !s->start || ps_joblist_reserve(&s->jobs, (int)total_jobs) != 0) {
        free(off);
        free(pos);
        return ps_error_set(err, "out of memory reading %lld jobs", (long long)total_jobs);
    }
    for (int k = 0, o = 0; k < m; o += (int)(sp[k].b - sp[k].a + 1), k++) off[k] = o;
    s->hours = (int)hours;
    for (int f = 0; f < n; f++) /* counting sort by hour, file order within an hour */
        for (int i = 0; i < logs[f].n; i++) s->start[bin_of(sp, off, m, epoch_hour(logs[f].jobs[i].submit)) + 1]++;
    for (int t = 0; t < s->hours; t++) s->start[t + 1] += s->start[t];
    memcpy(pos, s->start, (size_t)hours * sizeof *pos);
    for (int f = 0; f < n; f++)
        for (int i = 0; i < logs[f].n; i++) {
            int t = bin_of(sp, off, m, epoch_hour(logs[f].jobs[i].submit));
            s->jobs.v[pos[t]++] = convert(&logs[f].jobs[i], cl->cores_per_node, log->clamped);
        }
    s->jobs.n = (int)total_jobs;
    log->first_hour = sp[0].a;
    log->last_hour = sp[m - 1].b;
    free(off);
    free(pos);
    return PS_OK;
}

int ps_calib_log_read(ps_calib_log *log, const char *const *paths, int n, const ps_config *cl, ps_error *err) {
    memset(log, 0, sizeof *log);
    if (n < 1) return ps_error_set(err, "no job log given (sacct export, fixed-width or --parsable2)");
    ps_sacct_log *logs = calloc((size_t)n, sizeof *logs);
    span *sp = calloc((size_t)n, sizeof *sp);
    int rc = logs && sp ? PS_OK : ps_error_set(err, "out of memory");
    for (int f = 0; rc == PS_OK && f < n; f++) {
        if ((rc = ps_job_log_read(paths[f], PS_SWF_CORES_PER_NODE, 0, &logs[f], err)) != PS_OK) break;
        log->steps_skipped += logs[f].steps_skipped;
        sp[f].a = sp[f].b = epoch_hour(logs[f].jobs[0].submit);
        for (int i = 1; i < logs[f].n; i++) {
            int64_t h = epoch_hour(logs[f].jobs[i].submit);
            sp[f].a = h < sp[f].a ? h : sp[f].a;
            sp[f].b = h > sp[f].b ? h : sp[f].b;
        }
    }
    log->files = n;
    if (rc == PS_OK) rc = fill_stream(log, logs, sp, n, cl, err);
    for (int f = 0; logs && f < n; f++) ps_sacct_free(&logs[f]);
    free(logs);
    free(sp);
    if (rc != PS_OK) ps_calib_log_free(log);
    return rc;
}

void ps_calib_log_free(ps_calib_log *log) {
    ps_job_stream_free(&log->stream);
    memset(log, 0, sizeof *log);
}

/* ------------------------------------------------------ what is fitted */

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static ps_calib_moments moments(const double *v, int n) {
    ps_calib_moments m = {0, 0, 0, 0};
    if (n == 0) return m;
    double sum = 0, sq = 0, lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < n; i++) {
        sum += v[i];
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
    }
    m.mean = sum / n;
    for (int i = 0; i < n; i++) sq += (v[i] - m.mean) * (v[i] - m.mean);
    m.var = sq / n;
    m.min = (int)floor(lo);
    m.max = (int)ceil(hi);
    return m;
}

static int burst_shaped(const ps_job *j, int kind, const ps_wg_burst *b) {
    for (int a = 0; a < PS_WG_ATTRS; a++) {
        int v = ps_job_attr(j, a);
        if (kind == PS_CALIB_SMALL ? v > b->max[a] : v < b->min[a]) return 0;
    }
    return 1;
}

/* One burst kind: burst hours, their excess taken off base[], the probability. */
static void fit_burst(const ps_job_stream *s, int kind, double *base, unsigned char *burst_hour, double *work,
                      ps_calib_burst *out) {
    ps_wg_config def = ps_wg_config_default(PS_WG_POISSON);
    const ps_wg_burst *b = kind == PS_CALIB_SMALL ? &def.small : &def.heavy;
    int busy = 0;
    for (int t = 0; t < s->hours; t++) {
        int c = 0;
        for (int i = s->start[t]; i < s->start[t + 1]; i++) c += burst_shaped(&s->jobs.v[i], kind, b);
        base[s->hours + t] = c; /* the counts, kept after base[] */
        if (s->start[t + 1] > s->start[t]) work[busy++] = c;
    }
    qsort(work, (size_t)busy, sizeof *work, cmp_double);
    out->baseline = busy ? ps_percentile_linear(work, (size_t)busy, 50) : 0;
    for (int t = 0; t < s->hours; t++) {
        double c = base[s->hours + t];
        if (c < out->baseline + b->jobs_min || c <= out->baseline) continue;
        out->hours++;
        out->excess += c - out->baseline;
        base[t] -= c - out->baseline;
        burst_hour[t] = 1;
    }
    out->prob = out->excess / (s->hours * (b->jobs_min + b->jobs_max) / 2.0);
    if (out->prob > 1) { /* more than one mean burst an hour: the rest stays in the base */
        for (int t = 0; t < s->hours; t++) base[t] += (out->prob - 1) * (b->jobs_min + b->jobs_max) / 2.0;
        out->prob = 1;
    }
}

int ps_calib_target_of(const ps_calib_log *log, int bursts, ps_calib_target *t, ps_error *err) {
    const ps_job_stream *s = &log->stream;
    memset(t, 0, sizeof *t);
    t->hours = s->hours;
    t->jobs = s->jobs.n;
    int n = s->jobs.n, most = n > 2 * s->hours ? n : 2 * s->hours;
    double *base = malloc((size_t)most * sizeof *base), *work = malloc((size_t)most * sizeof *work);
    unsigned char *burst_hour = calloc((size_t)s->hours + 1, 1);
    if (!base || !work || !burst_hour) {
        free(base);
        free(work);
        free(burst_hour);
        return ps_error_set(err, "out of memory");
    }
    for (int h = 0; h < s->hours; h++) base[h] = s->start[h + 1] - s->start[h];
    for (int k = 0; bursts && k < PS_CALIB_BURSTS; k++) fit_burst(s, k, base, burst_hour, work, &t->burst[k]);
    t->count = moments(base, s->hours);
    long kept = 0; /* the base shapes: jobs outside burst hours (all jobs if none are) */
    for (int h = 0; h < s->hours; h++) kept += burst_hour[h] ? 0 : s->start[h + 1] - s->start[h];
    for (int a = 0; a < PS_WG_ATTRS; a++) {
        int k = 0;
        for (int h = 0; h < s->hours; h++)
            for (int i = s->start[h]; i < s->start[h + 1]; i++)
                if (!kept || !burst_hour[h]) work[k++] = ps_job_attr(&s->jobs.v[i], a);
        t->attr[a] = moments(work, k);
        for (int i = 0; i < n; i++) work[i] = ps_job_attr(&s->jobs.v[i], a);
        ps_calib_moments all = moments(work, n);
        t->lo[a] = all.min;
        t->hi[a] = all.max;
    }
    free(base);
    free(work);
    free(burst_hour);
    return PS_OK;
}

/* ------------------------------------------------------------ the flags */

static double clipped_poisson_mean(double lam, int lo, int hi) {
    if (lam <= 0) return lo > 0 ? lo : 0;
    double sd = sqrt(lam), e = 0, mass = 0;
    long k0 = (long)fmax(0, floor(lam - 12 * sd - 20)), k1 = (long)ceil(lam + 12 * sd + 20);
    for (long k = k0; k <= k1; k++) {
        double p = exp(-lam + k * log(lam) - lgamma(k + 1.0));
        e += p * (double)(k < lo ? lo : k > hi ? hi : k);
        mass += p;
    }
    return e / mass;
}

double ps_calib_poisson_lambda(double mean, int lo, int hi) {
    if (lo >= hi) return hi; /* one value: the clip makes any lambda give it */
    if (mean <= lo) return 0;
    double a = 0, b = hi + 12 * sqrt(hi) + 20;
    if (mean >= hi) return b;
    for (int it = 0; it < 200 && b - a > 1e-10 * (b > 1 ? b : 1); it++) {
        double m = (a + b) / 2;
        if (clipped_poisson_mean(m, lo, hi) < mean) a = m;
        else b = m;
    }
    return (a + b) / 2;
}

/* U{a..b} of w values around the mean, within [lo, hi] (the mean kept when
 * a limit cuts the range). */
static void uniform_of(double mean, long w, int lo, int hi, int *a, int *b) {
    long x = lround(mean - (w - 1) / 2.0), y = x + w - 1;
    if (x < lo) x = lo, y = lround(2 * mean - lo);
    if (y > hi) y = hi, x = lround(2 * mean - hi);
    *a = (int)(x < lo ? lo : x > hi ? hi : x);
    *b = (int)(y < *a ? *a : y > hi ? hi : y);
}

/* U{a..b} with the mean and variance (w^2 - 1) / 12 of w = b - a + 1 values:
 * of w and w -+ 1 the one nearest the mean (an even w centres on a half). */
static void fit_uniform(const ps_calib_moments *m, int lo, int hi, int *a, int *b) {
    long w = lround(sqrt(12 * m->var + 1));
    const long tries[3] = {w, w - 1, w + 1};
    double best = INFINITY;
    for (int k = 0; k < 3; k++) {
        int x, y;
        if (tries[k] < 1) continue;
        uniform_of(m->mean, tries[k], lo, hi, &x, &y);
        if (fabs((x + y) / 2.0 - m->mean) < best - 1e-12) {
            best = fabs((x + y) / 2.0 - m->mean);
            *a = x, *b = y;
        }
    }
}

/* target +- jitter (variance j(j+1)/3), the jitter kept inside [lo, hi]. */
static void fit_flat(const ps_calib_moments *m, int lo, int hi, int *target, int *jitter) {
    long t = lround(m->mean), j = lround((sqrt(1 + 12 * m->var) - 1) / 2);
    t = t < lo ? lo : t > hi ? hi : t;
    if (j > t - lo) j = t - lo;
    if (j > hi - t) j = hi - t;
    *target = (int)t;
    *jitter = (int)j;
}

#define MAX_JOBS_HOUR 100000000 /* --wg-max-jobs-hour's limit */

void ps_calib_flags(const ps_calib_target *t, ps_wg_mode mode, char *line, size_t size) {
    size_t n = 0;
#define ADD(...) (n += (size_t)snprintf(line + n, n < size ? size - n : 0, __VA_ARGS__))
    double mean = t->count.mean, cap = fmax(1500, fmax(t->count.max, ceil(mean + 12 * sqrt(mean) + 20)));
    int top = (int)fmin(cap, MAX_JOBS_HOUR), r[4][2] = {{0, top}};
    for (int a = 0; a < PS_WG_ATTRS; a++) r[a + 1][0] = t->lo[a], r[a + 1][1] = t->hi[a];
    ADD("--workload-gen %s", MODE_NAME[mode]);
    if (mode == PS_WG_POISSON) {
        ADD(" --wg-poisson-lambdas4 %.6g", mean);
        for (int a = 0; a < PS_WG_ATTRS; a++)
            ADD(",%.6g", ps_calib_poisson_lambda(t->attr[a].mean, t->lo[a], t->hi[a]));
    } else if (mode == PS_WG_FLAT) {
        int tg[4], jt[4];
        fit_flat(&t->count, 0, top, &tg[0], &jt[0]);
        for (int a = 0; a < PS_WG_ATTRS; a++) fit_flat(&t->attr[a], t->lo[a], t->hi[a], &tg[a + 1], &jt[a + 1]);
        ADD(" --wg-flat-targets4 %d,%d,%d,%d --wg-flat-jitters4 %d,%d,%d,%d", tg[0], tg[1], tg[2], tg[3], jt[0], jt[1],
            jt[2], jt[3]);
    } else {
        fit_uniform(&t->count, 0, MAX_JOBS_HOUR, &r[0][0], &r[0][1]);
        for (int a = 0; a < PS_WG_ATTRS; a++) fit_uniform(&t->attr[a], t->lo[a], t->hi[a], &r[a + 1][0], &r[a + 1][1]);
    }
    ADD(" --wg-uniform-ranges4 %d:%d,%d:%d,%d:%d,%d:%d", r[0][0], r[0][1], r[1][0], r[1][1], r[2][0], r[2][1], r[3][0],
        r[3][1]);
    if (t->burst[PS_CALIB_SMALL].prob > 0) ADD(" --wg-burst-small-prob %.6g", t->burst[PS_CALIB_SMALL].prob);
    if (t->burst[PS_CALIB_HEAVY].prob > 0) ADD(" --wg-burst-heavy-prob %.6g", t->burst[PS_CALIB_HEAVY].prob);
#undef ADD
}

int ps_calib_flags_config(const char *line, const ps_config *cluster, ps_wg_config *cfg, ps_error *err) {
    char buf[1024], *argv[64];
    int argc = 0;
    if (strlen(line) >= sizeof buf) return ps_error_set(err, "flags line longer than %zu bytes", sizeof buf - 1);
    snprintf(buf, sizeof buf, "%s", line);
    for (char *save, *tok = strtok_r(buf, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
        if (argc == 64) return ps_error_set(err, "flags line has more than 64 words");
        argv[argc++] = tok;
    }
    ps_wg_flags f;
    ps_wg_flags_init(&f);
    ps_optset set;
    ps_optset_init(&set);
    ps_wg_flags_options(&f, &set);
    int help = 0, enabled = 0;
    if (ps_optset_parse(&set, argc, argv, &help, err) != PS_OK) return PS_ERR;
    if (ps_wg_flags_build(&f, cluster, cfg, &enabled, err) != PS_OK) return PS_ERR;
    return enabled ? PS_OK : ps_error_set(err, "the flags line has no --workload-gen");
}

/* ------------------------------------------------------------- the fit */

double ps_calib_ks(double *a, int na, double *b, int nb) {
    if (na <= 0 || nb <= 0) return 0;
    qsort(a, (size_t)na, sizeof *a, cmp_double);
    qsort(b, (size_t)nb, sizeof *b, cmp_double);
    double d = 0;
    for (int i = 0, j = 0; i < na && j < nb;) {
        double x = a[i] < b[j] ? a[i] : b[j];
        while (i < na && a[i] <= x) i++;
        while (j < nb && b[j] <= x) j++;
        d = fmax(d, fabs((double)i / na - (double)j / nb));
    }
    return d;
}

/* The values behind row `row` of ps_job_stream_stats; returns their count. */
static int row_values(const ps_job_stream *s, int row, double *v) {
    if (row < 3) {
        for (int t = 0; t < s->hours; t++)
            v[t] = row == 0 ? s->start[t + 1] - s->start[t] : ps_job_stream_work(s, t, row == 2);
        return s->hours;
    }
    for (int i = 0; i < s->jobs.n; i++) v[i] = ps_job_attr(&s->jobs.v[i], row - 3);
    return s->jobs.n;
}

static int size_of(const ps_job_stream *s) { return s->jobs.n > s->hours ? s->jobs.n : s->hours; }

/* Samples one flags line and compares it with the log. */
static int try_mode(const ps_calib_log *log, ps_wg_mode mode, const ps_config *cl, ps_calib_result *res,
                    ps_error *err) {
    ps_calib_fit *fit = &res->fit[mode];
    ps_calib_flags(&res->target, mode, fit->flags, sizeof fit->flags);
    ps_stream_source src = {.scale = 1.0};
    if (ps_calib_flags_config(fit->flags, cl, &src.gen, err) != PS_OK) return PS_ERR;
    ps_job_stream g;
    if (ps_job_stream_sample(&src, res->sample_hours, res->seed, &g) != 0)
        return ps_error_set(err, "out of memory sampling %d hours", res->sample_hours);
    double *a = malloc((size_t)size_of(&log->stream) * sizeof *a), *b = malloc((size_t)(size_of(&g) + 1) * sizeof *b);
    int rc = a && b && ps_job_stream_stats(&g, fit->rows) == 0 ? PS_OK : ps_error_set(err, "out of memory");
    fit->worst = fit->mean = 0;
    for (int row = 0; rc == PS_OK && row < PS_STREAM_ROWS; row++) {
        int na = row_values(&log->stream, row, a), nb = row_values(&g, row, b);
        fit->ks[row] = ps_calib_ks(a, na, b, nb);
        fit->worst = fmax(fit->worst, fit->ks[row]);
        fit->mean += fit->ks[row] / PS_STREAM_ROWS;
    }
    fit->tried = rc == PS_OK;
    free(a);
    free(b);
    ps_job_stream_free(&g);
    return rc;
}

/* The lower worst distance, then the lower mean (1e-9: a tie keeps the earlier mode). */
static int better(const ps_calib_fit *a, const ps_calib_fit *b) {
    if (fabs(a->worst - b->worst) > 1e-9) return a->worst < b->worst;
    return a->mean < b->mean - 1e-9;
}

int ps_calibrate(const ps_calib_log *log, const ps_calib_options *opt, const ps_config *cl, ps_calib_result *res,
                 ps_error *err) {
    memset(res, 0, sizeof *res);
    res->seed = opt->seed;
    res->forced = opt->mode >= 0;
    res->bursts = opt->bursts;
    res->cores_per_node = cl->cores_per_node;
    if (ps_job_stream_stats(&log->stream, res->log_rows) != 0) return ps_error_set(err, "out of memory");
    if (ps_calib_target_of(log, opt->bursts, &res->target, err) != PS_OK) return PS_ERR;
    double per_hour = (double)log->stream.jobs.n / log->stream.hours, hours = 10.0 * log->stream.hours;
    if (hours * per_hour > 2e6) hours = fmax(log->stream.hours, 2e6 / per_hour); /* a busy log: ~2M jobs */
    res->sample_hours = opt->hours > 0 ? opt->hours : (int)fmin(hours, 1e7);
    if (res->sample_hours * per_hour > 5e7)
        return ps_error_set(err, "--hours %d: about %.3g jobs to sample at the log's %.4g jobs/hour; at most 5e7",
                            res->sample_hours, res->sample_hours * per_hour, per_hour);
    int have = 0;
    for (int m = PS_WG_FLAT; m <= PS_WG_UNIFORM; m++) {
        if (res->forced && m != opt->mode) continue;
        if (try_mode(log, (ps_wg_mode)m, cl, res, err) != PS_OK) return PS_ERR;
        if (!have || better(&res->fit[m], &res->fit[res->best])) res->best = (ps_wg_mode)m;
        have = 1;
    }
    return PS_OK;
}

/* ------------------------------------------------------------ the report */

static void hour_text(int64_t h, char *buf, size_t size) {
    time_t t = (time_t)(h * 3600);
    struct tm tm;
    if (gmtime_r(&t, &tm)) strftime(buf, size, "%Y-%m-%d %H:00", &tm);
    else snprintf(buf, size, "hour %lld", (long long)h);
}

static void print_bursts(FILE *fp, const ps_calib_result *res) {
    if (!res->bursts) {
        fprintf(fp, "bursts: not fitted (--no-bursts)\n");
        return;
    }
    ps_wg_config def = ps_wg_config_default(PS_WG_POISSON);
    for (int k = 0; k < PS_CALIB_BURSTS; k++) {
        const ps_calib_burst *b = &res->target.burst[k];
        const ps_wg_burst *g = k == PS_CALIB_SMALL ? &def.small : &def.heavy;
        const int *lim = k == PS_CALIB_SMALL ? g->max : g->min;
        const char *op = k == PS_CALIB_SMALL ? "<=" : ">=", *name = k == PS_CALIB_SMALL ? "small" : "heavy";
        fprintf(fp, "%s %s (jobs %s %d h, %s %d nodes, %s %d cores): ", k ? "       " : "bursts:", name, op, lim[0], op,
                lim[1], op, lim[2]);
        if (!b->hours) {
            fprintf(fp, "none (no hour %d+ above their hourly median %g)\n", g->jobs_min, b->baseline);
            continue;
        }
        fprintf(fp, "%d burst hour(s) (%.3g %%), %.0f jobs above their hourly median %g\n", b->hours,
                100.0 * b->hours / res->target.hours, b->excess, b->baseline);
        fprintf(fp, "          -> --wg-burst-%s-prob %.6g: the same volume in bursts of %d..%d jobs\n", name, b->prob,
                g->jobs_min, g->jobs_max);
    }
}

void ps_calib_print(FILE *fp, const ps_calib_log *log, const ps_calib_result *res) {
    static const char *const attr[PS_WG_ATTRS] = {"durations", "node counts", "cores per node"};
    const ps_job_stream *s = &log->stream;
    char first[32], last[32];
    hour_text(log->first_hour, first, sizeof first);
    hour_text(log->last_hour, last, sizeof last);
    fprintf(fp, "logs: %d file(s), %d jobs in %d hours (%s .. %s UTC, zero hours included), %.4g jobs/hour\n",
            log->files, s->jobs.n, s->hours, first, last, (double)s->jobs.n / s->hours);
    if (log->steps_skipped) fprintf(fp, "  job-step rows skipped: %ld\n", log->steps_skipped);
    for (int a = 0; a < PS_WG_ATTRS; a++)
        if (log->clamped[a])
            fprintf(fp, "  %ld jobs' %s clamped into the generator's range (1..%d)\n", log->clamped[a], attr[a],
                    a == PS_WG_DURATION ? PS_MAX_JOB_HOURS : a == PS_WG_NODES ? PS_MAX_NODES_PER_JOB_LIMIT
                                                                              : res->cores_per_node);
    print_bursts(fp, res);
    const ps_calib_fit *best = &res->fit[res->best];
    fprintf(fp, "mode: %s (", MODE_NAME[res->best]);
    if (res->forced) fprintf(fp, "forced by --mode; worst KS distance %.3f, mean %.3f)\n", best->worst, best->mean);
    else {
        fprintf(fp, "the best fit: its worst KS distance over the six statistics below is %.3f", best->worst);
        for (int m = PS_WG_FLAT; m <= PS_WG_UNIFORM; m++)
            if (m != (int)res->best)
                fprintf(fp, ", %s's %.3f%s", MODE_NAME[m], res->fit[m].worst,
                        better(best, &res->fit[m]) || m < (int)res->best ? "" : " too: the simpler mode kept");
        fprintf(fp, ")\n");
    }
    fprintf(fp, "\n%s\n\n", best->flags);
    fprintf(fp, "fit: the log (%d hours) against %d hours drawn with these flags (seed %llu)\n", s->hours,
            res->sample_hours, (unsigned long long)res->seed);
    ps_dist_row rows[2 * PS_STREAM_ROWS];
    for (int r = 0; r < PS_STREAM_ROWS; r++) {
        rows[2 * r] = res->log_rows[r];
        rows[2 * r + 1] = best->rows[r];
        rows[2 * r + 1].name = "  generated";
    }
    ps_dist_rows_print(fp, rows, 2 * PS_STREAM_ROWS);
    fprintf(fp, "  KS distance (0: same distribution, 1: disjoint):");
    for (int r = 0; r < PS_STREAM_ROWS; r++)
        fprintf(fp, "%s %s %.3f", r ? "," : "", res->log_rows[r].name, best->ks[r]);
    fprintf(fp, "\n");
}
