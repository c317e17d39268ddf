/* plot.h - gnuplot at run time: the project writes a script and its data
 * files into a folder, then renders them when gnuplot is installed. Without
 * gnuplot the script and data stay, and `cd DIR && gnuplot SCRIPT` renders
 * them later. */
#ifndef POWERSCHED_PLOT_H
#define POWERSCHED_PLOT_H

#include <stddef.h>

#include "powersched/error.h"

/* 1 when a `gnuplot` executable is on PATH. */
int ps_gnuplot_available(void);

/* Runs `gnuplot script` inside dir (script and data paths relative to dir).
 * PS_ERR when gnuplot is missing, cannot start, or fails (its stderr is left
 * on ours). */
int ps_gnuplot_render(const char *dir, const char *script, ps_error *err);

/* text as a gnuplot single-quoted string ('...' with ' doubled and control
 * characters dropped), so a title holding user text cannot break the script
 * or run anything: gnuplot expands `backquotes` in double-quoted strings
 * only. Cut to fit size. */
void ps_gnuplot_string(const char *text, char *buf, size_t size);

/* mkdir -p. */
int ps_mkdirs(const char *path, ps_error *err);

#endif
