/* cmd_analyze.c - `powersched analyze arrival-scale|lambda|seed` (spec 13):
 * evaluates one model at every point of a sweep (in-process), computes the
 * statistics of spec 13.1 and writes summary.csv, summary.json and the
 * 12-panel trendline plots (powersched/analysis_report.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "compare.h"
#include "evaluate.h"
#include "powersched/analysis_report.h"
#include "powersched/evaluation.h"
#include "powersched/plot.h"
#include "powersched/policy_options.h"
#include "powersched/scenario_options.h"
#include "powersched/session.h"
#include "train_options.h"

static const char USAGE[] =
    "usage: powersched analyze arrival-scale --session NAME --jobs LOG [--hourly-jobs LOG] [--replay|--sampler]\n"
    "                                        [--scales a,b,.. | --min-scale 0.5 --max-scale 1.5 --num-points 7]\n"
    "       powersched analyze lambda --session NAME [--lambdas a,b,.. | --min-lambda 100 --max-lambda 12000\n"
    "                                 --num-points 7] [--wg-attr-lambdas 0.3,1.0,3.0] [--wg-max-jobs-hour 70000]\n"
    "       powersched analyze seed --session NAME --hourly-jobs LOG [--seeds a,b,.. | --min-seed 100\n"
    "                               --max-seed 700 --seed-step 50]\n"
    "       common: [--model STEPS] [--eval-months 12] [--out-dir DIR] [--prices F] [--seed N] [weights]\n\n"
    "Evaluates the session's model (weights default 0.6/0.1/0.1/0.2/0 select its folder) at every\n"
    "point of the sweep and writes summary.csv, summary.json and trendlines_<mode>.{dat,gp,png}\n"
    "to --out-dir (default analysis/<sweep>_m<model>_<weights>_<time>/).\n";

typedef struct analyze_args {
    ps_analysis_schedule sched;
    ps_analysis_lambda lambda;
    ps_sim_flags sim;
    ps_compare_spec compare; /* the yardsticks run at every point (n = 0: none) */
    ps_heuristic_config heuristic;
    const char *session, *out_dir, *compare_list, *sessions_dir;
    int64_t model;
    double months;
    int replay_only, sampler_only;
} analyze_args;

/* Evaluates the model at one point; the records stay in p. */
static int run_point(const analyze_args *a, ps_evaluator *ev, int *loaded, const char *ckpt, ps_analysis_point *p,
                     ps_error *err) {
    ps_scenario_spec spec;
    ps_sim_flags flags;
    ps_wg_config gen;
    if (ps_analysis_point_spec(a->sched.kind, &a->sim, &a->lambda, p->mode, p->value, &flags, &gen, &spec, err) !=
        PS_OK)
        return PS_ERR;
    ps_env *env = malloc(sizeof *env);
    if (!env) return ps_error_set(err, "out of memory");
    const ps_scenario *sc;
    int rc = ps_env_open(env, &spec, &sc, err);
    if (rc != PS_OK) {
        free(env);
        return rc;
    }
    if (!*loaded) {
        ps_checkpoint_info info;
        rc = ps_evaluator_load(ev, env, ckpt, &info, err);
        *loaded = rc == PS_OK;
    }
    if (rc == PS_OK) rc = ps_evaluator_run(ev, env, a->months, spec.seed, NULL, &p->episodes, err);
    if (rc == PS_OK)
        ps_point_stats_compute(p->episodes.v, p->episodes.n, a->months, env->cfg.episode_hours, p->value, &p->stats);
    if (rc == PS_OK && a->compare.n > 0) {
        ps_compare_spec cs = a->compare;
        cs.seed = spec.seed;
        rc = ps_compare_run(sc, &cs, &p->policies, err);
    }
    ps_env_free(env);
    free(env);
    return rc;
}

/* Every point in every mode; *n counts the points evaluated. */
static int run_points(const analyze_args *a, const char *ckpt, const double *v, int nv, const char *const *modes,
                      int nm, ps_analysis_point *pts, int *n, ps_error *err) {
    ps_evaluator ev;
    memset(&ev, 0, sizeof ev);
    int loaded = 0, rc = PS_OK;
    *n = 0;
    for (int m = 0; m < nm && rc == PS_OK; m++)
        for (int k = 0; k < nv && rc == PS_OK; k++) {
            ps_analysis_point *p = &pts[*n];
            memset(p, 0, sizeof *p);
            p->mode = modes[m];
            p->value = v[k];
            if ((rc = run_point(a, &ev, &loaded, ckpt, p, err)) != PS_OK) break;
            printf("  %s %s=%g: occupancy %.2f%%, savings %.2f%% / %.2f%% (vs baseline / _off)\n", modes[m],
                   ps_analysis_value_name(a->sched.kind), v[k], p->stats.occ_agent_mean, p->stats.savings_pct_mean,
                   p->stats.savings_off_pct_mean);
            if (p->policies.n > 0) ps_compare_print_brief(stdout, &p->policies);
            fflush(stdout);
            (*n)++;
        }
    if (loaded) ps_evaluator_free(&ev);
    return rc;
}

/* --out-dir, or analysis/<prefix>_m<model>_<weights>_<time>. */
static void out_dir(const analyze_args *a, const char *model, char *dir, size_t size) {
    if (*a->out_dir) {
        snprintf(dir, size, "%s", a->out_dir);
        return;
    }
    char slug[160], stamp[32];
    ps_eval_dir_name(model, &a->sim.weights, slug, sizeof slug);
    time_t now = time(NULL);
    strftime(stamp, sizeof stamp, "%Y%m%d_%H%M%S", localtime(&now));
    snprintf(dir, size, "analysis/%s_%s_%s", ps_analysis_dir_prefix(a->sched.kind), slug, stamp);
}

static int check_args(const analyze_args *a, ps_error *err) {
    if (ps_session_check_name(a->session, err) != PS_OK) return PS_ERR;
    if (a->sched.kind == PS_ANALYSIS_LAMBDA && (*ps_sim_flags_jobs(&a->sim) || *a->sim.hourly_jobs))
        return ps_error_set(err, "analyze lambda sweeps the workload generator: --jobs/--hourly-jobs would be ignored "
                                 "(leave them out)");
    if (a->sched.kind == PS_ANALYSIS_SCALE && !*ps_sim_flags_jobs(&a->sim))
        return ps_error_set(err, "analyze arrival-scale needs --jobs LOG");
    if (a->sched.kind == PS_ANALYSIS_SEED && !*a->sim.hourly_jobs)
        return ps_error_set(err, "analyze seed needs --hourly-jobs LOG");
    return PS_OK;
}

static int analyze(analyze_args *a, ps_error *err) {
    double v[PS_ANALYSIS_MAX_POINTS];
    const char *modes[2];
    int nv, nm = ps_analysis_modes(a->sched.kind, a->replay_only, a->sampler_only, modes);
    if (check_args(a, err) != PS_OK || ps_analysis_points(&a->sched, v, &nv, err) != PS_OK) return 2;
    ps_session s;
    ps_session_paths(&s, a->sessions_dir, a->session, NULL, &a->sim.weights);
    char ckpt[4600], model[32], dir[4400];
    int64_t steps = ps_session_pick_model(&s, a->model, ckpt, sizeof ckpt, stderr);
    if (steps < 0) {
        ps_error_set(err, "no checkpoint in %s (train first, with the same weights)", s.models_dir);
        return 1;
    }
    snprintf(model, sizeof model, "%lld", (long long)steps);
    char names[512];
    if (strcmp(a->compare_list, "none") &&
        ps_compare_parse(strcmp(a->compare_list, "auto") ? a->compare_list
                                                         : "always-on,baseline_off,slurm-suspend,price-threshold,price-aware,job-timing,model",
                         names, sizeof names, a->compare.policies, &a->compare.n, err) != PS_OK)
        return 2;
    a->compare.model_path = ckpt;
    a->compare.months = a->months;
    ps_heuristic_max_wait(&a->heuristic, a->sim.cluster.guard_max_wait);
    a->compare.heuristic = a->heuristic;
    out_dir(a, model, dir, sizeof dir);
    if (ps_mkdirs(dir, err) != PS_OK) return 1;
    printf("Model %s; %d point(s) x %d mode(s), %g months each; results in %s\n", ckpt, nv, nm, a->months, dir);
    ps_analysis_point *pts = calloc((size_t)(nv * nm) + 1, sizeof *pts);
    int n = 0, png = 0;
    int rc = pts ? run_points(a, ckpt, v, nv, modes, nm, pts, &n, err) : ps_error_set(err, "out of memory");
    if (rc == PS_OK)
        rc = ps_analysis_write(dir, a->sched.kind, a->session, model, a->months, pts, n, modes, nm, &png, err);
    if (rc == PS_OK && a->compare.n > 0) rc = ps_analysis_write_compare(dir, a->sched.kind, pts, n, err);
    if (rc == PS_OK) {
        ps_analysis_print(stdout, a->sched.kind, pts, n);
        printf("\nWrote %s/summary.csv, summary.json%s, %d trendline plot(s)%s\n", dir,
               a->compare.n ? ", compare.csv" : "", nm, png ? "" : " (scripts only: gnuplot not found)");
    }
    for (int i = 0; i < n; i++) ps_episode_list_free(&pts[i].episodes);
    free(pts);
    return rc == PS_OK ? 0 : 1;
}

int cmd_analyze(int argc, char **argv) {
    int kind = argc >= 1 ? ps_analysis_kind_parse(argv[0]) : -1;
    if (kind < 0 && argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
        fputs(USAGE, stdout);
        return 0;
    }
    if (kind < 0) {
        fprintf(stderr, "powersched analyze: expected arrival-scale, lambda or seed%s%s\n", argc ? ", got " : "",
                argc ? argv[0] : "");
        return 2;
    }
    int scale = kind == PS_ANALYSIS_SCALE;
    analyze_args a = {.sched = {kind, "", scale ? 0.5 : 100, scale ? 1.5 : 12000, 7, 100, 700, 50},
                      .lambda = {"0.3,1.0,3.0", 70000, 0.1329, 0.0043}, .session = "", .out_dir = "", .sessions_dir = PS_SESSIONS_DIR, .model = -1,
                      .months = 12, .compare_list = "auto"};
    ps_sim_flags_init(&a.sim);
    a.heuristic = ps_heuristic_config_default(PS_H_SLURM_SUSPEND);
    a.sim.weights = (ps_weights){.efficiency = 0.6, .price = 0.1, .idle = 0.1, .job_age = 0.2, .drop = 0.0}; /* spec 13.1 */
    const ps_option own[] = {
        {"--session", OPT_STRING, &a.session, "NAME", "session whose model is evaluated (required)", 0, 0},
        {"--model", OPT_I64, &a.model, "STEPS", "checkpoint STEPS.zip (-1: the latest)", -1, 1e15},
        {"--out-dir", OPT_STRING, &a.out_dir, "DIR", "results folder (default analysis/...)", 0, 0},
        {"--output-dir", OPT_STRING, &a.sessions_dir, "DIR", "the folder sessions are in (as train's)", 0, 0},
        {"--compare", OPT_STRING, &a.compare_list, "LIST", "policies run at every point (compare.csv): auto, none or a list as evaluate-savings --compare", 0, 0},
        {scale ? "--scales" : kind == PS_ANALYSIS_LAMBDA ? "--lambdas" : "--seeds", OPT_STRING, &a.sched.list, "LIST",
         "comma-separated sweep values", 0, 0},
        {"--num-points", OPT_INT, &a.sched.num_points, "N", "points of the default schedule", 1,
         PS_ANALYSIS_MAX_POINTS - 1},
        {scale ? "--min-scale" : "--min-lambda", OPT_DOUBLE, &a.sched.lo, "X", "lowest default point", 0, 1e9},
        {scale ? "--max-scale" : "--max-lambda", OPT_DOUBLE, &a.sched.hi, "X", "highest default point", 0, 1e9},
        {"--replay", OPT_FLAG, &a.replay_only, "", "arrival-scale: only the exact-replay-aggregate mode", 0, 0},
        {"--sampler", OPT_FLAG, &a.sampler_only, "", "arrival-scale: only the hourly-sampler mode", 0, 0},
        {"--wg-attr-lambdas", OPT_STRING, &a.lambda.attr_lambdas, "D,N,C", "lambda: duration, nodes, cores means", 0,
         0},
        {"--wg-max-jobs-hour", OPT_INT, &a.lambda.max_jobs, "N", "lambda: cap on jobs per hour", 0, 1e8},
        {"--wg-burst-small-prob", OPT_DOUBLE, &a.lambda.burst_small, "P", "lambda: small burst probability", 0, 1},
        {"--wg-burst-heavy-prob", OPT_DOUBLE, &a.lambda.burst_heavy, "P", "lambda: heavy burst probability", 0, 1},
        {"--min-seed", OPT_I64, &a.sched.min_seed, "N", "seed: first seed", 0, 1e15},
        {"--max-seed", OPT_I64, &a.sched.max_seed, "N", "seed: last seed", 0, 1e15},
        {"--seed-step", OPT_I64, &a.sched.seed_step, "N", "seed: step", 1, 1e15},
    };
    char cmd[64];
    snprintf(cmd, sizeof cmd, "analyze %s", argv[0]);
    ps_optset set;
    ps_optset_init(&set);
    ps_optset_add(&set, cmd, own, PS_COUNT(own));
    ps_eval_months_options(&a.months, &set);
    ps_sim_flags_options(&a.sim, &set);
    ps_heuristic_options(&a.heuristic, &set);
    /* the sweep sets the scale and the replay mode; the generator flags are lambda's own */
    ps_optset_remove_group(&set, PS_GROUP_GENERATOR);
    ps_optset_remove(&set, "--job-arrival-scale");
    ps_optset_remove(&set, "--jobs-exact-replay");
    ps_optset_remove(&set, "--jobs-exact-replay-aggregate");
    int status = ps_cli_parse(cmd, USAGE, &set, argc - 1, argv + 1);
    if (status >= 0) return status;
    ps_error err;
    status = analyze(&a, &err);
    return status == 0 ? 0 : ps_cli_fail(cmd, &err, status);
}
