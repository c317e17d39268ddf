/* cmd_workloadgen.c - `powersched workloadgen inspect` (spec 9, 14.3
 * test_inspect_workloadgen): samples a job source for N hours, prints
 * distribution statistics, checks determinism, optionally plots; and
 * `workloadgen calibrate LOG...` (issue 12): the generator flags that
 * reproduce sacct logs, with the fit (calibrate.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "powersched/calibrate.h"
#include "powersched/job_stream.h"
#include "powersched/wg_options.h"

#define CMD "workloadgen inspect"

static const char USAGE[] =
    "usage: powersched workloadgen inspect (--workload-gen MODE [--wg-* ...] | --hourly-jobs FILE)\n"
    "                                      [--hours N] [--seed N] [--plot] [--out DIR]\n\n"
    "Samples the job source hour by hour, as the env would, and prints statistics of jobs per\n"
    "hour, node- and core-hours per hour, duration, nodes and cores per node, and the burst\n"
    "hours; then checks that the same seed gives the same stream and another seed does not.\n"
    "With --plot writes a gnuplot script, its data and a PNG into --out.\n";

typedef struct inspect_args {
    ps_wg_flags wg;
    const char *hourly, *out;
    int hours, plot;
    uint64_t seed;
    double scale;
} inspect_args;

static int load_source(inspect_args *a, ps_stream_source *src, ps_error *err) {
    memset(src, 0, sizeof *src);
    ps_config cl = ps_config_default();
    int gen;
    if (ps_wg_flags_build(&a->wg, &cl, &src->gen, &gen, err) != PS_OK) return 2;
    if (!gen && !*a->hourly) {
        ps_error_set(err, "nothing to inspect: give --workload-gen MODE or --hourly-jobs FILE");
        return 2;
    }
    if (gen && *a->hourly) fprintf(stderr, "warning: --hourly-jobs takes precedence over --workload-gen (the env's rule)\n");
    src->scale = a->scale;
    if (*a->hourly) {
        src->hourly = 1;
        return ps_hourly_create(&src->sampler, a->hourly, err) == PS_OK ? 0 : 1;
    }
    if (a->scale != 1.0) fprintf(stderr, "warning: --job-arrival-scale is forced to 1.0 with --workload-gen\n");
    src->scale = 1.0;
    return 0;
}

static void describe(const inspect_args *a, const ps_stream_source *src, char *label, size_t ln, char *title,
                     size_t tn) {
    char stamp[32];
    time_t now = time(NULL);
    strftime(stamp, sizeof stamp, "%Y%m%d_%H%M%S", localtime(&now));
    if (src->hourly) {
        snprintf(label, ln, "hourly_%s", stamp);
        snprintf(title, tn, "hourly sampler: %s, %d hours, seed %llu", a->hourly, a->hours, (unsigned long long)a->seed);
        return;
    }
    const char *mode = src->gen.mode == PS_WG_FLAT ? "flat" : src->gen.mode == PS_WG_POISSON ? "poisson" : "uniform";
    if (src->gen.mode == PS_WG_POISSON) snprintf(label, ln, "%s_lambda%g_%s", mode, src->gen.lambda, stamp);
    else snprintf(label, ln, "%s_%s", mode, stamp);
    snprintf(title, tn, "workload generator %s, %d hours, seed %llu", mode, a->hours, (unsigned long long)a->seed);
}

/* The statistics, burst hours and determinism check of s1 (s2: same
 * seed, s3: the next seed). */
static int report(const inspect_args *a, const ps_stream_source *src, const ps_job_stream *s, ps_error *err) {
    ps_dist_row rows[PS_STREAM_ROWS];
    if (ps_job_stream_stats(&s[0], rows) != 0) return ps_error_set(err, "out of memory");
    ps_dist_rows_print(stdout, rows, PS_STREAM_ROWS);
    if (src->hourly) printf("  burst hours: n/a (bursts belong to the workload generator)\n");
    else
        printf("  burst hours: small %d (%.2f%% of hours, p=%g), heavy %d (%.2f%%, p=%g)\n", s[0].small_bursts,
               100.0 * s[0].small_bursts / a->hours, src->gen.small.prob, s[0].heavy_bursts,
               100.0 * s[0].heavy_bursts / a->hours, src->gen.heavy.prob);
    uint32_t d1 = ps_job_stream_digest(&s[0]), d2 = ps_job_stream_digest(&s[1]), d3 = ps_job_stream_digest(&s[2]);
    int same = ps_job_stream_equal(&s[0], &s[1]) && d1 == d2;
    printf("  determinism: digest %08x; same seed: %s; seed %llu: %s\n", d1, same ? "identical job by job" : "DIFFERENT",
           (unsigned long long)a->seed + 1, d3 != d1 ? "differs" : "identical (a constant source?)");
    if (!same)
        return ps_error_set(err, "determinism check failed: two streams with seed %llu differ",
                            (unsigned long long)a->seed);
    return PS_OK;
}

static int inspect(inspect_args *a, ps_stream_source *src, ps_error *err) {
    ps_job_stream s[3];
    uint64_t seeds[3] = {a->seed, a->seed, a->seed + 1};
    int ok = 1;
    for (int k = 0; k < 3; k++) ok &= ps_job_stream_sample(src, a->hours, seeds[k], &s[k]) == 0;
    int rc = ok ? PS_OK : ps_error_set(err, "out of memory sampling %d hours", a->hours);
    char label[256], title[512];
    describe(a, src, label, sizeof label, title, sizeof title);
    if (rc == PS_OK) {
        printf("%s\n", title);
        rc = report(a, src, s, err);
    }
    int png;
    if (rc == PS_OK && a->plot && (rc = ps_job_stream_plot(a->out, label, title, &s[0], &png, err)) == PS_OK) {
        if (png) printf("plot: %s/%s.png (script %s.gp and data alongside)\n", a->out, label, label);
        else
            printf("gnuplot not found: wrote %s/%s.gp and its data; render with: cd %s && gnuplot %s.gp\n", a->out,
                   label, a->out, label);
    }
    for (int k = 0; k < 3; k++) ps_job_stream_free(&s[k]);
    return rc;
}

static int cmd_inspect(int argc, char **argv) {
    inspect_args a = {.hourly = "", .out = "workloadgen_output", .hours = 336, .seed = 123, .scale = 1.0};
    ps_wg_flags_init(&a.wg);
    const ps_option own[] = {
        {"--hourly-jobs", OPT_STRING, &a.hourly, "FILE", "inspect the hourly sampler built from this sacct log", 0, 0},
        {"--hours", OPT_INT, &a.hours, "N", "hours to sample", 1, 1e7},
        {"--seed", OPT_U64, &a.seed, "N", "seed (the env's arrival stream)", 0, 0},
        {"--job-arrival-scale", OPT_DOUBLE, &a.scale, "X", "arrival scale (hourly sampler only)", 0, 1e6},
        {"--plot", OPT_FLAG, &a.plot, "", "write a gnuplot script, data and PNG", 0, 0},
        {"--out", OPT_STRING, &a.out, "DIR", "folder for --plot (created)", 0, 0},
    };
    ps_optset set;
    ps_optset_init(&set);
    ps_optset_add(&set, CMD, own, PS_COUNT(own));
    ps_wg_flags_options(&a.wg, &set);
    int status = ps_cli_parse(CMD, USAGE, &set, argc, argv);
    if (status >= 0) return status;
    ps_error err;
    ps_stream_source src;
    if ((status = load_source(&a, &src, &err)) != 0) return ps_cli_fail(CMD, &err, status);
    int rc = inspect(&a, &src, &err);
    if (src.hourly) ps_hourly_free(&src.sampler);
    return rc == PS_OK ? 0 : ps_cli_fail(CMD, &err, 1);
}

/* ------------------------------------------------------------ calibrate */

#define CAL "workloadgen calibrate"

static const char CAL_USAGE[] =
    "usage: powersched workloadgen calibrate LOG... [--mode poisson|flat|uniform] [--no-bursts]\n"
    "                                               [--hours N] [--seed N] [--flags-only]\n\n"
    "Reads Slurm sacct logs (fixed-width or --parsable2, columns by header name; several logs\n"
    "share one timeline) and prints the --workload-gen/--wg-* flags that reproduce their hourly\n"
    "statistics (jobs per hour, duration, nodes and cores per node as the env sees them, bursts\n"
    "as burst probabilities), then the fit: the log beside a sample drawn with those flags and\n"
    "their Kolmogorov-Smirnov distances. Without --mode the mode whose worst distance is\n"
    "lowest is chosen.\n"
    "Paste the flags line into train/simulate/evaluate-savings, or use --flags-only:\n"
    "  powersched simulate $(powersched workloadgen calibrate --flags-only LOG)\n";

/* Moves the arguments that are neither options nor option values to paths. */
static int take_paths(const ps_optset *set, int *argc, char **argv, const char **paths) {
    int n = 0, keep = 0;
    for (int i = 0; i < *argc; i++) {
        if (argv[i][0] != '-' || !argv[i][1]) {
            paths[n++] = argv[i];
            continue;
        }
        argv[keep++] = argv[i];
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)strcspn(argv[i], "="), argv[i]);
        const ps_option *o = ps_optset_find(set, name);
        if (o && o->kind != OPT_FLAG && !strchr(argv[i], '=') && i + 1 < *argc) argv[keep++] = argv[++i];
    }
    *argc = keep;
    return n;
}

static int parse_mode(const char *s, int *mode) {
    static const char *const names[3] = {"flat", "poisson", "uniform"}; /* ps_wg_mode order */
    for (*mode = 0; *mode < 3; ++*mode)
        if (!strcmp(s, names[*mode])) return 0;
    return -1;
}

static int calibrate(const char **paths, int n, const ps_calib_options *opt, int flags_only, ps_error *err) {
    ps_config cl = ps_config_default();
    ps_calib_log log;
    if (ps_calib_log_read(&log, paths, n, &cl, err) != PS_OK) return PS_ERR;
    ps_calib_result *res = malloc(sizeof *res); /* ~20 KB of rows and flags */
    int rc = res ? ps_calibrate(&log, opt, &cl, res, err) : ps_error_set(err, "out of memory");
    if (rc == PS_OK && flags_only) printf("%s\n", res->fit[res->best].flags);
    else if (rc == PS_OK) ps_calib_print(stdout, &log, res);
    free(res);
    ps_calib_log_free(&log);
    return rc;
}

static int cmd_calibrate(int argc, char **argv) {
    const char *mode = "";
    ps_calib_options opt = {.mode = -1, .bursts = 1, .hours = 0, .seed = 123};
    int no_bursts = 0, flags_only = 0;
    const ps_option own[] = {
        {"--mode", OPT_STRING, &mode, "MODE", "poisson, flat or uniform; none: the best fit of the three", 0, 0},
        {"--no-bursts", OPT_FLAG, &no_bursts, "", "fit no burst probabilities (bursts count as base load)", 0, 0},
        {"--hours", OPT_INT, &opt.hours, "N", "hours sampled for the fit; 0: 10 x the log's (fewer if busy)", 0, 1e7},
        {"--seed", OPT_U64, &opt.seed, "N", "seed of the sample", 0, 0},
        {"--flags-only", OPT_FLAG, &flags_only, "", "print the flags line only", 0, 0},
    };
    ps_optset set;
    ps_optset_init(&set);
    ps_optset_add(&set, CAL, own, PS_COUNT(own));
    const char **paths = calloc((size_t)argc + 1, sizeof *paths);
    if (!paths) return 1;
    ps_error err;
    int n = take_paths(&set, &argc, argv, paths), status = ps_cli_parse(CAL, CAL_USAGE, &set, argc, argv);
    if (status < 0 && n == 0) {
        ps_error_set(&err, "no log given (usage: powersched workloadgen calibrate LOG... [options])");
        status = ps_cli_fail(CAL, &err, 2);
    }
    if (status < 0 && *mode && parse_mode(mode, &opt.mode) != 0) {
        ps_error_set(&err, "--mode: '%s' is not poisson, flat or uniform", mode);
        status = ps_cli_fail(CAL, &err, 2);
    }
    opt.bursts = !no_bursts;
    if (status < 0) status = calibrate(paths, n, &opt, flags_only, &err) == PS_OK ? 0 : ps_cli_fail(CAL, &err, 1);
    free(paths);
    return status;
}

int cmd_workloadgen(int argc, char **argv) {
    if (argc >= 1 && !strcmp(argv[0], "inspect")) return cmd_inspect(argc - 1, argv + 1);
    if (argc >= 1 && !strcmp(argv[0], "calibrate")) return cmd_calibrate(argc - 1, argv + 1);
    if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
        printf("usage: powersched workloadgen inspect [options]           statistics of a job source\n"
               "       powersched workloadgen calibrate LOG... [options]  generator flags fitted to sacct logs\n"
               "(see 'powersched workloadgen inspect --help', 'powersched workloadgen calibrate --help')\n");
        return 0;
    }
    fprintf(stderr, "powersched workloadgen: expected the subcommand 'inspect' or 'calibrate'%s%s\n",
            argc ? ", got " : "", argc ? argv[0] : "");
    return 2;
}
