/* price_file.c - reading hourly price series from files. */
#include "powersched/price_file.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --------------------------------------------------------------------- CSV */

static int parse_price_row(const char *path, long line, char *row, float *out, ps_error *err) {
    char *comma = strchr(row, ',');
    if (!comma) return ps_error_set(err, "%s:%ld: expected 'date,price', found no comma", path, line);
    char *field = comma + 1, *end2 = strchr(field, ',');
    if (end2) *end2 = '\0';
    while (*field == ' ' || *field == '\t' || *field == '"') field++;
    char *end;
    errno = 0;
    double v = strtod(field, &end);
    while (*end == ' ' || *end == '\t' || *end == '"' || *end == '\r') end++;
    if (end == field || *end != '\0' || errno == ERANGE)
        return ps_error_set(err, "%s:%ld: price '%s' is not a number", path, line, field);
    if (!isfinite(v) || !isfinite((float)v))
        return ps_error_set(err, "%s:%ld: price '%s' is not finite", path, line, field);
    *out = (float)v;
    return PS_OK;
}

int ps_prices_load_csv(const char *path, float **values, size_t *n, ps_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f) return ps_error_set(err, "%s: cannot open price file: %s", path, strerror(errno));
    char buf[4096];
    size_t cap = 0, cnt = 0;
    float *v = NULL;
    long line = 0;
    int rc = PS_OK;
    while (fgets(buf, sizeof buf, f)) {
        line++;
        size_t len = strlen(buf);
        if (len == sizeof buf - 1 && buf[len - 1] != '\n') {
            rc = ps_error_set(err, "%s:%ld: line longer than %zu bytes", path, line, sizeof buf - 2);
            break;
        }
        while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r')) buf[--len] = '\0';
        if (line == 1) { /* header, possibly after a UTF-8 BOM; the date column is ignored */
            float probe;
            if (parse_price_row(path, line, buf, &probe, NULL) == PS_OK) {
                rc = ps_error_set(err, "%s:1: expected a header line such as 'Date,Price', found a data row", path);
                break;
            }
            continue;
        }
        if (len == 0) continue;  /* blank lines, e.g. at the end */
        if (cnt == cap) {
            cap = cap ? cap * 2 : 1024;
            float *nv = realloc(v, cap * sizeof *nv);
            if (!nv) { rc = ps_error_set(err, "%s: out of memory", path); break; }
            v = nv;
        }
        if ((rc = parse_price_row(path, line, buf, &v[cnt], err)) != PS_OK) break;
        cnt++;
    }
    if (rc == PS_OK && ferror(f)) rc = ps_error_set(err, "%s: read error", path);
    fclose(f);
    if (rc == PS_OK && cnt == 0)
        rc = ps_error_set(err, "%s: no price rows (expected a header line, then 'date,price' rows)", path);
    if (rc != PS_OK) { free(v); return rc; }
    *values = v;
    *n = cnt;
    return PS_OK;
}
