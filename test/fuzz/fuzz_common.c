/* fuzz_common.c - input files, checks and stored zips for the fuzz targets. */
#define _GNU_SOURCE
#include "fuzz_common.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

static int slot_fd[FUZZ_SLOTS] = {-1, -1, -1, -1};
static char slot_path[FUZZ_SLOTS][32];

static int make_file(int slot) {
    char name[16];
    snprintf(name, sizeof name, "fuzz-input-%d", slot);
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0) { /* no memfd (old kernel, seccomp): an unlinked file in /tmp */
        char tmpl[] = "/tmp/powersched-fuzz-XXXXXX";
        fd = mkstemp(tmpl);
        if (fd >= 0) unlink(tmpl);
    }
    return fd;
}

const char *fuzz_file(int slot, const void *data, size_t size) {
    if (slot < 0 || slot >= FUZZ_SLOTS) fuzz_fail(__FILE__, __LINE__, "no file slot %d", slot);
    if (slot_fd[slot] < 0) {
        slot_fd[slot] = make_file(slot);
        if (slot_fd[slot] < 0) fuzz_fail(__FILE__, __LINE__, "cannot make an input file: %s", strerror(errno));
        snprintf(slot_path[slot], sizeof slot_path[slot], "/proc/self/fd/%d", slot_fd[slot]);
    }
    int fd = slot_fd[slot];
    if (ftruncate(fd, 0) != 0) fuzz_fail(__FILE__, __LINE__, "cannot empty the input file: %s", strerror(errno));
    const char *p = data;
    for (size_t done = 0; done < size;) {
        ssize_t w = pwrite(fd, p + done, size - done, (off_t)done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) fuzz_fail(__FILE__, __LINE__, "cannot write the input file: %s", strerror(errno));
        done += (size_t)w;
    }
    return slot_path[slot];
}

void fuzz_fail(const char *file, int line, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "fuzz check failed at %s:%d: ", file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    fflush(stderr);
    abort();
}

void fuzz_check_error(const ps_error *err, const char *path) {
    size_t len = strnlen(err->msg, sizeof err->msg);
    FUZZ_CHECK(len < sizeof err->msg, "the error message is not terminated");
    FUZZ_CHECK(len > 0, "the reader failed without a message");
    FUZZ_CHECK(strstr(err->msg, path) != NULL, "the error does not name the file %s: %s", path, err->msg);
}

/* ------------------------------------------------------------ stored zips */

static unsigned char *put16(unsigned char *p, unsigned v) {
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    return p + 2;
}

static unsigned char *put32(unsigned char *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
    return p + 4;
}

#define DOS_DATE 0x21u /* 1980-01-01 */

unsigned char *fuzz_zip_stored(int n, const char *const *names, const void *const *data, const size_t *sizes,
                               size_t *size) {
    size_t total = 22; /* end of central directory */
    for (int i = 0; i < n; i++) total += 30 + 46 + 2 * strlen(names[i]) + sizes[i];
    unsigned char *buf = malloc(total), *p = buf;
    uint32_t *crc = malloc((size_t)(n > 0 ? n : 1) * sizeof *crc), *offset = malloc((size_t)(n > 0 ? n : 1) * sizeof *offset);
    if (!buf || !crc || !offset) {
        free(buf);
        free(crc);
        free(offset);
        return NULL;
    }
    for (int i = 0; i < n; i++) { /* local headers and data */
        size_t len = strlen(names[i]);
        crc[i] = (uint32_t)crc32(0L, data[i], (uInt)sizes[i]);
        offset[i] = (uint32_t)(p - buf);
        p = put32(p, 0x04034b50u);
        p = put16(p, 20); /* version needed */
        p = put16(p, 0);  /* flags */
        p = put16(p, 0);  /* stored */
        p = put16(p, 0);  /* time */
        p = put16(p, DOS_DATE);
        p = put32(p, crc[i]);
        p = put32(p, (uint32_t)sizes[i]);
        p = put32(p, (uint32_t)sizes[i]);
        p = put16(p, (unsigned)len);
        p = put16(p, 0); /* extra */
        memcpy(p, names[i], len);
        p += len;
        if (sizes[i]) memcpy(p, data[i], sizes[i]);
        p += sizes[i];
    }
    unsigned char *cd = p;
    for (int i = 0; i < n; i++) { /* central directory */
        size_t len = strlen(names[i]);
        p = put32(p, 0x02014b50u);
        p = put16(p, 20); /* made by */
        p = put16(p, 20); /* needed */
        p = put16(p, 0);
        p = put16(p, 0);
        p = put16(p, 0);
        p = put16(p, DOS_DATE);
        p = put32(p, crc[i]);
        p = put32(p, (uint32_t)sizes[i]);
        p = put32(p, (uint32_t)sizes[i]);
        p = put16(p, (unsigned)len);
        p = put16(p, 0); /* extra */
        p = put16(p, 0); /* comment */
        p = put16(p, 0); /* disk */
        p = put16(p, 0); /* internal attributes */
        p = put32(p, 0); /* external attributes */
        p = put32(p, offset[i]);
        memcpy(p, names[i], len);
        p += len;
    }
    uint32_t cd_size = (uint32_t)(p - cd), cd_offset = (uint32_t)(cd - buf);
    p = put32(p, 0x06054b50u);
    p = put16(p, 0);
    p = put16(p, 0);
    p = put16(p, (unsigned)n);
    p = put16(p, (unsigned)n);
    p = put32(p, cd_size);
    p = put32(p, cd_offset);
    p = put16(p, 0); /* comment */
    free(crc);
    free(offset);
    *size = (size_t)(p - buf);
    return buf;
}
