/* test_rl.c - the learner (spec 12.2), in one process because libtorch
 * costs ~0.5 s to start:
 *   1. the torch shim's operations against hand-computed values (forward,
 *      gradients, generators, errors); the C Adam and gradient clipping by
 *      hand, its row parameters bit for bit against dense Adam; the
 *      learner's float kernels against plain double loops;
 *   2. PPO's pieces: GAE, advantage normalisation, explained variance, the
 *      clipped loss and its gradient, the policy's log-probabilities and
 *      entropies against a forward done by hand, the hand-written training
 *      forward and backward against the autograd reference (sparse and
 *      dense first layer), the C rollout forward = the shim reference, the
 *      parameter count;
 *   3. learning: on a 4-node cluster where no job ever arrives the best policy
 *      is known (everything off: +0.7 per step); PPO must find it;
 *   4. determinism and checkpoints: same seed -> bit-identical training;
 *      save/load restores everything that continuing depends on; corrupt or
 *      incompatible checkpoints are refused with the path in the message;
 *   5. resume: which checkpoint a session continues, with whose network, and
 *      the iteration accounting of --iter-limit; a new model with another
 *      session's network (--init-from); the training flags' checks.
 * usage: test_rl [SHARED_DIR] (unused: everything here is built in memory) */
#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

#include "adam.h"
#include "check.h"
#include "checkpoint.h"
#include "evaluate.h"
#include "kernels.h"
#include "policy.h"
#include "policy_grad.h"
#include "resume.h"
#include "train_options.h"
#include "powersched/scenario.h"
#include "powersched/env.h"
#include "powersched/zipfile.h"
#include "ppo.h"
#include "tensors.h"
#include "torch_api.h"
#include "trainer.h"

/* ------------------------------------------------------------- helpers */

/* Every tensor a test makes is kept here and freed by release(). A shim call
 * that fails where it must not ends the process: continuing would hand NULL
 * to the next call. */
static at_tensor *kept;
static int n_kept, cap_kept;

static at_tensor keep_(at_tensor t, const char *expr, int line) {
    if (!t || at_last_error()) {
        fprintf(stderr, "test_rl.c:%d: %s failed: %s\n", line, expr,
                at_last_error() ? at_last_error() : "(NULL, no error)");
        exit(1);
    }
    if (n_kept == cap_kept) {
        cap_kept = cap_kept ? 2 * cap_kept : 256;
        kept = realloc(kept, (size_t)cap_kept * sizeof *kept);
        if (!kept) exit(1);
    }
    return kept[n_kept++] = t;
}
#define K(expr) keep_((expr), #expr, __LINE__)

static void release(void) {
    for (int i = 0; i < n_kept; i++) at_free(kept[i]);
    n_kept = 0;
}

static at_tensor vec(const float *v, int64_t n) {
    int64_t d[1] = {n};
    return K(at_from_floats(v, d, 1));
}

static at_tensor mat(const float *v, int64_t rows, int64_t cols) {
    int64_t d[2] = {rows, cols};
    return K(at_from_floats(v, d, 2));
}

static at_tensor imat(const int64_t *v, int64_t rows, int64_t cols) {
    int64_t d[2] = {rows, cols};
    return K(at_from_int64(v, d, 2));
}

/* Values of t (any dtype: at_to_floats converts). */
static void get(at_tensor t, float *out, int64_t n) {
    at_to_floats(t, out, n);
    if (at_last_error()) {
        fprintf(stderr, "at_to_floats: %s\n", at_last_error());
        exit(1);
    }
}

/* The gradient of a leaf as floats; returns 0 when it has none. */
static int grad_of(at_tensor t, float *out, int64_t n) {
    at_tensor g = at_grad(t);
    if (!g) return 0;
    get(g, out, n);
    at_free(g);
    return 1;
}

#define CHECK_VALUES(t, want, n, tol)                                     \
    do {                                                                  \
        float got_[64];                                                   \
        get((t), got_, (n));                                              \
        for (int i_ = 0; i_ < (n); i_++) CHECK_NEAR(got_[i_], (want)[i_], (tol)); \
    } while (0)

static double uniform(ps_rng *r, double lo, double hi) { return lo + (hi - lo) * ps_rng_uniform(r); }

static int param_index(const ps_policy *p, const char *name) {
    for (int i = 0; i < p->n_params; i++)
        if (!strcmp(p->names[i], name)) return i;
    fprintf(stderr, "no parameter %s\n", name);
    exit(1);
}

static const float *param(const ps_policy *p, const char *name) { return at_data(p->params[param_index(p, name)]); }

/* Replaces every parameter with uniform values in [-scale, scale] so that
 * logits are far from uniform (the real initialisation makes them ~0). */
static void randomize_policy(ps_policy *p, uint64_t seed, double scale) {
    ps_rng r;
    ps_rng_seed(&r, seed, 99);
    for (int i = 0; i < p->n_params; i++) {
        float *d = p->w[i];
        for (int64_t k = 0; k < p->numel[i]; k++) d[k] = (float)uniform(&r, -scale, scale);
    }
}

/* The policy's forward done by hand in double: logits and value of one obs.
 * The first layers' weights are input-major ([obs_dim, hidden0]: input d's
 * weight to unit j at d * hidden0 + j), the others torch's [out, in]. */
static void hand_forward(const ps_policy *p, const float *obs, double *logits, double *value) {
    static double h[2][16384], next[4096];
    const char *net[2] = {"pi", "vf"};
    if (p->obs_dim > 16384) exit(1);
    for (int n = 0; n < 2; n++) {
        int in = p->obs_dim;
        for (int d = 0; d < in; d++) h[n][d] = obs[d];
        for (int k = 0; k < p->n_hidden; k++) {
            char wn[32], bn[32];
            snprintf(wn, sizeof wn, "%s.%d.weight", net[n], k);
            snprintf(bn, sizeof bn, "%s.%d.bias", net[n], k);
            const float *w = param(p, wn), *b = param(p, bn);
            int H = p->hidden[k];
            for (int j = 0; j < H; j++) {
                double acc = b[j];
                for (int d = 0; d < in; d++)
                    acc += (double)(k == 0 ? w[(size_t)d * H + j] : w[(size_t)j * in + d]) * h[n][d];
                next[j] = tanh(acc);
            }
            in = p->hidden[k];
            memcpy(h[n], next, (size_t)in * sizeof next[0]);
        }
    }
    int last = p->hidden[p->n_hidden - 1];
    const float *wa = param(p, "action.weight"), *ba = param(p, "action.bias");
    const float *wv = param(p, "value.weight"), *bv = param(p, "value.bias");
    for (int j = 0; j < p->n_logits; j++) {
        double acc = ba[j];
        for (int k = 0; k < last; k++) acc += (double)wa[(size_t)j * last + k] * h[0][k];
        logits[j] = acc;
    }
    double v = bv[0];
    for (int k = 0; k < last; k++) v += (double)wv[k] * h[1][k];
    *value = v;
}

/* Log-probability of `action` and entropy of the three categoricals. */
static void hand_dist(const ps_policy *p, const double *logits, const int64_t action[3], double *logp,
                      double *entropy) {
    *logp = 0;
    *entropy = 0;
    for (int c = 0, off = 0; c < 3; off += p->nvec[c++]) {
        double mx = -INFINITY, s = 0;
        for (int k = 0; k < p->nvec[c]; k++) mx = fmax(mx, logits[off + k]);
        for (int k = 0; k < p->nvec[c]; k++) s += exp(logits[off + k] - mx);
        double lse = mx + log(s);
        for (int k = 0; k < p->nvec[c]; k++) {
            double lp = logits[off + k] - lse;
            *entropy -= exp(lp) * lp;
        }
        *logp += logits[off + action[c]] - lse;
    }
}

static void fail_on(int rc, const ps_error *err, const char *what) {
    if (rc != PS_OK) {
        fprintf(stderr, "%s: %s\n", what, err->msg);
        exit(1);
    }
}

/* A 4-node x 4-core cluster with an 8-slot queue and a 16-job backlog;
 * legacy generator with up to max_new jobs per hour. */
static ps_scenario_spec tiny_spec(int max_new, uint64_t seed) {
    ps_scenario_spec s = ps_scenario_spec_default();
    s.cfg.max_nodes = 4;
    s.cfg.cores_per_node = 4;
    s.cfg.max_queue_size = 8;
    s.cfg.max_backlog_size = 16;
    s.cfg.max_new_jobs_per_hour = max_new;
    s.cfg.max_nodes_per_job = 4;
    s.cfg.max_cores_per_job = 4;
    s.cfg.max_job_duration = 6;
    s.seed = seed;
    return s;
}

static ps_env *env_new(const ps_scenario_spec *spec) {
    ps_env *env = malloc(sizeof *env);
    ps_error err;
    if (!env) exit(1);
    fail_on(ps_env_open(env, spec, NULL, &err), &err, "ps_env_create");
    return env;
}

static void env_delete(ps_env *env) {
    ps_env_free(env);
    free(env);
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ======================================================= 1. the torch shim */

static void test_tensor_basics(void) {
    const float v[6] = {1.5f, -2.0f, 3.25f, 0.0f, 1e-3f, -7.0f};
    at_tensor t = mat(v, 2, 3);
    CHECK_INT(at_numel(t), 6);
    CHECK_INT(at_size(t, 0), 2);
    CHECK_INT(at_size(t, 1), 3);
    float back[6];
    get(t, back, 6);
    CHECK(memcmp(back, v, sizeof v) == 0);
    /* from_floats copies: changing the source leaves the tensor alone */
    float src[2] = {4.0f, 5.0f};
    at_tensor c = vec(src, 2);
    src[0] = -1.0f;
    CHECK_NEAR(at_data(c)[0], 4.0, 0);
    /* at_to_floats refuses a buffer of the wrong size */
    float small[2];
    at_to_floats(t, small, 2);
    CHECK(at_last_error() != NULL);
    at_clear_error();
    int64_t iv[4] = {3, -1, 0, 1234567};
    at_tensor it = imat(iv, 2, 2);
    float iback[4];
    get(it, iback, 4);
    for (int i = 0; i < 4; i++) CHECK_NEAR(iback[i], (double)iv[i], 0);
    int64_t zd[2] = {2, 2};
    at_tensor z = K(at_zeros(zd, 2));
    const float zeros[4] = {0, 0, 0, 0};
    CHECK_VALUES(z, zeros, 4, 0);
    CHECK_NEAR(at_item(K(at_sum(t))), 1.5 - 2 + 3.25 + 0 + 1e-3 - 7, 1e-6);
    release();
}

static void test_linear(void) {
    const float x[6] = {1, 2, 3, 4, 5, 6}, w[6] = {1, 0, -1, 0.5f, 0.5f, 0.5f}, b[2] = {0.1f, -0.2f};
    at_tensor y = K(at_linear(mat(x, 2, 3), mat(w, 2, 3), vec(b, 2)));
    CHECK_INT(at_size(y, 0), 2);
    CHECK_INT(at_size(y, 1), 2);
    /* row 0: 1 - 3 + 0.1, 0.5 * 6 - 0.2; row 1: 4 - 6 + 0.1, 0.5 * 15 - 0.2 */
    const double want[4] = {-1.9, 2.8, -1.9, 7.3};
    CHECK_VALUES(y, want, 4, 1e-6);
    release();
}

/* x [2, 6] is zero except columns 1 and 4. at_linear (torch's [out, in]
 * weight), at_matmul_add (the input-major [in, out] weight) and
 * at_linear_cols (input-major, x given by its non-zero columns only) give
 * the same values, by hand, and the same gradients; the column product's
 * weight gradient is zero outside its rows. */
static void test_linear_cols(void) {
    const float x[12] = {0, 2, 0, 0, -1, 0, /**/ 0, 0.5f, 0, 0, 3, 0};
    const float xs[4] = {2, -1, 0.5f, 3};
    const int64_t idx[2] = {1, 4};
    float w[18], wt[18], b[3] = {0.3f, -0.1f, 0.2f};
    for (int i = 0; i < 18; i++) w[i] = (float)(0.1 * (i % 7) - 0.25 * (i % 3));
    for (int o = 0; o < 3; o++)
        for (int i = 0; i < 6; i++) wt[i * 3 + o] = w[o * 6 + i]; /* [6, 3] */
    const float c[6] = {1, -2, 0.5f, 3, 0.25f, -1}; /* dL/dy */
    at_tensor wd = mat(w, 3, 6), bd = vec(b, 3), wm = mat(wt, 6, 3), bm = vec(b, 3), ws = mat(wt, 6, 3),
              bs = vec(b, 3);
    at_tensor leaves[6] = {wd, bd, wm, bm, ws, bs};
    for (int i = 0; i < 6; i++) at_requires_grad(leaves[i], 1);
    int64_t di[1] = {2};
    at_tensor idx_t = K(at_from_int64(idx, di, 1));
    at_tensor yd = K(at_linear(mat(x, 2, 6), wd, bd));
    at_tensor ym = K(at_matmul_add(mat(x, 2, 6), wm, bm));
    at_tensor ys = K(at_linear_cols(mat(xs, 2, 2), idx_t, ws, bs));
    CHECK(at_size(ym, 0) == 2 && at_size(ym, 1) == 3);
    CHECK(at_size(ys, 0) == 2 && at_size(ys, 1) == 3);
    float vd[6], vm[6], vs[6];
    get(yd, vd, 6);
    get(ym, vm, 6);
    get(ys, vs, 6);
    /* by hand: y[r][o] = b[o] + w[o][1] x[r][1] + w[o][4] x[r][4] */
    for (int r = 0; r < 2; r++)
        for (int o = 0; o < 3; o++) {
            double want = b[o] + w[o * 6 + 1] * x[r * 6 + 1] + w[o * 6 + 4] * x[r * 6 + 4];
            CHECK_NEAR(vd[r * 3 + o], want, 1e-6);
            CHECK_NEAR(vm[r * 3 + o], want, 1e-6);
            CHECK_NEAR(vs[r * 3 + o], want, 1e-6);
        }
    at_backward(K(at_sum(K(at_mul(yd, mat(c, 2, 3))))));
    at_backward(K(at_sum(K(at_mul(ym, mat(c, 2, 3))))));
    at_backward(K(at_sum(K(at_mul(ys, mat(c, 2, 3))))));
    CHECK(at_last_error() == NULL);
    float gwd[18], gwm[18], gws[18], gbd[3], gbm[3], gbs[3];
    CHECK(grad_of(wd, gwd, 18) && grad_of(wm, gwm, 18) && grad_of(ws, gws, 18));
    CHECK(grad_of(bd, gbd, 3) && grad_of(bm, gbm, 3) && grad_of(bs, gbs, 3));
    for (int o = 0; o < 3; o++) {
        /* dL/db[o] = sum_r c[r][o]; dL/dw[o][i] = sum_r c[r][o] x[r][i] */
        CHECK_NEAR(gbd[o], c[o] + c[3 + o], 1e-6);
        CHECK_NEAR(gbm[o], c[o] + c[3 + o], 1e-6);
        CHECK_NEAR(gbs[o], c[o] + c[3 + o], 1e-6);
        for (int i = 0; i < 6; i++) {
            double want = c[o] * x[i] + c[3 + o] * x[6 + i];
            CHECK_NEAR(gwd[o * 6 + i], want, 1e-6);
            CHECK_NEAR(gwm[i * 3 + o], want, 1e-6); /* input-major: row i */
            CHECK_NEAR(gws[i * 3 + o], want, 1e-6);
            if (i != 1 && i != 4) CHECK_NEAR(gws[i * 3 + o], 0, 0);
        }
    }
    /* the column product over columns whose values hold a zero (what the
     * training product skips): the same as the dense product */
    const float xz[4] = {2, 0, 0.5f, 3}, xzd[12] = {0, 2, 0, 0, 0, 0, /**/ 0, 0.5f, 0, 0, 3, 0};
    float vz[6], vzd[6];
    get(K(at_linear_cols(mat(xz, 2, 2), idx_t, ws, bs)), vz, 6);
    get(K(at_matmul_add(mat(xzd, 2, 6), wm, bm)), vzd, 6);
    for (int i = 0; i < 6; i++) CHECK_NEAR(vz[i], vzd[i], 1e-6);
    CHECK_NEAR(vz[0], b[0] + wt[1 * 3 + 0] * 2, 1e-6);
    /* wrong shapes and an index out of range are errors, not crashes */
    CHECK(at_matmul_add(mat(x, 2, 6), wd, bd) == NULL && at_last_error()); /* [2, 6] @ [3, 6] */
    at_clear_error();
    CHECK(at_linear_cols(mat(xz, 1, 4), idx_t, ws, bs) == NULL && at_last_error());
    at_clear_error();
    int64_t out_of_range[1] = {6}, d1[1] = {1};
    CHECK(at_linear_cols(mat(xz, 2, 1), K(at_from_int64(out_of_range, d1, 1)), ws, bs) == NULL && at_last_error());
    at_clear_error();
    release();
}

static void test_elementwise(void) {
    const float a[3] = {-1, 0, 0.5f}, b[3] = {2, -4, 0.25f};
    at_tensor ta = vec(a, 3), tb = vec(b, 3);
    double want[6];
    for (int i = 0; i < 3; i++) want[i] = tanh(a[i]);
    CHECK_VALUES(K(at_tanh(ta)), want, 3, 1e-6);
    for (int i = 0; i < 3; i++) want[i] = exp(a[i]);
    CHECK_VALUES(K(at_exp(ta)), want, 3, 1e-6);
    const double add[3] = {1, -4, 0.75}, sub[3] = {-3, 4, 0.25}, mul[3] = {-2, 0, 0.125}, dv[3] = {-0.5, -0.0, 2};
    CHECK_VALUES(K(at_add(ta, tb)), add, 3, 1e-7);
    CHECK_VALUES(K(at_sub(ta, tb)), sub, 3, 1e-7);
    CHECK_VALUES(K(at_mul(ta, tb)), mul, 3, 1e-7);
    CHECK_VALUES(K(at_div(ta, tb)), dv, 3, 1e-7);
    const double ms[3] = {2.5, 0, -1.25}, as[3] = {0.5, 1.5, 2};
    CHECK_VALUES(K(at_mul_scalar(ta, -2.5)), ms, 3, 1e-7);
    CHECK_VALUES(K(at_add_scalar(ta, 1.5)), as, 3, 1e-7);
    const double mn[3] = {-1, -4, 0.25}, cl[3] = {-0.5, 0, 0.3};
    CHECK_VALUES(K(at_minimum(ta, tb)), mn, 3, 0);
    CHECK_VALUES(K(at_clamp(ta, -0.5, 0.3)), cl, 3, 1e-7);
    /* broadcasting a row over a matrix */
    const float m[6] = {1, 2, 3, 4, 5, 6};
    at_tensor tm = mat(m, 2, 3);
    const double bc[6] = {0, 2, 3.5, 3, 5, 6.5};
    CHECK_VALUES(K(at_add(tm, ta)), bc, 6, 1e-7);
    /* reductions */
    CHECK_NEAR(at_item(K(at_sum(tm))), 21, 0);
    CHECK_NEAR(at_item(K(at_mean(tm))), 3.5, 1e-7);
    const double s0[3] = {5, 7, 9}, s1[2] = {6, 15};
    at_tensor r0 = K(at_sum_dim(tm, 0)), r1 = K(at_sum_dim(tm, 1));
    CHECK_INT(at_numel(r0), 3);
    CHECK_INT(at_numel(r1), 2);
    CHECK_VALUES(r0, s0, 3, 0);
    CHECK_VALUES(r1, s1, 2, 0);
    /* narrow: columns 1..2 of [[1,2,3],[4,5,6]] */
    at_tensor nr = K(at_narrow(tm, 1, 1, 2));
    CHECK_INT(at_size(nr, 0), 2);
    CHECK_INT(at_size(nr, 1), 2);
    const double nw[4] = {2, 3, 5, 6};
    CHECK_VALUES(nr, nw, 4, 0);
    const double nw0[3] = {4, 5, 6};
    CHECK_VALUES(K(at_narrow(tm, 0, 1, 1)), nw0, 3, 0);
    /* log_softmax of [1, 2, 3]: x - log(e + e^2 + e^3) = x - 3.40760596444 */
    const float ls[3] = {1, 2, 3};
    const double lw[3] = {-2.40760596444438, -1.40760596444438, -0.40760596444438};
    CHECK_VALUES(K(at_log_softmax(vec(ls, 3), 0)), lw, 3, 1e-6);
    /* row-wise on a matrix: each row separately */
    const float ls2[6] = {1, 2, 3, 0, 0, 0};
    const double lw2[6] = {lw[0], lw[1], lw[2], -log(3.0), -log(3.0), -log(3.0)};
    CHECK_VALUES(K(at_log_softmax(mat(ls2, 2, 3), 1)), lw2, 6, 1e-6);
    /* gather and argmax (first maximum on ties, as torch) */
    const float g[6] = {10, 20, 30, 40, 50, 60};
    const int64_t gi[2] = {2, 0};
    const double gw[2] = {30, 40};
    CHECK_VALUES(K(at_gather(mat(g, 2, 3), 1, imat(gi, 2, 1))), gw, 2, 0);
    const float am[6] = {1, 5, 5, 7, 0, -1};
    const double aw[2] = {1, 0};
    CHECK_VALUES(K(at_argmax(mat(am, 2, 3), 1)), aw, 2, 0);
    /* detach: same values, no gradient flows */
    at_tensor leaf = vec(a, 3);
    at_requires_grad(leaf, 1);
    at_tensor d = K(at_detach(K(at_mul_scalar(leaf, 2))));
    const double dw[3] = {-2, 0, 1};
    CHECK_VALUES(d, dw, 3, 0);
    release();
}

/* Gradients through the ops the loss uses: d/dx sum(exp(x) * tanh(x)). */
static void test_gradients(void) {
    const float x[3] = {-0.5f, 0.25f, 1.0f};
    at_tensor t = vec(x, 3);
    at_requires_grad(t, 1);
    float gx[3];
    CHECK(grad_of(t, gx, 3) == 0); /* no gradient before backward */
    at_backward(K(at_sum(K(at_mul(K(at_exp(t)), K(at_tanh(t)))))));
    CHECK(grad_of(t, gx, 3));
    for (int i = 0; i < 3; i++) {
        double e = exp(x[i]), th = tanh(x[i]);
        CHECK_NEAR(gx[i], e * th + e * (1 - th * th), 1e-5);
    }
    /* log_softmax + gather: d/dz log p_k = onehot(k) - softmax(z) */
    const float z[3] = {0.5f, -1, 2};
    const int64_t k[1] = {0};
    at_tensor tz = mat(z, 1, 3);
    at_requires_grad(tz, 1);
    at_backward(K(at_sum(K(at_gather(K(at_log_softmax(tz, 1)), 1, imat(k, 1, 1))))));
    float gz[3];
    CHECK(grad_of(tz, gz, 3));
    double s = exp(0.5) + exp(-1.0) + exp(2.0);
    CHECK_NEAR(gz[0], 1 - exp(0.5) / s, 1e-6);
    CHECK_NEAR(gz[1], -exp(-1.0) / s, 1e-6);
    CHECK_NEAR(gz[2], -exp(2.0) / s, 1e-6);
    /* clamp passes the gradient inside the range only */
    const float c[3] = {-1, 0.1f, 2};
    at_tensor tc = vec(c, 3);
    at_requires_grad(tc, 1);
    at_backward(K(at_sum(K(at_clamp(tc, -0.5, 0.5)))));
    float gc[3];
    CHECK(grad_of(tc, gc, 3));
    CHECK_NEAR(gc[0], 0, 0);
    CHECK_NEAR(gc[1], 1, 0);
    CHECK_NEAR(gc[2], 0, 0);
    /* inference mode: a result computed under the guard carries no graph */
    at_guard guard = at_inference_mode();
    CHECK(guard != NULL);
    at_tensor y = K(at_mul_scalar(tc, 3));
    at_guard_end(guard);
    const double yw[3] = {-3, 0.3, 6};
    CHECK_VALUES(y, yw, 3, 1e-6);
    release();
}

/* One draw from a [1, n] probability row, as a number. */
static float draw(at_tensor probs, at_generator g) {
    at_tensor s = at_multinomial(probs, g);
    float v = -1;
    if (s) {
        get(s, &v, 1);
        at_free(s);
    } else {
        fprintf(stderr, "at_multinomial: %s\n", at_last_error());
        at_clear_error();
    }
    return v;
}

static void test_multinomial(void) {
    at_generator g = at_generator_new(42), g1 = at_generator_new(42), g2 = at_generator_new(42),
                 g3 = at_generator_new(43);
    CHECK(g && g1 && g2 && g3);
    /* one-hot rows always give their index */
    const float onehot[8] = {0, 0, 1, 0, /**/ 1, 0, 0, 0};
    at_tensor p1 = mat(onehot, 2, 4);
    int ok = 1;
    for (int i = 0; i < 50; i++) {
        at_tensor s = K(at_multinomial(p1, g));
        float v[2];
        CHECK_INT(at_size(s, 0), 2);
        CHECK_INT(at_size(s, 1), 1);
        get(s, v, 2);
        ok &= v[0] == 2 && v[1] == 0;
    }
    CHECK(ok);
    /* same seed -> same samples; another seed -> another sequence; the
     * frequencies follow the probabilities */
    const float pr[4] = {0.1f, 0.2f, 0.3f, 0.4f};
    at_tensor p2 = mat(pr, 1, 4);
    int same = 1, differ = 0, count[4] = {0, 0, 0, 0};
    const int N = 2000;
    for (int i = 0; i < N; i++) {
        float a = draw(p2, g1), b = draw(p2, g2), c = draw(p2, g3);
        same &= a == b;
        differ += a != c;
        if (a >= 0 && a < 4) count[(int)a]++;
    }
    CHECK(same);
    CHECK(differ > 100);
    /* binomial sd at N = 2000 is at most 0.011: 0.04 is > 3.5 sd */
    for (int k = 0; k < 4; k++) CHECK_NEAR((double)count[k] / N, pr[k], 0.04);
    /* unnormalised weights are allowed: zero weight is never drawn */
    const float w[3] = {0, 5, 5};
    at_tensor pw = mat(w, 1, 3);
    int zero = 0;
    for (int i = 0; i < 200; i++) zero += draw(pw, g) == 0;
    CHECK_INT(zero, 0);
    at_generator_free(g);
    at_generator_free(g1);
    at_generator_free(g2);
    at_generator_free(g3);
    release();
}

static void test_generator_state(void) {
    at_generator g = at_generator_new(7), h = at_generator_new(99);
    const float pr[5] = {1, 1, 1, 1, 1};
    at_tensor p = mat(pr, 1, 5);
    for (int i = 0; i < 5; i++) draw(p, g);
    int64_t n = at_generator_state_size(g);
    CHECK(n > 0);
    uint8_t *state = malloc((size_t)n);
    at_generator_get_state(g, state, n);
    CHECK(at_last_error() == NULL);
    float first[30], again[30], other[30];
    for (int i = 0; i < 30; i++) first[i] = draw(p, g);
    at_generator_set_state(g, state, n);
    for (int i = 0; i < 30; i++) again[i] = draw(p, g);
    at_generator_set_state(h, state, n); /* another generator takes it over */
    for (int i = 0; i < 30; i++) other[i] = draw(p, h);
    CHECK(at_last_error() == NULL);
    CHECK(memcmp(first, again, sizeof first) == 0);
    CHECK(memcmp(first, other, sizeof first) == 0);
    /* a state buffer of the wrong size is an error, not a crash */
    at_generator_get_state(g, state, n - 1);
    CHECK(at_last_error() != NULL);
    at_clear_error();
    free(state);
    at_generator_free(g);
    at_generator_free(h);
    release();
}

/* W W^T = gain^2 I for a wide matrix; W^T W = gain^2 I for a tall one. */
static void check_orthogonal(const float *w, int rows, int cols, double gain) {
    double worst = 0;
    if (rows <= cols) {
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < rows; j++) {
                double s = 0;
                for (int k = 0; k < cols; k++) s += (double)w[i * cols + k] * w[j * cols + k];
                worst = fmax(worst, fabs(s - (i == j ? gain * gain : 0)));
            }
    } else {
        for (int i = 0; i < cols; i++)
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int k = 0; k < rows; k++) s += (double)w[k * cols + i] * w[k * cols + j];
                worst = fmax(worst, fabs(s - (i == j ? gain * gain : 0)));
            }
    }
    CHECK_NEAR(worst, 0, 1e-5);
}

static void test_orthogonal(void) {
    at_generator g = at_generator_new(3), g2 = at_generator_new(3);
    int64_t d[2] = {4, 6}, dt[2] = {6, 4};
    at_tensor w = K(at_zeros(d, 2)), w2 = K(at_zeros(d, 2)), tall = K(at_zeros(dt, 2));
    at_orthogonal_(w, 2.0, g);
    at_orthogonal_(w2, 2.0, g2);
    at_orthogonal_(tall, 0.5, g);
    CHECK(at_last_error() == NULL);
    float a[24], b[24], t[24];
    get(w, a, 24);
    get(w2, b, 24);
    get(tall, t, 24);
    check_orthogonal(a, 4, 6, 2.0);
    check_orthogonal(t, 6, 4, 0.5);
    CHECK(memcmp(a, b, sizeof a) == 0); /* same seed, same matrix */
    /* not a trivial solution (e.g. a scaled identity): every row has mass
     * outside its diagonal */
    int spread = 0;
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 6; k++) spread += k != i && fabsf(a[i * 6 + k]) > 1e-3f;
    CHECK(spread > 8);
    /* in place on a leaf that requires grad (how the policy uses it) */
    at_tensor leaf = K(at_zeros(d, 2));
    at_requires_grad(leaf, 1);
    at_orthogonal_(leaf, 1.0, g);
    CHECK(at_last_error() == NULL);
    get(leaf, a, 24);
    check_orthogonal(a, 4, 6, 1.0);
    at_zero_(leaf);
    CHECK(at_last_error() == NULL);
    CHECK_NEAR(at_item(K(at_sum(K(at_mul(leaf, leaf))))), 0, 0);
    at_generator_free(g);
    at_generator_free(g2);
    release();
}

static void test_errors(void) {
    at_clear_error();
    CHECK(at_last_error() == NULL);
    const float a[3] = {1, 2, 3}, b[5] = {1, 2, 3, 4, 5};
    at_tensor ta = vec(a, 3), tb = vec(b, 5);
    at_tensor r = at_add(ta, tb);
    CHECK(r == NULL);
    const char *e = at_last_error();
    CHECK(e != NULL);
    if (e) {
        /* libtorch's own message, without the C++ backtrace */
        CHECK_STR_CONTAINS(e, "size of tensor a (3) must match the size of tensor b (5)");
        CHECK(strstr(e, "Exception raised from") == NULL);
    }
    at_clear_error();
    CHECK(at_last_error() == NULL);
    /* other failures: a linear layer of the wrong width, a bad dimension, an
     * index out of range */
    const float w[4] = {1, 2, 3, 4};
    CHECK(at_linear(mat(a, 1, 3), mat(w, 2, 2), vec(w, 2)) == NULL && at_last_error());
    at_clear_error();
    CHECK(at_log_softmax(ta, 3) == NULL && at_last_error());
    at_clear_error();
    const int64_t bad[1] = {7};
    CHECK(at_gather(mat(a, 1, 3), 1, imat(bad, 1, 1)) == NULL && at_last_error());
    at_clear_error();
    /* tensors.h: ps_torch_error prefixes the message and clears the error */
    CHECK(at_sub(ta, tb) == NULL);
    ps_error err;
    CHECK_INT(ps_torch_error(&err, "demo op"), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "demo op: ");
    CHECK_STR_CONTAINS(err.msg, "must match");
    CHECK(at_last_error() == NULL);
    /* ps_tlist owns what it records, refuses to overflow, passes NULL through */
    ps_tlist tl = {.n = 0};
    CHECK(ps_tlist_add(&tl, NULL) == NULL);
    for (int i = 0; i < PS_TLIST_MAX; i++) ps_tlist_add(&tl, at_from_floats(a, (int64_t[]){3}, 1));
    CHECK_INT(tl.n, PS_TLIST_MAX);
    CHECK(ps_tlist_add(&tl, at_from_floats(a, (int64_t[]){3}, 1)) == NULL);
    CHECK_INT(tl.n, PS_TLIST_MAX);
    ps_tlist_free(&tl);
    CHECK_INT(tl.n, 0);
    release();
}

/* One Adam step on a known gradient, then a second one: torch.optim.Adam's
 * formula with bias correction, by hand. */
static void test_adam(void) {
    const float p0[3] = {1.0f, -2.0f, 0.5f};
    float p[3] = {1.0f, -2.0f, 0.5f}, g1[3] = {0.5f, -3.0f, 2.0f}, g2[3] = {-1.0f, 1.0f, 0.25f};
    const double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8;
    float *pp = p;
    int64_t n = 3;
    ps_adam o;
    ps_error err;
    fail_on(ps_adam_create(&o, &pp, &n, 1, lr, b1, b2, eps, &err), &err, "ps_adam_create");
    CHECK_INT(o.steps, 0);
    const float *mo = ps_adam_moment(&o, 0, 0), *vo = ps_adam_moment(&o, 0, 1);
    CHECK(mo != NULL && vo != NULL && mo != vo);
    for (int i = 0; i < 3; i++) CHECK(mo[i] == 0.0f && vo[i] == 0.0f);
    ps_grad g = {g1, 0, NULL};
    fail_on(ps_adam_step(&o, &g, &err), &err, "ps_adam_step");
    CHECK_INT(o.steps, 1);
    double m[3], v[3], want[3];
    for (int i = 0; i < 3; i++) {
        m[i] = (1 - b1) * g1[i];
        v[i] = (1 - b2) * (double)g1[i] * g1[i];
        /* m/(1-b1) = g, v/(1-b2) = g^2: the first step is lr * g / (|g| + eps) */
        want[i] = p0[i] - lr * g1[i] / (fabs(g1[i]) + eps);
        CHECK_NEAR(want[i], p0[i] - lr * (g1[i] > 0 ? 1 : -1), 1e-6);
        CHECK_NEAR(p[i], want[i], 1e-6);
        CHECK_NEAR(mo[i], m[i], 1e-7);
        CHECK_NEAR(vo[i], v[i], 1e-9);
    }
    /* second step: the moments decay and the correction is 1 - b^2 */
    g.g = g2;
    fail_on(ps_adam_step(&o, &g, &err), &err, "ps_adam_step");
    CHECK_INT(o.steps, 2);
    for (int i = 0; i < 3; i++) {
        m[i] = b1 * m[i] + (1 - b1) * g2[i];
        v[i] = b2 * v[i] + (1 - b2) * (double)g2[i] * g2[i];
        double mh = m[i] / (1 - b1 * b1), vh = v[i] / (1 - b2 * b2);
        want[i] -= lr * mh / (sqrt(vh) + eps);
        CHECK_NEAR(p[i], want[i], 1e-5);
        CHECK_NEAR(mo[i], m[i], 1e-7);
        CHECK_NEAR(vo[i], v[i], 1e-9);
    }
    /* a parameter without a gradient is skipped (torch's grad None) */
    float before[3], mb[3], vb[3];
    memcpy(before, p, sizeof before);
    memcpy(mb, mo, sizeof mb);
    memcpy(vb, vo, sizeof vb);
    ps_grad none = {NULL, 0, NULL};
    fail_on(ps_adam_step(&o, &none, &err), &err, "ps_adam_step");
    CHECK(memcmp(before, p, sizeof before) == 0 && memcmp(mb, mo, sizeof mb) == 0 && memcmp(vb, vo, sizeof vb) == 0);
    /* the learning rate can be changed: at 0 the moments move, the weights not */
    o.lr = 0.0;
    g.g = g1;
    fail_on(ps_adam_step(&o, &g, &err), &err, "ps_adam_step");
    CHECK(memcmp(before, p, sizeof before) == 0);
    CHECK(memcmp(mb, mo, sizeof mb) != 0);
    ps_adam_set_step_count(&o, 17);
    CHECK_INT(o.steps, 17);
    /* a bad moment index gives NULL */
    CHECK(ps_adam_moment(&o, 5, 0) == NULL);
    CHECK(ps_adam_moment(&o, -1, 1) == NULL);
    /* refused: no parameters, a row shape that is not the parameter's, a
     * parameter that does not exist */
    ps_adam bad;
    CHECK_INT(ps_adam_create(&bad, &pp, &n, 0, lr, b1, b2, eps, &err), PS_ERR);
    ps_adam_free(&bad);
    CHECK_INT(ps_adam_set_rows(&o, 0, 2, 2, &err), PS_ERR);
    CHECK_INT(ps_adam_set_rows(&o, 1, 3, 1, &err), PS_ERR);
    ps_adam_free(&o);
}

static void test_clip_grad_norm(void) {
    float a0[2] = {1, 1}, b0[3] = {1, 1, 1}, ga[2] = {3, 0}, gb[3] = {0, 4, 12};
    float *ps[2] = {a0, b0};
    const int64_t numel[2] = {2, 3};
    ps_adam o;
    ps_error err;
    fail_on(ps_adam_create(&o, ps, numel, 2, 1e-3, 0.9, 0.999, 1e-5, &err), &err, "ps_adam_create");
    ps_grad g[2] = {{ga, 0, NULL}, {gb, 0, NULL}};
    /* gradients: sqrt(9 + 16 + 144) = 13 */
    CHECK_NEAR(ps_adam_clip(&o, g, 100.0), 13.0, 1e-12);
    const double unchanged[5] = {3, 0, 0, 4, 12};
    for (int i = 0; i < 5; i++) CHECK_NEAR(i < 2 ? ga[i] : gb[i - 2], unchanged[i], 0); /* below max: untouched */
    CHECK_NEAR(ps_adam_clip(&o, g, 6.5), 13.0, 1e-12);
    double sq = 0;
    for (int i = 0; i < 5; i++) {
        float x = i < 2 ? ga[i] : gb[i - 2];
        CHECK_NEAR(x, unchanged[i] * 0.5, 1e-5); /* scaled by 6.5 / (13 + 1e-6) */
        sq += (double)x * x;
    }
    CHECK_NEAR(sqrt(sq), 6.5, 1e-5);
    CHECK_NEAR(ps_adam_clip(&o, g, 6.5), 6.5, 1e-5); /* the norm it now has */
    /* no gradients at all: norm 0 */
    ps_grad none[2] = {{NULL, 0, NULL}, {NULL, 0, NULL}};
    CHECK_NEAR(ps_adam_clip(&o, none, 0.5), 0, 0);
    ps_adam_free(&o);
    /* a row parameter ([4, 3]) counts the rows it is given: rows 1 and 3
     * hold (1, 2, 2) and (0, 0, 4): norm 5 with the dense (3, 0) */
    float w[12], d[2] = {0, 0}, gr[6] = {1, 2, 2, 0, 0, 4}, gd[2] = {3, 0};
    float *pw[2] = {w, d};
    const int64_t nw[2] = {12, 2}, rows[2] = {1, 3};
    for (int i = 0; i < 12; i++) w[i] = 0.5f;
    fail_on(ps_adam_create(&o, pw, nw, 2, 1e-3, 0.9, 0.999, 1e-5, &err), &err, "ps_adam_create");
    fail_on(ps_adam_set_rows(&o, 0, 4, 3, &err), &err, "ps_adam_set_rows");
    ps_grad gw[2] = {{gr, 2, rows}, {gd, 0, NULL}};
    CHECK_NEAR(ps_adam_clip(&o, gw, 10), sqrt(34.0), 1e-12);
    CHECK_NEAR(ps_adam_clip(&o, gw, sqrt(34.0) / 2), sqrt(34.0), 1e-12);
    CHECK_NEAR(gr[5], 2, 1e-5);
    CHECK_NEAR(gd[0], 1.5, 1e-5);
    gw[0].K = 0; /* no row: only the dense part */
    CHECK_NEAR(ps_adam_clip(&o, gw, 10), 1.5, 1e-5);
    ps_adam_free(&o);
}

/* Adam over a row parameter (its gradient given as a few rows, the others'
 * zero-gradient updates deferred to the flush) against dense Adam given
 * the same gradient with zeros in the other rows: after a flush, weights
 * and both moments identical, bit for bit. Row sets vary: steps touching no
 * row, rows touched on consecutive steps, rows coming back after gaps (a
 * block of rows after more pending steps than the history starts with),
 * a row never touched before a flush. Also: clipping's norm counts the
 * given rows; ps_adam_step_dense = a dense step with a zero gradient; a
 * resumed optimiser (moments copied, step count set) continues the same. */
static void test_adam_rows(void) {
    enum { R = 70, C = 23, NB = 11, STEPS1 = 7, STEPS2 = 75 };
    const int64_t numel[2] = {R * C, NB};
    float *ws = malloc(R * C * sizeof(float)), *wd = malloc(R * C * sizeof(float)), *w0 = malloc(R * C * sizeof(float));
    float bs[NB], bd[NB];
    float *gs = malloc(R * C * sizeof(float)), *gdn = malloc(R * C * sizeof(float)), gb[NB], gb2[NB];
    int64_t idx[R];
    if (!ws || !wd || !w0 || !gs || !gdn) exit(1);
    ps_rng r;
    ps_rng_seed(&r, 17, 3);
    for (int i = 0; i < R * C; i++) w0[i] = ws[i] = wd[i] = (float)uniform(&r, -1, 1);
    for (int i = 0; i < NB; i++) bs[i] = bd[i] = (float)uniform(&r, -1, 1);
    float *pars[2] = {ws, bs}, *pard[2] = {wd, bd};
    ps_adam os, od;
    ps_error err;
    fail_on(ps_adam_create(&os, pars, numel, 2, 0.01, 0.9, 0.999, 1e-5, &err), &err, "ps_adam_create");
    fail_on(ps_adam_create(&od, pard, numel, 2, 0.01, 0.9, 0.999, 1e-5, &err), &err, "ps_adam_create");
    fail_on(ps_adam_set_rows(&os, 0, R, C, &err), &err, "ps_adam_set_rows");
    int bad_norm = 0, bad_clip = 0, clipped_steps = 0, empty_steps = 0;
    /* each step: the same gradient to both (rows for one, scattered for the other) */
    for (int t = 0; t < STEPS1 + STEPS2; t++) {
        int Kr = 0;
        double density = t % 3 == 0 ? 0.7 : 0.15;
        if (t % 5 != 3)
            for (int row = 0; row < R; row++) {
                int on;
                if (row == 5) on = 1;                                    /* every step but the empty ones */
                else if (row == 9) on = t == 0 || t == 6 || t == 40;     /* after gaps */
                else if (row == R - 1) on = t >= STEPS1 && t % 4 == 0;   /* never before the first flush */
                else if (row >= 20 && row < 30) on = t == 1 || t == 2 || t == STEPS1 + STEPS2 - 1;
                else on = ps_rng_uniform(&r) < density;
                if (!on) continue;
                idx[Kr] = row;
                for (int j = 0; j < C; j++) gs[Kr * C + j] = (float)uniform(&r, -1, 1);
                Kr++;
            }
        empty_steps += Kr == 0;
        for (int j = 0; j < NB; j++) gb[j] = (float)uniform(&r, -1, 1);
        double sq = 0;
        for (int k = 0; k < Kr * C; k++) sq += (double)gs[k] * gs[k];
        for (int j = 0; j < NB; j++) sq += (double)gb[j] * gb[j];
        double hand = sqrt(sq);
        memset(gdn, 0, R * C * sizeof(float));
        for (int k = 0; k < Kr; k++) memcpy(gdn + idx[k] * C, gs + k * C, C * sizeof(float));
        memcpy(gb2, gb, sizeof gb);
        ps_grad Gs[2] = {{gs, Kr, idx}, {gb, 0, NULL}}, Gd[2] = {{gdn, 0, NULL}, {gb2, 0, NULL}};
        bad_norm += fabs(ps_adam_clip(&od, Gd, 1e30) - hand) > 1e-12 * hand;
        if (t % 4 == 1) { /* clipped: every given value scaled by max / (norm + 1e-6) */
            float keep_s[R * C], keep_b[NB];
            memcpy(keep_s, gs, Kr * C * sizeof(float));
            memcpy(keep_b, gb, sizeof gb);
            double mx = 0.5 * hand, got = ps_adam_clip(&os, Gs, mx);
            bad_norm += fabs(got - hand) > 1e-12 * hand;
            float coef = (float)(mx / (got + 1e-6));
            for (int k = 0; k < Kr * C; k++) bad_clip += gs[k] != keep_s[k] * coef;
            for (int j = 0; j < NB; j++) bad_clip += gb[j] != keep_b[j] * coef;
            /* the dense one takes the clipped values */
            for (int k = 0; k < Kr; k++) memcpy(gdn + idx[k] * C, gs + k * C, C * sizeof(float));
            memcpy(gb2, gb, sizeof gb);
            clipped_steps++;
        } else {
            bad_norm += fabs(ps_adam_clip(&os, Gs, 1e30) - hand) > 1e-12 * hand;
        }
        fail_on(ps_adam_step(&os, Gs, &err), &err, "ps_adam_step (rows)");
        fail_on(ps_adam_step(&od, Gd, &err), &err, "ps_adam_step (dense)");
        if (t == STEPS1 - 1 || t == STEPS1 + STEPS2 - 1) {
            ps_adam_flush(&os);
            ps_adam_flush(&od);
            CHECK_INT(os.steps, t + 1);
            CHECK_INT(od.steps, t + 1);
            CHECK(memcmp(ws, wd, R * C * sizeof(float)) == 0);
            CHECK(memcmp(bs, bd, sizeof bs) == 0);
            for (int i = 0; i < 2; i++)
                for (int which = 0; which < 2; which++)
                    CHECK(memcmp(ps_adam_moment(&os, i, which), ps_adam_moment(&od, i, which),
                                 (size_t)numel[i] * sizeof(float)) == 0);
            if (t == STEPS1 - 1) { /* row R - 1 never had a gradient: it has not moved */
                CHECK(memcmp(ws + (R - 1) * C, w0 + (R - 1) * C, C * sizeof(float)) == 0);
                CHECK(memcmp(ws + 9 * C, w0 + 9 * C, C * sizeof(float)) != 0);
            }
        }
    }
    CHECK_INT(bad_norm, 0);
    CHECK_INT(bad_clip, 0);
    CHECK(clipped_steps > 5 && empty_steps > 5);
    /* a real test: most rows have moments and moved */
    int moved = 0;
    for (int row = 0; row < R; row++) moved += ps_adam_moment(&os, 0, 0)[row * C] != 0 && ws[row * C] != w0[row * C];
    CHECK(moved > R / 2);
    /* step_dense = a dense step with a zero gradient, also right after row
     * steps (its flush) and before more (every row current after it) */
    for (int t = 0; t < 5; t++) {
        if (t == 2) {
            memset(gdn, 0, R * C * sizeof(float));
            memset(gb2, 0, sizeof gb2);
            ps_grad Gd[2] = {{gdn, 0, NULL}, {gb2, 0, NULL}};
            fail_on(ps_adam_step_dense(&os, &err), &err, "ps_adam_step_dense");
            fail_on(ps_adam_step(&od, Gd, &err), &err, "ps_adam_step");
            CHECK(memcmp(ws, wd, R * C * sizeof(float)) == 0); /* step_dense leaves nothing deferred */
            CHECK(memcmp(ps_adam_moment(&os, 0, 1), ps_adam_moment(&od, 0, 1), R * C * sizeof(float)) == 0);
            continue;
        }
        int64_t rows[3] = {t, 30 + t, R - 1};
        for (int k = 0; k < 3 * C; k++) gs[k] = (float)uniform(&r, -1, 1);
        for (int j = 0; j < NB; j++) gb2[j] = gb[j] = (float)uniform(&r, -1, 1);
        memset(gdn, 0, R * C * sizeof(float));
        for (int k = 0; k < 3; k++) memcpy(gdn + rows[k] * C, gs + k * C, C * sizeof(float));
        ps_grad Gs[2] = {{gs, 3, rows}, {gb, 0, NULL}}, Gd[2] = {{gdn, 0, NULL}, {gb2, 0, NULL}};
        fail_on(ps_adam_step(&os, Gs, &err), &err, "ps_adam_step");
        fail_on(ps_adam_step(&od, Gd, &err), &err, "ps_adam_step");
    }
    ps_adam_flush(&os);
    CHECK_INT(os.steps, STEPS1 + STEPS2 + 5);
    CHECK(memcmp(ws, wd, R * C * sizeof(float)) == 0);
    CHECK(memcmp(bs, bd, sizeof bs) == 0);
    for (int i = 0; i < 2; i++)
        for (int which = 0; which < 2; which++)
            CHECK(!memcmp(ps_adam_moment(&os, i, which), ps_adam_moment(&od, i, which), numel[i] * sizeof(float)));
    /* resumed: a new row optimiser over copies, moments copied in, the step
     * count set; the same steps on both give the same numbers */
    float *w3 = malloc(R * C * sizeof(float)), b3[NB];
    if (!w3) exit(1);
    memcpy(w3, ws, R * C * sizeof(float));
    memcpy(b3, bs, sizeof b3);
    float *par3[2] = {w3, b3};
    ps_adam o3;
    fail_on(ps_adam_create(&o3, par3, numel, 2, 0.01, 0.9, 0.999, 1e-5, &err), &err, "ps_adam_create");
    fail_on(ps_adam_set_rows(&o3, 0, R, C, &err), &err, "ps_adam_set_rows");
    for (int i = 0; i < 2; i++)
        for (int which = 0; which < 2; which++)
            memcpy(ps_adam_moment(&o3, i, which), ps_adam_moment(&os, i, which), (size_t)numel[i] * sizeof(float));
    ps_adam_set_step_count(&o3, os.steps);
    for (int t = 0; t < 4; t++) {
        int64_t rows[2] = {2 * t, 40 + t};
        for (int k = 0; k < 2 * C; k++) gs[k] = (float)uniform(&r, -1, 1);
        for (int j = 0; j < NB; j++) gb[j] = (float)uniform(&r, -1, 1);
        ps_grad G[2] = {{gs, t == 1 ? 0 : 2, rows}, {gb, 0, NULL}};
        fail_on(ps_adam_step(&os, G, &err), &err, "ps_adam_step");
        fail_on(ps_adam_step(&o3, G, &err), &err, "ps_adam_step");
    }
    ps_adam_flush(&os);
    ps_adam_flush(&o3);
    CHECK(memcmp(ws, w3, R * C * sizeof(float)) == 0);
    CHECK(memcmp(bs, b3, sizeof bs) == 0);
    for (int i = 0; i < 2; i++)
        for (int which = 0; which < 2; which++)
            CHECK(!memcmp(ps_adam_moment(&os, i, which), ps_adam_moment(&o3, i, which), numel[i] * sizeof(float)));
    /* refused: rows without values, a row shape that is not the parameter's */
    int64_t two[2] = {1, 2};
    ps_grad G[2] = {{NULL, 2, two}, {gb, 0, NULL}};
    CHECK_INT(ps_adam_step(&os, G, &err), PS_ERR);
    CHECK_INT(ps_adam_set_rows(&os, 0, R + 1, C, &err), PS_ERR);
    ps_adam_free(&os);
    ps_adam_free(&od);
    ps_adam_free(&o3);
    free(ws);
    free(wd);
    free(w0);
    free(w3);
    free(gs);
    free(gdn);
}

/* ------------------------------------------------------------- kernels */

/* got[i] against want[i] within 1e-5 of scale[i] (the sum of the absolute
 * terms that made it) plus 1e-7: one check per array, the worst printed. */
static void check_close(const char *what, const float *got, const double *want, const double *scale, int64_t n) {
    int64_t bad = 0, worst = -1;
    double worst_err = 0;
    for (int64_t i = 0; i < n; i++) {
        double e = fabs((double)got[i] - want[i]), tol = 1e-5 * scale[i] + 1e-7;
        if (!(e <= tol)) {
            bad++;
            if (!(e <= worst_err)) worst_err = e, worst = i;
        }
    }
    if (bad)
        fprintf(stderr, "%s: %lld of %lld values off; worst [%lld]: %.9g, expected %.9g\n", what, (long long)bad,
                (long long)n, (long long)worst, got[worst], want[worst]);
    CHECK_INT(bad, 0);
}

/* A value in [-1, 1], or 0 with probability zero_share. */
static float sparse_value(ps_rng *r, double zero_share) {
    return ps_rng_uniform(r) < zero_share ? 0.0f : (float)uniform(r, -1, 1);
}

static float *floats(int64_t n) {
    float *p = malloc((size_t)(n > 0 ? n : 1) * sizeof *p);
    if (!p) exit(1);
    return p;
}

static double *doubles(int64_t n) {
    double *p = malloc((size_t)(n > 0 ? n : 1) * sizeof *p);
    if (!p) exit(1);
    return p;
}

/* want[p * Q + q] = bias[q] (when given) + sum over k of a[p * ap + k * ak] *
 * b[q * bq + k * bk], in double; scale[.] the same sum of absolute terms. */
static void ref_product(double *want, double *scale, int64_t P, int64_t Q, int64_t K, const float *a, int64_t ap,
                        int64_t ak, const float *b, int64_t bq, int64_t bk, const float *bias) {
    for (int64_t p = 0; p < P; p++)
        for (int64_t q = 0; q < Q; q++) {
            double s = bias ? bias[q] : 0, m = bias ? fabs(bias[q]) : 0;
            for (int64_t k = 0; k < K; k++) {
                double t = (double)a[p * ap + k * ak] * b[q * bq + k * bk];
                s += t, m += fabs(t);
            }
            want[p * Q + q] = s;
            scale[p * Q + q] = m;
        }
}

/* ps_k_linear and ps_k_linear_grad against double loops; outputs start as
 * NaN (they are written, not accumulated). */
static void check_linear_kernels(int64_t B, int64_t I, int64_t O, ps_rng *r) {
    float *x = floats(B * I), *W = floats(O * I), *b = floats(O), *y = floats(B * O), *dz = floats(B * O);
    float *dW = floats(O * I), *db = floats(O), *dx = floats(B * I), *dW2 = floats(O * I), *db2 = floats(O);
    float *scratch = floats(I * O > O * B ? I * O : O * B);
    double *want = doubles(B * I + O * I + B * O), *scale = doubles(B * I + O * I + B * O);
    for (int64_t i = 0; i < B * I; i++) x[i] = sparse_value(r, 0.4);
    for (int64_t i = 0; i < O * I; i++) W[i] = sparse_value(r, 0.05);
    for (int64_t i = 0; i < O; i++) b[i] = sparse_value(r, 0);
    for (int64_t i = 0; i < B * O; i++) dz[i] = sparse_value(r, 0.2);
    for (int64_t i = 0; i < B * I; i++) x[i] = i / I == B - 1 && B > 1 ? 0.0f : x[i]; /* a row of zeros */
    memset(y, 0xff, (size_t)(B * O) * sizeof *y);
    ps_k_linear(y, x, W, b, B, I, O, scratch);
    ref_product(want, scale, B, O, I, x, I, 1, W, I, 1, b); /* y = x W^T + b */
    char what[96];
    snprintf(what, sizeof what, "ps_k_linear B=%lld I=%lld O=%lld", (long long)B, (long long)I, (long long)O);
    check_close(what, y, want, scale, B * O);
    memset(dW, 0xff, (size_t)(O * I) * sizeof *dW);
    memset(db, 0xff, (size_t)O * sizeof *db);
    memset(dx, 0xff, (size_t)(B * I) * sizeof *dx);
    ps_k_linear_grad(dW, db, dx, dz, x, W, B, I, O, scratch);
    ref_product(want, scale, O, I, B, dz, 1, O, x, 1, I, NULL); /* dW = dz^T x */
    snprintf(what, sizeof what, "ps_k_linear_grad dW B=%lld I=%lld O=%lld", (long long)B, (long long)I, (long long)O);
    check_close(what, dW, want, scale, O * I);
    for (int64_t o = 0; o < O; o++) {
        double s = 0, a = 0;
        for (int64_t rr = 0; rr < B; rr++) s += dz[rr * O + o], a += fabs(dz[rr * O + o]);
        want[o] = s;
        scale[o] = a;
    }
    snprintf(what, sizeof what, "ps_k_linear_grad db B=%lld I=%lld O=%lld", (long long)B, (long long)I, (long long)O);
    check_close(what, db, want, scale, O);
    ref_product(want, scale, B, I, O, dz, O, 1, W, 1, I, NULL); /* dx = dz W */
    snprintf(what, sizeof what, "ps_k_linear_grad dx B=%lld I=%lld O=%lld", (long long)B, (long long)I, (long long)O);
    check_close(what, dx, want, scale, B * I);
    /* without dx: the same dW and db */
    ps_k_linear_grad(dW2, db2, NULL, dz, x, W, B, I, O, scratch);
    CHECK(memcmp(dW, dW2, (size_t)(O * I) * sizeof *dW) == 0);
    CHECK(memcmp(db, db2, (size_t)O * sizeof *db) == 0);
    free(x), free(W), free(b), free(y), free(dz), free(dW), free(db), free(dx), free(dW2), free(db2);
    free(scratch), free(want), free(scale);
}

/* ps_batch_build's lists against the dense observations they come from:
 * the non-zero columns, xs, and both lists (by tile of PS_BATCH_TILE
 * columns then row, and by column) hold each non-zero value exactly once,
 * in order, and nothing else. */
static void check_batch_lists(const ps_batch *b, const float *obs, int D) {
    int B = b->B, K = b->K, tiles = (K + PS_BATCH_TILE - 1) / PS_BATCH_TILE, bad = 0;
    int64_t nnz = 0;
    for (int k = 0; k < K; k++) {
        bad += b->idx[k] < 0 || b->idx[k] >= D || (k > 0 && b->idx[k] <= b->idx[k - 1]);
        for (int r = 0; r < B; r++) bad += b->xs[(size_t)r * K + k] != obs[(size_t)r * D + b->idx[k]];
    }
    for (int d = 0, k = 0; d < D; d++) { /* columns not listed are zero in every row */
        if (k < K && b->idx[k] == d) {
            k++;
            continue;
        }
        for (int r = 0; r < B; r++) bad += obs[(size_t)r * D + d] != 0.0f;
    }
    for (int64_t q = 0; q < (int64_t)B * K; q++) nnz += b->xs[q] != 0.0f;
    int64_t n = 0;
    for (int t = 0; t < tiles; t++)
        for (int r = 0; r < B; r++) {
            bad += b->tile_ptr[(size_t)t * B + r] != n;
            for (int k = t * PS_BATCH_TILE; k < K && k < (t + 1) * PS_BATCH_TILE; k++) {
                float x = b->xs[(size_t)r * K + k];
                if (x == 0.0f) continue;
                bad += b->tile_in[n] != b->idx[k] || b->tile_val[n] != x;
                n++;
            }
        }
    bad += b->tile_ptr[(size_t)tiles * B] != n || n != nnz;
    n = 0;
    for (int k = 0; k < K; k++) {
        bad += b->col_ptr[k] != n;
        for (int r = 0; r < B; r++) {
            float x = b->xs[(size_t)r * K + k];
            if (x == 0.0f) continue;
            bad += b->col_row[n] != r || b->col_val[n] != x;
            n++;
        }
    }
    bad += b->col_ptr[K] != n || n != nnz;
    CHECK_INT(bad, 0);
}

/* ps_k_sparse_rows_mm (accumulating into y) and ps_k_sparse_cols_grad on a
 * batch's lists, against double loops over the dense observations: B rows
 * of D inputs, K of them non-zero somewhere (row 0 non-zero in all of
 * them, row 1 all zero, the rest mostly zero), hidden size H. */
static void check_sparse_kernels(int B, int K, int D, int64_t H, ps_rng *r) {
    float *obs = floats((int64_t)B * D), *w = floats(D * H), *y = floats(B * H), *y0 = floats(B * H);
    float *g = floats(B * H), *gw = floats(K * H);
    double *want = doubles(K * H > B * H ? K * H : B * H), *scale = doubles(K * H > B * H ? K * H : B * H);
    memset(obs, 0, (size_t)B * D * sizeof *obs);
    for (int d = 0, k = 0; d < D && k < K; d++) /* K of D, ascending (selection sampling) */
        if (ps_rng_uniform(r) * (double)(D - d) < (double)(K - k)) {
            for (int rr = 0; rr < B; rr++) obs[(size_t)rr * D + d] = rr == 1 ? 0.0f : sparse_value(r, 0.7);
            if (obs[d] == 0.0f) obs[d] = 0.5f;
            k++;
        }
    ps_batch b;
    ps_error err;
    fail_on(ps_batch_build(&b, obs, B, D, NULL, &err), &err, "ps_batch_build");
    CHECK_INT(b.K, K);
    check_batch_lists(&b, obs, D);
    for (int64_t i = 0; i < D * H; i++) w[i] = (float)uniform(r, -1, 1);
    for (int64_t i = 0; i < B * H; i++) y0[i] = y[i] = (float)uniform(r, -1, 1), g[i] = sparse_value(r, 0.1);
    ps_k_sparse_rows_mm(y, w, b.tile_ptr, b.tile_in, b.tile_val, (K + PS_BATCH_TILE - 1) / PS_BATCH_TILE, B, H);
    for (int rr = 0; rr < B; rr++)
        for (int64_t j = 0; j < H; j++) {
            double s = y0[rr * H + j], a = fabs(y0[rr * H + j]);
            for (int d = 0; d < D; d++) {
                double t = (double)obs[(size_t)rr * D + d] * w[d * H + j];
                s += t, a += fabs(t);
            }
            want[rr * H + j] = s;
            scale[rr * H + j] = a;
        }
    char what[112];
    snprintf(what, sizeof what, "ps_k_sparse_rows_mm B=%d K=%d H=%lld", B, K, (long long)H);
    check_close(what, y, want, scale, B * H);
    if (B > 1) CHECK(memcmp(y + H, y0 + H, (size_t)H * sizeof *y) == 0); /* the zero row adds nothing */
    memset(gw, 0xff, (size_t)(K * H) * sizeof *gw);
    ps_k_sparse_cols_grad(gw, g, b.col_ptr, b.col_row, b.col_val, K, H);
    for (int k = 0; k < K; k++)
        for (int64_t j = 0; j < H; j++) {
            double s = 0, a = 0;
            for (int rr = 0; rr < B; rr++) {
                double t = (double)obs[(size_t)rr * D + b.idx[k]] * g[rr * H + j];
                s += t, a += fabs(t);
            }
            want[k * H + j] = s;
            scale[k * H + j] = a;
        }
    snprintf(what, sizeof what, "ps_k_sparse_cols_grad B=%d K=%d H=%lld", B, K, (long long)H);
    check_close(what, gw, want, scale, K * H);
    ps_batch_free(&b);
    free(obs), free(w), free(y), free(y0), free(g), free(gw), free(want), free(scale);
}

/* A minibatch assembled from a rollout's sparse rows (ps_obs_rows) is the
 * batch of those rows' dense observations: rows picked out of order, one of
 * them all zero, more than one tile of columns, and a scale that is zero on
 * one input (still listed, as its observation is not zero; no list entry). */
static void test_batch_from_rows(void) {
    enum { N = 9, D = 300, B = 5, ZERO_ROW = 2, UNSCALED = 7 };
    const int rows[B] = {8, 2, 5, 0, 3};
    ps_rng r;
    ps_rng_seed(&r, 5, 11);
    float *obs = floats(N * D), *scale = floats(D), *want = floats(B * D);
    for (int i = 0; i < N * D; i++) obs[i] = i / D == ZERO_ROW ? 0.0f : sparse_value(&r, 0.6);
    obs[8 * D + UNSCALED] = 0.5f;
    for (int d = 0; d < D; d++) scale[d] = d == UNSCALED ? 0.0f : (float)uniform(&r, 0.5, 2);
    for (int pass = 0; pass < 2; pass++) { /* without, then with the scale */
        const float *sc = pass ? scale : NULL;
        for (int b = 0; b < B; b++)
            for (int d = 0; d < D; d++) want[b * D + d] = obs[rows[b] * D + d] * (sc ? sc[d] : 1.0f);
        ps_obs_rows o;
        ps_batch got;
        ps_error err;
        fail_on(ps_obs_rows_build(&o, obs, N, D, sc, &err), &err, "ps_obs_rows_build");
        fail_on(ps_batch_from_rows(&got, &o, rows, B, &err), &err, "ps_batch_from_rows");
        CHECK_INT(o.ptr[ZERO_ROW + 1] - o.ptr[ZERO_ROW], 0);
        CHECK(got.B == B && got.K > PS_BATCH_TILE);
        check_batch_lists(&got, want, D);
        int listed = 0;
        for (int k = 0; k < got.K; k++) listed += got.idx[k] == UNSCALED;
        CHECK_INT(listed, 1);
        ps_batch_free(&got);
        ps_obs_rows_free(&o);
    }
    free(obs), free(scale), free(want);
}

static void test_kernels(void) {
    ps_rng r;
    ps_rng_seed(&r, 23, 7);
    const int64_t lin[][3] = {{5, 70, 67}, {3, 64, 64}, {1, 67, 1}, {17, 130, 3}, {64, 16, 340}, {2, 1, 5}};
    for (size_t i = 0; i < sizeof lin / sizeof *lin; i++) check_linear_kernels(lin[i][0], lin[i][1], lin[i][2], &r);
    /* K > 128 and not a multiple of it (tiles of 128 columns); H with and
     * without a remainder past the 64-column blocks */
    const int sp[][4] = {{5, 300, 400, 67}, {5, 300, 400, 64}, {37, 129, 131, 130}, {1, 1, 9, 3}, {5, 128, 128, 16}};
    for (size_t i = 0; i < sizeof sp / sizeof *sp; i++)
        check_sparse_kernels(sp[i][0], sp[i][1], sp[i][2], sp[i][3], &r);
    {
        /* an all-zero batch: one listed column, no entries; y unchanged,
         * the gradient row written as zeros */
        enum { B = 3, D = 5, H = 67 };
        float obs[B * D], w[D * H], y[B * H], y0[B * H], g[B * H], gw[H];
        memset(obs, 0, sizeof obs);
        for (int i = 0; i < D * H; i++) w[i] = (float)uniform(&r, -1, 1);
        for (int i = 0; i < B * H; i++) y[i] = y0[i] = g[i] = (float)uniform(&r, -1, 1);
        ps_batch b;
        ps_error err;
        fail_on(ps_batch_build(&b, obs, B, D, NULL, &err), &err, "ps_batch_build");
        CHECK(b.K == 1 && b.idx[0] == 0 && b.tile_ptr[B] == 0 && b.col_ptr[1] == 0);
        check_batch_lists(&b, obs, D);
        ps_k_sparse_rows_mm(y, w, b.tile_ptr, b.tile_in, b.tile_val, 1, B, H);
        CHECK(memcmp(y, y0, sizeof y) == 0);
        memset(gw, 0xff, sizeof gw);
        ps_k_sparse_cols_grad(gw, g, b.col_ptr, b.col_row, b.col_val, 1, H);
        int zero = 1;
        for (int j = 0; j < H; j++) zero &= gw[j] == 0.0f;
        CHECK(zero);
        ps_batch_free(&b);
    }
    {
        /* ps_k_rows_axpy: listed rows in any order, one twice */
        enum { R = 9, H = 67, N = 5 };
        float w[R * H], y[H], as[N] = {0.5f, -1.5f, 2.0f, 0.25f, -0.75f};
        const int64_t ks[N] = {7, 2, 7, 0, 8};
        double want[H], scale[H];
        for (int i = 0; i < R * H; i++) w[i] = (float)uniform(&r, -1, 1);
        for (int j = 0; j < H; j++) {
            y[j] = (float)uniform(&r, -1, 1);
            want[j] = y[j], scale[j] = fabs(y[j]);
            for (int i = 0; i < N; i++) {
                double t = (double)as[i] * w[ks[i] * H + j];
                want[j] += t, scale[j] += fabs(t);
            }
        }
        ps_k_rows_axpy(y, w, ks, as, N, H);
        check_close("ps_k_rows_axpy", y, want, scale, H);
    }
    {
        /* ps_k_tanh: within a few ulp of libm's tanh over [-12, 12] and at
         * the ends; odd; the same value wherever an element sits (the tail
         * of the array goes through a padded copy) */
        enum { N = 1037 };
        float *x = floats(N), *y = floats(N);
        for (int i = 0; i < N; i++) x[i] = (float)(-12.0 + 24.0 * i / (N - 1));
        x[0] = 0.0f, x[1] = 1e-20f, x[2] = -1e-6f, x[3] = 0.625f, x[4] = -0.625f, x[5] = 0.6249999f;
        x[6] = 30.0f, x[7] = -100.0f, x[8] = 9.5f, x[9] = -1e-30f;
        memcpy(y, x, N * sizeof *x);
        ps_k_tanh(y, N);
        int bad = 0, odd = 0, moved = 0;
        for (int i = 0; i < N; i++) {
            double t = tanh((double)x[i]);
            bad += !(fabs(y[i] - t) <= 4 * FLT_EPSILON * fabs(t) + 1e-38);
            float z = -x[i];
            ps_k_tanh(&z, 1);
            odd += z != -y[i];
            float one[3] = {0, 0, x[i]};
            ps_k_tanh(one, 3);
            moved += one[2] != y[i];
        }
        CHECK_INT(bad, 0);
        CHECK_INT(odd, 0);
        CHECK_INT(moved, 0);
        CHECK(y[6] == 1.0f && y[7] == -1.0f);
        free(x);
        free(y);
    }
    /* transpose across its 64-column tiles, exactly */
    enum { TR = 70, TC = 130 };
    float *src = floats(TR * TC), *dst = floats(TR * TC);
    for (int i = 0; i < TR * TC; i++) src[i] = (float)i;
    ps_k_transpose(dst, src, TR, TC);
    int bad = 0;
    for (int i = 0; i < TR; i++)
        for (int j = 0; j < TC; j++) bad += dst[j * TR + i] != src[i * TC + j];
    CHECK_INT(bad, 0);
    free(src);
    free(dst);
}

/* ========================================================= 2. PPO pieces */

static void test_gae(void) {
    /* 4 steps, an episode starts at step 2 (so step 1 ends one); gamma 0.9,
     * lambda 0.8 (gamma * lambda = 0.72); last value 0.7 */
    const double r[4] = {1, 0.5, -1, 2}, v[4] = {0.5, 0.4, 0.3, 0.2};
    const uint8_t start[4] = {1, 0, 1, 0};
    double adv[4], ret[4];
    /* last_done = 0: delta3 = 2 + 0.9 * 0.7 - 0.2 = 2.43; delta2 = -1 + 0.9 * 0.2 - 0.3 = -1.12,
     * A2 = -1.12 + 0.72 * 2.43 = 0.6296; step 1 ends its episode: A1 = 0.5 - 0.4 = 0.1;
     * delta0 = 1 + 0.9 * 0.4 - 0.5 = 0.86, A0 = 0.86 + 0.72 * 0.1 = 0.932 */
    ps_gae(r, v, start, 4, 0.7, 0, 0.9, 0.8, adv, ret);
    const double a0[4] = {0.932, 0.1, 0.6296, 2.43};
    for (int i = 0; i < 4; i++) {
        CHECK_NEAR(adv[i], a0[i], 1e-12);
        CHECK_NEAR(ret[i], a0[i] + v[i], 1e-12);
    }
    /* last_done = 1: no bootstrap: A3 = 2 - 0.2 = 1.8, A2 = -1.12 + 0.72 * 1.8 = 0.176 */
    ps_gae(r, v, start, 4, 0.7, 1, 0.9, 0.8, adv, ret);
    const double a1[4] = {0.932, 0.1, 0.176, 1.8};
    for (int i = 0; i < 4; i++) {
        CHECK_NEAR(adv[i], a1[i], 1e-12);
        CHECK_NEAR(ret[i], a1[i] + v[i], 1e-12);
    }
    /* lambda = 1, gamma = 1, no starts: A_t = sum of future rewards + last
     * value - V_t (Monte-Carlo return) */
    const uint8_t none[4] = {0, 0, 0, 0};
    ps_gae(r, v, none, 4, 0.7, 0, 1.0, 1.0, adv, ret);
    const double mc[4] = {1 + 0.5 - 1 + 2 + 0.7, 0.5 - 1 + 2 + 0.7, -1 + 2 + 0.7, 2 + 0.7};
    for (int i = 0; i < 4; i++) CHECK_NEAR(ret[i], mc[i], 1e-12);
    /* lambda = 0: one-step TD errors */
    ps_gae(r, v, none, 4, 0.7, 0, 0.9, 0.0, adv, ret);
    const double td[4] = {1 + 0.9 * 0.4 - 0.5, 0.5 + 0.9 * 0.3 - 0.4, -1 + 0.9 * 0.2 - 0.3, 2 + 0.9 * 0.7 - 0.2};
    for (int i = 0; i < 4; i++) CHECK_NEAR(adv[i], td[i], 1e-12);
}

static void test_normalize_and_ev(void) {
    double a[5] = {1, 2, 3, 4, 10};
    ps_normalize_advantages(a, 5);
    /* mean 4, unbiased variance (9 + 4 + 1 + 0 + 36) / 4 = 12.5 */
    double sd = sqrt(12.5), mean = 0, sq = 0;
    for (int i = 0; i < 5; i++) mean += a[i] / 5;
    for (int i = 0; i < 5; i++) sq += (a[i] - mean) * (a[i] - mean);
    CHECK_NEAR(mean, 0, 1e-12);
    CHECK_NEAR(sqrt(sq / 4), 1, 1e-8);
    CHECK_NEAR(a[0], -3 / (sd + 1e-8), 1e-12);
    CHECK_NEAR(a[4], 6 / (sd + 1e-8), 1e-12);
    double one[1] = {5};
    ps_normalize_advantages(one, 1); /* one sample: left alone */
    CHECK_NEAR(one[0], 5, 0);
    double flat[3] = {2, 2, 2}; /* zero spread: (A - mean) / 1e-8 = 0, not NaN */
    ps_normalize_advantages(flat, 3);
    for (int i = 0; i < 3; i++) CHECK_NEAR(flat[i], 0, 0);

    /* explained variance: returns [2,2,4,4] (var 1), residual [1,0,1,0] (var 0.25) */
    const double v[4] = {1, 2, 3, 4}, r[4] = {2, 2, 4, 4};
    CHECK_NEAR(ps_explained_variance(v, r, 4), 0.75, 1e-12);
    CHECK_NEAR(ps_explained_variance(r, r, 4), 1.0, 1e-12);
    const double z[3] = {0, 0, 0}, r3[3] = {1, 2, 3};
    CHECK_NEAR(ps_explained_variance(z, r3, 3), 0.0, 1e-12);
    const double bad[3] = {3, 2, 1}; /* residual [-2, 0, 2]: var 8/3 vs 2/3 */
    CHECK_NEAR(ps_explained_variance(bad, r3, 3), 1 - 4.0, 1e-12);
    const double c[3] = {5, 5, 5};
    CHECK(isnan(ps_explained_variance(v, c, 3)));
}

/* Zeroes the autograd gradient of a leaf, if it has one. */
static void zero_tensor_grad(at_tensor t) {
    at_tensor g = at_grad(t);
    if (g) {
        at_zero_(g);
        at_free(g);
    }
}

/* The clipped surrogate on 4 samples, by hand, and its gradient. */
static void test_ppo_loss(void) {
    ps_ppo_config c = ps_ppo_config_default();
    c.ent_coef = 0.01;
    const float logp[4] = {-1.0f, -0.5f, -2.0f, -1.2f}, ent[4] = {1.0f, 0.5f, 2.0f, 1.5f},
                val[4] = {0.5f, 1.0f, -1.0f, 0.0f};
    const double old[4] = {-1.0, -0.8, -1.5, -1.25}, adv[4] = {1, 2, -1, -0.5}, ret[4] = {1, 0, -0.5, 0.25};
    ps_policy_eval ev = {vec(logp, 4), vec(ent, 4), vec(val, 4)};
    at_requires_grad(ev.logp, 1);
    at_requires_grad(ev.entropy, 1);
    at_requires_grad(ev.value, 1);
    ps_tlist tl = {.n = 0};
    ps_ppo_loss L;
    ps_error err;
    CHECK_INT(ps_ppo_loss_compute(&c, &ev, old, adv, ret, 4, &tl, &L, &err), PS_OK);
    /* ratios exp([0, 0.3, -0.5, 0.05]) = [1, 1.3499, 0.6065, 1.0513]:
     * sample 1 (A > 0, ratio > 1.2) and sample 2 (A < 0, ratio < 0.8) take
     * the clipped value; the others the plain one */
    double ratio[4], pg = 0, kl = 0;
    for (int i = 0; i < 4; i++) ratio[i] = exp((double)logp[i] - old[i]);
    double surr[4] = {adv[0] * ratio[0], adv[1] * 1.2, adv[2] * 0.8, adv[3] * ratio[3]};
    for (int i = 0; i < 4; i++) {
        pg -= surr[i] / 4;
        kl += ((ratio[i] - 1) - log(ratio[i])) / 4;
    }
    CHECK_NEAR(pg, -(1 + 2.4 - 0.8 - 0.5 * exp(0.05)) / 4, 1e-6);
    double vloss = (0.25 + 1 + 0.25 + 0.0625) / 4; /* (R - V)^2: 0.5, -1, 0.5, 0.25 */
    CHECK_NEAR(L.policy_loss, pg, 1e-6);
    CHECK_NEAR(L.value_loss, vloss, 1e-6);
    CHECK_NEAR(L.entropy_loss, -1.25, 1e-6);
    CHECK_NEAR(L.approx_kl, kl, 1e-6);
    CHECK_NEAR(L.clip_fraction, 0.5, 0);
    CHECK_NEAR(at_item(L.loss), pg + 0.01 * -1.25 + 0.5 * vloss, 1e-6);
    /* gradients: d/dlogp_i = -A_i ratio_i / B where unclipped, 0 where
     * clipped; d/dV_i = vf_coef * 2 (V_i - R_i) / B; d/dH_i = -ent_coef / B */
    at_backward(L.loss);
    float gl[4], gv[4], ge[4];
    CHECK(grad_of(ev.logp, gl, 4) && grad_of(ev.value, gv, 4) && grad_of(ev.entropy, ge, 4));
    const double want_gl[4] = {-adv[0] * ratio[0] / 4, 0, 0, -adv[3] * ratio[3] / 4};
    for (int i = 0; i < 4; i++) {
        CHECK_NEAR(gl[i], want_gl[i], 1e-6);
        CHECK_NEAR(gv[i], 0.5 * 2 * (val[i] - ret[i]) / 4, 1e-6);
        CHECK_NEAR(ge[i], -0.01 / 4, 1e-7);
    }
    ps_tlist_free(&tl);
    /* what training runs: the same losses and derivatives per row from the
     * forward's numbers (work arrays borrowed from here) */
    double wl[4], we[4], gwl[4], gwe[4], gwv[4];
    float wv[4];
    for (int i = 0; i < 4; i++) wl[i] = logp[i], we[i] = ent[i], wv[i] = val[i];
    ps_train_work w = {0};
    w.logp = wl, w.entropy = we, w.value = wv, w.g_logp = gwl, w.g_entropy = gwe, w.g_value = gwv;
    ps_ppo_loss Lg;
    ps_ppo_loss_grad(&c, old, adv, ret, 4, &w, &Lg);
    CHECK(Lg.loss == NULL);
    CHECK_NEAR(Lg.policy_loss, pg, 1e-12);
    CHECK_NEAR(Lg.value_loss, vloss, 1e-12);
    CHECK_NEAR(Lg.entropy_loss, -1.25, 1e-12);
    CHECK_NEAR(Lg.approx_kl, kl, 1e-12);
    CHECK_NEAR(Lg.clip_fraction, 0.5, 0);
    CHECK_NEAR(Lg.total, pg + 0.01 * -1.25 + 0.5 * vloss, 1e-12);
    CHECK_NEAR(L.total, Lg.total, 1e-6);
    for (int i = 0; i < 4; i++) {
        CHECK_NEAR(gwl[i], want_gl[i], 1e-12);
        CHECK_NEAR(gwl[i], gl[i], 1e-6);
        CHECK_NEAR(gwv[i], 0.5 * 2 * (val[i] - ret[i]) / 4, 1e-12);
        CHECK_NEAR(gwe[i], -0.01 / 4, 1e-15);
    }
    /* ties: with clip range 0 and ratio exactly 1 both surrogates are equal
     * and the clamp sits on its bounds, which pass the gradient: torch's
     * minimum splits it in half between two equal halves, -A / B in all;
     * with A = 0 a clipped ratio is a tie too, and passes nothing */
    {
        ps_ppo_config c0 = c;
        c0.clip_range = 0;
        const double adv0[4] = {1, -2, 0, 0.5};
        double same_old[4], far_old[4]; /* the float log-probabilities exactly: ratios 1 */
        for (int i = 0; i < 4; i++) same_old[i] = far_old[i] = logp[i];
        far_old[2] -= 0.5; /* row 2: ratio e^0.5 */
        for (int pass = 0; pass < 2; pass++) {
            const double *o = pass ? far_old : same_old;
            ps_ppo_loss_grad(&c0, o, adv0, ret, 4, &w, &Lg);
            CHECK_INT(ps_ppo_loss_compute(&c0, &ev, o, adv0, ret, 4, &tl, &L, &err), PS_OK);
            zero_tensor_grad(ev.logp);
            at_backward(L.loss);
            CHECK(grad_of(ev.logp, gl, 4));
            for (int i = 0; i < 4; i++) {
                double want = i == 2 && pass ? 0 : -adv0[i] / 4;
                CHECK_NEAR(gwl[i], want, 1e-12);
                CHECK_NEAR(gl[i], want, 1e-6);
            }
            CHECK_NEAR(Lg.policy_loss, L.policy_loss, 1e-6);
            CHECK_NEAR(Lg.clip_fraction, pass ? 0.25 : 0, 0);
            ps_tlist_free(&tl);
        }
    }
    /* identical old and new log-probabilities: ratio 1, no clipping, zero KL,
     * policy loss = -mean(A) */
    const double same[4] = {-1.0, -0.5, -2.0, -1.2};
    CHECK_INT(ps_ppo_loss_compute(&c, &ev, same, adv, ret, 4, &tl, &L, &err), PS_OK);
    CHECK_NEAR(L.policy_loss, -(1 + 2 - 1 - 0.5) / 4, 1e-6);
    CHECK_NEAR(L.approx_kl, 0, 1e-7);
    CHECK_NEAR(L.clip_fraction, 0, 0);
    ps_tlist_free(&tl);
    /* a shape mismatch (B says 3, tensors hold 4) is an error with a message */
    CHECK_INT(ps_ppo_loss_compute(&c, &ev, old, adv, ret, 3, &tl, &L, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "PPO loss");
    CHECK(at_last_error() == NULL);
    ps_tlist_free(&tl);
    release();
}

/* obs_dim 7, nvec {3, 4, 2}, hidden {5}: names, sizes, initialisation. */
static void test_policy_structure(void) {
    at_generator g = at_generator_new(1);
    ps_policy p;
    ps_error err;
    const int nvec[3] = {3, 4, 2}, hidden[1] = {5};
    fail_on(ps_policy_create(&p, 7, nvec, hidden, 1, g, &err), &err, "ps_policy_create");
    CHECK_INT(p.n_params, 8);
    CHECK_INT(p.n_logits, 9);
    const char *names[8] = {"pi.0.weight", "pi.0.bias", "vf.0.weight", "vf.0.bias",
                            "action.weight", "action.bias", "value.weight", "value.bias"};
    const int64_t sizes[8] = {35, 5, 35, 5, 45, 9, 5, 1};
    for (int i = 0; i < 8; i++) {
        CHECK(!strcmp(p.names[i], names[i]));
        CHECK_INT(at_numel(p.params[i]), sizes[i]);
    }
    /* 2 (7*5 + 5) + (5*9 + 9) + (5 + 1) */
    CHECK_INT(ps_policy_param_count(&p), 140);
    /* orthogonal gains sqrt(2) (hidden), 0.01 (action), 1 (value); biases 0 */
    /* the first layers are stored input-major, [obs_dim, hidden0]: the
     * transpose of torch's orthogonal [5, 7] */
    for (int i = 0; i < 8; i++) {
        CHECK(p.w[i] == at_data(p.params[i]));
        CHECK_INT(p.numel[i], sizes[i]);
        CHECK_INT(ps_input_major(&p, i), i == 0 || i == 2);
    }
    CHECK(ps_pi_layer(&p, 0) == 0 && ps_vf_layer(&p, 0) == 2 && ps_action_layer(&p) == 4 && ps_value_layer(&p) == 6);
    CHECK(at_size(p.params[0], 0) == 7 && at_size(p.params[0], 1) == 5);
    CHECK(at_size(p.params[2], 0) == 7 && at_size(p.params[2], 1) == 5);
    CHECK(at_size(p.params[4], 0) == 9 && at_size(p.params[4], 1) == 5);
    check_orthogonal(param(&p, "pi.0.weight"), 7, 5, sqrt(2.0));
    check_orthogonal(param(&p, "vf.0.weight"), 7, 5, sqrt(2.0));
    {
        /* from the same draws as torch's [5, 7] (the first initialised) */
        at_generator g1 = at_generator_new(1);
        int64_t d[2] = {5, 7};
        at_tensor t = K(at_zeros(d, 2));
        at_orthogonal_(t, sqrt(2.0), g1);
        const float *pw = param(&p, "pi.0.weight"), *tw = at_data(t);
        int same = 1;
        for (int j = 0; j < 5; j++)
            for (int k = 0; k < 7; k++) same &= pw[k * 5 + j] == tw[j * 7 + k];
        CHECK(same);
        at_generator_free(g1);
        release();
    }
    check_orthogonal(param(&p, "action.weight"), 9, 5, 0.01);
    check_orthogonal(param(&p, "value.weight"), 1, 5, 1.0);
    int nonzero_bias = 0;
    for (int i = 1; i < 8; i += 2)
        for (int64_t k = 0; k < at_numel(p.params[i]); k++) nonzero_bias += at_data(p.params[i])[k] != 0.0f;
    CHECK_INT(nonzero_bias, 0);
    /* the policy and value trunks are initialised differently */
    CHECK(memcmp(param(&p, "pi.0.weight"), param(&p, "vf.0.weight"), 35 * sizeof(float)) != 0);
    /* bad architectures are refused */
    ps_policy q;
    const int none[1] = {0}, many[5] = {4, 4, 4, 4, 4};
    CHECK_INT(ps_policy_create(&q, 7, nvec, none, 1, g, &err), PS_ERR);
    CHECK_INT(ps_policy_create(&q, 7, nvec, many, 5, g, &err), PS_ERR);
    CHECK_INT(ps_policy_create(&q, 7, nvec, many, 0, g, &err), PS_ERR);
    ps_policy_free(&p);
    at_generator_free(g);
}

/* Sets every parameter's autograd gradient to zero (they accumulate). */
static void zero_grads(ps_policy *p) {
    for (int i = 0; i < p->n_params; i++) {
        at_tensor g = at_grad(p->params[i]);
        if (g) {
            at_zero_(g);
            at_free(g);
        }
    }
}

/* The autograd reference of one PPO gradient: the evaluation (the batch's
 * columns, or obs dense when batch is NULL), the loss, backward; every
 * parameter's gradient into grads[i] (p->numel[i] floats each, the
 * tensor's own layout). The evaluation's values go into lp, ent, val. */
static void reference_grads(ps_policy *p, const ps_batch *batch, const float *obs, int B, const int64_t *act,
                            const ps_ppo_config *c, const double *old, const double *adv, const double *ret,
                            float **grads, ps_ppo_loss *L, float *lp, float *ent, float *val) {
    ps_tlist tl = {.n = 0};
    ps_policy_eval ev;
    ps_error err;
    zero_grads(p);
    if (batch)
        fail_on(ps_policy_evaluate(p, batch, act, &tl, &ev, &err), &err, "ps_policy_evaluate");
    else
        fail_on(ps_policy_evaluate_dense(p, obs, B, act, &tl, &ev, &err), &err, "ps_policy_evaluate_dense");
    get(ev.logp, lp, B);
    get(ev.entropy, ent, B);
    get(ev.value, val, B);
    fail_on(ps_ppo_loss_compute(c, &ev, old, adv, ret, B, &tl, L, &err), &err, "ps_ppo_loss_compute");
    at_backward(L->loss);
    CHECK(at_last_error() == NULL);
    for (int i = 0; i < p->n_params; i++) {
        int has = grad_of(p->params[i], grads[i], p->numel[i]);
        CHECK(has);
        if (!has) memset(grads[i], 0, (size_t)p->numel[i] * sizeof(float));
    }
    L->loss = NULL;
    ps_tlist_free(&tl);
}

/* The gradients of ps_policy_train_backward as dense arrays in each
 * parameter's layout: the first layers' [K, hidden0] rows scattered into
 * [obs_dim, hidden0] with zeros elsewhere. */
static void scatter_grads(const ps_policy *p, const ps_batch *batch, const ps_train_work *w, float **dense) {
    for (int i = 0; i < p->n_params; i++) {
        if (!ps_input_major(p, i)) {
            memcpy(dense[i], w->grads[i].g, (size_t)p->numel[i] * sizeof(float));
            continue;
        }
        int H = p->hidden[0];
        CHECK_INT(w->grads[i].K, batch->K);
        CHECK(w->grads[i].idx != NULL && !memcmp(w->grads[i].idx, batch->idx, (size_t)batch->K * sizeof(int64_t)));
        memset(dense[i], 0, (size_t)p->numel[i] * sizeof(float));
        for (int k = 0; k < batch->K; k++)
            memcpy(dense[i] + batch->idx[k] * H, w->grads[i].g + (size_t)k * H, (size_t)H * sizeof(float));
    }
}

/* The training path (ps_policy_train_forward, ps_ppo_loss_grad,
 * ps_policy_train_backward) against the autograd reference on one batch:
 * the per-row values, the loss and its parts, every gradient element, with
 * the reference evaluated both on the batch's columns and on the dense
 * observations. Old log-probabilities are the C forward's minus log_ratio
 * (so the ratios are known: some inside the clip range, some outside). */
static void train_vs_autograd(ps_policy *p, ps_train_work *w, const float *obs, int B, const int64_t *act,
                              const ps_ppo_config *c, const double *log_ratio, const double *adv, const double *ret) {
    ps_error err;
    ps_batch batch;
    fail_on(ps_batch_build(&batch, obs, B, p->obs_dim, NULL, &err), &err, "ps_batch_build");
    fail_on(ps_policy_train_forward(p, &batch, act, w, &err), &err, "ps_policy_train_forward");
    double *old = doubles(B);
    for (int r = 0; r < B; r++) old[r] = w->logp[r] - log_ratio[r];
    ps_ppo_loss Lc;
    ps_ppo_loss_grad(c, old, adv, ret, B, w, &Lc);
    CHECK(Lc.loss == NULL);
    /* the loss's derivatives per row, by hand: clipped rows pass nothing */
    int clipped = 0, unclipped_outside = 0, bad_g = 0;
    for (int r = 0; r < B; r++) {
        double ratio = exp(log_ratio[r]);
        int outside = ratio < 1 - c->clip_range || ratio > 1 + c->clip_range;
        int clip = (adv[r] > 0 && ratio > 1 + c->clip_range) || (adv[r] < 0 && ratio < 1 - c->clip_range);
        double want = clip ? 0 : -adv[r] * ratio / B;
        bad_g += fabs(w->g_logp[r] - want) > 1e-9;
        bad_g += fabs(w->g_value[r] - c->vf_coef * 2 * (w->value[r] - ret[r]) / B) > 1e-9;
        bad_g += fabs(w->g_entropy[r] + c->ent_coef / B) > 1e-12;
        clipped += clip;
        unclipped_outside += outside && !clip && adv[r] != 0;
    }
    CHECK_INT(bad_g, 0);
    if (B >= 5) CHECK(clipped > 0 && unclipped_outside > 0); /* both sides of the clip are exercised */
    ps_policy_train_backward(p, &batch, act, w);
    float *gc[PS_MAX_PARAMS], *gr[PS_MAX_PARAMS];
    for (int i = 0; i < p->n_params; i++) {
        gc[i] = floats(p->numel[i]);
        gr[i] = floats(p->numel[i]);
    }
    scatter_grads(p, &batch, w, gc);
    float *lp = floats(B), *ent = floats(B), *val = floats(B);
    for (int pass = 0; pass < 2; pass++) {
        ps_ppo_loss L;
        reference_grads(p, pass == 0 ? &batch : NULL, obs, B, act, c, old, adv, ret, gr, &L, lp, ent, val);
        for (int r = 0; r < B; r++) {
            CHECK_NEAR(w->logp[r], lp[r], 1e-5);
            CHECK_NEAR(w->entropy[r], ent[r], 1e-5);
            CHECK_NEAR(w->value[r], val[r], 1e-5);
        }
        CHECK_NEAR(Lc.total, L.total, 1e-5);
        CHECK_NEAR(Lc.policy_loss, L.policy_loss, 1e-5);
        CHECK_NEAR(Lc.value_loss, L.value_loss, 1e-5);
        CHECK_NEAR(Lc.entropy_loss, L.entropy_loss, 1e-5);
        CHECK_NEAR(Lc.approx_kl, L.approx_kl, 1e-5);
        CHECK_NEAR(Lc.clip_fraction, L.clip_fraction, 0);
        CHECK_NEAR(Lc.total, Lc.policy_loss + c->ent_coef * Lc.entropy_loss + c->vf_coef * Lc.value_loss, 1e-12);
        double total = 0;
        for (int i = 0; i < p->n_params; i++) {
            int64_t bad = 0, worst = 0;
            double worst_err = 0;
            for (int64_t k = 0; k < p->numel[i]; k++) {
                double e = fabs((double)gc[i][k] - gr[i][k]);
                if (!(e <= 1e-5 + 1e-4 * fabs(gr[i][k]))) bad++;
                if (!(e <= worst_err)) worst_err = e, worst = k;
                total += fabs(gr[i][k]);
            }
            if (bad)
                fprintf(stderr, "%s gradient (%s reference): %lld of %lld off, worst [%lld] %.9g vs %.9g\n",
                        p->names[i], pass == 0 ? "column" : "dense", (long long)bad, (long long)p->numel[i],
                        (long long)worst, gc[i][worst], gr[i][worst]);
            CHECK_INT(bad, 0);
            if (ps_input_major(p, i)) { /* the reference's rows of inputs zero in the whole batch are zero */
                int64_t nonzero_outside = 0;
                for (int d = 0, k = 0; d < p->obs_dim; d++) {
                    if (k < batch.K && batch.idx[k] == d) {
                        k++;
                        continue;
                    }
                    for (int j = 0; j < p->hidden[0]; j++)
                        nonzero_outside += gr[i][(size_t)d * p->hidden[0] + j] != 0.0f;
                }
                CHECK_INT(nonzero_outside, 0);
            }
        }
        CHECK(total > 1e-3); /* gradients are not all zero */
    }
    for (int i = 0; i < p->n_params; i++) {
        free(gc[i]);
        free(gr[i]);
    }
    free(lp);
    free(ent);
    free(val);
    free(old);
    ps_batch_free(&batch);
    release();
}

/* The loss configuration of the gradient tests: entropy and value terms on,
 * and per-row log-ratios and advantages that cycle with coprime periods so
 * that rows fall inside the clip range, outside it clipped, outside it not
 * clipped (the advantage's sign), and at a tie (A = 0). */
static ps_ppo_config grad_config(void) {
    ps_ppo_config c = ps_ppo_config_default();
    c.ent_coef = 0.03;
    c.vf_coef = 0.7;
    return c;
}

static void grad_rows(int B, uint64_t seed, double *log_ratio, double *adv, double *ret) {
    const double lrs[7] = {0, 0.1, -0.15, 0.35, -0.45, 0.6, -0.3};
    const double advs[8] = {1.2, -0.7, 0.9, 1.5, 2.0, 0.0, -0.4, -0.8};
    ps_rng r;
    ps_rng_seed(&r, seed, 2);
    for (int i = 0; i < B; i++) {
        log_ratio[i] = lrs[i % 7];
        adv[i] = advs[i % 8];
        ret[i] = uniform(&r, -2, 2);
    }
}

/* ps_policy_evaluate's log-probability and entropy are the sums over the
 * three categoricals, and its value is the value head, all by hand; so are
 * the training forward's; its gradients are autograd's. */
static void test_policy_evaluate_by_hand(void) {
    at_generator g = at_generator_new(2);
    ps_policy p;
    ps_error err;
    const int nvec[3] = {3, 4, 2}, hidden[1] = {5};
    fail_on(ps_policy_create(&p, 7, nvec, hidden, 1, g, &err), &err, "ps_policy_create");
    randomize_policy(&p, 5, 1.0);
    enum { B = 3 };
    const float obs[B * 7] = {0.5f, 0, 0, -1.0f, 0, 2.0f, 0, /**/ 0, 0, 0, 0, 0, 0, 0, /**/ 1, 1, 0, 0, 0, 0, 0.25f};
    const int64_t act[B * 3] = {0, 3, 1, /**/ 2, 0, 0, /**/ 1, 2, 1};
    ps_batch batch;
    fail_on(ps_batch_build(&batch, obs, B, 7, NULL, &err), &err, "ps_batch_build");
    /* non-zero columns of the batch: 0, 1, 3, 5, 6 */
    CHECK_INT(batch.K, 5);
    ps_tlist tl = {.n = 0};
    ps_policy_eval ev;
    fail_on(ps_policy_evaluate(&p, &batch, act, &tl, &ev, &err), &err, "ps_policy_evaluate");
    float lp[B], h[B], v[B];
    get(ev.logp, lp, B);
    get(ev.entropy, h, B);
    get(ev.value, v, B);
    ps_train_work w = {0};
    fail_on(ps_policy_train_forward(&p, &batch, act, &w, &err), &err, "ps_policy_train_forward");
    double spread = 0;
    for (int r = 0; r < B; r++) {
        double logits[9], value, wl, wh;
        hand_forward(&p, obs + 7 * r, logits, &value);
        hand_dist(&p, logits, act + 3 * r, &wl, &wh);
        CHECK_NEAR(lp[r], wl, 1e-5);
        CHECK_NEAR(h[r], wh, 1e-5);
        CHECK_NEAR(v[r], value, 1e-5);
        CHECK_NEAR(w.logp[r], wl, 1e-5);
        CHECK_NEAR(w.entropy[r], wh, 1e-5);
        CHECK_NEAR(w.value[r], value, 1e-5);
        /* the per-component log-softmax of the row, and its entropies */
        for (int c = 0, off = 0; c < 3; off += nvec[c++]) {
            double mx = -INFINITY, s = 0, hc = 0;
            for (int k = 0; k < nvec[c]; k++) mx = fmax(mx, logits[off + k]);
            for (int k = 0; k < nvec[c]; k++) s += exp(logits[off + k] - mx);
            for (int k = 0; k < nvec[c]; k++) {
                double l = logits[off + k] - mx - log(s);
                CHECK_NEAR(w.lsm[r * 9 + off + k], l, 1e-5);
                hc -= exp(l) * l;
            }
            CHECK_NEAR(w.h[3 * r + c], hc, 1e-5);
        }
        spread += fabs(wh - (log(3.0) + log(4.0) + log(2.0)));
    }
    CHECK(spread > 0.05); /* the logits are far from uniform: a real test */
    ps_tlist_free(&tl);
    ps_batch_free(&batch);
    ps_ppo_config c = grad_config();
    double lr[B], adv[B], ret[B];
    grad_rows(B, 1, lr, adv, ret);
    train_vs_autograd(&p, &w, obs, B, act, &c, lr, adv, ret);
    ps_train_work_free(&w);
    ps_policy_free(&p);
    at_generator_free(g);
}

/* Random actions for B rows. */
static void random_actions(const ps_policy *p, int B, ps_rng *r, int64_t *act) {
    for (int i = 0; i < B; i++)
        for (int c = 0; c < 3; c++) act[3 * i + c] = ps_rng_int(r, 0, p->nvec[c] - 1);
}

/* ps_batch_build picks columns; the training forward and backward equal
 * the autograd reference (columns and dense) on sparse batches, a full
 * one, an all-zero one, one whose column is non-zero in a single row; and
 * on a network wide enough for the kernels' vector paths (hidden 67 and
 * 64, K > 128 columns). One work buffer per network, reused (grown) across
 * batches. */
static void test_policy_sparse_dense(void) {
    at_generator g = at_generator_new(4);
    ps_policy p;
    ps_error err;
    const int nvec[3] = {3, 4, 2}, hidden[2] = {6, 5};
    fail_on(ps_policy_create(&p, 12, nvec, hidden, 2, g, &err), &err, "ps_policy_create");
    randomize_policy(&p, 8, 0.8);
    enum { B = 5, D = 12 };
    float obs[B * D];
    memset(obs, 0, sizeof obs);
    const int cols[4] = {0, 3, 7, 8};
    ps_rng r;
    ps_rng_seed(&r, 3, 1);
    for (int i = 0; i < B; i++)
        for (int k = 0; k < 4; k++)
            if (ps_rng_uniform(&r) < 0.7) obs[i * D + cols[k]] = (float)uniform(&r, -2, 2);
    obs[0 * D + 3] = 1.5f; /* every chosen column non-zero somewhere */
    obs[1 * D + 0] = -0.5f;
    obs[2 * D + 7] = 0.75f;
    obs[3 * D + 8] = 2.0f;
    const int64_t act[B * 3] = {0, 1, 0, 1, 3, 1, 2, 2, 0, 0, 0, 1, 2, 1, 1};
    ps_batch batch;
    fail_on(ps_batch_build(&batch, obs, B, D, NULL, &err), &err, "ps_batch_build");
    CHECK_INT(batch.B, B);
    CHECK_INT(batch.K, 4);
    CHECK(batch.idx != NULL);
    if (batch.idx) {
        for (int k = 0; k < 4; k++) CHECK_INT(batch.idx[k], cols[k]);
        for (int i = 0; i < B; i++)
            for (int k = 0; k < 4; k++) CHECK_NEAR(batch.xs[i * 4 + k], obs[i * D + cols[k]], 0);
        check_batch_lists(&batch, obs, D);
    }
    ps_batch_free(&batch);
    ps_ppo_config c = grad_config();
    double lr[64], adv[64], ret[64];
    grad_rows(B, 2, lr, adv, ret);
    ps_train_work w = {0};
    train_vs_autograd(&p, &w, obs, B, act, &c, lr, adv, ret);
    /* a batch with every column non-zero (rows still holding zeros, which
     * the training product skips): all columns, same results */
    float full[B * D];
    for (int i = 0; i < B * D; i++) full[i] = i % 5 == 2 ? 0.0f : (float)uniform(&r, -1, 1);
    fail_on(ps_batch_build(&batch, full, B, D, NULL, &err), &err, "ps_batch_build");
    CHECK(batch.idx != NULL);
    CHECK_INT(batch.K, D);
    ps_batch_free(&batch);
    train_vs_autograd(&p, &w, full, B, act, &c, lr, adv, ret);
    /* an all-zero batch still works (one column, 0, of zeros) */
    float zero[B * D];
    memset(zero, 0, sizeof zero);
    fail_on(ps_batch_build(&batch, zero, B, D, NULL, &err), &err, "ps_batch_build");
    CHECK_INT(batch.K, 1);
    CHECK(batch.idx[0] == 0 && batch.xs[0] == 0.0f);
    ps_batch_free(&batch);
    train_vs_autograd(&p, &w, zero, B, act, &c, lr, adv, ret);
    /* a column non-zero in one row only (here the last), another in all */
    float one[B * D];
    memset(one, 0, sizeof one);
    one[4 * D + 10] = -1.25f;
    for (int i = 0; i < B; i++) one[i * D + 2] = (float)(0.3 * (i + 1));
    train_vs_autograd(&p, &w, one, B, act, &c, lr, adv, ret);
    /* more rows than the work buffer has had (it grows) */
    enum { B2 = 23 };
    float obs2[B2 * D];
    int64_t act2[B2 * 3];
    for (int i = 0; i < B2 * D; i++)
        obs2[i] = i % D == 5 || ps_rng_uniform(&r) < 0.6 ? 0.0f : (float)uniform(&r, -2, 2);
    random_actions(&p, B2, &r, act2);
    grad_rows(B2, 3, lr, adv, ret);
    train_vs_autograd(&p, &w, obs2, B2, act2, &c, lr, adv, ret);
    ps_train_work_free(&w);
    ps_policy_free(&p);
    /* wide: obs 300 with ~60 % of columns used, hidden 67 then 64, 14 logits */
    enum { B3 = 37, D3 = 300 };
    const int nvec3[3] = {3, 9, 2}, hidden3[2] = {67, 64};
    fail_on(ps_policy_create(&p, D3, nvec3, hidden3, 2, g, &err), &err, "ps_policy_create");
    randomize_policy(&p, 12, 0.15);
    float *obs3 = floats(B3 * D3);
    int64_t act3[B3 * 3];
    for (int d = 0; d < D3; d++) {
        int used = d % 5 != 1 && d % 7 != 3;
        for (int i = 0; i < B3; i++)
            obs3[i * D3 + d] = used && ps_rng_uniform(&r) < 0.3 ? (float)uniform(&r, -2, 2) : 0.0f;
    }
    random_actions(&p, B3, &r, act3);
    fail_on(ps_batch_build(&batch, obs3, B3, D3, NULL, &err), &err, "ps_batch_build");
    CHECK(batch.K > 128 && batch.K % 128 != 0 && batch.K < D3);
    ps_batch_free(&batch);
    grad_rows(B3, 4, lr, adv, ret);
    train_vs_autograd(&p, &w, obs3, B3, act3, &c, lr, adv, ret);
    free(obs3);
    ps_train_work_free(&w);
    ps_policy_free(&p);
    at_generator_free(g);
}

/* The C rollout forward (ps_policy_act) against the shim reference and the
 * hand forward; sampling frequencies follow the policy's probabilities. */
static void test_policy_act(void) {
    at_generator g = at_generator_new(6);
    ps_policy p;
    ps_error err;
    enum { D = 20 };
    const int nvec[3] = {3, 6, 2}, hidden[2] = {8, 7};
    fail_on(ps_policy_create(&p, D, nvec, hidden, 2, g, &err), &err, "ps_policy_create");
    randomize_policy(&p, 9, 0.7);
    ps_rng r, act_rng;
    ps_rng_seed(&r, 10, 1);
    ps_rng_seed(&act_rng, 11, 1);
    for (int trial = 0; trial < 12; trial++) {
        float obs[D];
        for (int d = 0; d < D; d++) obs[d] = ps_rng_uniform(&r) < 0.3 ? (float)uniform(&r, -3, 3) : 0.0f;
        int a[3], b[3];
        double lp, v, lpr, vr, value;
        fail_on(ps_policy_act(&p, obs, 1, &act_rng, a, &lp, &v, &err), &err, "ps_policy_act");
        fail_on(ps_policy_act_reference(&p, obs, 1, g, b, &lpr, &vr, &err), &err, "ps_policy_act_reference");
        CHECK(a[0] == b[0] && a[1] == b[1] && a[2] == b[2]);
        CHECK_NEAR(lp, lpr, 1e-4);
        CHECK_NEAR(v, vr, 1e-4);
        /* against the hand forward: argmax per component and its log-prob */
        double logits[11], hv, hl, hh;
        hand_forward(&p, obs, logits, &hv);
        int64_t best[3];
        for (int c = 0, off = 0; c < 3; off += nvec[c++]) {
            best[c] = 0;
            for (int k = 1; k < nvec[c]; k++)
                if (logits[off + k] > logits[off + best[c]]) best[c] = k;
            CHECK_INT(a[c], best[c]);
        }
        hand_dist(&p, logits, best, &hl, &hh);
        CHECK_NEAR(lp, hl, 1e-4);
        CHECK_NEAR(v, hv, 1e-4);
        fail_on(ps_policy_value(&p, obs, &value, &err), &err, "ps_policy_value");
        CHECK_NEAR(value, v, 0);
        /* sampled actions: in range, and their log-probability is theirs */
        int64_t s[3];
        fail_on(ps_policy_act(&p, obs, 0, &act_rng, a, &lp, &v, &err), &err, "ps_policy_act");
        fail_on(ps_policy_act_reference(&p, obs, 0, g, b, &lpr, &vr, &err), &err, "ps_policy_act_reference");
        for (int c = 0; c < 3; c++) {
            CHECK(a[c] >= 0 && a[c] < nvec[c]);
            CHECK(b[c] >= 0 && b[c] < nvec[c]);
            s[c] = a[c];
        }
        hand_dist(&p, logits, s, &hl, &hh);
        CHECK_NEAR(lp, hl, 1e-4);
        for (int c = 0; c < 3; c++) s[c] = b[c];
        hand_dist(&p, logits, s, &hl, &hh);
        CHECK_NEAR(lpr, hl, 1e-4);
    }
    /* sampling frequencies of the C sampler for one observation */
    float obs[D];
    memset(obs, 0, sizeof obs);
    obs[2] = 1.5f;
    obs[11] = -2.0f;
    double logits[11], hv;
    hand_forward(&p, obs, logits, &hv);
    enum { N = 6000 };
    int count[11] = {0};
    for (int i = 0; i < N; i++) {
        int a[3];
        double lp, v;
        fail_on(ps_policy_act(&p, obs, 0, &act_rng, a, &lp, &v, &err), &err, "ps_policy_act");
        count[a[0]]++;
        count[3 + a[1]]++;
        count[9 + a[2]]++;
    }
    for (int c = 0, off = 0; c < 3; off += nvec[c++]) {
        double s = 0;
        for (int k = 0; k < nvec[c]; k++) s += exp(logits[off + k]);
        for (int k = 0; k < nvec[c]; k++) /* sd <= 0.0065 at N = 6000 */
            CHECK_NEAR((double)count[off + k] / N, exp(logits[off + k]) / s, 0.025);
    }
    /* ties: with a zero action head every logit is 0; the deterministic
     * action is the first index of each component (torch's argmax) and its
     * log-probability -log(3 * 6 * 2) */
    for (int i = param_index(&p, "action.weight"); i <= param_index(&p, "action.bias"); i++)
        memset(at_data(p.params[i]), 0, (size_t)at_numel(p.params[i]) * sizeof(float));
    {
        int a[3] = {-1, -1, -1}, b[3] = {-1, -1, -1};
        double lp, v, lpr, vr;
        fail_on(ps_policy_act(&p, obs, 1, &act_rng, a, &lp, &v, &err), &err, "ps_policy_act");
        fail_on(ps_policy_act_reference(&p, obs, 1, g, b, &lpr, &vr, &err), &err, "ps_policy_act_reference");
        CHECK(a[0] == 0 && a[1] == 0 && a[2] == 0);
        CHECK(b[0] == 0 && b[1] == 0 && b[2] == 0);
        CHECK_NEAR(lp, -log(36.0), 1e-6);
        CHECK_NEAR(lpr, -log(36.0), 1e-6);
    }
    /* the default network: spec 12.2's parameter count */
    ps_policy big;
    const int nv[3] = {3, 335, 2}, hd[2] = {64, 64};
    ps_config cfg = ps_config_default();
    CHECK_INT(ps_obs_layout_for(&cfg).size, 10364);
    fail_on(ps_policy_create(&big, 10364, nv, hd, 2, g, &err), &err, "ps_policy_create");
    CHECK_INT(ps_policy_param_count(&big), 1357205);
    CHECK_INT(big.n_logits, 340);
    ps_policy_free(&big);
    ps_policy_free(&p);
    at_generator_free(g);
}


/* A policy with obs_dim 7, nvec {3, 4, 2}, hidden {5} and random weights;
 * the same seed gives the same network. */
static void tiny_policy(ps_policy *p, uint64_t seed) {
    at_generator g = at_generator_new(seed);
    ps_error err;
    const int nvec[3] = {3, 4, 2}, hidden[1] = {5};
    fail_on(ps_policy_create(p, 7, nvec, hidden, 1, g, &err), &err, "ps_policy_create");
    randomize_policy(p, seed, 0.8);
    at_generator_free(g);
}

static int same_policy(const ps_policy *a, const ps_policy *b) {
    for (int i = 0; i < a->n_params; i++)
        if (memcmp(at_data(a->params[i]), at_data(b->params[i]), (size_t)at_numel(a->params[i]) * sizeof(float)))
            return 0;
    return 1;
}

/* A rollout of n steps with sparse observations (columns 2, 3, 5 and 6
 * always zero, so batches take the column path), valid actions, and
 * log-probabilities near the policy's own. */
static void fake_rollout(ps_rollout *r, int n, uint64_t seed) {
    ps_error err;
    fail_on(ps_rollout_init(r, n, 7, &err), &err, "ps_rollout_init");
    ps_rng g;
    ps_rng_seed(&g, seed, 1);
    const int nvec[3] = {3, 4, 2};
    for (int i = 0; i < n; i++) {
        for (int d = 0; d < 7; d++)
            r->obs[i * 7 + d] = (d == 0 || d == 1 || d == 4) && ps_rng_uniform(&g) < 0.6 ? (float)uniform(&g, -2, 2) : 0.0f;
        for (int c = 0; c < 3; c++) r->actions[3 * i + c] = ps_rng_int(&g, 0, nvec[c] - 1);
        r->logp[i] = -log(24.0) + uniform(&g, -0.5, 0.5);
        r->values[i] = uniform(&g, -1, 1);
        r->advantages[i] = uniform(&g, -2, 2);
        r->returns[i] = r->values[i] + r->advantages[i];
        r->rewards[i] = uniform(&g, -1, 1);
        r->episode_starts[i] = i == 0;
    }
    r->n = n;
}

/* An Adam over p's parameters with c's settings: the first layers' weights
 * declared row parameters (as the trainer does), or every parameter dense. */
static void policy_adam(ps_adam *o, ps_policy *p, const ps_ppo_config *c, int rows) {
    ps_error err;
    fail_on(ps_adam_create(o, p->w, p->numel, p->n_params, c->learning_rate, c->adam_beta1, c->adam_beta2,
                           c->adam_eps, &err),
            &err, "ps_adam_create");
    for (int net = 0; rows && net < 2; net++)
        fail_on(ps_adam_set_rows(o, net == 0 ? ps_pi_layer(p, 0) : ps_vf_layer(p, 0), p->obs_dim, p->hidden[0], &err),
                &err, "ps_adam_set_rows");
}

/* Parameters and Adam moments of p (opt op) against q (oq) within tol
 * absolute + 1e-4 relative; returns the number of values off. */
static int64_t compare_training(const ps_policy *p, const ps_adam *op, const ps_policy *q, const ps_adam *oq,
                                double tol) {
    int64_t bad = 0;
    for (int i = 0; i < p->n_params; i++) {
        const float *a[3] = {p->w[i], ps_adam_moment(op, i, 0), ps_adam_moment(op, i, 1)};
        const float *b[3] = {q->w[i], ps_adam_moment(oq, i, 0), ps_adam_moment(oq, i, 1)};
        for (int k = 0; k < 3; k++) {
            int64_t off = 0;
            double worst = 0;
            for (int64_t j = 0; j < p->numel[i]; j++) {
                double e = fabs((double)a[k][j] - b[k][j]);
                off += !(e <= tol + 1e-4 * fabs(b[k][j]));
                worst = fmax(worst, e);
            }
            if (off)
                fprintf(stderr, "%s %s: %lld values off, worst by %g\n", p->names[i],
                        k == 0 ? "weight" : k == 1 ? "exp_avg" : "exp_avg_sq", (long long)off, worst);
            bad += off;
        }
    }
    return bad;
}

/* One reference gradient step of PPO on the rollout's rows `rows` (B of
 * them): normalised advantages, the autograd gradient, clipping and a
 * dense Adam step on q. Returns the gradient norm; the loss into L. */
static double reference_step(ps_policy *q, ps_adam *oq, const ps_ppo_config *c, const ps_rollout *r, const int *rows,
                             int B, ps_ppo_loss *L) {
    int D = r->obs_dim;
    float *obs = floats((int64_t)B * D), *gr[PS_MAX_PARAMS], lp[64], ent[64], val[64];
    int64_t act[64 * 3];
    double old[64], adv[64], ret[64];
    ps_error err;
    for (int i = 0; i < B; i++) {
        memcpy(obs + (size_t)i * D, r->obs + (size_t)rows[i] * D, (size_t)D * sizeof *obs);
        memcpy(act + 3 * i, r->actions + 3 * rows[i], 3 * sizeof *act);
        old[i] = r->logp[rows[i]];
        adv[i] = r->advantages[rows[i]];
        ret[i] = r->returns[rows[i]];
    }
    ps_normalize_advantages(adv, B);
    ps_batch batch;
    fail_on(ps_batch_build(&batch, obs, B, D, NULL, &err), &err, "ps_batch_build");
    for (int i = 0; i < q->n_params; i++) gr[i] = floats(q->numel[i]);
    reference_grads(q, &batch, NULL, B, act, c, old, adv, ret, gr, L, lp, ent, val);
    ps_grad G[PS_MAX_PARAMS];
    for (int i = 0; i < q->n_params; i++) G[i] = (ps_grad){gr[i], 0, NULL};
    double norm = ps_adam_clip(oq, G, c->max_grad_norm);
    fail_on(ps_adam_step(oq, G, &err), &err, "ps_adam_step");
    for (int i = 0; i < q->n_params; i++) free(gr[i]);
    ps_batch_free(&batch);
    free(obs);
    release();
    return norm;
}

/* ps_ppo_update = per epoch and minibatch: normalise the minibatch's
 * advantages, the PPO loss, backward, clip the global norm, one Adam step:
 * against the autograd reference with a dense Adam. */
static void test_ppo_update(void) {
    ps_error err;
    ps_rollout r;
    fake_rollout(&r, 8, 12);
    ps_ppo_config c = ps_ppo_config_default();
    c.n_epochs = 1;
    c.batch_size = 8;
    c.ent_coef = 0.02;
    c.max_grad_norm = 0.3;
    ps_policy p, q, p0;
    tiny_policy(&p, 3);
    tiny_policy(&q, 3);
    tiny_policy(&p0, 3);
    CHECK(same_policy(&p, &q));
    ps_adam op, oq;
    policy_adam(&op, &p, &c, 1);
    policy_adam(&oq, &q, &c, 0);
    ps_train_work work = {0};
    ps_rng shuffle;
    ps_rng_seed(&shuffle, 1, 1);
    ps_update_stats st;
    fail_on(ps_ppo_update(&p, &op, &work, &c, &r, &shuffle, &st, &err), &err, "ps_ppo_update");
    CHECK_INT(st.n_updates, 1);
    CHECK_INT(op.steps, 1);
    /* the same by the reference on q */
    const int all[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    ps_ppo_loss L;
    double norm = reference_step(&q, &oq, &c, &r, all, 8, &L);
    CHECK(norm > c.max_grad_norm); /* the clipping mattered */
    CHECK_INT(compare_training(&p, &op, &q, &oq, 1e-6), 0);
    double moved = 0;
    for (int i = 0; i < p.n_params; i++)
        for (int64_t k = 0; k < p.numel[i]; k++) moved = fmax(moved, fabs((double)p.w[i][k] - p0.w[i][k]));
    CHECK(moved > 0.5 * c.learning_rate); /* the step moved the weights */
    /* inputs zero in every row (2, 3, 5, 6): their first-layer rows did not
     * move and have no moments, exactly */
    int still = 1;
    for (int net = 0; net < 2; net++) {
        int i = net == 0 ? ps_pi_layer(&p, 0) : ps_vf_layer(&p, 0), H = p.hidden[0];
        const int zero_cols[4] = {2, 3, 5, 6};
        for (int z = 0; z < 4; z++)
            for (int j = 0; j < H; j++) {
                int64_t k = (int64_t)zero_cols[z] * H + j;
                still &= p.w[i][k] == p0.w[i][k];
                still &= ps_adam_moment(&op, i, 0)[k] == 0 && ps_adam_moment(&op, i, 1)[k] == 0;
            }
    }
    CHECK(still);
    CHECK_NEAR(st.policy_loss, L.policy_loss, 1e-5);
    CHECK_NEAR(st.value_loss, L.value_loss, 1e-5);
    CHECK_NEAR(st.entropy_loss, L.entropy_loss, 1e-5);
    CHECK_NEAR(st.approx_kl, L.approx_kl, 1e-6);
    CHECK_NEAR(st.clip_fraction, L.clip_fraction, 0);
    CHECK_NEAR(st.loss, L.total, 1e-5);
    CHECK_NEAR(st.grad_norm, norm, 1e-5 * norm);
    CHECK_NEAR(st.explained_variance, ps_explained_variance(r.values, r.returns, 8), 1e-12);
    /* the rollout's own advantages are left as they were (normalised copies) */
    double adv[8];
    memcpy(adv, r.advantages, sizeof adv);
    ps_normalize_advantages(adv, 8);
    CHECK(r.advantages[0] != adv[0]);
    /* a second epoch, here and by the reference: SB3 reports approx_kl as
     * the last epoch's mean, the losses as means over both */
    c.n_epochs = 2;
    ps_adam_free(&op);
    ps_policy_free(&p);
    tiny_policy(&p, 3);
    policy_adam(&op, &p, &c, 1);
    fail_on(ps_ppo_update(&p, &op, &work, &c, &r, &shuffle, &st, &err), &err, "ps_ppo_update");
    ps_ppo_loss L2;
    reference_step(&q, &oq, &c, &r, all, 8, &L2);
    CHECK(L2.approx_kl > 0 && fabs(L2.approx_kl - L.approx_kl) > 1e-9);
    CHECK_NEAR(st.approx_kl, L2.approx_kl, 1e-5);
    CHECK_NEAR(st.policy_loss, (L.policy_loss + L2.policy_loss) / 2, 1e-5);
    CHECK_INT(st.n_updates, 2);
    CHECK_INT(op.steps, 2);
    CHECK_INT(compare_training(&p, &op, &q, &oq, 1e-6), 0);
    /* rows whose action decided nothing (--action gate with no work to
     * hold) get advantage 0: with none deciding and no entropy bonus the
     * policy stays exactly as it was, the value network still learns */
    c.ent_coef = 0;
    ps_policy_free(&p0);
    tiny_policy(&p0, 3);
    ps_adam_free(&op);
    ps_policy_free(&p);
    tiny_policy(&p, 3);
    policy_adam(&op, &p, &c, 1);
    memset(r.decides, 0, (size_t)r.n);
    fail_on(ps_ppo_update(&p, &op, &work, &c, &r, &shuffle, &st, &err), &err, "ps_ppo_update");
    int pi_still = 1, vf_moved = 0;
    for (int i = 0; i < p.n_params; i++) {
        int vf = i >= ps_vf_layer(&p, 0) && i != ps_action_layer(&p) && i != ps_action_layer(&p) + 1;
        for (int64_t k = 0; k < p.numel[i]; k++) {
            if (!vf) pi_still &= p.w[i][k] == p0.w[i][k];
            if (vf) vf_moved |= p.w[i][k] != p0.w[i][k];
        }
    }
    CHECK(pi_still && vf_moved);
    CHECK_NEAR(st.policy_loss, 0, 0);
    memset(r.decides, 1, (size_t)r.n);
    ps_train_work_free(&work);
    ps_adam_free(&op);
    ps_adam_free(&oq);
    ps_policy_free(&p);
    ps_policy_free(&q);

    /* minibatches of 3 over 8 rows (3, 3, 2), 2 epochs: 6 gradient steps;
     * the order comes from the shuffle generator */
    c.n_epochs = 2;
    c.batch_size = 3;
    ps_policy x[3];
    ps_adam ox[3];
    ps_train_work wx[3];
    const uint64_t shuffle_seed[3] = {5, 5, 6};
    for (int k = 0; k < 3; k++) {
        tiny_policy(&x[k], 3);
        policy_adam(&ox[k], &x[k], &c, 1);
        memset(&wx[k], 0, sizeof wx[k]);
        ps_rng_seed(&shuffle, shuffle_seed[k], 1);
        fail_on(ps_ppo_update(&x[k], &ox[k], &wx[k], &c, &r, &shuffle, &st, &err), &err, "ps_ppo_update");
        CHECK_INT(st.n_updates, 6);
        CHECK_INT(ox[k].steps, 6);
        CHECK(isfinite(st.policy_loss) && isfinite(st.value_loss) && st.clip_fraction >= 0 && st.clip_fraction <= 1);
    }
    CHECK(same_policy(&x[0], &x[1]));
    CHECK(!same_policy(&x[0], &x[2]));
    /* the six steps by the reference, in the order of ppo.c's shuffle
     * (Fisher-Yates from the end with ps_rng_int): the same network */
    tiny_policy(&q, 3);
    policy_adam(&oq, &q, &c, 0);
    ps_rng_seed(&shuffle, 5, 1);
    int rows[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    double pl = 0;
    for (int e = 0; e < 2; e++) {
        for (int i = 7; i > 0; i--) {
            int j = (int)ps_rng_int(&shuffle, 0, i), t = rows[i];
            rows[i] = rows[j];
            rows[j] = t;
        }
        for (int start = 0; start < 8; start += 3) {
            ps_ppo_loss Lm;
            reference_step(&q, &oq, &c, &r, rows + start, 8 - start < 3 ? 8 - start : 3, &Lm);
            pl += Lm.policy_loss / 6;
        }
    }
    CHECK_INT(oq.steps, 6);
    CHECK_INT(compare_training(&x[0], &ox[0], &q, &oq, 1e-5), 0);
    ps_rng_seed(&shuffle, 5, 1);
    ps_adam_free(&ox[1]);
    ps_policy_free(&x[1]);
    tiny_policy(&x[1], 3);
    policy_adam(&ox[1], &x[1], &c, 1);
    fail_on(ps_ppo_update(&x[1], &ox[1], &wx[1], &c, &r, &shuffle, &st, &err), &err, "ps_ppo_update");
    CHECK_NEAR(st.policy_loss, pl, 1e-5);
    ps_adam_free(&oq);
    ps_policy_free(&q);
    for (int k = 0; k < 3; k++) {
        ps_adam_free(&ox[k]);
        ps_train_work_free(&wx[k]);
        ps_policy_free(&x[k]);
    }
    ps_policy_free(&p0);
    ps_rollout_free(&r);
}

/* ============================================================ 3. learning */

static void test_rewards_known(void) {
    /* the premise of the learning test: with no arrivals, all nodes off is
     * worth +0.7 a step, all on and idle 0.7 tanh(-3.5) - 0.1 */
    ps_scenario_spec spec = tiny_spec(0, 1);
    ps_env *env = env_new(&spec);
    float *obs = malloc((size_t)ps_env_obs_size(env) * sizeof *obs);
    ps_env_reset(env, NULL, -1, obs);
    ps_step_info in;
    ps_error err;
    ps_action on = {2, 3, 0, 0}, off = {0, 3, 0, 0}, keep = {1, 0, 1, 0};
    double all_on = 0.7 * tanh(-3.5) - 0.1;
    CHECK_NEAR(all_on, -0.798725, 1e-6);
    for (int i = 0; i < 3; i++) {
        fail_on(ps_env_step(env, on, obs, &in, &err), &err, "ps_env_step");
        CHECK_NEAR(in.reward, all_on, 1e-12);
        CHECK_INT(in.on, 4);
    }
    for (int i = 0; i < 3; i++) {
        fail_on(ps_env_step(env, off, obs, &in, &err), &err, "ps_env_step");
        CHECK_NEAR(in.reward, 0.7, 1e-12);
        CHECK_INT(in.on, 0);
    }
    fail_on(ps_env_step(env, keep, obs, &in, &err), &err, "ps_env_step");
    CHECK_NEAR(in.reward, 0.7, 1e-12);
    CHECK_INT(in.new_jobs, 0);
    free(obs);
    env_delete(env);
}

typedef struct hook_log {
    ps_trainer *t;
    int steps, episodes, updates, bad_episode_sum;
    double ep_reward, last_truncated_bootstrap;
    int64_t last_n_updates, last_episode_end;
    int update_timesteps_ok;
} hook_log;

static void log_step(void *user, const ps_env *env, const ps_step_info *in) {
    hook_log *h = user;
    (void)env;
    h->steps++;
    h->ep_reward += in->reward;
    if (in->truncated) {
        /* the trainer bootstraps this step with gamma * V(terminal obs):
         * the observation it just received, with the policy as it is now */
        double v;
        ps_error err;
        fail_on(ps_policy_value(&h->t->policy, h->t->obs, &v, &err), &err, "ps_policy_value");
        h->last_truncated_bootstrap = in->reward + h->t->ppo.gamma * v;
    }
}

static void log_episode(void *user, const ps_env *env, const ps_episode_record *rec, int64_t num_timesteps) {
    hook_log *h = user;
    (void)env;
    h->episodes++;
    h->last_episode_end = num_timesteps;
    /* the record's total is the sum of the step rewards of the episode */
    if (fabs(rec->total_reward - h->ep_reward) > 1e-9 * fmax(1, fabs(h->ep_reward))) h->bad_episode_sum++;
    h->ep_reward = 0;
}

static int log_update(void *user, const ps_update_stats *s, int64_t num_timesteps) {
    hook_log *h = user;
    h->updates++;
    h->update_timesteps_ok &= num_timesteps == (int64_t)h->updates * 64; /* one rollout per update */
    h->last_n_updates = s->n_updates;
    return 0;
}

/* Mean reward of the policy over `steps` steps of a fresh env. */
static double eval_policy(ps_policy *p, const ps_scenario_spec *spec, int steps, int deterministic, int *all_off_steps) {
    ps_env *env = env_new(spec);
    float *obs = malloc((size_t)ps_env_obs_size(env) * sizeof *obs);
    ps_rng r;
    ps_rng_seed(&r, 1, 1);
    ps_env_reset(env, NULL, -1, obs);
    double sum = 0;
    *all_off_steps = 0;
    for (int i = 0; i < steps; i++) {
        int a[3];
        double lp, v;
        ps_error err;
        ps_step_info in;
        fail_on(ps_policy_act(p, obs, deterministic, &r, a, &lp, &v, &err), &err, "ps_policy_act");
        ps_action act = {a[0], a[1], a[2], 0};
        fail_on(ps_env_step(env, act, obs, &in, &err), &err, "ps_env_step");
        sum += in.reward;
        *all_off_steps += in.on == 0;
    }
    free(obs);
    env_delete(env);
    return sum / steps;
}

static double eval_fixed(const ps_scenario_spec *spec, int steps, int policy /* 0 random, 1 always on */) {
    ps_env *env = env_new(spec);
    float *obs = malloc((size_t)ps_env_obs_size(env) * sizeof *obs);
    ps_rng r;
    ps_rng_seed(&r, 2, 1);
    ps_env_reset(env, NULL, -1, obs);
    double sum = 0;
    for (int i = 0; i < steps; i++) {
        ps_error err;
        ps_step_info in;
        ps_action act = {2, env->cfg.max_nodes - 1, 0, 0};
        if (policy == 0) act = ps_action_random(&r, &env->cfg);
        fail_on(ps_env_step(env, act, obs, &in, &err), &err, "ps_env_step");
        sum += in.reward;
    }
    free(obs);
    env_delete(env);
    return sum / steps;
}

static void test_learning(void) {
    double t0 = now_s();
    ps_scenario_spec spec = tiny_spec(0, 1);
    ps_env *env = env_new(&spec);
    ps_ppo_config c = ps_ppo_config_default();
    const int hidden[2] = {32, 32};
    ps_trainer t;
    ps_error err;
    fail_on(ps_trainer_create(&t, env, &c, hidden, 2, 7, &err), &err, "ps_trainer_create");
    CHECK_INT(t.policy.obs_dim, 65); /* 1 + 4 * 8 + 4 + 4 + 24 */
    hook_log h = {.t = &t, .update_timesteps_ok = 1};
    ps_train_hooks hooks = {&h, log_step, log_episode, log_update};
    /* untrained, the action head's logits are ~0 (gain 0.01): sampling is
     * about uniform, so the stochastic policy does as badly as random */
    int off_before;
    double before = eval_policy(&t.policy, &spec, 336, 0, &off_before);
    int stopped;
    uint64_t seed = 7;
    const int64_t steps = 4000; /* 63 rollouts of 64 = 4032 steps */
    fail_on(ps_trainer_learn(&t, steps, &seed, &hooks, &stopped, &err), &err, "ps_trainer_learn");
    CHECK_INT(stopped, 0);
    CHECK_INT(t.num_timesteps, 4032);
    CHECK_INT(h.steps, 4032);
    CHECK_INT(h.updates, 63);
    CHECK(h.update_timesteps_ok);
    CHECK_INT(t.n_updates, 630); /* 10 epochs x 1 minibatch per rollout */
    CHECK_INT(h.last_n_updates, 630);
    CHECK_INT(t.opt.steps, 630);
    CHECK_INT(h.episodes, 4032 / 336);
    CHECK_INT(h.bad_episode_sum, 0);
    int off_steps, off_sampled;
    double learned = eval_policy(&t.policy, &spec, 336, 1, &off_steps);
    double sampled = eval_policy(&t.policy, &spec, 336, 0, &off_sampled);
    double random = eval_fixed(&spec, 336, 0), always_on = eval_fixed(&spec, 336, 1);
    printf("learning: sampled %.3f before, %.3f after; deterministic %.3f (%d/336 steps all off); random %.3f, "
           "always-on %.3f; %.1f s\n",
           before, sampled, learned, off_steps, random, always_on, now_s() - t0);
    CHECK_NEAR(always_on, 0.7 * tanh(-3.5) - 0.1, 1e-12);
    CHECK(before < random + 0.3);
    CHECK(sampled > before + 0.5);
    CHECK(learned > random + 0.3);
    CHECK(learned > always_on + 1.0);
    CHECK(learned > 0.6); /* the optimum is 0.7 */
    CHECK(off_steps > 300);
    ps_trainer_free(&t);
    env_delete(env);
}

/* The trainer's rollout bookkeeping around an episode end (spec 12.2): the
 * truncated step's reward carries gamma * V(terminal obs), the next step
 * starts an episode, the counters follow learn()'s step target. */
static void test_trainer_truncation(void) {
    ps_scenario_spec spec = tiny_spec(2, 3);
    ps_env *env = env_new(&spec);
    ps_ppo_config c = ps_ppo_config_default();
    const int hidden[1] = {16};
    ps_trainer t;
    ps_error err;
    fail_on(ps_trainer_create(&t, env, &c, hidden, 1, 5, &err), &err, "ps_trainer_create");
    hook_log h = {.t = &t, .update_timesteps_ok = 1};
    ps_train_hooks hooks = {&h, log_step, log_episode, log_update};
    int stopped;
    /* 336 steps -> 6 rollouts = 384 steps; the last rollout holds steps
     * 321..384, the episode ends at step 336 = index 15 */
    fail_on(ps_trainer_learn(&t, 336, NULL, &hooks, &stopped, &err), &err, "ps_trainer_learn");
    CHECK_INT(t.num_timesteps, 384);
    CHECK_INT(h.episodes, 1);
    CHECK_INT(h.last_episode_end, 336); /* the step count includes the episode's last step */
    CHECK_INT(h.bad_episode_sum, 0);
    const ps_rollout *r = &t.rollout;
    CHECK_INT(r->n, 64);
    CHECK_NEAR(r->rewards[15], h.last_truncated_bootstrap, 1e-12);
    int starts = 0;
    for (int i = 0; i < 64; i++) starts += r->episode_starts[i];
    CHECK_INT(starts, 1);
    CHECK_INT(r->episode_starts[16], 1);
    /* actions recorded are valid */
    int bad = 0;
    for (int i = 0; i < 64; i++)
        bad += r->actions[3 * i] < 0 || r->actions[3 * i] > 2 || r->actions[3 * i + 1] < 0 ||
               r->actions[3 * i + 1] > 3 || r->actions[3 * i + 2] < 0 || r->actions[3 * i + 2] > 1;
    CHECK_INT(bad, 0);
    /* a second call continues: +1 step target -> one more rollout */
    fail_on(ps_trainer_learn(&t, 1, NULL, &hooks, &stopped, &err), &err, "ps_trainer_learn");
    CHECK_INT(t.num_timesteps, 448);
    CHECK_INT(t.n_updates, 70);
    CHECK_INT(r->episode_starts[0], 0);
    ps_trainer_free(&t);
    env_delete(env);
}

static int stop_now(void *user, const ps_update_stats *s, int64_t n) {
    (void)s;
    (void)n;
    return ++*(int *)user >= 2;
}

static void test_trainer_stop(void) {
    ps_scenario_spec spec = tiny_spec(2, 3);
    ps_env *env = env_new(&spec);
    ps_ppo_config c = ps_ppo_config_default();
    const int hidden[1] = {8};
    ps_trainer t;
    ps_error err;
    fail_on(ps_trainer_create(&t, env, &c, hidden, 1, 5, &err), &err, "ps_trainer_create");
    int calls = 0, stopped = 0;
    ps_train_hooks hooks = {&calls, NULL, NULL, stop_now};
    fail_on(ps_trainer_learn(&t, 100000, NULL, &hooks, &stopped, &err), &err, "ps_trainer_learn");
    CHECK_INT(stopped, 1);
    CHECK_INT(calls, 2);
    CHECK_INT(t.num_timesteps, 128);
    ps_trainer_free(&t);
    env_delete(env);
}

/* ============================================== 4. determinism, checkpoints */

static int same_params(const ps_trainer *a, const ps_trainer *b, int with_moments) {
    if (a->policy.n_params != b->policy.n_params) return 0;
    for (int i = 0; i < a->policy.n_params; i++) {
        int64_t n = at_numel(a->policy.params[i]);
        if (n != at_numel(b->policy.params[i])) return 0;
        if (memcmp(at_data(a->policy.params[i]), at_data(b->policy.params[i]), (size_t)n * sizeof(float))) return 0;
        for (int w = 0; with_moments && w < 2; w++)
            if (memcmp(ps_adam_moment(&a->opt, i, w), ps_adam_moment(&b->opt, i, w), (size_t)n * sizeof(float)))
                return 0;
        if (with_moments && a->opt.steps != b->opt.steps) return 0;
    }
    return 1;
}

typedef struct run {
    ps_env *env;
    ps_trainer t;
} run;

static void run_new(run *r, const ps_scenario_spec *spec, const int *hidden, int n_hidden, uint64_t seed) {
    ps_error err;
    ps_ppo_config c = ps_ppo_config_default();
    c.ent_coef = 0.01;
    r->env = env_new(spec);
    fail_on(ps_trainer_create(&r->t, r->env, &c, hidden, n_hidden, seed, &err), &err, "ps_trainer_create");
}

static void run_learn(run *r, int64_t steps, uint64_t seed) {
    ps_error err;
    int stopped;
    fail_on(ps_trainer_learn(&r->t, steps, &seed, NULL, &stopped, &err), &err, "ps_trainer_learn");
}

static void run_free(run *r) {
    ps_trainer_free(&r->t);
    env_delete(r->env);
}

static void test_determinism(void) {
    ps_scenario_spec spec = tiny_spec(3, 21);
    const int hidden[2] = {16, 16};
    run a, b, c;
    run_new(&a, &spec, hidden, 2, 42);
    run_new(&b, &spec, hidden, 2, 42);
    run_new(&c, &spec, hidden, 2, 43);
    CHECK(same_params(&a.t, &b.t, 1)); /* same initialisation */
    CHECK(!same_params(&a.t, &c.t, 0));
    run_learn(&a, 256, 42);
    run_learn(&b, 256, 42);
    run_learn(&c, 256, 42);
    CHECK_INT(a.t.n_updates, 40);
    CHECK(same_params(&a.t, &b.t, 1));
    CHECK(!same_params(&a.t, &c.t, 0));
    CHECK(memcmp(&a.t.action_rng, &b.t.action_rng, sizeof a.t.action_rng) == 0);
    CHECK(memcmp(a.t.rollout.rewards, b.t.rollout.rewards, 64 * sizeof(double)) == 0);
    /* jobs did arrive: the env matters to the outcome */
    CHECK(a.env->metrics.cum.agent.submitted > 0);
    CHECK_INT(a.env->metrics.cum.agent.submitted, b.env->metrics.cum.agent.submitted);
    /* parameters moved */
    run fresh;
    run_new(&fresh, &spec, hidden, 2, 42);
    CHECK(!same_params(&a.t, &fresh.t, 0));
    run_free(&fresh);
    run_free(&a);
    run_free(&b);
    run_free(&c);
}

static char tmpdir[256];

/* A path in the test's temporary folder (a fresh string each call; the few
 * made stay allocated until the process ends). */
static const char *tmp_path(const char *name) {
    static char buf[16][512];
    static int k;
    if (k == 16) exit(1);
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k++];
}

static long file_size(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fclose(f);
    return n;
}

static int copy_with_flip(const char *from, const char *to, const char *anchor, long delta) {
    long n = file_size(from);
    FILE *f = n > 0 ? fopen(from, "rb") : NULL;
    if (!f) return -1;
    unsigned char *buf = malloc((size_t)n);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) n = -1;
    fclose(f);
    long at = -1;
    size_t alen = strlen(anchor);
    for (long i = 0; i + (long)alen <= n && at < 0; i++)
        if (!memcmp(buf + i, anchor, alen)) at = i + (long)alen + delta;
    if (at < 0 || at >= n) {
        free(buf);
        return -1;
    }
    buf[at] ^= 0x5a;
    FILE *o = fopen(to, "wb");
    fwrite(buf, 1, (size_t)n, o);
    fclose(o);
    free(buf);
    return 0;
}

/* A data path with quotes and a backslash: recorded JSON must escape them. */
#define QUOTED_PATH "data \"2023\"\\prices.csv"

/* The checkpoint's config.json parses and holds the options as given. */
static void check_recorded_options(const char *path) {
    ps_zip_entry *e;
    int n;
    ps_error err;
    fail_on(ps_zip_read(path, &e, &n, &err), &err, "ps_zip_read");
    const ps_zip_entry *c = ps_zip_find(e, n, "config.json");
    cJSON *cfg = c ? cJSON_ParseWithLength(c->data, c->size) : NULL;
    CHECK(cfg != NULL);
    const cJSON *prices = cJSON_GetObjectItem(cJSON_GetObjectItem(cfg, "options"), "prices");
    CHECK(cJSON_IsString(prices) && !strcmp(prices->valuestring, QUOTED_PATH));
    cJSON_Delete(cfg);
    ps_zip_free(e, n);
}

static void test_checkpoint(void) {
    ps_scenario_spec spec = tiny_spec(3, 21);
    const int hidden[2] = {16, 16};
    ps_weights w = {0.5, 0.25, 0.125, 0.0625, 0.0625};
    const char *path = tmp_path("a.zip");
    ps_error err;
    run a, b;
    run_new(&a, &spec, hidden, 2, 42);
    run_learn(&a, 128, 42);
    cJSON *options = cJSON_CreateObject();
    cJSON_AddStringToObject(options, "prices", QUOTED_PATH);
    fail_on(ps_checkpoint_save(path, &a.t, 100000, 3, &w, options, &err), &err, "ps_checkpoint_save");
    cJSON_Delete(options);
    check_recorded_options(path);
    ps_checkpoint_info info;
    fail_on(ps_checkpoint_peek(path, &info, &err), &err, "ps_checkpoint_peek");
    CHECK_INT(info.n_hidden, 2);
    CHECK_INT(info.hidden[0], 16);
    CHECK_INT(info.hidden[1], 16);
    CHECK_INT(info.obs_dim, 65);
    CHECK(info.nvec[0] == 3 && info.nvec[1] == 4 && info.nvec[2] == 2);
    CHECK_NEAR(info.ent_coef, 0.01, 0);
    CHECK_INT(info.nominal_steps, 100000);
    CHECK_INT(info.num_timesteps, 128);
    CHECK_INT(info.iteration, 3);
    CHECK_INT(info.n_updates, 20);
    CHECK_NEAR(info.weights.efficiency, 0.5, 0);
    CHECK_NEAR(info.weights.price, 0.25, 0);
    CHECK_NEAR(info.weights.idle, 0.125, 0);
    CHECK_NEAR(info.weights.job_age, 0.0625, 0);
    CHECK_NEAR(info.weights.drop, 0.0625, 0);

    /* load into a trainer made with another seed: everything comes back */
    run_new(&b, &spec, hidden, 2, 999);
    CHECK(!same_params(&a.t, &b.t, 0));
    memset(&info, 0, sizeof info);
    fail_on(ps_checkpoint_load(path, &b.t, &info, &err), &err, "ps_checkpoint_load");
    CHECK(same_params(&a.t, &b.t, 1));
    CHECK_INT(b.t.opt.steps, a.t.opt.steps);
    CHECK_INT(b.t.opt.steps, 20);
    CHECK_INT(b.t.num_timesteps, 128);
    CHECK_INT(b.t.n_updates, 20);
    CHECK(memcmp(&a.t.action_rng, &b.t.action_rng, sizeof a.t.action_rng) == 0);
    CHECK(memcmp(&a.t.shuffle_rng, &b.t.shuffle_rng, sizeof a.t.shuffle_rng) == 0);
    CHECK_INT(info.iteration, 3);
    /* the loaded weights are what the C forward reads: same actions and values */
    float obs[65];
    memset(obs, 0, sizeof obs);
    obs[0] = 2;
    obs[40] = 1;
    int x[3], y[3];
    double lx, vx, ly, vy;
    ps_rng r1, r2;
    ps_rng_seed(&r1, 1, 1);
    r2 = r1;
    fail_on(ps_policy_act(&a.t.policy, obs, 1, &r1, x, &lx, &vx, &err), &err, "act");
    fail_on(ps_policy_act(&b.t.policy, obs, 1, &r2, y, &ly, &vy, &err), &err, "act");
    CHECK(x[0] == y[0] && x[1] == y[1] && x[2] == y[2] && lx == ly && vx == vy);

    /* continuing both from the same env state (a fresh env each, as on
     * resume) gives bit-identical training: nothing that matters was lost */
    ps_env *env2 = env_new(&spec);
    env_delete(a.env);
    a.env = env2;
    a.t.env = env2;
    a.t.started = 0;
    run_learn(&a, 192, 5);
    run_learn(&b, 192, 5);
    CHECK_INT(a.t.num_timesteps, 320);
    CHECK_INT(b.t.num_timesteps, 320);
    CHECK(same_params(&a.t, &b.t, 1));
    CHECK_INT(b.t.opt.steps, 50);
    CHECK(memcmp(&a.t.action_rng, &b.t.action_rng, sizeof a.t.action_rng) == 0);

    /* save -> load -> save writes the same tensors (file sizes equal) */
    const char *path2 = tmp_path("b.zip"), *path3 = tmp_path("c.zip");
    fail_on(ps_checkpoint_save(path2, &b.t, 300000, 3, &w, NULL, &err), &err, "save");
    run c;
    run_new(&c, &spec, hidden, 2, 1);
    fail_on(ps_checkpoint_load(path2, &c.t, &info, &err), &err, "load");
    fail_on(ps_checkpoint_save(path3, &c.t, 300000, 3, &w, NULL, &err), &err, "save");
    CHECK(file_size(path2) > 0 && file_size(path2) == file_size(path3));
    CHECK(same_params(&b.t, &c.t, 1));
    run_free(&c);

    /* a corrupted byte inside a tensor's data: refused, the path named */
    const char *bad = tmp_path("corrupt.zip");
    CHECK(copy_with_flip(path, bad, "policy/pi.0.weight.bin", 200) == 0);
    run d;
    run_new(&d, &spec, hidden, 2, 1);
    int rc = ps_checkpoint_load(bad, &d.t, &info, &err);
    CHECK_INT(rc, PS_ERR);
    if (rc == PS_ERR) CHECK_STR_CONTAINS(err.msg, bad);
    CHECK(at_last_error() == NULL);
    /* a corrupted JSON entry, a truncated file, a missing file, not a zip */
    CHECK(copy_with_flip(path, bad, "progress.json", 40) == 0);
    rc = ps_checkpoint_load(bad, &d.t, &info, &err);
    CHECK_INT(rc, PS_ERR);
    if (rc == PS_ERR) CHECK_STR_CONTAINS(err.msg, bad);
    CHECK(truncate(bad, file_size(path) / 2) == 0);
    rc = ps_checkpoint_load(bad, &d.t, &info, &err);
    CHECK_INT(rc, PS_ERR);
    if (rc == PS_ERR) CHECK_STR_CONTAINS(err.msg, bad);
    const char *missing = tmp_path("missing.zip");
    rc = ps_checkpoint_peek(missing, &info, &err);
    CHECK_INT(rc, PS_ERR);
    if (rc == PS_ERR) CHECK_STR_CONTAINS(err.msg, missing);
    FILE *f = fopen(bad, "w");
    fputs("not a zip at all\n", f);
    fclose(f);
    rc = ps_checkpoint_load(bad, &d.t, &info, &err);
    CHECK_INT(rc, PS_ERR);
    if (rc == PS_ERR) CHECK_STR_CONTAINS(err.msg, bad);
    /* the refused loads left d's network as it was built */
    run d0;
    run_new(&d0, &spec, hidden, 2, 1);
    CHECK(same_params(&d.t, &d0.t, 1));
    CHECK_INT(d.t.num_timesteps, 0);
    run_free(&d0);
    run_free(&d);

    /* another architecture: refused */
    run e;
    const int other[1] = {16};
    run_new(&e, &spec, other, 1, 1);
    rc = ps_checkpoint_load(path, &e.t, &info, &err);
    CHECK_INT(rc, PS_ERR);
    if (rc == PS_ERR) {
        CHECK_STR_CONTAINS(err.msg, path);
        CHECK_STR_CONTAINS(err.msg, "architecture");
    }
    run_free(&e);
    const int wider[2] = {16, 32};
    run_new(&e, &spec, wider, 2, 1);
    CHECK_INT(ps_checkpoint_load(path, &e.t, &info, &err), PS_ERR);
    run_free(&e);
    /* another cluster (5 nodes: other observation and action sizes): refused */
    ps_scenario_spec spec5 = spec;
    spec5.cfg.max_nodes = 5;
    run_new(&e, &spec5, hidden, 2, 1);
    rc = ps_checkpoint_load(path, &e.t, &info, &err);
    CHECK_INT(rc, PS_ERR);
    if (rc == PS_ERR) CHECK_STR_CONTAINS(err.msg, path);
    run_free(&e);

    run_free(&a);
    run_free(&b);
    unlink(path);
    unlink(path2);
    unlink(path3);
    unlink(bad);
}

/* ============================================== 5. resume (spec 12.5) */

/* Removes what ps_session_open made under base (and nothing else). */
static void remove_session(const ps_session *s, const char *base) {
    char models[4600], logs[4600];
    snprintf(models, sizeof models, "%s/models", s->root);
    snprintf(logs, sizeof logs, "%s/logs", s->root);
    const char *dirs[] = {s->models_dir, s->logs_dir, s->plots_dir, models, logs, s->root, base};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) CHECK(rmdir(dirs[i]) == 0);
}

/* --obs-scale bounds: the network reads input d times a fixed scale, which
 * is exactly the unscaled network on the scaled observation (rollout
 * forward, training batch, autograd reference); the scale travels in the
 * checkpoint, and a checkpoint without it loads as unscaled. */
static void test_obs_scale(void) {
    ps_scenario_spec spec = tiny_spec(3, 21);
    const int hidden[2] = {16, 16};
    ps_error err;
    run a, b, c;
    run_new(&a, &spec, hidden, 2, 5);
    run_new(&b, &spec, hidden, 2, 5); /* the same seed: the same weights */
    CHECK(a.t.policy.in_scale == NULL && a.t.obs_scale == PS_OBS_SCALE_NONE);
    fail_on(ps_trainer_set_obs_scale(&a.t, PS_OBS_SCALE_BOUNDS, &err), &err, "ps_trainer_set_obs_scale");
    const ps_obs_layout *l = &a.env->layout;
    const ps_config *cfg = &a.env->cfg;
    const float *s = a.t.policy.in_scale;
    CHECK(s != NULL);
    if (!s) return;
    CHECK_NEAR(s[l->job_queue + 4], 1.0 / 170, 1e-9); /* the second row's duration */
    CHECK_NEAR(s[l->job_queue + 5], 1.0 / 168, 1e-9); /* its age */
    CHECK_NEAR(s[l->job_queue + 6], 1.0 / 16, 1e-9);
    CHECK_NEAR(s[l->job_queue + 7], 1.0 / 96, 1e-9);
    CHECK_NEAR(s[l->nodes + cfg->max_nodes - 1], 1.0 / 170, 1e-9);
    CHECK_NEAR(s[l->predicted_prices + 23], 0.01, 1e-9);
    CHECK_NEAR(s[l->backlog_size], 0.001, 1e-9);
    CHECK_NEAR(s[l->pending_core_hours], (float)(1.0 / (cfg->max_nodes * cfg->cores_per_node * 24.0)), 0);
    CHECK_NEAR(s[l->pending_job_count], 1.0 / cfg->max_queue_size, 1e-9);
    CHECK_NEAR(s[l->pending_avg_duration], 1.0 / 170, 1e-9);
    CHECK_NEAR(s[l->pending_max_nodes], 1.0 / 16, 1e-9);
    int D = a.t.policy.obs_dim, B = 3;
    float x[3 * 65], xs[3 * 65];
    CHECK_INT(D, 65);
    ps_rng r;
    ps_rng_seed(&r, 3, 0);
    for (int i = 0; i < B * D; i++) {
        x[i] = i % 3 == 0 ? 0.0f : (float)uniform(&r, 0, 300);
        xs[i] = x[i] * s[i % D];
    }
    for (int row = 0; row < B; row++) { /* rollout forward: the same numbers, bit for bit */
        int aa[3], ab[3];
        double lpa, lpb, va, vb;
        fail_on(ps_policy_act(&a.t.policy, x + row * D, 1, NULL, aa, &lpa, &va, &err), &err, "ps_policy_act");
        fail_on(ps_policy_act(&b.t.policy, xs + row * D, 1, NULL, ab, &lpb, &vb, &err), &err, "ps_policy_act");
        CHECK(aa[0] == ab[0] && aa[1] == ab[1] && aa[2] == ab[2]);
        CHECK(lpa == lpb && va == vb);
    }
    ps_batch ba, bb; /* the training batch */
    fail_on(ps_batch_build(&ba, x, B, D, s, &err), &err, "ps_batch_build");
    fail_on(ps_batch_build(&bb, xs, B, D, NULL, &err), &err, "ps_batch_build");
    CHECK(ba.K == bb.K && !memcmp(ba.xs, bb.xs, (size_t)B * ba.K * sizeof *ba.xs));
    CHECK(!memcmp(ba.tile_val, bb.tile_val, (size_t)ba.tile_ptr[(ba.K + PS_BATCH_TILE - 1) / PS_BATCH_TILE * B] * sizeof(float)));
    ps_batch_free(&ba);
    ps_batch_free(&bb);
    const int64_t acts[9] = {0, 1, 0, 2, 3, 1, 1, 0, 1};
    ps_tlist tl = {.n = 0};
    ps_policy_eval ea, eb; /* the autograd reference reads the dense observation scaled too */
    fail_on(ps_policy_evaluate_dense(&a.t.policy, x, B, acts, &tl, &ea, &err), &err, "ps_policy_evaluate_dense");
    fail_on(ps_policy_evaluate_dense(&b.t.policy, xs, B, acts, &tl, &eb, &err), &err, "ps_policy_evaluate_dense");
    float la[3], lb[3];
    get(ea.logp, la, 3);
    get(eb.logp, lb, 3);
    for (int i = 0; i < 3; i++) CHECK_NEAR(la[i], lb[i], 1e-5);
    ps_tlist_free(&tl);
    /* the checkpoint carries it; one without it loads unscaled */
    const char *path = tmp_path("scaled.zip"), *plain = tmp_path("plain.zip");
    ps_weights w = {0.5, 0.25, 0.125, 0.0625, 0.0625};
    fail_on(ps_checkpoint_save(path, &a.t, 64, 1, &w, NULL, &err), &err, "ps_checkpoint_save");
    fail_on(ps_checkpoint_save(plain, &b.t, 64, 1, &w, NULL, &err), &err, "ps_checkpoint_save");
    ps_checkpoint_info info;
    fail_on(ps_checkpoint_peek(path, &info, &err), &err, "ps_checkpoint_peek");
    CHECK_INT(info.obs_scale, PS_OBS_SCALE_BOUNDS);
    run_new(&c, &spec, hidden, 2, 9);
    fail_on(ps_checkpoint_load(path, &c.t, &info, &err), &err, "ps_checkpoint_load");
    CHECK_INT(c.t.obs_scale, PS_OBS_SCALE_BOUNDS);
    CHECK(c.t.policy.in_scale && !memcmp(c.t.policy.in_scale, s, (size_t)D * sizeof *s));
    fail_on(ps_checkpoint_load(plain, &c.t, &info, &err), &err, "ps_checkpoint_load");
    CHECK_INT(info.obs_scale, PS_OBS_SCALE_NONE);
    CHECK(c.t.obs_scale == PS_OBS_SCALE_NONE && c.t.policy.in_scale == NULL);
    CHECK(ps_trainer_set_obs_scale(&c.t, 7, &err) == PS_ERR && strstr(err.msg, "7"));
    /* summary: the queue rows and nodes unread, the rest as bounds */
    fail_on(ps_trainer_set_obs_scale(&c.t, PS_OBS_SCALE_SUMMARY, &err), &err, "ps_trainer_set_obs_scale");
    const float *z = c.t.policy.in_scale;
    CHECK(z[l->job_queue] == 0 && z[l->job_queue + 4 * cfg->max_queue_size - 1] == 0 && z[l->nodes] == 0);
    CHECK(z[l->predicted_prices] == s[l->predicted_prices] && z[l->pending_core_hours] == s[l->pending_core_hours]);
    CHECK(ps_trainer_policy_obs(&c.t, x) == x); /* read as it is */
    /* shape: prices as deviations from the window mean in (sd + 1) units */
    fail_on(ps_trainer_set_obs_scale(&c.t, PS_OBS_SCALE_SHAPE, &err), &err, "ps_trainer_set_obs_scale");
    CHECK(c.t.policy.in_scale[l->predicted_prices] == 1.0f && c.t.policy.in_scale[l->nodes] == 0);
    float o[65];
    memcpy(o, x, sizeof o);
    for (int k = 0; k < PS_PRICE_WINDOW; k++) o[l->predicted_prices + k] = k < 12 ? 10.0f : 30.0f; /* mean 20, sd 10 */
    const float *seen = ps_trainer_policy_obs(&c.t, o);
    CHECK(seen != o && !memcmp(seen, o, (size_t)l->predicted_prices * sizeof *o));
    CHECK_NEAR(seen[l->predicted_prices], -10.0 / 11, 1e-6);
    CHECK_NEAR(seen[l->predicted_prices + 23], 10.0 / 11, 1e-6);
    CHECK_NEAR(o[l->predicted_prices], 10.0, 0); /* the env's observation is untouched */
    for (int m = 0; m < 4; m++) CHECK_INT(ps_obs_scale_parse(ps_obs_scale_name(m)), m);
    CHECK_INT(ps_obs_scale_parse("scaled"), -1);
    run_free(&a);
    run_free(&b);
    run_free(&c);
    release();
}

/* r on a fresh env of spec, resumed from session s or new as st says. */
static int resume_into(run *r, const ps_scenario_spec *spec, const ps_session *s, const ps_train_start *st,
                       FILE *warn, ps_resume *res, ps_error *err) {
    r->env = env_new(spec);
    return ps_trainer_resume(&r->t, r->env, s, st, warn, res, err);
}

/* --action gate: a policy with the heads [2, 1, 1] whose decision
 * ps_heuristic_gate turns into the env's action; the encoding travels in the
 * checkpoint's nvec, so evaluation and a resume take the checkpoint's, and
 * --init-from refuses a network of the other encoding by name. */
/* A new model of encoding c->action on o: heads [choices, 1, 1], the bias
 * +PS_OVERRIDE_FOLLOW_BIAS on the preferred choice only, which its most
 * likely action takes with about that probability (the weights add little
 * to the bias at first). Returns the choice taken on obs. */
static int new_follower(run *o, const ps_scenario_spec *spec, const ps_ppo_config *c, const float *obs, int choices,
                        int preferred) {
    ps_error err;
    const int hidden[2] = {16, 16};
    o->env = env_new(spec);
    fail_on(ps_trainer_create(&o->t, o->env, c, hidden, 2, 5, &err), &err, "ps_trainer_create");
    const int *nvec = o->t.policy.nvec;
    CHECK(nvec[0] == choices && nvec[1] == 1 && nvec[2] == 1);
    CHECK_INT(ps_action_encoding(nvec), c->action);
    const float *bias = o->t.policy.w[ps_action_layer(&o->t.policy) + 1];
    for (int k = 0; k < choices; k++) CHECK(bias[k] == (k == preferred ? PS_OVERRIDE_FOLLOW_BIAS : 0.0f));
    int a[3];
    double lp, v;
    fail_on(ps_policy_act(&o->t.policy, obs, 1, NULL, a, &lp, &v, &err), &err, "ps_policy_act");
    CHECK_INT(a[0], preferred);
    CHECK_NEAR(lp, log(exp(2.0) / (choices - 1 + exp(2.0))), 0.02);
    return a[0];
}

static void test_gate_action(void) {
    ps_scenario_spec spec = tiny_spec(3, 21);
    spec.cfg.guard_max_wait = 6; /* the gate holds work at most the guard's promise */
    const int hidden[2] = {16, 16};
    ps_weights w = ps_weights_default();
    ps_error err;
    ps_ppo_config c = ps_ppo_config_default();
    c.action = PS_ACTION_GATE;
    run g;
    g.env = env_new(&spec);
    fail_on(ps_trainer_create(&g.t, g.env, &c, hidden, 2, 5, &err), &err, "ps_trainer_create");
    CHECK(g.t.policy.nvec[0] == 2 && g.t.policy.nvec[1] == 1 && g.t.policy.nvec[2] == 1);
    CHECK_INT(ps_action_encoding(g.t.policy.nvec), PS_ACTION_GATE);
    CHECK_INT(g.t.gate.cfg.max_wait, 6);
    /* the env's action: slurm-suspend's when serving, hold's otherwise */
    float obs[65] = {0};
    const ps_obs_layout *l = &g.env->layout;
    for (int i = 0; i < 4; i++) obs[l->nodes + i] = i < 2 ? 0.0f : -1.0f;
    float *row = obs + l->job_queue;
    row[0] = 2, row[1] = 1, row[2] = 3, row[3] = 4; /* 3 nodes wanted, 2 idle */
    ps_action serve = ps_trainer_env_action(&g.t, obs, (int[3]){1, 0, 0}, NULL);
    CHECK(serve.type == 2 && serve.magnitude == 0 && serve.refill == 1);
    ps_action hold = ps_trainer_env_action(&g.t, obs, (int[3]){0, 0, 0}, NULL);
    CHECK(hold.type == 0 && hold.magnitude == 1);
    /* trains, and samples both decisions with only one choice in the other heads */
    run_learn(&g, 128, 5);
    int n[2] = {0, 0}, others = 0;
    for (int i = 0; i < g.t.rollout.n; i++) {
        const int64_t *a = g.t.rollout.actions + 3 * i;
        if (a[0] == 0 || a[0] == 1) n[a[0]]++;
        others += a[1] != 0 || a[2] != 0;
    }
    CHECK(n[0] > 0 && n[1] > 0 && n[0] + n[1] == 64 && others == 0);
    /* the checkpoint: evaluation takes its encoding */
    const char *base = tmp_path("gate_sessions"), *base2 = tmp_path("gate_sessions2");
    ps_session s;
    fail_on(ps_session_open(&s, base, "g", NULL, &w, &err), &err, "ps_session_open");
    char path[4608];
    fail_on(ps_trainer_save(&g.t, &s, 128, 1, &w, NULL, path, sizeof path, &err), &err, "ps_trainer_save");
    ps_evaluator e;
    ps_checkpoint_info info;
    ps_env *env = env_new(&spec);
    fail_on(ps_evaluator_load(&e, env, path, &info, &err), &err, "ps_evaluator_load");
    CHECK_INT(e.t.ppo.action, PS_ACTION_GATE);
    CHECK(same_params(&g.t, &e.t, 0));
    ps_episode_list eps = {0};
    fail_on(ps_evaluator_run(&e, env, 0.5, 0, NULL, &eps, &err), &err, "ps_evaluator_run");
    CHECK_INT(eps.n, 1);
    ps_evaluator_free(&e);
    env_delete(env);
    /* --sample-actions: seeded by the run, so the same seed samples the same episode */
    for (int k = 0; k < 3; k++) {
        env = env_new(&spec);
        fail_on(ps_evaluator_load(&e, env, path, &info, &err), &err, "ps_evaluator_load");
        e.sample = k > 0;
        fail_on(ps_evaluator_run(&e, env, 0.5, 0, NULL, &eps, &err), &err, "ps_evaluator_run");
        ps_evaluator_free(&e);
        env_delete(env);
    }
    CHECK(eps.n == 4 && !memcmp(&eps.v[2], &eps.v[3], sizeof eps.v[2]));
    CHECK(!memcmp(&eps.v[0], &eps.v[1], sizeof eps.v[0])); /* deterministic, a fresh env: the same too */
    CHECK(eps.v[2].total_reward != eps.v[1].total_reward); /* not the most likely actions */
    ps_episode_list_free(&eps);
    /* a resume asked for nodes continues the checkpoint's gate */
    ps_train_start st = {-1, ps_ppo_config_default(), hidden, 2, 7, 128, NULL, PS_OBS_SCALE_NONE};
    ps_resume r;
    run res;
    fail_on(resume_into(&res, &spec, &s, &st, NULL, &r, &err), &err, "resume");
    CHECK_INT(res.t.ppo.action, PS_ACTION_GATE);
    CHECK(same_params(&g.t, &res.t, 1));
    run_free(&res);
    /* a nodes network from a gate checkpoint: refused, both encodings named */
    ps_session empty;
    fail_on(ps_session_open(&empty, base2, "n", NULL, &w, &err), &err, "ps_session_open");
    st.init_from = path;
    CHECK_INT(resume_into(&res, &spec, &empty, &st, NULL, &r, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "actions [2, 1, 1] (--action gate); this network has 65 and [3, 4, 2] (--action nodes)");
    run_free(&res);
    /* override: [3, 1, 1], a new model prefers price-aware's choice */
    run o;
    c.action = PS_ACTION_OVERRIDE;
    new_follower(&o, &spec, &c, obs, 3, PS_GATE_PRICE_AWARE);
    run_free(&o);
    /* override-timing: [4, 1, 1], a new model prefers job-timing's choice */
    c.action = PS_ACTION_OVERRIDE_TIMING;
    int follow[3] = {new_follower(&o, &spec, &c, obs, 4, PS_GATE_JOB_TIMING), 0, 0};
    CHECK_INT(ps_trainer_env_action(&o.t, obs, follow, NULL).timed, 1);
    CHECK_INT(ps_trainer_env_action(&o.t, obs, (int[3]){PS_GATE_PRICE_AWARE, 0, 0}, NULL).timed, 0);
    CHECK(!strcmp(ps_action_name(PS_ACTION_OVERRIDE_TIMING), "override-timing"));
    run_free(&o);
    /* timing-levels: [6, 1, 1], a new model prefers level 1, job-timing's own */
    c.action = PS_ACTION_TIMING_LEVELS;
    follow[0] = new_follower(&o, &spec, &c, obs, 6, 0);
    CHECK_INT(ps_trainer_env_action(&o.t, obs, follow, NULL).timed, 1);
    CHECK_INT(ps_trainer_env_action(&o.t, obs, (int[3]){5, 0, 0}, NULL).timed, 6);
    CHECK(!strcmp(ps_action_name(PS_ACTION_TIMING_LEVELS), "timing-levels"));
    CHECK_INT(ps_action_parse("timing-levels"), PS_ACTION_TIMING_LEVELS);
    run_free(&o);
    run_free(&g);
    unlink(path);
    remove_session(&s, base);
    remove_session(&empty, base2);
    release();
}

/* An override network whose choice has probabilities p whatever it sees:
 * the action layer's weights 0, its biases the log-probabilities. */
static void fix_choice(ps_trainer *t, const double p[3]) {
    ps_policy *pol = &t->policy;
    int a = ps_action_layer(pol);
    memset(pol->w[a], 0, (size_t)pol->numel[a] * sizeof(float));
    for (int k = 0; k < 3; k++) pol->w[a + 1][k] = (float)log(p[k]);
}

/* One evaluation episode of the checkpoint at path with members. */
static ps_episode_record vote_episode(const ps_scenario_spec *spec, const char *path, const char *const *members,
                                      int n) {
    ps_evaluator e;
    ps_checkpoint_info info;
    ps_error err;
    ps_env *env = env_new(spec);
    fail_on(ps_evaluator_load_ensemble(&e, env, path, members, n, &info, &err), &err, "ps_evaluator_load_ensemble");
    ps_episode_list eps = {0};
    fail_on(ps_evaluator_run(&e, env, 0.5, 3, NULL, &eps, &err), &err, "ps_evaluator_run");
    ps_episode_record r = eps.v[0];
    ps_episode_list_free(&eps);
    ps_evaluator_free(&e);
    env_delete(env);
    return r;
}

/* evaluate-savings --ensemble: each categorical takes the action of highest
 * mean probability over the members. Members holding (0.55, 0.4, 0.05) and
 * following price-aware (0.05, 0.4, 0.55) vote (0.3, 0.4, 0.3): serving,
 * which neither takes alone. */
static void test_ensemble_vote(void) {
    ps_scenario_spec spec = tiny_spec(3, 21);
    spec.cfg.guard_max_wait = 6;
    const int hidden[1] = {8};
    ps_weights w = ps_weights_default();
    ps_error err;
    ps_ppo_config c = ps_ppo_config_default();
    c.action = PS_ACTION_OVERRIDE;
    const double probs[4][3] = {{0.55, 0.4, 0.05}, {0.05, 0.4, 0.55}, {0.01, 0.98, 0.01}, {0.98, 0.01, 0.01}};
    const char *paths[4] = {tmp_path("ens_hold.zip"), tmp_path("ens_follow.zip"), tmp_path("ens_serve.zip")};
    run r[4];
    for (int i = 0; i < 4; i++) {
        if (i == 3) c.action = PS_ACTION_GATE;
        r[i].env = env_new(&spec);
        fail_on(ps_trainer_create(&r[i].t, r[i].env, &c, hidden, 1, 5, &err), &err, "ps_trainer_create");
        fix_choice(&r[i].t, probs[i]);
        if (i == 3) paths[3] = tmp_path("ens_gate.zip");
        fail_on(ps_checkpoint_save(paths[i], &r[i].t, 64, 1, &w, NULL, &err), &err, "ps_checkpoint_save");
    }
    /* each head's probabilities, whatever the observation */
    float obs[65] = {0};
    obs[r[0].env->layout.job_queue] = 3;
    double got[5];
    fail_on(ps_policy_probs(&r[0].t.policy, obs, got, &err), &err, "ps_policy_probs");
    for (int k = 0; k < 3; k++) CHECK_NEAR(got[k], probs[0][k], 1e-6);
    CHECK(got[3] == 1.0 && got[4] == 1.0); /* the one-choice heads */
    ps_episode_record hold = vote_episode(&spec, paths[0], NULL, 0);
    ps_episode_record serve = vote_episode(&spec, paths[2], NULL, 0);
    CHECK(memcmp(&hold, &serve, sizeof hold) != 0); /* serving differs from holding here */
    ps_episode_record vote = vote_episode(&spec, paths[0], &paths[1], 1);
    CHECK(memcmp(&vote, &serve, sizeof vote) == 0);
    vote = vote_episode(&spec, paths[1], &paths[0], 1);
    CHECK(memcmp(&vote, &serve, sizeof vote) == 0);
    vote = vote_episode(&spec, paths[0], (const char *[]){paths[0], paths[0]}, 2); /* one model thrice: itself */
    CHECK(memcmp(&vote, &hold, sizeof vote) == 0);
    /* another encoding is refused, naming both; nothing stays loaded */
    ps_evaluator e;
    ps_checkpoint_info info;
    ps_env *env = env_new(&spec);
    CHECK_INT(ps_evaluator_load_ensemble(&e, env, paths[0], &paths[3], 1, &info, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "ens_gate.zip: its actions are [2, 1, 1]; the ensemble's first model's are [3, 1, 1]");
    CHECK(e.n_members == 0 && e.members == NULL);
    env_delete(env);
    for (int i = 0; i < 4; i++) {
        run_free(&r[i]);
        unlink(paths[i]);
    }
    release();
}

static void test_resume(void) {
    ps_scenario_spec spec = tiny_spec(3, 21);
    ps_weights w = ps_weights_default();
    const char *base = tmp_path("sessions");
    ps_session s;
    ps_error err;
    fail_on(ps_session_open(&s, base, "r", NULL, &w, &err), &err, "ps_session_open");
    const int wide[2] = {16, 16}, narrow[1] = {8};
    ps_train_start st = {-1, ps_ppo_config_default(), wide, 2, 7, 128, NULL, PS_OBS_SCALE_NONE};
    st.ppo.ent_coef = 0.5;
    ps_resume r;
    /* an empty session: a new model as asked, nothing to continue */
    run fresh;
    fail_on(resume_into(&fresh, &spec, &s, &st, NULL, &r, &err), &err, "resume");
    CHECK_INT(r.steps, -1);
    CHECK_INT(r.iteration, 0);
    CHECK_INT(fresh.t.policy.n_hidden, 2);
    CHECK_NEAR(fresh.t.ppo.ent_coef, 0.5, 0);
    CHECK_INT(fresh.env->current_step, 0);
    CHECK_INT(r.next_plot_save, 128); /* the first plot: an iteration in */
    run_free(&fresh);
    /* a checkpoint of another architecture (and ent_coef 0.01) at 256 steps */
    run old;
    run_new(&old, &spec, narrow, 1, 3);
    run_learn(&old, 256, 3);
    char ckpt[4600];
    fail_on(ps_trainer_save(&old.t, &s, 256, 2, &w, NULL, ckpt, sizeof ckpt, &err), &err, "ps_trainer_save");
    CHECK_STR_CONTAINS(ckpt, "/models/e0.7_p0.2_i0.1_a0.0_d0.0/256.zip");
    /* resumed (--model 128 is missing: a warning, then the latest): the
     * checkpoint's network and ent_coef win, the counters continue; an
     * --init-from is ignored with a warning */
    run res;
    FILE *warn = tmpfile();
    st.want = 128;
    st.init_from = "elsewhere.zip";
    fail_on(resume_into(&res, &spec, &s, &st, warn, &r, &err), &err, "resume");
    CHECK_INT(r.initialized, 0);
    CHECK_INT(r.steps, 256);
    CHECK_INT(r.iteration, 2);
    CHECK_STR_CONTAINS(r.path, "/models/e0.7_p0.2_i0.1_a0.0_d0.0/256.zip");
    CHECK_INT(res.t.policy.n_hidden, 1);
    CHECK_INT(res.t.policy.hidden[0], 8);
    CHECK_NEAR(res.t.ppo.ent_coef, 0.01, 0);
    CHECK_INT(res.t.num_timesteps, old.t.num_timesteps);
    CHECK(same_params(&old.t, &res.t, 1));
    CHECK_INT(res.env->current_step, 256);
    CHECK_INT(r.next_plot_save, 256 + 336); /* an episode after the step resumed */
    char text[512] = "";
    rewind(warn);
    text[fread(text, 1, sizeof text - 1, warn)] = '\0';
    CHECK_STR_CONTAINS(text, "128.zip not found; using the latest, 256.zip");
    CHECK_STR_CONTAINS(text, "--init-from ignored: the session resumes from its own checkpoint");
    fclose(warn);
    run_free(&res);
    run_free(&old);
    /* --iter-limit counts iterations from the session's start; 0: no limit */
    CHECK(ps_iteration_allowed(1, 0) && ps_iteration_allowed(5, 5) && !ps_iteration_allowed(6, 5));
    unlink(ckpt);
    remove_session(&s, base);
}

/* Every Adam moment of t is zero (a new optimiser). */
static int moments_zero(const ps_trainer *t) {
    int zero = 1;
    for (int i = 0; i < t->policy.n_params; i++)
        for (int w = 0; w < 2; w++) {
            const float *v = ps_adam_moment(&t->opt, i, w);
            for (int64_t k = 0; k < t->policy.numel[i]; k++) zero &= v[k] == 0.0f;
        }
    return zero;
}

/* --init-from (a curriculum): a new model in an empty session takes the
 * network of another session's checkpoint exactly, with a new optimiser,
 * its own seed and hyperparameters and counters at 0; a checkpoint of
 * another architecture or cluster is refused. */
static void test_init_from(void) {
    ps_scenario_spec spec = tiny_spec(3, 21);
    ps_weights w = ps_weights_default();
    const int hidden[2] = {16, 16}, other[1] = {16};
    ps_error err;
    run src;
    run_new(&src, &spec, hidden, 2, 3);
    run_learn(&src, 256, 3);
    CHECK(!moments_zero(&src.t));
    const char *path = tmp_path("source.zip"), *base = tmp_path("init_sessions");
    fail_on(ps_checkpoint_save(path, &src.t, 256, 2, &w, NULL, &err), &err, "ps_checkpoint_save");
    ps_session s;
    fail_on(ps_session_open(&s, base, "n", NULL, &w, &err), &err, "ps_session_open");
    ps_train_start st = {-1, ps_ppo_config_default(), hidden, 2, 11, 128, path, PS_OBS_SCALE_NONE};
    st.ppo.ent_coef = 0.02;
    ps_resume r;
    run dst;
    fail_on(resume_into(&dst, &spec, &s, &st, NULL, &r, &err), &err, "resume with init_from");
    CHECK(r.steps == -1 && r.iteration == 0 && r.initialized == 1); /* a new model, initialised */
    CHECK_INT(r.info.num_timesteps, 256); /* what the source says about itself */
    CHECK(same_params(&src.t, &dst.t, 0)); /* the network, bit for bit */
    CHECK(moments_zero(&dst.t));
    CHECK_INT(dst.t.opt.steps, 0);
    CHECK_INT(dst.t.num_timesteps, 0);
    CHECK_INT(dst.t.n_updates, 0);
    CHECK_INT(dst.env->current_step, 0);
    CHECK_NEAR(dst.t.ppo.ent_coef, 0.02, 0);
    run seeded;
    run_new(&seeded, &spec, hidden, 2, 11); /* sampling and shuffling from this run's seed */
    CHECK(memcmp(&dst.t.action_rng, &seeded.t.action_rng, sizeof dst.t.action_rng) == 0);
    CHECK(memcmp(&dst.t.action_rng, &src.t.action_rng, sizeof dst.t.action_rng) != 0);
    run_free(&seeded);
    run_learn(&dst, 64, 1); /* and training counts from 0 */
    CHECK_INT(dst.t.num_timesteps, 64);
    CHECK_INT(dst.t.n_updates, 10);
    CHECK_INT(dst.t.opt.steps, 10);
    run_free(&dst);
    /* another --net-arch: refused, both architectures named */
    st.hidden = other;
    st.n_hidden = 1;
    CHECK_INT(resume_into(&dst, &spec, &s, &st, NULL, &r, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, path);
    CHECK_STR_CONTAINS(err.msg, "architecture differs: the checkpoint has hidden layers 16,16, the network built 16");
    run_free(&dst);
    /* another cluster (observation and action sizes): refused */
    ps_scenario_spec spec5 = spec;
    spec5.cfg.max_nodes = 5;
    st.hidden = hidden;
    st.n_hidden = 2;
    CHECK_INT(resume_into(&dst, &spec5, &s, &st, NULL, &r, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "actions [3, 4, 2] (--action nodes); this network has");
    run_free(&dst);
    run_free(&src);
    unlink(path);
    remove_session(&s, base);
}

/* The training group's checks (what train and train-iter refuse early). */
static void test_train_flags(void) {
    ps_train_flags f;
    ps_error err;
    ps_train_flags_init(&f);
    CHECK_INT(ps_train_flags_check(&f, &err), PS_OK);
    CHECK(f.n_hidden == 2 && f.hidden[0] == 64 && f.hidden[1] == 64);
    const char *bad_arch[] = {"0", "x", "64,,64", "1,2,3,4,5", "", "-8"};
    for (size_t i = 0; i < sizeof bad_arch / sizeof *bad_arch; i++) {
        f.net_arch = bad_arch[i];
        CHECK_INT(ps_train_flags_check(&f, &err), PS_ERR);
        CHECK_STR_CONTAINS(err.msg, "--net-arch");
    }
    f.net_arch = "32,16,8";
    f.device = "gpu";
    CHECK_INT(ps_train_flags_check(&f, &err), PS_ERR);
    CHECK(f.n_hidden == 3 && f.hidden[2] == 8);
    f.device = "cpu";
    f.render = "bogus";
    CHECK_INT(ps_train_flags_check(&f, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "--render: 'bogus'");
    f.render = "none";
    f.init_from_weights = "e1.0_p0.0_i0.0_a0.0_d0.0";
    CHECK_INT(ps_train_flags_check(&f, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "--init-from-weights needs --init-from");
    f.init_from = "warmup";
    CHECK_INT(ps_train_flags_check(&f, &err), PS_OK);
    f.init_from_weights = "../x";
    CHECK_INT(ps_train_flags_check(&f, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "--init-from-weights: '../x' is not a weights folder name");
    ps_run_flags r;
    ps_run_flags_init(&r);
    CHECK(!strcmp(r.output_dir, "sessions"));
    r.seed_sweep = 1;
    CHECK_INT(ps_run_flags_check(&r, 0, &err), PS_ERR);
    CHECK_INT(ps_run_flags_check(&r, 1, &err), PS_OK);
    r.output_dir = "";
    CHECK_INT(ps_run_flags_check(&r, 1, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "--output-dir");
}

/* =================================================================== main */

typedef struct test_case {
    const char *name;
    void (*fn)(void);
} test_case;

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    at_set_num_threads(1);
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/test_rl_XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    const test_case tests[] = {
        {"tensor_basics", test_tensor_basics},
        {"linear", test_linear},
        {"linear_cols", test_linear_cols},
        {"elementwise", test_elementwise},
        {"gradients", test_gradients},
        {"multinomial", test_multinomial},
        {"generator_state", test_generator_state},
        {"orthogonal", test_orthogonal},
        {"errors", test_errors},
        {"adam", test_adam},
        {"clip_grad_norm", test_clip_grad_norm},
        {"adam_rows", test_adam_rows},
        {"kernels", test_kernels},
        {"batch_from_rows", test_batch_from_rows},
        {"gae", test_gae},
        {"normalize_and_ev", test_normalize_and_ev},
        {"ppo_loss", test_ppo_loss},
        {"policy_structure", test_policy_structure},
        {"policy_evaluate_by_hand", test_policy_evaluate_by_hand},
        {"policy_sparse_dense", test_policy_sparse_dense},
        {"policy_act", test_policy_act},
        {"ppo_update", test_ppo_update},
        {"rewards_known", test_rewards_known},
        {"trainer_truncation", test_trainer_truncation},
        {"trainer_stop", test_trainer_stop},
        {"learning", test_learning},
        {"determinism", test_determinism},
        {"checkpoint", test_checkpoint},
        {"resume", test_resume},
        {"init_from", test_init_from},
        {"obs_scale", test_obs_scale},
        {"gate_action", test_gate_action},
        {"ensemble_vote", test_ensemble_vote},
        {"train_flags", test_train_flags},
    };
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        double t0 = now_s();
        int before = check_failures_;
        tests[i].fn();
        printf("%-26s %s  %.2f s\n", tests[i].name, check_failures_ == before ? "ok  " : "FAIL", now_s() - t0);
        fflush(stdout);
    }
    rmdir(tmpdir);
    free(kept);
    return check_summary("test_rl");
}
