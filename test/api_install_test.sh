#!/bin/sh
# The installed library as a user gets it: `cmake --install` into a temporary
# prefix, then every examples/*.c compiled with pkg-config (shared, and static
# with --static) and run; headers, man page, binary and Python package present.
# usage: api_install_test.sh BUILD_DIR SOURCE_DIR OUT_DIR CMAKE CC PKG_CONFIG
set -eu
build=$1 src=$2 out=$3 cmake=$4 cc=$5 pkgconfig=$6
prefix=$out/prefix
rm -rf "$out"
mkdir -p "$out"
fail() { echo "FAIL: $*"; exit 1; }

"$cmake" --install "$build" --prefix "$prefix" >"$out/install.log" || fail "cmake --install (see $out/install.log)"
for f in include/powersched/powersched.h include/powersched/env.h lib/libpowersched.so lib/libpowersched.a \
         lib/pkgconfig/powersched.pc share/man/man1/powersched.1 bin/powersched \
         lib/python3/dist-packages/powersched/__init__.py; do
    [ -e "$prefix/$f" ] || fail "not installed: $f"
done
"$prefix/bin/powersched" --version | grep -q '^powersched .' || fail "powersched --version"
grep -q '^\.TH POWERSCHED 1' "$prefix/share/man/man1/powersched.1" || fail "man page header"
grep -q 'efficiency\\-weight' "$prefix/share/man/man1/powersched.1" || fail "man page lacks the options"
if command -v groff >/dev/null 2>&1; then
    warnings=$(groff -man -Tutf8 -ww -z "$prefix/share/man/man1/powersched.1" 2>&1)
    [ -z "$warnings" ] || fail "groff: $warnings"
fi

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
[ "$("$pkgconfig" --modversion powersched)" != "" ] || fail "pkg-config --modversion powersched"
flags="-std=c11 -Wall -Wextra -Wpedantic -Werror"
for ex in "$src"/examples/*.c; do
    name=$(basename "$ex" .c)
    # shellcheck disable=SC2046,SC2086
    "$cc" $flags "$ex" $("$pkgconfig" --cflags --libs powersched) -o "$out/$name" || fail "$name: shared link"
    LD_LIBRARY_PATH="$prefix/lib" "$out/$name" >"$out/$name.out" 2>&1 || fail "$name (shared) exited $?: $(cat "$out/$name.out")"
    # Static: the archive instead of the .so, plus the private requirements.
    libs=$("$pkgconfig" --static --libs powersched | sed 's/-lpowersched/-l:libpowersched.a/')
    # shellcheck disable=SC2046,SC2086
    "$cc" $flags "$ex" $("$pkgconfig" --cflags powersched) $libs -o "$out/$name-static" || fail "$name: static link"
    if readelf -d "$out/$name-static" | grep -q 'libpowersched'; then fail "$name-static needs libpowersched.so"; fi
    "$out/$name-static" >"$out/$name-static.out" 2>&1 || fail "$name (static) exited $?: $(cat "$out/$name-static.out")"
    # (a partial rebuild may leave the two with different version lines)
    [ "$(tail -n +2 "$out/$name.out")" = "$(tail -n +2 "$out/$name-static.out")" ] ||
        fail "$name: shared and static runs differ"
    echo "$name: built with pkg-config (shared and static) and ran"
done
grep -q '^env 0: episode=1 ' "$out/random_agent.out" || fail "random_agent printed no record: $(cat "$out/random_agent.out")"

# The installed Python package finds the installed library next to it.
rc=0
PYTHONPATH="$prefix/lib/python3/dist-packages" "$src/python/with-numpy" -c \
    'import powersched, sys; e = powersched.VecEnv(2); e.reset(); sys.stdout.write(powersched._lib._name + "\n")' \
    >"$out/python.out" 2>&1 || rc=$?
case $rc in
    0) grep -q "^$prefix/lib/libpowersched.so" "$out/python.out" || fail "python loaded $(cat "$out/python.out")" ;;
    77) cat "$out/python.out" ;;
    *) fail "python from the install: $(cat "$out/python.out")" ;;
esac
echo "install test passed"
