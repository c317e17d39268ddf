/* test_job_stream - `workloadgen inspect`'s library: a stream sampled hour by
 * hour (same seed, same stream; another seed, another), the statistics of a
 * hand-built stream, and the plot data files. */
#include <stdlib.h>

#include "check.h"
#include "powersched/io.h"
#include "powersched/job_stream.h"

/* Hour 0: jobs (2 h, 1 node, 4 cores), (4 h, 2 nodes, 8 cores); hour 1: none;
 * hour 2: (6 h, 3 nodes, 12 cores). */
static void hand_stream(ps_job_stream *s) {
    memset(s, 0, sizeof *s);
    s->hours = 3;
    s->start = malloc(4 * sizeof *s->start);
    int start[4] = {0, 2, 2, 3};
    memcpy(s->start, start, sizeof start);
    for (int k = 1; k <= 3; k++) ps_joblist_push(&s->jobs, (ps_job){2 * k, 0, k, 4 * k});
}

static void test_stats(void) {
    ps_job_stream s;
    hand_stream(&s);
    ps_dist_row r[PS_STREAM_ROWS];
    CHECK_INT(ps_job_stream_stats(&s, r), 0);
    CHECK(!strcmp(r[0].name, "jobs/hour") && r[0].n == 3);
    CHECK_NEAR(r[0].mean, 1, 1e-12);
    CHECK_NEAR(r[0].q[6], 2, 0); /* max */
    CHECK_NEAR(r[1].mean, (2 + 8 + 18) / 3.0, 1e-12);             /* node-hours per hour */
    CHECK_NEAR(r[2].mean, (2 * 4 + 8 * 8 + 18 * 12) / 3.0, 1e-12); /* core-hours per hour */
    CHECK(!strcmp(r[3].name, "duration (h)") && r[3].n == 3);
    CHECK_NEAR(r[3].mean, 4, 1e-12);
    CHECK_NEAR(r[3].std, sqrt(8.0 / 3), 1e-12); /* population std */
    CHECK_NEAR(r[3].q[3], 4, 0);                /* median */
    CHECK_NEAR(r[5].q[0], 4, 0);                /* fewest cores */
    char *text;
    size_t size;
    FILE *fp = open_memstream(&text, &size);
    ps_dist_rows_print(fp, r, PS_STREAM_ROWS);
    fclose(fp);
    CHECK_STR_CONTAINS(text, "  duration (h)              3       4.00       1.63       2.0");
    free(text);
    /* the plot data: hourly arrivals and a histogram per attribute */
    char dir[] = "/tmp/test_job_stream_XXXXXX", path[128];
    if (!mkdtemp(dir)) exit(1);
    setenv("PATH", "/nonexistent", 1); /* the script only: no gnuplot run here */
    int png = -1;
    ps_error err;
    CHECK_INT(ps_job_stream_plot(dir, "x", "a \"title\"", &s, &png, &err), PS_OK);
    CHECK_INT(png, 0);
    const char *files[5][2] = {{"x_hourly.dat", "# hour jobs core_hours\n0 2 72\n1 0 0\n2 1 216\n"},
                               {"x_duration.dat", "# value jobs\n2 1\n4 1\n6 1\n"},
                               {"x_nodes.dat", "# value jobs\n1 1\n2 1\n3 1\n"},
                               {"x_cores.dat", "# value jobs\n4 1\n8 1\n12 1\n"},
                               {"x.gp", "set multiplot layout 3,2 title 'a \"title\"'\n"}};
    snprintf(path, sizeof path, "%s/x.gp", dir);
    char *gp = ps_read_text(path, &err);
    CHECK(gp && strstr(gp, " noenhanced\n")); /* titles drawn literally: e0.7_p0.2 has no subscripts */
    free(gp);
    for (int k = 0; k < 5; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[k][0]);
        char *got = ps_read_text(path, &err);
        CHECK(got && strstr(got, files[k][1]));
        free(got);
        unlink(path);
    }
    CHECK(rmdir(dir) == 0);
    ps_job_stream_free(&s);
}

static void test_sampling(void) {
    ps_stream_source src = {.gen = ps_wg_config_default(PS_WG_POISSON), .scale = 1.0};
    ps_config cluster = ps_config_default();
    ps_error err;
    src.gen.lambda = 20;
    CHECK_INT(ps_wg_config_check(&src.gen, &cluster, &err), PS_OK);
    ps_job_stream a, b, c;
    CHECK_INT(ps_job_stream_sample(&src, 48, 7, &a), 0);
    CHECK_INT(ps_job_stream_sample(&src, 48, 7, &b), 0);
    CHECK_INT(ps_job_stream_sample(&src, 48, 8, &c), 0);
    CHECK(a.hours == 48 && a.start[48] == a.jobs.n && a.jobs.n > 0);
    CHECK(ps_job_stream_equal(&a, &b) && ps_job_stream_digest(&a) == ps_job_stream_digest(&b));
    CHECK(!ps_job_stream_equal(&a, &c) && ps_job_stream_digest(&a) != ps_job_stream_digest(&c));
    ps_job_stream_free(&a);
    ps_job_stream_free(&b);
    ps_job_stream_free(&c);
}

int main(void) {
    test_stats();
    test_sampling();
    return check_summary("test_job_stream");
}
