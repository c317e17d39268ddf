/* bench_oracle - seconds to solve both oracles of spec 16 (liquid and
 * contiguous) for one episode at the heaviest public load: the poisson
 * generator at lambda 1500 (CLI defaults otherwise), real 2023 prices
 * (synthetic if absent). The episode is simulated once with the always-on
 * action while the env records the oracles' inputs (agent and workload job
 * sets); then both sets are solved RUNS times. Prints
 * `bench oracle.episode <seconds> s` (median; both job sets, both oracles)
 * and, as a comment, the jobs per set.
 * usage: bench_oracle [SHARED_DIR] */
#include <stdio.h>
#include <string.h>

#include "bench_util.h"
#include "powersched/scenario.h"

#define RUNS 7

/* Simulates hours 1..335 of an episode so the oracles hold its inputs. */
static int record_episode(ps_env *env, ps_error *err) {
    ps_env_set_oracles(env, 1);
    ps_env_reset(env, NULL, -1, NULL);
    ps_action on = {2, env->cfg.max_nodes - 1, 1, 0};
    for (int h = 0; h < env->cfg.episode_hours - 1; h++)
        if (ps_env_step(env, on, NULL, NULL, err) != PS_OK) return PS_ERR;
    return PS_OK;
}

int main(int argc, char **argv) {
    const char *shared = argc > 1 ? argv[1] : "../shared";
    char prices[4096];
    snprintf(prices, sizeof prices, "%s/data/prices_2023.csv", shared);
    ps_scenario_spec s = ps_scenario_spec_default();
    s.prices_path = bench_exists(prices) ? prices : "";
    ps_wg_config gen = ps_wg_config_default(PS_WG_POISSON);
    gen.lambda = 1500;
    gen.lambda_attr[PS_WG_DURATION] = 85; /* the CLI's floor midpoints */
    s.workload.generator = &gen;
    ps_env env;
    ps_error err;
    if (ps_env_open(&env, &s, NULL, &err) != PS_OK || record_episode(&env, &err) != PS_OK) {
        fprintf(stderr, "bench_oracle: %s\n", err.msg);
        return 1;
    }
    printf("# poisson lambda 1500, %d hours: %d jobs (agent set), %d jobs (workload set)\n", env.oracle_agent.T,
           env.oracle_agent.n_jobs, env.oracle_workload.n_jobs);
    double t[RUNS];
    for (int r = 0; r < RUNS; r++) {
        double t0 = bench_now();
        ps_oracle_result a, w;
        if (ps_oracle_solve(&env.oracle_agent, &a) != 0 || ps_oracle_solve(&env.oracle_workload, &w) != 0) {
            fprintf(stderr, "bench_oracle: out of memory\n");
            return 1;
        }
        t[r] = bench_now() - t0;
        if (r == 0)
            printf("# contiguous %.0f EUR (%lld unscheduled, %lld spill-over), liquid %.0f EUR (agent set)\n",
                   a.contiguous_cost, (long long)a.unscheduled, (long long)a.spillover, a.liquid_cost);
    }
    printf("bench oracle.episode %.4f s\n", bench_median(t, RUNS));
    ps_env_free(&env);
    return 0;
}
