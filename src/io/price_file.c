/* price_file.c - reading hourly price series from CSV files (and routing
 * Energy-Charts JSON to its reader). */
#include "powersched/price_file.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "powersched/text_lines.h"
#include "price_rows.h"

#define MAX_COLUMNS 64

/* Splits row in place on sep outside double quotes; quotes and surrounding
 * blanks are removed from each field. Returns the field count, -1 past max. */
static int split_fields(char *row, char sep, char **f, int max) {
    int n = 0;
    char *w = row;
    for (char *r = row;;) {
        if (n == max) return -1;
        while (*r == ' ' || *r == '\t') r++;
        f[n++] = w;
        int quoted = 0;
        for (; *r && (quoted || *r != sep); r++)
            if (*r == '"') quoted = !quoted;
            else *w++ = *r;
        char *end = w;
        while (end > f[n - 1] && (end[-1] == ' ' || end[-1] == '\t')) end--;
        int more = *r == sep;
        *end = '\0';
        w = end + 1;
        if (!more) break;
        r++;
    }
    return n;
}

/* A plain decimal: [+-]digits[.digits][e[+-]digits], with ',' as the
 * decimal mark when decimal_comma. No hex, inf, nan or thousands marks. */
static int parse_decimal(const char *s, int decimal_comma, double *out) {
    char buf[64];
    size_t i = 0, digits = 0;
    const char *p = s;
    if (*p == '+' || *p == '-') buf[i++] = *p++;
    for (; isdigit((unsigned char)*p) && i < 40; p++, digits++) buf[i++] = *p;
    if (*p == (decimal_comma ? ',' : '.')) {
        buf[i++] = '.';
        for (p++; isdigit((unsigned char)*p) && i < 60; p++, digits++) buf[i++] = *p;
    }
    if (digits && (*p == 'e' || *p == 'E')) {
        buf[i++] = *p++;
        if (*p == '+' || *p == '-') buf[i++] = *p++;
        if (!isdigit((unsigned char)*p)) return -1;
        for (; isdigit((unsigned char)*p) && i < 63; p++) buf[i++] = *p;
    }
    if (!digits || *p != '\0') return -1;
    buf[i] = '\0';
    *out = strtod(buf, NULL);
    return 0;
}

typedef struct price_layout {
    char sep;
    int n_fields, column, time_column; /* time_column -1: none */
} price_layout;

static int has_word(const char *name, const char *word) {
    for (size_t n = strlen(word); *name; name++)
        if (!strncasecmp(name, word, n)) return 1;
    return 0;
}

/* The price column (see price_file.h); -1 when none or ambiguous. */
static int find_column(char **f, int n, const char *wanted) {
    if (wanted && *wanted) {
        for (int i = 0; i < n; i++)
            if (!strcasecmp(f[i], wanted)) return i;
        return -1;
    }
    int contains = -1, count = 0, day_ahead = -1;
    for (int i = 0; i < n; i++) {
        if (!strcasecmp(f[i], "price")) return i;
        if (!has_word(f[i], "price")) continue;
        contains = i, count++;
        if (has_word(f[i], "day-ahead") || has_word(f[i], "day ahead")) day_ahead = i;
    }
    if (count == 1) return contains;
    if (count > 1) return day_ahead;
    return n == 2 ? 1 : n == 1 ? 0 : -1;
}

static int parse_header(const char *path, char *row, const ps_price_options *o, price_layout *lay, ps_error *err) {
    char *f[MAX_COLUMNS];
    lay->sep = strchr(row, ';') ? ';' : ',';
    lay->n_fields = split_fields(row, lay->sep, f, MAX_COLUMNS);
    if (lay->n_fields < 0) return ps_error_set(err, "%s:1: more than %d columns", path, MAX_COLUMNS);
    double probe;
    for (int i = 0; i < lay->n_fields; i++)
        if (parse_decimal(f[i], lay->sep == ';', &probe) == 0)
            return ps_error_set(err, "%s:1: expected a header line such as 'Date,Price', found a data row", path);
    if ((lay->column = find_column(f, lay->n_fields, o->column)) < 0) {
        if (o->column && *o->column)
            return ps_error_set(err, "%s:1: no column named '%s' (--price-column)", path, o->column);
        return ps_error_set(err, "%s:1: which column is the price? Name it with --price-column (%d columns, none "
                            "or several named 'price')", path, lay->n_fields);
    }
    lay->time_column = lay->n_fields < 2 ? -1 : lay->column == 0 ? 1 : 0;
    return PS_OK;
}

/* One data row: the price (NAN when empty or ENTSO-E's "n/e") and, when the
 * layout has a time column, *timed = 1 and *t if that field is a time. */
static int parse_price_row(const char *path, long line, char *row, const price_layout *lay, float *out, int64_t *t,
                           int *timed, ps_error *err) {
    char *f[MAX_COLUMNS];
    int n = split_fields(row, lay->sep, f, MAX_COLUMNS);
    if (n != lay->n_fields)
        return ps_error_set(err, "%s:%ld: expected %d '%c'-separated fields as in the header, found %d", path, line,
                            lay->n_fields, lay->sep, n < 0 ? MAX_COLUMNS + 1 : n);
    *timed = lay->time_column >= 0 && ps_price_parse_time(f[lay->time_column], t) == 0;
    const char *field = f[lay->column];
    if (!*field || !strcasecmp(field, "n/e")) {
        *out = NAN;
        return PS_OK;
    }
    /* a decimal comma: the separator is ';', or the field was quoted */
    int comma = lay->sep == ';' || (strchr(field, ',') && !strchr(field, '.'));
    double v;
    if (parse_decimal(field, comma, &v) != 0)
        return ps_error_set(err, "%s:%ld: price '%s' is not a number", path, line, field);
    if (!isfinite(v) || fabs(v) > PS_MAX_PRICE)
        return ps_error_set(err, "%s:%ld: price '%s' is not finite or beyond +-%g EUR/MWh", path, line, field,
                            PS_MAX_PRICE);
    *out = (float)v;
    return PS_OK;
}

/* Reads the rows; *timed says whether they carry times (decided by the first). */
static int read_csv_rows(ps_lines *in, const ps_price_options *o, ps_price_rows *rows, int *timed, ps_error *err) {
    price_layout lay = {0};
    int rc = PS_OK, got, row_timed = 0;
    float v = 0;
    int64_t t = 0;
    while (rc == PS_OK && (got = ps_lines_next(in, err)) == 1) {
        if (in->line == 1) {
            rc = parse_header(in->path, in->text, o, &lay, err);
            continue;
        }
        if (in->len == 0) continue; /* blank lines, e.g. at the end */
        if ((rc = parse_price_row(in->path, in->line, in->text, &lay, &v, &t, &row_timed, err)) != PS_OK) break;
        if (rows->n == 0) *timed = row_timed;
        if (*timed && !row_timed)
            rc = ps_error_set(err, "%s:%ld: no time like the first row's (2023-01-01T00:00+01:00)", in->path, in->line);
        else if (!*timed && isnan(v))
            rc = ps_error_set(err, "%s:%ld: price '' is not a number", in->path, in->line);
        else if (ps_price_rows_push(rows, t, v, in->line) != 0)
            rc = ps_error_set(err, "%s: out of memory", in->path);
    }
    return got < 0 ? PS_ERR : rc;
}

static int load_csv(const char *path, const ps_price_options *o, float **values, size_t *n, ps_price_report *rep,
                    ps_error *err) {
    ps_lines in;
    if (ps_lines_open(&in, path, "price file", PS_MAX_PRICE_FILE_BYTES, err) != PS_OK) return PS_ERR;
    ps_price_rows rows = {0};
    int timed = 0, rc = read_csv_rows(&in, o, &rows, &timed, err);
    ps_lines_close(&in);
    rep->rows = rows.n;
    if (rc == PS_OK && rows.n == 0)
        rc = ps_error_set(err, "%s: no price rows (expected a header line, then 'date,price' rows)", path);
    if (rc == PS_OK && timed) rc = ps_price_rows_hourly(&rows, path, "line", o, values, n, rep, err);
    else if (rc == PS_OK) { /* in order, one per hour: the vector is the series */
        *values = rows.v;
        *n = rows.n;
        rows.v = NULL;
    }
    ps_price_rows_free(&rows);
    return rc;
}

/* '{' as the first byte after blanks: Energy-Charts JSON. */
static int looks_like_json(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    int c;
    while ((c = getc(f)) == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    fclose(f);
    return c == '{';
}

int ps_prices_load(const char *path, const ps_price_options *o, float **values, size_t *n, ps_price_report *rep,
                   ps_error *err) {
    ps_price_report local;
    rep = rep ? rep : &local;
    memset(rep, 0, sizeof *rep);
    rep->rows_per_hour = 1;
    static const ps_price_options none = {NULL, 0};
    o = o ? o : &none;
    return looks_like_json(path) ? ps_prices_load_json(path, o, values, n, rep, err)
                                 : load_csv(path, o, values, n, rep, err);
}

int ps_prices_load_csv(const char *path, float **values, size_t *n, ps_error *err) {
    return ps_prices_load(path, NULL, values, n, NULL, err);
}
