/* provenance.c - versions and input checksums (provenance.h). */
#include "powersched/provenance.h"

#include <cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

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
    if (!path || !*path || !strncmp(path, "logic", 5)) return PS_OK;
    long long size;
    uint32_t crc;
    if (file_crc(path, &size, &crc, err) != PS_OK) return PS_ERR;
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
    return differences(mi, ni, 1, warn) + differences(ni, mi, 0, warn);
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
    if (any) snprintf(buf, size, "_in-%08lx", (unsigned long)c);
    else snprintf(buf, size, "%s", "");
}
