# expect.sh - sourced by the CLI test scripts: they set out (a scratch
# folder), fails and n (counters) before sourcing.

# expect STATUS PATTERN command...: exit status and a stdout/stderr pattern;
# a status of 128 or more (a signal) is a crash, counted twice.
expect() {
    want=$1 pat=$2
    shift 2
    n=$((n + 1))
    "$@" > "$out/stdout" 2> "$out/stderr"
    got=$?
    if [ "$got" -ne "$want" ] || ! grep -q -e "$pat" "$out/stdout" "$out/stderr"; then
        fails=$((fails + 1))
        echo "FAIL: $* -> status $got (want $want), pattern '$pat', output:"
        cat "$out/stdout" "$out/stderr" | head -12
    fi
    if [ "$got" -ge 128 ]; then echo "CRASH: $*"; fails=$((fails + 1)); fi
}
