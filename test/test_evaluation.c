/* test_evaluation - spec 10.5's cumulative analysis on episode records with
 * hand-computed expectations, the evaluation folder naming of 12.4 and
 * evaluate-savings' report (text and summary.json). */
#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "powersched/eval_report.h"
#include "powersched/evaluation.h"

static ps_episode_record rec(double agent, double base, double off, double mwh_a, double mwh_off) {
    ps_episode_record r;
    memset(&r, 0, sizeof r);
    r.agent_cost = r.agent_prop_cost = agent;
    r.baseline_cost = r.baseline_prop_cost = base;
    r.baseline_cost_off = r.baseline_off_prop_cost = off;
    r.agent_prop_power_mwh = mwh_a;
    r.baseline_prop_power_mwh = 2 * mwh_off;
    r.baseline_off_prop_power_mwh = mwh_off;
    return r;
}

static void test_monthly_pairing(void) {
    ps_episode_record r[3] = {rec(80, 100, 90, 1, 1), rec(70, 100, 90, 1, 1), rec(10, 20, 10, 1, 1)};
    double m[3];
    ps_eval_monthly_pct(r, 2, 0, m);
    /* month 1: (200 - 150) / 200 = 25 %, entered for both episodes */
    CHECK_NEAR(m[0], 25.0, 1e-12);
    CHECK_NEAR(m[1], 25.0, 1e-12);
    ps_eval_monthly_pct(r, 3, 1, m);
    /* vs baseline_off: (180 - 150) / 180; the odd third episode repeats it */
    CHECK_NEAR(m[0], 30.0 / 180 * 100, 1e-12);
    CHECK_NEAR(m[2], m[1], 0);
    ps_eval_monthly_pct(r + 2, 1, 0, m); /* a lone episode is its own month */
    CHECK_NEAR(m[0], 50.0, 1e-12);
    ps_episode_record z = rec(5, 0, 0, 1, 1);
    ps_eval_monthly_pct(&z, 1, 0, m); /* no baseline cost: 0 */
    CHECK_NEAR(m[0], 0.0, 0);
}

static void test_summary(void) {
    /* Four episodes = 2 evaluation months. */
    ps_episode_record r[4] = {rec(80, 100, 90, 0.8, 0.9), rec(70, 100, 90, 0.7, 0.9), rec(60, 100, 50, 0.6, 0.5),
                              rec(50, 100, 50, 0.5, 0.5)};
    for (int i = 0; i < 4; i++) {
        r[i].jobs_submitted = 336 * (i + 1);
        r[i].jobs_completed = 100;
        r[i].avg_wait_time = i + 1; /* weighted by completions: mean 2.5 */
        r[i].baseline_jobs_submitted = r[i].jobs_submitted;
        r[i].baseline_jobs_completed = 200;
        r[i].baseline_avg_wait_time = 1;
        r[i].max_queue_size = 10 * i;
        r[i].jobs_lost_total = 1;
        r[i].baseline_jobs_lost_total = 2;
    }
    ps_eval_summary s;
    ps_eval_summarize(r, 4, 2.0, 336, &s);
    CHECK_INT(s.episodes, 4);
    CHECK_NEAR(s.total_savings, 140, 1e-9);        /* 400 - 260 */
    CHECK_NEAR(s.total_savings_off, 20, 1e-9);     /* 280 - 260 */
    CHECK_NEAR(s.annual_savings, 140 * 12 / 2.0, 1e-9);
    CHECK_NEAR(s.annual_savings_off, 20 * 12 / 2.0, 1e-9);
    CHECK_NEAR(s.avg_monthly_pct, (25 + 45) / 2.0, 1e-9);   /* months: 50/200, 90/200 */
    CHECK_NEAR(s.avg_monthly_pct_off, (30.0 / 180 * 100 + (-10.0 / 100 * 100)) / 2, 1e-9);
    CHECK_NEAR(s.agent_completed, 400, 0);
    CHECK_NEAR(s.agent_submitted, 3360, 0);
    CHECK_NEAR(s.agent_completion_pct, 400.0 / 3360 * 100, 1e-9);
    CHECK_NEAR(s.agent_avg_wait, 2.5, 1e-12);
    CHECK_NEAR(s.agent_avg_max_queue, 15, 1e-12);
    CHECK_NEAR(s.arrivals_per_hour_mean, 2.5, 1e-12);      /* 1, 2, 3, 4 jobs/h */
    CHECK_NEAR(s.arrivals_per_hour_std, sqrt(1.25), 1e-12); /* population std */
    CHECK_NEAR(s.agent_cost_per_1k, 260.0 * 1000 / 400, 1e-9);
    CHECK_NEAR(s.baseline_off_cost_per_1k, 280.0 * 1000 / 800, 1e-9);
    CHECK_NEAR(s.lost_per_saved_euro, 4.0 / 140, 1e-12);
    CHECK_NEAR(s.agent_dropped, 4, 0);
    CHECK_NEAR(s.baseline_dropped, 8, 0);
    /* energy and price: agent 2.6 MWh for 260 EUR (100 EUR/MWh), baseline_off
     * 2.8 MWh for 280 EUR (100 EUR/MWh): the whole saving is energy volume */
    CHECK_NEAR(s.agent_eur_per_mwh, 100, 1e-9);
    CHECK_NEAR(s.baseline_off_eur_per_mwh, 100, 1e-9);
    CHECK_NEAR(s.saving_off_energy_volume, 20, 1e-9);
    CHECK_NEAR(s.saving_off_price_timing, 0, 1e-9);
    CHECK_NEAR(s.prop_savings_pct, 140.0 / 400 * 100, 1e-9);
}

static void test_split_sums_to_saving(void) {
    /* Cheaper hours: agent pays 80 EUR/MWh for 2 MWh, baseline_off 100 for 3. */
    ps_episode_record r = rec(160, 500, 300, 2, 3);
    ps_eval_summary s;
    ps_eval_summarize(&r, 1, 0.5, 336, &s);
    CHECK_NEAR(s.saving_off_energy_volume, 1 * 80, 1e-9); /* 1 MWh not drawn at 80 */
    CHECK_NEAR(s.saving_off_price_timing, 3 * 20, 1e-9);  /* 3 MWh at 20 EUR/MWh less */
    CHECK_NEAR(s.saving_off_energy_volume + s.saving_off_price_timing, s.total_savings_off, 1e-9);
    CHECK(isnan(s.agent_cost_per_1k)); /* no completions */
    CHECK(isnan(s.lost_per_saved_euro) == 0);
}

static void test_names(void) {
    char b[128];
    ps_eval_number_slug(0.7, b, sizeof b);
    CHECK(!strcmp(b, "0p7"));
    ps_eval_number_slug(0.0, b, sizeof b);
    CHECK(!strcmp(b, "0"));
    ps_eval_number_slug(1.0, b, sizeof b);
    CHECK(!strcmp(b, "1"));
    ps_eval_number_slug(-0.5, b, sizeof b);
    CHECK(!strcmp(b, "m0p5"));
    ps_eval_number_slug(-0.0, b, sizeof b);
    CHECK(!strcmp(b, "0"));
    ps_weights w = {0.7, 0.2, 0.1, 0.0, 0.3};
    ps_eval_dir_name("1000000", &w, b, sizeof b);
    CHECK_STR_CONTAINS(b, "m1000000_e0p7_p0p2_i0p1_ja0");
    CHECK(strstr(b, "d") == NULL || strstr(b, "_d") == NULL); /* drop weight is not part of it */
}

/* evaluate-savings' report: the text blocks, and summary.json through
 * cJSON (a quoted session name stays valid; NaN becomes null). */
static void test_report(void) {
    ps_episode_record r[2] = {rec(80, 100, 90, 0.8, 0.9), rec(70, 100, 90, 0.7, 0.9)};
    ps_eval_summary s;
    ps_eval_summarize(r, 2, 1.0, 336, &s); /* no completions: cost per 1k jobs is NaN */
    char *text;
    size_t size;
    FILE *fp = open_memstream(&text, &size);
    ps_eval_summary_print(fp, &s);
    fclose(fp);
    CHECK_STR_CONTAINS(text, "\n=== CUMULATIVE SAVINGS ANALYSIS ===\nVs Baseline (with idle nodes):\n"
                             "  Total Savings: €50\n");
    CHECK_STR_CONTAINS(text, "=== SAVING VS BASELINE_OFF: ENERGY VOLUME AND PRICE TIMING ===");
    free(text);
    cJSON *j = ps_eval_summary_json(&s, "a \"quoted\" run", "128");
    char *json = cJSON_Print(j);
    cJSON *back = cJSON_Parse(json);
    CHECK(back != NULL);
    CHECK(!strcmp(cJSON_GetObjectItem(back, "session")->valuestring, "a \"quoted\" run"));
    CHECK_NEAR(cJSON_GetNumberValue(cJSON_GetObjectItem(back, "total_savings")), 50, 1e-9);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(back, "agent_cost_per_1k")));
    cJSON_Delete(back);
    cJSON_Delete(j);
    free(json);
}

int main(void) {
    test_monthly_pairing();
    test_summary();
    test_split_sums_to_saving();
    test_names();
    test_report();
    return check_summary("test_evaluation");
}
