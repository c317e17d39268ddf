/* civil_time.h - calendar dates and times of day to seconds since the epoch
 * (proleptic Gregorian, no time zone), shared by the job-log and price
 * readers so both refuse the same impossible dates (2024-02-30). */
#ifndef POWERSCHED_CIVIL_TIME_H
#define POWERSCHED_CIVIL_TIME_H

#include <stdint.h>

/* 0 and *out = seconds since 1970-01-01 00:00 for a valid date and time
 * (second 60 allowed for a leap second), else -1. */
int ps_civil_seconds(int64_t y, int mo, int d, int h, int mi, int s, int64_t *out);

#endif
