/* random_agent.c - the C API in one page: a vector of 2 envs over one
 * scenario, random actions for one episode (336 steps), the episode records.
 *
 * Build against the installed library:
 *     cc random_agent.c $(pkg-config --cflags --libs powersched) -o random_agent
 * usage: random_agent [options]   (the data, generator and weight options of
 *                                  `powersched simulate --help`, e.g. --seed 3
 *                                  --workload-gen poisson) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <powersched/powersched.h>

#define N_ENVS 2

/* The policy's own random stream (splitmix64), independent of the envs'. */
static uint32_t next_random(uint64_t *state, uint32_t bound) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (uint32_t)((z ^ (z >> 31)) % bound);
}

static void print_layout(const ps_vec *vec) {
    printf("observation: %d floats per env:", ps_vec_obs_size(vec));
    for (int p = 0; p < PS_OBS_PARTS; p++) {
        const char *name;
        int offset, length;
        ps_vec_obs_part(vec, p, &name, &offset, &length);
        printf(" %s@%d[%d]", name, offset, length);
    }
    printf("\n");
}

/* A few fields of a record, looked up by name. */
static void print_record(int env, const double *record) {
    static const char *const shown[] = {"episode", "agent_cost", "baseline_cost", "savings_pct_baseline",
                                        "jobs_submitted", "completion_rate", "total_reward"};
    printf("env %d:", env);
    for (size_t k = 0; k < sizeof shown / sizeof shown[0]; k++)
        for (int f = 0; f < ps_record_field_count(); f++)
            if (!strcmp(ps_record_field_name(f), shown[k])) printf(" %s=%.6g", shown[k], record[f]);
    printf("\n");
}

static int run_episode(ps_vec *vec, float *obs, double *records) {
    int32_t nvec[PS_ACTION_SIZE], actions[N_ENVS * PS_ACTION_SIZE];
    float rewards[N_ENVS];
    uint8_t terminals[N_ENVS], truncations[N_ENVS];
    uint64_t rng = 42;
    ps_vec_action_nvec(vec, nvec);
    ps_vec_reset(vec, obs);
    for (int finished = 0; !finished;) {
        for (int i = 0; i < N_ENVS * PS_ACTION_SIZE; i++) actions[i] = (int32_t)next_random(&rng, (uint32_t)nvec[i % 3]);
        if (ps_vec_step(vec, actions, obs, rewards, terminals, truncations, records) < 0) {
            fprintf(stderr, "random_agent: %s\n", ps_vec_error(vec));
            return 1;
        }
        for (int i = 0; i < N_ENVS; i++) {
            if (!truncations[i]) continue;
            print_record(i, records + (size_t)i * ps_record_field_count());
            finished = 1;
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    char err[512];
    ps_vec *vec = ps_vec_create(N_ENVS, argc - 1, (const char *const *)argv + 1, err, sizeof err);
    if (!vec) {
        fprintf(stderr, "random_agent: %s\n", err);
        return 2;
    }
    printf("libpowersched %s, %d envs, %d record fields\n", ps_version(), ps_vec_num_envs(vec), ps_record_field_count());
    fputs(ps_vec_warnings(vec), stderr);
    print_layout(vec);
    float *obs = malloc(sizeof *obs * (size_t)N_ENVS * (size_t)ps_vec_obs_size(vec));
    double *records = malloc(sizeof *records * (size_t)N_ENVS * (size_t)ps_record_field_count());
    int rc = obs && records ? run_episode(vec, obs, records) : 1;
    free(obs);
    free(records);
    ps_vec_free(vec);
    return rc;
}
