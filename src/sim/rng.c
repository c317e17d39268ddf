#include "powersched/rng.h"

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
