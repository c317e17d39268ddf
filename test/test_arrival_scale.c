/* test_arrival_scale.c - the job arrival scale (spec 8.6) and the legacy
 * uniform generator's draw structure (spec 8.7), directly and through the env. */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "powersched/scenario.h"
#include "powersched/env.h"
#include "powersched/job_source.h"
#include "powersched/workload.h"

/* n distinct jobs (duration 10+i, nodes 1 + i % 16, cores 1 + i). */
static void fill(ps_joblist *l, int n, int base) {
    for (int i = 0; i < n; i++) {
        ps_job j = {base + i, 0, 1 + i % 16, 1 + i % 96};
        ps_joblist_push(l, j);
    }
}

static int same_job(ps_job a, ps_job b) { return memcmp(&a, &b, sizeof a) == 0; }

static void test_integer_scales(void) {
    ps_rng rng, before;
    ps_rng_seed(&rng, 9, 3);
    for (int scale = 0; scale <= 4; scale++) {
        ps_joblist l = {0};
        fill(&l, 2, 100); /* jobs before `from` are not touched */
        fill(&l, 5, 10);
        before = rng;
        CHECK_INT(ps_arrival_scale(&l, 2, (double)scale, &rng), 0);
        CHECK(memcmp(&rng, &before, sizeof rng) == 0); /* no draws */
        CHECK_INT(l.n, 2 + 5 * scale);
        int bad = 0;
        for (int i = 0; i < 2; i++) bad += l.v[i].duration != 100 + i;
        /* whole copies of the list, in order: list, list, ... */
        for (int i = 0; i < 5 * scale; i++) bad += l.v[2 + i].duration != 10 + i % 5 || l.v[2 + i].nodes != 1 + i % 5;
        CHECK_INT(bad, 0);
        ps_joblist_free(&l);
    }
    /* an empty hour draws nothing, whatever the scale */
    ps_joblist e = {0};
    fill(&e, 3, 0);
    before = rng;
    CHECK_INT(ps_arrival_scale(&e, 3, 2.5, &rng), 0);
    CHECK_INT(e.n, 3);
    CHECK(memcmp(&rng, &before, sizeof rng) == 0);
    /* scale 0 with a fraction-free value: empty, no draws */
    CHECK_INT(ps_arrival_scale(&e, 1, 0.0, &rng), 0);
    CHECK_INT(e.n, 1);
    CHECK(memcmp(&rng, &before, sizeof rng) == 0);
    ps_joblist_free(&e);
}

/* Replays the fractional part with a copy of the stream: one uniform per
 * original job, a copy kept iff u < frac, after the whole copies. */
static void check_fraction(double scale, int n, ps_rng *rng) {
    ps_joblist l = {0};
    fill(&l, n, 10);
    ps_rng mirror = *rng;
    CHECK_INT(ps_arrival_scale(&l, 0, scale, rng), 0);
    int whole = (int)floor(scale);
    double frac = scale - whole;
    int bad = 0, pos = whole * n;
    for (int i = 0; i < whole * n; i++) bad += l.v[i].duration != 10 + i % n;
    for (int i = 0; i < n; i++) {
        if (ps_rng_uniform(&mirror) < frac) {
            if (pos >= l.n || l.v[pos].duration != 10 + i) bad++;
            pos++;
        }
    }
    CHECK_INT(bad, 0);
    CHECK_INT(l.n, pos);
    CHECK(memcmp(&mirror, rng, sizeof mirror) == 0); /* exactly n draws */
    ps_joblist_free(&l);
}

static void test_fractional(void) {
    ps_rng rng;
    ps_rng_seed(&rng, 4, 4);
    for (int k = 0; k < 20; k++) {
        check_fraction(2.5, 7, &rng);
        check_fraction(0.3, 9, &rng);  /* kept originals compacted in place */
        check_fraction(1.75, 5, &rng);
        check_fraction(0.999, 3, &rng);
    }
    /* E[count] = 2.5 x 4 = 10, Var = 4 x 0.25 = 1 per list */
    const int lists = 20000;
    double sum = 0;
    int min = 1 << 30, max = 0;
    for (int k = 0; k < lists; k++) {
        ps_joblist l = {0};
        fill(&l, 4, 0);
        ps_arrival_scale(&l, 0, 2.5, &rng);
        sum += l.n;
        if (l.n < min) min = l.n;
        if (l.n > max) max = l.n;
        ps_joblist_free(&l);
    }
    CHECK_NEAR(sum / lists, 10.0, 4 * 1.0 / sqrt(lists));
    CHECK_INT(min, 8);
    CHECK_INT(max, 12);
    /* 0.3: E = 0.3 x 10 = 3, Var = 10 x 0.21 = 2.1 */
    sum = 0;
    for (int k = 0; k < lists; k++) {
        ps_joblist l = {0};
        fill(&l, 10, 0);
        ps_arrival_scale(&l, 0, 0.3, &rng);
        sum += l.n;
        ps_joblist_free(&l);
    }
    CHECK_NEAR(sum / lists, 3.0, 4 * sqrt(2.1 / lists));
}

/* ----------------------------------------------------- legacy generator */

static void test_legacy_structure(void) {
    ps_config cfg = ps_config_default();
    cfg.max_new_jobs_per_hour = 20;
    ps_rng rng, mirror, aux;
    ps_rng_seed(&rng, 31, 1);
    ps_rng_seed(&aux, 31, 2);
    mirror = rng;
    ps_rng aux_before = aux;
    int bad = 0;
    double sum = 0;
    const int hours = 4000;
    for (int h = 0; h < hours; h++) {
        ps_joblist l = {0};
        if (ps_legacy_generate(&cfg, &rng, NULL, &aux, &l) != 0) bad++;
        /* count, then all durations in one batch, then nodes/cores alternating */
        int count = (int)ps_rng_int(&mirror, 0, 20);
        bad += l.n != count;
        int32_t dur[21];
        for (int i = 0; i < count; i++) dur[i] = (int32_t)ps_rng_int(&mirror, 1, 170);
        for (int i = 0; i < count && i < l.n; i++) {
            int32_t nodes = (int32_t)ps_rng_int(&mirror, 1, 16), cores = (int32_t)ps_rng_int(&mirror, 1, 96);
            bad += l.v[i].duration != dur[i] || l.v[i].nodes != nodes || l.v[i].cores != cores || l.v[i].age != 0;
        }
        sum += l.n;
        ps_joblist_free(&l);
    }
    CHECK_INT(bad, 0);
    CHECK(memcmp(&rng, &mirror, sizeof rng) == 0);
    CHECK(memcmp(&aux, &aux_before, sizeof aux) == 0); /* no durations file: aux untouched */
    /* U{0..20}: mean 10, variance 440/12 */
    CHECK_NEAR(sum / hours, 10.0, 4 * sqrt(440.0 / 12 / hours));

    /* appends after what the list already holds */
    ps_joblist l = {0};
    fill(&l, 3, 500);
    cfg.max_new_jobs_per_hour = 0; /* count is always 0 */
    CHECK_INT(ps_legacy_generate(&cfg, &rng, NULL, &aux, &l), 0);
    CHECK_INT(l.n, 3);
    cfg.max_new_jobs_per_hour = 5;
    CHECK_INT(ps_legacy_generate(&cfg, &rng, NULL, &aux, &l), 0);
    CHECK(l.n >= 3 && l.n <= 8);
    CHECK(same_job(l.v[0], (ps_job){500, 0, 1, 1}));
    ps_joblist_free(&l);
}

/* ------------------------------------------------------ through the env */

static ps_scenario_spec small_spec(double scale, uint64_t seed) {
    ps_scenario_spec s = ps_scenario_spec_default();
    s.cfg.max_nodes = 4;
    s.cfg.max_queue_size = 8;
    s.cfg.max_backlog_size = 5;
    s.cfg.max_new_jobs_per_hour = 6;
    s.cfg.max_job_duration = 4;
    s.cfg.max_nodes_per_job = 2;
    s.workload.arrival_scale = scale;
    s.seed = seed;
    return s;
}

static void test_env_scale(void) {
    ps_env e1, e2, e0;
    ps_error err = {{0}};
    ps_scenario_spec s1 = small_spec(1, 8), s2 = small_spec(2, 8), s0 = small_spec(0, 8);
    if (ps_env_open(&e1, &s1, NULL, &err) != PS_OK || ps_env_open(&e2, &s2, NULL, &err) != PS_OK ||
        ps_env_open(&e0, &s0, NULL, &err) != PS_OK) {
        fprintf(stderr, "%s\n", err.msg);
        CHECK(0);
        return;
    }
    ps_step_info i1, i2, i0;
    int bad = 0, errors = 0;
    int64_t sub1 = 0;
    for (int t = 0; t < 200; t++) {
        ps_action a = {2, 3, 1, 0};
        errors += ps_env_step(&e1, a, NULL, &i1, &err) != PS_OK;
        errors += ps_env_step(&e2, a, NULL, &i2, &err) != PS_OK;
        errors += ps_env_step(&e0, a, NULL, &i0, &err) != PS_OK;
        /* an integer scale draws nothing: the same stream, doubled */
        bad += i2.new_jobs != 2 * i1.new_jobs || i2.new_sum_duration != 2 * i1.new_sum_duration ||
               i2.new_core_hours != 2 * i1.new_core_hours;
        bad += i0.new_jobs != 0;
        sub1 += i1.new_jobs;
    }
    CHECK_INT(errors, 0);
    CHECK_INT(bad, 0);
    CHECK(sub1 > 0);
    CHECK_INT(e0.metrics.cum.agent.submitted, 0);
    CHECK_INT(e2.metrics.cum.agent.submitted, 2 * sub1);
    CHECK(memcmp(&e1.rng, &e2.rng, sizeof e1.rng) == 0);
    ps_env_free(&e1);
    ps_env_free(&e2);
    ps_env_free(&e0);

    /* validation: finite and >= 0 */
    const double bad_scales[3] = {-0.5, NAN, INFINITY};
    for (int k = 0; k < 3; k++) {
        ps_scenario_spec s = small_spec(bad_scales[k], 1);
        ps_env e;
        err.msg[0] = '\0';
        CHECK_INT(ps_env_open(&e, &s, NULL, &err), PS_ERR);
        CHECK_STR_CONTAINS(err.msg, "scale");
    }
}

/* A scale that would bring more than PS_MAX_HOUR_JOBS jobs in one hour is
 * refused before anything is copied (2,200 x 1e6 once overflowed int and
 * crashed), and the list is left as it was. */
static void test_too_many(void) {
    ps_joblist l = {0};
    ps_rng rng;
    ps_rng_seed(&rng, 1, 1);
    fill(&l, 2200, 0);
    CHECK_INT(ps_arrival_scale(&l, 0, 1e6, &rng), PS_TOO_MANY_JOBS);
    CHECK_INT(l.n, 2200);
    CHECK_INT(ps_arrival_scale(&l, 0, 455.0, &rng), PS_TOO_MANY_JOBS); /* 1,001,000: over */
    CHECK_INT(l.n, 2200);
    CHECK_INT(ps_arrival_scale(&l, 0, 454.0, &rng), 0); /* 998,800: allowed */
    CHECK_INT(l.n, 998800);
    free(l.v);
}

int main(void) {
    test_too_many();
    test_integer_scales();
    test_fractional();
    test_legacy_structure();
    test_env_scale();
    return check_summary("test_arrival_scale");
}
