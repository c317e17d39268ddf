#include "powersched/prices.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- numpy sums */

/* numpy's pairwise summation for n <= 128 (one block): below 8 values a plain
 * left-to-right loop, else eight strided partial sums combined as a tree, then
 * the remainder. Reproduced so the price means agree bit for bit. */
#define PAIRWISE_SUM(T, a, n, out)                                              \
    do {                                                                        \
        if ((n) < 8) {                                                          \
            T res_ = 0;                                                         \
            for (int i_ = 0; i_ < (n); i_++) res_ += (a)[i_];                   \
            (out) = res_;                                                       \
        } else {                                                                \
            T r_[8];                                                            \
            int i_;                                                             \
            for (int j_ = 0; j_ < 8; j_++) r_[j_] = (a)[j_];                    \
            for (i_ = 8; i_ < (n) - ((n) % 8); i_ += 8)                         \
                for (int j_ = 0; j_ < 8; j_++) r_[j_] += (a)[i_ + j_];          \
            T res_ = ((r_[0] + r_[1]) + (r_[2] + r_[3])) +                      \
                     ((r_[4] + r_[5]) + (r_[6] + r_[7]));                       \
            for (; i_ < (n); i_++) res_ += (a)[i_];                             \
            (out) = res_;                                                       \
        }                                                                       \
    } while (0)

float ps_prices_window_mean(const ps_prices *p) {
    float sum;
    PAIRWISE_SUM(float, p->window, PS_PRICE_WINDOW, sum);
    return sum / (float)PS_PRICE_WINDOW;
}

double ps_prices_history_mean(const ps_prices *p) {
    if (p->hist_len == 0) return 0.0;
    double h[PS_PRICE_WINDOW];
    for (int i = 0; i < p->hist_len; i++) h[i] = p->history[(p->hist_head + i) % PS_PRICE_WINDOW];
    double sum;
    PAIRWISE_SUM(double, h, p->hist_len, sum);
    return sum / p->hist_len;
}

double ps_prices_context(const ps_prices *p) {
    double future = (double)ps_prices_window_mean(p);
    if (p->hist_len == 0) return future;
    return (ps_prices_history_mean(p) + future) / 2;
}

/* ------------------------------------------------------------------- model */

double ps_prices_synthetic(long long t) {
    /* The prototype feeds t itself (not t mod 24) to sin; the golden S4 trace
     * agrees with this bit for bit, t mod 24 differs in the last bits. */
    double v = 20.0 * (1.0 + 0.2 * sin(2.0 * M_PI * (double)t / 24.0));
    return v > 1.0 ? v : 1.0;
}

double ps_prices_logic(long long t, double high, double low) { return ((t % 24) + 24) % 24 < 12 ? high : low; }

/* The synthetic model in force, unrounded (the window stores it as float). */
static double synth_at(const ps_prices *p, long long t) {
    return p->logic ? ps_prices_logic(t, p->logic_high, p->logic_low) : ps_prices_synthetic(t);
}

double ps_percentile_linear(const double *v, size_t n, double q) {
    if (n == 1) return v[0];
    double h = (double)(n - 1) * q / 100.0;
    size_t lo = (size_t)floor(h);
    if (lo >= n - 1) return v[n - 1];
    double t = h - (double)lo, a = v[lo], b = v[lo + 1];
    return t < 0.5 ? a + (b - a) * t : b - (b - a) * (1 - t);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double *sorted_copy(const ps_prices *p, size_t *n) {
    size_t m = p->values ? p->n : 8736; /* synthetic stats: synth(0..8735) */
    double *v = malloc(m * sizeof *v);
    if (!v) return NULL;
    for (size_t i = 0; i < m; i++)
        v[i] = p->values ? (double)p->values[i] : (double)(float)synth_at(p, (long long)i);
    qsort(v, m, sizeof *v, cmp_double);
    *n = m;
    return v;
}

int ps_prices_init(ps_prices *p, const float *values, size_t n, ps_error *err) {
    return ps_prices_init_contract(p, values, n, NULL, err);
}

int ps_prices_init_contract(ps_prices *p, const float *values, size_t n, const ps_contract *c, ps_error *err) {
    memset(p, 0, sizeof *p);
    if (c) {
        p->decision_hour = c->price_timing == PS_PRICE_TIMING_DECISION;
        p->consumed_history = c->price_history == PS_PRICE_HISTORY_CONSUMED;
        p->logic = c->synthetic_prices == PS_SYNTH_LOGIC;
        p->logic_high = c->logic_high;
        p->logic_low = c->logic_low;
    }
    if (values) {
        if (n == 0) return ps_error_set(err, "price series is empty");
        p->values = values;
        p->n = n;
        size_t m;
        double *s = sorted_copy(p, &m);
        if (!s) return ps_error_set(err, "out of memory sorting prices");
        p->min_price = ps_percentile_linear(s, m, 1);
        p->max_price = ps_percentile_linear(s, m, 99);
        free(s);
    } else {
        p->min_price = 16.0;
        p->max_price = 24.0;
    }
    ps_prices_reset(p, 0);
    return PS_OK;
}

static double price_at(const ps_prices *p, long long i) {
    if (!p->values) return (double)(float)synth_at(p, i);
    long long n = (long long)p->n;
    return (double)p->values[((i % n) + n) % n];
}

double ps_prices_sum(const ps_prices *p, int from, int hours) {
    /* window[k] is price_at(price_index - PS_PRICE_WINDOW + k), before the window too */
    long long first = p->price_index - PS_PRICE_WINDOW + from;
    double sum = 0.0;
    for (int k = 0; k < hours; k++) sum += price_at(p, first + k);
    return sum;
}

void ps_prices_reset(ps_prices *p, long long s) {
    if (p->values) s = ((s % (long long)p->n) + (long long)p->n) % (long long)p->n;
    for (int i = 0; i < PS_PRICE_WINDOW; i++) p->window[i] = (float)price_at(p, s + i);
    p->price_index = s + PS_PRICE_WINDOW;
    if (p->values) p->price_index %= (long long)p->n;
    p->hist_len = p->hist_head = 0;
}

static void history_push(ps_prices *p, double v) {
    if (p->hist_len < PS_PRICE_WINDOW) {
        p->history[(p->hist_head + p->hist_len) % PS_PRICE_WINDOW] = v;
        p->hist_len++;
    } else {
        p->history[p->hist_head] = v;
        p->hist_head = (p->hist_head + 1) % PS_PRICE_WINDOW;
    }
}

double ps_prices_advance(ps_prices *p) {
    double billed = (double)p->window[0]; /* decision-hour timing: billed before this advance */
    double next = p->values ? (double)p->values[p->price_index % (long long)p->n] : synth_at(p, p->price_index);
    p->price_index++;
    memmove(p->window, p->window + 1, (PS_PRICE_WINDOW - 1) * sizeof p->window[0]);
    p->window[PS_PRICE_WINDOW - 1] = (float)next;
    if (!p->decision_hour) billed = (double)p->window[0];
    /* The quirk of spec 7.4: by default the history receives the value
     * appended at the END of the window, not the consumed price. */
    history_push(p, p->consumed_history ? billed : next);
    return (double)p->window[0];
}

void ps_prices_stats(const ps_prices *p, ps_price_stats *o) {
    size_t n;
    double *s = sorted_copy(p, &n);
    memset(o, 0, sizeof *o);
    if (!s) return;
    double sum = 0, sq = 0;
    for (size_t i = 0; i < n; i++) sum += s[i];
    o->mean = sum / (double)n;
    for (size_t i = 0; i < n; i++) sq += (s[i] - o->mean) * (s[i] - o->mean);
    o->std = sqrt(sq / (double)n);
    o->min = s[0];
    o->max = s[n - 1];
    o->median = ps_percentile_linear(s, n, 50);
    o->p1 = ps_percentile_linear(s, n, 1);
    o->p99 = ps_percentile_linear(s, n, 99);
    free(s);
}
