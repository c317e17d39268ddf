#include "powersched/config.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

ps_config ps_config_default(void) {
    ps_config c = {
        .max_nodes = 335,
        .cores_per_node = 96,
        .max_queue_size = 2500,
        .max_backlog_size = 50000,
        .max_job_duration = 170,
        .max_job_age = 336,
        .max_new_jobs_per_hour = 1500,
        .min_nodes_per_job = 1,
        .max_nodes_per_job = 16,
        .min_cores_per_job = 1,
        .max_cores_per_job = 96,
        .cost_idle_w = 150,
        .cost_used_w = 450,
        .episode_hours = 336,
        /* job-timing's price on waiting: on the public data's training rows
         * (2023 prices 0..6551) its jobs then wait as long as price-aware's */
        .hold_price = 8.0,
        /* used only with PS_SYNTH_LOGIC: the levels of the prototype's code */
        .contract = {.logic_high = 250.0, .logic_low = -10.0},
    };
    return c;
}

#define PS_WEIGHT_ROW(field, name, flag, letter, def, help) {name, flag, letter, def, help, offsetof(ps_weights, field)},
const ps_weight_field ps_weight_fields[PS_N_WEIGHTS] = {PS_WEIGHT_FIELDS(PS_WEIGHT_ROW)};
#undef PS_WEIGHT_ROW

double *ps_weight_at(ps_weights *w, int k) { return (double *)((char *)w + ps_weight_fields[k].offset); }

double ps_weight_get(const ps_weights *w, int k) {
    return *(const double *)((const char *)w + ps_weight_fields[k].offset);
}

ps_weights ps_weights_default(void) {
    ps_weights w;
    for (int k = 0; k < PS_N_WEIGHTS; k++) *ps_weight_at(&w, k) = ps_weight_fields[k].def;
    return w;
}

int ps_grow(void **buf, int *cap, int need, size_t elem) {
    if (need <= *cap) return 0;
    if (need < 0) return -1;
    int64_t ncap = *cap > 0 ? *cap : 64;
    while (ncap < need) ncap *= 2; /* in 64 bits: doubling past 2^30 must not wrap */
    if (ncap > INT_MAX) ncap = INT_MAX;
    if ((uint64_t)ncap > SIZE_MAX / elem) return -1;
    void *v = realloc(*buf, (size_t)ncap * elem);
    if (!v) return -1;
    *buf = v;
    *cap = (int)ncap;
    return 0;
}

int ps_joblist_reserve(ps_joblist *l, int cap) { return ps_grow((void **)&l->v, &l->cap, cap, sizeof *l->v); }

int ps_joblist_push(ps_joblist *l, ps_job j) {
    if (l->n == l->cap && ps_joblist_reserve(l, l->n + 1) != 0) return -1;
    l->v[l->n++] = j;
    return 0;
}

void ps_joblist_free(ps_joblist *l) {
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}
