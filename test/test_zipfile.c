/* test_zipfile - zip archives of named binary entries: round trip (an empty
 * entry, a 3 MB one), structure as other zip readers see it, atomic writes,
 * and every kind of bad archive refused with the path (and entry) named. The
 * bad archives are made here: by damaging a written one, or with minizip's
 * raw API for headers our writer never produces. */
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <minizip/unzip.h>
#include <minizip/zip.h>
#include <zlib.h>

#include "check.h"
#include "powersched/zipfile.h"

#define BIG_FLOATS (3 * 1024 * 1024 / 4) /* 3 MiB of floats */

static char dir[64];

/* ---- helpers ------------------------------------------------------------ */

static void path_in(char *buf, size_t size, const char *name) {
    snprintf(buf, size, "%s/%s", dir, name);
}

/* Files in the test folder whose name has ".tmp." (ps_atomic_file's temps). */
static int count_temp_files(const char *folder) {
    DIR *d = opendir(folder);
    if (!d) return -1;
    int count = 0;
    for (struct dirent *de; (de = readdir(d));) count += strstr(de->d_name, ".tmp.") != NULL;
    closedir(d);
    return count;
}

static void remove_folder(const char *folder) {
    DIR *d = opendir(folder);
    if (!d) return;
    char p[512];
    for (struct dirent *de; (de = readdir(d));) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        snprintf(p, sizeof p, "%s/%s", folder, de->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(folder);
}

static unsigned char *slurp(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc(len > 0 ? (size_t)len : 1);
    *size = fread(buf, 1, (size_t)len, f);
    fclose(f);
    return buf;
}

static void spit(const char *path, const void *data, size_t size) {
    FILE *f = fopen(path, "wb");
    if (!f) return;
    fwrite(data, 1, size, f);
    fclose(f);
}

static int same_file(const char *a, const char *b) {
    size_t na = 0, nb = 0;
    unsigned char *x = slurp(a, &na), *y = slurp(b, &nb);
    int same = x && y && na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return same;
}

/* xorshift32 in a local state: the floats are arbitrary but fixed. */
static float *random_floats(size_t n, uint32_t seed) {
    float *v = malloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++) {
        seed ^= seed << 13, seed ^= seed >> 17, seed ^= seed << 5;
        v[i] = (float)((double)seed / 4294967296.0 * 2.0 - 1.0);
    }
    return v;
}

static ps_zip_entry entry(const char *name, const void *data, size_t size) {
    ps_zip_entry e = {.data = (void *)data, .size = size};
    snprintf(e.name, sizeof e.name, "%s", name);
    return e;
}

/* The four entries most tests write; entries[2] is the 3 MiB one. */
typedef struct sample {
    ps_zip_entry e[4];
    float *big;
} sample;

static const char META[] = "{\"format\": \"powersched-checkpoint\", \"version\": 1}";
static const char TEXT[] =
    "the quick brown fox jumps over the lazy dog; the quick brown fox jumps again\n";

static sample make_sample(void) {
    sample s;
    s.big = random_floats(BIG_FLOATS, 12345u);
    s.e[0] = entry("meta.json", META, strlen(META));
    s.e[1] = entry("empty.bin", NULL, 0);
    s.e[2] = entry("policy/pi.0.weight.bin", s.big, BIG_FLOATS * sizeof(float));
    s.e[3] = entry("notes.txt", TEXT, strlen(TEXT));
    return s;
}

/* Reads path, which must fail, and returns the message (static buffer). */
static const char *read_must_fail(const char *path) {
    static ps_error err;
    static ps_zip_entry sentinel;
    ps_zip_entry *got = &sentinel; /* must be reset to NULL */
    int n = -1;
    memset(&err, 0, sizeof err);
    int rc = ps_zip_read(path, &got, &n, &err);
    CHECK_INT(rc, PS_ERR);
    if (rc == PS_OK) {
        ps_zip_free(got, n);
        return "";
    }
    CHECK(got == NULL);
    CHECK_INT(n, 0);
    CHECK_STR_CONTAINS(err.msg, path);
    return err.msg;
}

/* ---- round trip ----------------------------------------------------------- */

static void test_round_trip(void) {
    sample s = make_sample();
    char path[256];
    path_in(path, sizeof path, "ckpt.zip");
    ps_error err = {{0}};
    CHECK_INT(ps_zip_write(path, s.e, 4, &err), PS_OK);
    CHECK_INT(count_temp_files(dir), 0);

    ps_zip_entry *got = NULL;
    int n = 0;
    CHECK_INT(ps_zip_read(path, &got, &n, &err), PS_OK);
    CHECK_INT(n, 4);
    for (int i = 0; i < n && i < 4; i++) {
        CHECK_STR_CONTAINS(got[i].name, s.e[i].name); /* same order */
        CHECK_INT(strlen(got[i].name), strlen(s.e[i].name));
        CHECK_INT(got[i].size, s.e[i].size);
        CHECK(got[i].data != NULL);
        CHECK(got[i].size == s.e[i].size &&
              (got[i].size == 0 || memcmp(got[i].data, s.e[i].data, got[i].size) == 0));
    }
    const ps_zip_entry *w = ps_zip_find(got, n, "policy/pi.0.weight.bin");
    CHECK(w == &got[2]);
    CHECK(ps_zip_find(got, n, "empty.bin") == &got[1]);
    CHECK(ps_zip_find(got, n, "policy/pi.0.weight") == NULL); /* exact match only */
    CHECK(ps_zip_find(got, n, "missing.bin") == NULL);
    CHECK(ps_zip_find(NULL, 0, "meta.json") == NULL);
    ps_zip_free(got, n);

    /* A fixed entry time: equal entries give byte-identical archives. */
    char again[256];
    path_in(again, sizeof again, "ckpt_again.zip");
    CHECK_INT(ps_zip_write(again, s.e, 4, &err), PS_OK);
    CHECK(same_file(path, again));
    free(s.big);
}

static void test_empty_archive(void) {
    char path[256];
    path_in(path, sizeof path, "empty.zip");
    ps_error err = {{0}};
    CHECK_INT(ps_zip_write(path, NULL, 0, &err), PS_OK);
    ps_zip_entry *got = NULL;
    int n = -1;
    CHECK_INT(ps_zip_read(path, &got, &n, &err), PS_OK);
    CHECK_INT(n, 0);
    ps_zip_free(got, n);
}

/* The archive as minizip's reader and, where installed, Info-ZIP see it. */
static void test_structure(void) {
    sample s = make_sample();
    char path[256];
    path_in(path, sizeof path, "structure.zip");
    ps_error err = {{0}};
    CHECK_INT(ps_zip_write(path, s.e, 4, &err), PS_OK);

    unzFile uf = unzOpen64(path);
    CHECK(uf != NULL);
    if (uf) {
        unz_global_info64 gi;
        CHECK_INT(unzGetGlobalInfo64(uf, &gi), UNZ_OK);
        CHECK_INT(gi.number_entry, 4);
        CHECK_INT(unzLocateFile(uf, "policy/pi.0.weight.bin", 1), UNZ_OK);
        unz_file_info64 fi;
        CHECK_INT(unzGetCurrentFileInfo64(uf, &fi, NULL, 0, NULL, 0, NULL, 0), UNZ_OK);
        CHECK_INT(fi.compression_method, Z_DEFLATED);
        CHECK_INT(fi.uncompressed_size, BIG_FLOATS * sizeof(float));
        CHECK_INT(fi.crc, crc32(0, (const Bytef *)s.big, BIG_FLOATS * sizeof(float)));
        unzClose(uf);
    }
    if (access("/usr/bin/unzip", X_OK) == 0) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "/usr/bin/unzip -tqq '%s' >/dev/null 2>&1", path);
        CHECK_INT(system(cmd), 0);
        snprintf(cmd, sizeof cmd, "/usr/bin/unzip -Z1 '%s' 2>/dev/null", path);
        FILE *p = popen(cmd, "r");
        char names[1024] = "";
        if (p) {
            size_t len = fread(names, 1, sizeof names - 1, p);
            names[len] = '\0';
            pclose(p);
        }
        CHECK_STR_CONTAINS(names, "meta.json\nempty.bin\npolicy/pi.0.weight.bin\nnotes.txt\n");
    } else {
        printf("test_zipfile: /usr/bin/unzip absent, Info-ZIP check skipped\n");
    }
    free(s.big);
}

/* ---- atomic writes ------------------------------------------------------ */

static void test_missing_folder(void) {
    sample s = make_sample();
    char folder[256], path[320];
    path_in(folder, sizeof folder, "no_such_folder");
    snprintf(path, sizeof path, "%s/ckpt.zip", folder);
    ps_error err = {{0}};
    CHECK_INT(ps_zip_write(path, s.e, 4, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, path);
    CHECK_STR_CONTAINS(err.msg, "cannot create");
    CHECK(access(path, F_OK) != 0);
    CHECK(access(folder, F_OK) != 0);
    CHECK_INT(count_temp_files(dir), 0);
    free(s.big);
}

static void test_bad_entry_lists(void) {
    char path[256];
    path_in(path, sizeof path, "bad_entries.zip");
    ps_error err = {{0}};
    ps_zip_entry e[2] = {entry("a.bin", "x", 1), entry("a.bin", "y", 1)};
    CHECK_INT(ps_zip_write(path, e, 2, &err), PS_ERR); /* duplicate name */
    CHECK_STR_CONTAINS(err.msg, path);
    CHECK_STR_CONTAINS(err.msg, "a.bin");

    e[1] = entry("b.bin", NULL, 10);
    CHECK_INT(ps_zip_write(path, e, 2, &err), PS_ERR); /* size but no data */
    CHECK_STR_CONTAINS(err.msg, "b.bin");

    memset(e[1].name, 'n', sizeof e[1].name);
    CHECK_INT(ps_zip_write(path, e, 2, &err), PS_ERR); /* unterminated name */
    CHECK_STR_CONTAINS(err.msg, "name");

    e[1] = entry("", "y", 1);
    CHECK_INT(ps_zip_write(path, e, 2, &err), PS_ERR); /* empty name */
    CHECK_INT(ps_zip_write(path, e, -1, &err), PS_ERR);
    CHECK(access(path, F_OK) != 0);
    CHECK_INT(count_temp_files(dir), 0);
}

/* Fails the write half-way (the file-size limit makes write() return EFBIG):
 * the old archive must survive untouched and no temp file remain. */
static int write_with_size_limit(const char *path, const ps_zip_entry *e, int n, ps_error *err) {
    struct rlimit old;
    getrlimit(RLIMIT_FSIZE, &old);
    struct rlimit small = {.rlim_cur = 256 * 1024, .rlim_max = old.rlim_max};
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    setrlimit(RLIMIT_FSIZE, &small);
    int rc = ps_zip_write(path, e, n, err);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, old_handler);
    return rc;
}

static void test_replace_only_on_success(void) {
    sample s = make_sample();
    char path[256], copy[256];
    path_in(path, sizeof path, "replace.zip");
    path_in(copy, sizeof copy, "replace_copy.zip");
    ps_error err = {{0}};
    ps_zip_entry small[1] = {entry("meta.json", META, strlen(META))};
    CHECK_INT(ps_zip_write(path, small, 1, &err), PS_OK);
    CHECK_INT(ps_zip_write(copy, small, 1, &err), PS_OK);

    CHECK_INT(write_with_size_limit(path, s.e, 4, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, path);
    CHECK_STR_CONTAINS(err.msg, "File too large"); /* errno survives minizip */
    CHECK(same_file(path, copy));
    CHECK_INT(count_temp_files(dir), 0);

    ps_zip_entry bad[2] = {entry("x", "1", 1), entry("x", "2", 1)};
    CHECK_INT(ps_zip_write(path, bad, 2, &err), PS_ERR);
    CHECK(same_file(path, copy));

    CHECK_INT(ps_zip_write(path, s.e, 4, &err), PS_OK);
    ps_zip_entry *got = NULL;
    int n = 0;
    CHECK_INT(ps_zip_read(path, &got, &n, &err), PS_OK);
    CHECK_INT(n, 4);
    ps_zip_free(got, n);
    CHECK_INT(count_temp_files(dir), 0);
    free(s.big);
}

/* ---- bad archives --------------------------------------------------------- */

/* Where the named entry's compressed bytes start in the archive, and how many. */
static int locate_data(const char *path, const char *name, long *start, long *csize) {
    unzFile uf = unzOpen64(path);
    if (!uf) return -1;
    unz_file_info64 fi;
    int ok = unzLocateFile(uf, name, 1) == UNZ_OK &&
             unzGetCurrentFileInfo64(uf, &fi, NULL, 0, NULL, 0, NULL, 0) == UNZ_OK &&
             unzOpenCurrentFile(uf) == UNZ_OK;
    if (ok) {
        *start = (long)unzGetCurrentFileZStreamPos64(uf);
        *csize = (long)fi.compressed_size;
        unzCloseCurrentFile(uf);
    }
    unzClose(uf);
    return ok ? 0 : -1;
}

/* Flipping a byte of deflated data gives either a zlib data error or wrong
 * bytes that the CRC-32 catches; whichever, the read must fail and say which
 * file and entry. Several positions, each in a fresh copy. */
static void test_flipped_byte(void) {
    sample s = make_sample();
    char path[256], bad[256];
    path_in(path, sizeof path, "flip_src.zip");
    path_in(bad, sizeof bad, "flipped.zip");
    ps_error err = {{0}};
    CHECK_INT(ps_zip_write(path, s.e, 4, &err), PS_OK);
    const char *targets[2] = {"policy/pi.0.weight.bin", "notes.txt"};
    for (int t = 0; t < 2; t++) {
        long start = 0, csize = 0;
        CHECK_INT(locate_data(path, targets[t], &start, &csize), 0);
        size_t size = 0;
        unsigned char *bytes = slurp(path, &size);
        for (int k = 1; k < 8 && bytes && csize > 2; k++) {
            long at = start + csize * k / 8;
            bytes[at] ^= 0x5a;
            spit(bad, bytes, size);
            bytes[at] ^= 0x5a;
            const char *msg = read_must_fail(bad);
            CHECK_STR_CONTAINS(msg, targets[t]);
        }
        free(bytes);
    }
    free(s.big);
}

/* A stored entry whose CRC-32 is wrong in both headers (minizip's raw API
 * takes the CRC from us): only the check after reading can catch it. */
static void test_crc_mismatch(void) {
    char path[256];
    path_in(path, sizeof path, "bad_crc.zip");
    zipFile zf = zipOpen64(path, APPEND_STATUS_CREATE);
    CHECK(zf != NULL);
    if (!zf) return;
    zip_fileinfo fi = {{0, 0, 0, 1, 0, 2020}, 0, 0, 0};
    uLong crc = crc32(0, (const Bytef *)TEXT, (uInt)strlen(TEXT));
    CHECK_INT(zipOpenNewFileInZip2(zf, "ok.txt", &fi, NULL, 0, NULL, 0, NULL, 0, 0, 1), ZIP_OK);
    zipWriteInFileInZip(zf, TEXT, (unsigned)strlen(TEXT));
    CHECK_INT(zipCloseFileInZipRaw64(zf, strlen(TEXT), crc), ZIP_OK);
    CHECK_INT(zipOpenNewFileInZip2(zf, "weights.bin", &fi, NULL, 0, NULL, 0, NULL, 0, 0, 1),
              ZIP_OK);
    zipWriteInFileInZip(zf, TEXT, (unsigned)strlen(TEXT));
    CHECK_INT(zipCloseFileInZipRaw64(zf, strlen(TEXT), crc ^ 1u), ZIP_OK);
    zipClose(zf, NULL);
    const char *msg = read_must_fail(path);
    CHECK_STR_CONTAINS(msg, "weights.bin");
    CHECK_STR_CONTAINS(msg, "CRC");
}

/* A deflated entry that claims more bytes than its stream holds: inflate
 * ends early and the read comes up short. */
static void test_short_entry(void) {
    unsigned char raw[256];
    z_stream zs = {0};
    deflateInit2(&zs, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY); /* raw deflate */
    zs.next_in = (Bytef *)TEXT;
    zs.avail_in = (uInt)strlen(TEXT);
    zs.next_out = raw;
    zs.avail_out = sizeof raw;
    CHECK_INT(deflate(&zs, Z_FINISH), Z_STREAM_END);
    unsigned clen = (unsigned)zs.total_out;
    deflateEnd(&zs);

    char path[256];
    path_in(path, sizeof path, "short.zip");
    zipFile zf = zipOpen64(path, APPEND_STATUS_CREATE);
    CHECK(zf != NULL);
    if (!zf) return;
    zip_fileinfo fi = {{0, 0, 0, 1, 0, 2020}, 0, 0, 0};
    CHECK_INT(zipOpenNewFileInZip2(zf, "short.bin", &fi, NULL, 0, NULL, 0, NULL, Z_DEFLATED, 6,
                                   1),
              ZIP_OK);
    zipWriteInFileInZip(zf, raw, clen);
    uLong crc = crc32(0, (const Bytef *)TEXT, (uInt)strlen(TEXT));
    CHECK_INT(zipCloseFileInZipRaw64(zf, strlen(TEXT) + 100, crc), ZIP_OK);
    zipClose(zf, NULL);
    const char *msg = read_must_fail(path);
    CHECK_STR_CONTAINS(msg, "short.bin");
    CHECK_STR_CONTAINS(msg, "ends after");
}

static void test_long_name(void) {
    char path[256], name[301];
    path_in(path, sizeof path, "long_name.zip");
    memset(name, 'a', 300);
    name[300] = '\0';
    zipFile zf = zipOpen64(path, APPEND_STATUS_CREATE);
    CHECK(zf != NULL);
    if (!zf) return;
    zip_fileinfo fi = {{0, 0, 0, 1, 0, 2020}, 0, 0, 0};
    CHECK_INT(zipOpenNewFileInZip64(zf, name, &fi, NULL, 0, NULL, 0, NULL, Z_DEFLATED, 1, 0),
              ZIP_OK);
    zipWriteInFileInZip(zf, "x", 1);
    zipCloseFileInZip(zf);
    zipClose(zf, NULL);
    const char *msg = read_must_fail(path);
    CHECK_STR_CONTAINS(msg, "longer than 255");
}

/* Any cut loses the end-of-central-directory record at the tail. */
static void test_truncated(void) {
    sample s = make_sample();
    char path[256], cut[256];
    path_in(path, sizeof path, "whole.zip");
    path_in(cut, sizeof cut, "truncated.zip");
    ps_error err = {{0}};
    CHECK_INT(ps_zip_write(path, s.e, 4, &err), PS_OK);
    size_t size = 0;
    unsigned char *bytes = slurp(path, &size);
    size_t lens[] = {size / 2, 0, 10, size / 4, size * 3 / 4, size - 30, size - 1};
    for (size_t i = 0; bytes && i < sizeof lens / sizeof lens[0]; i++) {
        spit(cut, bytes, lens[i]);
        read_must_fail(cut);
    }
    spit(cut, bytes, size / 2);
    CHECK_STR_CONTAINS(read_must_fail(cut), "not a zip archive or truncated");
    free(bytes);
    free(s.big);
}

static void test_not_zip_and_missing(void) {
    char path[256];
    path_in(path, sizeof path, "prices.csv");
    spit(path, "hour,price\n0,41.5\n1,39.0\n", 25);
    CHECK_STR_CONTAINS(read_must_fail(path), "not a zip archive");

    path_in(path, sizeof path, "does_not_exist.zip");
    const char *msg = read_must_fail(path);
    CHECK_STR_CONTAINS(msg, "cannot open");
    CHECK_STR_CONTAINS(msg, "No such file");

    read_must_fail(dir); /* a folder is not an archive either */
}

/* ---- crafted archives: claims that must be refused before inflating ----- */

/* A zip assembled byte by byte, for central directories no writer makes:
 * entries that share data, claim sizes they do not hold, repeat a name. */
typedef struct rawzip {
    unsigned char *buf;
    size_t len, cap;
} rawzip;

static void put(rawzip *z, const void *p, size_t n) {
    if (z->len + n > z->cap) {
        z->cap = (z->len + n) * 2;
        z->buf = realloc(z->buf, z->cap);
    }
    memcpy(z->buf + z->len, p, n);
    z->len += n;
}

static void put16(rawzip *z, unsigned v) {
    unsigned char b[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
    put(z, b, 2);
}

static void put32(rawzip *z, uint32_t v) {
    put16(z, v & 0xffffu);
    put16(z, v >> 16);
}

typedef struct raw_entry {
    char name[64];
    unsigned method;
    uint32_t crc, csize, usize, offset;
} raw_entry;

/* Local header + data at the end of z; e->offset is set. */
static void raw_local(rawzip *z, raw_entry *e, const void *data, size_t n) {
    e->offset = (uint32_t)z->len;
    put(z, "PK\x03\x04", 4);
    put16(z, 20), put16(z, 0), put16(z, e->method), put32(z, 0); /* version, flags, method, time */
    put32(z, e->crc), put32(z, e->csize), put32(z, e->usize);
    put16(z, (unsigned)strlen(e->name)), put16(z, 0);
    put(z, e->name, strlen(e->name));
    put(z, data, n);
}

static void raw_central(rawzip *z, const raw_entry *e) {
    put(z, "PK\x01\x02", 4);
    put16(z, 20), put16(z, 20), put16(z, 0), put16(z, e->method), put32(z, 0);
    put32(z, e->crc), put32(z, e->csize), put32(z, e->usize);
    put16(z, (unsigned)strlen(e->name)), put16(z, 0), put16(z, 0); /* name, extra, comment */
    put16(z, 0), put16(z, 0), put32(z, 0), put32(z, e->offset);   /* disk, attributes */
    put(z, e->name, strlen(e->name));
}

static void raw_end(rawzip *z, unsigned count, size_t cd_start) {
    uint32_t cd_size = (uint32_t)(z->len - cd_start);
    put(z, "PK\x05\x06", 4);
    put16(z, 0), put16(z, 0), put16(z, count), put16(z, count);
    put32(z, cd_size), put32(z, (uint32_t)cd_start), put16(z, 0);
}

/* Writes z to dir/name (the path into buf) and frees it. */
static void raw_save(rawzip *z, const char *name, char *buf, size_t size) {
    path_in(buf, size, name);
    spit(buf, z->buf, z->len);
    free(z->buf);
    memset(z, 0, sizeof *z);
}

/* Raw deflate of n bytes into out (at most cap); returns the length. */
static size_t deflate_raw(const void *in, size_t n, unsigned char *out, size_t cap) {
    z_stream zs = {0};
    deflateInit2(&zs, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
    zs.next_in = (Bytef *)in;
    zs.avail_in = (uInt)n;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    int rc = deflate(&zs, Z_FINISH);
    size_t len = zs.total_out;
    deflateEnd(&zs);
    return rc == Z_STREAM_END ? len : 0;
}

/* The probe's bomb in small: one deflated entry and 64 central directory
 * records all pointing at it, so the archive claims 64 times its data.
 * Entries may not share bytes: refused before anything is inflated. */
static void test_overlapping_entries(void) {
    unsigned char packed[256];
    size_t clen = deflate_raw(TEXT, strlen(TEXT), packed, sizeof packed);
    CHECK(clen > 0);
    rawzip z = {0};
    raw_entry e = {"e00", Z_DEFLATED, (uint32_t)crc32(0, (const Bytef *)TEXT, (uInt)strlen(TEXT)),
                   (uint32_t)clen, (uint32_t)strlen(TEXT), 0};
    raw_local(&z, &e, packed, clen);
    size_t cd = z.len;
    for (int i = 0; i < 64; i++) {
        snprintf(e.name, sizeof e.name, "e%02d", i); /* the local header's name length */
        raw_central(&z, &e);
    }
    raw_end(&z, 64, cd);
    char path[256];
    raw_save(&z, "overlap.zip", path, sizeof path);
    const char *msg = read_must_fail(path);
    CHECK_STR_CONTAINS(msg, "e01");
    CHECK_STR_CONTAINS(msg, "overlaps");
}

/* Entries that each keep the deflate ratio but together claim more than
 * PS_ZIP_MAX_TOTAL (4 x 1 MiB of data claiming 4 x 1.03 GiB): refused from
 * the central directory alone, before any allocation of that size. */
static void test_claims_over_total(void) {
    const size_t c = (size_t)1 << 20;
    float *junk = random_floats(c / sizeof(float), 777u);
    rawzip z = {0};
    raw_entry e[4];
    for (int i = 0; i < 4; i++) {
        e[i] = (raw_entry){"", Z_DEFLATED, 0, (uint32_t)c, (uint32_t)(c * 1032), 0};
        snprintf(e[i].name, sizeof e[i].name, "t%d.bin", i);
        raw_local(&z, &e[i], junk, c);
    }
    size_t cd = z.len;
    for (int i = 0; i < 4; i++) raw_central(&z, &e[i]);
    raw_end(&z, 4, cd);
    char path[256];
    raw_save(&z, "claims.zip", path, sizeof path);
    const char *msg = read_must_fail(path);
    CHECK_STR_CONTAINS(msg, "in total");
    CHECK_STR_CONTAINS(msg, "4328521728"); /* 4 x 1032 MiB */
    free(junk);
    /* and the writer refuses what the reader would: nothing is read from data */
    static const char byte = 0;
    ps_zip_entry big[2] = {entry("a.bin", &byte, (size_t)2 << 30), entry("b.bin", &byte, (size_t)2 << 30)};
    ps_error err = {{0}};
    path_in(path, sizeof path, "too_big.zip");
    CHECK_INT(ps_zip_write(path, big, 2, &err), PS_ERR);
    CHECK_STR_CONTAINS(err.msg, path);
    CHECK_STR_CONTAINS(err.msg, "more than");
    CHECK(access(path, F_OK) != 0);
    CHECK_INT(count_temp_files(dir), 0);
}

/* More entries than any checkpoint holds (PS_ZIP_MAX_ENTRIES + 1 empty,
 * stored, disjoint entries): refused by count. */
static void test_too_many_entries(void) {
    rawzip z = {0};
    int n = PS_ZIP_MAX_ENTRIES + 1;
    raw_entry *e = calloc((size_t)n, sizeof *e);
    for (int i = 0; i < n; i++) {
        e[i].method = 0;
        snprintf(e[i].name, sizeof e[i].name, "%05d", i);
        raw_local(&z, &e[i], "", 0);
    }
    size_t cd = z.len;
    for (int i = 0; i < n; i++) raw_central(&z, &e[i]);
    raw_end(&z, (unsigned)n, cd);
    free(e);
    char path[256];
    raw_save(&z, "many.zip", path, sizeof path);
    const char *msg = read_must_fail(path);
    CHECK_STR_CONTAINS(msg, "4097 entries");
}

/* Two entries of one name: ps_zip_find could only ever see the first. */
static void test_duplicate_names(void) {
    rawzip z = {0};
    raw_entry a = {"x.bin", 0, (uint32_t)crc32(0, (const Bytef *)"1", 1), 1, 1, 0}, b = a;
    b.crc = (uint32_t)crc32(0, (const Bytef *)"2", 1);
    raw_local(&z, &a, "1", 1);
    raw_local(&z, &b, "2", 1);
    size_t cd = z.len;
    raw_central(&z, &a);
    raw_central(&z, &b);
    raw_end(&z, 2, cd);
    char path[256];
    raw_save(&z, "dup.zip", path, sizeof path);
    const char *msg = read_must_fail(path);
    CHECK_STR_CONTAINS(msg, "x.bin");
    CHECK_STR_CONTAINS(msg, "twice");
}

/* A deflate stream that holds more than the header claims, with the CRC of
 * the claimed prefix: a reader that stops at the claimed size would return
 * a cut entry as valid. The stream must end exactly at the claimed size. */
static void test_stream_longer_than_claimed(void) {
    unsigned char packed[256];
    size_t clen = deflate_raw(TEXT, strlen(TEXT), packed, sizeof packed);
    rawzip z = {0};
    raw_entry e = {"cut.txt", Z_DEFLATED, (uint32_t)crc32(0, (const Bytef *)TEXT, 40), (uint32_t)clen, 40, 0};
    raw_local(&z, &e, packed, clen);
    size_t cd = z.len;
    raw_central(&z, &e);
    raw_end(&z, 1, cd);
    char path[256];
    raw_save(&z, "longer.zip", path, sizeof path);
    const char *msg = read_must_fail(path);
    CHECK_STR_CONTAINS(msg, "cut.txt");
    CHECK_STR_CONTAINS(msg, "more than the 40 bytes");
}

/* An entry whose data would run past the start of the central directory
 * (its compressed size claims more than lies before it). */
static void test_entry_past_data(void) {
    rawzip z = {0};
    raw_entry e = {"long.bin", 0, (uint32_t)crc32(0, (const Bytef *)TEXT, (uInt)strlen(TEXT)),
                   (uint32_t)strlen(TEXT) + 10, (uint32_t)strlen(TEXT) + 10, 0};
    raw_local(&z, &e, TEXT, strlen(TEXT));
    size_t cd = z.len;
    raw_central(&z, &e);
    raw_end(&z, 1, cd);
    char path[256];
    raw_save(&z, "past.zip", path, sizeof path);
    const char *msg = read_must_fail(path);
    CHECK_STR_CONTAINS(msg, "long.bin");
    CHECK_STR_CONTAINS(msg, "central directory");
}

/* A name with a control character (it would reach a terminal in error
 * messages: a newline, an escape sequence): refused, the byte named. */
static void test_control_in_name(void) {
    rawzip z = {0};
    raw_entry e = {"ok\x1b[2Jx.bin", 0, (uint32_t)crc32(0, (const Bytef *)"1", 1), 1, 1, 0};
    raw_local(&z, &e, "1", 1);
    size_t cd = z.len;
    raw_central(&z, &e);
    raw_end(&z, 1, cd);
    char path[256];
    raw_save(&z, "control.zip", path, sizeof path);
    const char *msg = read_must_fail(path);
    CHECK_STR_CONTAINS(msg, "entry 1: name holds control character 0x1b after \"ok\"");
}

/* The crafted archives are well formed apart from what each test breaks:
 * the same builder's honest archive reads back. */
static void test_raw_builder_honest(void) {
    unsigned char packed[256];
    size_t clen = deflate_raw(TEXT, strlen(TEXT), packed, sizeof packed);
    rawzip z = {0};
    uint32_t crc = (uint32_t)crc32(0, (const Bytef *)TEXT, (uInt)strlen(TEXT));
    raw_entry a = {"a.txt", Z_DEFLATED, crc, (uint32_t)clen, (uint32_t)strlen(TEXT), 0};
    raw_entry b = {"b.txt", 0, crc, (uint32_t)strlen(TEXT), (uint32_t)strlen(TEXT), 0};
    raw_local(&z, &a, packed, clen);
    raw_local(&z, &b, TEXT, strlen(TEXT));
    size_t cd = z.len;
    raw_central(&z, &a);
    raw_central(&z, &b);
    raw_end(&z, 2, cd);
    char path[256];
    raw_save(&z, "honest.zip", path, sizeof path);
    ps_zip_entry *got = NULL;
    int n = 0;
    ps_error err = {{0}};
    CHECK_INT(ps_zip_read(path, &got, &n, &err), PS_OK);
    CHECK_INT(n, 2);
    for (int i = 0; i < n; i++) CHECK(got[i].size == strlen(TEXT) && memcmp(got[i].data, TEXT, got[i].size) == 0);
    ps_zip_free(got, n);
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv; /* everything is made under /tmp: no shared data or fixtures */
    snprintf(dir, sizeof dir, "/tmp/ps_zip_test_XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_round_trip();
    test_empty_archive();
    test_structure();
    test_missing_folder();
    test_bad_entry_lists();
    test_replace_only_on_success();
    test_flipped_byte();
    test_crc_mismatch();
    test_short_entry();
    test_long_name();
    test_truncated();
    test_not_zip_and_missing();
    test_raw_builder_honest();
    test_overlapping_entries();
    test_claims_over_total();
    test_too_many_entries();
    test_duplicate_names();
    test_stream_longer_than_claimed();
    test_entry_past_data();
    test_control_in_name();
    remove_folder(dir);
    return check_summary("test_zipfile");
}
