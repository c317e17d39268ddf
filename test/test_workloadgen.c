/* test_workloadgen - the synthetic generator (spec 9) and our Poisson
 * sampler. Tolerances are 4 standard errors derived from each distribution
 * (a correct sampler fails one of these checks with probability ~1e-4). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "powersched/workloadgen.h"

static ps_config CLUSTER;

/* Mean and variance of N Poisson(lambda) draws against lambda. */
static void poisson_moments(double lambda, int n) {
    ps_rng r;
    ps_rng_seed(&r, 42, 1);
    double sum = 0, sq = 0;
    for (int i = 0; i < n; i++) {
        double k = (double)ps_rng_poisson(&r, lambda);
        CHECK(k >= 0);
        sum += k;
        sq += k * k;
    }
    double mean = sum / n, var = sq / n - mean * mean;
    CHECK_NEAR(mean, lambda, 4 * sqrt(lambda / n));
    /* Var of the sample variance of a Poisson: (lambda + 2 lambda^2) / n. */
    CHECK_NEAR(var, lambda, 4 * sqrt((lambda + 2 * lambda * lambda) / n) + 1e-9);
}

static void sample_hours(const ps_wg_config *c, uint64_t seed, int hours, double *mean_count, ps_joblist *all,
                         int *small_hours, int *max_count) {
    ps_rng r;
    ps_rng_seed(&r, seed, 1);
    double total = 0;
    *small_hours = 0;
    *max_count = 0;
    all->n = 0;
    for (int h = 0; h < hours; h++) {
        int before = all->n;
        ps_wg_hour info;
        CHECK(ps_wg_sample(c, &r, all, &info) == 0);
        int n = all->n - before;
        CHECK_INT(n, info.base + info.small_burst + info.heavy_burst);
        total += n;
        *small_hours += info.small_burst > 0;
        if (n > *max_count) *max_count = n;
    }
    *mean_count = total / hours;
}

static void check_ranges(const ps_wg_config *c, const ps_joblist *l) {
    int bad = 0;
    for (int i = 0; i < l->n; i++) {
        const ps_job *j = &l->v[i];
        bad += j->duration < c->min[0] || j->duration > c->max[0] || j->nodes < c->min[1] || j->nodes > c->max[1] ||
               j->cores < c->min[2] || j->cores > c->max[2];
    }
    CHECK_INT(bad, 0);
}

static void test_defaults(void) {
    ps_wg_config c = ps_wg_config_default(PS_WG_POISSON);
    /* The constructor's midpoints round half to even: (1+170)/2 = 85.5 -> 86. */
    CHECK_INT(c.flat_target[PS_WG_DURATION], 86);
    CHECK_INT(c.flat_target[PS_WG_NODES], 8);
    CHECK_INT(c.flat_target[PS_WG_CORES], 48);
    CHECK_INT(c.max_jobs, 1500);
    CHECK_NEAR(c.lambda, 200, 0);
}

static void test_poisson_mode(void) {
    ps_wg_config c = ps_wg_config_default(PS_WG_POISSON);
    c.lambda = 50;
    c.lambda_attr[0] = 3, c.lambda_attr[1] = 2, c.lambda_attr[2] = 30;
    CHECK(ps_wg_config_check(&c, &CLUSTER, NULL) == PS_OK);
    ps_joblist all = {0};
    double mean;
    int small, maxc, hours = 4000;
    sample_hours(&c, 1, hours, &mean, &all, &small, &maxc);
    CHECK_NEAR(mean, 50, 4 * sqrt(50.0 / hours));
    check_ranges(&c, &all);
    /* Poisson(2) nodes clipped at 1: P(0) = e^-2 moves to 1, so E = 2 + e^-2. */
    double nodes = 0;
    for (int i = 0; i < all.n; i++) nodes += all.v[i].nodes;
    CHECK_NEAR(nodes / all.n, 2 + exp(-2), 4 * sqrt(2.0 / all.n));
    /* The cap: lambda 400 with max 300 never exceeds 300. */
    c.lambda = 400;
    c.max_jobs = 300;
    CHECK(ps_wg_config_check(&c, &CLUSTER, NULL) == PS_OK);
    sample_hours(&c, 2, 200, &mean, &all, &small, &maxc);
    CHECK(maxc <= 300);
    CHECK_NEAR(mean, 300, 1.0); /* P(Poisson(400) < 300) is ~1e-7 */
    ps_joblist_free(&all);
}

static void test_flat_mode(void) {
    ps_wg_config c = ps_wg_config_default(PS_WG_FLAT);
    c.flat_jobs = 20;
    CHECK(ps_wg_config_check(&c, &CLUSTER, NULL) == PS_OK);
    ps_rng r, before;
    ps_rng_seed(&r, 3, 1);
    before = r;
    ps_joblist l = {0};
    CHECK(ps_wg_sample(&c, &r, &l, NULL) == 0);
    CHECK_INT(l.n, 20); /* no jitter: constant, and nothing drawn */
    CHECK(memcmp(&r, &before, sizeof r) == 0);
    CHECK_INT(l.v[0].duration, 86);
    CHECK_INT(l.v[7].nodes, 8);
    CHECK_INT(l.v[19].cores, 48);
    c.flat_jitter = 5;
    c.flat_attr_jitter[PS_WG_CORES] = 3;
    double mean;
    int small, maxc, hours = 3000;
    sample_hours(&c, 4, hours, &mean, &l, &small, &maxc);
    CHECK(maxc <= 25);
    double var = (11.0 * 11.0 - 1) / 12; /* discrete uniform over 15..25 */
    CHECK_NEAR(mean, 20, 4 * sqrt(var / hours));
    int out = 0;
    for (int i = 0; i < l.n; i++) out += l.v[i].cores < 45 || l.v[i].cores > 51 || l.v[i].duration != 86;
    CHECK_INT(out, 0);
    ps_joblist_free(&l);
}

static void test_uniform_mode(void) {
    ps_wg_config c = ps_wg_config_default(PS_WG_UNIFORM);
    c.uniform_min_jobs = 2;
    c.max_jobs = 6;
    c.min[0] = 3, c.max[0] = 5;
    CHECK(ps_wg_config_check(&c, &CLUSTER, NULL) == PS_OK);
    ps_rng r;
    ps_rng_seed(&r, 5, 1);
    int seen[7] = {0}, dur_seen[6] = {0}, hours = 3000;
    double total = 0;
    ps_joblist l = {0};
    for (int h = 0; h < hours; h++) {
        l.n = 0;
        CHECK(ps_wg_sample(&c, &r, &l, NULL) == 0);
        CHECK(l.n >= 2 && l.n <= 6);
        if (l.n >= 0 && l.n <= 6) seen[l.n]++;
        total += l.n;
        for (int i = 0; i < l.n; i++)
            if (l.v[i].duration >= 0 && l.v[i].duration <= 5) dur_seen[l.v[i].duration]++;
    }
    for (int k = 2; k <= 6; k++) CHECK(seen[k] > 0); /* covers its whole range */
    CHECK_INT(seen[0] + seen[1], 0);
    for (int d = 3; d <= 5; d++) CHECK(dur_seen[d] > 0);
    CHECK_INT(dur_seen[0] + dur_seen[1] + dur_seen[2], 0);
    CHECK_NEAR(total / hours, 4, 4 * sqrt(2.0 / hours)); /* var of U{2..6} = 2 */
    ps_joblist_free(&l);
}

static void test_bursts_and_hard_cap(void) {
    ps_wg_config c = ps_wg_config_default(PS_WG_FLAT);
    c.flat_jobs = 0;
    c.small.prob = 0.2;
    c.heavy.prob = 0.05;
    CHECK(ps_wg_config_check(&c, &CLUSTER, NULL) == PS_OK);
    /* Burst shapes are clamped into the main ranges, e.g. heavy 72..170 h. */
    CHECK_INT(c.heavy.min[PS_WG_DURATION], 72);
    ps_joblist all = {0};
    double mean;
    int small, maxc, hours = 6000;
    sample_hours(&c, 6, hours, &mean, &all, &small, &maxc);
    CHECK_NEAR((double)small / hours, 0.2, 4 * sqrt(0.2 * 0.8 / hours));
    /* E[jobs/h] = 400 * 0.2 + 6.5 * 0.05 (default burst sizes). */
    double var_small = 0.2 * (((701.0 * 701 - 1) / 12) + 400.0 * 400) - 80.0 * 80; /* Var of a Bernoulli-gated U{50..750} */
    CHECK_NEAR(mean, 80 + 0.325, 4 * sqrt((var_small + 0.05 * 20) / hours));
    int bad = 0;
    for (int i = 0; i < all.n; i++) bad += all.v[i].duration < 1 || all.v[i].duration > 170 || all.v[i].nodes > 16;
    CHECK_INT(bad, 0);
    c.hard_cap = 100; /* truncates the final list too */
    sample_hours(&c, 7, 2000, &mean, &all, &small, &maxc);
    CHECK(maxc <= 100);
    CHECK(small > 0);
    ps_joblist_free(&all);
}

static void test_determinism(void) {
    ps_wg_config c = ps_wg_config_default(PS_WG_POISSON);
    c.small.prob = 0.3;
    CHECK(ps_wg_config_check(&c, &CLUSTER, NULL) == PS_OK);
    ps_joblist a = {0}, b = {0}, d = {0};
    double m;
    int s, x;
    sample_hours(&c, 123, 50, &m, &a, &s, &x);
    sample_hours(&c, 123, 50, &m, &b, &s, &x);
    sample_hours(&c, 124, 50, &m, &d, &s, &x);
    CHECK(a.n == b.n && memcmp(a.v, b.v, (size_t)a.n * sizeof *a.v) == 0);
    CHECK(a.n != d.n || memcmp(a.v, d.v, (size_t)a.n * sizeof *a.v) != 0);
    ps_joblist_free(&a);
    ps_joblist_free(&b);
    ps_joblist_free(&d);
}

static void expect_error(ps_wg_config c, const char *needle) {
    ps_error err = {{0}};
    CHECK(ps_wg_config_check(&c, &CLUSTER, &err) == PS_ERR);
    CHECK_STR_CONTAINS(err.msg, needle);
}

static void test_config_errors(void) {
    ps_wg_config c = ps_wg_config_default(PS_WG_POISSON);
    c.lambda = -1;
    expect_error(c, "lambda");
    c = ps_wg_config_default(PS_WG_POISSON);
    c.min[PS_WG_NODES] = 5, c.max[PS_WG_NODES] = 2;
    expect_error(c, "min > max");
    c = ps_wg_config_default(PS_WG_POISSON);
    c.max[PS_WG_NODES] = 20;
    expect_error(c, "nodes range");
    c = ps_wg_config_default(PS_WG_UNIFORM);
    c.uniform_min_jobs = 10, c.max_jobs = 5;
    expect_error(c, "job count range");
    c = ps_wg_config_default(PS_WG_FLAT);
    c.small.prob = 1.5;
    expect_error(c, "probability");
    c = ps_wg_config_default(PS_WG_FLAT);
    c.heavy.jobs_min = 20, c.heavy.jobs_max = 10;
    expect_error(c, "heavy burst jobs");
}

int main(void) {
    CLUSTER = ps_config_default();
    poisson_moments(0.3, 200000);
    poisson_moments(5, 200000);
    poisson_moments(50, 200000);
    poisson_moments(1500, 100000);
    test_defaults();
    test_poisson_mode();
    test_flat_mode();
    test_uniform_mode();
    test_bursts_and_hard_cap();
    test_determinism();
    test_config_errors();
    return check_summary("test_workloadgen");
}
