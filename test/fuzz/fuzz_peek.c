/* fuzz_peek.c - see fuzz_peek.h. */
#include "fuzz_peek.h"

#include <math.h>

#include "checkpoint.h"
#include "fuzz_common.h"

void fuzz_peek(const char *path) {
    ps_error err = {{0}};
    ps_checkpoint_info info;
    if (ps_checkpoint_peek(path, &info, &err) != PS_OK) {
        fuzz_check_error(&err, path);
        return;
    }
    FUZZ_CHECK(info.n_hidden >= 1 && info.n_hidden <= PS_MAX_HIDDEN, "%d hidden layers", info.n_hidden);
    for (int k = 0; k < info.n_hidden; k++) FUZZ_CHECK(info.hidden[k] >= 1, "hidden layer %d of width %d", k, info.hidden[k]);
    FUZZ_CHECK(info.obs_dim >= 1, "obs_dim %d", info.obs_dim);
    for (int k = 0; k < 3; k++) FUZZ_CHECK(info.nvec[k] >= 1, "nvec[%d] = %d", k, info.nvec[k]);
    FUZZ_CHECK(isfinite(info.ent_coef), "ent_coef %g", info.ent_coef);
    for (int k = 0; k < PS_N_WEIGHTS; k++)
        FUZZ_CHECK(isfinite(ps_weight_get(&info.weights, k)), "weight %s is %g", ps_weight_fields[k].name,
                   ps_weight_get(&info.weights, k));
    FUZZ_CHECK(info.nominal_steps >= 0 && info.num_timesteps >= 0 && info.iteration >= 0 && info.n_updates >= 0,
               "counters: nominal %lld, steps %lld, iteration %lld, updates %lld", (long long)info.nominal_steps,
               (long long)info.num_timesteps, (long long)info.iteration, (long long)info.n_updates);
}
