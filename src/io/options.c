/* options.c - option groups composed into a set: parsing, help, JSON, forwarding. */
#include "powersched/options.h"

#include <cJSON.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int parse_number(const ps_option *o, const char *v, ps_error *err) {
    char *end;
    errno = 0;
    if (o->kind == OPT_DOUBLE) {
        double d = strtod(v, &end);
        if (end == v || *end || errno == ERANGE || !isfinite(d))
            return ps_error_set(err, "%s: '%s' is not a finite number", o->name, v);
        if (o->min < o->max && (d < o->min || d > o->max))
            return ps_error_set(err, "%s: %s is outside [%g, %g]", o->name, v, o->min, o->max);
        *(double *)o->target = d;
        return PS_OK;
    }
    if (o->kind == OPT_U64) {
        if (*v == '-') return ps_error_set(err, "%s: '%s' is not a non-negative integer", o->name, v);
        unsigned long long u = strtoull(v, &end, 10);
        if (end == v || *end || errno == ERANGE)
            return ps_error_set(err, "%s: '%s' is not a non-negative integer", o->name, v);
        *(uint64_t *)o->target = u;
        return PS_OK;
    }
    long long x = strtoll(v, &end, 10);
    if (end == v || *end || errno == ERANGE) return ps_error_set(err, "%s: '%s' is not an integer", o->name, v);
    if (o->min < o->max && (x < o->min || x > o->max))
        return ps_error_set(err, "%s: %s is outside [%.0f, %.0f]", o->name, v, o->min, o->max);
    if (o->kind == OPT_INT) *(int *)o->target = (int)x;
    else *(int64_t *)o->target = x;
    return PS_OK;
}

void ps_optset_init(ps_optset *s) { memset(s, 0, sizeof *s); }

void ps_optset_add(ps_optset *s, const char *group, const ps_option *opts, int n) {
    for (int i = 0; i < n; i++) {
        if (s->n == PS_OPTSET_MAX) {
            s->overflow = 1;
            return;
        }
        s->opt[s->n] = opts[i];
        s->group[s->n] = group;
        s->n++;
    }
}

static void remove_at(ps_optset *s, int k) {
    s->n--;
    for (int i = k; i < s->n; i++) {
        s->opt[i] = s->opt[i + 1];
        s->group[i] = s->group[i + 1];
        s->value[i] = s->value[i + 1];
        s->given[i] = s->given[i + 1];
    }
}

void ps_optset_remove(ps_optset *s, const char *name) {
    for (int k = s->n - 1; k >= 0; k--)
        if (!strcmp(s->opt[k].name, name)) remove_at(s, k);
}

void ps_optset_remove_group(ps_optset *s, const char *group) {
    for (int k = s->n - 1; k >= 0; k--)
        if (!strcmp(s->group[k], group)) remove_at(s, k);
}

static int find_index(const ps_optset *s, const char *name, size_t len) {
    for (int k = 0; k < s->n; k++)
        if (strlen(s->opt[k].name) == len && !strncmp(s->opt[k].name, name, len)) return k;
    return -1;
}

const ps_option *ps_optset_find(const ps_optset *s, const char *name) {
    int k = find_index(s, name, strlen(name));
    return k < 0 ? NULL : &s->opt[k];
}

int ps_optset_given(const ps_optset *s, const char *name) {
    int k = find_index(s, name, strlen(name));
    return k >= 0 && s->given[k];
}

int ps_optset_parse(ps_optset *s, int argc, char **argv, int *help, ps_error *err) {
    if (s->overflow) return ps_error_set(err, "internal error: more than %d options in one command", PS_OPTSET_MAX);
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            *help = 1;
            continue;
        }
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        int k = arg[0] == '-' ? find_index(s, arg, len) : -1;
        if (k < 0) {
            if (arg[0] != '-') return ps_error_set(err, "unexpected argument '%s'", arg);
            return ps_error_set(err, "unknown option '%.*s' (see --help)", (int)len, arg);
        }
        const ps_option *o = &s->opt[k];
        s->given[k] = 1;
        if (o->kind == OPT_FLAG) {
            if (eq) return ps_error_set(err, "%s takes no value", o->name);
            *(int *)o->target = 1;
            continue;
        }
        const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!v) return ps_error_set(err, "%s needs a value (%s)", o->name, o->metavar);
        s->value[k] = v;
        if (o->kind == OPT_STRING) *(const char **)o->target = v;
        else if (parse_number(o, v, err) != PS_OK) return PS_ERR;
    }
    return PS_OK;
}

static void default_text(const ps_option *o, char *buf, size_t size) {
    switch (o->kind) {
    case OPT_FLAG: snprintf(buf, size, "%s", *(int *)o->target ? "on" : "off"); break;
    case OPT_INT: snprintf(buf, size, "%d", *(int *)o->target); break;
    case OPT_I64: snprintf(buf, size, "%lld", (long long)*(int64_t *)o->target); break;
    case OPT_U64: snprintf(buf, size, "%llu", (unsigned long long)*(uint64_t *)o->target); break;
    case OPT_DOUBLE: snprintf(buf, size, "%g", *(double *)o->target); break;
    case OPT_STRING: {
        const char *v = *(const char **)o->target;
        snprintf(buf, size, "%s", v && *v ? v : "none");
        break;
    }
    }
}

void ps_optset_default_text(ps_optset *s, const char *name, const char *text) {
    for (int k = 0; k < s->n; k++)
        if (!strcmp(s->opt[k].name, name)) s->default_text[k] = text;
}

void ps_optset_print(FILE *fp, const ps_optset *s) {
    for (int k = 0; k < s->n; k++) {
        if (k == 0 || strcmp(s->group[k], s->group[k - 1])) fprintf(fp, "%s%s options:\n", k ? "\n" : "", s->group[k]);
        const ps_option *o = &s->opt[k];
        char left[64], def[256];
        snprintf(left, sizeof left, "%s%s%s", o->name, o->kind == OPT_FLAG ? "" : " ",
                 o->kind == OPT_FLAG ? "" : o->metavar);
        default_text(o, def, sizeof def);
        fprintf(fp, "  %-32s %s (default: %s)\n", left, o->help, s->default_text[k] ? s->default_text[k] : def);
    }
}

static int in_groups(const char *group, const char *const *groups, int n) {
    for (int i = 0; i < n; i++)
        if (!strcmp(group, groups[i])) return 1;
    return 0;
}

int ps_optset_forward(const ps_optset *s, const char *const *groups, int n_groups, const char **out, int max) {
    int n = 0;
    for (int k = 0; k < s->n; k++) {
        if (!s->given[k] || !in_groups(s->group[k], groups, n_groups)) continue;
        int need = s->opt[k].kind == OPT_FLAG ? 1 : 2;
        if (n + need > max) return -1;
        out[n++] = s->opt[k].name;
        if (need == 2) out[n++] = s->value[k];
    }
    return n;
}

static cJSON *json_value(const ps_option *o) {
    switch (o->kind) {
    case OPT_FLAG: return cJSON_CreateBool(*(int *)o->target);
    case OPT_INT: return cJSON_CreateNumber(*(int *)o->target);
    case OPT_I64: return cJSON_CreateNumber((double)*(int64_t *)o->target);
    case OPT_U64: { /* above 2^53 a JSON number would round: keep the digits */
        uint64_t u = *(uint64_t *)o->target;
        char digits[24];
        snprintf(digits, sizeof digits, "%llu", (unsigned long long)u);
        return u <= (1ULL << 53) ? cJSON_CreateNumber((double)u) : cJSON_CreateString(digits);
    }
    case OPT_DOUBLE: return cJSON_CreateNumber(*(double *)o->target);
    case OPT_STRING: {
        const char *v = *(const char **)o->target;
        return v && *v ? cJSON_CreateString(v) : cJSON_CreateNull();
    }
    }
    return cJSON_CreateNull();
}

cJSON *ps_optset_json(const ps_optset *s, const char *group) {
    cJSON *obj = cJSON_CreateObject();
    for (int k = 0; obj && k < s->n; k++) {
        if (group && strcmp(s->group[k], group)) continue;
        cJSON *v = json_value(&s->opt[k]);
        if (!v || !cJSON_AddItemToObject(obj, s->opt[k].name + 2, v)) {
            cJSON_Delete(v);
            cJSON_Delete(obj);
            return NULL;
        }
    }
    return obj;
}

/* Whether group k is the first option of its group in the set. */
static int first_of_group(const ps_optset *s, int k) {
    for (int i = 0; i < k; i++)
        if (!strcmp(s->group[i], s->group[k])) return 0;
    return 1;
}

int ps_optset_groups(const ps_optset *s, const char **groups, int max) {
    int n = 0;
    for (int k = 0; k < s->n; k++)
        if (first_of_group(s, k) && n < max) groups[n++] = s->group[k];
    return n;
}

cJSON *ps_optset_json_groups(const ps_optset *s, const char *const *groups, int n_groups) {
    cJSON *obj = cJSON_CreateObject();
    for (int k = 0; obj && k < s->n; k++) {
        if (!first_of_group(s, k) || (n_groups > 0 && !in_groups(s->group[k], groups, n_groups))) continue;
        cJSON *g = ps_optset_json(s, s->group[k]);
        if (!g || !cJSON_AddItemToObject(obj, s->group[k], g)) {
            cJSON_Delete(g);
            cJSON_Delete(obj);
            return NULL;
        }
    }
    return obj;
}
