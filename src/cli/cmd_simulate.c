/* cmd_simulate.c - `powersched simulate`: the simulator without learning. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "powersched/io.h"
#include "powersched/scenario_options.h"

#define CMD "simulate"

static const char USAGE[] =
    "usage: powersched simulate [options]\n\n"
    "Runs the simulator with a fixed policy (no learning) against the always-on baseline and\n"
    "prints one summary line per episode. The timeline is continuous across episodes.\n"
    "The env is reset with --seed before the first episode.\n";

typedef enum policy_kind { POLICY_ALWAYS_ON, POLICY_RANDOM, POLICY_ACTIONS } policy_kind;

typedef struct policy {
    policy_kind kind;
    ps_rng rng;
    ps_action *actions;
    long n_actions;
} policy;

/* One "type,magnitude,refill" row per step; blank and '#' lines skipped. */
static int load_actions(policy *p, const char *path, const ps_config *cfg, ps_error *err) {
    FILE *fp = fopen(path, "r");
    if (!fp) return ps_error_set(err, "%s: cannot open actions file: %s", path, strerror(errno));
    char buf[256];
    long line = 0, cap = 0;
    int rc = PS_OK;
    while (fgets(buf, sizeof buf, fp)) {
        line++;
        char *s = buf + strspn(buf, " \t");
        if (*s == '#' || *s == '\n' || *s == '\r' || *s == '\0') continue;
        ps_action a;
        int used = 0;
        if (sscanf(s, "%d ,%d ,%d %n", &a.type, &a.magnitude, &a.refill, &used) != 3 || s[used] != '\0') {
            rc = ps_error_set(err, "%s:%ld: expected three integers 'type,magnitude,refill'", path, line);
            break;
        }
        if (a.type < 0 || a.type > 2 || a.magnitude < 0 || a.magnitude >= cfg->max_nodes || a.refill < 0 || a.refill > 1) {
            rc = ps_error_set(err, "%s:%ld: action [%d, %d, %d] out of range (type 0..2, magnitude 0..%d, refill 0..1)",
                              path, line, a.type, a.magnitude, a.refill, cfg->max_nodes - 1);
            break;
        }
        if (p->n_actions == cap) {
            cap = cap ? cap * 2 : 1024;
            ps_action *na = realloc(p->actions, (size_t)cap * sizeof *na);
            if (!na) { rc = ps_error_set(err, "%s: out of memory", path); break; }
            p->actions = na;
        }
        p->actions[p->n_actions++] = a;
    }
    fclose(fp);
    if (rc == PS_OK && p->n_actions == 0) rc = ps_error_set(err, "%s: no actions", path);
    return rc;
}

static int policy_init(policy *p, const char *spec, const ps_config *cfg, uint64_t seed, ps_error *err) {
    memset(p, 0, sizeof *p);
    ps_rng_seed(&p->rng, seed, PS_STREAM_POLICY);
    if (!strcmp(spec, "always-on")) p->kind = POLICY_ALWAYS_ON;
    else if (!strcmp(spec, "random")) p->kind = POLICY_RANDOM;
    else if (!strncmp(spec, "actions:", 8)) {
        p->kind = POLICY_ACTIONS;
        return load_actions(p, spec + 8, cfg, err);
    } else
        return ps_error_set(err, "--policy: '%s' is not always-on, random or actions:FILE", spec);
    return PS_OK;
}

static ps_action policy_next(policy *p, const ps_config *cfg, long step) {
    ps_action a = {2, cfg->max_nodes - 1, 1}; /* all nodes on, refill: the baseline's schedule */
    if (p->kind == POLICY_RANDOM) a = ps_action_random(&p->rng, cfg);
    else if (p->kind == POLICY_ACTIONS) {
        a = p->actions[step];
    }
    return a;
}

typedef struct sim_args {
    ps_sim_flags sim;
    const char *policy, *trace, *episodes_csv;
    int episodes;
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

static int run(ps_env *env, policy *pol, const sim_args *a, ps_atomic_file *trace, ps_atomic_file *eps, ps_error *err) {
    int64_t steps = (long)a->episodes * env->cfg.episode_hours;
    if (pol->kind == POLICY_ACTIONS && pol->n_actions < steps)
        return ps_error_set(err, "%s has %ld actions; %d episode(s) need %ld", a->policy + 8, pol->n_actions,
                            a->episodes, steps);
    uint64_t seed = a->sim.seed;
    ps_env_reset(env, &seed, -1, NULL);
    for (long t = 0; t < steps; t++) {
        if (t > 0 && t % env->cfg.episode_hours == 0) ps_env_reset(env, NULL, -1, NULL);
        ps_action act = policy_next(pol, &env->cfg, t);
        ps_step_info info;
        if (ps_env_step(env, act, NULL, &info, err) != PS_OK) return PS_ERR;
        if (trace->fp) ps_trace_row(trace->fp, env, act, &info);
        if (info.truncated) {
            const ps_episode_record *r = info.episode;
            char line[2048];
            ps_episode_summary_line(r, line, sizeof line);
            printf("%s\n", line);
            if (eps->fp) ps_episodes_row(eps->fp, r);
        }
    }
    print_totals(env, a->episodes);
    if (trace->fp && ps_atomic_commit(trace, err) != PS_OK) return PS_ERR;
    if (eps->fp && ps_atomic_commit(eps, err) != PS_OK) return PS_ERR;
    if (*a->trace) printf("Trace written to %s\n", a->trace);
    if (*a->episodes_csv) printf("Episode records written to %s\n", a->episodes_csv);
    return PS_OK;
}

int cmd_simulate(int argc, char **argv) {
    sim_args a = {.policy = "always-on", .trace = "", .episodes_csv = "", .episodes = 1};
    ps_sim_flags_init(&a.sim);
    const ps_option own[] = {
        {"--policy", OPT_STRING, &a.policy, "P", "always-on | random | actions:FILE (CSV 'type,magnitude,refill' per step)", 0, 0},
        {"--episodes", OPT_INT, &a.episodes, "N", "episodes of 336 hours to simulate", 1, 1e6},
        {"--trace", OPT_STRING, &a.trace, "FILE", "write one CSV row per step (golden trace columns)", 0, 0},
        {"--episodes-csv", OPT_STRING, &a.episodes_csv, "FILE", "write one CSV row per episode (the episode record)", 0, 0},
    };
    ps_optset set;
    ps_optset_init(&set);
    ps_optset_add(&set, CMD, own, PS_COUNT(own));
    ps_sim_flags_options(&a.sim, &set);
    int status = ps_cli_parse(CMD, USAGE, &set, argc, argv);
    if (status >= 0) return status;
    ps_error err;
    ps_scenario_spec spec;
    if (ps_sim_flags_to_spec(&a.sim, &spec, stderr, &err) != PS_OK) return ps_cli_fail(CMD, &err, 2);
    policy pol;
    if (policy_init(&pol, a.policy, &spec.cfg, a.sim.seed, &err) != PS_OK) {
        free(pol.actions);
        return ps_cli_fail(CMD, &err, 2);
    }
    ps_env *env = malloc(sizeof *env);
    const ps_scenario *sc;
    if (!env || ps_env_open(env, &spec, &sc, &err) != PS_OK) {
        free(env);
        free(pol.actions);
        return ps_cli_fail(CMD, &err, 1);
    }
    ps_sim_print_setup(stdout, sc, &a.sim);
    ps_atomic_file trace = {0}, eps = {0};
    int rc = open_outputs(&a, &trace, &eps, &err);
    if (rc == PS_OK) rc = run(env, &pol, &a, &trace, &eps, &err);
    ps_atomic_abort(&trace);
    ps_atomic_abort(&eps);
    ps_env_free(env);
    free(env);
    free(pol.actions);
    return rc == PS_OK ? 0 : ps_cli_fail(CMD, &err, 1);
}
