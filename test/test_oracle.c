/* test_oracle.c - the oracles of spec 16 on hand-computed instances, and
 * the contiguous greedy against a brute-force optimum on tiny ones. Energy
 * is 1 MWh per core-hour here so costs are core-hours x price. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "powersched/oracle.h"
#include "powersched/rng.h"

static void test_liquid(void) {
    const double p[4] = {5, -2, 3, 10};
    /* 25 core-hours, 10 per hour: 10 at -2, 10 at 3, 5 at 5 */
    CHECK_NEAR(ps_oracle_liquid(p, 4, 25, 10, 1.0), -20 + 30 + 25, 1e-12);
    /* beyond T x capacity the excess is ignored */
    CHECK_NEAR(ps_oracle_liquid(p, 4, 100, 10, 1.0), -20 + 30 + 50 + 100, 1e-12);
    CHECK_NEAR(ps_oracle_liquid(p, 4, 0, 10, 1.0), 0, 0);
    CHECK_NEAR(ps_oracle_liquid(p, 0, 5, 10, 1.0), 0, 0);
    /* the spec's unit: 96 core-hours of a full node at 450 W for one hour */
    const double one[1] = {100};
    CHECK_NEAR(ps_oracle_liquid(one, 1, 96, 32160, 0.00045 / 96), 0.045, 1e-15);
}

static ps_oracle_result contiguous(const double *p, int T, const ps_oracle_job *jobs, int n, int64_t cap,
                                   int max_age) {
    ps_oracle_result r;
    CHECK_INT(ps_oracle_contiguous(p, T, jobs, n, cap, max_age, 1.0, &r), 0);
    return r;
}

static void test_contiguous_hand(void) {
    const double p[4] = {5, -2, 3, 10};
    /* A (slack 3/2) takes [1,2] (cost 1 x 6); B (same slack, later) finds
     * hours 1-2 full and no other 2-hour window; C (slack 2) fits hour 2. */
    const ps_oracle_job jobs[3] = {{0, 2, 6}, {0, 2, 6}, {2, 1, 4}};
    ps_oracle_result r = contiguous(p, 4, jobs, 3, 10, 336);
    CHECK_NEAR(r.contiguous_cost, 6 * 1 + 4 * 3, 1e-12);
    CHECK_INT(r.unscheduled, 1);
    CHECK_INT(r.spillover, 0);
    /* ... so it comes out below the liquid bound (28 core-hours: 50) */
    CHECK(r.contiguous_cost < ps_oracle_liquid(p, 4, 28, 10, 1.0));

    /* negative prices are sought out: a 1-hour job runs in the -2 hour */
    const ps_oracle_job neg[1] = {{0, 1, 7}};
    CHECK_NEAR(contiguous(p, 4, neg, 1, 10, 336).contiguous_cost, -14, 1e-12);

    /* ties go to the earliest start */
    const double flat[3] = {1, 1, 1};
    const ps_oracle_job two[2] = {{0, 1, 10}, {1, 1, 10}};
    r = contiguous(flat, 3, two, 2, 10, 336); /* slack 3 then 2: the second goes first, at hour 1 */
    CHECK_NEAR(r.contiguous_cost, 20, 1e-12);
    CHECK_INT(r.unscheduled, 0);

    /* capacity-bound: three full-width jobs fill the three hours in price order */
    const double rising[3] = {1, 2, 3};
    const ps_oracle_job full[3] = {{0, 1, 10}, {0, 1, 10}, {0, 1, 10}};
    r = contiguous(rising, 3, full, 3, 10, 336);
    CHECK_NEAR(r.contiguous_cost, 10 + 20 + 30, 1e-12);
    CHECK_INT(r.unscheduled, 0);

    /* wider than the cluster: never fits */
    const ps_oracle_job wide[1] = {{0, 1, 11}};
    r = contiguous(rising, 3, wide, 1, 10, 336);
    CHECK_INT(r.unscheduled, 1);
    CHECK_NEAR(r.contiguous_cost, 0, 0);

    /* cannot finish inside the episode but could after it: spill-over */
    const ps_oracle_job late[1] = {{2, 3, 1}};
    r = contiguous(rising, 3, late, 1, 10, 336);
    CHECK_INT(r.spillover, 1);
    CHECK_INT(r.unscheduled, 0);

    /* carried 3 h old with max age 4: must finish by hour 1; 2 hours do not fit */
    const double ten[10] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    const ps_oracle_job old[1] = {{-3, 2, 1}};
    r = contiguous(ten, 10, old, 1, 10, 4);
    CHECK_INT(r.unscheduled, 1);
    CHECK_INT(r.spillover, 0);
}

/* The recording API gives the same jobs as the explicit form: carried jobs
 * with arrival -age, arrivals at their step index. */
static void test_recording(void) {
    ps_oracle o;
    ps_oracle_init(&o, 10, 336, 1.0);
    CHECK_INT(ps_oracle_add_carried(&o, 2, 1, 1, 5), 0);
    const ps_job step0[1] = {{2, 0, 2, 3}};
    CHECK_INT(ps_oracle_record(&o, 5, step0, 1), 0);
    CHECK_INT(ps_oracle_record(&o, -2, NULL, 0), 0);
    CHECK_INT(ps_oracle_record(&o, 3, NULL, 0), 0);
    CHECK_INT(o.T, 3);
    CHECK_INT(o.n_jobs, 2);
    CHECK_INT(o.jobs[0].arrival, -2);
    CHECK_INT(o.jobs[1].width, 6);
    ps_oracle_result r;
    CHECK_INT(ps_oracle_solve(&o, &r), 0);
    /* the 2-hour job has less slack (2/2 against 3/1), so it goes first and
     * takes [1,2] (-2 + 3); the carried job then finds hours 1-2 too full
     * for its 5 cores and runs in hour 0 (5) */
    CHECK_NEAR(r.contiguous_cost, 6 * 1 + 5 * 5, 1e-12);
    /* liquid: 5 + 12 = 17 core-hours: 10 at -2, 7 at 3 */
    CHECK_NEAR(r.liquid_cost, -20 + 21, 1e-12);
    ps_oracle_reset(&o);
    CHECK_INT(o.T + o.n_jobs + o.n_carried, 0);
    ps_oracle_free(&o);
}

/* ------------------------------------------------------ within the wait */

static double within(const double *p, int T, const ps_oracle_job *jobs, int n, int64_t cap, int max_wait,
                     int64_t expect_unscheduled) {
    double cost = NAN;
    int64_t unscheduled = -1;
    CHECK_INT(ps_oracle_within_wait(p, T, jobs, n, cap, max_wait, 1.0, &cost, &unscheduled), 0);
    CHECK_INT(unscheduled, expect_unscheduled);
    return cost;
}

static void test_within_wait_hand(void) {
    const double p[5] = {5, 4, 1, 1, 9};
    const ps_oracle_job one[1] = {{0, 2, 3}};
    /* starts 0..2: windows 9, 5, 2 */
    CHECK_NEAR(within(p, 5, one, 1, 10, 2, 0), 3 * 2, 1e-12);
    CHECK_NEAR(within(p, 5, one, 1, 10, 1, 0), 3 * 5, 1e-12);
    /* a job arriving at hour 3 may not start before it: 1 + 9, or 9 + free */
    const ps_oracle_job late[1] = {{3, 2, 1}};
    CHECK_NEAR(within(p, 5, late, 1, 10, 1, 0), 9, 1e-12);
    CHECK_NEAR(within(p, 5, late, 1, 10, 2, 0), 0, 0); /* hour 5 on is past the episode: not billed */

    /* a carried job already older than the wait starts at once (age 30,
     * wait 24); one of age 23 may still wait one hour */
    const double dear_first[3] = {9, 1, 1};
    const ps_oracle_job old[1] = {{-30, 1, 1}}, young[1] = {{-23, 1, 1}};
    CHECK_NEAR(within(dear_first, 3, old, 1, 10, 24, 0), 9, 1e-12);
    CHECK_NEAR(within(dear_first, 3, young, 1, 10, 24, 0), 1, 1e-12);

    /* capacity: two 6-core jobs on 10 cores cannot share an hour; the one
     * placed second (same slack: insertion order) takes the next cheapest */
    const double rising[3] = {1, 5, 9};
    const ps_oracle_job two[2] = {{0, 1, 6}, {0, 1, 6}};
    CHECK_NEAR(within(rising, 3, two, 2, 10, 2, 0), 6 * 1 + 6 * 5, 1e-12);
    /* with a wait of 1 hour and a third job, one finds no room: counted, free */
    const ps_oracle_job three[3] = {{0, 1, 6}, {0, 1, 6}, {0, 1, 6}};
    CHECK_NEAR(within(rising, 3, three, 3, 10, 1, 1), 6 * 1 + 6 * 5, 1e-12);
}

/* The episode's record: the running jobs count only for the bound within
 * the wait, and start at once; without a wait the bound is NaN. */
static void test_within_wait_recording(void) {
    ps_oracle o;
    ps_oracle_init(&o, 10, 336, 1.0);
    CHECK_INT(ps_oracle_add_running(&o, 2, 1, 4), 0);
    const ps_job step0[1] = {{1, 0, 1, 2}};
    CHECK_INT(ps_oracle_record(&o, 3, step0, 1), 0);
    CHECK_INT(ps_oracle_record(&o, 2, NULL, 0), 0);
    CHECK_INT(ps_oracle_record(&o, 7, NULL, 0), 0);
    ps_oracle_result r;
    CHECK_INT(ps_oracle_solve(&o, &r), 0);
    CHECK(isnan(r.qos_cost));
    CHECK_NEAR(r.contiguous_cost, 2 * 2, 1e-12); /* the arrival alone, in hour 1 */
    o.max_wait = 5;
    CHECK_INT(ps_oracle_solve(&o, &r), 0);
    /* running: 4 cores in hours 0-1 (3 + 2); the arrival: hour 3, past the end, free */
    CHECK_NEAR(r.qos_cost, 4 * (3 + 2), 1e-12);
    CHECK_INT(r.qos_unscheduled, 0);
    CHECK_NEAR(r.contiguous_cost, 2 * 2, 1e-12);
    ps_oracle_reset(&o);
    CHECK_INT(o.n_running, 0);
    ps_oracle_free(&o);
}

/* ------------------------------------------------------- brute force */

typedef struct instance {
    double p[5];
    int T, n;
    int64_t cap;
    ps_oracle_job jobs[3];
} instance;

/* Cheapest complete schedule (every job placed), or INFINITY. */
static double brute(const instance *in, int k, int64_t *used, int max_age) {
    if (k == in->n) return 0.0;
    const ps_oracle_job *j = &in->jobs[k];
    int t_min = j->arrival > 0 ? j->arrival : 0;
    int end = j->arrival + max_age < in->T ? j->arrival + max_age : in->T;
    double best = INFINITY;
    for (int t = t_min; t + j->duration <= end; t++) {
        int ok = 1;
        for (int h = t; h < t + j->duration; h++) ok &= used[h] + j->width <= in->cap;
        if (!ok) continue;
        double c = 0;
        for (int h = t; h < t + j->duration; h++) used[h] += j->width, c += in->p[h] * j->width;
        double rest = brute(in, k + 1, used, max_age);
        if (c + rest < best) best = c + rest;
        for (int h = t; h < t + j->duration; h++) used[h] -= j->width;
    }
    return best;
}

static void test_against_brute_force(void) {
    ps_rng rng;
    ps_rng_seed(&rng, 7, 1);
    int compared = 0, below = 0, liquid_above = 0;
    for (int trial = 0; trial < 3000; trial++) {
        instance in;
        memset(&in, 0, sizeof in);
        in.T = 2 + (int)ps_rng_int(&rng, 0, 3);
        in.n = 1 + (int)ps_rng_int(&rng, 0, 2);
        in.cap = 4 + ps_rng_int(&rng, 0, 6);
        for (int t = 0; t < in.T; t++) in.p[t] = (double)ps_rng_int(&rng, -3, 9);
        for (int i = 0; i < in.n; i++)
            in.jobs[i] = (ps_oracle_job){(int)ps_rng_int(&rng, -1, in.T - 1), (int)ps_rng_int(&rng, 1, 3),
                                         (int)ps_rng_int(&rng, 1, (int)in.cap)};
        int max_age = 2 + (int)ps_rng_int(&rng, 0, 4);
        ps_oracle_result r;
        CHECK_INT(ps_oracle_contiguous(in.p, in.T, in.jobs, in.n, in.cap, max_age, 1.0, &r), 0);
        if (r.unscheduled + r.spillover > 0) continue;
        int64_t used[5] = {0};
        double opt = brute(&in, 0, used, max_age);
        compared++;
        below += !(r.contiguous_cost >= opt - 1e-9); /* a greedy schedule is a schedule */
        double work = 0;
        for (int i = 0; i < in.n; i++) work += (double)in.jobs[i].duration * in.jobs[i].width;
        liquid_above += ps_oracle_liquid(in.p, in.T, work, in.cap, 1.0) > r.contiguous_cost + 1e-9;
    }
    CHECK(compared > 1000);
    CHECK_INT(below, 0);
    CHECK_INT(liquid_above, 0);
}

int main(void) {
    test_liquid();
    test_contiguous_hand();
    test_recording();
    test_within_wait_hand();
    test_within_wait_recording();
    test_against_brute_force();
    return check_summary("test_oracle");
}
