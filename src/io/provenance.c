/* provenance.c - versions and input checksums (provenance.h). */
#include "powersched/provenance.h"

#include <cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "powersched/policy_options.h"
#include "powersched/powersched.h"

/* Size and CRC-32 of a whole file, streamed. */
static int file_crc(const char *path, long long *size, uint32_t *crc, ps_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f) return ps_error_set(err, "%s: cannot open: %s", path, strerror(errno));
    unsigned char buf[1 << 16];
    uLong c = crc32(0L, Z_NULL, 0);
    size_t n;
    *size = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        c = crc32(c, buf, (uInt)n);
        *size += (long long)n;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) return ps_error_set(err, "%s: read error", path);
    *crc = (uint32_t)c;
    return PS_OK;
}

static int add_input(cJSON *inputs, const char *flag, const char *path, ps_error *err) {
    if (!path || !*path) return PS_OK;
    long long size;
    uint32_t crc;
    if (!strncmp(path, "logic", 5)) { /* --prices logic[:HIGH:LOW]: no file, the text says it all */
        size = (long long)strlen(path);
        crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), (const Bytef *)path, (uInt)size);
    } else if (file_crc(path, &size, &crc, err) != PS_OK) {
        return PS_ERR;
    }
    char hex[9];
    snprintf(hex, sizeof hex, "%08x", crc);
    cJSON *e = cJSON_AddObjectToObject(inputs, flag);
    if (!e || !cJSON_AddStringToObject(e, "path", path) || !cJSON_AddNumberToObject(e, "size", (double)size) ||
        !cJSON_AddStringToObject(e, "crc32", hex))
        return ps_error_set(err, "out of memory");
    return PS_OK;
}

cJSON *ps_provenance_json(const ps_sim_flags *f, ps_error *err) {
    cJSON *root = cJSON_CreateObject(), *inputs = cJSON_CreateObject();
    if (!root || !inputs || !cJSON_AddStringToObject(root, "powersched", ps_version()) ||
        !cJSON_AddItemToObject(root, "inputs", inputs)) {
        cJSON_Delete(root);
        cJSON_Delete(inputs);
        ps_error_set(err, "out of memory");
        return NULL;
    }
    const char *flags[] = {"--prices", "--jobs", "--jobs-swf", "--hourly-jobs", "--job-durations"};
    const char *paths[] = {f->prices, f->jobs, f->jobs_swf, f->hourly_jobs, f->job_durations};
    for (int i = 0; i < 5; i++)
        if (add_input(inputs, flags[i], paths[i], err) != PS_OK) {
            cJSON_Delete(root);
            return NULL;
        }
    return root;
}

/* The options that shape what an evaluation simulates, beyond its input
 * files: config.json's groups of them, less the files (compared by CRC),
 * the price rows (the tag has them) and the seed. */
static const char *const SCENARIO_GROUPS[] = {PS_GROUP_DATA, PS_GROUP_ENERGY, PS_GROUP_SERVICE, PS_GROUP_CONTRACT,
                                              PS_GROUP_GENERATOR, PS_GROUP_POLICY};
static const char *const NOT_SCENARIO[] = {"prices", "jobs", "jobs-swf", "hourly-jobs", "job-durations", "price-rows",
                                           "seed"};

static cJSON *scenario_json(const ps_sim_flags *f, const ps_heuristic_config *h) {
    ps_sim_flags fc = *f; /* the option tables want writable targets; nothing is parsed */
    ps_heuristic_config hc = *h;
    ps_optset set;
    ps_optset_init(&set);
    ps_sim_flags_options(&fc, &set);
    ps_heuristic_options(&hc, &set);
    cJSON *s = ps_optset_json_groups(&set, SCENARIO_GROUPS, PS_COUNT(SCENARIO_GROUPS));
    cJSON *data = cJSON_GetObjectItemCaseSensitive(s, PS_GROUP_DATA);
    for (int i = 0; i < PS_COUNT(NOT_SCENARIO); i++) cJSON_DeleteItemFromObjectCaseSensitive(data, NOT_SCENARIO[i]);
    return s;
}

int ps_provenance_add_scenario(cJSON *prov, const ps_sim_flags *f, const ps_heuristic_config *h, ps_error *err) {
    cJSON *s = scenario_json(f, h);
    if (!s || !cJSON_AddItemToObject(prov, "scenario", s)) {
        cJSON_Delete(s);
        return ps_error_set(err, "out of memory");
    }
    return PS_OK;
}

/* Option key of group in a grouped options object (config.json's
 * "options", a provenance's "scenario"), or NULL. */
static const cJSON *option_at(const cJSON *groups, const char *group, const char *key) {
    return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(groups, group), key);
}

/* A value as a warning shows it: text bare, null as "none". */
static void value_text(const cJSON *v, char *buf, size_t size) {
    char *t = cJSON_IsString(v) || cJSON_IsNull(v) ? NULL : cJSON_PrintUnformatted(v);
    snprintf(buf, size, "%s", cJSON_IsString(v) ? v->valuestring : t ? t : "none");
    free(t);
}

/* Warns about each scenario option of now whose value differs from the one
 * in the model's config.json options (options it lacks, from older versions
 * or of other commands, are not compared). */
static int scenario_differences(const cJSON *model_options, const cJSON *scenario, FILE *warn) {
    int n = 0;
    for (const cJSON *g = scenario ? scenario->child : NULL; g; g = g->next)
        for (const cJSON *e = g->child; e; e = e->next) {
            const cJSON *m = option_at(model_options, g->string, e->string);
            if (!m || cJSON_Compare(m, e, 1)) continue;
            n++;
            char now[64], then[64];
            value_text(e, now, sizeof now);
            value_text(m, then, sizeof then);
            if (warn) fprintf(warn, "warning: --%s is %s in this run, %s in the model's training\n", e->string, now, then);
        }
    return n;
}

static const char *crc_of(const cJSON *inputs, const char *flag) {
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(inputs, flag), "crc32"));
}

/* Warns about each input of a that b lacks or has with another CRC. */
static int differences(const cJSON *a, const cJSON *b, int a_is_model, FILE *warn) {
    int n = 0;
    for (const cJSON *e = a ? a->child : NULL; e; e = e->next) {
        const char *ca = crc_of(a, e->string), *cb = crc_of(b, e->string);
        if (cb && ca && !strcmp(ca, cb)) continue;
        if (cb && !a_is_model) continue; /* a CRC difference: counted from the model's side */
        n++;
        if (!warn) continue;
        if (!cb)
            fprintf(warn, "warning: the model %s %s %s; this run %s\n", a_is_model ? "was trained with" : "lacks",
                    e->string, cJSON_GetStringValue(cJSON_GetObjectItem(e, "path")),
                    a_is_model ? "does not use it" : "uses it");
        else if (a_is_model)
            fprintf(warn, "warning: %s differs from the model's: %s (crc32 %s) now, %s (crc32 %s) in training\n",
                    e->string, cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(b, e->string), "path")), cb,
                    cJSON_GetStringValue(cJSON_GetObjectItem(e, "path")), ca ? ca : "?");
    }
    return n;
}

int ps_provenance_compare(const cJSON *model, const cJSON *now, FILE *warn) {
    const cJSON *mi = cJSON_GetObjectItemCaseSensitive(model, "inputs"), *ni = cJSON_GetObjectItemCaseSensitive(now, "inputs");
    return differences(mi, ni, 1, warn) + differences(ni, mi, 0, warn) +
           scenario_differences(cJSON_GetObjectItemCaseSensitive(model, "options"),
                                cJSON_GetObjectItemCaseSensitive(now, "scenario"), warn);
}

/* Adds to the CRC each scenario option whose value is not the default, so a
 * run on defaults keeps the folder it had before options were tagged. */
static int crc_scenario(uLong *c, const cJSON *scenario) {
    ps_sim_flags f;
    ps_sim_flags_init(&f);
    ps_heuristic_config h = ps_heuristic_config_default(PS_H_SLURM_SUSPEND);
    cJSON *def = scenario_json(&f, &h);
    int any = 0;
    for (const cJSON *g = scenario ? scenario->child : NULL; g; g = g->next)
        for (const cJSON *e = g->child; e; e = e->next) {
            const cJSON *d = option_at(def, g->string, e->string);
            if (d && cJSON_Compare(d, e, 1)) continue;
            char *v = cJSON_PrintUnformatted(e);
            *c = crc32(*c, (const Bytef *)e->string, (uInt)strlen(e->string));
            if (v) *c = crc32(*c, (const Bytef *)v, (uInt)strlen(v));
            free(v);
            any = 1;
        }
    cJSON_Delete(def);
    return any;
}

void ps_provenance_tag(const cJSON *now, long long price_first, long long price_last, char *buf, size_t size) {
    const cJSON *inputs = cJSON_GetObjectItemCaseSensitive(now, "inputs");
    uLong c = crc32(0L, Z_NULL, 0);
    int any = 0;
    for (const cJSON *e = inputs ? inputs->child : NULL; e; e = e->next, any = 1) {
        const char *crc = crc_of(inputs, e->string);
        c = crc32(c, (const Bytef *)e->string, (uInt)strlen(e->string));
        if (crc) c = crc32(c, (const Bytef *)crc, (uInt)strlen(crc));
    }
    long long rows[2] = {price_first, price_last};
    c = crc32(c, (const Bytef *)rows, sizeof rows);
    any |= crc_scenario(&c, cJSON_GetObjectItemCaseSensitive(now, "scenario"));
    if (any) snprintf(buf, size, "_in-%08lx", (unsigned long)c);
    else snprintf(buf, size, "%s", "");
}
