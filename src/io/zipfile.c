/* zipfile.c - named binary entries in a zip archive. Writing goes through
 * zlib's minizip (Debian libminizip 1.1) and ps_atomic_file, so a reader
 * never sees half an archive; reading is our own, on zlib's inflate, and
 * checks every claim the archive makes before it allocates for it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* What the reader would refuse is not written (PS_ZIP_MAX_*). */
static int check_totals(const char *path, const ps_zip_entry *entries, int n, ps_error *err) {
    if (n > PS_ZIP_MAX_ENTRIES)
        return ps_error_set(err, "%s: %d entries, more than the %d an archive may hold", path, n, PS_ZIP_MAX_ENTRIES);
    size_t total = 0;
    for (int i = 0; i < n; i++) {
        if (entries[i].size > PS_ZIP_MAX_TOTAL - total)
            return ps_error_set(err, "%s: the entries hold more than the %zu bytes an archive may hold", path,
                                PS_ZIP_MAX_TOTAL);
        total += entries[i].size;
    }
    return PS_OK;
}

static int check_entries(const char *path, const ps_zip_entry *entries, int n, ps_error *err) {
    if (n < 0 || (n > 0 && !entries))
        return ps_error_set(err, "%s: invalid entry list (n = %d)", path, n);
    if (check_totals(path, entries, n, err) != PS_OK) return PS_ERR;
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
    /* No zip64 extra field: entries stay under PS_ZIP_MAX_TOTAL (3 GiB), so
     * every size and offset fits 32 bits, as our reader and old unzip tools
     * expect. Level 1: float weights barely compress, higher levels only
     * cost time. */
    int rc = zipOpenNewFileInZip64(zf, e->name, &fi, NULL, 0, NULL, 0, NULL, Z_DEFLATED,
                                   Z_BEST_SPEED, 0);
    if (rc != ZIP_OK) return zip_failed(err, path, "add entry ", e->name, rc, errno);
    rc = write_data(zf, e);
    int saved = errno;
    /* Close even after a failed write: it frees the deflate state. */
    int closed = zipCloseFileInZip(zf);
    if (rc == ZIP_OK && closed != ZIP_OK) rc = closed, saved = errno;
    if (rc != ZIP_OK) return zip_failed(err, path, "write entry ", e->name, rc, saved);
    return PS_OK;
}

/* Writes the whole archive to the file named tmp (minizip opens it by name;
 * the fd ps_atomic_file holds is only used to fsync the same inode). */
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
    if (write_archive(ps_atomic_write_path(&f), path, entries, n, err) != PS_OK) {
        ps_atomic_abort(&f);
        return PS_ERR;
    }
    return ps_atomic_commit(&f, err);
}

/* ---- reading ------------------------------------------------------------ */

/* We read the archive ourselves (zlib for inflate) rather than through
 * minizip's unzip, so that everything an archive claims is checked against
 * the file before anything is allocated or inflated: the probe that fuzzed
 * checkpoints made a 1 MB file whose 64 central directory records shared one
 * entry's data claim 64 GiB, and minizip inflated them one by one. The order:
 * end record, central directory (counts, names, methods, sizes, the total),
 * local headers (every entry's bytes inside the file, before the directory,
 * no two sharing a byte), then each entry inflated into a buffer that grows
 * with the real output, ending exactly at the claimed size, CRC-32 checked.
 * Zip64 and multi-disk archives are refused (we never write them). */

#define EOCD_LEN 22 /* end of central directory record, before its comment */
#define EOCD_MAX (EOCD_LEN + 0xffff)
#define CDH_LEN 46 /* central directory file header, before name/extra/comment */
#define LFH_LEN 30 /* local file header, before name/extra */
#define INFLATE_CHUNK ((size_t)1 << 16)

static unsigned le16(const unsigned char *p) { return (unsigned)p[0] | (unsigned)p[1] << 8; }
static uint32_t le32(const unsigned char *p) { return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16; }

/* An entry as its central directory record and local header describe it. */
typedef struct zip_item {
    char name[256];
    unsigned flags, method;
    uint32_t crc;
    uint64_t csize, usize, local, data; /* data: where its compressed bytes start */
    int index;                          /* in the central directory */
} zip_item;

/* The archive being read. */
typedef struct zip_in {
    const char *path;
    int fd;
    uint64_t size, cd_start, cd_size;
    int count;
    zip_item *items;
    ps_error *err;
} zip_in;

static int read_at(const zip_in *z, void *buf, size_t n, uint64_t at) {
    for (size_t done = 0; done < n;) {
        ssize_t got = pread(z->fd, (char *)buf + done, n - done, (off_t)(at + done));
        if (got <= 0) return -1;
        done += (size_t)got;
    }
    return 0;
}

/* Opens path, which must be a regular file; fills z->fd and z->size. */
static int open_archive(zip_in *z) {
    z->fd = open(z->path, O_RDONLY | O_CLOEXEC);
    if (z->fd < 0) return ps_error_set(z->err, "%s: cannot open zip: %s", z->path, strerror(errno));
    struct stat st;
    if (fstat(z->fd, &st) != 0) return ps_error_set(z->err, "%s: cannot stat zip: %s", z->path, strerror(errno));
    if (!S_ISREG(st.st_mode)) return ps_error_set(z->err, "%s: not a regular file", z->path);
    z->size = (uint64_t)st.st_size;
    return PS_OK;
}

/* Offset of the end record within buf (the file's last len bytes), or -1.
 * Its comment must end the file, so a record cut short is not found. */
static long find_end_record(const unsigned char *buf, size_t len) {
    for (size_t p = len >= EOCD_LEN ? len - EOCD_LEN + 1 : 0; p-- > 0;)
        if (memcmp(buf + p, "PK\x05\x06", 4) == 0 && p + EOCD_LEN + le16(buf + p + 20) == len)
            return (long)p;
    return -1;
}

/* The end record's claims, checked: one disk, no zip64 markers, a sane
 * count, and a central directory that ends where the record starts. */
static int check_end_record(zip_in *z, const unsigned char *r, uint64_t at) {
    unsigned on_disk = le16(r + 8), total = le16(r + 10);
    z->cd_size = le32(r + 12);
    z->cd_start = le32(r + 16);
    if (total == 0xffff || z->cd_size == 0xffffffffu || z->cd_start == 0xffffffffu)
        return ps_error_set(z->err, "%s: a zip64 archive (over 4 GiB or 65535 entries): not supported", z->path);
    if (le16(r + 4) != 0 || le16(r + 6) != 0 || on_disk != total)
        return ps_error_set(z->err, "%s: a multi-disk archive: not supported", z->path);
    if (total > PS_ZIP_MAX_ENTRIES)
        return ps_error_set(z->err, "%s: claims %u entries, more than the %d an archive may hold: corrupt", z->path,
                            total, PS_ZIP_MAX_ENTRIES);
    if (z->cd_start + z->cd_size != at || (uint64_t)total * CDH_LEN > z->cd_size)
        return ps_error_set(z->err, "%s: central directory (%u entries, %llu bytes at %llu) does not fit before "
                            "its end record at %llu: corrupt", z->path, total, (unsigned long long)z->cd_size,
                            (unsigned long long)z->cd_start, (unsigned long long)at);
    z->count = (int)total;
    return PS_OK;
}

static int read_end_record(zip_in *z) {
    size_t len = z->size < EOCD_MAX ? (size_t)z->size : EOCD_MAX;
    unsigned char *buf = malloc(len ? len : 1);
    if (!buf) return ps_error_set(z->err, "%s: out of memory", z->path);
    long p = read_at(z, buf, len, z->size - len) == 0 ? find_end_record(buf, len) : -1;
    int rc = p < 0 ? ps_error_set(z->err, "%s: not a zip archive or truncated", z->path)
                   : check_end_record(z, buf + p, z->size - len + (uint64_t)p);
    free(buf);
    return rc;
}

/* The name at p (n bytes) into it->name: shorter than 256, no NUL or other
 * control character (names end up in error messages on a terminal). */
static int take_name(zip_in *z, zip_item *it, const unsigned char *p, unsigned n) {
    unsigned k = 0;
    while (k < n && p[k] >= 0x20 && p[k] != 0x7f) k++;
    size_t keep = k < sizeof it->name ? k : sizeof it->name - 1;
    memcpy(it->name, p, keep);
    it->name[keep] = '\0';
    if (k < n)
        return ps_error_set(z->err, "%s: entry %d: name holds control character 0x%02x after \"%.40s\"", z->path,
                            it->index + 1, p[k], it->name);
    if (n >= sizeof it->name)
        return ps_error_set(z->err, "%s: entry name of %u bytes is longer than %zu (starts %.40s)", z->path, n,
                            sizeof it->name - 1, it->name);
    return PS_OK;
}

/* Refuses what we cannot read and sizes no valid entry could have. */
static int check_item(const zip_in *z, const zip_item *it) {
    uint64_t c = it->csize, u = it->usize;
    if (it->flags & 1) return ps_error_set(z->err, "%s: entry %s is encrypted", z->path, it->name);
    if (it->method != 0 && it->method != Z_DEFLATED)
        return ps_error_set(z->err, "%s: entry %s uses unsupported compression method %u", z->path, it->name,
                            it->method);
    if (c == 0xffffffffu || u == 0xffffffffu || it->local == 0xffffffffu)
        return ps_error_set(z->err, "%s: entry %s has zip64 sizes: not supported", z->path, it->name);
    if (c > z->cd_start || (it->method == 0 && u != c) || u > c * DEFLATE_MAX_RATIO + 64)
        return ps_error_set(z->err, "%s: entry %s claims %llu bytes from %llu compressed: corrupt", z->path,
                            it->name, (unsigned long long)u, (unsigned long long)c);
    return PS_OK;
}

/* Central directory record i at cd[*pos]: fills it, moves *pos past it. */
static int parse_record(zip_in *z, const unsigned char *cd, uint64_t *pos, int i, zip_item *it) {
    const unsigned char *r = cd + *pos;
    if (*pos + CDH_LEN > z->cd_size || memcmp(r, "PK\x01\x02", 4) != 0)
        return ps_error_set(z->err, "%s: central directory record %d of %d is corrupt", z->path, i + 1, z->count);
    unsigned nlen = le16(r + 28), rest = le16(r + 30) + le16(r + 32);
    if (*pos + CDH_LEN + nlen + rest > z->cd_size || le16(r + 34) != 0)
        return ps_error_set(z->err, "%s: central directory record %d of %d is corrupt", z->path, i + 1, z->count);
    *it = (zip_item){.flags = le16(r + 8), .method = le16(r + 10), .crc = le32(r + 16), .csize = le32(r + 20),
                     .usize = le32(r + 24), .local = le32(r + 42), .index = i};
    *pos += CDH_LEN + nlen + rest;
    if (take_name(z, it, r + CDH_LEN, nlen) != PS_OK) return PS_ERR;
    return check_item(z, it);
}

/* Reads and checks every central directory record, then their total. */
static int read_directory(zip_in *z) {
    unsigned char *cd = malloc(z->cd_size ? z->cd_size : 1);
    z->items = calloc((size_t)z->count + 1, sizeof *z->items);
    if (!cd || !z->items) {
        free(cd);
        return ps_error_set(z->err, "%s: out of memory for %d entries", z->path, z->count);
    }
    int rc = read_at(z, cd, z->cd_size, z->cd_start) == 0 ? PS_OK
             : ps_error_set(z->err, "%s: cannot read the central directory: %s", z->path, strerror(errno));
    uint64_t pos = 0, total = 0;
    for (int i = 0; rc == PS_OK && i < z->count; i++) {
        rc = parse_record(z, cd, &pos, i, &z->items[i]);
        total += z->items[i].usize;
    }
    free(cd);
    if (rc == PS_OK && total > PS_ZIP_MAX_TOTAL)
        return ps_error_set(z->err, "%s: entries claim %llu bytes in total, more than the %llu an archive may hold",
                            z->path, (unsigned long long)total, (unsigned long long)PS_ZIP_MAX_TOTAL);
    return rc;
}

/* The local header of it: where its data starts, which must leave the data
 * before the central directory; and, unless sizes follow the data (flag 3),
 * the same method, CRC and sizes as the directory says. */
static int locate(zip_in *z, zip_item *it) {
    unsigned char h[LFH_LEN];
    if (it->local + LFH_LEN > z->cd_start || read_at(z, h, LFH_LEN, it->local) != 0 ||
        memcmp(h, "PK\x03\x04", 4) != 0)
        return ps_error_set(z->err, "%s: entry %s: no local header at offset %llu: corrupt", z->path, it->name,
                            (unsigned long long)it->local);
    it->data = it->local + LFH_LEN + le16(h + 26) + le16(h + 28);
    if (it->data + it->csize > z->cd_start)
        return ps_error_set(z->err, "%s: entry %s: its %llu bytes at %llu run past the central directory at %llu: "
                            "corrupt", z->path, it->name, (unsigned long long)it->csize,
                            (unsigned long long)it->data, (unsigned long long)z->cd_start);
    int deferred = (it->flags & 8) != 0 && le32(h + 14) == 0 && le32(h + 18) == 0 && le32(h + 22) == 0;
    if (le16(h + 8) != it->method ||
        (!deferred && (le32(h + 14) != it->crc || le32(h + 18) != it->csize || le32(h + 22) != it->usize)))
        return ps_error_set(z->err, "%s: entry %s: local header disagrees with the central directory: corrupt",
                            z->path, it->name);
    return PS_OK;
}

static int by_offset(const void *a, const void *b) {
    const zip_item *x = *(const zip_item *const *)a, *y = *(const zip_item *const *)b;
    if (x->local != y->local) return x->local < y->local ? -1 : 1;
    return x->index - y->index;
}

static int by_name(const void *a, const void *b) {
    const zip_item *x = *(const zip_item *const *)a, *y = *(const zip_item *const *)b;
    int c = strcmp(x->name, y->name);
    return c ? c : x->index - y->index;
}

/* Sorted by offset, each entry (local header to data end) must end before
 * the next starts; sorted by name, no two may share a name (ps_zip_find
 * could only reach the first). */
static int check_layout(zip_in *z, const zip_item **v) {
    for (int i = 0; i < z->count; i++) v[i] = &z->items[i];
    qsort(v, (size_t)z->count, sizeof *v, by_offset);
    for (int i = 1; i < z->count; i++)
        if (v[i - 1]->data + v[i - 1]->csize > v[i]->local)
            return ps_error_set(z->err, "%s: entry %s overlaps entry %s: corrupt", z->path, v[i]->name,
                                v[i - 1]->name);
    qsort(v, (size_t)z->count, sizeof *v, by_name);
    for (int i = 1; i < z->count; i++)
        if (strcmp(v[i - 1]->name, v[i]->name) == 0)
            return ps_error_set(z->err, "%s: entry name %s appears twice", z->path, v[i]->name);
    return PS_OK;
}

static int locate_all(zip_in *z) {
    for (int i = 0; i < z->count; i++)
        if (locate(z, &z->items[i]) != PS_OK) return PS_ERR;
    const zip_item **v = malloc(((size_t)z->count + 1) * sizeof *v);
    if (!v) return ps_error_set(z->err, "%s: out of memory for %d entries", z->path, z->count);
    int rc = check_layout(z, v);
    free(v);
    return rc;
}

/* ---- inflating ---- */

static int entry_error(const zip_in *z, const zip_item *it, const char *what) {
    return ps_error_set(z->err, "%s: entry %s: %s", z->path, it->name, what);
}

/* More room for inflate's output: doubling, never past limit. */
static int grow(unsigned char **buf, size_t *cap, size_t limit, z_stream *zs) {
    size_t used = (size_t)zs->total_out, next = *cap * 2 < limit ? *cap * 2 : limit;
    unsigned char *b = realloc(*buf, next);
    if (!b) return -1;
    *buf = b;
    *cap = next;
    zs->next_out = b + used;
    zs->avail_out = next - used < UINT_MAX ? (uInt)(next - used) : UINT_MAX;
    return 0;
}

/* Inflates its data into *buf (capacity *cap, growing to the claimed size
 * + 1: a byte more than claimed means the stream is longer than claimed). */
static int inflate_loop(const zip_in *z, const zip_item *it, z_stream *zs, unsigned char **buf, size_t *cap) {
    static const char *const cut = "deflate data cut short";
    unsigned char in[INFLATE_CHUNK];
    uint64_t at = it->data, left = it->csize;
    size_t limit = (size_t)it->usize + 1;
    for (int rc = Z_OK; rc != Z_STREAM_END;) {
        if (zs->avail_in == 0 && left > 0) {
            size_t n = left < sizeof in ? (size_t)left : sizeof in;
            if (read_at(z, in, n, at) != 0) return entry_error(z, it, "read error");
            zs->next_in = in, zs->avail_in = (uInt)n, at += n, left -= n;
        }
        if (zs->avail_out == 0 && *cap == limit)
            return ps_error_set(z->err, "%s: entry %s: inflates to more than the %llu bytes its header claims: "
                                "corrupt", z->path, it->name, (unsigned long long)it->usize);
        if (zs->avail_out == 0 && grow(buf, cap, limit, zs) != 0) return entry_error(z, it, "out of memory");
        rc = inflate(zs, Z_NO_FLUSH);
        if (rc == Z_BUF_ERROR && zs->avail_in == 0 && left == 0)
            return ps_error_set(z->err, "%s: entry %s: data ends after %llu of %llu bytes (%s)", z->path, it->name,
                                (unsigned long long)zs->total_out, (unsigned long long)it->usize, cut);
        if (rc != Z_OK && rc != Z_BUF_ERROR && rc != Z_STREAM_END)
            return entry_error(z, it, rc == Z_MEM_ERROR ? "out of memory" : "corrupt data (invalid deflate data)");
    }
    if (zs->total_out != it->usize)
        return ps_error_set(z->err, "%s: entry %s: data ends after %llu of %llu bytes", z->path, it->name,
                            (unsigned long long)zs->total_out, (unsigned long long)it->usize);
    if (zs->avail_in != 0 || left != 0) return entry_error(z, it, "deflate data ends before its compressed bytes do");
    return PS_OK;
}

static int inflate_item(const zip_in *z, const zip_item *it, ps_zip_entry *e) {
    size_t limit = (size_t)it->usize + 1, cap = 4 * (size_t)it->csize + INFLATE_CHUNK;
    if (cap > limit) cap = limit;
    unsigned char *buf = malloc(cap);
    z_stream zs = {.next_out = buf, .avail_out = (uInt)cap};
    if (!buf || inflateInit2(&zs, -MAX_WBITS) != Z_OK) {
        free(buf);
        return entry_error(z, it, "out of memory");
    }
    int rc = inflate_loop(z, it, &zs, &buf, &cap);
    inflateEnd(&zs);
    if (rc != PS_OK) free(buf);
    else e->data = buf;
    return rc;
}

static int read_stored(const zip_in *z, const zip_item *it, ps_zip_entry *e) {
    e->data = malloc(it->usize ? (size_t)it->usize : 1);
    if (!e->data) return entry_error(z, it, "out of memory");
    if (read_at(z, e->data, (size_t)it->usize, it->data) != 0) return entry_error(z, it, "read error");
    return PS_OK;
}

static int read_item(const zip_in *z, const zip_item *it, ps_zip_entry *e) {
    memcpy(e->name, it->name, sizeof e->name);
    e->size = (size_t)it->usize;
    int empty = it->usize == 0 && it->csize == 0;
    int rc = it->method == 0 || empty ? read_stored(z, it, e) : inflate_item(z, it, e);
    if (rc != PS_OK) return PS_ERR;
    if (crc32_z(0, e->data, e->size) != it->crc) return entry_error(z, it, "CRC-32 mismatch, the data is corrupt");
    return PS_OK;
}

/* Everything checked, then every entry read into *list (z->count slots). */
static int read_archive(zip_in *z, ps_zip_entry **list) {
    if (open_archive(z) != PS_OK || read_end_record(z) != PS_OK || read_directory(z) != PS_OK ||
        locate_all(z) != PS_OK)
        return PS_ERR;
    *list = calloc((size_t)z->count + 1, sizeof **list);
    if (!*list) return ps_error_set(z->err, "%s: out of memory for %d entries", z->path, z->count);
    for (int i = 0; i < z->count; i++)
        if (read_item(z, &z->items[i], &(*list)[i]) != PS_OK) return PS_ERR;
    return PS_OK;
}

int ps_zip_read(const char *path, ps_zip_entry **entries, int *n, ps_error *err) {
    *entries = NULL;
    *n = 0;
    if (!path) return ps_error_set(err, "zip: no path given");
    zip_in z = {.path = path, .fd = -1, .err = err};
    ps_zip_entry *list = NULL;
    int rc = read_archive(&z, &list);
    if (z.fd >= 0) close(z.fd);
    free(z.items);
    if (rc != PS_OK || z.count == 0) {
        ps_zip_free(list, z.count);
        return rc;
    }
    *entries = list;
    *n = z.count;
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
