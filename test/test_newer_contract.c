/* test_newer_contract.c - the newer training contract (spec 18 C, the
 * "NEWER VERSION DELTA" blocks), each option on hand-built cases: the
 * newest reward's values, the drop-streak flush (both sides, -200,
 * terminated, the episode record), decision-hour billing and the consumed
 * price history, the logic price, hard-reset start rows, the binomial
 * sampler and the hourly sampler's count scaling, and that the defaults are
 * the reference (the golden parity tests check the rest); and the cost
 * reward, an option beyond the prototype. */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "powersched/env.h"
#include "powersched/hourly.h"
#include "powersched/scenario_options.h"
#include "powersched/workload.h"

/* ------------------------------------------------------------ helpers */

/* A job source that emits `per_hour` copies of one job every hour, or only
 * in the first hour when once is set. */
typedef struct fixed_source {
    ps_job job;
    int per_hour, once, calls;
} fixed_source;

static int fixed_next(void *state, int hour, ps_rng *rng, ps_rng *aux, ps_joblist *out) {
    (void)hour, (void)rng, (void)aux;
    fixed_source *f = state;
    if (f->once && f->calls > 0) return 0;
    f->calls++;
    for (int i = 0; i < f->per_hour; i++)
        if (ps_joblist_push(out, f->job) != 0) return -1;
    return 0;
}
static const char *fixed_describe(const void *state) { return (void)state, "fixed"; }
static void fixed_free(void *state) { (void)state; }
static const ps_job_source_ops FIXED_OPS = {fixed_next, fixed_describe, fixed_free};

/* A 2-node x 96-core cluster with a 2-slot queue and a 1-record backlog. */
static ps_env_spec tiny_spec(fixed_source *src) {
    ps_env_spec s = ps_env_spec_default();
    s.cfg.max_nodes = 2;
    s.cfg.max_queue_size = 2;
    s.cfg.max_backlog_size = 1;
    if (src) s.source = (ps_job_source){&FIXED_OPS, src};
    return s;
}

static int make_env(ps_env *env, const ps_env_spec *spec) {
    ps_error err = {{0}};
    if (ps_env_create(env, spec, &err) == PS_OK) return 0;
    fprintf(stderr, "ps_env_create: %s\n", err.msg);
    return -1;
}

/* Creates env and makes its first reset (no seed, no price start); a
 * failure counts as a failed check. */
static int start_env(ps_env *env, const ps_env_spec *spec) {
    int rc = make_env(env, spec);
    CHECK_INT(rc, 0);
    if (rc == 0) ps_env_reset(env, NULL, -1, NULL);
    return rc;
}

static void step(ps_env *env, ps_action a, float *obs, ps_step_info *in) {
    ps_error err = {{0}};
    if (ps_env_step(env, a, obs, in, &err) != PS_OK) {
        fprintf(stderr, "ps_env_step: %s\n", err.msg);
        exit(1);
    }
}

static const ps_action KEEP = {1, 0, 0, 0};

/* Expected values of episode record fields, by column name. */
typedef struct want {
    const char *field;
    double value;
} want;

static void check_record(const ps_episode_record *r, const want *w, int n) {
    for (int i = 0; i < n; i++) {
        int f = 0;
        while (f < ps_episode_field_count && strcmp(ps_episode_fields[f].name, w[i].field)) f++;
        check_count_++;
        double got = f < ps_episode_field_count ? *(const double *)((const char *)r + ps_episode_fields[f].offset) : NAN;
        if (!(fabs(got - w[i].value) <= 1e-9 * (1 + fabs(w[i].value)))) {
            check_failures_++;
            fprintf(stderr, "record field %s = %.17g, expected %.17g\n", w[i].field, got, w[i].value);
        }
    }
}

/* ------------------------------------------------------- newest reward */

static void test_cheapness(void) {
    float w[PS_PRICE_WINDOW];
    for (int i = 0; i < PS_PRICE_WINDOW; i++) w[i] = (float)i;
    w[0] = 999; /* element 0 is not part of the quantiles */
    /* 1..23: q10 = 3.2 (index 2.2), q90 = 20.8 (index 19.8), band 17.6 */
    CHECK_NEAR(ps_reward_cheapness(3.2, w), 1.0, 1e-12);
    CHECK_NEAR(ps_reward_cheapness(12.0, w), 0.5, 1e-12);
    CHECK_NEAR(ps_reward_cheapness(1.0, w), 1.0, 0);   /* clipped */
    CHECK_NEAR(ps_reward_cheapness(30.0, w), 0.0, 0);  /* clipped */
    for (int i = 0; i < PS_PRICE_WINDOW; i++) w[i] = 50.0f;
    CHECK_NEAR(ps_reward_cheapness(10.0, w), 0.0, 0);  /* flat band: no signal */
}

static ps_reward_in newest_input(const float *window) {
    ps_reward_in in = {335, 100, 235, 0, 9600, 12.0, 14.0, 50, 0, 3, window, 19200, 16080, 0, 0};
    return in;
}

static void test_newest_reward(void) {
    ps_config c = ps_config_default();
    c.contract.reward = PS_REWARD_NEWEST;
    ps_weights w = ps_weights_default();
    w.job_age = 1.0;
    w.drop = 5.0; /* ignored by the newest reward */
    float win[PS_PRICE_WINDOW];
    for (int i = 0; i < PS_PRICE_WINDOW; i++) win[i] = (float)i;
    ps_reward_in in = newest_input(win);
    ps_reward_out out;
    ps_reward_compute(&c, &w, 16, 24, &in, &out);
    /* E: f = 9600 / 32160 as in the reference; no blackout with nodes on */
    CHECK_NEAR(out.efficiency, -0.6019895567574508, 1e-12);
    /* R: adv = 3 (14 - 12) / 8, tau 20: tanh(0.75 (1 - exp(-100/20))) */
    CHECK_NEAR(out.price, 0.6321244477132433, 1e-12);
    /* A: cheap 0.5, T = 19200, shortfall 0.5 (1 - 9600/19200) = 0.25,
     * overdue 1 - exp(-16080/16080); -(0.75 * 0.25 + 1.25 * 0.632...) */
    CHECK_NEAR(out.cheap, 0.5, 1e-12);
    CHECK_NEAR(out.shortfall, 0.25, 1e-12);
    CHECK_NEAR(out.overdue, 1 - exp(-1.0), 1e-15);
    CHECK_NEAR(out.job_age, -0.9776506985356971, 1e-12);
    CHECK_NEAR(out.drop, -0.3 * tanh(3.0 / 20), 1e-15);
    CHECK_NEAR(out.idle, -235.0 / 335, 1e-15);
    CHECK_NEAR(out.total, -1.3874332625416028, 1e-12);

    /* Saturation: overdue alone past 1 clips A at -1; demand 0 gives no shortfall. */
    in.demand_cores = 0;
    in.overdue_age_core_hours = 1000000;
    ps_reward_compute(&c, &w, 16, 24, &in, &out);
    CHECK_NEAR(out.shortfall, 0, 0);
    CHECK_NEAR(out.job_age, -1.0, 0);
    /* Demand above the cluster caps T at 32160 cores; expensive hour: no shortfall. */
    in = newest_input(win);
    in.demand_cores = 100000;
    in.overdue_age_core_hours = 0;
    ps_reward_compute(&c, &w, 16, 24, &in, &out);
    CHECK_NEAR(out.shortfall, 0.5 * (1 - 9600.0 / 32160), 1e-15);
    CHECK_NEAR(out.job_age, -0.75 * out.shortfall, 1e-15);
    in.price = 25;
    ps_reward_compute(&c, &w, 16, 24, &in, &out);
    CHECK_NEAR(out.job_age, 0, 0);
    /* Pressure counts with every node on too (the reference's age term needs an off node). */
    CHECK_INT(in.off, 0);
}

static void test_newest_blackout_and_negative_price(void) {
    ps_config c = ps_config_default();
    c.contract.reward = PS_REWARD_NEWEST;
    ps_weights w = ps_weights_default();
    float win[PS_PRICE_WINDOW] = {0};
    ps_reward_in off = {0, 0, 0, 335, 0, 20.0, 20.0, 0, 0, 0, win, 0, 0, 0, 0};
    ps_reward_out out;
    ps_reward_compute(&c, &w, 16, 24, &off, &out);
    CHECK_NEAR(out.efficiency, 1.0, 0); /* a correct blackout */
    off.unprocessed = 10;
    ps_reward_compute(&c, &w, 16, 24, &off, &out);
    CHECK_NEAR(out.efficiency, 0.0, 0); /* no penalty (the reference: -0.864665) */
    c.contract.reward = PS_REWARD_REFERENCE;
    ps_reward_compute(&c, &w, 16, 24, &off, &out);
    CHECK_NEAR(out.efficiency, exp(-2.0) - 1, 1e-15);
    CHECK_NEAR(out.total, -0.605265, 1e-6); /* spec 5.3 reference point */

    /* Negative price: the newest node tau 20; capped at 1.5 like the reference. */
    c.contract.reward = PS_REWARD_NEWEST;
    ps_reward_in neg = {335, 100, 235, 0, 9600, -10.0, 50.0, 0, 0, 0, win, 0, 0, 0, 0};
    ps_reward_compute(&c, &w, 16, 24, &neg, &out);
    CHECK_NEAR(out.price, 1.5, 0);
    neg.context_price = -20; /* adv < 0: tanh(raw) + 2.5 o, then the 0.35 o floor */
    ps_reward_compute(&c, &w, 16, 24, &neg, &out);
    double o = (1 - exp(-10.0 / 8)) * (1 - exp(-100.0 / 20));
    double raw = 3 * (-10.0 / 8) * (1 - exp(-100.0 / 20));
    CHECK_NEAR(out.price, fmax(fmin(tanh(raw) + 2.5 * o, 1.5), 0.35 * o), 1e-15);
}

/* ------------------------------------------------------ drop-streak flush */

/* Every hour 4 jobs of 5 h x 2 nodes x 96 cores arrive at a 2-node cluster
 * with 2 queue slots and 1 backlog record: step 1 drops 1 (launches one),
 * step 2 drops 3, step 3 drops 4, on both sides alike. */
static void test_flush(void) {
    fixed_source src = {{5, 0, 2, 96}, 4, 0, 0};
    ps_env_spec spec = tiny_spec(&src);
    spec.cfg.contract.flush_after_drop_streak = 3;
    ps_env env;
    if (start_env(&env, &spec) != 0) return;
    ps_step_info in;
    const int64_t drops[3] = {1, 3, 4};
    double rewards = 0; /* of the steps before the flush */
    for (int t = 0; t < 3; t++) {
        step(&env, KEEP, NULL, &in);
        if (t < 2) rewards += in.reward;
        CHECK_INT(in.dropped, drops[t]);
        CHECK_INT(in.drop_streak, t + 1);
        CHECK_INT(in.terminated, t == 2);
        CHECK_INT(in.truncated, 0);
        CHECK((in.episode != NULL) == (t == 2));
    }
    /* The flush step: -200, both sides emptied (queue 2 + backlog 1 + running 1 each). */
    CHECK_NEAR(in.reward, -200.0, 0);
    CHECK_INT(in.flushed, 4);
    CHECK_INT(in.baseline_flushed, 4);
    CHECK(in.step_cost > 0); /* the hour was billed on the state before the flush */
    const ps_side *sides[2] = {&env.agent, &env.baseline};
    for (int k = 0; k < 2; k++) {
        const ps_side *s = sides[k];
        CHECK_INT(s->n_active + s->bl_len + s->n_running, 0);
        CHECK_INT(s->pending.count, 0);
        CHECK_INT(s->on, 2);
        for (int i = 0; i < 2; i++) CHECK(s->nodes[i] == 0 && s->cores[i] == 96);
    }
    ps_error err = {{0}};
    CHECK_INT(ps_env_check_invariants(&env, &err), PS_OK);
    const want flushed[] = {
        {"terminated", 1}, {"episode_steps", 3}, {"jobs_dropped", 8}, {"jobs_flushed", 4},
        {"jobs_lost_total", 12}, /* dropped + flushed */
        {"loss_rate", 100}, {"drop_rate", 8.0 / 12 * 100}, {"baseline_jobs_lost_total", 12},
        {"baseline_jobs_flushed", 4}, {"max_drop_streak", 3}, {"jobs_launched", 1},
        {"baseline_jobs_launched", 1}, {"avg_wait_time_at_launch", 0}, {"pending_jobs_end", 0},
        {"used_nodes_end", 2}, /* the last step's counts, before the flush */
        {"total_reward", rewards + -200.0},
    };
    check_record(in.episode, flushed, PS_COUNT(flushed));

    /* Stepping on without a reset starts episode 2 on its own. */
    step(&env, KEEP, NULL, &in);
    CHECK_INT(env.metrics.current_hour, 1);
    CHECK_INT(env.current_episode, 2);
    CHECK_INT(in.drop_streak, 1);
    CHECK_INT(env.metrics.ep.agent.submitted, 4);
    CHECK_INT(ps_env_check_invariants(&env, &err), PS_OK);
    ps_env_free(&env);

    /* Off (0, the default): the same run never terminates and the streak grows. */
    fixed_source src2 = {{5, 0, 2, 96}, 4, 0, 0};
    spec = tiny_spec(&src2);
    if (start_env(&env, &spec) != 0) return;
    for (int t = 0; t < 6; t++) {
        step(&env, KEEP, NULL, &in);
        CHECK_INT(in.terminated, 0);
        CHECK_INT(in.flushed, 0);
    }
    CHECK_INT(in.drop_streak, 6);
    CHECK_INT(env.metrics.ep.max_drop_streak, 6);
    ps_env_free(&env);
}

/* One job that can never run (3 nodes on a 2-node cluster) waits a whole
 * episode of 30 hours: the end snapshots count it pending and overdue. */
static void test_end_snapshots(void) {
    fixed_source src = {{1, 0, 3, 96}, 1, 1, 0};
    ps_env_spec spec = tiny_spec(&src);
    spec.cfg.episode_hours = 30;
    spec.cfg.contract.reward = PS_REWARD_NEWEST;
    ps_env env;
    if (start_env(&env, &spec) != 0) return;
    ps_step_info in;
    for (int t = 0; t < 30; t++) step(&env, KEEP, NULL, &in);
    CHECK_INT(in.truncated, 1);
    CHECK_INT(in.terminated, 0);
    CHECK_INT(in.demand_cores, 3 * 96);
    /* age 29 at step 30: (29 - 24) x 3 x 96 */
    CHECK_INT(in.overdue_age_core_hours, 5 * 3 * 96);
    CHECK_NEAR(in.parts.overdue, 1 - exp(-1440.0 / 96), 1e-15);
    const want end[] = {
        {"terminated", 0}, {"episode_steps", 30}, {"pending_jobs_end", 1}, {"pending_core_hours_end", 3 * 96},
        {"overdue_jobs_end", 1}, {"overdue_age_core_hours_end", 1440}, {"baseline_pending_jobs_end", 1},
        {"baseline_overdue_jobs_end", 1}, {"jobs_lost_total", 0}, {"on_nodes_end", 2},
    };
    check_record(in.episode, end, PS_COUNT(end));
    ps_env_free(&env);
}

/* ----------------------------------------------------- price timing */

enum { N_PRICES = 1000 };
static float PRICES[N_PRICES];

static ps_env_spec price_spec(int timing, int history) {
    for (int i = 0; i < N_PRICES; i++) PRICES[i] = (float)(100 + i);
    ps_env_spec s = tiny_spec(NULL);
    s.prices = PRICES;
    s.n_prices = N_PRICES;
    s.cfg.contract.price_timing = timing;
    s.cfg.contract.price_history = history;
    return s;
}

/* Billed price and history mean of step k = 1..3 for a timing/history pair;
 * obs_first: the observation's element 0 after step 3. */
static void run_prices(int timing, int history, double billed[3], double hist[3], float *obs_first) {
    ps_env_spec spec = price_spec(timing, history);
    ps_env env;
    if (make_env(&env, &spec) != 0) exit(1);
    float *obs = calloc((size_t)ps_env_obs_size(&env), sizeof *obs);
    ps_env_reset(&env, NULL, -1, obs);
    for (int k = 0; k < 3; k++) {
        ps_step_info in;
        step(&env, KEEP, obs, &in);
        billed[k] = in.current_price;
        hist[k] = in.price_hist_avg;
    }
    *obs_first = obs[env.layout.predicted_prices];
    free(obs);
    ps_env_free(&env);
}

static void test_price_timing(void) {
    double b[3], h[3];
    float o;
    /* Reference: step k bills row k; history = rows entering the window (24, 25, ...). */
    run_prices(PS_PRICE_TIMING_REFERENCE, PS_PRICE_HISTORY_WINDOW_END, b, h, &o);
    CHECK_NEAR(b[0], 101, 0);
    CHECK_NEAR(b[2], 103, 0);
    CHECK_NEAR(h[2], (124 + 125 + 126) / 3.0, 1e-12);
    CHECK_NEAR(o, 103, 0); /* the observation's element 0 is the price just billed */
    /* Decision hour: step k bills row k-1, the window advances after the step. */
    run_prices(PS_PRICE_TIMING_DECISION, PS_PRICE_HISTORY_WINDOW_END, b, h, &o);
    CHECK_NEAR(b[0], 100, 0);
    CHECK_NEAR(b[2], 102, 0);
    CHECK_NEAR(h[0], 0, 0); /* nothing consumed yet: empty history */
    CHECK_NEAR(h[2], (124 + 125) / 2.0, 1e-12);
    CHECK_NEAR(o, 103, 0); /* the next step's price */
    /* Decision hour + consumed history: a trailing mean of the billed prices. */
    run_prices(PS_PRICE_TIMING_DECISION, PS_PRICE_HISTORY_CONSUMED, b, h, &o);
    CHECK_NEAR(h[1], 100, 0);
    CHECK_NEAR(h[2], 100.5, 1e-12);
    /* Reference timing + consumed: the history holds the billed prices, this one included. */
    run_prices(PS_PRICE_TIMING_REFERENCE, PS_PRICE_HISTORY_CONSUMED, b, h, &o);
    CHECK_NEAR(b[2], 103, 0);
    CHECK_NEAR(h[2], 102, 1e-12);
}

/* --------------------------------------------------------- logic price */

static void test_logic_price(void) {
    CHECK_NEAR(ps_prices_logic(0, 250, -10), 250, 0);
    CHECK_NEAR(ps_prices_logic(11, 250, -10), 250, 0);
    CHECK_NEAR(ps_prices_logic(12, 250, -10), -10, 0);
    CHECK_NEAR(ps_prices_logic(23, 250, -10), -10, 0);
    CHECK_NEAR(ps_prices_logic(24 * 7 + 3, 250, -10), 250, 0);
    CHECK_NEAR(ps_prices_logic(-1, 250, -10), -10, 0);
    ps_contract c = ps_config_default().contract;
    c.synthetic_prices = PS_SYNTH_LOGIC;
    ps_prices p;
    ps_error err = {{0}};
    CHECK_INT(ps_prices_init_contract(&p, NULL, 0, &c, &err), PS_OK);
    CHECK_NEAR(p.min_price, 16, 0); /* MIN/MAX stay the synthetic 16/24 (spec 18.21) */
    CHECK_NEAR(p.max_price, 24, 0);
    for (int i = 0; i < PS_PRICE_WINDOW; i++) CHECK_NEAR(p.window[i], i < 12 ? 250 : -10, 0);
    for (int k = 1; k <= 30; k++) CHECK_NEAR(ps_prices_advance(&p), (k % 24) < 12 ? 250 : -10, 0);
    ps_price_stats st;
    ps_prices_stats(&p, &st);
    CHECK_NEAR(st.mean, 120, 1e-9);

    /* The option: --prices logic:300:10 selects it with those levels, no file. */
    ps_sim_flags f;
    ps_sim_flags_init(&f);
    ps_optset set;
    ps_optset_init(&set);
    ps_sim_flags_options(&f, &set);
    char *argv[] = {"--prices", "logic:300:10"};
    int help = 0;
    ps_scenario_spec spec;
    CHECK_INT(ps_optset_parse(&set, 2, argv, &help, &err), PS_OK);
    CHECK_INT(ps_sim_flags_to_spec(&f, &spec, NULL, &err), PS_OK);
    CHECK_INT(spec.cfg.contract.synthetic_prices, PS_SYNTH_LOGIC);
    CHECK_NEAR(spec.cfg.contract.logic_high, 300, 0);
    CHECK_NEAR(spec.cfg.contract.logic_low, 10, 0);
    CHECK(spec.prices_path && !*spec.prices_path);
    f.prices = "logic:300";
    CHECK_INT(ps_sim_flags_to_spec(&f, &spec, NULL, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "logic:HIGH:LOW");
}

/* ---------------------------------------------------------- hard reset */

static void test_hard_reset_eval(void) {
    fixed_source src = {{50, 0, 1, 96}, 3, 0, 0};
    ps_env_spec spec = price_spec(0, 0);
    spec.source = (ps_job_source){&FIXED_OPS, &src};
    spec.cfg.contract.hard_reset = PS_HARD_RESET_EVAL;
    ps_env env;
    if (start_env(&env, &spec) != 0) return; /* first reset: hard, episode 0 -> row 0 */
    CHECK_INT(env.start_row, 0);
    ps_step_info in;
    for (int e = 1; e <= 3; e++) { /* three soft episodes of a few steps: state builds up */
        for (int t = 0; t < 5; t++) step(&env, KEEP, NULL, &in);
        ps_env_reset(&env, NULL, -1, NULL);
    }
    CHECK(env.agent.n_running + env.agent.n_active + env.agent.bl_len > 0);
    CHECK_INT(env.start_row, 0); /* soft resets keep the timeline */
    for (int t = 0; t < 5; t++) step(&env, KEEP, NULL, &in);
    ps_env_request_hard_reset(&env);
    ps_env_reset(&env, NULL, -1, NULL); /* episode_idx 4: (4 x 336) mod 1000 = 344 */
    CHECK_INT(env.episode_idx, 4);
    CHECK_INT(env.start_row, 344);
    CHECK_NEAR(env.prices.window[0], 100 + 344, 0);
    CHECK_INT(env.agent.n_running + env.agent.n_active + env.agent.bl_len, 0);
    CHECK_INT(env.baseline.n_running + env.baseline.n_active + env.baseline.bl_len, 0);
    ps_error err = {{0}};
    CHECK_INT(ps_env_check_invariants(&env, &err), PS_OK); /* discarded jobs count as flushed */
    step(&env, KEEP, NULL, &in);
    CHECK_NEAR(in.current_price, 100 + 345, 0);
    ps_env_reset(&env, NULL, -1, NULL);
    CHECK_INT(env.start_row, 344); /* only the requested reset was hard */
    ps_env_free(&env);
}

static void test_hard_reset_train(void) {
    ps_env_spec spec = price_spec(0, 0);
    spec.cfg.contract.hard_reset = PS_HARD_RESET_TRAIN;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        ps_env env;
        if (make_env(&env, &spec) != 0) return;
        ps_env_reset(&env, &seed, -1, NULL);
        ps_rng r;
        ps_rng_seed(&r, seed, PS_STREAM_ENV); /* the row is the env stream's first draw after the reseed */
        CHECK_INT(env.start_row, ps_rng_int(&r, 0, N_PRICES - 1));
        CHECK_NEAR(env.prices.window[0], 100 + env.start_row, 0);
        CHECK(memcmp(&r, &env.rng, sizeof r) == 0);
        ps_env_free(&env);
    }
    /* An explicit price start wins over the draw. */
    ps_env env;
    if (make_env(&env, &spec) != 0) return;
    ps_env_reset(&env, NULL, 1234, NULL);
    CHECK_INT(env.start_row, 234);
    ps_env_free(&env);
    /* Synthetic prices: a phase in [0, 24), drawn in evaluation mode too. */
    ps_env_spec syn = tiny_spec(NULL);
    syn.cfg.contract.hard_reset = PS_HARD_RESET_EVAL;
    uint64_t seed = 7;
    if (make_env(&env, &syn) != 0) return;
    ps_env_reset(&env, &seed, -1, NULL);
    ps_rng r;
    ps_rng_seed(&r, seed, PS_STREAM_ENV);
    CHECK_INT(env.start_row, ps_rng_int(&r, 0, 23));
    CHECK_NEAR(env.prices.window[0], (float)ps_prices_synthetic(env.start_row), 0);
    ps_env_free(&env);
    /* Off (the default): no draw, prices at row 0. */
    ps_env_spec off = price_spec(0, 0);
    if (make_env(&env, &off) != 0) return;
    ps_env_reset(&env, &seed, -1, NULL);
    CHECK(memcmp(&r, &env.rng, sizeof r) != 0);
    ps_rng_seed(&r, seed, PS_STREAM_ENV);
    CHECK(memcmp(&r, &env.rng, sizeof r) == 0);
    CHECK_NEAR(env.prices.window[0], 100, 0);
    ps_env_free(&env);
}

/* ------------------------------------------------------------ binomial */

static void binomial_moments(int64_t n, double p, int draws, double *mean, double *var) {
    ps_rng r;
    ps_rng_seed(&r, 42, 9);
    double s = 0, s2 = 0;
    for (int i = 0; i < draws; i++) {
        double x = (double)ps_rng_binomial(&r, n, p);
        s += x;
        s2 += x * x;
    }
    *mean = s / draws;
    *var = s2 / draws - *mean * *mean;
}

static void test_binomial(void) {
    double m, v;
    binomial_moments(40, 0.3, 200000, &m, &v); /* sd of the mean 0.0065 */
    CHECK_NEAR(m, 12.0, 0.04);
    CHECK_NEAR(v, 8.4, 0.15);
    binomial_moments(40, 0.8, 200000, &m, &v); /* the upper tail: n - Binomial(n, 0.2) */
    CHECK_NEAR(m, 32.0, 0.03);
    CHECK_NEAR(v, 6.4, 0.12);
    binomial_moments(5000, 0.5, 4000, &m, &v); /* the Bernoulli path: sd of the mean 0.56 */
    CHECK_NEAR(m, 2500.0, 2.5);
    CHECK_NEAR(v, 1250.0, 150);
    ps_rng r;
    ps_rng_seed(&r, 1, 1);
    CHECK_INT(ps_rng_binomial(&r, 10, 0.0), 0);
    CHECK_INT(ps_rng_binomial(&r, 10, 1.0), 10);
    CHECK_INT(ps_rng_binomial(&r, 0, 0.5), 0);
    int in_range = 1;
    for (int i = 0; i < 1000; i++) {
        int64_t x = ps_rng_binomial(&r, 7, 0.5);
        in_range &= x >= 0 && x <= 7;
    }
    CHECK(in_range);
}

/* One date with 10 jobs in every hour and one hour-long template per hour
 * (weight 1): the sampler emits exactly the drawn count. */
static ps_hourly hand_hourly(int32_t *counts, ps_hourly_template *tpl) {
    ps_hourly h;
    memset(&h, 0, sizeof h);
    h.n_dates = 1;
    h.counts = counts;
    h.tpl = tpl;
    for (int hr = 0; hr < 24; hr++) {
        counts[hr] = 10;
        tpl[hr] = (ps_hourly_template){1, 1, 2, 1, 1, 0};
        h.tpl_start[hr] = hr;
        h.total_weight[hr] = h.pool_size[hr] = 1;
    }
    h.tpl_start[24] = 24;
    return h;
}

static void test_hourly_binomial(void) {
    int32_t counts[24];
    ps_hourly_template tpl[24];
    ps_hourly h = hand_hourly(counts, tpl);
    ps_rng r;
    ps_rng_seed(&r, 3, 1);
    ps_joblist l = {0};
    double s = 0, s2 = 0;
    const int draws = 40000;
    int ok = 1;
    for (int i = 0; i < draws; i++) {
        l.n = 0;
        ok &= ps_hourly_sample_scaled(&h, i, 2.5, &r, &l) == 0;
        s += l.n;
        s2 += (double)l.n * l.n;
    }
    CHECK(ok);
    /* 10 x 2 + Binomial(10, 0.5): mean 25, variance 2.5 */
    double mean = s / draws;
    CHECK_NEAR(mean, 25.0, 0.03);
    CHECK_NEAR(s2 / draws - mean * mean, 2.5, 0.1);
    l.n = 0;
    ps_hourly_sample_scaled(&h, 0, 1.0, &r, &l);
    CHECK_INT(l.n, 10);
    ps_rng before = r;
    l.n = 0;
    ps_hourly_sample_scaled(&h, 0, 0.0, &r, &l);
    CHECK_INT(l.n, 0);
    CHECK(memcmp(&before, &r, sizeof r) == 0); /* scale 0 draws nothing */

    /* The workload source takes this path with --hourly-scale binomial
     * (and no per-job thinning after it). */
    ps_workload w;
    memset(&w, 0, sizeof w);
    w.cfg = ps_config_default();
    w.cfg.contract.hourly_binomial = 1;
    w.kind = PS_SOURCE_HOURLY;
    w.hourly = h;
    w.arrival_scale = 0.5;
    ps_job_source src;
    ps_error err = {{0}};
    CHECK_INT(ps_workload_source(&w, &src, &err), PS_OK);
    ps_rng a, b;
    ps_rng_seed(&a, 11, 1);
    ps_rng_seed(&b, 11, 1);
    int same = 1;
    ps_joblist l2 = {0};
    for (int i = 0; i < 200; i++) {
        l.n = l2.n = 0;
        src.ops->next(src.state, i, &a, &a, &l);
        ps_hourly_sample_scaled(&h, i, 0.5, &b, &l2);
        same &= l.n == l2.n;
    }
    CHECK(same);
    CHECK(memcmp(&a, &b, sizeof a) == 0);
    src.ops->free(src.state);
    ps_joblist_free(&l);
    ps_joblist_free(&l2);
}

/* ------------------------------------------------------------ defaults */

/* ------------------------------------------ the cost reward (beyond it) */

/* By hand, in euros; the weights are not used. */
static void test_cost_reward_values(void) {
    ps_config c = ps_config_default();
    c.contract.reward = PS_REWARD_COST;
    c.contract.wait_cost = 0.01;
    ps_weights w = ps_weights_default();
    ps_reward_in in = {335, 100, 235, 0, 9600, 20.0, 20.0, 10, 5, 2, NULL, 0, 0, 1.0, 1.25};
    ps_reward_out out;
    ps_reward_compute(&c, &w, 16, 24, &in, &out);
    CHECK_NEAR(out.price, 0.25, 1e-15);
    CHECK_NEAR(out.job_age, -0.01 * 10, 1e-15);
    CHECK_NEAR(out.drop, -0.01 * 336 * 2, 1e-15);
    CHECK_NEAR(out.efficiency + out.idle, 0, 0);
    CHECK_NEAR(out.total, 0.25 - 0.1 - 6.72, 1e-12);
    w.price = 7;
    ps_reward_compute(&c, &w, 16, 24, &in, &out);
    CHECK_NEAR(out.total, 0.25 - 0.1 - 6.72, 1e-12);
}

/* Without a wait cost an episode's rewards add up to its saving against
 * baseline_off. */
static void test_cost_reward_episode(void) {
    fixed_source src = {{.duration = 3, .nodes = 1, .cores = 40}, 1, 0, 0};
    ps_env_spec spec = tiny_spec(&src);
    spec.cfg.contract.reward = PS_REWARD_COST;
    ps_env env;
    if (start_env(&env, &spec) != 0) return;
    double sum = 0.0;
    ps_step_info in;
    for (int h = 0; h < env.cfg.episode_hours; h++) {
        ps_action a = h % 5 == 0 ? (ps_action){0, 0, 1, 0} : h % 5 == 2 ? (ps_action){2, 1, 1, 0} : KEEP;
        step(&env, a, NULL, &in);
        sum += in.reward;
    }
    CHECK(in.episode != NULL);
    if (in.episode) {
        double saved = in.episode->baseline_cost_off - in.episode->agent_cost;
        CHECK(fabs(saved) > 1e-3); /* the schedule differs from baseline_off's */
        CHECK_NEAR(sum, saved, 1e-9);
    }
    ps_env_free(&env);
}

/* Cost at launch, by hand. Hour 1: the agent switches both nodes off, so
 * the 3-hour 40-core job waits; baseline_off starts it at once and its
 * node's idle power on the 56 unused cores is the only difference billed.
 * Hour 2: the agent switches both on and starts the job an hour late; the
 * reward counts its whole run at the prices from its arrival less from now
 * (a fully used node's power per core), and the second node's idle hour. */
static void test_cost_at_launch_values(void) {
    fixed_source src = {{.duration = 3, .nodes = 1, .cores = 40}, 1, 1, 0};
    ps_env_spec spec = tiny_spec(&src);
    spec.cfg.contract.reward = PS_REWARD_COST_AT_LAUNCH;
    ps_env env;
    if (start_env(&env, &spec) != 0) return;
    double idle = 150e-6, core = 450e-6 / 96; /* MWh per node-hour, per core-hour */
    ps_step_info in;
    step(&env, (ps_action){0, 1, 0, 0}, NULL, &in);
    double p1 = in.current_price;
    CHECK_NEAR(in.step_cost, 0, 0);
    CHECK_NEAR(in.reward, p1 * idle * (1 - 40.0 / 96), 1e-15);
    step(&env, (ps_action){2, 1, 0, 0}, NULL, &in);
    CHECK_INT(in.agent_launched, 1);
    const float *w = env.prices.window; /* w[0] was billed in hour 2 */
    double gain = core * 40 * ((p1 + w[0] + w[1]) - ((double)w[0] + w[1] + w[2]));
    CHECK_NEAR(in.reward, -w[0] * idle + gain, 1e-15);
    CHECK(fabs(gain) > 1e-6);
    ps_env_free(&env);
}

/* When every job of an episode starts and ends inside it, billing at launch
 * only moves costs between hours: the episode's rewards add up to the same
 * saving as the cost reward's, for the same actions. */
static void test_cost_at_launch_episode(void) {
    double sums[2] = {0, 0}, saved[2] = {0, 0};
    for (int k = 0; k < 2; k++) {
        fixed_source src = {{.duration = 3, .nodes = 1, .cores = 40}, 2, 1, 0};
        ps_env_spec spec = tiny_spec(&src);
        spec.cfg.contract.reward = k ? PS_REWARD_COST_AT_LAUNCH : PS_REWARD_COST;
        ps_env env;
        if (start_env(&env, &spec) != 0) return;
        ps_step_info in;
        for (int h = 0; h < env.cfg.episode_hours; h++) {
            ps_action a = h < 4 ? (ps_action){0, 1, 1, 0} : KEEP; /* held 4 hours, then run */
            if (h == 4) a = (ps_action){2, 1, 1, 0};
            step(&env, a, NULL, &in);
            sums[k] += in.reward;
        }
        CHECK(in.episode != NULL);
        if (in.episode) saved[k] = in.episode->baseline_cost_off - in.episode->agent_cost;
        CHECK_NEAR(in.episode ? in.episode->jobs_completed : 0, 2, 0);
        ps_env_free(&env);
    }
    CHECK(fabs(saved[0]) > 1e-4);
    CHECK_NEAR(saved[1], saved[0], 0);
    CHECK_NEAR(sums[0], saved[0], 1e-9);
    CHECK_NEAR(sums[1], saved[1], 1e-9);
}

static void test_defaults(void) {
    ps_contract c = ps_config_default().contract;
    CHECK_INT(c.reward, PS_REWARD_REFERENCE);
    CHECK_INT(c.flush_after_drop_streak, 0);
    CHECK_INT(c.price_timing, PS_PRICE_TIMING_REFERENCE);
    CHECK_INT(c.price_history, PS_PRICE_HISTORY_WINDOW_END);
    CHECK_INT(c.synthetic_prices, PS_SYNTH_SINUSOID);
    CHECK_INT(c.hard_reset, PS_HARD_RESET_OFF);
    CHECK_INT(c.hourly_binomial, 0);
    /* No flags: the reference contract; the words map to the enums. */
    ps_sim_flags f;
    ps_sim_flags_init(&f);
    ps_optset set;
    ps_optset_init(&set);
    ps_sim_flags_options(&f, &set);
    ps_scenario_spec spec;
    ps_error err = {{0}};
    CHECK_INT(ps_optset_parse(&set, 0, NULL, &(int){0}, &err), PS_OK);
    CHECK_INT(ps_sim_flags_to_spec(&f, &spec, NULL, &err), PS_OK);
    CHECK(memcmp(&spec.cfg.contract, &c, sizeof c) == 0);
    char *argv[] = {"--reward", "newest", "--flush-after-drop-streak", "5", "--price-timing", "decision-hour",
                    "--price-history", "consumed", "--hard-reset", "eval", "--hourly-scale", "binomial"};
    CHECK_INT(ps_optset_parse(&set, PS_COUNT(argv), argv, &(int){0}, &err), PS_OK);
    CHECK_INT(ps_sim_flags_to_spec(&f, &spec, NULL, &err), PS_OK);
    c = spec.cfg.contract;
    CHECK(c.reward == PS_REWARD_NEWEST && c.flush_after_drop_streak == 5 && c.price_timing == PS_PRICE_TIMING_DECISION &&
          c.price_history == PS_PRICE_HISTORY_CONSUMED && c.hard_reset == PS_HARD_RESET_EVAL && c.hourly_binomial == 1);
    char *cost[] = {"--reward", "cost", "--wait-cost", "0.5"};
    CHECK_INT(ps_optset_parse(&set, PS_COUNT(cost), cost, &(int){0}, &err), PS_OK);
    CHECK_INT(ps_sim_flags_to_spec(&f, &spec, NULL, &err), PS_OK);
    CHECK(spec.cfg.contract.reward == PS_REWARD_COST && spec.cfg.contract.wait_cost == 0.5);
    char *launch[] = {"--reward", "cost-at-launch"};
    CHECK_INT(ps_optset_parse(&set, PS_COUNT(launch), launch, &(int){0}, &err), PS_OK);
    CHECK_INT(ps_sim_flags_to_spec(&f, &spec, NULL, &err), PS_OK);
    CHECK(spec.cfg.contract.reward == PS_REWARD_COST_AT_LAUNCH && spec.cfg.contract.wait_cost == 0.5);
    f.reward = "reference";
    CHECK_INT(ps_sim_flags_to_spec(&f, &spec, NULL, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "--wait-cost needs --reward cost");
    f.cluster.contract.wait_cost = 0;
    f.hard_reset = "sometimes";
    CHECK_INT(ps_sim_flags_to_spec(&f, &spec, NULL, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "--hard-reset: 'sometimes' is not one of off, train, eval");

    /* The reference reward's spec 5.3 reference point is unchanged. */
    ps_config cfg = ps_config_default();
    ps_weights w = ps_weights_default();
    ps_reward_in idle = {335, 0, 335, 0, 0, 20, 20, 0, 0, 0, NULL, 0, 0, 0, 0};
    ps_reward_out out;
    ps_reward_compute(&cfg, &w, 16, 24, &idle, &out);
    CHECK_NEAR(out.total, -0.798725, 1e-6);
    CHECK_NEAR(out.cheap + out.shortfall + out.overdue, 0, 0);
}

int main(void) {
    test_cheapness();
    test_newest_reward();
    test_newest_blackout_and_negative_price();
    test_flush();
    test_end_snapshots();
    test_price_timing();
    test_logic_price();
    test_hard_reset_eval();
    test_hard_reset_train();
    test_binomial();
    test_hourly_binomial();
    test_cost_reward_values();
    test_cost_reward_episode();
    test_cost_at_launch_values();
    test_cost_at_launch_episode();
    test_defaults();
    return check_summary("test_newer_contract");
}
