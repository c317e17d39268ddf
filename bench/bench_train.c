/* bench_train - PPO training speed and memory with the default
 * configuration (n_steps 64, batch 64, 10 epochs, [64, 64], one thread) on
 * real prices and the exact replay of the real log (synthetic prices and the
 * legacy generator when ../shared/data is absent):
 *   bench train.default <env steps/s> steps/s   (median of 5 timed runs)
 *   bench train.adam_limit <env steps/s> steps/s (median of 5: the rate if
 *       the dense Adam steps of each rollout were the only work, timed after
 *       each run on the trainer's own parameters, moments and gradients)
 *   bench train.peak_rss <MB> MB
 *   bench train.minibatches <env steps/s> steps/s (median of 3 runs of 8192
 *       steps: rollouts of 512 steps in minibatches of 128, as the quality
 *       bench trains; each epoch assembles four minibatches)
 * and, as # lines, where the time of the timed runs went (ms per rollout).
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

/* Env steps per second of training with rollouts of n_steps in minibatches
 * of batch_size (the rest default), median of 3 runs after a warm-up. */
static int minibatch_rate(ps_env *env, int n_steps, int batch_size, double *rate, ps_error *err) {
    ps_ppo_config ppo = ps_ppo_config_default();
    ppo.n_steps = n_steps;
    ppo.batch_size = batch_size;
    int hidden[2] = {64, 64}, stopped;
    uint64_t seed = 1;
    ps_trainer t;
    double runs[3];
    if (ps_trainer_create(&t, env, &ppo, hidden, 2, 1, err) != PS_OK) return PS_ERR;
    int rc = ps_trainer_learn(&t, n_steps, &seed, NULL, &stopped, err);
    for (int r = 0; r < 3 && rc == PS_OK; r++) {
        int64_t before = t.num_timesteps;
        double t0 = bench_now();
        rc = ps_trainer_learn(&t, 8192, NULL, NULL, &stopped, err);
        runs[r] = (double)(t.num_timesteps - before) / (bench_now() - t0);
    }
    ps_trainer_free(&t);
    if (rc == PS_OK) *rate = bench_median(runs, 3);
    return rc;
}

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
    double rate[RUNS], limit[RUNS], ratio[RUNS];
    /* gradient steps per rollout: n_epochs minibatches of batch_size */
    int per_rollout = ppo.n_epochs * ((ppo.n_steps + ppo.batch_size - 1) / ppo.batch_size);
    rc = ps_trainer_learn(&t, 640, &seed, NULL, &stopped, &err); /* warm-up */
    memset(&t.times, 0, sizeof t.times);
    int64_t timed_steps = 0;
    for (int r = 0; r < RUNS && rc == 0; r++) {
        int64_t before = t.num_timesteps;
        double t0 = bench_now();
        rc = ps_trainer_learn(&t, steps, NULL, NULL, &stopped, &err);
        rate[r] = (double)(t.num_timesteps - before) / (bench_now() - t0);
        ps_phase_times saved = t.times;
        timed_steps += t.num_timesteps - before;
        /* The limit right after, under the same load: per_rollout dense
         * Adam steps (best of 3) on the trainer's buffers. They move the
         * weights a little; the next run simply trains on from there. */
        double best = 1e30;
        for (int k = 0; k < 3; k++) {
            double a0 = bench_now();
            for (int s = 0; s < per_rollout && rc == 0; s++) rc = ps_adam_step_dense(&t.opt, &err);
            double dt = bench_now() - a0;
            if (dt < best) best = dt;
        }
        t.times = saved; /* the Adam timing is not training */
        limit[r] = ppo.n_steps / best;
        ratio[r] = rate[r] / limit[r];
    }
    if (rc != 0) {
        fprintf(stderr, "bench_train: %s\n", err.msg);
        return 1;
    }
    double rollouts = (double)timed_steps / ppo.n_steps, total = 0;
    const ps_phase_times *tm = &t.times;
    const char *names[6] = {"rollout (env + C forward)", "batch build", "forward + loss", "backward", "clip",
                            "Adam (steps + flush)"};
    double phase[6] = {tm->rollout, tm->batch, tm->forward, tm->backward, tm->clip, tm->adam};
    for (int i = 0; i < 6; i++) total += phase[i];
    printf("# per rollout of %d steps (%d gradient steps), %.0f rollouts timed:\n", ppo.n_steps, per_rollout,
           rollouts);
    for (int i = 0; i < 6; i++)
        printf("#   %-26s %8.3f ms  %5.1f %%\n", names[i], 1e3 * phase[i] / rollouts, 100 * phase[i] / total);
    printf("#   %-26s %8.3f ms\n", "total", 1e3 * total / rollouts);
    bench_median(rate, RUNS);
    bench_median(limit, RUNS);
    bench_median(ratio, RUNS);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("# %lld parameters; runs min %.0f max %.0f steps/s; default / adam_limit %.0f %% (median of runs)\n",
           (long long)ps_policy_param_count(&t.policy), rate[0], rate[RUNS - 1], 100 * ratio[RUNS / 2]);
    printf("bench train.default %.0f steps/s\n", rate[RUNS / 2]);
    printf("bench train.adam_limit %.0f steps/s\n", limit[RUNS / 2]);
    printf("bench train.peak_rss %.0f MB\n", ru.ru_maxrss / 1024.0);
    ps_trainer_free(&t);
    double mb;
    if (minibatch_rate(&env, 512, 128, &mb, &err) != PS_OK) {
        fprintf(stderr, "bench_train: %s\n", err.msg);
        return 1;
    }
    printf("bench train.minibatches %.0f steps/s\n", mb);
    ps_env_free(&env);
    return 0;
}
