#include "powersched/rng.h"

#include <math.h>

__extension__ typedef unsigned __int128 u128;

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void ps_rng_seed(ps_rng *r, uint64_t seed, uint64_t stream) {
    uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ULL);
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
}

int64_t ps_rng_int(ps_rng *r, int64_t lo, int64_t hi) {
    uint64_t range = (uint64_t)(hi - lo) + 1;
    if (range == 0) return lo + (int64_t)ps_rng_next(r); /* full 64-bit range */
    /* Lemire's multiply-shift with rejection of the biased low region. */
    u128 m = (u128)ps_rng_next(r) * range;
    uint64_t low = (uint64_t)m;
    if (low < range) {
        uint64_t threshold = -range % range;
        while (low < threshold) {
            m = (u128)ps_rng_next(r) * range;
            low = (uint64_t)m;
        }
    }
    return lo + (int64_t)(m >> 64);
}

/* Inversion (numpy's random_binomial_inversion) for p <= 0.5: walk the pmf
 * from 0 with the ratio recurrence until the uniform is used up; restart past
 * a generous bound (a floating-point tail the walk cannot reach). */
static int64_t binomial_inversion(ps_rng *r, int64_t n, double p) {
    double q = 1.0 - p, qn = exp((double)n * log(q)), np = (double)n * p;
    double bound = fmin((double)n, np + 10.0 * sqrt(np * q + 1));
    int64_t x = 0;
    double px = qn, u = ps_rng_uniform(r);
    while (u > px) {
        x++;
        if ((double)x > bound) {
            x = 0;
            px = qn;
            u = ps_rng_uniform(r);
        } else {
            u -= px;
            px = ((double)(n - x + 1) * p * px) / ((double)x * q);
        }
    }
    return x;
}

int64_t ps_rng_binomial(ps_rng *r, int64_t n, double p) {
    if (n <= 0 || !(p > 0)) return 0;
    if (p >= 1) return n;
    double small = p <= 0.5 ? p : 1.0 - p;
    int64_t x = 0;
    /* (1 - small)^n must stay a normal double for the inversion's start. */
    if ((double)n * -log1p(-small) < 600) {
        x = binomial_inversion(r, n, small);
    } else {
        for (int64_t i = 0; i < n; i++) x += ps_rng_uniform(r) < small;
    }
    return p <= 0.5 ? x : n - x;
}
