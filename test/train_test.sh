#!/bin/sh
# `powersched train` end to end (spec 12.3-12.5): the session layout, the
# checkpoint archive, bit-reproducible runs with --seed, resume (latest and
# --model), a new model from another session's network (--init-from),
# --output-dir, the TensorBoard events against the CSV logs (read back with
# TB_DUMP, the tests' own reader), refusal of a corrupted checkpoint, bad
# flags, Ctrl-C.
# Every run works in its own folder under OUT_DIR (sessions/ is relative).
# usage: train_test.sh POWERSCHED OUT_DIR [TB_DUMP]
set -u
ps=$1 out=$2 tbd=${3:-}
case $tbd in /* | '') ;; *) tbd=$(pwd)/$tbd ;; esac
case $ps in /*) ;; *) ps=$(pwd)/$ps ;; esac
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
rm -rf "$out"
mkdir -p "$out"
fails=0 n=0

fail() {
    fails=$((fails + 1))
    echo "FAIL: $*"
}

# check DESCRIPTION -- command...: the command must succeed (status 0).
check() {
    what=$1
    shift
    n=$((n + 1))
    if ! "$@" > /dev/null 2>&1; then fail "$what"; fi
}

# train DIR STATUS ARGS...: runs `powersched train ARGS` in DIR (created),
# output in DIR/stdout and DIR/stderr; the exit status must be STATUS
# ("fail": any failure that is not a crash).
train() {
    dir=$1 want=$2
    shift 2
    n=$((n + 1))
    mkdir -p "$dir"
    (cd "$dir" && "$ps" train "$@" > stdout 2> stderr)
    got=$?
    if [ "$want" = fail ]; then
        [ "$got" -ne 0 ] || fail "train $* (in $dir) succeeded, want a failure"
    elif [ "$got" -ne "$want" ]; then
        fail "train $* (in $dir) -> status $got, want $want"
        tail -5 "$dir/stdout" "$dir/stderr"
    fi
    if [ "$got" -ge 128 ]; then fail "CRASH: train $*"; fi
}

# expect_error DIR PATTERN ARGS...: a usage error (status 2) with PATTERN on stderr.
expect_error() {
    dir=$1 pat=$2
    shift 2
    train "$dir" 2 "$@"
    n=$((n + 1))
    grep -q -e "$pat" "$dir/stderr" || { fail "train $*: stderr lacks '$pat'"; cat "$dir/stderr"; }
}

# grep_in FILE PATTERN: FILE contains PATTERN.
grep_in() {
    n=$((n + 1))
    grep -q -e "$2" "$1" || fail "$1 lacks '$2'"
}

# lines FILE N: FILE has N lines.
lines() {
    n=$((n + 1))
    got=$(wc -l 2> /dev/null < "$1" || echo missing)
    [ "$got" = "$2" ] || fail "$1 has $got lines, want $2"
}

# zips DIR: number of checkpoints in DIR.
zips() { find "$1" -maxdepth 1 -name '*.zip' | wc -l; }

# tb_matches CSV DUMP PAIRS: for every row of the log CSV, each TAG=COLUMN of
# PAIRS has a scalar TAG in DUMP (tb_dump's "step tag value" lines) at the
# row's step (column "steps") equal to the row's COLUMN as float32 (1e-6
# relative).
tb_matches() {
    n=$((n + 1))
    awk -v pairs="$3" '
        NR == FNR { v[$1 " " $2] = $3; next }
        FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; np = split(pairs, p, " "); next }
        { for (k = 1; k <= np; k++) {
            split(p[k], tc, "=")
            key = $col["steps"] " " tc[1]
            if (!(tc[2] in col) || !(key in v)) { print "  no " tc[1] " (" tc[2] ") at step " $col["steps"]; bad = 1; continue }
            want = $col[tc[2]] + 0; d = v[key] - want; m = want < 0 ? -want : want
            if ((d < 0 ? -d : d) > 1e-6 * m + 1e-30) { print "  " tc[1] " at " $col["steps"] ": " v[key] ", log " want; bad = 1 }
        } }
        END { exit bad }' "$2" FS=, "$1" || fail "TensorBoard scalars of $2 differ from $1"
}

have_unzip=0
command -v unzip > /dev/null 2>&1 && have_unzip=1
prefix=e0.7_p0.2_i0.1_a0.0_d0.0
run="--session s --iteration-steps 128 --seed 3 --net-arch 16"

# --- a fresh session: two iterations of 128 steps
a=$out/a
# shellcheck disable=SC2086
train "$a" 0 $run --iter-limit 2
models=$a/sessions/s/models/$prefix logs=$a/sessions/s/logs/$prefix
check "128.zip written" test -s "$models/128.zip"
check "256.zip written" test -s "$models/256.zip"
check "only two checkpoints" test "$(zips "$models")" -eq 2
check "config.json written" test -s "$a/sessions/s/config.json"
grep_in "$a/sessions/s/config.json" '"net-arch":[[:space:]]*"16"'
grep_in "$a/sessions/s/config.json" '"seed":[[:space:]]*"3"'
grep_in "$a/sessions/s/config.json" '"iteration-steps":[[:space:]]*128'
grep_in "$a/sessions/s/config.json" '"wg-poisson-lambda":[[:space:]]*200' # every resolved option
grep_in "$a/stdout" "New model: net-arch 16, .* parameters, observation scaling none"
grep_in "$a/stdout" "Checkpoint: sessions/s/models/$prefix/256.zip"
# one row per update (64 steps, 10 gradient steps each); no episode has
# ended yet (336 steps), so episodes.csv holds its header only
lines "$logs/updates.csv" 5
lines "$logs/episodes.csv" 1
grep_in "$logs/updates.csv" '^steps,n_updates,policy_loss,value_loss,entropy_loss,approx_kl,clip_fraction,loss,explained_variance,grad_norm,learning_rate,steps_per_s$'
grep_in "$logs/episodes.csv" '^steps,episode,agent_cost,'
n=$((n + 1))
[ "$(cut -d, -f1,2 "$logs/updates.csv" | tr '\n' ' ')" = "steps,n_updates 64,10 128,20 192,30 256,40 " ] ||
    fail "updates.csv steps/n_updates: $(cut -d, -f1,2 "$logs/updates.csv" | tr '\n' ' ')"
n=$((n + 1))
awk -F, 'NR > 1 && (NF != 12 || $3 == "nan" || $4 == "nan" || $4 < 0) { bad = 1 } END { exit bad }' "$logs/updates.csv" ||
    fail "updates.csv has malformed or NaN rows"
n=$((n + 1))
awk -F, 'NR > 1 && $11 != 0.0003 { bad = 1 } END { exit bad }' "$logs/updates.csv" || fail "updates.csv: learning rate not 3e-4"

# --learning-rate reaches Adam's step, the log and the checkpoint
lr=$out/lr
train "$lr" 0 --session s --iteration-steps 64 --iter-limit 1 --seed 3 --net-arch 16 --learning-rate 1e-4
n=$((n + 1))
awk -F, 'NR == 2 && $11 == 0.0001 { ok = 1 } END { exit !ok }' "$lr/sessions/s/logs/$prefix/updates.csv" ||
    fail "--learning-rate 1e-4: updates.csv says $(cut -d, -f11 "$lr/sessions/s/logs/$prefix/updates.csv" | tail -1)"
grep_in "$lr/sessions/s/config.json" '"learning-rate":[[:space:]]*0.0001'
if [ $have_unzip = 1 ]; then
    unzip -p "$lr/sessions/s/models/$prefix/64.zip" config.json > "$lr/config.json" 2>&1
    grep_in "$lr/config.json" '"learning_rate":[[:space:]]*0.0001'
    unzip -p "$lr/sessions/s/models/$prefix/64.zip" policy/value.bias.bin | od -An -tf4 > "$lr/bias_lr"
    train "$lr/default" 0 --session s --iteration-steps 64 --iter-limit 1 --seed 3 --net-arch 16
    unzip -p "$lr/default/sessions/s/models/$prefix/64.zip" policy/value.bias.bin | od -An -tf4 > "$lr/bias_default"
    n=$((n + 1))
    ! cmp -s "$lr/bias_lr" "$lr/bias_default" || fail "--learning-rate 1e-4 trained the same weights as 3e-4"
fi
# --action gate with the cost reward, the shape input and other PPO sizes:
# the rollout and minibatch sizes reach the log (128 steps, 4 minibatches
# of 32 x 10 epochs = 40 gradient steps), the checkpoint records the
# encoding (nvec [2, 1, 1]), the input and gamma, and evaluation (sampled
# too) reads them back
g=$out/gate
train "$g" 0 --session s --iteration-steps 128 --iter-limit 1 --seed 3 --net-arch 16 --action gate \
    --obs-scale shape --reward cost --wait-cost 0.01 --gamma 0.95 --n-steps 128 --batch-size 32
grep_in "$g/stdout" "observation scaling shape, action encoding gate"
lines "$g/sessions/s/logs/$prefix/updates.csv" 2
n=$((n + 1))
[ "$(sed -n 2p "$g/sessions/s/logs/$prefix/updates.csv" | cut -d, -f1,2)" = "128,40" ] ||
    fail "--n-steps 128 --batch-size 32: updates.csv row $(sed -n 2p "$g/sessions/s/logs/$prefix/updates.csv")"
grep_in "$g/sessions/s/config.json" '"action":[[:space:]]*"gate"'
grep_in "$g/sessions/s/config.json" '"wait-cost":[[:space:]]*0.01'
if [ $have_unzip = 1 ]; then
    unzip -p "$g/sessions/s/models/$prefix/128.zip" config.json | tr -d ' \n\t' > "$g/config.json" 2>&1
    grep_in "$g/config.json" '"nvec":\[2,1,1\]'
    grep_in "$g/config.json" '"obs_scale":"shape"'
    grep_in "$g/config.json" '"gamma":0.95'
    grep_in "$g/config.json" '"n_steps":128,"batch_size":32'
fi
for mode in "" --sample-actions; do
    n=$((n + 1))
    # shellcheck disable=SC2086
    (cd "$g" && "$ps" evaluate-savings --session s --eval-months 0.5 --compare none --reward cost --wait-cost 0.01 \
        $mode > "eval$mode.out" 2>&1) || fail "evaluate-savings $mode of the gate model failed: $(tail -n 2 "$g/eval$mode.out")"
done
grep_in "$g/eval--sample-actions.out" "actions sampled from the policy"
check "sampled evaluation has its own folder" test -d "$g"/sessions/s/plots-eval/m128-sampled_e0p7_p0p2_i0p1_ja0_in-*
# --action timing-levels: the checkpoint records nvec [6, 1, 1], and
# evaluation acts through job-timing's levels: every step of its trace is
# timed at a level 1..6
tl=$out/levels
train "$tl" 0 --session s --iteration-steps 128 --iter-limit 1 --seed 3 --net-arch 16 --action timing-levels \
    --n-steps 128 --batch-size 64
grep_in "$tl/stdout" "action encoding timing-levels"
grep_in "$tl/sessions/s/config.json" '"action":[[:space:]]*"timing-levels"'
if [ $have_unzip = 1 ]; then
    unzip -p "$tl/sessions/s/models/$prefix/128.zip" config.json | tr -d ' \n\t' > "$tl/config.json" 2>&1
    grep_in "$tl/config.json" '"nvec":\[6,1,1\]'
fi
train "$tl/zero" fail --session z --iteration-steps 128 --iter-limit 1 --seed 3 --action timing-levels --hold-price 0
grep_in "$tl/zero/stderr" "needs --hold-price above 0"
n=$((n + 1))
(cd "$tl" && "$ps" evaluate-savings --session s --eval-months 0.5 --compare none --trace trace.csv > eval.out 2>&1) ||
    fail "evaluate-savings of the timing-levels model failed: $(tail -n 2 "$tl/eval.out")"
n=$((n + 1))
levels=$(awk -F, 'NR == 1 { if ($NF != "a_timed") print "no a_timed column"; next }
                  $NF < 1 || $NF > 6 { bad++ } END { print bad + 0, NR - 1 }' "$tl/trace.csv")
[ "$levels" = "0 336" ] || fail "timing-levels trace: want 0 untimed of 336 steps, got '$levels'"
# a gate network cannot start a nodes model
train "$g/init" fail --session t --iteration-steps 128 --iter-limit 1 --seed 3 --net-arch 16 \
    --init-from "$g/sessions/s/models/$prefix/128.zip"
grep_in "$g/init/stderr" "(--action gate); this network has"

if [ $have_unzip = 1 ]; then
    unzip -l "$models/128.zip" > "$a/listing" 2>&1
    for entry in config.json progress.json policy/pi.0.weight.bin policy/pi.0.bias.bin policy/vf.0.weight.bin \
        policy/action.weight.bin policy/value.bias.bin optimizer/pi.0.weight.exp_avg.bin \
        optimizer/value.bias.exp_avg_sq.bin; do
        grep_in "$a/listing" " $entry\$"
    done
    unzip -p "$models/256.zip" progress.json > "$a/progress.json" 2>&1
    grep_in "$a/progress.json" '"nominal_steps":[[:space:]]*256'
    grep_in "$a/progress.json" '"num_timesteps":[[:space:]]*256'
    grep_in "$a/progress.json" '"n_updates":[[:space:]]*40'
    grep_in "$a/progress.json" '"iteration":[[:space:]]*2'
    unzip -p "$models/128.zip" config.json > "$a/ckpt_config.json" 2>&1
    grep_in "$a/ckpt_config.json" '"format":[[:space:]]*"powersched-checkpoint"'
    grep_in "$a/ckpt_config.json" '"obs_dim":[[:space:]]*10364'
    # 2 x (10364*16 + 16) + (16*340 + 340) + (16 + 1) parameters, float32
    check "pi.0.weight holds 10364 x 16 floats" grep -q ' 663296 .* policy/pi.0.weight.bin$' "$a/listing"
    check "unzip -t accepts the archive" unzip -tq "$models/256.zip"
else
    echo "note: unzip not found; archive listing not checked"
fi

# --- the same run in another folder: byte-identical checkpoints, same logs
b=$out/b
# shellcheck disable=SC2086
train "$b" 0 $run --iter-limit 2
for k in 128 256; do
    check "second run: $k.zip byte-identical" cmp "$models/$k.zip" "$b/sessions/s/models/$prefix/$k.zip"
done
cut -d, -f1-11 "$logs/updates.csv" > "$out/updates_a"
cut -d, -f1-11 "$b/sessions/s/logs/$prefix/updates.csv" > "$out/updates_b"
check "second run: same updates.csv (but steps/s)" cmp "$out/updates_a" "$out/updates_b"
check "second run: same config.json" cmp "$a/sessions/s/config.json" "$b/sessions/s/config.json"

# --- resume from the latest: --iter-limit 3 runs iteration 3 only
cp "$models/128.zip" "$out/128.orig"
cp "$models/256.zip" "$out/256.orig"
# shellcheck disable=SC2086
train "$a" 0 $run --iter-limit 3
grep_in "$a/stdout" "Resuming from sessions/s/models/$prefix/256.zip (256 steps taken, iteration 2)"
check "resume wrote 384.zip" test -s "$models/384.zip"
check "resume: three checkpoints" test "$(zips "$models")" -eq 3
check "resume left 128.zip alone" cmp "$models/128.zip" "$out/128.orig"
check "resume left 256.zip alone" cmp "$models/256.zip" "$out/256.orig"
n=$((n + 1))
grep -q "Iteration 1:\|Iteration 2:" "$a/stdout" && fail "resume repeated iterations 1-2"
grep_in "$a/stdout" "Iteration 3: 128 steps from 256"
# the logs are appended to, and the counters continue
lines "$logs/updates.csv" 7
n=$((n + 1))
[ "$(tail -1 "$logs/updates.csv" | cut -d, -f1,2)" = "384,60" ] ||
    fail "updates.csv after resume ends with $(tail -1 "$logs/updates.csv" | cut -d, -f1,2), want 384,60"
if [ $have_unzip = 1 ]; then
    unzip -p "$models/384.zip" progress.json > "$a/progress.json" 2>&1
    grep_in "$a/progress.json" '"num_timesteps":[[:space:]]*384'
    grep_in "$a/progress.json" '"iteration":[[:space:]]*3'
fi
# resuming past the limit does nothing
# shellcheck disable=SC2086
train "$a" 0 $run --iter-limit 3
check "nothing past the limit" test "$(zips "$models")" -eq 3
n=$((n + 1))
grep -q "^Iteration [0-9]*:" "$a/stdout" && fail "a run already at --iter-limit trained again"

# --- --model 128 with --iter-limit 2 resumes from 128.zip (in the copy b)
mb=$b/sessions/s/models/$prefix
# shellcheck disable=SC2086
train "$b" 0 $run --iter-limit 2 --model 128
grep_in "$b/stdout" "Resuming from sessions/s/models/$prefix/128.zip (128 steps taken, iteration 1)"
grep_in "$b/stdout" "Iteration 2: 128 steps from 128"
grep_in "$b/stdout" "Checkpoint: sessions/s/models/$prefix/256.zip"
check "--model 128: no 384.zip" test ! -e "$mb/384.zip"
check "--model 128: 128.zip untouched" cmp "$mb/128.zip" "$out/128.orig"
# the rows the first run logged after step 128 are dropped, so iteration 2's
# steps appear once: 4 updates (64, 128, then 192, 256 again), not 6
lb=$b/sessions/s/logs/$prefix
grep_in "$b/stderr" "warning: dropped 2 rows of sessions/s/logs/$prefix/updates.csv logged after step 128"
lines "$lb/updates.csv" 5
n=$((n + 1))
[ "$(cut -d, -f1,2 "$lb/updates.csv" | tr '\n' ' ')" = "steps,n_updates 64,10 128,20 192,30 256,40 " ] ||
    fail "updates.csv after --model 128: $(cut -d, -f1,2 "$lb/updates.csv" | tr '\n' ' ')"
# a missing --model falls back to the latest with a warning; a stray name
# that is no step count in range is not "the latest"; the temp file of a
# save killed before its rename is removed, and said so
touch "$mb/99999999999999999999.zip" "$mb/384.zip.tmp.Xy12Ab"
# shellcheck disable=SC2086
train "$b" 0 $run --iter-limit 2 --model 999
grep_in "$b/stderr" "999.zip not found; using the latest, 256.zip"
grep_in "$b/stderr" "warning: removed sessions/s/models/$prefix/384.zip.tmp.Xy12Ab, left by an interrupted save"
check "the stale temp file is gone" test ! -e "$mb/384.zip.tmp.Xy12Ab"
check "the stray name is left alone" test -e "$mb/99999999999999999999.zip"
n=$((n + 1))
grep -q "dropped" "$b/stderr" && fail "resuming at the latest checkpoint dropped log rows"
lines "$lb/updates.csv" 5
rm -f "$mb/99999999999999999999.zip"

# --- --seed-sweep puts the session under seed_<seed>/
train "$out/sweep" 0 --session w --iteration-steps 64 --iter-limit 1 --seed 5 --seed-sweep --net-arch 8
check "--seed-sweep: sessions/w/seed_5/models/.../64.zip" test -s "$out/sweep/sessions/w/seed_5/models/$prefix/64.zip"

# --- quotes in the session name and a data path: config.json and the
# checkpoint's config stay valid JSON (written through cJSON, escaped)
q=$out/quote
mkdir -p "$q"
awk 'BEGIN { print "Date,Price"; for (h = 0; h < 48; h++) printf "2024-01-%02dT%02d:00,%.2f\n", 1 + int(h / 24), h % 24, 50 + h }' > "$q/p\"q.csv"
train "$q" 0 --session 'say "hi"' --prices 'p"q.csv' --iteration-steps 64 --iter-limit 1 --seed 1 --net-arch 8
qc="$q/sessions/say \"hi\"/config.json"
grep_in "$qc" '"session":[[:space:]]*"say \\"hi\\""'
grep_in "$qc" '"prices":[[:space:]]*"p\\"q.csv"'
if command -v python3 > /dev/null 2>&1; then
    check "config.json with quotes is valid JSON" python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$qc"
    if [ $have_unzip = 1 ]; then
        unzip -p "$q/sessions/say \"hi\"/models/$prefix/64.zip" config.json > "$q/ckpt_config.json" 2>&1
        check "checkpoint config with quotes is valid JSON" python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$q/ckpt_config.json"
    fi
fi

# --- an episode end writes a row to episodes.csv (336 steps)
e=$out/episode
train "$e" 0 --session s --iteration-steps 384 --iter-limit 1 --seed 3 --net-arch 8
el=$e/sessions/s/logs/$prefix/episodes.csv
lines "$el" 2
n=$((n + 1))
[ "$(sed -n 2p "$el" | cut -d, -f1,2)" = "336,1" ] || fail "episodes.csv row: $(sed -n 2p "$el" | cut -d, -f1,2), want 336,1"
n=$((n + 1))
[ "$(head -1 "$el" | tr ',' '\n' | wc -l)" = "$(sed -n 2p "$el" | tr ',' '\n' | wc -l)" ] ||
    fail "episodes.csv: header and row have different column counts"
# TensorBoard: the events of tb/<weights>/ hold the prototype's tags with the
# values of the CSV logs at the same steps: metrics/... per episode, SB3's
# train/... per update, rollout/... once an episode has ended, time/fps
tb=$e/sessions/s/tb/$prefix
if [ -n "$tbd" ]; then
    check "one event file" test "$(find "$tb" -name 'events.out.tfevents.*' | wc -l)" -eq 1
    n=$((n + 1))
    "$tbd" "$tb"/events.out.tfevents.* > "$e/tb.txt" || fail "tb_dump: the event file is not valid"
    grep_in "$e/tb.txt" '^version brain.Event:2$'
    tb_matches "$el" "$e/tb.txt" "metrics/cost=agent_cost metrics/savings=savings_vs_baseline
        metrics/savings_off=savings_vs_baseline_off metrics/baseline_cost_off=baseline_cost_off
        metrics/jobs_submitted=jobs_submitted metrics/jobs_completed=jobs_completed
        metrics/completion_rate=completion_rate metrics/avg_wait_hours=avg_wait_time
        metrics/max_queue_size=max_queue_size metrics/jobs_dropped=jobs_dropped
        metrics/baseline_jobs_completed=baseline_jobs_completed metrics/baseline_avg_wait_hours=baseline_avg_wait_time
        metrics/baseline_jobs_rejected_queue_full=baseline_jobs_rejected_queue_full metrics/on_nodes=on_nodes_end
        metrics/used_nodes=used_nodes_end metrics/jobs_lost_total=jobs_lost_total"
    tb_matches "$e/sessions/s/logs/$prefix/updates.csv" "$e/tb.txt" "train/policy_gradient_loss=policy_loss
        train/value_loss=value_loss train/entropy_loss=entropy_loss train/approx_kl=approx_kl
        train/clip_fraction=clip_fraction train/loss=loss train/explained_variance=explained_variance
        train/learning_rate=learning_rate train/n_updates=n_updates"
    # rollout/... is written with the update after the episode (step 384), the
    # mean over the episodes so far (one); none before; fps at every update
    grep_in "$e/tb.txt" '^384 rollout/ep_len_mean 336$'
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "total_reward") c = i } NR == 2 { print "384," $c }' "$el" |
        sed '1i steps,total_reward' > "$e/ep_rew.csv"
    tb_matches "$e/ep_rew.csv" "$e/tb.txt" "rollout/ep_rew_mean=total_reward"
    n=$((n + 1))
    [ "$(grep -c ' rollout/ep_rew_mean ' "$e/tb.txt")" = 1 ] || fail "rollout/ep_rew_mean before any episode ended"
    n=$((n + 1))
    [ "$(grep -c '^[0-9]* time/fps [1-9][0-9]*$' "$e/tb.txt")" = 6 ] || fail "time/fps: not one positive value per update"
    n=$((n + 1))
    [ "$(grep -c '^[0-9]* metrics/' "$e/tb.txt")" -ge 23 ] || fail "fewer than the 23 metrics/ tags of spec 10.3"
else
    echo "note: no TB_DUMP given; TensorBoard events not checked"
fi
# resumed from 384.zip, the step and episode counters continue (spec 12.5
# set_progress: step 384, episode 384 div 336 = 1): the next episode ends at
# step 384 + 336 = 720 and is episode 2
train "$e" 0 --session s --iteration-steps 384 --iter-limit 2 --seed 3 --net-arch 8
lines "$el" 3
n=$((n + 1))
[ "$(sed -n 3p "$el" | cut -d, -f1,2)" = "720,2" ] || fail "episodes.csv after resume: $(sed -n 3p "$el" | cut -d, -f1,2), want 720,2"
if [ -n "$tbd" ]; then # the resumed run's events continue at the same steps
    "$tbd" "$tb"/events.out.tfevents.* > "$e/tb.txt" 2>&1
    grep_in "$e/tb.txt" '^720 metrics/cost '
    grep_in "$e/tb.txt" '^768 train/n_updates 120$'
fi

# --- --no-tensorboard: no events; --output-dir: the session is there, and
# nothing is written under ./sessions
train "$out/notb" 0 --session s --iteration-steps 64 --iter-limit 1 --seed 3 --net-arch 8 --no-tensorboard \
    --output-dir runs/x
check "--output-dir: checkpoint in runs/x/s" test -s "$out/notb/runs/x/s/models/$prefix/64.zip"
check "--output-dir: logs in runs/x/s" test -s "$out/notb/runs/x/s/logs/$prefix/updates.csv"
check "--output-dir: nothing under ./sessions" test ! -e "$out/notb/sessions"
check "--no-tensorboard: no tb folder" test ! -e "$out/notb/runs/x/s/tb"
grep_in "$out/notb/stdout" "Checkpoint: runs/x/s/models/$prefix/64.zip"

# --- --init-from: a new session takes the network of s's checkpoint (in b:
# 128.zip and 256.zip), with counters from 0
train "$b" 0 --session c --iteration-steps 128 --iter-limit 1 --seed 4 --net-arch 16 --init-from s/128
grep_in "$b/stdout" "New model: the network of sessions/s/models/$prefix/128.zip (net-arch 16; a new optimiser"
if [ $have_unzip = 1 ]; then
    unzip -p "$b/sessions/c/models/$prefix/128.zip" progress.json > "$b/progress.json" 2>&1
    grep_in "$b/progress.json" '"num_timesteps":[[:space:]]*128'
    grep_in "$b/progress.json" '"n_updates":[[:space:]]*20'
    grep_in "$b/progress.json" '"adam_steps":[[:space:]]*20'
fi
n=$((n + 1))
[ "$(sed -n 2p "$b/sessions/c/logs/$prefix/updates.csv" | cut -d, -f1,2)" = "64,10" ] || fail "--init-from: counters not from 0"
# the latest by default, from another weights folder with --init-from-weights
train "$b" 0 --session d --iteration-steps 64 --iter-limit 1 --seed 4 --net-arch 16 --efficiency-weight 0.5 \
    --init-from s --init-from-weights "$prefix"
grep_in "$b/stdout" "New model: the network of sessions/s/models/$prefix/256.zip"
check "--init-from-weights: d has its own weights folder" test -s "$b/sessions/d/models/e0.5_p0.2_i0.1_a0.0_d0.0/64.zip"
# resuming c ignores --init-from, with a warning
train "$b" 0 --session c --iteration-steps 128 --iter-limit 2 --seed 4 --net-arch 16 --init-from s/128
grep_in "$b/stderr" "warning: --init-from ignored: the session resumes from its own checkpoint"
grep_in "$b/stdout" "Resuming from sessions/c/models/$prefix/128.zip"
# refused: another architecture, a missing source or checkpoint
train "$b" 1 --session e --iteration-steps 64 --iter-limit 1 --seed 4 --net-arch 8 --init-from s
grep_in "$b/stderr" "256.zip: network architecture differs: the checkpoint has hidden layers 16, the network built 8"
check "--init-from refused: no checkpoint written" test ! -e "$b/sessions/e/models/$prefix/64.zip"
expect_error "$b" "--init-from nosuch: no checkpoint in sessions/nosuch/models/$prefix" --session f --init-from nosuch
expect_error "$b" "--init-from s/999: sessions/s/models/$prefix/999.zip does not exist (the latest is 256.zip)" \
    --session f --init-from s/999
expect_error "$b" "no checkpoint in sessions/s/models/e0.5_p0.2" --session f --init-from s --efficiency-weight 0.5
expect_error "$b" "--init-from-weights needs --init-from" --session f --init-from-weights "$prefix"
check "refused --init-from created no session" test ! -e "$b/sessions/f"

# --- a corrupted checkpoint: a clear error naming the file, non-zero exit
cp "$models/384.zip" "$out/384.orig"
size=$(wc -c < "$models/384.zip")
printf '\001\002\003\004\005\006\007\010' | dd of="$models/384.zip" bs=1 seek=$((size / 2)) conv=notrunc 2> /dev/null
check "the corruption changed the file" sh -c "! cmp -s '$models/384.zip' '$out/384.orig'"
# shellcheck disable=SC2086
train "$a" fail $run --iter-limit 4
grep_in "$a/stderr" "sessions/s/models/$prefix/384.zip"
check "no checkpoint after the refusal" test ! -e "$models/512.zip"

# --- bad flags: usage errors, nothing trained
expect_error "$out/bad" "--device cuda" --session x --device cuda
expect_error "$out/bad" "--device: 'gpu'" --session x --device gpu
expect_error "$out/bad" "--render: 'bogus'" --session x --render bogus
expect_error "$out/bad" "--seed-sweep requires --seed" --session x --seed-sweep
expect_error "$out/bad" "--net-arch: '0'" --session x --net-arch 0 --seed 1
expect_error "$out/bad" "--obs-scale: 'z' is not none, bounds, summary or shape" --session x --obs-scale z --seed 1
expect_error "$out/bad" "--action: 'z' is not nodes, gate, override, override-timing or timing-levels" --session x --action z --seed 1
expect_error "$out/bad" "--wait-cost needs --reward cost" --session x --wait-cost 0.1 --seed 1
expect_error "$out/bad" "--net-arch: 'x'" --session x --net-arch x --seed 1
expect_error "$out/bad" "--net-arch: '64,,64'" --session x --net-arch 64,,64 --seed 1
expect_error "$out/bad" "--net-arch: '1,2,3,4,5'" --session x --net-arch 1,2,3,4,5 --seed 1
expect_error "$out/bad" "--iteration-steps" --session x --iteration-steps 10
expect_error "$out/bad" "unknown option '--bogus'" --session x --bogus
expect_error "$out/bad" "--session" --session a/b
# a rejected flag leaves nothing behind (no session folder, no config.json)
check "rejected flags created no session" test ! -e "$out/bad/sessions/x"
train "$out/help" 0 --help
grep_in "$out/help/stdout" "--net-arch"
grep_in "$out/help/stdout" "--iter-limit"

# --- a session name with shell and gnuplot syntax stays text: nothing runs
inj=$out/inject
train "$inj" 0 --session 'x`touch PWNED`$(touch PWNED2)'"'" --iteration-steps 64 --iter-limit 1 --seed 1 \
    --net-arch 8 --plot-dashboard
check "no command ran from the session name" test ! -e "$inj/PWNED" -a ! -e "$inj/PWNED2"
gp=$(find "$inj/sessions" -name '*_dash_*.gp' | head -1)
check "the dashboard title is a single-quoted gnuplot string" grep -q "title 'session x\`touch PWNED\`" "$gp"

# --- Ctrl-C, and SIGTERM (a Slurm time limit, scancel): the current update
# finishes, a checkpoint is written, status 0, and it resumes. While it runs,
# the session is locked: a second train of it is refused with the pid.
stop_with() { # SIGNAL DIR MESSAGE
    c=$2
    mkdir -p "$c"
    (cd "$c" && exec "$ps" train --session s --iteration-steps 100000 --iter-limit 1 --seed 3 --net-arch 16 \
        > stdout 2> stderr) &
    pid=$!
    cl=$c/sessions/s/logs/$prefix/updates.csv
    i=0 # wait for training to be under way (at most 30 s), then a bit more
    while [ $i -lt 300 ] && [ "$(wc -l 2> /dev/null < "$cl" || echo 0)" -lt 3 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    sleep 1
    (cd "$c" && "$ps" train --session s --iteration-steps 64 --iter-limit 1 --seed 3 --net-arch 16 > stdout.2 2> stderr.2)
    second=$?
    n=$((n + 1))
    [ $second -eq 1 ] && grep -q "is in use by pid $pid" "$c/stderr.2" || fail "$1: a second train was not refused: $(cat "$c/stderr.2")"
    kill -"$1" $pid
    i=0 # it must end by itself soon (at most 30 s)
    while [ $i -lt 300 ] && kill -0 $pid 2> /dev/null; do
        sleep 0.1
        i=$((i + 1))
    done
    if kill -0 $pid 2> /dev/null; then
        fail "train did not stop within 30 s of SIG$1"
        kill -KILL $pid
    fi
    wait $pid
    status=$?
    n=$((n + 1))
    [ $status -eq 0 ] || { fail "SIG$1: exit status $status, want 0"; tail -5 "$c/stderr"; }
    grep_in "$c/stdout" "$3"
    ckpt=$(find "$c/sessions/s/models/$prefix" -name '*.zip' 2> /dev/null | head -1)
    ckpt=${ckpt##*/}
    n=$((n + 1))
    case $ckpt in
    [1-9]*.zip) [ $((${ckpt%.zip} % 64)) -eq 0 ] || fail "SIG$1 checkpoint $ckpt: not a whole number of rollouts" ;;
    *) fail "SIG$1: no checkpoint written (models: '$ckpt')" ;;
    esac
    grep_in "$c/stdout" "Checkpoint: sessions/s/models/$prefix/$ckpt"
    cp "$c/stdout" "$c/stdout.signal"
    # and it loads
    train "$c" 0 --session s --iteration-steps 64 --iter-limit 1 --model "${ckpt%.zip}"
    grep_in "$c/stdout" "Resuming from sessions/s/models/$prefix/$ckpt"
}
stop_with INT "$out/sigint" "Training interrupted by user."
stop_with TERM "$out/sigterm" "Training interrupted by SIGTERM."

echo "train_test: $n checks, $fails failed"
[ $fails -eq 0 ]
