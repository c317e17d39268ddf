/* test_hourly - the hourly statistical sampler (spec 8.5) on a log we write
 * (exact counts, templates and sampled output for a known RNG sequence) and
 * on the real log when ../shared/data is present (spec 17.2 figures). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "powersched/hourly.h"
#include "powersched/workload.h"

/* Two dates. Hour 10: day 1 has three jobs, day 2 one job. Hour 11: one job
 * on day 2 only. Every other hour is empty.
 *   day1 10:05  2 nodes, NCPUS 16 (8/node), 30 min   -> sub-hour bin (2, 8)
 *   day1 10:20  2 nodes, NCPUS 16, 50 min            -> same bin: 80 min -> 2 one-hour jobs
 *   day1 10:40  1 node,  NCPUS 200 (cap 96), 150 min -> own template 1 x 96, 3 h
 *   day2 10:15  1 node,  NCPUS 4, 10 min             -> sub-hour bin (1, 4): 1 job
 *   day2 11:00  20 nodes (cap 16), NCPUS 40 (2/node), 61 min -> own template 16 x 2, 2 h */
static const char *LOG =
    "JobID User Partition Submit Start End ElapsedRaw NCPUS NNodes\n"
    "----- ---- --------- ------ ----- --- ---------- ----- ------\n"
    "1 u p 2025-01-01T10:05:00 x y 1800 16 2\n"
    "2 u p 2025-01-01T10:20:00 x y 3000 16 2\n"
    "3 u p 2025-01-01T10:40:00 x y 9000 200 1\n"
    "4 u p 2025-01-02T10:15:00 x y 600 4 1\n"
    "5 u p 2025-01-02T11:00:00 x y 3660 40 20\n";

static int write_tmp(char *path, const char *text) {
    int fd = mkstemp(path);
    if (fd < 0) return -1;
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    return 0;
}

static void test_structure(const ps_hourly *h) {
    CHECK_INT(h->n_dates, 2);
    CHECK_INT(h->counts[10 * 2 + 0], 3);
    CHECK_INT(h->counts[10 * 2 + 1], 1);
    CHECK_INT(h->counts[11 * 2 + 0], 0);
    CHECK_INT(h->counts[11 * 2 + 1], 1);
    CHECK_INT(h->pool_size[10], 4);
    CHECK_INT(h->total_weight[10], 4);
    /* Hour 10: sub-hour bins first (first appearance), then the long job. */
    CHECK_INT(h->tpl_start[11] - h->tpl_start[10], 3);
    const ps_hourly_template *t = &h->tpl[h->tpl_start[10]];
    CHECK(t[0].sub_hour && t[0].nodes == 2 && t[0].cores == 8 && t[0].duration_h == 1);
    CHECK_INT(t[0].hourly_jobs, 2);
    CHECK_INT(t[0].originals, 2);
    CHECK(t[1].sub_hour && t[1].nodes == 1 && t[1].cores == 4 && t[1].hourly_jobs == 1 && t[1].originals == 1);
    CHECK(!t[2].sub_hour && t[2].nodes == 1 && t[2].cores == 96 && t[2].duration_h == 3);
    const ps_hourly_template *u = &h->tpl[h->tpl_start[11]];
    CHECK(!u[0].sub_hour && u[0].nodes == 16 && u[0].cores == 2 && u[0].duration_h == 2);
    /* An empty hour keeps one dummy template (1 x 1, 1 h) and never emits. */
    CHECK_INT(h->pool_size[3], 0);
    CHECK_INT(h->tpl_start[4] - h->tpl_start[3], 1);
    CHECK(h->tpl[h->tpl_start[3]].nodes == 1 && h->tpl[h->tpl_start[3]].cores == 1);
    /* Expected jobs in hour 10: mean count 2 / weight 4 x (2 + 1 + 1) = 2. */
    CHECK_NEAR(ps_hourly_expected_jobs(h, 10), 2.0, 1e-12);
    CHECK_NEAR(ps_hourly_expected_jobs(h, 34), 2.0, 1e-12); /* hour taken mod 24 */
    CHECK_NEAR(ps_hourly_expected_jobs(h, 3), 0.0, 0);
}

/* The sampler's output predicted from a copy of the same RNG: one index draw,
 * then one uniform per template. */
static void test_sampling_sequence(const ps_hourly *h) {
    for (uint64_t seed = 0; seed < 200; seed++) {
        ps_rng rng, twin;
        ps_rng_seed(&rng, seed, 1);
        twin = rng;
        ps_joblist got = {0};
        CHECK(ps_hourly_sample(h, 10, &rng, &got) == 0);
        int idx = (int)ps_rng_int(&twin, 0, 1);
        int num = idx == 0 ? 3 : 1;
        double s = num / 4.0;
        int mult[3] = {2, 1, 1};
        ps_job shape[3] = {{1, 0, 2, 8}, {1, 0, 1, 4}, {3, 0, 1, 96}};
        int pos = 0, ok = 1;
        for (int k = 0; k < 3; k++) {
            double e = mult[k] * s, w = floor(e);
            int n = (int)w + (ps_rng_uniform(&twin) < e - w);
            for (int i = 0; i < n; i++, pos++) ok &= pos < got.n && !memcmp(&got.v[pos], &shape[k], sizeof shape[k]);
        }
        CHECK(ok);
        CHECK_INT(got.n, pos);
        CHECK(memcmp(&rng, &twin, sizeof rng) == 0); /* exactly 1 + 3 draws */
        /* Hour 11 on day 1 draws 0 jobs: one index draw and nothing else. */
        ps_rng a, b;
        ps_rng_seed(&a, seed, 2);
        b = a;
        got.n = 0;
        CHECK(ps_hourly_sample(h, 11, &a, &got) == 0);
        if (ps_rng_int(&b, 0, 1) == 0) {
            CHECK_INT(got.n, 0);
            CHECK(memcmp(&a, &b, sizeof a) == 0);
        } else {
            CHECK_INT(got.n, 1); /* count 1 / weight 1 x 1 template: exactly one job, u < 0 never */
        }
        ps_joblist_free(&got);
    }
}

/* Arrival scale through the env's source (spec 8.6): an integer scale
 * replicates the sampler's list and draws nothing more. */
static void test_arrival_scale(const char *log) {
    ps_config cfg = ps_config_default();
    ps_workload_spec spec = {.hourly_path = log, .arrival_scale = 3.0};
    ps_workload w1, w3;
    ps_error err;
    CHECK(ps_workload_create(&w3, &cfg, &spec, &err) == PS_OK);
    spec.arrival_scale = 1.0;
    CHECK(ps_workload_create(&w1, &cfg, &spec, &err) == PS_OK);
    CHECK(w1.kind == PS_SOURCE_HOURLY);
    ps_job_source s1, s3;
    CHECK(ps_workload_source(&w1, &s1, &err) == PS_OK);
    CHECK(ps_workload_source(&w3, &s3, &err) == PS_OK);
    ps_rng r1, r3, aux;
    ps_rng_seed(&aux, 9, 2);
    ps_rng_seed(&r1, 9, 1);
    r3 = r1;
    ps_joblist l1 = {0}, l3 = {0};
    for (int hour = 0; hour < 48; hour++) {
        l1.n = l3.n = 0;
        CHECK(s1.ops->next(s1.state, hour, &r1, &aux, &l1) == 0);
        CHECK(s3.ops->next(s3.state, hour, &r3, &aux, &l3) == 0);
        CHECK_INT(l3.n, 3 * l1.n);
        for (int c = 0; c < 3 && l3.n == 3 * l1.n; c++)
            CHECK(l1.n == 0 || !memcmp(l3.v + c * l1.n, l1.v, (size_t)l1.n * sizeof *l1.v));
        CHECK(memcmp(&r1, &r3, sizeof r1) == 0);
    }
    ps_joblist_free(&l1);
    ps_joblist_free(&l3);
    s1.ops->free(s1.state);
    s3.ops->free(s3.state);
    ps_workload_free(&w1);
    ps_workload_free(&w3);
}

static int test_real_log(const char *shared) {
    char path[4096];
    snprintf(path, sizeof path, "%s/data/allusers-gpu-30.log", shared);
    if (access(path, R_OK) != 0) {
        printf("SKIP real-log checks: %s not found\n", path);
        return 0;
    }
    ps_hourly h;
    ps_error err;
    CHECK(ps_hourly_create(&h, path, &err) == PS_OK);
    CHECK_INT(h.n_dates, 25); /* 25 count samples per hour of day */
    CHECK_INT(h.tpl_start[24], 939);
    int64_t pool = 0;
    for (int hr = 0; hr < 24; hr++) pool += h.pool_size[hr];
    CHECK_INT(pool, 3319);
    CHECK_INT(h.pool_size[7], 2037);
    CHECK_INT(h.pool_size[3] + h.pool_size[4] + h.pool_size[6], 0);
    double mean = 0;
    for (int hr = 0; hr < 24; hr++) mean += ps_hourly_expected_jobs(&h, hr) / 24;
    CHECK_NEAR(mean, 2.92, 0.005);
    ps_hourly_free(&h);
    return 1;
}

int main(int argc, char **argv) {
    char log[] = "/tmp/ps_hourly_XXXXXX";
    if (write_tmp(log, LOG) != 0) return 1;
    ps_hourly h;
    ps_error err;
    CHECK(ps_hourly_create(&h, log, &err) == PS_OK);
    test_structure(&h);
    test_sampling_sequence(&h);
    ps_hourly_free(&h);
    test_arrival_scale(log);
    unlink(log);
    test_real_log(argc > 1 ? argv[1] : "../shared");
    return check_summary("test_hourly");
}
