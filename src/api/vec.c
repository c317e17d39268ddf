/* vec.c - the public API (powersched.h): n envs over one loaded scenario,
 * stepped together with caller-owned buffers.
 *
 * The vector exists so that a caller in another language pays its per-call
 * overhead (ctypes: a few microseconds) once per step of all envs rather
 * than once per env. Everything is allocated by ps_vec_create. */
#include "powersched/powersched.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "powersched/scenario_options.h"

struct ps_vec {
    int n, obs_size;
    uint64_t seed;        /* env i's creation seed is seed + i */
    int argc;
    char **argv;          /* copies: the flags below point into them */
    ps_sim_flags flags;   /* the scenario spec points into these */
    ps_scenario sc;       /* loaded once, shared read-only by the envs */
    ps_env *envs;
    int n_created;        /* envs to free */
    char *warnings;       /* "" or lines */
    char error[512];
};

static const char *const OBS_PART_NAMES[PS_OBS_PARTS] = {
    "backlog_size", "job_queue", "nodes", "pending_avg_duration", "pending_core_hours",
    "pending_job_count", "pending_max_nodes", "predicted_prices",
};

static int vec_fail(ps_vec *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int vec_fail(ps_vec *v, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->error, sizeof v->error, fmt, ap);
    va_end(ap);
    return PS_ERR;
}

static int copy_args(ps_vec *v, int argc, const char *const *argv, ps_error *err) {
    if (argc < 0 || (argc > 0 && !argv)) return ps_error_set(err, "options: argc %d with no argv", argc);
    v->argv = calloc((size_t)argc + 1, sizeof *v->argv);
    if (!v->argv) return ps_error_set(err, "out of memory");
    for (v->argc = 0; v->argc < argc; v->argc++) {
        if (!argv[v->argc]) return ps_error_set(err, "options: argv[%d] is NULL", v->argc);
        v->argv[v->argc] = strdup(argv[v->argc]);
        if (!v->argv[v->argc]) return ps_error_set(err, "out of memory");
    }
    return PS_OK;
}

/* Options -> scenario spec, with the warnings kept for ps_vec_warnings
 * (library code never prints). */
static int parse_options(ps_vec *v, ps_scenario_spec *spec, ps_error *err) {
    ps_optset set;
    ps_optset_init(&set);
    ps_sim_flags_init(&v->flags);
    ps_sim_flags_options(&v->flags, &set);
    int help = 0;
    if (ps_optset_parse(&set, v->argc, v->argv, &help, err) != PS_OK) return PS_ERR;
    if (help)
        return ps_error_set(err, "--help: the options are the scenario groups of `powersched simulate --help` "
                                 "(data, energy model, workload generator, reward weights)");
    size_t len = 0;
    FILE *warn = open_memstream(&v->warnings, &len);
    int rc = ps_sim_flags_to_spec(&v->flags, spec, warn, err);
    if (warn) fclose(warn);
    v->seed = v->flags.seed;
    return rc;
}

static int create_envs(ps_vec *v, ps_error *err) {
    v->envs = calloc((size_t)v->n, sizeof *v->envs);
    if (!v->envs) return ps_error_set(err, "out of memory for %d envs", v->n);
    for (; v->n_created < v->n; v->n_created++) {
        /* ps_scenario_env seeds with the scenario's seed: ours to set. */
        v->sc.seed = v->seed + (uint64_t)v->n_created;
        if (ps_scenario_env(&v->sc, &v->envs[v->n_created], err) != PS_OK) return PS_ERR;
    }
    v->sc.seed = v->seed;
    v->obs_size = ps_env_obs_size(&v->envs[0]);
    return PS_OK;
}

static int vec_init(ps_vec *v, int n, int argc, const char *const *argv, ps_error *err) {
    if (n < 1) return ps_error_set(err, "number of envs must be >= 1 (got %d)", n);
    v->n = n;
    ps_scenario_spec spec;
    if (copy_args(v, argc, argv, err) != PS_OK || parse_options(v, &spec, err) != PS_OK) return PS_ERR;
    if (ps_scenario_load(&v->sc, &spec, err) != PS_OK) return PS_ERR;
    return create_envs(v, err);
}

ps_vec *ps_vec_create(int n, int argc, const char *const *argv, char *err, size_t err_size) {
    ps_vec *v = calloc(1, sizeof *v);
    ps_error e;
    int rc = v ? vec_init(v, n, argc, argv, &e) : ps_error_set(&e, "out of memory");
    if (rc == PS_OK) return v;
    if (err && err_size) snprintf(err, err_size, "%s", e.msg);
    ps_vec_free(v);
    return NULL;
}

void ps_vec_free(ps_vec *v) {
    if (!v) return;
    for (int i = 0; i < v->n_created; i++) ps_env_free(&v->envs[i]);
    free(v->envs);
    ps_scenario_free(&v->sc);
    for (int i = 0; i < v->argc; i++) free(v->argv[i]);
    free(v->argv);
    free(v->warnings);
    free(v);
}

int ps_vec_num_envs(const ps_vec *v) { return v->n; }
int ps_vec_obs_size(const ps_vec *v) { return v->obs_size; }

void ps_vec_action_nvec(const ps_vec *v, int32_t nvec[PS_ACTION_SIZE]) {
    nvec[0] = 3;
    nvec[1] = v->sc.cfg.max_nodes;
    nvec[2] = 2;
}

int ps_vec_obs_part(const ps_vec *v, int part, const char **name, int *offset, int *length) {
    if (part < 0 || part >= PS_OBS_PARTS) return PS_ERR;
    const ps_obs_layout *l = &v->envs[0].layout;
    /* The layout's fields are the parts in order, then the total size. */
    const int starts[PS_OBS_PARTS + 1] = {
        l->backlog_size, l->job_queue, l->nodes, l->pending_avg_duration, l->pending_core_hours,
        l->pending_job_count, l->pending_max_nodes, l->predicted_prices, l->size,
    };
    if (name) *name = OBS_PART_NAMES[part];
    if (offset) *offset = starts[part];
    if (length) *length = starts[part + 1] - starts[part];
    return PS_OK;
}

static int reset_all(ps_vec *v, const uint64_t *seed, float *obs) {
    v->error[0] = '\0';
    for (int i = 0; i < v->n; i++) {
        uint64_t s = seed ? *seed + (uint64_t)i : 0;
        ps_env_reset(&v->envs[i], seed ? &s : NULL, -1, obs ? obs + (size_t)i * v->obs_size : NULL);
    }
    return PS_OK;
}

int ps_vec_reset(ps_vec *v, float *obs) { return reset_all(v, NULL, obs); }
int ps_vec_reset_seed(ps_vec *v, uint64_t seed, float *obs) { return reset_all(v, &seed, obs); }

/* All actions are checked before any env steps, so a refused call changes nothing. */
/* Env i's action: width values (PS_ACTION_SIZE, or PS_ACTION_SIZE_TIMED
 * with timed last). */
static ps_action action_of(const int32_t *actions, int width, int i) {
    const int32_t *a = actions + (size_t)i * width;
    return (ps_action){a[0], a[1], a[2], width == PS_ACTION_SIZE_TIMED ? a[3] : 0};
}

static int check_actions(ps_vec *v, const int32_t *actions, int width) {
    if (!actions) return vec_fail(v, "actions is NULL");
    for (int i = 0; i < v->n; i++) {
        char where[32];
        ps_error err;
        snprintf(where, sizeof where, "env %d: ", i);
        if (ps_action_check(&v->sc.cfg, action_of(actions, width, i), where, &err) != PS_OK)
            return vec_fail(v, "%s", err.msg);
    }
    return PS_OK;
}

static void copy_record(double *row, const ps_episode_record *r) {
    for (int f = 0; f < ps_episode_field_count; f++)
        row[f] = *(const double *)((const char *)r + ps_episode_fields[f].offset);
}

static int vec_step(ps_vec *v, const int32_t *actions, int width, float *obs, float *rewards, uint8_t *terminals,
                    uint8_t *truncations, double *records) {
    if (check_actions(v, actions, width) != PS_OK) return PS_ERR;
    v->error[0] = '\0';
    int ended = 0;
    for (int i = 0; i < v->n; i++) {
        float *o = obs ? obs + (size_t)i * v->obs_size : NULL;
        ps_step_info info;
        ps_error err;
        if (ps_env_step(&v->envs[i], action_of(actions, width, i), o, &info, &err) != PS_OK)
            return vec_fail(v, "env %d: %s", i, err.msg);
        if (rewards) rewards[i] = (float)info.reward;
        if (terminals) terminals[i] = (uint8_t)(info.terminated != 0); /* only a drop-streak flush terminates */
        if (truncations) truncations[i] = (uint8_t)(info.truncated != 0);
        if (!info.episode) continue;
        if (records) copy_record(records + (size_t)i * ps_episode_field_count, info.episode);
        ps_env_reset(&v->envs[i], NULL, -1, o);
        ended++;
    }
    return ended;
}

int ps_vec_step(ps_vec *v, const int32_t *actions, float *obs, float *rewards, uint8_t *terminals,
                uint8_t *truncations, double *records) {
    return vec_step(v, actions, PS_ACTION_SIZE, obs, rewards, terminals, truncations, records);
}

int ps_vec_step_timed(ps_vec *v, const int32_t *actions, float *obs, float *rewards, uint8_t *terminals,
                      uint8_t *truncations, double *records) {
    return vec_step(v, actions, PS_ACTION_SIZE_TIMED, obs, rewards, terminals, truncations, records);
}

const char *ps_vec_error(const ps_vec *v) { return v->error; }
const char *ps_vec_warnings(const ps_vec *v) { return v->warnings ? v->warnings : ""; }

int ps_record_field_count(void) { return ps_episode_field_count; }

const char *ps_record_field_name(int i) {
    return i >= 0 && i < ps_episode_field_count ? ps_episode_fields[i].name : NULL;
}
