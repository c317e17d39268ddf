#!/bin/sh
# A sweep on a real Slurm: scripts/slurm-local starts a one-node cluster on
# this machine, `train-iter --slurm --submit` submits a job array of three
# tiny runs (train + evaluate), and every run must leave its checkpoint and
# its evaluation summary; --collect gathers all three. Skipped (77) with the
# reason when the daemons cannot be started (e.g. not root).
# usage: slurm_test.sh POWERSCHED PROJECT_DIR OUT_DIR
set -u
ps=$1 project=$2 out=$3
[ "$(id -u)" -eq 0 ] || { echo "SKIP: starting munged/slurmctld/slurmd needs root"; exit 77; }
rm -rf "$out" && mkdir -p "$out" || exit 2
cd "$out" || exit 2
if ! "$project/scripts/slurm-local" start "$out/slurm" > slurm-start.log 2>&1; then
    echo "SKIP: could not start a local Slurm:"
    tail -5 slurm-start.log
    exit 77
fi
trap '"$project/scripts/slurm-local" stop "$out/slurm" > /dev/null 2>&1' EXIT
export SLURM_CONF="$out/slurm/slurm.conf"
fails=0 n=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$ps" train-iter --session s --iter-limit-per-step 1 --iteration-steps 64 --net-arch 8 --seed 1 \
    --fix-weights idle,job-age,drop --fix-values 0,0,0 --step 0.5 --evaluate-savings --eval-months 0.5 \
    --slurm --slurm-max-parallel 2 --submit > submit.out 2>&1 || { cat submit.out; exit 1; }
job=$(sed -n 's/^Submitted job array \([0-9]*\) .*/\1/p' submit.out)
[ -n "$job" ] || { echo "FAIL: no job id in:"; cat submit.out; exit 1; }
i=0
while squeue -h -j "$job" 2>/dev/null | grep -q .; do
    i=$((i + 1))
    [ "$i" -gt 240 ] && { echo "FAIL: job array $job still queued/running after 240 s"; squeue; exit 1; }
    sleep 1
done
for w in e0.0_p1.0_i0.0_a0.0_d0.0 e0.5_p0.5_i0.0_a0.0_d0.0 e1.0_p0.0_i0.0_a0.0_d0.0; do
    n=$((n + 1))
    [ -f "sessions/s/models/$w/64.zip" ] || fail "no checkpoint sessions/s/models/$w/64.zip"
done
for e in m64_e0_p1_i0_ja0 m64_e0p5_p0p5_i0_ja0 m64_e1_p0_i0_ja0; do
    n=$((n + 1))
    [ -s "sessions/s/plots-eval/$e/summary.json" ] || fail "no evaluation summary in sessions/s/plots-eval/$e"
done
n=$((n + 1))
dir=$(ls -d sessions/s/sweeps/* | head -1)
"$ps" train-iter --collect "$dir" > collect.out 2>&1 || fail "collect: $(cat collect.out)"
grep -q 'Collected 3 runs (0 without' collect.out || fail "collect: $(cat collect.out)"
if [ "$fails" -ne 0 ]; then
    for f in "$dir"/logs/task_*.out; do echo "== $f"; tail -5 "$f"; done
fi
echo "slurm: $n checks, $fails failed"
[ "$fails" -eq 0 ]
