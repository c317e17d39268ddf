/* zipfile.h - named binary entries in a zip archive (zlib's minizip), so
 * `unzip -l` shows what a checkpoint holds. Writing is atomic (temp file in
 * the same folder, fsync, rename); reading checks every entry's CRC-32. */
#ifndef POWERSCHED_ZIPFILE_H
#define POWERSCHED_ZIPFILE_H

#include <stddef.h>

#include "powersched/error.h"

typedef struct ps_zip_entry {
    char name[256];  /* path inside the archive, e.g. "policy/pi.0.weight.bin" */
    void *data;      /* owned by whoever filled it (ps_zip_read: by the list) */
    size_t size;
} ps_zip_entry;

/* What an archive may hold, checked from its central directory before
 * anything is inflated (and refused by ps_zip_write, so no archive is
 * written that could not be read back). A checkpoint has 3 entries per
 * network tensor plus 2 (at most 64); the largest network --net-arch allows
 * (4 x 4096) on the default cluster makes a 2.25 GB checkpoint. Past 3 GiB
 * an archive could need zip64 records, which the reader does not take. */
#define PS_ZIP_MAX_ENTRIES 4096
#define PS_ZIP_MAX_TOTAL ((size_t)3 << 30)

/* Writes the entries (deflated) into `path`, replacing it atomically. On any
 * failure nothing is left at path or beside it, and err names the file. */
int ps_zip_write(const char *path, const ps_zip_entry *entries, int n, ps_error *err);

/* Reads every entry of the archive at `path` into *entries (malloc'ed data).
 * A missing file, a file that is not a zip, a truncated archive or an entry
 * whose CRC-32 does not match is an error naming the file (and the entry). */
int ps_zip_read(const char *path, ps_zip_entry **entries, int *n, ps_error *err);
void ps_zip_free(ps_zip_entry *entries, int n);

/* The entry called name, or NULL. */
const ps_zip_entry *ps_zip_find(const ps_zip_entry *entries, int n, const char *name);

#endif
