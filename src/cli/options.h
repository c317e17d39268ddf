/* options.h - one table of options drives parsing and help (curl's
 * tool_getparam style). Defaults shown in --help are the targets' values
 * before parsing, so help cannot drift from the code. */
#ifndef POWERSCHED_CLI_OPTIONS_H
#define POWERSCHED_CLI_OPTIONS_H

#include <stdint.h>
#include <stdio.h>

#include "powersched/error.h"

typedef enum ps_opt_kind { OPT_FLAG, OPT_INT, OPT_I64, OPT_U64, OPT_DOUBLE, OPT_STRING } ps_opt_kind;

typedef struct ps_option {
    const char *name;    /* "--prices" */
    ps_opt_kind kind;
    void *target;        /* int*, int64_t*, uint64_t*, double*, const char** */
    const char *metavar; /* "FILE" */
    const char *help;    /* one line */
    double min, max;     /* accepted range for numbers when min < max */
} ps_option;

/* Parses argv[0..argc) against the table; every argument must be an option.
 * "--help"/"-h" sets *help. Errors name the flag and the bad value. */
int ps_options_parse(const ps_option *opts, int n, int argc, char **argv, int *help, ps_error *err);
void ps_options_print(FILE *fp, const ps_option *opts, int n);

/* A command's argument handling: parses argv against the table; with --help
 * prints `usage` and the options. Returns -1 when the command should go on,
 * else its exit status (0 after help, 2 after a usage error, reported on
 * stderr as "powersched <cmd>: ..."). */
int ps_cli_parse(const char *cmd, const char *usage, const ps_option *opts, int n, int argc, char **argv);

#define PS_COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

#endif
