/* golden_compare - compares a CSV written by `powersched simulate` with a
 * golden trace of the prototype, column by column (golden/README.md,
 * "Matching"): every shared column must be equal as a double (integers, CRCs,
 * plain arithmetic bit for bit) unless a tolerance is given for it:
 *
 *   golden_compare EXPECTED ACTUAL [COLUMN=RELTOL ...]
 *
 * A relative tolerance also allows the same absolute difference near zero.
 * Golden columns missing from ACTUAL are errors unless listed with tolerance
 * "skip". Prints each mismatching column once (first row) and a summary. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLS 128
#define MAX_LINE 65536

typedef struct table {
    int ncols;
    char *names[MAX_COLS];
    double *rows; /* nrows x ncols */
    int nrows;
} table;

static int split(char *line, char **out) {
    int n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *tok = strtok(line, ","); tok && n < MAX_COLS; tok = strtok(NULL, ",")) out[n++] = tok;
    return n;
}

static int load(const char *path, table *t) {
    FILE *fp = fopen(path, "r");
    if (!fp) {
        fprintf(stderr, "golden_compare: cannot open %s\n", path);
        return -1;
    }
    static char line[MAX_LINE];
    char *f[MAX_COLS];
    if (!fgets(line, sizeof line, fp)) {
        fclose(fp);
        return -1;
    }
    t->ncols = split(line, f);
    for (int i = 0; i < t->ncols; i++) t->names[i] = strdup(f[i]);
    int cap = 1024;
    t->rows = malloc((size_t)cap * t->ncols * sizeof *t->rows);
    t->nrows = 0;
    while (fgets(line, sizeof line, fp)) {
        if (split(line, f) != t->ncols) {
            fprintf(stderr, "golden_compare: %s:%d: wrong number of fields\n", path, t->nrows + 2);
            fclose(fp);
            return -1;
        }
        if (t->nrows == cap) {
            cap *= 2;
            double *r = realloc(t->rows, (size_t)cap * t->ncols * sizeof *t->rows);
            if (!r) {
                fclose(fp);
                return -1;
            }
            t->rows = r;
        }
        for (int i = 0; i < t->ncols; i++) t->rows[(size_t)t->nrows * t->ncols + i] = strtod(f[i], NULL);
        t->nrows++;
    }
    fclose(fp);
    return 0;
}

static void table_free(table *t) {
    for (int i = 0; i < t->ncols; i++) free(t->names[i]);
    free(t->rows);
}

static int find(const table *t, const char *name) {
    for (int i = 0; i < t->ncols; i++)
        if (!strcmp(t->names[i], name)) return i;
    return -1;
}

static int same(double a, double b, double tol) {
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
    if (tol == 0) return a == b && signbit(a) == signbit(b);
    double d = fabs(a - b);
    return d <= tol * fmax(fabs(a), fabs(b)) || d <= tol;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: golden_compare EXPECTED ACTUAL [COLUMN=RELTOL|skip ...]\n");
        return 2;
    }
    table e = {0}, a = {0};
    if (load(argv[1], &e) || load(argv[2], &a)) return 2;
    if (e.nrows != a.nrows) {
        printf("FAIL: %s has %d rows, %s has %d\n", argv[1], e.nrows, argv[2], a.nrows);
        table_free(&e);
        table_free(&a);
        return 1;
    }
    int bad_cols = 0, compared = 0;
    for (int c = 0; c < e.ncols; c++) {
        double tol = 0;
        int skip = 0;
        for (int k = 3; k < argc; k++) {
            size_t len = strcspn(argv[k], "=");
            if (strlen(e.names[c]) == len && !strncmp(argv[k], e.names[c], len)) {
                if (!strcmp(argv[k] + len + 1, "skip")) skip = 1;
                else tol = strtod(argv[k] + len + 1, NULL);
            }
        }
        if (skip) continue;
        int ac = find(&a, e.names[c]);
        if (ac < 0) {
            printf("FAIL: column %s missing from %s\n", e.names[c], argv[2]);
            bad_cols++;
            continue;
        }
        compared++;
        int mismatches = 0, first = -1;
        for (int r = 0; r < e.nrows; r++) {
            double x = e.rows[(size_t)r * e.ncols + c], y = a.rows[(size_t)r * a.ncols + ac];
            if (!same(x, y, tol)) {
                if (first < 0) first = r;
                mismatches++;
            }
        }
        if (mismatches) {
            bad_cols++;
            printf("FAIL: %s: %d of %d rows differ; first at data row %d: expected %.17g, got %.17g\n", e.names[c],
                   mismatches, e.nrows, first + 1, e.rows[(size_t)first * e.ncols + c],
                   a.rows[(size_t)first * a.ncols + ac]);
        }
    }
    printf("%s: %d rows, %d columns compared, %d differ\n", bad_cols ? "FAIL" : "OK", e.nrows, compared, bad_cols);
    table_free(&e);
    table_free(&a);
    return bad_cols ? 1 : 0;
}
