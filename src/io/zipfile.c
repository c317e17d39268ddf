/* zipfile.c - named binary entries in a zip archive through zlib's minizip
 * (Debian libminizip 1.1). Writing goes through ps_atomic_file, so a reader
 * never sees half an archive; reading checks every entry's CRC-32. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <minizip/unzip.h>
#include <minizip/zip.h>
#include <zlib.h>

#include "powersched/io.h"
#include "powersched/zipfile.h"

/* minizip takes and returns lengths as unsigned/int: feed it at most this. */
#define ZIP_CHUNK ((size_t)1 << 30)

/* Deflate never expands data by more than ~1032:1, so a claimed size above
 * this is a corrupt header; checking first keeps a bad archive from asking
 * malloc for terabytes. */
#define DEFLATE_MAX_RATIO 1032u

/* ---- writing ------------------------------------------------------------ */

static int name_ok(const ps_zip_entry *e) {
    return memchr(e->name, '\0', sizeof e->name) != NULL && e->name[0] != '\0';
}

static int check_entries(const char *path, const ps_zip_entry *entries, int n, ps_error *err) {
    if (n < 0 || (n > 0 && !entries))
        return ps_error_set(err, "%s: invalid entry list (n = %d)", path, n);
    for (int i = 0; i < n; i++) {
        const ps_zip_entry *e = &entries[i];
        if (!name_ok(e))
            return ps_error_set(err, "%s: entry %d has an empty or unterminated name", path, i);
        if (e->size > 0 && !e->data)
            return ps_error_set(err, "%s: entry %s has %zu bytes but no data", path, e->name,
                                e->size);
        /* ps_zip_find returns the first match, so a duplicate would be
         * unreachable after reading: refuse it here where the bug is. */
        for (int j = 0; j < i; j++)
            if (strcmp(entries[j].name, e->name) == 0)
                return ps_error_set(err, "%s: entry name %s appears twice", path, e->name);
    }
    return PS_OK;
}

/* minizip reports ZIP_ERRNO for a failed fwrite/fclose and leaves errno set. */
static int zip_failed(ps_error *err, const char *path, const char *what, const char *name,
                      int rc, int saved) {
    return ps_error_set(err, "%s: cannot %s%s: %s", path, what, name,
                        rc == ZIP_ERRNO ? strerror(saved) : "zip library error");
}

static int write_data(zipFile zf, const ps_zip_entry *e) {
    const unsigned char *p = e->data;
    int rc = ZIP_OK;
    for (size_t done = 0; rc == ZIP_OK && done < e->size;) {
        size_t len = e->size - done < ZIP_CHUNK ? e->size - done : ZIP_CHUNK;
        rc = zipWriteInFileInZip(zf, p + done, (unsigned)len);
        done += len;
    }
    return rc;
}

static int write_entry(zipFile zf, const char *path, const ps_zip_entry *e, ps_error *err) {
    /* A fixed timestamp makes equal entries give byte-identical archives, so
     * reproducible runs give identical checkpoints (cmp works). */
    zip_fileinfo fi = {.tmz_date = {.tm_mday = 1, .tm_mon = 0, .tm_year = 2020}};
    /* The zip64 extra field is only needed past 4 GiB; leaving it out keeps
     * the archive readable by old unzip tools. */
    int zip64 = e->size >= 0xffffffffu;
    /* Level 1: float weights barely compress, higher levels only cost time. */
    int rc = zipOpenNewFileInZip64(zf, e->name, &fi, NULL, 0, NULL, 0, NULL, Z_DEFLATED,
                                   Z_BEST_SPEED, zip64);
    if (rc != ZIP_OK) return zip_failed(err, path, "add entry ", e->name, rc, errno);
    rc = write_data(zf, e);
    int saved = errno;
    /* Close even after a failed write: it frees the deflate state. */
    int closed = zipCloseFileInZip(zf);
    if (rc == ZIP_OK && closed != ZIP_OK) rc = closed, saved = errno;
    if (rc != ZIP_OK) return zip_failed(err, path, "write entry ", e->name, rc, saved);
    return PS_OK;
}

/* Writes the whole archive to the temp file named tmp (minizip opens it by
 * name; the fd ps_atomic_file holds is only used to fsync the same inode). */
static int write_archive(const char *tmp, const char *path, const ps_zip_entry *entries, int n,
                         ps_error *err) {
    zipFile zf = zipOpen64(tmp, APPEND_STATUS_CREATE);
    if (!zf) return ps_error_set(err, "%s: cannot create zip: %s", path, strerror(errno));
    int rc = PS_OK;
    for (int i = 0; i < n && rc == PS_OK; i++) rc = write_entry(zf, path, &entries[i], err);
    /* zipClose writes the central directory and frees zf, so it runs even
     * after a failure; its own failure means a bad file. */
    int closed = zipClose(zf, NULL);
    if (rc == PS_OK && closed != ZIP_OK)
        return zip_failed(err, path, "finish zip", "", closed, errno);
    return rc;
}

int ps_zip_write(const char *path, const ps_zip_entry *entries, int n, ps_error *err) {
    if (!path) return ps_error_set(err, "zip: no path given");
    if (check_entries(path, entries, n, err) != PS_OK) return PS_ERR;
    ps_atomic_file f;
    if (ps_atomic_open(&f, path, err) != PS_OK) return PS_ERR;
    if (write_archive(f.tmp_path, path, entries, n, err) != PS_OK) {
        ps_atomic_abort(&f);
        return PS_ERR;
    }
    return ps_atomic_commit(&f, err);
}

/* ---- reading ------------------------------------------------------------ */

/* The end-of-central-directory record: 22 bytes, then its comment, which
 * must end the file. */
#define EOCD_LEN 22
#define EOCD_MAX (EOCD_LEN + 0xffff)

static unsigned le16(const unsigned char *p) { return (unsigned)p[0] | (unsigned)p[1] << 8; }

/* Offset of the end record within buf (the file's last len bytes), or -1. */
static long find_end_record(const unsigned char *buf, size_t len) {
    for (size_t p = len >= EOCD_LEN ? len - EOCD_LEN + 1 : 0; p-- > 0;)
        if (memcmp(buf + p, "PK\x05\x06", 4) == 0 && p + EOCD_LEN + le16(buf + p + 20) == len)
            return (long)p;
    return -1;
}

/* We find the end record ourselves because minizip 1.1 gets two cases wrong:
 * its UNZ_EOF equals UNZ_OK, so a record cut short (an archive truncated by
 * a byte or two) reads as valid, the missing bytes as zeros; and it takes a
 * record found at offset 0 for "not found", so it refuses an archive with no
 * entries. Sets *empty for a valid archive with no entries. */
static int check_end_record(const char *path, FILE *fp, uint64_t size, int *empty,
                            ps_error *err) {
    size_t len = size < EOCD_MAX ? (size_t)size : EOCD_MAX;
    unsigned char *buf = malloc(len ? len : 1);
    if (!buf) return ps_error_set(err, "%s: out of memory", path);
    int ok = fseek(fp, (long)(size - len), SEEK_SET) == 0 && fread(buf, 1, len, fp) == len;
    long p = ok ? find_end_record(buf, len) : -1;
    *empty = p >= 0 && le16(buf + p + 8) == 0 && le16(buf + p + 10) == 0;
    free(buf);
    if (p < 0) return ps_error_set(err, "%s: not a zip archive or truncated", path);
    return PS_OK;
}

/* minizip's unzOpen64 returns NULL for both a missing file and a bad one;
 * opening it ourselves first tells the two apart, gives the size and lets
 * us check the end record. */
static int probe_file(const char *path, uint64_t *size, int *empty, ps_error *err) {
    FILE *fp = fopen(path, "rb");
    if (!fp) return ps_error_set(err, "%s: cannot open zip: %s", path, strerror(errno));
    struct stat st;
    int rc = PS_OK;
    if (fstat(fileno(fp), &st) != 0)
        rc = ps_error_set(err, "%s: cannot stat zip: %s", path, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        rc = ps_error_set(err, "%s: not a regular file", path);
    else {
        *size = (uint64_t)st.st_size;
        rc = check_end_record(path, fp, *size, empty, err);
    }
    fclose(fp);
    return rc;
}

/* Refuses sizes no valid entry of a file this big could have. */
static int check_sizes(const char *path, const char *name, const unz_file_info64 *fi,
                       uint64_t file_size, ps_error *err) {
    uint64_t c = fi->compressed_size, u = fi->uncompressed_size;
    if (fi->flag & 1) return ps_error_set(err, "%s: entry %s is encrypted", path, name);
    if (fi->compression_method != 0 && fi->compression_method != Z_DEFLATED)
        return ps_error_set(err, "%s: entry %s uses unsupported compression method %lu", path,
                            name, (unsigned long)fi->compression_method);
    int bad = c > file_size || (fi->compression_method == 0 && u != c) ||
              (c < UINT64_MAX / DEFLATE_MAX_RATIO && u > c * DEFLATE_MAX_RATIO + 64) ||
              u >= SIZE_MAX;
    if (bad)
        return ps_error_set(err, "%s: entry %s claims %llu bytes from %llu compressed: corrupt",
                            path, name, (unsigned long long)u, (unsigned long long)c);
    return PS_OK;
}

/* Reads the current entry's name into e->name and checks its header. */
static int read_header(unzFile uf, const char *path, uint64_t file_size, ps_zip_entry *e,
                       ps_error *err) {
    unz_file_info64 fi;
    int rc = unzGetCurrentFileInfo64(uf, &fi, e->name, sizeof e->name, NULL, 0, NULL, 0);
    if (rc != UNZ_OK)
        return ps_error_set(err, "%s: corrupt central directory (minizip error %d)", path, rc);
    /* minizip cuts a long name without terminating it. */
    if (fi.size_filename >= sizeof e->name) {
        e->name[sizeof e->name - 1] = '\0';
        return ps_error_set(err, "%s: entry name of %lu bytes is longer than %zu (starts %.40s)",
                            path, (unsigned long)fi.size_filename, sizeof e->name - 1, e->name);
    }
    if (strlen(e->name) != fi.size_filename)
        return ps_error_set(err, "%s: entry name %s contains a NUL byte", path, e->name);
    if (check_sizes(path, e->name, &fi, file_size, err) != PS_OK) return PS_ERR;
    e->size = (size_t)fi.uncompressed_size;
    return PS_OK;
}

/* unzReadCurrentFile's negative codes, in words. */
static const char *read_error_text(int rc) {
    if (rc == UNZ_ERRNO) return "read error";
    if (rc == Z_DATA_ERROR) return "invalid deflate data";
    if (rc == Z_BUF_ERROR) return "deflate data cut short";
    return "zip library error";
}

/* Reads exactly e->size bytes of the open entry into e->data. */
static int read_data(unzFile uf, const char *path, ps_zip_entry *e, ps_error *err) {
    e->data = malloc(e->size ? e->size : 1);
    if (!e->data)
        return ps_error_set(err, "%s: entry %s: out of memory for %zu bytes", path, e->name,
                            e->size);
    unsigned char *p = e->data;
    for (size_t done = 0; done < e->size;) {
        size_t want = e->size - done < ZIP_CHUNK ? e->size - done : ZIP_CHUNK;
        int got = unzReadCurrentFile(uf, p + done, (unsigned)want);
        if (got < 0)
            return ps_error_set(err, "%s: entry %s: corrupt data (%s, code %d)", path, e->name,
                                read_error_text(got), got);
        if (got == 0)
            return ps_error_set(err, "%s: entry %s: data ends after %zu of %zu bytes", path,
                                e->name, done, e->size);
        done += (size_t)got;
    }
    return PS_OK;
}

static int read_entry(unzFile uf, const char *path, uint64_t file_size, ps_zip_entry *e,
                      ps_error *err) {
    if (read_header(uf, path, file_size, e, err) != PS_OK) return PS_ERR;
    int rc = unzOpenCurrentFile(uf);
    if (rc != UNZ_OK)
        return ps_error_set(err, "%s: entry %s: corrupt local header (minizip error %d)", path,
                            e->name, rc);
    rc = read_data(uf, path, e, err);
    /* minizip compares the CRC-32 only here, and only once every byte has
     * been read; close anyway after a failed read to free the inflate state. */
    int crc = unzCloseCurrentFile(uf);
    if (rc != PS_OK) return PS_ERR;
    if (crc == UNZ_CRCERROR)
        return ps_error_set(err, "%s: entry %s: CRC-32 mismatch, the data is corrupt", path,
                            e->name);
    if (crc != UNZ_OK)
        return ps_error_set(err, "%s: entry %s: cannot finish reading (minizip error %d)", path,
                            e->name, crc);
    return PS_OK;
}

/* Every central directory record takes at least 46 bytes, which bounds the
 * entry count a corrupt end record may claim before we allocate for it. */
static int entry_count(unzFile uf, const char *path, uint64_t file_size, int *count,
                       ps_error *err) {
    unz_global_info64 gi;
    if (unzGetGlobalInfo64(uf, &gi) != UNZ_OK)
        return ps_error_set(err, "%s: not a zip archive or truncated", path);
    if (gi.number_entry > (uint64_t)INT_MAX || gi.number_entry > file_size / 46)
        return ps_error_set(err, "%s: claims %llu entries in %llu bytes: corrupt", path,
                            (unsigned long long)gi.number_entry,
                            (unsigned long long)file_size);
    *count = (int)gi.number_entry;
    return PS_OK;
}

static int read_all(unzFile uf, const char *path, uint64_t file_size, ps_zip_entry *list,
                    int count, ps_error *err) {
    for (int i = 0; i < count; i++) {
        int rc = i == 0 ? unzGoToFirstFile(uf) : unzGoToNextFile(uf);
        if (rc != UNZ_OK)
            return ps_error_set(err, "%s: central directory ends after %d of %d entries", path,
                                i, count);
        if (read_entry(uf, path, file_size, &list[i], err) != PS_OK) return PS_ERR;
    }
    return PS_OK;
}

int ps_zip_read(const char *path, ps_zip_entry **entries, int *n, ps_error *err) {
    *entries = NULL;
    *n = 0;
    if (!path) return ps_error_set(err, "zip: no path given");
    uint64_t file_size = 0;
    int empty = 0;
    if (probe_file(path, &file_size, &empty, err) != PS_OK) return PS_ERR;
    if (empty) return PS_OK;
    unzFile uf = unzOpen64(path);
    if (!uf) return ps_error_set(err, "%s: not a zip archive or truncated", path);
    int count = 0;
    ps_zip_entry *list = NULL;
    int rc = entry_count(uf, path, file_size, &count, err);
    if (rc == PS_OK && count > 0) {
        list = calloc((size_t)count, sizeof *list);
        if (!list) rc = ps_error_set(err, "%s: out of memory for %d entries", path, count);
    }
    if (rc == PS_OK) rc = read_all(uf, path, file_size, list, count, err);
    unzClose(uf);
    if (rc != PS_OK) {
        ps_zip_free(list, count);
        return PS_ERR;
    }
    *entries = list;
    *n = count;
    return PS_OK;
}

void ps_zip_free(ps_zip_entry *entries, int n) {
    if (!entries) return;
    for (int i = 0; i < n; i++) free(entries[i].data);
    free(entries);
}

const ps_zip_entry *ps_zip_find(const ps_zip_entry *entries, int n, const char *name) {
    if (!entries || !name) return NULL;
    for (int i = 0; i < n; i++)
        if (strcmp(entries[i].name, name) == 0) return &entries[i];
    return NULL;
}
