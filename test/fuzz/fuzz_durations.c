/* fuzz_durations - the job durations reader of the legacy generator
 * (ps_durations_read) and its sampler. On success the CDF rises to exactly 1
 * and every sample is 1..max_hours hours. */
#include "fuzz_common.h"
#include "powersched/workload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_file(0, data, size);
    ps_error err = {{0}};
    ps_durations d;
    if (ps_durations_read(&d, path, &err) != PS_OK) {
        fuzz_check_error(&err, path);
        return 0;
    }
    FUZZ_CHECK(d.max_hours >= 1 && d.n_values >= 1 && d.cdf, "success with max_hours %d, %lld values", d.max_hours,
               (long long)d.n_values);
    double prev = 0;
    for (int i = 0; i < d.max_hours; i++) {
        FUZZ_CHECK(d.cdf[i] >= prev && d.cdf[i] <= 1.0, "cdf[%d] = %g after %g", i, d.cdf[i], prev);
        prev = d.cdf[i];
    }
    FUZZ_CHECK(d.cdf[d.max_hours - 1] == 1.0, "the cdf ends at %.17g", d.cdf[d.max_hours - 1]);
    ps_rng rng;
    ps_rng_seed(&rng, size, PS_STREAM_AUX);
    for (int k = 0; k < 16; k++) {
        int32_t h = ps_durations_sample(&d, &rng);
        FUZZ_CHECK(h >= 1 && h <= d.max_hours, "sampled %d hours, max %d", h, d.max_hours);
    }
    ps_durations_free(&d);
    return 0;
}
