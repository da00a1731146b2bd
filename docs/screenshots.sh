#!/usr/bin/env bash
# Opens the demo window under Xvfb, unlocks it, opens a chart and takes
# screenshots into docs/ (or $SHOT_DIR): in English, then after switching the unlock
# screen to Dutch. Needs: a built ./lifeboat, Xvfb, xdotool, imagemagick.
set -euo pipefail
cd "$(dirname "$0")/.."
export LANG=C.UTF-8 LC_ALL=C.UTF-8
# The window's preferences (language, large text) go to a folder of their
# own: the pictures do not depend on, nor change, the preferences of
# whoever runs this.
out=${SHOT_DIR:-docs}
prefs=$(mktemp -d)
export XDG_CONFIG_HOME=$prefs
display=:${SCREENSHOT_DISPLAY:-97}
Xvfb "$display" -screen 0 1280x860x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $app $xvfb 2>/dev/null || true; wait $app 2>/dev/null || true; rm -rf "$prefs"' EXIT
export DISPLAY=$display
sleep 1
./lifeboat demo >/dev/null &
app=$!

# Wait for the window.
for _ in $(seq 60); do
	win=$(xdotool search --name 'Lifeboat' 2>/dev/null | head -1 || true)
	[ -n "$win" ] && break
	sleep 0.5
done
[ -n "$win" ] || { echo "the demo window did not appear" >&2; exit 1; }
xdotool windowmove "$win" 0 0 windowsize "$win" 1280 860
sleep 2
# The window is sized again before each picture: Fyne may resize it to
# its content (a longer banner in another language).
shot() {
	xdotool windowmove "$win" 0 0 windowsize "$win" 1280 860
	sleep 1
	import -window root "$out/$1.png"
	echo "$out/$1.png"
}


shot unlock
# The passphrase field has the focus; type it, then the user's name.
xdotool type --delay 20 'lifeboat-demo'
xdotool key Tab
xdotool type --delay 20 'RN Demo'
xdotool key Return
sleep 3
shot census
# Type a bed number, as a nurse would: one match opens on Enter.
xdotool type --delay 20 '103-A'
xdotool key Return
sleep 2
shot demo-chart

# Record a vital-signs set from the keyboard: the form opens on blood
# pressure; Enter saves, and the entry shows first in the chart.
xdotool mousemove 565 267 click 1
sleep 1
shot demo-form
xdotool type --delay 20 '128/76'
xdotool key Tab
xdotool type --delay 20 '88'
xdotool key Return
sleep 2
shot demo-recorded

# The Medications / MAR tab (Ctrl+2).
xdotool key ctrl+2
sleep 2
shot chart-mar

# Lock (Ctrl+L), then choose Nederlands on the unlock screen from the
# keyboard: Shift+Tab from the passphrase goes back over Français to
# Nederlands, Space presses it; the focus stays on it, and Tab goes on
# over Français to the passphrase.
xdotool key ctrl+l
sleep 1
xdotool key shift+Tab shift+Tab space
sleep 1
shot unlock-nl
xdotool key Tab Tab
xdotool type --delay 20 'lifeboat-demo'

xdotool key Tab
xdotool type --delay 20 'VPK Demo'
xdotool key Return
sleep 3
shot census-nl
xdotool type --delay 20 '103-A'
xdotool key Return
sleep 2
shot chart-nl
