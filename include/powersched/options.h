/* options.h - options declared once, in groups, and composed by whoever
 * needs them (curl's tool_getparam style, one table drives everything).
 *
 * A group (data, workload generator, weights, training, evaluation, sweep,
 * a command's own) is one table of ps_option pointing at the fields it
 * sets. A command adds the groups it takes to a ps_optset; parsing, --help,
 * config.json (ps_optset_json) and forwarding to another command
 * (ps_optset_forward) all read that one set, so they cannot drift apart.
 * Defaults shown in --help are the targets' values before parsing. */
#ifndef POWERSCHED_OPTIONS_H
#define POWERSCHED_OPTIONS_H

#include <stdint.h>
#include <stdio.h>

#include "powersched/error.h"

typedef enum ps_opt_kind { OPT_FLAG, OPT_INT, OPT_I64, OPT_U64, OPT_DOUBLE, OPT_STRING } ps_opt_kind;

typedef struct ps_option {
    const char *name;    /* "--prices" */
    ps_opt_kind kind;
    void *target;        /* int*, int64_t*, uint64_t*, double*, const char** */
    const char *metavar; /* "FILE" */
    const char *help;    /* one line */
    double min, max;     /* accepted range for numbers when min < max */
} ps_option;

#define PS_COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define PS_OPTSET_MAX 128

/* Group names of the shared groups (a command's own group has its name). */
#define PS_GROUP_DATA "data"
#define PS_GROUP_GENERATOR "workload generator"
#define PS_GROUP_WEIGHTS "reward weights"
#define PS_GROUP_ENERGY "energy model"
#define PS_GROUP_SERVICE "quality of service"

/* The options a command takes, group by group, and what parsing saw. */
typedef struct ps_optset {
    ps_option opt[PS_OPTSET_MAX];
    const char *group[PS_OPTSET_MAX];
    const char *value[PS_OPTSET_MAX]; /* the text given (argv), NULL if not given */
    const char *default_text[PS_OPTSET_MAX]; /* --help's default when not the target's value (NULL) */
    unsigned char given[PS_OPTSET_MAX];
    int n;
    int overflow; /* more than PS_OPTSET_MAX added: parsing refuses (a bug) */
} ps_optset;

void ps_optset_init(ps_optset *s);
/* Appends a group's table (copied; targets must outlive the set). */
void ps_optset_add(ps_optset *s, const char *group, const ps_option *opts, int n);

/* Takes an option (or a whole group) out of the set again: for commands
 * that set it themselves (a sweep sets the weights). */
void ps_optset_remove(ps_optset *s, const char *name);
void ps_optset_remove_group(ps_optset *s, const char *group);

/* Parses argv[0..argc) against the set; every argument must be an option.
 * "--help"/"-h" sets *help. Errors name the flag and the bad value. */
int ps_optset_parse(ps_optset *s, int argc, char **argv, int *help, ps_error *err);
/* --help text: each group under its name, one line per option with its default. */
void ps_optset_print(FILE *fp, const ps_optset *s);

/* The option called name, or NULL; whether it was given on the command line. */
const ps_option *ps_optset_find(const ps_optset *s, const char *name);
/* What --help shows as name's default when it is not the value the target
 * starts with (train draws a random seed when --seed is not given). */
void ps_optset_default_text(ps_optset *s, const char *name, const char *text);
int ps_optset_given(const ps_optset *s, const char *name);

/* The names of the set's groups in the order they were added (at most max);
 * returns their count. */
int ps_optset_groups(const ps_optset *s, const char **groups, int max);

/* The options of the listed groups that were given, as arguments for another
 * command ("--flag", or "--name" "value" with the text as given). Writes at
 * most max pointers (into s's option names and the parsed argv) to out and
 * returns their count, or -1 when more than max would be needed. */
int ps_optset_forward(const ps_optset *s, const char *const *groups, int n_groups, const char **out, int max);

/* Every option of group (NULL: all) with its resolved value, as a JSON
 * object keyed by the option name without "--" (a cJSON*, caller deletes;
 * NULL when out of memory). Strings that are empty become null. */
struct cJSON;
struct cJSON *ps_optset_json(const ps_optset *s, const char *group);
/* The listed groups (n_groups 0: every group of the set) as one JSON object
 * keyed by group name, each as ps_optset_json (caller deletes; NULL when out
 * of memory): what a run records about how it was configured. */
struct cJSON *ps_optset_json_groups(const ps_optset *s, const char *const *groups, int n_groups);

#endif
