/* test_session - session folders and config.json (spec 12.4): the weights
 * prefix from the weights' declaration, the seed-sweep root, and a config
 * that stays valid JSON whatever the names hold (quotes, backslashes). */
#include <cJSON.h>
#include <stdlib.h>

#include "check.h"
#include "powersched/io.h"
#include "powersched/plot.h"
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
    char *argv[] = {"--prices", "data \"2023\"\\prices.csv", "--wg-poisson-lambda", "50", "--price-weight", "0.25"};
    int help = 0;
    ps_error err;
    CHECK_INT(ps_optset_parse(&set, PS_COUNT(argv), argv, &help, &err), PS_OK);
    ps_session s;
    ps_session_paths(&s, dir, session, NULL, &f.weights);
    CHECK_INT(ps_mkdirs(s.root, &err), PS_OK);
    CHECK_INT(ps_session_write_config(&s, &set, UINT64_MAX, 1, &err), PS_OK);
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
    cJSON_Delete(j);
    free(text);
    CHECK(unlink(path) == 0 && rmdir(s.root) == 0 && rmdir(dir) == 0);
}

int main(void) {
    test_prefix();
    test_config_json();
    return check_summary("test_session");
}
