/* train_options.c - the training, run and evaluation option groups. */
#include "train_options.h"

#include <stdlib.h>
#include <string.h>

void ps_train_flags_init(ps_train_flags *f) {
    memset(f, 0, sizeof *f);
    f->iteration_steps = 100000; /* spec 12.3 */
    f->net_arch = "64,64";
    f->device = "auto";
    f->render = "none";
}

void ps_train_flags_options(ps_train_flags *f, ps_optset *set) {
    const ps_option opts[] = {
        {"--iteration-steps", OPT_I64, &f->iteration_steps, "N", "env steps per iteration (one checkpoint each)", 64, 1e12},
        {"--net-arch", OPT_STRING, &f->net_arch, "A,B", "hidden layer sizes of both networks (new models)", 0, 0},
        {"--ent-coef", OPT_DOUBLE, &f->ent_coef, "C", "entropy coefficient (new models)", 0, 1e3},
        {"--device", OPT_STRING, &f->device, "D", "auto | cpu | cuda (this build: CPU only)", 0, 0},
        {"--render", OPT_STRING, &f->render, "MODE", "none | human (a line per step, a plot per episode)", 0, 0},
    };
    ps_optset_add(set, PS_GROUP_TRAINING, opts, PS_COUNT(opts));
}

int ps_parse_net_arch(const char *s, int *hidden, int *n, ps_error *err) {
    *n = 0;
    const char *p = s;
    while (*p) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 1 || v > 4096 || *n == PS_MAX_HIDDEN || (*end && *end != ','))
            return ps_error_set(err, "--net-arch: '%s' is not 1 to %d layer sizes like 64,64", s, PS_MAX_HIDDEN);
        hidden[(*n)++] = (int)v;
        p = *end ? end + 1 : end;
    }
    if (*n == 0) return ps_error_set(err, "--net-arch: empty");
    return PS_OK;
}

int ps_train_flags_check(ps_train_flags *f, ps_error *err) {
    if (ps_parse_net_arch(f->net_arch, f->hidden, &f->n_hidden, err) != PS_OK) return PS_ERR;
    if (strcmp(f->device, "auto") && strcmp(f->device, "cpu") && strcmp(f->device, "cuda"))
        return ps_error_set(err, "--device: '%s' is not auto, cpu or cuda", f->device);
    if (!strcmp(f->device, "cuda"))
        return ps_error_set(err, "--device cuda: this build runs on the CPU only (Debian's libtorch has no CUDA)");
    if (strcmp(f->render, "none") && strcmp(f->render, "human"))
        return ps_error_set(err, "--render: '%s' is not none or human", f->render);
    return PS_OK;
}

void ps_run_flags_init(ps_run_flags *f) {
    memset(f, 0, sizeof *f);
    f->threads = 1; /* design.md: two threads were never faster here */
    f->dashboard_hours = 336;
}

void ps_run_flags_options(ps_run_flags *f, ps_optset *set) {
    const ps_option opts[] = {
        {"--threads", OPT_INT, &f->threads, "N", "torch and OpenBLAS threads", 1, 256},
        {"--plot-dashboard", OPT_FLAG, &f->plot_dashboard, "",
         "plot the episode's hours (train: after every iteration; evaluate-savings: the last)", 0, 0},
        {"--dashboard-hours", OPT_INT, &f->dashboard_hours, "N", "hours shown by the dashboard", 1, 1e6},
        {"--seed-sweep", OPT_FLAG, &f->seed_sweep, "", "with --seed: the session is sessions/NAME/seed_SEED/", 0, 0},
    };
    ps_optset_add(set, PS_GROUP_RUN, opts, PS_COUNT(opts));
}

int ps_run_flags_check(const ps_run_flags *f, int seed_given, ps_error *err) {
    if (f->seed_sweep && !seed_given) return ps_error_set(err, "--seed-sweep requires --seed");
    return PS_OK;
}

void ps_train_options(ps_train_flags *t, ps_run_flags *r, ps_sim_flags *sim, ps_optset *set) {
    ps_train_flags_options(t, set);
    ps_run_flags_options(r, set);
    ps_sim_flags_options(sim, set);
}

void ps_eval_months_options(double *months, ps_optset *set) {
    const ps_option opts[] = {
        {"--eval-months", OPT_DOUBLE, months, "N", "months to evaluate: 2 episodes of 336 h each", 0.5, 1e4},
    };
    ps_optset_add(set, PS_GROUP_EVALUATION, opts, PS_COUNT(opts));
}
