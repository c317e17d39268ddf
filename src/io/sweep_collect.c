/* sweep_collect.c - a sweep's evaluation summaries gathered into collect.csv. */
#include "powersched/sweep_run.h"

#include <cJSON.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "powersched/evaluation.h"
#include "powersched/io.h"
#include "powersched/session.h"

/* The summary.json numbers collect.csv keeps, in column order. */
static const char *const KEYS[] = {"total_savings", "total_savings_off", "avg_monthly_pct", "avg_monthly_pct_off",
                                   "agent_completion_pct", "agent_avg_wait", "agent_dropped", "agent_cost",
                                   "baseline_cost", "baseline_off_cost", "agent_eur_per_mwh",
                                   "saving_off_energy_volume", "saving_off_price_timing"};
#define N_KEYS ((int)(sizeof KEYS / sizeof KEYS[0]))

/* Where the sweep's runs wrote: the sessions folder (--output-dir), the
 * session and, with --seed-sweep --seed, the seed (rows of a seed list have
 * their own). */
typedef struct runs_at {
    const char *base, *session;
    uint64_t seed;
    int seed_sweep;
} runs_at;

static int runs_place(const ps_sweep *s, runs_at *at, ps_error *err) {
    const char *seed = ps_sweep_args_has(&s->train, "--seed-sweep") ? ps_sweep_args_value(&s->train, "--seed") : NULL;
    const char *base = ps_sweep_args_value(&s->train, "--output-dir");
    at->session = ps_sweep_args_value(&s->train, "--session");
    if (!at->session) return ps_error_set(err, "%s/%s names no --session", s->dir, PS_SWEEP_TRAIN_ARGS);
    at->base = base ? base : PS_SESSIONS_DIR;
    at->seed_sweep = seed != NULL;
    at->seed = seed ? strtoull(seed, NULL, 10) : 0;
    return PS_OK;
}

/* Whether a folder name's rest after m<steps> is the weights slug, alone or
 * with the inputs-and-settings tag (ps_provenance_tag: "_in-" 8 hex digits). */
static int is_eval_dir(const char *rest, const char *slug) {
    size_t n = strlen(slug);
    if (strncmp(rest, slug, n)) return 0;
    rest += n;
    return !*rest || (!strncmp(rest, "_in-", 4) && strlen(rest + 4) == 8 && strspn(rest + 4, "0123456789abcdef") == 8);
}

/* The modification time of path, or -1. */
static double mtime_of(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (double)st.st_mtim.tv_sec + st.st_mtim.tv_nsec * 1e-9 : -1;
}

/* <root>/plots-eval/m<largest steps>_<weights slug>[_in-CRC]/summary.json
 * (of several tags, the newest summary), or -1. */
static int find_summary(const char *root, const ps_weight_combo *c, char *path, size_t size) {
    char dir[4200], slug[128], candidate[4600];
    ps_weights w;
    for (int k = 0; k < PS_N_WEIGHTS; k++) *ps_weight_at(&w, k) = c->w[k];
    ps_eval_dir_name("", &w, slug, sizeof slug); /* "m_e.._p.._i.._ja.." */
    snprintf(dir, sizeof dir, "%s/plots-eval", root);
    DIR *d = opendir(dir);
    if (!d) return -1;
    long long best_steps = -1;
    double best_time = -1; /* of the newest summary at best_steps; -1: none there (missing) */
    for (struct dirent *e; (e = readdir(d));) {
        char *end = e->d_name + 1;
        long long steps = e->d_name[0] == 'm' ? strtoll(e->d_name + 1, &end, 10) : -1;
        if (steps < 0 || end == e->d_name + 1 || !is_eval_dir(end, slug + 1) || steps < best_steps) continue;
        if (steps > best_steps) best_steps = steps, best_time = -1;
        snprintf(candidate, sizeof candidate, "%s/%s/summary.json", dir, e->d_name);
        double t = mtime_of(candidate);
        if (t > best_time) best_time = t, snprintf(path, size, "%s", candidate);
    }
    closedir(d);
    return best_time < 0 ? -1 : 0;
}

/* One row of collect.csv; returns whether the run had a summary. */
static int collect_row(FILE *fp, const runs_at *at, const ps_sweep_row *r) {
    char path[4600];
    ps_error ignored;
    ps_session sess;
    ps_sweep_row_session(r, at->base, at->session, at->seed_sweep ? &at->seed : NULL, &sess);
    char *text = find_summary(sess.root, &r->w, path, sizeof path) == 0 ? ps_read_text(path, &ignored) : NULL;
    cJSON *j = text ? cJSON_Parse(text) : NULL;
    fprintf(fp, "%d", r->index);
    for (int k = 0; k < PS_N_WEIGHTS; k++) fprintf(fp, ",%.2f", r->w.w[k]);
    if (r->has_seed) fprintf(fp, ",%llu", (unsigned long long)r->seed);
    fprintf(fp, ",%s", j ? "ok" : "missing");
    for (int k = 0; k < N_KEYS; k++) {
        const cJSON *v = j ? cJSON_GetObjectItem(j, KEYS[k]) : NULL;
        if (cJSON_IsNumber(v)) fprintf(fp, ",%.17g", v->valuedouble);
        else fputc(',', fp);
    }
    fputc('\n', fp);
    int ok = j != NULL;
    cJSON_Delete(j);
    free(text);
    return ok;
}

int ps_sweep_collect(const ps_sweep *s, int *missing, char *path, size_t size, ps_error *err) {
    runs_at at;
    if (runs_place(s, &at, err) != PS_OK) return PS_ERR;
    snprintf(path, size, "%s/collect.csv", s->dir);
    ps_atomic_file out;
    if (ps_atomic_open(&out, path, err) != PS_OK) return PS_ERR;
    fprintf(out.fp, "index");
    for (int k = 0; k < PS_N_WEIGHTS; k++) fprintf(out.fp, ",%s", ps_weight_fields[k].name);
    fprintf(out.fp, "%s,status", s->n > 0 && s->rows[0].has_seed ? ",seed" : "");
    for (int k = 0; k < N_KEYS; k++) fprintf(out.fp, ",%s", KEYS[k]);
    fputc('\n', out.fp);
    *missing = 0;
    for (int i = 0; i < s->n; i++) *missing += !collect_row(out.fp, &at, &s->rows[i]);
    return ps_atomic_commit(&out, err);
}
