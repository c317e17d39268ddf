/* kernels_impl.h - the bodies of kernels.c for one vector width, included
 * once per instruction set with VW (floats per vector), SFX (name suffix)
 * and TARGET (the function attribute) defined. Generic GCC vectors of the
 * target's own width: wider ones are split piecewise (to scalars, with
 * AVX2 and 64-byte vectors), which made AVX2 machines 10x slower. */
#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define FN(name) CAT(name, SFX)

typedef float CAT(vf, SFX) __attribute__((vector_size(VW * 4)));
typedef float CAT(vfu, SFX) __attribute__((vector_size(VW * 4), aligned(4), may_alias));
typedef int32_t CAT(vi, SFX) __attribute__((vector_size(VW * 4)));
#define vf CAT(vf, SFX)
#define vi CAT(vi, SFX)
/* VW floats at any float-aligned address (an under-aligned vector type
 * that may alias floats) */
#define LD(p) (*(const CAT(vfu, SFX) *)(p))
#define ST(p, v) (*(CAT(vfu, SFX) *)(p) = (v))

/* y[0..n) += a x[0..n). */
static inline __attribute__((always_inline)) TARGET void FN(axpy)(float *restrict y, const float *restrict x, float a,
                                                                 int64_t n) {
    int64_t j = 0;
    for (; j + VW <= n; j += VW) ST(y + j, LD(y + j) + a * LD(x + j));
    for (; j < n; j++) y[j] += a * x[j];
}

/* y[0..H) += sum_i as[i] w[row i, 0..H), row i = ks[i], or i when ks is
 * NULL (a constant at every call: the branch is resolved when inlined).
 * A block of columns is held in eight vector registers over the whole list:
 * eight independent chains of FMAs hide their latency. With 16-float
 * vectors a 64-column block is four registers, so even and odd i go to two
 * sets, added at the end. Named vectors, not arrays: GCC kept arrays of
 * vectors on the stack. The columns past the last block use axpy. */
#define ROW(i) (w + (ks ? ks[i] : (i)) * H + j0)
static inline __attribute__((always_inline)) TARGET void FN(axpy_rows)(float *restrict y, const float *restrict w,
                                                                      const int64_t *restrict ks,
                                                                      const float *restrict as, int64_t n, int64_t H) {
    int64_t j0 = 0;
#if VW == 16
    for (; j0 + 64 <= H; j0 += 64) {
        vf a0 = LD(y + j0), a1 = LD(y + j0 + 16), a2 = LD(y + j0 + 32), a3 = LD(y + j0 + 48);
        vf b0 = {0}, b1 = {0}, b2 = {0}, b3 = {0};
        int64_t i = 0;
        for (; i + 2 <= n; i += 2) {
            const float *r0 = ROW(i), *r1 = ROW(i + 1);
            float x0 = as[i], x1 = as[i + 1];
            a0 += x0 * LD(r0);
            a1 += x0 * LD(r0 + 16);
            a2 += x0 * LD(r0 + 32);
            a3 += x0 * LD(r0 + 48);
            b0 += x1 * LD(r1);
            b1 += x1 * LD(r1 + 16);
            b2 += x1 * LD(r1 + 32);
            b3 += x1 * LD(r1 + 48);
        }
        if (i < n) {
            const float *r0 = ROW(i);
            float x0 = as[i];
            a0 += x0 * LD(r0);
            a1 += x0 * LD(r0 + 16);
            a2 += x0 * LD(r0 + 32);
            a3 += x0 * LD(r0 + 48);
        }
        ST(y + j0, a0 + b0);
        ST(y + j0 + 16, a1 + b1);
        ST(y + j0 + 32, a2 + b2);
        ST(y + j0 + 48, a3 + b3);
    }
#else
    for (; j0 + 8 * VW <= H; j0 += 8 * VW) {
        vf a0 = LD(y + j0), a1 = LD(y + j0 + VW), a2 = LD(y + j0 + 2 * VW), a3 = LD(y + j0 + 3 * VW);
        vf a4 = LD(y + j0 + 4 * VW), a5 = LD(y + j0 + 5 * VW), a6 = LD(y + j0 + 6 * VW), a7 = LD(y + j0 + 7 * VW);
        for (int64_t i = 0; i < n; i++) {
            const float *r = ROW(i);
            float x = as[i];
            a0 += x * LD(r);
            a1 += x * LD(r + VW);
            a2 += x * LD(r + 2 * VW);
            a3 += x * LD(r + 3 * VW);
            a4 += x * LD(r + 4 * VW);
            a5 += x * LD(r + 5 * VW);
            a6 += x * LD(r + 6 * VW);
            a7 += x * LD(r + 7 * VW);
        }
        ST(y + j0, a0);
        ST(y + j0 + VW, a1);
        ST(y + j0 + 2 * VW, a2);
        ST(y + j0 + 3 * VW, a3);
        ST(y + j0 + 4 * VW, a4);
        ST(y + j0 + 5 * VW, a5);
        ST(y + j0 + 6 * VW, a6);
        ST(y + j0 + 7 * VW, a7);
    }
#endif
    if (j0 < H)
        for (int64_t i = 0; i < n; i++) FN(axpy)(y + j0, ROW(i), as[i], H - j0);
}
#undef ROW

TARGET static void FN(linear)(float *restrict y, const float *restrict x, const float *restrict W,
                              const float *restrict b, int64_t B, int64_t I, int64_t O, float *restrict scratch) {
    ps_k_transpose(scratch, W, O, I); /* W^T [I, O]: row i is input i's weights */
    for (int64_t r = 0; r < B; r++) {
        memcpy(y + r * O, b, (size_t)O * sizeof *y);
        FN(axpy_rows)(y + r * O, scratch, NULL, x + r * I, I, O);
    }
}

TARGET static void FN(linear_grad)(float *restrict dW, float *restrict db, float *restrict dx,
                                   const float *restrict dz, const float *restrict x, const float *restrict W,
                                   int64_t B, int64_t I, int64_t O, float *restrict scratch) {
    ps_k_transpose(scratch, dz, B, O); /* dz^T [O, B] */
    for (int64_t o = 0; o < O; o++) {
        float s = 0;
        for (int64_t r = 0; r < B; r++) s += scratch[o * B + r];
        db[o] = s;
        memset(dW + o * I, 0, (size_t)I * sizeof *dW);
        FN(axpy_rows)(dW + o * I, x, NULL, scratch + o * B, B, I);
    }
    if (!dx) return;
    for (int64_t r = 0; r < B; r++) {
        memset(dx + r * I, 0, (size_t)I * sizeof *dx);
        FN(axpy_rows)(dx + r * I, W, NULL, dz + r * O, O, I);
    }
}

TARGET static void FN(rows_axpy)(float *restrict y, const float *restrict w, const int64_t *restrict ks,
                                 const float *restrict as, int64_t n, int64_t H) {
    FN(axpy_rows)(y, w, ks, as, n, H);
}

TARGET static void FN(sparse_rows_mm)(float *restrict y, const float *restrict w, const int64_t *restrict ptr,
                                      const int64_t *restrict in, const float *restrict val, int64_t tiles,
                                      int64_t B, int64_t H) {
    for (int64_t t = 0; t < tiles; t++)
        for (int64_t r = 0; r < B; r++) {
            int64_t a = ptr[t * B + r];
            FN(axpy_rows)(y + r * H, w, in + a, val + a, ptr[t * B + r + 1] - a, H);
        }
}

TARGET static void FN(sparse_cols_grad)(float *restrict gw, const float *restrict g, const int64_t *restrict ptr,
                                        const int64_t *restrict row, const float *restrict val, int64_t K,
                                        int64_t H) {
    for (int64_t k = 0; k < K; k++) {
        float *gk = gw + k * H;
        memset(gk, 0, (size_t)H * sizeof *gk);
        FN(axpy_rows)(gk, g, row + ptr[k], val + ptr[k], ptr[k + 1] - ptr[k], H);
    }
}

/* tanh of VW floats by Cephes's tanhf: an odd minimax polynomial below
 * |x| = 0.625, 1 - 2 / (e^2|x| + 1) above, with e^t by Cephes's expf
 * polynomial (rounding by the 1.5 * 2^23 trick) and 2^n put in the
 * exponent bits; both branches computed, one kept by a bit mask (GCC left
 * the plain loop scalar). Relative error about 1.4e-7 (2 ulp), like libm's;
 * 2|x| is capped at 20, where tanh rounds to 1. */
static inline __attribute__((always_inline)) TARGET void FN(tanhv)(float *restrict p) {
    const vi sign = (vi){0} + (int32_t)0x80000000;
    vf x = LD(p);
    vi xb = (vi)x;
    vf a = (vf)(xb & ~sign), z = a * a;
    vf small = ((((-5.70498872745e-3f * z + 2.06390887954e-2f) * z - 5.37397155531e-2f) * z + 1.33314422036e-1f) * z -
                3.33332819422e-1f) * z * a + a;
    vf t = 2 * a;
    vi cap = t < 20.0f;
    t = (vf)(((vi)t & cap) | ((vi)((vf){0} + 20.0f) & ~cap));
    vf e = (t * 1.44269504089f + 12582912.0f) - 12582912.0f; /* round to nearest */
    vf r = t - e * 0.693359375f + e * 2.12194440e-4f, r2 = r * r;
    vf y = (((((1.9875691500e-4f * r + 1.3981999507e-3f) * r + 8.3334519073e-3f) * r + 4.1665795894e-2f) * r +
             1.6666665459e-1f) * r + 5.0000001201e-1f) * r2 + r + 1.0f;
    vf scale = (vf)((__builtin_convertvector(e, vi) + 127) << 23);
    vf big = 1.0f - 2.0f / (y * scale + 1.0f);
    vi low = a < 0.625f;
    vi res = ((vi)small & low) | ((vi)big & ~low);
    ST(p, (vf)(res | (xb & sign)));
}

/* VW at a time; the rest through a padded copy, so every element gets the
 * same operations wherever it sits. */
TARGET static void FN(tanh)(float *restrict x, int64_t n) {
    int64_t k = 0;
    for (; k + VW <= n; k += VW) FN(tanhv)(x + k);
    if (k < n) {
        float pad[VW] = {0};
        memcpy(pad, x + k, (size_t)(n - k) * sizeof *x);
        FN(tanhv)(pad);
        memcpy(x + k, pad, (size_t)(n - k) * sizeof *x);
    }
}

#undef vf
#undef vi
#undef LD
#undef ST
#undef FN
#undef CAT
#undef CAT2
