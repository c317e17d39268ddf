/* sacct.c - reader for Slurm `sacct` exports (spec 8.2): fixed-width or
 * --parsable2, columns found by header name. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "powersched/civil_time.h"
#include "powersched/text_lines.h"
#include "powersched/workload.h"

#define MAX_FIELDS 32

static int digits(const char *s, int n, int *out) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* YYYY-MM-DDTHH:MM[:SS] read as UTC. */
static int parse_submit(const char *s, ps_sacct_job *j) {
    size_t len = strlen(s);
    int y, mo, d, h, mi, se = 0;
    if (len != 16 && len != 19) return -1;
    if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':') return -1;
    if (digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) ||
        digits(s + 11, 2, &h) || digits(s + 14, 2, &mi))
        return -1;
    if (len == 19 && (s[16] != ':' || digits(s + 17, 2, &se))) return -1;
    if (ps_civil_seconds(y, mo, d, h, mi, se, &j->submit) != 0) return -1;
    j->date = y * 10000 + mo * 100 + d;
    j->hour = h;
    return 0;
}

static int parse_count(const char *s, int64_t max, int64_t *out) {
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE || v < 0 || v > max) return -1;
    *out = v;
    return 0;
}

/* The columns the samplers read, found by name in the header. */
enum { COL_SUBMIT, COL_ELAPSED, COL_NCPUS, COL_NNODES, COL_JOBID, N_COLS };
static const char *const COL_NAMES[N_COLS] = {"Submit", "ElapsedRaw", "NCPUS", "NNodes", "JobID"};
#define N_REQUIRED 4 /* JobID is optional: with it, job-step rows are skipped */

typedef struct layout {
    int parsable; /* '|'-separated (--parsable/--parsable2), else whitespace */
    int n_fields; /* columns in the header */
    int col[N_COLS];
} layout;

/* Splits row in place: on '|' (a trailing one, as --parsable writes, ends
 * the row) or on runs of whitespace. Returns the field count, or -1 past max. */
static int split(char *row, int parsable, char **f, int max) {
    int n = 0;
    if (parsable) {
        size_t len = strlen(row);
        if (len && row[len - 1] == '|') row[len - 1] = '\0';
        for (char *p = row;; p++) {
            if (n == max) return -1;
            f[n++] = p;
            if (!(p = strchr(p, '|'))) break;
            *p = '\0';
        }
        for (int i = 0; i < n; i++) /* fields may be padded */
            while (isspace((unsigned char)*f[i])) f[i]++;
        return n;
    }
    for (char *save, *tok = strtok_r(row, " \t\v\f", &save); tok; tok = strtok_r(NULL, " \t\v\f", &save)) {
        if (n == max) return -1;
        f[n++] = tok;
    }
    return n;
}

static int parse_header(const char *path, long line, char *row, layout *lay, ps_error *err) {
    char *f[MAX_FIELDS];
    lay->parsable = strchr(row, '|') != NULL;
    int n = split(row, lay->parsable, f, MAX_FIELDS);
    if (n < 0) return ps_error_set(err, "%s:%ld: header has more than %d columns", path, line, MAX_FIELDS);
    lay->n_fields = n;
    int found = 0;
    for (int c = 0; c < N_COLS; c++) {
        lay->col[c] = -1;
        for (int i = 0; i < n && lay->col[c] < 0; i++)
            if (!strcasecmp(f[i], COL_NAMES[c])) lay->col[c] = i;
        found += lay->col[c] >= 0;
    }
    if (found == 0)
        return ps_error_set(err, "%s:%ld: not a sacct header (expected column names such as JobID Submit ElapsedRaw "
                            "NCPUS NNodes; a file from sacct -n/--noheader has none: export without -n)", path, line);
    char missing[128] = "";
    for (int c = 0; c < N_REQUIRED; c++)
        if (lay->col[c] < 0) snprintf(missing + strlen(missing), sizeof missing - strlen(missing), " %s", COL_NAMES[c]);
    if (*missing)
        return ps_error_set(err, "%s:%ld: the header lacks the column(s)%s (sacct --format=JobID,Submit,ElapsedRaw,"
                            "NCPUS,NNodes)", path, line, missing);
    return PS_OK;
}

/* PS_OK, PS_ERR, or STEP_ROW for a job step (JobID 123.batch, 123.0), which
 * fixed-width exports show with blank fields: checked before the count. */
#define STEP_ROW 1
static int parse_row(const char *path, long line, char *row, const layout *lay, ps_sacct_job *j, ps_error *err) {
    char *f[MAX_FIELDS];
    int n = split(row, lay->parsable, f, MAX_FIELDS), id = lay->col[COL_JOBID];
    if (id >= 0 && n > id && strchr(f[id], '.')) return STEP_ROW;
    if (n != lay->n_fields)
        return ps_error_set(err, "%s:%ld: expected %d fields as in the header, found %d%s", path, line, lay->n_fields,
                            n < 0 ? MAX_FIELDS + 1 : n,
                            lay->parsable ? "" : " (a blank field? export with sacct --parsable2)");
    const char *submit = f[lay->col[COL_SUBMIT]];
    if (parse_submit(submit, j) != 0)
        return ps_error_set(err, "%s:%ld: Submit '%s' is not a time like 2025-04-13T16:35:12", path, line, submit);
    int64_t elapsed, ncpus, nnodes;
    const char *e = f[lay->col[COL_ELAPSED]], *c = f[lay->col[COL_NCPUS]], *nn = f[lay->col[COL_NNODES]];
    if (parse_count(e, PS_MAX_JOB_SECONDS, &elapsed) != 0)
        return ps_error_set(err, "%s:%ld: ElapsedRaw '%s' is not a number of seconds from 0 to %lld", path, line, e,
                            (long long)PS_MAX_JOB_SECONDS);
    if (parse_count(c, 1 << 24, &ncpus) != 0)
        return ps_error_set(err, "%s:%ld: NCPUS '%s' is not an integer from 0 to %d", path, line, c, 1 << 24);
    if (parse_count(nn, 1 << 24, &nnodes) != 0)
        return ps_error_set(err, "%s:%ld: NNodes '%s' is not an integer from 0 to %d", path, line, nn, 1 << 24);
    j->elapsed_s = elapsed;
    j->ncpus = (int32_t)ncpus;
    j->nnodes = (int32_t)nnodes;
    j->cores_per_node = nnodes > 0 ? (int32_t)(ncpus / nnodes) : 0;
    int64_t minutes = (elapsed + 59) / 60;
    j->duration_min = (int32_t)(minutes < 1 ? 1 : minutes);
    return PS_OK;
}

int ps_sacct_log_reserve(ps_sacct_log *log, long *cap, const char *path, ps_error *err) {
    if (log->n < *cap) return PS_OK;
    if (log->n >= INT32_MAX / 2) return ps_error_set(err, "%s: more than %d jobs", path, INT32_MAX / 2);
    *cap = *cap ? *cap * 2 : 1024;
    ps_sacct_job *nj = realloc(log->jobs, (size_t)*cap * sizeof *nj);
    if (!nj) return ps_error_set(err, "%s: out of memory", path);
    log->jobs = nj;
    return PS_OK;
}

/* The header is the first non-blank line; a dashes line under it and lines
 * starting with '-' are skipped (spec 8.2). */
int ps_sacct_read(const char *path, ps_sacct_log *log, ps_error *err) {
    memset(log, 0, sizeof *log);
    ps_lines in;
    if (ps_lines_open(&in, path, "job log", PS_MAX_LOG_BYTES, err) != PS_OK) return PS_ERR;
    layout lay = {0};
    int have_header = 0, rc = PS_OK, got;
    long cap = 0;
    while (rc == PS_OK && (got = ps_lines_next(&in, err)) == 1) {
        char *s = in.text;
        while (*s && isspace((unsigned char)*s)) s++;
        if (*s == '\0' || (have_header && *s == '-')) continue;
        if (!have_header) {
            rc = parse_header(path, in.line, s, &lay, err);
            have_header = 1;
        } else if ((rc = ps_sacct_log_reserve(log, &cap, path, err)) == PS_OK) {
            rc = parse_row(path, in.line, s, &lay, &log->jobs[log->n], err);
            log->n += rc == PS_OK;
            log->steps_skipped += rc == STEP_ROW;
            rc = rc == STEP_ROW ? PS_OK : rc;
        }
    }
    if (got < 0) rc = PS_ERR;
    ps_lines_close(&in);
    if (rc == PS_OK && log->n == 0)
        rc = ps_error_set(err, "%s: no job rows (expected a sacct header, a dashes line, then jobs%s)", path,
                          log->steps_skipped ? "; only job-step rows" : "");
    if (rc != PS_OK) ps_sacct_free(log);
    return rc;
}

void ps_sacct_free(ps_sacct_log *log) {
    free(log->jobs);
    memset(log, 0, sizeof *log);
}
