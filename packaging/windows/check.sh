#!/usr/bin/env bash
# packaging/windows/check.sh MSI: the checks of Lifeboat's Windows build,
# which make package-check and make test run after make package-windows:
#   1. the programs: lifeboat.exe a console program, lifeboatw.exe a GUI
#      one, each with its icon, version and manifest;
#   2. the MSI's tables (msiinfo): files, the service, the shortcuts, the
#      settings file kept, the event log source, the upgrade;
#   3. under Wine, in a prefix made once (wine/prefix.sh): the command-line
#      stories of app/testdata/script run against lifeboat.exe (the same
#      output and exit statuses as the Linux program), and the launcher;
#   4. under Wine, in a copy of that prefix: msiexec installs the MSI
#      (files, settings, the service registered, started, stopping at once
#      when not set up), the service runs once set up and stops when told,
#      an upgrade keeps IT's settings and starts it again, and msiexec
#      removes it, keeping the settings, the secrets and the data folder.
# Wine is a smoke test of Windows, not a proof: what it cannot show (the
# access lists, among others) is said in packaging/windows/README.md.
set -euo pipefail

[ $# = 1 ] && [ -f "$1" ] || { echo "usage: packaging/windows/check.sh MSI" >&2; exit 2; }
msi=$(realpath "$1")
cd "$(dirname "$0")/../.."
GO=${GO:-go}
stage=$PWD/dist/windows
export LANG=C.UTF-8

fail() { echo "packaging/windows/check.sh: $*" >&2; exit 1; }
step() { printf '\n== %s\n' "$*"; }
started=$SECONDS
work=$(mktemp -d)
cleanup() {
	[ -n "${WINEPREFIX:-}" ] && wineserver -k 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

# --- 1. the programs -------------------------------------------------------
step "the programs"
file -b "$stage/lifeboat.exe" | grep -q '^PE32+ executable (console) x86-64' || fail "lifeboat.exe is not a 64-bit console program: $(file -b "$stage/lifeboat.exe")"
file -b "$stage/lifeboatw.exe" | grep -q '^PE32+ executable (GUI) x86-64' || fail "lifeboatw.exe is not a 64-bit GUI program: $(file -b "$stage/lifeboatw.exe")"
for exe in lifeboat lifeboatw; do
	"$GO" tool go-winres extract --dir "$work/res-$exe" "$stage/$exe.exe" >/dev/null
	res=$work/res-$exe/winres.json
	for want in RT_GROUP_ICON RT_MANIFEST RT_VERSION '"ProductName": "Lifeboat"' "\"OriginalFilename\": \"$exe.exe\"" '"dpi-awareness": "per monitor v2"'; do
		grep -qF -- "$want" "$res" || fail "$exe.exe's resources have no $want"
	done
	echo "$exe.exe: $(file -b "$stage/$exe.exe" | cut -d, -f1), $(du -h "$stage/$exe.exe" | cut -f1), version $(sed -n 's/.*"ProductVersion": "\(.*\)".*/\1/p' "$res" | head -1), icon, manifest"
done

# --- 2. the MSI's tables -----------------------------------------------------
step "the MSI's tables"
msiinfo tables "$msi" >"$work/tables"
for t in File Component Directory Feature ServiceInstall ServiceControl Shortcut Registry Upgrade Property; do
	grep -qx "$t" "$work/tables" || fail "the MSI has no $t table"
done
for t in File Component ServiceInstall ServiceControl Shortcut Registry Property; do
	msiinfo export "$msi" "$t" >"$work/$t"
done
has() { grep -q -- "$1" "$work/$2"; } # has PATTERN TABLE
has $'\tlifeboat.exe\t' File || fail "the MSI installs no lifeboat.exe"
has $'\tlifeboatw.exe\t' File || fail "the MSI installs no lifeboatw.exe"
has $'\tlifeboat.toml\t' File || fail "the MSI installs no lifeboat.toml"
has $'^SyncService\tlifeboat-sync\tLifeboat sync\t16\t2\t1\t' ServiceInstall ||
	fail "the MSI's service is not lifeboat-sync, its own process, started with Windows, errors logged: $(tail -1 "$work/ServiceInstall")"
has '--windows-service snapshot --config "\[CommonAppDataFolder\]Lifeboat\\lifeboat.toml"' ServiceInstall || fail "the service does not run snapshot --config with the settings file"
has $'^SyncServiceStop\tlifeboat-sync\t162\t\t1\t' ServiceControl || fail "the MSI does not stop the service (waiting) for changes and remove it with the program"
has $'^SyncServiceStart\tlifeboat-sync\t1\t\t0\t' ServiceControl || fail "the MSI does not start the service after installing, without waiting"
[ "$(grep -c $'\t\\[INSTALLDIR\\]lifeboatw.exe\t' "$work/Shortcut")" = 2 ] || fail "the Start menu's entry and the autostart do not both open lifeboatw.exe"
attrs=$(awk -F'\t' '$1 == "Settings" {print $4}' "$work/Component")
((attrs & 16 && attrs & 128)) || fail "lifeboat.toml's component is not kept on removal and upgrade (Permanent, NeverOverwrite): attributes $attrs"
has 'EventLog\\Application\\Lifeboat' Registry || fail "the MSI does not register the event log source"
grep -q $'^UpgradeCode\t{78D0365F-9D29-436B-8212-D934D16EEFB9}' "$work/Property" || fail "the MSI's upgrade code changed (or is not in capitals, as Windows Installer wants): upgrades would install beside the old version"
msi_version=$(sed -n 's/^ProductVersion\t//p' "$work/Property" | tr -d '\r')
echo "MSI: $(du -h "$msi" | cut -f1), ProductVersion $msi_version, tables: $(tr '\n' ' ' <"$work/tables")"

# --- 3. under Wine -----------------------------------------------------------
step "Wine"
WINEPREFIX=$(./packaging/windows/wine/prefix.sh)
export WINEPREFIX WINEDEBUG=-all WINEDLLOVERRIDES='mscoree,mshtml='
wine --version
wineserver -p || true # one server for every run below
out=$(wine "$stage/lifeboat.exe" version)
echo "$out" | head -1
echo "$out" | grep -q "^Lifeboat " || fail "lifeboat.exe version printed: $out"

# The command-line stories: each is the Linux program's; here the script's
# lifeboat is lifeboat.exe under Wine.
scripts=${LIFEBOAT_WINE_SCRIPTS:-init readme snapshot record journal audit summary errors badinput rollback}
step "the command-line stories under Wine: $scripts"
LIFEBOAT_EXE=$stage/lifeboat.exe "$GO" test -tags ci -count=1 -timeout 20m ./app -run "^TestScripts\$/^($(echo "$scripts" | tr ' ' '|'))\$" -v 2>&1 |
	grep -E '^(=== RUN|--- |    --- |PASS|FAIL|ok)|\.txtar:' | grep -v '^=== RUN' | tee "$work/scripts"
grep -q '^ok' "$work/scripts" || fail "a command-line story failed under Wine"
[ "$(grep -c -- '--- PASS: TestScripts/' "$work/scripts")" = "$(echo "$scripts" | wc -w)" ] || fail "not every story ran"

# The launcher runs lifeboat.exe beside it, hides its console, and ends
# with its exit status; a failure's sentence would be a message box.
step "the launcher"
LIFEBOAT_PASSPHRASE='a ward passphrase for Wine' LIFEBOAT_SCRYPT_WORK_FACTOR=10 LIFEBOATW_NO_DIALOG=1 \
	wine "$stage/lifeboatw.exe" init --data "$work/launched" --recovery-out "$work/launched.key" || fail "lifeboatw.exe init failed"
[ -f "$work/launched/config.json" ] || fail "lifeboatw.exe did not run lifeboat.exe init"
set +e
LIFEBOATW_NO_DIALOG=1 LIFEBOAT_CONFIG=none wine "$stage/lifeboatw.exe" status --data "$work/nothing-here" >/dev/null 2>&1
got=$?
LIFEBOAT_CONFIG=none wine "$stage/lifeboat.exe" status --data "$work/nothing-here" >/dev/null 2>&1
want=$?
set -e
[ "$got" = "$want" ] && [ "$got" != 0 ] || fail "lifeboatw.exe ended with $got where lifeboat.exe ends with $want"
echo "launcher: runs lifeboat.exe, exit statuses passed on ($want)"
wineserver -k || true

# --- 4. installing, upgrading and removing the MSI --------------------------
step "msiexec and the service under Wine"
cp -a "$WINEPREFIX" "$work/prefix"
export WINEPREFIX=$work/prefix
wineserver -p || true
c=$WINEPREFIX/drive_c
svc_state() { wine sc query lifeboat-sync | tr -d '\r' | awk '/STATE/ {print $4} /SERVICE_EXIT_CODE/ {print $3}' | paste -sd' '; }
wait_state() { # STATE: wait up to 30 s for the service to be in it
	for _ in $(seq 30); do
		[[ $(svc_state) == "$1"* ]] && return 0
		sleep 1
	done
	fail "the service is $(svc_state), not $1"
}

wine msiexec /i "$msi" /qn || fail "msiexec /i failed"
[ -f "$c/Program Files/Lifeboat/lifeboat.exe" ] || fail "lifeboat.exe is not under Program Files\\Lifeboat"
[ -f "$c/Program Files/Lifeboat/lifeboatw.exe" ] || fail "lifeboatw.exe is not under Program Files\\Lifeboat"
[ -f "$c/ProgramData/Lifeboat/lifeboat.toml" ] || fail "lifeboat.toml is not in %ProgramData%\\Lifeboat"
wine reg query 'HKLM\SYSTEM\CurrentControlSet\Services\lifeboat-sync' | tr -d '\r' >"$work/service" || fail "the service lifeboat-sync is not registered"
grep -qF 'lifeboat.exe --windows-service snapshot --config "C:\ProgramData\Lifeboat\lifeboat.toml"' "$work/service" ||
	fail "the service's command is not snapshot --config: $(grep ImagePath "$work/service")"
grep -qE 'Start\s+REG_DWORD\s+0x2' "$work/service" || fail "the service does not start with Windows"
wine reg query 'HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\Lifeboat' >/dev/null || fail "the event log source is not registered"
# Installing started the service; not set up yet, it stopped at once with
# exit status 2 (no hub in lifeboat.toml), and the install went on.
wait_state STOPPED
[ "$(svc_state)" = "STOPPED 2" ] || fail "the service, not set up yet, ended $(svc_state), not STOPPED 2"
echo "installed: programs, lifeboat.toml, the service (started; not set up: exit status 2), the event log source"

# A PC set up as install.md says (here with no hub to reach, so each step
# fails and the sync goes on): the service runs until it is stopped.
(cd "$c/Program Files/Lifeboat" && LIFEBOAT_PASSPHRASE='a ward passphrase for Wine' LIFEBOAT_SCRYPT_WORK_FACTOR=10 \
	wine ./lifeboat.exe init --data 'C:\ProgramData\Lifeboat\data' --recovery-out 'C:\ProgramData\Lifeboat\it.key' >/dev/null) ||
	fail "lifeboat.exe init failed in the installed programs' folder"
mkdir -p "$c/ProgramData/Lifeboat/secrets"
printf 'a ward passphrase for Wine\n' >"$c/ProgramData/Lifeboat/secrets/ward.pass"
chmod 600 "$c/ProgramData/Lifeboat/secrets/ward.pass" # Wine shows mode 0600 as the owner's alone
printf '%s\n' '# set up by IT' '[kiosk]' "data = 'C:\\ProgramData\\Lifeboat\\data'" \
	"passphrase_file = 'C:\\ProgramData\\Lifeboat\\secrets\\ward.pass'" 'hub = "http://127.0.0.1:9"' 'every = "5s"' \
	>"$c/ProgramData/Lifeboat/lifeboat.toml"
wine sc start lifeboat-sync >/dev/null || fail "sc start lifeboat-sync failed"
wait_state RUNNING
sleep 6 # a step or two
[[ $(svc_state) == RUNNING* ]] || fail "the set-up service stopped: $(svc_state)"
wine sc stop lifeboat-sync >/dev/null || fail "sc stop lifeboat-sync failed"
wait_state STOPPED
[ "$(svc_state)" = "STOPPED 0" ] || fail "the stopped service ended $(svc_state), not STOPPED 0"
echo "the service: runs with IT's settings, stops when told (exit status 0)"

# An upgrade (the same programs as the next version) keeps IT's settings
# and starts the service again.
next="${msi_version%.*}.$((${msi_version##*.} + 1))"
./packaging/windows/msi.sh "$next" next "$work/next.msi" 2>/dev/null || fail "the next version's MSI could not be made"
wine msiexec /i "$work/next.msi" /qn || fail "the upgrade failed"
grep -q '# set up by IT' "$c/ProgramData/Lifeboat/lifeboat.toml" || fail "the upgrade replaced IT's lifeboat.toml"
wait_state RUNNING
installed=$(wine reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall' /s | tr -d '\r' | grep -cE 'DisplayName\s+REG_SZ\s+Lifeboat$' || true)
echo "upgraded to $next: IT's lifeboat.toml kept, the service running again (registered: $installed; Wine's msiexec leaves the replaced version registered, so that a major upgrade's removal is for Windows to show)"

# Removal stops and removes the service and the programs, and keeps IT's
# settings, the secrets and the data folder. (Both versions, for Wine's
# sake; on Windows the first is gone already, and msiexec says so: 1605.)
for m in "$work/next.msi" "$msi"; do
	wine msiexec /x "$m" /qn || [ $? = 1605 ] || fail "msiexec /x failed"
done
[ ! -e "$c/Program Files/Lifeboat/lifeboat.exe" ] || fail "lifeboat.exe is still there after removal"
grep -q '# set up by IT' "$c/ProgramData/Lifeboat/lifeboat.toml" || fail "removal did not keep IT's lifeboat.toml"
[ -f "$c/ProgramData/Lifeboat/secrets/ward.pass" ] || fail "removal touched the secrets"
[ -f "$c/ProgramData/Lifeboat/data/config.json" ] || fail "removal touched the data folder"
if wine reg query 'HKLM\SYSTEM\CurrentControlSet\Services\lifeboat-sync' >/dev/null 2>&1; then
	fail "the service is still registered after removal"
fi
echo "removed: programs and service gone; lifeboat.toml, secrets and data kept"
wineserver -k || true

echo
echo "packaging/windows/check.sh: all checks passed in $((SECONDS - started)) s"
