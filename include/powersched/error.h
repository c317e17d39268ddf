/* error.h - error reporting for library code.
 *
 * Library functions never print and never exit: they return PS_ERR (-1) and
 * fill a caller-owned ps_error with one line saying where (file, line, flag)
 * and what was expected/found. The CLI prints it. */
#ifndef POWERSCHED_ERROR_H
#define POWERSCHED_ERROR_H

#define PS_OK 0
#define PS_ERR (-1)

typedef struct ps_error {
    char msg[512];
} ps_error;

/* Formats the message into err (if err is non-NULL) and returns PS_ERR. */
int ps_error_set(ps_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
