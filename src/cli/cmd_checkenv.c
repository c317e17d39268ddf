/* cmd_checkenv.c - `powersched checkenv`: the prototype's environment check
 * (spec 14.2 test_checkenv: gymnasium/SB3 check_env) for the C env: spaces,
 * the reset/step contract, observation bounds and dtypes-as-floats, the
 * incremental observation against a full rewrite, truncation, invariants. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "powersched/job_timing.h"
#include "powersched/scenario_options.h"

#define CMD "checkenv"

static const char USAGE[] =
    "usage: powersched checkenv [options]\n\nChecks the environment's contract on the default env "
    "(or the data given): observation\nlayout and bounds, action validation, reset/step, "
    "truncation, invariants.\n";

typedef struct checker {
    int failed;
} checker;

static void report(checker *c, int ok, const char *what, const char *detail) {
    printf("%s %s%s%s\n", ok ? "ok  " : "FAIL", what, detail && *detail ? ": " : "", detail ? detail : "");
    if (!ok) c->failed++;
}

/* Bounds of spec 2.2 (observation space). Returns the first violation. */
static int obs_in_bounds(const ps_env *env, const float *obs, char *why, size_t n) {
    const ps_obs_layout *l = &env->layout;
    const ps_config *c = &env->cfg;
    double qmax = fmax(fmax(c->max_job_duration, 13.0 * c->episode_hours), fmax(c->max_nodes_per_job, c->cores_per_node));
    for (int i = 0; i < l->size; i++) {
        double v = obs[i], lo = 0, hi = 2147483647.0;
        if (i >= l->job_queue && i < l->nodes) hi = qmax;
        else if (i >= l->nodes && i < l->pending_avg_duration) lo = -1, hi = c->max_job_duration;
        else if (i == l->pending_avg_duration) hi = c->max_job_duration;
        else if (i == l->pending_core_hours) hi = 3.4e38;
        else if (i == l->pending_max_nodes) hi = c->max_nodes_per_job;
        else if (i >= l->predicted_prices) lo = -1000, hi = 1000;
        /* int32 parts of the Dict must hold whole numbers. */
        int is_int = i < l->pending_avg_duration || i == l->pending_job_count || i == l->pending_max_nodes;
        if (!isfinite(v) || v < lo || v > hi || (is_int && v != floor(v))) {
            snprintf(why, n, "element %d = %g outside [%g, %g] or not an integer where the space is int32", i, v, lo, hi);
            return 0;
        }
    }
    return 1;
}

static void check_spaces(checker *ck, const ps_env *env) {
    const ps_obs_layout *l = &env->layout;
    char buf[256];
    int q = env->cfg.max_queue_size, n = env->cfg.max_nodes;
    int ok = l->backlog_size == 0 && l->job_queue == 1 && l->nodes == 1 + 4 * q && l->pending_avg_duration == l->nodes + n &&
             l->pending_max_nodes == l->pending_avg_duration + 3 && l->predicted_prices == l->pending_max_nodes + 1 &&
             l->size == l->predicted_prices + PS_PRICE_WINDOW;
    snprintf(buf, sizeof buf, "%d floats: backlog_size, job_queue[%d], nodes[%d], pending x4, predicted_prices[24]", l->size, 4 * q, n);
    report(ck, ok, "observation layout (Dict keys in sorted order)", buf);
    snprintf(buf, sizeof buf, "MultiDiscrete([3, %d, 2])", n);
    report(ck, 1, "action space", buf);
}

static void check_actions(checker *ck, ps_env *env, float *obs) {
    const ps_action bad[] = {{3, 0, 0, 0}, {-1, 0, 0, 0}, {0, env->cfg.max_nodes, 0, 0}, {0, -1, 0, 0}, {0, 0, 2, 0},
                             {0, 0, -1, 0}, {1, 0, 0, PS_TIMED_LEVELS + 1}, {1, 0, 0, -1}};
    int64_t before = env->current_step;
    int rejected = 0;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ps_error err;
        rejected += ps_env_step(env, bad[i], obs, NULL, &err) == PS_ERR;
    }
    report(ck, rejected == (int)(sizeof bad / sizeof bad[0]) && env->current_step == before,
           "out-of-range actions are rejected without changing the state", NULL);
}

static void check_rollout(checker *ck, ps_env *env, float *obs, float *fresh, long steps, uint64_t seed) {
    ps_rng rng;
    ps_rng_seed(&rng, seed, PS_STREAM_POLICY);
    char why[256] = "";
    int bounds = 1, same_obs = 1, trunc = 1, inv = 1, finite = 1, records = 0, record_ok = 1;
    for (long t = 0; t < steps; t++) {
        ps_step_info in;
        ps_error err;
        if (ps_env_step(env, ps_action_random(&rng, &env->cfg), obs, &in, &err) != PS_OK) {
            report(ck, 0, "step", err.msg);
            return;
        }
        finite &= isfinite(in.reward) && isfinite(in.step_cost);
        if (bounds && !obs_in_bounds(env, obs, why, sizeof why)) bounds = 0;
        /* A full rewrite into a second buffer, then back to the first so the
         * next step updates it incrementally again. */
        ps_env_observe(env, fresh);
        same_obs &= memcmp(obs, fresh, (size_t)env->layout.size * sizeof *obs) == 0;
        ps_env_observe(env, obs);
        trunc &= in.truncated == (env->metrics.current_hour == env->cfg.episode_hours) &&
                 (!in.terminated || env->cfg.contract.flush_after_drop_streak > 0);
        records += in.episode != NULL;
        record_ok &= (in.episode != NULL) == (in.truncated || in.terminated) &&
                     (!in.episode || in.episode->episode == env->current_episode);
        if (inv && ps_env_check_invariants(env, &err) != PS_OK) {
            inv = 0;
            report(ck, 0, "invariants", err.msg);
        }
        if (in.episode) ps_env_reset(env, NULL, -1, obs);
    }
    report(ck, finite, "rewards and step costs are finite", NULL);
    report(ck, bounds, "every observation inside the observation space", why);
    report(ck, same_obs, "incremental observation equals a full rewrite after every step", NULL);
    report(ck, trunc, "truncated exactly at hour 336; terminated only by a drop-streak flush", NULL);
    if (inv) report(ck, 1, "invariants after every step (cores, timers, queue, pending stats, job conservation)", NULL);
    char buf[64];
    snprintf(buf, sizeof buf, "%d records for %ld steps", records, steps);
    /* with a drop-streak flush, episodes may end early: then only "one record per end" is checkable */
    int flush = env->cfg.contract.flush_after_drop_streak > 0;
    report(ck, record_ok && (flush ? records >= steps / env->cfg.episode_hours : records == steps / env->cfg.episode_hours),
           "one episode record per finished episode, handed out by its last step", buf);
}

static void check_reset_carries_over(checker *ck, ps_env *env, float *obs) {
    size_t nb = (size_t)env->cfg.max_nodes * sizeof(int32_t);
    int32_t *nodes = malloc(nb);
    if (!nodes) return;
    memcpy(nodes, env->agent.nodes, nb);
    int active = env->agent.n_active, backlog = env->agent.bl_len;
    int64_t next = env->next_job_id;
    ps_env_reset(env, NULL, -1, obs);
    int ok = !memcmp(nodes, env->agent.nodes, nb) && active == env->agent.n_active && backlog == env->agent.bl_len &&
             next == env->next_job_id && env->metrics.current_hour == 0 && env->metrics.ep.agent.submitted == 0;
    report(ck, ok, "reset keeps the cluster state (continuous timeline) and clears episode metrics", NULL);
    free(nodes);
}

int cmd_checkenv(int argc, char **argv) {
    ps_sim_flags sim;
    ps_sim_flags_init(&sim);
    int64_t steps = 672;
    const ps_option own[] = {
        {"--steps", OPT_I64, &steps, "N", "random steps of the step check", 1, 1e8},
    };
    ps_optset set;
    ps_optset_init(&set);
    ps_optset_add(&set, CMD, own, PS_COUNT(own));
    ps_sim_flags_options(&sim, &set);
    int status = ps_cli_parse(CMD, USAGE, &set, argc, argv);
    if (status >= 0) return status;
    ps_error err;
    ps_scenario_spec spec;
    if (ps_sim_flags_to_spec(&sim, &spec, stderr, &err) != PS_OK) return ps_cli_fail(CMD, &err, 2);
    ps_env *env = malloc(sizeof *env);
    if (!env || ps_env_open(env, &spec, NULL, &err) != PS_OK) {
        free(env);
        return ps_cli_fail(CMD, &err, 1);
    }
    float *obs = calloc((size_t)env->layout.size, sizeof *obs), *fresh = calloc((size_t)env->layout.size, sizeof *fresh);
    checker ck = {0};
    if (obs && fresh) {
        check_spaces(&ck, env);
        uint64_t seed = sim.seed;
        ps_env_reset(env, &seed, 0, obs);
        char why[256] = "";
        report(&ck, obs_in_bounds(env, obs, why, sizeof why), "reset observation inside the observation space", why);
        check_actions(&ck, env, obs);
        check_rollout(&ck, env, obs, fresh, steps, sim.seed);
        check_reset_carries_over(&ck, env, obs);
    } else {
        report(&ck, 0, "allocate observation buffers", NULL);
    }
    printf("checkenv: %s\n", ck.failed ? "FAILED" : "all checks passed");
    free(obs);
    free(fresh);
    ps_env_free(env);
    free(env);
    return ck.failed ? 1 : 0;
}
