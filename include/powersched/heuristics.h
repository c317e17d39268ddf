/* heuristics.h - hand-written policies a site could run today, the yardsticks
 * a learned agent must beat. Each decides the env's action from the same
 * observation the agent gets (no future jobs) plus its own memory (how long
 * each node has been idle, which power-ons are still booting), and acts
 * through the same action space, so any difference in cost is the policy's.
 *
 * - always-on: [on, all nodes, refill] every step.
 * - slurm-suspend: Slurm's power saving. A node idle for suspend_time hours
 *   is switched off (never below min_on powered nodes); nodes are switched on
 *   when queued work does not fit the idle powered nodes. The action space
 *   picks WHICH idle nodes go off (lowest index first); the count is Slurm's.
 * - price-threshold: slurm-suspend that starts new work only while the next
 *   hour's price is at or below the price_percentile of the coming 23 hours
 *   of the window, or once the oldest waiting job would reach max_wait hours;
 *   in the other hours it switches idle nodes off at once and powers nothing.
 * - price-aware: plans when the waiting work runs: it runs now unless a
 *   later start within the window and within max_wait of the oldest job is
 *   cheaper for the work's typical duration (the mean price over that many
 *   hours of the window); otherwise it holds like price-threshold's expensive
 *   hours.
 * - job-timing (beyond the yardsticks of issue 11's first rounds): each
 *   waiting job starts at its own cheapest hour within its slack and the
 *   window, by job_timing.h's rule (the window repeated day after day
 *   beyond its end), which the env applies to every job it could start
 *   (ps_action.timed, arrivals of the step included); the nodes follow
 *   slurm-suspend for the jobs served, and idle nodes go off at once while
 *   jobs are held.
 * Every policy always refills the queue from the backlog. */
#ifndef POWERSCHED_HEURISTICS_H
#define POWERSCHED_HEURISTICS_H

#include <stdint.h>

#include "powersched/env.h"

typedef enum ps_heuristic_kind {
    PS_H_ALWAYS_ON,
    PS_H_SLURM_SUSPEND,
    PS_H_PRICE_THRESHOLD,
    PS_H_PRICE_AWARE,
    PS_H_JOB_TIMING
} ps_heuristic_kind;

typedef struct ps_heuristic_config {
    ps_heuristic_kind kind;
    int suspend_time;        /* hours idle before a node goes off (>= 0) */
    int min_on;              /* powered nodes never switched off below this */
    double price_percentile; /* price-threshold: 0..100 */
    int max_wait;            /* hours a job may be held back (>= 1) */
} ps_heuristic_config;

/* suspend 1 h, no floor, 30th percentile, 24 h. */
ps_heuristic_config ps_heuristic_config_default(ps_heuristic_kind kind);

/* "always-on", "slurm-suspend", "price-threshold", "price-aware",
 * "job-timing" -> kind;
 * -1 for another name. */
int ps_heuristic_parse(const char *name, ps_heuristic_kind *kind);

typedef struct ps_heuristic {
    ps_heuristic_config cfg;
    ps_config cluster;
    ps_obs_layout layout;
    int32_t *idle_hours;     /* per node: consecutive observations seen idle */
    int *booting;            /* power-ons asked per step, ring of node_boot_hours */
    int64_t t;
} ps_heuristic;

/* Validates cfg for this cluster; errors name the setting. */
int ps_heuristic_create(ps_heuristic *h, const ps_heuristic_config *cfg, const ps_config *cluster, ps_error *err);
void ps_heuristic_free(ps_heuristic *h);

/* The action for the next step, from the observation the env wrote last. */
ps_action ps_heuristic_act(ps_heuristic *h, const float *obs);

/* The gate action encodings (train --action gate|override): a learned
 * policy decides only whether the waiting work may start this hour (SERVE)
 * or is held back (HOLD), or (override) leaves it to price-aware's rule;
 * the nodes follow slurm-suspend when serving and hold otherwise (idle
 * nodes off at once, nothing powered on), like price-threshold's two kinds
 * of hours. Work that would reach max_wait starts whatever the choice.
 * JOB_TIMING (override-timing) is job-timing's action (timed).
 * *decides (may be NULL) says whether the choice mattered: work waits, is
 * not due, and serving and holding give different actions. h is a
 * slurm-suspend heuristic (its max_wait, price-aware's too); call it every
 * step, as ps_heuristic_act. */
enum { PS_GATE_HOLD, PS_GATE_SERVE, PS_GATE_PRICE_AWARE, PS_GATE_JOB_TIMING };
ps_action ps_heuristic_gate(ps_heuristic *h, const float *obs, int choice, int *decides);
/* How many waiting jobs of obs job-timing's rule holds now at ps_action
 * level timed (job_timing.h; the JOB_TIMING choice, level 1, then matters
 * even where *decides says the others do not). */
int ps_heuristic_timing_holds(const ps_heuristic *h, const float *obs, int timed);
/* The timing-levels encoding (train --action timing-levels): job-timing's
 * action at level timed (1..PS_TIMED_LEVELS), its nodes planned for the
 * jobs that level serves. *decides (may be NULL): some levels hold jobs
 * that others start. Call it every step, as ps_heuristic_act. */
ps_action ps_heuristic_timing_level(ps_heuristic *h, const float *obs, int timed, int *decides);

#endif
