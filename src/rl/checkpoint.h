/* checkpoint.h - a trained model on disk: a zip archive (ps_zip_*) holding
 *   config.json    format name and version, network architecture, PPO
 *                  hyperparameters, reward weights, the options it was
 *                  trained with (data sources, generator)
 *   progress.json  steps (nominal and taken), iteration, gradient steps,
 *                  RNG states
 *   policy/<param>.bin            float32 little-endian values
 *   optimizer/<param>.exp_avg.bin, optimizer/<param>.exp_avg_sq.bin
 * Loading checks the format, the version, the archive (ps_zip_read: sizes,
 * layout, CRCs), every value read from the JSON (present, finite, in range:
 * a clear error naming the file, the entry and the key), that the tensors are
 * exactly those of the network config.json declares (names, sizes, finite
 * values), and refuses a network that does not fit the env; all before the
 * trainer is changed. */
#ifndef POWERSCHED_RL_CHECKPOINT_H
#define POWERSCHED_RL_CHECKPOINT_H

#include <stdint.h>

#include "trainer.h"

#define PS_CHECKPOINT_FORMAT "powersched-checkpoint"
#define PS_CHECKPOINT_VERSION 1

/* The names of the PS_OBS_SCALE_* modes in config.json and --obs-scale
 * ("none", "bounds", "summary", "shape") and of the PS_ACTION_* encodings
 * in --action ("nodes", "gate", "override"); parse returns -1 for another
 * name. */
const char *ps_obs_scale_name(int mode);
int ps_obs_scale_parse(const char *name);
const char *ps_action_name(int encoding);
int ps_action_parse(const char *name);

/* What a checkpoint says about itself besides tensors. */
typedef struct ps_checkpoint_info {
    int hidden[PS_MAX_HIDDEN], n_hidden;
    int obs_dim, nvec[3];
    int obs_scale; /* PS_OBS_SCALE_*: config.json's "obs_scale" (absent: none) */
    double ent_coef;
    int64_t nominal_steps, num_timesteps, iteration, n_updates, adam_steps;
    ps_rng action_rng, shuffle_rng;
    ps_weights weights;
} ps_checkpoint_info;

/* Writes the trainer's network, optimiser and progress to path (atomic).
 * `options` (may be NULL) is recorded as config.json's "options": the
 * options the model was trained with (data sources, generator), a copy. */
struct cJSON;
int ps_checkpoint_save(const char *path, const ps_trainer *t, int64_t nominal_steps, int64_t iteration,
                       const ps_weights *weights, const struct cJSON *options, ps_error *err);

/* Reads only config.json/progress.json (to build a matching trainer). */
int ps_checkpoint_peek(const char *path, ps_checkpoint_info *info, ps_error *err);

/* Restores network, optimiser moments and step count, RNG states and
 * counters into t, whose network must have the checkpoint's architecture. */
int ps_checkpoint_load(const char *path, ps_trainer *t, ps_checkpoint_info *info, ps_error *err);

/* Only the network's parameters (--init-from): t keeps its optimiser,
 * counters and RNG states. The same checks as ps_checkpoint_load. */
int ps_checkpoint_load_network(const char *path, ps_trainer *t, ps_checkpoint_info *info, ps_error *err);

#endif
