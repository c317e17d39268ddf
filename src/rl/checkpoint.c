/* checkpoint.c - save/load of trainer state as a zip of JSON + raw tensors. */
#include "checkpoint.h"

#include <cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "powersched/zipfile.h"

#define MAX_ENTRIES (3 * PS_MAX_PARAMS + 4)

/* ------------------------------------------------------------------ save */

static cJSON *rng_json(const ps_rng *r) {
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < 4; i++) {
        char buf[24];
        snprintf(buf, sizeof buf, "%" PRIu64, r->s[i]); /* 64-bit exact: as strings */
        cJSON_AddItemToArray(a, cJSON_CreateString(buf));
    }
    return a;
}

static char *config_json(const ps_trainer *t, const ps_weights *w, const cJSON *options) {
    const ps_policy *p = &t->policy;
    cJSON *root = cJSON_CreateObject(), *net = cJSON_CreateArray(), *ppo = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "format", PS_CHECKPOINT_FORMAT);
    cJSON_AddNumberToObject(root, "version", PS_CHECKPOINT_VERSION);
    for (int k = 0; k < p->n_hidden; k++) cJSON_AddItemToArray(net, cJSON_CreateNumber(p->hidden[k]));
    cJSON_AddItemToObject(root, "net_arch", net);
    cJSON_AddNumberToObject(root, "obs_dim", p->obs_dim);
    cJSON_AddItemToObject(root, "nvec", cJSON_CreateIntArray(p->nvec, 3));
    const ps_ppo_config *c = &t->ppo;
    cJSON_AddNumberToObject(ppo, "n_steps", c->n_steps);
    cJSON_AddNumberToObject(ppo, "batch_size", c->batch_size);
    cJSON_AddNumberToObject(ppo, "n_epochs", c->n_epochs);
    cJSON_AddNumberToObject(ppo, "learning_rate", c->learning_rate);
    cJSON_AddNumberToObject(ppo, "gamma", c->gamma);
    cJSON_AddNumberToObject(ppo, "gae_lambda", c->gae_lambda);
    cJSON_AddNumberToObject(ppo, "clip_range", c->clip_range);
    cJSON_AddNumberToObject(ppo, "ent_coef", c->ent_coef);
    cJSON_AddNumberToObject(ppo, "vf_coef", c->vf_coef);
    cJSON_AddNumberToObject(ppo, "max_grad_norm", c->max_grad_norm);
    cJSON_AddNumberToObject(ppo, "adam_eps", c->adam_eps);
    cJSON_AddItemToObject(root, "ppo", ppo);
    cJSON *wj = cJSON_CreateObject();
    for (int k = 0; k < PS_N_WEIGHTS; k++) cJSON_AddNumberToObject(wj, ps_weight_fields[k].name, ps_weight_get(w, k));
    cJSON_AddItemToObject(root, "weights", wj);
    cJSON *opts = options ? cJSON_Duplicate(options, 1) : NULL;
    cJSON_AddItemToObject(root, "options", opts ? opts : cJSON_CreateObject());
    cJSON *params = cJSON_CreateArray();
    for (int i = 0; i < p->n_params; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "name", p->names[i]);
        cJSON_AddNumberToObject(e, "numel", (double)at_numel(p->params[i]));
        cJSON_AddItemToArray(params, e);
    }
    cJSON_AddItemToObject(root, "params", params);
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    return text;
}

static char *progress_json(const ps_trainer *t, int64_t nominal, int64_t iteration) {
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "nominal_steps", (double)nominal);
    cJSON_AddNumberToObject(root, "num_timesteps", (double)t->num_timesteps);
    cJSON_AddNumberToObject(root, "iteration", (double)iteration);
    cJSON_AddNumberToObject(root, "n_updates", (double)t->n_updates);
    cJSON_AddNumberToObject(root, "adam_steps", (double)ato_step_count(t->opt));
    cJSON_AddItemToObject(root, "action_rng", rng_json(&t->action_rng));
    cJSON_AddItemToObject(root, "shuffle_rng", rng_json(&t->shuffle_rng));
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    return text;
}

static void add_entry(ps_zip_entry *e, int *n, const char *name, void *data, size_t size) {
    snprintf(e[*n].name, sizeof e[*n].name, "%s", name);
    e[*n].data = data;
    e[*n].size = size;
    (*n)++;
}

int ps_checkpoint_save(const char *path, const ps_trainer *t, int64_t nominal, int64_t iteration,
                       const ps_weights *w, const cJSON *options, ps_error *err) {
    ps_zip_entry e[MAX_ENTRIES];
    int n = 0;
    char *cfg = config_json(t, w, options), *prog = progress_json(t, nominal, iteration);
    if (!cfg || !prog) {
        free(cfg);
        free(prog);
        return ps_error_set(err, "%s: out of memory", path);
    }
    add_entry(e, &n, "config.json", cfg, strlen(cfg));
    add_entry(e, &n, "progress.json", prog, strlen(prog));
    const ps_policy *p = &t->policy;
    char name[256];
    for (int i = 0; i < p->n_params; i++) {
        size_t bytes = (size_t)at_numel(p->params[i]) * sizeof(float);
        snprintf(name, sizeof name, "policy/%s.bin", p->names[i]);
        add_entry(e, &n, name, at_data(p->params[i]), bytes);
        for (int which = 0; which < 2; which++) {
            at_tensor m = ato_moment(t->opt, i, which);
            snprintf(name, sizeof name, "optimizer/%s.%s.bin", p->names[i], which ? "exp_avg_sq" : "exp_avg");
            add_entry(e, &n, name, m ? at_data(m) : NULL, bytes);
            if (m) at_free(m); /* a second handle to the optimiser's tensor: its data stays */
        }
    }
    int rc = at_last_error() ? ps_torch_error(err, path) : ps_zip_write(path, e, n, err);
    free(cfg);
    free(prog);
    return rc;
}

/* ------------------------------------------------------------------ load */

static int parse_info(const char *path, const ps_zip_entry *e, int n, ps_checkpoint_info *info, cJSON **cfg_out,
                      cJSON **prog_out, ps_error *err) {
    memset(info, 0, sizeof *info);
    const ps_zip_entry *c = ps_zip_find(e, n, "config.json"), *pr = ps_zip_find(e, n, "progress.json");
    if (!c || !pr) return ps_error_set(err, "%s: not a PowerSched checkpoint (no config.json/progress.json)", path);
    cJSON *cfg = cJSON_ParseWithLength(c->data, c->size), *prog = cJSON_ParseWithLength(pr->data, pr->size);
    *cfg_out = cfg;
    *prog_out = prog;
    if (!cfg || !prog) return ps_error_set(err, "%s: config.json or progress.json is not valid JSON", path);
    const cJSON *fmt = cJSON_GetObjectItem(cfg, "format"), *ver = cJSON_GetObjectItem(cfg, "version");
    if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, PS_CHECKPOINT_FORMAT) != 0)
        return ps_error_set(err, "%s: not a PowerSched checkpoint (format is not %s)", path, PS_CHECKPOINT_FORMAT);
    if (!cJSON_IsNumber(ver) || ver->valueint != PS_CHECKPOINT_VERSION)
        return ps_error_set(err, "%s: checkpoint format version %d, this program reads version %d", path,
                            cJSON_IsNumber(ver) ? ver->valueint : -1, PS_CHECKPOINT_VERSION);
    const cJSON *net = cJSON_GetObjectItem(cfg, "net_arch"), *nvec = cJSON_GetObjectItem(cfg, "nvec");
    info->n_hidden = cJSON_GetArraySize(net);
    if (!cJSON_IsArray(net) || info->n_hidden < 1 || info->n_hidden > PS_MAX_HIDDEN || cJSON_GetArraySize(nvec) != 3)
        return ps_error_set(err, "%s: config.json has no valid net_arch/nvec", path);
    for (int k = 0; k < info->n_hidden; k++) info->hidden[k] = cJSON_GetArrayItem(net, k)->valueint;
    for (int k = 0; k < 3; k++) info->nvec[k] = cJSON_GetArrayItem(nvec, k)->valueint;
    info->obs_dim = cJSON_GetObjectItem(cfg, "obs_dim") ? cJSON_GetObjectItem(cfg, "obs_dim")->valueint : 0;
    const cJSON *ppo = cJSON_GetObjectItem(cfg, "ppo"), *w = cJSON_GetObjectItem(cfg, "weights");
    info->ent_coef = cJSON_GetNumberValue(cJSON_GetObjectItem(ppo, "ent_coef"));
    for (int k = 0; k < PS_N_WEIGHTS; k++)
        *ps_weight_at(&info->weights, k) = cJSON_GetNumberValue(cJSON_GetObjectItem(w, ps_weight_fields[k].name));
    info->nominal_steps = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(prog, "nominal_steps"));
    info->num_timesteps = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(prog, "num_timesteps"));
    info->iteration = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(prog, "iteration"));
    info->n_updates = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(prog, "n_updates"));
    if (info->obs_dim <= 0 || info->num_timesteps < 0)
        return ps_error_set(err, "%s: config.json/progress.json lack obs_dim or step counts", path);
    return PS_OK;
}

int ps_checkpoint_peek(const char *path, ps_checkpoint_info *info, ps_error *err) {
    ps_zip_entry *e;
    int n;
    if (ps_zip_read(path, &e, &n, err) != PS_OK) return PS_ERR;
    cJSON *cfg = NULL, *prog = NULL;
    int rc = parse_info(path, e, n, info, &cfg, &prog, err);
    cJSON_Delete(cfg);
    cJSON_Delete(prog);
    ps_zip_free(e, n);
    return rc;
}

static int load_rng(const char *path, const cJSON *a, ps_rng *r, ps_error *err) {
    if (cJSON_GetArraySize(a) != 4) return ps_error_set(err, "%s: progress.json has no RNG state", path);
    for (int i = 0; i < 4; i++) {
        const cJSON *s = cJSON_GetArrayItem(a, i);
        if (!cJSON_IsString(s)) return ps_error_set(err, "%s: progress.json RNG state is not text", path);
        r->s[i] = strtoull(s->valuestring, NULL, 10);
    }
    return PS_OK;
}

/* Copies one tensor's values from its entry after checking the size. */
static int load_tensor(const char *path, const ps_zip_entry *e, int n, const char *name, float *dst, size_t count,
                       ps_error *err) {
    const ps_zip_entry *x = ps_zip_find(e, n, name);
    if (!x) return ps_error_set(err, "%s: entry %s is missing", path, name);
    if (x->size != count * sizeof(float))
        return ps_error_set(err, "%s: entry %s has %zu bytes, the network needs %zu", path, name, x->size,
                            count * sizeof(float));
    memcpy(dst, x->data, x->size);
    return PS_OK;
}

/* The network's tensors and, with_moments, Adam's moments. */
static int load_tensors(const char *path, const ps_zip_entry *e, int n, ps_trainer *t, int with_moments,
                        ps_error *err) {
    ps_policy *p = &t->policy;
    char name[256];
    for (int i = 0; i < p->n_params; i++) {
        size_t count = (size_t)at_numel(p->params[i]);
        snprintf(name, sizeof name, "policy/%s.bin", p->names[i]);
        if (load_tensor(path, e, n, name, at_data(p->params[i]), count, err) != PS_OK) return PS_ERR;
        for (int which = 0; with_moments && which < 2; which++) {
            at_tensor m = ato_moment(t->opt, i, which);
            snprintf(name, sizeof name, "optimizer/%s.%s.bin", p->names[i], which ? "exp_avg_sq" : "exp_avg");
            int rc = m ? load_tensor(path, e, n, name, at_data(m), count, err) : ps_torch_error(err, path);
            if (m) at_free(m);
            if (rc != PS_OK) return PS_ERR;
        }
    }
    return PS_OK;
}

/* "64,64" */
static void arch_text(const int *hidden, int n, char *buf, size_t size) {
    size_t o = 0;
    buf[0] = '\0';
    for (int k = 0; k < n && o < size; k++) o += (size_t)snprintf(buf + o, size - o, "%s%d", k ? "," : "", hidden[k]);
}

/* The checkpoint's network must be the one built: observations, actions
 * and hidden layers. */
static int check_shape(const char *path, const ps_checkpoint_info *info, const ps_policy *p, ps_error *err) {
    if (info->obs_dim != p->obs_dim || memcmp(info->nvec, p->nvec, sizeof p->nvec) != 0)
        return ps_error_set(err, "%s: the model was trained for %d observations and actions [3, %d, 2]; this "
                            "cluster has %d and [3, %d, 2]", path, info->obs_dim, info->nvec[1], p->obs_dim, p->nvec[1]);
    if (info->n_hidden != p->n_hidden || memcmp(info->hidden, p->hidden, (size_t)p->n_hidden * sizeof *p->hidden)) {
        char have[64], built[64];
        arch_text(info->hidden, info->n_hidden, have, sizeof have);
        arch_text(p->hidden, p->n_hidden, built, sizeof built);
        return ps_error_set(err, "%s: network architecture differs: the checkpoint has hidden layers %s, the network "
                            "built %s (--net-arch)", path, have, built);
    }
    return PS_OK;
}

/* Reads path into t: the network (with Adam's moments when full) and, when
 * full, RNG states and counters. */
static int load(const char *path, ps_trainer *t, ps_checkpoint_info *info, int full, ps_error *err) {
    ps_zip_entry *e;
    int n;
    if (ps_zip_read(path, &e, &n, err) != PS_OK) return PS_ERR;
    cJSON *cfg = NULL, *prog = NULL;
    int rc = parse_info(path, e, n, info, &cfg, &prog, err);
    if (rc == PS_OK) rc = check_shape(path, info, &t->policy, err);
    if (rc == PS_OK) rc = load_tensors(path, e, n, t, full, err);
    if (rc == PS_OK) rc = ps_policy_refresh(&t->policy, err);
    if (rc == PS_OK && full) rc = load_rng(path, cJSON_GetObjectItem(prog, "action_rng"), &t->action_rng, err);
    if (rc == PS_OK && full) rc = load_rng(path, cJSON_GetObjectItem(prog, "shuffle_rng"), &t->shuffle_rng, err);
    if (rc == PS_OK && full) {
        t->num_timesteps = info->num_timesteps;
        t->n_updates = info->n_updates;
        ato_set_step_count(t->opt, (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(prog, "adam_steps")));
    }
    cJSON_Delete(cfg);
    cJSON_Delete(prog);
    ps_zip_free(e, n);
    return rc;
}

int ps_checkpoint_load(const char *path, ps_trainer *t, ps_checkpoint_info *info, ps_error *err) {
    return load(path, t, info, 1, err);
}

int ps_checkpoint_load_network(const char *path, ps_trainer *t, ps_checkpoint_info *info, ps_error *err) {
    return load(path, t, info, 0, err);
}
