/* cmd_workloadgen.c - `powersched workloadgen inspect` (spec 9, 14.3
 * test_inspect_workloadgen): samples a job source for N hours, prints
 * distribution statistics, checks determinism, optionally plots. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "commands.h"
#include "powersched/io.h"
#include "powersched/plot.h"
#include "powersched/prices.h"
#include "powersched/workload.h"
#include "powersched/wg_options.h"

#define CMD "workloadgen inspect"

static const char USAGE[] =
    "usage: powersched workloadgen inspect (--workload-gen MODE [--wg-* ...] | --hourly-jobs FILE)\n"
    "                                      [--hours N] [--seed N] [--plot] [--out DIR]\n\n"
    "Samples the job source hour by hour, as the env would, and prints statistics of jobs per\n"
    "hour, node- and core-hours per hour, duration, nodes and cores per node, and the burst\n"
    "hours; then checks that the same seed gives the same stream and another seed does not.\n"
    "With --plot writes a gnuplot script, its data and a PNG into --out.\n";

/* ------------------------------------------------------------- a stream */

typedef struct source {
    int hourly;                 /* else the generator */
    ps_wg_config gen;
    ps_hourly sampler;
    double scale;
} source;

typedef struct stream {
    ps_joblist jobs;
    int *start;                 /* [hours + 1]: jobs of hour t are [start[t], start[t+1]) */
    int hours, small_bursts, heavy_bursts;
} stream;

static int sample_stream(const source *src, int hours, uint64_t seed, stream *s) {
    memset(s, 0, sizeof *s);
    s->hours = hours;
    s->start = malloc(((size_t)hours + 1) * sizeof *s->start);
    if (!s->start) return -1;
    ps_rng rng;
    ps_rng_seed(&rng, seed, PS_STREAM_ENV); /* the env's arrival stream */
    for (int t = 0; t < hours; t++) {
        s->start[t] = s->jobs.n;
        ps_wg_hour h = {0, 0, 0};
        int rc = src->hourly ? ps_hourly_sample(&src->sampler, t, &rng, &s->jobs) : ps_wg_sample(&src->gen, &rng, &s->jobs, &h);
        if (rc != 0 || ps_arrival_scale(&s->jobs, s->start[t], src->scale, &rng) != 0) return -1;
        s->small_bursts += h.small_burst > 0;
        s->heavy_bursts += h.heavy_burst > 0;
    }
    s->start[hours] = s->jobs.n;
    return 0;
}

static void stream_free(stream *s) {
    ps_joblist_free(&s->jobs);
    free(s->start);
}

/* CRC-32 of the int32 rows (hour, duration, nodes, cores). */
static uint32_t stream_digest(const stream *s) {
    uLong crc = crc32(0L, Z_NULL, 0);
    for (int t = 0; t < s->hours; t++)
        for (int i = s->start[t]; i < s->start[t + 1]; i++) {
            int32_t row[4] = {t, s->jobs.v[i].duration, s->jobs.v[i].nodes, s->jobs.v[i].cores};
            crc = crc32(crc, (const Bytef *)row, sizeof row);
        }
    return (uint32_t)crc;
}

/* ----------------------------------------------------------- statistics */

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void print_row(const char *name, double *v, int n) {
    if (n == 0) {
        printf("  %-18s %8d  (no values)\n", name, 0);
        return;
    }
    double sum = 0, sq = 0;
    for (int i = 0; i < n; i++) sum += v[i];
    double mean = sum / n;
    for (int i = 0; i < n; i++) sq += (v[i] - mean) * (v[i] - mean);
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    printf("  %-18s %8d %10.2f %10.2f", name, n, mean, sqrt(sq / n));
    const double q[] = {0, 1, 10, 50, 90, 99, 100};
    for (int k = 0; k < 7; k++) printf(" %9.1f", ps_percentile_linear(v, (size_t)n, q[k]));
    printf("\n");
}

static int print_stats(const stream *s) {
    int n = s->jobs.n, hrs = s->hours;
    double *v = malloc((size_t)(n > hrs ? n : hrs) * sizeof *v);
    if (!v) return -1;
    printf("  %-18s %8s %10s %10s %9s %9s %9s %9s %9s %9s %9s\n", "", "n", "mean", "std", "min", "p1", "p10", "p50",
           "p90", "p99", "max");
    for (int t = 0; t < hrs; t++) v[t] = s->start[t + 1] - s->start[t];
    print_row("jobs/hour", v, hrs);
    for (int kind = 0; kind < 2; kind++) {
        for (int t = 0; t < hrs; t++) {
            v[t] = 0;
            for (int i = s->start[t]; i < s->start[t + 1]; i++)
                v[t] += (double)s->jobs.v[i].duration * s->jobs.v[i].nodes * (kind ? s->jobs.v[i].cores : 1);
        }
        print_row(kind ? "core-hours/hour" : "node-hours/hour", v, hrs);
    }
    const char *names[3] = {"duration (h)", "nodes", "cores per node"};
    for (int a = 0; a < 3; a++) {
        for (int i = 0; i < n; i++) {
            const ps_job *j = &s->jobs.v[i];
            v[i] = a == 0 ? j->duration : a == 1 ? j->nodes : j->cores;
        }
        print_row(names[a], v, n);
    }
    free(v);
    return 0;
}

/* ----------------------------------------------------------------- plots */

/* value count lines of one attribute's histogram */
static int write_histogram(const char *path, const stream *s, int attr, ps_error *err) {
    int maxv = 0;
    for (int i = 0; i < s->jobs.n; i++) {
        const ps_job *j = &s->jobs.v[i];
        int v = attr == 0 ? j->duration : attr == 1 ? j->nodes : j->cores;
        if (v > maxv) maxv = v;
    }
    long *cnt = calloc((size_t)maxv + 1, sizeof *cnt);
    if (!cnt) return ps_error_set(err, "out of memory");
    for (int i = 0; i < s->jobs.n; i++) {
        const ps_job *j = &s->jobs.v[i];
        int v = attr == 0 ? j->duration : attr == 1 ? j->nodes : j->cores;
        if (v >= 0) cnt[v]++;
    }
    ps_atomic_file f;
    int rc = ps_atomic_open(&f, path, err);
    if (rc == PS_OK) {
        fprintf(f.fp, "# value jobs\n");
        for (int v = 0; v <= maxv; v++)
            if (cnt[v]) fprintf(f.fp, "%d %ld\n", v, cnt[v]);
        rc = ps_atomic_commit(&f, err);
    }
    free(cnt);
    return rc;
}

static int write_hourly(const char *path, const stream *s, ps_error *err) {
    ps_atomic_file f;
    if (ps_atomic_open(&f, path, err) != PS_OK) return PS_ERR;
    fprintf(f.fp, "# hour jobs core_hours\n");
    for (int t = 0; t < s->hours; t++) {
        double ch = 0;
        for (int i = s->start[t]; i < s->start[t + 1]; i++)
            ch += (double)s->jobs.v[i].duration * s->jobs.v[i].nodes * s->jobs.v[i].cores;
        fprintf(f.fp, "%d %d %.0f\n", t, s->start[t + 1] - s->start[t], ch);
    }
    return ps_atomic_commit(&f, err);
}

static int write_script(const char *dir, const char *label, const char *title, ps_error *err) {
    char path[4300];
    snprintf(path, sizeof path, "%s/%s.gp", dir, label);
    ps_atomic_file f;
    if (ps_atomic_open(&f, path, err) != PS_OK) return PS_ERR;
    fprintf(f.fp,
            "# Render: cd <this folder> && gnuplot %s.gp\n"
            "set terminal pngcairo size 1600,1200 font ',10'\n"
            "set output '%s.png'\n"
            "set multiplot layout 3,2 title '%s'\n"
            "set grid\nset key off\nset style fill solid 0.6\n"
            "set title 'Jobs per hour'\nset xlabel 'hour'\nset ylabel 'jobs'\n"
            "plot '%s_hourly.dat' using 1:2 with lines lw 1\n"
            "set title 'Core-hours of work arriving per hour'\nset xlabel 'hour'\nset ylabel 'core-hours'\n"
            "plot '%s_hourly.dat' using 1:3 with lines lw 1\n"
            "set title 'Distribution of jobs per hour'\nset xlabel 'jobs in an hour'\nset ylabel 'hours'\n"
            "stats '%s_hourly.dat' using 2 nooutput\nbw = (STATS_max - STATS_min) / 40.0 + 1\nset boxwidth bw\n"
            "plot '%s_hourly.dat' using (bw * floor($2 / bw) + bw / 2):(1) smooth frequency with boxes\n"
            "set boxwidth 0.8 absolute\n"
            "set title 'Job duration'\nset xlabel 'duration (h)'\nset ylabel 'jobs'\n"
            "plot '%s_duration.dat' using 1:2 with boxes\n"
            "set title 'Nodes per job'\nset xlabel 'nodes'\nset ylabel 'jobs'\n"
            "plot '%s_nodes.dat' using 1:2 with boxes\n"
            "set title 'Cores per node'\nset xlabel 'cores per node'\nset ylabel 'jobs'\n"
            "plot '%s_cores.dat' using 1:2 with boxes\n"
            "unset multiplot\n",
            label, label, title, label, label, label, label, label, label, label);
    return ps_atomic_commit(&f, err);
}

static int write_plot(const char *dir, const char *label, const char *title, const stream *s, ps_error *err) {
    char path[4300];
    const char *attr[3] = {"duration", "nodes", "cores"};
    if (ps_mkdirs(dir, err) != PS_OK) return PS_ERR;
    snprintf(path, sizeof path, "%s/%s_hourly.dat", dir, label);
    if (write_hourly(path, s, err) != PS_OK) return PS_ERR;
    for (int a = 0; a < 3; a++) {
        snprintf(path, sizeof path, "%s/%s_%s.dat", dir, label, attr[a]);
        if (write_histogram(path, s, a, err) != PS_OK) return PS_ERR;
    }
    if (write_script(dir, label, title, err) != PS_OK) return PS_ERR;
    if (!ps_gnuplot_available()) {
        printf("gnuplot not found: wrote %s/%s.gp and its data; render with: cd %s && gnuplot %s.gp\n", dir, label,
               dir, label);
        return PS_OK;
    }
    if (ps_gnuplot_render(dir, strcat(strcpy(path, label), ".gp"), err) != PS_OK) return PS_ERR;
    printf("plot: %s/%s.png (script %s.gp and data alongside)\n", dir, label, label);
    return PS_OK;
}

/* ---------------------------------------------------------------- command */

typedef struct inspect_args {
    ps_wg_flags wg;
    const char *hourly, *out;
    int hours, plot;
    uint64_t seed;
    double scale;
} inspect_args;

static int load_source(inspect_args *a, source *src, ps_error *err) {
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

static void describe(const inspect_args *a, const source *src, char *label, size_t ln, char *title, size_t tn) {
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

static int inspect(inspect_args *a, source *src, ps_error *err) {
    stream s1, s2, s3;
    int rc = sample_stream(src, a->hours, a->seed, &s1) | sample_stream(src, a->hours, a->seed, &s2) |
             sample_stream(src, a->hours, a->seed + 1, &s3);
    if (rc != 0) rc = ps_error_set(err, "out of memory sampling %d hours", a->hours);
    char label[256], title[512];
    describe(a, src, label, sizeof label, title, sizeof title);
    if (rc == PS_OK) {
        printf("%s\n", title);
        print_stats(&s1);
        if (src->hourly) printf("  burst hours: n/a (bursts belong to the workload generator)\n");
        else
            printf("  burst hours: small %d (%.2f%% of hours, p=%g), heavy %d (%.2f%%, p=%g)\n", s1.small_bursts,
                   100.0 * s1.small_bursts / a->hours, src->gen.small.prob, s1.heavy_bursts,
                   100.0 * s1.heavy_bursts / a->hours, src->gen.heavy.prob);
        uint32_t d1 = stream_digest(&s1), d2 = stream_digest(&s2), d3 = stream_digest(&s3);
        int same = s1.jobs.n == s2.jobs.n && !memcmp(s1.jobs.v, s2.jobs.v, (size_t)s1.jobs.n * sizeof *s1.jobs.v) &&
                   !memcmp(s1.start, s2.start, ((size_t)a->hours + 1) * sizeof *s1.start);
        printf("  determinism: digest %08x; same seed: %s; seed %llu: %s\n", d1,
               same && d1 == d2 ? "identical job by job" : "DIFFERENT", (unsigned long long)a->seed + 1,
               d3 != d1 ? "differs" : "identical (a constant source?)");
        if (!same || d1 != d2) rc = ps_error_set(err, "determinism check failed: two streams with seed %llu differ",
                                                 (unsigned long long)a->seed);
    }
    if (rc == PS_OK && a->plot) rc = write_plot(a->out, label, title, &s1, err);
    stream_free(&s1);
    stream_free(&s2);
    stream_free(&s3);
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
    source src;
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
