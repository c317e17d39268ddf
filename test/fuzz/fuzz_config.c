/* fuzz_config - the JSON a PowerSched run reads back: a session's
 * config.json (ps_trained_rows: the price file and rows a model trained on)
 * and a checkpoint's config.json + progress.json (ps_checkpoint_peek, inside
 * a zip built here with correct CRC-32s so the JSON itself is what varies).
 * The input is config.json; after its first NUL byte, if any, comes
 * progress.json (otherwise a valid one is used). */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "fuzz_peek.h"
#include "powersched/heldout.h"

static const char default_progress[] =
    "{\"nominal_steps\": 64, \"num_timesteps\": 64, \"iteration\": 1, \"n_updates\": 10, \"adam_steps\": 10,"
    " \"action_rng\": [\"1\", \"2\", \"3\", \"4\"], \"shuffle_rng\": [\"5\", \"6\", \"7\", \"8\"]}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const uint8_t *nul = size ? memchr(data, '\0', size) : NULL;
    size_t cfg_size = nul ? (size_t)(nul - data) : size;
    const void *progress = nul ? (const void *)(nul + 1) : default_progress;
    size_t progress_size = nul ? size - cfg_size - 1 : strlen(default_progress);

    const char *path = fuzz_file(0, data, cfg_size);
    char prices[4096];
    long long first, last;
    ps_error err = {{0}};
    if (ps_trained_rows(path, prices, sizeof prices, &first, &last, &err) != PS_OK)
        fuzz_check_error(&err, path);
    else
        FUZZ_CHECK(memchr(prices, '\0', sizeof prices) != NULL, "the price path is not terminated");

    const char *names[2] = {"config.json", "progress.json"};
    const void *parts[2] = {data, progress};
    size_t sizes[2] = {cfg_size, progress_size};
    size_t zip_size;
    unsigned char *zip = fuzz_zip_stored(2, names, parts, sizes, &zip_size);
    FUZZ_CHECK(zip != NULL, "out of memory building the zip");
    fuzz_peek(fuzz_file(1, zip, zip_size));
    free(zip);
    return 0;
}
