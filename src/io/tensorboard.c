/* tensorboard.c - TFRecord-framed Event protos with scalar summaries. */
#include "powersched/tensorboard.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "powersched/plot.h"

uint32_t ps_crc32c(const void *data, size_t n) {
    const unsigned char *p = data;
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1u)));
    }
    return crc ^ 0xffffffffu;
}

uint32_t ps_tb_mask_crc(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + 0xa282ead8u; }

/* --------------------------------------------------------------- protobuf */

typedef struct pb {
    unsigned char b[1024];
    size_t n;
} pb;

static void pb_varint(pb *p, uint64_t v) {
    while (v >= 0x80 && p->n < sizeof p->b) p->b[p->n++] = (unsigned char)(v | 0x80), v >>= 7;
    if (p->n < sizeof p->b) p->b[p->n++] = (unsigned char)v;
}

static void pb_key(pb *p, int field, int wire) { pb_varint(p, (uint64_t)field << 3 | (uint64_t)wire); }

static void pb_bytes(pb *p, int field, const void *data, size_t n) {
    pb_key(p, field, 2);
    pb_varint(p, n);
    if (p->n + n <= sizeof p->b) memcpy(p->b + p->n, data, n), p->n += n;
}

static void pb_fixed(pb *p, int field, const void *le, size_t n, int wire) {
    pb_key(p, field, wire);
    if (p->n + n <= sizeof p->b) memcpy(p->b + p->n, le, n), p->n += n;
}

/* x86 and aarch64 are little-endian, which protobuf's fixed fields are. */
static void pb_double(pb *p, int field, double v) { pb_fixed(p, field, &v, 8, 1); }
static void pb_float(pb *p, int field, float v) { pb_fixed(p, field, &v, 4, 5); }

/* ------------------------------------------------------------------ records */

static int write_record(ps_tb *tb, const pb *data, ps_error *err) {
    uint64_t len = data->n;
    uint32_t len_crc = ps_tb_mask_crc(ps_crc32c(&len, 8)), data_crc = ps_tb_mask_crc(ps_crc32c(data->b, data->n));
    if (fwrite(&len, 8, 1, tb->fp) != 1 || fwrite(&len_crc, 4, 1, tb->fp) != 1 ||
        fwrite(data->b, 1, data->n, tb->fp) != data->n || fwrite(&data_crc, 4, 1, tb->fp) != 1 || fflush(tb->fp) != 0)
        return ps_error_set(err, "%s: write failed: %s", tb->path, strerror(errno));
    return PS_OK;
}

int ps_tb_open(ps_tb *tb, const char *dir, ps_error *err) {
    memset(tb, 0, sizeof *tb);
    if (ps_mkdirs(dir, err) != PS_OK) return PS_ERR;
    char host[64] = "localhost";
    gethostname(host, sizeof host - 1);
    snprintf(tb->path, sizeof tb->path, "%s/events.out.tfevents.%lld.%s", dir, (long long)time(NULL), host);
    tb->fp = fopen(tb->path, "ab");
    if (!tb->fp) return ps_error_set(err, "%s: cannot create: %s", tb->path, strerror(errno));
    pb ev = {{0}, 0};
    pb_double(&ev, 1, (double)time(NULL));
    pb_bytes(&ev, 3, "brain.Event:2", 13); /* Event.file_version */
    return write_record(tb, &ev, err);
}

int ps_tb_scalar(ps_tb *tb, const char *tag, int64_t step, double value, double wall, ps_error *err) {
    pb val = {{0}, 0}, sum = {{0}, 0}, ev = {{0}, 0};
    pb_bytes(&val, 1, tag, strlen(tag) < 256 ? strlen(tag) : 255); /* Summary.Value.tag */
    pb_float(&val, 2, (float)value);                               /* Summary.Value.simple_value */
    pb_bytes(&sum, 1, val.b, val.n);                               /* Summary.value */
    pb_double(&ev, 1, wall);                                       /* Event.wall_time */
    pb_key(&ev, 2, 0);                                             /* Event.step */
    pb_varint(&ev, (uint64_t)step);
    pb_bytes(&ev, 5, sum.b, sum.n); /* Event.summary */
    return write_record(tb, &ev, err);
}

void ps_tb_close(ps_tb *tb) {
    if (tb->fp) fclose(tb->fp);
    tb->fp = NULL;
}
