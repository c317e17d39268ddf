// torch_api.cpp - the only C++ file: libtorch behind the C API of
// torch_api.h. Exceptions never cross into C: PROTECT stores the message
// (what_without_backtrace for c10 errors) in a thread-local last error.
#include "torch_api.h"

#include <dlfcn.h>
#include <torch/torch.h>

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

at_tensor at_matmul_add(at_tensor x, at_tensor w, at_tensor b) {
    PROTECT(return wrap(torch::addmm(b->t, x->t, w->t));)
    return nullptr;
}

at_tensor at_linear_cols(at_tensor xs, at_tensor idx, at_tensor w, at_tensor b) {
    PROTECT(return wrap(torch::addmm(b->t, xs->t, w->t.index_select(0, idx->t)));)
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

}  // extern "C"
