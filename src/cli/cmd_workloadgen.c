/* cmd_workloadgen.c - `powersched workloadgen inspect` (spec 9, 14.3
 * test_inspect_workloadgen): samples a job source for N hours, prints
 * distribution statistics, checks determinism, optionally plots. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "commands.h"
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

int cmd_workloadgen(int argc, char **argv) {
    if (argc >= 1 && !strcmp(argv[0], "inspect")) return cmd_inspect(argc - 1, argv + 1);
    if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
        printf("usage: powersched workloadgen inspect [options]   (see 'powersched workloadgen inspect --help')\n");
        return 0;
    }
    fprintf(stderr, "powersched workloadgen: expected the subcommand 'inspect'%s%s\n", argc ? ", got " : "",
            argc ? argv[0] : "");
    return 2;
}
