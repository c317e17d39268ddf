/* train_run.c - a training run's session, logs and plots. */
#include "train_run.h"

#include <string.h>

#include <cJSON.h>

#include "powersched/provenance.h"
#include "powersched/scenario_options.h"

int ps_train_run_open(ps_train_run *r, const char *base, const char *name, const uint64_t *seed_sweep,
                      const ps_weights *w, ps_error *err) {
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
    return ps_session_open(&r->sess, base, name, seed_sweep, w, err);
}

int ps_train_run_records(ps_train_run *r, const ps_optset *set, const ps_sim_flags *sim, uint64_t seed, int seed_given,
                         int episode_hours, int tensorboard, ps_error *err) {
    static const char *const recorded[] = {PS_GROUP_DATA, PS_GROUP_GENERATOR};
    if (ps_series_init(&r->series, episode_hours) != 0 ||
        !(r->options = ps_optset_json_groups(set, recorded, PS_COUNT(recorded))))
        return ps_error_set(err, "out of memory");
    cJSON *prov = ps_provenance_json(sim, err);
    if (!prov) return PS_ERR;
    cJSON_AddItemToObject(r->options, "provenance", prov);
    if (ps_train_log_open(&r->log, r->sess.logs_dir, tensorboard ? r->sess.tb_dir : NULL, err) != PS_OK) return PS_ERR;
    return ps_session_write_config(&r->sess, set, seed, seed_given, prov, err);
}

void ps_train_run_close(ps_train_run *r) {
    ps_series_free(&r->series);
    ps_train_log_close(&r->log);
    cJSON_Delete(r->options);
    r->options = NULL;
}

int ps_train_run_resume(ps_train_run *r, ps_trainer *t, ps_env *env, const ps_train_start *st, FILE *warn,
                        ps_resume *res, ps_error *err) {
    if (ps_trainer_resume(t, env, &r->sess, st, warn, res, err) != PS_OK) return PS_ERR;
    return res->steps < 0 ? PS_OK : ps_train_log_resume(&r->log, res->info.num_timesteps, warn, err);
}

void ps_train_run_step(ps_train_run *r, const ps_env *env, const ps_step_info *in) {
    ps_series_add(&r->series, env, in);
}

int ps_train_run_plot(ps_train_run *r, const ps_env *env, const char *kind, int hours, ps_error *err) {
    char name[256], title[600];
    snprintf(name, sizeof name, "%s_%s_%09lld", r->sess.prefix, kind, (long long)env->current_step);
    snprintf(title, sizeof title, "session %s, episode %lld, step %lld, weights %s", r->name,
             (long long)env->current_episode, (long long)env->current_step, r->sess.prefix);
    int png;
    return ps_episode_plot(r->sess.plots_dir, name, title, &r->series, hours, &png, err);
}

int ps_train_run_episode(ps_train_run *r, const ps_env *env, const ps_episode_record *rec, int64_t steps,
                         ps_error *warn) {
    ps_train_log_episode(&r->log, steps, rec);
    int rc = PS_OK;
    if (r->plot_every == 0 || env->current_step > r->next_plot_save) {
        rc = ps_train_run_plot(r, env, "ep", 0, warn);
        r->next_plot_save += r->plot_every;
    }
    ps_series_clear(&r->series);
    return rc;
}
