/* ppo.c - rollout storage, GAE and the PPO update (spec 12.2). */
#include "ppo.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tensors.h"

double ps_ppo_clock(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

ps_ppo_config ps_ppo_config_default(void) {
    ps_ppo_config c = {64, 64, 10, 3e-4, 0.99, 0.95, 0.2, 0.0, 0.5, 0.5, 0.9, 0.999, 1e-5, 0};
    return c;
}

int ps_rollout_init(ps_rollout *r, int cap, int obs_dim, ps_error *err) {
    memset(r, 0, sizeof *r);
    r->cap = cap;
    r->obs_dim = obs_dim;
    r->obs = malloc((size_t)cap * obs_dim * sizeof *r->obs);
    r->actions = malloc((size_t)cap * 3 * sizeof *r->actions);
    r->rewards = malloc((size_t)cap * sizeof(double));
    r->values = malloc((size_t)cap * sizeof(double));
    r->logp = malloc((size_t)cap * sizeof(double));
    r->advantages = malloc((size_t)cap * sizeof(double));
    r->returns = malloc((size_t)cap * sizeof(double));
    r->episode_starts = malloc((size_t)cap);
    r->decides = malloc((size_t)cap);
    if (!r->obs || !r->actions || !r->rewards || !r->values || !r->logp || !r->advantages || !r->returns ||
        !r->episode_starts || !r->decides) {
        ps_rollout_free(r);
        return ps_error_set(err, "out of memory for a rollout of %d steps", cap);
    }
    memset(r->decides, 1, (size_t)cap);
    return PS_OK;
}

void ps_rollout_free(ps_rollout *r) {
    free(r->obs);
    free(r->actions);
    free(r->rewards);
    free(r->values);
    free(r->logp);
    free(r->advantages);
    free(r->returns);
    free(r->episode_starts);
    free(r->decides);
    memset(r, 0, sizeof *r);
}

/* ----------------------------------------------------------------- maths */

void ps_gae(const double *rew, const double *val, const uint8_t *start, int n, double last_value, int last_done,
            double gamma, double lambda, double *adv, double *ret) {
    double last = 0;
    for (int t = n - 1; t >= 0; t--) {
        double next_non_terminal = t == n - 1 ? 1.0 - last_done : 1.0 - start[t + 1];
        double next_value = t == n - 1 ? last_value : val[t + 1];
        double delta = rew[t] + gamma * next_value * next_non_terminal - val[t];
        last = delta + gamma * lambda * next_non_terminal * last;
        adv[t] = last;
        ret[t] = last + val[t];
    }
}

void ps_normalize_advantages(double *a, int n) {
    if (n <= 1) return;
    double mean = 0, sq = 0;
    for (int i = 0; i < n; i++) mean += a[i];
    mean /= n;
    for (int i = 0; i < n; i++) sq += (a[i] - mean) * (a[i] - mean);
    double sd = sqrt(sq / (n - 1));
    for (int i = 0; i < n; i++) a[i] = (a[i] - mean) / (sd + 1e-8);
}

static double variance(const double *x, int n) {
    double mean = 0, sq = 0;
    for (int i = 0; i < n; i++) mean += x[i];
    mean /= n;
    for (int i = 0; i < n; i++) sq += (x[i] - mean) * (x[i] - mean);
    return sq / n;
}

double ps_explained_variance(const double *values, const double *returns, int n) {
    double vr = variance(returns, n);
    if (vr == 0) return NAN;
    double *d = malloc((size_t)n * sizeof *d);
    if (!d) return NAN;
    for (int i = 0; i < n; i++) d[i] = returns[i] - values[i];
    double ev = 1 - variance(d, n) / vr;
    free(d);
    return ev;
}

/* ------------------------------------------------------------------ loss */

static at_tensor from_doubles(const double *x, int n) {
    float *f = malloc((size_t)n * sizeof *f);
    if (!f) return NULL;
    for (int i = 0; i < n; i++) f[i] = (float)x[i];
    int64_t d[1] = {n};
    at_tensor t = at_from_floats(f, d, 1);
    free(f);
    return t;
}

int ps_ppo_loss_compute(const ps_ppo_config *c, const ps_policy_eval *ev, const double *old_logp,
                        const double *advantages, const double *returns, int B, ps_tlist *tl, ps_ppo_loss *out,
                        ps_error *err) {
    at_tensor old = T(from_doubles(old_logp, B)), adv = T(from_doubles(advantages, B));
    at_tensor ret = T(from_doubles(returns, B));
    at_tensor log_ratio = T(at_sub(ev->logp, old));
    at_tensor ratio = T(at_exp(log_ratio));
    at_tensor surr1 = T(at_mul(adv, ratio));
    at_tensor surr2 = T(at_mul(adv, T(at_clamp(ratio, 1 - c->clip_range, 1 + c->clip_range))));
    at_tensor pg = T(at_mul_scalar(T(at_mean(T(at_minimum(surr1, surr2)))), -1.0));
    at_tensor diff = T(at_sub(ret, ev->value));
    at_tensor vloss = T(at_mean(T(at_mul(diff, diff))));
    at_tensor eloss = T(at_mul_scalar(T(at_mean(ev->entropy)), -1.0));
    at_tensor loss = T(at_add(T(at_add(pg, T(at_mul_scalar(eloss, c->ent_coef)))), T(at_mul_scalar(vloss, c->vf_coef))));
    out->loss = loss;
    out->total = at_item(loss);
    out->policy_loss = at_item(pg);
    out->value_loss = at_item(vloss);
    out->entropy_loss = at_item(eloss);
    TCHECK();
    /* Diagnostics without gradients: approx KL (SB3's estimator) and the
     * share of ratios outside the clip range. */
    float lr[4096], *lrp = B <= 4096 ? lr : malloc((size_t)B * sizeof *lrp);
    if (!lrp) return ps_error_set(err, "out of memory");
    at_to_floats(log_ratio, lrp, B);
    double kl = 0, clipped = 0;
    for (int i = 0; i < B; i++) {
        double x = lrp[i], r = exp(x);
        kl += (r - 1) - x;
        clipped += fabs(r - 1) > c->clip_range;
    }
    if (lrp != lr) free(lrp);
    TCHECK();
    out->approx_kl = kl / B;
    out->clip_fraction = clipped / B;
    return PS_OK;
fail:
    return ps_torch_error(err, "PPO loss");
}

void ps_ppo_loss_grad(const ps_ppo_config *c, const double *old_logp, const double *adv, const double *ret, int B,
                      ps_train_work *w, ps_ppo_loss *out) {
    double pg = 0, vl = 0, ent = 0, kl = 0, clipped = 0, lo = 1 - c->clip_range, hi = 1 + c->clip_range;
    for (int i = 0; i < B; i++) {
        double lr = w->logp[i] - old_logp[i], ratio = exp(lr);
        double s1 = adv[i] * ratio, s2 = adv[i] * (ratio < lo ? lo : ratio > hi ? hi : ratio);
        double d1 = adv[i] * ratio, d2 = ratio >= lo && ratio <= hi ? d1 : 0;
        pg += s1 < s2 ? s1 : s2;
        w->g_logp[i] = -(s1 < s2 ? d1 : s2 < s1 ? d2 : 0.5 * (d1 + d2)) / B;
        double diff = w->value[i] - ret[i];
        vl += diff * diff;
        w->g_value[i] = c->vf_coef * 2 * diff / B;
        ent += w->entropy[i];
        w->g_entropy[i] = -c->ent_coef / B;
        kl += (ratio - 1) - lr;
        clipped += fabs(ratio - 1) > c->clip_range;
    }
    out->loss = NULL;
    out->policy_loss = -pg / B;
    out->value_loss = vl / B;
    out->entropy_loss = -ent / B;
    out->total = out->policy_loss + c->ent_coef * out->entropy_loss + c->vf_coef * out->value_loss;
    out->approx_kl = kl / B;
    out->clip_fraction = clipped / B;
}

/* ---------------------------------------------------------------- update */

typedef struct minibatch {
    int B;
    int64_t *actions;
    double *old_logp, *adv, *ret, *scratch;
    uint8_t *decides;
} minibatch;

static int minibatch_alloc(minibatch *m, int B) {
    m->B = B;
    m->actions = malloc((size_t)B * 3 * sizeof *m->actions);
    m->old_logp = malloc((size_t)B * sizeof(double));
    m->adv = malloc((size_t)B * sizeof(double));
    m->ret = malloc((size_t)B * sizeof(double));
    m->scratch = malloc((size_t)B * sizeof(double));
    m->decides = malloc((size_t)B);
    return m->actions && m->old_logp && m->adv && m->ret && m->scratch && m->decides ? 0 : -1;
}

static void minibatch_free(minibatch *m) {
    free(m->actions);
    free(m->old_logp);
    free(m->adv);
    free(m->ret);
    free(m->scratch);
    free(m->decides);
}

/* Per-minibatch advantage normalisation over the rows whose action decided
 * something; the others get 0. Their action had no effect (--action gate
 * with no work to hold), so their true advantage is 0 and the estimate is
 * noise the policy would otherwise follow. In the reference encoding every
 * row decides, and this is SB3's normalisation, bit for bit. */
static void normalize_deciding(minibatch *m) {
    int k = 0;
    for (int i = 0; i < m->B; i++)
        if (m->decides[i]) m->scratch[k++] = m->adv[i];
    ps_normalize_advantages(m->scratch, k);
    for (int i = 0, j = 0; i < m->B; i++) m->adv[i] = m->decides[i] ? m->scratch[j++] : 0.0;
}

static void minibatch_fill(minibatch *m, const ps_rollout *r, const int *rows) {
    for (int i = 0; i < m->B; i++) {
        int k = rows[i];
        memcpy(m->actions + 3 * i, r->actions + 3 * k, 3 * sizeof *m->actions);
        m->old_logp[i] = r->logp[k];
        m->adv[i] = r->advantages[k];
        m->ret[i] = r->returns[k];
        m->decides[i] = r->decides[k];
    }
    normalize_deciding(m);
}

/* One gradient step on a minibatch; accumulates its diagnostics (the
 * approximate KL into *kl: SB3 reports the last epoch's mean of it). */
static int step(ps_policy *p, ps_adam *opt, ps_train_work *w, const ps_ppo_config *c, const ps_batch *batch,
                const minibatch *m, ps_update_stats *acc, double *kl, ps_error *err) {
    ps_ppo_loss L;
    ps_phase_times *tm = &acc->times;
    double t0 = ps_ppo_clock();
    if (ps_policy_train_forward(p, batch, m->actions, w, err) != PS_OK) return PS_ERR;
    ps_ppo_loss_grad(c, m->old_logp, m->adv, m->ret, m->B, w, &L);
    double t1 = ps_ppo_clock();
    ps_policy_train_backward(p, batch, m->actions, w);
    double t2 = ps_ppo_clock();
    double norm = ps_adam_clip(opt, w->grads, c->max_grad_norm);
    double t3 = ps_ppo_clock();
    if (ps_adam_step(opt, w->grads, err) != PS_OK) return PS_ERR;
    tm->forward += t1 - t0;
    tm->backward += t2 - t1;
    tm->clip += t3 - t2;
    tm->adam += ps_ppo_clock() - t3;
    acc->policy_loss += L.policy_loss;
    acc->value_loss += L.value_loss;
    acc->entropy_loss += L.entropy_loss;
    *kl += L.approx_kl;
    acc->clip_fraction += L.clip_fraction;
    acc->grad_norm += norm;
    acc->loss = L.total;
    acc->n_updates++;
    return PS_OK;
}

static void shuffle(int *rows, int n, ps_rng *rng) {
    for (int i = n - 1; i > 0; i--) {
        int j = (int)ps_rng_int(rng, 0, i), t = rows[i];
        rows[i] = rows[j];
        rows[j] = t;
    }
}

int ps_ppo_update(ps_policy *p, ps_adam *opt, ps_train_work *work, const ps_ppo_config *c, ps_rollout *r,
                  ps_rng *rng, ps_update_stats *stats, ps_error *err) {
    memset(stats, 0, sizeof *stats);
    int n = r->n, B = c->batch_size < n ? c->batch_size : n;
    int *rows = malloc((size_t)n * sizeof *rows);
    minibatch m;
    memset(&m, 0, sizeof m);
    if (!rows || minibatch_alloc(&m, B) != 0) {
        free(rows);
        minibatch_free(&m);
        return ps_error_set(err, "out of memory for PPO minibatches");
    }
    for (int i = 0; i < n; i++) rows[i] = i;
    /* The rollout's non-zero inputs are listed once; each minibatch is
     * assembled from them. One minibatch holding the whole rollout: its loss
     * is a mean over all rows, so order does not matter and the batch is
     * built once. */
    int single = B == n;
    ps_batch batch;
    ps_obs_rows sparse;
    memset(&batch, 0, sizeof batch);
    double t0 = ps_ppo_clock();
    int rc = ps_obs_rows_build(&sparse, r->obs, n, r->obs_dim, p->in_scale, err);
    if (rc == PS_OK && single) {
        minibatch_fill(&m, r, rows);
        rc = ps_batch_from_rows(&batch, &sparse, rows, B, err);
    }
    stats->times.batch += ps_ppo_clock() - t0;
    for (int e = 0; e < c->n_epochs && rc == PS_OK; e++) {
        if (!single) shuffle(rows, n, rng);
        double kl = 0;
        int steps = 0;
        for (int start = 0; start < n && rc == PS_OK; start += B, steps++) {
            if (!single) { /* the last minibatch may be smaller, as in SB3 */
                t0 = ps_ppo_clock();
                m.B = n - start < B ? n - start : B;
                minibatch_fill(&m, r, rows + start);
                ps_batch_free(&batch);
                rc = ps_batch_from_rows(&batch, &sparse, rows + start, m.B, err);
                stats->times.batch += ps_ppo_clock() - t0;
            }
            if (rc == PS_OK) rc = step(p, opt, work, c, &batch, &m, stats, &kl, err);
        }
        stats->approx_kl = kl / steps;
    }
    t0 = ps_ppo_clock();
    ps_adam_flush(opt);
    stats->times.adam += ps_ppo_clock() - t0;
    ps_batch_free(&batch);
    ps_obs_rows_free(&sparse);
    free(rows);
    minibatch_free(&m);
    if (stats->n_updates > 0) {
        double k = (double)stats->n_updates;
        stats->policy_loss /= k;
        stats->value_loss /= k;
        stats->entropy_loss /= k;
        stats->clip_fraction /= k;
        stats->grad_norm /= k;
    }
    stats->explained_variance = ps_explained_variance(r->values, r->returns, n);
    return rc;
}
