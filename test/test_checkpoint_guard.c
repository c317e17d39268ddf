/* test_checkpoint_guard - a checkpoint is believed only as far as it is
 * checked (issue 13 item 6). Each case takes a real checkpoint of a small
 * network, changes one thing in it and expects a refusal that names the file
 * and what is wrong, with the trainer left as it was: hyperparameters,
 * reward weights and progress counters read from JSON are validated; the
 * tensors must be exactly those of the declared architecture, finite. And
 * what resume does to a session beside loading: stray checkpoint names are
 * ignored, temp files of an interrupted save are removed, and the CSV logs
 * lose the rows logged after the checkpoint resumed. Links libtorch. */
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cJSON.h>

#include "check.h"
#include "checkpoint.h"
#include "powersched/env.h"
#include "powersched/io.h"
#include "powersched/plot.h"
#include "powersched/scenario.h"
#include "powersched/session.h"
#include "powersched/zipfile.h"
#include "resume.h"
#include "torch_api.h"
#include "train_log.h"
#include "trainer.h"

static char tmpdir[256];

/* dir/name in one of 8 rotating buffers. */
static const char *tmp_path(const char *name) {
    static char buf[8][512];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

static void fail_on(int rc, const ps_error *err, const char *what) {
    if (rc != PS_OK) {
        fprintf(stderr, "%s: %s\n", what, err->msg);
        exit(1);
    }
}

/* ---- a small trainer --------------------------------------------------- */

/* A 4-node x 4-core cluster, 8-slot queue (65 observations). */
static ps_scenario_spec tiny_spec(void) {
    ps_scenario_spec s = ps_scenario_spec_default();
    s.cfg.max_nodes = 4;
    s.cfg.cores_per_node = 4;
    s.cfg.max_queue_size = 8;
    s.cfg.max_backlog_size = 16;
    s.cfg.max_new_jobs_per_hour = 3;
    s.cfg.max_nodes_per_job = 4;
    s.cfg.max_cores_per_job = 4;
    s.cfg.max_job_duration = 6;
    s.seed = 21;
    return s;
}

typedef struct run {
    ps_env *env;
    ps_trainer t;
} run;

static void run_new(run *r, const int *hidden, int n_hidden, uint64_t seed) {
    ps_error err;
    ps_scenario_spec spec = tiny_spec();
    ps_ppo_config c = ps_ppo_config_default();
    c.ent_coef = 0.01;
    r->env = malloc(sizeof *r->env);
    if (!r->env) exit(1);
    fail_on(ps_env_open(r->env, &spec, NULL, &err), &err, "ps_env_open");
    fail_on(ps_trainer_create(&r->t, r->env, &c, hidden, n_hidden, seed, &err), &err, "ps_trainer_create");
}

static void run_free(run *r) {
    ps_trainer_free(&r->t);
    ps_env_free(r->env);
    free(r->env);
}

/* Every parameter of a and b holds the same bits. */
static int same_params(const ps_trainer *a, const ps_trainer *b) {
    if (a->policy.n_params != b->policy.n_params) return 0;
    for (int i = 0; i < a->policy.n_params; i++) {
        int64_t n = at_numel(a->policy.params[i]);
        if (n != at_numel(b->policy.params[i]) ||
            memcmp(at_data(a->policy.params[i]), at_data(b->policy.params[i]), (size_t)n * sizeof(float)))
            return 0;
    }
    return 1;
}

static const int WIDE[2] = {16, 16}, NARROW[1] = {16};

/* The checkpoint every case starts from: [16,16] after 128 steps, saved as
 * 256 nominal steps, iteration 2. */
static const char *base_checkpoint(void) {
    static char path[512];
    if (path[0]) return path;
    snprintf(path, sizeof path, "%s/base.zip", tmpdir);
    run a;
    run_new(&a, WIDE, 2, 42);
    ps_error err;
    int stopped;
    uint64_t seed = 42;
    fail_on(ps_trainer_learn(&a.t, 128, &seed, NULL, &stopped, &err), &err, "ps_trainer_learn");
    ps_weights w = ps_weights_default();
    fail_on(ps_checkpoint_save(path, &a.t, 256, 2, &w, NULL, &err), &err, "ps_checkpoint_save");
    run_free(&a);
    return path;
}

/* ---- editing a checkpoint ---------------------------------------------- */

typedef void (*json_edit)(cJSON *root);

/* Sets entry `name` of the list to text (owned by the list afterwards). */
static void set_entry_text(ps_zip_entry *e, int n, const char *name, char *text) {
    ps_zip_entry *x = (ps_zip_entry *)ps_zip_find(e, n, name);
    if (!x || !text) exit(1);
    free(x->data);
    x->data = text;
    x->size = strlen(text);
}

/* out = the base checkpoint with its JSON entry `name` edited by fn, then
 * (when from is not NULL) the first `from` in its text replaced by `to`. */
static const char *edited(const char *out_name, const char *name, json_edit fn, const char *from, const char *to) {
    const char *out = tmp_path(out_name);
    ps_zip_entry *e;
    int n;
    ps_error err;
    fail_on(ps_zip_read(base_checkpoint(), &e, &n, &err), &err, "ps_zip_read");
    const ps_zip_entry *x = ps_zip_find(e, n, name);
    cJSON *root = x ? cJSON_ParseWithLength(x->data, x->size) : NULL;
    if (!root) exit(1);
    if (fn) fn(root);
    char *text = cJSON_Print(root), *hit = from ? strstr(text, from) : NULL;
    cJSON_Delete(root);
    if (from && !hit) {
        fprintf(stderr, "edited: '%s' not in %s\n", from, name);
        exit(1);
    }
    if (hit) {
        char *swapped = malloc(strlen(text) + strlen(to) + 1);
        snprintf(swapped, strlen(text) + strlen(to) + 1, "%.*s%s%s", (int)(hit - text), text, to, hit + strlen(from));
        free(text);
        text = swapped;
    }
    set_entry_text(e, n, name, text);
    fail_on(ps_zip_write(out, e, n, &err), &err, "ps_zip_write");
    ps_zip_free(e, n);
    return out;
}

/* Peeks at path, which must be refused; returns the message. */
static const char *peek_fails(const char *path) {
    static ps_error err;
    ps_checkpoint_info info;
    int rc = ps_checkpoint_peek(path, &info, &err);
    CHECK_INT(rc, PS_ERR);
    if (rc != PS_ERR) return "";
    CHECK_STR_CONTAINS(err.msg, path);
    return err.msg;
}

/* Loads path into a fresh [16,16] trainer, which must refuse it and keep its
 * network, counters and RNG; returns the message. */
static const char *load_fails(const char *path, const int *hidden, int n_hidden) {
    static ps_error err;
    run r, fresh;
    run_new(&r, hidden, n_hidden, 7);
    run_new(&fresh, hidden, n_hidden, 7);
    ps_checkpoint_info info;
    int rc = ps_checkpoint_load(path, &r.t, &info, &err);
    CHECK_INT(rc, PS_ERR);
    CHECK(same_params(&r.t, &fresh.t));
    CHECK_INT(r.t.num_timesteps, 0);
    CHECK(memcmp(&r.t.action_rng, &fresh.t.action_rng, sizeof r.t.action_rng) == 0);
    run_free(&r);
    run_free(&fresh);
    if (rc != PS_ERR) return "";
    CHECK_STR_CONTAINS(err.msg, path);
    return err.msg;
}

/* ---- b) hyperparameters and weights ------------------------------------ */

static void drop_ppo(cJSON *root) { cJSON_DeleteItemFromObject(root, "ppo"); }
static void ent_text(cJSON *root) {
    cJSON_ReplaceItemInObject(cJSON_GetObjectItem(root, "ppo"), "ent_coef", cJSON_CreateString("0.01"));
}
static void ent_negative(cJSON *root) {
    cJSON_ReplaceItemInObject(cJSON_GetObjectItem(root, "ppo"), "ent_coef", cJSON_CreateNumber(-1));
}
static void ent_marker(cJSON *root) {
    cJSON_ReplaceItemInObject(cJSON_GetObjectItem(root, "ppo"), "ent_coef", cJSON_CreateNumber(12345.5));
}
static void drop_price_weight(cJSON *root) { cJSON_DeleteItemFromObject(cJSON_GetObjectItem(root, "weights"), "price"); }
static void weight_huge(cJSON *root) {
    cJSON_ReplaceItemInObject(cJSON_GetObjectItem(root, "weights"), "idle", cJSON_CreateNumber(1e7));
}
static void arch_zero(cJSON *root) {
    cJSON_ReplaceItemInObject(root, "net_arch", cJSON_CreateIntArray((const int[]){16, 0}, 2));
}
static void arch_text(cJSON *root) {
    cJSON *a = cJSON_CreateArray();
    cJSON_AddItemToArray(a, cJSON_CreateNumber(16));
    cJSON_AddItemToArray(a, cJSON_CreateString("16"));
    cJSON_ReplaceItemInObject(root, "net_arch", a);
}
static void arch_object(cJSON *root) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "a", 16);
    cJSON_ReplaceItemInObject(root, "net_arch", o);
}
static void obs_fraction(cJSON *root) { cJSON_ReplaceItemInObject(root, "obs_dim", cJSON_CreateNumber(65.5)); }
static void version_fraction(cJSON *root) { cJSON_ReplaceItemInObject(root, "version", cJSON_CreateNumber(1.5)); }

/* The probe's checkpoint without "ppo" resumed with ent_coef NaN and
 * trained to NaN weights: now every value read from config.json is checked. */
static void test_config_values(void) {
    const char *msg = peek_fails(edited("no_ppo.zip", "config.json", drop_ppo, NULL, NULL));
    CHECK_STR_CONTAINS(msg, "config.json: ppo is missing");
    msg = peek_fails(edited("ent_text.zip", "config.json", ent_text, NULL, NULL));
    CHECK_STR_CONTAINS(msg, "config.json: ppo.ent_coef is not a number");
    msg = peek_fails(edited("ent_neg.zip", "config.json", ent_negative, NULL, NULL));
    CHECK_STR_CONTAINS(msg, "config.json: ppo.ent_coef is -1, expected a number in [0, 1000]");
    msg = peek_fails(edited("ent_inf.zip", "config.json", ent_marker, "12345.5", "1e999"));
    CHECK_STR_CONTAINS(msg, "config.json: ppo.ent_coef is inf");
    msg = peek_fails(edited("no_price.zip", "config.json", drop_price_weight, NULL, NULL));
    CHECK_STR_CONTAINS(msg, "config.json: weights.price is missing");
    msg = peek_fails(edited("idle_huge.zip", "config.json", weight_huge, NULL, NULL));
    CHECK_STR_CONTAINS(msg, "weights.idle is 10000000, expected a number in [-1000000, 1000000]");
    msg = peek_fails(edited("arch_zero.zip", "config.json", arch_zero, NULL, NULL));
    CHECK_STR_CONTAINS(msg, "config.json: net_arch[1] is 0, expected an integer in [1, 4096]");
    msg = peek_fails(edited("arch_text.zip", "config.json", arch_text, NULL, NULL));
    CHECK_STR_CONTAINS(msg, "net_arch[1] is not a number");
    msg = peek_fails(edited("arch_object.zip", "config.json", arch_object, NULL, NULL));
    CHECK_STR_CONTAINS(msg, "config.json: net_arch is not an array of 1 to 4 numbers");
    msg = peek_fails(edited("obs_frac.zip", "config.json", obs_fraction, NULL, NULL));
    CHECK_STR_CONTAINS(msg, "config.json: obs_dim is 65.5, expected an integer");
    msg = peek_fails(edited("version_frac.zip", "config.json", version_fraction, NULL, NULL));
    CHECK_STR_CONTAINS(msg, "format version 1.5, this program reads version 1");
    /* the untouched checkpoint reads as saved */
    ps_checkpoint_info info;
    ps_error err;
    fail_on(ps_checkpoint_peek(base_checkpoint(), &info, &err), &err, "peek");
    CHECK_NEAR(info.ent_coef, 0.01, 0);
    CHECK(info.n_hidden == 2 && info.hidden[0] == 16 && info.hidden[1] == 16 && info.obs_dim == 65);
    CHECK_NEAR(info.weights.efficiency, 0.7, 0);
}

/* ---- c) tensors against the declared architecture ---------------------- */

static void arch_single(cJSON *root) {
    cJSON_ReplaceItemInObject(root, "net_arch", cJSON_CreateIntArray((const int[]){16}, 1));
}

/* The base checkpoint with one tensor entry changed by fn (or left out). */
typedef void (*tensor_edit)(ps_zip_entry *x);
static const char *with_tensor(const char *out_name, const char *name, tensor_edit fn) {
    const char *out = tmp_path(out_name);
    ps_zip_entry *e;
    int n;
    ps_error err;
    fail_on(ps_zip_read(base_checkpoint(), &e, &n, &err), &err, "ps_zip_read");
    ps_zip_entry *x = (ps_zip_entry *)ps_zip_find(e, n, name);
    if (!x) exit(1);
    int left_out = fn == NULL;
    if (fn) fn(x);
    else { /* left out: the last entry takes its place */
        free(x->data);
        *x = e[n - 1];
        e[--n].data = NULL;
    }
    fail_on(ps_zip_write(out, e, n, &err), &err, "ps_zip_write");
    ps_zip_free(e, n + left_out);
    return out;
}

static void poison_nan(ps_zip_entry *x) { ((float *)x->data)[3] = NAN; }
static void poison_inf(ps_zip_entry *x) { ((float *)x->data)[0] = -INFINITY; }

/* The probe's config said net_arch [64] over a [64,64] tensor set, and the
 * [64] network loaded (the tensors it names have the same sizes). */
static void test_tensors(void) {
    const char *path = edited("arch_single.zip", "config.json", arch_single, NULL, NULL);
    ps_checkpoint_info info;
    ps_error err;
    fail_on(ps_checkpoint_peek(path, &info, &err), &err, "peek"); /* config.json alone is valid */
    CHECK_INT(info.n_hidden, 1);
    const char *msg = load_fails(path, NARROW, 1);
    CHECK_STR_CONTAINS(msg, "entry policy/pi.1.weight.bin is not a tensor of the network config.json declares "
                            "(net_arch 16, 65 observations)");
    /* the real architecture does not fit the declared one either */
    CHECK_STR_CONTAINS(load_fails(path, WIDE, 2), "network architecture differs");
    /* a missing optimiser moment, non-finite weights */
    msg = load_fails(with_tensor("no_moment.zip", "optimizer/vf.1.bias.exp_avg_sq.bin", NULL), WIDE, 2);
    CHECK_STR_CONTAINS(msg, "entry optimizer/vf.1.bias.exp_avg_sq.bin is missing");
    msg = load_fails(with_tensor("nan.zip", "policy/pi.0.weight.bin", poison_nan), WIDE, 2);
    CHECK_STR_CONTAINS(msg, "entry policy/pi.0.weight.bin holds nan at index 3");
    msg = load_fails(with_tensor("inf.zip", "optimizer/action.bias.exp_avg.bin", poison_inf), WIDE, 2);
    CHECK_STR_CONTAINS(msg, "entry optimizer/action.bias.exp_avg.bin holds -inf at index 0");
    /* --init-from (network only) checks the same */
    run r;
    run_new(&r, NARROW, 1, 7);
    CHECK_INT(ps_checkpoint_load_network(path, &r.t, &info, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "policy/pi.1.weight.bin is not a tensor");
    run_free(&r);
    /* and the untouched checkpoint loads */
    run_new(&r, WIDE, 2, 7);
    fail_on(ps_checkpoint_load(base_checkpoint(), &r.t, &info, &err), &err, "load");
    CHECK_INT(r.t.num_timesteps, 128);
    run_free(&r);
}

/* ---- d) progress counters ---------------------------------------------- */

static void drop_steps(cJSON *root) { cJSON_DeleteItemFromObject(root, "num_timesteps"); }
static void steps_huge(cJSON *root) { cJSON_ReplaceItemInObject(root, "num_timesteps", cJSON_CreateNumber(1e300)); }
static void steps_negative(cJSON *root) { cJSON_ReplaceItemInObject(root, "num_timesteps", cJSON_CreateNumber(-128)); }
static void steps_fraction(cJSON *root) { cJSON_ReplaceItemInObject(root, "nominal_steps", cJSON_CreateNumber(256.5)); }
static void steps_max(cJSON *root) {
    cJSON_ReplaceItemInObject(root, "num_timesteps", cJSON_CreateNumber((double)PS_MAX_STEPS));
}
static void steps_past_max(cJSON *root) {
    cJSON_ReplaceItemInObject(root, "iteration", cJSON_CreateNumber((double)PS_MAX_STEPS + 1));
}
static void drop_adam(cJSON *root) { cJSON_DeleteItemFromObject(root, "adam_steps"); }
static void updates_text(cJSON *root) { cJSON_ReplaceItemInObject(root, "n_updates", cJSON_CreateString("20")); }
static void set_rng(cJSON *root, const char *const s[4]) {
    cJSON_ReplaceItemInObject(root, "shuffle_rng", cJSON_CreateStringArray(s, 4));
}
static void rng_letters(cJSON *root) { set_rng(root, (const char *const[]){"1", "2", "3x", "4"}); }
static void rng_overflow(cJSON *root) { set_rng(root, (const char *const[]){"1", "18446744073709551616", "3", "4"}); }
static void rng_zero(cJSON *root) { set_rng(root, (const char *const[]){"0", "0", "0", "0"}); }
static void rng_short(cJSON *root) { cJSON_DeleteItemFromArray(cJSON_GetObjectItem(root, "action_rng"), 0); }

/* Counters were cast from double without a check (1e300 -> undefined). */
static void test_progress_values(void) {
    const char *msg = peek_fails(edited("no_steps.zip", "progress.json", drop_steps, NULL, NULL));
    CHECK_STR_CONTAINS(msg, "progress.json: num_timesteps is missing");
    msg = peek_fails(edited("steps_huge.zip", "progress.json", steps_huge, NULL, NULL));
    CHECK_STR_CONTAINS(msg, "progress.json: num_timesteps is 1.0000000000000001e+300, expected an integer in [0, 1000000000000000]");
    msg = peek_fails(edited("steps_neg.zip", "progress.json", steps_negative, NULL, NULL));
    CHECK_STR_CONTAINS(msg, "num_timesteps is -128");
    msg = peek_fails(edited("steps_frac.zip", "progress.json", steps_fraction, NULL, NULL));
    CHECK_STR_CONTAINS(msg, "nominal_steps is 256.5, expected an integer");
    msg = peek_fails(edited("iter_past.zip", "progress.json", steps_past_max, NULL, NULL));
    CHECK_STR_CONTAINS(msg, "iteration is 1000000000000001");
    msg = peek_fails(edited("no_adam.zip", "progress.json", drop_adam, NULL, NULL));
    CHECK_STR_CONTAINS(msg, "progress.json: adam_steps is missing");
    msg = peek_fails(edited("updates_text.zip", "progress.json", updates_text, NULL, NULL));
    CHECK_STR_CONTAINS(msg, "progress.json: n_updates is not a number");
    msg = peek_fails(edited("rng_letters.zip", "progress.json", rng_letters, NULL, NULL));
    CHECK_STR_CONTAINS(msg, "progress.json: shuffle_rng[2] is not a 64-bit unsigned integer");
    msg = peek_fails(edited("rng_overflow.zip", "progress.json", rng_overflow, NULL, NULL));
    CHECK_STR_CONTAINS(msg, "shuffle_rng[1] is not a 64-bit unsigned integer");
    msg = peek_fails(edited("rng_zero.zip", "progress.json", rng_zero, NULL, NULL));
    CHECK_STR_CONTAINS(msg, "progress.json: shuffle_rng is all zeros");
    msg = peek_fails(edited("rng_short.zip", "progress.json", rng_short, NULL, NULL));
    CHECK_STR_CONTAINS(msg, "progress.json: action_rng is not an array of 4 strings");
    /* the largest step count a checkpoint name may carry is accepted */
    ps_checkpoint_info info;
    ps_error err;
    const char *path = edited("steps_max.zip", "progress.json", steps_max, NULL, NULL);
    fail_on(ps_checkpoint_peek(path, &info, &err), &err, "peek");
    CHECK_INT(info.num_timesteps, PS_MAX_STEPS);
    /* a load refused for a bad counter leaves the trainer untouched */
    load_fails(edited("steps_huge2.zip", "progress.json", steps_huge, NULL, NULL), WIDE, 2);
}

/* ---- resume: the session around the checkpoint ------------------------- */

static int exists(const char *folder, const char *name) {
    char p[4700];
    snprintf(p, sizeof p, "%s/%s", folder, name);
    return access(p, F_OK) == 0;
}

static void touch(const char *folder, const char *name) {
    char p[4700];
    ps_error err;
    snprintf(p, sizeof p, "%s/%s", folder, name);
    fail_on(ps_atomic_write_text(p, "partial", &err), &err, p);
}

static void copy_file(const char *from, const char *to) {
    ps_error err;
    ps_zip_entry *e;
    int n;
    fail_on(ps_zip_read(from, &e, &n, &err), &err, from);
    fail_on(ps_zip_write(to, e, n, &err), &err, to);
    ps_zip_free(e, n);
}

/* warn's text so far (static buffer). */
static const char *warn_text(FILE *warn) {
    static char text[2048];
    rewind(warn);
    text[fread(text, 1, sizeof text - 1, warn)] = '\0';
    return text;
}

/* Resumes a trainer in session s (the latest checkpoint). */
static int resume(run *r, const ps_session *s, FILE *warn, ps_resume *res, ps_error *err) {
    ps_scenario_spec spec = tiny_spec();
    ps_train_start st = {-1, ps_ppo_config_default(), WIDE, 2, 7, 128, NULL, PS_OBS_SCALE_NONE};
    r->env = malloc(sizeof *r->env);
    if (!r->env) exit(1);
    fail_on(ps_env_open(r->env, &spec, NULL, err), err, "ps_env_open");
    return ps_trainer_resume(&r->t, r->env, s, &st, warn, res, err);
}

/* e) a stray 99999999999999999999.zip is not "the latest"; f) N.zip.tmp.XXXXXX
 * files of an interrupted save are removed, other files kept; b) through
 * resume: a checkpoint without "ppo" is refused, not trained with NaN. */
static void test_resume_session(void) {
    ps_weights w = ps_weights_default();
    ps_session s;
    ps_error err;
    fail_on(ps_session_open(&s, tmp_path("sessions"), "guard", NULL, &w, &err), &err, "ps_session_open");
    char ckpt[4700];
    ps_session_model_path(&s, 256, ckpt, sizeof ckpt);
    copy_file(base_checkpoint(), ckpt);
    touch(s.models_dir, "99999999999999999999.zip");
    touch(s.models_dir, "384.zip.tmp.Ab12Cd");
    touch(s.models_dir, "256.zip.tmp.x9YzQ1");
    const char *keep[] = {"notes.txt", "384.zip.tmp", "384.zip.tmp.short", "x.zip.tmp.Ab12Cd", "384.zip.tmp.Ab12Cd.old"};
    for (int i = 0; i < 5; i++) touch(s.models_dir, keep[i]);
    FILE *warn = tmpfile();
    run r;
    ps_resume res;
    fail_on(resume(&r, &s, warn, &res, &err), &err, "resume");
    CHECK_INT(res.steps, 256);
    CHECK_INT(r.t.num_timesteps, 128);
    CHECK(!exists(s.models_dir, "384.zip.tmp.Ab12Cd"));
    CHECK(!exists(s.models_dir, "256.zip.tmp.x9YzQ1"));
    for (int i = 0; i < 5; i++) CHECK(exists(s.models_dir, keep[i]));
    CHECK(exists(s.models_dir, "99999999999999999999.zip"));
    const char *text = warn_text(warn);
    char want[4800];
    snprintf(want, sizeof want, "removed %s/384.zip.tmp.Ab12Cd, left by an interrupted save", s.models_dir);
    CHECK_STR_CONTAINS(text, want);
    CHECK_STR_CONTAINS(text, "256.zip.tmp.x9YzQ1, left by an interrupted save");
    fclose(warn);
    run_free(&r);
    /* the latest checkpoint lacks "ppo": resume refuses it */
    ps_session_model_path(&s, 512, ckpt, sizeof ckpt);
    copy_file(tmp_path("no_ppo.zip"), ckpt);
    CHECK_INT(resume(&r, &s, NULL, &res, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, ckpt);
    CHECK_STR_CONTAINS(err.msg, "ppo is missing");
    run_free(&r);
}

/* ---- g) the CSV logs on resume ------------------------------------------ */

static int count_lines(const char *path, const char *prefix) {
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[8192];
    int n = 0;
    while (fgets(line, sizeof line, f)) n += strncmp(line, prefix, strlen(prefix)) == 0;
    fclose(f);
    return n;
}

static void log_rows(ps_train_log *l, const int64_t *steps, int n) {
    ps_episode_record rec;
    ps_update_stats st;
    memset(&rec, 0, sizeof rec);
    memset(&st, 0, sizeof st);
    for (int i = 0; i < n; i++) {
        ps_train_log_episode(l, steps[i], &rec);
        st.n_updates = steps[i] / 8;
        ps_train_log_update(l, &st, steps[i], 3e-4, 0.2, 100);
    }
}

/* A run logged up to step 384 after the checkpoint at 256; resuming at 256
 * drops the rows past 256 (and a row a kill cut short), so each step appears
 * once when the resumed run logs 320 and 384 again. */
static void test_log_resume(void) {
    char dir[600];
    snprintf(dir, sizeof dir, "%s/logs", tmpdir);
    ps_error err;
    fail_on(ps_mkdirs(dir, &err), &err, "ps_mkdirs");
    ps_train_log l;
    fail_on(ps_train_log_open(&l, dir, NULL, &err), &err, "ps_train_log_open");
    log_rows(&l, (const int64_t[]){128, 256, 320, 384}, 4);
    fputs("448,0.5,0.2", l.episodes); /* killed mid-row */
    ps_train_log_close(&l);
    char episodes[700], updates[700];
    snprintf(episodes, sizeof episodes, "%s/episodes.csv", dir);
    snprintf(updates, sizeof updates, "%s/updates.csv", dir);
    CHECK_INT(count_lines(episodes, "320,"), 1);

    fail_on(ps_train_log_open(&l, dir, NULL, &err), &err, "reopen");
    FILE *warn = tmpfile();
    fail_on(ps_train_log_resume(&l, 256, warn, &err), &err, "ps_train_log_resume");
    const char *text = warn_text(warn);
    char want[800];
    snprintf(want, sizeof want, "warning: dropped 3 rows of %s logged after step 256", episodes);
    CHECK_STR_CONTAINS(text, want);
    snprintf(want, sizeof want, "warning: dropped 2 rows of %s logged after step 256", updates);
    CHECK_STR_CONTAINS(text, want);
    fclose(warn);
    log_rows(&l, (const int64_t[]){320, 384}, 2);
    ps_train_log_close(&l);
    CHECK_INT(count_lines(episodes, "steps,"), 1);
    CHECK_INT(count_lines(updates, "steps,"), 1);
    const char *steps[] = {"128,", "256,", "320,", "384,"};
    for (int i = 0; i < 4; i++) {
        CHECK_INT(count_lines(episodes, steps[i]), 1);
        CHECK_INT(count_lines(updates, steps[i]), 1);
    }
    CHECK_INT(count_lines(episodes, "448,"), 0);
    CHECK_INT(count_lines(episodes, ""), 5);
    CHECK_INT(count_lines(updates, ""), 5);

    /* nothing to drop: the files are left as they are, nothing said */
    fail_on(ps_train_log_open(&l, dir, NULL, &err), &err, "reopen");
    warn = tmpfile();
    fail_on(ps_train_log_resume(&l, 384, warn, &err), &err, "ps_train_log_resume");
    CHECK_INT(strlen(warn_text(warn)), 0);
    fclose(warn);
    ps_train_log_close(&l);
    CHECK_INT(count_lines(episodes, ""), 5);
    /* no temp file is left beside the logs */
    DIR *d = opendir(dir);
    int temps = 0;
    for (struct dirent *de; d && (de = readdir(d));) temps += strstr(de->d_name, ".tmp.") != NULL;
    if (d) closedir(d);
    CHECK_INT(temps, 0);
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    at_set_num_threads(1);
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/test_ckpt_guard_XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_config_values();
    test_tensors();
    test_progress_values();
    test_resume_session();
    test_log_resume();
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    return check_summary("test_checkpoint_guard");
}
