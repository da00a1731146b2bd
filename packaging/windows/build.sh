#!/usr/bin/env bash
# packaging/windows/build.sh: build Lifeboat for Windows into dist/windows
# and its MSI, dist/lifeboat-VERSION-x64.msi, and print the MSI's path;
# `make package-windows` runs it with GO, VERSION and LDFLAGS (make
# build's version stamp). Cross-built here with Debian's mingw-w64 (cgo:
# the window's OpenGL driver) and -trimpath:
#   lifeboat.exe   the console program: the command line and the service
#                  (lifeboat-sync runs `lifeboat.exe snapshot --config …`);
#   lifeboatw.exe  the window's launcher (GUI subsystem, no console), for
#                  the Start menu and the session's autostart.
# Each carries its icon, version and manifest (go-winres, pinned as a Go
# tool, makes the .syso resource files go build links; they are removed
# afterwards). The MSI is made by wixl from packaging/windows/lifeboat.wxs
# (msi.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
GO=${GO:-go}
VERSION=${VERSION:-0.9.0-dev}
LDFLAGS=${LDFLAGS:-}

# Windows wants four numbers: 0.9.0-dev is 0.9.0.0, 1.2.0-3-gabc1234 (three
# commits after v1.2.0) is 1.2.0.3.
numeric=$(echo "$VERSION" | sed -E 's/^([0-9]+)\.([0-9]+)\.([0-9]+)(-([0-9]+)-g[0-9a-f]+)?.*$/\1.\2.\3.\5/; s/\.$/.0/')
[[ $numeric =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "packaging/windows/build.sh: cannot make a Windows version of $VERSION" >&2; exit 1; }

stage=dist/windows
rm -rf "$stage"
mkdir -p "$stage"
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH

sysos=(rsrc_windows_amd64.syso cmd/lifeboatw/rsrc_windows_amd64.syso)
trap 'rm -f "${sysos[@]}"' EXIT
"$GO" tool go-winres make --in packaging/windows/lifeboat.winres.json --out rsrc --arch amd64 \
	--product-version "$VERSION" --file-version "$numeric"
"$GO" tool go-winres make --in packaging/windows/lifeboatw.winres.json --out cmd/lifeboatw/rsrc --arch amd64 \
	--product-version "$VERSION" --file-version "$numeric"

export GOOS=windows GOARCH=amd64
CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc "$GO" build -trimpath -buildvcs=false -ldflags "$LDFLAGS -s -w" -o "$stage/lifeboat.exe" .
CGO_ENABLED=0 "$GO" build -trimpath -buildvcs=false -ldflags "-s -w -H windowsgui" -o "$stage/lifeboatw.exe" ./cmd/lifeboatw

# The licences of what is compiled into lifeboat.exe, with Windows's line
# ends.
CGO_ENABLED=1 APACHE_LICENCE=https://www.apache.org/licenses/LICENSE-2.0.txt GO=$GO ./packaging/licences.sh |
	sed 's/$/\r/' >"$stage/copyright.txt"
unset GOOS GOARCH

msi=dist/lifeboat-$VERSION-x64.msi
./packaging/windows/msi.sh "$numeric" "$VERSION" "$msi"
echo "$msi"
