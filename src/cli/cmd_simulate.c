/* cmd_simulate.c - `powersched simulate`: the simulator without learning. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "powersched/fixed_policy.h"
#include "powersched/io.h"
#include "powersched/policy_options.h"
#include "powersched/scenario_options.h"

#define CMD "simulate"

static const char USAGE[] =
    "usage: powersched simulate [options]\n\n"
    "Runs the simulator with a fixed policy (no learning) against the always-on baseline and\n"
    "prints one summary line per episode. The timeline is continuous across episodes.\n"
    "The env is reset with --seed before the first episode.\n";

typedef struct sim_args {
    ps_sim_flags sim;
    ps_heuristic_config heuristic;
    const char *policy, *trace, *episodes_csv;
    int episodes, oracles;
} sim_args;

static int open_outputs(const sim_args *a, ps_atomic_file *trace, ps_atomic_file *eps, ps_error *err) {
    if (*a->trace) {
        if (ps_atomic_open(trace, a->trace, err) != PS_OK) return PS_ERR;
        ps_trace_header(trace->fp);
    }
    if (*a->episodes_csv) {
        if (ps_atomic_open(eps, a->episodes_csv, err) != PS_OK) return PS_ERR;
        ps_episodes_header(eps->fp);
    }
    return PS_OK;
}

static void print_totals(const ps_env *env, int episodes) {
    const ps_totals *t = &env->metrics.cum;
    printf("Total over %d episodes: Agent Cost=€%.2f, Baseline Cost=€%.2f, Baseline Off=€%.2f, "
           "Savings=€%.2f/€%.2f, Jobs=%lld/%lld, Dropped=%lld (baseline %lld/%lld, dropped %lld)\n",
           episodes, t->agent_cost, t->baseline_cost, t->baseline_cost_off,
           t->baseline_cost - t->agent_cost, t->baseline_cost_off - t->agent_cost,
           (long long)t->agent.completed, (long long)t->agent.submitted, (long long)t->agent.dropped,
           (long long)t->baseline.completed, (long long)t->baseline.submitted, (long long)t->baseline.dropped);
}

static int run(ps_env *env, ps_fixed_policy *pol, const sim_args *a, ps_atomic_file *trace, ps_atomic_file *eps,
               float *obs, ps_error *err) {
    int64_t steps = (long)a->episodes * env->cfg.episode_hours;
    if (pol->kind == PS_FIXED_ACTIONS && pol->n_actions < steps)
        return ps_error_set(err, "%s has %ld actions; %d episode(s) need %ld", a->policy + 8, pol->n_actions,
                            a->episodes, steps);
    uint64_t seed = a->sim.seed;
    ps_env_set_oracles(env, a->oracles);
    ps_env_reset(env, &seed, -1, obs);
    /* An episode ends by truncation at hour 336, or earlier when a drop-streak
     * flush terminates it (--flush-after-drop-streak); then the next starts. */
    int done = 0;
    for (long t = 0; done < a->episodes && t < steps; t++) {
        ps_action act = ps_fixed_policy_next(pol, &env->cfg, t, obs);
        ps_step_info info;
        if (ps_env_step(env, act, obs, &info, err) != PS_OK) return PS_ERR;
        if (trace->fp) ps_trace_row(trace->fp, env, act, &info);
        if (!info.episode) continue;
        char line[2048];
        ps_episode_summary_line(info.episode, line, sizeof line);
        printf("%s\n", line);
        if (eps->fp) ps_episodes_row(eps->fp, info.episode);
        if (++done < a->episodes) ps_env_reset(env, NULL, -1, obs);
    }
    print_totals(env, done);
    if (trace->fp && ps_atomic_commit(trace, err) != PS_OK) return PS_ERR;
    if (eps->fp && ps_atomic_commit(eps, err) != PS_OK) return PS_ERR;
    if (*a->trace) printf("Trace written to %s\n", a->trace);
    if (*a->episodes_csv) printf("Episode records written to %s\n", a->episodes_csv);
    return PS_OK;
}

int cmd_simulate(int argc, char **argv) {
    sim_args a = {.policy = "always-on", .trace = "", .episodes_csv = "", .episodes = 1};
    ps_sim_flags_init(&a.sim);
    a.heuristic = ps_heuristic_config_default(PS_H_SLURM_SUSPEND);
    const ps_option own[] = {
        {"--policy", OPT_STRING, &a.policy, "P", "always-on | random | slurm-suspend | price-threshold | price-aware | job-timing | actions:FILE (CSV 'type,magnitude,refill' per step)", 0, 0},
        {"--episodes", OPT_INT, &a.episodes, "N", "episodes of 336 hours to simulate", 1, 1e6},
        {"--trace", OPT_STRING, &a.trace, "FILE", "write one CSV row per step (golden trace columns)", 0, 0},
        {"--episodes-csv", OPT_STRING, &a.episodes_csv, "FILE", "write one CSV row per episode (the episode record)", 0, 0},
        {"--oracle", OPT_FLAG, &a.oracles, "", "compute the oracle bounds of every episode (spec 16) into the records", 0, 0},
    };
    ps_optset set;
    ps_optset_init(&set);
    ps_optset_add(&set, CMD, own, PS_COUNT(own));
    ps_sim_flags_options(&a.sim, &set);
    ps_heuristic_options(&a.heuristic, &set);
    int status = ps_cli_parse(CMD, USAGE, &set, argc, argv);
    if (status >= 0) return status;
    ps_error err;
    ps_scenario_spec spec;
    if (ps_sim_flags_to_spec(&a.sim, &spec, stderr, &err) != PS_OK) return ps_cli_fail(CMD, &err, 2);
    ps_heuristic_max_wait(&a.heuristic, spec.cfg.guard_max_wait);
    ps_fixed_policy pol;
    if (ps_fixed_policy_init(&pol, a.policy, &a.heuristic, &spec.cfg, a.sim.seed, &err) != PS_OK) {
        ps_fixed_policy_free(&pol);
        return ps_cli_fail(CMD, &err, 2);
    }
    ps_env *env = malloc(sizeof *env);
    const ps_scenario *sc;
    if (!env || ps_env_open(env, &spec, &sc, &err) != PS_OK) {
        free(env);
        ps_fixed_policy_free(&pol);
        return ps_cli_fail(CMD, &err, 1);
    }
    float *obs = ps_fixed_policy_observes(&pol) ? calloc((size_t)ps_env_obs_size(env), sizeof *obs) : NULL;
    ps_sim_print_setup(stdout, sc, &a.sim);
    ps_atomic_file trace = {0}, eps = {0};
    int rc = open_outputs(&a, &trace, &eps, &err);
    if (rc == PS_OK && ps_fixed_policy_observes(&pol) && !obs) rc = ps_error_set(&err, "out of memory");
    if (rc == PS_OK) rc = run(env, &pol, &a, &trace, &eps, obs, &err);
    ps_atomic_abort(&trace);
    ps_atomic_abort(&eps);
    ps_env_free(env);
    free(env);
    free(obs);
    ps_fixed_policy_free(&pol);
    return rc == PS_OK ? 0 : ps_cli_fail(CMD, &err, 1);
}
