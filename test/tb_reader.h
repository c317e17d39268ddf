/* tb_reader.h - an independent reader of TensorBoard event files for the
 * tests: its own table-driven CRC-32C, TFRecord framing and protobuf walk,
 * sharing nothing with src/io/tensorboard.c. Each record is checked (both
 * masked CRCs) and handed to a callback as an event: wall time, step, the
 * file_version text, or the first scalar of its summary. */
#ifndef POWERSCHED_TEST_TB_READER_H
#define POWERSCHED_TEST_TB_READER_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct tb_event {
    double wall;
    int64_t step;
    char version[32], tag[64];
    float value;
    int has_value;
} tb_event;

static inline void tb_crc_table(uint32_t table[256]) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
}

static inline uint32_t tb_crc32c(const uint32_t table[256], const unsigned char *p, size_t n) {
    uint32_t c = 0xffffffffu;
    while (n--) c = table[(c ^ *p++) & 255] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

static inline uint32_t tb_masked(uint32_t c) { return ((c >> 15) | (c << 17)) + 0xa282ead8u; }

static inline uint64_t tb_varint(const unsigned char **p, const unsigned char *end) {
    uint64_t v = 0;
    for (int s = 0; *p < end; s += 7) {
        unsigned char b = *(*p)++;
        v |= (uint64_t)(b & 0x7f) << s;
        if (!(b & 0x80)) break;
    }
    return v;
}

/* Summary.Value { tag = 1; simple_value = 2 } inside Summary { value = 1 }. */
static inline void tb_parse_value(const unsigned char *p, const unsigned char *end, tb_event *e) {
    while (p < end) {
        uint64_t key = tb_varint(&p, end);
        if ((key & 7) == 2) {
            uint64_t n = tb_varint(&p, end);
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

/* Event { wall_time = 1; step = 2; file_version = 3; summary = 5 }. */
static inline void tb_parse_event(const unsigned char *p, const unsigned char *end, tb_event *e) {
    memset(e, 0, sizeof *e);
    while (p < end) {
        uint64_t key = tb_varint(&p, end), field = key >> 3, wire = key & 7;
        if (wire == 1) {
            if (field == 1) memcpy(&e->wall, p, 8);
            p += 8;
        } else if (wire == 0) {
            uint64_t v = tb_varint(&p, end);
            if (field == 2) e->step = (int64_t)v;
        } else if (wire == 2) {
            uint64_t n = tb_varint(&p, end);
            if (field == 3) snprintf(e->version, sizeof e->version, "%.*s", (int)n, (const char *)p);
            if (field == 5) { /* Summary: its first Value */
                const unsigned char *q = p, *qe = p + n;
                uint64_t k = tb_varint(&q, qe), m = tb_varint(&q, qe);
                if (k == (1 << 3 | 2)) tb_parse_value(q, q + m, e);
            }
            p += n;
        } else {
            return;
        }
    }
}

/* Calls fn for every record of path; returns their count, or -1 when the
 * file cannot be read or a record's length, framing or a CRC is wrong (a
 * torn last record included). */
static inline int tb_read(const char *path, void (*fn)(const tb_event *e, void *user), void *user) {
    uint32_t table[256];
    tb_crc_table(table);
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    int n = 0;
    unsigned char head[12], buf[4096];
    for (size_t got; (got = fread(head, 1, 12, f)) > 0;) {
        uint64_t len;
        uint32_t len_crc, data_crc;
        memcpy(&len, head, 8);
        memcpy(&len_crc, head + 8, 4);
        if (got < 12 || tb_masked(tb_crc32c(table, head, 8)) != len_crc || len > sizeof buf ||
            fread(buf, 1, len, f) != len || fread(&data_crc, 4, 1, f) != 1 ||
            tb_masked(tb_crc32c(table, buf, len)) != data_crc) {
            n = -1;
            break;
        }
        tb_event e;
        tb_parse_event(buf, buf + len, &e);
        fn(&e, user);
        n++;
    }
    fclose(f);
    return n;
}

#endif
