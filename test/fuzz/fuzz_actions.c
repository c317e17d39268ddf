/* fuzz_actions - the scripted policy "actions:FILE" (ps_fixed_policy_init),
 * stepped through the whole file with ps_fixed_policy_next as `simulate`
 * does. On success there is one action per line that is neither blank nor a
 * '#' comment (so a long line is not split into two), each action is in
 * range and equals the integers written on its line (no wrap-around). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "powersched/fixed_policy.h"

/* The lines a step is read from, as fixed_policy.h defines them: a line
 * (up to '\n' or a NUL byte; after a UTF-8 BOM at the start of the file) is
 * skipped when it is blank (white space only) or its first character after
 * spaces and tabs is '#'. Fills starts[] (when not NULL) with the offsets of
 * the others, past their leading spaces and tabs, and returns how many. */
static long action_lines(const uint8_t *data, size_t size, size_t *starts) {
    long n = 0;
    size_t at = size >= 3 && !memcmp(data, "\xef\xbb\xbf", 3) ? 3 : 0;
    while (at < size) {
        const uint8_t *nl = memchr(data + at, '\n', size - at);
        size_t end = nl ? (size_t)(nl - data) : size;
        const uint8_t *nul = memchr(data + at, '\0', end - at);
        size_t stop = nul ? (size_t)(nul - data) : end;
        size_t s = at;
        while (s < stop && (data[s] == ' ' || data[s] == '\t')) s++;
        size_t k = s;
        while (k < stop && isspace(data[k])) k++;
        if (k < stop && data[s] != '#') {
            if (starts) starts[n] = s;
            n++;
        }
        at = end + 1;
    }
    return n;
}

/* The three integers at the start of the line at `start`, read wide; 0 when
 * they are not plainly there (then only the range check applies). */
static int wide_ints(const uint8_t *data, size_t size, size_t start, long long v[3]) {
    const uint8_t *nl = memchr(data + start, '\n', size - start);
    size_t len = nl ? (size_t)(nl - data) - start : size - start;
    char *buf = malloc(len + 1);
    FUZZ_CHECK(buf != NULL, "out of memory");
    memcpy(buf, data + start, len);
    buf[len] = '\0';
    int ok = 1;
    char *p = buf;
    v[0] = v[1] = v[2] = 0;
    for (int k = 0; k < 3 && ok; k++) {
        char *end;
        errno = 0;
        v[k] = strtoll(p, &end, 10);
        if (end == p) ok = 0;
        else if (errno == ERANGE) break; /* out of any range: the reader must refuse it */
        p = end + strspn(end, " \t");
        if (k < 2 && ok) ok = *p++ == ',';
    }
    free(buf);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_file(0, data, size);
    char spec[64];
    snprintf(spec, sizeof spec, "actions:%s", path);
    ps_config cfg = ps_config_default();
    ps_heuristic_config hc = ps_heuristic_config_default(PS_H_SLURM_SUSPEND);
    ps_error err = {{0}};
    ps_fixed_policy p;
    if (ps_fixed_policy_init(&p, spec, &hc, &cfg, 1, &err) != PS_OK) {
        fuzz_check_error(&err, path);
        ps_fixed_policy_free(&p);
        return 0;
    }
    FUZZ_CHECK(p.kind == PS_FIXED_ACTIONS && p.n_actions > 0, "success with kind %d and %ld actions", (int)p.kind,
               p.n_actions);
    FUZZ_CHECK(!ps_fixed_policy_observes(&p), "a scripted policy reads observations");
    size_t *starts = malloc((size_t)p.n_actions * sizeof *starts);
    long lines = starts ? action_lines(data, size, NULL) : -1;
    FUZZ_CHECK(lines == p.n_actions, "%ld actions read from %ld action lines", p.n_actions, lines);
    action_lines(data, size, starts);
    for (long t = 0; t < p.n_actions; t++) {
        ps_action a = ps_fixed_policy_next(&p, &cfg, t, NULL);
        FUZZ_CHECK(a.type >= 0 && a.type <= 2 && a.magnitude >= 0 && a.magnitude < cfg.max_nodes && a.refill >= 0 &&
                       a.refill <= 1,
                   "step %ld: action [%d, %d, %d] out of range", t, a.type, a.magnitude, a.refill);
        long long v[3];
        if (wide_ints(data, size, starts[t], v))
            FUZZ_CHECK(v[0] == a.type && v[1] == a.magnitude && v[2] == a.refill,
                       "step %ld: the line says %lld,%lld,%lld, the policy gives [%d, %d, %d]", t, v[0], v[1], v[2],
                       a.type, a.magnitude, a.refill);
    }
    free(starts);
    ps_fixed_policy_free(&p);
    return 0;
}
