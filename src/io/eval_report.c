/* eval_report.c - evaluate-savings' report: text, summary.json, outputs. */
#include "powersched/eval_report.h"

#include <cJSON.h>
#include <math.h>

#include "powersched/eval_plots.h"
#include "powersched/io.h"
#include "powersched/plot.h"

static void print_money(FILE *fp, const char *label, double v) {
    char b[64];
    ps_format_thousands(v, 0, b, sizeof b);
    fprintf(fp, "  %s€%s\n", label, b);
}

/* One side's job lines of the JOB PROCESSING METRICS block. */
static void print_jobs(FILE *fp, double completed, double submitted, double pct, double wait, double max_queue) {
    char a[64], b[64];
    ps_format_thousands(completed, 0, a, sizeof a);
    ps_format_thousands(submitted, 0, b, sizeof b);
    fprintf(fp, "  Jobs Completed: %s / %s (%.1f%%)\n", a, b, pct);
    fprintf(fp, "  Average Wait Time: %.1f hours\n  Average Max Queue Size: %.0f\n", wait, max_queue);
}

void ps_eval_summary_print(FILE *fp, const ps_eval_summary *s) {
    char a[64], b[64], c[64];
    fprintf(fp, "\n=== CUMULATIVE SAVINGS ANALYSIS ===\n");
    const char *name[2] = {"Vs Baseline (with idle nodes):", "Vs Baseline_off (no idle nodes):"};
    double tot[2] = {s->total_savings, s->total_savings_off}, pct[2] = {s->avg_monthly_pct, s->avg_monthly_pct_off};
    double ann[2] = {s->annual_savings, s->annual_savings_off};
    for (int k = 0; k < 2; k++) {
        fprintf(fp, "%s\n", name[k]);
        print_money(fp, "Total Savings: ", tot[k]);
        fprintf(fp, "  Average Monthly Reduction: %.1f%%\n", pct[k]);
        ps_format_thousands(ann[k], 0, a, sizeof a);
        fprintf(fp, "  Annual Savings Rate: €%s/year (per 12 evaluation months of 28 days)\n", a);
    }
    fprintf(fp, "\n=== JOB PROCESSING METRICS ===\nAgent:\n");
    print_jobs(fp, s->agent_completed, s->agent_submitted, s->agent_completion_pct, s->agent_avg_wait,
               s->agent_avg_max_queue);
    print_money(fp, "Total Cost: ", s->agent_cost);
    fprintf(fp, "  Job Arrivals/Hour (mean ± std): %.2f ± %.2f\nBaseline:\n", s->arrivals_per_hour_mean,
            s->arrivals_per_hour_std);
    print_jobs(fp, s->baseline_completed, s->baseline_submitted, s->baseline_completion_pct, s->baseline_avg_wait,
               s->baseline_avg_max_queue);
    print_money(fp, "Baseline Total Cost: ", s->baseline_cost);
    print_money(fp, "Baseline_off Total Cost: ", s->baseline_off_cost);
    ps_format_thousands(s->agent_cost_per_1k, 2, a, sizeof a);
    ps_format_thousands(s->baseline_cost_per_1k, 2, b, sizeof b);
    ps_format_thousands(s->baseline_off_cost_per_1k, 2, c, sizeof c);
    fprintf(fp, "\n=== COST PER 1,000 COMPLETED JOBS ===\n  Agent: %s €/1k jobs\n  Baseline: %s €/1k jobs\n"
            "  Baseline_off: %s €/1k jobs\n", a, b, c);
    fprintf(fp, "\n=== AGENT LOST JOBS PER SAVED EURO ===\n  Total Lost Jobs (Agent): %.0f\n"
                "  Total Lost Jobs (Baseline): %.0f\n",
            s->agent_dropped, s->baseline_dropped);
    if (isnan(s->lost_per_saved_euro)) fprintf(fp, "  Vs Baseline: n/a\n");
    else fprintf(fp, "  Vs Baseline: %.6f jobs/€\n", s->lost_per_saved_euro);
    if (isnan(s->lost_per_saved_euro_off)) fprintf(fp, "  Vs Baseline_off: n/a\n");
    else fprintf(fp, "  Vs Baseline_off: %.6f jobs/€\n", s->lost_per_saved_euro_off);
    fprintf(fp, "\n=== POWER & PRICE METRICS (TOTAL OVER EVALUATION) ===\n");
    const char *who[3] = {"Agent", "Baseline", "Baseline_off"};
    double mwh[3] = {s->agent_mwh, s->baseline_mwh, s->baseline_off_mwh};
    double eur[3] = {s->agent_eur_per_mwh, s->baseline_eur_per_mwh, s->baseline_off_eur_per_mwh};
    for (int k = 0; k < 3; k++) {
        ps_format_thousands(mwh[k], 1, a, sizeof a);
        fprintf(fp, "  %s: Power=%s MWh, Mean Price=%.2f €/MWh\n", who[k], a, eur[k]);
    }
    fprintf(fp, "\n=== PROPORTIONAL COST SAVINGS (TOTAL OVER EVALUATION) ===\n");
    ps_format_thousands(s->prop_savings, 0, a, sizeof a);
    ps_format_thousands(s->prop_savings_off, 0, b, sizeof b);
    fprintf(fp, "  Vs Baseline: €%s, %.1f%%\n  Vs Baseline_off: €%s, %.1f%%\n", a, s->prop_savings_pct, b,
            s->prop_savings_off_pct);
    fprintf(fp, "\n=== SAVING VS BASELINE_OFF: ENERGY VOLUME AND PRICE TIMING ===\n");
    fprintf(fp, "  Energy volume: €%.2f (%.3f MWh not drawn, at the agent's %.2f €/MWh)\n",
            s->saving_off_energy_volume, s->baseline_off_mwh - s->agent_mwh, s->agent_eur_per_mwh);
    fprintf(fp, "  Price timing:  €%.2f (%.2f €/MWh paid less than baseline_off, on its %.3f MWh)\n",
            s->saving_off_price_timing, s->baseline_off_eur_per_mwh - s->agent_eur_per_mwh, s->baseline_off_mwh);
    fprintf(fp, "  Sum:           €%.2f (saving vs baseline_off: €%.2f)\n",
            s->saving_off_energy_volume + s->saving_off_price_timing, s->total_savings_off);
    fprintf(fp, "  Dropped jobs: agent %.0f, baseline %.0f\n", s->agent_dropped, s->baseline_dropped);
    if (isnan(s->oracle_contiguous_cost)) return;
    fprintf(fp, "\n=== ORACLE BOUNDS OF THE SAME WORK (perfect foresight, no idle power; spec 16) ===\n");
    fprintf(fp, "  Contiguous: €%.2f (%.0f jobs unscheduled, %.0f spill-over), liquid: €%.2f\n",
            s->oracle_contiguous_cost, s->oracle_unscheduled, s->oracle_spillover, s->oracle_liquid_cost);
    fprintf(fp, "  Captured: %.1f%% of the gap between baseline_off and the contiguous oracle\n", s->oracle_capture_pct);
}

cJSON *ps_eval_summary_json(const ps_eval_summary *s, const char *session, const char *model) {
    cJSON *root = cJSON_CreateObject();
    if (!root) return NULL;
    cJSON_AddStringToObject(root, "session", session);
    cJSON_AddStringToObject(root, "model", model);
    cJSON_AddNumberToObject(root, "eval_months", s->eval_months);
    cJSON_AddNumberToObject(root, "episodes", s->episodes);
#define NUM(field) \
    cJSON_AddItemToObject(root, #field, isfinite(s->field) ? cJSON_CreateNumber(s->field) : cJSON_CreateNull());
    NUM(total_savings) NUM(avg_monthly_pct) NUM(annual_savings) NUM(total_savings_off) NUM(avg_monthly_pct_off)
    NUM(annual_savings_off) NUM(agent_completed) NUM(agent_submitted) NUM(agent_completion_pct) NUM(agent_avg_wait)
    NUM(agent_avg_max_queue) NUM(baseline_completed) NUM(baseline_submitted) NUM(baseline_completion_pct)
    NUM(baseline_avg_wait) NUM(baseline_avg_max_queue) NUM(arrivals_per_hour_mean) NUM(arrivals_per_hour_std)
    NUM(agent_dropped) NUM(baseline_dropped) NUM(agent_cost) NUM(baseline_cost) NUM(baseline_off_cost)
    NUM(agent_cost_per_1k) NUM(baseline_cost_per_1k) NUM(baseline_off_cost_per_1k) NUM(lost_per_saved_euro)
    NUM(lost_per_saved_euro_off) NUM(agent_mwh) NUM(baseline_mwh) NUM(baseline_off_mwh) NUM(agent_eur_per_mwh)
    NUM(baseline_eur_per_mwh) NUM(baseline_off_eur_per_mwh) NUM(prop_savings) NUM(prop_savings_pct)
    NUM(prop_savings_off) NUM(prop_savings_off_pct) NUM(saving_off_energy_volume) NUM(saving_off_price_timing)
    NUM(oracle_liquid_cost) NUM(oracle_contiguous_cost) NUM(oracle_unscheduled) NUM(oracle_spillover)
    NUM(oracle_capture_pct) NUM(agent_wait_p95_max)
#undef NUM
    return root;
}

int ps_eval_write_outputs(const char *dir, const ps_episode_record *r, int n, const ps_eval_summary *s,
                          const char *session, const char *model, const cJSON *provenance, int *png, ps_error *err) {
    char path[4900];
    if (ps_mkdirs(dir, err) != PS_OK) return PS_ERR;
    snprintf(path, sizeof path, "%s/episodes.csv", dir);
    ps_atomic_file f;
    if (ps_atomic_open(&f, path, err) != PS_OK) return PS_ERR;
    ps_episodes_header(f.fp);
    for (int i = 0; i < n; i++) ps_episodes_row(f.fp, &r[i]);
    if (ps_atomic_commit(&f, err) != PS_OK) return PS_ERR;
    cJSON *json = ps_eval_summary_json(s, session, model);
    for (const cJSON *e = provenance ? provenance->child : NULL; json && e; e = e->next)
        cJSON_AddItemToObject(json, e->string, cJSON_Duplicate(e, 1));
    snprintf(path, sizeof path, "%s/summary.json", dir);
    int rc = ps_write_json(path, json, err);
    cJSON_Delete(json);
    if (rc != PS_OK) return rc;
    char title[512];
    snprintf(title, sizeof title, "%s, model %s, %g months", session, model, s->eval_months);
    return ps_eval_plots(dir, title, r, n, png, err);
}
