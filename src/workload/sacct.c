/* sacct.c - reader for fixed-width Slurm `sacct` exports (spec 8.2). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "powersched/workload.h"

#define MAX_FIELDS 32

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

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
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return -1;
    j->submit = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
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

static int parse_row(const char *path, long line, char *row, ps_sacct_job *j, ps_error *err) {
    char *f[MAX_FIELDS];
    int n = 0;
    for (char *tok = strtok(row, " \t\r\n\v\f"); tok; tok = strtok(NULL, " \t\r\n\v\f")) {
        if (n == MAX_FIELDS) return ps_error_set(err, "%s:%ld: more than %d fields", path, line, MAX_FIELDS);
        f[n++] = tok;
    }
    if (n < 9)
        return ps_error_set(err, "%s:%ld: expected 9 fields (JobID User Partition Submit Start End "
                            "ElapsedRaw NCPUS NNodes), found %d", path, line, n);
    if (parse_submit(f[3], j) != 0)
        return ps_error_set(err, "%s:%ld: Submit '%s' is not a time like 2025-04-13T16:35:12",
                            path, line, f[3]);
    int64_t elapsed, ncpus, nnodes;
    if (parse_count(f[n - 3], INT64_C(1) << 40, &elapsed) != 0)
        return ps_error_set(err, "%s:%ld: ElapsedRaw '%s' is not a non-negative number of seconds",
                            path, line, f[n - 3]);
    if (parse_count(f[n - 2], 1 << 24, &ncpus) != 0)
        return ps_error_set(err, "%s:%ld: NCPUS '%s' is not a non-negative integer", path, line, f[n - 2]);
    if (parse_count(f[n - 1], 1 << 24, &nnodes) != 0)
        return ps_error_set(err, "%s:%ld: NNodes '%s' is not a non-negative integer", path, line, f[n - 1]);
    j->elapsed_s = elapsed;
    j->ncpus = (int32_t)ncpus;
    j->nnodes = (int32_t)nnodes;
    j->cores_per_node = nnodes > 0 ? (int32_t)(ncpus / nnodes) : 0;
    int64_t minutes = (elapsed + 59) / 60;
    j->duration_min = (int32_t)(minutes < 1 ? 1 : minutes > INT32_MAX ? INT32_MAX : minutes);
    return PS_OK;
}

static int is_blank(const char *s) {
    while (*s && isspace((unsigned char)*s)) s++;
    return *s == '\0';
}

int ps_sacct_read(const char *path, ps_sacct_log *log, ps_error *err) {
    memset(log, 0, sizeof *log);
    FILE *fp = fopen(path, "r");
    if (!fp) return ps_error_set(err, "%s: cannot open job log: %s", path, strerror(errno));
    char *buf = NULL;
    size_t bufcap = 0;
    ssize_t len;
    long line = 0, cap = 0;
    int header_lines = 0, rc = PS_OK;
    while ((len = getline(&buf, &bufcap, fp)) >= 0) {
        line++;
        /* The whole text is stripped first, so leading blank lines do not count;
         * then the header and the dashes line are dropped. */
        if (header_lines < 2) {
            if (header_lines == 0 && is_blank(buf)) continue;
            header_lines++;
            continue;
        }
        char *s = buf;
        while (*s && isspace((unsigned char)*s)) s++;
        if (*s == '\0' || *s == '-') continue;
        if (log->n == cap) {
            cap = cap ? cap * 2 : 1024;
            ps_sacct_job *nj = realloc(log->jobs, (size_t)cap * sizeof *nj);
            if (!nj) { rc = ps_error_set(err, "%s: out of memory", path); break; }
            log->jobs = nj;
        }
        if ((rc = parse_row(path, line, s, &log->jobs[log->n], err)) != PS_OK) break;
        log->n++;
    }
    free(buf);
    if (rc == PS_OK && ferror(fp)) rc = ps_error_set(err, "%s: read error", path);
    fclose(fp);
    if (rc == PS_OK && log->n == 0)
        rc = ps_error_set(err, "%s: no job rows (expected a sacct header, a dashes line, then jobs)", path);
    if (rc != PS_OK) ps_sacct_free(log);
    return rc;
}

void ps_sacct_free(ps_sacct_log *log) {
    free(log->jobs);
    log->jobs = NULL;
    log->n = 0;
}
