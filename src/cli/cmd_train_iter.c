/* cmd_train_iter.c - `powersched train-iter` (spec 12.8): one training run
 * (and optionally an evaluation) per reward-weight combination, run here
 * with --parallel N processes or as a Slurm job array with --slurm. The
 * sweep folder and its runs are the library's (powersched/sweep_run.h);
 * this command plans the sweep from its options and reports. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "powersched/compare.h"
#include "powersched/scenario_options.h"
#include "powersched/session.h"
#include "powersched/sweep_run.h"
#include "train_options.h"

#define CMD "train-iter"
#define MAX_ARGS 256

static const char USAGE[] =
    "usage: powersched train-iter --session NAME --iter-limit-per-step N [--step 0.1]\n"
    "           [--fix-weights a,b --fix-values x,y] [--parallel N | --slurm [--submit]]\n"
    "           [--seeds a,b] [--continue-existing-only] [--evaluate-savings [--eval-months 6]]\n"
    "           [data, workload and training options]\n"
    "       powersched train-iter --collect SWEEP_DIR\n\n"
    "Trains one model per reward-weight combination of the grid (spec 12.8; and per seed of\n"
    "--seeds), here with up to --parallel processes or as a Slurm job array. Every option of\n"
    "`powersched train` is accepted and passed on to each run (the scenario and run options to\n"
    "`evaluate-savings` too). The sweep folder <output-dir>/NAME/sweeps/<time>/ holds plan.csv,\n"
    "the forwarded arguments and logs. Exit status: the number of failed runs.\n";

typedef struct iter_args {
    ps_sim_flags sim;
    ps_train_flags train;
    ps_run_flags run;
    ps_sweep_slurm slurm;
    const char *session, *fix_weights, *fix_values, *collect, *seed_list;
    int64_t iter_limit;
    double step, eval_months;
    int parallel, evaluate, use_slurm, submit, existing_only, n_seeds;
    uint64_t seeds[PS_COMPARE_MAX_SEEDS];
} iter_args;

static int self_path(char *buf, size_t size) {
    ssize_t n = readlink("/proc/self/exe", buf, size - 1);
    if (n <= 0) return -1;
    buf[n] = '\0';
    return 0;
}

/* What an array task or a local run does: row K of the sweep in DIR. */
static int run_row(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "powersched train-iter: --run-row DIR INDEX\n");
        return 2;
    }
    char self[PATH_MAX];
    ps_sweep s;
    ps_error err;
    if (self_path(self, sizeof self) != 0) return 127;
    if (ps_sweep_open(&s, argv[1], &err) != PS_OK) return ps_cli_fail(CMD, &err, 1);
    int status = ps_sweep_run_row(&s, self, atoi(argv[2]), stdout, &err);
    ps_sweep_close(&s);
    return status == PS_ERR ? ps_cli_fail(CMD, &err, 1) : status;
}

static int collect(const char *dir) {
    ps_sweep s;
    ps_error err;
    char path[4200];
    int missing;
    if (ps_sweep_open(&s, dir, &err) != PS_OK) return ps_cli_fail(CMD, &err, 2);
    int rc = ps_sweep_collect(&s, &missing, path, sizeof path, &err);
    if (rc == PS_OK) printf("Collected %d runs (%d without an evaluation summary) into %s\n", s.n, missing, path);
    ps_sweep_close(&s);
    return rc != PS_OK ? ps_cli_fail(CMD, &err, 1) : missing ? 1 : 0;
}

/* ------------------------------------------------------------------- plan */

/* What every run passes to train and to evaluate-savings besides its
 * weights: the sweep's settings under their names there, then the
 * forwarded groups as given. */
static int create_sweep(const iter_args *a, const ps_optset *set, const char *dir, const ps_sweep_row *rows, int n,
                        ps_error *err) {
    const char *train[MAX_ARGS], *eval[MAX_ARGS];
    char lim[32], months[32];
    snprintf(lim, sizeof lim, "%lld", (long long)a->iter_limit);
    snprintf(months, sizeof months, "%g", a->eval_months); /* evaluate-savings' default differs: always given */
    int nt = 0, ne = 0;
    train[nt++] = "--session", train[nt++] = a->session, train[nt++] = "--iter-limit", train[nt++] = lim;
    eval[ne++] = "--session", eval[ne++] = a->session, eval[ne++] = "--eval-months", eval[ne++] = months;
    if (ps_forward_to_train(set, CMD, train, &nt, MAX_ARGS, err) != PS_OK ||
        ps_forward_to_evaluate(set, eval, &ne, MAX_ARGS, err) != PS_OK)
        return PS_ERR;
    return ps_sweep_create(dir, rows, n, train, nt, eval, a->evaluate ? ne : -1, err);
}

static void on_progress(void *user, int done, int failed, int running, int queued) {
    int tty = *(const int *)user;
    fprintf(stderr, tty ? "\r  runs: %d done (%d failed), %d running, %d queued   "
                        : "  runs: %d done (%d failed), %d running, %d queued\n",
            done, failed, running, queued);
}

/* Runs the sweep here; returns the number of failed runs (at most 255). */
static int run_here(const char *self, const char *dir, const ps_sweep_row *rows, int n, int parallel) {
    int *status = malloc((size_t)n * sizeof *status), tty = isatty(STDERR_FILENO);
    if (!status) return 1;
    int failed = ps_sweep_run_local(self, dir, n, parallel, status, on_progress, &tty);
    if (tty) fputc('\n', stderr);
    ps_sweep_report(stdout, dir, rows, status, n);
    free(status);
    return failed > 255 ? 255 : failed;
}

static int on_slurm(const iter_args *a, const char *dir, int n, ps_error *err) {
    printf("Slurm job array script: %s/sweep.sbatch (%d tasks%s)\n", dir, n,
           a->slurm.max_parallel > 0 ? ", limited in parallel" : "");
    if (!a->submit) {
        printf("Submit it with: sbatch %s/sweep.sbatch\nThen: powersched train-iter --collect %s\n", dir, dir);
        return 0;
    }
    char id[256];
    if (ps_sweep_submit(dir, id, sizeof id, err) != PS_OK) return -1;
    printf("Submitted job array %s (%s/sweep.sbatch)\n", id, dir);
    return 0;
}

static int check_args(iter_args *a, int seed_given, ps_error *err) {
    if (ps_session_check_name(a->session, err) != PS_OK) return PS_ERR;
    if (a->iter_limit <= 0) return ps_error_set(err, "--iter-limit-per-step N (> 0) is required");
    if (*a->sim.wg.mode && a->sim.arrival_scale != 1.0)
        return ps_error_set(err, "--workload-gen with --job-arrival-scale other than 1 is an error in a sweep");
    if (a->submit && !a->use_slurm) return ps_error_set(err, "--submit needs --slurm");
    if (*a->seed_list && seed_given) return ps_error_set(err, "--seeds and --seed: give one of them");
    if (*a->seed_list && ps_compare_parse_seeds(a->seed_list, a->seeds, PS_COMPARE_MAX_SEEDS, &a->n_seeds, err))
        return PS_ERR;
    if (ps_train_flags_check(&a->train, err) != PS_OK ||
        ps_run_flags_check(&a->run, seed_given || a->n_seeds, err) != PS_OK) /* --seeds' runs have a --seed each */
        return PS_ERR;
    ps_scenario_spec spec;
    return ps_sim_flags_to_spec(&a->sim, &spec, NULL, err); /* data flag combinations */
}

/* Writes the sweep folder and runs it here or on Slurm. */
static int start_sweep(const iter_args *a, const ps_optset *set, const ps_sweep_row *rows, int n, ps_error *err) {
    char dir[4400], self[PATH_MAX], cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd) || self_path(self, sizeof self) != 0)
        return ps_error_set(err, "cannot resolve the current folder or this program's path");
    if (a->use_slurm && ps_sweep_check_slurm(&a->slurm, n, err) != PS_OK) return PS_ERR;
    ps_sweep_dir_name(cwd, a->run.output_dir, a->session, dir, sizeof dir);
    if (create_sweep(a, set, dir, rows, n, err) != PS_OK) return PS_ERR;
    if (a->use_slurm && ps_sweep_write_sbatch(dir, self, cwd, a->session, n, &a->slurm, err) != PS_OK) return PS_ERR;
    printf("Sweep of %d runs (step %g%s), %lld iterations each%s: %s\n", n, a->step,
           a->n_seeds ? ", each combination once per seed" : "", (long long)a->iter_limit,
           a->evaluate ? ", then evaluate-savings" : "", dir);
    fflush(stdout);
    return a->use_slurm ? on_slurm(a, dir, n, err) : run_here(self, dir, rows, n, a->parallel);
}

/* With --continue-existing-only, the rows already trained; 0 is a failure. */
static int keep_existing(const iter_args *a, ps_sweep_row *rows, int n, ps_error *err) {
    int kept = ps_sweep_keep_existing(rows, n, a->run.output_dir, a->session, a->run.seed_sweep ? &a->sim.seed : NULL);
    if (kept == 0)
        return ps_error_set(err, "--continue-existing-only: none of the %d runs has a checkpoint in %s/%s", n,
                            a->run.output_dir, a->session), 0;
    printf("Continuing the %d of %d runs that have checkpoints\n", kept, n);
    return kept;
}

/* Returns the exit status; -2 / -1 for a usage error / a failure in err. */
static int plan_and_run(iter_args *a, const ps_optset *set, ps_error *err) {
    ps_weight_combo *g = NULL;
    ps_sweep_row *rows = NULL;
    int n, n_rows = 0, status = -2;
    if (check_args(a, ps_optset_given(set, "--seed"), err) != PS_OK ||
        ps_sweep_grid_fixed(a->step, a->fix_weights, a->fix_values, &g, &n, err) != PS_OK)
        return -2;
    if (n == 0) ps_error_set(err, "the grid is empty (fixed weights that do not sum to 1?)");
    else if (ps_sweep_plan(g, n, a->seeds, a->n_seeds, &rows, &n_rows, err) != PS_OK) status = -1;
    else if (a->existing_only && (n_rows = keep_existing(a, rows, n_rows, err)) == 0) status = -1;
    else status = start_sweep(a, set, rows, n_rows, err);
    free(rows);
    free(g);
    return status;
}

int cmd_train_iter(int argc, char **argv) {
    if (argc >= 1 && !strcmp(argv[0], "--run-row")) return run_row(argc, argv);
    iter_args a = {.session = "", .fix_weights = "", .fix_values = "", .collect = "", .seed_list = "", .step = 0.1,
                   .eval_months = 6, .parallel = 1, .slurm = {.partition = "", .time_limit = "", .extra = "", .cpus = 1, .max_array = 1001}};
    ps_sim_flags_init(&a.sim);
    ps_train_flags_init(&a.train);
    ps_run_flags_init(&a.run);
    char weights[128], fix_help[192];
    ps_weight_names(weights, sizeof weights, ",", ",");
    snprintf(fix_help, sizeof fix_help, "weights held fixed: %s", weights);
    const ps_option own[] = {
        {"--session", OPT_STRING, &a.session, "NAME", "session of every run (required)", 0, 0},
        {"--iter-limit-per-step", OPT_I64, &a.iter_limit, "N", "iterations per combination (required)", 0, 1e9},
        {"--step", OPT_DOUBLE, &a.step, "S", "grid step of the free weights", 1e-3, 1},
        {"--fix-weights", OPT_STRING, &a.fix_weights, "LIST", fix_help, 0, 0},
        {"--fix-values", OPT_STRING, &a.fix_values, "LIST", "their values (same length, sum <= 1)", 0, 0},
        {"--parallel", OPT_INT, &a.parallel, "N", "runs at once on this machine", 1, 1024},
        {"--seeds", OPT_STRING, &a.seed_list, "LIST", "one run per combination and seed (each --seed S --seed-sweep)", 0, 0},
        {"--continue-existing-only", OPT_FLAG, &a.existing_only, "", "run only the combinations that have checkpoints "
         "(they resume; raise --iter-limit-per-step)", 0, 0},
        {"--evaluate-savings", OPT_FLAG, &a.evaluate, "", "evaluate each model after training", 0, 0},
        {"--slurm", OPT_FLAG, &a.use_slurm, "", "write a Slurm job array instead of running here", 0, 0},
        {"--submit", OPT_FLAG, &a.submit, "", "with --slurm: submit it with sbatch", 0, 0},
        {"--slurm-partition", OPT_STRING, &a.slurm.partition, "P", "#SBATCH --partition", 0, 0},
        {"--slurm-time", OPT_STRING, &a.slurm.time_limit, "T", "#SBATCH --time (e.g. 04:00:00)", 0, 0},
        {"--slurm-cpus", OPT_INT, &a.slurm.cpus, "N", "#SBATCH --cpus-per-task", 1, 1024},
        {"--slurm-max-parallel", OPT_INT, &a.slurm.max_parallel, "N", "array tasks at once (%N; 0: no limit)", 0, 1e6},
        {"--slurm-extra", OPT_STRING, &a.slurm.extra, "LINES", "more #SBATCH lines, ';'-separated", 0, 0},
        {"--slurm-max-array", OPT_INT, &a.slurm.max_array, "N", "refuse arrays of more tasks (MaxArraySize)", 1, 1e7},
        {"--collect", OPT_STRING, &a.collect, "DIR", "gather the evaluation summaries of a sweep into DIR/collect.csv", 0,
         0},
    };
    ps_optset set;
    ps_optset_init(&set);
    ps_optset_add(&set, CMD, own, PS_COUNT(own));
    ps_eval_months_options(&a.eval_months, &set);
    ps_train_options(&a.train, &a.run, &a.sim, &set);
    ps_optset_remove_group(&set, PS_GROUP_WEIGHTS); /* the weights are what the sweep sets */
    int status = ps_cli_parse(CMD, USAGE, &set, argc, argv);
    if (status >= 0) return status;
    if (*a.collect) return collect(a.collect);
    ps_error err;
    status = plan_and_run(&a, &set, &err);
    return status == -2 ? ps_cli_fail(CMD, &err, 2) : status == -1 ? ps_cli_fail(CMD, &err, 1) : status;
}
