/* oracle.h - per-episode perfect-foresight cost bounds (spec 16): what the
 * episode's work would cost if it ran in the cheapest hours.
 *
 * The work of an episode is the jobs pending when it began (carried: queue
 * rows, then backlog, with their ages) plus every job that arrived during it,
 * priced with the episode's billed prices p_0 .. p_{T-1}. Energy is
 * busy_mwh_per_core_hour per core-hour (a perfectly packed node at full
 * power); no idle power; capacity `capacity` cores per hour, node boundaries
 * ignored.
 *
 * - liquid (16.1): divisible work, no timing: the cheapest hours filled up to
 *   capacity. A true lower bound of the relaxed problem.
 * - contiguous (16.2): each job runs uninterrupted, starts at or after its
 *   arrival, finishes inside the episode and within max_age hours of its
 *   arrival; least-slack-first greedy, cheapest feasible window, ties to the
 *   earliest start. Feasible, not optimal; skipped jobs cost nothing, so it
 *   can come out below the liquid bound when jobs are skipped.
 * - within the wait (beyond the reference; when the QoS guard is on): the
 *   same greedy, but every job starts within max_wait hours of its arrival
 *   (at once if already older) and none is skipped; the jobs running at the
 *   episode start are billed for their remaining hours (spec 16 leaves them
 *   out); hours past the episode are free, as they are to the simulator's
 *   billing of the policies. A lower bound while capacity does not bind
 *   (each job then gets its cheapest window), which exploits that end: on
 *   the public data about half of its saving is work pushed past the end
 *   (README, "Yardsticks"). The yardstick of
 *   price timing under the guard's promise: spec 16.2's bound lets jobs wait
 *   up to 336 h and skips those that cannot finish inside the episode (long
 *   jobs arriving late in it cost nothing there), so it lies far below what
 *   any policy keeping the promise can reach.
 *
 * Ownership: ps_oracle_init/ps_oracle_free; the oracle keeps its own copies
 * of jobs and prices. Not thread-safe; one per env. */
#ifndef POWERSCHED_ORACLE_H
#define POWERSCHED_ORACLE_H

#include <stdint.h>

#include "powersched/config.h"

/* A job of the oracle: arrival step within the episode (carried: -age),
 * duration in hours, width in cores (nodes x cores per node). */
typedef struct ps_oracle_job {
    int32_t arrival, duration, width;
} ps_oracle_job;

typedef struct ps_oracle {
    int64_t capacity;            /* cores per hour */
    int max_age;                 /* hours from arrival a job must finish in */
    int max_wait;                /* > 0: also the bound within this wait (set by the caller) */
    double mwh_per_core_hour;    /* busy power of one core for one hour */
    ps_oracle_job *jobs;
    int n_jobs, cap_jobs;
    double *prices;              /* billed price of step t (0-based) */
    int T, cap_T;
    int n_carried;               /* the first n_carried jobs are carried */
    ps_oracle_job *running;      /* running at the episode start: remaining hours (the bound within the wait) */
    int n_running, cap_running;
    int lost;                    /* a job or price could not be stored: no bound this episode */
} ps_oracle;

typedef struct ps_oracle_result {
    double liquid_cost, contiguous_cost;
    int64_t unscheduled, spillover; /* contiguous: jobs skipped (spec 16.2, 2e1a44d rule) */
    double qos_cost;                /* within max_wait; NaN when max_wait is 0 */
    int64_t qos_unscheduled;        /* jobs it found no capacity for within the wait */
} ps_oracle_result;

void ps_oracle_init(ps_oracle *o, int64_t capacity, int max_age, double mwh_per_core_hour);
void ps_oracle_free(ps_oracle *o);

/* Starts a new episode: forgets jobs and prices. */
void ps_oracle_reset(ps_oracle *o);
/* A job pending at the episode start, age hours old. Returns 0 or -1 (memory). */
int ps_oracle_add_carried(ps_oracle *o, int age, int duration, int nodes, int cores);
/* A job running at the episode start for `remaining` more hours: only the
 * bound within the wait counts it. Returns 0 or -1 (memory). */
int ps_oracle_add_running(ps_oracle *o, int remaining, int nodes, int cores);
/* One step: its billed price and the jobs generated in it. Returns 0 or -1. */
int ps_oracle_record(ps_oracle *o, double price, const ps_job *jobs, int n);

/* The bounds of the recorded episode. Returns 0, or -1 when out of memory
 * now or while recording (a bound of part of the work would be wrong). */
int ps_oracle_solve(const ps_oracle *o, ps_oracle_result *out);

/* The two bounds alone, on explicit inputs (tests, benchmarks). */
double ps_oracle_liquid(const double *prices, int T, double work_core_hours, int64_t capacity,
                        double mwh_per_core_hour);
int ps_oracle_contiguous(const double *prices, int T, const ps_oracle_job *jobs, int n, int64_t capacity,
                         int max_age, double mwh_per_core_hour, ps_oracle_result *out);
/* The bound within the wait: its cost into *cost, jobs without capacity in
 * their window into *unscheduled. Returns 0 or -1 (memory). */
int ps_oracle_within_wait(const double *prices, int T, const ps_oracle_job *jobs, int n, int64_t capacity,
                          int max_wait, double mwh_per_core_hour, double *cost, int64_t *unscheduled);

#endif
