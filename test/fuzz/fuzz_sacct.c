/* fuzz_sacct - the Slurm sacct log reader (ps_sacct_read) and the two
 * samplers built from a log: the jobs sampler (ps_jobs_sampler_create, one
 * replay pass in each mode, then the arrival scale) and the hourly sampler
 * (ps_hourly_create, every hour of the day, plain and scaled).
 * Checked: every job row read is a real calendar date and hour with counts in
 * range; one pass emits ps_jobs_sampler_pass_jobs jobs and ends where it
 * began; every job a sampler emits has a positive duration and at most 16
 * nodes of at most 96 cores (the jobs sampler: at least 1 of each). */
#include <math.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "powersched/workload.h"

static int days_in_month(int y, int m) {
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 ? 28 + leap : days[m - 1];
}

static void check_row(const ps_sacct_job *j, int i) {
    int y = j->date / 10000, m = j->date / 100 % 100, d = j->date % 100;
    FUZZ_CHECK(m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m), "job %d: Submit date %d is not a date", i,
               j->date);
    FUZZ_CHECK(j->hour >= 0 && j->hour <= 23, "job %d: hour %d", i, j->hour);
    FUZZ_CHECK(j->elapsed_s >= 0 && j->ncpus >= 0 && j->nnodes >= 0, "job %d: elapsed %lld, %d cpus, %d nodes", i,
               (long long)j->elapsed_s, j->ncpus, j->nnodes);
    FUZZ_CHECK(j->cores_per_node == (j->nnodes > 0 ? j->ncpus / j->nnodes : 0), "job %d: %d cores per node of %d/%d",
               i, j->cores_per_node, j->ncpus, j->nnodes);
    int64_t minutes = (j->elapsed_s + 59) / 60;
    FUZZ_CHECK(j->duration_min >= 1 && (minutes > INT32_MAX || j->duration_min == (minutes < 1 ? 1 : minutes)),
               "job %d: %d minutes for %lld s", i, j->duration_min, (long long)j->elapsed_s);
}

static void check_jobs(const ps_joblist *l, int from, int min_size, const char *what) {
    for (int i = from; i < l->n; i++) {
        const ps_job *j = &l->v[i];
        FUZZ_CHECK(j->duration >= 1 && j->age == 0 && j->nodes >= min_size && j->nodes <= PS_MAX_NODES_PER_JOB_LIMIT &&
                       j->cores >= min_size && j->cores <= 96,
                   "%s: job [%d, %d, %d, %d] out of range", what, j->duration, j->age, j->nodes, j->cores);
    }
}

static void jobs_sampler(const char *path) {
    ps_error err = {{0}};
    ps_jobs_sampler s;
    if (ps_jobs_sampler_create(&s, path, PS_REPLAY_TEMPLATES, &err) != PS_OK) {
        fuzz_check_error(&err, path);
        return;
    }
    FUZZ_CHECK(s.n_bins >= 2 && s.log.n >= 1, "a sampler of %d bins and %d jobs", s.n_bins, s.log.n);
    ps_joblist l = {0};
    ps_rng rng;
    ps_rng_seed(&rng, 7, PS_STREAM_ENV);
    /* The mode only changes what next and pass_jobs emit: one pass of each. */
    const ps_replay_mode modes[3] = {PS_REPLAY_TEMPLATES, PS_REPLAY_EXACT, PS_REPLAY_EXACT_AGGREGATE};
    for (int m = 0; m < 3; m++) {
        s.mode = modes[m];
        int pos = 0;
        int64_t emitted = 0;
        for (int b = 0; b < s.n_bins; b++) {
            l.n = 0;
            FUZZ_CHECK(ps_jobs_sampler_next(&s, &pos, &l) == 0, "next failed (mode %d, bin %d)", m, b);
            check_jobs(&l, 0, 1, "jobs sampler");
            emitted += l.n;
            int n = l.n;
            FUZZ_CHECK(ps_arrival_scale(&l, 0, 1.5, &rng) == 0, "arrival scale failed on %d jobs", n);
            FUZZ_CHECK(l.n >= n && l.n <= 2 * n, "arrival scale 1.5 made %d jobs of %d", l.n, n);
        }
        FUZZ_CHECK(pos == 0, "one pass of %d bins ended at %d", s.n_bins, pos);
        int64_t want = ps_jobs_sampler_pass_jobs(&s);
        FUZZ_CHECK(emitted == want, "mode %d: one pass emitted %lld jobs, pass_jobs says %lld", m, (long long)emitted,
                   (long long)want);
    }
    ps_joblist_free(&l);
    ps_jobs_sampler_free(&s);
}

static void hourly(const char *path) {
    ps_error err = {{0}};
    ps_hourly h;
    if (ps_hourly_create(&h, path, &err) != PS_OK) {
        fuzz_check_error(&err, path);
        return;
    }
    FUZZ_CHECK(h.n_dates >= 1, "%d dates", h.n_dates);
    ps_joblist l = {0};
    ps_rng rng;
    ps_rng_seed(&rng, 11, PS_STREAM_ENV);
    for (int hr = 0; hr < 24; hr++) {
        double e = ps_hourly_expected_jobs(&h, hr);
        FUZZ_CHECK(isfinite(e) && e >= 0, "hour %d: %g expected jobs", hr, e);
        l.n = 0;
        FUZZ_CHECK(ps_hourly_sample(&h, hr, &rng, &l) == 0, "hour %d: sample failed", hr);
        FUZZ_CHECK(ps_hourly_sample_scaled(&h, hr, 2.5, &rng, &l) == 0, "hour %d: scaled sample failed", hr);
        check_jobs(&l, 0, 0, "hourly sampler");
    }
    ps_joblist_free(&l);
    ps_hourly_free(&h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_file(0, data, size);
    ps_error err = {{0}};
    ps_sacct_log log;
    if (ps_sacct_read(path, &log, &err) != PS_OK) {
        fuzz_check_error(&err, path);
        return 0;
    }
    FUZZ_CHECK(log.n >= 1 && log.jobs, "success with %d jobs", log.n);
    for (int i = 0; i < log.n; i++) check_row(&log.jobs[i], i);
    ps_sacct_free(&log);
    jobs_sampler(path);
    hourly(path);
    return 0;
}
