/* sweep_dir.c - the sweep folder: plan.csv, the args files, sweep.sbatch. */
#include "powersched/sweep_run.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "powersched/io.h"
#include "powersched/plot.h"

void ps_sweep_dir_name(const char *cwd, const char *base, const char *session, char *dir, size_t size) {
    char stamp[32];
    time_t now = time(NULL);
    strftime(stamp, sizeof stamp, "%Y%m%d_%H%M%S", localtime(&now));
    snprintf(dir, size, "%s%s%s/%s/sweeps/%s_%d", base[0] == '/' ? "" : cwd, base[0] == '/' ? "" : "/", base, session,
             stamp, (int)getpid());
}

/* plan.csv's header and rows: the index, then the weights in declaration
 * order, then the seed when the rows have one. */
static int write_plan(const char *dir, const ps_sweep_row *rows, int n, ps_error *err) {
    char path[4600];
    snprintf(path, sizeof path, "%s/plan.csv", dir);
    ps_atomic_file f;
    if (ps_atomic_open(&f, path, err) != PS_OK) return PS_ERR;
    int seeds = n > 0 && rows[0].has_seed;
    fprintf(f.fp, "index");
    for (int k = 0; k < PS_N_WEIGHTS; k++) fprintf(f.fp, ",%s", ps_weight_fields[k].name);
    if (seeds) fprintf(f.fp, ",seed");
    for (int i = 0; i < n; i++) {
        fprintf(f.fp, "\n%d", rows[i].index);
        for (int k = 0; k < PS_N_WEIGHTS; k++) fprintf(f.fp, ",%.2f", rows[i].w.w[k]);
        if (seeds) fprintf(f.fp, ",%llu", (unsigned long long)rows[i].seed);
    }
    fputc('\n', f.fp);
    return ps_atomic_commit(&f, err);
}

static int write_args(const char *dir, const char *name, const char *const *args, int n, ps_error *err) {
    char path[4600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    ps_atomic_file f;
    if (ps_atomic_open(&f, path, err) != PS_OK) return PS_ERR;
    for (int i = 0; i < n; i++) {
        if (strchr(args[i], '\n')) { /* one argument per line: a newline would split it */
            ps_atomic_abort(&f);
            return ps_error_set(err, "%s: an argument holds a newline: cannot be recorded", path);
        }
        fprintf(f.fp, "%s\n", args[i]);
    }
    return ps_atomic_commit(&f, err);
}

int ps_sweep_create(const char *dir, const ps_sweep_row *rows, int n, const char *const *train, int n_train,
                    const char *const *eval, int n_eval, ps_error *err) {
    char logs[4200];
    snprintf(logs, sizeof logs, "%s/logs", dir);
    if (ps_mkdirs(logs, err) != PS_OK || write_plan(dir, rows, n, err) != PS_OK ||
        write_args(dir, PS_SWEEP_TRAIN_ARGS, train, n_train, err) != PS_OK)
        return PS_ERR;
    return n_eval < 0 ? PS_OK : write_args(dir, PS_SWEEP_EVAL_ARGS, eval, n_eval, err);
}

static int has_control(const char *v) {
    for (const unsigned char *c = (const unsigned char *)v; *c; c++)
        if (*c < 0x20 || *c == 0x7f) return 1;
    return 0;
}

int ps_sweep_check_slurm(const ps_sweep_slurm *s, int n, ps_error *err) {
    if (n > s->max_array)
        return ps_error_set(err, "the sweep has %d runs, more than --slurm-max-array %d (Slurm's MaxArraySize, 1001 "
                            "unless your site raised it): use a larger --step, fix some weights with --fix-weights, "
                            "or raise --slurm-max-array to your site's limit (scontrol show config | grep MaxArraySize)",
                            n, s->max_array);
    const char *flag[] = {"--slurm-partition", "--slurm-time", "--slurm-extra"};
    const char *value[] = {s->partition, s->time_limit, s->extra};
    for (int i = 0; i < 3; i++)
        if (has_control(value[i])) return ps_error_set(err, "%s: holds a control character (a newline?)", flag[i]);
    return PS_OK;
}

/* v as one shell word: '...' with each ' written as '\''. */
static void shell_quote(FILE *fp, const char *v) {
    fputc('\'', fp);
    for (; *v; v++) fputs(*v == '\'' ? "'\\''" : (char[]){*v, '\0'}, fp);
    fputc('\'', fp);
}

int ps_sweep_write_sbatch(const char *dir, const char *self, const char *cwd, const char *job_name, int n,
                          const ps_sweep_slurm *s, ps_error *err) {
    if (strchr(dir, '"') || has_control(dir) || has_control(cwd) || has_control(self))
        return ps_error_set(err, "%s: sbatch cannot take this folder's name (a '\"' or control character)", dir);
    if (ps_sweep_check_slurm(s, n, err) != PS_OK) return PS_ERR;
    char path[4600];
    snprintf(path, sizeof path, "%s/sweep.sbatch", dir);
    ps_atomic_file f;
    if (ps_atomic_open(&f, path, err) != PS_OK) return PS_ERR;
    fprintf(f.fp, "#!/bin/sh\n#SBATCH --job-name=powersched-");
    for (const char *c = job_name; *c; c++) fputc(isalnum((unsigned char)*c) || strchr("._-", *c) ? *c : '_', f.fp);
    fprintf(f.fp, "\n#SBATCH --array=0-%d", n - 1);
    if (s->max_parallel > 0) fprintf(f.fp, "%%%d", s->max_parallel);
    fprintf(f.fp, "\n#SBATCH --output=\"%s/logs/task_%%a.out\"\n#SBATCH --cpus-per-task=%d\n", dir, s->cpus);
    fprintf(f.fp, "#SBATCH --signal=USR1@120\n");
    if (*s->partition) fprintf(f.fp, "#SBATCH --partition=%s\n", s->partition);
    if (*s->time_limit) fprintf(f.fp, "#SBATCH --time=%s\n", s->time_limit);
    for (const char *e = s->extra; *e;) {
        size_t len = strcspn(e, ";");
        if (len) fprintf(f.fp, "#SBATCH %.*s\n", (int)len, e);
        e += len + (e[len] == ';');
    }
    fprintf(f.fp, "# One task per row of plan.csv (index = SLURM_ARRAY_TASK_ID): trains that weight\n"
                  "# combination (and evaluates it) with the arguments in train_args.txt/eval_args.txt.\n"
                  "set -eu\ncd ");
    shell_quote(f.fp, cwd);
    fputs("\nexec ", f.fp);
    shell_quote(f.fp, self);
    fputs(" train-iter --run-row ", f.fp);
    shell_quote(f.fp, dir);
    fputs(" \"$SLURM_ARRAY_TASK_ID\"\n", f.fp);
    return ps_atomic_commit(&f, err);
}

/* ------------------------------------------------------------- reading */

/* One argument per line; a missing file is an empty list when optional. */
static int read_args(const char *dir, const char *name, int optional, ps_sweep_args *a, ps_error *err) {
    char path[4600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    memset(a, 0, sizeof *a);
    if (optional && access(path, F_OK) != 0) return PS_OK;
    if (!(a->text = ps_read_text(path, err))) return PS_ERR;
    size_t lines = 1;
    for (const char *c = a->text; *c; c++) lines += *c == '\n';
    if (!(a->v = malloc(lines * sizeof *a->v))) return ps_error_set(err, "%s: out of memory", path);
    for (char *p = a->text, *nl; *p; p = nl + 1) { /* empty lines are empty arguments */
        a->v[a->n++] = p;
        if (!(nl = strchr(p, '\n'))) break;
        *nl = '\0';
    }
    return PS_OK;
}

static void free_args(ps_sweep_args *a) {
    free(a->v);
    free(a->text);
    memset(a, 0, sizeof *a);
}

static int read_plan(ps_sweep *s, ps_error *err) {
    char path[4600];
    snprintf(path, sizeof path, "%s/plan.csv", s->dir);
    char *text = ps_read_text(path, err);
    if (!text) return PS_ERR;
    size_t lines = 1;
    for (const char *c = text; *c; c++) lines += *c == '\n';
    s->rows = malloc(lines * sizeof *s->rows);
    for (char *save, *t = strtok_r(text, "\n", &save); t && s->rows; t = strtok_r(NULL, "\n", &save)) {
        ps_sweep_row *r = &s->rows[s->n];
        int used, k = 0;
        if (sscanf(t, "%d%n", &r->index, &used) != 1) continue; /* the header */
        for (t += used; k < PS_N_WEIGHTS && sscanf(t, ",%lf%n", &r->w.w[k], &used) == 1; k++) t += used;
        unsigned long long seed;
        r->has_seed = sscanf(t, ",%llu", &seed) == 1;
        r->seed = r->has_seed ? seed : 0;
        s->n += k == PS_N_WEIGHTS;
    }
    free(text);
    return s->rows ? PS_OK : ps_error_set(err, "%s: out of memory", path);
}

int ps_sweep_open(ps_sweep *s, const char *dir, ps_error *err) {
    memset(s, 0, sizeof *s);
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    ps_error why;
    if (read_plan(s, &why) != PS_OK || read_args(dir, PS_SWEEP_TRAIN_ARGS, 0, &s->train, &why) != PS_OK) {
        ps_sweep_close(s);
        return ps_error_set(err, "%s is not a sweep folder (plan.csv, train_args.txt): %s", dir, why.msg);
    }
    if (read_args(dir, PS_SWEEP_EVAL_ARGS, 1, &s->eval, err) != PS_OK) {
        ps_sweep_close(s);
        return PS_ERR;
    }
    return PS_OK;
}

void ps_sweep_close(ps_sweep *s) {
    free(s->rows);
    free_args(&s->train);
    free_args(&s->eval);
    s->rows = NULL;
    s->n = 0;
}

const char *ps_sweep_args_value(const ps_sweep_args *a, const char *name) {
    const char *v = NULL;
    for (int i = 0; i + 1 < a->n; i++)
        if (!strcmp(a->v[i], name)) v = a->v[i + 1];
    return v;
}

int ps_sweep_args_has(const ps_sweep_args *a, const char *name) {
    for (int i = 0; i < a->n; i++)
        if (!strcmp(a->v[i], name)) return 1;
    return 0;
}
