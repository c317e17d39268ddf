/* price_file.h - price series from files (the simulator itself reads none). */
#ifndef POWERSCHED_PRICE_FILE_H
#define POWERSCHED_PRICE_FILE_H

#include <stddef.h>

#include "powersched/error.h"

/* Reads a price CSV: optional UTF-8 BOM, a header line, then one row per hour
 * whose second comma-separated field is the price (the date is ignored).
 * Rejects missing files, empty files, rows without a second field and
 * non-numeric, NaN or infinite prices, naming file and line. On success
 * *values is malloc'ed (caller frees) and *n > 0. */
int ps_prices_load_csv(const char *path, float **values, size_t *n, ps_error *err);

#endif
