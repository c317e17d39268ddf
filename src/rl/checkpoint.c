/* checkpoint.c - save/load of trainer state as a zip of JSON + raw tensors. */
#include "checkpoint.h"

#include <cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "powersched/session.h"
#include "powersched/zipfile.h"
#include "kernels.h"

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
    if (t->obs_scale != PS_OBS_SCALE_NONE) /* absent: none, as before the option */
        cJSON_AddStringToObject(root, "obs_scale", ps_obs_scale_name(t->obs_scale));
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
    cJSON_AddNumberToObject(root, "adam_steps", (double)t->opt.steps);
    cJSON_AddItemToObject(root, "action_rng", rng_json(&t->action_rng));
    cJSON_AddItemToObject(root, "shuffle_rng", rng_json(&t->shuffle_rng));
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    return text;
}

static void add_entry(ps_zip_entry *e, int *n, const char *name, const void *data, size_t size) {
    size_t len = strnlen(name, sizeof e[*n].name - 1);
    memcpy(e[*n].name, name, len);
    e[*n].name[len] = '\0';
    e[*n].data = (void *)data; /* only read by ps_zip_write */
    e[*n].size = size;
    (*n)++;
}

/* A parameter's entries: its values and Adam's two moments. */
static void tensor_names(const ps_policy *p, int i, char names[3][200]) {
    snprintf(names[0], sizeof names[0], "policy/%s.bin", p->names[i]);
    snprintf(names[1], sizeof names[1], "optimizer/%s.exp_avg.bin", p->names[i]);
    snprintf(names[2], sizeof names[2], "optimizer/%s.exp_avg_sq.bin", p->names[i]);
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
    char names[3][200];
    float *copies[6] = {NULL}; /* the input-major weights and moments in torch's layout */
    int n_copies = 0, rc = PS_OK;
    for (int i = 0; i < p->n_params && rc == PS_OK; i++) {
        size_t bytes = (size_t)p->numel[i] * sizeof(float);
        const float *src[3] = {p->w[i], ps_adam_moment(&t->opt, i, 0), ps_adam_moment(&t->opt, i, 1)};
        tensor_names(p, i, names);
        for (int k = 0; k < 3 && rc == PS_OK; k++) {
            if (ps_input_major(p, i)) {
                float *c = copies[n_copies++] = malloc(bytes);
                if (!c) {
                    rc = ps_error_set(err, "%s: out of memory", path);
                    break;
                }
                ps_k_transpose(c, src[k], p->obs_dim, p->hidden[0]);
                src[k] = c;
            }
            add_entry(e, &n, names[k], src[k], bytes);
        }
    }
    if (rc == PS_OK) rc = ps_zip_write(path, e, n, err);
    for (int k = 0; k < n_copies; k++) free(copies[k]);
    free(cfg);
    free(prog);
    return rc;
}

/* ------------------------------------------------------------------ load */

/* Nothing read from a checkpoint is believed unchecked: every number must
 * be present, finite and in the range the program can hold (a missing
 * "ppo" once resumed with ent_coef NaN and trained to NaN weights; counters
 * were cast from any double), and the tensors must be exactly those of the
 * declared network, finite, before the first one is copied, so a refused
 * load leaves the trainer as it was. */

/* Which file and entry a value comes from, for the error. */
typedef struct json_src {
    const char *path, *entry;
    ps_error *err;
} json_src;

/* v, called label in messages: a number, finite, in [lo, hi], integral
 * when asked. */
static int check_number(const json_src *s, const cJSON *v, const char *label, double lo, double hi, int integral,
                        double *out) {
    if (!cJSON_IsNumber(v))
        return ps_error_set(s->err, "%s: %s: %s is %s", s->path, s->entry, label, v ? "not a number" : "missing");
    double x = v->valuedouble;
    if (!isfinite(x) || x < lo || x > hi || (integral && x != floor(x)))
        return ps_error_set(s->err, "%s: %s: %s is %.17g, expected %s in [%.17g, %.17g]", s->path, s->entry, label, x,
                            integral ? "an integer" : "a number", lo, hi);
    *out = x;
    return PS_OK;
}

/* obj[key], where obj is the section sec ("" at the top, "ppo." in ppo). */
static int read_number(const json_src *s, const cJSON *obj, const char *sec, const char *key, double lo, double hi,
                       int integral, double *out) {
    char label[128];
    snprintf(label, sizeof label, "%s%s", sec, key);
    return check_number(s, cJSON_GetObjectItemCaseSensitive(obj, key), label, lo, hi, integral, out);
}

/* A progress counter: an integer in [0, hi]. */
static int read_count(const json_src *s, const cJSON *obj, const char *key, int64_t hi, int64_t *out) {
    double x = 0;
    if (read_number(s, obj, "", key, 0, (double)hi, 1, &x) != PS_OK) return PS_ERR;
    *out = (int64_t)x;
    return PS_OK;
}

/* root[key], which must be an object. */
static int read_section(const json_src *s, const cJSON *root, const char *key, const cJSON **out) {
    *out = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!cJSON_IsObject(*out))
        return ps_error_set(s->err, "%s: %s: %s is %s", s->path, s->entry, key, *out ? "not an object" : "missing");
    return PS_OK;
}

/* root[key]: an array of n_min..n_max integers in [lo, hi] into v (*n). */
static int read_ints(const json_src *s, const cJSON *root, const char *key, int n_min, int n_max, int lo, int hi,
                     int *v, int *n) {
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, key);
    *n = cJSON_IsArray(a) ? cJSON_GetArraySize(a) : -1;
    if (*n < n_min || *n > n_max)
        return ps_error_set(s->err, "%s: %s: %s is not an array of %d to %d numbers", s->path, s->entry, key, n_min,
                            n_max);
    for (int k = 0; k < *n; k++) {
        char label[64];
        double x = 0;
        snprintf(label, sizeof label, "%s[%d]", key, k);
        if (check_number(s, cJSON_GetArrayItem(a, k), label, lo, hi, 1, &x) != PS_OK) return PS_ERR;
        v[k] = (int)x;
    }
    return PS_OK;
}

/* Bounds of what the program builds or accepts as flags. */
#define MAX_LAYER 4096             /* ps_policy_create */
#define MAX_OBS_DIM (1 << 26)
#define MAX_ACTIONS (1 << 20)
#define MAX_ENT_COEF 1e3           /* --ent-coef */
#define MAX_WEIGHT 1e6             /* --efficiency-weight etc. */
#define MAX_UPDATES INT64_C(9007199254740992) /* 2^53: a JSON number's exact integers */

static int parse_format(const json_src *s, const cJSON *cfg) {
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(cfg, "format");
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(cfg, "version");
    if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, PS_CHECKPOINT_FORMAT) != 0)
        return ps_error_set(s->err, "%s: not a PowerSched checkpoint (format is not %s)", s->path, PS_CHECKPOINT_FORMAT);
    if (!cJSON_IsNumber(ver) || ver->valuedouble != PS_CHECKPOINT_VERSION)
        return ps_error_set(s->err, "%s: checkpoint format version %.17g, this program reads version %d", s->path,
                            cJSON_IsNumber(ver) ? ver->valuedouble : -1.0, PS_CHECKPOINT_VERSION);
    return PS_OK;
}

/* config.json: the network, ent_coef (what a resume takes from it) and the
 * reward weights. */
static int parse_config(const json_src *s, const cJSON *cfg, ps_checkpoint_info *info) {
    const cJSON *ppo, *w;
    int n_nvec;
    double obs;
    if (parse_format(s, cfg) != PS_OK ||
        read_ints(s, cfg, "net_arch", 1, PS_MAX_HIDDEN, 1, MAX_LAYER, info->hidden, &info->n_hidden) != PS_OK ||
        read_ints(s, cfg, "nvec", 3, 3, 1, MAX_ACTIONS, info->nvec, &n_nvec) != PS_OK ||
        read_number(s, cfg, "", "obs_dim", 1, MAX_OBS_DIM, 1, &obs) != PS_OK ||
        read_section(s, cfg, "ppo", &ppo) != PS_OK ||
        read_number(s, ppo, "ppo.", "ent_coef", 0, MAX_ENT_COEF, 0, &info->ent_coef) != PS_OK ||
        read_section(s, cfg, "weights", &w) != PS_OK)
        return PS_ERR;
    info->obs_dim = (int)obs;
    const cJSON *scale = cJSON_GetObjectItemCaseSensitive(cfg, "obs_scale");
    info->obs_scale = scale ? (cJSON_IsString(scale) ? ps_obs_scale_parse(scale->valuestring) : -1) : PS_OBS_SCALE_NONE;
    if (info->obs_scale < 0)
        return ps_error_set(s->err, "%s: %s: obs_scale must be \"none\", \"bounds\", \"summary\" or \"shape\"", s->path,
                            s->entry);
    for (int k = 0; k < PS_N_WEIGHTS; k++)
        if (read_number(s, w, "weights.", ps_weight_fields[k].name, -MAX_WEIGHT, MAX_WEIGHT, 0,
                        ps_weight_at(&info->weights, k)) != PS_OK)
            return PS_ERR;
    return PS_OK;
}

/* progress.json's "action_rng"/"shuffle_rng": 4 decimal uint64 strings,
 * not all zero (xoshiro256** never leaves that state). */
static int parse_rng(const json_src *s, const cJSON *prog, const char *key, ps_rng *r) {
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(prog, key);
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != 4)
        return ps_error_set(s->err, "%s: %s: %s is not an array of 4 strings", s->path, s->entry, key);
    for (int i = 0; i < 4; i++) {
        const cJSON *v = cJSON_GetArrayItem(a, i);
        const char *t = cJSON_IsString(v) ? v->valuestring : "";
        char *end;
        errno = 0;
        r->s[i] = strtoull(t, &end, 10);
        if (!*t || strspn(t, "0123456789") != strlen(t) || *end || errno == ERANGE)
            return ps_error_set(s->err, "%s: %s: %s[%d] is not a 64-bit unsigned integer", s->path, s->entry, key, i);
    }
    if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0)
        return ps_error_set(s->err, "%s: %s: %s is all zeros", s->path, s->entry, key);
    return PS_OK;
}

/* progress.json: step counts (PS_MAX_STEPS, as checkpoint names), update
 * counts, RNG states. */
static int parse_progress(const json_src *s, const cJSON *prog, ps_checkpoint_info *info) {
    if (read_count(s, prog, "nominal_steps", PS_MAX_STEPS, &info->nominal_steps) != PS_OK ||
        read_count(s, prog, "num_timesteps", PS_MAX_STEPS, &info->num_timesteps) != PS_OK ||
        read_count(s, prog, "iteration", PS_MAX_STEPS, &info->iteration) != PS_OK ||
        read_count(s, prog, "n_updates", MAX_UPDATES, &info->n_updates) != PS_OK ||
        read_count(s, prog, "adam_steps", MAX_UPDATES, &info->adam_steps) != PS_OK ||
        parse_rng(s, prog, "action_rng", &info->action_rng) != PS_OK ||
        parse_rng(s, prog, "shuffle_rng", &info->shuffle_rng) != PS_OK)
        return PS_ERR;
    return PS_OK;
}

/* The JSON entry `name` parsed (caller deletes), or NULL with err. */
static cJSON *parse_entry(const char *path, const ps_zip_entry *e, int n, const char *name, ps_error *err) {
    const ps_zip_entry *x = ps_zip_find(e, n, name);
    if (!x) {
        ps_error_set(err, "%s: not a PowerSched checkpoint (no %s)", path, name);
        return NULL;
    }
    cJSON *root = cJSON_ParseWithLength(x->data, x->size);
    if (cJSON_IsObject(root)) return root;
    cJSON_Delete(root);
    ps_error_set(err, "%s: %s is not a valid JSON object", path, name);
    return NULL;
}

static int parse_info(const char *path, const ps_zip_entry *e, int n, ps_checkpoint_info *info, ps_error *err) {
    memset(info, 0, sizeof *info);
    cJSON *cfg = parse_entry(path, e, n, "config.json", err);
    cJSON *prog = cfg ? parse_entry(path, e, n, "progress.json", err) : NULL;
    json_src sc = {path, "config.json", err}, sp = {path, "progress.json", err};
    int rc = cfg && prog && parse_config(&sc, cfg, info) == PS_OK && parse_progress(&sp, prog, info) == PS_OK
                 ? PS_OK : PS_ERR;
    cJSON_Delete(cfg);
    cJSON_Delete(prog);
    return rc;
}

int ps_checkpoint_peek(const char *path, ps_checkpoint_info *info, ps_error *err) {
    ps_zip_entry *e;
    int n;
    if (ps_zip_read(path, &e, &n, err) != PS_OK) return PS_ERR;
    int rc = parse_info(path, e, n, info, err);
    ps_zip_free(e, n);
    return rc;
}

/* ---- the tensors ---- */

/* The entry names of tensor i: policy, Adam's exp_avg, exp_avg_sq. */

/* "64,64" */
static void arch_text(const int *hidden, int n, char *buf, size_t size) {
    size_t o = 0;
    buf[0] = '\0';
    for (int k = 0; k < n && o < size; k++) o += (size_t)snprintf(buf + o, size - o, "%s%d", k ? "," : "", hidden[k]);
}

/* Whether name is one of the network's tensors. */
static int is_tensor_of(const ps_policy *p, const char *name) {
    char names[3][200];
    for (int i = 0; i < p->n_params; i++) {
        tensor_names(p, i, names);
        for (int w = 0; w < 3; w++)
            if (strcmp(names[w], name) == 0) return 1;
    }
    return 0;
}

/* An entry that is neither JSON nor a tensor of p: the tensors were saved
 * for another network than config.json declares. */
static int check_no_strays(const char *path, const ps_zip_entry *e, int n, const ps_policy *p, ps_error *err) {
    for (int k = 0; k < n; k++) {
        if (!strcmp(e[k].name, "config.json") || !strcmp(e[k].name, "progress.json") || is_tensor_of(p, e[k].name))
            continue;
        char arch[64];
        arch_text(p->hidden, p->n_hidden, arch, sizeof arch);
        return ps_error_set(err, "%s: entry %s is not a tensor of the network config.json declares (net_arch %s, "
                            "%d observations): the tensors do not match config.json", path, e[k].name, arch,
                            p->obs_dim);
    }
    return PS_OK;
}

/* Entry name holds count finite floats. */
static int check_tensor(const char *path, const ps_zip_entry *e, int n, const char *name, size_t count, ps_error *err) {
    const ps_zip_entry *x = ps_zip_find(e, n, name);
    if (!x) return ps_error_set(err, "%s: entry %s is missing", path, name);
    if (x->size != count * sizeof(float))
        return ps_error_set(err, "%s: entry %s has %zu bytes, the network config.json declares needs %zu", path, name,
                            x->size, count * sizeof(float));
    const float *v = x->data;
    for (size_t i = 0; i < count; i++)
        if (!isfinite(v[i]))
            return ps_error_set(err, "%s: entry %s holds %s at index %zu", path, name,
                                isnan(v[i]) ? "nan" : v[i] > 0 ? "inf" : "-inf", i);
    return PS_OK;
}

/* Every tensor of p (policy and both moments) present, sized, finite; and
 * no other. */
static int check_tensors(const char *path, const ps_zip_entry *e, int n, const ps_policy *p, ps_error *err) {
    char names[3][200];
    for (int i = 0; i < p->n_params; i++) {
        tensor_names(p, i, names);
        for (int w = 0; w < 3; w++)
            if (check_tensor(path, e, n, names[w], (size_t)at_numel(p->params[i]), err) != PS_OK) return PS_ERR;
    }
    return check_no_strays(path, e, n, p, err);
}

/* Copies the checked tensors into t: the network and, with_moments, Adam's
 * moments. */
static void copy_tensors(const ps_zip_entry *e, int n, ps_trainer *t, int with_moments) {
    ps_policy *p = &t->policy;
    char names[3][200];
    for (int i = 0; i < p->n_params; i++) {
        tensor_names(p, i, names);
        float *dst[3] = {p->w[i], ps_adam_moment(&t->opt, i, 0), ps_adam_moment(&t->opt, i, 1)};
        for (int k = 0; k < (with_moments ? 3 : 1); k++) {
            const ps_zip_entry *x = ps_zip_find(e, n, names[k]);
            if (ps_input_major(p, i)) /* torch's [hidden0, obs_dim] to ours */
                ps_k_transpose(dst[k], (const float *)x->data, p->hidden[0], p->obs_dim);
            else
                memcpy(dst[k], x->data, x->size);
        }
    }
}

/* The option words of the PS_OBS_SCALE_* and PS_ACTION_* modes, by value. */
static const char *const OBS_SCALE_NAMES[] = {"none", "bounds", "summary", "shape"};
static const char *const ACTION_NAMES[] = {"nodes", "gate", "override", "override-timing", "timing-levels"};
#define N_NAMES(a) ((int)(sizeof(a) / sizeof *(a)))

static int index_of(const char *const *names, int n, const char *name) {
    for (int k = 0; k < n; k++)
        if (!strcmp(name, names[k])) return k;
    return -1;
}

const char *ps_obs_scale_name(int mode) {
    return mode >= 0 && mode < N_NAMES(OBS_SCALE_NAMES) ? OBS_SCALE_NAMES[mode] : "?";
}

int ps_obs_scale_parse(const char *name) { return index_of(OBS_SCALE_NAMES, N_NAMES(OBS_SCALE_NAMES), name); }

const char *ps_action_name(int encoding) {
    return encoding >= 0 && encoding < N_NAMES(ACTION_NAMES) ? ACTION_NAMES[encoding] : "?";
}

int ps_action_parse(const char *name) { return index_of(ACTION_NAMES, N_NAMES(ACTION_NAMES), name); }

/* The checkpoint's network must be the one built: observations, actions
 * and hidden layers. */
static int check_shape(const char *path, const ps_checkpoint_info *info, const ps_policy *p, ps_error *err) {
    if (info->obs_dim != p->obs_dim || memcmp(info->nvec, p->nvec, sizeof p->nvec) != 0)
        return ps_error_set(err, "%s: the model was trained for %d observations and actions [%d, %d, %d] (--action "
                            "%s); this network has %d and [%d, %d, %d] (--action %s)", path, info->obs_dim,
                            info->nvec[0], info->nvec[1], info->nvec[2], ps_action_name(ps_action_encoding(info->nvec)),
                            p->obs_dim, p->nvec[0], p->nvec[1], p->nvec[2], ps_action_name(ps_action_encoding(p->nvec)));
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
 * full, RNG states and counters. Everything is checked before t changes. */
static int load(const char *path, ps_trainer *t, ps_checkpoint_info *info, int full, ps_error *err) {
    ps_zip_entry *e;
    int n;
    if (ps_zip_read(path, &e, &n, err) != PS_OK) return PS_ERR;
    int rc = parse_info(path, e, n, info, err);
    if (rc == PS_OK) rc = check_shape(path, info, &t->policy, err);
    if (rc == PS_OK) rc = check_tensors(path, e, n, &t->policy, err);
    if (rc == PS_OK) copy_tensors(e, n, t, full);
    if (rc == PS_OK) rc = ps_trainer_set_obs_scale(t, info->obs_scale, err); /* the network's own */
    if (rc == PS_OK && full) {
        t->action_rng = info->action_rng;
        t->shuffle_rng = info->shuffle_rng;
        t->num_timesteps = info->num_timesteps;
        t->n_updates = info->n_updates;
        ps_adam_set_step_count(&t->opt, info->adam_steps);
    }
    ps_zip_free(e, n);
    return rc;
}

int ps_checkpoint_load(const char *path, ps_trainer *t, ps_checkpoint_info *info, ps_error *err) {
    return load(path, t, info, 1, err);
}

int ps_checkpoint_load_network(const char *path, ps_trainer *t, ps_checkpoint_info *info, ps_error *err) {
    return load(path, t, info, 0, err);
}
