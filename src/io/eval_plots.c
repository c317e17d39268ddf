/* eval_plots.c - cumulative savings and episode summary plots (spec 11). */
#include "powersched/eval_plots.h"

#include <stdio.h>
#include <stdlib.h>

#include "powersched/evaluation.h"
#include "powersched/io.h"
#include "powersched/plot.h"

static int write_savings_data(const char *path, const ps_episode_record *r, int n, ps_error *err) {
    double *m = malloc((size_t)(n > 0 ? n : 1) * sizeof *m), *mo = malloc((size_t)(n > 0 ? n : 1) * sizeof *mo);
    if (!m || !mo) {
        free(m);
        free(mo);
        return ps_error_set(err, "out of memory");
    }
    ps_eval_monthly_pct(r, n, 0, m);
    ps_eval_monthly_pct(r, n, 1, mo);
    ps_atomic_file f;
    int rc = ps_atomic_open(&f, path, err);
    if (rc == PS_OK) {
        fprintf(f.fp, "# episode month cum_savings_eur cum_savings_off_eur monthly_pct monthly_pct_off\n");
        double cum = 0, cum_off = 0;
        for (int i = 0; i < n; i++) {
            cum += r[i].baseline_cost - r[i].agent_cost;
            cum_off += r[i].baseline_cost_off - r[i].agent_cost;
            /* an episode is two weeks; 4.33 weeks make a month (the prototype's axis) */
            fprintf(f.fp, "%d %.4f %.4f %.4f %.4f %.4f\n", i + 1, 2.0 * (i + 1) / 4.33, cum, cum_off, m[i], mo[i]);
        }
        rc = ps_atomic_commit(&f, err);
    }
    free(m);
    free(mo);
    return rc;
}

static int write_summary_data(const char *path, const ps_episode_record *r, int n, ps_error *err) {
    ps_atomic_file f;
    if (ps_atomic_open(&f, path, err) != PS_OK) return PS_ERR;
    fprintf(f.fp, "# episode agent_cost baseline_cost baseline_off_cost avg_wait_h completion_pct max_queue "
                  "dropped baseline_dropped\n");
    for (int i = 0; i < n; i++)
        fprintf(f.fp, "%d %.4f %.4f %.4f %.4f %.4f %.0f %.0f %.0f\n", i + 1, r[i].agent_cost, r[i].baseline_cost,
                r[i].baseline_cost_off, r[i].avg_wait_time, r[i].completion_rate, r[i].max_queue_size,
                r[i].jobs_lost_total, r[i].baseline_jobs_lost_total);
    return ps_atomic_commit(&f, err);
}

static int render(const char *dir, const char *script, int *rendered, ps_error *err) {
    if (!ps_gnuplot_available()) return PS_OK;
    if (ps_gnuplot_render(dir, script, err) != PS_OK) return PS_ERR;
    (*rendered)++;
    return PS_OK;
}

int ps_eval_plots(const char *dir, const char *title, const ps_episode_record *r, int n, int *rendered,
                  ps_error *err) {
    char path[4400], script[8192], text[600], savings_title[1300], summary_title[1300];
    snprintf(text, sizeof text, "Cumulative savings - %s", title);
    ps_gnuplot_string(text, savings_title, sizeof savings_title);
    snprintf(text, sizeof text, "Episode summary - %s", title);
    ps_gnuplot_string(text, summary_title, sizeof summary_title);
    *rendered = 0;
    if (ps_mkdirs(dir, err) != PS_OK) return PS_ERR;
    snprintf(path, sizeof path, "%s/cumulative_savings.dat", dir);
    if (write_savings_data(path, r, n, err) != PS_OK) return PS_ERR;
    snprintf(script, sizeof script,
             "# Render: cd <this folder> && gnuplot cumulative_savings.gp\n"
             "set terminal pngcairo size 1400,800 font ',11' noenhanced\nset output 'cumulative_savings.png'\n"
             "set title %s\nset grid\nset key top left\n"
             "set xlabel 'months (an episode is two weeks)'\nset ylabel 'cumulative savings (EUR)'\n"
             "set y2label 'monthly savings (%%)'\nset y2tics\nset ytics nomirror\n"
             "plot 'cumulative_savings.dat' using 2:3 with linespoints lw 2 title 'vs baseline (idle nodes on)', \\\n"
             "     '' using 2:4 with linespoints lw 2 dt 2 title 'vs baseline\\_off (idle nodes free)', \\\n"
             "     '' using 2:5 axes x1y2 with lines dt 3 title 'monthly %% vs baseline', \\\n"
             "     '' using 2:6 axes x1y2 with lines dt 3 title 'monthly %% vs baseline\\_off'\n",
             savings_title);
    snprintf(path, sizeof path, "%s/cumulative_savings.gp", dir);
    if (ps_atomic_write_text(path, script, err) != PS_OK || render(dir, "cumulative_savings.gp", rendered, err) != PS_OK)
        return PS_ERR;
    snprintf(path, sizeof path, "%s/episode_summary.dat", dir);
    if (write_summary_data(path, r, n, err) != PS_OK) return PS_ERR;
    snprintf(script, sizeof script,
             "# Render: cd <this folder> && gnuplot episode_summary.gp\n"
             "set terminal pngcairo size 1400,1200 font ',11' noenhanced\nset output 'episode_summary.png'\n"
             "set multiplot layout 3,1 title %s\nset grid\nset key outside right\n"
             "set xlabel 'episode'\n"
             "set title 'Cost per episode'\nset ylabel 'EUR'\n"
             "plot 'episode_summary.dat' using 1:2 with linespoints title 'agent', \\\n"
             "     '' using 1:3 with linespoints title 'baseline', '' using 1:4 with linespoints title 'baseline\\_off'\n"
             "set title 'Average wait and completion'\nset ylabel 'average wait (h)'\n"
             "set y2label 'completion (%%)'\nset y2tics\nset ytics nomirror\n"
             "plot 'episode_summary.dat' using 1:5 with linespoints title 'average wait', \\\n"
             "     '' using 1:6 axes x1y2 with linespoints title 'completion'\n"
             "set title 'Queue and dropped jobs'\nset ylabel 'max queue (jobs)'\nset y2label 'dropped jobs'\n"
             "plot 'episode_summary.dat' using 1:7 with linespoints title 'max queue', \\\n"
             "     '' using 1:8 axes x1y2 with linespoints title 'dropped (agent)', \\\n"
             "     '' using 1:9 axes x1y2 with linespoints title 'dropped (baseline)'\n"
             "unset multiplot\n",
             summary_title);
    snprintf(path, sizeof path, "%s/episode_summary.gp", dir);
    if (ps_atomic_write_text(path, script, err) != PS_OK || render(dir, "episode_summary.gp", rendered, err) != PS_OK)
        return PS_ERR;
    return PS_OK;
}
