/* bench_train - PPO training speed and memory with the default
 * configuration (n_steps 64, batch 64, 10 epochs, [64, 64], one thread) on
 * real prices and the exact replay of the real log (synthetic prices and the
 * legacy generator when ../shared/data is absent):
 *   bench train.default <env steps/s> steps/s   (median of 5 timed runs)
 *   bench train.peak_rss <MB> MB
 * usage: bench_train [SHARED_DIR] [STEPS_PER_RUN] */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench_util.h"
#include "trainer.h"

#define RUNS 5

int main(int argc, char **argv) {
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    const char *shared = argc > 1 ? argv[1] : "../shared";
    long steps = argc > 2 ? atol(argv[2]) : 2048;
    at_set_num_threads(1);
    char prices[4096], log[4096];
    ps_scenario_spec spec;
    bench_real_data(shared, &spec, prices, log);
    ps_error err;
    ps_env env;
    ps_trainer t;
    if (ps_env_open(&env, &spec, NULL, &err) != PS_OK) {
        fprintf(stderr, "bench_train: %s\n", err.msg);
        return 1;
    }
    ps_ppo_config ppo = ps_ppo_config_default();
    int hidden[2] = {64, 64};
    if (ps_trainer_create(&t, &env, &ppo, hidden, 2, 1, &err) != PS_OK) {
        fprintf(stderr, "bench_train: %s\n", err.msg);
        return 1;
    }
    uint64_t seed = 1;
    int stopped, rc = 0;
    double rate[RUNS];
    rc = ps_trainer_learn(&t, 640, &seed, NULL, &stopped, &err); /* warm-up */
    for (int r = 0; r < RUNS && rc == 0; r++) {
        int64_t before = t.num_timesteps;
        double t0 = bench_now();
        rc = ps_trainer_learn(&t, steps, NULL, NULL, &stopped, &err);
        rate[r] = (double)(t.num_timesteps - before) / (bench_now() - t0);
    }
    if (rc != 0) {
        fprintf(stderr, "bench_train: %s\n", err.msg);
        return 1;
    }
    bench_median(rate, RUNS);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("# %lld parameters; runs min %.0f max %.0f steps/s\n", (long long)ps_policy_param_count(&t.policy),
           rate[0], rate[RUNS - 1]);
    printf("bench train.default %.0f steps/s\n", rate[RUNS / 2]);
    printf("bench train.peak_rss %.0f MB\n", ru.ru_maxrss / 1024.0);
    ps_trainer_free(&t);
    ps_env_free(&env);
    return 0;
}
