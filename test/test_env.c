/* test_env.c - the environment (spec 2): step timing on hand-made job logs,
 * the observation layout and contents, truncation and episode records,
 * reset's continuous timeline, invalid actions, determinism, and the
 * invariants of spec 14 over long random runs. */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "powersched/scenario.h"
#include "powersched/env.h"
#include "powersched/job_timing.h"

static const char *fixtures;

static const char *fixture(const char *name) {
    static char buf[4][4096];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", fixtures, name);
    return buf[k];
}

static ps_action act(int type, int magnitude, int refill) {
    ps_action a = {type, magnitude, refill, 0};
    return a;
}

#define KEEP act(1, 0, 0)

/* A 4-node x 96-core cluster replaying a jobs log exactly. */
static ps_scenario_spec small_log_spec(const char *log) {
    ps_scenario_spec s = ps_scenario_spec_default();
    s.cfg.max_nodes = 4;
    s.cfg.max_queue_size = 8;
    s.cfg.max_backlog_size = 5;
    s.workload.jobs_path = log;
    s.workload.replay_mode = PS_REPLAY_EXACT;
    return s;
}

/* Creates env with its own copy of spec's data; *sc (when given) points at it. */
static int create_sc(ps_env *env, const ps_scenario_spec *spec, const ps_scenario **sc) {
    ps_error err = {{0}};
    if (ps_env_open(env, spec, sc, &err) != PS_OK) {
        fprintf(stderr, "ps_env_open: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int create(ps_env *env, const ps_scenario_spec *spec) { return create_sc(env, spec, NULL); }

static int step(ps_env *env, ps_action a, float *obs, ps_step_info *in) {
    ps_error err = {{0}};
    int rc = ps_env_step(env, a, obs, in, &err);
    if (rc != PS_OK) fprintf(stderr, "ps_env_step: %s\n", err.msg);
    return rc;
}

/* ------------------------------------------------ observation from state */

/* Number of observation values that differ from the env state (spec 2.2). */
static int obs_mismatches(const ps_env *env, const float *obs) {
    const ps_obs_layout *l = &env->layout;
    const ps_side *a = &env->agent;
    const ps_config *c = &env->cfg;
    int bad = 0;
    bad += obs[l->backlog_size] != (float)a->bl_len;
    int64_t count = 0, sum_d = 0, ch = 0;
    int max_n = 0;
    for (int q = 0; q < c->max_queue_size; q++) {
        const ps_job *j = &a->queue[q];
        const float *row = obs + l->job_queue + 4 * q;
        bad += row[0] != (float)j->duration || row[1] != (float)j->age || row[2] != (float)j->nodes ||
               row[3] != (float)j->cores;
        if (j->duration > 0) {
            count++;
            sum_d += j->duration;
            ch += (int64_t)j->duration * j->nodes * j->cores;
            if (j->nodes > max_n) max_n = j->nodes;
        }
    }
    for (int i = 0; i < a->bl_len; i++) {
        ps_job j = ps_side_backlog_at(a, i, env->current_step);
        count++;
        sum_d += j.duration;
        ch += (int64_t)j.duration * j.nodes * j.cores;
        if (j.nodes > max_n) max_n = j.nodes;
    }
    for (int i = 0; i < c->max_nodes; i++) bad += obs[l->nodes + i] != (float)a->nodes[i];
    bad += obs[l->pending_job_count] != (float)count;
    bad += obs[l->pending_core_hours] != (float)ch;
    double avg = count ? (double)sum_d / (double)count : 0.0;
    bad += fabs(obs[l->pending_avg_duration] - avg) > 1e-5 * (1 + avg);
    bad += obs[l->pending_max_nodes] != (float)max_n;
    for (int i = 0; i < PS_PRICE_WINDOW; i++) bad += obs[l->predicted_prices + i] != env->prices.window[i];
    return bad;
}

static void test_layout(void) {
    ps_config c = ps_config_default();
    ps_obs_layout l = ps_obs_layout_for(&c);
    CHECK_INT(l.backlog_size, 0);
    CHECK_INT(l.job_queue, 1);
    CHECK_INT(l.nodes, 10001);
    CHECK_INT(l.pending_avg_duration, 10336);
    CHECK_INT(l.pending_core_hours, 10337);
    CHECK_INT(l.pending_job_count, 10338);
    CHECK_INT(l.pending_max_nodes, 10339);
    CHECK_INT(l.predicted_prices, 10340);
    CHECK_INT(l.size, 10364);
    ps_env env;
    ps_scenario_spec spec = ps_scenario_spec_default();
    if (create(&env, &spec) != 0) {
        CHECK(0);
        return;
    }
    CHECK_INT(ps_env_obs_size(&env), 10364);
    /* the reset observation: all nodes idle, nothing pending, window synth(0..23) */
    float *obs = malloc(10364 * sizeof *obs);
    for (int i = 0; i < 10364; i++) obs[i] = -7.0f;
    ps_env_reset(&env, NULL, -1, obs);
    int bad = 0;
    for (int i = 0; i < 10340; i++) bad += obs[i] != 0.0f;
    for (int i = 0; i < 24; i++) bad += obs[10340 + i] != (float)ps_prices_synthetic(i);
    CHECK_INT(bad, 0);
    CHECK_INT(obs_mismatches(&env, obs), 0);
    /* a small config shrinks the layout */
    c.max_queue_size = 8;
    c.max_nodes = 4;
    l = ps_obs_layout_for(&c);
    CHECK_INT(l.nodes, 33);
    CHECK_INT(l.predicted_prices, 41);
    CHECK_INT(l.size, 65);
    free(obs);
    ps_env_free(&env);
}

/* ------------------------------------------------ timing of spec 2.6 */

static void test_timing(void) {
    ps_scenario_spec spec = small_log_spec(fixture("env_timing.log"));
    ps_env env;
    const ps_scenario *sc;
    if (create_sc(&env, &spec, &sc) != 0) {
        CHECK(0);
        return;
    }
    CHECK_INT(sc->workload.jobs.n_bins, 5);
    float obs[65];
    ps_step_info in;
    ps_env_reset(&env, NULL, -1, obs);
    /* hour 1: job A (2 h, 1 x 96) arrives and starts in the same step, wait 0 */
    CHECK_INT(step(&env, KEEP, obs, &in), PS_OK);
    CHECK_INT(in.new_jobs, 1);
    CHECK_INT(in.agent_launched, 1);
    CHECK_INT(in.used, 1);
    CHECK_INT(in.idle, 3);
    CHECK_INT(in.on, 4);
    CHECK_INT(in.off, 0);
    CHECK_INT(in.used_cores, 96);
    CHECK_INT(in.running, 1);
    CHECK_INT(in.baseline_used_nodes, 1);
    CHECK_INT(in.baseline_used_cores, 96);
    CHECK_NEAR(obs[env.layout.nodes], 2, 0);
    CHECK_NEAR(obs[env.layout.pending_job_count], 0, 0);
    CHECK_NEAR(in.parts.idle, -0.75, 1e-15);
    CHECK_INT(env.metrics.cum.agent.completed, 0);
    /* the billed price of step k is synth(k) (spec 7.3), cost = P x price */
    CHECK(in.current_price == (double)(float)ps_prices_synthetic(1));
    CHECK_NEAR(in.step_cost, ps_power_mwh(&env.cfg, 4, 96) * in.current_price, 1e-15);
    CHECK_NEAR(in.baseline_cost, ps_power_mwh(&env.cfg, 4, 96) * in.current_price, 1e-15);
    CHECK_NEAR(in.baseline_cost_off, ps_power_mwh(&env.cfg, 1, 96) * in.current_price, 1e-15);
    CHECK_INT(obs_mismatches(&env, obs), 0);

    /* hour 2: B (1 h on all 4 nodes) cannot start: node 0 is full */
    CHECK_INT(step(&env, KEEP, obs, &in), PS_OK);
    CHECK_INT(in.new_jobs, 1);
    CHECK_INT(in.agent_launched, 0);
    CHECK_INT(in.used, 1);
    CHECK_NEAR(obs[env.layout.nodes], 1, 0);
    CHECK_NEAR(obs[env.layout.job_queue + 0], 1, 0);
    CHECK_NEAR(obs[env.layout.job_queue + 1], 0, 0);
    CHECK_NEAR(obs[env.layout.job_queue + 2], 4, 0);
    CHECK_NEAR(obs[env.layout.job_queue + 3], 96, 0);
    CHECK_NEAR(obs[env.layout.pending_job_count], 1, 0);
    CHECK_NEAR(obs[env.layout.pending_core_hours], 384, 0);
    CHECK_NEAR(obs[env.layout.pending_avg_duration], 1, 0);
    CHECK_NEAR(obs[env.layout.pending_max_nodes], 4, 0);
    CHECK(in.current_price == (double)(float)ps_prices_synthetic(2));
    CHECK_INT(obs_mismatches(&env, obs), 0);

    /* hour 3: A's cores are released at the start of step t + d = 3; B, aged
     * once, starts with wait 1; A's completion is counted now with wait 0 */
    CHECK_INT(step(&env, KEEP, obs, &in), PS_OK);
    CHECK_INT(in.new_jobs, 0);
    CHECK_INT(in.agent_launched, 1);
    CHECK_INT(in.used, 4);
    CHECK_INT(in.used_cores, 384);
    CHECK_INT(in.idle, 0);
    CHECK_INT(env.metrics.cum.agent.completed, 1);
    CHECK_INT(env.metrics.cum.agent.wait, 0);
    CHECK_INT(in.baseline_used_nodes, 4);
    for (int i = 0; i < 4; i++) CHECK_NEAR(obs[env.layout.nodes + i], 1, 0);
    CHECK_NEAR(obs[env.layout.pending_job_count], 0, 0);
    CHECK_NEAR(obs[env.layout.job_queue + 2], 0, 0); /* the row was cleared */
    CHECK_NEAR(in.parts.efficiency, tanh(5.0 * 0.3), 1e-12); /* fully used */
    CHECK_INT(obs_mismatches(&env, obs), 0);

    /* hour 4: B completes (wait 1); C (1 min, NCPUS 0 -> 1 core in exact replay) starts */
    CHECK_INT(step(&env, KEEP, obs, &in), PS_OK);
    CHECK_INT(in.new_jobs, 1);
    CHECK_INT(in.new_sum_cores, 1);
    CHECK_INT(in.agent_launched, 1);
    CHECK_INT(in.used, 1);
    CHECK_INT(in.used_cores, 1);
    CHECK_INT(env.metrics.cum.agent.completed, 2);
    CHECK_INT(env.metrics.cum.agent.wait, 1);
    CHECK_INT(env.metrics.cum.baseline.completed, 2);
    CHECK_INT(env.metrics.cum.baseline.wait, 1);

    /* hour 5: the trailing empty bin; everything idle: the -0.798725 point */
    CHECK_INT(step(&env, KEEP, obs, &in), PS_OK);
    CHECK_INT(in.new_jobs, 0);
    CHECK_INT(in.used, 0);
    CHECK_INT(in.used_cores, 0);
    CHECK_INT(env.metrics.cum.agent.completed, 3);
    CHECK_NEAR(in.reward, -0.798725, 1e-6);
    CHECK_NEAR(in.parts.price, 0, 0);

    /* hour 6: the log wraps, A arrives again */
    CHECK_INT(step(&env, KEEP, obs, &in), PS_OK);
    CHECK_INT(in.new_jobs, 1);
    CHECK_INT(in.new_sum_duration, 2);
    CHECK_INT(in.agent_launched, 1);
    CHECK_INT(env.metrics.cum.agent.submitted, 4);
    CHECK_INT(env.metrics.cum.baseline.submitted, 4);
    CHECK_INT(env.next_job_id, 8); /* 4 launches on each side */
    ps_error err = {{0}};
    CHECK_INT(ps_env_check_invariants(&env, &err), PS_OK);

    /* switching ON in the same step lets jobs start at once; OFF before
     * scheduling keeps arrivals from starting (spec 4) */
    ps_env_free(&env);
    if (create(&env, &spec) != 0) return;
    ps_env_reset(&env, NULL, -1, obs);
    CHECK_INT(step(&env, act(0, 3, 0), obs, &in), PS_OK);
    CHECK_INT(in.node_changes, 4);
    CHECK_INT(in.on, 0);
    CHECK_INT(in.agent_launched, 0);
    CHECK_INT(in.baseline_used_nodes, 1); /* the baseline never switches off */
    CHECK_NEAR(in.parts.efficiency, exp(-0.2) - 1, 1e-12); /* blackout, 1 pending */
    CHECK_NEAR(in.step_cost, 0, 0);
    CHECK_INT(step(&env, act(2, 0, 0), obs, &in), PS_OK); /* one node on */
    CHECK_INT(in.node_changes, 1);
    CHECK_INT(in.agent_launched, 1); /* A (waited 1 h); B needs 4 nodes */
    CHECK_INT(in.used, 1);
    CHECK_INT(in.off, 3);
    CHECK_NEAR(in.parts.job_age, 0, 0); /* B is new: max age 0 */
    CHECK_INT(obs_mismatches(&env, obs), 0);
    CHECK_INT(ps_env_check_invariants(&env, &err), PS_OK);
    ps_env_free(&env);
}

/* ------------------------------------- aging: launch at 336, drop at 337 */

static void run_age_case(int on_step) {
    ps_scenario_spec spec = small_log_spec(fixture("env_age.log"));
    ps_env env;
    const ps_scenario *sc;
    if (create_sc(&env, &spec, &sc) != 0) {
        CHECK(0);
        return;
    }
    CHECK_INT(sc->workload.jobs.n_bins, 402);
    float obs[65];
    ps_step_info in;
    ps_error err = {{0}};
    ps_env_reset(&env, NULL, -1, obs);
    /* hour 1: X (5 nodes: never fits) and Z (1 x 96) arrive; all nodes off */
    CHECK_INT(step(&env, act(0, 3, 0), obs, &in), PS_OK);
    CHECK_INT(in.new_jobs, 2);
    CHECK_INT(in.on, 0);
    CHECK_NEAR(in.parts.efficiency, exp(-0.4) - 1, 1e-12);
    int bad_age = 0, bad_penalty = 0, records = 0;
    for (int t = 2; t < on_step; t++) {
        if (step(&env, KEEP, obs, &in) != PS_OK) {
            CHECK(0);
            break;
        }
        records += in.episode != NULL;
        if (in.truncated) ps_env_reset(&env, NULL, -1, NULL);
        /* both wait with age t - 1 */
        bad_age += obs[env.layout.job_queue + 1] != (float)(t - 1) || obs[env.layout.job_queue + 5] != (float)(t - 1);
        double m = t - 1;
        double want = -fmin((1 - exp(-m / 84)) / (1 - exp(-2.0)), 1);
        bad_penalty += fabs(in.parts.job_age - want) > 1e-12;
        if (t == 2) CHECK_NEAR(in.parts.job_age, -0.013686, 1e-6);
        if (t == 85) CHECK_NEAR(in.parts.job_age, -0.731059, 1e-6);
        if (t == 169) CHECK_NEAR(in.parts.job_age, -1.0, 1e-12);
        if (in.dropped) CHECK(0);
    }
    CHECK_INT(bad_age, 0);
    CHECK_INT(bad_penalty, 0);
    CHECK_INT(records, 1);
    /* step on_step: one node switched on */
    CHECK_INT(step(&env, act(2, 0, 0), obs, &in), PS_OK);
    if (on_step == 337) {
        /* Z starts at age 336 */
        CHECK_INT(in.dropped, 0);
        CHECK_INT(in.agent_launched, 1);
        CHECK_NEAR(obs[env.layout.job_queue + 1], 336, 0); /* X still waits */
        CHECK_INT(step(&env, KEEP, obs, &in), PS_OK);
        CHECK_INT(in.dropped, 1); /* X at 337 */
        CHECK_INT(env.metrics.cum.agent.completed, 1);
        CHECK_INT(env.metrics.cum.agent.wait, 336);
        CHECK_INT(env.metrics.ep.agent.wait, 336);
        CHECK_INT(env.metrics.cum.agent.dropped, 1);
    } else {
        /* both reach age 337 before the switch helps */
        CHECK_INT(in.dropped, 2);
        CHECK_INT(in.agent_launched, 0);
        CHECK_INT(env.metrics.cum.agent.dropped, 2);
        CHECK_INT(env.metrics.cum.agent.completed, 0);
    }
    /* the always-on baseline ran Z at once and dropped X at 337 too */
    CHECK_INT(env.metrics.cum.baseline.dropped, 1);
    CHECK_INT(env.metrics.cum.baseline.completed, 1);
    CHECK_INT(env.metrics.cum.baseline.wait, 0);
    CHECK_INT(env.metrics.cum.agent.rejected, 0);
    CHECK_INT(ps_env_check_invariants(&env, &err), PS_OK);
    CHECK_INT(obs_mismatches(&env, obs), 0);
    ps_env_free(&env);
}

/* ---------------------------------------- truncation and episode records */

static ps_scenario_spec small_legacy_spec(uint64_t seed) {
    ps_scenario_spec s = ps_scenario_spec_default();
    s.cfg.max_nodes = 4;
    s.cfg.max_queue_size = 8;
    s.cfg.max_backlog_size = 5;
    s.cfg.max_new_jobs_per_hour = 3;
    s.cfg.max_job_duration = 6;
    s.cfg.max_nodes_per_job = 3;
    s.seed = seed;
    return s;
}

static void test_truncation(void) {
    ps_scenario_spec spec = small_legacy_spec(11);
    ps_env env;
    if (create(&env, &spec) != 0) {
        CHECK(0);
        return;
    }
    ps_env_reset(&env, NULL, -1, NULL);
    CHECK_INT(env.episode_idx, 0);
    ps_rng ar;
    ps_rng_seed(&ar, 5, 0);
    ps_step_info in;
    for (int ep = 1; ep <= 2; ep++) {
        int truncs = 0, trunc_at = -1;
        int64_t submitted = 0, dropped = 0;
        double reward = 0, cost = 0, power = 0, bcost = 0;
        for (int t = 1; t <= 336; t++) {
            if (step(&env, ps_action_random(&ar, &env.cfg), NULL, &in) != PS_OK) {
                CHECK(0);
                break;
            }
            CHECK_INT(env.metrics.current_hour, t);
            truncs += in.truncated;
            if (in.truncated) trunc_at = t;
            submitted += in.new_jobs;
            dropped += in.dropped;
            reward += in.reward;
            cost += in.step_cost;
            power += in.step_power;
            bcost += in.baseline_cost;
        }
        CHECK_INT(truncs, 1);
        CHECK_INT(trunc_at, 336);
        CHECK_INT(env.current_episode, ep);
        CHECK_INT(env.current_step, 336 * ep);
        const ps_episode_record *r = in.episode; /* handed out by the last step */
        if (!r) {
            CHECK(0);
            break;
        }
        CHECK_NEAR(r->episode, ep, 0);
        CHECK_NEAR(r->jobs_submitted, (double)submitted, 0);
        CHECK_NEAR(r->baseline_jobs_submitted, (double)submitted, 0);
        CHECK_NEAR(r->jobs_dropped, (double)dropped, 0);
        CHECK_NEAR(r->total_reward, reward, 1e-9);
        CHECK_NEAR(r->agent_cost, cost, 1e-9);
        CHECK_NEAR(r->agent_power_consumption_mwh, power, 1e-12);
        CHECK_NEAR(r->baseline_cost, bcost, 1e-9);
        /* a baseline with every node on draws at least the idle power */
        CHECK(r->baseline_power_consumption_mwh >= 336 * 4 * 0.00015 - 1e-12);
        CHECK_INT(env.metrics.ep.steps, 336);
        CHECK_INT(env.metrics.cum.steps, 336 * ep);
        ps_env_reset(&env, NULL, -1, NULL);
        CHECK_INT(env.metrics.current_hour, 0);
        CHECK_INT(env.episode_idx, ep);
    }
    ps_env_free(&env);
}

/* --------------------------------------------- reset keeps the timeline */

static void test_reset_continuity(void) {
    ps_scenario_spec spec = ps_scenario_spec_default();
    spec.seed = 1;
    ps_env env;
    if (create(&env, &spec) != 0) {
        CHECK(0);
        return;
    }
    int size = ps_env_obs_size(&env);
    float *obs = malloc((size_t)size * sizeof *obs);
    ps_env_reset(&env, NULL, -1, obs);
    ps_rng ar;
    ps_rng_seed(&ar, 77, 0);
    ps_step_info in;
    for (int t = 0; t < 10; t++) step(&env, ps_action_random(&ar, &env.cfg), obs, &in);
    CHECK(env.agent.n_running > 0);
    CHECK(env.agent.n_active > 0);

    const ps_config *c = &env.cfg;
    size_t nn = (size_t)c->max_nodes, nq = (size_t)c->max_queue_size;
    int32_t *nodes = malloc(nn * sizeof *nodes), *cores = malloc(nn * sizeof *cores);
    int32_t *bnodes = malloc(nn * sizeof *bnodes);
    ps_job *queue = malloc(nq * sizeof *queue), *bqueue = malloc(nq * sizeof *bqueue);
    memcpy(nodes, env.agent.nodes, nn * sizeof *nodes);
    memcpy(cores, env.agent.cores, nn * sizeof *cores);
    memcpy(bnodes, env.baseline.nodes, nn * sizeof *bnodes);
    memcpy(queue, env.agent.queue, nq * sizeof *queue);
    memcpy(bqueue, env.baseline.queue, nq * sizeof *bqueue);
    ps_prices prices = env.prices;
    ps_totals cum = env.metrics.cum;
    int bl = env.agent.bl_len, bbl = env.baseline.bl_len, run = env.agent.n_running, next_empty = env.agent.next_empty;
    int64_t next_id = env.next_job_id, cur = env.current_step, episode = env.current_episode, idx = env.episode_idx;
    CHECK(env.metrics.ep.steps == 10 && env.metrics.current_hour == 10);

    uint64_t seed = 99;
    ps_env_reset(&env, &seed, -1, obs);
    CHECK(memcmp(nodes, env.agent.nodes, nn * sizeof *nodes) == 0);
    CHECK(memcmp(cores, env.agent.cores, nn * sizeof *cores) == 0);
    CHECK(memcmp(bnodes, env.baseline.nodes, nn * sizeof *bnodes) == 0);
    CHECK(memcmp(queue, env.agent.queue, nq * sizeof *queue) == 0);
    CHECK(memcmp(bqueue, env.baseline.queue, nq * sizeof *bqueue) == 0);
    CHECK(memcmp(prices.window, env.prices.window, sizeof prices.window) == 0);
    CHECK_INT(env.prices.price_index, prices.price_index);
    CHECK_INT(env.prices.hist_len, prices.hist_len);
    CHECK_INT(env.agent.bl_len, bl);
    CHECK_INT(env.baseline.bl_len, bbl);
    CHECK_INT(env.agent.n_running, run);
    CHECK_INT(env.agent.next_empty, next_empty);
    CHECK_INT(env.next_job_id, next_id);
    CHECK_INT(env.current_step, cur);
    CHECK_INT(env.current_episode, episode);
    CHECK_INT(env.episode_idx, idx + 1);
    CHECK(memcmp(&cum, &env.metrics.cum, sizeof cum) == 0);
    CHECK_INT(env.metrics.current_hour, 0);
    ps_totals zero;
    memset(&zero, 0, sizeof zero);
    CHECK(memcmp(&zero, &env.metrics.ep, sizeof zero) == 0);
    CHECK_INT(obs_mismatches(&env, obs), 0);

    /* the next step starts episode 2 at hour 1 and continues the timeline */
    CHECK_INT(step(&env, KEEP, obs, &in), PS_OK);
    CHECK_INT(env.current_step, cur + 1);
    CHECK_INT(env.current_episode, episode + 1);
    CHECK_INT(env.metrics.current_hour, 1);
    CHECK_INT(env.metrics.ep.steps, 1);
    CHECK_INT(env.metrics.ep.agent.submitted, in.new_jobs);
    CHECK(in.current_price == (double)(float)ps_prices_synthetic(11));

    /* a price start repositions the window and clears the history */
    ps_env_reset(&env, NULL, 5, obs);
    CHECK_INT(env.prices.hist_len, 0);
    CHECK_INT(env.prices.price_index, 29);
    for (int i = 0; i < 24; i++) CHECK(obs[env.layout.predicted_prices + i] == (float)ps_prices_synthetic(5 + i));
    CHECK_INT(step(&env, KEEP, obs, &in), PS_OK);
    CHECK(in.current_price == (double)(float)ps_prices_synthetic(6));

    free(nodes);
    free(cores);
    free(bnodes);
    free(queue);
    free(bqueue);
    free(obs);
    ps_env_free(&env);
}

/* ------------------------------------------------------ invalid actions */

static void test_invalid_actions(void) {
    ps_scenario_spec spec = ps_scenario_spec_default();
    ps_env env;
    if (create(&env, &spec) != 0) {
        CHECK(0);
        return;
    }
    ps_env_reset(&env, NULL, -1, NULL);
    ps_step_info in;
    CHECK_INT(step(&env, act(2, 334, 1), NULL, &in), PS_OK); /* the largest valid action */
    ps_error e0 = {{0}};
    CHECK_INT(ps_env_step(&env, act(0, 0, 0), NULL, NULL, &e0), PS_OK); /* info and obs are optional */
    CHECK_INT(env.current_step, 2);
    const ps_action bad[] = {act(3, 0, 0), act(-1, 0, 0), act(0, 335, 0), act(1, -1, 0),
                             act(1, 0, 2), act(1, 0, -1), act(2, 1000, 1)};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        ps_rng rng = env.rng;
        ps_prices prices = env.prices;
        ps_totals cum = env.metrics.cum;
        int64_t cur = env.current_step, next_id = env.next_job_id;
        int hour = env.metrics.current_hour, bl = env.agent.bl_len, on = env.agent.on;
        ps_error err = {{0}};
        CHECK_INT(ps_env_step(&env, bad[k], NULL, &in, &err), PS_ERR);
        CHECK_STR_CONTAINS(err.msg, "action");
        CHECK_INT(env.current_step, cur);
        CHECK_INT(env.metrics.current_hour, hour);
        CHECK_INT(env.next_job_id, next_id);
        CHECK_INT(env.agent.bl_len, bl);
        CHECK_INT(env.agent.on, on);
        CHECK_INT(env.prices.price_index, prices.price_index);
        CHECK(memcmp(env.prices.window, prices.window, sizeof prices.window) == 0);
        CHECK(memcmp(&rng, &env.rng, sizeof rng) == 0);
        CHECK(memcmp(&cum, &env.metrics.cum, sizeof cum) == 0);
    }
    /* a timed level past the last: the message names it and its range */
    ps_error terr = {{0}};
    CHECK_INT(ps_env_step(&env, (ps_action){1, 0, 1, PS_TIMED_LEVELS + 1}, NULL, &in, &terr), PS_ERR);
    CHECK_STR_CONTAINS(terr.msg, "invalid action [1, 0, 1] (timed 7): expected type 0..2, magnitude 0..334, "
                                 "refill 0..1, timed 0..6");
    /* a small cluster bounds the magnitude by its size */
    ps_env_free(&env);
    ps_scenario_spec small = small_legacy_spec(1);
    if (create(&env, &small) != 0) return;
    ps_error err = {{0}};
    CHECK_INT(ps_env_step(&env, act(0, 4, 0), NULL, &in, &err), PS_ERR);
    CHECK_INT(env.current_step, 0);
    CHECK_INT(ps_env_step(&env, act(0, 3, 0), NULL, &in, &err), PS_OK);
    CHECK_INT(env.current_step, 1);
    ps_env_free(&env);
}

static void test_create_errors(void) {
    ps_env env;
    ps_error err = {{0}};
    ps_scenario_spec s = ps_scenario_spec_default();
    s.prices_path = "/nonexistent/prices.csv";
    CHECK_INT(ps_env_open(&env, &s, NULL, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "/nonexistent/prices.csv");
    s = ps_scenario_spec_default();
    s.workload.jobs_path = "/nonexistent/jobs.log";
    CHECK_INT(ps_env_open(&env, &s, NULL, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "/nonexistent/jobs.log");
    s = ps_scenario_spec_default();
    s.workload.arrival_scale = -1;
    CHECK_INT(ps_env_open(&env, &s, NULL, &err), PS_ERR);
    s.workload.arrival_scale = NAN;
    CHECK_INT(ps_env_open(&env, &s, NULL, &err), PS_ERR);
    s = ps_scenario_spec_default();
    s.cfg.max_nodes_per_job = PS_MAX_NODES_PER_JOB_LIMIT + 1;
    CHECK_INT(ps_env_open(&env, &s, NULL, &err), PS_ERR);
    /* explicit price values (tests): billed in order from index 1 */
    float pv[3] = {10, 20, 30};
    s = small_legacy_spec(3);
    s.price_values = pv;
    s.n_price_values = 3;
    if (create(&env, &s) == 0) {
        ps_step_info in;
        ps_env_reset(&env, NULL, -1, NULL);
        CHECK_INT(step(&env, KEEP, NULL, &in), PS_OK);
        CHECK_NEAR(in.current_price, 20, 0);
        CHECK_INT(step(&env, KEEP, NULL, &in), PS_OK);
        CHECK_NEAR(in.current_price, 30, 0);
        CHECK_INT(step(&env, KEEP, NULL, &in), PS_OK);
        CHECK_NEAR(in.current_price, 10, 0);
        /* step cost is billed at that price; reward context from the window */
        CHECK_NEAR(in.step_cost, in.step_power * 10, 1e-15);
        CHECK_NEAR(in.avg_future_price, 20, 1e-5);
        ps_env_free(&env);
    }
}

/* --------------------------------------------------------- determinism */

static int info_equal(const ps_step_info *a, const ps_step_info *b) {
#define SAME(f) (memcmp(&a->f, &b->f, sizeof a->f) == 0)
    return SAME(reward) && SAME(step_cost) && SAME(step_power) && SAME(current_price) &&
           SAME(avg_future_price) && SAME(price_hist_avg) && SAME(price_ctx) && SAME(parts.total) &&
           SAME(parts.efficiency) && SAME(parts.price) && SAME(parts.idle) && SAME(parts.job_age) &&
           SAME(parts.drop) && SAME(dropped) && SAME(on) && SAME(used) && SAME(off) && SAME(idle) &&
           SAME(used_cores) && SAME(running) && SAME(node_changes) && SAME(agent_launched) &&
           SAME(new_jobs) && SAME(new_sum_duration) && SAME(new_sum_nodes) && SAME(new_sum_cores) &&
           SAME(new_core_hours) && SAME(baseline_cost) && SAME(baseline_cost_off) &&
           SAME(baseline_power) && SAME(baseline_power_off) && SAME(baseline_used_nodes) &&
           SAME(baseline_used_cores) && SAME(truncated);
#undef SAME
}

static void test_determinism(void) {
    ps_scenario_spec spec = ps_scenario_spec_default();
    spec.seed = 42;
    ps_env e1, e2, e3;
    if (create(&e1, &spec) != 0 || create(&e2, &spec) != 0) {
        CHECK(0);
        return;
    }
    spec.seed = 43;
    if (create(&e3, &spec) != 0) {
        CHECK(0);
        return;
    }
    int size = ps_env_obs_size(&e1);
    float *o1 = malloc((size_t)size * sizeof *o1), *o2 = malloc((size_t)size * sizeof *o2),
          *o3 = malloc((size_t)size * sizeof *o3);
    ps_env_reset(&e1, NULL, 0, o1);
    ps_env_reset(&e2, NULL, 0, o2);
    ps_env_reset(&e3, NULL, 0, o3);
    ps_rng ar;
    ps_rng_seed(&ar, 2024, 7);
    int info_diff = 0, obs_diff = 0, seed_diff = 0, errors = 0, records = 0, record_diff = 0;
    ps_step_info i1, i2, i3;
    for (int t = 0; t < 2000; t++) {
        ps_action a = ps_action_random(&ar, &e1.cfg);
        errors += step(&e1, a, o1, &i1) != PS_OK;
        errors += step(&e2, a, o2, &i2) != PS_OK;
        info_diff += !info_equal(&i1, &i2);
        obs_diff += memcmp(o1, o2, (size_t)size * sizeof *o1) != 0;
        if (t < 50) {
            errors += step(&e3, a, o3, &i3) != PS_OK;
            seed_diff += !info_equal(&i1, &i3) || memcmp(o1, o3, (size_t)size * sizeof *o1) != 0;
        }
        if (i1.truncated) {
            records += i1.episode && i2.episode;
            record_diff += !i1.episode || !i2.episode || memcmp(i1.episode, i2.episode, sizeof *i1.episode) != 0;
            uint64_t s = 1000 + (uint64_t)t;
            ps_env_reset(&e1, &s, -1, o1);
            ps_env_reset(&e2, &s, -1, o2);
        }
    }
    CHECK_INT(errors, 0);
    CHECK_INT(info_diff, 0);
    CHECK_INT(obs_diff, 0);
    CHECK(seed_diff > 40); /* another seed gives another job stream */
    CHECK_INT(records, 5);
    CHECK_INT(record_diff, 0);
    CHECK(memcmp(&e1.metrics.cum, &e2.metrics.cum, sizeof e1.metrics.cum) == 0);
    CHECK(memcmp(&e1.metrics.ep, &e2.metrics.ep, sizeof e1.metrics.ep) == 0);
    /* the legacy generator kept the queue and backlog full */
    CHECK_INT(e1.metrics.cum.agent.max_queue, 2500);
    CHECK_INT(e1.metrics.cum.baseline.max_backlog, 50000);
    free(o1);
    free(o2);
    free(o3);
    ps_env_free(&e1);
    ps_env_free(&e2);
    ps_env_free(&e3);
}

/* --------------------------------------------------------- invariants */

/* Runs `steps` random steps. After each of the first `dense` steps, and then
 * every `every` steps, it runs the full invariant check of spec 14 and
 * compares the observation with the state (both are O(queue + backlog), too
 * slow for every step of a saturated default-size run under ASan); the step's
 * node counts and job conservation are checked after every step. */
static void invariant_run(const ps_scenario_spec *spec, int steps, int dense, int every, uint64_t action_seed,
                          ps_totals *out) {
    ps_env env;
    if (create(&env, spec) != 0) {
        CHECK(0);
        return;
    }
    int size = ps_env_obs_size(&env);
    float *obs = malloc((size_t)size * sizeof *obs);
    ps_env_reset(&env, NULL, -1, obs);
    ps_rng ar;
    ps_rng_seed(&ar, action_seed, 0);
    int violations = 0, obs_bad = 0, errors = 0, bad_counts = 0;
    int64_t submitted = 0, dropped = 0;
    ps_error err = {{0}};
    for (int t = 1; t <= steps; t++) {
        ps_step_info in;
        if (step(&env, ps_action_random(&ar, &env.cfg), obs, &in) != PS_OK) {
            errors++;
            break;
        }
        submitted += in.new_jobs;
        dropped += in.dropped;
        if (t <= dense || t % every == 0) {
            if (ps_env_check_invariants(&env, &err) != PS_OK) {
                if (violations++ == 0) fprintf(stderr, "step %d: %s\n", t, err.msg);
            }
            obs_bad += obs_mismatches(&env, obs) != 0;
        }
        /* the step's counts agree with the state */
        const ps_side *a = &env.agent;
        int used = 0, on = 0;
        for (int i = 0; i < env.cfg.max_nodes; i++) {
            used += a->nodes[i] > 0;
            on += a->nodes[i] >= 0;
        }
        bad_counts += a->n_active + a->bl_len + a->n_running + env.metrics.cum.agent.completed +
                          env.metrics.cum.agent.dropped != env.metrics.cum.agent.submitted;
        bad_counts += in.used != used || in.on != on || in.off != env.cfg.max_nodes - on ||
                      in.idle != on - used || in.running != a->n_running || env.baseline.on != env.cfg.max_nodes;
        if (in.truncated) ps_env_reset(&env, NULL, -1, obs);
    }
    CHECK_INT(errors, 0);
    CHECK_INT(violations, 0);
    CHECK_INT(obs_bad, 0);
    CHECK_INT(bad_counts, 0);
    const ps_job_counters *c = &env.metrics.cum.agent, *b = &env.metrics.cum.baseline;
    CHECK_INT(c->submitted, submitted);
    CHECK_INT(b->submitted, submitted);
    CHECK_INT(c->dropped, dropped);
    CHECK(c->rejected <= c->dropped);
    CHECK_INT(env.agent.n_active + env.agent.bl_len + env.agent.n_running + c->completed + c->dropped, c->submitted);
    CHECK_INT(env.baseline.n_active + env.baseline.bl_len + env.baseline.n_running + b->completed + b->dropped,
              b->submitted);
    CHECK_INT(ps_env_check_invariants(&env, &err), PS_OK);
    *out = env.metrics.cum;
    free(obs);
    ps_env_free(&env);
}

static void test_invariants(void) {
    ps_totals t;
    /* default config, legacy generator: queue and backlog saturate */
    ps_scenario_spec spec = ps_scenario_spec_default();
    spec.seed = 3;
    invariant_run(&spec, 3000, 200, 25, 31, &t);
    CHECK(t.agent.rejected > 0);
    CHECK(t.agent.completed > 0);
    CHECK_INT(t.agent.max_backlog, 50000);

    /* a tiny cluster with arrival scale 3: everything overflows */
    spec = small_legacy_spec(5);
    spec.cfg.max_nodes_per_job = 6; /* 5- and 6-node jobs never fit 4 nodes: they age out */
    spec.cfg.max_job_duration = 10;
    spec.workload.arrival_scale = 3;
    invariant_run(&spec, 2000, 2000, 1, 17, &t);
    CHECK(t.agent.rejected > 0);
    CHECK(t.agent.dropped > t.agent.rejected); /* aging drops too */
    CHECK(t.baseline.dropped > t.baseline.rejected);
    CHECK_INT(t.agent.max_queue, 8);
    CHECK_INT(t.agent.max_backlog, 5);

    /* fractional scale and a jobs log */
    spec = small_log_spec(fixture("env_timing.log"));
    spec.workload.arrival_scale = 2.5;
    invariant_run(&spec, 1000, 1000, 1, 23, &t);
    CHECK_NEAR(t.agent.submitted, 1500, 60); /* 600 originals x 2.5 */
}

/* One loaded scenario shared by two envs: each keeps its own log position
 * and RNG streams, and both step exactly like an env with its own load. */
static void test_shared_scenario(void) {
    ps_scenario_spec spec = small_log_spec(fixture("env_timing.log"));
    float prices[5] = {30, -5, 12, 80, 41};
    spec.price_values = prices;
    spec.n_price_values = 5;
    ps_scenario sc;
    ps_error err = {{0}};
    if (ps_scenario_load(&sc, &spec, &err) != PS_OK) {
        CHECK(0);
        return;
    }
    prices[0] = 1e6f; /* the scenario copied the given values */
    ps_env a, b, own;
    CHECK_INT(ps_scenario_env(&sc, &a, &err), PS_OK);
    CHECK_INT(ps_scenario_env(&sc, &b, &err), PS_OK);
    prices[0] = 30;
    CHECK_INT(create(&own, &spec), 0);
    ps_step_info ia, ib, io;
    int diff = 0;
    for (int t = 0; t < 20; t++) {
        ps_action x = act(2, t % 4, t % 2);
        CHECK_INT(step(&a, x, NULL, &ia), PS_OK);
        if (t % 2 == 0) CHECK_INT(step(&b, x, NULL, &ib), PS_OK); /* b lags: positions are per env */
        CHECK_INT(step(&own, x, NULL, &io), PS_OK);
        diff += memcmp(&ia.new_jobs, &io.new_jobs, sizeof ia.new_jobs) != 0 || ia.reward != io.reward ||
                ia.current_price != io.current_price;
    }
    CHECK_INT(diff, 0);
    CHECK_INT(b.current_step, 10);
    ps_env_free(&a);
    ps_env_free(&b);
    ps_env_free(&own);
    ps_scenario_free(&sc);
}

/* --price-rows keeps rows A..B of the series; out-of-range and too-short
 * selections are refused. Held-out rows never reach an env of other rows. */
static void test_price_rows(void) {
    float v[100];
    for (int i = 0; i < 100; i++) v[i] = (float)i;
    ps_scenario_spec spec = ps_scenario_spec_default();
    spec.price_values = v;
    spec.n_price_values = 100;
    spec.price_first = 60;
    spec.price_last = 99;
    ps_scenario sc;
    ps_error err = {{0}};
    CHECK_INT(ps_scenario_load(&sc, &spec, &err), PS_OK);
    CHECK_INT((long)sc.n_prices, 40);
    CHECK_NEAR(sc.prices[0], 60, 0);
    CHECK_NEAR(sc.prices[39], 99, 0);
    CHECK_INT(sc.price_first, 60);
    ps_env env;
    CHECK_INT(ps_scenario_env(&sc, &env, &err), PS_OK);
    ps_env_reset(&env, NULL, 0, NULL);
    int outside = 0;
    for (int t = 0; t < 200; t++) { /* wraps inside the selection */
        ps_step_info in;
        CHECK_INT(ps_env_step(&env, (ps_action){1, 0, 0, 0}, NULL, &in, &err), PS_OK);
        outside += in.current_price < 60 || in.current_price > 99;
    }
    CHECK_INT(outside, 0);
    ps_env_free(&env);
    ps_scenario_free(&sc);
    spec.price_first = 90; /* 10 rows: less than a window */
    CHECK_INT(ps_scenario_load(&sc, &spec, &err), PS_ERR);
    spec.price_first = 0, spec.price_last = 100;
    CHECK_INT(ps_scenario_load(&sc, &spec, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "rows 0..99");
}

int main(int argc, char **argv) {
    fixtures = argc > 2 ? argv[2] : "test/fixtures";
    test_layout();
    test_timing();
    run_age_case(337);
    run_age_case(338);
    test_truncation();
    test_reset_continuity();
    test_invalid_actions();
    test_create_errors();
    test_determinism();
    test_invariants();
    test_shared_scenario();
    test_price_rows();
    return check_summary("test_env");
}
