/* test_sweep_run - a weight sweep on disk (spec 12.8, train-iter): plan.csv
 * and the args files written and read back (empty arguments kept), the
 * Slurm array script, one row's runs and a local sweep run through a stand-in
 * for the powersched binary (a shell script that logs its arguments),
 * collect.csv from evaluation summaries (with and without --seed-sweep, in
 * another --output-dir), runs per seed (--seeds) and the rows
 * --continue-existing-only keeps.
 * Also: the groups train-iter forwards are the groups a scenario takes. */
#define _XOPEN_SOURCE 700
#include <cJSON.h>
#include <ftw.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "check.h"
#include "powersched/io.h"
#include "powersched/plot.h"
#include "powersched/scenario_options.h"
#include "powersched/sweep_run.h"

static char root[64] = "/tmp/test_sweep_run_XXXXXX";

static char *slurp(const char *dir, const char *name) {
    char path[4600];
    ps_error err;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *text = ps_read_text(path, &err);
    return text ? text : calloc(1, 1);
}

static void put(const char *path, const char *text) {
    ps_error err;
    CHECK_INT(ps_atomic_write_text(path, text, &err), PS_OK);
}

/* A set's groups, each once, in order; a scenario's are those train-iter
 * forwards to both train and evaluate-savings. */
static void test_groups(void) {
    ps_optset set;
    ps_optset_init(&set);
    int x;
    const ps_option a[] = {{"--a", OPT_FLAG, &x, "", "", 0, 0}, {"--b", OPT_FLAG, &x, "", "", 0, 0}};
    ps_optset_add(&set, "one", a, 2);
    ps_optset_add(&set, "two", a, 1);
    ps_optset_add(&set, "one", a + 1, 1);
    const char *g[16];
    CHECK_INT(ps_optset_groups(&set, g, 16), 2);
    CHECK(!strcmp(g[0], "one") && !strcmp(g[1], "two"));
    CHECK_INT(ps_optset_groups(&set, g, 1), 1);
    int n = ps_sim_flags_groups(g, 16), data = 0, weights = 0;
    for (int k = 0; k < n; k++) {
        data += !strcmp(g[k], PS_GROUP_DATA);
        weights += !strcmp(g[k], PS_GROUP_WEIGHTS);
    }
    CHECK(n >= 3 && data == 1 && weights == 1);
}

static void test_fixed_lists(void) {
    ps_weight_combo *g;
    int n;
    ps_error err;
    char names[128];
    ps_weight_names(names, sizeof names, ",", ",");
    CHECK(!strcmp(names, "efficiency,price,idle,job-age,drop"));
    CHECK_INT(ps_sweep_grid_fixed(0.1, "idle,drop", "0,0", &g, &n, &err), PS_OK);
    CHECK_INT(n, 66);
    free(g);
    CHECK_INT(ps_sweep_grid_fixed(0.1, "speed", "0", &g, &n, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "--fix-weights: 'speed' is not efficiency, price, idle, job-age or drop");
    CHECK_INT(ps_sweep_grid_fixed(0.1, "idle,drop", "0", &g, &n, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "names 2 weights but --fix-values gives 1");
    CHECK_INT(ps_sweep_grid_fixed(0.1, "idle", "x", &g, &n, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "--fix-values: 'x' is not a number");
}

/* A sweep of the 3 combinations of step 0.5 (idle, job-age and drop fixed
 * at 0), each once per seed when n_seeds > 0, in dir. */
static void make_sweep(const char *dir, const char *const *train, int nt, const uint64_t *seeds, int n_seeds,
                       ps_sweep_row **rows, int *n) {
    static const char *const eval[] = {"--session", "s", "--eval-months", "6"};
    ps_error err;
    ps_weight_combo *g;
    int n_g;
    CHECK_INT(ps_sweep_grid_fixed(0.5, "idle,job-age,drop", "0,0,0", &g, &n_g, &err), PS_OK);
    CHECK_INT(ps_sweep_plan(g, n_g, seeds, n_seeds, rows, n, &err), PS_OK);
    CHECK_INT(ps_sweep_create(dir, *rows, *n, train, nt, eval, 4, &err), PS_OK);
    free(g);
}

static void test_folder(const char *dir, const char *self) {
    static const char *const train[] = {"--session", "s", "--iter-limit", "2", "--prices", ""};
    ps_sweep_row *g;
    int n;
    ps_error err;
    make_sweep(dir, train, 6, NULL, 0, &g, &n);
    char *plan = slurp(dir, "plan.csv");
    CHECK(!strncmp(plan, "index,efficiency,price,idle,job_age,drop\n0,0.00,1.00,0.00,0.00,0.00\n", 68));
    free(plan);
    ps_sweep s;
    CHECK_INT(ps_sweep_open(&s, dir, &err), PS_OK);
    CHECK_INT(s.n, 3);
    CHECK(s.rows[2].index == 2 && s.rows[2].w.w[0] == 1.0 && s.rows[2].w.w[1] == 0.0);
    CHECK_INT(s.train.n, 6);
    CHECK(s.train.n == 6 && !strcmp(s.train.v[5], "")); /* an empty argument stays one */
    CHECK(s.eval.text != NULL && s.eval.n == 4);
    CHECK(!strcmp(ps_sweep_args_value(&s.train, "--iter-limit"), "2"));
    CHECK(!ps_sweep_args_has(&s.train, "--seed-sweep"));
    /* one row: train, then evaluate-savings, each with the row's weights */
    char calls[4600];
    snprintf(calls, sizeof calls, "%s/calls.txt", root);
    FILE *log = tmpfile();
    CHECK_INT(ps_sweep_run_row(&s, self, 2, log, &err), 0);
    char *text = slurp(root, "calls.txt");
    CHECK_STR_CONTAINS(text, "train --session s --iter-limit 2 --prices  --efficiency-weight 1.00 --price-weight 0.00 "
                             "--idle-weight 0.00 --job-age-weight 0.00 --drop-weight 0.00\n");
    CHECK_STR_CONTAINS(text, "evaluate-savings --session s --eval-months 6 --efficiency-weight 1.00");
    free(text);
    unlink(calls);
    /* a failing training stops the row: no evaluation */
    CHECK_INT(ps_sweep_run_row(&s, self, 0, log, &err), 4);
    text = slurp(root, "calls.txt");
    CHECK(strstr(text, "evaluate-savings") == NULL);
    free(text);
    char out[1024] = "";
    rewind(log);
    out[fread(out, 1, sizeof out - 1, log)] = '\0';
    CHECK_STR_CONTAINS(out, "== run 2: train (weights 1.00 0.00 0.00 0.00 0.00)\n");
    CHECK_STR_CONTAINS(out, "== run 0: train failed with status 4\n");
    fclose(log);
    CHECK_INT(ps_sweep_run_row(&s, self, 7, stdout, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "has no row 7");
    ps_sweep_close(&s);
    free(g);
    CHECK_INT(ps_sweep_open(&s, root, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "is not a sweep folder");
}

static void test_sbatch(const char *dir) {
    ps_sweep_slurm slurm = {"gpu", "", "--mem=2G;;--qos=short", 2, 2, 1001};
    ps_error err;
    CHECK_INT(ps_sweep_write_sbatch(dir, "/opt/ps", "/home/u", "s", 3, &slurm, &err), PS_OK);
    char *text = slurp(dir, "sweep.sbatch");
    CHECK_STR_CONTAINS(text, "#SBATCH --job-name=powersched-s\n#SBATCH --array=0-2%2\n");
    CHECK_STR_CONTAINS(text, "#SBATCH --cpus-per-task=2\n#SBATCH --signal=USR1@120\n#SBATCH --partition=gpu\n"
                             "#SBATCH --mem=2G\n#SBATCH --qos=short\n");
    CHECK(strstr(text, "--time") == NULL);
    CHECK_STR_CONTAINS(text, "cd '/home/u'\nexec '/opt/ps' train-iter --run-row '");
    free(text);
    /* User text stays data: the job name keeps safe characters only, a
     * quote in a path is escaped for the shell, a newline is refused. */
    CHECK_INT(ps_sweep_write_sbatch(dir, "/opt/it's/ps", "/home/o'b", "a b`x`$(y)", 3, &slurm, &err), PS_OK);
    text = slurp(dir, "sweep.sbatch");
    CHECK_STR_CONTAINS(text, "#SBATCH --job-name=powersched-a_b_x___y_\n");
    CHECK_STR_CONTAINS(text, "cd '/home/o'\\''b'\nexec '/opt/it'\\''s/ps' train-iter");
    free(text);
    ps_sweep_slurm bad = slurm;
    bad.partition = "gpu\ntouch PWNED";
    CHECK_INT(ps_sweep_write_sbatch(dir, "/opt/ps", "/home/u", "s", 3, &bad, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "--slurm-partition: holds a control character");
    bad = slurm;
    bad.extra = "--mem=1G;\nrm -rf x";
    CHECK_INT(ps_sweep_check_slurm(&bad, 3, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "--slurm-extra");
    CHECK_INT(ps_sweep_check_slurm(&slurm, 1001, &err), PS_OK);
    CHECK_INT(ps_sweep_check_slurm(&slurm, 1002, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "the sweep has 1002 runs, more than --slurm-max-array 1001");
}

static int progress_calls, last_done;
static void on_progress(void *user, int done, int failed, int running, int queued) {
    (void)user, (void)failed, (void)running, (void)queued;
    progress_calls++;
    last_done = done;
}

static void test_local(const char *dir, const char *self) {
    static const char *const train[] = {"--session", "s"};
    ps_sweep_row *g;
    int n, status[3];
    make_sweep(dir, train, 2, NULL, 0, &g, &n);
    CHECK_INT(ps_sweep_run_local(self, dir, n, 2, status, on_progress, NULL), 1);
    CHECK(status[0] == 0 && status[1] == 3 && status[2] == 0);
    CHECK(progress_calls == 3 && last_done == 3);
    char *log = slurp(dir, "logs/run_1.log");
    CHECK_STR_CONTAINS(log, "row 1 fails");
    free(log);
    char *report;
    size_t size;
    FILE *fp = open_memstream(&report, &size);
    ps_sweep_report(fp, dir, g, status, n);
    fclose(fp);
    CHECK_STR_CONTAINS(report, "\n  run  efficiency  price  idle  job_age  drop  status\n");
    CHECK_STR_CONTAINS(report, "    1        0.50   0.50  0.00     0.00  0.00  FAILED (status 3, log ");
    CHECK_STR_CONTAINS(report, "      | row 1 fails\n");
    CHECK_STR_CONTAINS(report, "3 runs, 1 failed; sweep folder ");
    free(report);
    free(g);
}

/* collect.csv from summaries under sessions/<root>/plots-eval. */
static void test_collect(const char *dir, const char *const *train, int nt, const char *session_root) {
    ps_sweep_row *g;
    int n, missing;
    ps_error err;
    make_sweep(dir, train, nt, NULL, 0, &g, &n);
    char path[4600];
    snprintf(path, sizeof path, "%s/plots-eval/m128_e1_p0_i0_ja0", session_root);
    CHECK_INT(ps_mkdirs(path, &err), PS_OK);
    strcat(path, "/summary.json");
    put(path, "{\"total_savings\": 5, \"agent_cost\": 2.5}");
    ps_sweep s;
    CHECK_INT(ps_sweep_open(&s, dir, &err), PS_OK);
    CHECK_INT(ps_sweep_collect(&s, &missing, path, sizeof path, &err), PS_OK);
    CHECK_INT(missing, 2);
    char *csv = slurp(dir, "collect.csv");
    CHECK_STR_CONTAINS(csv, "index,efficiency,price,idle,job_age,drop,status,total_savings,total_savings_off,");
    CHECK_STR_CONTAINS(csv, "\n2,1.00,0.00,0.00,0.00,0.00,ok,5,,,,,,,2.5,");
    CHECK_STR_CONTAINS(csv, "\n0,0.00,1.00,0.00,0.00,0.00,missing,,");
    free(csv);
    ps_sweep_close(&s);
    free(g);
}

/* --seeds: each combination once per seed (seeds fastest), plan.csv's seed
 * column read back, and a row's runs get --seed S --seed-sweep. */
static void test_seeds(const char *dir, const char *self) {
    static const char *const train[] = {"--session", "s"};
    static const uint64_t seeds[2] = {7, 18446744073709551615ULL};
    ps_sweep_row *rows;
    int n;
    ps_error err;
    make_sweep(dir, train, 2, seeds, 2, &rows, &n);
    CHECK_INT(n, 6);
    CHECK(rows[1].index == 1 && rows[1].has_seed && rows[1].seed == seeds[1] && rows[1].w.w[1] == 1.0);
    CHECK(rows[4].seed == 7 && rows[4].w.w[0] == 1.0);
    char *plan = slurp(dir, "plan.csv");
    CHECK_STR_CONTAINS(plan, "index,efficiency,price,idle,job_age,drop,seed\n0,0.00,1.00,0.00,0.00,0.00,7\n"
                             "1,0.00,1.00,0.00,0.00,0.00,18446744073709551615\n");
    free(plan);
    ps_sweep s;
    CHECK_INT(ps_sweep_open(&s, dir, &err), PS_OK);
    CHECK(s.n == 6 && s.rows[5].has_seed && s.rows[5].seed == seeds[1] && s.rows[5].w.w[0] == 1.0);
    char calls[4600];
    snprintf(calls, sizeof calls, "%s/calls.txt", root);
    unlink(calls);
    FILE *log = tmpfile();
    CHECK_INT(ps_sweep_run_row(&s, self, 4, log, &err), 0);
    char *text = slurp(root, "calls.txt");
    CHECK_STR_CONTAINS(text, "train --session s --efficiency-weight 1.00 --price-weight 0.00 --idle-weight 0.00 "
                             "--job-age-weight 0.00 --drop-weight 0.00 --seed 7 --seed-sweep\n");
    CHECK_STR_CONTAINS(text, "evaluate-savings --session s --eval-months 6 --efficiency-weight 1.00 --price-weight "
                             "0.00 --idle-weight 0.00 --job-age-weight 0.00 --drop-weight 0.00 --seed 7 --seed-sweep\n");
    free(text);
    unlink(calls);
    fclose(log);
    char *report;
    size_t size;
    FILE *fp = open_memstream(&report, &size);
    int status[6] = {0};
    ps_sweep_report(fp, dir, s.rows, status, s.n);
    fclose(fp);
    CHECK_STR_CONTAINS(report, "  run  efficiency  price  idle  job_age  drop        seed  status\n");
    CHECK_STR_CONTAINS(report, "    4        1.00   0.00  0.00     0.00  0.00           7  ok\n");
    free(report);
    ps_sweep_close(&s);
    free(rows);
}

/* Where a row trains; --continue-existing-only keeps the rows with a
 * checkpoint (renumbered); the sweep folder under --output-dir. */
static void test_existing(void) {
    ps_weight_combo g[3] = {{{0, 1, 0, 0, 0}}, {{0.5, 0.5, 0, 0, 0}}, {{1, 0, 0, 0, 0}}};
    static const uint64_t seeds[2] = {3, 4};
    ps_sweep_row *rows;
    int n;
    ps_error err;
    CHECK_INT(ps_sweep_plan(g, 3, NULL, 0, &rows, &n, &err), PS_OK);
    ps_session sess;
    uint64_t seed = 9;
    ps_sweep_row_session(&rows[1], "out", "s", NULL, &sess);
    CHECK(!strcmp(sess.models_dir, "out/s/models/e0.5_p0.5_i0.0_a0.0_d0.0"));
    ps_sweep_row_session(&rows[1], "out", "s", &seed, &sess);
    CHECK(!strcmp(sess.root, "out/s/seed_9"));
    CHECK_INT(ps_sweep_keep_existing(rows, n, "out", "s", NULL), 0);
    CHECK_INT(ps_mkdirs("out/s/models/e1.0_p0.0_i0.0_a0.0_d0.0", &err), PS_OK);
    put("out/s/models/e1.0_p0.0_i0.0_a0.0_d0.0/64.zip", "x");
    CHECK_INT(ps_mkdirs("out/s/models/e0.5_p0.5_i0.0_a0.0_d0.0", &err), PS_OK); /* a folder without checkpoints */
    CHECK_INT(ps_sweep_keep_existing(rows, n, "out", "s", NULL), 1);
    CHECK(rows[0].index == 0 && rows[0].w.w[0] == 1.0);
    free(rows);
    /* with seeds: each seed's folder counts on its own */
    CHECK_INT(ps_sweep_plan(g, 3, seeds, 2, &rows, &n, &err), PS_OK);
    CHECK_INT(ps_mkdirs("out/s/seed_4/models/e0.0_p1.0_i0.0_a0.0_d0.0", &err), PS_OK);
    put("out/s/seed_4/models/e0.0_p1.0_i0.0_a0.0_d0.0/128.zip", "x");
    CHECK_INT(ps_sweep_keep_existing(rows, n, "out", "s", NULL), 1);
    CHECK(rows[0].index == 0 && rows[0].seed == 4 && rows[0].w.w[1] == 1.0);
    free(rows);
    char dir[4600];
    ps_sweep_dir_name("/home/u", "runs", "s", dir, sizeof dir);
    CHECK_STR_CONTAINS(dir, "/home/u/runs/s/sweeps/");
    ps_sweep_dir_name("/home/u", "/scratch/runs", "s", dir, sizeof dir);
    CHECK(!strncmp(dir, "/scratch/runs/s/sweeps/", 23));
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

int main(void) {
    if (!mkdtemp(root) || chdir(root) != 0) return 1;
    char self[128], dirs[7][128];
    snprintf(self, sizeof self, "%s/powersched", root);
    put(self, "#!/bin/sh\n"
              "echo \"$*\" >> \"$(dirname \"$0\")/calls.txt\"\n"
              "[ \"$1\" = train ] && case \"$*\" in *'--efficiency-weight 0.00'*) exit 4 ;; esac\n"
              "[ \"$1\" = train-iter ] && [ \"$4\" = 1 ] && { echo 'row 1 fails'; exit 3; }\n"
              "exit 0\n");
    CHECK(chmod(self, 0755) == 0);
    for (int i = 0; i < 7; i++) snprintf(dirs[i], sizeof dirs[i], "%s/sweep%d", root, i);
    test_groups();
    test_fixed_lists();
    test_folder(dirs[0], self);
    test_sbatch(dirs[0]);
    test_local(dirs[1], self);
    static const char *const plain[] = {"--session", "s"}, *const by_seed[] = {"--session", "s", "--seed", "7",
                                                                                "--seed-sweep"};
    test_collect(dirs[2], plain, 2, "sessions/s");
    test_collect(dirs[3], by_seed, 5, "sessions/s/seed_7");
    static const char *const elsewhere[] = {"--session", "s", "--output-dir", "runs/x"};
    test_collect(dirs[4], elsewhere, 4, "runs/x/s");
    test_seeds(dirs[5], self);
    test_existing();
    CHECK(chdir("/") == 0 && nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0);
    return check_summary("test_sweep_run");
}
