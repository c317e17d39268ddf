/* test_api.c - the public C API (powersched.h) against the env it wraps:
 * env i of a vector is the env seeded seed + i, step for step (observation,
 * reward, truncation, episode record, the reset after truncation); the
 * layout table; refused actions change nothing; bad options name themselves.
 * In the unit label, so the sanitizer build runs it too. */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "powersched/env.h"
#include "powersched/powersched.h"
#include "powersched/scenario.h"

#define N 2
#define STEPS 700 /* two truncations and a bit */

static ps_vec *create(int n, int argc, const char *const *argv) {
    char err[512] = "";
    ps_vec *v = ps_vec_create(n, argc, argv, err, sizeof err);
    if (!v) fprintf(stderr, "ps_vec_create: %s\n", err);
    return v;
}

/* n random actions of width values (3, or 4 with timed 0..PS_TIMED_LEVELS). */
static void random_actions(uint64_t *state, int32_t *a, int n, int width) {
    const int32_t nvec[4] = {3, 335, 2, 7};
    for (int i = 0; i < n * width; i++) {
        *state = *state * 6364136223846793005ull + 1442695040888963407ull;
        a[i] = (int32_t)((*state >> 33) % (uint64_t)nvec[i % width]);
    }
}

/* One vector step against the same step of the reference envs (ref_obs:
 * N x D, like obs); width 4: ps_vec_step_timed. */
static void compare_step(ps_vec *v, ps_env *ref, const int32_t *a, int width, float *obs, float *ref_obs,
                         double *records) {
    float rewards[N];
    uint8_t term[N], trunc[N];
    int ended = width == 4 ? ps_vec_step_timed(v, a, obs, rewards, term, trunc, records)
                           : ps_vec_step(v, a, obs, rewards, term, trunc, records);
    int want_ended = 0;
    int D = ps_vec_obs_size(v), F = ps_record_field_count();
    for (int i = 0; i < N; i++) {
        ps_step_info in;
        ps_error err;
        /* each env its own buffer: an env rewrites only the rows it changed */
        float *mine = ref_obs + (size_t)i * D;
        const int32_t *ai = a + width * i;
        CHECK_INT(ps_env_step(&ref[i], (ps_action){ai[0], ai[1], ai[2], width == 4 ? ai[3] : 0}, mine, &in, &err),
                  PS_OK);
        CHECK((float)in.reward == rewards[i]);
        CHECK_INT(term[i], 0);
        CHECK_INT(trunc[i], in.truncated != 0);
        if (in.truncated) {
            want_ended++;
            for (int f = 0; f < F; f++) {
                double r = *(const double *)((const char *)in.episode + ps_episode_fields[f].offset);
                CHECK(r == records[i * F + f] || (isnan(r) && isnan(records[i * F + f])));
            }
            ps_env_reset(&ref[i], NULL, -1, mine);
        }
        CHECK(memcmp(obs + (size_t)i * D, mine, (size_t)D * sizeof *obs) == 0);
    }
    CHECK_INT(ended, want_ended);
}

/* Reference envs as ps_env_open makes them: legacy generator, efficiency
 * weight 0.5, env i seeded seed + i. */
static void open_refs(ps_env *ref, uint64_t seed) {
    for (int i = 0; i < N; i++) {
        ps_scenario_spec spec = ps_scenario_spec_default();
        spec.weights.efficiency = 0.5;
        spec.seed = seed + (uint64_t)i;
        ps_error err;
        CHECK_INT(ps_env_open(&ref[i], &spec, NULL, &err), PS_OK);
    }
}

/* Resets v (reseeding env i with *reseed + i when given) and the reference
 * envs alike, then compares STEPS random steps of width values. */
static void run_against(ps_vec *v, ps_env *ref, const uint64_t *reseed, int width) {
    int D = ps_vec_obs_size(v);
    CHECK_INT(D, ps_env_obs_size(&ref[0]));
    float *obs = calloc((size_t)N * D, sizeof *obs), *ref_obs = calloc((size_t)N * D, sizeof *ref_obs);
    double *records = calloc((size_t)N * ps_record_field_count(), sizeof *records);
    if (reseed) ps_vec_reset_seed(v, *reseed, obs);
    else ps_vec_reset(v, obs);
    for (int i = 0; i < N; i++) {
        uint64_t s = reseed ? *reseed + (uint64_t)i : 0;
        ps_env_reset(&ref[i], reseed ? &s : NULL, -1, ref_obs + (size_t)i * D);
        CHECK(memcmp(obs + (size_t)i * D, ref_obs + (size_t)i * D, (size_t)D * sizeof *obs) == 0);
    }
    uint64_t rng = 1;
    int32_t a[N * 4];
    for (int t = 0; t < STEPS; t++) {
        random_actions(&rng, a, N, width);
        compare_step(v, ref, a, width, obs, ref_obs, records);
    }
    free(obs);
    free(ref_obs);
    free(records);
}

/* Env i of a vector seeded 5 is ps_env_open's env seeded 5 + i; after
 * ps_vec_reset_seed(9), env i continues as that env reset with seed 9 + i;
 * and with timed actions (ps_vec_step_timed) as well. */
static void test_matches_env(void) {
    const char *argv[] = {"--seed", "5", "--efficiency-weight", "0.5"};
    ps_vec *v = create(N, 4, argv);
    CHECK(v != NULL);
    if (!v) return;
    ps_env ref[N];
    open_refs(ref, 5);
    run_against(v, ref, NULL, 3);
    const uint64_t reseed = 9;
    run_against(v, ref, &reseed, 3);
    run_against(v, ref, &reseed, 4);
    for (int i = 0; i < N; i++) ps_env_free(&ref[i]);
    ps_vec_free(v);
}

static void test_layout(void) {
    ps_vec *v = create(1, 0, NULL);
    CHECK(v != NULL);
    if (!v) return;
    CHECK_INT(ps_vec_num_envs(v), 1);
    CHECK_INT(ps_vec_obs_size(v), 10364);
    int32_t nvec[3];
    ps_vec_action_nvec(v, nvec);
    CHECK(nvec[0] == 3 && nvec[1] == 335 && nvec[2] == 2);
    int next = 0, offset = -1, length = -1;
    const char *name = NULL;
    for (int p = 0; p < PS_OBS_PARTS; p++) {
        CHECK_INT(ps_vec_obs_part(v, p, &name, &offset, &length), 0);
        CHECK_INT(offset, next);
        next = offset + length;
    }
    CHECK_INT(next, 10364);
    CHECK(!strcmp(name, "predicted_prices") && length == 24);
    ps_vec_obs_part(v, PS_OBS_JOB_QUEUE, &name, &offset, &length);
    CHECK(!strcmp(name, "job_queue") && offset == 1 && length == 10000);
    CHECK_INT(ps_vec_obs_part(v, PS_OBS_PARTS, NULL, NULL, NULL), -1);
    CHECK_INT(ps_vec_obs_part(v, -1, NULL, NULL, NULL), -1);
    CHECK_INT(ps_record_field_count(), ps_episode_field_count);
    CHECK(!strcmp(ps_record_field_name(0), "episode"));
    CHECK(ps_record_field_name(ps_record_field_count()) == NULL && ps_record_field_name(-1) == NULL);
    CHECK(strlen(ps_version()) > 0);
    CHECK_INT(ps_vec_step(v, (const int32_t[]){1, 0, 0}, NULL, NULL, NULL, NULL, NULL), 0); /* outputs optional */
    ps_vec_free(v);
}

/* A refused step (any env's action invalid) leaves every env as it was. */
static void test_invalid_actions(void) {
    const char *argv[] = {"--seed", "3"};
    ps_vec *v = create(N, 2, argv), *twin = create(N, 2, argv);
    CHECK(v && twin);
    if (!v || !twin) return;
    int D = ps_vec_obs_size(v);
    float *obs = calloc((size_t)N * D, sizeof *obs), *obs2 = calloc((size_t)N * D, sizeof *obs);
    const int32_t bad[][N * 3] = {{1, 0, 0, 3, 0, 0}, {1, 0, 0, 1, 335, 0}, {-1, 0, 0, 1, 0, 0},
                                  {1, 0, 2, 1, 0, 0}, {1, -1, 0, 1, 0, 0}};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        CHECK_INT(ps_vec_step(v, bad[k], obs, NULL, NULL, NULL, NULL), -1);
        CHECK_STR_CONTAINS(ps_vec_error(v), k < 2 ? "env 1: invalid action [" : "env 0: invalid action [");
    }
    CHECK_STR_CONTAINS(ps_vec_error(v), "[1, -1, 0]: expected type 0..2, magnitude 0..334, refill 0..1");
    const int32_t bad_timed[N * 4] = {1, 0, 0, 6, 1, 0, 0, 7};
    CHECK_INT(ps_vec_step_timed(v, bad_timed, obs, NULL, NULL, NULL, NULL), -1);
    CHECK_STR_CONTAINS(ps_vec_error(v), "env 1: invalid action [1, 0, 0] (timed 7): expected type 0..2, magnitude 0..334, "
                                        "refill 0..1, timed 0..6");
    CHECK_INT(ps_vec_step(v, NULL, obs, NULL, NULL, NULL, NULL), -1);
    const int32_t good[N * 3] = {0, 100, 1, 2, 5, 0};
    CHECK_INT(ps_vec_step(v, good, obs, NULL, NULL, NULL, NULL), 0);
    CHECK_INT(ps_vec_step(twin, good, obs2, NULL, NULL, NULL, NULL), 0);
    CHECK(!strcmp(ps_vec_error(v), ""));
    CHECK(memcmp(obs, obs2, (size_t)N * D * sizeof *obs) == 0);
    free(obs);
    free(obs2);
    ps_vec_free(v);
    ps_vec_free(twin);
}

static void expect_error(int n, int argc, const char *const *argv, const char *needle) {
    char err[512] = "";
    ps_vec *v = ps_vec_create(n, argc, argv, err, sizeof err);
    CHECK(v == NULL);
    CHECK_STR_CONTAINS(err, needle);
    ps_vec_free(v);
}

static void test_bad_options(void) {
    expect_error(1, 1, (const char *const[]){"--no-such"}, "--no-such");
    expect_error(1, 2, (const char *const[]){"--prices", "/nonexistent.csv"}, "/nonexistent.csv");
    expect_error(1, 1, (const char *const[]){"--seed"}, "--seed");
    expect_error(1, 2, (const char *const[]){"--efficiency-weight", "x"}, "--efficiency-weight");
    expect_error(1, 1, (const char *const[]){"--help"}, "powersched simulate --help");
    expect_error(1, 1, (const char *const[]){"--jobs-exact-replay"}, "--jobs");
    expect_error(0, 0, NULL, ">= 1");
    expect_error(1, 1, (const char *const[]){NULL}, "NULL");
    char tiny[8];
    CHECK(ps_vec_create(0, 0, NULL, tiny, sizeof tiny) == NULL && strlen(tiny) == 7); /* truncated, terminated */
    CHECK(ps_vec_create(0, 0, NULL, NULL, 0) == NULL);
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    test_layout();
    test_matches_env();
    test_invalid_actions();
    test_bad_options();
    return check_summary("test_api");
}
