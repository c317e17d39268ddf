#!/bin/sh
# The quick-start demo's data and flags (scripts/demo), without its training:
#  - data/prices_de_lu_2023.csv loads: 8760 rows, read in order, the three
#    rows with a wrong UTC offset reported (4 steps that are not 1 h, the
#    first at line 1349);
#  - the demo's workload is realistic, not saturating: mean core occupancy
#    with every node on within 40..70 %, no job dropped;
#  - on the demo's evaluation (its held-out price rows, 2 x EVAL_MONTHS
#    episodes, its guard) always-on / baseline_off (one schedule) and every
#    heuristic complete more than 99 % of the jobs (simulate's `Jobs=a/b`).
# The flags are read from scripts/demo itself, so the test follows the demo.
# Completion is checked over the demo's evaluation rather than one episode:
# an episode that starts from an empty cluster ends with the jobs of its
# last hours still running (about 10 jobs/h x 12.5 h = 125 of ~3,400, so
# ~96 % in one episode); over six episodes that is 0.6 %.
# usage: demo_test.sh POWERSCHED SOURCE_DIR OUT_DIR
set -u
ps=$1 src=$2 out=$3
rm -rf "$out" && mkdir -p "$out" || exit 2
cd "$src" || exit 2
fails=0 n=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# The demo's scenario assignments, one per line in scripts/demo.
assign=$(grep -E '^(PRICES|EVAL_ROWS|EVAL_MONTHS|WORKLOAD|QOS)=' scripts/demo)
[ "$(printf '%s\n' "$assign" | wc -l)" -eq 5 ] || { echo "FAIL: scripts/demo lacks its scenario lines"; exit 1; }
PRICES='' EVAL_ROWS='' EVAL_MONTHS='' WORKLOAD='' QOS=''
eval "$assign"
[ -f "$PRICES" ] || { echo "FAIL: $PRICES missing"; exit 1; }
episodes=$((2 * EVAL_MONTHS))

# 1. The whole file loads (one episode, the brief's check of the data).
n=$((n + 1))
# shellcheck disable=SC2086
if "$ps" simulate --episodes 1 --prices "$PRICES" $WORKLOAD $QOS > "$out/all.out" 2>&1; then
    grep -q 'Price rows: 0\.\.8759 of the file (8760 hours)' "$out/all.out" || fail "$PRICES: not 8760 rows: $(grep 'Price rows' "$out/all.out")"
    grep -q "4 steps are not 1 h (the first at line or entry 1349)" "$out/all.out" ||
        fail "$PRICES: the wrong offsets are not reported as expected: $(grep -i warning "$out/all.out")"
    grep -q 'Job source: workload generator' "$out/all.out" || fail "the demo's workload generator is not used"
else
    fail "simulate on $PRICES: $(tail -3 "$out/all.out")"
fi

# pct A B: A/B in percent, two decimals.
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? 100 * a / b : 0) }'; }
# above X LIMIT: X > LIMIT
above() { awk -v x="$1" -v l="$2" 'BEGIN { exit !(x > l) }'; }

# 2. The demo's evaluation, policy by policy.
for pol in always-on slurm-suspend price-threshold price-aware job-timing; do
    n=$((n + 1))
    f=$out/$pol.out
    # shellcheck disable=SC2086
    if ! "$ps" simulate --policy "$pol" --episodes "$episodes" --prices "$PRICES" --price-rows "$EVAL_ROWS" \
        $WORKLOAD $QOS > "$f" 2>&1; then
        fail "simulate --policy $pol: $(tail -3 "$f")"
        continue
    fi
    total=$(grep "^Total over $episodes episodes:" "$f")
    # Total over 6 episodes: ..., Jobs=a/b, Dropped=d (baseline a/b, dropped d)
    # shellcheck disable=SC2046
    set -- $(printf '%s\n' "$total" |
        sed -n 's/.* Jobs=\([0-9]*\)\/\([0-9]*\), Dropped=\([0-9]*\) (baseline \([0-9]*\)\/\([0-9]*\), dropped \([0-9]*\)).*/\1 \2 \3 \4 \5 \6/p')
    if [ $# -ne 6 ]; then
        fail "$pol: no 'Jobs=a/b' summary line: $total"
        continue
    fi
    c=$(pct "$1" "$2")
    above "$c" 99 || fail "$pol: completion $c % ($1/$2) is not above 99 %"
    [ "$3" -eq 0 ] || fail "$pol: $3 jobs dropped"
    echo "$pol: completion $c % ($1/$2), dropped $3"
    if [ "$pol" = always-on ]; then
        # baseline_off bills the always-on baseline's schedule: its jobs.
        cb=$(pct "$4" "$5")
        above "$cb" 99 || fail "always-on baseline / baseline_off: completion $cb % ($4/$5) is not above 99 %"
        [ "$6" -eq 0 ] || fail "baseline: $6 jobs dropped"
        occ=$(sed -n 's/.*Baseline Occupancy (Cores)=\([0-9.]*\)%.*/\1/p' "$f" |
            awk '{ s += $1; k++ } END { if (k) printf "%.1f", s / k; else print -1 }')
        echo "always-on: mean core occupancy $occ %, baseline/baseline_off completion $cb %"
        if ! above "$occ" 40 || ! above 70 "$occ"; then fail "mean core occupancy $occ % is not within 40..70 %"; fi
    fi
done

echo "demo_test: $n checks, $fails failed"
[ "$fails" -eq 0 ]
