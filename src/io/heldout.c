/* heldout.c - the training rows recorded in a session's config.json. */
#include "powersched/heldout.h"

#include <cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_small_file(const char *path, ps_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f) return ps_error_set(err, "%s: %s", path, strerror(errno)), NULL;
    char *text = malloc(1 << 20);
    size_t n = text ? fread(text, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    if (!text) return ps_error_set(err, "out of memory"), NULL;
    text[n] = '\0';
    return text;
}

int ps_trained_rows(const char *config_path, char *prices, size_t size, long long *first, long long *last,
                    ps_error *err) {
    *first = *last = -1;
    snprintf(prices, size, "%s", "");
    char *text = read_small_file(config_path, err);
    if (!text) return PS_ERR;
    cJSON *root = cJSON_Parse(text);
    free(text);
    const cJSON *data = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "options"), "data");
    if (!cJSON_IsObject(data)) {
        cJSON_Delete(root);
        return ps_error_set(err, "%s: not a session config (no options.data)", config_path);
    }
    const char *p = cJSON_GetStringValue(cJSON_GetObjectItem(data, "prices"));
    const char *rows = cJSON_GetStringValue(cJSON_GetObjectItem(data, "price-rows"));
    if (p) snprintf(prices, size, "%s", p);
    int rc = PS_OK;
    char rest;
    if (rows && sscanf(rows, "%lld:%lld%c", first, last, &rest) != 2)
        rc = ps_error_set(err, "%s: price-rows '%s' is not A:B", config_path, rows);
    cJSON_Delete(root);
    return rc;
}

int ps_rows_overlap(long long a, long long b, long long c, long long d) {
    if (c < 0) return 1;
    if (b < 0) return d >= a;
    return a <= d && c <= b;
}
