/* test_compare.c - the policy comparison (compare.h): rows on one timeline,
 * and the ordering every sane evaluation must show with the default energy
 * model: contiguous oracle <= baseline_off <= slurm-suspend <= always-on.
 * On the public data (../shared/data) when present; else on a generator
 * workload. Also: liquid <= contiguous in every episode without skips. */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "compare.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The full ordering is the bar on the public data; on other workloads the
 * heuristics' own schedule (jobs held for power-on, other packing) can make
 * slurm-suspend a little cheaper than the baseline's schedule billed free. */
static void check_ordering(const ps_compare *c, int full) {
    const ps_compare_row *on = ps_compare_find(c, "always-on"), *off = ps_compare_find(c, "baseline_off"),
                         *slurm = ps_compare_find(c, "slurm-suspend");
    if (!on || !off || !slurm) {
        CHECK(0);
        return;
    }
    printf("  contiguous %.0f <= baseline_off %.0f <= slurm-suspend %.0f <= always-on %.0f EUR; liquid %.0f\n",
           c->oracle_contiguous, off->cost, slurm->cost, on->cost, c->oracle_liquid);
    CHECK(c->oracle_contiguous <= off->cost);
    if (full) CHECK(off->cost <= slurm->cost);
    CHECK(slurm->cost <= on->cost);
    CHECK_INT(c->liquid_above_contiguous, 0);
    /* the reference rows share the baseline's jobs; the heuristics do the same work here */
    CHECK_NEAR(off->completed, on->completed, 0);
    CHECK(slurm->completion_pct > 99.0);
    CHECK(slurm->power_offs > 0);
}

/* The files a comparison writes: one CSV row and one JSON entry per policy. */
static void check_report(const ps_compare *c) {
    char dir[] = "/tmp/ps_compare_XXXXXX", path[256], line[1024];
    if (!mkdtemp(dir)) {
        CHECK(0);
        return;
    }
    int png;
    ps_error err = {{0}};
    CHECK_INT(ps_compare_write(dir, c, &png, &err), PS_OK);
    snprintf(path, sizeof path, "%s/compare.csv", dir);
    FILE *f = fopen(path, "r");
    int rows = 0;
    if (f && fgets(line, sizeof line, f)) {
        CHECK(!strncmp(line, "policy,cost,energy_mwh,eur_per_mwh,", 35));
        CHECK_STR_CONTAINS(line, ",savings_vs_baseline_off_pct,savings_vs_slurm_suspend_pct");
        while (fgets(line, sizeof line, f)) rows++;
    }
    if (f) fclose(f);
    CHECK_INT(rows, c->n);
    snprintf(path, sizeof path, "%s/compare.json", dir);
    f = fopen(path, "r");
    char text[16384] = "";
    if (f) text[fread(text, 1, sizeof text - 1, f)] = '\0', fclose(f);
    cJSON *root = cJSON_Parse(text);
    CHECK(root != NULL);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(root, "policies")), c->n);
    const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "policies"), 0);
    CHECK_NEAR(cJSON_GetNumberValue(cJSON_GetObjectItem(first, "cost")), c->rows[0].cost, 1e-6 * c->rows[0].cost);
    cJSON_Delete(root);
    snprintf(path, sizeof path, "rm -rf %s", dir);
    CHECK_INT(system(path), 0);
}

static void run(const ps_scenario_spec *ss, double months, const char *what, int full) {
    ps_scenario sc;
    ps_error err = {{0}};
    if (ps_scenario_load(&sc, ss, &err) != PS_OK) {
        fprintf(stderr, "%s\n", err.msg);
        CHECK(0);
        return;
    }
    ps_compare_spec spec;
    memset(&spec, 0, sizeof spec);
    char buf[256];
    CHECK_INT(ps_compare_parse("always-on, baseline_off,slurm-suspend,price-threshold,price-aware", buf, sizeof buf,
                               spec.policies, &spec.n, &err), PS_OK);
    spec.heuristic = ps_heuristic_config_default(PS_H_SLURM_SUSPEND);
    spec.months = months;
    ps_compare c;
    double t0 = now_s();
    CHECK_INT(ps_compare_run(&sc, &spec, &c, &err), PS_OK);
    printf("%s: %d episodes x 4 runs in %.2f s\n", what, c.episodes, now_s() - t0);
    CHECK_INT(c.n, 5);
    CHECK(!strcmp(c.rows[0].name, "always-on") && !strcmp(c.rows[4].name, "price-aware"));
    CHECK_INT(c.episodes, (int)(2 * months + 0.5));
    check_ordering(&c, full);
    if (!full) check_report(&c);
    ps_scenario_free(&sc);
}

static void test_parse(void) {
    ps_compare_spec spec;
    memset(&spec, 0, sizeof spec);
    char buf[128];
    ps_error err = {{0}};
    CHECK_INT(ps_compare_parse("model,oracle", buf, sizeof buf, spec.policies, &spec.n, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, "'oracle'");
    CHECK_INT(ps_compare_parse("random,random", buf, sizeof buf, spec.policies, &spec.n, &err), PS_ERR);
    CHECK_INT(ps_compare_parse("", buf, sizeof buf, spec.policies, &spec.n, &err), PS_ERR);
    CHECK_INT(ps_compare_parse("model, random", buf, sizeof buf, spec.policies, &spec.n, &err), PS_OK);
    CHECK_INT(spec.n, 2);
}

int main(int argc, char **argv) {
    const char *shared = argc > 1 ? argv[1] : "../shared";
    test_parse();
    /* a generator workload that leaves room: 40 jobs/h of ~4 h on ~2 x 24 cores (~25 % load) */
    ps_scenario_spec ss = ps_scenario_spec_default();
    ps_wg_config gen = ps_wg_config_default(PS_WG_POISSON);
    gen.lambda = 40;
    gen.lambda_attr[0] = 4, gen.lambda_attr[1] = 2, gen.lambda_attr[2] = 24;
    ss.workload.generator = &gen;
    ss.seed = 3;
    run(&ss, 2, "poisson 40 jobs/h, 25 % load", 0);
    char prices[4096], log[4096];
    snprintf(prices, sizeof prices, "%s/data/prices_2023.csv", shared);
    snprintf(log, sizeof log, "%s/data/allusers-gpu-30.log", shared);
    FILE *f = fopen(log, "r");
    if (f) {
        fclose(f);
        ss = ps_scenario_spec_default();
        ss.prices_path = prices;
        ss.workload.jobs_path = log;
        ss.workload.replay_mode = PS_REPLAY_EXACT;
        run(&ss, 12, "public data, 12 months", 1);
    } else {
        printf("skipping the public-data comparison: %s not found\n", log);
    }
    return check_summary("test_compare");
}
