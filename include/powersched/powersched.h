/* powersched.h - the PowerSched C API: a vector of cluster envs over one
 * loaded scenario, stepped together with caller-owned buffers (PufferLib
 * style). This header is self-contained (C99/C11, C++) and is the one to use
 * from programs and from other languages (python/powersched uses it through
 * ctypes); the other headers of include/powersched are the library's modules.
 *
 * Link: `cc prog.c $(pkg-config --cflags --libs powersched)`, or the static
 * library with `pkg-config --static` (libcjson, minizip, zlib, libm).
 *
 * ---------------------------------------------------------------------------
 * Lifecycle
 *
 *     char err[512];
 *     const char *opts[] = {"--jobs", "cluster.log", "--jobs-exact-replay", "--seed", "7"};
 *     ps_vec *v = ps_vec_create(8, 5, opts, err, sizeof err);   // NULL: err says why
 *     int D = ps_vec_obs_size(v), F = ps_record_field_count();
 *     float *obs = malloc(sizeof(float) * 8 * D); ...             // caller-owned, reused
 *     ps_vec_reset(v, obs);
 *     for (;;) {
 *         ... fill actions[8 * 3] ...
 *         if (ps_vec_step(v, actions, obs, rewards, terms, truncs, records) < 0)
 *             fprintf(stderr, "%s\n", ps_vec_error(v));
 *         ... envs with truncs[i] == 1 finished an episode: records[i * F ..] ...
 *     }
 *     ps_vec_free(v);
 *
 * The options are the words of the command line's scenario groups (data,
 * energy model, workload generator, reward weights: `powersched simulate
 * --help` without simulate's own): --prices FILE, --jobs FILE,
 * --jobs-exact-replay, --hourly-jobs FILE, --job-durations FILE,
 * --job-arrival-scale X, --workload-gen MODE and --wg-*, --seed N,
 * --efficiency-weight W, ... An unknown option or a bad value is an error
 * with the message returned. With no options: synthetic prices and the
 * legacy random generator (0..1500 jobs per hour).
 *
 * The files are read once (ps_vec_create) and shared read-only by the n envs.
 * Env i is created and first seeded with seed + i (--seed, default 0), so env 0
 * of a vector reproduces `powersched simulate --seed N` step for step given
 * the same actions, and env i reproduces `simulate --seed N+i`.
 *
 * Nothing is allocated per step (the envs' job lists only grow to their
 * high-water mark). Every buffer is owned by the caller; the vec only
 * writes into it. Passing the same obs buffer every step is
 * fastest: each env then rewrites only the queue rows that changed, so the
 * caller must not write into it (copy it to transform it).
 * A vec is not thread-safe; distinct vecs are independent (no globals).
 *
 * ---------------------------------------------------------------------------
 * Observation (spec 2.2): per env ps_vec_obs_size() float32 values, 10,364
 * for the default cluster, the reference's Dict keys in alphabetical order,
 * values cast to float without scaling:
 *
 *     part                  offset  length  content
 *     backlog_size               0       1  jobs waiting in the backlog
 *     job_queue                  1   10000  2500 queue rows [duration h, age h, nodes, cores per node];
 *                                           free slots are all zeros
 *     nodes                  10001     335  per node: -1 off, 0 idle, else the longest remaining
 *                                           duration (h) of the jobs on it
 *     pending_avg_duration   10336       1  mean duration over queue + backlog (0 if none)
 *     pending_core_hours     10337       1  sum of duration x nodes x cores over queue + backlog
 *     pending_job_count      10338       1  jobs in queue + backlog
 *     pending_max_nodes      10339       1  widest pending job (nodes)
 *     predicted_prices       10340      24  the price window, EUR/MWh; [0] is the price billed
 *                                           in the step that produced the observation
 *
 * ps_vec_obs_part() gives each part's name, offset and length (use it rather
 * than the numbers above). A vector's obs buffer is n x obs_size, env-major.
 *
 * Actions (spec 2.3): per env three int32 [type, magnitude, refill]:
 *     type       0 switch nodes off, 1 keep, 2 switch nodes on
 *     magnitude  0..max_nodes-1 (0..334): switch magnitude + 1 nodes
 *     refill     1: after scheduling, pull backlog jobs into free queue slots
 *                and schedule again; 0: don't
 * ps_vec_action_nvec() gives [3, max_nodes, 2] (a MultiDiscrete space).
 *
 * Rewards: the reference's reward (spec 5) with the weights given.
 * Episodes are 336 steps (two weeks of hours). The reference never
 * terminates; every 336th step truncates. With --flush-after-drop-streak N
 * (the newer contract) a step that flushes the cluster terminates the
 * episode early (terminals[i] = 1). Either way the vec then resets that env
 * itself (spec 2.5: only the episode metrics restart;
 * nodes, queue, running jobs and the price timeline carry over), so the
 * observation written by that step is already the first of the next episode
 * (the reset leaves it unchanged).
 *
 * Episode records (spec 10.2): on a truncating or terminating step, row i of records
 * (ps_record_field_count() doubles, the fields named by
 * ps_record_field_name() in order: episode, agent_cost, baseline_cost, ...:
 * the 50 of the reference record, then those beyond it such as occupancy;
 * see PS_EPISODE_FIELDS in metrics.h) receives env i's finished episode.
 * These are the columns of `powersched simulate --episodes-csv`. Other rows
 * are left untouched. Counts are doubles too; undefined ratios are NaN as in
 * the reference.
 * --------------------------------------------------------------------------- */
#ifndef POWERSCHED_H
#define POWERSCHED_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Values per action: [type, magnitude, refill]. */
#define PS_ACTION_SIZE 3
/* Values per action of ps_vec_step_timed: [type, magnitude, refill, timed]. */
#define PS_ACTION_SIZE_TIMED 4

typedef struct ps_vec ps_vec;

/* Loads the scenario named by the options (argv[0..argc): option words, no
 * program name) and creates n >= 1 envs over it. Returns NULL on error with a
 * one-line message in err (err_size bytes, may be 0). The strings are copied. */
ps_vec *ps_vec_create(int n, int argc, const char *const *argv, char *err, size_t err_size);
/* Frees the envs and the loaded data. NULL is fine. */
void ps_vec_free(ps_vec *vec);

int ps_vec_num_envs(const ps_vec *vec);
/* Floats per env observation. */
int ps_vec_obs_size(const ps_vec *vec);
/* Writes [3, max_nodes, 2]. */
void ps_vec_action_nvec(const ps_vec *vec, int32_t nvec[PS_ACTION_SIZE]);

/* Observation parts in layout order (the enum values are the order). */
typedef enum ps_obs_part {
    PS_OBS_BACKLOG_SIZE,
    PS_OBS_JOB_QUEUE,
    PS_OBS_NODES,
    PS_OBS_PENDING_AVG_DURATION,
    PS_OBS_PENDING_CORE_HOURS,
    PS_OBS_PENDING_JOB_COUNT,
    PS_OBS_PENDING_MAX_NODES,
    PS_OBS_PREDICTED_PRICES,
    PS_OBS_PARTS
} ps_obs_part;

/* Name ("job_queue"), offset and length (floats) of an observation part.
 * Returns 0, or -1 when part is out of range (outputs untouched). Any output
 * pointer may be NULL. */
int ps_vec_obs_part(const ps_vec *vec, int part, const char **name, int *offset, int *length);

/* Starts a new episode in every env and writes the n observations (obs may
 * be NULL). The RNG streams continue where they are. Returns 0. */
int ps_vec_reset(ps_vec *vec, float *obs);
/* The same, reseeding env i's random stream with seed + i first (gymnasium's
 * reset(seed)). The workload's second stream (legacy durations sampler) is
 * seeded only at creation, as in the reference. */
int ps_vec_reset_seed(ps_vec *vec, uint64_t seed, float *obs);

/* Steps every env once. actions: n x 3 int32. Outputs (any may be NULL):
 * obs n x obs_size, rewards n, terminals n (1: a flush ended the episode), truncations n,
 * records n x ps_record_field_count() (rows of finished episodes only).
 * Returns the number of envs whose episode ended in this step (0 on most
 * steps), or -1 with ps_vec_error() set; an invalid action is refused before
 * any env steps, so nothing changed. */
int ps_vec_step(ps_vec *vec, const int32_t *actions, float *obs, float *rewards, uint8_t *terminals,
                uint8_t *truncations, double *records);
/* ps_vec_step with actions n x 4 int32: the fourth, timed 0..6, is job-timing's
 * per-job holding (0: none, as ps_vec_step; k >= 1: start only the waiting
 * jobs the job-timing rule does not hold at --hold-price times 1, 0, 0.5,
 * 1.5, 2, 3 for k = 1..6, judged on the last observation's price window; the
 * guard's due jobs start regardless). */
int ps_vec_step_timed(ps_vec *vec, const int32_t *actions, float *obs, float *rewards, uint8_t *terminals,
                      uint8_t *truncations, double *records);

/* The message of the last failed call on vec ("" if none). Valid until the
 * next call on vec. */
const char *ps_vec_error(const ps_vec *vec);
/* Warnings from building the scenario, one per line (conflicting job
 * sources resolved by the reference's precedence), or "". */
const char *ps_vec_warnings(const ps_vec *vec);

/* The episode record's fields: how many, and the name of field i (NULL when
 * out of range). */
int ps_record_field_count(void);
const char *ps_record_field_name(int i);

/* "git describe" of the build (or the project version). */
const char *ps_version(void);

#ifdef __cplusplus
}
#endif

#endif
