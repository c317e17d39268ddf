/* heldout.h - which price rows a model trained on, so an evaluation can say
 * whether it runs on rows the model has seen (a saving there could be
 * memorised prices). */
#ifndef POWERSCHED_HELDOUT_H
#define POWERSCHED_HELDOUT_H

#include <stddef.h>
#include <stdio.h>

#include "powersched/error.h"

/* The price file and rows recorded in a session's config.json (options.data
 * "prices" and "price-rows"); *first = *last = -1 when all rows were used,
 * prices = "" for synthetic prices. PS_ERR when the file is missing or not
 * a session config. */
int ps_trained_rows(const char *config_path, char *prices, size_t size, long long *first, long long *last,
                    ps_error *err);

/* Whether evaluation rows [a, b] (b = -1: to the end) meet training rows
 * [c, d] (c = -1: all rows). */
int ps_rows_overlap(long long a, long long b, long long c, long long d);

/* The warnings an evaluation of a session's model owes its reader, on warn:
 * evaluation rows [first, last] of prices_path ("" for synthetic) that the
 * model trained on, and inputs (now: ps_provenance_json) that differ from
 * those recorded in <session_root>/config.json. Silent when it is unreadable. */
struct cJSON;
void ps_heldout_warn(const char *session_root, const char *prices_path, long long first, long long last,
                     const struct cJSON *now, FILE *warn);

#endif
