/* swf.c - the Standard Workload Format of the Parallel Workloads Archive
 * (Feitelson et al.): ';' header comments, then one job per line of 18
 * whitespace-separated numbers. Jobs become the same rows a sacct log gives,
 * so an SWF trace is usable wherever a sacct log is. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "powersched/text_lines.h"
#include "powersched/workload.h"

#define SWF_FIELDS 18
/* 1-based SWF field numbers */
enum { F_SUBMIT = 2, F_RUN = 4, F_ALLOC_PROCS = 5, F_REQ_PROCS = 8 };

/* "; UnixStartTime: 1234" in the header: the trace's time zero. */
static void header_line(const char *s, int64_t *start) {
    s += strspn(s, "; \t");
    if (!strncmp(s, "UnixStartTime:", 14)) *start = strtoll(s + 14, NULL, 10);
}

static int fields(const char *path, long line, char *row, long long *v, ps_error *err) {
    int n = 0;
    for (char *save, *t = strtok_r(row, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
        if (n == SWF_FIELDS) return ps_error_set(err, "%s:%ld: more than %d fields", path, line, SWF_FIELDS);
        char *end;
        errno = 0;
        v[n] = strtoll(t, &end, 10);
        if (*end == '.') strtod(t, &end); /* average CPU time and memory may be decimals */
        if (end == t || *end || errno == ERANGE)
            return ps_error_set(err, "%s:%ld: field %d '%s' is not a number", path, line, n + 1, t);
        n++;
    }
    if (n != SWF_FIELDS)
        return ps_error_set(err, "%s:%ld: expected %d SWF fields, found %d", path, line, SWF_FIELDS, n);
    return PS_OK;
}

/* One job row; 1 when the job never ran (run time or processors -1: skipped). */
static int swf_job(const char *path, long line, const long long *v, int64_t start, int cpn, ps_sacct_job *j,
                   ps_error *err) {
    long long submit = v[F_SUBMIT - 1], run = v[F_RUN - 1];
    long long procs = v[F_ALLOC_PROCS - 1] > 0 ? v[F_ALLOC_PROCS - 1] : v[F_REQ_PROCS - 1];
    if (run < 0 || procs <= 0) return 1;
    if (submit < 0 || submit > PS_MAX_JOB_SECONDS * 10)
        return ps_error_set(err, "%s:%ld: submit time %lld is outside 0..%lld s", path, line, submit,
                            (long long)PS_MAX_JOB_SECONDS * 10);
    if (run > PS_MAX_JOB_SECONDS)
        return ps_error_set(err, "%s:%ld: run time %lld s is more than %lld", path, line, run, (long long)PS_MAX_JOB_SECONDS);
    if (procs > 1 << 24) return ps_error_set(err, "%s:%ld: %lld processors is more than %d", path, line, procs, 1 << 24);
    time_t t = (time_t)(start + submit);
    struct tm tm;
    gmtime_r(&t, &tm);
    j->submit = start + submit;
    j->date = (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
    j->hour = tm.tm_hour;
    j->elapsed_s = run;
    j->ncpus = (int32_t)procs;
    j->nnodes = (int32_t)((procs + cpn - 1) / cpn);
    j->cores_per_node = j->ncpus / j->nnodes;
    int64_t minutes = (run + 59) / 60;
    j->duration_min = (int32_t)(minutes < 1 ? 1 : minutes);
    return PS_OK;
}

int ps_swf_read(const char *path, int cores_per_node, ps_sacct_log *log, ps_error *err) {
    memset(log, 0, sizeof *log);
    if (cores_per_node < 1) return ps_error_set(err, "%s: cores per node must be >= 1", path);
    ps_lines in;
    if (ps_lines_open(&in, path, "SWF trace", PS_MAX_LOG_BYTES, err) != PS_OK) return PS_ERR;
    int64_t start = 0;
    long cap = 0;
    long long v[SWF_FIELDS];
    int rc = PS_OK, got;
    while (rc == PS_OK && (got = ps_lines_next(&in, err)) == 1) {
        char *s = in.text + strspn(in.text, " \t");
        if (*s == ';') header_line(s, &start);
        if (*s == ';' || *s == '\0') continue;
        if ((rc = fields(path, in.line, s, v, err)) != PS_OK || (rc = ps_sacct_log_reserve(log, &cap, path, err)) != PS_OK) break;
        rc = swf_job(path, in.line, v, start, cores_per_node, &log->jobs[log->n], err);
        log->n += rc == PS_OK;
        log->never_ran += rc == 1;
        rc = rc == 1 ? PS_OK : rc;
    }
    if (got < 0) rc = PS_ERR;
    ps_lines_close(&in);
    if (rc == PS_OK && log->n == 0) rc = ps_error_set(err, "%s: no jobs that ran in this SWF trace", path);
    if (rc != PS_OK) ps_sacct_free(log);
    return rc;
}

/* SWF when the name ends in .swf or the first non-blank line is a ';' comment. */
static int is_swf(const char *path) {
    size_t len = strlen(path);
    if (len > 4 && !strcasecmp(path + len - 4, ".swf")) return 1;
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    int c;
    while ((c = getc(f)) != EOF && isspace(c)) continue;
    fclose(f);
    return c == ';';
}

int ps_job_log_read(const char *path, int swf_cores_per_node, int force_swf, ps_sacct_log *log, ps_error *err) {
    return force_swf || is_swf(path) ? ps_swf_read(path, swf_cores_per_node, log, err) : ps_sacct_read(path, log, err);
}
