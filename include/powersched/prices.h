/* prices.h - electricity prices (spec 7): the 24-hour window, billing timing,
 * the window-END history quirk, percentile bounds, synthetic model. Reading
 * files is src/io's (price_file.h). */
#ifndef POWERSCHED_PRICES_H
#define POWERSCHED_PRICES_H

#include <stddef.h>

#include "powersched/config.h"
#include "powersched/error.h"

typedef struct ps_prices {
    const float *values;  /* the external series, borrowed; NULL = synthetic */
    size_t n;
    float window[PS_PRICE_WINDOW];      /* element 0 = price billed this step */
    double history[PS_PRICE_WINDOW];    /* ring: values appended at the window END */
    int hist_len, hist_head;            /* hist_head = index of the oldest entry */
    long long price_index;              /* next unseen price */
    double min_price, max_price;        /* 1st / 99th percentile (16 / 24 synthetic) */
    /* newer-contract switches (config.h ps_contract), 0 = the reference */
    int decision_hour;                  /* the env bills window[0] before advancing */
    int consumed_history;               /* history receives the billed price */
    int logic;                          /* synthetic model: the logic price */
    double logic_high, logic_low;
} ps_prices;

/* Builds from an external series (borrowed: it must outlive p; n > 0) or,
 * with values == NULL, the synthetic model. Ends with ps_prices_reset(p, 0).
 * Holds no memory of its own. Returns PS_OK/PS_ERR. */
int ps_prices_init(ps_prices *p, const float *values, size_t n, ps_error *err);
/* The same with the price items of the newer contract (c may be NULL: the
 * reference). The logic price keeps MIN/MAX at 16/24 like the prototype. */
int ps_prices_init_contract(ps_prices *p, const float *values, size_t n, const ps_contract *c, ps_error *err);

/* Window = prices[s .. s+23] (mod n for external), history cleared. */
void ps_prices_reset(ps_prices *p, long long start);
/* One step's advance (spec 7.3); returns the new window[0], the billed price
 * under the reference timing. With decision-hour timing the env bills
 * window[0] before calling this at the end of the step. The history receives
 * the value entering the window (reference quirk) or, with consumed_history,
 * the price billed in the step (old window[0] with decision-hour timing, new
 * window[0] otherwise). */
double ps_prices_advance(ps_prices *p);

/* Sum of the prices of `hours` consecutive hours from window[from] on;
 * from < 0 reaches back before the window, and the series continues past
 * it (wrapping), or the synthetic model does. */
double ps_prices_sum(const ps_prices *p, int from, int hours);
/* numpy float32 mean of the window (pairwise float32 sum / 24). */
float ps_prices_window_mean(const ps_prices *p);
/* Double mean of the history deque (numpy pairwise order); 0 if empty. */
double ps_prices_history_mean(const ps_prices *p);
/* The reward's context price: (history mean + window mean)/2, or the window
 * mean alone while the history is empty (spec 5.3c, 7.4). */
double ps_prices_context(const ps_prices *p);

/* synth(t) = max(1, 20*(1 + 0.2*sin(2*pi*t/24))) (spec 7.5: a period of 24 h). */
double ps_prices_synthetic(long long t);
/* The logic price: high if (t mod 24) < 12 else low (spec 7 delta). */
double ps_prices_logic(long long t, double high, double low);

/* numpy "linear" percentile of a sorted array (q in 0..100). */
double ps_percentile_linear(const double *sorted, size_t n, double q);

/* Summary of a series (printed at start-up like the prototype's price stats). */
typedef struct ps_price_stats {
    double min, max, mean, median, std, p1, p99;
} ps_price_stats;
void ps_prices_stats(const ps_prices *p, ps_price_stats *out);

#endif
