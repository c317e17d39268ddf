/* fuzz_prices - the price readers (CSV by position or time, Energy-Charts
 * JSON), with default options and with --price-gaps fill and a column name.
 * On success every price is finite, within +-PS_MAX_PRICE, and there is at
 * least one; on failure the error names the file. */
#include <math.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "powersched/price_file.h"

static void load(const char *path, const ps_price_options *o) {
    ps_error err = {{0}};
    float *values = NULL;
    size_t n = 0;
    ps_price_report rep;
    if (ps_prices_load(path, o, &values, &n, &rep, &err) != PS_OK) {
        fuzz_check_error(&err, path);
        return;
    }
    FUZZ_CHECK(values != NULL && n > 0, "success without prices (n = %zu)", n);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK(isfinite(values[i]) && fabsf(values[i]) <= PS_MAX_PRICE, "price %zu is %g", i, (double)values[i]);
    FUZZ_CHECK(rep.rows_per_hour >= 1, "rows per hour %d", rep.rows_per_hour);
    free(values);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_file(0, data, size);
    static const ps_price_options fill = {"price", 1};
    load(path, NULL);
    load(path, &fill);
    return 0;
}
