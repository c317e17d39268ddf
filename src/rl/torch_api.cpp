// torch_api.cpp - the only C++ file: libtorch behind the C API of
// torch_api.h. Exceptions never cross into C: PROTECT stores the message
// (what_without_backtrace for c10 errors) in a thread-local last error.
#include "torch_api.h"

#include <dlfcn.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

struct at_tensor_s {
    torch::Tensor t;
};
struct at_generator_s {
    at::Generator g;
};
struct at_guard_s {
    c10::InferenceMode mode;
};
struct ato_adam_s {
    std::vector<torch::Tensor> params, m, v;
    // ato_sparse_grad: per parameter the column leaf and its columns
    // (undefined when the gradient is the parameter's own).
    std::vector<torch::Tensor> cols, idx;
    std::vector<float> zeros; // ato_step_dense's zero gradient
    std::vector<float> gbuf;  // a sparse gradient transposed for the update
    double lr, beta1, beta2, eps;
    int64_t steps = 0;
};

static thread_local std::string last_error;
static thread_local bool has_error = false;

static void set_error(const char *msg) {
    last_error = msg;
    has_error = true;
}

#define PROTECT(...)                                   \
    try {                                              \
        __VA_ARGS__                                    \
    } catch (const c10::Error &e) {                    \
        set_error(e.what_without_backtrace());         \
    } catch (const std::exception &e) {                \
        set_error(e.what());                           \
    }

static at_tensor wrap(torch::Tensor t) { return new at_tensor_s{std::move(t)}; }

extern "C" {

const char *at_last_error(void) { return has_error ? last_error.c_str() : nullptr; }

void at_clear_error(void) {
    has_error = false;
    last_error.clear();
}

void at_set_num_threads(int n) {
    PROTECT(torch::set_num_threads(n);
            // OpenBLAS keeps its own pool and ignores torch's setting.
            typedef void (*set_fn)(int);
            set_fn f = (set_fn)dlsym(RTLD_DEFAULT, "openblas_set_num_threads");
            if (f) f(n);)
}

/* ------------------------------------------------------- tensors and data */

static std::vector<int64_t> shape(const int64_t *dims, int ndims) { return std::vector<int64_t>(dims, dims + ndims); }

at_tensor at_from_floats(const float *data, const int64_t *dims, int ndims) {
    PROTECT(return wrap(torch::from_blob((void *)data, shape(dims, ndims), torch::kFloat32).clone());)
    return nullptr;
}

at_tensor at_from_int64(const int64_t *data, const int64_t *dims, int ndims) {
    PROTECT(return wrap(torch::from_blob((void *)data, shape(dims, ndims), torch::kInt64).clone());)
    return nullptr;
}

at_tensor at_zeros(const int64_t *dims, int ndims) {
    PROTECT(return wrap(torch::zeros(shape(dims, ndims), torch::kFloat32));)
    return nullptr;
}

void at_free(at_tensor t) { delete t; }

int64_t at_numel(at_tensor t) {
    PROTECT(return t->t.numel();)
    return -1;
}

int64_t at_size(at_tensor t, int dim) {
    PROTECT(return t->t.size(dim);)
    return -1;
}

void at_to_floats(at_tensor t, float *out, int64_t n) {
    PROTECT(torch::Tensor c = t->t.detach().to(torch::kFloat32).contiguous();
            TORCH_CHECK(c.numel() == n, "at_to_floats: tensor has ", c.numel(), " values, buffer ", n);
            std::memcpy(out, c.data_ptr<float>(), (size_t)n * sizeof(float));)
}

float *at_data(at_tensor t) {
    PROTECT(TORCH_CHECK(t->t.is_contiguous() && t->t.scalar_type() == torch::kFloat32,
                        "at_data: needs a contiguous float tensor");
            return t->t.data_ptr<float>();)
    return nullptr;
}

double at_item(at_tensor t) {
    PROTECT(return t->t.item<double>();)
    return NAN;
}

/* --------------------------------------------------------------- autograd */

void at_requires_grad(at_tensor t, int on) { PROTECT(t->t.requires_grad_(on != 0);) }

at_tensor at_grad(at_tensor t) {
    PROTECT(torch::Tensor g = t->t.grad(); return g.defined() ? wrap(g) : nullptr;)
    return nullptr;
}

void at_backward(at_tensor scalar) { PROTECT(scalar->t.backward();) }

at_tensor at_detach(at_tensor t) {
    PROTECT(return wrap(t->t.detach());)
    return nullptr;
}

at_guard at_inference_mode(void) {
    PROTECT(return new at_guard_s{};)
    return nullptr;
}

void at_guard_end(at_guard g) { delete g; }

/* -------------------------------------------------------------------- ops */

#define UNARY(name, expr)                  \
    at_tensor name(at_tensor x) {          \
        PROTECT(return wrap(expr);)        \
        return nullptr;                    \
    }
#define BINARY(name, expr)                         \
    at_tensor name(at_tensor a, at_tensor b) {     \
        PROTECT(return wrap(expr);)                \
        return nullptr;                            \
    }

at_tensor at_linear(at_tensor x, at_tensor w, at_tensor b) {
    PROTECT(return wrap(torch::addmm(b->t, x->t, w->t.t()));)
    return nullptr;
}

at_tensor at_linear_cols(at_tensor xs, at_tensor idx, at_tensor w, at_tensor b) {
    PROTECT(return wrap(torch::addmm(b->t, xs->t, w->t.index_select(1, idx->t).t()));)
    return nullptr;
}

at_tensor at_cols_leaf(at_tensor w, at_tensor idx) {
    PROTECT(torch::NoGradGuard ng;
            TORCH_CHECK(w->t.dim() == 2 && w->t.is_contiguous() && w->t.scalar_type() == torch::kFloat32,
                        "at_cols_leaf: w must be a contiguous float matrix");
            TORCH_CHECK(idx->t.scalar_type() == torch::kInt64 && idx->t.dim() == 1 && idx->t.is_contiguous(),
                        "at_cols_leaf: idx must be int64 [K]");
            int64_t H = w->t.size(0), D = w->t.size(1), K = idx->t.numel();
            const int64_t *ix = idx->t.data_ptr<int64_t>();
            for (int64_t k = 0; k < K; k++) TORCH_CHECK(ix[k] >= 0 && ix[k] < D, "at_cols_leaf: column ", ix[k], " out of range");
            torch::Tensor out = torch::empty({K, H}, torch::kFloat32);
            const float *wp = w->t.data_ptr<float>(); float *op = out.data_ptr<float>();
            // in tiles of 64 columns so the strided writes stay in L1
            for (int64_t k0 = 0; k0 < K; k0 += 64) {
                int64_t k1 = std::min(K, k0 + 64);
                for (int64_t j = 0; j < H; j++)
                    for (int64_t k = k0; k < k1; k++) op[k * H + j] = wp[j * D + ix[k]];
            } return wrap(out.requires_grad_(true));)
    return nullptr;
}

/* y += a x, inlined into the clones below: 16 floats at a time as a GCC
 * vector (one AVX-512 register, two AVX2 ones...), since the plain loop
 * was left scalar behind a runtime alias check once inlined. */
typedef float ps_v16 __attribute__((vector_size(64)));
__attribute__((always_inline)) static inline void axpy(float *__restrict__ y, const float *__restrict__ x, float a, int64_t n) {
    int64_t j = 0;
    for (; j + 16 <= n; j += 16) {
        ps_v16 yv, xv;
        std::memcpy(&yv, y + j, sizeof yv);
        std::memcpy(&xv, x + j, sizeof xv);
        yv += a * xv;
        std::memcpy(y + j, &yv, sizeof yv);
    }
    for (; j < n; j++) y[j] += a * x[j];
}

/* y[0..H) += sum_i as[i] * w[ks[i], 0..H) for the n listed rows of w
 * ([., H] row-major): 64 columns at a time held in four vector registers
 * over the whole list, then the rest with axpy. Each element adds its terms
 * in list order, as axpy would. */
__attribute__((always_inline)) static inline void axpy_rows(float *__restrict__ y, const float *__restrict__ w, const int32_t *__restrict__ ks,
                             const float *__restrict__ as, int64_t n, int64_t H) {
    int64_t j0 = 0;
    for (; j0 + 64 <= H; j0 += 64) {
        ps_v16 acc[4];
        std::memcpy(acc, y + j0, sizeof acc);
        for (int64_t i = 0; i < n; i++) {
            ps_v16 xv[4];
            std::memcpy(xv, w + (int64_t)ks[i] * H + j0, sizeof xv);
            float a = as[i];
            for (int t = 0; t < 4; t++) acc[t] += a * xv[t];
        }
        std::memcpy(y + j0, acc, sizeof acc);
    }
    if (j0 < H)
        for (int64_t i = 0; i < n; i++) axpy(y + j0, w + (int64_t)ks[i] * H + j0, as[i], H - j0);
}

/* y[r, :] += x[r, k] * w[k, :] for the non-zero x[r, k], in tiles of 256
 * rows of w so a tile stays in cache while every row of x uses it. The
 * non-zeros of a row's tile are listed first without a branch (whether an
 * input is zero is data: a branch on it mispredicts about half the time on a
 * full queue), then added up in column order. ks, as: 256 entries. */
__attribute__((target_clones("avx512f", "avx2", "default"))) static void sparse_rows_mm(float *__restrict__ y, const float *__restrict__ x, const float *__restrict__ w,
                                 int64_t B, int64_t K, int64_t H, int32_t *__restrict__ ks,
                                 float *__restrict__ as) {
    for (int64_t k0 = 0; k0 < K; k0 += 256) {
        int64_t k1 = k0 + 256 < K ? k0 + 256 : K;
        for (int64_t r = 0; r < B; r++) {
            float *yr = y + r * H;
            const float *xr = x + r * K;
            int64_t n = 0;
            for (int64_t k = k0; k < k1; k++) {
                float a = xr[k];
                ks[n] = (int32_t)k;
                as[n] = a;
                n += a != 0.0f;
            }
            axpy_rows(yr, w, ks, as, n, H);
        }
    }
}

/* gw[k, :] = sum_r xt[k, r] * g[r, :] over the non-zero xt[k, r] (xt = x^T,
 * [K, B]): each output row is finished while it is in cache; the non-zeros
 * listed first as above. rs, as: B entries. */
__attribute__((target_clones("avx512f", "avx2", "default"))) static void sparse_cols_grad(float *__restrict__ gw, const float *__restrict__ xt, const float *__restrict__ g,
                                   int64_t B, int64_t K, int64_t H, int32_t *__restrict__ rs,
                                   float *__restrict__ as) {
    for (int64_t k = 0; k < K; k++) {
        float *gk = gw + k * H;
        const float *xk = xt + k * B;
        int64_t n = 0;
        for (int64_t r = 0; r < B; r++) {
            float a = xk[r];
            rs[n] = (int32_t)r;
            as[n] = a;
            n += a != 0.0f;
        }
        for (int64_t j = 0; j < H; j++) gk[j] = 0.0f;
        axpy_rows(gk, g, rs, as, n, H);
    }
}

struct SparseLinearT : public torch::autograd::Function<SparseLinearT> {
    static torch::Tensor forward(torch::autograd::AutogradContext *ctx, torch::Tensor xs, torch::Tensor wt,
                                 torch::Tensor b) {
        torch::Tensor x = xs.contiguous(), w = wt.contiguous();
        TORCH_CHECK(x.dim() == 2 && w.dim() == 2 && x.size(1) == w.size(0) && b.numel() == w.size(1) &&
                        x.scalar_type() == torch::kFloat32 && w.scalar_type() == torch::kFloat32,
                    "at_linear_sparse_t: shapes [B, K] @ [K, H] + [H] expected, got [", x.sizes(), "] @ [",
                    w.sizes(), "] + [", b.sizes(), "]");
        int64_t B = x.size(0), K = x.size(1), H = w.size(1);
        torch::Tensor y = b.detach().reshape({1, H}).expand({B, H}).contiguous();
        std::vector<int32_t> ks(256);
        std::vector<float> as(256);
        sparse_rows_mm(y.data_ptr<float>(), x.data_ptr<float>(), w.data_ptr<float>(), B, K, H, ks.data(), as.data());
        ctx->save_for_backward({x});
        return y;
    }
    static torch::autograd::variable_list backward(torch::autograd::AutogradContext *ctx,
                                                   torch::autograd::variable_list grad) {
        torch::Tensor x = ctx->get_saved_variables()[0];
        if (!grad[0].defined()) return {torch::Tensor(), torch::Tensor(), torch::Tensor()};
        torch::Tensor g = grad[0].contiguous();
        int64_t B = x.size(0), K = x.size(1), H = g.size(1);
        torch::Tensor xt = x.t().contiguous(), gw = torch::empty({K, H}, torch::kFloat32);
        std::vector<int32_t> rs((size_t)B);
        std::vector<float> as((size_t)B);
        sparse_cols_grad(gw.data_ptr<float>(), xt.data_ptr<float>(), g.data_ptr<float>(), B, K, H, rs.data(),
                         as.data());
        return {torch::Tensor(), gw, g.sum(0)};
    }
};

at_tensor at_linear_sparse_t(at_tensor xs, at_tensor wt, at_tensor b) {
    PROTECT(return wrap(SparseLinearT::apply(xs->t, wt->t, b->t));)
    return nullptr;
}

UNARY(at_tanh, torch::tanh(x->t))
UNARY(at_exp, torch::exp(x->t))
UNARY(at_sum, x->t.sum())
UNARY(at_mean, x->t.mean())
BINARY(at_add, a->t + b->t)
BINARY(at_sub, a->t - b->t)
BINARY(at_mul, a->t * b->t)
BINARY(at_div, a->t / b->t)
BINARY(at_minimum, torch::minimum(a->t, b->t))

at_tensor at_log_softmax(at_tensor x, int64_t dim) {
    PROTECT(return wrap(torch::log_softmax(x->t, dim));)
    return nullptr;
}

at_tensor at_narrow(at_tensor x, int64_t dim, int64_t start, int64_t len) {
    PROTECT(return wrap(x->t.narrow(dim, start, len));)
    return nullptr;
}

at_tensor at_mul_scalar(at_tensor a, double s) {
    PROTECT(return wrap(a->t * s);)
    return nullptr;
}

at_tensor at_add_scalar(at_tensor a, double s) {
    PROTECT(return wrap(a->t + s);)
    return nullptr;
}

at_tensor at_clamp(at_tensor x, double lo, double hi) {
    PROTECT(return wrap(torch::clamp(x->t, lo, hi));)
    return nullptr;
}

at_tensor at_sum_dim(at_tensor x, int64_t dim) {
    PROTECT(return wrap(x->t.sum(dim));)
    return nullptr;
}

at_tensor at_gather(at_tensor x, int64_t dim, at_tensor idx) {
    PROTECT(return wrap(x->t.gather(dim, idx->t));)
    return nullptr;
}

at_tensor at_argmax(at_tensor x, int64_t dim) {
    PROTECT(return wrap(x->t.argmax(dim));)
    return nullptr;
}

at_tensor at_multinomial(at_tensor probs, at_generator g) {
    PROTECT(return wrap(torch::multinomial(probs->t, 1, false, g->g));)
    return nullptr;
}

void at_orthogonal_(at_tensor w, double gain, at_generator g) {
    // torch.nn.init.orthogonal_, with our generator: QR of a normal matrix,
    // signs fixed by diag(R), transposed when there are more columns than rows.
    PROTECT(torch::NoGradGuard ng; int64_t rows = w->t.size(0), cols = w->t.numel() / rows;
            torch::Tensor flat = at::normal(0.0, 1.0, {rows, cols}, g->g);
            if (rows < cols) flat = flat.t();
            auto qr = torch::linalg_qr(flat);
            torch::Tensor q = std::get<0>(qr), r = std::get<1>(qr);
            q = q * torch::diag(r, 0).sign();
            if (rows < cols) q = q.t();
            w->t.view({rows, cols}).copy_(q * gain);)
}

void at_zero_(at_tensor t) { PROTECT(torch::NoGradGuard ng; t->t.zero_();) }

/* ------------------------------------------------------------- generators */

at_generator at_generator_new(uint64_t seed) {
    PROTECT(return new at_generator_s{at::make_generator<at::CPUGeneratorImpl>(seed)};)
    return nullptr;
}

void at_generator_free(at_generator g) { delete g; }

int64_t at_generator_state_size(at_generator g) {
    PROTECT(return g->g.get_state().numel();)
    return -1;
}

void at_generator_get_state(at_generator g, uint8_t *out, int64_t len) {
    PROTECT(torch::Tensor s = g->g.get_state();
            TORCH_CHECK(s.numel() == len, "generator state has ", s.numel(), " bytes, buffer ", len);
            std::memcpy(out, s.data_ptr<uint8_t>(), (size_t)len);)
}

void at_generator_set_state(at_generator g, const uint8_t *in, int64_t len) {
    PROTECT(torch::Tensor s = torch::from_blob((void *)in, {len}, torch::kUInt8).clone(); g->g.set_state(s);)
}

/* -------------------------------------------------------------- optimiser */

ato_adam ato_adam_new(at_tensor *params, int n, double lr, double beta1, double beta2, double eps) {
    PROTECT(auto *o = new ato_adam_s(); o->lr = lr; o->beta1 = beta1; o->beta2 = beta2; o->eps = eps;
            for (int i = 0; i < n; i++) {
                TORCH_CHECK(params[i]->t.is_contiguous() && params[i]->t.scalar_type() == torch::kFloat32,
                            "Adam: parameters must be contiguous float tensors");
                o->params.push_back(params[i]->t);
                o->m.push_back(torch::zeros_like(params[i]->t));
                o->v.push_back(torch::zeros_like(params[i]->t));
            } o->cols.resize(n);
            o->idx.resize(n); return o;)
    return nullptr;
}

void ato_free(ato_adam o) { delete o; }

void ato_sparse_grad(ato_adam o, int i, at_tensor cols, at_tensor idx) {
    PROTECT(TORCH_CHECK(i >= 0 && i < (int)o->params.size(), "no parameter ", i);
            const torch::Tensor &p = o->params[i]; torch::Tensor g = cols->t.grad();
            TORCH_CHECK(p.dim() == 2 && !p.grad().defined(), "sparse gradient of parameter ", i,
                        ": needs a matrix without a gradient of its own");
            TORCH_CHECK(g.defined() && g.dim() == 2 && g.size(1) == p.size(0),
                        "sparse gradient of parameter ", i, ": the column leaf has no [K, rows] gradient");
            TORCH_CHECK(idx->t.scalar_type() == torch::kInt64 && idx->t.is_contiguous() &&
                            idx->t.numel() == g.size(0),
                        "sparse gradient of parameter ", i, ": idx must be int64 [K]");
            const int64_t *ix = idx->t.data_ptr<int64_t>();
            for (int64_t k = 0; k < idx->t.numel(); k++)
                TORCH_CHECK(ix[k] >= 0 && ix[k] < p.size(1) && (k == 0 || ix[k] > ix[k - 1]),
                            "sparse gradient of parameter ", i, ": columns must ascend within the matrix");
            o->cols[i] = cols->t; o->idx[i] = idx->t;)
}

/* The gradient Adam reads for parameter i: the dense one (or undefined), or
 * the column leaf's [K, rows] when it was declared sparse. */
static torch::Tensor grad_of(ato_adam o, size_t i) {
    return o->cols[i].defined() ? o->cols[i].grad() : o->params[i].grad();
}

void ato_grad_dense(ato_adam o, int i, float *out, int64_t n) {
    PROTECT(TORCH_CHECK(i >= 0 && i < (int)o->params.size(), "no parameter ", i);
            TORCH_CHECK(o->params[i].numel() == n, "gradient of parameter ", i, ": buffer of ", n, " values");
            std::memset(out, 0, (size_t)n * sizeof *out); torch::Tensor g = grad_of(o, (size_t)i);
            if (g.defined() && !o->cols[i].defined()) {
                g = g.contiguous();
                std::memcpy(out, g.data_ptr<float>(), (size_t)n * sizeof *out);
            } else if (g.defined()) {
                g = g.contiguous();
                int64_t K = g.size(0), rows = g.size(1), C = n / rows;
                const float *gp = g.data_ptr<float>();
                const int64_t *ix = o->idx[i].data_ptr<int64_t>();
                for (int64_t r = 0; r < rows; r++)
                    for (int64_t k = 0; k < K; k++) out[r * C + ix[k]] = gp[k * rows + r];
            })
}

double ato_clip_grad_norm(ato_adam o, double max_norm) {
    // One pass over each gradient, no temporaries (torch's clip_grad_norm_
    // allocates a squared copy of every gradient). A sparse gradient is its
    // non-zero columns only: the zeros add nothing to the norm.
    PROTECT(torch::NoGradGuard ng; double sq = 0;
            for (size_t i = 0; i < o->params.size(); i++) {
                torch::Tensor g = grad_of(o, i);
                if (!g.defined()) continue;
                g = g.contiguous();
                const float *gp = g.data_ptr<float>();
                int64_t n = g.numel(), k = 0;
                double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0}; // independent chains
                for (; k + 8 <= n; k += 8)
                    for (int j = 0; j < 8; j++) acc[j] += (double)gp[k + j] * gp[k + j];
                for (; k < n; k++) acc[0] += (double)gp[k] * gp[k];
                for (int j = 0; j < 8; j++) sq += acc[j];
            } double norm = std::sqrt(sq);
            double coef = max_norm / (norm + 1e-6);
            if (coef < 1)
                for (size_t i = 0; i < o->params.size(); i++) {
                    torch::Tensor g = grad_of(o, i);
                    if (g.defined()) g.mul_(coef);
                }
            return norm;)
    return NAN;
}

/* The per-element update; restrict lets the compiler vectorise it, and the
 * AVX2 and AVX-512 clones (picked at load time by what the CPU has) double
 * and quadruple the width. Each lane does the same IEEE operations, so every
 * clone gives the same numbers. */
__attribute__((target_clones("avx512f", "avx2", "default"))) static void adam_update(float *__restrict__ p, float *__restrict__ m, float *__restrict__ v, const float *__restrict__ g,
                        int64_t n, float b1, float b2, float c1, float c2, float step, float sbc2, float eps) {
    for (int64_t k = 0; k < n; k++) {
        m[k] = m[k] * b1 + g[k] * c1;
        v[k] = v[k] * b2 + g[k] * g[k] * c2;
        p[k] -= step * (m[k] / (std::sqrt(v[k]) / sbc2 + eps));
    }
}

/* adam_update with g = 0 (the columns a batch never touched): the moments
 * decay and the weight still moves. x * b + 0 is x * b (up to the sign of a
 * zero, which no later value sees), so this is the dense update's result
 * without reading a gradient. */
__attribute__((target_clones("avx512f", "avx2", "default"))) static void adam_decay(float *__restrict__ p, float *__restrict__ m, float *__restrict__ v,
                        int64_t n, float b1, float b2, float step, float sbc2, float eps) {
    for (int64_t k = 0; k < n; k++) {
        m[k] = m[k] * b1;
        v[k] = v[k] * b2;
        p[k] -= step * (m[k] / (std::sqrt(v[k]) / sbc2 + eps));
    }
}

struct adam_coefs {
    float b1, b2, c1, c2, step, sbc2, eps;
};

static adam_coefs adam_begin(ato_adam o) {
    o->steps++;
    double bc1 = 1 - std::pow(o->beta1, (double)o->steps), bc2 = 1 - std::pow(o->beta2, (double)o->steps);
    return adam_coefs{(float)o->beta1, (float)o->beta2, (float)(1 - o->beta1), (float)(1 - o->beta2),
                      (float)(o->lr / bc1), (float)std::sqrt(bc2), (float)o->eps};
}

static void adam_dense(ato_adam o, size_t i, const float *g, const adam_coefs &c) {
    adam_update(o->params[i].data_ptr<float>(), o->m[i].data_ptr<float>(), o->v[i].data_ptr<float>(), g,
                o->params[i].numel(), c.b1, c.b2, c.c1, c.c2, c.step, c.sbc2, c.eps);
}

/* Row by row: runs of consecutive gradient columns take the full update
 * (their gradient values are contiguous in the [rows, K] leaf too), the
 * gaps between them the decay. */
static void adam_cols(ato_adam o, size_t i, const adam_coefs &c) {
    torch::Tensor gt = o->cols[i].grad().contiguous();
    int64_t K = gt.size(0), rows = gt.size(1), C = o->params[i].numel() / rows;
    // the leaf's [K, rows] gradient as [rows, K] (a buffer kept between steps)
    if (o->gbuf.size() < (size_t)(K * rows)) o->gbuf.resize((size_t)(K * rows));
    float *gp = o->gbuf.data();
    const float *src = gt.data_ptr<float>();
    for (int64_t k0 = 0; k0 < K; k0 += 64) {
        int64_t k1 = std::min(K, k0 + 64);
        for (int64_t r = 0; r < rows; r++)
            for (int64_t k = k0; k < k1; k++) gp[r * K + k] = src[k * rows + r];
    }
    const int64_t *ix = o->idx[i].data_ptr<int64_t>();
    float *p = o->params[i].data_ptr<float>(), *m = o->m[i].data_ptr<float>(), *v = o->v[i].data_ptr<float>();
    for (int64_t r = 0; r < rows; r++) {
        float *pr = p + r * C, *mr = m + r * C, *vr = v + r * C;
        const float *gr = gp + r * K;
        int64_t d = 0;
        for (int64_t k = 0; k < K;) {
            int64_t e = k + 1;
            while (e < K && ix[e] == ix[e - 1] + 1) e++;
            adam_decay(pr + d, mr + d, vr + d, ix[k] - d, c.b1, c.b2, c.step, c.sbc2, c.eps);
            adam_update(pr + ix[k], mr + ix[k], vr + ix[k], gr + k, e - k, c.b1, c.b2, c.c1, c.c2, c.step, c.sbc2,
                        c.eps);
            d = ix[e - 1] + 1;
            k = e;
        }
        adam_decay(pr + d, mr + d, vr + d, C - d, c.b1, c.b2, c.step, c.sbc2, c.eps);
    }
}

void ato_step(ato_adam o) {
    // torch.optim.Adam's update, fused into one pass over each parameter:
    // m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
    // p -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps).
    // A parameter without any gradient is skipped, as torch does.
    PROTECT(torch::NoGradGuard ng; adam_coefs c = adam_begin(o);
            for (size_t i = 0; i < o->params.size(); i++) {
                if (o->cols[i].defined()) {
                    adam_cols(o, i, c);
                    continue;
                }
                torch::Tensor g = o->params[i].grad();
                if (!g.defined()) continue;
                g = g.contiguous();
                adam_dense(o, i, g.data_ptr<float>(), c);
            })
}

void ato_step_dense(ato_adam o) {
    PROTECT(torch::NoGradGuard ng; adam_coefs c = adam_begin(o);
            for (size_t i = 0; i < o->params.size(); i++) {
                torch::Tensor g = o->params[i].grad();
                if (g.defined()) {
                    g = g.contiguous();
                    adam_dense(o, i, g.data_ptr<float>(), c);
                    continue;
                }
                size_t n = (size_t)o->params[i].numel();
                if (o->zeros.size() < n) o->zeros.assign(n, 0.0f);
                adam_dense(o, i, o->zeros.data(), c);
            })
}

void ato_zero_grad(ato_adam o) {
    // set_to_none: the next backward writes fresh gradients instead of
    // adding into zeroed ones.
    PROTECT(for (size_t i = 0; i < o->params.size(); i++) {
        o->params[i].mutable_grad().reset();
        o->cols[i] = torch::Tensor();
        o->idx[i] = torch::Tensor();
    })
}

at_tensor ato_moment(ato_adam o, int i, int which) {
    PROTECT(TORCH_CHECK(i >= 0 && i < (int)o->params.size(), "no parameter ", i);
            return wrap(which ? o->v[i] : o->m[i]);)
    return nullptr;
}

int64_t ato_step_count(ato_adam o) { return o->steps; }
void ato_set_step_count(ato_adam o, int64_t steps) { o->steps = steps; }
void ato_set_lr(ato_adam o, double lr) { o->lr = lr; }

}  // extern "C"
