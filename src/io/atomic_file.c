/* atomic_file.c - temp file in the same folder, fsync, rename (design.md).
 * Only a regular file (or a path that does not exist yet) is replaced that
 * way: a device, FIFO or symlink named as output (`--trace /dev/stdout`) is
 * written through, so the rename never swaps it for a plain file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

#include "powersched/io.h"

/* 1 when path is absent or a regular file (not a symlink): safe to replace. */
static int replaceable(const char *path) {
    struct stat st;
    if (lstat(path, &st) != 0) return errno == ENOENT;
    return S_ISREG(st.st_mode);
}

static int open_through(ps_atomic_file *f, const char *path, ps_error *err) {
    f->fp = fopen(path, "w");
    if (!f->fp) return ps_error_set(err, "%s: cannot open file: %s", path, strerror(errno));
    return PS_OK;
}

/* mkstemp creates 0600; outputs get what open(2) would give: 0666 less the
 * umask, so a group project folder stays readable to the group. */
static void apply_umask(int fd) {
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
}

int ps_atomic_open(ps_atomic_file *f, const char *path, ps_error *err) {
    memset(f, 0, sizeof *f);
    if (strlen(path) + 16 >= sizeof f->tmp_path) return ps_error_set(err, "%s: path too long", path);
    snprintf(f->path, sizeof f->path, "%s", path);
    if (!replaceable(path)) return open_through(f, path, err);
    snprintf(f->tmp_path, sizeof f->tmp_path, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(f->tmp_path);
    if (fd < 0) return ps_error_set(err, "%s: cannot create file: %s", path, strerror(errno));
    apply_umask(fd);
    f->fp = fdopen(fd, "w");
    if (!f->fp) {
        close(fd);
        unlink(f->tmp_path);
        return ps_error_set(err, "%s: cannot open file: %s", path, strerror(errno));
    }
    return PS_OK;
}

const char *ps_atomic_write_path(const ps_atomic_file *f) {
    return f->tmp_path[0] ? f->tmp_path : f->path;
}

int ps_atomic_commit(ps_atomic_file *f, ps_error *err) {
    if (!f->fp) return ps_error_set(err, "%s: file not open", f->path);
    int through = f->tmp_path[0] == '\0';
    /* fsync means nothing for a device or pipe (EINVAL): only for temp files. */
    int bad = fflush(f->fp) != 0 || ferror(f->fp) || (!through && fsync(fileno(f->fp)) != 0);
    int saved = errno;
    bad |= fclose(f->fp) != 0;
    f->fp = NULL;
    if (through) {
        if (bad) return ps_error_set(err, "%s: cannot write file: %s", f->path, strerror(saved));
        return PS_OK;
    }
    if (bad || rename(f->tmp_path, f->path) != 0) {
        if (!bad) saved = errno;
        unlink(f->tmp_path);
        return ps_error_set(err, "%s: cannot write file: %s", f->path, strerror(saved));
    }
    return PS_OK;
}

void ps_atomic_abort(ps_atomic_file *f) {
    if (f->fp) {
        fclose(f->fp);
        f->fp = NULL;
        if (f->tmp_path[0]) unlink(f->tmp_path);
    }
}

int ps_atomic_write_text(const char *path, const char *text, ps_error *err) {
    if (!text) return ps_error_set(err, "%s: out of memory", path);
    ps_atomic_file f;
    if (ps_atomic_open(&f, path, err) != PS_OK) return PS_ERR;
    fputs(text, f.fp);
    return ps_atomic_commit(&f, err);
}

int ps_write_json(const char *path, const cJSON *json, ps_error *err) {
    char *text = json ? cJSON_Print(json) : NULL;
    int rc = ps_atomic_write_text(path, text, err);
    free(text);
    return rc;
}

char *ps_read_text(const char *path, ps_error *err) { return ps_read_text_max(path, PS_MAX_TEXT_FILE, err); }

char *ps_read_text_max(const char *path, size_t max, ps_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        ps_error_set(err, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t n = 0, cap = 4096;
    char *buf = malloc(cap);
    while (buf) { /* a short read is the end (or an error): no size needed up front */
        n += fread(buf + n, 1, cap - n - 1, f);
        if (n < cap - 1) break;
        if (n > max) { /* an endless input (/dev/zero) stops here */
            free(buf);
            fclose(f);
            ps_error_set(err, "%s: larger than %zu bytes", path, max);
            return NULL;
        }
        char *b = realloc(buf, cap *= 2);
        if (!b) free(buf);
        buf = b;
    }
    int bad = !buf || ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        ps_error_set(err, "%s: cannot read", path);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}
