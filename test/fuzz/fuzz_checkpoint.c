/* fuzz_checkpoint - a checkpoint file as it lies on disk: the zip reader
 * (ps_zip_read: structure, sizes, CRC-32s) and then ps_checkpoint_peek on
 * the same bytes (fuzz_peek.h). On success every entry's name is
 * terminated, findable, and its data readable to the last byte (ASan sees
 * any short buffer). The JSON inside is fuzzed by fuzz_config, which builds
 * archives with correct CRCs. */
#include <string.h>

#include "fuzz_common.h"
#include "fuzz_peek.h"
#include "powersched/zipfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_file(0, data, size);
    ps_error err = {{0}};
    ps_zip_entry *e = NULL;
    int n = -1;
    if (ps_zip_read(path, &e, &n, &err) != PS_OK) {
        fuzz_check_error(&err, path);
        FUZZ_CHECK(e == NULL && n == 0, "a failed read left %d entries", n);
        return 0;
    }
    FUZZ_CHECK(n >= 0 && (n == 0 || e != NULL), "success with %d entries", n);
    unsigned sum = 0;
    for (int i = 0; i < n; i++) {
        FUZZ_CHECK(memchr(e[i].name, '\0', sizeof e[i].name) != NULL, "entry %d: name not terminated", i);
        FUZZ_CHECK(ps_zip_find(e, n, e[i].name) != NULL, "entry %d (%s) not found by name", i, e[i].name);
        FUZZ_CHECK(e[i].size == 0 || e[i].data != NULL, "entry %s: %zu bytes without data", e[i].name, e[i].size);
        const unsigned char *p = e[i].data;
        for (size_t k = 0; k < e[i].size; k++) sum += p[k];
    }
    (void)sum;
    ps_zip_free(e, n);
    fuzz_peek(path);
    return 0;
}
