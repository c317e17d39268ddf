/* evaluate.c - evaluation episodes with a model or a heuristic. */
#include "evaluate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void ps_evaluator_heuristic(ps_evaluator *e, ps_eval_policy kind, uint64_t seed) {
    memset(e, 0, sizeof *e);
    e->kind = kind;
    ps_rng_seed(&e->rng, seed, PS_STREAM_POLICY);
}

int ps_evaluator_policy(ps_evaluator *e, const ps_heuristic_config *cfg, const ps_config *cluster, ps_error *err) {
    memset(e, 0, sizeof *e);
    if (ps_heuristic_create(&e->h, cfg, cluster, err) != PS_OK) return PS_ERR;
    e->kind = PS_EVAL_HEURISTIC;
    return PS_OK;
}

static int load_trainer(ps_trainer *t, ps_env *env, const char *path, ps_checkpoint_info *info, ps_error *err) {
    if (ps_checkpoint_peek(path, info, err) != PS_OK) return PS_ERR;
    ps_ppo_config ppo = ps_ppo_config_default();
    ppo.action = ps_action_encoding(info->nvec);
    if (info->obs_dim != ps_env_obs_size(env) || (ppo.action == PS_ACTION_NODES && info->nvec[1] != env->cfg.max_nodes))
        return ps_error_set(err, "%s: the model was trained for %d observations and %d nodes; this cluster has %d "
                            "and %d", path, info->obs_dim, info->nvec[1], ps_env_obs_size(env), env->cfg.max_nodes);
    if (ps_trainer_create(t, env, &ppo, info->hidden, info->n_hidden, 0, err) != PS_OK) return PS_ERR;
    if (ps_checkpoint_load(path, t, info, err) != PS_OK) {
        ps_trainer_free(t);
        return PS_ERR;
    }
    return PS_OK;
}

int ps_evaluator_load(ps_evaluator *e, ps_env *env, const char *path, ps_checkpoint_info *info, ps_error *err) {
    memset(e, 0, sizeof *e);
    if (load_trainer(&e->t, env, path, info, err) != PS_OK) return PS_ERR;
    e->kind = PS_EVAL_MODEL;
    return PS_OK;
}

int ps_evaluator_add_member(ps_evaluator *e, ps_env *env, const char *path, ps_error *err) {
    if (e->kind != PS_EVAL_MODEL) return ps_error_set(err, "an ensemble needs a model first");
    const int *want = e->t.policy.nvec;
    ps_trainer *grown = realloc(e->members, (size_t)(e->n_members + 1) * sizeof *grown);
    if (!grown) return ps_error_set(err, "out of memory");
    e->members = grown;
    if (!e->vote && !(e->vote = malloc(2 * (size_t)e->t.policy.n_logits * sizeof *e->vote)))
        return ps_error_set(err, "out of memory");
    ps_checkpoint_info info;
    ps_trainer *m = &e->members[e->n_members];
    if (load_trainer(m, env, path, &info, err) != PS_OK) return PS_ERR;
    if (memcmp(m->policy.nvec, want, sizeof m->policy.nvec)) {
        ps_trainer_free(m);
        return ps_error_set(err, "%s: its actions are [%d, %d, %d]; the ensemble's first model's are [%d, %d, %d] (one "
                            "--action encoding per ensemble)", path, info.nvec[0], info.nvec[1], info.nvec[2], want[0],
                            want[1], want[2]);
    }
    e->n_members++;
    return PS_OK;
}

int ps_evaluator_load_ensemble(ps_evaluator *e, ps_env *env, const char *path, const char *const *members, int n,
                               ps_checkpoint_info *info, ps_error *err) {
    if (ps_evaluator_load(e, env, path, info, err) != PS_OK) return PS_ERR;
    for (int i = 0; i < n; i++)
        if (ps_evaluator_add_member(e, env, members[i], err) != PS_OK) {
            ps_evaluator_free(e);
            return PS_ERR;
        }
    return PS_OK;
}

void ps_evaluator_free(ps_evaluator *e) {
    for (int i = 0; i < e->n_members; i++) ps_trainer_free(&e->members[i]);
    free(e->members);
    free(e->vote);
    if (e->kind == PS_EVAL_MODEL) ps_trainer_free(&e->t);
    if (e->kind == PS_EVAL_HEURISTIC) ps_heuristic_free(&e->h);
    memset(e, 0, sizeof *e);
}

/* Each categorical's pick from the members' mean probabilities (the first
 * maximum, as the argmax of one model; with sample, a draw from the mean). */
static int ensemble_vote(ps_evaluator *e, const float *obs, int x[3], ps_error *err) {
    const ps_policy *p = &e->t.policy;
    int n = p->n_logits;
    double *mean = e->vote, *probs = e->vote + n;
    memset(mean, 0, (size_t)n * sizeof *mean);
    for (int i = -1; i < e->n_members; i++) {
        ps_trainer *t = i < 0 ? &e->t : &e->members[i];
        if (ps_policy_probs(&t->policy, ps_trainer_policy_obs(t, obs), probs, err) != PS_OK) return PS_ERR;
        for (int k = 0; k < n; k++) mean[k] += probs[k] / (e->n_members + 1);
    }
    for (int c = 0, off = 0; c < 3; off += p->nvec[c++]) {
        int best = 0;
        for (int k = 1; k < p->nvec[c]; k++) best = mean[off + k] > mean[off + best] ? k : best;
        if (e->sample) {
            double u = ps_rng_uniform(&e->rng), acc = mean[off];
            best = 0;
            while (best < p->nvec[c] - 1 && u >= acc) acc += mean[off + ++best];
        }
        x[c] = best;
    }
    return PS_OK;
}

static int next_action(ps_evaluator *e, const ps_env *env, const float *obs, ps_action *act, ps_error *err) {
    if (e->kind == PS_EVAL_MODEL && e->n_members > 0) {
        int x[3];
        if (ensemble_vote(e, obs, x, err) != PS_OK) return PS_ERR;
        *act = ps_trainer_env_action(&e->t, obs, x, NULL);
    } else if (e->kind == PS_EVAL_MODEL) {
        int x[3];
        double logp, value;
        const float *seen = ps_trainer_policy_obs(&e->t, obs);
        if (ps_policy_act(&e->t.policy, seen, !e->sample, &e->rng, x, &logp, &value, err) != PS_OK) return PS_ERR;
        *act = ps_trainer_env_action(&e->t, obs, x, NULL);
    } else if (e->kind == PS_EVAL_HEURISTIC) {
        *act = ps_heuristic_act(&e->h, obs);
    } else if (e->kind == PS_EVAL_RANDOM) {
        *act = ps_action_random(&e->rng, &env->cfg);
    } else {
        *act = (ps_action){2, env->cfg.max_nodes - 1, 1, 0}; /* all on, refill: the baseline's schedule */
    }
    return PS_OK;
}

int ps_evaluator_run(ps_evaluator *e, ps_env *env, double months, uint64_t seed, const ps_eval_hooks *h,
                     ps_episode_list *records, ps_error *err) {
    float *obs = calloc((size_t)ps_env_obs_size(env), sizeof *obs);
    if (!obs) return ps_error_set(err, "out of memory");
    ps_env_reset(env, &seed, -1, obs);
    if (e->kind == PS_EVAL_MODEL && e->sample) ps_rng_seed(&e->rng, seed, PS_STREAM_POLICY);
    int episodes = (int)llround(2 * months), rc = PS_OK;
    for (int ep = 0; ep < episodes && rc == PS_OK; ep++) {
        ps_env_reset(env, NULL, -1, obs);
        for (int hour = 0; hour < env->cfg.episode_hours && rc == PS_OK; hour++) {
            ps_action act;
            ps_step_info in;
            rc = next_action(e, env, obs, &act, err);
            if (rc == PS_OK) rc = ps_env_step(env, act, obs, &in, err);
            if (rc == PS_OK && h && h->on_step) h->on_step(h->user, env, act, &in);
            if (rc == PS_OK && in.episode && ps_episode_list_push(records, in.episode) != 0)
                rc = ps_error_set(err, "out of memory");
            if (rc == PS_OK && in.terminated) break; /* a drop-streak flush ends the episode early */
        }
        if (rc == PS_OK && h && h->on_episode) h->on_episode(h->user, env, &records->v[records->n - 1], ep + 1, episodes);
    }
    free(obs);
    return rc;
}
