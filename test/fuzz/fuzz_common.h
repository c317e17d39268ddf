/* fuzz_common.h - what the fuzz targets of test/fuzz share.
 *
 * Each target is one LLVMFuzzerTestOneInput over one reader. The readers take
 * file paths, so the input goes into an in-memory file (memfd_create, or an
 * unlinked file in /tmp where memfd is missing) created once per process and
 * rewritten on every call; its path is "/proc/self/fd/N". A target checks
 * what the reader promises (an error has a message naming the file; what it
 * returns is in range) with FUZZ_CHECK, which prints the broken promise and
 * aborts, so libFuzzer and the replay main (replay_main.c) both report it as
 * a crash with the input that caused it. */
#ifndef POWERSCHED_FUZZ_COMMON_H
#define POWERSCHED_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "powersched/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Independent files per target (a target needing two uses slots 0 and 1). */
#define FUZZ_SLOTS 4

/* Replaces the contents of file `slot` with data[0..size) and returns its
 * path (static storage, valid for the whole process). Aborts when no file
 * can be made: the fuzzer cannot run without one. */
const char *fuzz_file(int slot, const void *data, size_t size);

/* Prints "fuzz check failed at FILE:LINE: <message>" and aborts. */
void fuzz_fail(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4), noreturn));

#define FUZZ_CHECK(cond, ...)                                     \
    do {                                                          \
        if (!(cond)) fuzz_fail(__FILE__, __LINE__, __VA_ARGS__);  \
    } while (0)

/* A reader that returned PS_ERR must have said why, naming the file: the
 * message is non-empty, terminated inside the buffer and contains path. */
void fuzz_check_error(const ps_error *err, const char *path);

/* A zip archive of n stored (uncompressed) entries with correct CRC-32s, so a
 * target can fuzz what is inside a checkpoint rather than the archive's
 * structure. Returns a malloc'ed buffer (caller frees) and its size in *size;
 * NULL when out of memory. */
unsigned char *fuzz_zip_stored(int n, const char *const *names, const void *const *data, const size_t *sizes,
                               size_t *size);

#endif
