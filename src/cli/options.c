#include "options.h"

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

int ps_options_parse(const ps_option *opts, int n, int argc, char **argv, int *help, ps_error *err) {
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            *help = 1;
            continue;
        }
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        const ps_option *o = NULL;
        for (int k = 0; k < n && !o; k++)
            if (strlen(opts[k].name) == len && !strncmp(opts[k].name, arg, len)) o = &opts[k];
        if (!o) {
            if (arg[0] != '-') return ps_error_set(err, "unexpected argument '%s'", arg);
            return ps_error_set(err, "unknown option '%.*s' (see --help)", (int)len, arg);
        }
        if (o->kind == OPT_FLAG) {
            if (eq) return ps_error_set(err, "%s takes no value", o->name);
            *(int *)o->target = 1;
            continue;
        }
        const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!v) return ps_error_set(err, "%s needs a value (%s)", o->name, o->metavar);
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
        const char *s = *(const char **)o->target;
        snprintf(buf, size, "%s", s && *s ? s : "none");
        break;
    }
    }
}

void ps_options_print(FILE *fp, const ps_option *opts, int n) {
    for (int k = 0; k < n; k++) {
        const ps_option *o = &opts[k];
        char left[64], def[256];
        snprintf(left, sizeof left, "%s%s%s", o->name, o->kind == OPT_FLAG ? "" : " ",
                 o->kind == OPT_FLAG ? "" : o->metavar);
        default_text(o, def, sizeof def);
        fprintf(fp, "  %-32s %s (default: %s)\n", left, o->help, def);
    }
}

int ps_cli_parse(const char *cmd, const char *usage, const ps_option *opts, int n, int argc, char **argv) {
    int help = 0;
    ps_error err;
    if (ps_options_parse(opts, n, argc, argv, &help, &err) != PS_OK) {
        fprintf(stderr, "powersched %s: %s\n", cmd, err.msg);
        return 2;
    }
    if (!help) return -1;
    printf("%s\noptions:\n", usage);
    ps_options_print(stdout, opts, n);
    return 0;
}
