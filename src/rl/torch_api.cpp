// torch_api.cpp - the only C++ file: libtorch behind the C API of
// torch_api.h. Exceptions never cross into C: PROTECT stores the message
// (what_without_backtrace for c10 errors) in a thread-local last error.
#include "torch_api.h"

#include <dlfcn.h>
#include <torch/torch.h>

#include <cmath>
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
            } return o;)
    return nullptr;
}

void ato_free(ato_adam o) { delete o; }

double ato_clip_grad_norm(ato_adam o, double max_norm) {
    // One pass over each gradient, no temporaries (torch's clip_grad_norm_
    // allocates a squared copy of every gradient).
    PROTECT(torch::NoGradGuard ng; double sq = 0;
            for (auto &p : o->params) {
                torch::Tensor g = p.grad();
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
                for (auto &p : o->params)
                    if (p.grad().defined()) p.mutable_grad().mul_(coef);
            return norm;)
    return NAN;
}

/* The per-element update; restrict lets the compiler vectorise it, and an
 * AVX2 clone (picked at load time where the CPU has it) doubles the width. */
__attribute__((target_clones("avx2", "default"))) static void adam_update(float *__restrict__ p, float *__restrict__ m, float *__restrict__ v, const float *__restrict__ g,
                        int64_t n, float b1, float b2, float c1, float c2, float step, float sbc2, float eps) {
    for (int64_t k = 0; k < n; k++) {
        m[k] = m[k] * b1 + g[k] * c1;
        v[k] = v[k] * b2 + g[k] * g[k] * c2;
        p[k] -= step * (m[k] / (std::sqrt(v[k]) / sbc2 + eps));
    }
}

void ato_step(ato_adam o) {
    // torch.optim.Adam's update, fused into one pass over each parameter:
    // m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
    // p -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps).
    PROTECT(torch::NoGradGuard ng; o->steps++;
            double bc1 = 1 - std::pow(o->beta1, (double)o->steps), bc2 = 1 - std::pow(o->beta2, (double)o->steps);
            float b1 = (float)o->beta1, b2 = (float)o->beta2, c1 = (float)(1 - o->beta1), c2 = (float)(1 - o->beta2);
            float step = (float)(o->lr / bc1), sbc2 = (float)std::sqrt(bc2), eps = (float)o->eps;
            for (size_t i = 0; i < o->params.size(); i++) {
                torch::Tensor g = o->params[i].grad();
                if (!g.defined()) continue;
                g = g.contiguous();
                adam_update(o->params[i].data_ptr<float>(), o->m[i].data_ptr<float>(), o->v[i].data_ptr<float>(),
                            g.data_ptr<float>(), o->params[i].numel(), b1, b2, c1, c2, step, sbc2, eps);
            })
}

void ato_zero_grad(ato_adam o) {
    // set_to_none: the next backward writes fresh gradients instead of
    // adding into zeroed ones.
    PROTECT(for (auto &p : o->params) p.mutable_grad().reset();)
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
