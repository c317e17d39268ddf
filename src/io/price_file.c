/* price_file.c - reading hourly price series from CSV files. */
#include "powersched/price_file.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "powersched/text_lines.h"

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
    int n_fields, column;
} price_layout;

/* The price column: the one named "price" (any case); else the one whose
 * name contains "price"; else, with two columns, the second (spec 10: date,
 * then price); a single column is the price. */
static int has_price(const char *name) {
    for (; *name; name++)
        if (!strncasecmp(name, "price", 5)) return 1;
    return 0;
}

static int find_column(char **f, int n) {
    int contains = -1, count = 0;
    for (int i = 0; i < n; i++) {
        if (!strcasecmp(f[i], "price")) return i;
        if (has_price(f[i])) contains = i, count++;
    }
    if (count == 1) return contains;
    return n == 2 ? 1 : n == 1 ? 0 : -1;
}

static int parse_header(const char *path, char *row, price_layout *lay, ps_error *err) {
    char *f[MAX_COLUMNS];
    lay->sep = strchr(row, ';') ? ';' : ',';
    lay->n_fields = split_fields(row, lay->sep, f, MAX_COLUMNS);
    if (lay->n_fields < 0) return ps_error_set(err, "%s:1: more than %d columns", path, MAX_COLUMNS);
    double probe;
    for (int i = 0; i < lay->n_fields; i++)
        if (parse_decimal(f[i], lay->sep == ';', &probe) == 0)
            return ps_error_set(err, "%s:1: expected a header line such as 'Date,Price', found a data row", path);
    if ((lay->column = find_column(f, lay->n_fields)) < 0)
        return ps_error_set(err, "%s:1: which column is the price? None of the %d is named 'price'", path,
                            lay->n_fields);
    return PS_OK;
}

static int parse_price_row(const char *path, long line, char *row, const price_layout *lay, float *out,
                           ps_error *err) {
    char *f[MAX_COLUMNS];
    int n = split_fields(row, lay->sep, f, MAX_COLUMNS);
    if (n != lay->n_fields)
        return ps_error_set(err, "%s:%ld: expected %d '%c'-separated fields as in the header, found %d", path, line,
                            lay->n_fields, lay->sep, n < 0 ? MAX_COLUMNS + 1 : n);
    const char *field = f[lay->column];
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

static int push_price(float **v, size_t *n, size_t *cap, float x) {
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 1024;
        float *nv = realloc(*v, nc * sizeof *nv);
        if (!nv) return -1;
        *v = nv;
        *cap = nc;
    }
    (*v)[(*n)++] = x;
    return 0;
}

int ps_prices_load_csv(const char *path, float **values, size_t *n, ps_error *err) {
    ps_lines in;
    if (ps_lines_open(&in, path, "price file", PS_MAX_PRICE_FILE_BYTES, err) != PS_OK) return PS_ERR;
    size_t cap = 0, cnt = 0;
    float *v = NULL, x = 0;
    price_layout lay = {0};
    int rc = PS_OK, got;
    while (rc == PS_OK && (got = ps_lines_next(&in, err)) == 1) {
        if (in.line == 1) rc = parse_header(path, in.text, &lay, err);
        else if (in.len == 0) continue; /* blank lines, e.g. at the end */
        else if ((rc = parse_price_row(path, in.line, in.text, &lay, &x, err)) == PS_OK &&
                 push_price(&v, &cnt, &cap, x) != 0)
            rc = ps_error_set(err, "%s: out of memory", path);
    }
    if (got < 0) rc = PS_ERR;
    ps_lines_close(&in);
    if (rc == PS_OK && cnt == 0)
        rc = ps_error_set(err, "%s: no price rows (expected a header line, then 'date,price' rows)", path);
    if (rc != PS_OK) {
        free(v);
        return rc;
    }
    *values = v;
    *n = cnt;
    return PS_OK;
}
