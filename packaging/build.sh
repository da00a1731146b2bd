#!/usr/bin/env bash
# packaging/build.sh: build dist/lifeboat_VERSION-1_amd64.deb and print its
# path; `make package` runs it with GO, DEB_VERSION and LDFLAGS (make
# build's version stamp). The binary is make build's with -trimpath, made
# as Debian ships binaries: position-independent, with full RELRO (bind
# now), without debug symbols. What the package holds besides the
# repository's files is made in dist/stage (packaging/nfpm.yaml names it):
# the binary, the copyright file, the man page and the changelog. nfpm
# makes the .deb.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
: "${DEB_VERSION:?DEB_VERSION is the package version, such as 0.9.0~dev}"
LDFLAGS=${LDFLAGS:-}
maintainer='Lifeboat maintainers <maintainers@lifeboat.invalid>'

stage=dist/stage
rm -rf "$stage"
mkdir -p "$stage"

# Files in the package are dated by the commit, so that a rebuild of the
# same commit gives the same package.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH

CGO_ENABLED=1 "$GO" build -trimpath -buildvcs=false -buildmode=pie -ldflags "$LDFLAGS -s -w -extldflags=-Wl,-z,relro,-z,now" -o "$stage/lifeboat" .

# Depends: the libraries the binary links, with the versions their packages
# declare, as a Debian build computes them (dpkg-shlibdeps wants a
# debian/control, so it runs in a scratch folder).
mkdir -p "$stage/shlibs/debian"
printf 'Source: lifeboat\n\nPackage: lifeboat\nArchitecture: any\n' >"$stage/shlibs/debian/control"
LIFEBOAT_SHLIBS=$(cd "$stage/shlibs" && dpkg-shlibdeps -O -e ../lifeboat 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
rm -rf "$stage/shlibs"
if [ -z "$LIFEBOAT_SHLIBS" ]; then
	echo "packaging/build.sh: dpkg-shlibdeps found no library for the binary" >&2
	exit 1
fi
export LIFEBOAT_SHLIBS

# The copyright file: Lifeboat's notice, then the licence of Go and of every
# module compiled into the binary.
GO=$GO ./packaging/licences.sh >"$stage/copyright"

# The man page, from the binary's own --help; the version and commit the
# binary was stamped with (not git's: a rebuild from a copy of the tree
# must make the same package).
version=$("$stage/lifeboat" version | sed -n '1s/^Lifeboat \([^,]*\),.*/\1/p')
commit=$("$stage/lifeboat" version --json | sed -n 's/.*"commit":"\([0-9a-f]\{12\}\).*/\1/p')
commit=${commit:-unknown}
roff() { sed -e 's/\\/\\e/g' -e 's/^[.'\'']/\\\&&/' -e 's/-/\\-/g'; }
{
	printf '.TH LIFEBOAT 1 "%s" "Lifeboat %s" "User Commands"\n' "$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)" "$version"
	printf '.SH NAME\nlifeboat \\- offline downtime medical records for hospital wards\n'
	printf '.SH SYNOPSIS\n.B lifeboat\n.RI [ COMMAND ]\n.RI [ FLAGS ]\n'
	printf '.SH DESCRIPTION\n'
	echo "While the hospital's record system (EHR) is up, Lifeboat keeps an encrypted, signed, frequently refreshed snapshot of the essential records of a ward's patients on the ward PC; when the EHR is down, nurses read and document them in the kiosk's window with no network at all, and what they record is pushed back into the EHR, exactly once, when it returns. With no command, lifeboat opens the kiosk's window." | roff
	printf '.SH COMMANDS\n'
	"$stage/lifeboat" --help | sed -n 's/^  \([a-z]\{1,\}\) \{2,\}\(.*\)$/\1\t\2/p' |
		while IFS=$'\t' read -r cmd what; do
			printf '.TP\n.B %s\n%s\n' "$cmd" "$(echo "$what" | roff)"
		done
	printf '.PP\n\\fBlifeboat\\fR \\fICOMMAND\\fR \\fB\\-\\-help\\fR shows a command'"'"'s flags and an example.\n'
	printf '.SH FILES\n'
	printf '.TP\n.I /etc/lifeboat/lifeboat.toml\n%s\n' "$(echo "The settings of kiosk, snapshot, status, handin ([kiosk]) and of hub's commands ([hub]); --config FILE names another. A flag given on the command line overrides it." | roff)"
	printf '.TP\n.I /var/lib/lifeboat\n%s\n' "$(echo "The kiosk's data folder (0700), for the lifeboat-sync service and the window." | roff)"
	printf '.TP\n.I /var/lib/lifeboat-hub\n%s\n' "$(echo "The hub's data folder (0700), for the lifeboat-hub service." | roff)"
	printf '.SH SEE ALSO\n'
	echo "The command-line reference /usr/share/doc/lifeboat/cli.md; installing, the services and lifeboat.toml: /usr/share/doc/lifeboat/install.md; for IT: it.md and hub.md beside them; systemctl status lifeboat-sync lifeboat-hub; journalctl -u lifeboat-sync -u lifeboat-hub." | roff
} >"$stage/lifeboat.1"
gzip -9n "$stage/lifeboat.1"

# The Debian changelog: one entry, this build's.
cat >"$stage/changelog.yml" <<EOF
- semver: "$DEB_VERSION-1"
  date: "$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)"
  packager: "$maintainer"
  deb:
    urgency: low
    distributions: [unstable]
  changes:
    - note: "Lifeboat $version, built from commit $commit."
EOF

LIFEBOAT_DEB_VERSION=$DEB_VERSION "$GO" tool nfpm package --config packaging/nfpm.yaml --packager deb --target dist/ >&2
deb=dist/lifeboat_${DEB_VERSION}-1_amd64.deb
[ -f "$deb" ] || { echo "packaging/build.sh: nfpm made no $deb" >&2; exit 1; }
echo "$deb"
