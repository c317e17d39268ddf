/* rng.h - the simulator's own deterministic PRNG (xoshiro256**, seeded by
 * splitmix64). One state per env; no globals. Streams cannot match numpy's
 * PCG64 (design.md): only the draw STRUCTURE of spec 2.7/8.7 is kept. */
#ifndef POWERSCHED_RNG_H
#define POWERSCHED_RNG_H

#include <stdint.h>

/* Streams derived from one seed: the env's own draws (arrivals; the
 * reference's np_random), the durations sampler (the reference's numpy global
 * RNG) and a policy's random actions. */
enum { PS_STREAM_ENV = 1, PS_STREAM_AUX = 2, PS_STREAM_POLICY = 3 };

typedef struct ps_rng {
    uint64_t s[4];
} ps_rng;

/* Seeds the state from (seed, stream): different streams of one seed are
 * independent sequences. */
void ps_rng_seed(ps_rng *r, uint64_t seed, uint64_t stream);
static inline uint64_t ps_rng_rotl_(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t ps_rng_next(ps_rng *r) {
    uint64_t *s = r->s;
    uint64_t result = ps_rng_rotl_(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = ps_rng_rotl_(s[3], 45);
    return result;
}

/* Uniform double in [0, 1) with 53 random bits. */
static inline double ps_rng_uniform(ps_rng *r) { return (double)(ps_rng_next(r) >> 11) * 0x1.0p-53; }
/* Uniform integer in [lo, hi] (inclusive, lo <= hi), unbiased (Lemire). */
int64_t ps_rng_int(ps_rng *r, int64_t lo, int64_t hi);
/* Binomial(n, p) for n >= 0 and p in [0, 1] (0 outside): inversion from the
 * smaller tail, like numpy's small-mean branch, and n Bernoulli draws where
 * the inversion's start probability would underflow. */
int64_t ps_rng_binomial(ps_rng *r, int64_t n, double p);

#endif
