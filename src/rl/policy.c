/* policy.c - spec 12.2's MultiInputPolicy as plain layers on shim tensors. */
#include "policy.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"
#include "tensors.h"


/* A Linear layer: weight [out, in] (input_major: [in, out], initialised as
 * the transpose of the [out, in] one, from the same draws) and bias [out]. */
static int add_linear(ps_policy *p, const char *name, int in, int out, double gain, int input_major, at_generator g) {
    int64_t wd[2] = {out, in}, wt[2] = {in, out}, bd[1] = {out};
    int i = p->n_params;
    p->params[i] = at_zeros(input_major ? wt : wd, 2);
    p->params[i + 1] = at_zeros(bd, 1);
    p->n_params += 2;
    if (at_last_error()) return -1;
    if (input_major) {
        at_tensor tmp = at_zeros(wd, 2);
        if (!tmp) return -1;
        at_orthogonal_(tmp, gain, g);
        float *dst = at_data(p->params[i]), *src = at_data(tmp);
        if (dst && src) ps_k_transpose(dst, src, out, in);
        at_free(tmp);
    } else {
        at_orthogonal_(p->params[i], gain, g);
    }
    at_requires_grad(p->params[i], 1);
    at_requires_grad(p->params[i + 1], 1);
    snprintf(p->names[i], sizeof p->names[i], "%s.weight", name);
    snprintf(p->names[i + 1], sizeof p->names[i + 1], "%s.bias", name);
    for (int k = i; k < i + 2; k++) {
        p->w[k] = at_data(p->params[k]);
        p->numel[k] = at_numel(p->params[k]);
    }
    return at_last_error() ? -1 : 0;
}

int ps_policy_create(ps_policy *p, int obs_dim, const int nvec[3], const int *hidden, int n_hidden,
                     at_generator g, ps_error *err) {
    memset(p, 0, sizeof *p);
    if (n_hidden < 1 || n_hidden > PS_MAX_HIDDEN)
        return ps_error_set(err, "network: 1 to %d hidden layers, got %d", PS_MAX_HIDDEN, n_hidden);
    p->obs_dim = obs_dim;
    p->n_hidden = n_hidden;
    memcpy(p->nvec, nvec, sizeof p->nvec);
    p->n_logits = nvec[0] + nvec[1] + nvec[2];
    for (int k = 0; k < n_hidden; k++) {
        if (hidden[k] < 1 || hidden[k] > 4096) return ps_error_set(err, "network: layer size %d out of 1..4096", hidden[k]);
        p->hidden[k] = hidden[k];
    }
    const char *net[2] = {"pi", "vf"};
    int rc = 0;
    for (int n = 0; n < 2 && rc == 0; n++)
        for (int k = 0, in = obs_dim; k < n_hidden && rc == 0; in = hidden[k++]) {
            char name[16];
            snprintf(name, sizeof name, "%s.%d", net[n], k);
            rc = add_linear(p, name, in, hidden[k], sqrt(2.0), k == 0, g);
        }
    if (rc == 0) rc = add_linear(p, "action", hidden[n_hidden - 1], p->n_logits, 0.01, 0, g);
    if (rc == 0) rc = add_linear(p, "value", hidden[n_hidden - 1], 1, 1.0, 0, g);
    if (rc != 0) {
        ps_torch_error(err, "creating the network");
        ps_policy_free(p);
        return PS_ERR;
    }
    return PS_OK;
}

void ps_policy_free(ps_policy *p) {
    for (int i = 0; i < p->n_params; i++) at_free(p->params[i]);
    free(p->nonzero);
    free(p->nonzero_val);
    free(p->in_scale);
    memset(p, 0, sizeof *p);
}

int ps_policy_set_in_scale(ps_policy *p, const float *scale, ps_error *err) {
    free(p->in_scale);
    p->in_scale = NULL;
    if (!scale) return PS_OK;
    if (!(p->in_scale = malloc((size_t)p->obs_dim * sizeof *p->in_scale))) return ps_error_set(err, "out of memory");
    memcpy(p->in_scale, scale, (size_t)p->obs_dim * sizeof *p->in_scale);
    return PS_OK;
}

int64_t ps_policy_param_count(const ps_policy *p) {
    int64_t n = 0;
    for (int i = 0; i < p->n_params; i++) n += at_numel(p->params[i]);
    return n;
}

/* ---------------------------------------------------------------- forward */

int ps_obs_rows_build(ps_obs_rows *o, const float *obs, int n, int D, const float *scale, ps_error *err) {
    memset(o, 0, sizeof *o);
    int64_t nnz = 0;
    for (int64_t q = 0; q < (int64_t)n * D; q++) nnz += obs[q] != 0.0f;
    o->n = n;
    o->D = D;
    o->ptr = malloc(((size_t)n + 1) * sizeof *o->ptr);
    o->col = malloc(((size_t)nnz + 1) * sizeof *o->col);
    o->val = malloc(((size_t)nnz + 1) * sizeof *o->val);
    if (!o->ptr || !o->col || !o->val) {
        ps_obs_rows_free(o);
        return ps_error_set(err, "out of memory for %lld observation non-zeros", (long long)nnz);
    }
    int64_t e = 0;
    for (int r = 0; r < n; r++) { /* without branches: each input is written, kept when non-zero */
        o->ptr[r] = e;
        const float *row = obs + (size_t)r * D;
        for (int d = 0; d < D; d++) {
            o->col[e] = d;
            o->val[e] = row[d] * (scale ? scale[d] : 1.0f);
            e += row[d] != 0.0f;
        }
    }
    o->ptr[n] = e;
    return PS_OK;
}

void ps_obs_rows_free(ps_obs_rows *o) {
    free(o->ptr);
    free(o->col);
    free(o->val);
    memset(o, 0, sizeof *o);
}

/* The batch's columns: every input non-zero in one of its rows (before
 * scaling), ascending, into b->idx (at least one: an all-zero batch still
 * needs a [B, 1] product); pos[d] = d's place there, -1 when not listed. */
static void batch_columns(ps_batch *b, const ps_obs_rows *o, const int *rows, int32_t *pos) {
    for (int d = 0; d < o->D; d++) pos[d] = -1;
    for (int r = 0; r < b->B; r++)
        for (int64_t e = o->ptr[rows[r]]; e < o->ptr[rows[r] + 1]; e++) pos[o->col[e]] = 0;
    int K = 0;
    for (int d = 0; d < o->D; d++)
        if (pos[d] == 0) pos[d] = K, b->idx[K++] = d;
    if (K == 0) b->idx[K++] = 0;
    b->K = K;
}

/* The non-zeros of the batch listed by tile then row, and by column. Each
 * row's entries are in column order, so one cursor per row (cursor[0..B))
 * walks them tile by tile; a column's entries are placed in the same walk
 * (next[0..K): where its next one goes), which keeps those writes within
 * one tile's columns at a time, rows ascending. */
static void batch_lists(ps_batch *b, const ps_obs_rows *o, const int *rows, const int32_t *pos, int64_t *cursor,
                        int64_t *next) {
    int B = b->B, K = b->K, tiles = (K + PS_BATCH_TILE - 1) / PS_BATCH_TILE;
    memset(b->col_ptr, 0, ((size_t)K + 1) * sizeof *b->col_ptr);
    for (int r = 0; r < B; r++)
        for (int64_t e = o->ptr[rows[r]]; e < o->ptr[rows[r] + 1]; e++) b->col_ptr[pos[o->col[e]] + 1] += o->val[e] != 0.0f;
    for (int k = 0; k < K; k++) { /* counts to starts */
        next[k] = b->col_ptr[k];
        b->col_ptr[k + 1] += b->col_ptr[k];
    }
    for (int r = 0; r < B; r++) cursor[r] = o->ptr[rows[r]];
    int64_t n = 0;
    for (int t = 0; t < tiles; t++) {
        int k1 = (t + 1) * PS_BATCH_TILE < K ? (t + 1) * PS_BATCH_TILE : K;
        for (int r = 0; r < B; r++) {
            b->tile_ptr[(size_t)t * B + r] = n;
            int64_t e = cursor[r], end = o->ptr[rows[r] + 1];
            for (; e < end && pos[o->col[e]] < k1; e++) {
                float x = o->val[e];
                if (x == 0.0f) continue; /* a zero scale */
                int64_t at = next[pos[o->col[e]]]++;
                b->tile_in[n] = o->col[e], b->tile_val[n++] = x;
                b->col_row[at] = r, b->col_val[at] = x;
            }
            cursor[r] = e;
        }
    }
    b->tile_ptr[(size_t)tiles * B] = n;
}

int ps_batch_from_rows(ps_batch *b, const ps_obs_rows *o, const int *rows, int B, ps_error *err) {
    memset(b, 0, sizeof *b);
    b->B = B;
    int64_t nnz = 0;
    for (int r = 0; r < B; r++) nnz += o->ptr[rows[r] + 1] - o->ptr[rows[r]];
    int32_t *pos = malloc((size_t)o->D * sizeof *pos);
    b->idx = malloc(((size_t)o->D + 1) * sizeof *b->idx);
    int ok = pos && b->idx;
    if (ok) batch_columns(b, o, rows, pos);
    int K = ok ? b->K : 0, tiles = (K + PS_BATCH_TILE - 1) / PS_BATCH_TILE;
    int64_t *cursor = ok ? malloc(((size_t)B + K) * sizeof *cursor) : NULL; /* batch_lists' cursor and next */
    if (ok) {
        b->xs = calloc((size_t)B * K, sizeof *b->xs);
        b->tile_ptr = malloc(((size_t)tiles * B + 1) * sizeof *b->tile_ptr);
        b->col_ptr = malloc(((size_t)K + 1) * sizeof *b->col_ptr);
        b->tile_in = malloc((size_t)(nnz + 1) * sizeof *b->tile_in);
        b->col_row = malloc((size_t)(nnz + 1) * sizeof *b->col_row);
        b->tile_val = malloc((size_t)(nnz + 1) * sizeof *b->tile_val);
        b->col_val = malloc((size_t)(nnz + 1) * sizeof *b->col_val);
        ok = cursor && b->xs && b->tile_ptr && b->col_ptr && b->tile_in && b->col_row && b->tile_val && b->col_val;
    }
    if (ok) {
        for (int r = 0; r < B; r++)
            for (int64_t e = o->ptr[rows[r]]; e < o->ptr[rows[r] + 1]; e++) b->xs[(size_t)r * K + pos[o->col[e]]] = o->val[e];
        batch_lists(b, o, rows, pos, cursor, cursor + B);
    }
    free(pos);
    free(cursor);
    if (!ok) {
        ps_batch_free(b);
        return ps_error_set(err, "out of memory for a batch of %d observations", B);
    }
    return PS_OK;
}

int ps_batch_build(ps_batch *b, const float *obs, int B, int D, const float *scale, ps_error *err) {
    ps_obs_rows o;
    int *rows = malloc((size_t)B * sizeof *rows);
    if (!rows) return ps_error_set(err, "out of memory");
    for (int r = 0; r < B; r++) rows[r] = r;
    int rc = ps_obs_rows_build(&o, obs, B, D, scale, err);
    if (rc == PS_OK) rc = ps_batch_from_rows(b, &o, rows, B, err);
    ps_obs_rows_free(&o);
    free(rows);
    return rc;
}

void ps_batch_free(ps_batch *b) {
    free(b->xs);
    free(b->idx);
    free(b->tile_ptr);
    free(b->tile_in);
    free(b->tile_val);
    free(b->col_ptr);
    free(b->col_row);
    free(b->col_val);
    memset(b, 0, sizeof *b);
}

/* The two trunks and heads: logits [B, n_logits] and values [B]. The first
 * layers read the batch's non-zero columns, or the dense obs when given. */
static int forward(ps_policy *p, const ps_batch *batch, const float *dense_obs, int B, ps_tlist *tl,
                   at_tensor *logits, at_tensor *values) {
    at_tensor first_pi, first_vf;
    if (dense_obs) {
        int64_t d[2] = {B, p->obs_dim};
        at_tensor x = T(at_from_floats(dense_obs, d, 2));
        if (p->in_scale) {
            int64_t ds[2] = {1, p->obs_dim};
            x = T(at_mul(x, T(at_from_floats(p->in_scale, ds, 2))));
        }
        first_pi = T(at_matmul_add(x, p->params[ps_pi_layer(p, 0)], p->params[ps_pi_layer(p, 0) + 1]));
        first_vf = T(at_matmul_add(x, p->params[ps_vf_layer(p, 0)], p->params[ps_vf_layer(p, 0) + 1]));
    } else {
        int64_t dx[2] = {batch->B, batch->K}, di[1] = {batch->K};
        at_tensor xs = T(at_from_floats(batch->xs, dx, 2)), idx = T(at_from_int64(batch->idx, di, 1));
        first_pi = T(at_linear_cols(xs, idx, p->params[ps_pi_layer(p, 0)], p->params[ps_pi_layer(p, 0) + 1]));
        first_vf = T(at_linear_cols(xs, idx, p->params[ps_vf_layer(p, 0)], p->params[ps_vf_layer(p, 0) + 1]));
    }
    at_tensor hp = T(at_tanh(first_pi)), hv = T(at_tanh(first_vf));
    for (int k = 1; k < p->n_hidden; k++) {
        hp = T(at_tanh(T(at_linear(hp, p->params[ps_pi_layer(p, k)], p->params[ps_pi_layer(p, k) + 1]))));
        hv = T(at_tanh(T(at_linear(hv, p->params[ps_vf_layer(p, k)], p->params[ps_vf_layer(p, k) + 1]))));
    }
    *logits = T(at_linear(hp, p->params[ps_action_layer(p)], p->params[ps_action_layer(p) + 1]));
    at_tensor v = T(at_linear(hv, p->params[ps_value_layer(p)], p->params[ps_value_layer(p) + 1]));
    *values = T(at_sum_dim(v, 1)); /* [B, 1] -> [B] */
    return 0;
fail:
    return -1;
}

/* Log-probabilities of each component: lp[c] = log_softmax of its slice. */
static int component_logp(const ps_policy *p, at_tensor logits, ps_tlist *tl, at_tensor lp[3]) {
    for (int c = 0, off = 0; c < 3; off += p->nvec[c++])
        lp[c] = T(at_log_softmax(T(at_narrow(logits, 1, off, p->nvec[c])), 1));
    return 0;
fail:
    return -1;
}

static int evaluate(ps_policy *p, const ps_batch *batch, const float *dense_obs, int B, const int64_t *actions,
                    ps_tlist *tl, ps_policy_eval *out, ps_error *err) {
    at_tensor logits, values, lp[3];
    memset(out, 0, sizeof *out);
    if (forward(p, batch, dense_obs, B, tl, &logits, &values) != 0 || component_logp(p, logits, tl, lp) != 0)
        goto fail;
    int64_t da[2] = {B, 3};
    at_tensor acts = T(at_from_int64(actions, da, 2)), logp = NULL, ent = NULL;
    for (int c = 0; c < 3; c++) {
        at_tensor a = T(at_narrow(acts, 1, c, 1));
        at_tensor lpa = T(at_sum_dim(T(at_gather(lp[c], 1, a)), 1));
        /* entropy = -sum p log p over the component's choices */
        at_tensor h = T(at_mul_scalar(T(at_sum_dim(T(at_mul(T(at_exp(lp[c])), lp[c])), 1)), -1.0));
        logp = logp ? T(at_add(logp, lpa)) : lpa;
        ent = ent ? T(at_add(ent, h)) : h;
    }
    out->logp = logp;
    out->entropy = ent;
    out->value = values;
    return PS_OK;
fail:
    return ps_torch_error(err, "policy forward");
}

int ps_policy_evaluate(ps_policy *p, const ps_batch *batch, const int64_t *actions, ps_tlist *tl,
                       ps_policy_eval *out, ps_error *err) {
    return evaluate(p, batch, NULL, batch->B, actions, tl, out, err);
}

int ps_policy_evaluate_dense(ps_policy *p, const float *obs, int B, const int64_t *actions, ps_tlist *tl,
                             ps_policy_eval *out, ps_error *err) {
    return evaluate(p, NULL, obs, B, actions, tl, out, err);
}

/* ---------------------------------------------------------------- rollout */

int ps_policy_act_reference(ps_policy *p, const float *obs, int deterministic, at_generator g, int action[3],
                            double *logp, double *value, ps_error *err) {
    ps_tlist list = {.n = 0}, *tl = &list;
    ps_batch batch;
    if (ps_batch_build(&batch, obs, 1, p->obs_dim, p->in_scale, err) != PS_OK) return PS_ERR;
    at_guard guard = at_inference_mode();
    at_tensor logits, values, lp[3];
    double total = 0;
    if (!guard || forward(p, &batch, NULL, 1, tl, &logits, &values) != 0 ||
        component_logp(p, logits, tl, lp) != 0)
        goto fail;
    for (int c = 0; c < 3; c++) {
        at_tensor pick = deterministic ? T(at_argmax(lp[c], 1)) : T(at_multinomial(T(at_exp(lp[c])), g));
        float buf[1];
        int64_t k = (int64_t)at_item(pick);
        TCHECK();
        action[c] = (int)k;
        int64_t di[2] = {1, 1};
        at_tensor ki = T(at_from_int64(&k, di, 2));
        at_to_floats(T(at_gather(lp[c], 1, ki)), buf, 1);
        TCHECK();
        total += buf[0];
    }
    *logp = total;
    *value = at_item(values);
    TCHECK();
    ps_tlist_free(tl);
    at_guard_end(guard);
    ps_batch_free(&batch);
    return PS_OK;
fail:
    ps_tlist_free(tl);
    at_guard_end(guard);
    ps_batch_free(&batch);
    return ps_torch_error(err, "policy step");
}

/* ------------------------------------------------- rollout forward in C */

/* Dot product with eight independent partial sums: a single running sum is
 * one long dependency chain the compiler may not reorder or vectorise. */
static float dot(const float *a, const float *b, int n) {
    float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int k = 0;
    for (; k + 8 <= n; k += 8)
        for (int j = 0; j < 8; j++) s[j] += a[k + j] * b[k + j];
    for (; k < n; k++) s[0] += a[k] * b[k];
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

/* One observation through both trunks and heads, reading the parameters'
 * values directly (no autograd, no per-op dispatch: ~100x fewer
 * microseconds than the same forward as shim ops). logits: n_logits floats. */
static int c_forward(ps_policy *p, const float *obs, float *logits, double *value, ps_error *err) {
    int D = p->obs_dim, K = 0;
    if (!p->nonzero && !(p->nonzero = malloc((size_t)D * sizeof *p->nonzero))) return ps_error_set(err, "out of memory");
    if (!p->nonzero_val && !(p->nonzero_val = malloc((size_t)D * sizeof *p->nonzero_val)))
        return ps_error_set(err, "out of memory");
    int64_t *idx = p->nonzero;
    for (int d = 0; d < D; d++) { /* listed without a branch: whether an input is zero is data */
        idx[K] = d;
        p->nonzero_val[K] = obs[d];
        K += obs[d] != 0.0f;
    }
    if (p->in_scale)
        for (int k = 0; k < K; k++) p->nonzero_val[k] *= p->in_scale[idx[k]];
    float h[2][4096], next[4096];
    for (int net = 0; net < 2; net++) {
        int first = net == 0 ? ps_pi_layer(p, 0) : ps_vf_layer(p, 0), H = p->hidden[0];
        const float *b = p->w[first + 1];
        float acc[4096];
        memcpy(acc, b, (size_t)H * sizeof *acc);
        ps_k_rows_axpy(acc, p->w[first], idx, p->nonzero_val, K, H);
        ps_k_tanh(acc, H);
        memcpy(h[net], acc, (size_t)H * sizeof acc[0]);
        for (int layer = 1; layer < p->n_hidden; layer++) {
            int li = net == 0 ? ps_pi_layer(p, layer) : ps_vf_layer(p, layer), in = p->hidden[layer - 1];
            const float *wl = p->w[li], *bl = p->w[li + 1];
            for (int j = 0; j < p->hidden[layer]; j++) next[j] = bl[j] + dot(h[net], wl + (size_t)j * in, in);
            ps_k_tanh(next, p->hidden[layer]);
            memcpy(h[net], next, (size_t)p->hidden[layer] * sizeof next[0]);
        }
    }
    int last = p->hidden[p->n_hidden - 1];
    const float *wa = p->w[ps_action_layer(p)], *ba = p->w[ps_action_layer(p) + 1];
    const float *wv = p->w[ps_value_layer(p)], *bv = p->w[ps_value_layer(p) + 1];
    for (int j = 0; j < p->n_logits; j++) logits[j] = ba[j] + dot(h[0], wa + (size_t)j * last, last);
    *value = bv[0] + dot(h[1], wv, last);
    return PS_OK;
}

/* One component's softmax over z[0..n): its largest logit *mx (the first
 * of equal ones at *best, argmax as torch) and the sum of exp(z - mx). */
static double exp_sum(const float *z, int n, double *mx, int *best) {
    double sum = 0;
    *mx = z[0], *best = 0;
    for (int k = 1; k < n; k++)
        if (z[k] > *mx) *mx = z[k], *best = k;
    for (int k = 0; k < n; k++) sum += exp(z[k] - *mx);
    return sum;
}

int ps_policy_act(ps_policy *p, const float *obs, int deterministic, ps_rng *rng, int action[3], double *logp,
                  double *value, ps_error *err) {
    float logits[PS_MAX_LOGITS];
    if (p->n_logits > PS_MAX_LOGITS) return ps_error_set(err, "%d logits: more than %d", p->n_logits, PS_MAX_LOGITS);
    if (c_forward(p, obs, logits, value, err) != PS_OK) return PS_ERR;
    double total = 0;
    for (int c = 0, off = 0; c < 3; off += p->nvec[c++]) {
        const float *z = logits + off;
        int n = p->nvec[c], pick;
        double mx, sum = exp_sum(z, n, &mx, &pick), lse = mx + log(sum); /* log-softmax: z - lse */
        if (!deterministic) {
            double u = ps_rng_uniform(rng) * sum, acc = 0;
            for (pick = 0; pick < n - 1; pick++) {
                acc += exp(z[pick] - mx);
                if (u < acc) break;
            }
        }
        action[c] = pick;
        total += z[pick] - lse;
    }
    *logp = total;
    return PS_OK;
}

int ps_policy_probs(ps_policy *p, const float *obs, double *probs, ps_error *err) {
    float logits[PS_MAX_LOGITS];
    double value;
    if (p->n_logits > PS_MAX_LOGITS) return ps_error_set(err, "%d logits: more than %d", p->n_logits, PS_MAX_LOGITS);
    if (c_forward(p, obs, logits, &value, err) != PS_OK) return PS_ERR;
    for (int c = 0, off = 0; c < 3; off += p->nvec[c++]) {
        int best;
        double mx, sum = exp_sum(logits + off, p->nvec[c], &mx, &best);
        for (int k = 0; k < p->nvec[c]; k++) probs[off + k] = exp(logits[off + k] - mx) / sum;
    }
    return PS_OK;
}

int ps_policy_value(ps_policy *p, const float *obs, double *value, ps_error *err) {
    float logits[PS_MAX_LOGITS];
    if (p->n_logits > PS_MAX_LOGITS) return ps_error_set(err, "%d logits: more than %d", p->n_logits, PS_MAX_LOGITS);
    return c_forward(p, obs, logits, value, err);
}
