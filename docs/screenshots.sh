#!/usr/bin/env bash
# Opens the demo window under Xvfb, unlocks it, opens a chart and takes
# screenshots into docs/ (or $SHOT_DIR): in English, then after switching the unlock
# screen to Dutch. Then the bedside-safety scenes at a ward laptop's
# 1366x768: a made-up ward (docs/scenes/ward.json) is sealed into a data
# folder of its own with the real commands, and the kiosk window is driven
# as a nurse would. Then a reconciliation against the test FHIR server
# (sync/fhirtest): page 1 of a printed pack, the worklist window and page 1
# of the report. Every picture in docs/ must be one this script writes: it
# ends by checking so. Needs: a built ./lifeboat, Xvfb, xdotool,
# imagemagick, pdftoppm (poppler-utils), Node.js with sync/fhirtest/server's
# modules (make fhir-server-deps).
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
scenes=$(mktemp -d)
app= xvfb2= fhir=
cleanup() {
	kill $app $fhir $xvfb $xvfb2 2>/dev/null || true
	wait $app $fhir 2>/dev/null || true
	rm -rf "$prefs" "$scenes"
}
trap cleanup EXIT
export DISPLAY=$display
sleep 1
# wait_window WHAT: waits for the window of $app (up to 30 s) and puts
# its id in $win.
wait_window() {
	win=
	for _ in $(seq 60); do
		win=$(xdotool search --name 'Lifeboat' 2>/dev/null | head -1 || true)
		[ -n "$win" ] && break
		sleep 0.5
	done
	[ -n "$win" ] || { echo "the $1 window did not appear" >&2; exit 1; }
}
./lifeboat demo >/dev/null &
app=$!
wait_window demo
xdotool windowmove "$win" 0 0 windowsize "$win" 1280 860
sleep 2
# The pictures written, by name: the check at the end compares them with
# the folder.
written=()
# The window is sized again before each picture: Fyne may resize it to
# its content (a longer banner in another language).
shot() {
	xdotool windowmove "$win" 0 0 windowsize "$win" 1280 860
	sleep 1
	import -window root "$out/$1.png"
	written+=("$1.png")
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
xdotool mousemove 680 268 click 1
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

# The Vitals tab (Ctrl+3): the set just saved among the trends.
xdotool key ctrl+3
sleep 2
shot chart-vitals

# The Orders and devices tab (Ctrl+7): the orders besides medications,
# the diet, and the lines with when they were put in.
xdotool key ctrl+7
sleep 2
shot chart-orders

# High contrast: the banner's Contrast button, on the Summary tab
# (Ctrl+1); pressed again afterwards, so that the rest is in the usual
# colours.
xdotool key ctrl+1
sleep 1
xdotool mousemove 1125 26 click 1
sleep 2
shot chart-contrast
xdotool mousemove 1125 26 click 1
sleep 2

# The paper MAR sheet: a shift of a paper medication record typed in,
# opened by its button under the chart's header (lower now, under the
# NEWS2 and saved-entry notes); Esc cancels it.
xdotool mousemove 974 386 click 1
sleep 2
shot demo-paper-mar
xdotool key Escape
sleep 1

# Downtime registration: the census's "Register a new patient" button;
# the form opens on the family name (the time is filled in).
xdotool mousemove 511 148 click 1
sleep 2
xdotool type --delay 20 'Doe'
xdotool key Tab
xdotool type --delay 20 'Jane'
sleep 0.5
shot demo-registration
xdotool key Escape
sleep 1

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

# The bedside-safety scenes, in a window of their own at 1366x768.
kill $app
wait $app 2>/dev/null || true
app=

# The ward: sealed from the FHIR file with the real commands, into a data
# folder that is removed afterwards; the NEWS2 vital signs are recorded
# during downtime, minutes ago.
export LIFEBOAT_PASSPHRASE='scene-passphrase'
quiet() {
	"$@" >"$scenes/log" 2>&1 || { cat "$scenes/log" >&2; exit 1; }
}
quiet ./lifeboat init --data "$scenes/data" --recovery-out "$scenes/recovery"
# A copy of the file, so that the data are as of now (a file's data time
# is when it was last modified), not of the last checkout.
cp docs/scenes/ward.json "$scenes/ward.json"
quiet ./lifeboat snapshot --data "$scenes/data" --from "$scenes/ward.json" --all
cat >"$scenes/vitals.json" <<JSON
[{"kind": "vitals", "patient": "p3", "clinicalTime": "$(date -Iseconds -d '-25 minutes')",
  "vitals": {"systolicMmHg": 98, "diastolicMmHg": 60, "heartRatePerMin": 142, "respiratoryRatePerMin": 24,
             "temperatureCel": 39.4, "spo2Percent": 86, "onOxygen": true, "o2FlowLPerMin": 2, "consciousness": "alert"}},
 {"kind": "vitals", "patient": "p1", "clinicalTime": "$(date -Iseconds -d '-20 minutes')",
  "vitals": {"systolicMmHg": 128, "diastolicMmHg": 76, "heartRatePerMin": 96, "respiratoryRatePerMin": 21,
             "temperatureCel": 37.8, "spo2Percent": 95, "onOxygen": false, "consciousness": "alert"}}]
JSON
# Unusual values (a heart rate of 142): --force says they were read.
quiet ./lifeboat record --data "$scenes/data" --json "$scenes/vitals.json" --user 'RN Peeters' --force
unset LIFEBOAT_PASSPHRASE

# Preferences of its own: the demo window above was left in Dutch.
mkdir "$scenes/prefs"
export XDG_CONFIG_HOME=$scenes/prefs
display2=:$((${display#:} + 1))
Xvfb "$display2" -screen 0 1366x768x24 >/dev/null 2>&1 &
xvfb2=$!
export DISPLAY=$display2
sleep 1
# kiosk_at_102A [FLAGS]: the kiosk (again) on the scene ward with FLAGS,
# unlocked by user $nurse, on bed 102-A (DNR 2, NEWS2 14) found by its
# number; the search is then emptied, so that the census shows every row
# beside the chart.
kiosk_at_102A() {
	if [ -n "$app" ]; then
		kill $app 2>/dev/null || true
		wait $app 2>/dev/null || true
	fi
	./lifeboat kiosk --data "$scenes/data" "$@" >/dev/null 2>&1 &
	app=$!
	wait_window kiosk
	xdotool windowmove "$win" 0 0 windowsize "$win" 1366 768
	sleep 2
	xdotool type --delay 20 'scene-passphrase'
	xdotool key Tab
	xdotool type --delay 20 "$nurse"
	xdotool key Return
	sleep 3
	xdotool type --delay 20 '102-A'
	xdotool key Return
	sleep 2
	xdotool key --delay 50 --repeat 6 BackSpace
	sleep 1
}
scene() {
	xdotool windowmove "$win" 0 0 windowsize "$win" 1366 768
	sleep 1
	import -window root "$out/$1.png"
	written+=("$1.png")
	echo "$out/$1.png"
}
nurse='RN Peeters'
kiosk_at_102A
scene codestatus-census-chart
# The Vitals tab (Ctrl+3): NEWS2 14 on the census, the banner and the tab.
xdotool key ctrl+3
sleep 2
scene news2-chart-census

# Bed 101-A: the infusion on the MAR tab (Ctrl+2), scrolled to its rate
# and its doses.
xdotool key ctrl+f
sleep 0.5
xdotool type --delay 20 '101-A'
xdotool key Return
sleep 2
xdotool key --delay 50 --repeat 6 BackSpace
xdotool key ctrl+2
sleep 2
xdotool mousemove 1000 620 click --repeat 6 --delay 100 5
sleep 1
scene infusion-rate-mar

# Record a dose of amoxicillin for her penicillin anaphylaxis, from the
# keyboard: the order "Another medication" (A), its name, Given (G), the
# dose and route; Enter saves, and the hard stop holds it back. Scrolled
# to the hard stop's fields; the witness is typed, the reason not yet.
xdotool mousemove 973 326 click 1
sleep 1.5
xdotool type 'a'
xdotool key Tab
xdotool type --delay 20 'Amoxicillin/clavulanic acid 1 g'
xdotool key Tab
xdotool type 'g'
xdotool key Tab
xdotool type --delay 20 '1 g'
xdotool key Tab
xdotool type --delay 20 'IV'
xdotool key Return
sleep 2
xdotool mousemove 1000 600 click --repeat 5 --delay 100 5
sleep 1
xdotool mousemove 1110 612 click 1
sleep 0.3
xdotool type --delay 20 'Dr Claes'
sleep 0.5
scene hard-stop

# A transfer summary for bed 102-B, from a kiosk opened again (the hard
# stop's form left behind): the chart's "Transfer summary" opens the
# dialog on "Another folder…" (no USB stick is mounted here), the folder
# of the stick typed, in plaintext, said so.
kiosk_at_102A
xdotool key ctrl+f
sleep 0.5
xdotool type --delay 20 '102-B'
xdotool key Return
sleep 2
xdotool mousemove 875 348 click 1
sleep 1.5
xdotool key Tab
xdotool type --delay 20 '/media/nurse/KINGSTON'
sleep 0.5
scene transfer-summary
xdotool key Escape
sleep 0.5

# The same ward in French at 1366x768, then in French with large text
# (the preference the A+ / A− button keeps): the census and the chart of
# bed 102-A, for the French nurses' guide.
nurse='Inf. Peeters'
kiosk_at_102A --lang fr
scene census-chart-fr
mkdir -p "$scenes/prefs/fyne/org.lifeboat.kiosk/window"
echo '{"largeText": true}' >"$scenes/prefs/fyne/org.lifeboat.kiosk/window/preferences.json"
kiosk_at_102A --lang fr
scene census-chart-fr-large
kill $app
wait $app 2>/dev/null || true
app=

# Reconciliation, against the test FHIR server (sync/fhirtest) loaded with
# a synthetic ward of lifeboat gen: the kiosk's snapshot is pulled from it,
# a downtime shift is recorded, and meanwhile the EHR stops an order a dose
# was given on and records an allergy the kiosk recorded too. The run
# pushes what it can and leaves the rest to a person; one decision is
# taken with the recovery key and the run repeated, as IT would.
export LIFEBOAT_PASSPHRASE='scene-passphrase'
quiet ./lifeboat gen --patients 6 --seed 11 --out "$scenes/gen"
mkfifo "$scenes/fhir.in"
# The server ends when its standard input closes: a pipe held open here.
(cd sync/fhirtest/server && exec node server.mjs "$scenes/gen" <"$scenes/fhir.in" >"$scenes/fhir.out" 2>"$scenes/fhir.log") &
fhir=$!
exec 3>"$scenes/fhir.in"
url=
for _ in $(seq 120); do
	url=$(sed -n 's/^listening //p' "$scenes/fhir.out")
	[ -n "$url" ] && break
	sleep 0.5
done
[ -n "$url" ] || { cat "$scenes/fhir.log" >&2; echo "the test FHIR server did not start (make fhir-server-deps)" >&2; exit 1; }
base=${url%/fhir/R4}
quiet ./lifeboat init --data "$scenes/rdata" --recovery-out "$scenes/rkey"
quiet ./lifeboat snapshot --data "$scenes/rdata" --fhir "$url" --all

# Page 1 of a printed pack: the first patient, as lifeboat print writes it.
quiet ./lifeboat print --data "$scenes/rdata" --patient pat-000001 --out "$scenes/pack.pdf"
# page NAME PDF: page 1 of PDF, at 80 dpi.
page() {
	pdftoppm -png -r 80 -f 1 -l 1 -singlefile "$2" "$out/$1"
	written+=("$1.png")
	echo "$out/$1.png"
}
page pack-page1 "$scenes/pack.pdf"

at=$(date -Iseconds -d '-40 minutes')
cat >"$scenes/shift.json" <<JSON
[{"kind": "medication", "patient": "pat-000001", "clinicalTime": "$at",
  "medication": {"outcome": "given", "medication": "Bisoprolol 2.5 mg tablet", "orderId": "mrq-000001-2",
                 "dose": {"value": 2.5, "unit": "mg"}, "route": "oral"}},
 {"kind": "allergy", "patient": "pat-000002", "clinicalTime": "$at",
  "allergy": {"substance": "Codeine", "reaction": "nausea", "severity": "moderate", "criticality": "low"}},
 {"kind": "note", "patient": "pat-000003", "clinicalTime": "$at", "note": {"text": "Comfortable night, no pain."}},
 {"kind": "vitals", "patient": "pat-000004", "clinicalTime": "$at",
  "vitals": {"systolicMmHg": 132, "diastolicMmHg": 78, "heartRatePerMin": 84, "spo2Percent": 96}},
 {"kind": "registration", "clinicalTime": "$at",
  "registration": {"family": "Maes", "given": "Lotte", "sex": "female", "birthDate": "1961-05-02", "ward": "ward-1", "bed": "9"}}]
JSON
./lifeboat record --data "$scenes/rdata" --json "$scenes/shift.json" --user 'RN Peeters' >"$scenes/ids" 2>&1 ||
	{ cat "$scenes/ids" >&2; exit 1; }
allergy=$(grep -E '^[0-9a-f-]{36}$' "$scenes/ids" | sed -n 2p)
# The EHR meanwhile: the order stopped, the same allergy recorded.
put() {
	curl -sf -X POST -H 'Content-Type: application/fhir+json' --data-binary @- "$base/_test/put" >/dev/null
}
grep -h '"id":"mrq-000001-2"' "$scenes/gen/MedicationRequest.ndjson" |
	sed 's/"status":"active"/"status":"stopped"/' | put
put <<JSON
{"resourceType": "AllergyIntolerance", "id": "alg-000002-9", "patient": {"reference": "Patient/pat-000002"},
 "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "code": "active"}]},
 "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "code": "confirmed"}]},
 "code": {"text": "Codeine"}, "criticality": "low", "recordedDate": "$(date -Iseconds -d '-10 minutes')", "recorder": {"display": "Dr Claes"}}
JSON
# reconcile_waiting ARGS: a run that ends with entries waiting for a
# person (exit 8), as this one must.
reconcile_waiting() {
	local code=0
	./lifeboat reconcile --data "$scenes/rdata" --fhir "$url" "$@" >"$scenes/log" 2>&1 || code=$?
	[ "$code" = 8 ] || { cat "$scenes/log" >&2; echo "reconcile: exit $code, want 8" >&2; exit 1; }
}
reconcile_waiting
quiet ./lifeboat reconcile decide --data "$scenes/rdata" --recovery-key "$scenes/rkey" --entry "$allergy" \
	--action skip --reason 'already in the EHR, same reaction' --by 'HIM Janssens'
reconcile_waiting --recovery-key "$scenes/rkey"
quiet ./lifeboat reconcile report --data "$scenes/rdata" --recovery-key "$scenes/rkey" --out "$scenes/report.pdf"
page reconcile-report "$scenes/report.pdf"
unset LIFEBOAT_PASSPHRASE
exec 3>&-
wait $fhir 2>/dev/null || true
fhir=

# The worklist window, unlocked with the recovery key's file by HIM
# Janssens: what the run left for a person.
./lifeboat reconcile worklist --data "$scenes/rdata" >/dev/null 2>&1 &
app=$!
wait_window worklist
xdotool windowmove "$win" 0 0 windowsize "$win" 1366 768
sleep 2
xdotool type --delay 10 "$scenes/rkey"
xdotool key Tab Tab
xdotool type --delay 20 'HIM Janssens'
xdotool key Return
sleep 3
scene worklist

# The hub's readiness board as Chromium draws it (app/board's test, on
# 127.0.0.1): web NAME.
web() {
	FLEET_SHOT="$(cd "$out" && pwd)/$1.png" go test -tags ci -count=1 ./app/board -run '^TestTheBoardInChromium$' >/dev/null
	written+=("$1.png")
	echo "$out/$1.png"
}
web fleet

# Every picture in docs/ is one this script wrote: a picture no scene
# makes any more cannot stay behind, stale.
stale=
for f in "$out"/*.png; do
	name=${f##*/}
	[[ " ${written[*]} " == *" $name "* ]] || { echo "$f: not made by docs/screenshots.sh (remove it, or add its scene)" >&2; stale=1; }
done
[ -z "$stale" ] || exit 1

# What the pictures were taken with: the window's words and these scenes
# (docs/screenshots.sum; a test fails when either changes afterwards).
if [ "$out" = docs ]; then
	UPDATE_SCREENSHOTS=1 go test -count=1 ./app/i18n -run '^TestScreenshotsCurrent$' >/dev/null
	echo docs/screenshots.sum
fi
