/* cmd_train_iter.c - `powersched train-iter` (spec 12.8): one training run
 * (and optionally an evaluation) per reward-weight combination, run here
 * with --parallel N processes or as a Slurm job array with --slurm.
 *
 * Both modes share one mechanism: the sweep folder holds plan.csv (one row
 * per combination) and the arguments forwarded to every run; a run is
 * `powersched train-iter --run-row DIR K`, which trains combination K and
 * evaluates it. Locally this program starts those; on Slurm each array task
 * does. Nothing depends on the submitting machine beyond the paths. */
#include <cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "powersched/evaluation.h"
#include "powersched/io.h"
#include "powersched/plot.h"
#include "powersched/sweep.h"
#include "powersched/scenario_options.h"

#define CMD "train-iter"
#define MAX_ARGS 256

static const char USAGE[] =
    "usage: powersched train-iter --session NAME --iter-limit-per-step N [--step 0.1]\n"
    "           [--fix-weights a,b --fix-values x,y] [--parallel N | --slurm [--submit]]\n"
    "           [--evaluate-savings [--eval-months 6]] [data, workload and training options]\n"
    "       powersched train-iter --collect SWEEP_DIR\n\n"
    "Trains one model per reward-weight combination of the grid (spec 12.8), here with up\n"
    "to --parallel processes or as a Slurm job array. Every option not listed below is passed\n"
    "on to each `powersched train` (and the data options to `evaluate-savings`). The sweep\n"
    "folder sessions/NAME/sweeps/<time>/ holds plan.csv, the forwarded arguments and logs.\n"
    "Exit status: the number of failed runs.\n";

/* Options of train-iter itself: never forwarded. The rest of argv is. */
static const char *OWN[] = {"--session", "--iter-limit-per-step", "--step", "--fix-weights", "--fix-values",
                            "--parallel", "--evaluate-savings", "--eval-months", "--slurm", "--submit",
                            "--slurm-partition", "--slurm-time", "--slurm-cpus", "--slurm-max-parallel",
                            "--slurm-extra", "--collect", "--run-row"};
/* Forwarded to train but not to evaluate-savings. */
static const char *TRAIN_ONLY[] = {"--iteration-steps", "--net-arch", "--ent-coef"};

typedef struct iter_args {
    ps_sim_flags sim;
    const char *session, *fix_weights, *fix_values, *partition, *time_limit, *extra, *collect;
    int64_t iter_limit, iteration_steps;
    double step, eval_months;
    int parallel, evaluate, slurm, submit, cpus, max_parallel, threads, plot_dashboard, dashboard_hours;
    const char *net_arch;
    double ent_coef;
} iter_args;

static int in_list(const char *arg, const char **list, int n) {
    size_t len = strcspn(arg, "=");
    for (int i = 0; i < n; i++)
        if (strlen(list[i]) == len && !strncmp(arg, list[i], len)) return 1;
    return 0;
}

/* ------------------------------------------------------------ sweep folder */

static int write_lines(const char *path, char **lines, int n, ps_error *err) {
    ps_atomic_file f;
    if (ps_atomic_open(&f, path, err) != PS_OK) return PS_ERR;
    for (int i = 0; i < n; i++) fprintf(f.fp, "%s\n", lines[i]);
    return ps_atomic_commit(&f, err);
}

/* Whether argv[i] is an option that takes its value from the next token
 * (by the table, so a value starting with "--" is still a value). */
static int takes_value(const ps_optset *set, const char *arg) {
    const ps_option *o = strchr(arg, '=') ? NULL : ps_optset_find(set, arg);
    return o && o->kind != OPT_FLAG;
}

/* train_args.txt / eval_args.txt: one argument per line. */
static int write_args(const char *dir, const iter_args *a, const ps_optset *set, int argc, char **argv,
                      ps_error *err) {
    char *train[MAX_ARGS], *eval[MAX_ARGS], lim[32], months[32], path[4600];
    int nt = 0, ne = 0;
    snprintf(lim, sizeof lim, "%lld", (long long)a->iter_limit);
    snprintf(months, sizeof months, "%g", a->eval_months);
    train[nt++] = "--session", train[nt++] = (char *)a->session, train[nt++] = "--iter-limit", train[nt++] = lim;
    eval[ne++] = "--session", eval[ne++] = (char *)a->session, eval[ne++] = "--eval-months", eval[ne++] = months;
    for (int i = 0; i < argc && nt < MAX_ARGS - 2 && ne < MAX_ARGS - 2; i++) {
        int own = in_list(argv[i], OWN, PS_COUNT(OWN)), value = takes_value(set, argv[i]) && i + 1 < argc;
        if (!own) {
            train[nt++] = argv[i];
            if (!in_list(argv[i], TRAIN_ONLY, PS_COUNT(TRAIN_ONLY))) eval[ne++] = argv[i];
            if (value) {
                train[nt++] = argv[i + 1];
                if (!in_list(argv[i], TRAIN_ONLY, PS_COUNT(TRAIN_ONLY))) eval[ne++] = argv[i + 1];
            }
        }
        if (value) i++;
    }
    snprintf(path, sizeof path, "%s/train_args.txt", dir);
    if (write_lines(path, train, nt, err) != PS_OK) return PS_ERR;
    if (!a->evaluate) return PS_OK;
    snprintf(path, sizeof path, "%s/eval_args.txt", dir);
    return write_lines(path, eval, ne, err);
}

static int write_plan(const char *dir, const ps_weight_combo *g, int n, ps_error *err) {
    char path[4600];
    snprintf(path, sizeof path, "%s/plan.csv", dir);
    ps_atomic_file f;
    if (ps_atomic_open(&f, path, err) != PS_OK) return PS_ERR;
    fprintf(f.fp, "index,efficiency,price,idle,job_age,drop\n");
    for (int k = 0; k < n; k++)
        fprintf(f.fp, "%d,%.2f,%.2f,%.2f,%.2f,%.2f\n", k, g[k].w[0], g[k].w[1], g[k].w[2], g[k].w[3], g[k].w[4]);
    return ps_atomic_commit(&f, err);
}

static int write_sbatch(const char *dir, const char *self, const iter_args *a, int n, ps_error *err) {
    char path[4600], cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) return ps_error_set(err, "cannot read the current folder: %s", strerror(errno));
    snprintf(path, sizeof path, "%s/sweep.sbatch", dir);
    ps_atomic_file f;
    if (ps_atomic_open(&f, path, err) != PS_OK) return PS_ERR;
    fprintf(f.fp, "#!/bin/sh\n#SBATCH --job-name=powersched-%s\n#SBATCH --array=0-%d", a->session, n - 1);
    if (a->max_parallel > 0) fprintf(f.fp, "%%%d", a->max_parallel);
    fprintf(f.fp, "\n#SBATCH --output=%s/logs/task_%%a.out\n#SBATCH --cpus-per-task=%d\n", dir, a->cpus);
    if (*a->partition) fprintf(f.fp, "#SBATCH --partition=%s\n", a->partition);
    if (*a->time_limit) fprintf(f.fp, "#SBATCH --time=%s\n", a->time_limit);
    for (const char *e = a->extra; *e;) { /* --slurm-extra: ';'-separated lines */
        size_t len = strcspn(e, ";");
        if (len) fprintf(f.fp, "#SBATCH %.*s\n", (int)len, e);
        e += len + (e[len] == ';');
    }
    fprintf(f.fp,
            "# One task per row of plan.csv (index = SLURM_ARRAY_TASK_ID): trains that weight\n"
            "# combination (and evaluates it) with the arguments in train_args.txt/eval_args.txt.\n"
            "set -eu\ncd '%s'\nexec '%s' train-iter --run-row '%s' \"$SLURM_ARRAY_TASK_ID\"\n",
            cwd, self, dir);
    return ps_atomic_commit(&f, err);
}

/* ---------------------------------------------------------------- one run */

static int read_lines(const char *path, char **out, int max, char *buf, size_t size) {
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    int n = 0;
    size_t used = 0;
    while (n < max && used < size - 1 && fgets(buf + used, (int)(size - used), f)) {
        size_t len = strlen(buf + used);
        if (len && buf[used + len - 1] == '\n') buf[used + len - 1] = '\0';
        out[n++] = buf + used;
        used += len + 1;
    }
    fclose(f);
    return n;
}

static int self_path(char *buf, size_t size) {
    ssize_t n = readlink("/proc/self/exe", buf, size - 1);
    if (n <= 0) return -1;
    buf[n] = '\0';
    return 0;
}

/* Runs argv to completion; returns its exit status (or 128 + signal). */
static int run_and_wait(char **argv) {
    pid_t pid = fork();
    if (pid == 0) {
        execv(argv[0], argv);
        _exit(127);
    }
    if (pid < 0) return 127;
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return 127;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int run_row(const char *dir, int row) {
    char path[4600], self[PATH_MAX], line[256], tbuf[16384], ebuf[16384];
    char *targs[MAX_ARGS], *eargs[MAX_ARGS], *argv[MAX_ARGS + 16];
    if (self_path(self, sizeof self) != 0) return 127;
    snprintf(path, sizeof path, "%s/plan.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "powersched train-iter: %s: cannot open: %s\n", path, strerror(errno));
        return 1;
    }
    double w[5];
    int found = 0, idx;
    while (!found && fgets(line, sizeof line, f))
        found = sscanf(line, "%d,%lf,%lf,%lf,%lf,%lf", &idx, &w[0], &w[1], &w[2], &w[3], &w[4]) == 6 && idx == row;
    fclose(f);
    if (!found) {
        fprintf(stderr, "powersched train-iter: %s has no row %d\n", path, row);
        return 1;
    }
    snprintf(path, sizeof path, "%s/train_args.txt", dir);
    int nt = read_lines(path, targs, MAX_ARGS, tbuf, sizeof tbuf);
    snprintf(path, sizeof path, "%s/eval_args.txt", dir);
    int ne = read_lines(path, eargs, MAX_ARGS, ebuf, sizeof ebuf);
    if (nt < 0) {
        fprintf(stderr, "powersched train-iter: %s/train_args.txt: cannot read\n", dir);
        return 1;
    }
    const char *names[5] = {"--efficiency-weight", "--price-weight", "--idle-weight", "--job-age-weight", "--drop-weight"};
    char values[5][16];
    for (int phase = 0; phase < (ne >= 0 ? 2 : 1); phase++) {
        int n = 0;
        argv[n++] = self;
        argv[n++] = phase == 0 ? "train" : "evaluate-savings";
        for (int i = 0; i < (phase == 0 ? nt : ne); i++) argv[n++] = phase == 0 ? targs[i] : eargs[i];
        for (int k = 0; k < 5; k++) {
            snprintf(values[k], sizeof values[k], "%.2f", w[k]);
            argv[n++] = (char *)names[k];
            argv[n++] = values[k];
        }
        argv[n] = NULL;
        printf("== run %d: %s (weights %.2f %.2f %.2f %.2f %.2f)\n", row, argv[1], w[0], w[1], w[2], w[3], w[4]);
        fflush(stdout);
        int status = run_and_wait(argv);
        if (status != 0) {
            fprintf(stderr, "== run %d: %s failed with status %d\n", row, argv[1], status);
            return status;
        }
    }
    return 0;
}

/* ------------------------------------------------------------- local runs */

typedef struct job {
    pid_t pid;
    int status; /* -1 queued/running */
} job;

static pid_t start_row(const char *self, const char *dir, int row) {
    char log[4600], rowtxt[16];
    snprintf(log, sizeof log, "%s/logs/run_%d.log", dir, row);
    snprintf(rowtxt, sizeof rowtxt, "%d", row);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
            close(fd);
        }
        char *argv[] = {(char *)self, "train-iter", "--run-row", (char *)dir, rowtxt, NULL};
        execv(self, argv);
        _exit(127);
    }
    return pid;
}

static void print_tail(const char *path, int lines) {
    FILE *f = fopen(path, "r");
    if (!f) return;
    char buf[64][512];
    int n = 0;
    while (fgets(buf[n % 64], sizeof buf[0], f)) n++;
    fclose(f);
    for (int i = n > lines ? n - lines : 0; i < n; i++) printf("      | %s", buf[i % 64]);
}

static int run_local(const char *self, const char *dir, const ps_weight_combo *g, int n, int parallel) {
    job *jobs = calloc((size_t)n, sizeof *jobs);
    if (!jobs) return 1;
    int next = 0, running = 0, done = 0, failed = 0, tty = isatty(STDERR_FILENO);
    for (int k = 0; k < n; k++) jobs[k].status = -1;
    while (done < n) {
        while (running < parallel && next < n) {
            jobs[next].pid = start_row(self, dir, next);
            next++;
            running++;
        }
        int status;
        pid_t pid = wait(&status);
        if (pid < 0 && errno == EINTR) continue;
        if (pid < 0) break;
        for (int k = 0; k < n; k++)
            if (jobs[k].pid == pid && jobs[k].status < 0) {
                jobs[k].status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                running--;
                done++;
                failed += jobs[k].status != 0;
            }
        fprintf(stderr, tty ? "\r  runs: %d done (%d failed), %d running, %d queued   " : "  runs: %d done (%d failed), %d running, %d queued\n",
                done, failed, running, n - next);
    }
    if (tty) fputc('\n', stderr);
    printf("\n  run  efficiency  price  idle  job_age  drop  status\n");
    for (int k = 0; k < n; k++) {
        printf("  %3d  %10.2f  %5.2f  %4.2f  %7.2f  %4.2f  %s", k, g[k].w[0], g[k].w[1], g[k].w[2], g[k].w[3],
               g[k].w[4], jobs[k].status == 0 ? "ok" : "FAILED");
        if (jobs[k].status != 0) {
            char log[4600];
            snprintf(log, sizeof log, "%s/logs/run_%d.log", dir, k);
            printf(" (status %d, log %s)\n", jobs[k].status, log);
            print_tail(log, 8);
        } else {
            printf("\n");
        }
    }
    printf("\n%d runs, %d failed; sweep folder %s\n", n, failed, dir);
    free(jobs);
    return failed > 255 ? 255 : failed;
}

/* ------------------------------------------------------------------ slurm */

static int submit(const char *dir) {
    char script[4600], out[256] = "";
    snprintf(script, sizeof script, "%s/sweep.sbatch", dir);
    int fds[2];
    if (pipe(fds) != 0) return 1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        execlp("sbatch", "sbatch", "--parsable", script, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    ssize_t got = read(fds[0], out, sizeof out - 1);
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    if (got > 0) out[got] = '\0';
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "powersched train-iter: sbatch failed%s (is Slurm installed here?)\n",
                WIFEXITED(status) && WEXITSTATUS(status) == 127 ? ": not found" : "");
        return 1;
    }
    out[strcspn(out, ";\n")] = '\0';
    printf("Submitted job array %s (%s)\n", out, script);
    return 0;
}

/* ---------------------------------------------------------------- collect */

static const char *COLLECT_KEYS[] = {"total_savings", "total_savings_off", "avg_monthly_pct", "avg_monthly_pct_off",
                                     "agent_completion_pct", "agent_avg_wait", "agent_dropped", "agent_cost",
                                     "baseline_cost", "baseline_off_cost", "agent_eur_per_mwh",
                                     "saving_off_energy_volume", "saving_off_price_timing"};

/* sessions/<session>/plots-eval/m<largest steps>_<slug>/summary.json, or -1. */
static int find_summary(const char *session, const double *w, char *path, size_t size) {
    char dir[4200], slug[128], best[256] = "";
    ps_weights pw = {w[0], w[1], w[2], w[3], w[4]};
    ps_eval_dir_name("", &pw, slug, sizeof slug); /* "m_e.._p.._i.._ja.." */
    snprintf(dir, sizeof dir, "sessions/%s/plots-eval", session);
    DIR *d = opendir(dir);
    if (!d) return -1;
    long long best_steps = -1;
    for (struct dirent *e; (e = readdir(d));) {
        char *end;
        long long steps = e->d_name[0] == 'm' ? strtoll(e->d_name + 1, &end, 10) : -1;
        if (steps >= 0 && end != e->d_name + 1 && !strcmp(end, slug + 1) && steps > best_steps) {
            best_steps = steps;
            snprintf(best, sizeof best, "%s", e->d_name);
        }
    }
    closedir(d);
    if (best_steps < 0) return -1;
    snprintf(path, size, "%s/%s/summary.json", dir, best);
    return access(path, R_OK) == 0 ? 0 : -1;
}

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) buf[n] = '\0';
    else {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

static int collect(const char *dir) {
    char path[4600], line[256], session[256] = "", abuf[16384], *args[MAX_ARGS];
    snprintf(path, sizeof path, "%s/train_args.txt", dir);
    int na = read_lines(path, args, MAX_ARGS, abuf, sizeof abuf);
    for (int i = 0; i + 1 < na; i++)
        if (!strcmp(args[i], "--session")) snprintf(session, sizeof session, "%s", args[i + 1]);
    snprintf(path, sizeof path, "%s/plan.csv", dir);
    FILE *plan = fopen(path, "r");
    if (!plan || !*session) {
        if (plan) fclose(plan);
        fprintf(stderr, "powersched train-iter: %s is not a sweep folder (plan.csv, train_args.txt)\n", dir);
        return 2;
    }
    ps_error err;
    ps_atomic_file out;
    snprintf(path, sizeof path, "%s/collect.csv", dir);
    if (ps_atomic_open(&out, path, &err) != PS_OK) {
        fclose(plan);
        return ps_cli_fail(CMD, &err, 1);
    }
    fprintf(out.fp, "index,efficiency,price,idle,job_age,drop,status");
    for (int k = 0; k < PS_COUNT(COLLECT_KEYS); k++) fprintf(out.fp, ",%s", COLLECT_KEYS[k]);
    fputc('\n', out.fp);
    int rows = 0, missing = 0;
    while (fgets(line, sizeof line, plan)) {
        int idx;
        double w[5];
        if (sscanf(line, "%d,%lf,%lf,%lf,%lf,%lf", &idx, &w[0], &w[1], &w[2], &w[3], &w[4]) != 6) continue;
        char sp[4600];
        char *text = find_summary(session, w, sp, sizeof sp) == 0 ? slurp(sp) : NULL;
        cJSON *j = text ? cJSON_Parse(text) : NULL;
        fprintf(out.fp, "%d,%.2f,%.2f,%.2f,%.2f,%.2f,%s", idx, w[0], w[1], w[2], w[3], w[4], j ? "ok" : "missing");
        for (int k = 0; k < PS_COUNT(COLLECT_KEYS); k++) {
            const cJSON *v = j ? cJSON_GetObjectItem(j, COLLECT_KEYS[k]) : NULL;
            if (cJSON_IsNumber(v)) fprintf(out.fp, ",%.17g", v->valuedouble);
            else fprintf(out.fp, ",");
        }
        fputc('\n', out.fp);
        missing += !j;
        rows++;
        cJSON_Delete(j);
        free(text);
    }
    fclose(plan);
    if (ps_atomic_commit(&out, &err) != PS_OK) return ps_cli_fail(CMD, &err, 1);
    printf("Collected %d runs (%d without an evaluation summary) into %s\n", rows, missing, path);
    return missing ? 1 : 0;
}

/* ------------------------------------------------------------------- plan */

static int make_grid(const iter_args *a, ps_weight_combo **g, int *n, ps_error *err) {
    int fixed[PS_N_WEIGHTS], nf = 0, nv = 0;
    double values[PS_N_WEIGHTS];
    char buf[256];
    snprintf(buf, sizeof buf, "%s", a->fix_weights);
    for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
        if (nf == PS_N_WEIGHTS || (fixed[nf] = ps_weight_index(t)) < 0)
            return ps_error_set(err, "--fix-weights: '%s' is not efficiency, price, idle, job-age or drop", t);
        nf++;
    }
    snprintf(buf, sizeof buf, "%s", a->fix_values);
    for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
        char *end;
        if (nv == PS_N_WEIGHTS) return ps_error_set(err, "--fix-values: more than 5 values");
        values[nv] = strtod(t, &end);
        if (end == t || *end) return ps_error_set(err, "--fix-values: '%s' is not a number", t);
        nv++;
    }
    if (nf != nv) return ps_error_set(err, "--fix-weights names %d weights but --fix-values gives %d values", nf, nv);
    return ps_sweep_grid(a->step, fixed, values, nf, g, n, err);
}

static int check_args(iter_args *a, ps_error *err) {
    if (!*a->session || strchr(a->session, '/')) return ps_error_set(err, "--session NAME is required");
    if (a->iter_limit <= 0) return ps_error_set(err, "--iter-limit-per-step N (> 0) is required");
    if (*a->sim.wg.mode && a->sim.arrival_scale != 1.0)
        return ps_error_set(err, "--workload-gen with --job-arrival-scale other than 1 is an error in a sweep");
    if (a->submit && !a->slurm) return ps_error_set(err, "--submit needs --slurm");
    ps_scenario_spec spec;
    return ps_sim_flags_to_spec(&a->sim, &spec, NULL, err); /* data flag combinations */
}

static int plan_and_run(iter_args *a, const ps_optset *set, int argc, char **argv, ps_error *err) {
    ps_weight_combo *g;
    int n;
    if (check_args(a, err) != PS_OK || make_grid(a, &g, &n, err) != PS_OK) return -2;
    if (n == 0) {
        free(g);
        ps_error_set(err, "the grid is empty (fixed weights that do not sum to 1?)");
        return -2;
    }
    char stamp[32], dir[4400], logs[4500], self[PATH_MAX];
    time_t now = time(NULL);
    strftime(stamp, sizeof stamp, "%Y%m%d_%H%M%S", localtime(&now));
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd) || self_path(self, sizeof self) != 0) {
        free(g);
        ps_error_set(err, "cannot resolve the current folder or this program's path");
        return -1;
    }
    snprintf(dir, sizeof dir, "%s/sessions/%s/sweeps/%s_%d", cwd, a->session, stamp, (int)getpid());
    snprintf(logs, sizeof logs, "%s/logs", dir);
    int rc = ps_mkdirs(logs, err);
    if (rc == PS_OK) rc = write_plan(dir, g, n, err);
    if (rc == PS_OK) rc = write_args(dir, a, set, argc, argv, err);
    if (rc == PS_OK && a->slurm) rc = write_sbatch(dir, self, a, n, err);
    if (rc != PS_OK) {
        free(g);
        return -1;
    }
    printf("Sweep of %d weight combinations (step %g), %lld iterations each%s: %s\n", n, a->step,
           (long long)a->iter_limit, a->evaluate ? ", then evaluate-savings" : "", dir);
    fflush(stdout);
    int status;
    if (a->slurm) {
        printf("Slurm job array script: %s/sweep.sbatch (%d tasks%s)\n", dir, n,
               a->max_parallel > 0 ? ", limited in parallel" : "");
        status = a->submit ? submit(dir) : 0;
        if (!a->submit) printf("Submit it with: sbatch %s/sweep.sbatch\nThen: powersched train-iter --collect %s\n", dir, dir);
    } else {
        status = run_local(self, dir, g, n, a->parallel);
    }
    free(g);
    return status;
}

int cmd_train_iter(int argc, char **argv) {
    if (argc >= 1 && !strcmp(argv[0], "--run-row")) {
        if (argc != 3) {
            fprintf(stderr, "powersched train-iter: --run-row DIR INDEX\n");
            return 2;
        }
        return run_row(argv[1], atoi(argv[2]));
    }
    iter_args a = {.session = "", .fix_weights = "", .fix_values = "", .partition = "", .time_limit = "",
                   .extra = "", .collect = "", .step = 0.1, .eval_months = 6, .parallel = 1, .cpus = 1,
                   .iteration_steps = 100000, .threads = 1, .dashboard_hours = 336, .net_arch = "64,64"};
    ps_sim_flags_init(&a.sim);
    ps_option own[] = {
        {"--session", OPT_STRING, &a.session, "NAME", "session of every run (required)", 0, 0},
        {"--iter-limit-per-step", OPT_I64, &a.iter_limit, "N", "iterations per combination (required)", 0, 1e9},
        {"--step", OPT_DOUBLE, &a.step, "S", "grid step of the free weights", 1e-3, 1},
        {"--fix-weights", OPT_STRING, &a.fix_weights, "LIST", "weights held fixed: efficiency,price,idle,job-age,drop", 0, 0},
        {"--fix-values", OPT_STRING, &a.fix_values, "LIST", "their values (same length, sum <= 1)", 0, 0},
        {"--parallel", OPT_INT, &a.parallel, "N", "runs at once on this machine", 1, 1024},
        {"--evaluate-savings", OPT_FLAG, &a.evaluate, "", "evaluate each model after training", 0, 0},
        {"--eval-months", OPT_DOUBLE, &a.eval_months, "N", "months of each evaluation", 0.5, 1e4},
        {"--slurm", OPT_FLAG, &a.slurm, "", "write a Slurm job array instead of running here", 0, 0},
        {"--submit", OPT_FLAG, &a.submit, "", "with --slurm: submit it with sbatch", 0, 0},
        {"--slurm-partition", OPT_STRING, &a.partition, "P", "#SBATCH --partition", 0, 0},
        {"--slurm-time", OPT_STRING, &a.time_limit, "T", "#SBATCH --time (e.g. 04:00:00)", 0, 0},
        {"--slurm-cpus", OPT_INT, &a.cpus, "N", "#SBATCH --cpus-per-task", 1, 1024},
        {"--slurm-max-parallel", OPT_INT, &a.max_parallel, "N", "array tasks at once (%N; 0: no limit)", 0, 1e6},
        {"--slurm-extra", OPT_STRING, &a.extra, "LINES", "more #SBATCH lines, ';'-separated", 0, 0},
        {"--collect", OPT_STRING, &a.collect, "DIR", "gather the evaluation summaries of a sweep into DIR/collect.csv", 0, 0},
        /* forwarded to every train run */
        {"--iteration-steps", OPT_I64, &a.iteration_steps, "N", "forwarded to train", 64, 1e12},
        {"--threads", OPT_INT, &a.threads, "N", "forwarded to train", 1, 256},
        {"--plot-dashboard", OPT_FLAG, &a.plot_dashboard, "", "forwarded to train and evaluate-savings", 0, 0},
        {"--dashboard-hours", OPT_INT, &a.dashboard_hours, "N", "forwarded", 1, 1e6},
        {"--net-arch", OPT_STRING, &a.net_arch, "A,B", "forwarded to train", 0, 0},
        {"--ent-coef", OPT_DOUBLE, &a.ent_coef, "C", "forwarded to train", 0, 1e3},
    };
    ps_optset set;
    ps_optset_init(&set);
    ps_optset_add(&set, CMD, own, PS_COUNT(own));
    ps_sim_flags_options(&a.sim, &set);
    ps_optset_remove_group(&set, PS_GROUP_WEIGHTS); /* the weights are what the sweep sets */
    int status = ps_cli_parse(CMD, USAGE, &set, argc, argv);
    if (status >= 0) return status;
    if (*a.collect) return collect(a.collect);
    ps_error err;
    status = plan_and_run(&a, &set, argc, argv, &err);
    if (status == -2) return ps_cli_fail(CMD, &err, 2);
    if (status == -1) return ps_cli_fail(CMD, &err, 1);
    return status;
}
