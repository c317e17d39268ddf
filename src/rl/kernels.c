/* kernels.c - see kernels.h. The loops are written for the vectoriser:
 * restrict pointers, and 16 floats at a time as a GCC vector (one AVX-512
 * register, two AVX2 ones) where an inlined plain loop stayed scalar. */
#include "kernels.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

typedef float ps_v16 __attribute__((vector_size(64)));

/* y[0..n) += a x[0..n). */
static inline __attribute__((always_inline)) void axpy(float *restrict y, const float *restrict x, float a,
                                                       int64_t n) {
    int64_t j = 0;
    for (; j + 16 <= n; j += 16) {
        ps_v16 yv, xv;
        memcpy(&yv, y + j, sizeof yv);
        memcpy(&xv, x + j, sizeof xv);
        yv += a * xv;
        memcpy(y + j, &yv, sizeof yv);
    }
    for (; j < n; j++) y[j] += a * x[j];
}

/* 16 floats at any float-aligned address (an under-aligned vector type
 * that may alias floats). */
typedef float ps_v16u __attribute__((vector_size(64), aligned(4), may_alias));
#define load16(p) (*(const ps_v16u *)(p))
#define store16(p, v) (*(ps_v16u *)(p) = (v))

/* y[0..H) += sum_i as[i] w[row i, 0..H), row i = ks[i], or i when ks is
 * NULL (a constant at every call: the branch is resolved when inlined).
 * 64 columns at a time in registers over the whole list, with two sets of
 * accumulators for even and odd i (one set is a chain of dependent FMAs,
 * bound by their latency), added at the end; the rest with axpy. Named
 * vectors, not arrays: GCC kept arrays of vectors on the stack. */
static inline __attribute__((always_inline)) void axpy_rows(float *restrict y, const float *restrict w,
                                                            const int64_t *restrict ks, const float *restrict as,
                                                            int64_t n, int64_t H) {
    int64_t j0 = 0;
    for (; j0 + 64 <= H; j0 += 64) {
        ps_v16 a0 = load16(y + j0), a1 = load16(y + j0 + 16), a2 = load16(y + j0 + 32), a3 = load16(y + j0 + 48);
        ps_v16 b0 = {0}, b1 = {0}, b2 = {0}, b3 = {0};
        int64_t i = 0;
        for (; i + 2 <= n; i += 2) {
            const float *r0 = w + (ks ? ks[i] : i) * H + j0, *r1 = w + (ks ? ks[i + 1] : i + 1) * H + j0;
            float x0 = as[i], x1 = as[i + 1];
            a0 += x0 * load16(r0);
            a1 += x0 * load16(r0 + 16);
            a2 += x0 * load16(r0 + 32);
            a3 += x0 * load16(r0 + 48);
            b0 += x1 * load16(r1);
            b1 += x1 * load16(r1 + 16);
            b2 += x1 * load16(r1 + 32);
            b3 += x1 * load16(r1 + 48);
        }
        if (i < n) {
            const float *r0 = w + (ks ? ks[i] : i) * H + j0;
            float x0 = as[i];
            a0 += x0 * load16(r0);
            a1 += x0 * load16(r0 + 16);
            a2 += x0 * load16(r0 + 32);
            a3 += x0 * load16(r0 + 48);
        }
        store16(y + j0, a0 + b0);
        store16(y + j0 + 16, a1 + b1);
        store16(y + j0 + 32, a2 + b2);
        store16(y + j0 + 48, a3 + b3);
    }
    if (j0 < H)
        for (int64_t i = 0; i < n; i++) axpy(y + j0, w + (ks ? ks[i] : i) * H + j0, as[i], H - j0);
}

CLONES void ps_k_linear(float *restrict y, const float *restrict x, const float *restrict W, const float *restrict b,
                        int64_t B, int64_t I, int64_t O, float *restrict scratch) {
    ps_k_transpose(scratch, W, O, I); /* W^T [I, O]: row i is input i's weights */
    for (int64_t r = 0; r < B; r++) {
        memcpy(y + r * O, b, (size_t)O * sizeof *y);
        axpy_rows(y + r * O, scratch, NULL, x + r * I, I, O);
    }
}

CLONES void ps_k_linear_grad(float *restrict dW, float *restrict db, float *restrict dx, const float *restrict dz,
                             const float *restrict x, const float *restrict W, int64_t B, int64_t I, int64_t O,
                             float *restrict scratch) {
    ps_k_transpose(scratch, dz, B, O); /* dz^T [O, B] */
    for (int64_t o = 0; o < O; o++) {
        float s = 0;
        for (int64_t r = 0; r < B; r++) s += scratch[o * B + r];
        db[o] = s;
        memset(dW + o * I, 0, (size_t)I * sizeof *dW);
        axpy_rows(dW + o * I, x, NULL, scratch + o * B, B, I);
    }
    if (!dx) return;
    for (int64_t r = 0; r < B; r++) {
        memset(dx + r * I, 0, (size_t)I * sizeof *dx);
        axpy_rows(dx + r * I, W, NULL, dz + r * O, O, I);
    }
}

CLONES void ps_k_rows_axpy(float *restrict y, const float *restrict w, const int64_t *restrict ks,
                           const float *restrict as, int64_t n, int64_t H) {
    axpy_rows(y, w, ks, as, n, H);
}

CLONES void ps_k_sparse_rows_mm(float *restrict y, const float *restrict w, const int64_t *restrict ptr,
                                const int64_t *restrict in, const float *restrict val, int64_t tiles, int64_t B,
                                int64_t H) {
    for (int64_t t = 0; t < tiles; t++)
        for (int64_t r = 0; r < B; r++) {
            int64_t a = ptr[t * B + r];
            axpy_rows(y + r * H, w, in + a, val + a, ptr[t * B + r + 1] - a, H);
        }
}

CLONES void ps_k_sparse_cols_grad(float *restrict gw, const float *restrict g, const int64_t *restrict ptr,
                                  const int64_t *restrict row, const float *restrict val, int64_t K, int64_t H) {
    for (int64_t k = 0; k < K; k++) {
        float *gk = gw + k * H;
        memset(gk, 0, (size_t)H * sizeof *gk);
        axpy_rows(gk, g, row + ptr[k], val + ptr[k], ptr[k + 1] - ptr[k], H);
    }
}

void ps_k_transpose(float *restrict dst, const float *restrict src, int64_t rows, int64_t cols) {
    for (int64_t c0 = 0; c0 < cols; c0 += 64) { /* 64 columns at a time: the strided writes stay in L1 */
        int64_t c1 = c0 + 64 < cols ? c0 + 64 : cols;
        for (int64_t r = 0; r < rows; r++)
            for (int64_t c = c0; c < c1; c++) dst[c * rows + r] = src[r * cols + c];
    }
}

typedef int32_t ps_i16 __attribute__((vector_size(64)));

/* tanh of 16 floats by Cephes's tanhf: an odd minimax polynomial below
 * |x| = 0.625, 1 - 2 / (e^2|x| + 1) above, with e^t by Cephes's expf
 * polynomial (rounding by the 1.5 * 2^23 trick) and 2^n put in the
 * exponent bits; both branches computed, one kept by a bit mask. Written
 * with vector types: GCC left the plain loop scalar. Relative error about
 * 1.4e-7 (2 ulp), like libm's; 2|x| is capped at 20, where tanh rounds to 1. */
static inline __attribute__((always_inline)) void tanh16(float *restrict p) {
    const ps_i16 sign = (ps_i16){0} + (int32_t)0x80000000;
    ps_v16 x = load16(p);
    ps_i16 xb = (ps_i16)x;
    ps_v16 a = (ps_v16)(xb & ~sign), z = a * a;
    ps_v16 small = ((((-5.70498872745e-3f * z + 2.06390887954e-2f) * z - 5.37397155531e-2f) * z + 1.33314422036e-1f) * z -
                    3.33332819422e-1f) * z * a + a;
    ps_v16 t = 2 * a;
    t = (ps_v16)(((ps_i16)t & (t < 20.0f)) | ((ps_i16)((ps_v16){0} + 20.0f) & ~(t < 20.0f)));
    ps_v16 e = (t * 1.44269504089f + 12582912.0f) - 12582912.0f; /* round to nearest */
    ps_v16 r = t - e * 0.693359375f + e * 2.12194440e-4f, r2 = r * r;
    ps_v16 y = (((((1.9875691500e-4f * r + 1.3981999507e-3f) * r + 8.3334519073e-3f) * r + 4.1665795894e-2f) * r +
                 1.6666665459e-1f) * r + 5.0000001201e-1f) * r2 + r + 1.0f;
    ps_v16 scale = (ps_v16)((__builtin_convertvector(e, ps_i16) + 127) << 23);
    ps_v16 big = 1.0f - 2.0f / (y * scale + 1.0f);
    ps_i16 low = a < 0.625f;
    ps_i16 res = ((ps_i16)small & low) | ((ps_i16)big & ~low);
    store16(p, (ps_v16)(res | (xb & sign)));
}

/* 16 at a time; the rest through a padded copy, so every element gets the
 * same operations wherever it sits. */
CLONES void ps_k_tanh(float *restrict x, int64_t n) {
    int64_t k = 0;
    for (; k + 16 <= n; k += 16) tanh16(x + k);
    if (k < n) {
        float pad[16] = {0};
        memcpy(pad, x + k, (size_t)(n - k) * sizeof *x);
        tanh16(pad);
        memcpy(x + k, pad, (size_t)(n - k) * sizeof *x);
    }
}
