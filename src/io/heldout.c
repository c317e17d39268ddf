/* heldout.c - the training rows recorded in a session's config.json. */
#include "powersched/heldout.h"

#include <cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "powersched/io.h"
#include "powersched/provenance.h"

int ps_trained_rows(const char *config_path, char *prices, size_t size, long long *first, long long *last,
                    ps_error *err) {
    *first = *last = -1;
    snprintf(prices, size, "%s", "");
    char *text = ps_read_text_max(config_path, 1 << 20, err);
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

void ps_heldout_warn(const char *config_path, const char *prices_path, long long first, long long last,
                     const cJSON *now, FILE *warn) {
    char prices[4096];
    long long a, b;
    ps_error err;
    if (ps_trained_rows(config_path, prices, sizeof prices, &a, &b, &err) != PS_OK) return;
    if (*prices_path && !strcmp(prices, prices_path) && ps_rows_overlap(first, last, a, b))
        fprintf(warn, "warning: evaluation rows %lld..%lld of %s overlap the rows the model trained on (%s); "
                      "hold rows out with --price-rows A:B in training and evaluation\n",
                first, last, prices, a < 0 ? "all" : "see config.json");
    char *text = ps_read_text_max(config_path, 1 << 20, &err);
    cJSON *model = text ? cJSON_Parse(text) : NULL;
    free(text);
    if (cJSON_GetObjectItemCaseSensitive(model, "inputs")) /* sessions before provenance have none */
        ps_provenance_compare(model, now, warn);
    cJSON_Delete(model);
}
