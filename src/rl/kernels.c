/* kernels.c - see kernels.h. Each kernel is compiled three times from
 * kernels_impl.h, with vectors of 16 floats (AVX-512), 8 (AVX2 + FMA) and
 * 4 (SSE2, every x86-64; NEON elsewhere), and each call takes the widest
 * the CPU has: a test of libgcc's CPU flags per call, a few dozen calls a
 * gradient step. (Not a GNU ifunc: its resolver runs before the sanitizers'
 * runtime is up, and instrumented it crashes the ASan build.) */
#include "kernels.h"

#include <stdint.h>
#include <string.h>

void ps_k_transpose(float *restrict dst, const float *restrict src, int64_t rows, int64_t cols) {
    for (int64_t c0 = 0; c0 < cols; c0 += 64) { /* 64 columns at a time: the strided writes stay in L1 */
        int64_t c1 = c0 + 64 < cols ? c0 + 64 : cols;
        for (int64_t r = 0; r < rows; r++)
            for (int64_t c = c0; c < c1; c++) dst[c * rows + r] = src[r * cols + c];
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
#define VW 16
#define SFX _avx512
#define TARGET __attribute__((target("avx512f")))
#include "kernels_impl.h"
#undef VW
#undef SFX
#undef TARGET
#define VW 8
#define SFX _avx2
#define TARGET __attribute__((target("avx2,fma")))
#include "kernels_impl.h"
#undef VW
#undef SFX
#undef TARGET
#endif
#define VW 4
#define SFX _base
#define TARGET
#include "kernels_impl.h"
#undef VW
#undef SFX
#undef TARGET

#if defined(__x86_64__) && defined(__GNUC__)
#define DISPATCH(name, params, args)                                                      \
    void ps_k_##name params {                                                             \
        __builtin_cpu_init();                                                             \
        if (__builtin_cpu_supports("avx512f"))                                            \
            name##_avx512 args;                                                           \
        else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))         \
            name##_avx2 args;                                                             \
        else                                                                              \
            name##_base args;                                                             \
    }
#else
#define DISPATCH(name, params, args) \
    void ps_k_##name params { name##_base args; }
#endif

DISPATCH(linear, (float *y, const float *x, const float *W, const float *b, int64_t B, int64_t I, int64_t O,
                  float *scratch), (y, x, W, b, B, I, O, scratch))
DISPATCH(linear_grad, (float *dW, float *db, float *dx, const float *dz, const float *x, const float *W, int64_t B,
                       int64_t I, int64_t O, float *scratch), (dW, db, dx, dz, x, W, B, I, O, scratch))
DISPATCH(rows_axpy, (float *y, const float *w, const int64_t *ks, const float *as, int64_t n, int64_t H),
         (y, w, ks, as, n, H))
DISPATCH(sparse_rows_mm, (float *y, const float *w, const int64_t *ptr, const int64_t *in, const float *val,
                          int64_t tiles, int64_t B, int64_t H), (y, w, ptr, in, val, tiles, B, H))
DISPATCH(sparse_cols_grad, (float *gw, const float *g, const int64_t *ptr, const int64_t *row, const float *val,
                            int64_t K, int64_t H), (gw, g, ptr, row, val, K, H))
DISPATCH(tanh, (float *x, int64_t n), (x, n))
