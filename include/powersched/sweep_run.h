/* sweep_run.h - a weight sweep on disk and its runs (spec 12.8, train-iter).
 *
 * The sweep folder holds plan.csv (index, then one column per weight with 2
 * decimals, then with a seed list the run's seed), train_args.txt and, when
 * the runs evaluate, eval_args.txt (one
 * argument per line: what every run passes to `train` / `evaluate-savings`
 * besides its weights), logs/, and for Slurm sweep.sbatch. Row K is run by
 * `<self> train-iter --run-row DIR K`, here (ps_sweep_run_local) or as a
 * Slurm array task; nothing depends on the submitting machine beyond the
 * paths. Functions report through ps_error; the runs' own output goes to
 * their logs. */
#ifndef POWERSCHED_SWEEP_RUN_H
#define POWERSCHED_SWEEP_RUN_H

#include <stdint.h>
#include <stdio.h>

#include "powersched/session.h"
#include "powersched/sweep.h"

#define PS_SWEEP_TRAIN_ARGS "train_args.txt"
#define PS_SWEEP_EVAL_ARGS "eval_args.txt"

typedef struct ps_sweep_row {
    int index;
    ps_weight_combo w;
    int has_seed; /* a run of a seed list: train and evaluate with --seed <seed> --seed-sweep */
    uint64_t seed;
} ps_sweep_row;

/* Arguments read back from an args file (one per line). */
typedef struct ps_sweep_args {
    char **v;
    int n;
    char *text; /* the file; v points into it */
} ps_sweep_args;

/* An existing sweep folder, read. */
typedef struct ps_sweep {
    char dir[4096];
    ps_sweep_row *rows;
    int n;
    ps_sweep_args train, eval; /* eval.text == NULL when the runs do not evaluate */
} ps_sweep;

typedef struct ps_sweep_slurm {
    const char *partition, *time_limit, *extra; /* "" when unset; extra: ';'-separated #SBATCH lines */
    int cpus, max_parallel;                     /* max_parallel 0: no limit */
    int max_array;                              /* the most tasks one array may have */
} ps_sweep_slurm;

/* Refuses what sbatch cannot take before anything is written: an array of
 * more than max_array tasks (Slurm's MaxArraySize, 1001 by default) and a
 * control character in a value (a newline would end the #SBATCH line and
 * start a shell command). */
int ps_sweep_check_slurm(const ps_sweep_slurm *s, int n, ps_error *err);

/* <base>/<session>/sweeps/<local time>_<pid>, under cwd when base (the
 * sessions folder, --output-dir) is relative. */
void ps_sweep_dir_name(const char *cwd, const char *base, const char *session, char *dir, size_t size);

/* The rows of a sweep (malloc'ed, *n_rows of them, indexed from 0): each
 * weight combination once, or once per seed of seeds[n_seeds] (seeds
 * fastest) when n_seeds > 0. */
int ps_sweep_plan(const ps_weight_combo *g, int n, const uint64_t *seeds, int n_seeds, ps_sweep_row **rows,
                  int *n_rows, ps_error *err);
/* The session folder row r trains in: <base>/<session>, under seed_<seed>
 * for a row of a seed list or, when seed_sweep is given (--seed-sweep with
 * --seed), under seed_<*seed_sweep>; models_dir is the row's weights'. */
void ps_sweep_row_session(const ps_sweep_row *r, const char *base, const char *session, const uint64_t *seed_sweep,
                          ps_session *s);
/* Keeps the rows whose models folder already holds a checkpoint (to resume
 * them), renumbered from 0; returns how many are left. */
int ps_sweep_keep_existing(ps_sweep_row *rows, int n, const char *base, const char *session,
                           const uint64_t *seed_sweep);

/* Creates dir/logs and writes plan.csv and the args files (eval: n_eval < 0
 * for none). */
int ps_sweep_create(const char *dir, const ps_sweep_row *rows, int n, const char *const *train, int n_train,
                    const char *const *eval, int n_eval, ps_error *err);
/* dir/sweep.sbatch: a job array of n tasks, task K running row K from cwd.
 * Paths go into the shell lines single-quoted; the job name keeps only
 * [A-Za-z0-9._-]; Slurm sends SIGUSR1 two minutes before the time limit so
 * train checkpoints. */
int ps_sweep_write_sbatch(const char *dir, const char *self, const char *cwd, const char *job_name, int n,
                          const ps_sweep_slurm *slurm, ps_error *err);

/* Reads plan.csv and the args files; "not a sweep folder" when either of
 * plan.csv and train_args.txt is missing. ps_sweep_close frees. */
int ps_sweep_open(ps_sweep *s, const char *dir, ps_error *err);
void ps_sweep_close(ps_sweep *s);
/* The value after the last `name` in args, or NULL. */
const char *ps_sweep_args_value(const ps_sweep_args *a, const char *name);
int ps_sweep_args_has(const ps_sweep_args *a, const char *name);

/* Row `row`: `self train <train args> <weights> [--seed S --seed-sweep]`,
 * then, when the sweep evaluates, `self evaluate-savings <eval args>
 * <weights> [--seed S --seed-sweep]`, each to
 * completion, a line on log before each. Returns 0, the exit status of the
 * first run that failed (128 + signal when killed), or PS_ERR with err when
 * the row cannot be found. */
int ps_sweep_run_row(const ps_sweep *s, const char *self, int row, FILE *log, ps_error *err);

/* Called after every finished run of a local sweep. */
typedef void (*ps_sweep_progress)(void *user, int done, int failed, int running, int queued);

/* Runs rows 0..n-1 as `self train-iter --run-row DIR K`, at most `parallel`
 * at once, each with its output in DIR/logs/run_K.log; status[k] gets run
 * K's exit status. Returns the number of failed runs. It waits for any
 * child: the caller has no other children running. */
int ps_sweep_run_local(const char *self, const char *dir, int n, int parallel, int *status,
                       ps_sweep_progress progress, void *user);
/* The runs of a local sweep: weights (and seed) and status, the tail of
 * failed logs. */
void ps_sweep_report(FILE *fp, const char *dir, const ps_sweep_row *rows, const int *status, int n);

/* `sbatch --parsable DIR/sweep.sbatch`; the job id into id. */
int ps_sweep_submit(const char *dir, char *id, size_t size, ps_error *err);

/* DIR/collect.csv: a row per plan row (with its seed for a seed list), its
 * status (ok, or missing without an evaluation summary) and the numbers of
 * the newest evaluation of its weights (in the runs' --output-dir, default
 * sessions/, relative to the current folder). */
int ps_sweep_collect(const ps_sweep *s, int *missing, char *path, size_t size, ps_error *err);

#endif
