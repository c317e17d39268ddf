/* workloadgen.c - the synthetic workload generator (spec 9.1, 9.2). */
#include "powersched/workloadgen.h"

#include <math.h>
#include <string.h>

/* ---------------------------------------------------------------- poisson */

__extension__ typedef unsigned __int128 u128;

/* Vose's alias method over pmf(0 .. n-1), scaled so the mean bin weight is 1. */
static void alias_init(ps_poisson *p, int n) {
    double w[PS_POISSON_TABLE], pk = exp(-p->lam), total = 0;
    for (int k = 0; k < n; k++) {
        w[k] = pk;
        total += pk;
        pk *= p->lam / (k + 1);
    }
    int small[PS_POISSON_TABLE], large[PS_POISSON_TABLE], ns = 0, nl = 0;
    for (int k = 0; k < n; k++) {
        w[k] *= n / total;
        if (w[k] < 1) small[ns++] = k;
        else large[nl++] = k;
    }
    while (ns && nl) {
        int s = small[--ns], l = large[nl - 1];
        p->prob[s] = w[s];
        p->alias[s] = (uint16_t)l;
        w[l] -= 1 - w[s];
        if (w[l] < 1) {
            nl--;
            small[ns++] = l;
        }
    }
    while (nl) p->prob[large[--nl]] = 1;
    while (ns) p->prob[small[--ns]] = 1; /* rounding leftovers */
    p->table_len = n;
}

void ps_poisson_init(ps_poisson *p, double lam) {
    memset(p, 0, sizeof *p);
    p->lam = lam;
    double span = lam + 12 * sqrt(lam) + 20; /* P(X > span) < 1e-30 */
    if (span <= PS_POISSON_TABLE) {
        alias_init(p, (int)span);
        return;
    }
    p->slam = sqrt(lam);
    p->loglam = log(lam);
    p->b = 0.931 + 2.53 * p->slam;
    p->a = -0.059 + 0.02483 * p->b;
    p->invalpha = 1.1239 + 1.1328 / (p->b - 3.4);
    p->vr = 0.9277 - 3.6224 / (p->b - 2);
    p->log_invalpha = log(p->invalpha);
}

int64_t ps_poisson_draw(const ps_poisson *p, ps_rng *r) {
    if (p->lam <= 0) return 0;
    if (p->table_len) {
        /* x * n: the high word picks the bin, the low word is a fresh uniform. */
        u128 m = (u128)ps_rng_next(r) * (uint64_t)p->table_len;
        int k = (int)(m >> 64);
        double f = (double)((uint64_t)m >> 11) * 0x1.0p-53;
        return f < p->prob[k] ? k : p->alias[k];
    }
    for (;;) {
        double u = ps_rng_uniform(r) - 0.5, v = ps_rng_uniform(r);
        double us = 0.5 - fabs(u);
        double k = floor((2 * p->a / us + p->b) * u + p->lam + 0.43);
        if (us >= 0.07 && v <= p->vr) return (int64_t)k;
        if (k < 0 || (us < 0.013 && v > us)) continue;
        if (log(v) + p->log_invalpha - log(p->a / (us * us) + p->b) <= -p->lam + k * p->loglam - lgamma(k + 1))
            return (int64_t)k;
    }
}

int64_t ps_rng_poisson(ps_rng *r, double lam) {
    ps_poisson p;
    ps_poisson_init(&p, lam);
    return ps_poisson_draw(&p, r);
}

/* ---------------------------------------------------------------- config */

/* Python's round() of an integer midpoint .5: half to even. */
static int mid_round_even(int lo, int hi) {
    int s = lo + hi;
    if (s % 2 == 0) return s / 2;
    int down = (s - 1) / 2;
    return down % 2 == 0 ? down : down + 1;
}

ps_wg_config ps_wg_config_default(ps_wg_mode mode) {
    ps_wg_config c;
    memset(&c, 0, sizeof c);
    c.mode = mode;
    c.max_jobs = 1500;
    c.lambda = 200.0;
    c.flat_jobs = 200;
    int mn[PS_WG_ATTRS] = {1, 1, 1}, mx[PS_WG_ATTRS] = {170, 16, 96};
    for (int a = 0; a < PS_WG_ATTRS; a++) {
        c.min[a] = mn[a];
        c.max[a] = mx[a];
        c.flat_target[a] = mid_round_even(mn[a], mx[a]);
        c.lambda_attr[a] = c.flat_target[a];
    }
    c.small = (ps_wg_burst){0.0, 50, 750, {1, 1, 1}, {8, 2, 16}};
    c.heavy = (ps_wg_burst){0.0, 1, 12, {72, 4, 32}, {170, 16, 96}};
    return c;
}

static int clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

static const char *ATTR_NAME[PS_WG_ATTRS] = {"duration", "nodes", "cores"};

static int check_burst(ps_wg_burst *b, const char *name, const ps_wg_config *c, ps_error *err) {
    if (!(b->prob >= 0 && b->prob <= 1)) return ps_error_set(err, "%s burst probability %g outside [0, 1]", name, b->prob);
    if (b->jobs_min > b->jobs_max)
        return ps_error_set(err, "%s burst jobs min %d > max %d", name, b->jobs_min, b->jobs_max);
    for (int a = 0; a < PS_WG_ATTRS; a++) {
        int lo = clampi(b->min[a], c->min[a], c->max[a]), hi = clampi(b->max[a], c->min[a], c->max[a]);
        b->min[a] = lo < hi ? lo : hi;
        b->max[a] = lo < hi ? hi : lo;
    }
    return PS_OK;
}

int ps_wg_config_check(ps_wg_config *c, const ps_config *cl, ps_error *err) {
    if (c->mode != PS_WG_FLAT && c->mode != PS_WG_POISSON && c->mode != PS_WG_UNIFORM)
        return ps_error_set(err, "unknown workload generator mode %d", (int)c->mode);
    if (c->uniform_min_jobs < 0 || c->max_jobs < 0 || c->uniform_min_jobs > c->max_jobs)
        return ps_error_set(err, "job count range %d..%d is invalid", c->uniform_min_jobs, c->max_jobs);
    if (!isfinite(c->lambda) || c->lambda < 0) return ps_error_set(err, "poisson lambda %g must be finite and >= 0", c->lambda);
    int limit[PS_WG_ATTRS] = {PS_MAX_JOB_HOURS, PS_MAX_NODES_PER_JOB_LIMIT, cl->cores_per_node};
    for (int a = 0; a < PS_WG_ATTRS; a++) {
        if (c->min[a] > c->max[a]) return ps_error_set(err, "%s range %d..%d: min > max", ATTR_NAME[a], c->min[a], c->max[a]);
        if (c->min[a] < (a == PS_WG_DURATION ? 1 : 0) || c->max[a] > limit[a])
            return ps_error_set(err, "%s range %d..%d outside what the cluster can run (%d..%d)", ATTR_NAME[a],
                                c->min[a], c->max[a], a == PS_WG_DURATION ? 1 : 0, limit[a]);
        if (!isfinite(c->lambda_attr[a]) || c->lambda_attr[a] < 0)
            return ps_error_set(err, "poisson lambda of %s %g must be finite and >= 0", ATTR_NAME[a], c->lambda_attr[a]);
        if (c->flat_attr_jitter[a] < 0) return ps_error_set(err, "flat %s jitter %d must be >= 0", ATTR_NAME[a], c->flat_attr_jitter[a]);
    }
    if (c->flat_jobs < 0 || c->flat_jitter < 0)
        return ps_error_set(err, "flat jobs per hour %d and jitter %d must be >= 0", c->flat_jobs, c->flat_jitter);
    if (check_burst(&c->small, "small", c, err) != PS_OK || check_burst(&c->heavy, "heavy", c, err) != PS_OK)
        return PS_ERR;
    ps_poisson_init(&c->poisson_count, c->lambda);
    for (int a = 0; a < PS_WG_ATTRS; a++) ps_poisson_init(&c->poisson_attr[a], c->lambda_attr[a]);
    return PS_OK;
}

/* ---------------------------------------------------------------- sample */

/* The prepared sampler, or a fresh one if the config changed after its check. */
static int64_t poisson(const ps_poisson *p, double lam, ps_rng *r) {
    return p->lam == lam ? ps_poisson_draw(p, r) : ps_rng_poisson(r, lam);
}

static int64_t draw_count(const ps_wg_config *c, ps_rng *r) {
    switch (c->mode) {
    case PS_WG_FLAT:
        if (c->flat_jitter <= 0) return c->flat_jobs;
        return ps_rng_int(r, (int64_t)c->flat_jobs - c->flat_jitter, (int64_t)c->flat_jobs + c->flat_jitter);
    case PS_WG_POISSON: return poisson(&c->poisson_count, c->lambda, r);
    default: return ps_rng_int(r, c->uniform_min_jobs, c->max_jobs);
    }
}

static int32_t draw_attr(const ps_wg_config *c, int a, ps_rng *r) {
    int64_t v;
    switch (c->mode) {
    case PS_WG_FLAT: {
        int t = c->flat_target[a], j = c->flat_attr_jitter[a];
        v = j <= 0 ? t : ps_rng_int(r, (int64_t)t - j, (int64_t)t + j);
        break;
    }
    case PS_WG_POISSON: v = poisson(&c->poisson_attr[a], c->lambda_attr[a], r); break;
    default: v = ps_rng_int(r, c->min[a], c->max[a]); break;
    }
    return (int32_t)(v < c->min[a] ? c->min[a] : v > c->max[a] ? c->max[a] : v);
}

static int32_t *attr_field(ps_job *j, int a) {
    return a == PS_WG_DURATION ? &j->duration : a == PS_WG_NODES ? &j->nodes : &j->cores;
}

/* Appends n jobs whose attributes come as three batches (durations, then
 * nodes, then cores), like the reference's vectorised draws. */
static int append_batch(ps_joblist *out, int n, ps_rng *r, int32_t (*draw)(const void *, int, ps_rng *),
                        const void *ctx) {
    int first = out->n;
    if (ps_joblist_reserve(out, first + n) != 0) return -1;
    memset(out->v + first, 0, (size_t)n * sizeof *out->v);
    for (int a = 0; a < PS_WG_ATTRS; a++)
        for (int i = 0; i < n; i++) *attr_field(&out->v[first + i], a) = draw(ctx, a, r);
    out->n = first + n;
    return 0;
}

static int32_t draw_base_attr(const void *ctx, int a, ps_rng *r) { return draw_attr(ctx, a, r); }

static int32_t draw_burst_attr(const void *ctx, int a, ps_rng *r) {
    const ps_wg_burst *b = ctx;
    return (int32_t)ps_rng_int(r, b->min[a], b->max[a]);
}

/* Spec 9.2 steps 3-4; returns the burst's job count or -1. */
static int burst(const ps_wg_burst *b, ps_rng *r, ps_joblist *out) {
    if (b->prob <= 0 || b->jobs_max <= 0) return 0;
    if (!(ps_rng_uniform(r) < b->prob)) return 0;
    int n = (int)ps_rng_int(r, b->jobs_min, b->jobs_max);
    if (n <= 0) return 0;
    return append_batch(out, n, r, draw_burst_attr, b) != 0 ? -1 : n;
}

int ps_wg_sample(const ps_wg_config *c, ps_rng *r, ps_joblist *out, ps_wg_hour *hour) {
    int first = out->n;
    int64_t k = draw_count(c, r);
    if (k > c->max_jobs) k = c->max_jobs;
    if (c->hard_cap > 0 && k > c->hard_cap) k = c->hard_cap;
    if (k < 0) k = 0;
    if (k > 0 && append_batch(out, (int)k, r, draw_base_attr, c) != 0) return -1;
    int small = burst(&c->small, r, out);
    int heavy = small < 0 ? -1 : burst(&c->heavy, r, out);
    if (heavy < 0) return -1;
    int base = (int)k;
    if (c->hard_cap > 0 && out->n - first > c->hard_cap) {
        /* The final list keeps its first hard_cap jobs: base, then bursts. */
        out->n = first + c->hard_cap;
        int keep = c->hard_cap;
        base = base < keep ? base : keep;
        small = small < keep - base ? small : keep - base;
        heavy = keep - base - small;
    }
    if (hour) *hour = (ps_wg_hour){base, small, heavy};
    return 0;
}
