/* bench_sim - simulator steps per second (agent + baseline + observation),
 * printed as `bench <name> <value> steps/s` (design.md, "Benchmarks"):
 *   sim.replay  real 2023 prices + exact replay of the real Slurm log, random actions
 *   sim.full    defaults: legacy generator (0..1500 jobs/h), random actions:
 *               queue and backlog full
 *   sim.hourly  real prices + the hourly sampler on the real log, random actions
 *   sim.poisson200, sim.poisson1500  real prices (synthetic if absent) + the
 *               poisson generator (CLI defaults, lambda 200 / 1500), random actions
 * Each figure is the median of several timed runs after a warm-up; one core.
 * usage: bench_sim [SHARED_DIR] [only-name] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "powersched/scenario.h"
#include "powersched/env.h"

#define RUNS 7

static int run_steps(ps_env *env, ps_rng *rng, float *obs, long steps) {
    ps_error err;
    for (long t = 0; t < steps; t++) {
        ps_step_info in;
        if (ps_env_step(env, ps_action_random(rng, &env->cfg), obs, &in, &err) != PS_OK) {
            fprintf(stderr, "bench: %s\n", err.msg);
            return -1;
        }
        if (in.truncated) ps_env_reset(env, NULL, -1, obs);
    }
    return 0;
}

/* Median steps/s of RUNS runs of `steps` steps after `warmup` steps. */
static int bench(const char *name, const ps_scenario_spec *spec, long warmup, long steps) {
    ps_env *env = malloc(sizeof *env);
    ps_error err;
    if (!env || ps_env_open(env, spec, NULL, &err) != PS_OK) {
        fprintf(stderr, "bench %s: %s\n", name, env ? err.msg : "out of memory");
        free(env);
        return 1;
    }
    float *obs = calloc((size_t)ps_env_obs_size(env), sizeof *obs);
    ps_rng rng;
    ps_rng_seed(&rng, 1, PS_STREAM_POLICY);
    uint64_t seed = 1;
    ps_env_reset(env, &seed, -1, obs);
    double rate[RUNS];
    int rc = run_steps(env, &rng, obs, warmup);
    for (int r = 0; r < RUNS && rc == 0; r++) {
        double t0 = bench_now();
        rc = run_steps(env, &rng, obs, steps);
        rate[r] = steps / (bench_now() - t0);
    }
    if (rc == 0) {
        bench_median(rate, RUNS);
        printf("# %s: queue %d/%d, backlog %d, running %d after %lld steps; runs min %.0f max %.0f\n", name,
               env->agent.n_active, env->cfg.max_queue_size, env->agent.bl_len, env->agent.n_running,
               (long long)env->current_step, rate[0], rate[RUNS - 1]);
        printf("bench %s %.0f steps/s\n", name, rate[RUNS / 2]);
    }
    free(obs);
    ps_env_free(env);
    free(env);
    return rc ? 1 : 0;
}

int main(int argc, char **argv) {
    const char *shared = argc > 1 ? argv[1] : "../shared";
    const char *only = argc > 2 ? argv[2] : "";
    char prices[4096], log[4096];
    snprintf(prices, sizeof prices, "%s/data/prices_2023.csv", shared);
    snprintf(log, sizeof log, "%s/data/allusers-gpu-30.log", shared);
    int rc = 0;
    if (!*only || !strcmp(only, "sim.replay")) {
        if (!bench_exists(prices) || !bench_exists(log)) {
            printf("# bench sim.replay skipped: %s or %s not found\n", prices, log);
        } else {
            ps_scenario_spec s = ps_scenario_spec_default();
            s.prices_path = prices;
            s.workload.jobs_path = log;
            s.workload.replay_mode = PS_REPLAY_EXACT;
            rc |= bench("sim.replay", &s, 789, 100000);
        }
    }
    if (!*only || !strcmp(only, "sim.full")) {
        ps_scenario_spec s = ps_scenario_spec_default();
        rc |= bench("sim.full", &s, 1000, 5000);
    }
    if (!*only || !strcmp(only, "sim.hourly")) {
        if (!bench_exists(prices) || !bench_exists(log)) {
            printf("# bench sim.hourly skipped: %s or %s not found\n", prices, log);
        } else {
            ps_scenario_spec s = ps_scenario_spec_default();
            s.prices_path = prices;
            s.workload.hourly_path = log;
            rc |= bench("sim.hourly", &s, 2000, 100000);
        }
    }
    const double lambdas[2] = {200, 1500};
    const char *names[2] = {"sim.poisson200", "sim.poisson1500"};
    for (int i = 0; i < 2; i++) {
        if (*only && strcmp(only, names[i])) continue;
        ps_scenario_spec s = ps_scenario_spec_default();
        s.prices_path = bench_exists(prices) ? prices : "";
        ps_wg_config gen = ps_wg_config_default(PS_WG_POISSON);
        gen.lambda = lambdas[i];
        gen.lambda_attr[PS_WG_DURATION] = 85; /* the CLI's floor midpoints */
        s.workload.generator = &gen;
        rc |= bench(names[i], &s, 1000, i == 0 ? 20000 : 5000);
    }
    return rc;
}
