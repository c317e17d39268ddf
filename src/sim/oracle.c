/* oracle.c - the liquid and contiguous oracles of spec 16. */
#include "powersched/oracle.h"

#include <limits.h>
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
    free(o->running);
    memset(o, 0, sizeof *o);
}

void ps_oracle_reset(ps_oracle *o) {
    o->n_jobs = o->T = o->n_carried = o->n_running = o->lost = 0;
}

static int push_job(ps_oracle *o, ps_oracle_job j) {
    if (o->n_jobs == INT_MAX || ps_grow((void **)&o->jobs, &o->cap_jobs, o->n_jobs + 1, sizeof *o->jobs) != 0) {
        o->lost = 1;
        return -1;
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

int ps_oracle_add_running(ps_oracle *o, int remaining, int nodes, int cores) {
    if (ps_grow((void **)&o->running, &o->cap_running, o->n_running + 1, sizeof *o->running) != 0) {
        o->lost = 1;
        return -1;
    }
    o->running[o->n_running++] = (ps_oracle_job){0, remaining, nodes * cores};
    return 0;
}

int ps_oracle_record(ps_oracle *o, double price, const ps_job *jobs, int n) {
    if (o->T == INT_MAX || ps_grow((void **)&o->prices, &o->cap_T, o->T + 1, sizeof *o->prices) != 0) {
        o->lost = 1;
        return -1;
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

/* The slack of spec 16.2 is range / d with range 0..T and d 1..T (a job
 * with range 0 has slack 0 whatever d). Jobs are counted per (range, d)
 * pair, the pairs present are sorted by their exact value (cross-multiplied
 * integers), pairs of equal value share one group, and one stable pass
 * scatters the jobs by group: the spec's stable sort by slack in O(jobs +
 * pairs log pairs), with sequential memory access in the placement pass. */
typedef struct slack_pair {
    int range, d;
} slack_pair;

static int cmp_pair(const void *a, const void *b) {
    const slack_pair *x = a, *y = b;
    int64_t l = (int64_t)x->range * y->d, r = (int64_t)y->range * x->d;
    return (l > r) - (l < r);
}

/* Where job j may start: spec 16.2's rule (finish inside the episode and
 * within max_age hours of arrival) or, with max_wait > 0, the QoS rule
 * (start within max_wait hours of arrival, at once when already older; the
 * hours are then extended past the episode, see ps_oracle_within_wait). */
typedef struct window_rule {
    int max_age, max_wait;
} window_rule;

static void start_range(const ps_oracle_job *j, int T, window_rule rule, int *t_min, int *t_max) {
    int d = imax(j->duration, 1);
    *t_min = imax(0, j->arrival);
    if (rule.max_wait > 0) *t_max = imin(imax(j->arrival + rule.max_wait, *t_min), T - d);
    else *t_max = imin(j->arrival + rule.max_age, T) - d;
}

static uint32_t slack_index(const ps_oracle_job *j, int T, window_rule rule) {
    int d = imax(j->duration, 1), t_min, t_max;
    start_range(j, T, rule, &t_min, &t_max);
    int range = imax(t_max - t_min + 1, 0);
    return range == 0 ? 1u : (uint32_t)range * (uint32_t)(T + 1) + (uint32_t)d;
}

/* jobs sorted by slack into out[n]; returns 0 or -1 (memory). */
static int sort_by_slack(const ps_oracle_job *jobs, int n, int T, window_rule rule, ps_oracle_job *out) {
    size_t P = (size_t)(T + 1) * (size_t)(T + 1);
    uint32_t *idx = malloc((size_t)n * sizeof *idx);
    int *count = calloc(P, sizeof *count), *group_start = malloc((P + 1) * sizeof *group_start);
    slack_pair *pairs = malloc(P * sizeof *pairs);
    int rc = idx && count && group_start && pairs ? 0 : -1;
    for (int i = 0; rc == 0 && i < n; i++) count[idx[i] = slack_index(&jobs[i], T, rule)]++;
    int np = 0;
    for (size_t k = 0; rc == 0 && k < P; k++)
        if (count[k]) pairs[np++] = (slack_pair){(int)(k / (size_t)(T + 1)), (int)(k % (size_t)(T + 1))};
    if (rc == 0) qsort(pairs, (size_t)np, sizeof *pairs, cmp_pair);
    /* count[] becomes each pair's group; group_start[] the groups' offsets */
    for (int i = 0, g = -1, pos = 0; rc == 0 && i < np; i++) {
        size_t k = (size_t)pairs[i].range * (size_t)(T + 1) + (size_t)pairs[i].d;
        if (i == 0 || cmp_pair(&pairs[i - 1], &pairs[i]) != 0) group_start[++g] = pos;
        pos += count[k];
        count[k] = g;
    }
    for (int i = 0; rc == 0 && i < n; i++) out[group_start[count[idx[i]]]++] = jobs[i];
    free(idx), free(count), free(group_start), free(pairs);
    return rc;
}

/* The hours' fill, and for every threshold the longest run of hours filled
 * at most that much. At high load nearly every job fits nowhere, while the
 * fill changes only when a job is placed: a job needing d hours with at most
 * `lim` used is refused in O(log T) when no run of d such hours exists
 * anywhere, instead of a scan of its whole range. */
typedef struct fill {
    int64_t *used;
    int T;
    struct hour_use { int64_t used; int h; } *order; /* hours by fill */
    int *edge;           /* run length stored at both ends of each run */
    unsigned char *in;
    int64_t *val;        /* breakpoints: fill levels ascending ... */
    int *best, n;        /* ... and the longest run at or below each */
    int64_t *failed;     /* [t_min][d] of jobs whose range ends at T: 1 + the
                          * highest lim that found no window (0: none). Fill
                          * only grows, so a failure stays a failure. */
} fill;

static int cmp_use(const void *a, const void *b) {
    const struct hour_use *x = a, *y = b;
    return (x->used > y->used) - (x->used < y->used);
}

static void fill_runs(fill *f) {
    for (int h = 0; h < f->T; h++) f->order[h] = (struct hour_use){f->used[h], h};
    qsort(f->order, (size_t)f->T, sizeof *f->order, cmp_use);
    memset(f->in, 0, (size_t)f->T);
    int longest = 0;
    f->n = 0;
    for (int i = 0; i < f->T; i++) {
        int h = f->order[i].h;
        int l = h > 0 && f->in[h - 1] ? f->edge[h - 1] : 0, r = h < f->T - 1 && f->in[h + 1] ? f->edge[h + 1] : 0;
        f->in[h] = 1;
        f->edge[h - l] = f->edge[h + r] = l + r + 1;
        if (l + r + 1 > longest) longest = l + r + 1;
        if (i + 1 == f->T || f->order[i + 1].used != f->order[i].used) {
            f->val[f->n] = f->order[i].used;
            f->best[f->n++] = longest;
        }
    }
}

/* Longest run of hours with fill <= lim. */
static int fill_longest(const fill *f, int64_t lim) {
    int lo = 0, hi = f->n - 1, found = -1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (f->val[mid] <= lim) found = mid, lo = mid + 1;
        else hi = mid - 1;
    }
    return found < 0 ? 0 : f->best[found];
}

static int fill_init(fill *f, int T) {
    memset(f, 0, sizeof *f);
    f->T = T;
    f->used = calloc((size_t)T, sizeof *f->used);
    f->order = malloc((size_t)T * sizeof *f->order);
    f->edge = malloc((size_t)T * sizeof *f->edge);
    f->in = malloc((size_t)T);
    f->val = malloc((size_t)T * sizeof *f->val);
    f->best = malloc((size_t)T * sizeof *f->best);
    f->failed = calloc((size_t)T * (size_t)(T + 1), sizeof *f->failed);
    if (!f->used || !f->order || !f->edge || !f->in || !f->val || !f->best || !f->failed) return -1;
    fill_runs(f);
    return 0;
}

static void fill_free(fill *f) {
    free(f->used), free(f->order), free(f->edge), free(f->in), free(f->val), free(f->best), free(f->failed);
}

static void fill_add(fill *f, int from, int d, int64_t w) {
    for (int h = from; h < from + d; h++) f->used[h] += w;
    fill_runs(f);
}

/* Places job j or counts why it cannot run; returns its cost. */
static double place(const ps_oracle_job *j, int64_t capacity, window_rule rule, fill *f, const double *prefix,
                    ps_oracle_result *out) {
    int T = f->T;
    int d = imax(j->duration, 1), t_min, t_max;
    start_range(j, T, rule, &t_min, &t_max);
    if (t_max < t_min) {
        if (j->arrival + rule.max_age > T) out->spillover++;
        else out->unscheduled++;
        return 0.0;
    }
    double window = 0.0;
    int64_t lim = capacity - j->width;
    int64_t *memo = t_max + d == T && lim >= 0 ? &f->failed[(size_t)t_min * (size_t)(T + 1) + (size_t)d] : NULL;
    int t = fill_longest(f, lim) < d || (memo && lim < *memo)
                ? -1
                : cheapest_window(f->used, prefix, t_min, t_max, d, lim, &window);
    if (t < 0) {
        if (memo && lim + 1 > *memo) *memo = lim + 1;
        out->unscheduled++;
        return 0.0;
    }
    fill_add(f, t, d, j->width);
    return window * j->width;
}

/* The least-slack-first greedy over T hours priced prices[0..T-1]; the cost
 * in price x core-hours into *cost, skipped jobs counted into out. */
static int greedy(const double *prices, int T, const ps_oracle_job *jobs, int n, int64_t capacity,
                  window_rule rule, ps_oracle_result *out, double *cost) {
    ps_oracle_job *sorted = malloc((size_t)n * sizeof *sorted);
    double *prefix = malloc((size_t)(T + 1) * sizeof *prefix);
    fill f;
    if (fill_init(&f, T) != 0 || !sorted || !prefix || sort_by_slack(jobs, n, T, rule, sorted) != 0) {
        free(sorted), free(prefix), fill_free(&f);
        return -1;
    }
    prefix[0] = 0.0;
    for (int t = 0; t < T; t++) prefix[t + 1] = prefix[t] + prices[t];
    *cost = 0.0;
    for (int k = 0; k < n; k++) *cost += place(&sorted[k], capacity, rule, &f, prefix, out);
    free(sorted), free(prefix), fill_free(&f);
    return 0;
}

int ps_oracle_contiguous(const double *prices, int T, const ps_oracle_job *jobs, int n, int64_t capacity,
                         int max_age, double mwh_per_core_hour, ps_oracle_result *out) {
    out->contiguous_cost = 0.0;
    out->unscheduled = out->spillover = 0;
    if (T <= 0 || n == 0) return 0;
    double cost;
    if (greedy(prices, T, jobs, n, capacity, (window_rule){max_age, 0}, out, &cost) != 0) return -1;
    out->contiguous_cost = cost * mwh_per_core_hour;
    return 0;
}

/* The episode's hours are followed by free ones, as many as the longest
 * job needs: the simulator bills only the episode's hours too, so a job
 * running past the end costs its hours inside it, for the oracle as for
 * the policies. Jobs are never skipped for the episode's end. */
int ps_oracle_within_wait(const double *prices, int T, const ps_oracle_job *jobs, int n, int64_t capacity,
                          int max_wait, double mwh_per_core_hour, double *cost, int64_t *unscheduled) {
    *cost = 0.0;
    *unscheduled = 0;
    if (T <= 0 || n == 0) return 0;
    int longest = 1;
    for (int i = 0; i < n; i++) longest = imax(longest, jobs[i].duration);
    if (longest > INT_MAX - T - max_wait) return -1;
    int hours = T + max_wait + longest;
    double *p = calloc((size_t)hours, sizeof *p);
    if (!p) return -1;
    memcpy(p, prices, (size_t)T * sizeof *p);
    ps_oracle_result r = {0};
    int rc = greedy(p, hours, jobs, n, capacity, (window_rule){0, max_wait}, &r, cost);
    free(p);
    *cost *= mwh_per_core_hour;
    *unscheduled = r.unscheduled;
    return rc;
}

/* The recorded jobs and the running ones, which start at once: an arrival
 * more than max_wait hours back. */
static int solve_within_wait(const ps_oracle *o, ps_oracle_result *out) {
    int n = o->n_jobs + o->n_running;
    ps_oracle_job *all = malloc((size_t)(n > 0 ? n : 1) * sizeof *all);
    if (!all) return -1;
    memcpy(all, o->jobs, (size_t)o->n_jobs * sizeof *all);
    for (int i = 0; i < o->n_running; i++) {
        all[o->n_jobs + i] = o->running[i];
        all[o->n_jobs + i].arrival = -o->max_wait - 1;
    }
    int rc = ps_oracle_within_wait(o->prices, o->T, all, n, o->capacity, o->max_wait, o->mwh_per_core_hour,
                                   &out->qos_cost, &out->qos_unscheduled);
    free(all);
    return rc;
}

int ps_oracle_solve(const ps_oracle *o, ps_oracle_result *out) {
    if (o->lost) return -1;
    double work = 0.0;
    for (int i = 0; i < o->n_jobs; i++) work += (double)o->jobs[i].duration * o->jobs[i].width;
    if (ps_oracle_contiguous(o->prices, o->T, o->jobs, o->n_jobs, o->capacity, o->max_age, o->mwh_per_core_hour,
                             out) != 0)
        return -1;
    out->liquid_cost = ps_oracle_liquid(o->prices, o->T, work, o->capacity, o->mwh_per_core_hour);
    out->qos_cost = NAN;
    out->qos_unscheduled = 0;
    return o->max_wait > 0 ? solve_within_wait(o, out) : 0;
}
