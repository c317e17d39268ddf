/* price_file.h - price series from files (the simulator itself reads none). */
#ifndef POWERSCHED_PRICE_FILE_H
#define POWERSCHED_PRICE_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "powersched/error.h"

/* The largest |price| accepted, EUR/MWh (exchanges clear within +-5,000). */
#define PS_MAX_PRICE 1e5
#define PS_MAX_PRICE_FILE_BYTES (INT64_C(256) << 20)

typedef struct ps_price_options {
    const char *column; /* --price-column: the price column's header name ("" or NULL: found) */
    int fill_gaps;      /* --price-gaps fill: carry the last price into empty hours */
} ps_price_options;

/* What reading did, for the start-up lines. */
typedef struct ps_price_report {
    size_t rows;       /* data rows read */
    int timed;         /* 1: rows were placed by their times */
    int rows_per_hour; /* > 1: sub-hourly rows were averaged */
    size_t filled;     /* empty hours given the previous price */
    size_t duplicates; /* rows at an already seen time, left out */
    size_t irregular;  /* one row per hour, but this many steps not of 1 h */
    long first_irregular; /* the line (or entry) of the first such step */
} ps_price_report;

/* Reads a price file into an hourly series.
 *
 * Energy-Charts JSON (the file starts with '{'): "unix_seconds" and "price"
 * arrays of equal length; null prices are missing hours.
 *
 * CSV: optional UTF-8 BOM, a header line, then data rows. Fields are
 * separated by ',' or, when the header has one, ';' (then prices use a
 * decimal comma); double quotes group a field. The price column is
 * o->column, else the one named "price" (any case), else the only one whose
 * name contains "price" (preferring "day-ahead"), else the second of two
 * (the spec's Date,Price) or the only column. Every row has the header's
 * field count; a price is a plain decimal within +-PS_MAX_PRICE (no hex,
 * nan, inf, thousands marks).
 *
 * When the first row's other (first) column is a time (ISO 8601 with or
 * without offset, or ENTSO-E's "01.01.2023 00:00 - ..."), every row must
 * have one. Rows that are exactly one per hour spanned (all priced) are the
 * hours in order, as the spec reads them; steps other than one hour are only
 * counted (rep->irregular). Otherwise rows are placed by hour: sub-hourly
 * rows are averaged, an empty or "n/e" price is a missing row; gaps and
 * repeated times are errors unless o->fill_gaps. Without times rows are taken
 * in order as hours (the spec's reading: the date is ignored).
 *
 * Errors name file and line. On success *values is malloc'ed (caller frees),
 * *n > 0 and rep (may be NULL) says what was done. */
int ps_prices_load(const char *path, const ps_price_options *o, float **values, size_t *n, ps_price_report *rep,
                   ps_error *err);
/* A time as written by price exports: ISO 8601 (2023-01-01T00:00+01:00,
 * 2023-01-01 00:00, Z or +-HH[:]MM offsets, seconds and fractions) or the
 * ENTSO-E MTU forms (01.01.2023 00:00 - 01.01.2023 01:00, 01/01/2025
 * 00:00:00 - ...; the interval's start counts). 0 on success, else -1. */
int ps_price_parse_time(const char *s, int64_t *t);

/* ps_prices_load with no options. */
int ps_prices_load_csv(const char *path, float **values, size_t *n, ps_error *err);

#endif
