/* session.h - the folders of a training session (spec 12.4):
 *   <base>/<name>[/seed_<seed>]/models/<prefix>/<steps>.zip
 *                               logs/<prefix>/   tb/<prefix>/   plots/   config.json
 * base is --output-dir (PS_SESSIONS_DIR unless given).
 * prefix = e{E}_p{P}_i{I}_a{A}_d{D}, each weight as Python's float repr
 * (0.7 -> "0.7", 0 -> "0.0"); -0.0 is written as 0.0 (the prototype made a
 * separate "-0.0" folder for it, a bug design.md fixes). */
#ifndef POWERSCHED_SESSION_H
#define POWERSCHED_SESSION_H

#include <stdint.h>
#include <stdio.h>

#include "powersched/config.h"
#include "powersched/error.h"
#include "powersched/options.h"

#define PS_SESSIONS_DIR "sessions"
#define PS_SESSION_NAME_MAX 200
/* The largest step count a checkpoint name may carry (<steps>.zip). */
#define PS_MAX_STEPS INT64_C(1000000000000000)

typedef struct ps_session {
    char root[4096], models_dir[4400], logs_dir[4400], tb_dir[4400], plots_dir[4400];
    char prefix[160];
} ps_session;

/* Python's repr() of a float for the values weights take (shortest
 * round-trip digits, ".0" for whole numbers). */
void ps_py_float_repr(double v, char *buf, size_t size);
void ps_weights_prefix(const ps_weights *w, char *buf, size_t size);

/* A session name is one folder name: not empty, not . or .., no '/', no
 * control characters, at most PS_SESSION_NAME_MAX bytes. */
int ps_session_check_name(const char *name, ps_error *err);

/* Locks the session's models folder for this process (flock on
 * <models_dir>/.lock, which records the pid): a second train of the same
 * session and weights is refused with "in use by pid N". The lock ends with
 * ps_session_unlock or the process. */
int ps_session_lock(const ps_session *s, int *fd, ps_error *err);
void ps_session_unlock(int fd);

/* Fills the paths under base/name (and seed_<seed> when seed_sweep != NULL)
 * without touching the disk. */
void ps_session_paths(ps_session *s, const char *base, const char *name, const uint64_t *seed_sweep,
                      const ps_weights *w);
/* ps_session_paths, then creates the folders. */
int ps_session_open(ps_session *s, const char *base, const char *name, const uint64_t *seed_sweep,
                    const ps_weights *w, ps_error *err);

/* <root>/config.json: how the run was configured. Every option of set with
 * its resolved value, group by group under "options" (ps_optset_json_groups),
 * plus the weights prefix and the seed used (text: 64 bits do not fit a JSON
 * number), random when not given, and each member of provenance (NULL:
 * none; the version and the inputs' CRCs, provenance.h). */
struct cJSON;
int ps_session_write_config(const ps_session *s, const ps_optset *set, uint64_t seed, int seed_given,
                            const struct cJSON *provenance, ps_error *err);

/* <models_dir>/<steps>.zip: the checkpoint after `steps` (nominal) steps. */
void ps_session_model_path(const ps_session *s, int64_t steps, char *path, size_t size);

/* The checkpoint to resume from (spec 12.5): want >= 0 picks <want>.zip if it
 * exists (else a warning on `warn` and the latest); otherwise the latest by
 * the integer in the name. Returns its steps and fills path, or -1 if the
 * models folder holds no checkpoint. */
int64_t ps_session_pick_model(const ps_session *s, int64_t want, char *path, size_t size, FILE *warn);

/* The checkpoint a flag (train --init-from, evaluate-savings --ensemble)
 * names: "SESSION[/STEPS]" under base (SESSION may be NAME/seed_SEED), in
 * its models folder of the weights prefix `prefix`, the latest or STEPS.zip
 * (which must exist); or a path ending in .zip. Fills path; errors name the
 * flag and the folder looked in. */
int ps_session_find_checkpoint(const char *base, const char *flag, const char *spec, const char *prefix, char *path,
                               size_t size, ps_error *err);

#endif
