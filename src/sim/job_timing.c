/* job_timing.c - the rule of job_timing.h. */
#include "powersched/job_timing.h"

int ps_job_timing_hold(const float *window, int now, int duration, int slack, double hold_price) {
    if (duration < 1) return 0;
    int last = PS_PRICE_WINDOW - 1 - now, shift = duration % PS_PRICE_WINDOW;
    if (slack < last) last = slack;
    double change = 0.0; /* starting s hours later less starting now: EUR/MWh summed over the hours moved */
    for (int s = 1; s <= last; s++) {
        int t = now + s - 1;
        change += (double)window[(t + shift) % PS_PRICE_WINDOW] - (double)window[t];
        if (change + hold_price * s < 0.0) return 1;
    }
    return 0;
}

double ps_timed_hold_price(int timed, double hold_price) {
    static const double scale[PS_TIMED_LEVELS] = {1.0, 0.0, 0.5, 1.5, 2.0, 3.0};
    return timed >= 1 && timed <= PS_TIMED_LEVELS ? hold_price * scale[timed - 1] : hold_price;
}
