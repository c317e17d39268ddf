/* episode_plot.c - spec 11's episode plot as gnuplot script + data. */
#include "powersched/episode_plot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "powersched/io.h"
#include "powersched/plot.h"

int ps_series_init(ps_episode_series *s, int cap) {
    memset(s, 0, sizeof *s);
    float **cols[9] = {&s->price, &s->on, &s->used, &s->queue, &s->eff, &s->price_r, &s->idle, &s->job_age, &s->reward};
    for (int i = 0; i < 9; i++)
        if (!(*cols[i] = calloc((size_t)cap, sizeof(float)))) {
            ps_series_free(s);
            return -1;
        }
    s->cap = cap;
    return 0;
}

void ps_series_free(ps_episode_series *s) {
    float *cols[9] = {s->price, s->on, s->used, s->queue, s->eff, s->price_r, s->idle, s->job_age, s->reward};
    for (int i = 0; i < 9; i++) free(cols[i]);
    memset(s, 0, sizeof *s);
}

void ps_series_clear(ps_episode_series *s) { s->n = 0; }

void ps_series_add(ps_episode_series *s, const ps_env *env, const ps_step_info *in) {
    if (s->n >= s->cap) return;
    int i = s->n++;
    s->price[i] = (float)in->current_price;
    s->on[i] = (float)in->on;
    s->used[i] = (float)in->used;
    s->queue[i] = (float)(env->agent.n_active + env->agent.bl_len);
    s->eff[i] = (float)(in->parts.efficiency * 100);
    s->price_r[i] = (float)(in->parts.price * 100);
    s->idle[i] = (float)(in->parts.idle * 100);
    s->job_age[i] = (float)(in->parts.job_age * 100);
    s->reward[i] = (float)in->reward;
}

static int write_data(const char *path, const ps_episode_series *s, int from, ps_error *err) {
    ps_atomic_file f;
    if (ps_atomic_open(&f, path, err) != PS_OK) return PS_ERR;
    fprintf(f.fp, "# hour price on used queue eff_x100 price_x100 idle_x100 jobage_x100 reward\n");
    for (int i = from; i < s->n; i++)
        fprintf(f.fp, "%d %.4f %.0f %.0f %.0f %.4f %.4f %.4f %.4f %.6f\n", i + 1, s->price[i], s->on[i], s->used[i],
                s->queue[i], s->eff[i], s->price_r[i], s->idle[i], s->job_age[i], s->reward[i]);
    return ps_atomic_commit(&f, err);
}

static int write_script(const char *path, const char *name, const char *title_text, ps_error *err) {
    char title[1200];
    ps_gnuplot_string(title_text, title, sizeof title);
    ps_atomic_file f;
    if (ps_atomic_open(&f, path, err) != PS_OK) return PS_ERR;
    fprintf(f.fp,
            "# Render: cd <this folder> && gnuplot %s.gp\n"
            "set terminal pngcairo size 1600,1000 font ',10' noenhanced\nset output '%s.png'\n"
            "set multiplot layout 2,1 title %s\nset grid\nset key outside right\n"
            "set title 'Price, nodes and queue'\nset xlabel 'hour of episode'\nset ylabel 'price (EUR/MWh)'\n"
            "set y2label 'nodes / jobs'\nset y2tics\nset ytics nomirror\n"
            "plot '%s.dat' using 1:2 axes x1y1 with lines lw 2 title 'price', \\\n"
            "     '' using 1:3 axes x1y2 with lines title 'online nodes', \\\n"
            "     '' using 1:4 axes x1y2 with lines title 'used nodes', \\\n"
            "     '' using 1:5 axes x1y2 with lines title 'queue + backlog (jobs)'\n"
            "unset y2tics\nunset y2label\nset ytics mirror\n"
            "set title 'Reward components (x100) and step reward'\nset ylabel 'component x 100'\n"
            "set y2label 'reward'\nset y2tics\nset ytics nomirror\n"
            "plot '%s.dat' using 1:6 with lines dt 2 title 'efficiency', \\\n"
            "     '' using 1:7 with lines dt 2 title 'price', \\\n"
            "     '' using 1:8 with lines dt 2 title 'idle', \\\n"
            "     '' using 1:9 with lines dt 2 title 'job age', \\\n"
            "     '' using 1:10 axes x1y2 with lines lw 2 title 'reward'\n"
            "unset multiplot\n",
            name, name, title, name, name);
    return ps_atomic_commit(&f, err);
}

int ps_episode_plot(const char *dir, const char *name, const char *title, const ps_episode_series *s, int hours,
                    int *rendered, ps_error *err) {
    char path[4400], script[300];
    *rendered = 0;
    int from = hours > 0 && hours < s->n ? s->n - hours : 0;
    if (ps_mkdirs(dir, err) != PS_OK) return PS_ERR;
    snprintf(path, sizeof path, "%s/%s.dat", dir, name);
    if (write_data(path, s, from, err) != PS_OK) return PS_ERR;
    snprintf(path, sizeof path, "%s/%s.gp", dir, name);
    if (write_script(path, name, title, err) != PS_OK) return PS_ERR;
    if (!ps_gnuplot_available()) return PS_OK;
    snprintf(script, sizeof script, "%s.gp", name);
    if (ps_gnuplot_render(dir, script, err) != PS_OK) return PS_ERR;
    *rendered = 1;
    return PS_OK;
}
