#!/usr/bin/env bash
# packaging/windows/wine/prefix.sh: print the path of the Wine prefix the
# Windows checks run in, making it first when it is missing: a 64-bit
# prefix (about 700 MB, some 20 s to make) kept in
# $LIFEBOAT_CACHE/wine (default ~/.cache/lifeboat/wine), with
# processprng.c's bcryptprimitives.dll in its system32, under a lock
# shared by work trees. `rm -rf` it to start over.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${LIFEBOAT_CACHE:-$HOME/.cache/lifeboat}
prefix=$cache/wine
mkdir -p "$cache"
export WINEPREFIX=$prefix WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES='mscoree,mshtml='
exec 9>"$cache/wine.lock"
flock 9
dll=$prefix/drive_c/windows/system32/bcryptprimitives.dll
if [ ! -f "$prefix/.lifeboat-ready" ] || ! cmp -s "$here/processprng.c" "$prefix/.lifeboat-ready"; then
	echo "Making the Wine prefix $prefix" >&2
	rm -rf "$prefix"
	wineboot --init >/dev/null 2>&1
	wineserver -w
	x86_64-w64-mingw32-gcc -O2 -shared -o "$dll" "$here/processprng.c" -lbcrypt
	cp "$here/processprng.c" "$prefix/.lifeboat-ready"
fi
echo "$prefix"
