#!/bin/sh
# `powersched train-iter`: the Slurm job-array script for a known plan, local
# runs in parallel with one deliberately failing run, collection of the
# finished runs' evaluation summaries, a sweep over seeds in another output
# folder, continuing only the trained combinations, and bad flag combinations.
# usage: train_iter_test.sh POWERSCHED OUT_DIR
set -u
ps=$1 out=$2
rm -rf "$out" && mkdir -p "$out" && cd "$out" || exit 2
fails=0 n=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
check() { n=$((n + 1)); "$@" || fail "$*"; }
has() { n=$((n + 1)); grep -q -e "$1" "$2" || { fail "'$1' not in $2"; sed 's/^/    /' "$2" | head -20; }; }

small="--iteration-steps 64 --net-arch 8 --seed 1 --fix-weights idle,job-age,drop --fix-values 0,0,0 --step 0.5"

# --- Slurm: plan + sbatch job array, nothing run here.
"$ps" train-iter --session sl --iter-limit-per-step 2 $small --slurm --slurm-partition gpu --slurm-time 01:00:00 \
    --slurm-cpus 2 --slurm-max-parallel 2 --slurm-extra '--mem=2G;--qos=short' --evaluate-savings > slurm.out 2>&1 ||
    fail "train-iter --slurm: $(tail -3 slurm.out)"
sd=$(ls -d sessions/sl/sweeps/* 2>/dev/null | head -1)
check test -f "$sd/sweep.sbatch"
has '^#SBATCH --array=0-2%2$' "$sd/sweep.sbatch"
has '^#SBATCH --partition=gpu$' "$sd/sweep.sbatch"
has '^#SBATCH --time=01:00:00$' "$sd/sweep.sbatch"
has '^#SBATCH --cpus-per-task=2$' "$sd/sweep.sbatch"
has '^#SBATCH --mem=2G$' "$sd/sweep.sbatch"
has '^#SBATCH --qos=short$' "$sd/sweep.sbatch"
has "^#SBATCH --output=\".*/logs/task_%a.out\"$" "$sd/sweep.sbatch"
has "^#SBATCH --signal=USR1@120$" "$sd/sweep.sbatch"
has "train-iter --run-row '.*' \"\$SLURM_ARRAY_TASK_ID\"" "$sd/sweep.sbatch"
check test "$(wc -l < "$sd/plan.csv")" -eq 4
has '^0,0.00,1.00,0.00,0.00,0.00$' "$sd/plan.csv"
has '^2,1.00,0.00,0.00,0.00,0.00$' "$sd/plan.csv"
has '^--iter-limit$' "$sd/train_args.txt"
has '^--eval-months$' "$sd/eval_args.txt"
n=$((n + 1))
grep -q -e '--net-arch' "$sd/eval_args.txt" && fail "train-only flags forwarded to evaluate-savings"
check test ! -d sessions/sl/models
# A task runs its row by itself (what each array task does).
"$ps" train-iter --run-row "$(pwd)/$sd" 1 > task1.out 2>&1 || fail "--run-row: $(tail -3 task1.out)"
check test -f sessions/sl/models/e0.5_p0.5_i0.0_a0.0_d0.0/128.zip
check test -f sessions/sl/plots-eval/m128_e0p5_p0p5_i0_ja0/summary.json

# --- train-iter takes every option of train (but --iter-limit, --model and
# the weights, which it sets per run)
"$ps" train --help | sed -n 's/^  \(--[a-z0-9-]*\).*/\1/p' | grep -v -x -e '--iter-limit' -e '--model' -e '--.*-weight' > train_opts
"$ps" train-iter --help | sed -n 's/^  \(--[a-z0-9-]*\).*/\1/p' > iter_opts
n=$((n + 1))
missing=$(grep -v -x -F -f iter_opts train_opts)
[ -z "$missing" ] && [ -s train_opts ] || fail "options of train that train-iter refuses: $(echo $missing)"

# --- every option of train is accepted and forwarded from its group: the
# training options to train only, the run options (--seed-sweep, --threads)
# and the data/energy options to evaluate-savings too. A row of a seed sweep
# trains and evaluates under seed_1/, where --collect finds it (in the folder
# its non-default --node-idle-watts tags).
"$ps" train-iter --session fw --iter-limit-per-step 1 $small --seed-sweep --device cpu --ent-coef 0.01 --threads 1 \
    --node-idle-watts 160 --slurm --evaluate-savings --eval-months 0.5 > fw.out 2>&1 || fail "train-iter forwarding: $(tail -3 fw.out)"
fd=$(ls -d sessions/fw/sweeps/* 2>/dev/null | head -1)
for flag in --seed-sweep --net-arch --iteration-steps --device --ent-coef --threads --node-idle-watts --seed; do
    has "^$flag\$" "$fd/train_args.txt"
done
for flag in --seed-sweep --threads --node-idle-watts --seed; do
    has "^$flag\$" "$fd/eval_args.txt"
done
for flag in --net-arch --iteration-steps --device --ent-coef --step --slurm --evaluate-savings; do
    n=$((n + 1))
    grep -q -e "^$flag\$" "$fd/eval_args.txt" && fail "$flag forwarded to evaluate-savings"
done
n=$((n + 1))
grep -q -e '^--slurm$\|^--step$\|^--fix-weights$' "$fd/train_args.txt" && fail "train-iter's own options forwarded to train"
"$ps" train-iter --run-row "$(pwd)/$fd" 2 > fw_task.out 2>&1 || fail "--run-row of a seed sweep: $(tail -3 fw_task.out)"
check test -f sessions/fw/seed_1/models/e1.0_p0.0_i0.0_a0.0_d0.0/64.zip
check test -f sessions/fw/seed_1/plots-eval/m64_e1_p0_i0_ja0_in-*/summary.json
"$ps" train-iter --collect "$fd" > fw_collect.out 2>&1
has '^2,1.00,0.00,0.00,0.00,0.00,ok,' "$fd/collect.csv"
# A later checkpoint's folder without a summary: missing, not the earlier one's.
mkdir sessions/fw/seed_1/plots-eval/m128_e1_p0_i0_ja0_in-0123abcd
"$ps" train-iter --collect "$fd" > fw_collect2.out 2>&1
has '^2,1.00,0.00,0.00,0.00,0.00,missing,' "$fd/collect.csv"
rmdir sessions/fw/seed_1/plots-eval/m128_e1_p0_i0_ja0_in-0123abcd

# --- local: 3 runs, 2 at a time; run 1's session holds a corrupt checkpoint.
mkdir -p sessions/lo/models/e0.5_p0.5_i0.0_a0.0_d0.0
printf 'corrupt' > sessions/lo/models/e0.5_p0.5_i0.0_a0.0_d0.0/64.zip
"$ps" train-iter --session lo --iter-limit-per-step 1 $small --parallel 2 --evaluate-savings --eval-months 0.5 \
    > local.out 2> local.err
status=$?
check test "$status" -eq 1
has '1 done (.*), 1 running, 1 queued' local.err
has '^    0 .* ok$' local.out
has '^    1 .*FAILED (status' local.out
has '64.zip' local.out
check test -f sessions/lo/models/e0.0_p1.0_i0.0_a0.0_d0.0/64.zip
check test -f sessions/lo/models/e1.0_p0.0_i0.0_a0.0_d0.0/64.zip
ld=$(ls -d sessions/lo/sweeps/* | head -1)
"$ps" train-iter --collect "$ld" > collect.out 2>&1
check test $? -eq 1
has 'Collected 3 runs (1 without an evaluation summary)' collect.out
has '^0,0.00,1.00,0.00,0.00,0.00,ok,' "$ld/collect.csv"
has '^1,0.50,0.50,0.00,0.00,0.00,missing,' "$ld/collect.csv"

# --- --seeds: one run per combination and seed (--seed S --seed-sweep each),
# plan.csv with a seed column; --output-dir: the sweep and its runs live there
# (nothing under ./sessions)
grid="--iteration-steps 64 --net-arch 8 --fix-weights idle,job-age,drop --fix-values 0,0,0 --step 0.5"
"$ps" train-iter --session sd --iter-limit-per-step 1 $grid --seeds 1,2 --slurm --evaluate-savings --eval-months 0.5 \
    --output-dir runs > seeds.out 2>&1 || fail "train-iter --seeds: $(tail -3 seeds.out)"
ssd=$(ls -d runs/sd/sweeps/* 2>/dev/null | head -1)
check test -f "$ssd/plan.csv"
check test "$(wc -l < "$ssd/plan.csv")" -eq 7
has '^index,efficiency,price,idle,job_age,drop,seed$' "$ssd/plan.csv"
has '^0,0.00,1.00,0.00,0.00,0.00,1$' "$ssd/plan.csv"
has '^1,0.00,1.00,0.00,0.00,0.00,2$' "$ssd/plan.csv"
has '^5,1.00,0.00,0.00,0.00,0.00,2$' "$ssd/plan.csv"
has '^#SBATCH --array=0-5$' "$ssd/sweep.sbatch"
has '^--output-dir$' "$ssd/train_args.txt"
has '^--output-dir$' "$ssd/eval_args.txt"
check test ! -e sessions/sd
"$ps" train-iter --run-row "$(pwd)/$ssd" 5 > seed_task.out 2>&1 || fail "--run-row of a --seeds sweep: $(tail -3 seed_task.out)"
has '^== run 5: train (weights 1.00 0.00 0.00 0.00 0.00, seed 2)$' seed_task.out
check test -f runs/sd/seed_2/models/e1.0_p0.0_i0.0_a0.0_d0.0/64.zip
check test -f runs/sd/seed_2/plots-eval/m64_e1_p0_i0_ja0/summary.json
check test ! -e runs/sd/seed_1/models/e1.0_p0.0_i0.0_a0.0_d0.0
check test ! -e sessions/sd
"$ps" train-iter --collect "$ssd" > seed_collect.out 2>&1
has '^index,efficiency,price,idle,job_age,drop,seed,status,' "$ssd/collect.csv"
has '^5,1.00,0.00,0.00,0.00,0.00,2,ok,' "$ssd/collect.csv"
has '^4,1.00,0.00,0.00,0.00,0.00,1,missing,' "$ssd/collect.csv"

# --- --continue-existing-only: of session sl only row 1 (0.5/0.5) trained
# (128.zip, above); only it runs, resuming to --iter-limit-per-step 3
"$ps" train-iter --session sl --iter-limit-per-step 3 $small --continue-existing-only > cont.out 2> cont.err ||
    fail "train-iter --continue-existing-only: $(tail -3 cont.out cont.err)"
has 'Continuing the 1 of 3 runs that have checkpoints' cont.out
cd_=$(ls -d sessions/sl/sweeps/* | grep -v -x -F "$sd" | head -1)
check test "$(wc -l < "$cd_/plan.csv")" -eq 2
has '^0,0.50,0.50,0.00,0.00,0.00$' "$cd_/plan.csv"
has 'Resuming from sessions/sl/models/e0.5_p0.5_i0.0_a0.0_d0.0/128.zip' "$cd_/logs/run_0.log"
check test -f sessions/sl/models/e0.5_p0.5_i0.0_a0.0_d0.0/192.zip
check test ! -e sessions/sl/models/e0.0_p1.0_i0.0_a0.0_d0.0
"$ps" train-iter --session nothing --iter-limit-per-step 1 $small --continue-existing-only > none.out 2>&1
check test $? -eq 1
has 'continue-existing-only: none of the 3 runs has a checkpoint in sessions/nothing' none.out

# --- bad flags
expect2() { n=$((n + 1)); "$ps" train-iter "$@" > bad.out 2>&1; [ $? -eq 2 ] || fail "train-iter $* should exit 2: $(tail -2 bad.out)"; }
expect2 --iter-limit-per-step 1
expect2 --session x
expect2 --session x --iter-limit-per-step 1 --fix-weights idle,drop --fix-values 0
expect2 --session x --iter-limit-per-step 1 --fix-weights speed --fix-values 0
expect2 --session x --iter-limit-per-step 1 --fix-weights idle,drop --fix-values 0.6,0.6
expect2 --session x --iter-limit-per-step 1 --submit
expect2 --session x --iter-limit-per-step 1 --workload-gen poisson --job-arrival-scale 2
expect2 --session x --iter-limit-per-step 1 --efficiency-weight 0.5
expect2 --collect "$(pwd)"
expect2 --session x --iter-limit-per-step 1 --seed-sweep # the training options are checked before any run
expect2 --session x --iter-limit-per-step 1 --net-arch 0
expect2 --session x --iter-limit-per-step 1 --device gpu
expect2 --session x --iter-limit-per-step 1 --seeds 1,2 --seed 3
expect2 --session x --iter-limit-per-step 1 --seeds 1,x
expect2 --session x --iter-limit-per-step 1 --output-dir ''
echo "train-iter: $n checks, $fails failed"
[ "$fails" -eq 0 ]
