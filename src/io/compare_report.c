/* compare_report.c - parsing the policy list and reporting a comparison. */
#include "powersched/compare.h"

#include <cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "powersched/io.h"
#include "powersched/plot.h"

static const char *KNOWN[] = {"always-on",  "baseline_off", "slurm-suspend", "price-threshold", "price-aware",
                              "job-timing", "random",       "model"};

static int known(const char *name) {
    for (size_t k = 0; k < sizeof KNOWN / sizeof KNOWN[0]; k++)
        if (!strcmp(name, KNOWN[k])) return 1;
    return 0;
}

static char *trim(char *s) {
    while (isspace((unsigned char)*s)) s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) *--e = '\0';
    return s;
}

int ps_compare_parse(const char *list, char *buf, size_t size, const char *names[PS_COMPARE_MAX], int *n,
                     ps_error *err) {
    snprintf(buf, size, "%s", list);
    *n = 0;
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        t = trim(t);
        if (!known(t))
            return ps_error_set(err, "--compare: '%s' is not always-on, baseline_off, slurm-suspend, price-threshold, "
                                     "price-aware, job-timing, random or model", t);
        for (int i = 0; i < *n; i++)
            if (!strcmp(names[i], t)) return ps_error_set(err, "--compare: '%s' is listed twice", t);
        if (*n == PS_COMPARE_MAX) return ps_error_set(err, "--compare: more than %d policies", PS_COMPARE_MAX);
        names[(*n)++] = t;
    }
    return *n ? PS_OK : ps_error_set(err, "--compare: no policy named");
}

const ps_compare_row *ps_compare_find(const ps_compare *c, const char *name) {
    for (int i = 0; i < c->n; i++)
        if (!strcmp(c->rows[i].name, name)) return &c->rows[i];
    return NULL;
}



/* Saving of row r against reference ref in % of ref's cost (NaN without ref). */
static double saving_pct(const ps_compare_row *r, const ps_compare_row *ref) {
    return ref && ref->cost != 0 ? (ref->cost - r->cost) / ref->cost * 100 : NAN;
}

static void num(FILE *fp, const char *fmt, double v, int width) {
    if (isnan(v)) fprintf(fp, "%*s", width, "n/a");
    else fprintf(fp, fmt, width, v);
}

void ps_compare_print(FILE *fp, const ps_compare *c) {
    const ps_compare_row *off = ps_compare_find(c, "baseline_off"), *slurm = ps_compare_find(c, "slurm-suspend");
    fprintf(fp, "\n=== POLICIES ON ONE TIMELINE (%d episodes, %.4g months) ===\n", c->episodes, c->months);
    fprintf(fp, "%-16s %10s %9s %7s %8s %8s %7s %6s %5s %5s %9s %8s\n", "policy", "cost EUR", "MWh", "EUR/MWh",
            "vs off%", "vs slurm%", "compl%", "wait", "p95", "max", "dropped", "capture%");
    for (int i = 0; i < c->n; i++) {
        const ps_compare_row *r = &c->rows[i];
        fprintf(fp, "%-16s", r->name);
        num(fp, " %*.0f", r->cost, 10);
        num(fp, " %*.1f", r->energy_mwh, 9);
        num(fp, " %*.2f", r->eur_per_mwh, 7);
        num(fp, " %*.1f", saving_pct(r, off), 8);
        num(fp, " %*.1f", saving_pct(r, slurm), 8);
        num(fp, " %*.2f", r->completion_pct, 7);
        num(fp, " %*.1f", r->mean_wait, 6);
        num(fp, " %*.0f", r->p95_wait, 5);
        num(fp, " %*.0f", r->max_wait, 5);
        num(fp, " %*.0f", r->dropped, 9);
        num(fp, " %*.1f", r->oracle_capture_pct, 8);
        fputc('\n', fp);
    }
    fprintf(fp, "Oracle bounds of the same work (perfect foresight, no idle power, spec 16): contiguous %.0f EUR, "
                "liquid %.0f EUR; %.0f jobs unscheduled, %.0f spill-over in the contiguous schedule.\n",
            c->oracle_contiguous, c->oracle_liquid, c->oracle_unscheduled, c->oracle_spillover);
    if (!isnan(c->oracle_qos)) { /* only with the QoS guard */
        fprintf(fp, "Bound within the guard's wait (every job starts by then, none skipped; oracle.h): %.0f EUR; "
                    "share of its gap to baseline_off captured:", c->oracle_qos);
        for (int i = 0; i < c->n; i++)
            if (strcmp(c->rows[i].name, "baseline_off")) fprintf(fp, " %s %.1f%%", c->rows[i].name, c->rows[i].qos_capture_pct);
        fputs("\n", fp);
    }
    fprintf(fp, "capture%% = (cost(baseline_off) - cost) / (cost(baseline_off) - contiguous oracle). "
                "Waits in hours (mean, p95, max of completed jobs).\n");
}

void ps_compare_print_brief(FILE *fp, const ps_compare *c) {
    const ps_compare_row *off = ps_compare_find(c, "baseline_off");
    fprintf(fp, "    saving vs baseline_off:");
    for (int i = 0; i < c->n; i++) fprintf(fp, " %s %+.2f%%", c->rows[i].name, saving_pct(&c->rows[i], off));
    fprintf(fp, " (oracle %.0f EUR)\n", c->oracle_contiguous);
}

/* ------------------------------------------------------------------ files */

#define ROW_FIELDS(X)                                                                                         \
    X(cost) X(energy_mwh) X(eur_per_mwh) X(submitted) X(completed) X(dropped) X(completion_pct) X(mean_wait) \
    X(p95_wait) X(max_wait) X(power_ons) X(power_offs) X(oracle_capture_pct) X(qos_capture_pct)

void ps_compare_csv_header(FILE *fp, const char *lead) {
#define HEAD(x) fprintf(fp, "," #x);
    fprintf(fp, "%s%spolicy", lead, *lead ? "," : "");
    ROW_FIELDS(HEAD)
    fprintf(fp, ",savings_vs_baseline_off_pct,savings_vs_slurm_suspend_pct,oracle_contiguous_eur,oracle_liquid_eur,"
                "oracle_qos_eur\n");
#undef HEAD
}

void ps_compare_csv_rows(FILE *fp, const char *lead, const ps_compare *c) {
    const ps_compare_row *off = ps_compare_find(c, "baseline_off"), *slurm = ps_compare_find(c, "slurm-suspend");
#define VAL(x) fprintf(fp, ",%.10g", r->x);
    for (int i = 0; i < c->n; i++) {
        const ps_compare_row *r = &c->rows[i];
        fprintf(fp, "%s%s%s", lead, *lead ? "," : "", r->name);
        ROW_FIELDS(VAL)
        fprintf(fp, ",%.10g,%.10g,%.10g,%.10g,%.10g\n", saving_pct(r, off), saving_pct(r, slurm),
                c->oracle_contiguous, c->oracle_liquid, c->oracle_qos);
    }
#undef VAL
}

static int write_csv(const char *path, const ps_compare *c, ps_error *err) {
    ps_atomic_file f;
    if (ps_atomic_open(&f, path, err) != PS_OK) return PS_ERR;
    ps_compare_csv_header(f.fp, "");
    ps_compare_csv_rows(f.fp, "", c);
    return ps_atomic_commit(&f, err);
}

static cJSON *json_number(double v) { return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull(); }

static char *compare_json(const ps_compare *c) {
    cJSON *root = cJSON_CreateObject(), *rows = cJSON_AddArrayToObject(root, "policies");
    cJSON_AddNumberToObject(root, "episodes", c->episodes);
    cJSON_AddNumberToObject(root, "months", c->months);
    cJSON *oracle = cJSON_AddObjectToObject(root, "oracle_workload");
    cJSON_AddItemToObject(oracle, "contiguous_eur", json_number(c->oracle_contiguous));
    cJSON_AddItemToObject(oracle, "liquid_eur", json_number(c->oracle_liquid));
    cJSON_AddItemToObject(oracle, "unscheduled", json_number(c->oracle_unscheduled));
    cJSON_AddItemToObject(oracle, "spillover", json_number(c->oracle_spillover));
    cJSON_AddItemToObject(oracle, "within_wait_eur", json_number(c->oracle_qos));
    const ps_compare_row *off = ps_compare_find(c, "baseline_off"), *slurm = ps_compare_find(c, "slurm-suspend");
    for (int i = 0; i < c->n; i++) {
        const ps_compare_row *r = &c->rows[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "policy", r->name);
#define FIELD(x) cJSON_AddItemToObject(o, #x, json_number(r->x));
        ROW_FIELDS(FIELD)
#undef FIELD
        cJSON_AddItemToObject(o, "savings_vs_baseline_off_pct", json_number(saving_pct(r, off)));
        cJSON_AddItemToObject(o, "savings_vs_slurm_suspend_pct", json_number(saving_pct(r, slurm)));
        cJSON_AddItemToArray(rows, o);
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    return text;
}

static int write_plot_data(const char *path, const ps_compare *c, ps_error *err) {
    ps_atomic_file f;
    if (ps_atomic_open(&f, path, err) != PS_OK) return PS_ERR;
    fprintf(f.fp, "# index policy cost_eur completion_pct mean_wait_h oracle_contiguous_eur\n");
    for (int i = 0; i < c->n; i++)
        fprintf(f.fp, "%d \"%s\" %.4f %.4f %.4f %.4f\n", i, c->rows[i].name, c->rows[i].cost,
                c->rows[i].completion_pct, c->rows[i].mean_wait, c->oracle_contiguous);
    return ps_atomic_commit(&f, err);
}

/* Fixed text only: policy names come from a fixed list and reach gnuplot
 * through the data file, so no user string is ever gnuplot syntax. */
static int write_plot_script(const char *dir, ps_error *err) {
    char path[4200];
    snprintf(path, sizeof path, "%s/compare.gp", dir);
    return ps_atomic_write_text(path,
        "set terminal pngcairo size 1400,450 noenhanced\n"
        "set output 'compare.png'\n"
        "set multiplot layout 1,3\n"
        "set style fill solid 0.6\nset boxwidth 0.6\nset grid y\nset xtics rotate by -30\nset yrange [0:*]\n"
        "set title 'cost (EUR); line: contiguous oracle'\n"
        "plot 'compare.dat' using 1:3:xtic(2) with boxes notitle, '' using 1:6 with lines lw 2 title 'oracle'\n"
        "set title 'completion (%)'\nset yrange [0:105]\n"
        "plot 'compare.dat' using 1:4:xtic(2) with boxes notitle\n"
        "set title 'mean wait (h)'\nset yrange [0:*]\n"
        "plot 'compare.dat' using 1:5:xtic(2) with boxes notitle\n"
        "unset multiplot\n",
        err);
}

int ps_compare_write(const char *dir, const ps_compare *c, int *png, ps_error *err) {
    char path[4200];
    *png = 0;
    if (ps_mkdirs(dir, err) != PS_OK) return PS_ERR;
    snprintf(path, sizeof path, "%s/compare.csv", dir);
    if (write_csv(path, c, err) != PS_OK) return PS_ERR;
    char *json = compare_json(c);
    snprintf(path, sizeof path, "%s/compare.json", dir);
    int rc = ps_atomic_write_text(path, json, err);
    free(json);
    snprintf(path, sizeof path, "%s/compare.dat", dir);
    if (rc != PS_OK || write_plot_data(path, c, err) != PS_OK || write_plot_script(dir, err) != PS_OK)
        return PS_ERR;
    if (!ps_gnuplot_available()) return PS_OK;
    if (ps_gnuplot_render(dir, "compare.gp", err) != PS_OK) return PS_ERR;
    *png = 1;
    return PS_OK;
}

/* ------------------------------------------------------------ seeds */

static void mean_sd(const double *x, int n, double *mean, double *sd) {
    double s = 0, q = 0;
    for (int i = 0; i < n; i++) s += x[i];
    *mean = n ? s / n : NAN;
    for (int i = 0; i < n; i++) q += (x[i] - *mean) * (x[i] - *mean);
    *sd = n > 1 ? sqrt(q / (n - 1)) : 0.0;
}

/* One figure of row `row` across the seeds' comparisons. */
static void figure(const ps_compare *c, int n, int row, int which, double *mean, double *sd) {
    double x[64];
    int m = n < 64 ? n : 64;
    for (int k = 0; k < m; k++) {
        const ps_compare_row *r = &c[k].rows[row], *off = ps_compare_find(&c[k], "baseline_off");
        x[k] = which == 0 ? r->cost : which == 1 ? saving_pct(r, off) : which == 2 ? r->completion_pct
             : which == 3 ? r->mean_wait : r->p95_wait;
    }
    mean_sd(x, m, mean, sd);
}

void ps_compare_print_seeds(FILE *fp, const ps_compare *c, int n, const uint64_t *seeds) {
    fprintf(fp, "\n=== POLICIES OVER %d SEEDS (mean +- standard deviation; seeds", n);
    for (int k = 0; k < n; k++) fprintf(fp, "%s%llu", k ? "," : " ", (unsigned long long)seeds[k]);
    fprintf(fp, ") ===\n%-16s %20s %16s %16s %14s %12s\n", "policy", "cost EUR", "vs off %", "completion %",
            "wait h", "p95 h");
    static const char *fmt[5] = {" %11.0f +- %-6.0f", " %7.2f +- %-5.2f", " %7.2f +- %-5.2f", " %6.2f +- %-4.2f",
                                 " %5.1f +- %-4.1f"};
    for (int row = 0; row < c[0].n; row++) {
        fprintf(fp, "%-16s", c[0].rows[row].name);
        for (int w = 0; w < 5; w++) {
            double m, sd;
            figure(c, n, row, w, &m, &sd);
            fprintf(fp, fmt[w], m, sd);
        }
        fputc('\n', fp);
    }
}

int ps_compare_parse_seeds(const char *list, uint64_t *seeds, int max, int *n, ps_error *err) {
    *n = 0;
    for (const char *p = list; *p;) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(p, &end, 10);
        if (end == p || errno || *p == '-' || (*end && *end != ','))
            return ps_error_set(err, "--seeds: '%s' is not a comma-separated list of seeds", list);
        if (*n == max) return ps_error_set(err, "--seeds: more than %d seeds", max);
        seeds[(*n)++] = v;
        p = *end ? end + 1 : end;
    }
    return *n ? PS_OK : ps_error_set(err, "--seeds: no seed given");
}

int ps_compare_write_seeds(const char *path, const ps_compare *c, int n, const uint64_t *seeds, ps_error *err) {
    ps_atomic_file f;
    if (ps_atomic_open(&f, path, err) != PS_OK) return PS_ERR;
    ps_compare_csv_header(f.fp, "seed");
    char lead[32];
    for (int k = 0; k < n; k++) {
        snprintf(lead, sizeof lead, "%llu", (unsigned long long)seeds[k]);
        ps_compare_csv_rows(f.fp, lead, &c[k]);
    }
    return ps_atomic_commit(&f, err);
}
