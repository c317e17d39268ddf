/* price_json.c - Energy-Charts price JSON (api.energy-charts.info/price):
 * {"unix_seconds": [...], "price": [...], "unit": "EUR / MWh", ...}. */
#include <cJSON.h>
#include <math.h>
#include <stdlib.h>

#include "powersched/io.h"
#include "price_rows.h"

/* Pushes the arrays' pairs as timed rows (where = 0-based index). */
static int json_rows(const cJSON *secs, const cJSON *price, const char *path, ps_price_rows *rows, ps_error *err) {
    int n = cJSON_GetArraySize(secs);
    if (n != cJSON_GetArraySize(price))
        return ps_error_set(err, "%s: \"unix_seconds\" has %d entries, \"price\" %d", path, n, cJSON_GetArraySize(price));
    const cJSON *s = secs->child, *p = price->child;
    for (long i = 0; s && p; i++, s = s->next, p = p->next) {
        if (!cJSON_IsNumber(s) || !isfinite(s->valuedouble) || fabs(s->valuedouble) > 1e12 ||
            s->valuedouble != floor(s->valuedouble))
            return ps_error_set(err, "%s: unix_seconds[%ld] is not a whole number of seconds", path, i);
        if (!cJSON_IsNull(p) && (!cJSON_IsNumber(p) || !isfinite(p->valuedouble) || fabs(p->valuedouble) > PS_MAX_PRICE))
            return ps_error_set(err, "%s: price[%ld] is not a number within +-%g EUR/MWh (or null)", path, i, PS_MAX_PRICE);
        float v = cJSON_IsNull(p) ? NAN : (float)p->valuedouble;
        if (ps_price_rows_push(rows, (int64_t)s->valuedouble, v, i) != 0) return ps_error_set(err, "%s: out of memory", path);
    }
    return PS_OK;
}

int ps_prices_load_json(const char *path, const ps_price_options *o, float **values, size_t *n, ps_price_report *rep,
                        ps_error *err) {
    char *text = ps_read_text_max(path, (size_t)PS_MAX_PRICE_FILE_BYTES, err);
    if (!text) return PS_ERR;
    cJSON *root = cJSON_Parse(text);
    free(text);
    if (!root) return ps_error_set(err, "%s: not valid JSON", path);
    const cJSON *secs = cJSON_GetObjectItemCaseSensitive(root, "unix_seconds");
    const cJSON *price = cJSON_GetObjectItemCaseSensitive(root, "price");
    ps_price_rows rows = {0};
    int rc = cJSON_IsArray(secs) && cJSON_IsArray(price)
                 ? json_rows(secs, price, path, &rows, err)
                 : ps_error_set(err, "%s: expected Energy-Charts JSON with \"unix_seconds\" and \"price\" arrays", path);
    cJSON_Delete(root);
    rep->rows = rows.n;
    if (rc == PS_OK) rc = ps_price_rows_hourly(&rows, path, "entry", o, values, n, rep, err);
    ps_price_rows_free(&rows);
    return rc;
}
