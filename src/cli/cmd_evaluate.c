/* cmd_evaluate.c - `powersched evaluate-savings` (spec 10.4, 10.5, 12.7):
 * runs a trained model (or a heuristic policy) for 2 x eval-months episodes
 * with the deterministic policy and reports savings against both baselines. */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "compare.h"
#include "evaluate.h"
#include "powersched/episode_plot.h"
#include "powersched/eval_report.h"
#include "powersched/heldout.h"
#include "powersched/io.h"
#include "powersched/policy_options.h"
#include "powersched/scenario_options.h"
#include "powersched/provenance.h"
#include "powersched/session.h"
#include "train_options.h"

#define CMD "evaluate-savings"
#define ENSEMBLE_MAX 32

static const char USAGE[] =
    "usage: powersched evaluate-savings --session NAME [--eval-months N] [--model STEPS] [options]\n\n"
    "Evaluates the session's model (the latest checkpoint of its weights folder, or --model\n"
    "STEPS) with the deterministic policy for 2 x eval-months episodes of two weeks, or a\n"
    "heuristic with --policy, against the always-on baseline and baseline_off. The job stream\n"
    "depends only on the data options and --seed, so baselines agree across models.\n"
    "Then --compare runs every yardstick on the same timeline and prints one table (also\n"
    "compare.csv, compare.json, compare.png); with --max-wait H it adds a cost bound where every\n"
    "job starts within H hours, and each policy's share of its gap to baseline_off. With the\n"
    "default energy model (no off power, free and instant switching) every saving is an upper bound.\n"
    "Outputs go to <output-dir>/NAME/plots-eval/m<steps>_e.._p.._i.._ja..[_in-CRC]/ (NAME/seed_SEED/\n"
    "with --seed-sweep, as train); _in-CRC names the input files' checksums, the price rows and\n"
    "the settings not at their defaults, so evaluations on other inputs or settings do not\n"
    "overwrite each other. Inputs and settings that differ from the model's (config.json) are\n"
    "warned about. --ensemble adds other models that vote with the session's\n"
    "(the mean of their action probabilities); the folder name then ends in -ensembleN.\n";

typedef struct eval_args {
    ps_sim_flags sim;
    ps_run_flags run;
    ps_heuristic_config heuristic;
    const char *session, *policy, *trace, *compare, *seed_list, *ensemble;
    char members[ENSEMBLE_MAX][4400]; /* the checkpoints --ensemble names */
    const char *member_paths[ENSEMBLE_MAX];
    int n_members;
    uint64_t seeds[PS_COMPARE_MAX_SEEDS];
    int n_seeds;
    double months;
    int64_t model;
    int seed_given, sample;
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
    if (ps_evaluator_load_ensemble(ev, env, path, a->member_paths, a->n_members, &info, err) != PS_OK) return PS_ERR;
    ev->sample = a->sample;
    char ensemble[32] = "";
    if (a->n_members) snprintf(ensemble, sizeof ensemble, "-ensemble%d", a->n_members + 1);
    snprintf(model_name, size, "%lld%s%s", (long long)steps, ensemble, a->sample ? "-sampled" : "");
    printf("Model: %s (%lld steps trained; %s)\n", path, (long long)info.num_timesteps,
           a->sample ? "actions sampled from the policy" : "deterministic: the most likely actions");
    for (int i = 0; i < a->n_members; i++) printf("  votes with %s\n", a->members[i]);
    if (a->n_members) printf("Ensemble of %d models: each step takes the action of highest mean probability%s\n",
                             a->n_members + 1, a->sample ? " (sampled from the mean)" : "");
    return PS_OK;
}

/* --ensemble's checkpoints, each SESSION[/STEPS] (this run's weights folder)
 * or a .zip path; needs a model to vote with. */
static int ensemble_list(eval_args *a, ps_error *err) {
    if (!*a->ensemble) return PS_OK;
    if (strcmp(a->policy, "model")) return ps_error_set(err, "--ensemble needs --policy model");
    char prefix[160], item[4400];
    ps_weights_prefix(&a->sim.weights, prefix, sizeof prefix);
    for (const char *p = a->ensemble; *p;) {
        size_t len = strcspn(p, ",");
        if (len == 0 || len >= sizeof item) return ps_error_set(err, "--ensemble: an empty or too long entry in '%s'", a->ensemble);
        if (a->n_members == ENSEMBLE_MAX - 1) return ps_error_set(err, "--ensemble: at most %d models", ENSEMBLE_MAX - 1);
        snprintf(item, sizeof item, "%.*s", (int)len, p);
        char *path = a->members[a->n_members];
        if (ps_session_find_checkpoint(a->run.output_dir, "--ensemble", item, prefix, path, sizeof a->members[0], err) !=
            PS_OK)
            return PS_ERR;
        a->member_paths[a->n_members++] = path;
        p += len + (p[len] == ',');
    }
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

/* The --compare list, checked before anything runs. */
static int compare_list(const eval_args *a, char *buf, size_t size, ps_compare_spec *spec, ps_error *err) {
    memset(spec, 0, sizeof *spec);
    if (!strcmp(a->compare, "none")) return PS_OK;
    const char *yardsticks = "always-on,baseline_off,slurm-suspend,price-threshold,price-aware,job-timing";
    char list[512];
    snprintf(list, sizeof list, "%s%s", strcmp(a->compare, "auto") ? a->compare : yardsticks,
             !strcmp(a->compare, "auto") && !strcmp(a->policy, "model") ? ",model" : "");
    return ps_compare_parse(list, buf, size, spec->policies, &spec->n, err);
}

/* The yardsticks on the same timeline (--compare): table and files. */
static int compare(const eval_args *a, ps_compare_spec spec, const ps_scenario *sc, const ps_session *s,
                   const char *dir, ps_error *err) {
    if (spec.n == 0) return PS_OK;
    char ckpt[4600];
    spec.heuristic = a->heuristic;
    spec.months = a->months;
    spec.seed = a->sim.seed;
    spec.sample = a->sample;
    if (ps_session_pick_model(s, a->model, ckpt, sizeof ckpt, NULL) >= 0) spec.model_path = ckpt;
    spec.members = a->member_paths;
    spec.n_members = a->n_members;
    ps_compare c;
    if (ps_compare_run(sc, &spec, &c, err) != PS_OK) return PS_ERR;
    ps_compare_print(stdout, &c);
    int png;
    if (ps_compare_write(dir, &c, &png, err) != PS_OK) return PS_ERR;
    printf("Comparison: %s/compare.{csv,json%s}\n", dir, png ? ",png" : ",gp,dat; gnuplot not found for the PNG");
    return a->n_seeds ? ps_compare_seeds(sc, &spec, a->seeds, a->n_seeds, dir, stdout, err) : PS_OK;
}

static int write_outputs(const char *dir, const ps_episode_list *eps, const ps_eval_summary *s, const char *model,
                         const eval_args *a, const cJSON *prov, ps_error *err) {
    int png;
    if (ps_eval_write_outputs(dir, eps->v, eps->n, s, a->session, model, prov, &png, err) != PS_OK) return PS_ERR;
    printf("\nResults: %s (episodes.csv, summary.json, %s)\n", dir,
           png ? "cumulative_savings.png, episode_summary.png" : "gnuplot scripts; gnuplot not found for PNGs");
    return PS_OK;
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
    ps_scenario_spec spec;
    if (ps_sim_flags_to_spec(&a->sim, &spec, stderr, err) != PS_OK) return 2;
    ps_heuristic_max_wait(&a->heuristic, spec.cfg.guard_max_wait);
    ps_heuristic_kind kind;
    int heuristic = ps_heuristic_parse(a->policy, &kind) == 0 && kind != PS_H_ALWAYS_ON;
    if (strcmp(a->policy, "model") && strcmp(a->policy, "always-on") && strcmp(a->policy, "random") && !heuristic)
        return ps_error_set(err, "--policy: '%s' is not model, always-on, random, slurm-suspend, price-threshold, "
                                 "price-aware or job-timing", a->policy), 2;
    a->heuristic.kind = heuristic ? kind : a->heuristic.kind;
    ps_compare_spec cmp;
    char names[512];
    if (compare_list(a, names, sizeof names, &cmp, err) != PS_OK) return 2;
    if (*a->seed_list &&
        ps_compare_parse_seeds(a->seed_list, a->seeds, PS_COMPARE_MAX_SEEDS, &a->n_seeds, err) != PS_OK)
        return 2;
    if (ps_run_flags_check(&a->run, a->seed_given, err) != PS_OK || ps_session_check_name(a->session, err) != PS_OK ||
        ensemble_list(a, err) != PS_OK)
        return 2;
    ps_session s;
    ps_session_paths(&s, a->run.output_dir, a->session, a->run.seed_sweep ? &a->sim.seed : NULL, &a->sim.weights);
    if (!strcmp(a->policy, "model") && access(s.root, F_OK) != 0)
        return ps_error_set(err, "no session %s (looked for %s)", a->session, s.root), 1;
    ps_env *env = malloc(sizeof *env);
    const ps_scenario *sc = NULL;
    ps_episode_list eps = {0};
    ps_evaluator ev;
    ps_evaluator_heuristic(&ev, !strcmp(a->policy, "random") ? PS_EVAL_RANDOM : PS_EVAL_ALWAYS_ON, a->sim.seed);
    ps_episode_series series = {0};
    char model[64], dirname[256], dir[4800], tag[32];
    snprintf(model, sizeof model, "%s", a->policy);
    cJSON *prov = ps_provenance_json(&a->sim, err); /* inputs and settings: warnings, folder name, summary.json */
    int rc = !prov || ps_provenance_add_scenario(prov, &a->sim, &a->heuristic, err) != PS_OK ? PS_ERR
             : env ? ps_env_open(env, &spec, &sc, err) : ps_error_set(err, "out of memory");
    if (rc == PS_OK) {
        at_set_num_threads(a->run.threads);
        ps_sim_print_setup(stdout, sc, &a->sim);
        ps_env_set_oracles(env, 1);
        if (!strcmp(a->policy, "model")) {
            rc = load_model(&ev, a, &s, env, model, sizeof model, err);
            ps_heldout_warn(s.root, sc->prices_path, sc->price_first, sc->price_last, prov, stderr);
        } else if (heuristic) {
            rc = ps_evaluator_policy(&ev, &a->heuristic, &env->cfg, err);
        }
    }
    if (rc == PS_OK && ps_series_init(&series, env->cfg.episode_hours) != 0) rc = ps_error_set(err, "out of memory");
    if (rc == PS_OK) rc = run_episodes(&ev, a, env, &series, &eps, err);
    if (rc == PS_OK) {
        printf("Evaluation complete! Generated %d episodes of cost data.\n", eps.n);
        ps_eval_summary sum;
        ps_eval_summarize(eps.v, eps.n, a->months, env->cfg.episode_hours, &sum);
        ps_eval_summary_print(stdout, &sum);
        ps_eval_dir_name(model, &a->sim.weights, dirname, sizeof dirname);
        ps_provenance_tag(prov, sc->price_first, sc->price_last, tag, sizeof tag);
        snprintf(dir, sizeof dir, "%s/plots-eval/%s%s", s.root, dirname, tag);
        rc = write_outputs(dir, &eps, &sum, model, a, prov, err);
    }
    if (rc == PS_OK) rc = compare(a, cmp, sc, &s, dir, err);
    if (rc == PS_OK && a->run.plot_dashboard) {
        int png;
        char title[256];
        snprintf(title, sizeof title, "%s, model %s: last episode", a->session, model);
        rc = ps_episode_plot(dir, "dashboard", title, &series, a->run.dashboard_hours, &png, err);
    }
    if (rc == PS_OK) printf("Evaluation complete!\n");
    ps_series_free(&series);
    ps_evaluator_free(&ev);
    ps_episode_list_free(&eps);
    if (sc) ps_env_free(env);
    free(env);
    cJSON_Delete(prov);
    return rc == PS_OK ? 0 : 1;
}

int cmd_evaluate(int argc, char **argv) {
    eval_args a = {.session = "default", .policy = "model", .trace = "", .compare = "auto", .seed_list = "",
                   .ensemble = "", .months = 12, .model = -1};
    ps_sim_flags_init(&a.sim);
    a.heuristic = ps_heuristic_config_default(PS_H_SLURM_SUSPEND);
    ps_run_flags_init(&a.run);
    const ps_option own[] = {
        {"--session", OPT_STRING, &a.session, "NAME", "session folder under the output folder", 0, 0},
        {"--model", OPT_I64, &a.model, "STEPS", "checkpoint STEPS.zip (-1: the latest)", -1, 1e15},
        {"--policy", OPT_STRING, &a.policy, "P", "model | always-on | random | slurm-suspend | price-threshold | price-aware | job-timing", 0, 0},
        {"--compare", OPT_STRING, &a.compare, "LIST", "policies on the same timeline: auto (every yardstick, and model when trained), none, or a comma-separated list of always-on, baseline_off, slurm-suspend, price-threshold, price-aware, job-timing, random, model", 0, 0},
        {"--trace", OPT_STRING, &a.trace, "FILE", "write one CSV row per step (as simulate --trace)", 0, 0},
        {"--sample-actions", OPT_FLAG, &a.sample, "",
         "the model samples its actions from the policy (seeded by --seed) instead of taking the most likely", 0, 0},
        {"--ensemble", OPT_STRING, &a.ensemble, "LIST",
         "other models that vote with the session's, comma-separated: SESSION[/STEPS] (this run's weights folder) or a "
         ".zip; each step takes the action of highest mean probability", 0, 0},
        {"--seeds", OPT_STRING, &a.seed_list, "LIST", "also run the comparison with each seed: mean and standard deviation (compare_seeds.csv)", 0, 0},
    };
    ps_optset set;
    ps_optset_init(&set);
    ps_optset_add(&set, CMD, own, PS_COUNT(own));
    ps_eval_months_options(&a.months, &set);
    ps_run_flags_options(&a.run, &set);
    ps_sim_flags_options(&a.sim, &set);
    ps_heuristic_options(&a.heuristic, &set);
    int status = ps_cli_parse(CMD, USAGE, &set, argc, argv);
    if (status >= 0) return status;
    a.seed_given = ps_optset_given(&set, "--seed");
    ps_error err;
    status = evaluate(&a, &err);
    return status == 0 ? 0 : ps_cli_fail(CMD, &err, status);
}
