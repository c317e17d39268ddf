#!/bin/sh
# `powersched analyze arrival-scale|lambda|seed` end to end on data we write:
# one tiny model, each sweep's summary.csv/json and trendline plots, the
# point values (scale 1.0 always included, lists sorted and de-duplicated),
# consistency with evaluate-savings at the same point, and errors.
# usage: analyze_test.sh POWERSCHED OUT_DIR
set -u
ps=$1 out=$2
rm -rf "$out" && mkdir -p "$out" && cd "$out" || exit 2
fails=0 n=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
check() { n=$((n + 1)); "$@" || fail "$*"; }

awk 'BEGIN { print "Date,Price"; for (h = 0; h < 48; h++) printf "2024-01-%02dT%02d:00,%.2f\n", 1 + int(h / 24), h % 24, 50 + 30 * sin(h / 4) }' > prices.csv
{
    echo "JobID User Partition Submit Start End ElapsedRaw NCPUS NNodes"
    echo "----- ---- --------- ------ ----- --- ---------- ----- ------"
    awk 'BEGIN { for (i = 0; i < 200; i++) printf "%d u p 2024-01-%02dT%02d:%02d:00 x y %d %d 1\n", i, 1 + int(i / 50), int(i / 4) % 24, i % 60, 900 + 3600 * (i % 5), 4 * (1 + i % 24) }'
} > jobs.log
w="--efficiency-weight 0.7 --price-weight 0.2 --idle-weight 0.1 --job-age-weight 0"
"$ps" train --session m --iteration-steps 64 --iter-limit 1 --seed 4 --net-arch 8 --prices prices.csv \
    --jobs jobs.log --jobs-exact-replay $w > train.out 2>&1 || fail "train: $(tail -2 train.out)"

"$ps" analyze arrival-scale --session m $w --jobs jobs.log --prices prices.csv --scales 2,0.5,2 --eval-months 0.5 \
    --out-dir scale > scale.out 2>&1 || fail "analyze arrival-scale: $(tail -3 scale.out)"
check test -f scale/summary.csv
check test "$(grep -c '^exact_replay_aggregate,' scale/summary.csv)" -eq 3 # 0.5, 1, 2
check test "$(grep -c '^sampling,' scale/summary.csv)" -eq 3
n=$((n + 1))
cut -d, -f2 scale/summary.csv | sed -n '2,4p' | tr '\n' ' ' | grep -q '^0.500000 1.000000 2.000000 $' || fail "scale points: $(cut -d, -f2 scale/summary.csv | tr '\n' ' ')"
check grep -q '"points"' scale/summary.json
check grep -q '"per_episode"' scale/summary.json
check test -f scale/trendlines_sampling.gp
# The yardsticks at every point: 7 policies x 6 points, and their savings printed.
check test "$(grep -c '^exact_replay_aggregate,1,price-aware,' scale/compare.csv)" -eq 1
check test "$(($(wc -l < scale/compare.csv) - 1))" -eq 42
check grep -q 'saving vs baseline_off: always-on' scale.out
# --output-dir: the session is looked up there, as train put it
mkdir -p od && mv sessions od/runs
"$ps" analyze arrival-scale --session m $w --jobs jobs.log --prices prices.csv --scales 1 --eval-months 0.5 \
    --sampler --compare none --output-dir od/runs --out-dir od/scale > od.out 2>&1 || fail "analyze --output-dir: $(tail -3 od.out)"
check test -f od/scale/summary.csv
mv od/runs sessions
# The replay point at scale 1 equals evaluate-savings with the same data (aggregate replay).
"$ps" evaluate-savings --session m $w --jobs jobs.log --jobs-exact-replay --jobs-exact-replay-aggregate \
    --prices prices.csv --eval-months 0.5 > eval.out 2>&1 || fail "evaluate: $(tail -2 eval.out)"
sav=$(sed -n 's/^  Episode 1: .*Savings=€\([-0-9]*\)\/.*/\1/p' eval.out)
col=$(head -1 scale/summary.csv | tr ',' '\n' | grep -n '^eval_savings$' | cut -d: -f1)
got=$(awk -F, -v c="$col" '$1 == "exact_replay_aggregate" && $2 == "1.000000" { printf "%.0f", $c }' scale/summary.csv)
n=$((n + 1))
[ -n "$sav" ] && [ "$sav" = "$got" ] || fail "scale 1.0 savings $got, evaluate-savings says $sav"
if command -v gnuplot > /dev/null 2>&1; then
    check test -s scale/trendlines_exact_replay_aggregate.png
fi

"$ps" analyze seed --session m $w --hourly-jobs jobs.log --prices prices.csv --seeds 3,1 --eval-months 0.5 \
    --out-dir seed > seed.out 2>&1 || fail "analyze seed: $(tail -3 seed.out)"
check test "$(grep -c '^sampling,' seed/summary.csv)" -eq 2
check grep -q '^mode,seed,policy,' seed/compare.csv
"$ps" analyze lambda --session m $w --prices prices.csv --lambdas 5,20 --wg-max-jobs-hour 100 --eval-months 0.5 \
    --out-dir lambda > lambda.out 2>&1 || fail "analyze lambda: $(tail -3 lambda.out)"
check test "$(grep -c '^poisson,' lambda/summary.csv)" -eq 2
check grep -q 'poisson .* 20.0000' lambda.out

expect() { want=$1; shift; n=$((n + 1)); "$ps" analyze "$@" > bad.out 2>&1; [ $? -eq "$want" ] || fail "analyze $* -> want $want: $(tail -2 bad.out)"; }
expect 2 bogus
expect 2 arrival-scale --session m
expect 2 seed --session m
expect 2 arrival-scale --jobs jobs.log
expect 1 arrival-scale --session nosuch --jobs jobs.log
expect 2 arrival-scale --session m $w --jobs jobs.log --scales 1,x
echo "analyze: $n checks, $fails failed"
[ "$fails" -eq 0 ]
