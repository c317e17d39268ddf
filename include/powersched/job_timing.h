/* job_timing.h - when one waiting job should start, from the prices a
 * policy sees: the 24-hour window, repeated day after day beyond its end
 * (the best guess of the hours after it). A job of d hours started s hours
 * later than now skips the window's first s hours and runs s more at its
 * end, so under that guess its cost changes by
 *     sum_{t<s} (w[now + d + t] - w[now + t])   (indices mod 24)
 * which depends on d only through d mod 24: a job of whole days gains
 * nothing by waiting, a short one gains most. The rule holds a job when
 * some start within its slack and the window is cheaper than now by more
 * than hold_price (EUR/MWh) per hour of the wait: a price on waiting.
 *
 * It is what `--policy job-timing` (heuristics.h) and the env's timed
 * scheduling (ps_action.timed) share, so the policy's node plan and the
 * jobs the env starts agree. Beyond the reference; nothing uses it unless
 * asked. */
#ifndef POWERSCHED_JOB_TIMING_H
#define POWERSCHED_JOB_TIMING_H

#include "powersched/config.h"

/* Hours a job may be held without the guard, as the price heuristics. */
#define PS_JOB_TIMING_MAX_WAIT 24

/* window: the PS_PRICE_WINDOW prices the policy saw; now: the index of the
 * hour being decided (1 with the reference's billing, whose window[0] was
 * billed; 0 with decision-hour billing). slack: hours the job may still
 * wait (<= 0: it starts now). Starts considered: now + 1 .. now + slack,
 * within the window. Returns 1 to hold the job this hour. */
int ps_job_timing_hold(const float *window, int now, int duration, int slack, double hold_price);

/* ps_action.timed's levels: timed k (1..PS_TIMED_LEVELS) applies the rule
 * at hold_price times the k-th of 1, 0, 0.5, 1.5, 2, 3, so timed 1 is the
 * job-timing policy's own and the others let a learned policy (train
 * --action timing-levels) hold more or less eagerly hour by hour. */
#define PS_TIMED_LEVELS 6
double ps_timed_hold_price(int timed, double hold_price);

#endif
