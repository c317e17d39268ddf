/* oracle.c - the liquid and contiguous oracles of spec 16. */
#include "powersched/oracle.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void ps_oracle_init(ps_oracle *o, int64_t capacity, int max_age, double mwh_per_core_hour) {
    memset(o, 0, sizeof *o);
    o->capacity = capacity;
    o->max_age = max_age;
    o->mwh_per_core_hour = mwh_per_core_hour;
}

void ps_oracle_free(ps_oracle *o) {
    free(o->jobs);
    free(o->prices);
    memset(o, 0, sizeof *o);
}

void ps_oracle_reset(ps_oracle *o) {
    o->n_jobs = o->T = o->n_carried = 0;
}

static int push_job(ps_oracle *o, ps_oracle_job j) {
    if (o->n_jobs == o->cap_jobs) {
        int ncap = o->cap_jobs ? o->cap_jobs * 2 : 4096;
        ps_oracle_job *v = realloc(o->jobs, (size_t)ncap * sizeof *v);
        if (!v) return -1;
        o->jobs = v;
        o->cap_jobs = ncap;
    }
    o->jobs[o->n_jobs++] = j;
    return 0;
}

int ps_oracle_add_carried(ps_oracle *o, int age, int duration, int nodes, int cores) {
    ps_oracle_job j = {-age, duration, nodes * cores};
    if (push_job(o, j) != 0) return -1;
    o->n_carried++;
    return 0;
}

int ps_oracle_record(ps_oracle *o, double price, const ps_job *jobs, int n) {
    if (o->T == o->cap_T) {
        int ncap = o->cap_T ? o->cap_T * 2 : 512;
        double *v = realloc(o->prices, (size_t)ncap * sizeof *v);
        if (!v) return -1;
        o->prices = v;
        o->cap_T = ncap;
    }
    for (int i = 0; i < n; i++) {
        ps_oracle_job j = {o->T, jobs[i].duration, jobs[i].nodes * jobs[i].cores};
        if (push_job(o, j) != 0) return -1;
    }
    o->prices[o->T++] = price;
    return 0;
}

/* ------------------------------------------------------------------ liquid */

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double ps_oracle_liquid(const double *prices, int T, double work, int64_t capacity, double mwh_per_core_hour) {
    if (T <= 0 || work <= 0) return 0.0;
    double *p = malloc((size_t)T * sizeof *p);
    if (!p) return NAN; /* no bound rather than a wrong one */
    memcpy(p, prices, (size_t)T * sizeof *p);
    qsort(p, (size_t)T, sizeof *p, cmp_double);
    double cost = 0.0;
    for (int t = 0; t < T && work > 0; t++) { /* work beyond T x capacity is ignored (spec 16.1) */
        double x = work < (double)capacity ? work : (double)capacity;
        cost += x * mwh_per_core_hour * p[t];
        work -= x;
    }
    free(p);
    return cost;
}

/* -------------------------------------------------------------- contiguous */

typedef struct slack_key {
    double slack;
    int index;
} slack_key;

static int cmp_slack(const void *a, const void *b) {
    const slack_key *x = a, *y = b;
    if (x->slack != y->slack) return x->slack < y->slack ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index); /* stable: insertion order */
}

static int imax(int a, int b) { return a > b ? a : b; }
static int imin(int a, int b) { return a < b ? a : b; }

/* The cheapest start in [t_min, t_max] whose d hours all have used <= lim,
 * ties to the earliest, or -1. A window is feasible iff it lies inside a run
 * of such hours, so one pass keeping the current run length finds every
 * feasible window in O(t_max - t_min + d): the sliding maximum of spec 16.2
 * without a deque. */
static int cheapest_window(const int64_t *used, const double *prefix, int t_min, int t_max, int d, int64_t lim,
                           double *cost) {
    int best = -1, run = 0;
    for (int h = t_min; h <= t_max + d - 1; h++) {
        run = used[h] <= lim ? run + 1 : 0;
        if (run < d) continue;
        int t = h - d + 1;
        double c = prefix[t + d] - prefix[t];
        if (best < 0 || c < *cost) best = t, *cost = c;
    }
    return best;
}

/* Places job j or counts why it cannot run; returns its cost. */
static double place(const ps_oracle_job *j, int T, int64_t capacity, int max_age, int64_t *used,
                    const double *prefix, ps_oracle_result *out) {
    int d = imax(j->duration, 1);
    int t_min = imax(0, j->arrival), t_max = imin(j->arrival + max_age, T) - d;
    if (t_max < t_min) {
        if (j->arrival + max_age > T) out->spillover++;
        else out->unscheduled++;
        return 0.0;
    }
    double window = 0.0;
    int t = cheapest_window(used, prefix, t_min, t_max, d, capacity - j->width, &window);
    if (t < 0) {
        out->unscheduled++;
        return 0.0;
    }
    for (int h = t; h < t + d; h++) used[h] += j->width;
    return window * j->width;
}

int ps_oracle_contiguous(const double *prices, int T, const ps_oracle_job *jobs, int n, int64_t capacity,
                         int max_age, double mwh_per_core_hour, ps_oracle_result *out) {
    out->contiguous_cost = 0.0;
    out->unscheduled = out->spillover = 0;
    if (T <= 0 || n == 0) return 0;
    slack_key *keys = malloc((size_t)n * sizeof *keys);
    int64_t *used = calloc((size_t)T, sizeof *used);
    double *prefix = malloc((size_t)(T + 1) * sizeof *prefix);
    if (!keys || !used || !prefix) {
        free(keys), free(used), free(prefix);
        return -1;
    }
    prefix[0] = 0.0;
    for (int t = 0; t < T; t++) prefix[t + 1] = prefix[t] + prices[t];
    for (int i = 0; i < n; i++) {
        int d = imax(jobs[i].duration, 1);
        int t_min = imax(0, jobs[i].arrival), t_max = imin(jobs[i].arrival + max_age, T) - d;
        keys[i] = (slack_key){(double)imax(t_max - t_min + 1, 0) / d, i};
    }
    qsort(keys, (size_t)n, sizeof *keys, cmp_slack);
    double cost = 0.0;
    for (int k = 0; k < n; k++) cost += place(&jobs[keys[k].index], T, capacity, max_age, used, prefix, out);
    out->contiguous_cost = cost * mwh_per_core_hour;
    free(keys), free(used), free(prefix);
    return 0;
}

int ps_oracle_solve(const ps_oracle *o, ps_oracle_result *out) {
    double work = 0.0;
    for (int i = 0; i < o->n_jobs; i++) work += (double)o->jobs[i].duration * o->jobs[i].width;
    if (ps_oracle_contiguous(o->prices, o->T, o->jobs, o->n_jobs, o->capacity, o->max_age, o->mwh_per_core_hour,
                             out) != 0)
        return -1;
    out->liquid_cost = ps_oracle_liquid(o->prices, o->T, work, o->capacity, o->mwh_per_core_hour);
    return 0;
}
