/* cmd_train.c - `powersched train`: PPO training with sessions,
 * checkpoints after every iteration, resume, metrics and plots (spec 12). */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "powersched/scenario_options.h"
#include "resume.h"
#include "train_options.h"
#include "train_run.h"

#define CMD "train"

static const char USAGE[] =
    "usage: powersched train [--session NAME] [options]\n\n"
    "Trains the PPO agent. Checkpoints go to <output-dir>/NAME/models/<weights>/<steps>.zip\n"
    "after every iteration, TensorBoard events to <output-dir>/NAME/tb/<weights>/ (unless\n"
    "--no-tensorboard); an existing session resumes from its latest checkpoint (or --model\n"
    "STEPS), a new one may start from another's network (--init-from). The simulation itself\n"
    "starts afresh on resume (as in the prototype). Ctrl-C finishes the current update,\n"
    "writes a checkpoint and exits.\n";

/* The only mutable global: a signal handler can reach nothing else. */
static volatile sig_atomic_t interrupted;
static void on_stop_signal(int sig) {
    interrupted = sig;
}

typedef struct train_args {
    ps_sim_flags sim;
    ps_train_flags train;
    ps_run_flags run;
    const char *session;
    int64_t iter_limit, model;
    int seed_given;
    char init_from[4400]; /* the checkpoint --init-from names, "" without it */
} train_args;

/* What the hooks need while learning. */
typedef struct train_cli {
    const train_args *a;
    ps_train_run run;
    int64_t iter_target, steps_at_start;
    double t_start, t_last_print, last_reward, last_cost, learning_rate, clip_range;
    int tty, human;
} train_cli;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ------------------------------------------------------------------ hooks */

static void on_step(void *user, const ps_env *env, const ps_step_info *in) {
    train_cli *r = user;
    ps_train_run_step(&r->run, env, in);
    if (r->human)
        printf("hour %3d  price %8.2f  on %3d used %3d  queue %5d backlog %6d  reward %9.4f  cost %8.3f\n",
               env->metrics.current_hour, in->current_price, in->on, in->used, env->agent.n_active,
               env->agent.bl_len, in->reward, in->step_cost);
}

static void on_episode(void *user, const ps_env *env, const ps_episode_record *rec, int64_t steps) {
    train_cli *r = user;
    r->last_reward = rec->total_reward;
    r->last_cost = rec->agent_cost;
    ps_error warn;
    if (ps_train_run_episode(&r->run, env, rec, steps, &warn) != PS_OK)
        fprintf(stderr, "warning: plot not written: %s\n", warn.msg);
}

static void progress(train_cli *r, int64_t steps, int final) {
    double t = now_s(), rate = (steps - r->steps_at_start) / fmax(t - r->t_start, 1e-9);
    double eta = (r->iter_target - steps) / fmax(rate, 1e-9);
    if (r->tty) {
        fprintf(stderr, "\r  steps %lld / %lld  %6.0f steps/s  ETA %4.0fs  last episode reward %.2f cost EUR %.0f   %s",
                (long long)steps, (long long)r->iter_target, rate, fmax(eta, 0), r->last_reward, r->last_cost,
                final ? "\n" : "");
    } else if (final || t - r->t_last_print >= 30) {
        fprintf(stderr, "  steps %lld / %lld, %.0f steps/s, last episode reward %.2f cost EUR %.0f\n", (long long)steps,
                (long long)r->iter_target, rate, r->last_reward, r->last_cost);
        r->t_last_print = t;
    }
}

static int on_update(void *user, const ps_update_stats *s, int64_t steps) {
    train_cli *r = user;
    double rate = (steps - r->steps_at_start) / fmax(now_s() - r->t_start, 1e-9);
    ps_train_log_update(&r->run.log, s, steps, r->learning_rate, r->clip_range, rate);
    if (!r->human) progress(r, steps, 0);
    return interrupted != 0;
}

/* ------------------------------------------------------------------- run */

static int save(train_cli *r, ps_trainer *t, int64_t nominal, int64_t iter, ps_error *err) {
    char path[4608];
    if (r->run.log.failed) return ps_error_set(err, "%s", r->run.log.err.msg); /* a log write failed */
    int rc = ps_trainer_save(t, &r->run.sess, nominal, iter, &r->a->sim.weights, r->run.options, path, sizeof path, err);
    if (rc == PS_OK) printf("Checkpoint: %s\n", path);
    return rc;
}

/* The trainer, resumed from the session's checkpoint or new; the iterations done. */
static int open_trainer(const train_args *a, train_cli *r, ps_env *env, ps_trainer *t, uint64_t seed, int64_t *iters,
                        ps_error *err) {
    ps_train_start st = {a->model, ps_ppo_config_default(), a->train.hidden, a->train.n_hidden, seed,
                         a->train.iteration_steps, *a->init_from ? a->init_from : NULL, a->train.obs_scale_mode};
    st.ppo.ent_coef = a->train.ent_coef;
    st.ppo.learning_rate = a->train.learning_rate;
    st.ppo.gamma = a->train.gamma;
    st.ppo.n_steps = a->train.n_steps;
    st.ppo.batch_size = a->train.batch_size;
    st.ppo.action = a->train.action_mode;
    r->learning_rate = st.ppo.learning_rate;
    r->clip_range = st.ppo.clip_range;
    ps_resume res;
    if (ps_train_run_resume(&r->run, t, env, &st, stderr, &res, err) != PS_OK) return PS_ERR;
    if (res.steps >= 0)
        printf("Resuming from %s (%lld steps taken, iteration %lld)\n", res.path, (long long)res.info.num_timesteps,
               (long long)res.iteration);
    else if (res.initialized)
        printf("New model: the network of %s (net-arch %s; a new optimiser, counters at 0)\n", a->init_from,
               a->train.net_arch);
    else
        printf("New model: net-arch %s, %lld parameters, observation scaling %s, action encoding %s\n",
               a->train.net_arch, (long long)ps_policy_param_count(&t->policy), a->train.obs_scale, a->train.action);
    *iters = res.iteration;
    r->run.next_plot_save = res.next_plot_save;
    r->run.plot_every = r->human ? 0 : a->train.iteration_steps;
    return PS_OK;
}

static int train_loop(const train_args *a, train_cli *r, ps_env *env, ps_trainer *t, uint64_t seed, ps_error *err) {
    int64_t iters, steps = a->train.iteration_steps;
    if (open_trainer(a, r, env, t, seed, &iters, err) != PS_OK) return 1;
    const ps_train_hooks hooks = {r, on_step, on_episode, on_update};
    int rc = PS_OK;
    if (!ps_iteration_allowed(iters + 1, a->iter_limit))
        printf("Iteration limit %lld reached by the checkpoint resumed: nothing to train (raise --iter-limit to "
               "continue)\n", (long long)a->iter_limit);
    while (rc == PS_OK && !interrupted && ps_iteration_allowed(++iters, a->iter_limit)) {
        r->iter_target = t->num_timesteps + steps;
        r->steps_at_start = t->num_timesteps;
        r->t_start = now_s();
        printf("Iteration %lld: %lld steps from %lld\n", (long long)iters, (long long)steps, (long long)t->num_timesteps);
        fflush(stdout);
        int stopped;
        rc = ps_trainer_learn(t, steps, a->seed_given ? &seed : NULL, &hooks, &stopped, err); /* first reset's */
        if (rc != PS_OK) break;
        progress(r, t->num_timesteps, 1);
        if (stopped) {
            printf("Training interrupted by %s.\n",
                   interrupted == SIGINT ? "user" : interrupted == SIGTERM ? "SIGTERM" : "SIGUSR1");
            rc = save(r, t, t->num_timesteps, iters - 1, err);
            break;
        }
        rc = save(r, t, iters * steps, iters, err);
        ps_error warn;
        if (rc == PS_OK && a->run.plot_dashboard &&
            ps_train_run_plot(&r->run, env, "dash", a->run.dashboard_hours, &warn) != PS_OK)
            fprintf(stderr, "warning: plot not written: %s\n", warn.msg);
    }
    return rc == PS_OK ? 0 : 1;
}

/* Everything that can be refused before anything is written. */
static int check_args(train_args *a, ps_error *err) {
    if (ps_train_flags_check(&a->train, err) != PS_OK || ps_run_flags_check(&a->run, a->seed_given, err) != PS_OK ||
        ps_session_check_name(a->session, err) != PS_OK)
        return PS_ERR;
    char prefix[160];
    ps_weights_prefix(&a->sim.weights, prefix, sizeof prefix);
    const char *from = *a->train.init_from_weights ? a->train.init_from_weights : prefix;
    return *a->train.init_from ? ps_session_find_checkpoint(a->run.output_dir, "--init-from", a->train.init_from, from, a->init_from,
                                                            sizeof a->init_from, err)
                               : PS_OK;
}

static int run(train_args *a, const ps_optset *set, ps_error *err) {
    if (check_args(a, err) != PS_OK) return 2;
    ps_scenario_spec spec;
    if (ps_sim_flags_to_spec(&a->sim, &spec, stderr, err) != PS_OK) return 2;
    uint64_t seed = a->seed_given ? a->sim.seed : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    if (!a->seed_given) printf("Seed: %llu (random; pass --seed to repeat a run)\n", (unsigned long long)seed);
    spec.seed = seed;
    train_cli r = {.a = a, .tty = isatty(STDERR_FILENO), .human = !strcmp(a->train.render, "human")};
    ps_env *env = malloc(sizeof *env);
    const ps_scenario *sc = NULL;
    ps_trainer t;
    memset(&t, 0, sizeof t);
    const uint64_t *by_seed = a->run.seed_sweep ? &seed : NULL;
    int lock = -1;
    int rc = env ? ps_train_run_open(&r.run, a->run.output_dir, a->session, by_seed, &a->sim.weights, err)
                 : ps_error_set(err, "out of memory");
    if (rc == PS_OK) rc = ps_session_lock(&r.run.sess, &lock, err);
    if (rc == PS_OK && (rc = ps_env_open(env, &spec, &sc, err)) == PS_OK) {
        ps_sim_print_setup(stdout, sc, &a->sim);
        at_set_num_threads(a->run.threads);
        rc = ps_train_run_records(&r.run, set, &a->sim, seed, a->seed_given, env->cfg.episode_hours,
                                  !a->train.no_tensorboard, err);
    }
    /* Ctrl-C, a Slurm time limit or scancel (SIGTERM) and the sbatch warning
     * (SIGUSR1) all end the run the same way: finish the update, checkpoint. */
    for (int i = 0; rc == PS_OK && i < 3; i++)
        sigaction((const int[]){SIGINT, SIGTERM, SIGUSR1}[i], &(struct sigaction){.sa_handler = on_stop_signal}, NULL);
    int status = rc == PS_OK ? train_loop(a, &r, env, &t, seed, err) : 1;
    ps_trainer_free(&t);
    if (sc) ps_env_free(env);
    free(env);
    ps_train_run_close(&r.run);
    ps_session_unlock(lock);
    return status;
}

int cmd_train(int argc, char **argv) {
    train_args a = {.session = "default", .model = -1};
    ps_sim_flags_init(&a.sim);
    ps_train_flags_init(&a.train);
    ps_run_flags_init(&a.run);
    const ps_option own[] = {
        {"--session", OPT_STRING, &a.session, "NAME", "session folder under the output folder", 0, 0},
        {"--iter-limit", OPT_I64, &a.iter_limit, "N", "stop after iteration N, counted from the start (0: never)", 0, 1e12},
        {"--model", OPT_I64, &a.model, "STEPS", "resume from STEPS.zip (latest when absent; -1: latest)", -1, 1e15},
    };
    ps_optset set;
    ps_optset_init(&set);
    ps_optset_add(&set, CMD, own, PS_COUNT(own));
    ps_train_options(&a.train, &a.run, &a.sim, &set);
    ps_optset_default_text(&set, "--seed", "random, printed at the start");
    int status = ps_cli_parse(CMD, USAGE, &set, argc, argv);
    if (status >= 0) return status;
    a.seed_given = ps_optset_given(&set, "--seed");
    ps_error err;
    status = run(&a, &set, &err);
    return status == 0 ? 0 : ps_cli_fail(CMD, &err, status);
}
