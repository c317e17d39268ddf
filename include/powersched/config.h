/* config.h - the cluster's constants (spec section 1) in one struct, so a test
 * can build a small cluster. ps_config_default() gives the contract's values. */
#ifndef POWERSCHED_CONFIG_H
#define POWERSCHED_CONFIG_H

#include <stddef.h>
#include <stdint.h>

/* A running job keeps its node list inline; every job source clamps nodes per
 * job to at most this (spec 8.3-8.5, 9.1 defaults). */
#define PS_MAX_NODES_PER_JOB_LIMIT 16
/* Length of the price window and history (spec 7: PREDICTION/HISTORY_WINDOW). */
#define PS_PRICE_WINDOW 24
/* The most jobs one hour may bring, after the arrival scale: 20 times what
 * queue and backlog hold, so nothing real is cut; a larger count is refused
 * as an error instead of exhausting memory (or overflowing int counts). */
#define PS_MAX_HOUR_JOBS 1000000
/* The longest job any source may bring, hours (~114 years): end times and
 * core-hour sums stay far inside their integer types. */
#define PS_MAX_JOB_HOURS 1000000
/* The largest --job-arrival-scale (and analyze arrival-scale point). */
#define PS_MAX_ARRIVAL_SCALE 1e6

/* The newer training contract (spec 18 C, the "NEWER VERSION DELTA" blocks):
 * each item an option whose zero value is the 47e1086 reference, so a
 * zeroed struct (ps_config_default) keeps the golden parity. */
typedef enum ps_reward_version {
    PS_REWARD_REFERENCE = 0, /* spec 5.3 */
    PS_REWARD_NEWEST = 1,    /* spec 5 delta: backlog pressure, -0.3 tanh drops */
    PS_REWARD_COST = 2,      /* beyond the prototype: euros saved against baseline_off, waiting priced */
    PS_REWARD_COST_AT_LAUNCH = 3 /* the same, each job's whole energy billed in the hour it starts */
} ps_reward_version;
typedef enum ps_price_timing {
    PS_PRICE_TIMING_REFERENCE = 0, /* advance first, bill the new window[0] (spec 7.3) */
    PS_PRICE_TIMING_DECISION = 1   /* bill window[0] read at the start, advance at the end */
} ps_price_timing;
typedef enum ps_price_history {
    PS_PRICE_HISTORY_WINDOW_END = 0, /* the quirk of spec 7.4 */
    PS_PRICE_HISTORY_CONSUMED = 1    /* the price billed in the step */
} ps_price_history;
typedef enum ps_synthetic_prices {
    PS_SYNTH_SINUSOID = 0, /* spec 7.5 */
    PS_SYNTH_LOGIC = 1     /* high if (t mod 24) < 12 else low (spec 7 delta, 18.21) */
} ps_synthetic_prices;
typedef enum ps_hard_reset {
    PS_HARD_RESET_OFF = 0,   /* the continuous timeline of spec 2.5 */
    PS_HARD_RESET_TRAIN = 1, /* first reset: random start row from the env RNG */
    PS_HARD_RESET_EVAL = 2   /* first reset: row (episode x episode_hours) mod N */
} ps_hard_reset;

typedef struct ps_contract {
    int reward;                  /* ps_reward_version */
    int flush_after_drop_streak; /* > 0: flush both sides after this many dropping steps in a row */
    int price_timing;            /* ps_price_timing */
    int price_history;           /* ps_price_history */
    int synthetic_prices;        /* ps_synthetic_prices (no price file) */
    double logic_high, logic_low; /* logic price levels (250 / -10 in the prototype's code) */
    int hard_reset;              /* ps_hard_reset */
    int hourly_binomial;         /* hourly sampler: scale the drawn count (spec 8.6 delta) */
    double wait_cost;            /* PS_REWARD_COST: EUR per job and hour a job waits */
} ps_contract;

typedef struct ps_config {
    int max_nodes;             /* 335 cluster size */
    int cores_per_node;        /* 96 */
    int max_queue_size;        /* 2500 visible queue slots */
    int max_backlog_size;      /* 50000 overflow FIFO capacity */
    int max_job_duration;      /* 170 h: legacy generator bound, obs bound */
    int max_job_age;           /* 336 h: a waiting job older than this is dropped */
    int max_new_jobs_per_hour; /* 1500: legacy generator upper bound */
    int min_nodes_per_job, max_nodes_per_job; /* 1 / 16 */
    int min_cores_per_job, max_cores_per_job; /* 1 / 96 cores per node */
    double cost_idle_w;        /* 150 W per powered node */
    double cost_used_w;        /* 450 W per fully used node */
    /* Beyond the reference (all 0 = its free, instant switching): */
    double node_off_w;         /* drawn by a node that is off (BMC, PSU standby) */
    double node_boot_kwh;      /* energy of one power-on */
    double node_shutdown_kwh;  /* energy of one power-off */
    int node_boot_hours;       /* a node switched on is usable this many steps later */
    int guard_max_wait;        /* > 0: the QoS guard's promise in hours (env.h); 0 = off */
    double hold_price;         /* timed scheduling: EUR/MWh a held job must save per hour it waits (job_timing.h) */
    int episode_hours;         /* 336 */
    ps_contract contract;      /* newer-version options; all 0 = the reference */
} ps_config;

ps_config ps_config_default(void);

/* The reward weights (spec 5.3), declared once: field, name (JSON, CSV,
 * --fix-weights), flag, letter of the model folder name, default, what it
 * weighs. Options, help, config.json, folder names and sweeps all come from
 * this list. Weights are used as given, no normalisation. */
#define PS_WEIGHT_FIELDS(X)                                                                         \
    X(efficiency, "efficiency", "--efficiency-weight", 'e', 0.7, "core utilisation (+ blackout term)") \
    X(price, "price", "--price-weight", 'p', 0.2, "price timing")                                    \
    X(idle, "idle", "--idle-weight", 'i', 0.1, "idle-node penalty")                                  \
    X(job_age, "job_age", "--job-age-weight", 'a', 0.0, "job-age penalty")                          \
    X(drop, "drop", "--drop-weight", 'd', 0.0, "dropped-job penalty")

#define PS_WEIGHT_DECL(field, name, flag, letter, def, help) double field;
typedef struct ps_weights {
    PS_WEIGHT_FIELDS(PS_WEIGHT_DECL)
} ps_weights;
#undef PS_WEIGHT_DECL

#define PS_N_WEIGHTS 5

typedef struct ps_weight_field {
    const char *name, *flag;
    char letter;
    double def;
    const char *help;
    size_t offset; /* of the double in ps_weights */
} ps_weight_field;
extern const ps_weight_field ps_weight_fields[PS_N_WEIGHTS];

/* The weight of field k (0..PS_N_WEIGHTS-1, the list's order). */
double *ps_weight_at(ps_weights *w, int k);
double ps_weight_get(const ps_weights *w, int k);

ps_weights ps_weights_default(void); /* 0.7 / 0.2 / 0.1 / 0.0 / 0.0 */

/* A job record, laid out as a queue row [duration_h, age_h, nodes, cores_per_node]
 * (spec 3). An all-zero row is an empty slot; a slot is active iff duration > 0. */
typedef struct ps_job {
    int32_t duration, age, nodes, cores;
} ps_job;

/* A growable list of jobs; owned by whoever created it (ps_joblist_free). */
typedef struct ps_joblist {
    ps_job *v;
    int n, cap;
} ps_joblist;

/* Makes *buf (of *cap elements of elem bytes) hold at least need, doubling;
 * returns 0, or -1 when out of memory or need cannot be held in an int. */
int ps_grow(void **buf, int *cap, int need, size_t elem);

/* Appends; returns 0, or -1 when out of memory. */
int ps_joblist_push(ps_joblist *l, ps_job j);
/* Makes room for at least cap jobs; returns 0 or -1. */
int ps_joblist_reserve(ps_joblist *l, int cap);
void ps_joblist_free(ps_joblist *l);

#endif
