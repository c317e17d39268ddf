/* fixed_policy.c - policies without a model (fixed_policy.h). */
#include "powersched/fixed_policy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* One "type,magnitude,refill" row per step; blank and '#' lines skipped. */
static int load_actions(ps_fixed_policy *p, const char *path, const ps_config *cfg, ps_error *err) {
    FILE *fp = fopen(path, "r");
    if (!fp) return ps_error_set(err, "%s: cannot open actions file: %s", path, strerror(errno));
    char buf[256];
    long line = 0, cap = 0;
    int rc = PS_OK;
    while (rc == PS_OK && fgets(buf, sizeof buf, fp)) {
        line++;
        char *s = buf + strspn(buf, " \t");
        if (*s == '#' || *s == '\n' || *s == '\r' || *s == '\0') continue;
        ps_action a;
        int used = 0;
        if (sscanf(s, "%d ,%d ,%d %n", &a.type, &a.magnitude, &a.refill, &used) != 3 || s[used] != '\0')
            rc = ps_error_set(err, "%s:%ld: expected three integers 'type,magnitude,refill'", path, line);
        else if (a.type < 0 || a.type > 2 || a.magnitude < 0 || a.magnitude >= cfg->max_nodes || a.refill < 0 ||
                 a.refill > 1)
            rc = ps_error_set(err, "%s:%ld: action [%d, %d, %d] out of range (type 0..2, magnitude 0..%d, refill 0..1)",
                              path, line, a.type, a.magnitude, a.refill, cfg->max_nodes - 1);
        else if (push_action(p, a, &cap) != 0)
            rc = ps_error_set(err, "%s: out of memory", path);
    }
    fclose(fp);
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
                                 "price-aware or actions:FILE", spec);
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
    return (ps_action){2, cfg->max_nodes - 1, 1}; /* all nodes on, refill: the baseline's schedule */
}
