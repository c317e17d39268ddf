/* env.h - the cluster environment (spec 2): construction, reset, step, the
 * flattened observation and the always-on baseline simulated alongside.
 *
 * Data in, data out (PufferLib style): the env takes a loaded price series,
 * which it only reads (any number of envs may share one), and a job source
 * behind a function table, which it owns from then on. It opens no files;
 * src/io/scenario.c turns options and files into those. Finished episode
 * records go out with the step's info; the caller keeps what it wants.
 *
 * Ownership: ps_env_create allocates both cluster sides, the RNG streams and
 * the observation bookkeeping; ps_env_free releases them and the job source.
 * The observation buffer is owned by the caller (ps_env_obs_size floats); the env
 * only writes into it. Passing the same buffer every step lets the env rewrite
 * only the queue rows that changed. A ps_env must not be copied or moved after
 * ps_env_create: its parts point at its own config. */
#ifndef POWERSCHED_ENV_H
#define POWERSCHED_ENV_H

#include <stdint.h>

#include "powersched/cluster.h"
#include "powersched/config.h"
#include "powersched/error.h"
#include "powersched/job_source.h"
#include "powersched/metrics.h"
#include "powersched/oracle.h"
#include "powersched/prices.h"
#include "powersched/reward.h"
#include "powersched/rng.h"

typedef struct ps_env_spec {
    ps_config cfg;
    ps_weights weights;
    const float *prices;   /* hourly EUR/MWh, borrowed for the env's life; NULL: synthetic */
    size_t n_prices;
    ps_job_source source;  /* moved into the env (freed by ps_env_free, also on error) */
    uint64_t seed;         /* env RNG seed until reset(seed) */
    int oracles;           /* compute the spec 16 bounds of every episode (costs time) */
} ps_env_spec;

/* Defaults: contract constants and weights, synthetic prices, no job
 * source (no arrivals), seed 0. */
ps_env_spec ps_env_spec_default(void);

/* [action_type, magnitude, do_refill]: type 0 off / 1 keep / 2 on,
 * magnitude+1 nodes (0..max_nodes-1), refill 0/1 (spec 2.3). timed (beyond
 * the reference, 0 in it): 1..PS_TIMED_LEVELS starts only the waiting jobs
 * the job-timing rule (job_timing.h) does not hold at that level's hold
 * price, judged on the price window of the last observation, each with its
 * slack to the guard's promise (24 h without the guard) less the boot
 * time; jobs due under the guard start regardless. */
typedef struct ps_action {
    int type, magnitude, refill;
    int timed;
} ps_action;

/* A uniformly random action (the action space's sample()). */
ps_action ps_action_random(ps_rng *rng, const ps_config *cfg);

/* Offsets of each part of the flattened observation: the prototype's Dict
 * keys in alphabetical order (spec 2.2): 10,364 floats for the defaults. */
typedef struct ps_obs_layout {
    int backlog_size, job_queue, nodes, pending_avg_duration, pending_core_hours,
        pending_job_count, pending_max_nodes, predicted_prices, size;
} ps_obs_layout;

/* What one step did (the quantities of the golden traces). */
typedef struct ps_step_info {
    double reward, step_cost, step_power;
    double current_price, avg_future_price, price_hist_avg, price_ctx;
    ps_reward_out parts;
    int64_t dropped;
    int on, used, off, idle;
    int64_t used_cores;
    int running, node_changes, agent_launched;
    int switched_on, switched_off;   /* power-ons / power-offs of this step */
    int guarded;                     /* the QoS guard changed the action */
    int new_jobs;
    int64_t new_sum_duration, new_sum_nodes, new_sum_cores, new_core_hours;
    double baseline_cost, baseline_cost_off, baseline_power, baseline_power_off;
    int baseline_used_nodes;
    int64_t baseline_used_cores;
    int truncated;
    /* The newer contract (spec 2.6 delta): a drop-streak flush ends the
     * episode with terminated = 1 (reward -200); the caller resets as after
     * a truncation, but must not bootstrap the value of a terminal state. */
    int terminated;
    int drop_streak;                    /* consecutive steps with >= 1 agent drop, this one included */
    int64_t flushed, baseline_flushed;  /* jobs discarded by this step's flush */
    int64_t launched_cores;             /* cores of the agent's launches this step */
    int64_t demand_cores;               /* agent's pending nodes x cores before scheduling */
    int64_t overdue_age_core_hours;     /* agent's, after scheduling (newest reward only, else 0) */
    /* The finished episode's record when truncated or terminated, else NULL.
     * It points into the env and stays valid until the next step or reset. */
    const ps_episode_record *episode;
} ps_step_info;

typedef struct ps_env {
    ps_config cfg;
    ps_weights weights;
    ps_obs_layout layout;
    ps_prices prices;
    float seen_prices[PS_PRICE_WINDOW]; /* the window the step's action was decided on */
    ps_side agent, baseline;
    ps_job_source source;
    ps_rng rng;      /* the env stream (reference: np_random) */
    ps_rng aux_rng;  /* the durations sampler's stream (reference: numpy global) */
    int64_t current_step, current_episode, episode_idx, next_job_id;
    ps_metrics metrics;
    ps_joblist new_jobs;
    ps_episode_record last_episode; /* handed out by the step that finishes it */
    int64_t *agent_waits0, *baseline_waits0; /* wait histograms at the episode start */
    int oracles;
    ps_oracle oracle_agent;      /* the agent's carried jobs + arrivals (spec 16.3) */
    ps_oracle oracle_workload;   /* the baseline's carried jobs + arrivals: policy-independent */
    const float *obs_buf;        /* buffer written last, and its queue rows */
    uint64_t *obs_rows;
    int drop_streak;             /* steps in a row with >= 1 agent drop (timeline state) */
    int hard_reset_pending;      /* the next reset starts a fresh timeline */
    long long start_row;         /* price row (synthetic: hour) of the last hard reset */
    int needs_reset;             /* the last step terminated and no reset followed yet */
} ps_env;

/* Takes spec->source in every case (freed on error too). */
int ps_env_create(ps_env *env, const ps_env_spec *spec, ps_error *err);
void ps_env_free(ps_env *env);

int ps_env_obs_size(const ps_env *env);
ps_obs_layout ps_obs_layout_for(const ps_config *cfg);

/* Spec 2.5: reseeds the env RNG (not the durations sampler's stream, which
 * only ps_env_create seeds) when seed != NULL, starts a new episode's
 * metrics, repositions prices when price_start >= 0, writes the observation
 * (if obs != NULL). The simulation state itself carries over.
 * Hard reset (cfg.contract.hard_reset, spec 2.5 delta): the first reset
 * after ps_env_create, or the next after ps_env_request_hard_reset, also
 * empties both sides (all nodes on and idle) and starts prices at
 * price_start when >= 0, else at a row drawn from the env RNG in [0, N)
 * (after the reseed; evaluation mode: (episode_idx x episode_hours) mod N),
 * with synthetic prices at an hour drawn in [0, 24) in both modes. Jobs it
 * discards count as flushed in the timeline's counters; the job source
 * keeps its position. */
void ps_env_reset(ps_env *env, const uint64_t *seed, long long price_start, float *obs);
/* Makes the next reset a hard one (the prototype's options["hard_reset"]). */
void ps_env_request_hard_reset(ps_env *env);

/* PS_OK when a is in the action space (type 0..2, magnitude 0..max_nodes-1,
 * refill 0..1, timed 0..PS_TIMED_LEVELS); else an error "<where>invalid
 * action [...]: expected ..." (where: e.g. "file:line: ", or ""). */
int ps_action_check(const ps_config *cfg, ps_action a, const char *where, ps_error *err);

/* Spec 2.6. Returns PS_ERR (and changes nothing) for an invalid action, or
 * when memory runs out. info may be NULL, obs may be NULL. A step after a
 * terminated one without a reset first starts a new episode as
 * ps_env_reset(env, NULL, -1, NULL) would, so the counters stay per episode. */
int ps_env_step(ps_env *env, ps_action action, float *obs, ps_step_info *info, ps_error *err);

/* Resume bookkeeping (spec 12.5 set_progress): the step counter becomes
 * `steps` and the episode counter steps / episode_hours; the cluster state
 * is untouched (a resumed run starts from a fresh timeline). */
void ps_env_set_progress(ps_env *env, int64_t steps);

/* Turns the per-episode oracle bounds (spec 16) on or off from the next
 * reset on (an env option, off by default: it costs time every episode). */
void ps_env_set_oracles(ps_env *env, int on);

/* Writes the current observation (spec 2.2) into obs. */
void ps_env_observe(ps_env *env, float *obs);

/* Checks the invariants of spec 14 on both sides: core accounting against the
 * running jobs, node timers, off/idle nodes, queue rows and next_empty_slot,
 * pending statistics, and job conservation (submitted = queued + backlog +
 * running + completed + dropped). Returns PS_ERR with the first violation. */
int ps_env_check_invariants(const ps_env *env, ps_error *err);

#endif
