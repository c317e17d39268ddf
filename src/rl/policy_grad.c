/* policy_grad.c - see policy_grad.h. */
#include "policy_grad.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels.h"

void ps_train_work_free(ps_train_work *w) {
    for (int net = 0; net < 2; net++)
        for (int l = 0; l < PS_MAX_HIDDEN; l++) free(w->act[net][l]);
    free(w->lsm);
    free(w->q);
    free(w->h);
    free(w->scratch);
    free(w->value);
    free(w->logp);
    free(w->entropy);
    free(w->g_logp);
    free(w->g_entropy);
    free(w->g_value);
    free(w->dlogits);
    free(w->dh);
    free(w->dz);
    free(w->grad);
    memset(w, 0, sizeof *w);
}

static int grow(void **ptr, size_t bytes) {
    void *q = realloc(*ptr, bytes ? bytes : 1);
    if (!q) return -1;
    *ptr = q;
    return 0;
}

/* Buffers for B rows (grown, never shrunk). */
static int reserve(const ps_policy *p, int B, ps_train_work *w, ps_error *err) {
    int NL = p->n_logits, Hmax = NL;
    for (int l = 0; l < p->n_hidden; l++) Hmax = p->hidden[l] > Hmax ? p->hidden[l] : Hmax;
    int rc = 0;
    if (!w->grad) {
        int64_t total = 0;
        for (int i = 0; i < p->n_params; i++) total += p->numel[i];
        rc |= grow((void **)&w->grad, (size_t)total * sizeof(float));
        for (int64_t i = 0, off = 0; i < p->n_params && !rc; off += p->numel[i++])
            w->grads[i] = (ps_grad){w->grad + off, 0, NULL};
    }
    if (B > w->B_cap) {
        size_t b = (size_t)B;
        for (int net = 0; net < 2; net++)
            for (int l = 0; l < p->n_hidden; l++) rc |= grow((void **)&w->act[net][l], b * p->hidden[l] * sizeof(float));
        rc |= grow((void **)&w->lsm, b * NL * sizeof(float)) | grow((void **)&w->dlogits, b * NL * sizeof(float));
        rc |= grow((void **)&w->q, b * NL * sizeof(float)) | grow((void **)&w->h, b * 3 * sizeof(double));
        size_t sc = (size_t)Hmax * Hmax > b * Hmax ? (size_t)Hmax * Hmax : b * Hmax; /* W^T or dz^T */
        rc |= grow((void **)&w->scratch, sc * sizeof(float));
        rc |= grow((void **)&w->dh, b * Hmax * sizeof(float)) | grow((void **)&w->dz, b * Hmax * sizeof(float));
        rc |= grow((void **)&w->value, b * sizeof(float));
        rc |= grow((void **)&w->logp, b * sizeof(double)) | grow((void **)&w->entropy, b * sizeof(double));
        rc |= grow((void **)&w->g_logp, b * sizeof(double)) | grow((void **)&w->g_entropy, b * sizeof(double));
        rc |= grow((void **)&w->g_value, b * sizeof(double));
    }
    if (rc) return ps_error_set(err, "out of memory for a training batch of %d rows", B);
    if (B > w->B_cap) w->B_cap = B;
    return PS_OK;
}

/* One trunk (0 policy, 1 value) from the batch's columns to its last
 * hidden layer's activations. */
static void trunk_forward(const ps_policy *p, int net, const ps_batch *b, ps_train_work *w) {
    int first = net == 0 ? ps_pi_layer(p, 0) : ps_vf_layer(p, 0), H0 = p->hidden[0];
    const float *bias = p->w[first + 1];
    float *y = w->act[net][0];
    for (int r = 0; r < b->B; r++) memcpy(y + (size_t)r * H0, bias, (size_t)H0 * sizeof *y);
    int tiles = (b->K + PS_BATCH_TILE - 1) / PS_BATCH_TILE;
    ps_k_sparse_rows_mm(y, p->w[first], b->tile_ptr, b->tile_in, b->tile_val, tiles, b->B, H0);
    ps_k_tanh(y, (int64_t)b->B * H0);
    for (int l = 1; l < p->n_hidden; l++) {
        int li = net == 0 ? ps_pi_layer(p, l) : ps_vf_layer(p, l);
        ps_k_linear(w->act[net][l], w->act[net][l - 1], p->w[li], p->w[li + 1], b->B, p->hidden[l - 1], p->hidden[l],
                    w->scratch);
        ps_k_tanh(w->act[net][l], (int64_t)b->B * p->hidden[l]);
    }
}

int ps_policy_train_forward(const ps_policy *p, const ps_batch *b, const int64_t *actions, ps_train_work *w,
                            ps_error *err) {
    if (reserve(p, b->B, w, err) != PS_OK) return PS_ERR;
    trunk_forward(p, 0, b, w);
    trunk_forward(p, 1, b, w);
    int last = p->hidden[p->n_hidden - 1], NL = p->n_logits, B = b->B;
    int al = ps_action_layer(p), vl = ps_value_layer(p);
    ps_k_linear(w->lsm, w->act[0][p->n_hidden - 1], p->w[al], p->w[al + 1], B, last, NL, w->scratch);
    ps_k_linear(w->value, w->act[1][p->n_hidden - 1], p->w[vl], p->w[vl + 1], B, last, 1, w->scratch);
    for (int r = 0; r < B; r++) { /* logits -> log-softmax (in place) and softmax per component */
        double logp = 0, ent = 0;
        for (int c = 0, off = 0; c < 3; off += p->nvec[c++]) {
            float *z = w->lsm + (size_t)r * NL + off, *q = w->q + (size_t)r * NL + off;
            int n = p->nvec[c];
            float mx = z[0];
            for (int k = 1; k < n; k++) mx = z[k] > mx ? z[k] : mx;
            float sum = 0;
            for (int k = 0; k < n; k++) sum += q[k] = expf(z[k] - mx);
            float lse = mx + logf(sum);
            double h = 0;
            for (int k = 0; k < n; k++) {
                z[k] -= lse;
                q[k] /= sum;
                h -= (double)q[k] * z[k];
            }
            logp += z[actions[3 * r + c]];
            ent += h;
            w->h[3 * r + c] = h;
        }
        w->logp[r] = logp;
        w->entropy[r] = ent;
    }
    return PS_OK;
}

/* d loss / d logits of each row: for component c with probabilities q and
 * entropy h, g_logp (onehot(a) - q) - g_entropy q (log q + h). */
static void logits_grad(const ps_policy *p, int B, const int64_t *actions, ps_train_work *w) {
    int NL = p->n_logits;
    for (int r = 0; r < B; r++)
        for (int c = 0, off = 0; c < 3; off += p->nvec[c++]) {
            const float *l = w->lsm + (size_t)r * NL + off, *q = w->q + (size_t)r * NL + off;
            float *d = w->dlogits + (size_t)r * NL + off;
            int n = p->nvec[c];
            float gl = (float)w->g_logp[r], ge = (float)w->g_entropy[r], h = (float)w->h[3 * r + c];
            for (int k = 0; k < n; k++) d[k] = -gl * q[k] - ge * q[k] * (l[k] + h);
            d[actions[3 * r + c]] += gl;
        }
}

/* One trunk from d loss / d (last activations) in w->dh down to its
 * parameters' gradients. */
static void trunk_backward(const ps_policy *p, int net, const ps_batch *b, ps_train_work *w) {
    int B = b->B;
    for (int l = p->n_hidden - 1; l >= 0; l--) {
        int li = net == 0 ? ps_pi_layer(p, l) : ps_vf_layer(p, l), H = p->hidden[l];
        const float *a = w->act[net][l];
        for (int64_t k = 0; k < (int64_t)B * H; k++) w->dz[k] = w->dh[k] * (1.0f - a[k] * a[k]);
        if (l > 0) {
            ps_k_linear_grad(w->grads[li].g, w->grads[li + 1].g, w->dh, w->dz, w->act[net][l - 1], p->w[li], B,
                             p->hidden[l - 1], H, w->scratch);
            continue;
        }
        ps_k_sparse_cols_grad(w->grads[li].g, w->dz, b->col_ptr, b->col_row, b->col_val, b->K, H);
        w->grads[li].K = b->K;
        w->grads[li].idx = b->idx;
        float *db = w->grads[li + 1].g;
        memset(db, 0, (size_t)H * sizeof *db);
        for (int r = 0; r < B; r++)
            for (int j = 0; j < H; j++) db[j] += w->dz[(size_t)r * H + j];
    }
}

void ps_policy_train_backward(const ps_policy *p, const ps_batch *b, const int64_t *actions, ps_train_work *w) {
    int B = b->B, last = p->hidden[p->n_hidden - 1];
    int al = ps_action_layer(p), vl = ps_value_layer(p);
    logits_grad(p, B, actions, w);
    ps_k_linear_grad(w->grads[al].g, w->grads[al + 1].g, w->dh, w->dlogits, w->act[0][p->n_hidden - 1], p->w[al], B,
                     last, p->n_logits, w->scratch);
    trunk_backward(p, 0, b, w);
    for (int r = 0; r < B; r++) w->dz[r] = (float)w->g_value[r];
    ps_k_linear_grad(w->grads[vl].g, w->grads[vl + 1].g, w->dh, w->dz, w->act[1][p->n_hidden - 1], p->w[vl], B,
                     last, 1, w->scratch);
    trunk_backward(p, 1, b, w);
}
