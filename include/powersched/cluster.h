/* cluster.h - one side of the simulated cluster (the agent's or the baseline's):
 * nodes, free cores, the 2500-slot queue, the backlog FIFO and running jobs,
 * with the job-management operations of spec 3 and node switching of spec 4.
 *
 * Representation choices (behaviour is exactly the spec's):
 * - Time is the env's global step counter `now`. A running job stores its end
 *   step; it completes in the step where end <= now. A node's timer (spec 2.1)
 *   is max(0, max end of jobs placed on it - now), so it is rebuilt in O(nodes).
 * - Backlog records store their arrival step; age = now - arrival. Records are
 *   appended with age 0 only, so ages fall from head to tail and aging drops
 *   only at the head.
 * - Queue activity is a bitmap, so passes cost O(active slots), and
 *   cnt_ge[k] = number of powered nodes with >= k free cores answers "does this
 *   job fit" in O(1). Within one step free cores only shrink between passes,
 *   so a job that did not fit cannot fit in a later pass of that step: later
 *   passes visit only the slots refilled just before them.
 * All arrays are owned by the side (ps_side_init / ps_side_free). */
#ifndef POWERSCHED_CLUSTER_H
#define POWERSCHED_CLUSTER_H

#include <stdint.h>

#include "powersched/config.h"
#include "powersched/error.h"
#include "powersched/metrics.h"

typedef struct ps_backlog_rec {
    int32_t duration, nodes, cores;
    int64_t arrival; /* step in which it entered the backlog (age 0) */
} ps_backlog_rec;

typedef struct ps_running_job {
    int64_t end;        /* completes in the step where end <= now */
    int32_t wait;       /* age at launch */
    int32_t n, cores;   /* n nodes, `cores` cores on each */
    uint16_t node[PS_MAX_NODES_PER_JOB_LIMIT];
} ps_running_job;

/* Incremental statistics of everything pending (queue + backlog), spec 2.2. */
typedef struct ps_pending {
    int64_t count, sum_duration, core_hours;
    int64_t core_demand; /* sum of nodes x cores: the newest reward's pending demand */
    int64_t nodes_hist[PS_MAX_NODES_PER_JOB_LIMIT + 1];
} ps_pending;

typedef struct ps_side {
    const ps_config *cfg;
    int32_t *nodes;        /* -1 off, 0 idle, k > 0 busy for k more hours */
    int32_t *cores;        /* free cores; 0 when off */
    int64_t *max_end;      /* latest end step of jobs placed on the node */
    int32_t *cnt_ge;       /* [cores_per_node + 1]: on nodes with >= k free cores */
    int32_t *boot_left;    /* > 0: switched on, usable in that many steps (nodes[i] stays -1) */
    int on, sum_free_cores; /* on counts booting nodes: they draw idle power */
    int n_booting;
    int64_t switched_on, switched_off; /* power-ons and power-offs so far */
    int64_t launches, launch_wait, launch_cores; /* jobs launched so far, their ages and cores at launch */
    ps_wait_hist waits;    /* completed jobs by wait (age at launch), since creation */

    ps_job *queue;         /* max_queue_size rows */
    uint64_t *active;      /* bitmap of slots with duration > 0 */
    uint64_t *fresh;       /* slots filled by the last refill */
    int n_active, next_empty;

    ps_backlog_rec *backlog; /* ring of max_backlog_size */
    int bl_head, bl_len;

    ps_running_job *run;   /* slab of running jobs */
    int *run_free;         /* free slab indices (stack) */
    int *heap;             /* min-heap of slab indices by end */
    int run_cap, n_running, n_free;

    ps_pending pending;

    /* With log_launches (the cost-at-launch reward), launch() also appends
     * each job's duration, width (nodes x cores) and age here; the env
     * empties it every step. */
    struct ps_launch_rec { int32_t duration, width, age; } *launch_log;
    int n_launch_log, cap_launch_log, log_launches;
} ps_side;

/* Totals of one completion pass (spec 3.6). */
typedef struct ps_completions {
    int64_t count, wait;
} ps_completions;

/* Every node on and idle, everything empty. */
int ps_side_init(ps_side *s, const ps_config *cfg, ps_error *err);
void ps_side_free(ps_side *s);

/* Spec 3.6 (without the metrics): completes jobs with end <= now, returns
 * their cores, rebuilds node timers. */
ps_completions ps_side_process_running(ps_side *s, int64_t now);
/* Spec 3.2: ages active slots, drops those older than max_job_age. */
int ps_side_age_queue(ps_side *s);
/* Spec 3.3: drops backlog records older than max_job_age. */
int ps_side_age_backlog(ps_side *s, int64_t now);
/* Spec 3.4: moves backlog head records into free slots (remembered as the
 * "fresh" slots); returns the number moved. */
int ps_side_refill(ps_side *s, int64_t now);
/* Spec 3.1: arrivals go to free slots, then the backlog; returns rejections. */
int ps_side_add_jobs(ps_side *s, const ps_job *jobs, int n, int64_t now);
/* Spec 3.5: one first-fit pass over the queue in slot order; returns launches.
 * only_fresh: a later pass of the same step, which only needs the slots the
 * last refill filled (every other job already failed with more free cores).
 * Job ids come from *next_job_id (shared by both sides, spec 6.4). */
int ps_side_schedule(ps_side *s, int64_t now, int only_fresh, int64_t *next_job_id);
/* The jobs a policy keeps waiting this step (ps_action.timed): held(ctx, j)
 * is 1 for a job that must not start now. */
typedef struct ps_hold {
    int (*held)(const void *ctx, const ps_job *j);
    const void *ctx;
} ps_hold;
/* ps_side_schedule passing over the jobs hold holds (NULL: none). */
int ps_side_schedule_held(ps_side *s, int64_t now, int only_fresh, const ps_hold *hold, int64_t *next_job_id);
/* Spec 4: type 0 off / 1 keep / 2 on, up to magnitude nodes; returns changes. */
int ps_side_adjust_nodes(ps_side *s, int action_type, int magnitude);

/* Drop-streak flush and hard reset (spec 2.6 delta): queue, backlog and
 * running jobs are discarded, every node is on, idle, with all cores free.
 * Returns the number of jobs discarded. Launch counters and the completion
 * histogram keep counting. */
int64_t ps_side_flush(ps_side *s);

/* Jobs waiting in queue + backlog longer than `grace` hours, and their
 * overdue age-core-hours sum(max(age - grace, 0) x nodes x cores). */
typedef struct ps_overdue {
    int64_t jobs, age_core_hours;
} ps_overdue;
ps_overdue ps_side_overdue(const ps_side *s, int64_t now, int grace);

/* Booting nodes one step further; those done become idle and usable. Run at
 * the start of a step (a no-op with the reference's instant switching). */
void ps_side_advance_boots(ps_side *s);

/* What waits in the queue: cores asked, and how many jobs are at least
 * min_age hours old; whether the backlog head (its oldest) is that old. */
typedef struct ps_waiting {
    int64_t cores;
    int widest;       /* most nodes one waiting job needs */
    int overdue_nodes; /* nodes the overdue jobs need, queue and backlog head */
    int overdue;
    int backlog_overdue;
} ps_waiting;
ps_waiting ps_side_waiting(const ps_side *s, int64_t now, int min_age);

/* A first-fit pass over the queue slots whose job is at least min_age hours
 * old, before the ordinary pass: the QoS guard's jobs go first (slot order
 * would let newer jobs in lower slots take the nodes switched on for them).
 * Returns launches or -1 (out of memory). */
int ps_side_schedule_due(ps_side *s, int64_t now, int min_age, int64_t *next_job_id);

/* Counts (spec 2.6 step 14). */
int ps_side_used_nodes(const ps_side *s);
int64_t ps_side_used_cores(const ps_side *s);
/* Largest age among active queue slots (0 if none). */
int ps_side_max_queue_age(const ps_side *s);
/* Backlog record i (0 = head) as a queue row with its current age. */
ps_job ps_side_backlog_at(const ps_side *s, int i, int64_t now);
/* Highest nodes-per-job among pending jobs (0 if none). */
int ps_pending_max_nodes(const ps_pending *p);

#endif
