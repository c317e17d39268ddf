/* resume.c - which checkpoint a training run continues, and from where. */
#include "resume.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

/* <digits>.zip.tmp.XXXXXX: the temp file ps_atomic_file writes a checkpoint
 * under (mkstemp's six characters) before renaming it into place. */
static int is_save_temp(const char *name) {
    size_t digits = strspn(name, "0123456789");
    const char *rest = name + digits;
    if (digits == 0 || strncmp(rest, ".zip.tmp.", 9) != 0) return 0;
    rest += 9;
    return strlen(rest) == 6 &&
           strspn(rest, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == 6;
}

/* A save killed before its rename leaves its temp file behind, and nothing
 * else would ever remove it. The training process owns the models folder
 * (ps_session_lock), so no other save can be writing one now. */
static void remove_save_temps(const char *models_dir, FILE *warn) {
    DIR *d = opendir(models_dir);
    if (!d) return;
    char path[4700];
    for (struct dirent *e; (e = readdir(d));) {
        if (!is_save_temp(e->d_name)) continue;
        snprintf(path, sizeof path, "%s/%s", models_dir, e->d_name);
        int gone = unlink(path) == 0;
        if (warn && gone) fprintf(warn, "warning: removed %s, left by an interrupted save\n", path);
        if (warn && !gone) fprintf(warn, "warning: cannot remove %s (left by an interrupted save): %s\n", path,
                                   strerror(errno));
    }
    closedir(d);
}

/* A new model: initialised, or with the network of st->init_from. */
static int create_new(ps_trainer *t, ps_env *env, const ps_train_start *st, ps_resume *r, ps_error *err) {
    r->path[0] = '\0';
    r->next_plot_save = env->current_step + st->iteration_steps;
    if (ps_trainer_create(t, env, &st->ppo, st->hidden, st->n_hidden, st->seed, err) != PS_OK) return PS_ERR;
    if (!st->init_from) return ps_trainer_set_obs_scale(t, st->obs_scale, err);
    r->initialized = 1;
    return ps_checkpoint_load_network(st->init_from, t, &r->info, err);
}

int ps_trainer_resume(ps_trainer *t, ps_env *env, const ps_session *s, const ps_train_start *st, FILE *warn,
                      ps_resume *r, ps_error *err) {
    memset(r, 0, sizeof *r);
    remove_save_temps(s->models_dir, warn);
    r->steps = ps_session_pick_model(s, st->want, r->path, sizeof r->path, warn);
    if (r->steps < 0) return create_new(t, env, st, r, err);
    if (st->init_from && warn)
        fprintf(warn, "warning: --init-from ignored: the session resumes from its own checkpoint %s\n", r->path);
    if (ps_checkpoint_peek(r->path, &r->info, err) != PS_OK) return PS_ERR;
    ps_ppo_config saved = st->ppo;
    saved.ent_coef = r->info.ent_coef;
    saved.action = ps_action_encoding(r->info.nvec);
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
