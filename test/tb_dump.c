/* tb_dump.c - prints the records of TensorBoard event files, read with the
 * tests' independent reader (tb_reader.h), one per line:
 *   version <file_version>            for the file's first record
 *   <step> <tag> <value (%.9g)>       for a scalar
 * so that shell tests can compare them with CSV logs. Exit status 1 when a
 * file cannot be read or any record's framing or CRC is wrong.
 * usage: tb_dump FILE... */
#include <stdio.h>

#include "tb_reader.h"

static void print(const tb_event *e, void *user) {
    (void)user;
    if (e->version[0]) printf("version %s\n", e->version);
    else if (e->has_value) printf("%lld %s %.9g\n", (long long)e->step, e->tag, (double)e->value);
}

int main(int argc, char **argv) {
    int status = argc < 2;
    for (int i = 1; i < argc; i++)
        if (tb_read(argv[i], print, NULL) < 0) {
            fprintf(stderr, "tb_dump: %s: unreadable, or a record with a bad length or CRC\n", argv[i]);
            status = 1;
        }
    return status;
}
