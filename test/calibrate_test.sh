#!/bin/sh
# workloadgen calibrate end to end: logs whose hourly statistics are known by
# hand -> the exact flags line, which `simulate --episodes 1` must accept (and
# obey: a flat 3 jobs/h brings 3 x 336 jobs); --mode, --flags-only,
# --parsable2 input; bad input -> a message naming the file, non-zero exit.
# The real GPU log (../shared/data) is calibrated too when present.
# usage: calibrate_test.sh POWERSCHED SHARED_DIR OUT_DIR
set -u
ps=$1 shared=$2 out=$3
mkdir -p "$out"
fails=0 n=0

# shellcheck source=expect.sh
. "$(dirname "$0")/expect.sh"

# has PATTERN...: patterns in the output of the last expect.
has() {
    for pat in "$@"; do
        n=$((n + 1))
        if ! grep -q -e "$pat" "$out/stdout"; then
            fails=$((fails + 1))
            echo "FAIL: pattern '$pat' not in the output"
        fi
    done
}

# simulate_with LOG [calibrate options]: the printed line must run an episode.
simulate_with() {
    log=$1
    shift
    line=$("$ps" workloadgen calibrate --flags-only "$@" "$log")
    # shellcheck disable=SC2086
    expect 0 'Total over 1 episodes' "$ps" simulate --episodes 1 $line
}

header='JobID User Partition Submit Start End ElapsedRaw NCPUS NNodes'

# 48 hours of exactly 3 jobs of 2 h, 1 node x 4 cores: flat, with no jitter.
{
    echo "$header"
    echo '-----'
    h=0
    while [ $h -lt 48 ]; do
        for k in 1 2 3; do
            printf '%d u1 gpu 2025-01-%02dT%02d:1%d:00 Unknown Unknown 7200 4 1\n' $((h * 3 + k)) $((h / 24 + 1)) $((h % 24)) $k
        done
        h=$((h + 1))
    done
} > "$out/constant.log"
flat='--workload-gen flat --wg-flat-targets4 3,2,1,4 --wg-flat-jitters4 0,0,0,0 --wg-uniform-ranges4 0:1500,2:2,1:1,4:4'
expect 0 'logs: 1 file(s), 144 jobs in 48 hours (2025-01-01 00:00 .. 2025-01-02 23:00 UTC' "$ps" workloadgen calibrate "$out/constant.log"
has '^mode: flat (the best fit: its worst KS distance over the six statistics below is 0.000' "^$flat\$" \
    'KS distance .*: jobs/hour 0.000, .* cores per node 0.000' '^  jobs/hour                48       3.00       0.00' \
    '^    generated  *480       3.00       0.00'
line=$("$ps" workloadgen calibrate --flags-only "$out/constant.log")
n=$((n + 1))
[ "$line" = "$flat" ] || { fails=$((fails + 1)); echo "FAIL: --flags-only printed '$line'"; }
# shellcheck disable=SC2086
expect 0 'Jobs=[0-9]*/1008,' "$ps" simulate --episodes 1 $line

# Hours 0..4 with 1, 3, 0, 4, 2 jobs (mean 2, variance 2), as --parsable2 with
# the columns in another order and a job-step row.
{
    echo 'Submit|NNodes|ElapsedRaw|JobID|NCPUS'
    for hc in 0:1 1:3 3:4 4:2; do
        h=${hc%:*} c=${hc#*:} k=0
        while [ $k -lt "$c" ]; do
            printf '2025-03-01T%02d:2%d:00|1|7200|%d%d|4\n' "$h" "$k" "$h" "$k"
            k=$((k + 1))
        done
    done
    echo '2025-03-01T01:30:00|1|60|10.batch|4'
} > "$out/counts.log"
expect 0 'logs: 1 file(s), 10 jobs in 5 hours' "$ps" workloadgen calibrate --mode poisson "$out/counts.log"
has 'job-step rows skipped: 1' '^mode: poisson (forced by --mode' \
    '^--workload-gen poisson --wg-poisson-lambdas4 2,2,1,4 --wg-uniform-ranges4 0:1500,2:2,1:1,4:4$'
expect 0 '^--workload-gen flat --wg-flat-targets4 2,2,1,4 --wg-flat-jitters4 2,0,0,0 ' \
    "$ps" workloadgen calibrate --mode flat "$out/counts.log"
expect 0 '^--workload-gen uniform --wg-uniform-ranges4 0:4,2:2,1:1,4:4$' "$ps" workloadgen calibrate --mode=uniform "$out/counts.log"
for m in poisson flat uniform; do simulate_with "$out/counts.log" --mode $m; done
# two logs share one timeline: 144 + 10 jobs, 48 + 5 hours (the gap between them skipped)
expect 0 'logs: 2 file(s), 154 jobs in 53 hours (2025-01-01 00:00 .. 2025-03-01 04:00 UTC' \
    "$ps" workloadgen calibrate "$out/constant.log" --seed 5 "$out/counts.log"

# --- bad input
expect 0 'usage: powersched workloadgen calibrate LOG' "$ps" workloadgen calibrate --help
expect 0 'calibrate LOG' "$ps" workloadgen --help
expect 1 "calibrate: /nonexistent/x.log: cannot open job log" "$ps" workloadgen calibrate /nonexistent/x.log
: > "$out/empty.log"
expect 1 "calibrate: $out/empty.log: no job rows" "$ps" workloadgen calibrate "$out/empty.log"
printf '%s\n-----\n' "$header" > "$out/header_only.log"
expect 1 "calibrate: $out/header_only.log: no job rows" "$ps" workloadgen calibrate "$out/constant.log" "$out/header_only.log"
printf '%s\n-----\n1 u gpu yesterday x y 60 4 1\n' "$header" > "$out/bad_time.log"
expect 1 "$out/bad_time.log:3: Submit 'yesterday'" "$ps" workloadgen calibrate "$out/bad_time.log"
expect 2 'no log given' "$ps" workloadgen calibrate
expect 2 "--mode: 'gaussian' is not poisson, flat or uniform" "$ps" workloadgen calibrate --mode gaussian "$out/constant.log"
expect 2 "unknown option '--bogus'" "$ps" workloadgen calibrate --bogus "$out/constant.log"
expect 2 "expected the subcommand 'inspect' or 'calibrate'" "$ps" workloadgen calibrat

# --- the real GPU log (spec 17.2): 3319 jobs in 788 hours, its line must run
gpu=$shared/data/allusers-gpu-30.log
if [ -f "$gpu" ]; then
    expect 0 'logs: 1 file(s), 3319 jobs in 788 hours' "$ps" workloadgen calibrate "$gpu"
    has '2 burst hour(s) (0.254 %), 2804 jobs above their hourly median 0' '^--workload-gen .* --wg-burst-small-prob 0.00889594$'
    simulate_with "$gpu"
    simulate_with "$gpu" --no-bursts --mode uniform
else
    echo "skipped the real-log part: $gpu is absent"
fi

echo "calibrate_test: $n checks, $fails failed"
[ "$fails" -eq 0 ]
