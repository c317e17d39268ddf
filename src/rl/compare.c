/* compare.c - several policies on one timeline (compare.h). */
#include "compare.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ rows */

/* Sums of one side's episode figures. */
typedef struct side_sums {
    double cost, energy, submitted, completed, dropped, wait, ons, offs;
} side_sums;

static void finish_row(ps_compare_row *r, const char *name, const side_sums *s, const ps_wait_hist *waits) {
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
    r->cost = s->cost;
    r->energy_mwh = s->energy;
    r->eur_per_mwh = s->energy > 0 ? s->cost / s->energy : NAN;
    r->submitted = s->submitted;
    r->completed = s->completed;
    r->dropped = s->dropped;
    r->completion_pct = s->submitted > 0 ? s->completed / s->submitted * 100 : NAN;
    r->mean_wait = s->completed > 0 ? s->wait / s->completed : NAN;
    r->power_ons = s->ons;
    r->power_offs = s->offs;
    ps_wait_quantiles(waits, NULL, 0.95, &r->p95_wait, &r->max_wait);
}

static void agent_sums(const ps_episode_list *eps, side_sums *a) {
    memset(a, 0, sizeof *a);
    for (int i = 0; i < eps->n; i++) {
        const ps_episode_record *r = &eps->v[i];
        a->cost += r->agent_cost;
        a->energy += r->agent_power_consumption_mwh;
        a->submitted += r->jobs_submitted;
        a->completed += r->jobs_completed;
        a->dropped += r->jobs_lost_total;
        a->wait += r->avg_wait_time * r->jobs_completed;
        a->ons += r->agent_power_ons;
        a->offs += r->agent_power_offs;
    }
}

/* The always-on baseline and baseline_off (same jobs, other bill). */
static void baseline_sums(const ps_episode_list *eps, side_sums *b, side_sums *off) {
    memset(b, 0, sizeof *b);
    for (int i = 0; i < eps->n; i++) {
        const ps_episode_record *r = &eps->v[i];
        b->cost += r->baseline_cost;
        b->energy += r->baseline_power_consumption_mwh;
        b->submitted += r->baseline_jobs_submitted;
        b->completed += r->baseline_jobs_completed;
        b->dropped += r->baseline_jobs_lost_total;
        b->wait += r->baseline_avg_wait_time * r->baseline_jobs_completed;
    }
    *off = *b;
    off->cost = off->energy = 0;
    for (int i = 0; i < eps->n; i++) {
        off->cost += eps->v[i].baseline_cost_off;
        off->energy += eps->v[i].baseline_power_consumption_off_mwh;
    }
}

static void oracle_sums(const ps_episode_list *eps, ps_compare *c) {
    for (int i = 0; i < eps->n; i++) {
        const ps_episode_record *r = &eps->v[i];
        c->oracle_liquid += r->workload_oracle_liquid_cost;
        c->oracle_contiguous += r->workload_oracle_contiguous_cost;
        c->oracle_unscheduled += r->workload_oracle_unscheduled;
        c->oracle_spillover += r->workload_oracle_spillover;
        c->oracle_qos += r->workload_oracle_qos_cost;
        int skipped = r->workload_oracle_unscheduled + r->workload_oracle_spillover > 0;
        c->episodes_skipping += skipped;
        c->liquid_above_contiguous += !skipped && r->workload_oracle_liquid_cost > r->workload_oracle_contiguous_cost + 1e-9;
    }
    c->episodes = eps->n;
}

/* ------------------------------------------------------------------- runs */

static int make_evaluator(const char *name, const ps_compare_spec *spec, ps_env *env, ps_evaluator *ev,
                          ps_error *err) {
    if (!strcmp(name, "model")) {
        if (!spec->model_path) return ps_error_set(err, "--compare model: no checkpoint to evaluate");
        ps_checkpoint_info info;
        int rc = ps_evaluator_load_ensemble(ev, env, spec->model_path, spec->members, spec->n_members, &info, err);
        ev->sample = spec->sample;
        return rc;
    }
    if (!strcmp(name, "random")) {
        ps_evaluator_heuristic(ev, PS_EVAL_RANDOM, spec->seed);
        return PS_OK;
    }
    ps_heuristic_config cfg = spec->heuristic;
    if (ps_heuristic_parse(name, &cfg.kind) != 0) return ps_error_set(err, "no policy called %s", name);
    return ps_evaluator_policy(ev, &cfg, &env->cfg, err);
}

/* One policy in a fresh env; the first run also gives the reference rows. */
static int run_one(const ps_scenario *sc, const ps_compare_spec *spec, const char *name, ps_compare *c,
                   int first, ps_error *err) {
    ps_env *env = malloc(sizeof *env);
    if (!env) return ps_error_set(err, "out of memory");
    if (ps_scenario_env(sc, env, err) != PS_OK) {
        free(env);
        return PS_ERR;
    }
    ps_env_set_oracles(env, 1);
    ps_evaluator ev;
    ps_episode_list eps = {0};
    int rc = make_evaluator(name, spec, env, &ev, err);
    if (rc == PS_OK) {
        rc = ps_evaluator_run(&ev, env, spec->months, spec->seed, NULL, &eps, err);
        ps_evaluator_free(&ev);
    }
    if (rc == PS_OK && first) {
        side_sums b, off;
        baseline_sums(&eps, &b, &off);
        finish_row(&c->rows[PS_COMPARE_MAX - 2], "always-on", &b, &env->baseline.waits);
        finish_row(&c->rows[PS_COMPARE_MAX - 1], "baseline_off", &off, &env->baseline.waits);
        oracle_sums(&eps, c);
    }
    if (rc == PS_OK && strcmp(name, "always-on") && strcmp(name, "baseline_off")) {
        side_sums a;
        agent_sums(&eps, &a);
        finish_row(&c->rows[c->n++], name, &a, &env->agent.waits);
    }
    ps_episode_list_free(&eps);
    ps_env_free(env);
    free(env);
    return rc;
}

/* Puts the rows in the order the policies were named (the two reference
 * rows were parked at the end of the array by the first run). */
static void order_rows(ps_compare *c, const ps_compare_spec *spec) {
    ps_compare_row all[PS_COMPARE_MAX];
    memcpy(all, c->rows, sizeof all);
    int n = 0, policy = 0;
    for (int i = 0; i < spec->n; i++) {
        const char *p = spec->policies[i];
        if (!strcmp(p, "always-on")) c->rows[n++] = all[PS_COMPARE_MAX - 2];
        else if (!strcmp(p, "baseline_off")) c->rows[n++] = all[PS_COMPARE_MAX - 1];
        else c->rows[n++] = all[policy++];
    }
    c->n = n;
}

/* Before order_rows: the policy rows, then the parked reference rows. */
/* The share of the gap between baseline_off and a bound that cost captured. */
static double capture_pct(double off_cost, double cost, double bound) {
    return off_cost != bound ? (off_cost - cost) / (off_cost - bound) * 100 : NAN;
}

static void capture(ps_compare *c) {
    double off_cost = c->rows[PS_COMPARE_MAX - 1].cost;
    for (int i = 0; i < PS_COMPARE_MAX; i++)
        if (i < c->n || i >= PS_COMPARE_MAX - 2) {
            c->rows[i].oracle_capture_pct = capture_pct(off_cost, c->rows[i].cost, c->oracle_contiguous);
            c->rows[i].qos_capture_pct = capture_pct(off_cost, c->rows[i].cost, c->oracle_qos);
        }
}

int ps_compare_run(const ps_scenario *sc, const ps_compare_spec *spec, ps_compare *out, ps_error *err) {
    memset(out, 0, sizeof *out);
    out->months = spec->months;
    if (spec->n > PS_COMPARE_MAX - 2) return ps_error_set(err, "--compare: at most %d policies", PS_COMPARE_MAX - 2);
    int runs = 0;
    for (int i = 0; i < spec->n; i++) {
        const char *p = spec->policies[i];
        if (!strcmp(p, "always-on") || !strcmp(p, "baseline_off")) continue;
        if (run_one(sc, spec, p, out, runs++ == 0, err) != PS_OK) return PS_ERR;
    }
    /* only reference rows asked for: one run of any policy gives them */
    if (runs == 0 && run_one(sc, spec, "always-on", out, 1, err) != PS_OK) return PS_ERR;
    capture(out);
    order_rows(out, spec);
    return PS_OK;
}

int ps_compare_seeds(const ps_scenario *sc, const ps_compare_spec *spec, const uint64_t *seeds, int n, const char *dir,
                     FILE *fp, ps_error *err) {
    ps_compare *c = calloc((size_t)n, sizeof *c);
    if (!c) return ps_error_set(err, "out of memory");
    int rc = PS_OK;
    for (int k = 0; k < n && rc == PS_OK; k++) {
        ps_compare_spec s = *spec;
        s.seed = seeds[k];
        rc = ps_compare_run(sc, &s, &c[k], err);
    }
    char path[4600];
    snprintf(path, sizeof path, "%s/compare_seeds.csv", dir);
    if (rc == PS_OK) rc = ps_compare_write_seeds(path, c, n, seeds, err);
    if (rc == PS_OK) {
        ps_compare_print_seeds(fp, c, n, seeds);
        fprintf(fp, "Per seed: %s\n", path);
    }
    free(c);
    return rc;
}
