/* test_tensorboard.c - event files read back by an independent reader
 * (tb_reader.h: its own table-driven CRC-32C and protobuf walk): framing,
 * both CRCs of every record, the file_version record, tags, steps and
 * values. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "powersched/tensorboard.h"
#include "tb_reader.h"

/* Collects up to `max` events. */
typedef struct collected {
    tb_event *v;
    int n, max;
} collected;

static void collect(const tb_event *e, void *user) {
    collected *c = user;
    if (c->n < c->max) c->v[c->n++] = *e;
}

/* Reads every record; returns the count or -1 on a framing/CRC error. */
static int read_events(const char *path, tb_event *out, int max) {
    collected c = {out, 0, max};
    int n = tb_read(path, collect, &c);
    return n > max ? -1 : n;
}

int main(void) {
    uint32_t table[256];
    tb_crc_table(table);
    CHECK_INT(tb_crc32c(table, (const unsigned char *)"123456789", 9), 0xe3069283u); /* the standard check value */
    CHECK_INT(ps_crc32c("123456789", 9), 0xe3069283u);
    char dir[] = "/tmp/ps_tb_XXXXXX", sub[64];
    if (!mkdtemp(dir)) {
        CHECK(0);
        return check_summary("test_tensorboard");
    }
    snprintf(sub, sizeof sub, "%s/tb/e0.7_p0.2", dir);
    ps_tb tb;
    ps_error err = {{0}};
    CHECK_INT(ps_tb_open(&tb, sub, &err), PS_OK);
    CHECK_INT(ps_tb_scalar(&tb, "metrics/cost", 336, 1234.5, 1700000000.25, &err), PS_OK);
    CHECK_INT(ps_tb_scalar(&tb, "train/approx_kl", 64, 0.0125, 1700000001.0, &err), PS_OK);
    CHECK_INT(ps_tb_scalar(&tb, "rollout/ep_rew_mean", 5000000000LL, -3.75, 1700000002.0, &err), PS_OK);
    char path[4300];
    snprintf(path, sizeof path, "%s", tb.path);
    ps_tb_close(&tb);
    CHECK(strstr(path, "/events.out.tfevents.") != NULL);
    tb_event ev[8];
    int n = read_events(path, ev, 8);
    CHECK_INT(n, 4);
    if (n == 4) {
        CHECK(!strcmp(ev[0].version, "brain.Event:2"));
        CHECK(!strcmp(ev[1].tag, "metrics/cost"));
        CHECK_INT(ev[1].step, 336);
        CHECK_NEAR(ev[1].value, 1234.5, 0);
        CHECK_NEAR(ev[1].wall, 1700000000.25, 0);
        CHECK(!strcmp(ev[2].tag, "train/approx_kl"));
        CHECK_NEAR(ev[2].value, 0.0125f, 0);
        CHECK_INT(ev[3].step, 5000000000LL); /* steps beyond 32 bits */
        CHECK_NEAR(ev[3].value, -3.75, 0);
        CHECK(ev[1].has_value && ev[3].has_value);
    }
    /* a flipped byte is caught by the data CRC */
    FILE *f = fopen(path, "r+b");
    if (f) {
        fseek(f, 40, SEEK_SET);
        int c = fgetc(f);
        fseek(f, 40, SEEK_SET);
        fputc(c ^ 1, f);
        fclose(f);
    }
    CHECK_INT(read_events(path, ev, 8), -1);
    snprintf(path, sizeof path, "rm -rf %s", dir);
    CHECK_INT(system(path), 0);
    return check_summary("test_tensorboard");
}
