/* sweep_run.c - the runs of a sweep: one row, all rows here, or sbatch. */
#include "powersched/sweep_run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The exit status of a finished child, 128 + signal when killed. */
static int exit_status(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

/* Runs argv to completion; returns its exit status (127: could not run). */
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
    return exit_status(status);
}

/* `self command args... --<weight>-weight W ... [--seed S --seed-sweep]` for one row. */
static int run_command(const char *self, const char *command, const ps_sweep_args *args, const ps_sweep_row *r,
                       FILE *log) {
    char values[PS_N_WEIGHTS][32], seed[24];
    char **argv = malloc((size_t)(args->n + 2 * PS_N_WEIGHTS + 6) * sizeof *argv);
    if (!argv) return 127;
    int n = 0;
    argv[n++] = (char *)self;
    argv[n++] = (char *)command;
    for (int i = 0; i < args->n; i++) argv[n++] = args->v[i];
    fprintf(log, "== run %d: %s (weights", r->index, command);
    for (int k = 0; k < PS_N_WEIGHTS; k++) {
        snprintf(values[k], sizeof values[k], "%.2f", r->w.w[k]);
        argv[n++] = (char *)ps_weight_fields[k].flag;
        argv[n++] = values[k];
        fprintf(log, " %s", values[k]);
    }
    if (r->has_seed) {
        snprintf(seed, sizeof seed, "%llu", (unsigned long long)r->seed);
        argv[n++] = "--seed";
        argv[n++] = seed;
        argv[n++] = "--seed-sweep";
        fprintf(log, ", seed %s", seed);
    }
    argv[n] = NULL;
    fprintf(log, ")\n");
    fflush(log);
    int status = run_and_wait(argv);
    if (status != 0) fprintf(log, "== run %d: %s failed with status %d\n", r->index, command, status);
    fflush(log);
    free(argv);
    return status;
}

int ps_sweep_run_row(const ps_sweep *s, const char *self, int row, FILE *log, ps_error *err) {
    const ps_sweep_row *r = NULL;
    for (int i = 0; i < s->n && !r; i++)
        if (s->rows[i].index == row) r = &s->rows[i];
    if (!r) return ps_error_set(err, "%s/plan.csv has no row %d", s->dir, row);
    int status = run_command(self, "train", &s->train, r, log);
    if (status == 0 && s->eval.text) status = run_command(self, "evaluate-savings", &s->eval, r, log);
    return status;
}

/* ------------------------------------------------------------- local runs */

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

int ps_sweep_run_local(const char *self, const char *dir, int n, int parallel, int *status,
                       ps_sweep_progress progress, void *user) {
    pid_t *pid = calloc((size_t)n + 1, sizeof *pid);
    int next = 0, running = 0, done = 0, failed = 0;
    for (int k = 0; k < n; k++) status[k] = 127; /* not run */
    while (pid && done < n) {
        for (; running < parallel && next < n; next++, running++) pid[next] = start_row(self, dir, next);
        int st;
        pid_t got = wait(&st);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) break;
        for (int k = 0; k < next; k++)
            if (pid[k] == got) {
                pid[k] = 0;
                status[k] = exit_status(st);
                running--;
                done++;
                failed += status[k] != 0;
            }
        if (progress) progress(user, done, failed, running, n - next);
    }
    free(pid);
    return failed + (n - done); /* runs never finished count as failed */
}

static void print_tail(FILE *fp, const char *path, int lines) {
    FILE *f = fopen(path, "r");
    if (!f) return;
    char buf[64][512];
    int n = 0;
    while (fgets(buf[n % 64], sizeof buf[0], f)) n++;
    fclose(f);
    for (int i = n > lines ? n - lines : 0; i < n; i++) fprintf(fp, "      | %s", buf[i % 64]);
}

void ps_sweep_report(FILE *fp, const char *dir, const ps_sweep_row *rows, const int *status, int n) {
    int failed = 0, seeds = n > 0 && rows[0].has_seed;
    fprintf(fp, "\n  run");
    for (int k = 0; k < PS_N_WEIGHTS; k++) fprintf(fp, "  %s", ps_weight_fields[k].name);
    fprintf(fp, "%s  status\n", seeds ? "        seed" : "");
    for (int i = 0; i < n; i++) {
        fprintf(fp, "  %3d", i);
        for (int k = 0; k < PS_N_WEIGHTS; k++)
            fprintf(fp, "  %*.2f", (int)strlen(ps_weight_fields[k].name), rows[i].w.w[k]);
        if (seeds) fprintf(fp, "  %10llu", (unsigned long long)rows[i].seed);
        fprintf(fp, "  %s", status[i] == 0 ? "ok" : "FAILED");
        if (status[i] == 0) {
            fputc('\n', fp);
            continue;
        }
        char log[4600];
        snprintf(log, sizeof log, "%s/logs/run_%d.log", dir, i);
        fprintf(fp, " (status %d, log %s)\n", status[i], log);
        print_tail(fp, log, 8);
        failed++;
    }
    fprintf(fp, "\n%d runs, %d failed; sweep folder %s\n", n, failed, dir);
}

/* ------------------------------------------------------------------ slurm */

int ps_sweep_submit(const char *dir, char *id, size_t size, ps_error *err) {
    char script[4600], out[256] = "";
    snprintf(script, sizeof script, "%s/sweep.sbatch", dir);
    int fds[2];
    if (pipe(fds) != 0) return ps_error_set(err, "sbatch: cannot make a pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        execlp("sbatch", "sbatch", "--parsable", script, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    ssize_t got = pid < 0 ? -1 : read(fds[0], out, sizeof out - 1);
    close(fds[0]);
    int status = 127 << 8;
    if (pid > 0) waitpid(pid, &status, 0);
    if (got > 0) out[got] = '\0';
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return ps_error_set(err, "sbatch failed%s (is Slurm installed here?)",
                            WIFEXITED(status) && WEXITSTATUS(status) == 127 ? ": not found" : "");
    out[strcspn(out, ";\n")] = '\0';
    snprintf(id, size, "%s", out);
    return PS_OK;
}
