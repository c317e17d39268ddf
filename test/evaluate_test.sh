#!/bin/sh
# `powersched evaluate-savings` end to end on data we write: a 60-hour price
# series and a small sacct log replayed exactly.
#  - the always-on heuristic gives exactly simulate's episode records;
#  - a trained model's per-episode costs equal simulate replaying the
#    model's actions (taken from evaluate-savings --trace), and its baseline
#    columns equal the heuristic's (baselines do not depend on the model);
#  - outputs (CSV, JSON, plots) and the errors for missing session, missing
#    model, corrupted checkpoint and bad flags.
# usage: evaluate_test.sh POWERSCHED OUT_DIR
set -u
ps=$1 out=$2
rm -rf "$out" && mkdir -p "$out" && cd "$out" || exit 2
fails=0 n=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
check() { n=$((n + 1)); "$@" || fail "$*"; }

awk 'BEGIN { print "Date,Price"; for (h = 0; h < 60; h++) printf "2024-01-%02dT%02d:00+01:00,%.2f\n", 1 + int(h / 24), h % 24, 60 + 40 * sin(h / 3.8) - (h == 30 ? 90 : 0) }' > prices.csv
{
    echo "JobID User Partition Submit Start End ElapsedRaw NCPUS NNodes"
    echo "----- ---- --------- ------ ----- --- ---------- ----- ------"
    awk 'BEGIN { for (i = 0; i < 300; i++) printf "%d u p 2024-01-%02dT%02d:%02d:00 x y %d %d %d\n", i, 1 + int(i / 60), int(i / 5) % 24, i % 60, 600 + 1800 * (i % 7), 2 * (1 + i % 48), 1 + i % 3 }'
} > jobs.log
data="--prices prices.csv --jobs jobs.log --jobs-exact-replay"

# Heuristic: identical episode records to simulate.
"$ps" evaluate-savings --session h --policy always-on --eval-months 1 $data > heur.out 2>&1 || fail "evaluate always-on: $(tail -3 heur.out)"
"$ps" simulate --policy always-on --episodes 2 $data --oracle --episodes-csv sim_always.csv > /dev/null 2>&1
dir=$(echo sessions/h/plots-eval/malways-on_e0p7_p0p2_i0p1_ja0_in-*)
check test -f "$dir/episodes.csv"
check cmp -s "$dir/episodes.csv" sim_always.csv
check test -s "$dir/summary.json"
check grep -q '"total_savings_off"' "$dir/summary.json"
check grep -q '=== CUMULATIVE SAVINGS ANALYSIS ===' heur.out
check grep -q 'Annual Savings Rate: .*per 12 evaluation months of 28 days' heur.out
check grep -q 'Price timing:' heur.out
check grep -q '  Episode 2: Agent Cost=' heur.out
# The yardsticks on the same timeline: every heuristic row, oracle bounds.
check grep -q '=== POLICIES ON ONE TIMELINE' heur.out
check grep -q '^price-aware ' heur.out
check grep -q '^job-timing ' heur.out
check test "$(wc -l < "$dir/compare.csv")" -eq 7
check grep -q '"oracle_contiguous_cost"' "$dir/summary.json"
check grep -q 'ORACLE BOUNDS OF THE SAME WORK' heur.out
# A heuristic as the evaluated policy; no comparison with --compare none.
"$ps" evaluate-savings --session h --policy price-aware --compare none --eval-months 1 $data > pa.out 2>&1 || fail "evaluate price-aware: $(tail -3 pa.out)"
check test -f sessions/h/plots-eval/mprice-aware_e0p7_p0p2_i0p1_ja0_in-*/episodes.csv
check test ! -f sessions/h/plots-eval/mprice-aware_e0p7_p0p2_i0p1_ja0_in-*/compare.csv
expect_fail() { "$@" > bad.out 2>&1; [ $? -eq 2 ] || fail "$* should exit 2"; }
expect_fail "$ps" evaluate-savings --session h --policy greedy --eval-months 1 $data
expect_fail "$ps" evaluate-savings --session h --policy always-on --seeds 1,x --eval-months 1 $data
# Several seeds: mean and standard deviation, and one CSV row per seed and policy.
"$ps" evaluate-savings --session h --policy always-on --seeds 0,1 --eval-months 1 $data > seeds.out 2>&1 || fail "evaluate --seeds: $(tail -3 seeds.out)"
check grep -q 'POLICIES OVER 2 SEEDS' seeds.out
check test "$(wc -l < "$dir/compare_seeds.csv")" -eq 13
expect_fail "$ps" evaluate-savings --session h --policy always-on --compare always-on,oracle --eval-months 1 $data

# A tiny trained model.
"$ps" train --session m --iteration-steps 128 --iter-limit 1 --seed 2 --net-arch 8 $data > train.out 2>&1 || fail "train: $(tail -3 train.out)"
"$ps" evaluate-savings --session m --eval-months 1 $data --trace model_trace.csv --plot-dashboard > model.out 2>&1 || fail "evaluate model: $(tail -3 model.out)"
mdir=$(echo sessions/m/plots-eval/m128_e0p7_p0p2_i0p1_ja0_in-*)
check test -f "$mdir/episodes.csv"
# Replaying the model's actions through simulate gives the same episodes.
awk -F, 'NR > 1 { print $4 "," $5 "," $6 }' model_trace.csv > model_actions.csv
"$ps" simulate --policy actions:model_actions.csv --episodes 2 $data --oracle --episodes-csv sim_model.csv > /dev/null 2>&1
check cmp -s "$mdir/episodes.csv" sim_model.csv
# job-timing's actions are timed: its trace (a_timed, the last column) replays to the same
# episodes, and without that column to others (the rule held jobs).
jt="--max-wait 6 --hold-price 0 --episodes 2 $data"
"$ps" simulate --policy job-timing $jt --trace jt_trace.csv --episodes-csv jt.csv > jt.out 2>&1 || fail "simulate job-timing: $(tail -3 jt.out)"
check test "$(head -1 jt_trace.csv | awk -F, '{ print $NF }')" = a_timed
awk -F, 'NR > 1 { print $4 "," $5 "," $6 "," $NF }' jt_trace.csv > jt_actions.csv
awk -F, 'NR > 1 { print $4 "," $5 "," $6 }' jt_trace.csv > jt_untimed.csv
"$ps" simulate --policy actions:jt_actions.csv $jt --episodes-csv jt_replay.csv > /dev/null 2>&1
check cmp -s jt.csv jt_replay.csv
"$ps" simulate --policy actions:jt_untimed.csv $jt --episodes-csv jt_untimed_replay.csv > /dev/null 2>&1
check test -s jt_untimed_replay.csv
n=$((n + 1))
! cmp -s jt.csv jt_untimed_replay.csv || fail "job-timing replayed without a_timed gave the same episodes"
# An ensemble of the model with itself votes as the model alone, in its own folder.
"$ps" evaluate-savings --session m --eval-months 1 --compare none --ensemble m,sessions/m/models/e0.7_p0.2_i0.1_a0.0_d0.0/128.zip \
    $data > ens.out 2>&1 || fail "evaluate --ensemble: $(tail -3 ens.out)"
check grep -q '^Ensemble of 3 models' ens.out
check cmp -s "$mdir/episodes.csv" sessions/m/plots-eval/m128-ensemble3_e0p7_p0p2_i0p1_ja0_in-*/episodes.csv
# The model joins the comparison; it trained on every price row, so it is warned about.
check test "$(wc -l < "$mdir/compare.csv")" -eq 8
check grep -q '^model ' model.out
check grep -q 'overlap the rows the model trained on (all)' model.out
# summary.json names the inputs (size, CRC-32); other prices: a warning and another folder.
check grep -q '"crc32":' "$mdir/summary.json"
check grep -q '"--prices":' "$mdir/summary.json"
sed 's/,60\./,61./' prices.csv > prices2.csv
"$ps" evaluate-savings --session m --eval-months 1 --compare none --prices prices2.csv --jobs jobs.log \
    --jobs-exact-replay > model2.out 2>&1 || fail "evaluate on other prices: $(tail -3 model2.out)"
check grep -q 'warning: --prices differs from the model' model2.out
check test "$(ls -d sessions/m/plots-eval/m128_e0p7_p0p2_i0p1_ja0_in-* | wc -l)" -eq 2
# Another setting than the model's training: a warning naming both values, and another folder.
"$ps" evaluate-savings --session m --eval-months 1 --compare none $data --job-arrival-scale 2 > model3.out 2>&1 ||
    fail "evaluate at another arrival scale: $(tail -3 model3.out)"
check grep -q "warning: --job-arrival-scale is 2 in this run, 1 in the model's training" model3.out
check test "$(ls -d sessions/m/plots-eval/m128_e0p7_p0p2_i0p1_ja0_in-* | wc -l)" -eq 3
# Baseline columns (3, 4, 6, 7) do not depend on the policy.
cut -d, -f3,4,6,7 "$mdir/episodes.csv" > base_model.txt
cut -d, -f3,4,6,7 "$dir/episodes.csv" > base_heur.txt
check cmp -s base_model.txt base_heur.txt
if command -v gnuplot > /dev/null 2>&1; then
    for png in "$mdir/cumulative_savings.png" "$mdir/episode_summary.png" "$mdir/dashboard.png"; do
        n=$((n + 1))
        if [ ! -f "$png" ] || [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' ')" != 89504e470d0a1a0a ] || [ "$(wc -c < "$png")" -lt 10000 ]; then
            fail "$png is not a PNG of non-trivial size"
        fi
    done
else
    check test -f "$mdir/cumulative_savings.gp"
fi

expect_error() { # status pattern command...
    want=$1 pat=$2
    shift 2
    n=$((n + 1))
    "$@" > err.out 2>&1
    got=$?
    if [ "$got" -ne "$want" ] || ! grep -q -e "$pat" err.out; then fail "$* -> $got: $(tail -2 err.out)"; fi
}

# --output-dir: train and evaluate-savings both use it; nothing goes to ./sessions.
mkdir -p od
(cd od && "$ps" train --session m --iteration-steps 64 --iter-limit 1 --seed 2 --net-arch 8 --prices ../prices.csv \
    --jobs ../jobs.log --jobs-exact-replay --output-dir runs > train.out 2>&1) || fail "train --output-dir: $(tail -3 od/train.out)"
(cd od && "$ps" evaluate-savings --session m --eval-months 0.5 --compare none --prices ../prices.csv --jobs ../jobs.log \
    --jobs-exact-replay --output-dir runs > eval.out 2>&1) || fail "evaluate --output-dir: $(tail -3 od/eval.out)"
check test -s od/runs/m/plots-eval/m64_e0p7_p0p2_i0p1_ja0_in-*/summary.json
check grep -q '^Model: runs/m/models/e0.7_p0.2_i0.1_a0.0_d0.0/64.zip' od/eval.out
check test ! -e od/sessions
expect_error 1 'no session m (looked for sessions/m)' sh -c "cd od && '$ps' evaluate-savings --session m --eval-months 0.5"
expect_error 1 'no session x (looked for od/runs/x)' "$ps" evaluate-savings --session x --output-dir od/runs $data

# Errors.
expect_error 1 'no session nosuch' "$ps" evaluate-savings --session nosuch $data
mkdir -p sessions/empty
expect_error 1 'no checkpoint in sessions/empty/models/e0.7_p0.2_i0.1_a0.0_d0.0' "$ps" evaluate-savings --session empty $data
expect_error 1 'no checkpoint in sessions/m/models/e0.5_p0.2_i0.1_a0.0_d0.0' "$ps" evaluate-savings --session m --efficiency-weight 0.5 $data
expect_error 2 '--eval-months: 0 is outside' "$ps" evaluate-savings --session m --eval-months 0 $data
expect_error 2 "--policy: 'greedy' is not model" "$ps" evaluate-savings --session m --policy greedy $data
expect_error 2 '--ensemble nosuch: no checkpoint in sessions/nosuch/models/e0.7_p0.2_i0.1_a0.0_d0.0' \
    "$ps" evaluate-savings --session m --ensemble m,nosuch $data
expect_error 2 '--ensemble needs --policy model' "$ps" evaluate-savings --session m --policy price-aware --ensemble m $data
ck=sessions/m/models/e0.7_p0.2_i0.1_a0.0_d0.0/128.zip
cp "$ck" good.zip
size=$(wc -c < "$ck")
head -c $((size / 2)) good.zip > "$ck"
expect_error 1 "128.zip" "$ps" evaluate-savings --session m $data
cp good.zip "$ck"
printf 'not a zip' > "$ck"
expect_error 1 "128.zip: .*not a zip" "$ps" evaluate-savings --session m $data
cp good.zip "$ck"

echo "evaluate: $n checks, $fails failed"
[ "$fails" -eq 0 ]
