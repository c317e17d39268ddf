/* trainer.c - SB3's OnPolicyAlgorithm.learn / collect_rollouts for one env. */
#include "trainer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "powersched/job_timing.h"
#include "tensors.h"

/* slurm-suspend's node rules, holding work at most the guard's promise
 * (24 h without it, as the price heuristics). */
static int gate_create(ps_heuristic *h, const ps_config *cluster, ps_error *err) {
    ps_heuristic_config hc = ps_heuristic_config_default(PS_H_SLURM_SUSPEND);
    if (cluster->guard_max_wait > 0) hc.max_wait = cluster->guard_max_wait;
    return ps_heuristic_create(h, &hc, cluster, err);
}

/* The choices of a gate-like encoding's one head; 0 for NODES or unknown. */
static int gate_choices(int action) {
    switch (action) {
    case PS_ACTION_GATE: return 2;
    case PS_ACTION_OVERRIDE: return 3;
    case PS_ACTION_OVERRIDE_TIMING: return 4;
    case PS_ACTION_TIMING_LEVELS: return PS_TIMED_LEVELS;
    default: return 0;
    }
}

int ps_action_encoding(const int nvec[3]) {
    if (nvec[1] != 1 || nvec[2] != 1) return PS_ACTION_NODES;
    for (int e = PS_ACTION_GATE; e <= PS_ACTION_TIMING_LEVELS; e++)
        if (gate_choices(e) == nvec[0]) return e;
    return PS_ACTION_NODES;
}

ps_action ps_trainer_env_action(ps_trainer *t, const float *obs, const int a[3], int *decides) {
    if (t->ppo.action == PS_ACTION_TIMING_LEVELS) return ps_heuristic_timing_level(&t->gate, obs, a[0] + 1, decides);
    if (t->ppo.action != PS_ACTION_NODES) {
        ps_action act = ps_heuristic_gate(&t->gate, obs, a[0], decides);
        if (t->ppo.action == PS_ACTION_OVERRIDE_TIMING && decides && !*decides)
            *decides = ps_heuristic_timing_holds(&t->gate, obs, 1) > 0;
        return act;
    }
    if (decides) *decides = 1;
    return (ps_action){a[0], a[1], a[2], 0};
}

int ps_trainer_create(ps_trainer *t, ps_env *env, const ps_ppo_config *ppo, const int *hidden, int n_hidden,
                      uint64_t seed, ps_error *err) {
    memset(t, 0, sizeof *t);
    t->env = env;
    t->ppo = *ppo;
    int choices = gate_choices(ppo->action);
    if (ppo->action != PS_ACTION_NODES && !choices) return ps_error_set(err, "unknown action encoding %d", ppo->action);
    if (ppo->action == PS_ACTION_TIMING_LEVELS && !(env->cfg.hold_price > 0)) /* all levels would be one */
        return ps_error_set(err, "--action timing-levels needs --hold-price above 0: its levels are multiples of it");
    int nvec[3] = {3, env->cfg.max_nodes, 2}, gate = choices > 0;
    if (gate) memcpy(nvec, (int[3]){choices, 1, 1}, sizeof nvec);
    int D = ps_env_obs_size(env);
    if (gate && gate_create(&t->gate, &env->cfg, err) != PS_OK) return PS_ERR;
    ps_rng_seed(&t->shuffle_rng, seed, 4);
    ps_rng_seed(&t->action_rng, seed, 5);
    t->gen = at_generator_new(seed);
    if (!t->gen) return ps_torch_error(err, "random generator");
    if (ps_policy_create(&t->policy, D, nvec, hidden, n_hidden, t->gen, err) != PS_OK) {
        ps_trainer_free(t);
        return PS_ERR;
    }
    ps_policy *p = &t->policy;
    if (ppo->action == PS_ACTION_OVERRIDE) /* a new model starts out following price-aware */
        p->w[ps_action_layer(p) + 1][PS_GATE_PRICE_AWARE] = PS_OVERRIDE_FOLLOW_BIAS;
    if (ppo->action == PS_ACTION_OVERRIDE_TIMING) /* ... or job-timing */
        p->w[ps_action_layer(p) + 1][PS_GATE_JOB_TIMING] = PS_OVERRIDE_FOLLOW_BIAS;
    if (ppo->action == PS_ACTION_TIMING_LEVELS) /* ... or job-timing's own level */
        p->w[ps_action_layer(p) + 1][0] = PS_OVERRIDE_FOLLOW_BIAS;
    int rc = ps_adam_create(&t->opt, p->w, p->numel, p->n_params, ppo->learning_rate, ppo->adam_beta1,
                            ppo->adam_beta2, ppo->adam_eps, err);
    for (int net = 0; net < 2 && rc == PS_OK; net++)
        rc = ps_adam_set_rows(&t->opt, net == 0 ? ps_pi_layer(p, 0) : ps_vf_layer(p, 0), D, p->hidden[0], err);
    if (rc != PS_OK) {
        ps_trainer_free(t);
        return PS_ERR;
    }
    t->obs = malloc((size_t)D * sizeof *t->obs);
    if (!t->obs || ps_rollout_init(&t->rollout, ppo->n_steps, D, err) != PS_OK) {
        if (!t->obs) ps_error_set(err, "out of memory");
        ps_trainer_free(t);
        return PS_ERR;
    }
    return PS_OK;
}

int ps_trainer_set_obs_scale(ps_trainer *t, int mode, ps_error *err) {
    if (mode == PS_OBS_SCALE_NONE) {
        t->obs_scale = mode;
        return ps_policy_set_in_scale(&t->policy, NULL, err);
    }
    if (mode != PS_OBS_SCALE_BOUNDS && mode != PS_OBS_SCALE_SUMMARY && mode != PS_OBS_SCALE_SHAPE)
        return ps_error_set(err, "unknown observation scaling %d", mode);
    float seen = mode == PS_OBS_SCALE_BOUNDS ? 1.0f : 0.0f;
    float price = mode == PS_OBS_SCALE_SHAPE ? 1.0f : 1.0f / 100;
    const ps_obs_layout *l = &t->env->layout;
    const ps_config *c = &t->env->cfg;
    float *s = malloc((size_t)l->size * sizeof *s);
    if (!s) return ps_error_set(err, "out of memory");
    for (int d = 0; d < l->size; d++) s[d] = 1.0f;
    static const float queue_bound[4] = {170, 168, 16, 96}; /* duration, age, nodes, cores per node */
    for (int q = 0; q < c->max_queue_size; q++)
        for (int f = 0; f < 4; f++) s[l->job_queue + 4 * q + f] = seen / queue_bound[f];
    for (int n = 0; n < c->max_nodes; n++) s[l->nodes + n] = seen / 170;
    for (int k = 0; k < PS_PRICE_WINDOW; k++) s[l->predicted_prices + k] = price;
    s[l->backlog_size] = 1.0f / 1000;
    s[l->pending_avg_duration] = 1.0f / 170;
    s[l->pending_core_hours] = (float)(1.0 / ((double)c->max_nodes * c->cores_per_node * 24));
    s[l->pending_job_count] = 1.0f / (float)c->max_queue_size;
    s[l->pending_max_nodes] = 1.0f / 16;
    int rc = ps_policy_set_in_scale(&t->policy, s, err);
    free(s);
    if (rc == PS_OK && mode == PS_OBS_SCALE_SHAPE && !t->pobs && !(t->pobs = malloc((size_t)l->size * sizeof *t->pobs)))
        rc = ps_error_set(err, "out of memory");
    if (rc == PS_OK) t->obs_scale = mode;
    return rc;
}

const float *ps_trainer_policy_obs(ps_trainer *t, const float *obs) {
    if (t->obs_scale != PS_OBS_SCALE_SHAPE) return obs;
    const ps_obs_layout *l = &t->env->layout;
    memcpy(t->pobs, obs, (size_t)l->size * sizeof *obs);
    float *p = t->pobs + l->predicted_prices;
    double mean = 0.0, var = 0.0;
    for (int k = 0; k < PS_PRICE_WINDOW; k++) mean += p[k];
    mean /= PS_PRICE_WINDOW;
    for (int k = 0; k < PS_PRICE_WINDOW; k++) var += (p[k] - mean) * (p[k] - mean);
    double unit = sqrt(var / PS_PRICE_WINDOW) + 1.0; /* EUR/MWh: a flat window stays near 0 */
    for (int k = 0; k < PS_PRICE_WINDOW; k++) p[k] = (float)((p[k] - mean) / unit);
    return t->pobs;
}

void ps_trainer_free(ps_trainer *t) {
    ps_policy_free(&t->policy);
    ps_adam_free(&t->opt);
    ps_train_work_free(&t->work);
    if (t->gen) at_generator_free(t->gen);
    ps_rollout_free(&t->rollout);
    if (t->ppo.action != PS_ACTION_NODES) ps_heuristic_free(&t->gate);
    free(t->obs);
    free(t->pobs);
    memset(t, 0, sizeof *t);
}

/* One environment step of the rollout; stores the transition. */
static int rollout_step(ps_trainer *t, const ps_train_hooks *h, ps_error *err) {
    ps_rollout *r = &t->rollout;
    int D = r->obs_dim, a[3];
    double logp, value;
    const float *x = ps_trainer_policy_obs(t, t->obs);
    if (ps_policy_act(&t->policy, x, 0, &t->action_rng, a, &logp, &value, err) != PS_OK) return PS_ERR;
    memcpy(r->obs + (size_t)r->n * D, x, (size_t)D * sizeof *x);
    ps_step_info info;
    int decides;
    ps_action act = ps_trainer_env_action(t, t->obs, a, &decides);
    if (ps_env_step(t->env, act, t->obs, &info, err) != PS_OK) return PS_ERR;
    double reward = info.reward;
    t->num_timesteps++;
    if (h && h->on_step) h->on_step(h->user, t->env, &info);
    int done = info.truncated || info.terminated;
    if (info.truncated && !info.terminated) {
        /* SB3: a time-limit end bootstraps with the terminal observation; a
         * terminated one (drop-streak flush) has no future value. */
        double terminal_value;
        if (ps_policy_value(&t->policy, ps_trainer_policy_obs(t, t->obs), &terminal_value, err) != PS_OK)
            return PS_ERR;
        reward += t->ppo.gamma * terminal_value;
    }
    if (done) {
        if (h && h->on_episode) h->on_episode(h->user, t->env, info.episode, t->num_timesteps);
        ps_env_reset(t->env, NULL, -1, t->obs); /* the VecEnv's auto-reset */
    }
    for (int c = 0; c < 3; c++) r->actions[3 * r->n + c] = a[c];
    r->rewards[r->n] = reward;
    r->values[r->n] = value;
    r->logp[r->n] = logp;
    r->episode_starts[r->n] = (uint8_t)t->last_episode_start;
    r->decides[r->n] = (uint8_t)decides;
    r->n++;
    t->last_episode_start = done;
    return PS_OK;
}

int ps_trainer_learn(ps_trainer *t, int64_t steps, const uint64_t *seed, const ps_train_hooks *h, int *stopped,
                     ps_error *err) {
    *stopped = 0;
    if (!t->started) {
        ps_env_reset(t->env, seed, -1, t->obs);
        t->last_episode_start = 1;
        t->started = 1;
    }
    int64_t target = t->num_timesteps + steps;
    ps_rollout *r = &t->rollout;
    ps_phase_times *tm = &t->times;
    while (t->num_timesteps < target) {
        double t0 = ps_ppo_clock();
        r->n = 0;
        while (r->n < t->ppo.n_steps)
            if (rollout_step(t, h, err) != PS_OK) return PS_ERR;
        double last_value;
        if (ps_policy_value(&t->policy, ps_trainer_policy_obs(t, t->obs), &last_value, err) != PS_OK) return PS_ERR;
        ps_gae(r->rewards, r->values, r->episode_starts, r->n, last_value, t->last_episode_start, t->ppo.gamma,
               t->ppo.gae_lambda, r->advantages, r->returns);
        ps_update_stats st;
        double t1 = ps_ppo_clock();
        if (ps_ppo_update(&t->policy, &t->opt, &t->work, &t->ppo, r, &t->shuffle_rng, &st, err) != PS_OK) return PS_ERR;
        tm->rollout += t1 - t0;
        tm->batch += st.times.batch;
        tm->forward += st.times.forward;
        tm->backward += st.times.backward;
        tm->clip += st.times.clip;
        tm->adam += st.times.adam;
        t->n_updates += st.n_updates;
        st.n_updates = t->n_updates;
        if (h && h->on_update && h->on_update(h->user, &st, t->num_timesteps)) {
            *stopped = 1;
            break;
        }
    }
    return PS_OK;
}
