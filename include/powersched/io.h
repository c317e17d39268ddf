/* io.h - files the CLI writes: atomic output files and the per-step trace. */
#ifndef POWERSCHED_IO_H
#define POWERSCHED_IO_H

#include <stdint.h>
#include <stdio.h>

#include "powersched/env.h"
#include "powersched/error.h"

/* A file written under a temporary name in the target's folder and renamed
 * into place on commit, so readers never see half a file. A target that
 * exists and is not a regular file (device, FIFO, symlink) is written
 * through instead (tmp_path empty). New files get 0666 less the umask. */
typedef struct ps_atomic_file {
    FILE *fp;
    char tmp_path[4096], path[4096];
} ps_atomic_file;

int ps_atomic_open(ps_atomic_file *f, const char *path, ps_error *err);
/* The name to write under: the temp file, or the target when written through. */
const char *ps_atomic_write_path(const ps_atomic_file *f);
/* Flushes, fsyncs, closes and renames; on any failure removes the temp file. */
int ps_atomic_commit(ps_atomic_file *f, ps_error *err);
/* Closes and removes the temp file (safe on an unopened/committed file). */
void ps_atomic_abort(ps_atomic_file *f);
/* Writes text (NULL: out of memory) as the whole file, atomically. */
int ps_atomic_write_text(const char *path, const char *text, ps_error *err);
/* Writes a cJSON value (NULL: out of memory) as the whole file, atomically:
 * every JSON file goes through cJSON, so names with quotes come out escaped. */
struct cJSON;
int ps_write_json(const char *path, const struct cJSON *json, ps_error *err);
/* The whole file as a NUL-terminated string (caller frees), or NULL with err;
 * a file past max bytes (PS_MAX_TEXT_FILE for ps_read_text) is an error. */
#define PS_MAX_TEXT_FILE ((size_t)64 << 20)
char *ps_read_text(const char *path, ps_error *err);
char *ps_read_text_max(const char *path, size_t max, ps_error *err);

/* CRC-32 (zlib) of n little-endian int32 values. */
uint32_t ps_crc32_i32(const int32_t *v, size_t n);

/* The per-step trace: the golden files' columns (golden/README.md) followed by
 * num_idle_nodes. */
void ps_trace_header(FILE *fp);
void ps_trace_row(FILE *fp, const ps_env *env, ps_action action, const ps_step_info *in);

/* Episode records as CSV (the reference's 50 keys, then the summary extras). */
void ps_episodes_header(FILE *fp);
void ps_episodes_row(FILE *fp, const ps_episode_record *r);

#endif
