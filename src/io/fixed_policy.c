/* fixed_policy.c - policies without a model (fixed_policy.h). */
#include "powersched/fixed_policy.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "powersched/env.h"
#include "powersched/text_lines.h"

#define PS_MAX_ACTIONS_BYTES (INT64_C(256) << 20)

static int push_action(ps_fixed_policy *p, ps_action a, long *cap) {
    if (p->n_actions == *cap) {
        *cap = *cap ? *cap * 2 : 1024;
        ps_action *na = realloc(p->actions, (size_t)*cap * sizeof *na);
        if (!na) return -1;
        p->actions = na;
    }
    p->actions[p->n_actions++] = a;
    return 0;
}

/* Three or four comma-separated integers (the fourth, timed, is 0 when
 * absent); -1 if the text is not exactly that (a value past int's range is
 * not wrapped: it is out of range). */
static int parse_action(const char *s, long v[4]) {
    v[3] = 0;
    for (int k = 0; k < 4; k++) {
        char *end;
        errno = 0;
        v[k] = strtol(s, &end, 10);
        if (end == s || errno == ERANGE || v[k] > INT_MAX || v[k] < INT_MIN) return -1;
        s = end + strspn(end, " \t");
        if (k == 2 && *s == '\0') return 0;
        if (k < 3 && *s++ != ',') return -1;
    }
    return *s == '\0' ? 0 : -1;
}

/* One "type,magnitude,refill[,timed]" row per step (simulate --trace's
 * a_type, a_mag, a_refill, a_timed); blank and '#' lines skipped. */
static int load_actions(ps_fixed_policy *p, const char *path, const ps_config *cfg, ps_error *err) {
    ps_lines in;
    if (ps_lines_open(&in, path, "actions file", PS_MAX_ACTIONS_BYTES, err) != PS_OK) return PS_ERR;
    long cap = 0, v[4];
    int rc = PS_OK, got;
    while (rc == PS_OK && (got = ps_lines_next(&in, err)) == 1) {
        char *s = in.text + strspn(in.text, " \t"), where[4200];
        if (*s == '#' || *s == '\0') continue;
        if (parse_action(s, v) != 0) {
            rc = ps_error_set(err, "%s:%ld: expected three or four integers 'type,magnitude,refill[,timed]'", path,
                              in.line);
            continue;
        }
        ps_action a = {(int)v[0], (int)v[1], (int)v[2], (int)v[3]}; /* parse_action keeps them within int */
        snprintf(where, sizeof where, "%s:%ld: ", path, in.line);
        rc = ps_action_check(cfg, a, where, err);
        if (rc == PS_OK && push_action(p, a, &cap) != 0) rc = ps_error_set(err, "%s: out of memory", path);
    }
    if (got < 0) rc = PS_ERR;
    ps_lines_close(&in);
    if (rc == PS_OK && p->n_actions == 0) rc = ps_error_set(err, "%s: no actions", path);
    return rc;
}

int ps_fixed_policy_init(ps_fixed_policy *p, const char *spec, const ps_heuristic_config *hc, const ps_config *cfg,
                         uint64_t seed, ps_error *err) {
    memset(p, 0, sizeof *p);
    ps_rng_seed(&p->rng, seed, PS_STREAM_POLICY);
    ps_heuristic_config c = *hc;
    if (!strcmp(spec, "always-on")) p->kind = PS_FIXED_ALWAYS_ON;
    else if (!strcmp(spec, "random")) p->kind = PS_FIXED_RANDOM;
    else if (!strncmp(spec, "actions:", 8)) {
        p->kind = PS_FIXED_ACTIONS;
        return load_actions(p, spec + 8, cfg, err);
    } else if (ps_heuristic_parse(spec, &c.kind) == 0) {
        p->kind = PS_FIXED_HEURISTIC;
        return ps_heuristic_create(&p->h, &c, cfg, err);
    } else
        return ps_error_set(err, "--policy: '%s' is not always-on, random, slurm-suspend, price-threshold, "
                                 "price-aware, job-timing or actions:FILE", spec);
    return PS_OK;
}

void ps_fixed_policy_free(ps_fixed_policy *p) {
    free(p->actions);
    if (p->kind == PS_FIXED_HEURISTIC) ps_heuristic_free(&p->h);
    memset(p, 0, sizeof *p);
}

int ps_fixed_policy_observes(const ps_fixed_policy *p) { return p->kind == PS_FIXED_HEURISTIC; }

ps_action ps_fixed_policy_next(ps_fixed_policy *p, const ps_config *cfg, long step, const float *obs) {
    switch (p->kind) {
    case PS_FIXED_RANDOM: return ps_action_random(&p->rng, cfg);
    case PS_FIXED_ACTIONS: return p->actions[step];
    case PS_FIXED_HEURISTIC: return ps_heuristic_act(&p->h, obs);
    case PS_FIXED_ALWAYS_ON: break;
    }
    return (ps_action){2, cfg->max_nodes - 1, 1, 0}; /* all nodes on, refill: the baseline's schedule */
}
