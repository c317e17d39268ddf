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
uint64_t ps_rng_next(ps_rng *r);
/* Uniform double in [0, 1) with 53 random bits. */
double ps_rng_uniform(ps_rng *r);
/* Uniform integer in [lo, hi] (inclusive, lo <= hi), unbiased (Lemire). */
int64_t ps_rng_int(ps_rng *r, int64_t lo, int64_t hi);

#endif
