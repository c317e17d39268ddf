/* sweep_plan.c - the rows of a sweep: weight combinations times seeds, and
 * the session folder each trains in. */
#include "powersched/sweep_run.h"

#include <stdlib.h>

int ps_sweep_plan(const ps_weight_combo *g, int n, const uint64_t *seeds, int n_seeds, ps_sweep_row **rows,
                  int *n_rows, ps_error *err) {
    int per = n_seeds > 0 ? n_seeds : 1;
    *n_rows = 0;
    *rows = calloc((size_t)n * per + 1, sizeof **rows);
    if (!*rows) return ps_error_set(err, "out of memory for %d sweep runs", n * per);
    for (int i = 0; i < n; i++)
        for (int k = 0; k < per; k++) {
            ps_sweep_row *r = &(*rows)[*n_rows];
            r->index = (*n_rows)++;
            r->w = g[i];
            r->has_seed = n_seeds > 0;
            r->seed = n_seeds > 0 ? seeds[k] : 0;
        }
    return PS_OK;
}

void ps_sweep_row_session(const ps_sweep_row *r, const char *base, const char *session, const uint64_t *seed_sweep,
                          ps_session *s) {
    ps_weights w;
    for (int k = 0; k < PS_N_WEIGHTS; k++) *ps_weight_at(&w, k) = r->w.w[k];
    ps_session_paths(s, base, session, r->has_seed ? &r->seed : seed_sweep, &w);
}

int ps_sweep_keep_existing(ps_sweep_row *rows, int n, const char *base, const char *session,
                           const uint64_t *seed_sweep) {
    int kept = 0;
    for (int i = 0; i < n; i++) {
        ps_session s;
        char path[4600];
        ps_sweep_row_session(&rows[i], base, session, seed_sweep, &s);
        if (ps_session_pick_model(&s, -1, path, sizeof path, NULL) < 0) continue;
        rows[kept] = rows[i];
        rows[kept].index = kept;
        kept++;
    }
    return kept;
}
