/* test_analysis - spec 13.1's statistics of a sweep point on known
 * episodes; the sweeps' points (13.2-13.4), each point's scenario, and the
 * result files (summary.csv, summary.json, the trendline script). */
#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "powersched/analysis.h"
#include "powersched/analysis_report.h"
#include "powersched/io.h"
#include "powersched/plot.h"

static void test_stats(void) {
    ps_episode_record r[2];
    memset(r, 0, sizeof r);
    /* episode 1 and 2: savings 100 / 300 EUR vs baseline, 10 / 30 vs baseline_off */
    double sav[2] = {100, 300}, off[2] = {10, 30}, occ[2] = {40, 60}, compl[2] = {100, 50};
    for (int i = 0; i < 2; i++) {
        r[i].agent_cost = r[i].agent_prop_cost = 1000;
        r[i].baseline_cost = r[i].baseline_prop_cost = 1000 + sav[i];
        r[i].baseline_cost_off = r[i].baseline_off_prop_cost = 1000 + off[i];
        r[i].savings_vs_baseline = sav[i];
        r[i].savings_vs_baseline_off = off[i];
        r[i].savings_pct_baseline = sav[i] / (1000 + sav[i]) * 100;
        r[i].agent_occupancy_nodes_pct = occ[i];
        r[i].baseline_occupancy_nodes_pct = 50;
        r[i].completion_rate = compl[i];
        r[i].jobs_submitted = 672 * (i + 1); /* 2 and 4 jobs/h */
        r[i].jobs_completed = 100;
        r[i].avg_wait_time = 3;           /* agent waits 3 h ... */
        r[i].baseline_jobs_completed = 100;
        r[i].baseline_avg_wait_time = 1;  /* ... baseline 1 h: wait delta 2 */
        r[i].jobs_lost_total = 5;
        r[i].baseline_jobs_lost_total = 1;
        r[i].agent_prop_power_mwh = 9;
        r[i].baseline_off_prop_power_mwh = 10;
    }
    ps_point_stats s;
    ps_point_stats_compute(r, 2, 1.0, 336, 1.5, &s);
    CHECK_NEAR(s.value, 1.5, 0);
    CHECK_INT(s.episodes, 2);
    CHECK_NEAR(s.occ_agent_mean, 50, 1e-12);
    CHECK_NEAR(s.occ_agent_std, 10, 1e-12); /* population std */
    CHECK_NEAR(s.arrivals_mean, 3, 1e-12);
    CHECK_NEAR(s.arrivals_std, 1, 1e-12);
    CHECK_NEAR(s.wait_delta, 2, 1e-12);
    CHECK_NEAR(s.savings_mean, 200, 1e-12);
    CHECK_NEAR(s.savings_std, 100, 1e-12);
    CHECK_NEAR(s.completion_mean, 75, 1e-12);
    /* effective savings: 100 * 1^2 / 3 and 300 * 0.5^2 / 3 */
    CHECK_NEAR(s.eff_savings_mean, (100.0 / 3 + 75.0 / 3) / 2, 1e-9);
    CHECK_NEAR(s.eff_savings_off_mean, (10.0 / 3 + 7.5 / 3) / 2, 1e-9);
    CHECK_NEAR(s.dropped_delta, 10 - 2, 0);
    /* power: baseline_off 20 MWh, agent 18 MWh: 10 % less */
    CHECK_NEAR(s.power_delta_off_pct, 10, 1e-9);
    /* cost per 1k: agent 2000*1000/200 = 10000; baseline 2400*1000/200 = 12000 */
    CHECK_NEAR(s.cost1k_delta_pct, (12000.0 - 10000) * 100 / 12000, 1e-9);
    CHECK_NEAR(s.eval_savings, 400, 1e-9);
    CHECK_NEAR(s.annual_savings, 400 * 12, 1e-9);
    CHECK_NEAR(s.prop_savings_pct, 400.0 * 100 / 2400, 1e-9);
    /* a wait delta of exactly -1 makes effective savings undefined (NaN skipped) */
    r[0].avg_wait_time = r[1].avg_wait_time = 0;
    ps_point_stats_compute(r, 2, 1.0, 336, 1.5, &s);
    CHECK(isnan(s.eff_savings_mean));
    double x[3] = {1, NAN, 3}, m, sd;
    ps_mean_std(x, 3, &m, &sd);
    CHECK_NEAR(m, 2, 0);
    CHECK_NEAR(sd, 1, 0);
}

static int points(ps_analysis_schedule s, double *v, ps_error *err) {
    int n = -1;
    return ps_analysis_points(&s, v, &n, err) == PS_OK ? n : -1;
}

static void test_points(void) {
    double v[PS_ANALYSIS_MAX_POINTS];
    ps_error err;
    /* scales: linear, 1.0 always added, sorted, duplicates dropped */
    CHECK_INT(points((ps_analysis_schedule){PS_ANALYSIS_SCALE, "", 0.5, 1.5, 3, 0, 0, 0}, v, &err), 3);
    CHECK(v[0] == 0.5 && v[1] == 1.0 && v[2] == 1.5);
    CHECK_INT(points((ps_analysis_schedule){PS_ANALYSIS_SCALE, "2,0.5,2", 0, 0, 0, 0, 0, 0}, v, &err), 3);
    CHECK(v[0] == 0.5 && v[1] == 1.0 && v[2] == 2.0);
    /* lambdas: geometric, rounded to whole jobs */
    CHECK_INT(points((ps_analysis_schedule){PS_ANALYSIS_LAMBDA, "", 100, 10000, 3, 0, 0, 0}, v, &err), 3);
    CHECK(v[0] == 100 && v[1] == 1000 && v[2] == 10000);
    /* seeds: min..max by step */
    CHECK_INT(points((ps_analysis_schedule){PS_ANALYSIS_SEED, "", 0, 0, 0, 100, 200, 50}, v, &err), 3);
    CHECK(v[0] == 100 && v[2] == 200);
    CHECK_INT(points((ps_analysis_schedule){PS_ANALYSIS_SEED, "3,1", 0, 0, 0, 0, 0, 0}, v, &err), 2);
    CHECK(v[0] == 1 && v[1] == 3);
    CHECK_INT(points((ps_analysis_schedule){PS_ANALYSIS_SCALE, "1,x", 0, 0, 0, 0, 0, 0}, v, &err), -1);
    CHECK_STR_CONTAINS(err.msg, "'x' is not a non-negative number");
    CHECK_INT(points((ps_analysis_schedule){PS_ANALYSIS_SEED, "", 0, 0, 0, 5, 1, 1}, v, &err), -1);
    const char *modes[2];
    CHECK_INT(ps_analysis_modes(PS_ANALYSIS_SCALE, 0, 0, modes), 2);
    CHECK(!strcmp(modes[0], "exact_replay_aggregate") && !strcmp(modes[1], "sampling"));
    CHECK_INT(ps_analysis_modes(PS_ANALYSIS_SCALE, 1, 0, modes), 1);
    CHECK_INT(ps_analysis_modes(PS_ANALYSIS_LAMBDA, 0, 0, modes), 1);
    CHECK(!strcmp(modes[0], "poisson"));
    CHECK_INT(ps_analysis_kind_parse("arrival-scale"), PS_ANALYSIS_SCALE);
    CHECK_INT(ps_analysis_kind_parse("seed"), PS_ANALYSIS_SEED);
    CHECK_INT(ps_analysis_kind_parse("bogus"), -1);
}

/* Each point's scenario: the replay mode or sampler with the scale, the
 * seed, or the poisson generator at the point's lambda. */
static void test_point_spec(void) {
    ps_sim_flags base, f;
    ps_sim_flags_init(&base);
    base.jobs = "jobs.log";
    base.seed = 9;
    ps_analysis_lambda lam = {"0.3,1.0,3.0", 100, 0, 0};
    ps_wg_config gen;
    ps_scenario_spec spec;
    ps_error err;
    CHECK_INT(ps_analysis_point_spec(PS_ANALYSIS_SCALE, &base, &lam, "exact_replay_aggregate", 1.5, &f, &gen, &spec,
                                     &err), PS_OK);
    CHECK(spec.workload.replay_mode == PS_REPLAY_EXACT_AGGREGATE && !strcmp(spec.workload.jobs_path, "jobs.log"));
    CHECK_NEAR(spec.workload.arrival_scale, 1.5, 0);
    CHECK_INT(ps_analysis_point_spec(PS_ANALYSIS_SCALE, &base, &lam, "sampling", 0.5, &f, &gen, &spec, &err), PS_OK);
    CHECK(!strcmp(spec.workload.hourly_path, "jobs.log") && !*spec.workload.jobs_path);
    CHECK_INT(ps_analysis_point_spec(PS_ANALYSIS_SEED, &base, &lam, "sampling", 300, &f, &gen, &spec, &err), PS_OK);
    CHECK_INT(spec.seed, 300);
    CHECK_INT(ps_analysis_point_spec(PS_ANALYSIS_LAMBDA, &base, &lam, "poisson", 40, &f, &gen, &spec, &err), PS_OK);
    CHECK(spec.workload.generator == &gen && gen.lambda == 40 && gen.max_jobs == 100);
    CHECK_INT(spec.seed, 9);
    lam.attr_lambdas = "1,2";
    CHECK_INT(ps_analysis_point_spec(PS_ANALYSIS_LAMBDA, &base, &lam, "poisson", 40, &f, &gen, &spec, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "--wg-attr-lambdas");
}

/* summary.csv has a column per statistic; summary.json parses (a session
 * name with quotes); the script plots the named statistics' columns. */
static void test_outputs(void) {
    char dir[] = "/tmp/test_analysis_XXXXXX";
    if (!mkdtemp(dir)) exit(1);
    ps_analysis_point p[2];
    memset(p, 0, sizeof p);
    p[0].mode = p[1].mode = "sampling";
    p[0].value = 0.5;
    p[1].value = 1;
    p[1].stats.occ_agent_mean = 42;
    p[1].stats.eff_savings_mean = NAN;
    const char *modes[1] = {"sampling"};
    int png;
    ps_error err;
    char *path_env = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
    setenv("PATH", "/nonexistent", 1); /* the script only: no gnuplot run here */
    CHECK_INT(ps_analysis_write(dir, PS_ANALYSIS_SCALE, "s \"q\"", "128", 1, p, 2, modes, 1, &png, &err), PS_OK);
    char path[256];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    char *csv = ps_read_text(path, &err);
    CHECK(csv && !strncmp(csv, "mode,job_arrival_scale,episodes,occ_agent_mean,occ_agent_std,", 61));
    CHECK(csv && strstr(csv, "\nsampling,1.000000,0.000000,42.000000,"));
    free(csv);
    snprintf(path, sizeof path, "%s/summary.json", dir);
    char *text = ps_read_text(path, &err);
    cJSON *j = text ? cJSON_Parse(text) : NULL;
    CHECK(j != NULL);
    const cJSON *p1 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "points"), 1);
    CHECK_NEAR(cJSON_GetNumberValue(cJSON_GetObjectItem(p1, "occ_agent_mean")), 42, 0);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(p1, "eff_savings_mean")));
    cJSON_Delete(j);
    free(text);
    snprintf(path, sizeof path, "%s/trendlines_sampling.gp", dir);
    char *gp = ps_read_text(path, &err);
    /* occupancy is column 3 (value, episodes, occ_agent_mean), its std 4 */
    CHECK(gp && strstr(gp, "plot 'trendlines_sampling.dat' using 1:3:4 with yerrorlines pt 7\n"));
    CHECK(gp && strstr(gp, "plot 'trendlines_sampling.dat' using 3:29 with linespoints pt 7\n")); /* energy */
    free(gp);
    const char *files[] = {"summary.csv", "summary.json", "trendlines_sampling.dat", "trendlines_sampling.gp",
                           "trendlines_sampling.png"};
    for (int k = 0; k < 5; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[k]);
        unlink(path);
    }
    CHECK(rmdir(dir) == 0);
    if (path_env) setenv("PATH", path_env, 1);
    free(path_env);
    /* titles are single-quoted gnuplot strings: ' doubled, backquotes and
     * backslashes inert, control characters dropped */
    char q[64];
    ps_gnuplot_string("s 'q' `x` \"\\\n", q, sizeof q);
    CHECK(!strcmp(q, "'s ''q'' `x` \"\\'"));
    ps_gnuplot_string("abcdef", q, 6);
    CHECK(!strcmp(q, "'ab'"));
    ps_gnuplot_string("a'bc", q, 6); /* a doubled quote is never cut in half */
    CHECK(!strcmp(q, "'a'"));
}

int main(void) {
    test_stats();
    test_points();
    test_point_spec();
    test_outputs();
    return check_summary("test_analysis");
}
