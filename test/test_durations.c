/* test_durations.c - the durations sampler (spec 8.1): parse rule, the
 * ceil(max(h, 1)) histogram, sampled frequencies, errors, and how it feeds
 * the legacy generator (spec 8.7: durations from its own stream). */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "powersched/scenario.h"
#include "powersched/env.h"
#include "powersched/workload.h"

static const char *shared_dir, *fixtures;

static const char *write_temp(const char *text) {
    static char path[64];
    return check_temp_file(path, "ps_dur_", text);
}

/* Probability of duration d (1-based) from the CDF. */
static double prob(const ps_durations *d, int h) {
    if (h < 1 || h > d->max_hours) return 0.0;
    return d->cdf[h - 1] - (h > 1 ? d->cdf[h - 2] : 0.0);
}

/* The fixture: 14 lines.
 *   7-00:00:00 -> 168 h; "  00:00:35", 00:00:00, 01:00:00, 00:59:59 -> 1 h;
 *   05:00 (2 parts), garbage, the empty line, 1:2:3:4 (4 parts) -> 0 h -> 1 h;
 *   01:00:01, 02:00:00 -> 2 h; "  02:30:00", 03:00:00 -> 3 h; 1-01:00:00 -> 25 h. */
static void test_fixture(void) {
    char path[4096];
    snprintf(path, sizeof path, "%s/durations.txt", fixtures);
    ps_durations d;
    ps_error err = {{0}};
    CHECK_INT(ps_durations_read(&d, path, &err), PS_OK);
    if (!d.cdf) {
        fprintf(stderr, "%s\n", err.msg);
        CHECK(0);
        return;
    }
    CHECK_INT(d.n_values, 14);
    CHECK_INT(d.max_hours, 168);
    const int hours[5] = {1, 2, 3, 25, 168};
    const int count[5] = {8, 2, 2, 1, 1};
    double total = 0;
    for (int k = 0; k < 5; k++) {
        CHECK_NEAR(prob(&d, hours[k]), count[k] / 14.0, 1e-12);
        total += prob(&d, hours[k]);
    }
    CHECK_NEAR(total, 1.0, 1e-12);
    CHECK_NEAR(d.cdf[d.max_hours - 1], 1.0, 1e-15);
    CHECK_NEAR(prob(&d, 4), 0, 0);
    CHECK_NEAR(prob(&d, 24), 0, 0);
    CHECK_NEAR(prob(&d, 167), 0, 0);

    /* sampling: 200,000 draws, frequencies within 5 standard errors */
    const int n = 200000;
    int *hist = calloc(170, sizeof *hist), outside = 0;
    ps_rng rng;
    ps_rng_seed(&rng, 123, 9);
    for (int i = 0; i < n; i++) {
        int32_t h = ps_durations_sample(&d, &rng);
        if (h < 1 || h > 168) outside++;
        else hist[h]++;
    }
    CHECK_INT(outside, 0);
    int impossible = 0;
    for (int h = 1; h <= 168; h++)
        if (prob(&d, h) == 0) impossible += hist[h];
    CHECK_INT(impossible, 0);
    for (int k = 0; k < 5; k++) {
        double p = count[k] / 14.0, se = sqrt(p * (1 - p) / n);
        CHECK_NEAR((double)hist[hours[k]] / n, p, 5 * se);
    }
    /* same seed, same samples */
    ps_rng a, b;
    ps_rng_seed(&a, 5, 1);
    ps_rng_seed(&b, 5, 1);
    int diff = 0;
    for (int i = 0; i < 1000; i++) diff += ps_durations_sample(&d, &a) != ps_durations_sample(&d, &b);
    CHECK_INT(diff, 0);
    free(hist);
    ps_durations_free(&d);
}

static void expect_error(const char *text, const char *line) {
    const char *path = write_temp(text);
    ps_durations d;
    ps_error err = {{0}};
    CHECK_INT(ps_durations_read(&d, path, &err), PS_ERR);
    CHECK(d.cdf == NULL);
    CHECK_STR_CONTAINS(err.msg, path);
    if (line) {
        char want[128];
        snprintf(want, sizeof want, "%s:%s", path, line);
        CHECK_STR_CONTAINS(err.msg, want);
    }
    unlink(path);
}

static void test_errors(void) {
    /* non-integer fields of a 3-part value raise */
    expect_error("01:00:00\n01:xx:00\n", "2");
    expect_error("01:00:00\n02:00:00\n1.5:00:00\n", "3");
    expect_error("a-01:00:00\n", "1");
    expect_error("01:00:-5\n", "1");
    expect_error("01::00\n", "1");
    /* no [D-]HH:MM:SS value at all */
    expect_error("garbage\n05:00\n\n", NULL);
    expect_error("", NULL);
    ps_durations d;
    ps_error err = {{0}};
    CHECK_INT(ps_durations_read(&d, "/nonexistent/durations.txt", &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "/nonexistent/durations.txt");
    /* one valid value is enough; 0 s counts as 1 h */
    const char *path = write_temp("00:00:00\n");
    CHECK_INT(ps_durations_read(&d, path, &err), PS_OK);
    CHECK_INT(d.max_hours, 1);
    CHECK_INT(d.n_values, 1);
    ps_rng rng;
    ps_rng_seed(&rng, 1, 1);
    CHECK_INT(ps_durations_sample(&d, &rng), 1);
    ps_durations_free(&d);
    unlink(path);
}

/* Spec 8.7 with a durations file: the env stream draws the count, then nodes
 * and cores alternating per job; the durations come from the other stream. */
static void test_legacy_with_durations(void) {
    char path[4096];
    snprintf(path, sizeof path, "%s/durations.txt", fixtures);
    ps_durations d;
    ps_error err = {{0}};
    if (ps_durations_read(&d, path, &err) != PS_OK) {
        CHECK(0);
        return;
    }
    ps_config cfg = ps_config_default();
    cfg.max_new_jobs_per_hour = 20;
    ps_rng rng, aux, rng2, aux2;
    ps_rng_seed(&rng, 77, 1);
    ps_rng_seed(&aux, 77, 2);
    rng2 = rng;
    aux2 = aux;
    int bad = 0, total = 0;
    for (int hour = 0; hour < 50; hour++) {
        ps_joblist l = {0};
        CHECK_INT(ps_legacy_generate(&cfg, &rng, &d, &aux, &l), 0);
        int count = (int)ps_rng_int(&rng2, 0, 20);
        bad += l.n != count;
        for (int i = 0; i < l.n && i < count; i++) {
            int32_t dur = ps_durations_sample(&d, &aux2);
            int32_t nodes = (int32_t)ps_rng_int(&rng2, 1, 16);
            int32_t cores = (int32_t)ps_rng_int(&rng2, 1, 96);
            bad += l.v[i].duration != dur || l.v[i].nodes != nodes || l.v[i].cores != cores || l.v[i].age != 0;
            bad += prob(&d, l.v[i].duration) == 0;
        }
        total += l.n;
        ps_joblist_free(&l);
    }
    CHECK_INT(bad, 0);
    CHECK(total > 0);
    CHECK(memcmp(&rng, &rng2, sizeof rng) == 0);
    CHECK(memcmp(&aux, &aux2, sizeof aux) == 0);
    ps_durations_free(&d);
}

/* Through the env: with a durations file the legacy generator's durations
 * come from the file's histogram. reset(seed) re-creates the env stream only
 * (spec 2.5); the durations sampler uses the reference's numpy GLOBAL RNG,
 * "seeded only through train.py's set_random_seed" (spec 8.1, 2.7), which an
 * env reset does not touch. */
static void test_env_durations(void) {
    char path[4096];
    snprintf(path, sizeof path, "%s/durations.txt", fixtures);
    ps_scenario_spec spec = ps_scenario_spec_default();
    spec.cfg.max_nodes = 4;
    spec.cfg.max_queue_size = 8;
    spec.cfg.max_backlog_size = 5;
    spec.cfg.max_new_jobs_per_hour = 10;
    spec.workload.durations_path = path;
    spec.seed = 1;
    ps_env env, fresh;
    ps_error err = {{0}};
    if (ps_env_open(&env, &spec, NULL, &err) != PS_OK) {
        fprintf(stderr, "%s\n", err.msg);
        CHECK(0);
        return;
    }
    ps_env_reset(&env, NULL, -1, NULL);
    ps_durations d;
    CHECK_INT(ps_durations_read(&d, path, &err), PS_OK);
    int outside = 0, jobs = 0;
    ps_step_info in;
    for (int t = 0; t < 50; t++) {
        ps_action a = {1, 0, 1, 0};
        CHECK_INT(ps_env_step(&env, a, NULL, &in, &err), PS_OK);
        for (int i = 0; i < env.new_jobs.n; i++) outside += prob(&d, env.new_jobs.v[i].duration) == 0;
        jobs += env.new_jobs.n;
    }
    CHECK_INT(outside, 0);
    CHECK(jobs > 100);
    ps_rng aux = env.aux_rng;
    uint64_t seed = 2;
    ps_env_reset(&env, &seed, -1, NULL);
    spec.seed = 2;
    if (ps_env_open(&fresh, &spec, NULL, &err) == PS_OK) {
        CHECK(memcmp(&env.rng, &fresh.rng, sizeof env.rng) == 0); /* the env stream: re-created */
        ps_env_free(&fresh);
    }
    CHECK(memcmp(&env.aux_rng, &aux, sizeof aux) == 0); /* the durations stream: untouched */
    ps_durations_free(&d);
    ps_env_free(&env);
}

static void test_real_file(void) {
    char path[4096];
    snprintf(path, sizeof path, "%s/data/jobs_default_cleaned.txt", shared_dir);
    if (access(path, R_OK) != 0) {
        printf("test_durations: SKIP real-file checks: %s is absent\n", path);
        return;
    }
    ps_durations d;
    ps_error err = {{0}};
    CHECK_INT(ps_durations_read(&d, path, &err), PS_OK);
    if (!d.cdf) return;
    /* spec 17.3 */
    CHECK_INT(d.n_values, 82416);
    CHECK_INT(d.max_hours, 169);
    CHECK_NEAR(prob(&d, 1) * 82416, 20473, 1e-6);
    CHECK_NEAR(prob(&d, 2) * 82416, 34319, 1e-6);
    CHECK_NEAR(prob(&d, 3) * 82416, 18127, 1e-6);
    CHECK_NEAR(prob(&d, 4) * 82416, 3099, 1e-6);
    CHECK_NEAR(prob(&d, 132) * 82416, 112, 1e-6);
    double mean = 0;
    for (int h = 1; h <= d.max_hours; h++) mean += h * prob(&d, h);
    CHECK_NEAR(mean, 2.742, 0.001);
    ps_durations_free(&d);
}

int main(int argc, char **argv) {
    shared_dir = argc > 1 ? argv[1] : "../shared";
    fixtures = argc > 2 ? argv[2] : "test/fixtures";
    test_fixture();
    test_errors();
    test_legacy_with_durations();
    test_env_durations();
    test_real_file();
    return check_summary("test_durations");
}
