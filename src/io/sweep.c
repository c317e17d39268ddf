/* sweep.c - train_iter's weight grid (spec 12.8). */
#include "powersched/sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A name as --fix-weights takes it: the declared name, '-' for '_'. */
static int same_name(const char *arg, const char *declared) {
    for (; *arg && *declared; arg++, declared++)
        if (*arg != *declared && !(*arg == '-' && *declared == '_')) return 0;
    return *arg == *declared;
}

int ps_weight_index(const char *name) {
    for (int k = 0; k < PS_N_WEIGHTS; k++)
        if (same_name(name, ps_weight_fields[k].name)) return k;
    return -1;
}

void ps_weight_names(char *buf, size_t size, const char *sep, const char *last_sep) {
    size_t o = 0;
    buf[0] = '\0';
    for (int k = 0; k < PS_N_WEIGHTS && o < size; k++) {
        const char *s = k == 0 ? "" : k == PS_N_WEIGHTS - 1 ? last_sep : sep;
        o += (size_t)snprintf(buf + o, size - o, "%s", s);
        for (const char *c = ps_weight_fields[k].name; *c && o + 1 < size; c++) buf[o++] = *c == '_' ? '-' : *c;
        if (o < size) buf[o] = '\0';
    }
}

double ps_round2(double x) {
    double r = nearbyint(x * 100) / 100; /* round half to even, like Python */
    return r == 0 ? 0.0 : r;
}

typedef struct grid_state {
    ps_weight_combo *v;
    int n, cap;
} grid_state;

static int push(grid_state *g, const double *w) {
    if (g->n == g->cap) {
        int ncap = g->cap ? 2 * g->cap : 256;
        ps_weight_combo *v = realloc(g->v, (size_t)ncap * sizeof *v);
        if (!v) return -1;
        g->v = v;
        g->cap = ncap;
    }
    for (int i = 0; i < PS_N_WEIGHTS; i++) g->v[g->n].w[i] = ps_round2(w[i]);
    g->n++;
    return 0;
}

int ps_sweep_grid(double step, const int *fixed, const double *values, int n_fixed, ps_weight_combo **out, int *n,
                  ps_error *err) {
    *out = NULL;
    *n = 0;
    if (!(step > 0 && step <= 1)) return ps_error_set(err, "--step %g must be in (0, 1]", step);
    int m = (int)(1.0 / step) + 1, is_fixed[PS_N_WEIGHTS] = {0};
    double w[PS_N_WEIGHTS] = {0}, fixed_sum = 0;
    for (int k = 0; k < n_fixed; k++) {
        if (fixed[k] < 0 || fixed[k] >= PS_N_WEIGHTS || is_fixed[fixed[k]])
            return ps_error_set(err, "--fix-weights: unknown or repeated weight");
        if (!(values[k] >= 0 && values[k] <= 1)) return ps_error_set(err, "--fix-values: %g is outside [0, 1]", values[k]);
        is_fixed[fixed[k]] = 1;
        w[fixed[k]] = values[k];
        fixed_sum += values[k];
    }
    if (fixed_sum > 1 + 1e-9) return ps_error_set(err, "--fix-values sum to %g, more than 1", fixed_sum);
    int free_idx[PS_N_WEIGHTS], n_free = 0;
    for (int i = 0; i < PS_N_WEIGHTS; i++)
        if (!is_fixed[i]) free_idx[n_free++] = i;
    grid_state g = {NULL, 0, 0};
    if (n_free == 0) {
        if (fabs(fixed_sum - 1) <= 1e-9 && push(&g, w) != 0) return ps_error_set(err, "out of memory");
        *out = g.v;
        *n = g.n;
        return PS_OK;
    }
    /* odometer over the first n_free - 1 free weights, the last one fastest */
    int dims = n_free - 1, k[PS_N_WEIGHTS] = {0};
    for (;;) {
        double rest = 1;
        for (int i = 0; i < PS_N_WEIGHTS; i++)
            if (is_fixed[i]) rest -= w[i];
        for (int j = 0; j < dims; j++) {
            w[free_idx[j]] = k[j] * (1.0 / (m - 1)); /* numpy linspace: k * delta ... */
            if (k[j] == m - 1) w[free_idx[j]] = 1.0;  /* ... ending exactly at 1 */
            rest -= w[free_idx[j]];
        }
        double last = ps_round2(rest);
        if (last >= 0 && last <= 1) {
            w[free_idx[dims]] = last;
            if (push(&g, w) != 0) {
                free(g.v);
                return ps_error_set(err, "out of memory");
            }
        }
        int j = dims - 1;
        while (j >= 0 && ++k[j] == m) k[j--] = 0;
        if (j < 0) break;
    }
    *out = g.v;
    *n = g.n;
    return PS_OK;
}

/* Splits a comma list into buf; the pieces go to part[0..*n). */
static int split_list(const char *flag, const char *list, char *buf, size_t size, char **part, int *n,
                      ps_error *err) {
    *n = 0;
    snprintf(buf, size, "%s", list);
    for (char *save, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (*n == PS_N_WEIGHTS) return ps_error_set(err, "%s: more than %d values", flag, PS_N_WEIGHTS);
        part[(*n)++] = t;
    }
    return PS_OK;
}

int ps_sweep_grid_fixed(double step, const char *names, const char *values, ps_weight_combo **out, int *n,
                        ps_error *err) {
    char nbuf[256], vbuf[256], *name[PS_N_WEIGHTS], *value[PS_N_WEIGHTS], all[128];
    int fixed[PS_N_WEIGHTS], nf, nv;
    double v[PS_N_WEIGHTS];
    *out = NULL;
    *n = 0;
    if (split_list("--fix-weights", names, nbuf, sizeof nbuf, name, &nf, err) != PS_OK ||
        split_list("--fix-values", values, vbuf, sizeof vbuf, value, &nv, err) != PS_OK)
        return PS_ERR;
    for (int k = 0; k < nf; k++)
        if ((fixed[k] = ps_weight_index(name[k])) < 0) {
            ps_weight_names(all, sizeof all, ", ", " or ");
            return ps_error_set(err, "--fix-weights: '%s' is not %s", name[k], all);
        }
    for (int k = 0; k < nv; k++) {
        char *end;
        v[k] = strtod(value[k], &end);
        if (end == value[k] || *end) return ps_error_set(err, "--fix-values: '%s' is not a number", value[k]);
    }
    if (nf != nv) return ps_error_set(err, "--fix-weights names %d weights but --fix-values gives %d values", nf, nv);
    return ps_sweep_grid(step, fixed, v, nf, out, n, err);
}
