/* price_rows.h - price rows as read from any format (CSV, Energy-Charts
 * JSON), before they become the hourly series: with times, rows are placed
 * by hour, sub-hourly rows averaged, gaps and duplicates reported. Private
 * to the price readers. */
#ifndef POWERSCHED_PRICE_ROWS_H
#define POWERSCHED_PRICE_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "powersched/error.h"
#include "powersched/price_file.h"

typedef struct ps_price_rows {
    int64_t *t;  /* seconds since the epoch (UTC when the file gave an offset) */
    float *v;    /* the price; NAN for a row without one (a gap) */
    long *where; /* the row's line (CSV) or index (JSON), for messages */
    size_t n, cap;
} ps_price_rows;

int ps_price_rows_push(ps_price_rows *r, int64_t t, float v, long where);
void ps_price_rows_free(ps_price_rows *r);

/* The hourly series of timed rows: hour h holds the mean of the rows whose
 * time falls in it. Times must not go backwards; a repeated time or an hour
 * without a price is an error unless o->fill_gaps (then the first row of a
 * repeated time counts and an empty hour takes the previous hour's price). */
int ps_price_rows_hourly(const ps_price_rows *r, const char *path, const char *unit, const ps_price_options *o,
                         float **values, size_t *n, ps_price_report *rep, ps_error *err);

/* The Energy-Charts JSON reader (price_json.c). */
int ps_prices_load_json(const char *path, const ps_price_options *o, float **values, size_t *n, ps_price_report *rep,
                        ps_error *err);

#endif
