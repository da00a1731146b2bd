#!/usr/bin/env bash
# The real window, checked in CI: runs the screenshot script under Xvfb
# into a temporary folder (docs/ is left alone) and checks that each
# picture shows a window, not an empty screen, and that unlocking changed
# what it shows. Needs what screenshots.sh needs.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
SHOT_DIR=$dir SCREENSHOT_DISPLAY=${SCREENSHOT_DISPLAY:-95} ./docs/screenshots.sh >"$dir/log" 2>&1 || {
	cat "$dir/log" >&2
	exit 1
}
for shot in unlock census demo-chart chart-mar unlock-nl census-nl \
	codestatus-census-chart news2-chart-census infusion-rate-mar hard-stop; do
	f=$dir/$shot.png
	[ -s "$f" ] || { echo "window check: no $shot picture" >&2; exit 1; }
	colours=$(identify -format '%k' "$f")
	[ "$colours" -gt 50 ] || { echo "window check: the $shot picture is nearly empty ($colours colours)" >&2; exit 1; }
done
# The binary make build stamped says which it is.
./lifeboat version | grep -q '^Built with go1\.[0-9.]* and Fyne v2\.' || { echo "window check: lifeboat version does not name its Go and Fyne" >&2; exit 1; }
./lifeboat version --json | grep -q '"commit":"[0-9a-f]\{40\}"' || { echo "window check: lifeboat version names no commit" >&2; exit 1; }
if cmp -s "$dir/unlock.png" "$dir/census.png"; then
	echo "window check: unlocking did not change the window" >&2
	exit 1
fi
echo "window check: the demo window opened, unlocked and showed the census, a chart and the MAR under Xvfb; the kiosk showed the bedside-safety scenes"
