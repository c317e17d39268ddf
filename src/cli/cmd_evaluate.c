/* cmd_evaluate.c - `powersched evaluate-savings` (spec 10.4, 10.5, 12.7):
 * runs a trained model (or a heuristic policy) for 2 x eval-months episodes
 * with the deterministic policy and reports savings against both baselines. */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "evaluate.h"
#include "commands.h"
#include "powersched/episode_plot.h"
#include "powersched/eval_plots.h"
#include "powersched/evaluation.h"
#include "powersched/io.h"
#include "powersched/plot.h"
#include "powersched/session.h"
#include "powersched/scenario_options.h"

#define CMD "evaluate-savings"

static const char USAGE[] =
    "usage: powersched evaluate-savings --session NAME [--eval-months N] [--model STEPS] [options]\n\n"
    "Evaluates the session's model (the latest checkpoint of its weights folder, or --model\n"
    "STEPS) with the deterministic policy for 2 x eval-months episodes of two weeks, or a\n"
    "heuristic with --policy, against the always-on baseline and baseline_off. The job stream\n"
    "depends only on the data options and --seed, so baselines agree across models.\n"
    "Outputs go to sessions/NAME/plots-eval/m<steps>_e.._p.._i.._ja../.\n";

typedef struct eval_args {
    ps_sim_flags sim;
    const char *session, *policy, *trace;
    double months;
    int64_t model;
    int plot_dashboard, dashboard_hours, threads;
} eval_args;

/* Loads the session's checkpoint; fills the model part of the folder name. */
static int load_model(ps_evaluator *ev, const eval_args *a, const ps_session *s, ps_env *env, char *model_name,
                      size_t size, ps_error *err) {
    char path[4600];
    int64_t steps = ps_session_pick_model(s, a->model, path, sizeof path, stderr);
    if (steps < 0)
        return ps_error_set(err, "no checkpoint in %s (train first: powersched train --session %s, with the same "
                            "reward weights)", s->models_dir, a->session);
    ps_checkpoint_info info;
    if (ps_evaluator_load(ev, env, path, &info, err) != PS_OK) return PS_ERR;
    snprintf(model_name, size, "%lld", (long long)steps);
    printf("Model: %s (%lld steps trained)\n", path, (long long)info.num_timesteps);
    return PS_OK;
}

static void print_money(const char *label, double v) {
    char b[64];
    ps_format_thousands(v, 0, b, sizeof b);
    printf("  %s€%s\n", label, b);
}

static void print_summary(const ps_eval_summary *s) {
    char a[64], b[64], c[64];
    printf("\n=== CUMULATIVE SAVINGS ANALYSIS ===\n");
    const char *name[2] = {"Vs Baseline (with idle nodes):", "Vs Baseline_off (no idle nodes):"};
    double tot[2] = {s->total_savings, s->total_savings_off}, pct[2] = {s->avg_monthly_pct, s->avg_monthly_pct_off};
    double ann[2] = {s->annual_savings, s->annual_savings_off};
    for (int k = 0; k < 2; k++) {
        printf("%s\n", name[k]);
        print_money("Total Savings: ", tot[k]);
        printf("  Average Monthly Reduction: %.1f%%\n", pct[k]);
        ps_format_thousands(ann[k], 0, a, sizeof a);
        printf("  Annual Savings Rate: €%s/year (per 12 evaluation months of 28 days)\n", a);
    }
    printf("\n=== JOB PROCESSING METRICS ===\nAgent:\n");
    ps_format_thousands(s->agent_completed, 0, a, sizeof a);
    ps_format_thousands(s->agent_submitted, 0, b, sizeof b);
    printf("  Jobs Completed: %s / %s (%.1f%%)\n", a, b, s->agent_completion_pct);
    printf("  Average Wait Time: %.1f hours\n  Average Max Queue Size: %.0f\n", s->agent_avg_wait, s->agent_avg_max_queue);
    print_money("Total Cost: ", s->agent_cost);
    printf("  Job Arrivals/Hour (mean ± std): %.2f ± %.2f\nBaseline:\n", s->arrivals_per_hour_mean,
           s->arrivals_per_hour_std);
    ps_format_thousands(s->baseline_completed, 0, a, sizeof a);
    ps_format_thousands(s->baseline_submitted, 0, b, sizeof b);
    printf("  Jobs Completed: %s / %s (%.1f%%)\n", a, b, s->baseline_completion_pct);
    printf("  Average Wait Time: %.1f hours\n  Average Max Queue Size: %.0f\n", s->baseline_avg_wait,
           s->baseline_avg_max_queue);
    print_money("Baseline Total Cost: ", s->baseline_cost);
    print_money("Baseline_off Total Cost: ", s->baseline_off_cost);
    ps_format_thousands(s->agent_cost_per_1k, 2, a, sizeof a);
    ps_format_thousands(s->baseline_cost_per_1k, 2, b, sizeof b);
    ps_format_thousands(s->baseline_off_cost_per_1k, 2, c, sizeof c);
    printf("\n=== COST PER 1,000 COMPLETED JOBS ===\n  Agent: %s €/1k jobs\n  Baseline: %s €/1k jobs\n"
           "  Baseline_off: %s €/1k jobs\n", a, b, c);
    printf("\n=== AGENT LOST JOBS PER SAVED EURO ===\n  Total Lost Jobs (Agent): %.0f\n  Total Lost Jobs (Baseline): %.0f\n",
           s->agent_dropped, s->baseline_dropped);
    if (isnan(s->lost_per_saved_euro)) printf("  Vs Baseline: n/a\n");
    else printf("  Vs Baseline: %.6f jobs/€\n", s->lost_per_saved_euro);
    if (isnan(s->lost_per_saved_euro_off)) printf("  Vs Baseline_off: n/a\n");
    else printf("  Vs Baseline_off: %.6f jobs/€\n", s->lost_per_saved_euro_off);
    printf("\n=== POWER & PRICE METRICS (TOTAL OVER EVALUATION) ===\n");
    const char *who[3] = {"Agent", "Baseline", "Baseline_off"};
    double mwh[3] = {s->agent_mwh, s->baseline_mwh, s->baseline_off_mwh};
    double eur[3] = {s->agent_eur_per_mwh, s->baseline_eur_per_mwh, s->baseline_off_eur_per_mwh};
    for (int k = 0; k < 3; k++) {
        ps_format_thousands(mwh[k], 1, a, sizeof a);
        printf("  %s: Power=%s MWh, Mean Price=%.2f €/MWh\n", who[k], a, eur[k]);
    }
    printf("\n=== PROPORTIONAL COST SAVINGS (TOTAL OVER EVALUATION) ===\n");
    ps_format_thousands(s->prop_savings, 0, a, sizeof a);
    ps_format_thousands(s->prop_savings_off, 0, b, sizeof b);
    printf("  Vs Baseline: €%s, %.1f%%\n  Vs Baseline_off: €%s, %.1f%%\n", a, s->prop_savings_pct, b,
           s->prop_savings_off_pct);
    printf("\n=== SAVING VS BASELINE_OFF: ENERGY VOLUME AND PRICE TIMING ===\n");
    printf("  Energy volume: €%.2f (%.3f MWh not drawn, at the agent's %.2f €/MWh)\n", s->saving_off_energy_volume,
           s->baseline_off_mwh - s->agent_mwh, s->agent_eur_per_mwh);
    printf("  Price timing:  €%.2f (%.2f €/MWh paid less than baseline_off, on its %.3f MWh)\n",
           s->saving_off_price_timing, s->baseline_off_eur_per_mwh - s->agent_eur_per_mwh, s->baseline_off_mwh);
    printf("  Sum:           €%.2f (saving vs baseline_off: €%.2f)\n",
           s->saving_off_energy_volume + s->saving_off_price_timing, s->total_savings_off);
    printf("  Dropped jobs: agent %.0f, baseline %.0f\n", s->agent_dropped, s->baseline_dropped);
}

static char *summary_json(const ps_eval_summary *s, const char *model, const eval_args *a) {
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "session", a->session);
    cJSON_AddStringToObject(root, "model", model);
    cJSON_AddNumberToObject(root, "eval_months", s->eval_months);
    cJSON_AddNumberToObject(root, "episodes", s->episodes);
#define NUM(field) cJSON_AddItemToObject(root, #field, isfinite(s->field) ? cJSON_CreateNumber(s->field) : cJSON_CreateNull());
    NUM(total_savings) NUM(avg_monthly_pct) NUM(annual_savings) NUM(total_savings_off) NUM(avg_monthly_pct_off)
    NUM(annual_savings_off) NUM(agent_completed) NUM(agent_submitted) NUM(agent_completion_pct) NUM(agent_avg_wait)
    NUM(agent_avg_max_queue) NUM(baseline_completed) NUM(baseline_submitted) NUM(baseline_completion_pct)
    NUM(baseline_avg_wait) NUM(baseline_avg_max_queue) NUM(arrivals_per_hour_mean) NUM(arrivals_per_hour_std)
    NUM(agent_dropped) NUM(baseline_dropped) NUM(agent_cost) NUM(baseline_cost) NUM(baseline_off_cost)
    NUM(agent_cost_per_1k) NUM(baseline_cost_per_1k) NUM(baseline_off_cost_per_1k) NUM(lost_per_saved_euro)
    NUM(lost_per_saved_euro_off) NUM(agent_mwh) NUM(baseline_mwh) NUM(baseline_off_mwh) NUM(agent_eur_per_mwh)
    NUM(baseline_eur_per_mwh) NUM(baseline_off_eur_per_mwh) NUM(prop_savings) NUM(prop_savings_pct)
    NUM(prop_savings_off) NUM(prop_savings_off_pct) NUM(saving_off_energy_volume) NUM(saving_off_price_timing)
#undef NUM
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    return text;
}

static int write_outputs(const char *dir, const ps_episode_list *eps, const ps_eval_summary *s, const char *model,
                         const eval_args *a, ps_error *err) {
    char path[4900];
    if (ps_mkdirs(dir, err) != PS_OK) return PS_ERR;
    snprintf(path, sizeof path, "%s/episodes.csv", dir);
    ps_atomic_file f;
    if (ps_atomic_open(&f, path, err) != PS_OK) return PS_ERR;
    ps_episodes_header(f.fp);
    for (int i = 0; i < eps->n; i++) ps_episodes_row(f.fp, &eps->v[i]);
    if (ps_atomic_commit(&f, err) != PS_OK) return PS_ERR;
    char *json = summary_json(s, model, a);
    snprintf(path, sizeof path, "%s/summary.json", dir);
    int rc = ps_atomic_write_text(path, json, err);
    free(json);
    if (rc != PS_OK) return rc;
    char title[512];
    snprintf(title, sizeof title, "%s, model %s, %g months", a->session, model, a->months);
    int png;
    if (ps_eval_plots(dir, title, eps->v, eps->n, &png, err) != PS_OK) return PS_ERR;
    printf("\nResults: %s (episodes.csv, summary.json, %s)\n", dir,
           png ? "cumulative_savings.png, episode_summary.png" : "gnuplot scripts; gnuplot not found for PNGs");
    return PS_OK;
}

/* What the hooks need: the series of the running episode and the trace. */
typedef struct eval_run {
    ps_episode_series *series;
    FILE *trace;
    int tty;
} eval_run;

static void on_step(void *user, const ps_env *env, ps_action act, const ps_step_info *in) {
    eval_run *r = user;
    if (env->metrics.current_hour == 1) ps_series_clear(r->series);
    ps_series_add(r->series, env, in);
    if (r->trace) ps_trace_row(r->trace, env, act, in);
}

static void on_episode(void *user, const ps_env *env, const ps_episode_record *rec, int done, int total) {
    (void)env;
    eval_run *r = user;
    if (r->tty) fprintf(stderr, "\r\033[K");
    char line[2048];
    ps_episode_summary_line(rec, line, sizeof line);
    printf("%s\n", line);
    fflush(stdout);
    if (r->tty && done < total) fprintf(stderr, "  evaluated %d / %d episodes", done, total);
}

static int run_episodes(ps_evaluator *ev, const eval_args *a, ps_env *env, ps_episode_series *series,
                        ps_episode_list *eps, ps_error *err) {
    ps_atomic_file trace = {0};
    if (*a->trace && ps_atomic_open(&trace, a->trace, err) != PS_OK) return PS_ERR;
    if (trace.fp) ps_trace_header(trace.fp);
    eval_run r = {series, trace.fp, isatty(STDERR_FILENO)};
    ps_eval_hooks hooks = {&r, on_step, on_episode};
    int rc = ps_evaluator_run(ev, env, a->months, a->sim.seed, &hooks, eps, err);
    if (r.tty) fprintf(stderr, "\r\033[K");
    if (rc == PS_OK && trace.fp) rc = ps_atomic_commit(&trace, err);
    ps_atomic_abort(&trace);
    return rc;
}

static int evaluate(eval_args *a, ps_error *err) {
    if (!(a->months > 0)) return ps_error_set(err, "--eval-months must be > 0"), 2;
    if (strcmp(a->policy, "model") && strcmp(a->policy, "always-on") && strcmp(a->policy, "random"))
        return ps_error_set(err, "--policy: '%s' is not model, always-on or random", a->policy), 2;
    ps_scenario_spec spec;
    if (ps_sim_flags_to_spec(&a->sim, &spec, stderr, err) != PS_OK) return 2;
    ps_session s;
    ps_session_paths(&s, "sessions", a->session, NULL, &a->sim.weights);
    if (!strcmp(a->policy, "model") && access(s.root, F_OK) != 0)
        return ps_error_set(err, "no session %s (looked for %s)", a->session, s.root), 1;
    ps_env *env = malloc(sizeof *env);
    const ps_scenario *sc = NULL;
    ps_episode_list eps = {0};
    ps_evaluator ev;
    ps_evaluator_heuristic(&ev, !strcmp(a->policy, "random") ? PS_EVAL_RANDOM : PS_EVAL_ALWAYS_ON, a->sim.seed);
    ps_episode_series series = {0};
    char model[64], dirname[256], dir[4800];
    snprintf(model, sizeof model, "%s", a->policy);
    int rc = env ? ps_env_open(env, &spec, &sc, err) : ps_error_set(err, "out of memory");
    if (rc == PS_OK) {
        at_set_num_threads(a->threads);
        ps_sim_print_setup(stdout, sc, &a->sim);
        if (!strcmp(a->policy, "model")) rc = load_model(&ev, a, &s, env, model, sizeof model, err);
    }
    if (rc == PS_OK && ps_series_init(&series, env->cfg.episode_hours) != 0) rc = ps_error_set(err, "out of memory");
    if (rc == PS_OK) rc = run_episodes(&ev, a, env, &series, &eps, err);
    if (rc == PS_OK) {
        printf("Evaluation complete! Generated %d episodes of cost data.\n", eps.n);
        ps_eval_summary sum;
        ps_eval_summarize(eps.v, eps.n, a->months, env->cfg.episode_hours, &sum);
        print_summary(&sum);
        ps_eval_dir_name(model, &a->sim.weights, dirname, sizeof dirname);
        snprintf(dir, sizeof dir, "%s/plots-eval/%s", s.root, dirname);
        rc = write_outputs(dir, &eps, &sum, model, a, err);
    }
    if (rc == PS_OK && a->plot_dashboard) {
        int png;
        char title[256];
        snprintf(title, sizeof title, "%s, model %s: last episode", a->session, model);
        rc = ps_episode_plot(dir, "dashboard", title, &series, a->dashboard_hours, &png, err);
    }
    if (rc == PS_OK) printf("Evaluation complete!\n");
    ps_series_free(&series);
    ps_evaluator_free(&ev);
    ps_episode_list_free(&eps);
    if (sc) ps_env_free(env);
    free(env);
    return rc == PS_OK ? 0 : 1;
}

int cmd_evaluate(int argc, char **argv) {
    eval_args a = {.session = "default", .policy = "model", .trace = "", .months = 12, .model = -1,
                   .dashboard_hours = 336, .threads = 1};
    ps_sim_flags_init(&a.sim);
    const ps_option own[] = {
        {"--session", OPT_STRING, &a.session, "NAME", "session folder under sessions/", 0, 0},
        {"--eval-months", OPT_DOUBLE, &a.months, "N", "months to evaluate: 2 episodes of 336 h each", 0.5, 1e4},
        {"--model", OPT_I64, &a.model, "STEPS", "checkpoint STEPS.zip (-1: the latest)", -1, 1e15},
        {"--policy", OPT_STRING, &a.policy, "P", "model | always-on | random (heuristics need no model)", 0, 0},
        {"--plot-dashboard", OPT_FLAG, &a.plot_dashboard, "", "also plot the last episode's hours", 0, 0},
        {"--dashboard-hours", OPT_INT, &a.dashboard_hours, "N", "hours shown by the dashboard", 1, 1e6},
        {"--trace", OPT_STRING, &a.trace, "FILE", "write one CSV row per step (as simulate --trace)", 0, 0},
        {"--threads", OPT_INT, &a.threads, "N", "torch threads", 1, 256},
    };
    ps_optset set;
    ps_optset_init(&set);
    ps_optset_add(&set, CMD, own, PS_COUNT(own));
    ps_sim_flags_options(&a.sim, &set);
    int status = ps_cli_parse(CMD, USAGE, &set, argc, argv);
    if (status >= 0) return status;
    ps_error err;
    status = evaluate(&a, &err);
    return status == 0 ? 0 : ps_cli_fail(CMD, &err, status);
}
