/* fuzz_peek.h - the checkpoint side shared by fuzz_checkpoint and
 * fuzz_config: ps_checkpoint_peek (src/rl/checkpoint.c, compiled into the
 * target; its torch-using functions are dropped by the linker's
 * --gc-sections, so no libtorch is linked) on a file, and what a peek that
 * succeeded must hold: a buildable network (1..PS_MAX_HIDDEN positive
 * layer widths, positive obs_dim and action sizes), a finite entropy
 * coefficient and reward weights, non-negative counters. */
#ifndef POWERSCHED_FUZZ_PEEK_H
#define POWERSCHED_FUZZ_PEEK_H

void fuzz_peek(const char *path);

#endif
