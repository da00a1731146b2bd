#!/usr/bin/env bash
# packaging/release.sh: a release's files, in dist/release/, after make
# package and make package-windows (make release runs them all, with DEB,
# MSI, GO and LDFLAGS):
#   lifeboat_VERSION-1_amd64.deb          Debian and Ubuntu
#   lifeboat-VERSION-x64.msi              Windows (per machine)
#   lifeboat.exe, lifeboatw.exe           the Windows programs, for IT who
#                                         deploy without the MSI (side by side)
#   lifeboat-VERSION-linux.cdx.json       CycloneDX SBOMs: the modules compiled
#   lifeboat-VERSION-windows.cdx.json     into each program, with licences
#   SHA256SUMS                            sha256sum -c checks them
# Then it builds both packages again from a copy of the source tree in
# another folder, at another time, and requires the same bytes for the
# Linux program (/usr/bin/lifeboat), the .deb, lifeboat.exe and
# lifeboatw.exe: what a hospital installs can be rebuilt from the source
# and compared. (The MSI differs between builds by design: Windows
# Installer wants a new package code for each.)
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
: "${DEB:?DEB is the .deb make package built}"
: "${MSI:?MSI is the MSI make package-windows built}"
fail() { echo "packaging/release.sh: $*" >&2; exit 1; }
[ -f "$DEB" ] && [ -f "$MSI" ] || fail "build the packages first (make release does)"

version=$(dist/stage/lifeboat version --json | sed -n 's/.*"version": *"\([^"]*\)".*/\1/p')
[ -n "$version" ] || fail "the built program says no version"
out=dist/release
rm -rf "$out"
mkdir -p "$out"
cp "$DEB" "$MSI" dist/windows/lifeboat.exe dist/windows/lifeboatw.exe "$out/"

# The SBOMs: the main module's packages and every module compiled into the
# program for that system (cgo as built), their versions, hashes and
# licences, in CycloneDX 1.6 JSON.
# (The tool is built for this machine first: GOOS names the program's
# system, not the tool's.)
cyclonedx=$("$GO" tool -n cyclonedx-gomod)
sbom() { # GOOS OUT
	GOOS=$1 GOARCH=amd64 CGO_ENABLED=1 "$cyclonedx" app -json -licenses -std \
		-output-version 1.6 -output "$2" -main . . 2>/dev/null
	grep -q '"bomFormat": "CycloneDX"' "$2" || fail "$2 is not a CycloneDX document"
	grep -q '"name": "fyne.io/fyne/v2"' "$2" || fail "$2 does not list the modules compiled in"
}
sbom linux "$out/lifeboat-$version-linux.cdx.json"
sbom windows "$out/lifeboat-$version-windows.cdx.json"

(cd "$out" && sha256sum -- * >SHA256SUMS && sha256sum --quiet -c SHA256SUMS)

# Built again, elsewhere: the same bytes. The copy is the source tree as it
# is (committed or not), without .git; the version stamp is make's,
# passed as it was the first time.
again=$(mktemp -d /tmp/lifeboat-rebuild.XXXXXX)
trap 'rm -rf "$again"' EXIT
git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$again"
sde=$(git log -1 --format=%ct 2>/dev/null || date +%s)
deb2=$(cd "$again" && SOURCE_DATE_EPOCH=$sde GO=$GO DEB_VERSION=$(dpkg-deb -f "$OLDPWD/$DEB" Version | sed 's/-1$//') \
	LDFLAGS="$LDFLAGS" ./packaging/build.sh 2>/dev/null)
(cd "$again" && SOURCE_DATE_EPOCH=$sde GO=$GO VERSION=$version LDFLAGS="$LDFLAGS" ./packaging/windows/build.sh >/dev/null 2>&1) ||
	fail "the Windows build failed in the copy"
same() { # A B LABEL
	cmp -s "$1" "$2" || fail "$3 is not the same when built again elsewhere ($(sha256sum <"$1" | cut -c1-16) and $(sha256sum <"$2" | cut -c1-16))"
	echo "reproducible: $3 ($(sha256sum <"$1" | cut -c1-16)…)"
}
same dist/stage/lifeboat "$again/dist/stage/lifeboat" "the Linux program"
same "$DEB" "$again/$deb2" "the .deb"
same dist/windows/lifeboat.exe "$again/dist/windows/lifeboat.exe" "lifeboat.exe"
same dist/windows/lifeboatw.exe "$again/dist/windows/lifeboatw.exe" "lifeboatw.exe"

echo "Release $version in $out:"
(cd "$out" && ls -l --time-style=+ | tail -n +2 | awk '{print "  " $NF " (" $5 " bytes)"}')
