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
    remove_folder(dir);
    return check_summary("test_zipfile");
}
