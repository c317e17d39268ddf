#!/bin/sh
# The command line: help texts, and bad input -> one clear message on stderr,
# non-zero exit, no crash, no half-written output file.
# usage: cli_test.sh POWERSCHED FIXTURES_DIR SHARED_DIR OUT_DIR
set -u
ps=$1 out=$4
mkdir -p "$out"
fails=0 n=0

# shellcheck source=expect.sh
. "$(dirname "$0")/expect.sh"

printf 'JobID User Partition Submit Start End ElapsedRaw NCPUS NNodes\n----\n1 u gpu 2025-04-13T16:35:12 x y 7200 4 1\n2 u gpu 2025-04-13T17:35:12 x y 60 8 2\n' > "$out/tiny.log"

# --- help and the command table
expect 0 'commands:' "$ps" --help
expect 0 'simulate' "$ps" --help
expect 2 'usage: powersched' "$ps"
expect 2 "unknown command 'frobnicate'" "$ps" frobnicate
for cmd in simulate checkenv sanity 'workloadgen inspect'; do
    # shellcheck disable=SC2086
    expect 0 '(default: ' "$ps" $cmd --help
    # shellcheck disable=SC2086
    expect 2 "unknown option '--bogus'" "$ps" $cmd --bogus
done
expect 0 '--policy P .*(default: always-on)' "$ps" simulate --help
expect 0 '--episodes N .*(default: 1)' "$ps" simulate --help
expect 0 '--job-arrival-scale X .*(default: 1)' "$ps" simulate --help
expect 0 '--efficiency-weight W .*(default: 0.7)' "$ps" simulate --help
expect 0 '--steps N .*(default: 500)' "$ps" sanity --help

# --- bad flag values
expect 2 "--episodes: 'x' is not an integer" "$ps" simulate --episodes x
expect 2 '--episodes: 0 is outside' "$ps" simulate --episodes 0
expect 2 "--job-arrival-scale: '-1' is not a finite number\|--job-arrival-scale: -1 is outside" "$ps" simulate --job-arrival-scale -1
expect 2 "--job-arrival-scale: 'nan' is not a finite number" "$ps" simulate --job-arrival-scale nan
expect 2 '--seed needs a value' "$ps" simulate --seed
expect 2 "--seed: '-3' is not a non-negative integer" "$ps" simulate --seed -3
expect 2 '--jobs-exact-replay requires --jobs' "$ps" simulate --jobs-exact-replay
expect 2 '--jobs-exact-replay-aggregate requires --jobs-exact-replay' "$ps" simulate --jobs x --jobs-exact-replay-aggregate
expect 2 "--policy: 'greedy' is not always-on, random, slurm-suspend, price-threshold, price-aware, job-timing or actions:FILE" "$ps" simulate --policy greedy
expect 2 'takes no value' "$ps" sanity --check-determinism=yes

# --- workload generator flags (spec 9.5) and source precedence (spec 2.4)
expect 2 "--workload-gen: 'gaussian' is not flat, poisson or uniform" "$ps" simulate --workload-gen gaussian
expect 2 '--wg-poisson-lambda: -5 is outside' "$ps" simulate --workload-gen poisson --wg-poisson-lambda -5
expect 2 "--wg-poisson-lambdas4: expected 4 comma-separated values, got 3" "$ps" simulate --workload-gen poisson --wg-poisson-lambdas4 1,2,3
expect 2 "--wg-poisson-lambdas4: 'x' is not a finite number" "$ps" simulate --workload-gen poisson --wg-poisson-lambdas4 '1, 2, x, 4'
expect 2 '--wg-poisson-lambdas4: lambda -2 is negative' "$ps" simulate --workload-gen poisson --wg-poisson-lambdas4 1,-2,3,4
expect 2 "--wg-flat-targets4: '1.5' is not an integer" "$ps" simulate --workload-gen flat --wg-flat-targets4 10,1.5,2,3
expect 2 "--wg-uniform-ranges4: range 5:1 has min > max" "$ps" simulate --workload-gen uniform --wg-uniform-ranges4 0:10,5:1,1:2,1:4
expect 2 "--wg-uniform-ranges4: '1-2' is not a range min:max" "$ps" simulate --workload-gen uniform --wg-uniform-ranges4 0:10,1-2,1:2,1:4
expect 2 'nodes range 1..40 outside what the cluster can run' "$ps" simulate --workload-gen uniform --wg-uniform-ranges4 0:10,1:2,1:40,1:4
expect 2 '--wg-burst-small-prob: 1.5 is outside' "$ps" simulate --workload-gen poisson --wg-burst-small-prob 1.5
expect 0 'warning: --hourly-jobs takes precedence over --workload-gen' "$ps" simulate --workload-gen flat --hourly-jobs "$out/tiny.log"
expect 0 'warning: --job-arrival-scale is forced to 1.0 with --workload-gen' "$ps" simulate --workload-gen flat --wg-flat-jobs-hour 5 --job-arrival-scale 2
expect 0 'Job source: workload generator, flat' "$ps" simulate --workload-gen flat --wg-flat-jobs-hour 5
expect 0 'warning: --workload-gen takes precedence over --jobs' "$ps" simulate --workload-gen flat --wg-flat-jobs-hour 5 --jobs "$out/tiny.log"
expect 0 'warning: --jobs takes precedence over --hourly-jobs' "$ps" simulate --jobs "$out/tiny.log" --hourly-jobs "$out/tiny.log"

# --- workloadgen inspect
expect 0 '--hours N .*(default: 336)' "$ps" workloadgen inspect --help
expect 2 "expected the subcommand 'inspect'" "$ps" workloadgen
expect 2 'nothing to inspect' "$ps" workloadgen inspect
expect 0 'determinism: digest [0-9a-f]*; same seed: identical job by job; seed 124: differs' \
    "$ps" workloadgen inspect --workload-gen poisson --wg-poisson-lambda 20 --hours 100
expect 0 'jobs/hour .* 100 ' "$ps" workloadgen inspect --workload-gen flat --wg-flat-jobs-hour 7 --hours 100
expect 0 'burst hours: n/a' "$ps" workloadgen inspect --hourly-jobs "$out/tiny.log" --hours 48
expect 1 'nolog.txt: cannot open job log' "$ps" workloadgen inspect --hourly-jobs "$out/nolog.txt"
rm -rf "$out/plots" "$out/plots-nognuplot"
expect 0 'gnuplot not found: wrote .*render with: cd ' \
    env PATH=/nonexistent "$ps" workloadgen inspect --workload-gen uniform --hours 24 --plot --out "$out/plots-nognuplot"
n=$((n + 1))
if ! ls "$out"/plots-nognuplot/*.gp > /dev/null 2>&1 || ls "$out"/plots-nognuplot/*.png > /dev/null 2>&1; then
    echo "FAIL: without gnuplot the script should be written and no PNG"; fails=$((fails + 1))
fi
if command -v gnuplot > /dev/null 2>&1; then
    expect 0 'plot: .*\.png' "$ps" workloadgen inspect --workload-gen poisson --hours 48 --plot --out "$out/plots"
    n=$((n + 1))
    png=$(ls "$out"/plots/*.png 2>/dev/null | head -1)
    if [ -z "$png" ] || [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' ')" != 89504e470d0a1a0a ] || [ "$(wc -c < "$png")" -lt 20000 ]; then
        echo "FAIL: no valid PNG of non-trivial size in $out/plots"; fails=$((fails + 1))
    fi
else
    echo "note: gnuplot not installed, PNG rendering not checked"
fi

# --- bad price files
expect 1 'missing.csv: cannot open price file' "$ps" simulate --prices "$out/missing.csv"
: > "$out/empty.csv"
expect 1 'empty.csv: no price rows' "$ps" simulate --prices "$out/empty.csv"
printf 'Date,Price\n' > "$out/header.csv"
expect 1 'header.csv: no price rows' "$ps" simulate --prices "$out/header.csv"
printf 'Date,Price\n2023-01-01T00:00,10\n2023-01-01T01:00,abc\n' > "$out/garbled.csv"
expect 1 "garbled.csv:3: price 'abc' is not a number" "$ps" simulate --prices "$out/garbled.csv"
printf 'Date,Price\n2023-01-01T00:00,nan\n' > "$out/nan.csv"
expect 1 "nan.csv:2: price 'nan' is not a number" "$ps" simulate --prices "$out/nan.csv"
printf 'Date,Price\n2023-01-01T00:00 12.5\n' > "$out/nocomma.csv"
expect 1 'nocomma.csv:2: expected' "$ps" simulate --prices "$out/nocomma.csv"
printf '2023-01-01T00:00,12.5\n' > "$out/noheader.csv"
expect 1 'noheader.csv:1: expected a header line' "$ps" simulate --prices "$out/noheader.csv"

# --- price files read by time: 15-minute rows averaged, gaps refused or filled
python3 -c "
print('Date;Price')
for q in range(4 * 48): print(f'2025-10-{1 + q // 96:02d} {q // 4 % 24:02d}:{q % 4 * 15:02d};{q},5')" > "$out/quarter.csv"
expect 0 'Price file: 192 rows, up to 4 per hour, averaged to hourly prices' "$ps" simulate --episodes 1 --prices "$out/quarter.csv"
printf 'Date,Price\n2023-01-01T00:00Z,1\n2023-01-01T02:00Z,2\n' > "$out/gap.csv"
expect 1 'gap.csv:3: no price for the hour of 2023-01-01 01:00 UTC' "$ps" simulate --prices "$out/gap.csv"
expect 2 "--price-gaps: 'maybe' is not" "$ps" simulate --prices "$out/gap.csv" --price-gaps maybe

# --- an SWF trace wherever a sacct log goes; analyze lambda refuses job logs it would ignore
printf '; UnixStartTime: 1704067200\n1 0 5 3600 96 -1 -1 96 7200 -1 1 1 1 1 1 1 -1 -1\n4 3700 0 -1 8 -1 -1 8 100 -1 5 3 1 1 1 1 -1 -1\n' > "$out/t.swf"
expect 0 'Job log rows left out: 1' "$ps" simulate --episodes 1 --jobs-swf "$out/t.swf"
expect 0 'Hourly sampler from .*t.swf: 1 dates' "$ps" simulate --episodes 1 --hourly-jobs "$out/t.swf"
expect 2 '--jobs and --jobs-swf: give one of them' "$ps" simulate --jobs "$out/tiny.log" --jobs-swf "$out/t.swf"
expect 2 'analyze lambda sweeps the workload generator' "$ps" analyze lambda --session s --jobs "$out/tiny.log"

# --- bad job logs and durations files
expect 1 'nolog.txt: cannot open job log' "$ps" simulate --jobs "$out/nolog.txt"
printf 'JobID User Partition Submit Start End ElapsedRaw NCPUS NNodes\n----\n1 u gpu 2025-04-13T16:35:12 x y 60 4\n' > "$out/short.log"
expect 1 'short.log:3: expected 9 fields' "$ps" simulate --jobs "$out/short.log"
printf 'JobID User Partition Submit Start End ElapsedRaw NCPUS NNodes\n----\n1 u gpu 2025-13-13T16:35:12 x y 60 4 1\n' > "$out/month.log"
expect 1 "month.log:3: Submit '2025-13-13T16:35:12'" "$ps" simulate --jobs "$out/month.log"
printf 'JobID User Partition Submit Start End ElapsedRaw NCPUS NNodes\n----\n1 u gpu 2025-04-13T16:35:12 x y -60 4 1\n' > "$out/neg.log"
expect 1 "neg.log:3: ElapsedRaw '-60'" "$ps" simulate --jobs "$out/neg.log"
expect 1 'nodur.txt: cannot open durations file' "$ps" simulate --job-durations "$out/nodur.txt"
printf '01:xx:00\n' > "$out/baddur.txt"
expect 1 "baddur.txt:1: '01:xx:00' is not a" "$ps" simulate --job-durations "$out/baddur.txt"

# --- actions files
printf '0,0,0\n3,0,0\n' > "$out/badaction.csv"
expect 2 'badaction.csv:2: invalid action \[3, 0, 0\]: expected type 0..2' "$ps" simulate --policy "actions:$out/badaction.csv"
printf '0,0\n' > "$out/twoaction.csv"
expect 2 "twoaction.csv:1: expected three or four integers" "$ps" simulate --policy "actions:$out/twoaction.csv"
printf '1,0,1\n' > "$out/oneaction.csv"
expect 1 'oneaction.csv has 1 actions; 1 episode(s) need 336' "$ps" simulate --policy "actions:$out/oneaction.csv" --trace "$out/never.csv"
n=$((n + 1))
if ls "$out"/never.csv* > /dev/null 2>&1; then echo "FAIL: a failed run left a trace file"; fails=$((fails + 1)); fi
expect 1 'cannot create file' "$ps" simulate --trace "$out/no/such/dir/trace.csv"

# --- the happy paths print what they promise
expect 0 'Episode 1: Agent Cost=' "$ps" simulate
expect 0 'Episode 2: Agent Cost=' "$ps" simulate --policy random --episodes 2 --seed 5 --trace "$out/trace.csv"
n=$((n + 1))
rows=$(wc -l < "$out/trace.csv")
[ "$rows" -eq 673 ] || { echo "FAIL: trace has $rows lines, want 673"; fails=$((fails + 1)); }
# same seed + same actions => bit-identical traces; another seed differs
expect 0 'Episode 1:' "$ps" simulate --policy random --seed 7 --trace "$out/seed7a.csv"
expect 0 'Episode 1:' "$ps" simulate --policy random --seed 7 --trace "$out/seed7b.csv"
expect 0 'Episode 1:' "$ps" simulate --policy random --seed 8 --trace "$out/seed8.csv"
n=$((n + 2))
cmp -s "$out/seed7a.csv" "$out/seed7b.csv" || { echo "FAIL: two runs with seed 7 differ"; fails=$((fails + 1)); }
cmp -s "$out/seed7a.csv" "$out/seed8.csv" && { echo "FAIL: seeds 7 and 8 give the same trace"; fails=$((fails + 1)); }
expect 0 'checkenv: all checks passed' "$ps" checkenv --steps 400
expect 0 'determinism: two runs identical over 300 steps' "$ps" sanity --steps 300 --check-determinism

expect 0 "seed of the env's random streams (default: random, printed at the start)" "$ps" train --help

# --- issue 13's reproductions: each ends with a clear error (or does the right thing), within seconds
python3 -c "print('JobID User Partition Submit Start End ElapsedRaw NCPUS NNodes\n--');[print(f'{i} u cpu 2024-01-01T00:{i%60:02d}:00 x x 3600 4 1') for i in range(2200)]" > "$out/burst.log"
expect 1 'hour 1 brings more than 1000000 new jobs' timeout 10 "$ps" simulate --episodes 1 --jobs "$out/burst.log" --jobs-exact-replay --job-arrival-scale 1e6
expect 2 'arrival scale 1e+09 is above 1e+06' timeout 10 "$ps" analyze arrival-scale --session s --jobs "$out/burst.log" --scales 1e9
printf 'JobID User Partition Submit Start End ElapsedRaw NCPUS NNodes\n--\n1 u gpu 2024-01-01T00:00:00 x y 1099511627776 4 1\n' > "$out/elapsed.log"
expect 1 "elapsed.log:3: ElapsedRaw '1099511627776' is not a number of seconds" "$ps" simulate --hourly-jobs "$out/elapsed.log"
expect 2 'duration range 1..2147483647 outside what the cluster can run' "$ps" simulate --workload-gen uniform --wg-uniform-ranges4 1:2,1:2147483647,1:16,1:96
expect 1 '/dev/zero:1: a NUL byte' timeout 10 "$ps" simulate --prices /dev/zero
expect 2 '/dev/zero:1: a NUL byte' timeout 10 "$ps" simulate --policy actions:/dev/zero
expect 2 "not a name (one folder name" "$ps" evaluate-savings --session ..
expect 2 "not a name (one folder name" "$ps" train --session ..
printf 'x' > "$out/target.csv"
rm -f "$out/link.csv" && ln -s target.csv "$out/link.csv"
expect 0 'Episode 1:' "$ps" simulate --episodes 1 --trace "$out/link.csv"
n=$((n + 1))
[ -L "$out/link.csv" ] && [ "$(wc -l < "$out/target.csv")" -eq 337 ] ||
    { echo "FAIL: --trace through a symlink replaced the link or did not write its target"; fails=$((fails + 1)); }

echo "cli: $n checks, $fails failed"
[ "$fails" -eq 0 ]
