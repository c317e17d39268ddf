/* bench_eval - a 12-month evaluation (24 episodes, 8064 steps) with the
 * default network (64,64; 1,357,205 parameters): env construction, the
 * deterministic policy and the env step, as `powersched evaluate-savings`
 * runs them. Prints `bench eval.12months <seconds> s` (median of 5 runs).
 * usage: bench_eval [SHARED_DIR] */
#include <stdio.h>
#include <string.h>

#include "bench_util.h"
#include "trainer.h"

#define RUNS 5

static int evaluate(const ps_scenario_spec *spec, double *seconds, ps_error *err) {
    double t0 = bench_now();
    ps_env env;
    ps_trainer t;
    if (ps_env_open(&env, spec, NULL, err) != PS_OK) return PS_ERR;
    ps_ppo_config ppo = ps_ppo_config_default();
    int hidden[2] = {64, 64}, rc = ps_trainer_create(&t, &env, &ppo, hidden, 2, 1, err);
    float *obs = calloc((size_t)ps_env_obs_size(&env), sizeof *obs);
    uint64_t seed = 0;
    ps_env_reset(&env, &seed, -1, obs);
    for (int e = 0; e < 24 && rc == PS_OK; e++) {
        ps_env_reset(&env, NULL, -1, obs);
        for (int h = 0; h < 336 && rc == PS_OK; h++) {
            int a[3];
            double logp, value;
            rc = ps_policy_act(&t.policy, obs, 1, NULL, a, &logp, &value, err);
            if (rc == PS_OK) rc = ps_env_step(&env, (ps_action){a[0], a[1], a[2], 0}, obs, NULL, err);
        }
    }
    free(obs);
    ps_trainer_free(&t);
    ps_env_free(&env);
    *seconds = bench_now() - t0;
    return rc;
}

int main(int argc, char **argv) {
    const char *shared = argc > 1 ? argv[1] : "../shared";
    at_set_num_threads(1);
    char prices[4096], log[4096];
    ps_scenario_spec spec;
    bench_real_data(shared, &spec, prices, log);
    double s[RUNS];
    ps_error err;
    for (int r = 0; r < RUNS; r++)
        if (evaluate(&spec, &s[r], &err) != PS_OK) {
            fprintf(stderr, "bench_eval: %s\n", err.msg);
            return 1;
        }
    printf("bench eval.12months %.3f s\n", bench_median(s, RUNS));
    return 0;
}
