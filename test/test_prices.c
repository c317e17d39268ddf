/* test_prices.c - spec 7: percentile bounds, window and billing timing (7.3),
 * the window-END history quirk (7.4), the synthetic model (7.5), the CSV
 * reader's errors, and the real 2023 CSV when ../shared/data is present. */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "powersched/price_file.h"
#include "powersched/scenario.h"
#include "powersched/prices.h"

static const char *shared_dir;

/* Writes `text` to a fresh temp file; returns its path (a buffer per slot). */
static const char *write_temp(int slot, const char *text) {
    static char paths[8][64];
    return check_temp_file(paths[slot], "ps_prices_", text);
}

/* ------------------------------------------------------------ percentile */

static void test_percentile(void) {
    const double a[4] = {1, 2, 3, 4};
    CHECK_NEAR(ps_percentile_linear(a, 4, 0), 1.0, 0);
    CHECK_NEAR(ps_percentile_linear(a, 4, 100), 4.0, 0);
    CHECK_NEAR(ps_percentile_linear(a, 4, 50), 2.5, 1e-15);
    CHECK_NEAR(ps_percentile_linear(a, 4, 25), 1.75, 1e-15);
    const double b[3] = {0, 10, 20};
    CHECK_NEAR(ps_percentile_linear(b, 3, 99), 19.8, 1e-12);  /* h = 1.98 */
    CHECK_NEAR(ps_percentile_linear(b, 3, 1), 0.2, 1e-12);    /* h = 0.02 */
    CHECK_NEAR(ps_percentile_linear(b, 3, 75), 15.0, 1e-12);  /* h = 1.5: b - (b-a)*0.5 */
    const double one[1] = {7.5};
    CHECK_NEAR(ps_percentile_linear(one, 1, 1), 7.5, 0);
    CHECK_NEAR(ps_percentile_linear(one, 1, 99), 7.5, 0);
    /* bounds of an external series: 1st/99th percentile of the sorted float32 values */
    float v[5] = {50, -10, 30, 10, 20}; /* sorted: -10 10 20 30 50 */
    ps_prices p;
    ps_error err = {{0}};
    CHECK_INT(ps_prices_init(&p, v, 5, &err), PS_OK);
    CHECK_NEAR(p.min_price, -10 + 20 * 0.04, 1e-12); /* h = 0.04 */
    CHECK_NEAR(p.max_price, 50 - 20 * 0.04, 1e-12);  /* h = 3.96 */
    /* an empty external series is an error */
    CHECK_INT(ps_prices_init(&p, v, 0, &err), PS_ERR);
    CHECK(err.msg[0] != '\0');
}

/* ------------------------------------------------- window, billing, wrap */

static void test_window_billing(void) {
    float v[10];
    for (int i = 0; i < 10; i++) v[i] = (float)(i + 1); /* prices 1..10 */
    ps_prices p;
    ps_error err = {{0}};
    CHECK_INT(ps_prices_init(&p, v, 10, &err), PS_OK);
    /* construction ends with reset(0): window = prices[0..23] mod 10 */
    for (int i = 0; i < 24; i++) CHECK_NEAR(p.window[i], v[i % 10], 0);
    CHECK_INT(p.price_index, 24 % 10);
    CHECK_INT(p.hist_len, 0);
    const long long starts[5] = {0, 3, 7, 13, 9};
    for (int si = 0; si < 5; si++) {
        long long s = starts[si];
        ps_prices_reset(&p, s);
        CHECK_INT(p.price_index, (s % 10 + 24) % 10);
        for (int i = 0; i < 24; i++) CHECK_NEAR(p.window[i], v[(s + i) % 10], 0);
        int bad_bill = 0, bad_window = 0;
        for (int k = 1; k <= 25; k++) {
            double billed = ps_prices_advance(&p);
            if (billed != v[(s + k) % 10]) bad_bill++;
            if (billed != p.window[0]) bad_bill++;
            for (int i = 0; i < 24; i++)
                if (p.window[i] != v[(s + k + i) % 10]) bad_window++;
        }
        CHECK_INT(bad_bill, 0);
        CHECK_INT(bad_window, 0);
    }
    /* reset(13) is reset(3); prices[s] is observed, never billed in the first pass */
    ps_prices_reset(&p, 13);
    CHECK_NEAR(p.window[0], 4.0, 0);
    int billed_s = 0;
    for (int k = 1; k < 10; k++) billed_s += ps_prices_advance(&p) == 4.0;
    CHECK_INT(billed_s, 0);
    CHECK_NEAR(ps_prices_advance(&p), 4.0, 0); /* k = 10: wrapped */
    /* a negative start wraps the Python way (-1 mod 10 = 9) */
    ps_prices_reset(&p, -1);
    CHECK_NEAR(p.window[0], 10.0, 0);
    CHECK_NEAR(ps_prices_advance(&p), 1.0, 0);
    /* the series is borrowed, not copied (envs share one loaded series) */
    v[5] = 99;
    ps_prices_reset(&p, 5);
    CHECK_NEAR(p.window[0], 99.0, 0);

    /* prices are stored as float32: -5.17 is billed as (double)(float)-5.17 */
    float w[3] = {0.0f, -5.17f, 0.1f};
    CHECK_INT(ps_prices_init(&p, w, 3, &err), PS_OK);
    double got = ps_prices_advance(&p);
    CHECK(got == (double)-5.17f);
    CHECK(got != -5.17);
}

/* ------------------------------------------------------- history quirk */

static double mean_range(int lo, int hi) { /* mean of the integers lo..hi */
    return (lo + hi) / 2.0;
}

static void test_history(void) {
    float v[100];
    for (int i = 0; i < 100; i++) v[i] = (float)(i + 1); /* prices[i] = i + 1 */
    ps_prices p;
    ps_error err = {{0}};
    CHECK_INT(ps_prices_init(&p, v, 100, &err), PS_OK);
    /* k = 0: empty history, context = window mean */
    CHECK_INT(p.hist_len, 0);
    CHECK_NEAR(ps_prices_history_mean(&p), 0.0, 0);
    CHECK_NEAR(ps_prices_window_mean(&p), 12.5, 1e-6);
    CHECK_NEAR(ps_prices_context(&p), 12.5, 1e-6);
    for (int k = 1; k <= 60; k++) {
        ps_prices_advance(&p);
        /* window = prices[k..k+23] = values k+1..k+24 */
        double wmean = mean_range(k + 1, k + 24);
        CHECK_NEAR(ps_prices_window_mean(&p), wmean, 1e-5);
        CHECK_INT(p.hist_len, k < 24 ? k : 24);
        /* the history holds the window-END values: the last min(k, 24) values of the window */
        int n = k < 24 ? k : 24;
        double hmean = mean_range(k + 24 - n + 1, k + 24);
        CHECK_NEAR(ps_prices_history_mean(&p), hmean, 1e-12);
        CHECK_NEAR(ps_prices_context(&p), (hmean + wmean) / 2, 1e-5);
        if (k >= 24) CHECK_NEAR(ps_prices_history_mean(&p), ps_prices_window_mean(&p), 1e-5);
        /* the oldest entry is the window's element 24 - n */
        CHECK_NEAR(p.history[p.hist_head], p.window[24 - n], 0);
    }
    /* k = 1: context = (prices[24] + window mean)/2 = (25 + 13.5)/2 */
    ps_prices_reset(&p, 0);
    CHECK_INT(p.hist_len, 0);
    ps_prices_advance(&p);
    CHECK_NEAR(ps_prices_context(&p), (25 + 13.5) / 2, 1e-6);
    /* reset clears the history, also after a full deque */
    for (int k = 0; k < 40; k++) ps_prices_advance(&p);
    ps_prices_reset(&p, 50);
    CHECK_INT(p.hist_len, 0);
    CHECK_NEAR(ps_prices_context(&p), mean_range(51, 74), 1e-5);

    /* the window mean is a float32 mean: one value that float32 cannot add exactly */
    float u[24];
    for (int i = 0; i < 24; i++) u[i] = 0.1f;
    CHECK_INT(ps_prices_init(&p, u, 24, &err), PS_OK);
    float m = ps_prices_window_mean(&p);
    CHECK_NEAR(m, 0.1f, 1e-7);
}

/* ----------------------------------------------------------- synthetic */

static void test_synthetic(void) {
    CHECK_NEAR(ps_prices_synthetic(6), 24.0, 1e-9);
    CHECK_NEAR(ps_prices_synthetic(18), 16.0, 1e-9);
    CHECK_NEAR(ps_prices_synthetic(0), 20.0, 1e-12);
    CHECK_NEAR(ps_prices_synthetic(12), 20.0, 1e-9);
    CHECK_NEAR(ps_prices_synthetic(30), 24.0, 1e-9);
    CHECK_NEAR(ps_prices_synthetic(3), 20 * (1 + 0.2 * sqrt(0.5)), 1e-9);
    int out = 0, aperiodic = 0;
    for (long long t = 0; t < 2000; t++) {
        double s = ps_prices_synthetic(t);
        if (s < 16 - 1e-9 || s > 24 + 1e-9) out++;
        if (fabs(s - ps_prices_synthetic(t + 24)) > 1e-9) aperiodic++;
    }
    CHECK_INT(out, 0);
    CHECK_INT(aperiodic, 0);

    ps_prices p;
    ps_error err = {{0}};
    CHECK_INT(ps_prices_init(&p, NULL, 0, &err), PS_OK);
    CHECK(p.values == NULL);
    CHECK_NEAR(p.min_price, 16.0, 0);
    CHECK_NEAR(p.max_price, 24.0, 0);
    for (int i = 0; i < 24; i++) CHECK(p.window[i] == (float)ps_prices_synthetic(i));
    /* after k advances the billed price is synth(k); the index never wraps */
    int bad = 0;
    for (int k = 1; k <= 100; k++)
        if (ps_prices_advance(&p) != (double)(float)ps_prices_synthetic(k)) bad++;
    CHECK_INT(bad, 0);
    ps_prices_reset(&p, 1000);
    CHECK_INT(p.price_index, 1024);
    CHECK(p.window[0] == (float)ps_prices_synthetic(1000));
    CHECK(ps_prices_advance(&p) == (double)(float)ps_prices_synthetic(1001));
}

/* ---------------------------------------------------------------- CSV */

static void expect_csv_error(const char *text, const char *where) {
    const char *path = write_temp(0, text);
    float *v = NULL;
    size_t n = 0;
    ps_error err = {{0}};
    CHECK_INT(ps_prices_load_csv(path, &v, &n, &err), PS_ERR);
    CHECK(v == NULL || n == 0);
    CHECK_STR_CONTAINS(err.msg, path);
    if (where) {
        char want[128];
        snprintf(want, sizeof want, "%s:%s", path, where);
        CHECK_STR_CONTAINS(err.msg, want);
    }
    unlink(path);
}

static void test_csv(void) {
    ps_error err = {{0}};
    float *v = NULL;
    size_t n = 0;
    /* missing file */
    CHECK_INT(ps_prices_load_csv("/nonexistent/dir/prices.csv", &v, &n, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "/nonexistent/dir/prices.csv");
    /* empty and header-only files */
    expect_csv_error("", NULL);
    expect_csv_error("Date,Price\n", NULL);
    expect_csv_error("\xEF\xBB\xBF" "Date,Price\n\n", NULL);
    /* bad rows name file:line */
    expect_csv_error("Date,Price\n2023-01-01T00:00+01:00,1.5\n2023-01-01T01:00+01:00 2.5\n", "3");
    expect_csv_error("Date,Price\n2023-01-01T00:00+01:00,abc\n", "2");
    expect_csv_error("Date,Price\n2023-01-01T00:00+01:00,1\n2023-01-01T01:00+01:00,2\n2023-01-01T02:00+01:00,nan\n", "4");
    expect_csv_error("Date,Price\n2023-01-01T00:00+01:00,inf\n", "2");
    expect_csv_error("Date,Price\n2023-01-01T00:00+01:00,-inf\n", "2");
    expect_csv_error("Date,Price\n2023-01-01T00:00+01:00,NaN\n", "2");
    expect_csv_error("Date,Price\n2023-01-01T00:00+01:00,1e999\n", "2");
    expect_csv_error("Date,Price\n2023-01-01T00:00+01:00,1e39\n", "2"); /* not finite as float32 */
    expect_csv_error("Date,Price\n2023-01-01T00:00+01:00,\n", "2");
    expect_csv_error("Date,Price\n2023-01-01T00:00+01:00,12abc\n", "2");
    /* a file whose first line is data (no header) is rejected, naming line 1 */
    expect_csv_error("2023-01-01T00:00+01:00,-5.17\n2023-01-01T01:00+01:00,-1.07\n", "1");
    expect_csv_error("\xEF\xBB\xBF" "2023-01-01T00:00+01:00,-5.17\n", "1");

    /* BOM + header + rows, CRLF line ends and a trailing blank line */
    const char *path = write_temp(1, "\xEF\xBB\xBF" "Date,Price\r\n2023-01-01T00:00+01:00,-5.17\r\n"
                                     "2023-01-01T01:00+01:00,-1.07\r\n2023-01-01T02:00+01:00,98.25\r\n\r\n");
    CHECK_INT(ps_prices_load_csv(path, &v, &n, &err), PS_OK);
    CHECK_INT(n, 3);
    if (n == 3) {
        CHECK(v[0] == -5.17f);
        CHECK(v[1] == -1.07f);
        CHECK(v[2] == 98.25f);
    }
    free(v);
    v = NULL;
    unlink(path);
    /* the date column is ignored entirely; no BOM, LF */
    path = write_temp(1, "when,what\nnot a date,7\n,8\n");
    CHECK_INT(ps_prices_load_csv(path, &v, &n, &err), PS_OK);
    CHECK_INT(n, 2);
    if (n == 2) CHECK(v[0] == 7.0f && v[1] == 8.0f);
    free(v);
    unlink(path);
}

/* ------------------------------------------------------- the real CSV */

static int test_real_csv(void) {
    char path[4096];
    snprintf(path, sizeof path, "%s/data/prices_2023.csv", shared_dir);
    if (access(path, R_OK) != 0) {
        printf("test_prices: SKIP real-data checks: %s is absent\n", path);
        return 0;
    }
    float *v = NULL;
    size_t n = 0;
    ps_error err = {{0}};
    CHECK_INT(ps_prices_load_csv(path, &v, &n, &err), PS_OK);
    if (!v) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    CHECK_INT(n, 8760);
    CHECK(v[0] == -5.17f);
    CHECK(v[1] == -1.07f);
    ps_prices p;
    CHECK_INT(ps_prices_init(&p, v, n, &err), PS_OK);
    CHECK_NEAR(p.min_price, -5.23560001373291, 1e-12);
    CHECK_NEAR(p.max_price, 207.9815019226074, 1e-12);
    CHECK_NEAR(p.max_price - p.min_price, 213.21710193634033, 1e-9);
    ps_price_stats st;
    ps_prices_stats(&p, &st);
    CHECK_NEAR(st.min, -500.0, 1e-4);
    CHECK_NEAR(st.max, 524.27, 1e-4);
    CHECK_NEAR(st.mean, 95.1755, 1e-4);
    CHECK_NEAR(st.median, 98.02, 1e-4);
    CHECK_NEAR(st.std, 47.58, 0.01);
    CHECK_NEAR(st.p1, p.min_price, 0);
    CHECK_NEAR(st.p99, p.max_price, 0);
    /* a 12-month evaluation from construction bills rows 1..8064 */
    double sum = 0;
    for (int k = 0; k < 8064; k++) sum += ps_prices_advance(&p);
    CHECK_NEAR(sum, 789419.28, 0.01);
    CHECK_NEAR(sum * 0.05025, 39668.32, 0.01);
    /* 8760 steps wrap back to the start */
    ps_prices_reset(&p, 0);
    for (int k = 0; k < 8760; k++) ps_prices_advance(&p);
    CHECK(p.window[0] == v[0] && p.window[23] == v[23]);
    ps_prices_reset(&p, 8760 + 5);
    CHECK(p.window[0] == v[5]);
    free(v);
    return 0;
}

/* Sums of hours read the window, the series past it and before it
 * (wrapping), or the synthetic model. */
static void test_sum(void) {
    float v[30];
    for (int i = 0; i < 30; i++) v[i] = (float)i; /* price i in row i */
    ps_prices p;
    ps_error err = {{0}};
    CHECK_INT(ps_prices_init(&p, v, 30, &err), PS_OK);
    ps_prices_reset(&p, 20); /* window: rows 20..29, 0..13 */
    CHECK_NEAR(ps_prices_sum(&p, 0, 0), 0, 0);
    CHECK_NEAR(ps_prices_sum(&p, 0, 3), 20 + 21 + 22, 0);
    CHECK_NEAR(ps_prices_sum(&p, 0, 24), (20 + 29) * 5 + 13 * 14 / 2, 0);
    CHECK_NEAR(ps_prices_sum(&p, 0, 26), (20 + 29) * 5 + 13 * 14 / 2 + 14 + 15, 0); /* rows 14, 15 */
    CHECK_NEAR(ps_prices_sum(&p, 0, 60), 2 * (29 * 30 / 2), 0);                       /* twice round */
    CHECK_NEAR(ps_prices_sum(&p, -2, 3), 18 + 19 + 20, 0);                            /* before the window */
    CHECK_NEAR(ps_prices_sum(&p, -21, 2), 29 + 0, 0);                                 /* rows -1 and 0 */
    ps_prices_advance(&p); /* window[0] = row 21: the next hour is billed */
    CHECK_NEAR(ps_prices_sum(&p, 0, 2), 21 + 22, 0);
    CHECK_NEAR(ps_prices_sum(&p, -1, 2), 20 + 21, 0);
    CHECK_NEAR(ps_prices_sum(&p, 0, 25), 245 - 20 + 91 + 14 + 15, 0);
    ps_prices q;
    CHECK_INT(ps_prices_init(&q, NULL, 0, &err), PS_OK); /* synthetic, from hour 0 */
    double want = 0;
    for (int t = 0; t < 30; t++) want += (double)(float)ps_prices_synthetic(t);
    CHECK_NEAR(ps_prices_sum(&q, 0, 30), want, 1e-9);
    CHECK_NEAR(ps_prices_sum(&q, -3, 1), (double)(float)ps_prices_synthetic(-3), 0);
}

int main(int argc, char **argv) {
    shared_dir = argc > 1 ? argv[1] : "../shared";
    test_percentile();
    test_window_billing();
    test_sum();
    test_history();
    test_synthetic();
    test_csv();
    test_real_csv();
    return check_summary("test_prices");
}
