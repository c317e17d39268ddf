/* zipfile.c - placeholder until the implementation lands. */
#include "powersched/zipfile.h"

int ps_zip_write(const char *path, const ps_zip_entry *entries, int n, ps_error *err) {
    (void)entries;
    (void)n;
    return ps_error_set(err, "%s: zip writing not implemented yet", path);
}

int ps_zip_read(const char *path, ps_zip_entry **entries, int *n, ps_error *err) {
    *entries = 0;
    *n = 0;
    return ps_error_set(err, "%s: zip reading not implemented yet", path);
}

void ps_zip_free(ps_zip_entry *entries, int n) {
    (void)entries;
    (void)n;
}

const ps_zip_entry *ps_zip_find(const ps_zip_entry *entries, int n, const char *name) {
    (void)entries;
    (void)n;
    (void)name;
    return 0;
}
