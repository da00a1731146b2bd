#!/usr/bin/env bash
# packaging/check.sh DEB: the checks of Lifeboat's .deb, which make
# package-check and make test run, as root (make package-check first
# installs lintian, debootstrap and systemd when missing):
#   1. its contents: the files, their modes, the conffiles, no data folder;
#   2. lintian, with no error (warnings are printed);
#   3. systemd-analyze verify on its units, unpacked beside the binary;
#   4. dpkg -i, then dpkg -r, dpkg -i again and dpkg -P in a Debian chroot:
#      the accounts and data folders made, the binary runs, the default
#      lifeboat.toml is read, and no removal touches a data folder.
# The chroot is made once by debootstrap, from the suite and mirror apt
# uses here, and kept in $LIFEBOAT_CACHE/debootstrap (default
# ~/.cache/lifeboat); each run installs into a throwaway overlay on it.
set -euo pipefail

[ $# = 1 ] && [ -f "$1" ] || { echo "usage: packaging/check.sh DEB" >&2; exit 2; }
deb=$(realpath "$1")
cd "$(dirname "$0")/.."

fail() { echo "packaging/check.sh: $*" >&2; exit 1; }
step() { printf '\n== %s\n' "$*"; }
started=$SECONDS

work=$(mktemp -d)
r=$work/root # the chroot this run installs into
cleanup() {
	if mountpoint -q "$r" && ! umount "$r"; then
		echo "packaging/check.sh: $r is still mounted; $work is left for you" >&2
		return
	fi
	rm -rf "$work"
}
trap cleanup EXIT

# --- 1. contents ---------------------------------------------------------
step "contents of $(basename "$deb")"
dpkg-deb --info "$deb" | sed -n '/^ Package:/,$p'
dpkg-deb --contents "$deb" | awk '{print $1, $2, $6}' >"$work/contents"
has() { # has MODE OWNER PATH
	grep -qxF -- "$1 $2 $3" "$work/contents" || fail "the package has no $3 ($1 $2); it has: $(grep -F -- " $3" "$work/contents" || echo nothing)"
}
has -rwxr-xr-x root/root ./usr/bin/lifeboat
has -rw-r--r-- root/root ./usr/share/applications/lifeboat.desktop
has -rw-r--r-- root/root ./usr/share/icons/hicolor/256x256/apps/lifeboat.png
has -rw-r--r-- root/root ./etc/xdg/autostart/lifeboat-kiosk.desktop
has -rw-r--r-- root/root ./lib/systemd/system/lifeboat-sync.service
has -rw-r--r-- root/root ./lib/systemd/system/lifeboat-hub.service
has -rw-r--r-- root/root ./etc/lifeboat/lifeboat.toml
has -rw-r--r-- root/root ./usr/share/doc/lifeboat/copyright
has -rw-r--r-- root/root ./usr/share/doc/lifeboat/install.md
if grep -q ' \./var/' "$work/contents"; then
	fail "the package holds files under /var: the data folders are made by postinst, never owned by the package"
fi
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles >"$work/conffiles"
for f in $(awk '$3 ~ /^\.\/etc\// && $1 !~ /^d/ {print substr($3, 2)}' "$work/contents"); do
	grep -qxF "$f" "$work/conffiles" || fail "$f is not a conffile: dpkg would replace IT's changes on upgrade"
done
echo "conffiles: $(tr '\n' ' ' <"$work/conffiles")"
[ "$(dpkg-deb -f "$deb" Architecture)" = amd64 ] || fail "the architecture is not amd64"
dpkg-deb -f "$deb" Depends | grep -q 'libc6 (>=' || fail "Depends has no libc6 version from dpkg-shlibdeps"
echo "contents: ok"

# --- 2. lintian ----------------------------------------------------------
step "lintian"
lintian --version
if ! lintian --fail-on error --tag-display-limit 0 "$deb" >"$work/lintian" 2>&1; then
	cat "$work/lintian"
	fail "lintian reports errors"
fi
cat "$work/lintian"
echo "lintian: no error ($(grep -c '^W:' "$work/lintian" || true) warnings)"

# --- 3. systemd-analyze verify -----------------------------------------
# verify resolves the units' binary and the units they name (sysinit.target
# and the like) inside --root: the package unpacked, beside this machine's
# systemd units. It exits 0 on unknown keys and bad values, so any line it
# prints fails the check.
step "systemd-analyze verify"
mkdir -p "$work/unpacked/lib/systemd/system"
cp -a /lib/systemd/system/. "$work/unpacked/lib/systemd/system/"
dpkg-deb -x "$deb" "$work/unpacked"
units=(/lib/systemd/system/lifeboat-sync.service /lib/systemd/system/lifeboat-hub.service)
if ! systemd-analyze verify --man=no --root="$work/unpacked" "${units[@]}" >"$work/verify" 2>&1 || [ -s "$work/verify" ]; then
	cat "$work/verify"
	fail "systemd-analyze verify found problems in the units"
fi
for u in "${units[@]}"; do
	systemd-analyze security --offline=yes --root="$work/unpacked" "$u" 2>/dev/null | grep 'Overall exposure' || true
done
echo "systemd-analyze verify: ok"

# --- 4. install, remove, reinstall, purge in a chroot ------------------
step "dpkg -i, -r, -P in a Debian chroot"
. /etc/os-release
suite=${VERSION_CODENAME:?/etc/os-release names no VERSION_CODENAME}
cache=${LIFEBOAT_CACHE:-$HOME/.cache/lifeboat}/debootstrap
base=$cache/$suite-amd64
mkdir -p "$cache"

# The packages the .deb depends on (the first of each alternative).
deps=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/[[:space:]]//g' | grep . | sort -u | tr '\n' ' ')

# The base is made, or given what it lacks, under an exclusive lock, then
# used under a shared one (runs in other work trees share the cache).
exec {lock}>"$cache/.lock"
flock -x "$lock"
if [ ! -f "$base/.complete" ]; then
	echo "debootstrap $suite into $base (once; later runs reuse it)"
	mirror() { apt-get indextargets --format '$(REPO_URI)' "Release: $suite" "Created-By: Packages" 2>/dev/null | head -n 1; }
	mirror=$(mirror)
	if [ -z "$mirror" ]; then
		apt-get update -qq
		mirror=$(mirror)
	fi
	[ -n "$mirror" ] || fail "apt has no source for $suite to debootstrap from"
	rm -rf "$base"
	debootstrap --variant=minbase --arch=amd64 --include="$(echo "$deps" | tr ' ' ',' | sed 's/,$//')" \
		"$suite" "$base" "$mirror" >"$work/debootstrap.log" 2>&1 ||
		{ tail -n 30 "$work/debootstrap.log"; fail "debootstrap failed (its log ends above)"; }
	chroot "$base" apt-get clean
	touch "$base/.complete"
fi
missing=$(for p in $deps; do chroot "$base" dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
	echo "Installing into the chroot:" $missing
	cp /etc/resolv.conf "$base/etc/resolv.conf" 2>/dev/null || true
	chroot "$base" apt-get update -qq
	chroot "$base" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
	chroot "$base" apt-get clean
fi
flock -s "$lock"

# This run's chroot: an overlay on the base (a copy where overlays cannot
# be mounted), thrown away at the end.
mkdir -p "$r" "$work/upper" "$work/ovl"
if ! mount -t overlay overlay -o "lowerdir=$base,upperdir=$work/upper,workdir=$work/ovl" "$r" 2>/dev/null; then
	echo "(no overlay here: copying the chroot)"
	cp -a "$base/." "$r/"
fi
inroot() { chroot "$r" "$@"; }
as() { local user=$1; shift; chroot "$r" runuser -u "$user" -- "$@"; }
pkgstate() { inroot dpkg-query -W -f '${db:Status-Abbrev}' lifeboat 2>/dev/null | tr -d ' ' || true; }
cp "$deb" "$r/tmp/lifeboat.deb"

expect_account() { # NAME: a system account, no login, home its data folder
	local entry uid shell home
	entry=$(inroot getent passwd "$1") || fail "postinst made no account $1"
	IFS=: read -r _ _ uid _ _ home shell <<<"$entry"
	[ "$uid" -lt 1000 ] || fail "$1 is not a system account (uid $uid)"
	[ "$shell" = /usr/sbin/nologin ] || fail "$1 can log in (shell $shell)"
	[ "$home" = "/var/lib/$1" ] || fail "$1's home is $home"
}
expect_folder() { # DIR OWNER: the data folder, 0700, its account's
	[ -d "$r$1" ] || fail "$1 is gone"
	local got
	got=$(inroot stat -c '%a %U:%G' "$1")
	[ "$got" = "700 $2:$2" ] || fail "$1 is $got, not 700 $2:$2"
}
expect_data() { # DIR: the keys made in it are still there
	[ -f "$r$1/keyring.age" ] && [ -f "$r$1/config.json" ] || fail "$1 lost its keys: $(ls -la "$r$1" 2>&1)"
}

echo "-- dpkg -i"
inroot dpkg -i /tmp/lifeboat.deb
[ "$(pkgstate)" = ii ] || fail "lifeboat is not installed after dpkg -i ($(pkgstate))"
expect_account lifeboat
expect_account lifeboat-hub
expect_folder /var/lib/lifeboat lifeboat
expect_folder /var/lib/lifeboat-hub lifeboat-hub
inroot /usr/bin/lifeboat version
# Each account can make its keys in its folder (as IT does before enabling
# a service), and the default lifeboat.toml is read: status finds the
# kiosk's folder from [kiosk] and says it has no snapshot yet (exit 4).
pass='correct horse battery staple'
as lifeboat env LIFEBOAT_PASSPHRASE="$pass" LIFEBOAT_SCRYPT_WORK_FACTOR=10 \
	lifeboat init --data /var/lib/lifeboat --recovery-out /tmp/recovery.txt >/dev/null
as lifeboat-hub env LIFEBOAT_PASSPHRASE="$pass" LIFEBOAT_SCRYPT_WORK_FACTOR=10 \
	lifeboat hub init --data /var/lib/lifeboat-hub >/dev/null
status=0
as lifeboat lifeboat status --config /etc/lifeboat/lifeboat.toml >/dev/null 2>&1 || status=$?
[ "$status" = 4 ] || fail "lifeboat status --config /etc/lifeboat/lifeboat.toml exited $status, not 4 (no snapshot yet)"
echo "# changed by IT" >>"$r/etc/lifeboat/lifeboat.toml"

echo "-- dpkg -i again (an upgrade in place)"
inroot dpkg -i /tmp/lifeboat.deb
[ "$(pkgstate)" = ii ] || fail "lifeboat is not installed after a second dpkg -i"

echo "-- dpkg -r"
inroot dpkg -r lifeboat
[ "$(pkgstate)" = rc ] || fail "lifeboat is not removed with its configuration kept ($(pkgstate))"
[ ! -e "$r/usr/bin/lifeboat" ] || fail "dpkg -r left /usr/bin/lifeboat"
[ ! -e "$r/lib/systemd/system/lifeboat-sync.service" ] || fail "dpkg -r left the units"
grep -q '^# changed by IT' "$r/etc/lifeboat/lifeboat.toml" || fail "dpkg -r did not keep IT's lifeboat.toml"
expect_folder /var/lib/lifeboat lifeboat
expect_folder /var/lib/lifeboat-hub lifeboat-hub
expect_data /var/lib/lifeboat
expect_data /var/lib/lifeboat-hub

echo "-- dpkg -i after removal"
inroot dpkg -i /tmp/lifeboat.deb
grep -q '^# changed by IT' "$r/etc/lifeboat/lifeboat.toml" || fail "reinstalling replaced IT's lifeboat.toml"
expect_folder /var/lib/lifeboat lifeboat
expect_data /var/lib/lifeboat

echo "-- dpkg -P"
inroot dpkg -P lifeboat
[ -z "$(pkgstate)" ] || [ "$(pkgstate)" = un ] || fail "lifeboat is still known to dpkg after a purge ($(pkgstate))"
[ ! -e "$r/etc/lifeboat/lifeboat.toml" ] || fail "dpkg -P left the conffile lifeboat.toml"
[ ! -e "$r/etc/xdg/autostart/lifeboat-kiosk.desktop" ] || fail "dpkg -P left the autostart entry"
expect_folder /var/lib/lifeboat lifeboat
expect_folder /var/lib/lifeboat-hub lifeboat-hub
expect_data /var/lib/lifeboat
expect_data /var/lib/lifeboat-hub
inroot getent passwd lifeboat >/dev/null || fail "dpkg -P removed the account lifeboat (its files remain)"
inroot dpkg --audit || fail "dpkg --audit reports problems"
echo "install, remove, reinstall, purge: ok; the data folders and their keys survive"

printf '\npackaging/check.sh: all checks passed in %ds\n' $((SECONDS - started))
