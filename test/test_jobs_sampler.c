/* test_jobs_sampler.c - the sacct reader (spec 8.2), the aggregation into
 * hourly templates (8.3) and the three replay modes (8.4): the two-bin oracle
 * of spec 8.4 on our own fixture, errors naming file:line, and the real log's
 * figures (spec 17.2) when ../shared/data is present. */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "powersched/workload.h"

static const char *shared_dir, *fixtures;

static const char *write_temp(const char *text) {
    static char path[64];
    return check_temp_file(path, "ps_sacct_", text);
}

static int list_is(const ps_joblist *l, int n, const int (*want)[3]) {
    if (l->n != n) return 0;
    for (int i = 0; i < n; i++)
        if (l->v[i].duration != want[i][0] || l->v[i].age != 0 || l->v[i].nodes != want[i][1] ||
            l->v[i].cores != want[i][2])
            return 0;
    return 1;
}

static void print_list(const char *what, const ps_joblist *l) {
    fprintf(stderr, "  %s:", what);
    for (int i = 0; i < l->n; i++) fprintf(stderr, " (%dh,%d,%d)", l->v[i].duration, l->v[i].nodes, l->v[i].cores);
    fprintf(stderr, "\n");
}

/* Next bin of s into a fresh list, compared with want. */
static void expect_next(const ps_jobs_sampler *s, int *pos, int n, const int (*want)[3]) {
    ps_joblist l = {0};
    CHECK_INT(ps_jobs_sampler_next(s, pos, &l), 0);
    int ok = list_is(&l, n, want);
    CHECK(ok);
    if (!ok) print_list("got", &l);
    ps_joblist_free(&l);
}

/* ------------------------------------------------- the 8.4 oracle */

static const int RAW1[3][3] = {{1, 2, 8}, {1, 2, 8}, {2, 1, 8}};
static const int RAW2[2][3] = {{1, 4, 8}, {1, 1, 96}};
static const int TPL1[2][3] = {{1, 1, 16}, {2, 1, 8}};
static const int TPL2[2][3] = {{1, 1, 48}, {1, 4, 8}};

static void test_two_bins(void) {
    char path[4096];
    snprintf(path, sizeof path, "%s/two_bins.log", fixtures);
    ps_error err = {{0}};

    /* the reader: file order, derived fields of spec 8.2 */
    ps_sacct_log log;
    CHECK_INT(ps_sacct_read(path, &log, &err), PS_OK);
    CHECK_INT(log.n, 5);
    if (log.n == 5) {
        CHECK_INT(log.jobs[0].submit, 484600LL * 3600 + 5 * 60);
        CHECK_INT(log.jobs[0].date, 20250413);
        CHECK_INT(log.jobs[0].hour, 16);
        CHECK_INT(log.jobs[0].cores_per_node, 8);
        CHECK_INT(log.jobs[0].duration_min, 30);
        CHECK_INT(log.jobs[1].nnodes, 4);
        CHECK_INT(log.jobs[1].ncpus, 32);
        CHECK_INT(log.jobs[1].duration_min, 60);
        CHECK_INT(log.jobs[3].submit, 484600LL * 3600 + 3599);
        CHECK_INT(log.jobs[3].elapsed_s, 7200);
        CHECK_INT(log.jobs[3].duration_min, 120);
    }
    ps_sacct_free(&log);

    /* raw replay: bins in UTC hours, jobs in file order within a bin */
    ps_jobs_sampler s;
    int pos = 0;
    CHECK_INT(ps_jobs_sampler_create(&s, path, PS_REPLAY_EXACT, &err), PS_OK);
    CHECK_INT(s.n_bins, 3); /* two hours and the empty trailing bin */
    CHECK_INT(s.first_hour, 484600);
    CHECK_INT(ps_jobs_sampler_pass_jobs(&s), 5);
    CHECK_INT(s.max_raw_per_bin, 3);
    for (int pass = 0; pass < 2; pass++) {
        expect_next(&s, &pos, 3, RAW1);
        expect_next(&s, &pos, 2, RAW2);
        expect_next(&s, &pos, 0, NULL);
    }
    CHECK_INT(pos, 0);
    ps_jobs_sampler_free(&s);

    /* template replay: bin 1 -> (1 h, 1 x 16) for the two 30-min jobs (16
     * core-hours) and (2 h, 1 x 8); bin 2 sorted by core-minutes */
    pos = 0;
    CHECK_INT(ps_jobs_sampler_create(&s, path, PS_REPLAY_TEMPLATES, &err), PS_OK);
    CHECK_INT(ps_jobs_sampler_pass_jobs(&s), 4);
    CHECK_INT(s.max_jobs_per_bin, 2);
    CHECK_INT(s.max_templates_per_bin, 2);
    for (int pass = 0; pass < 2; pass++) {
        expect_next(&s, &pos, 2, TPL1);
        expect_next(&s, &pos, 2, TPL2);
        expect_next(&s, &pos, 0, NULL);
    }
    ps_jobs_sampler_free(&s);

    /* exact-replay aggregate == template replay */
    pos = 0;
    CHECK_INT(ps_jobs_sampler_create(&s, path, PS_REPLAY_EXACT_AGGREGATE, &err), PS_OK);
    CHECK_INT(ps_jobs_sampler_pass_jobs(&s), 4);
    expect_next(&s, &pos, 2, TPL1);
    expect_next(&s, &pos, 2, TPL2);
    expect_next(&s, &pos, 0, NULL);
    expect_next(&s, &pos, 2, TPL1);
    ps_jobs_sampler_free(&s);

    /* core-hours: templates keep the true 32 core-hours of bin 1 */
    ps_template *t = NULL;
    int nt = 0, cap = 0;
    CHECK_INT(ps_sacct_read(path, &log, &err), PS_OK);
    ps_sacct_job bin1[3] = {log.jobs[0], log.jobs[2], log.jobs[3]};
    CHECK_INT(ps_jobs_to_templates(bin1, 3, 96, 16, &t, &nt, &cap), 2);
    int64_t ch = 0;
    for (int i = 0; i < nt; i++) ch += (int64_t)t[i].duration_h * t[i].nodes * t[i].cores * t[i].instances;
    CHECK_INT(ch, 32);
    free(t);
    ps_sacct_free(&log);
}

/* --------------------------------------------- aggregation rules (8.3) */

static ps_sacct_job sj(int nnodes, int ncpus, int minutes) {
    ps_sacct_job j;
    memset(&j, 0, sizeof j);
    j.nnodes = nnodes;
    j.ncpus = ncpus;
    j.cores_per_node = nnodes > 0 ? ncpus / nnodes : 0;
    j.duration_min = minutes;
    j.elapsed_s = (int64_t)minutes * 60;
    return j;
}

static int tpl_is(const ps_template *t, int d, int n, int c, int inst) {
    return t->duration_h == d && t->nodes == n && t->cores == c && t->instances == inst;
}

static void test_templates(void) {
    ps_template *t = NULL;
    int nt = 0, cap = 0;
    /* 100 sub-hour 96-core jobs: 9440 core-hours, capped at 16 x 96 */
    ps_sacct_job big[100];
    for (int i = 0; i < 100; i++) big[i] = sj(1, 96, 59);
    CHECK_INT(ps_jobs_to_templates(big, 100, 96, 16, &t, &nt, &cap), 1);
    CHECK(tpl_is(&t[0], 1, 16, 96, 1));
    /* 3 x (1 node, 90 cores, 50 min) = 225 core-hours -> 3 nodes x 75 cores */
    ps_sacct_job mid[3] = {sj(1, 90, 50), sj(1, 90, 50), sj(1, 90, 50)};
    CHECK_INT(ps_jobs_to_templates(mid, 3, 96, 16, &t, &nt, &cap), 1);
    CHECK(tpl_is(&t[1], 1, 3, 75, 1));
    /* NCPUS 0: a sub-hour group becomes 1 node x 1 core; a long one clamps cores to 1 */
    ps_sacct_job zero[4] = {sj(1, 0, 10), sj(1, 0, 10), sj(20, 0, 61), sj(20, 0, 61)};
    CHECK_INT(ps_jobs_to_templates(zero, 4, 96, 16, &t, &nt, &cap), 2);
    /* both groups have 0 core-minutes: first appearance order is kept */
    CHECK(tpl_is(&t[2], 1, 1, 1, 1));
    CHECK(tpl_is(&t[3], 2, 16, 1, 2)); /* 61 min -> 2 h, 20 nodes -> 16, one arrival per job */
    /* exact triple grouping; stable sort by core-minutes descending */
    ps_sacct_job mix[6] = {sj(1, 2, 120), sj(1, 2, 121), sj(1, 2, 120), sj(2, 192, 600), sj(1, 4, 60), sj(1, 4, 60)};
    int before = nt;
    CHECK_INT(ps_jobs_to_templates(mix, 6, 96, 16, &t, &nt, &cap), 4);
    /* core-minutes: (2,96,600)=115200, (1,2,120)x2=480, (1,4,60)x2=480, (1,2,121)=242 */
    CHECK(tpl_is(&t[before + 0], 10, 2, 96, 1));
    CHECK(tpl_is(&t[before + 1], 2, 1, 2, 2));
    CHECK(tpl_is(&t[before + 2], 1, 1, 4, 2));
    CHECK(tpl_is(&t[before + 3], 3, 1, 2, 1));
    /* no jobs, no templates */
    CHECK_INT(ps_jobs_to_templates(mix, 0, 96, 16, &t, &nt, &cap), 0);
    CHECK_INT(nt, before + 4);
    free(t);
}

/* ---------------------------------------------------------------- errors */

static const char HEADER[] = "JobID User Partition Submit Start End ElapsedRaw NCPUS NNodes\n"
                             "----- ---- --------- ------ ----- --- ---------- ----- ------\n";
static const char GOOD[] = "1 u gpu 2025-04-13T16:05:00 Unknown Unknown 1800 16 2\n";

static void expect_log_error(const char *rows, const char *line, const char *word) {
    char text[2048];
    snprintf(text, sizeof text, "%s%s", HEADER, rows);
    const char *path = write_temp(text);
    ps_error err = {{0}};
    ps_sacct_log log;
    CHECK_INT(ps_sacct_read(path, &log, &err), PS_ERR);
    CHECK(log.jobs == NULL && log.n == 0);
    CHECK_STR_CONTAINS(err.msg, path);
    if (line) {
        char want[128];
        snprintf(want, sizeof want, "%s:%s", path, line);
        CHECK_STR_CONTAINS(err.msg, want);
    }
    if (word) CHECK_STR_CONTAINS(err.msg, word);
    /* the sampler reports the same error and leaks nothing */
    ps_jobs_sampler s;
    ps_error err2 = {{0}};
    CHECK_INT(ps_jobs_sampler_create(&s, path, PS_REPLAY_TEMPLATES, &err2), PS_ERR);
    CHECK_STR_CONTAINS(err2.msg, path);
    unlink(path);
}

static void test_errors(void) {
    char rows[1024];
    /* wrong field count */
    snprintf(rows, sizeof rows, "%s2 u gpu 2025-04-13T16:05:00 1800 16\n", GOOD);
    expect_log_error(rows, "4", NULL);
    expect_log_error("1 u gpu\n", "3", NULL);
    /* bad Submit */
    expect_log_error("1 u gpu yesterday Unknown Unknown 1800 16 2\n", "3", "Submit");
    expect_log_error("1 u gpu 2025-13-13T16:05:00 Unknown Unknown 1800 16 2\n", "3", "Submit");
    expect_log_error("1 u gpu 2025-04-13 Unknown Unknown 1800 16 2\n", "3", "Submit");
    expect_log_error("1 u gpu 2025-04-13T25:05:00 Unknown Unknown 1800 16 2\n", "3", "Submit");
    /* negative or non-numeric counts */
    expect_log_error("1 u gpu 2025-04-13T16:05:00 Unknown Unknown -5 16 2\n", "3", "ElapsedRaw");
    expect_log_error("1 u gpu 2025-04-13T16:05:00 Unknown Unknown abc 16 2\n", "3", "ElapsedRaw");
    expect_log_error("1 u gpu 2025-04-13T16:05:00 Unknown Unknown 1.5 16 2\n", "3", "ElapsedRaw");
    expect_log_error("1 u gpu 2025-04-13T16:05:00 Unknown Unknown 1800 x 2\n", "3", "NCPUS");
    expect_log_error("1 u gpu 2025-04-13T16:05:00 Unknown Unknown 1800 -16 2\n", "3", "NCPUS");
    expect_log_error("1 u gpu 2025-04-13T16:05:00 Unknown Unknown 1800 16 -1\n", "3", "NNodes");
    expect_log_error("1 u gpu 2025-04-13T16:05:00 Unknown Unknown 1800 16 two\n", "3", "NNodes");
    /* blank lines and dash lines are skipped but still counted as lines */
    snprintf(rows, sizeof rows, "%s\n-----\n1 u gpu 2025-04-13T16:05:00 Unknown Unknown 1800 16 zz\n", GOOD);
    expect_log_error(rows, "6", "NNodes");
    /* header only, and an empty file */
    expect_log_error("", NULL, NULL);
    expect_log_error("\n\n", NULL, NULL);
    ps_error err = {{0}};
    ps_sacct_log log;
    const char *path = write_temp("");
    CHECK_INT(ps_sacct_read(path, &log, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, path);
    unlink(path);
    CHECK_INT(ps_sacct_read("/nonexistent/jobs.log", &log, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "/nonexistent/jobs.log");

    /* what is accepted: NNodes 0 (cores 0), ElapsedRaw 0 (1 minute), extra spaces */
    snprintf(rows, sizeof rows, "%s  7  u  gpu   2025-04-13T18:00:00  a  b   0  8  0  \n", HEADER);
    path = write_temp(rows);
    CHECK_INT(ps_sacct_read(path, &log, &err), PS_OK);
    CHECK_INT(log.n, 1);
    if (log.n == 1) {
        CHECK_INT(log.jobs[0].cores_per_node, 0);
        CHECK_INT(log.jobs[0].duration_min, 1);
        CHECK_INT(log.jobs[0].hour, 18);
    }
    ps_sacct_free(&log);
    unlink(path);
}

/* ------------------------------------------------------- the real log */

static int lists_equal(const ps_joblist *a, const ps_joblist *b) {
    return a->n == b->n && memcmp(a->v, b->v, (size_t)a->n * sizeof *a->v) == 0;
}

static void test_real_log(void) {
    char path[4096];
    snprintf(path, sizeof path, "%s/data/allusers-gpu-30.log", shared_dir);
    if (access(path, R_OK) != 0) {
        printf("test_jobs_sampler: SKIP real-log checks: %s is absent\n", path);
        return;
    }
    ps_error err = {{0}};
    ps_jobs_sampler raw, tpl, agg;
    int pos_r = 0, pos_t = 0, pos_a = 0;
    CHECK_INT(ps_jobs_sampler_create(&raw, path, PS_REPLAY_EXACT, &err), PS_OK);
    CHECK_INT(ps_jobs_sampler_create(&tpl, path, PS_REPLAY_TEMPLATES, &err), PS_OK);
    CHECK_INT(ps_jobs_sampler_create(&agg, path, PS_REPLAY_EXACT_AGGREGATE, &err), PS_OK);
    if (raw.n_bins == 0 || tpl.n_bins == 0 || agg.n_bins == 0) {
        fprintf(stderr, "%s\n", err.msg);
        CHECK(0);
        return;
    }
    CHECK_INT(raw.log.n, 3319);
    CHECK_INT(raw.n_bins, 789);
    CHECK_INT(raw.first_hour, 484600); /* 2025-04-13 16:00 UTC */
    int non_empty = 0;
    for (int b = 0; b < raw.n_bins; b++) non_empty += raw.bin_start[b + 1] > raw.bin_start[b];
    CHECK_INT(non_empty, 95);
    CHECK_INT(raw.bin_start[raw.n_bins] - raw.bin_start[raw.n_bins - 1], 0); /* trailing bin */
    CHECK_INT(ps_jobs_sampler_pass_jobs(&raw), 3319);
    CHECK_INT(ps_jobs_sampler_pass_jobs(&tpl), 1058);
    CHECK_INT(ps_jobs_sampler_pass_jobs(&agg), 1058);
    CHECK_INT(raw.max_raw_per_bin, 2037);
    CHECK_INT(tpl.max_jobs_per_bin, 527);
    CHECK_INT(tpl.max_templates_per_bin, 88);

    /* one full pass of each mode, then the wrap */
    ps_joblist lr = {0}, lt = {0}, la = {0}, first_r = {0}, first_t = {0};
    int64_t n_raw = 0, n_tpl = 0, nodes1 = 0, nodes2 = 0, nodes4 = 0, cores1 = 0;
    int max_raw = 0, agg_diff = 0, max_d = 0, bad_shape = 0;
    for (int b = 0; b < 789; b++) {
        lr.n = lt.n = la.n = 0;
        ps_jobs_sampler_next(&raw, &pos_r, &lr);
        ps_jobs_sampler_next(&tpl, &pos_t, &lt);
        ps_jobs_sampler_next(&agg, &pos_a, &la);
        if (b == 0) {
            for (int i = 0; i < lr.n; i++) ps_joblist_push(&first_r, lr.v[i]);
            for (int i = 0; i < lt.n; i++) ps_joblist_push(&first_t, lt.v[i]);
        }
        n_raw += lr.n;
        n_tpl += lt.n;
        if (lr.n > max_raw) max_raw = lr.n;
        agg_diff += !lists_equal(&lt, &la);
        for (int i = 0; i < lr.n; i++) {
            const ps_job *j = &lr.v[i];
            nodes1 += j->nodes == 1;
            nodes2 += j->nodes == 2;
            nodes4 += j->nodes == 4;
            cores1 += j->cores == 1;
            if (j->duration > max_d) max_d = j->duration;
            bad_shape += j->duration < 1 || j->nodes < 1 || j->nodes > 16 || j->cores < 1 || j->cores > 96;
        }
        for (int i = 0; i < lt.n; i++) {
            const ps_job *j = &lt.v[i];
            if (j->duration > max_d) max_d = j->duration;
            bad_shape += j->duration < 1 || j->nodes < 1 || j->nodes > 16 || j->cores < 1 || j->cores > 96;
        }
    }
    CHECK_INT(n_raw, 3319);
    CHECK_INT(n_tpl, 1058);
    CHECK_INT(max_raw, 2037);
    CHECK_INT(agg_diff, 0);
    CHECK_INT(nodes1, 3311);
    CHECK_INT(nodes2, 3);
    CHECK_INT(nodes4, 5);
    CHECK_INT(cores1, 10); /* the NCPUS = 0 rows, clamped to 1 core */
    CHECK_INT(max_d, 169);
    CHECK_INT(bad_shape, 0);
    CHECK_INT(pos_r, 0);
    lr.n = lt.n = 0;
    ps_jobs_sampler_next(&raw, &pos_r, &lr);
    ps_jobs_sampler_next(&tpl, &pos_t, &lt);
    CHECK(lists_equal(&lr, &first_r));
    CHECK(lists_equal(&lt, &first_t));
    CHECK(first_r.n > 0);
    ps_joblist_free(&lr);
    ps_joblist_free(&lt);
    ps_joblist_free(&la);
    ps_joblist_free(&first_r);
    ps_joblist_free(&first_t);
    ps_jobs_sampler_free(&raw);
    ps_jobs_sampler_free(&tpl);
    ps_jobs_sampler_free(&agg);
}

int main(int argc, char **argv) {
    shared_dir = argc > 1 ? argv[1] : "../shared";
    fixtures = argc > 2 ? argv[2] : "test/fixtures";
    test_two_bins();
    test_templates();
    test_errors();
    test_real_log();
    return check_summary("test_jobs_sampler");
}
