/* tensorboard.h - TensorBoard event files without TensorFlow: TFRecord
 * framing (little-endian length, masked CRC-32C of the length and of the
 * data) around hand-encoded Event protocol buffers holding scalar summaries.
 * TensorBoard, tensorboardX readers and tf.data read these files, so runs of
 * the prototype (SB3's logger) and of powersched can be overlaid.
 *
 * Ownership: ps_tb_open/ps_tb_close. Each scalar is flushed as written, so a
 * killed run keeps every complete record (readers skip a torn last one). */
#ifndef POWERSCHED_TENSORBOARD_H
#define POWERSCHED_TENSORBOARD_H

#include <stdint.h>
#include <stdio.h>

#include "powersched/error.h"

typedef struct ps_tb {
    FILE *fp;
    char path[4200];
} ps_tb;

/* Creates dir (and parents) and dir/events.out.tfevents.<seconds>.<host>,
 * starting with the file_version record "brain.Event:2". */
int ps_tb_open(ps_tb *tb, const char *dir, ps_error *err);
/* One scalar: tag, global step, value, at wall time `wall` (seconds). */
int ps_tb_scalar(ps_tb *tb, const char *tag, int64_t step, double value, double wall, ps_error *err);
void ps_tb_close(ps_tb *tb);

/* CRC-32C (Castagnoli) and TFRecord's masking of it. */
uint32_t ps_crc32c(const void *data, size_t n);
uint32_t ps_tb_mask_crc(uint32_t crc);

#endif
