/* scenario.c - loading a scenario's data once and making envs over it. */
#include "powersched/scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "powersched/price_file.h"

ps_scenario_spec ps_scenario_spec_default(void) {
    ps_scenario_spec s;
    memset(&s, 0, sizeof s);
    s.cfg = ps_config_default();
    s.weights = ps_weights_default();
    s.workload.arrival_scale = 1.0;
    s.price_first = s.price_last = -1;
    return s;
}

/* Keeps rows first..last of the loaded series (held-out evaluation). */
static int select_rows(ps_scenario *sc, const ps_scenario_spec *spec, ps_error *err) {
    sc->price_first = 0;
    sc->price_last = (long long)sc->n_prices - 1;
    if (spec->price_first < 0 && spec->price_last < 0) return PS_OK;
    if (!sc->prices) return ps_error_set(err, "--price-rows needs a price file (--prices)");
    long long a = spec->price_first, b = spec->price_last, n = (long long)sc->n_prices;
    if (a < 0 || b < a || b >= n)
        return ps_error_set(err, "--price-rows %lld:%lld: the series has rows 0..%lld", a, b, n - 1);
    if (b - a + 1 < PS_PRICE_WINDOW)
        return ps_error_set(err, "--price-rows %lld:%lld: fewer than %d rows (one price window)", a, b, PS_PRICE_WINDOW);
    memmove(sc->prices, sc->prices + a, (size_t)(b - a + 1) * sizeof *sc->prices);
    sc->n_prices = (size_t)(b - a + 1);
    sc->price_first = a;
    sc->price_last = b;
    return PS_OK;
}

static int load_prices(ps_scenario *sc, const ps_scenario_spec *spec, ps_error *err) {
    if (spec->price_values) {
        if (spec->n_price_values == 0) return ps_error_set(err, "price series is empty");
        sc->prices = malloc(spec->n_price_values * sizeof *sc->prices);
        if (!sc->prices) return ps_error_set(err, "out of memory for %zu prices", spec->n_price_values);
        memcpy(sc->prices, spec->price_values, spec->n_price_values * sizeof *sc->prices);
        sc->n_prices = spec->n_price_values;
        return PS_OK;
    }
    if (!spec->prices_path || !*spec->prices_path) return PS_OK;
    snprintf(sc->prices_path, sizeof sc->prices_path, "%s", spec->prices_path);
    return ps_prices_load(spec->prices_path, &spec->price_options, &sc->prices, &sc->n_prices, &sc->price_report, err);
}

int ps_scenario_load(ps_scenario *sc, const ps_scenario_spec *spec, ps_error *err) {
    memset(sc, 0, sizeof *sc);
    sc->cfg = spec->cfg;
    sc->weights = spec->weights;
    sc->seed = spec->seed;
    if (load_prices(sc, spec, err) != PS_OK || select_rows(sc, spec, err) != PS_OK) {
        ps_scenario_free(sc);
        return PS_ERR;
    }
    if (ps_workload_create(&sc->workload, &sc->cfg, &spec->workload, err) != PS_OK) {
        ps_scenario_free(sc);
        return PS_ERR;
    }
    return PS_OK;
}

void ps_scenario_free(ps_scenario *sc) {
    ps_workload_free(&sc->workload);
    free(sc->prices);
    memset(sc, 0, sizeof *sc);
}

/* The env spec of sc, without a job source yet. */
static ps_env_spec env_spec(const ps_scenario *sc) {
    ps_env_spec spec = ps_env_spec_default();
    spec.cfg = sc->cfg;
    spec.weights = sc->weights;
    spec.prices = sc->prices;
    spec.n_prices = sc->n_prices;
    spec.seed = sc->seed;
    return spec;
}

int ps_scenario_env(const ps_scenario *sc, ps_env *env, ps_error *err) {
    ps_env_spec spec = env_spec(sc);
    if (ps_workload_source(&sc->workload, &spec.source, err) != PS_OK) {
        memset(env, 0, sizeof *env);
        return PS_ERR;
    }
    return ps_env_create(env, &spec, err);
}

/* A job source that also owns the scenario it reads: freeing the env frees
 * the data loaded for it alone. */
typedef struct owning_source {
    ps_job_source inner;
    ps_scenario *sc;
} owning_source;

static int owning_next(void *state, int hour, ps_rng *rng, ps_rng *aux_rng, ps_joblist *out) {
    owning_source *o = state;
    return o->inner.ops->next(o->inner.state, hour, rng, aux_rng, out);
}

static const char *owning_describe(const void *state) {
    const owning_source *o = state;
    return o->inner.ops->describe(o->inner.state);
}

static void owning_free(void *state) {
    owning_source *o = state;
    o->inner.ops->free(o->inner.state);
    ps_scenario_free(o->sc);
    free(o->sc);
    free(o);
}

static const ps_job_source_ops OWNING_OPS = {owning_next, owning_describe, owning_free};

int ps_env_open(ps_env *env, const ps_scenario_spec *spec, const ps_scenario **loaded, ps_error *err) {
    memset(env, 0, sizeof *env);
    owning_source *o = calloc(1, sizeof *o);
    ps_scenario *sc = malloc(sizeof *sc);
    if (!o || !sc) {
        free(o);
        free(sc);
        return ps_error_set(err, "out of memory");
    }
    if (ps_scenario_load(sc, spec, err) != PS_OK) {
        free(o);
        free(sc);
        return PS_ERR;
    }
    o->sc = sc;
    ps_env_spec es = env_spec(sc);
    if (ps_workload_source(&sc->workload, &o->inner, err) != PS_OK) {
        ps_scenario_free(sc);
        free(sc);
        free(o);
        return PS_ERR;
    }
    es.source = (ps_job_source){&OWNING_OPS, o};
    if (ps_env_create(env, &es, err) != PS_OK) return PS_ERR; /* freed o and sc */
    if (loaded) *loaded = sc;
    return PS_OK;
}
