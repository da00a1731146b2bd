#!/usr/bin/env bash
# packaging/windows/msi.sh NUMERIC-VERSION PRODUCT-VERSION OUT: make the
# MSI of the programs in dist/windows with wixl, from lifeboat.wxs.
# build.sh makes the release's; check.sh makes the next version's to try
# an upgrade. Run from the repository's root (wixl wants relative paths).
set -euo pipefail
[ $# = 3 ] || { echo "usage: packaging/windows/msi.sh NUMERIC-VERSION PRODUCT-VERSION OUT" >&2; exit 2; }
rm -f "$3"
wixl -a x64 -D Version="$1" -D ProductVersion="$2" -D Stage=dist/windows -o "$3" packaging/windows/lifeboat.wxs
# lifeboat.toml's component: 64-bit (256), never overwritten (128), never
# removed (16), which wixl cannot say.
msibuild "$3" -q "UPDATE \`Component\` SET \`Attributes\` = 400 WHERE \`Component\` = 'Settings'"
