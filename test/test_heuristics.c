/* test_heuristics.c - the hand-written policies on hand-built observations of
 * a 4-node cluster: when a node goes off, when nodes come on for waiting
 * work, the boot memory, and the price rules. */
#include <string.h>

#include "check.h"
#include "powersched/heuristics.h"
#include "powersched/job_timing.h"

static ps_config small(void) {
    ps_config c = ps_config_default();
    c.max_nodes = 4;
    c.max_queue_size = 4;
    c.max_backlog_size = 4;
    return c;
}

typedef struct scene {
    ps_config c;
    ps_obs_layout l;
    float obs[128];
} scene;

static void scene_init(scene *s, ps_config c) {
    memset(s, 0, sizeof *s);
    s->c = c;
    s->l = ps_obs_layout_for(&c);
    for (int i = 0; i < PS_PRICE_WINDOW; i++) s->obs[s->l.predicted_prices + i] = 50;
}

static void node(scene *s, int i, float state) { s->obs[s->l.nodes + i] = state; }

static void job(scene *s, int slot, int duration, int age, int nodes, int cores) {
    float *r = s->obs + s->l.job_queue + 4 * slot;
    r[0] = (float)duration, r[1] = (float)age, r[2] = (float)nodes, r[3] = (float)cores;
}

static ps_heuristic make(const scene *s, ps_heuristic_config cfg) {
    ps_heuristic h;
    ps_error err = {{0}};
    CHECK_INT(ps_heuristic_create(&h, &cfg, &s->c, &err), PS_OK);
    return h;
}

/* Evaluates the action once (it advances the policy's memory). */
#define CHECK_ACTION(act, t, n)                              \
    do {                                                     \
        ps_action a_ = (act);                                \
        CHECK_INT(a_.type, t);                               \
        if ((t) != 1) CHECK_INT(a_.magnitude + 1, n);         \
        CHECK_INT(a_.refill, 1);                             \
    } while (0)

static void test_suspend_time(void) {
    scene s;
    scene_init(&s, small());
    node(&s, 0, 5); /* busy */
    ps_heuristic_config cfg = ps_heuristic_config_default(PS_H_SLURM_SUSPEND);
    cfg.suspend_time = 2;
    ps_heuristic h = make(&s, cfg);
    CHECK_ACTION(ps_heuristic_act(&h, s.obs), 1, 0); /* idle 1 hour: stays on */
    node(&s, 3, 2);                                  /* node 3 got work: its idle time restarts */
    CHECK_ACTION(ps_heuristic_act(&h, s.obs), 0, 2); /* nodes 1, 2: idle exactly 2 hours */
    node(&s, 3, 0);
    CHECK_ACTION(ps_heuristic_act(&h, s.obs), 0, 2); /* 1 and 2 again (still idle, the env turned others off) */
    ps_heuristic_free(&h);

    /* the floor: never below min_on powered nodes */
    scene_init(&s, small());
    cfg.suspend_time = 1;
    cfg.min_on = 3;
    h = make(&s, cfg);
    CHECK_ACTION(ps_heuristic_act(&h, s.obs), 0, 1);
    node(&s, 0, -1);
    CHECK_ACTION(ps_heuristic_act(&h, s.obs), 1, 0);
    ps_heuristic_free(&h);
}

static void test_power_for_work(void) {
    scene s;
    scene_init(&s, small());
    for (int i = 0; i < 4; i++) node(&s, i, -1);
    job(&s, 0, 3, 1, 2, 96); /* 2 full nodes */
    job(&s, 2, 1, 0, 1, 10); /* 10 cores: a third node */
    ps_heuristic h = make(&s, ps_heuristic_config_default(PS_H_SLURM_SUSPEND));
    CHECK_ACTION(ps_heuristic_act(&h, s.obs), 2, 3);
    /* an idle powered node covers part of it */
    node(&s, 0, 0);
    CHECK_ACTION(ps_heuristic_act(&h, s.obs), 2, 2);
    ps_heuristic_free(&h);

    /* idle nodes the waiting work needs are not suspended */
    scene_init(&s, small());
    job(&s, 0, 3, 1, 1, 96);
    h = make(&s, ps_heuristic_config_default(PS_H_SLURM_SUSPEND));
    CHECK_ACTION(ps_heuristic_act(&h, s.obs), 0, 3); /* 4 idle, 1 kept for the job */
    ps_heuristic_free(&h);

    /* a job on 4 nodes x 8 cores needs 4 nodes, not 32 cores' worth */
    scene_init(&s, small());
    for (int i = 0; i < 4; i++) node(&s, i, -1);
    job(&s, 1, 2, 0, 4, 8);
    h = make(&s, ps_heuristic_config_default(PS_H_SLURM_SUSPEND));
    CHECK_ACTION(ps_heuristic_act(&h, s.obs), 2, 4);
    ps_heuristic_free(&h);

    /* with a 2-hour boot the nodes asked for are not asked for again */
    scene_init(&s, small());
    s.c.node_boot_hours = 2;
    for (int i = 0; i < 4; i++) node(&s, i, -1);
    job(&s, 0, 3, 1, 1, 96);
    h = make(&s, ps_heuristic_config_default(PS_H_SLURM_SUSPEND));
    CHECK_ACTION(ps_heuristic_act(&h, s.obs), 2, 1);
    CHECK_ACTION(ps_heuristic_act(&h, s.obs), 1, 0); /* booting, shown off */
    CHECK_ACTION(ps_heuristic_act(&h, s.obs), 1, 0); /* usable when this action applies */
    CHECK_ACTION(ps_heuristic_act(&h, s.obs), 2, 1); /* still waiting and off: ask again */
    ps_heuristic_free(&h);
}

static void test_always_on(void) {
    scene s;
    scene_init(&s, small());
    ps_heuristic h = make(&s, ps_heuristic_config_default(PS_H_ALWAYS_ON));
    CHECK_ACTION(ps_heuristic_act(&h, s.obs), 2, 4);
    ps_heuristic_free(&h);
}

static void test_price_threshold(void) {
    scene s;
    scene_init(&s, small());
    for (int i = 0; i < 4; i++) node(&s, i, i < 2 ? 0 : -1);
    job(&s, 0, 2, 3, 3, 96); /* needs 3 nodes: 1 more than the 2 idle */
    float *p = s.obs + s.l.predicted_prices;
    for (int i = 1; i < PS_PRICE_WINDOW; i++) p[i] = (float)(10 * i); /* 10 .. 230: next hour the cheapest */
    ps_heuristic_config cfg = ps_heuristic_config_default(PS_H_PRICE_THRESHOLD);
    ps_heuristic h = make(&s, cfg);
    CHECK_ACTION(ps_heuristic_act(&h, s.obs), 2, 1); /* cheap: power for the work */
    p[1] = 200;                                      /* above the 30th percentile of the coming hours */
    CHECK_ACTION(ps_heuristic_act(&h, s.obs), 0, 2); /* hold: idle nodes off at once */
    job(&s, 0, 2, 23, 3, 96);                        /* the job would reach max_wait 24 */
    CHECK_ACTION(ps_heuristic_act(&h, s.obs), 2, 1);
    ps_heuristic_free(&h);
}

/* With decision-hour billing the window starts at the next hour (element 0). */
static void test_decision_hour(void) {
    scene s;
    scene_init(&s, small());
    s.c.contract.price_timing = PS_PRICE_TIMING_DECISION;
    for (int i = 0; i < 4; i++) node(&s, i, i < 2 ? 0 : -1);
    job(&s, 0, 2, 3, 3, 96);
    float *p = s.obs + s.l.predicted_prices;
    for (int i = 0; i < PS_PRICE_WINDOW; i++) p[i] = (float)(10 * (i + 1)); /* the next hour (element 0) is the cheapest */
    p[1] = 5; /* element 1 is an hour later: the reference's reading would call the next hour cheap anyway */
    ps_heuristic h = make(&s, ps_heuristic_config_default(PS_H_PRICE_THRESHOLD));
    CHECK_ACTION(ps_heuristic_act(&h, s.obs), 2, 1);
    p[0] = 200; /* now the next hour is expensive, element 1 still cheap */
    CHECK_ACTION(ps_heuristic_act(&h, s.obs), 0, 2);
    ps_heuristic_free(&h);
}

static void test_price_aware(void) {
    scene s;
    scene_init(&s, small());
    for (int i = 0; i < 4; i++) node(&s, i, -1);
    job(&s, 0, 2, 0, 1, 96); /* 2 hours of one node */
    float *p = s.obs + s.l.predicted_prices;
    for (int i = 1; i < PS_PRICE_WINDOW; i++) p[i] = 50;
    p[6] = p[7] = 10; /* a cheap 2-hour window starting 5 hours from now */
    ps_heuristic_config cfg = ps_heuristic_config_default(PS_H_PRICE_AWARE);
    ps_heuristic h = make(&s, cfg);
    CHECK_ACTION(ps_heuristic_act(&h, s.obs), 1, 0); /* hold (nothing on to switch off) */
    cfg.max_wait = 4; /* starts up to 3 hours from now: the cheap window is too late */
    ps_heuristic_free(&h);
    h = make(&s, cfg);
    CHECK_ACTION(ps_heuristic_act(&h, s.obs), 2, 1);
    ps_heuristic_free(&h);
    /* nothing waiting: slurm-suspend's rule */
    scene_init(&s, small());
    h = make(&s, ps_heuristic_config_default(PS_H_PRICE_AWARE));
    CHECK_ACTION(ps_heuristic_act(&h, s.obs), 0, 4);
    ps_heuristic_free(&h);
}

/* The gate encoding: serve = slurm-suspend's action, hold = idle nodes off
 * and nothing powered, except for work due by max_wait or nothing waiting. */
static void test_gate(void) {
    scene s;
    scene_init(&s, small());
    for (int i = 0; i < 4; i++) node(&s, i, i < 2 ? 0 : -1);
    job(&s, 0, 2, 3, 3, 96); /* needs 3 nodes: 1 more than the 2 idle */
    ps_heuristic_config cfg = ps_heuristic_config_default(PS_H_SLURM_SUSPEND);
    ps_heuristic h = make(&s, cfg), ref = make(&s, cfg);
    ps_action want = ps_heuristic_act(&ref, s.obs);
    int decides = -1;
    ps_action got = ps_heuristic_gate(&h, s.obs, 1, &decides);
    CHECK(got.type == want.type && got.magnitude == want.magnitude && got.refill == want.refill);
    CHECK_ACTION(got, 2, 1);
    CHECK_INT(decides, 1);
    CHECK_ACTION(ps_heuristic_gate(&h, s.obs, 0, NULL), 0, 2); /* hold: both idle nodes off at once */
    job(&s, 0, 2, 23, 3, 96);                                 /* would reach max_wait 24 next hour */
    CHECK_ACTION(ps_heuristic_gate(&h, s.obs, 0, &decides), 2, 1);
    CHECK_INT(decides, 0); /* due: served whatever the policy says */
    ps_heuristic_free(&h);
    cfg.max_wait = 30; /* the guard's promise: not due yet */
    h = make(&s, cfg);
    CHECK_ACTION(ps_heuristic_gate(&h, s.obs, 0, NULL), 0, 2);
    ps_heuristic_free(&h);
    job(&s, 0, 0, 0, 0, 0); /* nothing waiting: slurm-suspend's rule, whose 2 h suspend time keeps them on */
    cfg.suspend_time = 2;
    h = make(&s, cfg);
    CHECK_ACTION(ps_heuristic_gate(&h, s.obs, 0, &decides), 1, 0);
    CHECK_INT(decides, 0);
    for (int i = 0; i < 4; i++) node(&s, i, -1); /* all off, work waiting that one node fits */
    job(&s, 0, 2, 3, 1, 4);
    CHECK_ACTION(ps_heuristic_gate(&h, s.obs, 0, &decides), 1, 0);
    CHECK_INT(decides, 1); /* serving would switch one on */
    for (int i = 0; i < 4; i++) node(&s, i, 5); /* all busy: nothing to switch either way */
    CHECK_ACTION(ps_heuristic_gate(&h, s.obs, 1, &decides), 1, 0);
    CHECK_INT(decides, 0);
    ps_heuristic_free(&h);
    ps_heuristic_free(&ref);
    /* the override encoding's third choice is price-aware's action */
    scene_init(&s, small());
    for (int i = 0; i < 4; i++) node(&s, i, -1);
    job(&s, 0, 2, 0, 1, 96);
    float *p = s.obs + s.l.predicted_prices;
    p[6] = p[7] = 10; /* cheaper 5 hours from now: price-aware holds */
    h = make(&s, ps_heuristic_config_default(PS_H_SLURM_SUSPEND));
    CHECK_ACTION(ps_heuristic_gate(&h, s.obs, PS_GATE_PRICE_AWARE, &decides), 1, 0);
    CHECK_INT(decides, 1);
    CHECK_ACTION(ps_heuristic_gate(&h, s.obs, PS_GATE_SERVE, NULL), 2, 1);
    p[1] = p[2] = 5; /* now the cheapest 2 hours: price-aware serves */
    CHECK_ACTION(ps_heuristic_gate(&h, s.obs, PS_GATE_PRICE_AWARE, NULL), 2, 1);
    CHECK_INT(ps_heuristic_timing_holds(&h, s.obs, 1), 0); /* now is the cheapest hour for its 2 hours */
    ps_action a = ps_heuristic_gate(&h, s.obs, PS_GATE_JOB_TIMING, NULL);
    CHECK_ACTION(a, 2, 1); /* override-timing's fourth choice: job-timing's action, timed */
    CHECK_INT(a.timed, 1);
    p[1] = p[2] = 50, p[3] = 5; /* an hour later is cheaper by 45 EUR/MWh */
    CHECK_INT(ps_heuristic_timing_holds(&h, s.obs, 1), 1);
    ps_heuristic_free(&h);
}

/* The timing-levels encoding: job-timing at --hold-price 20 times 1, 0,
 * 0.5, 1.5, 2, 3. One waiting 2-hour job on a cluster of 4 nodes, all
 * off; an hour later saves 45 EUR/MWh. */
static void test_timing_levels(void) {
    scene s;
    scene_init(&s, small());
    for (int i = 0; i < 4; i++) node(&s, i, -1);
    job(&s, 0, 2, 0, 1, 96);
    float *p = s.obs + s.l.predicted_prices;
    p[1] = p[2] = 50, p[3] = 5;
    s.c.hold_price = 20;
    ps_heuristic h = make(&s, ps_heuristic_config_default(PS_H_SLURM_SUSPEND));
    int decides = -1;
    const struct {
        int timed, holds;
    } cases[] = {{1, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1}, {6, 0}}; /* 20 * 2 = 40 < 45 < 20 * 3 = 60 */
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        CHECK_INT(ps_heuristic_timing_holds(&h, s.obs, cases[k].timed), cases[k].holds);
        ps_action a = ps_heuristic_timing_level(&h, s.obs, cases[k].timed, &decides);
        CHECK_INT(a.timed, cases[k].timed);
        CHECK_INT(decides, 1);
        if (cases[k].holds)
            CHECK_ACTION(a, 1, 0); /* held: nothing comes on */
        else
            CHECK_ACTION(a, 2, 1); /* served: a node comes on for it */
    }
    p[3] = 50; /* no hour is cheaper: no level holds, the choice does not matter */
    CHECK_ACTION(ps_heuristic_timing_level(&h, s.obs, 2, &decides), 2, 1);
    CHECK_INT(decides, 0);
    ps_heuristic_free(&h);
}

/* job_timing.h's rule by hand: a start s hours later skips the window's
 * hours now .. now+s-1 and runs s more from now+d on (mod 24). */
static void flat_window(float *w) {
    for (int i = 0; i < PS_PRICE_WINDOW; i++) w[i] = 50;
}

static void test_job_timing_rule(void) {
    float w[PS_PRICE_WINDOW];
    flat_window(w);
    CHECK_INT(ps_job_timing_hold(w, 1, 1, 23, 0), 0); /* flat: nothing to gain */
    w[1] = 90, w[2] = 10;                              /* now dear, the next hour cheap */
    CHECK_INT(ps_job_timing_hold(w, 1, 1, 23, 0), 1);  /* s = 1: 10 - 90 */
    CHECK_INT(ps_job_timing_hold(w, 1, 25, 23, 0), 1); /* 25 h: as 1 h (its last hour is 10 too) */
    CHECK_INT(ps_job_timing_hold(w, 1, 24, 23, 0), 0); /* whole days: the same hours whenever it starts */
    CHECK_INT(ps_job_timing_hold(w, 1, 1, 0, 0), 0);   /* no slack */
    CHECK_INT(ps_job_timing_hold(w, 1, 0, 23, 0), 0);  /* no job */
    /* the price on waiting: -80 at s = 1, then -80 + 40 at s = 2 (w[3] - w[2]) */
    CHECK_INT(ps_job_timing_hold(w, 1, 1, 23, 79.9), 1);
    CHECK_INT(ps_job_timing_hold(w, 1, 1, 23, 80), 0);
    /* a 2-hour job: s = 1 moves hour 1 (90) to hour 3 (50): -40 */
    CHECK_INT(ps_job_timing_hold(w, 1, 2, 23, 39.9), 1);
    CHECK_INT(ps_job_timing_hold(w, 1, 2, 23, 40), 0);
    /* the slack limits the start: a cheap hour 5 h from now */
    flat_window(w);
    w[6] = 10;
    CHECK_INT(ps_job_timing_hold(w, 1, 1, 4, 0), 0);
    CHECK_INT(ps_job_timing_hold(w, 1, 1, 5, 0), 1);
    /* decision-hour billing: the hour decided is element 0 */
    CHECK_INT(ps_job_timing_hold(w, 0, 1, 6, 0), 1);
    CHECK_INT(ps_job_timing_hold(w, 0, 1, 5, 0), 0);
    /* starts stay in the window: hour 0 comes back only as the end of a run */
    flat_window(w);
    w[0] = 10;
    CHECK_INT(ps_job_timing_hold(w, 1, 1, 30, 0), 0);
    CHECK_INT(ps_job_timing_hold(w, 1, 2, 30, 0), 1); /* s = 22: hours 23 and 24 (= 0) */
}

/* job-timing: the nodes follow slurm-suspend for the jobs the rule serves;
 * idle nodes the served work does not need go off at once while a job is
 * held; every action is timed, so the env holds the same jobs. */
static void test_job_timing(void) {
    scene s;
    ps_config c = small();
    c.hold_price = 0;
    scene_init(&s, c);
    for (int i = 0; i < 4; i++) node(&s, i, i < 2 ? 0 : -1);
    float *p = s.obs + s.l.predicted_prices;
    p[1] = 90, p[2] = 10;
    job(&s, 0, 1, 0, 1, 96);  /* 1 hour: cheaper next hour, held */
    job(&s, 1, 24, 0, 1, 96); /* a day: never held */
    ps_heuristic_config cfg = ps_heuristic_config_default(PS_H_JOB_TIMING);
    cfg.suspend_time = 2; /* slurm-suspend alone would keep idle nodes 2 hours */
    ps_heuristic h = make(&s, cfg);
    ps_action a = ps_heuristic_act(&h, s.obs);
    CHECK_ACTION(a, 0, 1); /* one node for the day job, the other idle one off at once */
    CHECK_INT(a.timed, 1);
    job(&s, 1, 0, 0, 0, 0); /* only the held job: both idle nodes off */
    CHECK_ACTION(ps_heuristic_act(&h, s.obs), 0, 2);
    job(&s, 0, 1, 23, 1, 96); /* 23 h old: no slack left (24 h promise), served */
    job(&s, 1, 24, 0, 3, 96); /* and a 3-node job: one more node than the 2 idle */
    a = ps_heuristic_act(&h, s.obs);
    CHECK_ACTION(a, 2, 2);
    CHECK_INT(a.timed, 1);
    ps_heuristic_free(&h);
    s.c.hold_price = 80; /* the 80 EUR/MWh gain is not worth an hour */
    job(&s, 0, 1, 0, 1, 96);
    job(&s, 1, 0, 0, 0, 0);
    h = make(&s, cfg);
    CHECK_ACTION(ps_heuristic_act(&h, s.obs), 1, 0); /* served: slurm-suspend keeps the spare idle node 2 hours */
    ps_heuristic_free(&h);
}

static void test_config(void) {
    ps_config c = small();
    ps_heuristic h;
    ps_error err = {{0}};
    ps_heuristic_config cfg = ps_heuristic_config_default(PS_H_PRICE_THRESHOLD);
    cfg.price_percentile = 101;
    CHECK_INT(ps_heuristic_create(&h, &cfg, &c, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "--price-percentile");
    cfg = ps_heuristic_config_default(PS_H_SLURM_SUSPEND);
    cfg.min_on = 5;
    CHECK_INT(ps_heuristic_create(&h, &cfg, &c, &err), PS_ERR);
    ps_heuristic_kind k;
    CHECK_INT(ps_heuristic_parse("price-aware", &k), 0);
    CHECK_INT(k, PS_H_PRICE_AWARE);
    CHECK_INT(ps_heuristic_parse("model", &k), -1);
    CHECK_INT(ps_heuristic_parse("job-timing", &k), 0);
    CHECK_INT(k, PS_H_JOB_TIMING);
}

int main(void) {
    test_suspend_time();
    test_power_for_work();
    test_always_on();
    test_price_threshold();
    test_price_aware();
    test_job_timing_rule();
    test_job_timing();
    test_decision_hour();
    test_gate();
    test_timing_levels();
    test_config();
    return check_summary("test_heuristics");
}
