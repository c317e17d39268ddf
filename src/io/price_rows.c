/* price_rows.c - timed price rows to the hourly series (price_rows.h). */
#include "price_rows.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "powersched/civil_time.h"

/* Hours a series may span (over a century). */
#define MAX_HOURS 1000000

int ps_price_rows_push(ps_price_rows *r, int64_t t, float v, long where) {
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 1024;
        int64_t *nt = realloc(r->t, cap * sizeof *nt);
        if (nt) r->t = nt;
        float *nv = realloc(r->v, cap * sizeof *nv);
        if (nv) r->v = nv;
        long *nw = realloc(r->where, cap * sizeof *nw);
        if (nw) r->where = nw;
        if (!nt || !nv || !nw) return -1;
        r->cap = cap;
    }
    r->t[r->n] = t, r->v[r->n] = v, r->where[r->n] = where;
    r->n++;
    return 0;
}

void ps_price_rows_free(ps_price_rows *r) {
    free(r->t);
    free(r->v);
    free(r->where);
    memset(r, 0, sizeof *r);
}

/* n digits at *s (advanced); -1 if not all digits. */
static int num(const char **s, int n) {
    int v = 0;
    for (int i = 0; i < n; i++, (*s)++) {
        if (!isdigit((unsigned char)**s)) return -1;
        v = v * 10 + (**s - '0');
    }
    return v;
}

/* HH:MM[:SS[.frac]] */
static int clock_time(const char **s, int *h, int *mi, int *se) {
    *se = 0;
    if ((*h = num(s, 2)) < 0 || *(*s)++ != ':' || (*mi = num(s, 2)) < 0) return -1;
    if (**s == ':') {
        (*s)++;
        if ((*se = num(s, 2)) < 0) return -1;
        if (**s == '.')
            for ((*s)++; isdigit((unsigned char)**s);) (*s)++;
    }
    return 0;
}

/* Z, +-HH, +-HHMM, +-HH:MM as seconds east of UTC; 0 when absent. */
static int offset(const char **s, int *east) {
    *east = 0;
    if (**s == 'Z') return (*s)++, 0;
    if (**s != '+' && **s != '-') return 0;
    int sign = *(*s)++ == '-' ? -1 : 1, oh = num(s, 2), om = 0;
    if (oh < 0 || oh > 18) return -1;
    if (**s == ':') (*s)++;
    if (isdigit((unsigned char)**s) && (om = num(s, 2)) < 0) return -1;
    *east = sign * (oh * 3600 + om * 60);
    return 0;
}

int ps_price_parse_time(const char *s, int64_t *t) {
    int y, mo, d, h, mi, se, east = 0;
    const char *p = s;
    if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) && (p[2] == '.' || p[2] == '/')) {
        char sep = p[2]; /* ENTSO-E: DD.MM.YYYY or DD/MM/YYYY, then the interval's end */
        if ((d = num(&p, 2)) < 0 || *p++ != sep || (mo = num(&p, 2)) < 0 || *p++ != sep || (y = num(&p, 4)) < 0 ||
            *p++ != ' ' || clock_time(&p, &h, &mi, &se) != 0)
            return -1;
        if (*p && strncmp(p, " - ", 3) != 0) return -1;
    } else {
        if ((y = num(&p, 4)) < 0 || *p++ != '-' || (mo = num(&p, 2)) < 0 || *p++ != '-' || (d = num(&p, 2)) < 0 ||
            (*p != 'T' && *p != ' ') || (p++, clock_time(&p, &h, &mi, &se)) != 0 || offset(&p, &east) != 0 || *p)
            return -1;
    }
    if (ps_civil_seconds(y, mo, d, h, mi, se, t) != 0) return -1;
    *t -= east;
    return 0;
}

static int64_t hour_of(int64_t t) { return t >= 0 ? t / 3600 : -((-t + 3599) / 3600); }

static void hour_text(int64_t hour, char *buf, size_t size) {
    time_t t = (time_t)(hour * 3600);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%d %H:00", &tm);
}

/* "file:12" for a CSV line, "file: entry 12" for a JSON entry. */
static const char *loc(char *buf, size_t size, const char *path, const char *unit, long where) {
    if (!strcmp(unit, "line")) snprintf(buf, size, "%s:%ld", path, where);
    else snprintf(buf, size, "%s: %s %ld", path, unit, where);
    return buf;
}

/* Order and duplicates; fills rep->duplicates. */
static int check_order(const ps_price_rows *r, const char *path, const char *unit, int fill, ps_price_report *rep,
                       ps_error *err) {
    char at[4200];
    for (size_t i = 1; i < r->n; i++) {
        if (r->t[i] < r->t[i - 1])
            return ps_error_set(err, "%s: time goes backwards (before %s %ld's)", loc(at, sizeof at, path, unit, r->where[i]),
                                unit, r->where[i - 1]);
        if (r->t[i] == r->t[i - 1] && !fill)
            return ps_error_set(err, "%s: the same time as %s %ld (a duplicate hour? --price-gaps fill keeps the first)",
                                loc(at, sizeof at, path, unit, r->where[i]), unit, r->where[i - 1]);
        rep->duplicates += r->t[i] == r->t[i - 1];
    }
    return PS_OK;
}

/* Sums and counts per hour from h0; a repeated time counts once. */
static void bucket(const ps_price_rows *r, int64_t h0, double *sum, int *cnt) {
    for (size_t i = 0; i < r->n; i++) {
        if (isnan(r->v[i]) || (i > 0 && r->t[i] == r->t[i - 1])) continue;
        size_t k = (size_t)(hour_of(r->t[i]) - h0);
        sum[k] += r->v[i];
        cnt[k]++;
    }
}

/* The first row at or after hour h (for messages). */
static long row_at(const ps_price_rows *r, int64_t h) {
    size_t i = 0;
    while (i + 1 < r->n && hour_of(r->t[i]) < h) i++;
    return r->where[i];
}

static int fill_hours(const ps_price_rows *r, const double *sum, const int *cnt, size_t nh, int64_t h0, const char *path,
                      const char *unit, int fill, float *out, ps_price_report *rep, ps_error *err) {
    for (size_t k = 0; k < nh; k++) {
        if (cnt[k] > rep->rows_per_hour) rep->rows_per_hour = cnt[k];
        if (cnt[k]) {
            out[k] = (float)(sum[k] / cnt[k]);
            continue;
        }
        if (!fill || k == 0) {
            size_t empty = 0; /* only on the way out: counted per empty hour it made fill quadratic */
            for (size_t j = k; j < nh && !cnt[j]; j++) empty++;
            char when[32], at[4200];
            hour_text(h0 + (int64_t)k, when, sizeof when);
            return ps_error_set(err, "%s: no price for the hour of %s UTC%s (%zu hour%s missing there)%s",
                                loc(at, sizeof at, path, unit, row_at(r, h0 + (int64_t)k)), when,
                                k == 0 ? ", the first" : "", empty, empty == 1 ? "" : "s",
                                k == 0 ? "" : "; --price-gaps fill carries the last price forward");
        }
        out[k] = out[k - 1];
        rep->filled++;
    }
    return PS_OK;
}

/* As many rows as hours spanned, none missing a price: the rows are the
 * hours in order (the spec's reading), even where a time is off (the public
 * 2023 file has one row with a wrong offset); such steps are counted. */
static int one_per_hour(const ps_price_rows *r, int64_t span, float **values, size_t *n, ps_price_report *rep) {
    if ((int64_t)r->n != span) return 0;
    for (size_t i = 0; i < r->n; i++)
        if (isnan(r->v[i])) return 0;
    for (size_t i = 1; i < r->n; i++)
        if (r->t[i] - r->t[i - 1] != 3600 && !rep->irregular++) rep->first_irregular = r->where[i];
    if (!(*values = malloc(r->n * sizeof **values))) return -1;
    memcpy(*values, r->v, r->n * sizeof **values);
    *n = r->n;
    rep->timed = 1;
    return 1;
}

int ps_price_rows_hourly(const ps_price_rows *r, const char *path, const char *unit, const ps_price_options *o,
                         float **values, size_t *n, ps_price_report *rep, ps_error *err) {
    if (r->n == 0) return ps_error_set(err, "%s: no price rows", path);
    int64_t h0 = hour_of(r->t[0]), span = hour_of(r->t[r->n - 1]) - h0 + 1;
    int in_order = span > 0 ? one_per_hour(r, span, values, n, rep) : 0;
    if (in_order) return in_order > 0 ? PS_OK : ps_error_set(err, "%s: out of memory", path);
    if (check_order(r, path, unit, o->fill_gaps, rep, err) != PS_OK) return PS_ERR;
    if (span > MAX_HOURS) return ps_error_set(err, "%s: the rows span %lld hours (at most %d)", path, (long long)span, MAX_HOURS);
    size_t nh = (size_t)span;
    double *sum = calloc(nh, sizeof *sum);
    int *cnt = calloc(nh, sizeof *cnt);
    float *out = malloc(nh * sizeof *out);
    int rc = sum && cnt && out ? PS_OK : ps_error_set(err, "%s: out of memory", path);
    if (rc == PS_OK) {
        bucket(r, h0, sum, cnt);
        rc = fill_hours(r, sum, cnt, nh, h0, path, unit, o->fill_gaps, out, rep, err);
    }
    free(sum);
    free(cnt);
    if (rc != PS_OK) {
        free(out);
        return rc;
    }
    rep->timed = 1;
    *values = out;
    *n = nh;
    return PS_OK;
}
