/* check.h - the tests' assertion macros. A failing check prints file:line
 * and the values, counts the failure and the test goes on; main returns
 * check_summary(), which is non-zero if anything failed. Tests that need data
 * that is absent return CHECK_SKIP (77, ctest's SKIP_RETURN_CODE). */
#ifndef POWERSCHED_TEST_CHECK_H
#define POWERSCHED_TEST_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHECK_SKIP 77

static int check_failures_, check_count_;

#define CHECK(cond)                                                                    \
    do {                                                                               \
        check_count_++;                                                                \
        if (!(cond)) {                                                                 \
            check_failures_++;                                                         \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);   \
        }                                                                              \
    } while (0)

#define CHECK_INT(got, want)                                                           \
    do {                                                                               \
        long long g_ = (long long)(got), w_ = (long long)(want);                       \
        check_count_++;                                                                \
        if (g_ != w_) {                                                                \
            check_failures_++;                                                         \
            fprintf(stderr, "%s:%d: %s = %lld, expected %lld\n", __FILE__, __LINE__,   \
                    #got, g_, w_);                                                     \
        }                                                                              \
    } while (0)

/* |got - want| <= tol (absolute). */
#define CHECK_NEAR(got, want, tol)                                                     \
    do {                                                                               \
        double g_ = (double)(got), w_ = (double)(want);                                \
        check_count_++;                                                                \
        if (!(fabs(g_ - w_) <= (tol))) {                                               \
            check_failures_++;                                                         \
            fprintf(stderr, "%s:%d: %s = %.17g, expected %.17g (tol %g)\n", __FILE__,  \
                    __LINE__, #got, g_, w_, (double)(tol));                            \
        }                                                                              \
    } while (0)

#define CHECK_STR_CONTAINS(hay, needle)                                                \
    do {                                                                               \
        check_count_++;                                                                \
        if (!strstr((hay), (needle))) {                                                \
            check_failures_++;                                                         \
            fprintf(stderr, "%s:%d: '%s' does not contain '%s'\n", __FILE__, __LINE__, \
                    (hay), (needle));                                                  \
        }                                                                              \
    } while (0)

/* Writes text to a new temporary file /tmp/<prefix>XXXXXX; the path goes into
 * path (64 bytes). Exits the test when the file cannot be written. */
static inline const char *check_temp_file(char path[64], const char *prefix, const char *text) {
    snprintf(path, 64, "/tmp/%sXXXXXX", prefix);
    int fd = mkstemp(path);
    size_t len = strlen(text);
    if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
        perror(path);
        exit(1);
    }
    close(fd);
    return path;
}

static inline int check_summary(const char *name) {
    printf("%s: %d checks, %d failed\n", name, check_count_, check_failures_);
    return check_failures_ ? 1 : 0;
}

#endif
