/* analysis_report.c - analyze's point scenarios and result files (spec 13). */
#include "powersched/analysis_report.h"

#include <cJSON.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "powersched/io.h"
#include "powersched/plot.h"

int ps_analysis_point_spec(ps_analysis_kind kind, const ps_sim_flags *base, const ps_analysis_lambda *lambda,
                           const char *mode, double value, ps_sim_flags *f, ps_wg_config *gen,
                           ps_scenario_spec *spec, ps_error *err) {
    *f = *base;
    f->jobs = f->jobs_swf = f->hourly_jobs = "";
    f->exact_replay = f->exact_replay_aggregate = 0;
    if (kind == PS_ANALYSIS_SCALE && !strcmp(mode, "exact_replay_aggregate")) {
        f->jobs = base->jobs;
        f->jobs_swf = base->jobs_swf;
        f->exact_replay = f->exact_replay_aggregate = 1;
        f->arrival_scale = value;
    } else if (kind == PS_ANALYSIS_SCALE) {
        f->hourly_jobs = *base->hourly_jobs ? base->hourly_jobs : ps_sim_flags_jobs(base);
        f->arrival_scale = value;
    } else if (kind == PS_ANALYSIS_SEED) {
        f->hourly_jobs = base->hourly_jobs;
        f->arrival_scale = 1.0;
        f->seed = (uint64_t)value;
    }
    if (ps_sim_flags_to_spec(f, spec, NULL, err) != PS_OK) return PS_ERR;
    if (kind != PS_ANALYSIS_LAMBDA) return PS_OK;
    double attr[3];
    if (sscanf(lambda->attr_lambdas, "%lf,%lf,%lf", &attr[0], &attr[1], &attr[2]) != 3)
        return ps_error_set(err, "--wg-attr-lambdas: expected three numbers like 0.3,1.0,3.0");
    *gen = ps_wg_config_default(PS_WG_POISSON);
    gen->lambda = value;
    for (int k = 0; k < 3; k++) gen->lambda_attr[k] = attr[k];
    gen->max_jobs = lambda->max_jobs;
    gen->small.prob = lambda->burst_small;
    gen->heavy.prob = lambda->burst_heavy;
    if (ps_wg_config_check(gen, &spec->cfg, err) != PS_OK) return PS_ERR;
    spec->workload.generator = gen;
    return PS_OK;
}

/* --------------------------------------------------------------- tables */

void ps_analysis_table(FILE *fp, ps_analysis_kind kind, const ps_analysis_point *pts, int n, const char *sep,
                       const char *only) {
    fprintf(fp, "%s%s", only ? "# " : "mode,", ps_analysis_value_name(kind));
#define HEAD(x) fprintf(fp, "%s%s", sep, #x);
    PS_POINT_STAT_FIELDS(HEAD)
#undef HEAD
    fputc('\n', fp);
    for (int i = 0; i < n; i++) {
        if (only && strcmp(pts[i].mode, only)) continue;
        const ps_point_stats *s = &pts[i].stats;
        if (!only) fprintf(fp, "%s,", pts[i].mode);
        fprintf(fp, "%.6f", pts[i].value);
#define ROW(x) fprintf(fp, "%s%.6f", sep, (double)s->x);
        PS_POINT_STAT_FIELDS(ROW)
#undef ROW
        fputc('\n', fp);
    }
}

static int write_table(const char *path, ps_analysis_kind kind, const ps_analysis_point *pts, int n, const char *sep,
                       const char *only, ps_error *err) {
    ps_atomic_file f;
    if (ps_atomic_open(&f, path, err) != PS_OK) return PS_ERR;
    ps_analysis_table(f.fp, kind, pts, n, sep, only);
    return ps_atomic_commit(&f, err);
}

static cJSON *num(double v) { return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull(); }

/* The per-episode numbers summary.json keeps of each point. */
static cJSON *episodes_json(const ps_episode_list *l) {
    cJSON *eps = cJSON_CreateArray();
    for (int k = 0; eps && k < l->n; k++) {
        const ps_episode_record *r = &l->v[k];
        cJSON *e = cJSON_CreateObject();
        cJSON_AddItemToObject(e, "savings_vs_baseline", num(r->savings_vs_baseline));
        cJSON_AddItemToObject(e, "savings_vs_baseline_off", num(r->savings_vs_baseline_off));
        cJSON_AddItemToObject(e, "completion_rate", num(r->completion_rate));
        cJSON_AddItemToObject(e, "avg_wait_time", num(r->avg_wait_time));
        cJSON_AddItemToObject(e, "agent_occupancy_nodes_pct", num(r->agent_occupancy_nodes_pct));
        cJSON_AddItemToObject(e, "jobs_submitted", num(r->jobs_submitted));
        cJSON_AddItemToObject(e, "jobs_dropped", num(r->jobs_dropped));
        cJSON_AddItemToArray(eps, e);
    }
    return eps;
}

static int write_json(const char *path, ps_analysis_kind kind, const char *session, const char *model, double months,
                      const ps_analysis_point *pts, int n, ps_error *err) {
    cJSON *root = cJSON_CreateObject(), *arr = cJSON_CreateArray();
    char stamp[32];
    time_t now = time(NULL);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", localtime(&now));
    cJSON_AddStringToObject(root, "created", stamp);
    cJSON_AddStringToObject(root, "sweep", ps_analysis_value_name(kind));
    cJSON_AddStringToObject(root, "session", session);
    cJSON_AddStringToObject(root, "model", model);
    cJSON_AddNumberToObject(root, "eval_months", months);
    for (int i = 0; i < n; i++) {
        cJSON *p = cJSON_CreateObject();
        const ps_point_stats *s = &pts[i].stats;
        cJSON_AddStringToObject(p, "mode", pts[i].mode);
        cJSON_AddItemToObject(p, ps_analysis_value_name(kind), num(pts[i].value));
#define J(x) cJSON_AddItemToObject(p, #x, num((double)s->x));
        PS_POINT_STAT_FIELDS(J)
#undef J
        cJSON_AddItemToObject(p, "per_episode", episodes_json(&pts[i].episodes));
        cJSON_AddItemToArray(arr, p);
    }
    cJSON_AddItemToObject(root, "points", arr);
    int rc = ps_write_json(path, root, err);
    cJSON_Delete(root);
    return rc;
}

/* ----------------------------------------------------------------- plots */

/* The statistics' names in column order: trendlines_<mode>.dat has the
 * swept value in column 1, then these from column 2. */
static const char *const STATS[] = {
#define NAME(x) #x,
    PS_POINT_STAT_FIELDS(NAME)
#undef NAME
};

static int column(const char *stat) {
    if (!stat) return 1;
    for (int k = 0; k < (int)(sizeof STATS / sizeof *STATS); k++)
        if (!strcmp(STATS[k], stat)) return k + 2;
    return 1; /* unreachable for the names below */
}

/* The 12 panels of spec 13.2: x is the swept value (NULL) or the agent's
 * node occupancy; error bars are standard deviations over episodes. */
typedef struct panel {
    const char *x, *y, *err; /* statistics; err NULL: none */
    const char *title, *ylabel;
} panel;

static const panel PANELS[12] = {
    {NULL, "occ_agent_mean", "occ_agent_std", "Agent node occupancy", "occupancy (%)"},
    {"occ_agent_mean", "savings_pct_mean", NULL, "Savings vs baseline", "savings per episode (%)"},
    {"occ_agent_mean", "savings_off_pct_mean", NULL, "Savings vs baseline_off", "savings per episode (%)"},
    {NULL, "completion_mean", "completion_std", "Completion", "completed / submitted (%)"},
    {"occ_agent_mean", "eff_savings_mean", "eff_savings_std", "Effective savings vs baseline", "EUR per episode"},
    {"occ_agent_mean", "eff_savings_off_mean", "eff_savings_off_std", "Effective savings vs baseline_off",
     "EUR per episode"},
    {"occ_agent_mean", "wait_delta", NULL, "Wait: agent - baseline", "hours"},
    {"occ_agent_mean", "cost1k_delta_off_pct", NULL, "Cost per 1k completed jobs vs baseline_off", "cheaper (%)"},
    {"occ_agent_mean", "power_delta_off_pct", NULL, "Energy vs baseline_off", "less energy (%)"},
    {NULL, "occ_base_mean", "occ_base_std", "Baseline node occupancy", "occupancy (%)"},
    {NULL, "arrivals_mean", "arrivals_std", "Arrivals", "jobs per hour"},
    {NULL, "dropped_delta", NULL, "Dropped jobs: agent - baseline", "jobs"},
};

static int write_plot(const char *dir, ps_analysis_kind kind, const char *session, const char *mode,
                      const ps_analysis_point *pts, int n, int *rendered, ps_error *err) {
    char path[4600], name[128];
    snprintf(name, sizeof name, "trendlines_%s", mode);
    snprintf(path, sizeof path, "%s/%s.dat", dir, name);
    if (write_table(path, kind, pts, n, " ", mode, err) != PS_OK) return PS_ERR;
    ps_atomic_file f;
    snprintf(path, sizeof path, "%s/%s.gp", dir, name);
    if (ps_atomic_open(&f, path, err) != PS_OK) return PS_ERR;
    char text[600], title[1300];
    snprintf(text, sizeof text, "%s sweep (%s) - session %s", ps_analysis_value_name(kind), mode, session);
    ps_gnuplot_string(text, title, sizeof title);
    fprintf(f.fp, "# Render: cd <this folder> && gnuplot %s.gp\n"
                  "set terminal pngcairo size 1800,1500 font ',10' noenhanced\nset output '%s.png'\n"
                  "set multiplot layout 4,3 title %s\nset grid\nset key off\n",
            name, name, title);
    for (int k = 0; k < 12; k++) {
        const panel *pl = &PANELS[k];
        int x = column(pl->x), y = column(pl->y);
        fprintf(f.fp, "set title '%s'\nset xlabel '%s'\nset ylabel '%s'\n", pl->title,
                pl->x ? "agent node occupancy (%)" : ps_analysis_value_name(kind), pl->ylabel);
        if (pl->err) fprintf(f.fp, "plot '%s.dat' using %d:%d:%d with yerrorlines pt 7\n", name, x, y, column(pl->err));
        else fprintf(f.fp, "plot '%s.dat' using %d:%d with linespoints pt 7\n", name, x, y);
    }
    fprintf(f.fp, "unset multiplot\n");
    if (ps_atomic_commit(&f, err) != PS_OK) return PS_ERR;
    if (!ps_gnuplot_available()) return PS_OK;
    snprintf(path, sizeof path, "%s.gp", name);
    if (ps_gnuplot_render(dir, path, err) != PS_OK) return PS_ERR;
    (*rendered)++;
    return PS_OK;
}

int ps_analysis_write(const char *dir, ps_analysis_kind kind, const char *session, const char *model, double months,
                      const ps_analysis_point *pts, int n, const char *const *modes, int n_modes, int *png,
                      ps_error *err) {
    char path[4600];
    *png = 0;
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    if (write_table(path, kind, pts, n, ",", NULL, err) != PS_OK) return PS_ERR;
    snprintf(path, sizeof path, "%s/summary.json", dir);
    if (write_json(path, kind, session, model, months, pts, n, err) != PS_OK) return PS_ERR;
    for (int m = 0; m < n_modes; m++)
        if (write_plot(dir, kind, session, modes[m], pts, n, png, err) != PS_OK) return PS_ERR;
    return PS_OK;
}

void ps_analysis_print(FILE *fp, ps_analysis_kind kind, const ps_analysis_point *pts, int n) {
    fprintf(fp, "\n%-24s %12s %9s %9s %10s %10s %9s %9s %10s\n", "mode", ps_analysis_value_name(kind), "occ %",
            "arr/h", "sav %", "sav_off %", "compl %", "wait d h", "dropped d");
    for (int i = 0; i < n; i++) {
        const ps_point_stats *s = &pts[i].stats;
        fprintf(fp, "%-24s %12.4f %9.2f %9.2f %10.2f %10.2f %9.2f %9.2f %10.0f\n", pts[i].mode, pts[i].value,
                s->occ_agent_mean, s->arrivals_mean, s->savings_pct_mean, s->savings_off_pct_mean, s->completion_mean,
                s->wait_delta, s->dropped_delta);
    }
}

int ps_analysis_write_compare(const char *dir, ps_analysis_kind kind, const ps_analysis_point *p, int n, ps_error *err) {
    char path[4500], lead[160];
    snprintf(path, sizeof path, "%s/compare.csv", dir);
    ps_atomic_file f;
    if (ps_atomic_open(&f, path, err) != PS_OK) return PS_ERR;
    snprintf(lead, sizeof lead, "mode,%s", ps_analysis_value_name(kind));
    ps_compare_csv_header(f.fp, lead);
    for (int i = 0; i < n; i++) {
        snprintf(lead, sizeof lead, "%s,%.10g", p[i].mode, p[i].value);
        ps_compare_csv_rows(f.fp, lead, &p[i].policies);
    }
    return ps_atomic_commit(&f, err);
}
