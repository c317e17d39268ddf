/* test_readers - every reader of user files against the silent misreads and
 * endless inputs of issue 13: prices (quoted decimal commas, extra fields,
 * hex, out-of-range values, ';' files), sacct logs (columns by header name,
 * --parsable2, job steps, no header, impossible dates, huge ElapsedRaw),
 * actions (long lines, values past int), durations (BOM), and the bounded
 * line reader (NUL bytes, /dev/zero, overlong lines). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "powersched/fixed_policy.h"
#include "powersched/price_file.h"
#include "powersched/text_lines.h"
#include "powersched/workload.h"

static char tmp_path[64];

static const char *write_temp(const char *text, size_t len) {
    snprintf(tmp_path, sizeof tmp_path, "/tmp/test_readers_XXXXXX");
    int fd = mkstemp(tmp_path);
    if (fd < 0 || write(fd, text, len) != (ssize_t)len) exit(1);
    close(fd);
    return tmp_path;
}
#define TEMP(text) write_temp(text, sizeof text - 1)

/* Loads a price file; returns the count (or -1 with err). */
static int prices(const char *path, float *first, ps_error *err) {
    float *v = NULL;
    size_t n = 0;
    int rc = ps_prices_load_csv(path, &v, &n, err);
    if (rc == PS_OK && first) *first = v[0];
    free(v);
    unlink(path);
    return rc == PS_OK ? (int)n : -1;
}

static void test_prices(void) {
    ps_error err;
    float p = 0;
    CHECK_INT(prices(TEMP("Date,Price\nx,\"61,72\"\n"), &p, &err), 1); /* a quoted decimal comma */
    CHECK(p == 61.72f);
    CHECK_INT(prices(TEMP("Date,Price\nx,1,234.5\n"), &p, &err), -1);
    CHECK_STR_CONTAINS(err.msg, ":2: expected 2 ','-separated fields as in the header, found 3");
    CHECK_INT(prices(TEMP("Date,Price\nx,0x3d\n"), &p, &err), -1);
    CHECK_STR_CONTAINS(err.msg, ":2: price '0x3d' is not a number");
    CHECK_INT(prices(TEMP("Date,Price\nx,3e38\n"), &p, &err), -1);
    CHECK_STR_CONTAINS(err.msg, "beyond +-100000 EUR/MWh");
    CHECK_INT(prices(TEMP("Date,Price\nx,-3e38\n"), &p, &err), -1);
    CHECK_INT(prices(TEMP("Date,Price\nx,infinity\n"), &p, &err), -1);
    CHECK_INT(prices(TEMP("Date,Price\nx,1e5\nx,-1e5\n"), &p, &err), 2); /* the bounds themselves */
    /* the German export: ';' and decimal commas */
    CHECK_INT(prices(TEMP("Date;Price\n2023-01-01 00:00;-5,17\n2023-01-01 01:00;-1,07\n"), &p, &err), 2);
    CHECK(p == -5.17f);
    /* the column by name, in any position; a single column */
    CHECK_INT(prices(TEMP("Area,Day-ahead Price [EUR/MWh],Date\nDE,12.5,x\n"), &p, &err), 1);
    CHECK(p == 12.5f);
    CHECK_INT(prices(TEMP("price,date,area\n7,x,DE\n"), &p, &err), 1);
    CHECK(p == 7.0f);
    CHECK_INT(prices(TEMP("Price\n3\n4\n"), &p, &err), 2);
    CHECK(p == 3.0f);
    CHECK_INT(prices(TEMP("a,b,c\n1,2,3\n"), &p, &err), -1);
    CHECK_STR_CONTAINS(err.msg, ":1: which column is the price?");
    CHECK_INT(prices(TEMP("5\n6\n"), &p, &err), -1); /* headerless single column */
    CHECK_STR_CONTAINS(err.msg, ":1: expected a header line");
}

/* Loads with options; returns the count (or -1), values in v (freed here
 * into out[0..3]). */
static int prices_opt(const char *path, const char *column, int fill, float out[4], ps_price_report *rep,
                      ps_error *err) {
    ps_price_options o = {column, fill};
    float *v = NULL;
    size_t n = 0;
    int rc = ps_prices_load(path, &o, &v, &n, rep, err);
    for (size_t i = 0; rc == PS_OK && i < n && i < 4; i++) out[i] = v[i];
    free(v);
    return rc == PS_OK ? (int)n : -1;
}

/* Timed rows: 15-minute rows averaged, gaps and repeated hours reported (or
 * filled), ENTSO-E and Energy-Charts files, the one-row-per-hour reading. */
static void test_timed_prices(void) {
    ps_error err;
    ps_price_report rep;
    float v[4] = {0};
    const char *path = TEMP("Date,Price\n2025-10-01T00:00+02:00,10\n2025-10-01T00:15+02:00,20\n"
                            "2025-10-01T00:30+02:00,30\n2025-10-01T00:45+02:00,40\n2025-10-01T01:00+02:00,5\n"
                            "2025-10-01T01:15+02:00,6\n");
    CHECK_INT(prices_opt(path, NULL, 0, v, &rep, &err), 2);
    CHECK(v[0] == 25.0f && v[1] == 5.5f);
    CHECK_INT(rep.rows_per_hour, 4);
    CHECK_INT(rep.rows, 6);
    unlink(path);
    path = TEMP("Date;Price\n2023-01-01 00:00;1\n2023-01-01 01:00;2\n2023-01-01 03:00;4\n");
    CHECK_INT(prices_opt(path, NULL, 0, v, &rep, &err), -1);
    CHECK_STR_CONTAINS(err.msg, ":4: no price for the hour of 2023-01-01 02:00 UTC (1 hour missing there); "
                                "--price-gaps fill carries the last price forward");
    CHECK_INT(prices_opt(path, NULL, 1, v, &rep, &err), 4);
    CHECK(v[0] == 1 && v[1] == 2 && v[2] == 2 && v[3] == 4);
    CHECK_INT(rep.filled, 1);
    unlink(path);
    path = TEMP("Date,Price\n2023-01-01T00:00Z,1\n2023-01-01T01:00Z,2\n2023-01-01T01:00Z,9\n2023-01-01T02:00Z,3\n");
    CHECK_INT(prices_opt(path, NULL, 0, v, &rep, &err), -1);
    CHECK_STR_CONTAINS(err.msg, ":4: the same time as line 3 (a duplicate hour?");
    CHECK_INT(prices_opt(path, NULL, 1, v, &rep, &err), 3);
    CHECK(v[1] == 2 && v[2] == 3);
    CHECK_INT(rep.duplicates, 1);
    unlink(path);
    /* one row per hour spanned: read in order even where a time is off (the
     * public 2023 file's 03:00+00:00 row) */
    CHECK_INT(prices_opt(TEMP("Date,Price\n2023-02-26T02:00+01:00,1\n2023-02-26T03:00+00:00,2\n"
                              "2023-02-26T04:00+01:00,3\n2023-02-26T05:00+01:00,4\n2023-02-26T06:00+01:00,5\n"),
                         NULL, 0, v, &rep, &err), 5);
    CHECK(v[0] == 1 && v[1] == 2 && v[2] == 3 && v[3] == 4);
    CHECK_INT(rep.irregular, 2);
    CHECK_INT(rep.first_irregular, 3);
    CHECK_INT(prices_opt(TEMP("Date,Price\n2023-01-01T02:00Z,1\n2023-01-01T01:00Z,2\n"), NULL, 0, v, &rep, &err), -1);
    CHECK_STR_CONTAINS(err.msg, ":3: time goes backwards");
    CHECK_INT(prices_opt(TEMP("Date,Price\n2023-01-01T02:00Z,1\nlater,2\n"), NULL, 0, v, &rep, &err), -1);
    CHECK_STR_CONTAINS(err.msg, ":3: no time like the first row's");
    /* ENTSO-E: MTU intervals, "n/e" for a missing price, the day-ahead column */
    path = TEMP("\"MTU (CET/CEST)\",\"Day-ahead Price [EUR/MWh]\"\n\"01.01.2023 00:00 - 01.01.2023 01:00\",\"-5.17\"\n"
                "\"01.01.2023 01:00 - 01.01.2023 02:00\",\"n/e\"\n\"01.01.2023 02:00 - 01.01.2023 03:00\",\"3\"\n");
    CHECK_INT(prices_opt(path, NULL, 0, v, &rep, &err), -1);
    CHECK_STR_CONTAINS(err.msg, "no price for the hour of 2023-01-01 01:00 UTC");
    CHECK_INT(prices_opt(path, NULL, 1, v, &rep, &err), 3);
    CHECK(v[0] == -5.17f && v[1] == -5.17f && v[2] == 3.0f);
    unlink(path);
    CHECK_INT(prices_opt(TEMP("\"MTU (CET/CEST)\",\"Area\",\"Sequence\",\"Day-ahead Price (EUR/MWh)\",\"Intraday Price "
                              "(EUR/MWh)\"\n\"01/01/2025 00:00:00 - 01/01/2025 01:00:00\",\"BZN|DE-LU\",\"x\",\"7.5\",\"\"\n"),
                         NULL, 0, v, &rep, &err), 1);
    CHECK(v[0] == 7.5f);
    CHECK_INT(prices_opt(TEMP("time,spot,eur\n2023-01-01T00:00Z,1,2\n"), "eur", 0, v, &rep, &err), 1);
    CHECK(v[0] == 2.0f);
    CHECK_INT(prices_opt(TEMP("time,spot,eur\n2023-01-01T00:00Z,1,2\n"), "EURO", 0, v, &rep, &err), -1);
    CHECK_STR_CONTAINS(err.msg, ":1: no column named 'EURO' (--price-column)");
    /* Energy-Charts JSON */
    path = TEMP("{\"license_info\": \"CC BY 4.0\", \"unix_seconds\": [1672527600, 1672531200, 1672534800],\n"
                " \"price\": [-5.17, null, 3.0], \"unit\": \"EUR / MWh\", \"deprecated\": false}\n");
    CHECK_INT(prices_opt(path, NULL, 0, v, &rep, &err), -1);
    CHECK_STR_CONTAINS(err.msg, ": entry 1: no price for the hour of 2023-01-01 00:00 UTC");
    CHECK_INT(prices_opt(path, NULL, 1, v, &rep, &err), 3);
    CHECK(v[0] == -5.17f && v[1] == -5.17f && v[2] == 3.0f);
    unlink(path);
    CHECK_INT(prices_opt(TEMP("{\"unix_seconds\": [1, 2], \"price\": [1]}"), NULL, 0, v, &rep, &err), -1);
    CHECK_STR_CONTAINS(err.msg, "\"unix_seconds\" has 2 entries, \"price\" 1");
    CHECK_INT(prices_opt(TEMP("{\"unix_seconds\": [0], \"price\": [\"x\"]}"), NULL, 0, v, &rep, &err), -1);
    CHECK_STR_CONTAINS(err.msg, "price[0] is not a number");
    CHECK_INT(prices_opt(TEMP("{\"unix_seconds\": [0], "), NULL, 0, v, &rep, &err), -1);
    CHECK_STR_CONTAINS(err.msg, "not valid JSON");
    /* times themselves */
    int64_t t;
    CHECK_INT(ps_price_parse_time("2023-01-01T00:00+01:00", &t), 0);
    CHECK_INT(t, 1672527600);
    CHECK_INT(ps_price_parse_time("2023-01-01 00:00:00.000-0130", &t), 0);
    CHECK_INT(t, 1672536600);
    CHECK_INT(ps_price_parse_time("31.12.2023 23:00 - 01.01.2024 00:00", &t), 0);
    CHECK_INT(t, 1704063600);
    CHECK_INT(ps_price_parse_time("2023-02-29 00:00", &t), -1);
    CHECK_INT(ps_price_parse_time("2023-01-01T24:00", &t), -1);
    CHECK_INT(ps_price_parse_time("2023-01-01", &t), -1);
}

static int sacct(const char *path, ps_sacct_log *log, ps_error *err) {
    int rc = ps_sacct_read(path, log, err);
    unlink(path);
    return rc;
}

#define HDR "JobID User Partition Submit Start End ElapsedRaw NCPUS NNodes\n----- ---- --------- ------ ----- --- ---------- ----- ------\n"

static void test_sacct(void) {
    ps_sacct_log log;
    ps_error err;
    /* columns in another order are read by name */
    CHECK_INT(sacct(TEMP("NNodes NCPUS ElapsedRaw Submit JobID\n------\n2 64 7200 2024-01-01T05:10:00 11\n"), &log,
                    &err), PS_OK);
    CHECK_INT(log.n, 1);
    if (log.n == 1) {
        CHECK_INT(log.jobs[0].nnodes, 2);
        CHECK_INT(log.jobs[0].cores_per_node, 32);
        CHECK_INT(log.jobs[0].duration_min, 120);
        CHECK_INT(log.jobs[0].hour, 5);
    }
    ps_sacct_free(&log);
    /* --parsable2 with a job step and a trailing-'|' --parsable row */
    CHECK_INT(sacct(TEMP("JobID|Submit|ElapsedRaw|NCPUS|NNodes|State\n7|2024-01-01T01:00:00|61|4|1|COMPLETED\n"
                         "7.batch|2024-01-01T01:00:00|61|4|1|COMPLETED\n8|2024-01-01T02:00:00|0|8|2|FAILED|\n"),
                    &log, &err), PS_OK);
    CHECK_INT(log.n, 2);
    CHECK_INT(log.steps_skipped, 1);
    if (log.n == 2) {
        CHECK_INT(log.jobs[0].duration_min, 2);
        CHECK_INT(log.jobs[1].cores_per_node, 4);
        CHECK_INT(log.jobs[1].duration_min, 1);
    }
    ps_sacct_free(&log);
    /* fixed-width steps with blank fields are skipped before the count */
    CHECK_INT(sacct(TEMP(HDR "1 u gpu 2024-01-01T00:00:00 x y 60 4 1\n1.extern 2024-01-01T00:00:00 x y 60 4 1\n"), &log,
                    &err), PS_OK);
    CHECK_INT(log.n, 1);
    CHECK_INT(log.steps_skipped, 1);
    ps_sacct_free(&log);
    /* a headerless `sacct -n` file no longer loses its first rows silently */
    CHECK_INT(sacct(TEMP("1 u gpu 2024-01-01T00:00:00 x y 60 4 1\n2 u gpu 2024-01-01T00:00:00 x y 60 4 1\n"), &log,
                    &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, ":1: not a sacct header");
    CHECK_INT(sacct(TEMP("JobID Submit NCPUS\n--\n1 2024-01-01T00:00:00 4\n"), &log, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, ":1: the header lacks the column(s) ElapsedRaw NNodes");
    /* impossible dates */
    CHECK_INT(sacct(TEMP(HDR "1 u gpu 2024-02-30T00:00:00 x y 60 4 1\n"), &log, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, ":3: Submit '2024-02-30T00:00:00' is not a time");
    CHECK_INT(sacct(TEMP(HDR "1 u gpu 2023-02-29T00:00:00 x y 60 4 1\n"), &log, &err), PS_ERR);
    CHECK_INT(sacct(TEMP(HDR "1 u gpu 2024-02-29T00:00:00 x y 60 4 1\n"), &log, &err), PS_OK); /* a leap day */
    ps_sacct_free(&log);
    CHECK_INT(sacct(TEMP(HDR "1 u gpu 2024-04-31T00:00:00 x y 60 4 1\n"), &log, &err), PS_ERR);
    CHECK_INT(sacct(TEMP(HDR "1 u gpu Unknown x y 60 4 1\n"), &log, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, ":3: Submit 'Unknown' is not a time");
    /* ElapsedRaw past the model's range (it overflowed minutes before) */
    CHECK_INT(sacct(TEMP(HDR "1 u gpu 2024-01-01T00:00:00 x y 1099511627776 4 1\n"), &log, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, ":3: ElapsedRaw '1099511627776' is not a number of seconds from 0 to 1000000000");
    CHECK_INT(sacct(TEMP(HDR "1 u gpu 2024-01-01T00:00:00 x y 1000000000 4 1\n"), &log, &err), PS_OK);
    CHECK_INT(log.jobs[0].duration_min, 16666667);
    ps_sacct_free(&log);
    CHECK_INT(sacct(TEMP(HDR "1 u gpu 2024-01-01T00:00:00 x y 60 4\n"), &log, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, ":3: expected 9 fields as in the header, found 8");
}

static int swf(const char *path, ps_sacct_log *log, ps_error *err) {
    int rc = ps_swf_read(path, 96, log, err);
    unlink(path);
    return rc;
}

/* A 10-job SWF trace: header comments (UnixStartTime), processors to nodes
 * and cores, jobs that never ran left out and counted, format detection. */
static void test_swf(void) {
    const char *path = TEMP("; Version: 2.2\n; UnixStartTime: 1704067200\n;\n"
                            "1 0 5 3600 96 -1 -1 96 7200 -1 1 1 1 1 1 1 -1 -1\n"
                            "2 60 5 30 1 -1 -1 1 100 -1 1 2 1 1 1 1 -1 -1\n"
                            "3 3600 0 7201 200 12.5 -1 200 9000 -1 1 3 1 1 1 1 -1 -1\n"
                            "4 3700 0 -1 8 -1 -1 8 100 -1 5 3 1 1 1 1 -1 -1\n"
                            "5 3800 0 600 -1 -1 -1 48 900 -1 1 3 1 1 1 1 -1 -1\n"
                            "6 7200 0 0 4 -1 -1 4 60 -1 1 3 1 1 1 1 -1 -1\n"
                            "7 7300 0 86400 384 -1 -1 384 90000 -1 1 3 1 1 1 1 -1 -1\n"
                            "8 90000 0 120 2 -1 -1 2 200 -1 1 3 1 1 1 1 -1 -1\n"
                            "9 90060 0 120 -1 -1 -1 -1 200 -1 0 3 1 1 1 1 -1 -1\n"
                            "10 90120 0 59 97 -1 -1 97 200 -1 1 3 1 1 1 1 -1 -1\n");
    ps_sacct_log log;
    ps_error err;
    CHECK_INT(ps_job_log_read(path, 96, 0, &log, &err), PS_OK); /* detected by its ';' header */
    CHECK_INT(log.n, 8);
    CHECK_INT(log.never_ran, 2); /* job 4 (run -1), job 9 (no processors) */
    if (log.n == 8) {
        CHECK_INT(log.jobs[0].submit, 1704067200);
        CHECK_INT(log.jobs[0].date, 20240101);
        CHECK_INT(log.jobs[0].nnodes, 1);
        CHECK_INT(log.jobs[0].cores_per_node, 96);
        CHECK_INT(log.jobs[0].duration_min, 60);
        CHECK_INT(log.jobs[2].nnodes, 3);         /* 200 processors: ceil(200/96) nodes */
        CHECK_INT(log.jobs[2].cores_per_node, 66); /* of 200/3 cores */
        CHECK_INT(log.jobs[2].duration_min, 121);
        CHECK_INT(log.jobs[2].hour, 1);
        CHECK_INT(log.jobs[3].ncpus, 48);          /* allocated -1: the requested 48 */
        CHECK_INT(log.jobs[4].duration_min, 1);    /* run 0 s: one minute, as sacct's rule */
        CHECK_INT(log.jobs[6].date, 20240102);
        CHECK_INT(log.jobs[7].nnodes, 2);
    }
    ps_sacct_free(&log);
    CHECK_INT(ps_swf_read(path, 32, &log, &err), PS_OK); /* --swf-cores-per-node 32 */
    CHECK_INT(log.jobs[0].nnodes, 3);
    CHECK_INT(log.jobs[0].cores_per_node, 32);
    ps_sacct_free(&log);
    unlink(path);
    CHECK_INT(swf(TEMP("; x\n1 0 5 3600 96\n"), &log, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, ":2: expected 18 SWF fields, found 5");
    CHECK_INT(swf(TEMP("1 0 5 3600 x -1 -1 96 7200 -1 1 1 1 1 1 1 -1 -1\n"), &log, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, ":1: field 5 'x' is not a number");
    CHECK_INT(swf(TEMP("1 0 5 2000000000 4 -1 -1 96 7200 -1 1 1 1 1 1 1 -1 -1\n"), &log, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, ":1: run time 2000000000 s is more than 1000000000");
    CHECK_INT(swf(TEMP("; only a header\n"), &log, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "no jobs that ran");
}

static int actions(const char *path, ps_fixed_policy *p, ps_error *err) {
    ps_config cfg = ps_config_default();
    ps_heuristic_config hc = {0};
    char spec[128];
    snprintf(spec, sizeof spec, "actions:%s", path);
    int rc = ps_fixed_policy_init(p, spec, &hc, &cfg, 1, err);
    unlink(path);
    return rc;
}

static void test_actions(void) {
    ps_fixed_policy p;
    ps_error err;
    CHECK_INT(actions(TEMP("2,4294967629,1\n"), &p, &err), PS_ERR); /* used to wrap to [2,333,1] */
    CHECK_STR_CONTAINS(err.msg, ":1: expected three or four integers");
    ps_fixed_policy_free(&p);
    CHECK_INT(actions(TEMP("2,2147483647,1\n"), &p, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, ":1: invalid action [2, 2147483647, 1]: expected type 0..2, magnitude 0..334, refill 0..1");
    ps_fixed_policy_free(&p);
    CHECK_INT(actions(TEMP("1,0,1,7\n"), &p, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "timed 0..6");
    ps_fixed_policy_free(&p);
    CHECK_INT(actions(TEMP("1,0,1,0,1\n"), &p, &err), PS_ERR); /* five */
    CHECK_STR_CONTAINS(err.msg, ":1: expected three or four integers");
    ps_fixed_policy_free(&p);
    CHECK_INT(actions(TEMP("1,0,1,6\n2,3,0\n"), &p, &err), PS_OK); /* a trace's a_timed, or none */
    CHECK_INT(p.n_actions, 2);
    if (p.n_actions == 2) CHECK(p.actions[0].timed == 6 && p.actions[1].timed == 0 && p.actions[1].magnitude == 3);
    ps_fixed_policy_free(&p);
    char line[400];
    memset(line, ' ', sizeof line);
    memcpy(line + 300, "1,5,0\n1,6,1\n", 12); /* 305 bytes: once split into two lines */
    CHECK_INT(actions(write_temp(line, 312), &p, &err), PS_OK);
    CHECK_INT(p.n_actions, 2);
    if (p.n_actions == 2) CHECK(p.actions[0].type == 1 && p.actions[0].magnitude == 5 && p.actions[1].refill == 1);
    ps_fixed_policy_free(&p);
    CHECK_INT(actions(TEMP("\xEF\xBB\xBF# a BOM, a comment\n 0 , 3 , 1 \r\n"), &p, &err), PS_OK);
    CHECK_INT(p.n_actions, 1);
    ps_fixed_policy_free(&p);
}

static void test_durations_and_lines(void) {
    ps_durations d;
    ps_error err;
    const char *path = TEMP("\xEF\xBB\xBF" "1-00:00:00\n00:30:00\n");
    CHECK_INT(ps_durations_read(&d, path, &err), PS_OK);
    CHECK_INT(d.max_hours, 24);
    CHECK_INT(d.n_values, 2);
    ps_durations_free(&d);
    unlink(path);
    /* endless input ends: /dev/zero is NUL bytes, an endless line is cut */
    CHECK_INT(ps_durations_read(&d, "/dev/zero", &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "/dev/zero:1: a NUL byte: not a text file");
    ps_lines in;
    CHECK_INT(ps_lines_open(&in, "/dev/zero", "test", 1 << 20, &err), PS_OK);
    CHECK_INT(ps_lines_next(&in, &err), PS_ERR);
    ps_lines_close(&in);
    char *big = malloc(PS_MAX_LINE + 10);
    memset(big, 'x', PS_MAX_LINE + 10);
    path = write_temp(big, PS_MAX_LINE + 10);
    free(big);
    CHECK_INT(ps_lines_open(&in, path, "test", 1 << 20, &err), PS_OK);
    CHECK_INT(ps_lines_next(&in, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, ":1: line longer than 65536 bytes");
    ps_lines_close(&in);
    unlink(path);
    path = TEMP("ab\ncd\nef\n");
    CHECK_INT(ps_lines_open(&in, path, "test", 7, &err), PS_OK); /* a size limit */
    CHECK_INT(ps_lines_next(&in, &err), 1);
    CHECK(!strcmp(in.text, "ab"));
    CHECK_INT(ps_lines_next(&in, &err), 1);
    CHECK_INT(ps_lines_next(&in, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, ":3: file larger than 7 bytes");
    ps_lines_close(&in);
    unlink(path);
    path = TEMP("a\r\n\nlast");
    CHECK_INT(ps_lines_open(&in, path, "test", 100, &err), PS_OK);
    CHECK_INT(ps_lines_next(&in, &err), 1);
    CHECK(!strcmp(in.text, "a") && in.len == 1);
    CHECK_INT(ps_lines_next(&in, &err), 1);
    CHECK_INT(in.len, 0);
    CHECK_INT(ps_lines_next(&in, &err), 1);
    CHECK(!strcmp(in.text, "last") && in.line == 3);
    CHECK_INT(ps_lines_next(&in, &err), 0);
    ps_lines_close(&in);
    unlink(path);
}

int main(void) {
    test_prices();
    test_timed_prices();
    test_sacct();
    test_swf();
    test_actions();
    test_durations_and_lines();
    return check_summary("test_readers");
}
