/* resume.c - which checkpoint a training run continues, and from where. */
#include "resume.h"

#include <string.h>

int ps_trainer_resume(ps_trainer *t, ps_env *env, const ps_session *s, int64_t want, const ps_ppo_config *ppo,
                      const int *hidden, int n_hidden, uint64_t seed, int64_t iteration_steps, FILE *warn,
                      ps_resume *r, ps_error *err) {
    memset(r, 0, sizeof *r);
    r->steps = ps_session_pick_model(s, want, r->path, sizeof r->path, warn);
    if (r->steps < 0) {
        r->path[0] = '\0';
        r->next_plot_save = env->current_step + iteration_steps;
        return ps_trainer_create(t, env, ppo, hidden, n_hidden, seed, err);
    }
    if (ps_checkpoint_peek(r->path, &r->info, err) != PS_OK) return PS_ERR;
    ps_ppo_config saved = *ppo;
    saved.ent_coef = r->info.ent_coef;
    if (ps_trainer_create(t, env, &saved, r->info.hidden, r->info.n_hidden, seed, err) != PS_OK) return PS_ERR;
    if (ps_checkpoint_load(r->path, t, &r->info, err) != PS_OK) return PS_ERR;
    r->iteration = r->steps / iteration_steps;
    ps_env_set_progress(env, r->iteration * iteration_steps);
    r->next_plot_save = env->current_step + env->cfg.episode_hours; /* set_progress's rule (spec 12.5) */
    return PS_OK;
}

int ps_trainer_save(const ps_trainer *t, const ps_session *s, int64_t nominal, int64_t iteration,
                    const ps_weights *w, const struct cJSON *options, char *path, size_t size, ps_error *err) {
    ps_session_model_path(s, nominal, path, size);
    return ps_checkpoint_save(path, t, nominal, iteration, w, options, err);
}

int ps_iteration_allowed(int64_t k, int64_t limit) { return limit <= 0 || k <= limit; }
