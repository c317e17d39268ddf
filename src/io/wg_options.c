/* wg_options.c - the workload-generator option group (spec 9.5). */
#include "powersched/wg_options.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void ps_wg_flags_init(ps_wg_flags *f) {
    memset(f, 0, sizeof *f);
    f->mode = f->lambdas4 = f->flat_targets4 = f->flat_jitters4 = f->uniform_ranges4 = "";
    f->lambda = 200.0;
    f->max_jobs_hour = 1500;
    f->flat_jobs_hour = 200;
}

void ps_wg_flags_options(ps_wg_flags *f, ps_optset *set) {
    const ps_option opts[] = {
        {"--workload-gen", OPT_STRING, &f->mode, "MODE", "synthetic workload generator: flat, poisson or uniform", 0, 0},
        {"--wg-poisson-lambda", OPT_DOUBLE, &f->lambda, "L", "poisson: mean jobs per hour", 0, 1e9},
        {"--wg-poisson-lambdas4", OPT_STRING, &f->lambdas4, "A,D,N,C", "poisson: means of jobs/h, duration, nodes, cores", 0, 0},
        {"--wg-max-jobs-hour", OPT_INT, &f->max_jobs_hour, "N", "cap on the base jobs per hour (every mode)", 0, 1e8},
        {"--wg-flat-jobs-hour", OPT_INT, &f->flat_jobs_hour, "N", "flat: jobs per hour", 0, 1e8},
        {"--wg-flat-jitter", OPT_INT, &f->flat_jitter, "N", "flat: +- jitter of jobs per hour", 0, 1e8},
        {"--wg-flat-targets4", OPT_STRING, &f->flat_targets4, "A,D,N,C", "flat: jobs/h, duration, nodes, cores", 0, 0},
        {"--wg-flat-jitters4", OPT_STRING, &f->flat_jitters4, "A,D,N,C", "flat: +- jitters of the four", 0, 0},
        {"--wg-uniform-ranges4", OPT_STRING, &f->uniform_ranges4, "a:b,d:e,n:m,c:k",
         "jobs/h range and the duration, nodes, cores ranges (clip every mode)", 0, 0},
        {"--wg-burst-small-prob", OPT_DOUBLE, &f->burst_small_prob, "P", "per-hour probability of a small burst (50..750 short jobs)", 0, 1},
        {"--wg-burst-heavy-prob", OPT_DOUBLE, &f->burst_heavy_prob, "P", "per-hour probability of a heavy burst (1..12 long wide jobs)", 0, 1},
    };
    ps_optset_add(set, PS_GROUP_GENERATOR, opts, PS_COUNT(opts));
}

/* --------------------------------------------------------- four values */

/* Splits "a,b,c,d" into 4 stripped parts (in buf). */
static int split4(const char *flag, const char *s, char *buf, size_t size, char *part[4], ps_error *err) {
    snprintf(buf, size, "%s", s);
    int n = 0;
    for (char *p = buf;; n++) {
        char *comma = strchr(p, ',');
        if (n < 4) part[n] = p;
        if (!comma) { n++; break; }
        *comma = '\0';
        p = comma + 1;
    }
    if (n != 4) return ps_error_set(err, "%s: expected 4 comma-separated values, got %d in '%s'", flag, n, s);
    for (int i = 0; i < 4; i++) {
        while (isspace((unsigned char)*part[i])) part[i]++;
        char *e = part[i] + strlen(part[i]);
        while (e > part[i] && isspace((unsigned char)e[-1])) *--e = '\0';
    }
    return PS_OK;
}

static int strict_int(const char *flag, const char *s, int *out, ps_error *err) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end || errno == ERANGE || v < INT32_MIN || v > INT32_MAX)
        return ps_error_set(err, "%s: '%s' is not an integer", flag, s);
    *out = (int)v;
    return PS_OK;
}

static int ints4(const char *flag, const char *s, int out[4], ps_error *err) {
    char buf[256], *part[4];
    if (split4(flag, s, buf, sizeof buf, part, err) != PS_OK) return PS_ERR;
    for (int i = 0; i < 4; i++)
        if (strict_int(flag, part[i], &out[i], err) != PS_OK) return PS_ERR;
    return PS_OK;
}

static int doubles4(const char *flag, const char *s, double out[4], ps_error *err) {
    char buf[256], *part[4];
    if (split4(flag, s, buf, sizeof buf, part, err) != PS_OK) return PS_ERR;
    for (int i = 0; i < 4; i++) {
        char *end;
        errno = 0;
        out[i] = strtod(part[i], &end);
        if (end == part[i] || *end || errno == ERANGE || !isfinite(out[i]))
            return ps_error_set(err, "%s: '%s' is not a finite number", flag, part[i]);
    }
    return PS_OK;
}

static int ranges4(const char *flag, const char *s, int lo[4], int hi[4], ps_error *err) {
    char buf[256], *part[4];
    if (split4(flag, s, buf, sizeof buf, part, err) != PS_OK) return PS_ERR;
    for (int i = 0; i < 4; i++) {
        char *colon = strchr(part[i], ':');
        if (!colon || strchr(colon + 1, ':'))
            return ps_error_set(err, "%s: '%s' is not a range min:max", flag, part[i]);
        *colon = '\0';
        if (strict_int(flag, part[i], &lo[i], err) != PS_OK || strict_int(flag, colon + 1, &hi[i], err) != PS_OK)
            return PS_ERR;
        if (lo[i] > hi[i]) return ps_error_set(err, "%s: range %d:%d has min > max", flag, lo[i], hi[i]);
    }
    return PS_OK;
}

/* ---------------------------------------------------------------- build */

static int parse_mode(const char *s, ps_wg_mode *mode, ps_error *err) {
    char m[16];
    size_t n = 0;
    while (isspace((unsigned char)*s)) s++;
    for (; *s && n < sizeof m - 1; s++) m[n++] = (char)tolower((unsigned char)*s);
    while (n && isspace((unsigned char)m[n - 1])) n--;
    m[n] = '\0';
    if (!strcmp(m, "flat")) *mode = PS_WG_FLAT;
    else if (!strcmp(m, "poisson")) *mode = PS_WG_POISSON;
    else if (!strcmp(m, "uniform")) *mode = PS_WG_UNIFORM;
    else return ps_error_set(err, "--workload-gen: '%s' is not flat, poisson or uniform", m);
    return PS_OK;
}

int ps_wg_flags_build(const ps_wg_flags *f, const ps_config *cluster, ps_wg_config *c, int *enabled, ps_error *err) {
    *enabled = 0;
    if (!*f->mode) return PS_OK;
    ps_wg_mode mode = PS_WG_POISSON;
    if (parse_mode(f->mode, &mode, err) != PS_OK) return PS_ERR;
    *c = ps_wg_config_default(mode);
    c->max_jobs = f->max_jobs_hour;
    if (*f->uniform_ranges4) {
        int lo[4], hi[4];
        if (ranges4("--wg-uniform-ranges4", f->uniform_ranges4, lo, hi, err) != PS_OK) return PS_ERR;
        c->uniform_min_jobs = lo[0];
        c->max_jobs = hi[0];
        for (int a = 0; a < PS_WG_ATTRS; a++) c->min[a] = lo[a + 1], c->max[a] = hi[a + 1];
    }
    int mid[PS_WG_ATTRS]; /* the CLI's midpoints use floor (spec 9.5 step 3) */
    for (int a = 0; a < PS_WG_ATTRS; a++) mid[a] = (int)(((int64_t)c->min[a] + c->max[a]) / 2); /* no int overflow */
    double lam[4] = {f->lambda, mid[0], mid[1], mid[2]};
    if (*f->lambdas4 && doubles4("--wg-poisson-lambdas4", f->lambdas4, lam, err) != PS_OK) return PS_ERR;
    int tgt[4] = {f->flat_jobs_hour, mid[0], mid[1], mid[2]}, jit[4] = {f->flat_jitter, 0, 0, 0};
    if (*f->flat_targets4 && ints4("--wg-flat-targets4", f->flat_targets4, tgt, err) != PS_OK) return PS_ERR;
    if (*f->flat_jitters4 && ints4("--wg-flat-jitters4", f->flat_jitters4, jit, err) != PS_OK) return PS_ERR;
    for (int i = 0; i < 4; i++) {
        if (lam[i] < 0) return ps_error_set(err, "--wg-poisson-lambdas4: lambda %g is negative", lam[i]);
        if (jit[i] < 0) return ps_error_set(err, "--wg-flat-jitters4: jitter %d is negative", jit[i]);
    }
    c->lambda = lam[0];
    c->flat_jobs = tgt[0];
    c->flat_jitter = jit[0];
    for (int a = 0; a < PS_WG_ATTRS; a++) {
        c->lambda_attr[a] = lam[a + 1];
        c->flat_target[a] = tgt[a + 1];
        c->flat_attr_jitter[a] = jit[a + 1];
    }
    c->small.prob = f->burst_small_prob;
    c->heavy.prob = f->burst_heavy_prob;
    if (ps_wg_config_check(c, cluster, err) != PS_OK) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        return ps_error_set(err, "--workload-gen: %s", msg);
    }
    *enabled = 1;
    return PS_OK;
}
