/* test_analysis - spec 13.1's statistics of a sweep point on known episodes. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "powersched/analysis.h"

int main(void) {
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
    return check_summary("test_analysis");
}
