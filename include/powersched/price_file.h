/* price_file.h - price series from files (the simulator itself reads none). */
#ifndef POWERSCHED_PRICE_FILE_H
#define POWERSCHED_PRICE_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "powersched/error.h"

/* The largest |price| accepted, EUR/MWh (exchanges clear within +-5,000). */
#define PS_MAX_PRICE 1e5
#define PS_MAX_PRICE_FILE_BYTES (INT64_C(256) << 20)

/* Reads a price CSV: optional UTF-8 BOM, a header line, then one row per hour
 * (the date is ignored). Fields are separated by ',' or, when the header has
 * one, ';' (then prices use a decimal comma); double quotes group a field.
 * The price column is the one named "price" (any case), else the only one
 * whose name contains it, else the second of two (the spec's Date,Price) or
 * the only column. Every row has the header's field count; a price is a
 * plain decimal within +-PS_MAX_PRICE (no hex, nan, inf, thousands marks).
 * Errors name file and line. On success *values is malloc'ed (caller frees)
 * and *n > 0. */
int ps_prices_load_csv(const char *path, float **values, size_t *n, ps_error *err);

#endif
