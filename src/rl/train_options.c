/* train_options.c - the training, run and evaluation option groups. */
#include "train_options.h"

#include <stdlib.h>
#include <string.h>

#include "powersched/session.h"
#include "checkpoint.h"
#include "trainer.h"

void ps_train_flags_init(ps_train_flags *f) {
    memset(f, 0, sizeof *f);
    f->iteration_steps = 100000; /* spec 12.3 */
    f->net_arch = "64,64";
    f->obs_scale = "none";
    f->learning_rate = 3e-4; /* spec 12.2 */
    f->gamma = 0.99;         /* spec 12.2 */
    f->n_steps = 64;
    f->batch_size = 64;
    f->action = "nodes";
    f->device = "auto";
    f->render = "none";
    f->init_from = "";
    f->init_from_weights = "";
}

void ps_train_flags_options(ps_train_flags *f, ps_optset *set) {
    const ps_option opts[] = {
        {"--iteration-steps", OPT_I64, &f->iteration_steps, "N", "env steps per iteration (one checkpoint each)", 64, 1e12},
        {"--net-arch", OPT_STRING, &f->net_arch, "A,B", "hidden layer sizes of both networks (new models)", 0, 0},
        {"--obs-scale", OPT_STRING, &f->obs_scale, "MODE",
         "none | bounds: the network reads each input divided by a fixed bound of its field (durations by 170 h, "
         "prices by 100 EUR/MWh, ...; new models; none is the reference) | summary: bounds without the queue rows "
         "and node states (prices, pending summaries, backlog) | shape: summary with the price window as deviations "
         "from its mean in standard deviations", 0, 0},
        {"--ent-coef", OPT_DOUBLE, &f->ent_coef, "C", "entropy coefficient (new models)", 0, 1e3},
        {"--learning-rate", OPT_DOUBLE, &f->learning_rate, "LR", "Adam's step size (this run; resumed models too)", 1e-9, 1},
        {"--n-steps", OPT_INT, &f->n_steps, "N",
         "env steps per rollout, one PPO update each (this run; the rollout holds 41 KB per step)", 1, 16384},
        {"--batch-size", OPT_INT, &f->batch_size, "N",
         "minibatch size of the update's 10 epochs (this run; at most the rollout)", 1, 16384},
        {"--gamma", OPT_DOUBLE, &f->gamma, "G", "discount factor of returns and GAE (this run; resumed models too)", 0, 1},
        {"--action", OPT_STRING, &f->action, "ENC",
         "nodes (the reference: off/keep/on x nodes, refill) | gate: the policy only says whether waiting work starts "
         "this hour or is held; nodes follow slurm-suspend, work due by --max-wait (24 h without it) starts anyway "
         "| override: hold, serve or price-aware's choice, which a new model starts out preferring "
         "| override-timing: the same with job-timing's action as a fourth choice, the one preferred (new models) "
         "| timing-levels: job-timing's action at one of six prices on waiting (--hold-price times 1, 0, 0.5, 1.5, 2, "
         "3), the first preferred (new models)", 0, 0},
        {"--device", OPT_STRING, &f->device, "D", "auto | cpu | cuda (this build: CPU only)", 0, 0},
        {"--render", OPT_STRING, &f->render, "MODE", "none | human (a line per step, a plot per episode)", 0, 0},
        {"--init-from", OPT_STRING, &f->init_from, "SESSION[/STEPS]",
         "a new model takes the network of this session's latest checkpoint (or STEPS.zip, or a .zip path); "
         "new optimiser, counters at 0", 0, 0},
        {"--init-from-weights", OPT_STRING, &f->init_from_weights, "PREFIX",
         "with --init-from: the source's weights folder, e.g. e0.7_p0.2_i0.1_a0.0_d0.0; none: this run's", 0, 0},
        {"--no-tensorboard", OPT_FLAG, &f->no_tensorboard, "",
         "no TensorBoard event files (written by default to <output-dir>/NAME/tb/<weights>/)", 0, 0},
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
    f->obs_scale_mode = ps_obs_scale_parse(f->obs_scale);
    if (f->obs_scale_mode < 0)
        return ps_error_set(err, "--obs-scale: '%s' is not none, bounds, summary or shape", f->obs_scale);
    f->action_mode = ps_action_parse(f->action);
    if (f->action_mode < 0) return ps_error_set(err, "--action: '%s' is not nodes, gate, override, override-timing or timing-levels",
                                              f->action);
    if (strcmp(f->device, "auto") && strcmp(f->device, "cpu") && strcmp(f->device, "cuda"))
        return ps_error_set(err, "--device: '%s' is not auto, cpu or cuda", f->device);
    if (!strcmp(f->device, "cuda"))
        return ps_error_set(err, "--device cuda: this build runs on the CPU only (Debian's libtorch has no CUDA)");
    if (strcmp(f->render, "none") && strcmp(f->render, "human"))
        return ps_error_set(err, "--render: '%s' is not none or human", f->render);
    if (*f->init_from_weights && !*f->init_from) return ps_error_set(err, "--init-from-weights needs --init-from");
    if (strchr(f->init_from_weights, '/'))
        return ps_error_set(err, "--init-from-weights: '%s' is not a weights folder name like "
                            "e0.7_p0.2_i0.1_a0.0_d0.0", f->init_from_weights);
    return PS_OK;
}

void ps_run_flags_init(ps_run_flags *f) {
    memset(f, 0, sizeof *f);
    f->output_dir = PS_SESSIONS_DIR;
    f->threads = 1; /* design.md: two threads were never faster here */
    f->dashboard_hours = 336;
}

void ps_run_flags_options(ps_run_flags *f, ps_optset *set) {
    const ps_option opts[] = {
        {"--threads", OPT_INT, &f->threads, "N", "torch and OpenBLAS threads", 1, 256},
        {"--plot-dashboard", OPT_FLAG, &f->plot_dashboard, "",
         "plot the episode's hours (train: after every iteration; evaluate-savings: the last)", 0, 0},
        {"--dashboard-hours", OPT_INT, &f->dashboard_hours, "N", "hours shown by the dashboard", 1, 1e6},
        {"--seed-sweep", OPT_FLAG, &f->seed_sweep, "", "with --seed: the session is <output-dir>/NAME/seed_SEED/", 0,
         0},
        {"--output-dir", OPT_STRING, &f->output_dir, "DIR", "the folder sessions are in", 0, 0},
    };
    ps_optset_add(set, PS_GROUP_RUN, opts, PS_COUNT(opts));
}

int ps_run_flags_check(const ps_run_flags *f, int seed_given, ps_error *err) {
    if (f->seed_sweep && !seed_given) return ps_error_set(err, "--seed-sweep requires --seed");
    if (!*f->output_dir) return ps_error_set(err, "--output-dir: empty");
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

/* Appends the given options of the groups to out. */
static int forward(const ps_optset *set, const char *const *groups, int n_groups, const char **out, int *n, int max,
                   ps_error *err) {
    int got = ps_optset_forward(set, groups, n_groups, out + *n, max - *n);
    if (got < 0) return ps_error_set(err, "more than %d arguments to forward", max);
    *n += got;
    return PS_OK;
}

int ps_forward_to_train(const ps_optset *set, const char *own, const char **out, int *n, int max, ps_error *err) {
    const char *all[32], *to[32];
    int n_all = ps_optset_groups(set, all, PS_COUNT(all)), n_to = 0;
    for (int k = 0; k < n_all; k++)
        if (strcmp(all[k], own) && strcmp(all[k], PS_GROUP_EVALUATION)) to[n_to++] = all[k];
    return forward(set, to, n_to, out, n, max, err);
}

int ps_forward_to_evaluate(const ps_optset *set, const char **out, int *n, int max, ps_error *err) {
    const char *to[32];
    int n_to = ps_sim_flags_groups(to, PS_COUNT(to) - 1);
    to[n_to++] = PS_GROUP_RUN;
    return forward(set, to, n_to, out, n, max, err);
}
