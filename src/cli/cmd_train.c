/* cmd_train.c - `powersched train`: PPO training with sessions,
 * checkpoints after every iteration, resume, metrics and plots (spec 12). */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

#include "checkpoint.h"
#include "commands.h"
#include "powersched/episode_plot.h"
#include "powersched/io.h"
#include "powersched/plot.h"
#include "powersched/session.h"
#include "powersched/scenario_options.h"

#define CMD "train"

static const char USAGE[] =
    "usage: powersched train [--session NAME] [options]\n\n"
    "Trains the PPO agent. Checkpoints go to sessions/NAME/models/<weights>/<steps>.zip after\n"
    "every iteration; an existing session resumes from its latest checkpoint (or --model STEPS).\n"
    "The simulation itself starts afresh on resume (as in the prototype). Ctrl-C finishes the\n"
    "current update, writes a checkpoint and exits.\n";

/* The only mutable global: a signal handler can reach nothing else. */
static volatile sig_atomic_t interrupted;
static void on_sigint(int sig) {
    (void)sig;
    interrupted = 1;
}

typedef struct train_args {
    ps_sim_flags sim;
    const char *session, *net_arch, *device, *render;
    int64_t iter_limit, iteration_steps, model;
    int seed_sweep, threads, plot_dashboard, dashboard_hours, seed_given;
    double ent_coef;
    int hidden[PS_MAX_HIDDEN], n_hidden; /* --net-arch, parsed by check_args */
} train_args;

/* What the hooks need while learning. */
typedef struct train_run {
    const train_args *a;
    ps_session sess;
    FILE *episodes, *updates;
    ps_episode_series series;
    int64_t next_plot_save, iter_target;
    double t_start, t_last_print;
    int64_t steps_at_start;
    double last_reward, last_cost;
    int tty, human;
} train_run;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ------------------------------------------------------------------ hooks */

static void on_step(void *user, const ps_env *env, const ps_step_info *in) {
    train_run *r = user;
    ps_series_add(&r->series, env, in);
    if (r->human)
        printf("hour %3d  price %8.2f  on %3d used %3d  queue %5d backlog %6d  reward %9.4f  cost %8.3f\n",
               env->metrics.current_hour, in->current_price, in->on, in->used, env->agent.n_active,
               env->agent.bl_len, in->reward, in->step_cost);
}

static void plot_episode(train_run *r, const ps_env *env, const char *kind, int hours) {
    char name[256], title[512];
    snprintf(name, sizeof name, "%s_%s_%09lld", r->sess.prefix, kind, (long long)env->current_step);
    snprintf(title, sizeof title, "session %s, episode %lld, step %lld, weights %s", r->a->session,
             (long long)env->current_episode, (long long)env->current_step, r->sess.prefix);
    ps_error err;
    int png;
    if (ps_episode_plot(r->sess.plots_dir, name, title, &r->series, hours, &png, &err) != PS_OK)
        fprintf(stderr, "warning: plot not written: %s\n", err.msg);
}

static void on_episode(void *user, const ps_env *env, const ps_episode_record *rec) {
    train_run *r = user;
    fprintf(r->episodes, "%lld", (long long)env->current_step);
    for (int i = 0; i < ps_episode_field_count; i++)
        fprintf(r->episodes, ",%.17g", *(const double *)((const char *)rec + ps_episode_fields[i].offset));
    fputc('\n', r->episodes);
    fflush(r->episodes);
    r->last_reward = rec->total_reward;
    r->last_cost = rec->agent_cost;
    if (r->human || env->current_step > r->next_plot_save) {
        plot_episode(r, env, "ep", 0);
        if (!r->human) r->next_plot_save += r->a->iteration_steps;
    }
    ps_series_clear(&r->series);
}

static void progress(train_run *r, int64_t steps, int final) {
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
    train_run *r = user;
    double rate = (steps - r->steps_at_start) / fmax(now_s() - r->t_start, 1e-9);
    fprintf(r->updates, "%lld,%lld,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.1f\n", (long long)steps,
            (long long)s->n_updates, s->policy_loss, s->value_loss, s->entropy_loss, s->approx_kl, s->clip_fraction,
            s->loss, s->explained_variance, s->grad_norm, 3e-4, rate);
    fflush(r->updates);
    if (!r->human) progress(r, steps, 0);
    return interrupted != 0;
}

/* ------------------------------------------------------------------- run */

static int parse_arch(const char *s, int *hidden, int *n, ps_error *err) {
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

static char *sources_json(const ps_sim_flags *f) {
    char *buf = malloc(8192);
    if (buf)
        snprintf(buf, 8192,
                 "{\"prices\":\"%s\",\"jobs\":\"%s\",\"hourly_jobs\":\"%s\",\"job_durations\":\"%s\","
                 "\"jobs_exact_replay\":%s,\"jobs_exact_replay_aggregate\":%s,\"job_arrival_scale\":%.17g,"
                 "\"workload_gen\":\"%s\"}",
                 f->prices, f->jobs, f->hourly_jobs, f->job_durations, f->exact_replay ? "true" : "false",
                 f->exact_replay_aggregate ? "true" : "false", f->arrival_scale, f->wg.mode);
    return buf;
}

/* The resolved configuration of the run, as sessions/.../config.json. */
static int write_config(const train_run *r, const train_args *a, uint64_t seed, const char *sources, ps_error *err) {
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "session", a->session);
    cJSON_AddStringToObject(root, "weights_prefix", r->sess.prefix);
    cJSON *w = cJSON_AddObjectToObject(root, "weights");
    cJSON_AddNumberToObject(w, "efficiency", a->sim.weights.efficiency);
    cJSON_AddNumberToObject(w, "price", a->sim.weights.price);
    cJSON_AddNumberToObject(w, "idle", a->sim.weights.idle);
    cJSON_AddNumberToObject(w, "job_age", a->sim.weights.job_age);
    cJSON_AddNumberToObject(w, "drop", a->sim.weights.drop);
    cJSON *src = cJSON_Parse(sources);
    cJSON_AddItemToObject(root, "data", src ? src : cJSON_CreateObject());
    cJSON_AddStringToObject(root, "net_arch", a->net_arch);
    cJSON_AddNumberToObject(root, "ent_coef", a->ent_coef);
    cJSON_AddNumberToObject(root, "iteration_steps", (double)a->iteration_steps);
    cJSON_AddNumberToObject(root, "iter_limit", (double)a->iter_limit);
    char seed_text[32];
    snprintf(seed_text, sizeof seed_text, "%llu", (unsigned long long)seed);
    cJSON_AddStringToObject(root, "seed", seed_text);
    cJSON_AddBoolToObject(root, "seed_given", a->seed_given);
    cJSON_AddNumberToObject(root, "threads", a->threads);
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    char path[4608];
    snprintf(path, sizeof path, "%s/config.json", r->sess.root);
    int rc = ps_atomic_write_text(path, text, err);
    free(text);
    return rc;
}

static FILE *open_log(const char *path, const char *header, ps_error *err) {
    int fresh = access(path, F_OK) != 0;
    FILE *f = fopen(path, "a");
    if (!f) {
        ps_error_set(err, "%s: cannot open for appending: %s", path, strerror(errno));
        return NULL;
    }
    if (fresh) fprintf(f, "%s\n", header);
    return f;
}

static int open_logs(train_run *r, ps_error *err) {
    char path[4608], header[4096];
    int o = snprintf(header, sizeof header, "steps");
    for (int i = 0; i < ps_episode_field_count && o < (int)sizeof header - 64; i++)
        o += snprintf(header + o, sizeof header - (size_t)o, ",%s", ps_episode_fields[i].name);
    snprintf(path, sizeof path, "%s/episodes.csv", r->sess.logs_dir);
    if (!(r->episodes = open_log(path, header, err))) return PS_ERR;
    snprintf(path, sizeof path, "%s/updates.csv", r->sess.logs_dir);
    r->updates = open_log(path,
                          "steps,n_updates,policy_loss,value_loss,entropy_loss,approx_kl,clip_fraction,loss,"
                          "explained_variance,grad_norm,learning_rate,steps_per_s",
                          err);
    return r->updates ? PS_OK : PS_ERR;
}

/* Builds the trainer: from the chosen checkpoint when one exists. */
static int make_trainer(train_args *a, train_run *r, ps_env *env, ps_trainer *t, uint64_t seed, int64_t *start_iter,
                        ps_error *err) {
    int hidden[PS_MAX_HIDDEN], n_hidden = a->n_hidden;
    memcpy(hidden, a->hidden, sizeof hidden);
    ps_ppo_config ppo = ps_ppo_config_default();
    ppo.ent_coef = a->ent_coef;
    char ckpt[4400];
    int64_t steps = ps_session_pick_model(&r->sess, a->model, ckpt, sizeof ckpt, stderr);
    ps_checkpoint_info info;
    if (steps >= 0) {
        if (ps_checkpoint_peek(ckpt, &info, err) != PS_OK) return 1;
        memcpy(hidden, info.hidden, sizeof hidden);
        n_hidden = info.n_hidden;
        ppo.ent_coef = info.ent_coef; /* --net-arch and --ent-coef apply to new models only */
    }
    if (ps_trainer_create(t, env, &ppo, hidden, n_hidden, seed, err) != PS_OK) return 1;
    *start_iter = 0;
    if (steps >= 0) {
        if (ps_checkpoint_load(ckpt, t, &info, err) != PS_OK) return 1;
        *start_iter = steps / a->iteration_steps;
        ps_env_set_progress(env, *start_iter * a->iteration_steps);
        printf("Resuming from %s (%lld steps taken, iteration %lld)\n", ckpt, (long long)info.num_timesteps,
               (long long)*start_iter);
    } else {
        printf("New model: net-arch %s, %lld parameters\n", a->net_arch, (long long)ps_policy_param_count(&t->policy));
    }
    return 0;
}

static int save(train_run *r, ps_trainer *t, int64_t nominal, int64_t iter, const char *sources, ps_error *err) {
    char path[4608];
    snprintf(path, sizeof path, "%s/%lld.zip", r->sess.models_dir, (long long)nominal);
    if (ps_checkpoint_save(path, t, nominal, iter, &r->a->sim.weights, sources, err) != PS_OK) return PS_ERR;
    printf("Checkpoint: %s\n", path);
    return PS_OK;
}

static int train_loop(train_args *a, train_run *r, ps_env *env, ps_trainer *t, uint64_t seed, ps_error *err) {
    int64_t iters;
    int rc = make_trainer(a, r, env, t, seed, &iters, err);
    if (rc != 0) return rc;
    char *sources = sources_json(&a->sim);
    r->next_plot_save = env->current_step + (iters > 0 ? env->cfg.episode_hours : a->iteration_steps);
    const ps_train_hooks hooks = {r, on_step, on_episode, on_update};
    int first = 1;
    rc = PS_OK;
    if (a->iter_limit > 0 && iters >= a->iter_limit)
        printf("Iteration limit %lld reached by the checkpoint resumed: nothing to train (raise --iter-limit to "
               "continue)\n", (long long)a->iter_limit);
    while (rc == PS_OK && !interrupted) {
        iters++;
        if (a->iter_limit > 0 && iters > a->iter_limit) break;
        r->iter_target = t->num_timesteps + a->iteration_steps;
        r->steps_at_start = t->num_timesteps;
        r->t_start = now_s();
        printf("Iteration %lld: %lld steps from %lld\n", (long long)iters, (long long)a->iteration_steps,
               (long long)t->num_timesteps);
        fflush(stdout);
        int stopped;
        rc = ps_trainer_learn(t, a->iteration_steps, first && a->seed_given ? &seed : NULL, &hooks, &stopped, err);
        first = 0;
        if (rc != PS_OK) break;
        progress(r, t->num_timesteps, 1);
        if (stopped) {
            printf("Training interrupted by user.\n");
            rc = save(r, t, t->num_timesteps, iters - 1, sources, err);
            break;
        }
        rc = save(r, t, iters * a->iteration_steps, iters, sources, err);
        if (rc == PS_OK && a->plot_dashboard) plot_episode(r, env, "dash", a->dashboard_hours);
    }
    free(sources);
    return rc == PS_OK ? 0 : 1;
}

/* Everything that can be refused before anything is written. */
static int check_args(train_args *a, ps_error *err) {
    if (parse_arch(a->net_arch, a->hidden, &a->n_hidden, err) != PS_OK) return PS_ERR;
    if (strcmp(a->device, "auto") && strcmp(a->device, "cpu") && strcmp(a->device, "cuda"))
        return ps_error_set(err, "--device: '%s' is not auto, cpu or cuda", a->device);
    if (!strcmp(a->device, "cuda"))
        return ps_error_set(err, "--device cuda: this build runs on the CPU only (Debian's libtorch has no CUDA)");
    if (strcmp(a->render, "none") && strcmp(a->render, "human"))
        return ps_error_set(err, "--render: '%s' is not none or human", a->render);
    if (a->seed_sweep && !a->seed_given) return ps_error_set(err, "--seed-sweep requires --seed");
    if (!*a->session || strchr(a->session, '/')) return ps_error_set(err, "--session: '%s' is not a name", a->session);
    return PS_OK;
}

static int run(train_args *a, ps_error *err) {
    if (check_args(a, err) != PS_OK) return 2;
    ps_scenario_spec spec;
    if (ps_sim_flags_to_spec(&a->sim, &spec, stderr, err) != PS_OK) return 2;
    uint64_t seed = a->seed_given ? a->sim.seed : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    if (!a->seed_given) printf("Seed: %llu (random; pass --seed to repeat a run)\n", (unsigned long long)seed);
    spec.seed = seed;
    train_run r;
    memset(&r, 0, sizeof r);
    r.a = a;
    r.tty = isatty(STDERR_FILENO);
    r.human = !strcmp(a->render, "human");
    int status = 1;
    ps_env *env = malloc(sizeof *env);
    const ps_scenario *sc;
    ps_trainer t;
    memset(&t, 0, sizeof t);
    if (!env || ps_session_open(&r.sess, "sessions", a->session, a->seed_sweep ? &seed : NULL, &a->sim.weights, err) != PS_OK)
        goto out_env;
    if (ps_env_open(env, &spec, &sc, err) != PS_OK) goto out_env;
    ps_sim_print_setup(stdout, sc, &a->sim);
    at_set_num_threads(a->threads);
    if (ps_series_init(&r.series, env->cfg.episode_hours) != 0 || open_logs(&r, err) != PS_OK) goto out;
    char *sources = sources_json(&a->sim);
    int cfg_rc = sources ? write_config(&r, a, seed, sources, err) : ps_error_set(err, "out of memory");
    free(sources);
    if (cfg_rc != PS_OK) goto out;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigaction(SIGINT, &sa, NULL);
    status = train_loop(a, &r, env, &t, seed, err);
out:
    ps_trainer_free(&t);
    ps_env_free(env);
out_env:
    free(env);
    ps_series_free(&r.series);
    if (r.episodes) fclose(r.episodes);
    if (r.updates) fclose(r.updates);
    return status;
}

int cmd_train(int argc, char **argv) {
    train_args a = {.session = "default", .net_arch = "64,64", .device = "auto", .render = "none",
                    .iteration_steps = 100000, .model = -1, .threads = 1, .dashboard_hours = 336};
    ps_sim_flags_init(&a.sim);
    const ps_option own[] = {
        {"--session", OPT_STRING, &a.session, "NAME", "session folder under sessions/", 0, 0},
        {"--iter-limit", OPT_I64, &a.iter_limit, "N", "stop after iteration N, counted from the start (0: never)", 0, 1e12},
        {"--iteration-steps", OPT_I64, &a.iteration_steps, "N", "env steps per iteration (one checkpoint each)", 64, 1e12},
        {"--model", OPT_I64, &a.model, "STEPS", "resume from STEPS.zip (latest when absent; -1: latest)", -1, 1e15},
        {"--net-arch", OPT_STRING, &a.net_arch, "A,B", "hidden layer sizes of both networks (new models)", 0, 0},
        {"--ent-coef", OPT_DOUBLE, &a.ent_coef, "C", "entropy coefficient (new models)", 0, 1e3},
        {"--seed-sweep", OPT_FLAG, &a.seed_sweep, "", "with --seed: outputs under sessions/NAME/seed_SEED/", 0, 0},
        {"--device", OPT_STRING, &a.device, "D", "auto | cpu | cuda (this build: CPU only)", 0, 0},
        {"--threads", OPT_INT, &a.threads, "N", "torch and OpenBLAS threads", 1, 256},
        {"--plot-dashboard", OPT_FLAG, &a.plot_dashboard, "", "plot the current episode after every iteration", 0, 0},
        {"--dashboard-hours", OPT_INT, &a.dashboard_hours, "N", "hours shown by the dashboard", 1, 1e6},
        {"--render", OPT_STRING, &a.render, "MODE", "none | human (a line per step, a plot per episode)", 0, 0},
    };
    ps_optset set;
    ps_optset_init(&set);
    ps_optset_add(&set, CMD, own, PS_COUNT(own));
    ps_sim_flags_options(&a.sim, &set);
    int status = ps_cli_parse(CMD, USAGE, &set, argc, argv);
    if (status >= 0) return status;
    a.seed_given = ps_optset_given(&set, "--seed");
    ps_error err;
    status = run(&a, &err);
    return status == 0 ? 0 : ps_cli_fail(CMD, &err, status);
}
