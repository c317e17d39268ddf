/* test_calibrate - `workloadgen calibrate`'s library: sacct logs binned by
 * hour (zero hours kept, logs merged on one timeline), the moments and the
 * exact flags lines of hand-made logs, burst probabilities, the clipped
 * Poisson inverse, the KS distance, and the mode choice on logs drawn from
 * the generator itself (the fit must find the flags it was drawn with). */
#include <stdlib.h>
#include <time.h>

#include "check.h"
#include "powersched/calibrate.h"

#define T0 INT64_C(1735689600) /* 2025-01-01T00:00:00 UTC */

typedef struct row {
    int hour;     /* after T0 */
    int elapsed;  /* seconds */
    int ncpus, nnodes;
} row;

/* A fixed-width sacct export of rows (submitted at minute 7 of their hour). */
static const char *write_log(char path[64], const row *r, int n) {
    char *text;
    size_t size;
    FILE *fp = open_memstream(&text, &size);
    fprintf(fp, "JobID User Partition Submit Start End ElapsedRaw NCPUS NNodes\n----- ---- --- ---\n");
    for (int i = 0; i < n; i++) {
        time_t t = (time_t)(T0 + r[i].hour * INT64_C(3600) + 420);
        struct tm tm;
        char stamp[32];
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", gmtime_r(&t, &tm));
        fprintf(fp, "%d u1 gpu %s Unknown Unknown %d %d %d\n", 1000 + i, stamp, r[i].elapsed, r[i].ncpus, r[i].nnodes);
    }
    fclose(fp);
    check_temp_file(path, "test_calibrate_", text);
    free(text);
    return path;
}

static int hour_count(const ps_job_stream *s, int t) { return s->start[t + 1] - s->start[t]; }

/* Hours 0..4 with 1, 3, 0, 4, 2 jobs: mean 2, population variance 2. Every
 * job 2 h (7200 s, and 3601 s rounds up), 1 node, 4 cores. */
static int counts_log(row *r) {
    static const int count[5] = {1, 3, 0, 4, 2};
    int n = 0;
    for (int h = 0; h < 5; h++)
        for (int k = 0; k < count[h]; k++) r[n++] = (row){h, k ? 7200 : 3601, 4, 1};
    return n;
}

static void test_read(void) {
    ps_config cl = ps_config_default();
    ps_error err;
    row r[16];
    char p1[64], p2[64], p3[64];
    int n = counts_log(r);
    write_log(p1, r, n);
    /* the same hours from another partition, --parsable2 with shuffled
     * columns and a job-step row; NNodes 20 and NCPUS 0 get clamped */
    check_temp_file(p2, "test_calibrate_",
                    "NNodes|Submit|JobID|NCPUS|ElapsedRaw\n"
                    "20|2025-01-01T02:30:00|77|40|60\n"
                    "1|2025-01-01T02:40:00|77.batch|4|60\n"
                    "1|2025-01-01T03:59:59|78|0|60\n");
    /* a week later: its two hours join without the gap */
    const row later[2] = {{24 * 7, 60, 4, 1}, {24 * 7 + 1, 60, 4, 1}};
    write_log(p3, later, 2);
    const char *paths[3] = {p1, p2, p3};
    ps_calib_log log;
    CHECK_INT(ps_calib_log_read(&log, paths, 1, &cl, &err), PS_OK);
    CHECK_INT(log.stream.hours, 5); /* the empty hour 2 is kept */
    int want[5] = {1, 3, 0, 4, 2};
    for (int t = 0; t < 5; t++) CHECK_INT(hour_count(&log.stream, t), want[t]);
    CHECK_INT(log.first_hour, T0 / 3600);
    CHECK_INT(log.stream.jobs.v[0].duration, 2); /* 3601 s -> 2 h */
    CHECK_INT(log.stream.jobs.v[0].cores, 4);
    ps_calib_log_free(&log);

    CHECK_INT(ps_calib_log_read(&log, paths, 3, &cl, &err), PS_OK);
    CHECK_INT(log.files, 3);
    CHECK_INT(log.stream.hours, 7);
    CHECK_INT(log.stream.jobs.n, 14);
    int merged[7] = {1, 3, 1, 5, 2, 1, 1};
    for (int t = 0; t < 7; t++) CHECK_INT(hour_count(&log.stream, t), merged[t]);
    CHECK_INT(log.steps_skipped, 1);
    CHECK_INT(log.clamped[PS_WG_NODES], 1);
    CHECK_INT(log.clamped[PS_WG_CORES], 1); /* NCPUS 0; 40 / 20 = 2 is fine */
    ps_job j = log.stream.jobs.v[log.stream.start[2]]; /* the 20-node job: 16 nodes of 2 cores */
    CHECK(j.nodes == 16 && j.cores == 2 && j.duration == 1);
    CHECK_INT(log.last_hour, T0 / 3600 + 24 * 7 + 1);
    ps_calib_log_free(&log);
    unlink(p1);
    unlink(p2);
    unlink(p3);
}

static void test_errors(void) {
    ps_config cl = ps_config_default();
    ps_error err;
    ps_calib_log log;
    const char *missing[1] = {"/nonexistent/sacct.log"};
    CHECK_INT(ps_calib_log_read(&log, missing, 1, &cl, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "/nonexistent/sacct.log");
    char empty[64];
    check_temp_file(empty, "test_calibrate_", "");
    const char *paths[1] = {empty};
    CHECK_INT(ps_calib_log_read(&log, paths, 1, &cl, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, empty);
    CHECK_INT(ps_calib_log_read(&log, paths, 0, &cl, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "no job log given");
    unlink(empty);
}

static void test_moments_and_flags(void) {
    ps_config cl = ps_config_default();
    ps_error err;
    row r[16];
    char p[64];
    const char *paths[1] = {write_log(p, r, counts_log(r))};
    ps_calib_log log;
    CHECK_INT(ps_calib_log_read(&log, paths, 1, &cl, &err), PS_OK);
    ps_calib_target t;
    CHECK_INT(ps_calib_target_of(&log, 1, &t, &err), PS_OK);
    CHECK_NEAR(t.count.mean, 2, 1e-12);
    CHECK_NEAR(t.count.var, 2, 1e-12);
    CHECK(t.count.min == 0 && t.count.max == 4);
    CHECK_NEAR(t.attr[PS_WG_DURATION].mean, 2, 0);
    CHECK_NEAR(t.attr[PS_WG_CORES].var, 0, 0);
    CHECK(t.lo[PS_WG_CORES] == 4 && t.hi[PS_WG_CORES] == 4);
    /* small-burst-shaped jobs, but no hour reaches the median 2.5 + 50 */
    CHECK_NEAR(t.burst[PS_CALIB_SMALL].baseline, 2.5, 0);
    CHECK(t.burst[PS_CALIB_SMALL].hours == 0 && t.burst[PS_CALIB_SMALL].prob == 0);

    /* poisson: lambda = mean; flat: 2 +- 2 is U{0..4}, variance 2;
     * uniform: sqrt(12 x 2 + 1) = 5 values around the mean: 0..4 */
    char line[512];
    ps_calib_flags(&t, PS_WG_POISSON, line, sizeof line);
    CHECK(!strcmp(line, "--workload-gen poisson --wg-poisson-lambdas4 2,2,1,4 "
                        "--wg-uniform-ranges4 0:1500,2:2,1:1,4:4"));
    ps_wg_config c;
    CHECK_INT(ps_calib_flags_config(line, &cl, &c, &err), PS_OK);
    CHECK(c.mode == PS_WG_POISSON && c.lambda == 2 && c.lambda_attr[PS_WG_CORES] == 4 && c.max_jobs == 1500);
    CHECK(c.min[PS_WG_DURATION] == 2 && c.max[PS_WG_DURATION] == 2);
    ps_calib_flags(&t, PS_WG_FLAT, line, sizeof line);
    CHECK(!strcmp(line, "--workload-gen flat --wg-flat-targets4 2,2,1,4 --wg-flat-jitters4 2,0,0,0 "
                        "--wg-uniform-ranges4 0:1500,2:2,1:1,4:4"));
    CHECK_INT(ps_calib_flags_config(line, &cl, &c, &err), PS_OK);
    CHECK(c.mode == PS_WG_FLAT && c.flat_jobs == 2 && c.flat_jitter == 2 && c.flat_target[PS_WG_NODES] == 1);
    ps_calib_flags(&t, PS_WG_UNIFORM, line, sizeof line);
    CHECK(!strcmp(line, "--workload-gen uniform --wg-uniform-ranges4 0:4,2:2,1:1,4:4"));
    CHECK_INT(ps_calib_flags_config(line, &cl, &c, &err), PS_OK);
    CHECK(c.mode == PS_WG_UNIFORM && c.uniform_min_jobs == 0 && c.max_jobs == 4);
    /* a bad line is an error naming the flag */
    CHECK_INT(ps_calib_flags_config("--workload-gen poisson --wg-poisson-lambdas4 1,2", &cl, &c, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "--wg-poisson-lambdas4");
    ps_calib_log_free(&log);
    unlink(p);
}

/* Ten hours of 2 small jobs (1 h, 1 node, 2 cores); hour 3 brings 100 more,
 * hour 7 one heavy job (100 h, 4 nodes x 32 cores). */
static void test_bursts(void) {
    ps_config cl = ps_config_default();
    ps_error err;
    row r[200];
    int n = 0;
    for (int h = 0; h < 10; h++)
        for (int k = 0; k < (h == 3 ? 102 : 2); k++) r[n++] = (row){h, 1800, 2, 1};
    r[n++] = (row){7, 100 * 3600, 128, 4};
    char p[64];
    const char *paths[1] = {write_log(p, r, n)};
    ps_calib_log log;
    CHECK_INT(ps_calib_log_read(&log, paths, 1, &cl, &err), PS_OK);
    ps_calib_target t;
    CHECK_INT(ps_calib_target_of(&log, 1, &t, &err), PS_OK);
    const ps_calib_burst *s = &t.burst[PS_CALIB_SMALL], *h = &t.burst[PS_CALIB_HEAVY];
    CHECK(s->baseline == 2 && s->hours == 1 && s->excess == 100);
    CHECK_NEAR(s->prob, 100.0 / (10 * 400), 1e-15); /* bursts of 50..750 jobs, 400 on average */
    CHECK(h->baseline == 0 && h->hours == 1 && h->excess == 1);
    CHECK_NEAR(h->prob, 1.0 / (10 * 6.5), 1e-15); /* 1..12 jobs, 6.5 on average */
    CHECK_NEAR(t.count.mean, 2, 1e-12); /* the excess is the bursts' */
    CHECK_NEAR(t.count.var, 0, 1e-12);
    CHECK_NEAR(t.attr[PS_WG_DURATION].mean, 1, 0); /* base shapes: jobs outside burst hours */
    char line[512];
    ps_calib_flags(&t, PS_WG_POISSON, line, sizeof line);
    CHECK(!strcmp(line, "--workload-gen poisson --wg-poisson-lambdas4 2,0,0,0 --wg-uniform-ranges4 "
                        "0:1500,1:100,1:4,2:32 --wg-burst-small-prob 0.025 --wg-burst-heavy-prob 0.0153846"));
    ps_wg_config c;
    CHECK_INT(ps_calib_flags_config(line, &cl, &c, &err), PS_OK);
    CHECK(c.small.prob == 0.025 && c.heavy.prob == 0.0153846);
    /* without burst fitting the count carries everything: 121 jobs / 10 h */
    CHECK_INT(ps_calib_target_of(&log, 0, &t, &err), PS_OK);
    CHECK_NEAR(t.count.mean, 12.1, 1e-12);
    CHECK(t.burst[PS_CALIB_SMALL].prob == 0 && t.burst[PS_CALIB_HEAVY].prob == 0);
    ps_calib_log_free(&log);
    unlink(p);
}

static void test_lambda_and_ks(void) {
    /* E[max(X, 1)] = lambda + exp(-lambda) when hi is far */
    double lam = ps_calib_poisson_lambda(1.005, 1, 16);
    CHECK_NEAR(lam + exp(-lam), 1.005, 1e-9);
    CHECK_NEAR(lam, 0.10169, 1e-4);
    CHECK_NEAR(ps_calib_poisson_lambda(7.25, 0, 1000), 7.25, 1e-8); /* no clip: the mean */
    CHECK_NEAR(ps_calib_poisson_lambda(1, 1, 16), 0, 0);
    CHECK_NEAR(ps_calib_poisson_lambda(4, 4, 4), 4, 0);
    double a[4] = {4, 3, 2, 1}, b[4] = {3, 4, 5, 6};
    CHECK_NEAR(ps_calib_ks(a, 4, b, 4), 0.5, 1e-15);
    double c[3] = {1, 1, 1}, d[2] = {1, 1};
    CHECK_NEAR(ps_calib_ks(c, 3, d, 2), 0, 0);
    double e[1] = {0}, f[1] = {1};
    CHECK_NEAR(ps_calib_ks(e, 1, f, 1), 1, 0);
    double g[5] = {0, 0, 0, 0, 10}, k[2] = {0, 10};
    CHECK_NEAR(ps_calib_ks(g, 5, k, 2), 0.3, 1e-15);
}

/* A log drawn from the generator with `flags` for `hours` hours. */
static const char *drawn_log(char path[64], const char *flags, int hours) {
    ps_config cl = ps_config_default();
    ps_error err;
    ps_stream_source src = {.scale = 1.0};
    ps_job_stream s;
    if (ps_calib_flags_config(flags, &cl, &src.gen, &err) != PS_OK) exit(1);
    if (ps_job_stream_sample(&src, hours, 42, &s) != 0) exit(1);
    row *r = malloc((size_t)s.jobs.n * sizeof *r);
    for (int t = 0; t < hours; t++)
        for (int i = s.start[t]; i < s.start[t + 1]; i++)
            r[i] = (row){t, s.jobs.v[i].duration * 3600, s.jobs.v[i].nodes * s.jobs.v[i].cores, s.jobs.v[i].nodes};
    write_log(path, r, s.jobs.n);
    free(r);
    ps_job_stream_free(&s);
    return path;
}

static void calibrate(const char *path, ps_calib_result *res, ps_wg_config *best) {
    ps_config cl = ps_config_default();
    ps_error err;
    ps_calib_log log;
    const char *paths[1] = {path};
    ps_calib_options opt = {.mode = -1, .bursts = 1, .hours = 0, .seed = 7};
    CHECK_INT(ps_calib_log_read(&log, paths, 1, &cl, &err), PS_OK);
    CHECK_INT(ps_calibrate(&log, &opt, &cl, res, &err), PS_OK);
    CHECK_INT(ps_calib_flags_config(res->fit[res->best].flags, &cl, best, &err), PS_OK);
    CHECK_INT(res->sample_hours, 10 * log.stream.hours);
    ps_calib_log_free(&log);
}

static void test_choice(void) {
    ps_calib_result *res = malloc(sizeof *res);
    ps_wg_config c;
    char p[64];
    /* every hour 3 jobs of 2 h, 1 node, 4 cores: flat, exactly */
    row r[3 * 48];
    for (int i = 0; i < 3 * 48; i++) r[i] = (row){i / 3, 7200, 4, 1};
    calibrate(write_log(p, r, 3 * 48), res, &c);
    CHECK_INT(res->best, PS_WG_FLAT);
    CHECK(!strcmp(res->fit[PS_WG_FLAT].flags, "--workload-gen flat --wg-flat-targets4 3,2,1,4 --wg-flat-jitters4 "
                                              "0,0,0,0 --wg-uniform-ranges4 0:1500,2:2,1:1,4:4"));
    CHECK_NEAR(res->fit[PS_WG_FLAT].worst, 0, 0);
    CHECK(res->fit[PS_WG_POISSON].worst > 0.1);
    CHECK_NEAR(res->fit[PS_WG_FLAT].rows[0].mean, 3, 0); /* the sample's jobs/hour */
    unlink(p);

    /* drawn from poisson 6 jobs/h of 5 h, 3 nodes, 20 cores: found again */
    calibrate(drawn_log(p, "--workload-gen poisson --wg-poisson-lambdas4 6,5,3,20", 2000), res, &c);
    CHECK_INT(res->best, PS_WG_POISSON);
    CHECK_NEAR(c.lambda, 6, 0.25);
    CHECK_NEAR(c.lambda_attr[PS_WG_DURATION], 5, 0.1);
    CHECK_NEAR(c.lambda_attr[PS_WG_NODES], 3, 0.1);
    CHECK_NEAR(c.lambda_attr[PS_WG_CORES], 20, 0.2);
    CHECK(res->fit[PS_WG_POISSON].worst < 0.05);
    CHECK_NEAR(res->log_rows[0].mean, res->fit[PS_WG_POISSON].rows[0].mean, 0.15);
    unlink(p);

    /* drawn from uniform 0..20 jobs/h, 1..9 h, 1..4 nodes, 8..32 cores */
    calibrate(drawn_log(p, "--workload-gen uniform --wg-uniform-ranges4 0:20,1:9,1:4,8:32", 2000), res, &c);
    CHECK_INT(res->best, PS_WG_UNIFORM);
    CHECK(c.uniform_min_jobs >= 0 && c.uniform_min_jobs <= 1 && c.max_jobs >= 19 && c.max_jobs <= 21);
    CHECK(c.min[PS_WG_DURATION] == 1 && c.max[PS_WG_DURATION] == 9);
    CHECK(c.min[PS_WG_NODES] == 1 && c.max[PS_WG_NODES] == 4);
    CHECK(abs(c.min[PS_WG_CORES] - 8) <= 1 && abs(c.max[PS_WG_CORES] - 32) <= 1);
    CHECK(res->fit[PS_WG_UNIFORM].worst < 0.05);
    unlink(p);
    free(res);
}

int main(void) {
    test_read();
    test_errors();
    test_moments_and_flags();
    test_bursts();
    test_lambda_and_ks();
    test_choice();
    return check_summary("test_calibrate");
}
