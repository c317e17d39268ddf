/* job_stream_plot.c - the plots of `workloadgen inspect`: arrivals per
 * hour, their distribution, and histograms of duration, nodes and cores. */
#include "powersched/job_stream.h"

#include <stdlib.h>

#include "powersched/io.h"
#include "powersched/plot.h"

/* value count lines of one attribute's histogram */
static int write_histogram(const char *path, const ps_job_stream *s, int attr, ps_error *err) {
    int maxv = 0;
    for (int i = 0; i < s->jobs.n; i++)
        if (ps_job_attr(&s->jobs.v[i], attr) > maxv) maxv = ps_job_attr(&s->jobs.v[i], attr);
    long *cnt = calloc((size_t)maxv + 1, sizeof *cnt);
    if (!cnt) return ps_error_set(err, "out of memory");
    for (int i = 0; i < s->jobs.n; i++)
        if (ps_job_attr(&s->jobs.v[i], attr) >= 0) cnt[ps_job_attr(&s->jobs.v[i], attr)]++;
    ps_atomic_file f;
    int rc = ps_atomic_open(&f, path, err);
    if (rc == PS_OK) {
        fprintf(f.fp, "# value jobs\n");
        for (int v = 0; v <= maxv; v++)
            if (cnt[v]) fprintf(f.fp, "%d %ld\n", v, cnt[v]);
        rc = ps_atomic_commit(&f, err);
    }
    free(cnt);
    return rc;
}

static int write_hourly(const char *path, const ps_job_stream *s, ps_error *err) {
    ps_atomic_file f;
    if (ps_atomic_open(&f, path, err) != PS_OK) return PS_ERR;
    fprintf(f.fp, "# hour jobs core_hours\n");
    for (int t = 0; t < s->hours; t++)
        fprintf(f.fp, "%d %d %.0f\n", t, s->start[t + 1] - s->start[t], ps_job_stream_work(s, t, 1));
    return ps_atomic_commit(&f, err);
}

static int write_script(const char *dir, const char *label, const char *title_text, ps_error *err) {
    char path[4300], title[1200];
    ps_gnuplot_string(title_text, title, sizeof title);
    snprintf(path, sizeof path, "%s/%s.gp", dir, label);
    ps_atomic_file f;
    if (ps_atomic_open(&f, path, err) != PS_OK) return PS_ERR;
    fprintf(f.fp,
            "# Render: cd <this folder> && gnuplot %s.gp\n"
            "set terminal pngcairo size 1600,1200 font ',10' noenhanced\n"
            "set output '%s.png'\n"
            "set multiplot layout 3,2 title %s\n"
            "set grid\nset key off\nset style fill solid 0.6\n"
            "set title 'Jobs per hour'\nset xlabel 'hour'\nset ylabel 'jobs'\n"
            "plot '%s_hourly.dat' using 1:2 with lines lw 1\n"
            "set title 'Core-hours of work arriving per hour'\nset xlabel 'hour'\nset ylabel 'core-hours'\n"
            "plot '%s_hourly.dat' using 1:3 with lines lw 1\n"
            "set title 'Distribution of jobs per hour'\nset xlabel 'jobs in an hour'\nset ylabel 'hours'\n"
            "stats '%s_hourly.dat' using 2 nooutput\nbw = (STATS_max - STATS_min) / 40.0 + 1\nset boxwidth bw\n"
            "plot '%s_hourly.dat' using (bw * floor($2 / bw) + bw / 2):(1) smooth frequency with boxes\n"
            "set boxwidth 0.8 absolute\n"
            "set title 'Job duration'\nset xlabel 'duration (h)'\nset ylabel 'jobs'\n"
            "plot '%s_duration.dat' using 1:2 with boxes\n"
            "set title 'Nodes per job'\nset xlabel 'nodes'\nset ylabel 'jobs'\n"
            "plot '%s_nodes.dat' using 1:2 with boxes\n"
            "set title 'Cores per node'\nset xlabel 'cores per node'\nset ylabel 'jobs'\n"
            "plot '%s_cores.dat' using 1:2 with boxes\n"
            "unset multiplot\n",
            label, label, title, label, label, label, label, label, label, label);
    return ps_atomic_commit(&f, err);
}

int ps_job_stream_plot(const char *dir, const char *label, const char *title, const ps_job_stream *s, int *png,
                       ps_error *err) {
    static const char *const attr[PS_JOB_ATTRS] = {"duration", "nodes", "cores"};
    char path[4300];
    *png = 0;
    if (ps_mkdirs(dir, err) != PS_OK) return PS_ERR;
    snprintf(path, sizeof path, "%s/%s_hourly.dat", dir, label);
    if (write_hourly(path, s, err) != PS_OK) return PS_ERR;
    for (int a = 0; a < PS_JOB_ATTRS; a++) {
        snprintf(path, sizeof path, "%s/%s_%s.dat", dir, label, attr[a]);
        if (write_histogram(path, s, a, err) != PS_OK) return PS_ERR;
    }
    if (write_script(dir, label, title, err) != PS_OK) return PS_ERR;
    if (!ps_gnuplot_available()) return PS_OK;
    snprintf(path, sizeof path, "%s.gp", label);
    if (ps_gnuplot_render(dir, path, err) != PS_OK) return PS_ERR;
    *png = 1;
    return PS_OK;
}
