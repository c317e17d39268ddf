/* cmd_analyze.c - `powersched analyze arrival-scale|lambda|seed` (spec 13):
 * evaluates one model at every point of a sweep (in-process), computes the
 * statistics of spec 13.1 and writes summary.csv, summary.json and the
 * 12-panel trendline plots. */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "evaluate.h"
#include "powersched/analysis.h"
#include "powersched/evaluation.h"
#include "powersched/io.h"
#include "powersched/plot.h"
#include "powersched/session.h"
#include "powersched/scenario_options.h"

#define CMD "analyze"
#define MAX_POINTS 256

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

/* Every statistic, in CSV column order. */
#define STAT_FIELDS(X)                                                                                   \
    X(episodes) X(occ_agent_mean) X(occ_agent_std) X(occ_base_mean) X(occ_base_std) X(arrivals_mean)    \
    X(arrivals_std) X(dropped_agent) X(dropped_base) X(dropped_delta) X(completion_mean)                  \
    X(completion_std) X(wait_agent) X(wait_base) X(wait_delta) X(savings_mean) X(savings_std)              \
    X(savings_off_mean) X(savings_off_std) X(savings_pct_mean) X(savings_off_pct_mean) X(eff_savings_mean) \
    X(eff_savings_std) X(eff_savings_off_mean) X(eff_savings_off_std) X(cost1k_delta_pct)                  \
    X(cost1k_delta_off_pct) X(power_delta_off_pct) X(prop_savings_pct) X(prop_savings_off_pct)             \
    X(eval_savings) X(annual_savings) X(eval_savings_off) X(annual_savings_off)

typedef enum sweep_kind { SWEEP_SCALE, SWEEP_LAMBDA, SWEEP_SEED } sweep_kind;

typedef struct analyze_args {
    sweep_kind kind;
    ps_sim_flags sim;
    const char *session, *out_dir, *list, *attr_lambdas;
    int64_t model;
    double months, lo, hi;
    int num_points, replay_only, sampler_only, max_jobs;
    double burst_small, burst_heavy;
    int64_t min_seed, max_seed, seed_step;
} analyze_args;

typedef struct point {
    const char *mode;
    double value;
    ps_point_stats stats;
    ps_episode_list episodes;
} point;

/* ---------------------------------------------------------------- points */

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The sweep values: --scales/--lambdas/--seeds, or the default schedule. */
static int sweep_values(const analyze_args *a, double *v, int *n, ps_error *err) {
    *n = 0;
    if (*a->list) {
        char buf[2048];
        snprintf(buf, sizeof buf, "%s", a->list);
        for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
            char *end;
            double x = strtod(t, &end);
            if (end == t || *end || !isfinite(x) || x < 0)
                return ps_error_set(err, "'%s' is not a non-negative number", t);
            if (*n == MAX_POINTS) return ps_error_set(err, "more than %d points", MAX_POINTS);
            v[(*n)++] = x;
        }
    } else if (a->kind == SWEEP_SEED) {
        if (a->seed_step <= 0 || a->max_seed < a->min_seed) return ps_error_set(err, "invalid seed range");
        for (int64_t s = a->min_seed; s <= a->max_seed && *n < MAX_POINTS; s += a->seed_step) v[(*n)++] = (double)s;
    } else {
        if (a->num_points < 1 || a->num_points > MAX_POINTS || !(a->hi >= a->lo) || a->lo < 0)
            return ps_error_set(err, "invalid range %g..%g with %d points", a->lo, a->hi, a->num_points);
        for (int k = 0; k < a->num_points; k++) {
            double t = a->num_points > 1 ? (double)k / (a->num_points - 1) : 0;
            /* scales linearly (spec 13.2), lambdas geometrically */
            v[k] = a->kind == SWEEP_SCALE ? a->lo + (a->hi - a->lo) * t
                                          : round(a->lo * pow(a->hi / fmax(a->lo, 1e-9), t));
        }
        *n = a->num_points;
    }
    if (a->kind == SWEEP_SCALE && *n < MAX_POINTS) v[(*n)++] = 1.0; /* scale 1.0 is always run (spec 13.2) */
    for (int k = 0; k < *n; k++) v[k] = round(v[k] * 1e6) / 1e6;
    qsort(v, (size_t)*n, sizeof *v, cmp_double);
    int u = 0;
    for (int k = 0; k < *n; k++)
        if (u == 0 || v[k] != v[u - 1]) v[u++] = v[k];
    *n = u;
    return *n ? PS_OK : ps_error_set(err, "no sweep points");
}

/* The env of one point: the data flags plus what the sweep varies. */
static int point_spec(analyze_args *a, const char *mode, double value, ps_scenario_spec *spec, ps_wg_config *gen,
                      uint64_t *seed, ps_error *err) {
    ps_sim_flags f = a->sim;
    f.jobs = f.hourly_jobs = "";
    f.exact_replay = f.exact_replay_aggregate = 0;
    *seed = a->sim.seed;
    if (a->kind == SWEEP_SCALE && !strcmp(mode, "exact_replay_aggregate")) {
        f.jobs = a->sim.jobs;
        f.exact_replay = f.exact_replay_aggregate = 1;
        f.arrival_scale = value;
    } else if (a->kind == SWEEP_SCALE) {
        f.hourly_jobs = *a->sim.hourly_jobs ? a->sim.hourly_jobs : a->sim.jobs;
        f.arrival_scale = value;
    } else if (a->kind == SWEEP_SEED) {
        f.hourly_jobs = a->sim.hourly_jobs;
        f.arrival_scale = 1.0;
        *seed = (uint64_t)value;
    }
    if (ps_sim_flags_to_spec(&f, spec, NULL, err) != PS_OK) return PS_ERR;
    if (a->kind == SWEEP_LAMBDA) {
        double attr[3];
        if (sscanf(a->attr_lambdas, "%lf,%lf,%lf", &attr[0], &attr[1], &attr[2]) != 3)
            return ps_error_set(err, "--wg-attr-lambdas: expected three numbers like 0.3,1.0,3.0");
        *gen = ps_wg_config_default(PS_WG_POISSON);
        gen->lambda = value;
        for (int k = 0; k < 3; k++) gen->lambda_attr[k] = attr[k];
        gen->max_jobs = a->max_jobs;
        gen->small.prob = a->burst_small;
        gen->heavy.prob = a->burst_heavy;
        if (ps_wg_config_check(gen, &spec->cfg, err) != PS_OK) return PS_ERR;
        spec->workload.generator = gen;
    }
    spec->seed = *seed;
    return PS_OK;
}

/* Evaluates the model at one point; the records are copied into p. */
static int run_point(analyze_args *a, ps_evaluator *ev, int *loaded, const char *ckpt, point *p, ps_error *err) {
    ps_scenario_spec spec;
    ps_wg_config gen;
    uint64_t seed;
    if (point_spec(a, p->mode, p->value, &spec, &gen, &seed, err) != PS_OK) return PS_ERR;
    ps_env *env = malloc(sizeof *env);
    if (!env) return ps_error_set(err, "out of memory");
    int rc = ps_env_open(env, &spec, NULL, err);
    if (rc != PS_OK) {
        free(env);
        return rc;
    }
    if (!*loaded) {
        ps_checkpoint_info info;
        rc = ps_evaluator_load(ev, env, ckpt, &info, err);
        *loaded = rc == PS_OK;
    }
    if (rc == PS_OK) rc = ps_evaluator_run(ev, env, a->months, seed, NULL, &p->episodes, err);
    if (rc == PS_OK)
        ps_point_stats_compute(p->episodes.v, p->episodes.n, a->months, env->cfg.episode_hours, p->value, &p->stats);
    ps_env_free(env);
    free(env);
    return rc;
}

/* --------------------------------------------------------------- outputs */

static const char *value_name(sweep_kind k) {
    return k == SWEEP_SCALE ? "job_arrival_scale" : k == SWEEP_LAMBDA ? "lambda" : "seed";
}

/* The statistics as a table: with sep "," and every mode, summary.csv; with
 * sep " " and one mode, the data of that mode's trendline plot. */
static void write_table(FILE *fp, const analyze_args *a, const point *pts, int n, const char *sep, const char *only) {
    fprintf(fp, "%s%s", only ? "# " : "mode,", value_name(a->kind));
#define HEAD(x) fprintf(fp, "%s%s", sep, #x);
    STAT_FIELDS(HEAD)
#undef HEAD
    fputc('\n', fp);
    for (int i = 0; i < n; i++) {
        if (only && strcmp(pts[i].mode, only)) continue;
        const ps_point_stats *s = &pts[i].stats;
        if (!only) fprintf(fp, "%s,", pts[i].mode);
        fprintf(fp, "%.6f", pts[i].value);
#define ROW(x) fprintf(fp, "%s%.6f", sep, (double)s->x);
        STAT_FIELDS(ROW)
#undef ROW
        fputc('\n', fp);
    }
}

static int write_csv(const char *dir, const analyze_args *a, const point *pts, int n, ps_error *err) {
    char path[4600];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    ps_atomic_file f;
    if (ps_atomic_open(&f, path, err) != PS_OK) return PS_ERR;
    write_table(f.fp, a, pts, n, ",", NULL);
    return ps_atomic_commit(&f, err);
}

static cJSON *num(double v) { return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull(); }

static int write_json(const char *dir, const analyze_args *a, const char *model, const point *pts, int n,
                      ps_error *err) {
    cJSON *root = cJSON_CreateObject(), *arr = cJSON_CreateArray();
    char stamp[32];
    time_t now = time(NULL);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", localtime(&now));
    cJSON_AddStringToObject(root, "created", stamp);
    cJSON_AddStringToObject(root, "sweep", value_name(a->kind));
    cJSON_AddStringToObject(root, "session", a->session);
    cJSON_AddStringToObject(root, "model", model);
    cJSON_AddNumberToObject(root, "eval_months", a->months);
    for (int i = 0; i < n; i++) {
        cJSON *p = cJSON_CreateObject(), *eps = cJSON_CreateArray();
        const ps_point_stats *s = &pts[i].stats;
        cJSON_AddStringToObject(p, "mode", pts[i].mode);
        cJSON_AddItemToObject(p, value_name(a->kind), num(pts[i].value));
#define J(x) cJSON_AddItemToObject(p, #x, num((double)s->x));
        STAT_FIELDS(J)
#undef J
        for (int k = 0; k < pts[i].episodes.n; k++) {
            const ps_episode_record *r = &pts[i].episodes.v[k];
            cJSON *e = cJSON_CreateObject();
            cJSON_AddItemToObject(e, "savings_vs_baseline", num(r->savings_vs_baseline));
            cJSON_AddItemToObject(e, "savings_vs_baseline_off", num(r->savings_vs_baseline_off));
            cJSON_AddItemToObject(e, "completion_rate", num(r->completion_rate));
            cJSON_AddItemToObject(e, "avg_wait_time", num(r->avg_wait_time));
            cJSON_AddItemToObject(e, "agent_occupancy_nodes_pct", num(r->agent_occupancy_nodes_pct));
            cJSON_AddItemToObject(e, "jobs_submitted", num(r->jobs_submitted));
            cJSON_AddItemToObject(e, "jobs_dropped", num(r->jobs_dropped));
            cJSON_AddItemToArray(eps, e);
        }
        cJSON_AddItemToObject(p, "per_episode", eps);
        cJSON_AddItemToArray(arr, p);
    }
    cJSON_AddItemToObject(root, "points", arr);
    char *text = cJSON_Print(root), path[4600];
    cJSON_Delete(root);
    snprintf(path, sizeof path, "%s/summary.json", dir);
    int rc = ps_atomic_write_text(path, text, err);
    free(text);
    return rc;
}

/* The 12 panels of spec 13.2: x is the swept value (0) or the agent's node
 * occupancy (column 3); error bars are standard deviations over episodes.
 * Columns of trendlines_<mode>.dat: 1 the value, then STAT_FIELDS from 2. */
typedef struct panel {
    int x, y, err; /* err 0: none */
    const char *title, *ylabel;
} panel;

static const panel PANELS[12] = {
    {0, 3, 4, "Agent node occupancy", "occupancy (%)"},
    {3, 21, 0, "Savings vs baseline", "savings per episode (%)"},
    {3, 22, 0, "Savings vs baseline_off", "savings per episode (%)"},
    {0, 12, 13, "Completion", "completed / submitted (%)"},
    {3, 23, 24, "Effective savings vs baseline", "EUR per episode"},
    {3, 25, 26, "Effective savings vs baseline_off", "EUR per episode"},
    {3, 16, 0, "Wait: agent - baseline", "hours"},
    {3, 28, 0, "Cost per 1k completed jobs vs baseline_off", "cheaper (%)"},
    {3, 29, 0, "Energy vs baseline_off", "less energy (%)"},
    {0, 5, 6, "Baseline node occupancy", "occupancy (%)"},
    {0, 7, 8, "Arrivals", "jobs per hour"},
    {0, 11, 0, "Dropped jobs: agent - baseline", "jobs"},
};

static int write_plot(const char *dir, const analyze_args *a, const char *mode, const point *pts, int n,
                      int *rendered, ps_error *err) {
    char path[4600], name[128];
    snprintf(name, sizeof name, "trendlines_%s", mode);
    snprintf(path, sizeof path, "%s/%s.dat", dir, name);
    ps_atomic_file f;
    if (ps_atomic_open(&f, path, err) != PS_OK) return PS_ERR;
    write_table(f.fp, a, pts, n, " ", mode);
    if (ps_atomic_commit(&f, err) != PS_OK) return PS_ERR;
    snprintf(path, sizeof path, "%s/%s.gp", dir, name);
    if (ps_atomic_open(&f, path, err) != PS_OK) return PS_ERR;
    fprintf(f.fp, "# Render: cd <this folder> && gnuplot %s.gp\n"
                  "set terminal pngcairo size 1800,1500 font ',10' noenhanced\nset output '%s.png'\n"
                  "set multiplot layout 4,3 title \"%s sweep (%s) - session %s\"\nset grid\nset key off\n",
            name, name, value_name(a->kind), mode, a->session);
    for (int k = 0; k < 12; k++) {
        const panel *pl = &PANELS[k];
        int x = pl->x ? pl->x : 1;
        fprintf(f.fp, "set title '%s'\nset xlabel '%s'\nset ylabel '%s'\n", pl->title,
                pl->x ? "agent node occupancy (%)" : value_name(a->kind), pl->ylabel);
        if (pl->err) fprintf(f.fp, "plot '%s.dat' using %d:%d:%d with yerrorlines pt 7\n", name, x, pl->y, pl->err);
        else fprintf(f.fp, "plot '%s.dat' using %d:%d with linespoints pt 7\n", name, x, pl->y);
    }
    fprintf(f.fp, "unset multiplot\n");
    if (ps_atomic_commit(&f, err) != PS_OK) return PS_ERR;
    if (!ps_gnuplot_available()) return PS_OK;
    snprintf(path, sizeof path, "%s.gp", name);
    if (ps_gnuplot_render(dir, path, err) != PS_OK) return PS_ERR;
    (*rendered)++;
    return PS_OK;
}

static void print_table(const analyze_args *a, const point *pts, int n) {
    printf("\n%-24s %12s %9s %9s %10s %10s %9s %9s %10s\n", "mode", value_name(a->kind), "occ %", "arr/h",
           "sav %", "sav_off %", "compl %", "wait d h", "dropped d");
    for (int i = 0; i < n; i++) {
        const ps_point_stats *s = &pts[i].stats;
        printf("%-24s %12.4f %9.2f %9.2f %10.2f %10.2f %9.2f %9.2f %10.0f\n", pts[i].mode, pts[i].value,
               s->occ_agent_mean, s->arrivals_mean, s->savings_pct_mean, s->savings_off_pct_mean, s->completion_mean,
               s->wait_delta, s->dropped_delta);
    }
}

/* ---------------------------------------------------------------- command */

static int analyze(analyze_args *a, ps_error *err) {
    if (!*a->session) return ps_error_set(err, "--session NAME is required"), 2;
    if (!(a->months > 0)) return ps_error_set(err, "--eval-months must be > 0"), 2;
    if (a->kind == SWEEP_SCALE && !*a->sim.jobs) return ps_error_set(err, "analyze arrival-scale needs --jobs LOG"), 2;
    if (a->kind == SWEEP_SEED && !*a->sim.hourly_jobs)
        return ps_error_set(err, "analyze seed needs --hourly-jobs LOG"), 2;
    double v[MAX_POINTS];
    int nv;
    if (sweep_values(a, v, &nv, err) != PS_OK) return 2;
    const char *modes[2];
    int nm = 0;
    if (a->kind != SWEEP_SCALE) modes[nm++] = a->kind == SWEEP_LAMBDA ? "poisson" : "sampling";
    else {
        if (!a->sampler_only) modes[nm++] = "exact_replay_aggregate";
        if (!a->replay_only) modes[nm++] = "sampling";
    }
    ps_session s;
    ps_session_paths(&s, "sessions", a->session, NULL, &a->sim.weights);
    char ckpt[4600], model[32];
    int64_t steps = ps_session_pick_model(&s, a->model, ckpt, sizeof ckpt, stderr);
    if (steps < 0) return ps_error_set(err, "no checkpoint in %s (train first, with the same weights)", s.models_dir), 1;
    snprintf(model, sizeof model, "%lld", (long long)steps);
    char dir[4400];
    if (*a->out_dir) snprintf(dir, sizeof dir, "%s", a->out_dir);
    else {
        char slug[160], stamp[32];
        ps_eval_dir_name(model, &a->sim.weights, slug, sizeof slug);
        time_t now = time(NULL);
        strftime(stamp, sizeof stamp, "%Y%m%d_%H%M%S", localtime(&now));
        const char *prefix = a->kind == SWEEP_SCALE    ? "arrivalscale_occupancy_sweep"
                             : a->kind == SWEEP_LAMBDA ? "lambda_occupancy_sweep"
                                                       : "hourlyjobs_seed_occupancy_sweep";
        snprintf(dir, sizeof dir, "analysis/%s_%s_%s", prefix, slug, stamp);
    }
    if (ps_mkdirs(dir, err) != PS_OK) return 1;
    printf("Model %s; %d point(s) x %d mode(s), %g months each; results in %s\n", ckpt, nv, nm, a->months, dir);
    point *pts = calloc((size_t)(nv * nm), sizeof *pts);
    ps_evaluator ev;
    memset(&ev, 0, sizeof ev);
    int loaded = 0, n = 0, rc = pts ? PS_OK : ps_error_set(err, "out of memory");
    for (int m = 0; m < nm && rc == PS_OK; m++)
        for (int k = 0; k < nv && rc == PS_OK; k++) {
            memset(&pts[n], 0, sizeof pts[n]);
            pts[n].mode = modes[m];
            pts[n].value = v[k];
            rc = run_point(a, &ev, &loaded, ckpt, &pts[n], err);
            if (rc == PS_OK) {
                printf("  %s %s=%g: occupancy %.2f%%, savings %.2f%% / %.2f%% (vs baseline / _off)\n", modes[m],
                       value_name(a->kind), v[k], pts[n].stats.occ_agent_mean, pts[n].stats.savings_pct_mean,
                       pts[n].stats.savings_off_pct_mean);
                fflush(stdout);
                n++;
            }
        }
    int png = 0;
    if (rc == PS_OK) rc = write_csv(dir, a, pts, n, err);
    if (rc == PS_OK) rc = write_json(dir, a, model, pts, n, err);
    for (int m = 0; m < nm && rc == PS_OK; m++) rc = write_plot(dir, a, modes[m], pts, n, &png, err);
    if (rc == PS_OK) {
        print_table(a, pts, n);
        printf("\nWrote %s/summary.csv, summary.json, %d trendline plot(s)%s\n", dir, nm,
               png ? "" : " (scripts only: gnuplot not found)");
    }
    for (int i = 0; i < n; i++) ps_episode_list_free(&pts[i].episodes);
    free(pts);
    if (loaded) ps_evaluator_free(&ev);
    return rc == PS_OK ? 0 : 1;
}

int cmd_analyze(int argc, char **argv) {
    analyze_args a = {.session = "", .out_dir = "", .list = "", .attr_lambdas = "0.3,1.0,3.0", .model = -1,
                      .months = 12, .num_points = 7, .max_jobs = 70000, .burst_small = 0.1329,
                      .burst_heavy = 0.0043, .min_seed = 100, .max_seed = 700, .seed_step = 50};
    if (argc < 1 || (strcmp(argv[0], "arrival-scale") && strcmp(argv[0], "lambda") && strcmp(argv[0], "seed"))) {
        if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
            fputs(USAGE, stdout);
            return 0;
        }
        fprintf(stderr, "powersched analyze: expected arrival-scale, lambda or seed%s%s\n", argc ? ", got " : "",
                argc ? argv[0] : "");
        return 2;
    }
    a.kind = !strcmp(argv[0], "arrival-scale") ? SWEEP_SCALE : !strcmp(argv[0], "lambda") ? SWEEP_LAMBDA : SWEEP_SEED;
    a.lo = a.kind == SWEEP_SCALE ? 0.5 : 100;
    a.hi = a.kind == SWEEP_SCALE ? 1.5 : 12000;
    ps_sim_flags_init(&a.sim);
    a.sim.weights = (ps_weights){0.6, 0.1, 0.1, 0.2, 0.0}; /* the analysis scripts' defaults (spec 13.1) */
    const char *list_name = a.kind == SWEEP_SCALE ? "--scales" : a.kind == SWEEP_LAMBDA ? "--lambdas" : "--seeds";
    ps_option own[] = {
        {"--session", OPT_STRING, &a.session, "NAME", "session whose model is evaluated (required)", 0, 0},
        {"--model", OPT_I64, &a.model, "STEPS", "checkpoint STEPS.zip (-1: the latest)", -1, 1e15},
        {"--eval-months", OPT_DOUBLE, &a.months, "N", "months evaluated per point", 0.5, 1e4},
        {"--out-dir", OPT_STRING, &a.out_dir, "DIR", "results folder (default analysis/...)", 0, 0},
        {list_name, OPT_STRING, &a.list, "LIST", "comma-separated sweep values", 0, 0},
        {"--num-points", OPT_INT, &a.num_points, "N", "points of the default schedule", 1, MAX_POINTS - 1},
        {a.kind == SWEEP_SCALE ? "--min-scale" : "--min-lambda", OPT_DOUBLE, &a.lo, "X", "lowest default point", 0, 1e9},
        {a.kind == SWEEP_SCALE ? "--max-scale" : "--max-lambda", OPT_DOUBLE, &a.hi, "X", "highest default point", 0, 1e9},
        {"--replay", OPT_FLAG, &a.replay_only, "", "arrival-scale: only the exact-replay-aggregate mode", 0, 0},
        {"--sampler", OPT_FLAG, &a.sampler_only, "", "arrival-scale: only the hourly-sampler mode", 0, 0},
        {"--wg-attr-lambdas", OPT_STRING, &a.attr_lambdas, "D,N,C", "lambda: duration, nodes, cores means", 0, 0},
        {"--wg-max-jobs-hour", OPT_INT, &a.max_jobs, "N", "lambda: cap on jobs per hour", 0, 1e8},
        {"--wg-burst-small-prob", OPT_DOUBLE, &a.burst_small, "P", "lambda: small burst probability", 0, 1},
        {"--wg-burst-heavy-prob", OPT_DOUBLE, &a.burst_heavy, "P", "lambda: heavy burst probability", 0, 1},
        {"--min-seed", OPT_I64, &a.min_seed, "N", "seed: first seed", 0, 1e15},
        {"--max-seed", OPT_I64, &a.max_seed, "N", "seed: last seed", 0, 1e15},
        {"--seed-step", OPT_I64, &a.seed_step, "N", "seed: step", 1, 1e15},
    };
    char cmd[64];
    snprintf(cmd, sizeof cmd, "analyze %s", argv[0]);
    ps_optset set;
    ps_optset_init(&set);
    ps_optset_add(&set, cmd, own, PS_COUNT(own));
    ps_sim_flags_options(&a.sim, &set);
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
