/* resume.c - which checkpoint a training run continues, and from where. */
#include "resume.h"

#include <string.h>

/* A new model: initialised, or with the network of st->init_from. */
static int create_new(ps_trainer *t, ps_env *env, const ps_train_start *st, ps_resume *r, ps_error *err) {
    r->path[0] = '\0';
    r->next_plot_save = env->current_step + st->iteration_steps;
    if (ps_trainer_create(t, env, &st->ppo, st->hidden, st->n_hidden, st->seed, err) != PS_OK) return PS_ERR;
    if (!st->init_from) return PS_OK;
    r->initialized = 1;
    return ps_checkpoint_load_network(st->init_from, t, &r->info, err);
}

int ps_trainer_resume(ps_trainer *t, ps_env *env, const ps_session *s, const ps_train_start *st, FILE *warn,
                      ps_resume *r, ps_error *err) {
    memset(r, 0, sizeof *r);
    r->steps = ps_session_pick_model(s, st->want, r->path, sizeof r->path, warn);
    if (r->steps < 0) return create_new(t, env, st, r, err);
    if (st->init_from && warn)
        fprintf(warn, "warning: --init-from ignored: the session resumes from its own checkpoint %s\n", r->path);
    if (ps_checkpoint_peek(r->path, &r->info, err) != PS_OK) return PS_ERR;
    ps_ppo_config saved = st->ppo;
    saved.ent_coef = r->info.ent_coef;
    if (ps_trainer_create(t, env, &saved, r->info.hidden, r->info.n_hidden, st->seed, err) != PS_OK) return PS_ERR;
    if (ps_checkpoint_load(r->path, t, &r->info, err) != PS_OK) return PS_ERR;
    r->iteration = r->steps / st->iteration_steps;
    ps_env_set_progress(env, r->iteration * st->iteration_steps);
    r->next_plot_save = env->current_step + env->cfg.episode_hours; /* set_progress's rule (spec 12.5) */
    return PS_OK;
}

int ps_trainer_save(const ps_trainer *t, const ps_session *s, int64_t nominal, int64_t iteration,
                    const ps_weights *w, const struct cJSON *options, char *path, size_t size, ps_error *err) {
    ps_session_model_path(s, nominal, path, size);
    return ps_checkpoint_save(path, t, nominal, iteration, w, options, err);
}

int ps_iteration_allowed(int64_t k, int64_t limit) { return limit <= 0 || k <= limit; }
