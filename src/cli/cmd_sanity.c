/* cmd_sanity.c - `powersched sanity` (spec 14.2 test_sanity_env): a random
 * rollout with every invariant checked after reset and after every step, and
 * optionally the determinism contract (two fresh envs, same seed and actions). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "powersched/scenario_options.h"

#define CMD "sanity"

static const char USAGE[] =
    "usage: powersched sanity [--steps N] [--check-determinism] [data options]\n\n"
    "Random actions; after reset and after every step checks core accounting, node timers,\n"
    "queue slots, pending statistics and job conservation on both cluster sides.\n";

/* Per-step fingerprint of the determinism contract (spec 2.7). */
typedef struct fingerprint {
    double reward, step_cost;
    int64_t unprocessed, on, episode_dropped;
} fingerprint;

static int rollout(const ps_scenario_spec *spec, const ps_action *acts, long steps, int check, fingerprint *fp,
                   ps_error *err) {
    ps_env *env = malloc(sizeof *env);
    if (!env) return ps_error_set(err, "out of memory");
    if (ps_env_open(env, spec, NULL, err) != PS_OK) {
        free(env);
        return PS_ERR;
    }
    float *obs = malloc((size_t)ps_env_obs_size(env) * sizeof *obs);
    int rc = obs ? PS_OK : ps_error_set(err, "out of memory");
    uint64_t seed = spec->seed;
    if (rc == PS_OK) ps_env_reset(env, &seed, 0, obs);
    if (rc == PS_OK && check) rc = ps_env_check_invariants(env, err);
    for (long t = 0; t < steps && rc == PS_OK; t++) {
        ps_step_info in;
        rc = ps_env_step(env, acts[t], obs, &in, err);
        if (rc == PS_OK && check && ps_env_check_invariants(env, err) != PS_OK) {
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "%s", err->msg);
            rc = ps_error_set(err, "after step %ld: %s", t + 1, msg);
        }
        if (rc != PS_OK) break;
        fingerprint f = {in.reward, in.step_cost, env->agent.n_active + env->agent.bl_len, in.on,
                         env->metrics.ep.agent.dropped};
        fp[t] = f;
        if (in.truncated) ps_env_reset(env, NULL, -1, obs);
        if (check && t + 1 == steps)
            printf("sanity: %ld steps, %lld episodes; agent: submitted %lld, completed %lld, dropped %lld; "
                   "baseline: completed %lld, dropped %lld\n", steps, (long long)env->current_episode,
                   (long long)env->metrics.cum.agent.submitted, (long long)env->metrics.cum.agent.completed,
                   (long long)env->metrics.cum.agent.dropped, (long long)env->metrics.cum.baseline.completed,
                   (long long)env->metrics.cum.baseline.dropped);
    }
    free(obs);
    ps_env_free(env);
    free(env);
    return rc;
}

int cmd_sanity(int argc, char **argv) {
    ps_sim_flags sim;
    ps_sim_flags_init(&sim);
    sim.seed = 123;
    int64_t steps = 500;
    int determinism = 0;
    const ps_option own[] = {
        {"--steps", OPT_I64, &steps, "N", "random steps to run", 1, 1e9},
        {"--check-determinism", OPT_FLAG, &determinism, "", "run twice from scratch and compare every step", 0, 0},
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
    ps_action *acts = malloc((size_t)steps * sizeof *acts);
    fingerprint *a = calloc((size_t)steps, sizeof *a), *b = calloc((size_t)steps, sizeof *b);
    int rc = acts && a && b ? PS_OK : ps_error_set(&err, "out of memory for %ld steps", steps);
    ps_rng rng;
    ps_rng_seed(&rng, sim.seed, PS_STREAM_POLICY);
    for (long t = 0; rc == PS_OK && t < steps; t++) acts[t] = ps_action_random(&rng, &spec.cfg);
    if (rc == PS_OK) rc = rollout(&spec, acts, steps, 1, a, &err);
    if (rc == PS_OK) printf("sanity: invariants held after reset and after every step\n");
    if (rc == PS_OK && determinism) {
        rc = rollout(&spec, acts, steps, 0, b, &err);
        for (long t = 0; rc == PS_OK && t < steps; t++)
            if (memcmp(&a[t], &b[t], sizeof a[t]) != 0)
                rc = ps_error_set(&err, "determinism: runs differ at step %ld (reward %.17g vs %.17g)", t + 1,
                                  a[t].reward, b[t].reward);
        if (rc == PS_OK) printf("sanity: determinism: two runs identical over %ld steps\n", steps);
    }
    free(acts);
    free(a);
    free(b);
    return rc == PS_OK ? 0 : ps_cli_fail(CMD, &err, 1);
}
