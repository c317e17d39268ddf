/* test_session - session folders and config.json (spec 12.4): the weights
 * prefix from the weights' declaration, the seed-sweep root, a config that
 * stays valid JSON whatever the names hold (quotes, backslashes), and the
 * checkpoint --init-from names. */
#include <cJSON.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <zlib.h>

#include "check.h"
#include "powersched/io.h"
#include "powersched/plot.h"
#include "powersched/policy_options.h"
#include "powersched/provenance.h"
#include "powersched/scenario_options.h"
#include "powersched/session.h"

static void test_prefix(void) {
    char b[160];
    ps_weights w = ps_weights_default();
    ps_weights_prefix(&w, b, sizeof b);
    CHECK(!strcmp(b, "e0.7_p0.2_i0.1_a0.0_d0.0"));
    w.efficiency = 1;
    w.job_age = 0.25;
    w.drop = -0.0; /* the prototype's separate "-0.0" folder is a bug we fix */
    ps_weights_prefix(&w, b, sizeof b);
    CHECK(!strcmp(b, "e1.0_p0.2_i0.1_a0.25_d0.0"));
    ps_weights_prefix(&w, b, 8);
    CHECK(!strcmp(b, "e1.0_p0"));
    ps_session s;
    uint64_t seed = 5;
    ps_session_paths(&s, "sessions", "x", &seed, &w);
    CHECK(!strcmp(s.root, "sessions/x/seed_5"));
    CHECK(!strcmp(s.models_dir, "sessions/x/seed_5/models/e1.0_p0.2_i0.1_a0.25_d0.0"));
    CHECK(!strcmp(s.tb_dir, "sessions/x/seed_5/tb/e1.0_p0.2_i0.1_a0.25_d0.0"));
    ps_session_model_path(&s, 200000, b, sizeof b);
    CHECK(!strcmp(b, "sessions/x/seed_5/models/e1.0_p0.2_i0.1_a0.25_d0.0/200000.zip"));
    ps_error err;
    CHECK_INT(ps_session_check_name("my \"run\"", &err), PS_OK);
    CHECK_INT(ps_session_check_name("", &err), PS_ERR);
    CHECK_INT(ps_session_check_name("a/b", &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "--session: 'a/b' is not a name");
}

static const cJSON *at(const cJSON *j, const char *group, const char *key) {
    return cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "options"), group), key);
}

/* A session name and a data path with quotes and a backslash: config.json
 * parses and gives them back, with every option of every group. */
static void test_config_json(void) {
    char dir[] = "/tmp/test_session_XXXXXX";
    if (!mkdtemp(dir)) exit(1);
    const char *session = "my \"best\" run";
    ps_sim_flags f;
    ps_sim_flags_init(&f);
    ps_optset set;
    ps_optset_init(&set);
    const ps_option own[] = {{"--session", OPT_STRING, &session, "NAME", "session", 0, 0}};
    ps_optset_add(&set, "train", own, PS_COUNT(own));
    ps_sim_flags_options(&f, &set);
    char prices[300];
    snprintf(prices, sizeof prices, "%s/data \"2023\"\\prices.csv", dir);
    const char *text_prices = "Date,Price\nx,1\n";
    char *argv[] = {"--prices", prices, "--wg-poisson-lambda", "50", "--price-weight", "0.25"};
    int help = 0;
    ps_error err;
    CHECK_INT(ps_atomic_write_text(prices, text_prices, &err), PS_OK);
    CHECK_INT(ps_optset_parse(&set, PS_COUNT(argv), argv, &help, &err), PS_OK);
    ps_session s;
    ps_session_paths(&s, dir, session, NULL, &f.weights);
    CHECK_INT(ps_mkdirs(s.root, &err), PS_OK);
    cJSON *prov = ps_provenance_json(&f, &err);
    CHECK(prov != NULL);
    CHECK_INT(ps_session_write_config(&s, &set, UINT64_MAX, 1, prov, &err), PS_OK);
    char path[4200];
    snprintf(path, sizeof path, "%s/config.json", s.root);
    char *text = ps_read_text(path, &err);
    cJSON *j = text ? cJSON_Parse(text) : NULL;
    CHECK(j != NULL);
    CHECK(cJSON_IsString(at(j, "train", "session")) && !strcmp(at(j, "train", "session")->valuestring, session));
    CHECK(cJSON_IsString(at(j, PS_GROUP_DATA, "prices")) &&
          !strcmp(at(j, PS_GROUP_DATA, "prices")->valuestring, argv[1]));
    CHECK(cJSON_IsNull(at(j, PS_GROUP_DATA, "jobs"))); /* not given: null */
    CHECK_NEAR(cJSON_GetNumberValue(at(j, PS_GROUP_GENERATOR, "wg-poisson-lambda")), 50, 0);
    CHECK_NEAR(cJSON_GetNumberValue(at(j, PS_GROUP_GENERATOR, "wg-max-jobs-hour")), 1500, 0);
    CHECK_NEAR(cJSON_GetNumberValue(at(j, PS_GROUP_WEIGHTS, "price-weight")), 0.25, 0);
    const cJSON *seed = cJSON_GetObjectItem(j, "seed"), *prefix = cJSON_GetObjectItem(j, "weights_prefix");
    CHECK(cJSON_IsString(seed) && !strcmp(seed->valuestring, "18446744073709551615"));
    CHECK(cJSON_IsString(prefix) && !strcmp(prefix->valuestring, "e0.7_p0.25_i0.1_a0.0_d0.0"));
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(j, "seed_given")));
    /* every option of every group is there, under its group */
    for (int k = 0; k < set.n; k++) {
        const cJSON *v = at(j, set.group[k], set.opt[k].name + 2);
        CHECK(v != NULL);
        if (!v) fprintf(stderr, "config.json lacks %s (%s)\n", set.opt[k].name, set.group[k]);
    }
    /* the version and the price file's size and CRC-32 (zlib's, by hand) */
    const cJSON *in = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "inputs"), "--prices");
    char crc[9];
    snprintf(crc, sizeof crc, "%08lx", crc32(crc32(0L, Z_NULL, 0), (const Bytef *)text_prices, (uInt)strlen(text_prices)));
    CHECK(in && !strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(in, "crc32")), crc));
    CHECK_NEAR(cJSON_GetNumberValue(cJSON_GetObjectItem(in, "size")), strlen(text_prices), 0);
    CHECK(cJSON_IsString(cJSON_GetObjectItem(j, "powersched")));
    CHECK(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "inputs"), "--jobs") == NULL); /* not given: not an input */
    /* the same inputs compare equal; another file is told apart, by a warning and the folder tag */
    CHECK_INT(ps_provenance_compare(prov, prov, NULL), 0);
    char tag1[32], tag2[32];
    ps_provenance_tag(prov, 0, 99, tag1, sizeof tag1);
    CHECK_INT(ps_atomic_write_text(prices, "Date,Price\nx,2\n", &err), PS_OK);
    cJSON *other = ps_provenance_json(&f, &err);
    CHECK_INT(ps_provenance_compare(prov, other, NULL), 1);
    ps_provenance_tag(other, 0, 99, tag2, sizeof tag2);
    CHECK(strncmp(tag1, "_in-", 4) == 0 && strcmp(tag1, tag2) != 0);
    ps_provenance_tag(prov, 0, 98, tag2, sizeof tag2); /* other rows: another folder too */
    CHECK(strcmp(tag1, tag2) != 0);
    cJSON_Delete(other);
    cJSON_Delete(prov);
    cJSON_Delete(j);
    free(text);
    CHECK(unlink(path) == 0 && unlink(prices) == 0 && rmdir(s.root) == 0 && rmdir(dir) == 0);
}

/* Provenance of an evaluation's settings: --prices logic is an input named
 * by its text; options away from their defaults are warned about against
 * the model's config.json options and change the folder tag, while a run on
 * defaults keeps the tag it had before settings were tagged. */
static void test_scenario_provenance(void) {
    ps_sim_flags f;
    ps_sim_flags_init(&f);
    ps_heuristic_config h = ps_heuristic_config_default(PS_H_SLURM_SUSPEND);
    ps_optset set;
    ps_optset_init(&set);
    ps_sim_flags_options(&f, &set);
    ps_heuristic_options(&h, &set);
    char *argv[] = {"--prices", "logic", "--job-arrival-scale", "2", "--reward", "cost", "--suspend-time", "3"};
    int help = 0;
    ps_error err;
    CHECK_INT(ps_optset_parse(&set, PS_COUNT(argv), argv, &help, &err), PS_OK);
    cJSON *same = ps_provenance_json(&f, &err), *model = cJSON_CreateObject(); /* as config.json has them */
    cJSON_AddItemToObject(model, "options", ps_optset_json_groups(&set, NULL, 0));
    cJSON_AddItemToObject(model, "inputs", cJSON_Duplicate(cJSON_GetObjectItem(same, "inputs"), 1));

    ps_sim_flags d;
    ps_sim_flags_init(&d);
    d.prices = "logic";
    ps_heuristic_config hd = ps_heuristic_config_default(PS_H_SLURM_SUSPEND);
    cJSON *now = ps_provenance_json(&d, &err);
    CHECK(now && cJSON_GetObjectItem(cJSON_GetObjectItem(now, "inputs"), "--prices"));
    char bare[32], tagged[32], other[32];
    ps_provenance_tag(now, 0, 99, bare, sizeof bare);
    CHECK_INT(ps_provenance_add_scenario(now, &d, &hd, &err), PS_OK);
    ps_provenance_tag(now, 0, 99, tagged, sizeof tagged);
    CHECK(!strncmp(bare, "_in-", 4) && !strcmp(bare, tagged)); /* defaults: the same folder as before */
    FILE *w = tmpfile();
    CHECK_INT(ps_provenance_compare(model, now, w), 3); /* arrival scale, reward, suspend time */
    char text[1024] = "";
    rewind(w);
    text[fread(text, 1, sizeof text - 1, w)] = 0;
    fclose(w);
    CHECK_STR_CONTAINS(text, "warning: --job-arrival-scale is 1 in this run, 2 in the model's training\n");
    CHECK_STR_CONTAINS(text, "warning: --reward is reference in this run, cost in the model's training\n");
    CHECK_STR_CONTAINS(text, "warning: --suspend-time is 1 in this run, 3 in the model's training\n");

    CHECK_INT(ps_provenance_add_scenario(same, &f, &h, &err), PS_OK);
    CHECK_INT(ps_provenance_compare(model, same, NULL), 0);
    ps_provenance_tag(same, 0, 99, tagged, sizeof tagged);
    CHECK(strcmp(tagged, bare) != 0);
    f.seed = 7; /* the seed is not a setting of the folder: --seed-sweep names it */
    cJSON *seeded = ps_provenance_json(&f, &err);
    CHECK_INT(ps_provenance_add_scenario(seeded, &f, &h, &err), PS_OK);
    CHECK_INT(ps_provenance_compare(model, seeded, NULL), 0);
    ps_provenance_tag(seeded, 0, 99, other, sizeof other);
    CHECK(!strcmp(other, tagged));
    f.cluster.guard_max_wait = 12;
    cJSON *guarded = ps_provenance_json(&f, &err);
    CHECK_INT(ps_provenance_add_scenario(guarded, &f, &h, &err), PS_OK);
    CHECK_INT(ps_provenance_compare(model, guarded, NULL), 1);
    ps_provenance_tag(guarded, 0, 99, other, sizeof other);
    CHECK(strcmp(other, tagged) != 0);
    cJSON_Delete(guarded);
    cJSON_Delete(seeded);
    cJSON_Delete(same);
    cJSON_Delete(now);
    cJSON_Delete(model);
}

/* --init-from SESSION[/STEPS] (or a .zip): the checkpoint it names under the
 * output folder, in the weights folder given; clear errors otherwise. */
static void test_find_checkpoint(void) {
    char dir[] = "/tmp/test_session_XXXXXX", models[256], path[4600], file[300];
    if (!mkdtemp(dir)) exit(1);
    ps_error err;
    const char *prefix = "e0.7_p0.2_i0.1_a0.0_d0.0";
    snprintf(models, sizeof models, "%s/src/seed_3/models/%s", dir, prefix);
    CHECK_INT(ps_mkdirs(models, &err), PS_OK);
    const long long steps[] = {128, 1024, 256};
    for (int i = 0; i < 3; i++) {
        snprintf(file, sizeof file, "%s/%lld.zip", models, steps[i]);
        CHECK_INT(ps_atomic_write_text(file, "x", &err), PS_OK);
    }
    /* Stray names are not checkpoints: a step count past PS_MAX_STEPS (it
     * once became "the latest" and blocked resume), signs, spaces. */
    const char *stray[] = {"99999999999999999999.zip", "1000000000000001.zip", "+2048.zip", " 4096.zip", ".zip"};
    for (int i = 0; i < 5; i++) {
        snprintf(file, sizeof file, "%s/%s", models, stray[i]);
        CHECK_INT(ps_atomic_write_text(file, "x", &err), PS_OK);
    }
    CHECK_INT(ps_session_find_checkpoint(dir, "--init-from", "src/seed_3", prefix, path, sizeof path, &err), PS_OK);
    snprintf(file, sizeof file, "%s/1024.zip", models);
    CHECK(!strcmp(path, file)); /* the latest by number, not by name */
    CHECK_INT(ps_session_find_checkpoint(dir, "--init-from", "src/seed_3/256", prefix, path, sizeof path, &err), PS_OK);
    snprintf(file, sizeof file, "%s/256.zip", models);
    CHECK(!strcmp(path, file));
    CHECK_INT(ps_session_find_checkpoint(dir, "--init-from", file, "ignored", path, sizeof path, &err), PS_OK); /* a .zip path */
    CHECK(!strcmp(path, file));
    CHECK_INT(ps_session_find_checkpoint(dir, "--init-from", "src/seed_3/512", prefix, path, sizeof path, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "/512.zip does not exist (the latest is 1024.zip)");
    CHECK_INT(ps_session_find_checkpoint(dir, "--init-from", "src/seed_3", "e1.0_p0.0_i0.0_a0.0_d0.0", path, sizeof path, &err),
              PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "no checkpoint in ");
    CHECK_STR_CONTAINS(err.msg, "/src/seed_3/models/e1.0_p0.0_i0.0_a0.0_d0.0 (the source's weights folder: "
                                "--init-from-weights PREFIX)");
    CHECK_INT(ps_session_find_checkpoint(dir, "--ensemble", "src/seed_3", "e1.0_p0.0_i0.0_a0.0_d0.0", path, sizeof path, &err),
              PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "--ensemble src/seed_3: no checkpoint in ");
    CHECK_STR_CONTAINS(err.msg, "(the evaluated session's weights folder)");
    CHECK_INT(ps_session_find_checkpoint(dir, "--init-from", "/256", prefix, path, sizeof path, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "names no session");
    CHECK_INT(ps_session_find_checkpoint(dir, "--init-from", "gone.zip", prefix, path, sizeof path, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "--init-from gone.zip: No such file");
    snprintf(file, sizeof file, "rm -rf '%s'", dir);
    CHECK_INT(system(file), 0);
}

/* A session name is one folder name that is safe in titles and scripts. */
static void test_names(void) {
    ps_error err;
    const char *bad[] = {"..", ".", "a/b", "/abs", "../up", "t\ntouch PWNED", "tab\there", "del\x7f"};
    for (int i = 0; i < 8; i++) CHECK_INT(ps_session_check_name(bad[i], &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "no control characters (found byte 0x7f)");
    CHECK_INT(ps_session_check_name("..", &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "not . or ..");
    char longname[PS_SESSION_NAME_MAX + 2];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    CHECK_INT(ps_session_check_name(longname, &err), PS_ERR);
    longname[PS_SESSION_NAME_MAX] = '\0';
    CHECK_INT(ps_session_check_name(longname, &err), PS_OK);
    CHECK_INT(ps_session_check_name("...", &err), PS_OK);
    CHECK_INT(ps_session_check_name("x`touch PWNED`'", &err), PS_OK); /* escaped where used */
}

/* A second lock on the same models folder is refused and names the holder's
 * pid; after unlocking it is granted. */
static void test_lock(void) {
    char dir[] = "/tmp/test_lock_XXXXXX", cmd[300];
    if (!mkdtemp(dir)) exit(1);
    ps_weights w = ps_weights_default();
    ps_session s;
    ps_error err;
    CHECK_INT(ps_session_open(&s, dir, "run", NULL, &w, &err), PS_OK);
    int a = -1, b = -1;
    CHECK_INT(ps_session_lock(&s, &a, &err), PS_OK);
    CHECK_INT(ps_session_lock(&s, &b, &err), PS_ERR);
    char want[64];
    snprintf(want, sizeof want, "is in use by pid %ld", (long)getpid());
    CHECK_STR_CONTAINS(err.msg, want);
    CHECK_INT(b, -1);
    ps_session_unlock(a);
    CHECK_INT(ps_session_lock(&s, &b, &err), PS_OK);
    ps_session_unlock(b);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK_INT(system(cmd), 0);
}

/* Outputs replace only regular files: a symlink (like /dev/stdout) is
 * written through and stays a link; new files follow the umask. */
static void test_atomic_targets(void) {
    char dir[] = "/tmp/test_atomic_XXXXXX", target[300], link[300], fresh[300], cmd[300];
    if (!mkdtemp(dir)) exit(1);
    snprintf(target, sizeof target, "%s/target.txt", dir);
    snprintf(link, sizeof link, "%s/link", dir);
    snprintf(fresh, sizeof fresh, "%s/fresh.txt", dir);
    ps_error err;
    CHECK_INT(ps_atomic_write_text(target, "old", &err), PS_OK);
    CHECK_INT(symlink("target.txt", link), 0);
    CHECK_INT(ps_atomic_write_text(link, "new", &err), PS_OK);
    struct stat st;
    CHECK_INT(lstat(link, &st), 0);
    CHECK(S_ISLNK(st.st_mode));
    char *text = ps_read_text(target, &err);
    CHECK(text && !strcmp(text, "new"));
    free(text);
    mode_t old = umask(022);
    CHECK_INT(ps_atomic_write_text(fresh, "x", &err), PS_OK);
    CHECK_INT(stat(fresh, &st), 0);
    CHECK_INT(st.st_mode & 0777, 0644);
    umask(027);
    CHECK_INT(ps_atomic_write_text(fresh, "y", &err), PS_OK);
    CHECK_INT(stat(fresh, &st), 0);
    CHECK_INT(st.st_mode & 0777, 0640);
    umask(old);
    CHECK_INT(ps_atomic_write_text("/dev/null", "through", &err), PS_OK); /* a device: written, not replaced */
    CHECK_INT(stat("/dev/null", &st), 0);
    CHECK(S_ISCHR(st.st_mode));
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK_INT(system(cmd), 0);
}

int main(void) {
    test_names();
    test_lock();
    test_atomic_targets();
    test_prefix();
    test_config_json();
    test_scenario_provenance();
    test_find_checkpoint();
    return check_summary("test_session");
}
