/* text_lines.c - bounded line reading (text_lines.h). */
#include "powersched/text_lines.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int ps_lines_open(ps_lines *r, const char *path, const char *what, int64_t max_bytes, ps_error *err) {
    memset(r, 0, sizeof *r);
    r->path = path;
    r->max_bytes = max_bytes;
    r->fp = fopen(path, "rb");
    if (!r->fp) return ps_error_set(err, "%s: cannot open %s: %s", path, what, strerror(errno));
    return PS_OK;
}

static int put(ps_lines *r, char c, ps_error *err) {
    if (r->len > PS_MAX_LINE) return ps_error_set(err, "%s:%ld: line longer than %d bytes", r->path, r->line, PS_MAX_LINE);
    if (r->len + 1 >= r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 256;
        char *t = realloc(r->text, cap);
        if (!t) return ps_error_set(err, "%s: out of memory", r->path);
        r->text = t;
        r->cap = cap;
    }
    r->text[r->len++] = c;
    return PS_OK;
}

int ps_lines_next(ps_lines *r, ps_error *err) {
    r->len = 0;
    r->line++;
    int c;
    while ((c = getc_unlocked(r->fp)) != EOF && c != '\n') {
        if (++r->bytes > r->max_bytes)
            return ps_error_set(err, "%s:%ld: file larger than %lld bytes", r->path, r->line, (long long)r->max_bytes);
        if (c == '\0') return ps_error_set(err, "%s:%ld: a NUL byte: not a text file", r->path, r->line);
        if (put(r, (char)c, err) != PS_OK) return -1;
    }
    r->bytes += c == '\n';
    if (ferror(r->fp)) return ps_error_set(err, "%s:%ld: read error", r->path, r->line);
    if (c == EOF && r->len == 0) return 0;
    if (put(r, '\0', err) != PS_OK) return -1;
    r->len--;
    if (r->len && r->text[r->len - 1] == '\r') r->text[--r->len] = '\0';
    if (r->line == 1 && !strncmp(r->text, "\xEF\xBB\xBF", 3)) { /* the BOM of a spreadsheet export */
        memmove(r->text, r->text + 3, r->len - 2);
        r->len -= 3;
    }
    return 1;
}

void ps_lines_close(ps_lines *r) {
    if (r->fp) fclose(r->fp);
    free(r->text);
    memset(r, 0, sizeof *r);
}
