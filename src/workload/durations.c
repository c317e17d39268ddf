/* durations.c - the durations sampler of the legacy generator (spec 8.1). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "powersched/text_lines.h"
#include "powersched/workload.h"

/* Strict non-negative integer of a D-HH:MM:SS part; -1 if not one. */
static long part_int(const char *s, const char *end) {
    if (s == end || end - s > 9) return -1;
    long v = 0;
    for (; s < end; s++) {
        if (!isdigit((unsigned char)*s)) return -1;
        v = v * 10 + (*s - '0');
    }
    return v;
}

/* Hours of one `[D-]HH:MM:SS` line. Shapes other than three ':'-parts give 0
 * (as the reference does); non-integer parts are an error (-1). */
static double parse_elapsed(char *s, int *three_parts) {
    while (isspace((unsigned char)*s)) s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) *--e = '\0';
    char *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    *three_parts = c1 && c2 && !strchr(c2 + 1, ':');
    if (!*three_parts) return 0.0;
    long days = 0, hh;
    char *dash = memchr(s, '-', (size_t)(c1 - s));
    if (dash) {
        days = part_int(s, dash);
        hh = part_int(dash + 1, c1);
    } else {
        hh = part_int(s, c1);
    }
    long mm = part_int(c1 + 1, c2), ss = part_int(c2 + 1, e);
    if (days < 0 || hh < 0 || mm < 0 || ss < 0) return -1.0;
    return 24.0 * days + hh + mm / 60.0 + ss / 3600.0;
}

int ps_durations_read(ps_durations *d, const char *path, ps_error *err) {
    memset(d, 0, sizeof *d);
    ps_lines in;
    if (ps_lines_open(&in, path, "durations file", PS_MAX_LOG_BYTES, err) != PS_OK) return PS_ERR;
    size_t hist_cap = 0;
    int64_t *hist = NULL;
    long valid = 0;
    int rc = PS_OK, got;
    while ((got = ps_lines_next(&in, err)) == 1) {
        int three;
        double h = parse_elapsed(in.text, &three);
        if (h < 0) {
            rc = ps_error_set(err, "%s:%ld: '%s' is not a [D-]HH:MM:SS duration", path, in.line, in.text);
            break;
        }
        valid += three;
        double r = ceil(h > 1.0 ? h : 1.0);
        if (r > PS_MAX_JOB_HOURS) { rc = ps_error_set(err, "%s:%ld: duration of %.0f hours is too long", path, in.line, r); break; }
        size_t k = (size_t)r;
        if (k > hist_cap) {
            size_t nc = hist_cap ? hist_cap : 256;
            while (nc < k) nc *= 2;
            int64_t *nh = realloc(hist, nc * sizeof *nh);
            if (!nh) { rc = ps_error_set(err, "%s: out of memory", path); break; }
            memset(nh + hist_cap, 0, (nc - hist_cap) * sizeof *nh);
            hist = nh;
            hist_cap = nc;
        }
        hist[k - 1]++;
        if ((int)k > d->max_hours) d->max_hours = (int)k;
        d->n_values++;
    }
    if (got < 0) rc = PS_ERR;
    long lines = in.line - (got == 0);
    ps_lines_close(&in);
    if (rc == PS_OK && valid == 0)
        rc = ps_error_set(err, "%s: no [D-]HH:MM:SS durations found (%ld lines)", path, lines);
    if (rc == PS_OK && !(d->cdf = malloc((size_t)d->max_hours * sizeof *d->cdf)))
        rc = ps_error_set(err, "%s: out of memory", path);
    if (rc != PS_OK) {
        free(hist);
        ps_durations_free(d);
        return rc;
    }
    int64_t acc = 0;
    for (int i = 0; i < d->max_hours; i++) {
        acc += hist[i];
        d->cdf[i] = (double)acc / (double)d->n_values;
    }
    free(hist);
    return PS_OK;
}

void ps_durations_free(ps_durations *d) {
    free(d->cdf);
    memset(d, 0, sizeof *d);
}

int32_t ps_durations_sample(const ps_durations *d, ps_rng *rng) {
    double u = ps_rng_uniform(rng);
    int lo = 0, hi = d->max_hours - 1; /* first index with cdf > u */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (d->cdf[mid] > u) hi = mid;
        else lo = mid + 1;
    }
    return lo + 1;
}
