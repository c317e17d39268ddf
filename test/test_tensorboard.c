/* test_tensorboard.c - event files read back by an independent reader
 * written here (its own table-driven CRC-32C and protobuf walk): framing,
 * both CRCs of every record, the file_version record, tags, steps and
 * values. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "powersched/tensorboard.h"

static uint32_t table[256];

static void crc_table(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
}

static uint32_t crc32c_ref(const unsigned char *p, size_t n) {
    uint32_t c = 0xffffffffu;
    while (n--) c = table[(c ^ *p++) & 255] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

static uint32_t masked(uint32_t c) { return ((c >> 15) | (c << 17)) + 0xa282ead8u; }

static uint64_t varint(const unsigned char **p, const unsigned char *end) {
    uint64_t v = 0;
    for (int s = 0; *p < end; s += 7) {
        unsigned char b = *(*p)++;
        v |= (uint64_t)(b & 0x7f) << s;
        if (!(b & 0x80)) break;
    }
    return v;
}

typedef struct event {
    double wall;
    int64_t step;
    char version[32], tag[64];
    float value;
    int has_value;
} event;

/* Summary.Value { tag = 1; simple_value = 2 } inside Summary { value = 1 }. */
static void parse_value(const unsigned char *p, const unsigned char *end, event *e) {
    while (p < end) {
        uint64_t key = varint(&p, end);
        if ((key & 7) == 2) {
            uint64_t n = varint(&p, end);
            if (key >> 3 == 1) snprintf(e->tag, sizeof e->tag, "%.*s", (int)n, (const char *)p);
            p += n;
        } else if ((key & 7) == 5) {
            memcpy(&e->value, p, 4);
            e->has_value = key >> 3 == 2;
            p += 4;
        } else {
            return;
        }
    }
}

static void parse_event(const unsigned char *p, const unsigned char *end, event *e) {
    memset(e, 0, sizeof *e);
    while (p < end) {
        uint64_t key = varint(&p, end), field = key >> 3, wire = key & 7;
        if (wire == 1) {
            if (field == 1) memcpy(&e->wall, p, 8);
            p += 8;
        } else if (wire == 0) {
            uint64_t v = varint(&p, end);
            if (field == 2) e->step = (int64_t)v;
        } else if (wire == 2) {
            uint64_t n = varint(&p, end);
            if (field == 3) snprintf(e->version, sizeof e->version, "%.*s", (int)n, (const char *)p);
            if (field == 5) { /* Summary: its first Value */
                const unsigned char *q = p, *qe = p + n;
                uint64_t k = varint(&q, qe), m = varint(&q, qe);
                if (k == (1 << 3 | 2)) parse_value(q, q + m, e);
            }
            p += n;
        } else {
            return;
        }
    }
}

/* Reads every record; returns the count or -1 on a framing/CRC error. */
static int read_events(const char *path, event *out, int max) {
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    int n = 0;
    unsigned char head[12], buf[4096];
    while (fread(head, 1, 12, f) == 12) {
        uint64_t len;
        uint32_t len_crc, data_crc;
        memcpy(&len, head, 8);
        memcpy(&len_crc, head + 8, 4);
        if (masked(crc32c_ref(head, 8)) != len_crc || len > sizeof buf || fread(buf, 1, len, f) != len ||
            fread(&data_crc, 4, 1, f) != 1 || masked(crc32c_ref(buf, len)) != data_crc || n == max) {
            n = -1;
            break;
        }
        parse_event(buf, buf + len, &out[n++]);
    }
    fclose(f);
    return n;
}

int main(void) {
    crc_table();
    CHECK_INT(crc32c_ref((const unsigned char *)"123456789", 9), 0xe3069283u); /* the standard check value */
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
    event ev[8];
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
