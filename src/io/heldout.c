/* heldout.c - the training rows recorded in a session's config.json. */
#include "powersched/heldout.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "powersched/io.h"
#include "powersched/provenance.h"

static cJSON *read_config(const char *path, ps_error *err) {
    char *text = ps_read_text_max(path, 1 << 20, err);
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    if (text && !root) ps_error_set(err, "%s: not valid JSON", path);
    free(text);
    return root;
}

/* The rows of a parsed session config (ps_trained_rows). */
static int rows_of(const cJSON *root, const char *path, char *prices, size_t size, long long *first, long long *last,
                   ps_error *err) {
    *first = *last = -1;
    snprintf(prices, size, "%s", "");
    const cJSON *data = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "options"), "data");
    if (!cJSON_IsObject(data)) return ps_error_set(err, "%s: not a session config (no options.data)", path);
    const char *p = cJSON_GetStringValue(cJSON_GetObjectItem(data, "prices"));
    const char *rows = cJSON_GetStringValue(cJSON_GetObjectItem(data, "price-rows"));
    if (p) snprintf(prices, size, "%s", p);
    char rest;
    if (rows && sscanf(rows, "%lld:%lld%c", first, last, &rest) != 2)
        return ps_error_set(err, "%s: price-rows '%s' is not A:B", path, rows);
    return PS_OK;
}

int ps_trained_rows(const char *config_path, char *prices, size_t size, long long *first, long long *last,
                    ps_error *err) {
    cJSON *root = read_config(config_path, err);
    int rc = rows_of(root, config_path, prices, size, first, last, err);
    cJSON_Delete(root);
    return rc;
}

int ps_rows_overlap(long long a, long long b, long long c, long long d) {
    if (c < 0) return 1;
    if (b < 0) return d >= a;
    return a <= d && c <= b;
}

void ps_heldout_warn(const char *session_root, const char *prices_path, long long first, long long last,
                     const cJSON *now, FILE *warn) {
    char path[4200], prices[4096];
    long long a, b;
    ps_error err;
    snprintf(path, sizeof path, "%s/config.json", session_root);
    cJSON *model = read_config(path, &err);
    if (model && rows_of(model, path, prices, sizeof prices, &a, &b, &err) == PS_OK && *prices_path &&
        !strcmp(prices, prices_path) && ps_rows_overlap(first, last, a, b))
        fprintf(warn, "warning: evaluation rows %lld..%lld of %s overlap the rows the model trained on (%s); "
                      "hold rows out with --price-rows A:B in training and evaluation\n",
                first, last, prices, a < 0 ? "all" : "see config.json");
    if (cJSON_GetObjectItemCaseSensitive(model, "inputs")) /* sessions before provenance have none */
        ps_provenance_compare(model, now, warn);
    cJSON_Delete(model);
}
