/* text_lines.h - reading a text input line by line with limits, for every
 * reader of user files (prices, job logs, durations, actions): a line longer
 * than PS_MAX_LINE, a file past the reader's size limit or a NUL byte (binary
 * data, /dev/zero) is an error naming file and line, so no input can make a
 * reader loop or grow without end. A UTF-8 byte order mark at the start and
 * the line ends (\n, \r\n) are removed. */
#ifndef POWERSCHED_TEXT_LINES_H
#define POWERSCHED_TEXT_LINES_H

#include <stdint.h>
#include <stdio.h>

#include "powersched/error.h"

#define PS_MAX_LINE 65536

typedef struct ps_lines {
    FILE *fp;
    const char *path; /* borrowed, for messages */
    char *text;       /* the current line, NUL-terminated, without its end */
    size_t len, cap;
    long line;        /* 1-based number of the current line */
    int64_t bytes, max_bytes;
} ps_lines;

/* what names the file in the open error ("price file", "job log"). */
int ps_lines_open(ps_lines *r, const char *path, const char *what, int64_t max_bytes, ps_error *err);
/* 1: r->text holds the next line; 0: end of file; PS_ERR (-1): error in err. */
int ps_lines_next(ps_lines *r, ps_error *err);
void ps_lines_close(ps_lines *r);

#endif
