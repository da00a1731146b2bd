package synthetic

import (
	"encoding/base64"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestEveryPatientHasAnInProgressEncounterAtABedOnItsWard(t *testing.T) {
	opt := standard
	rs := fixture(t, opt)
	locs := map[string]resource{}
	for _, r := range ofType(rs, "Location") {
		locs["Location/"+r.id()] = r
	}
	wards := map[string]bool{}
	for _, w := range WardIDs(opt) {
		wards["Location/"+w] = true
	}
	beds := map[string]string{}
	for pat, prs := range byPatient(rs) {
		if pat == "" {
			continue
		}
		encs := ofType(prs, "Encounter")
		if len(encs) != 1 {
			t.Fatalf("%s has %d encounters", pat, len(encs))
		}
		e := encs[0].m
		if str(e, "status") != "in-progress" || str(e, "class", "code") != "IMP" {
			t.Fatalf("%s: encounter %s/%s", pat, str(e, "status"), str(e, "class", "code"))
		}
		start := when(t, str(e, "period", "start"))
		if ago := downtime.Sub(start); ago < 0 || ago > 14*24*time.Hour {
			t.Fatalf("%s admitted %v before the as-of time", pat, ago)
		}
		bed := str(e, "location", "0", "location", "reference")
		if str(e, "location", "0", "status") != "active" || str(locs[bed].m, "physicalType", "coding", "0", "code") != "bd" {
			t.Fatalf("%s is not in a bed: %s", pat, bed)
		}
		if other, taken := beds[bed]; taken {
			t.Fatalf("%s and %s share %s", pat, other, bed)
		}
		beds[bed] = pat
		if str(locs[bed].m, "operationalStatus", "code") != "O" {
			t.Fatalf("%s of %s is not occupied", bed, pat)
		}
		ward, hops := bed, 0
		for !wards[ward] {
			if hops++; hops > 3 || locs[ward].m == nil {
				t.Fatalf("%s: the partOf chain of %s does not reach a ward", pat, bed)
			}
			ward = str(locs[ward].m, "partOf", "reference")
		}
		if str(locs[ward].m, "physicalType", "coding", "0", "code") != "wa" ||
			!strings.HasPrefix(str(locs[ward].m, "name"), "Ward ") {
			t.Fatalf("%s is not a ward: %s", ward, locs[ward].raw)
		}
	}
	if len(beds) != opt.Patients {
		t.Fatalf("%d patients in beds", len(beds))
	}
}

func TestAHundredPatientsShowEveryAllergyState(t *testing.T) {
	states := map[string]int{}
	for pat, prs := range byPatient(fixture(t, Options{Patients: 100, Seed: 21, AsOf: downtime})) {
		if pat == "" {
			continue
		}
		allergies := ofType(prs, "AllergyIntolerance")
		switch {
		case len(allergies) == 0:
			states["none recorded"]++
		case len(allergies) == 1 && hasCode(allergies[0].m["code"], "716186003"):
			states["none known"]++
		default:
			states["recorded"]++
			for _, a := range allergies {
				checkAllergy(t, a)
			}
		}
	}
	for state, lo := range map[string]int{"none recorded": 15, "none known": 12, "recorded": 30} {
		if states[state] < lo {
			t.Errorf("%d of 100 patients with allergies %s", states[state], state)
		}
	}
}

func checkAllergy(t *testing.T, a resource) {
	t.Helper()
	if hasCode(a.m["code"], "716186003") {
		t.Fatalf("%s: a no-known-allergy assertion next to real allergies", a.key())
	}
	if str(a.m, "code", "text") == "" || str(a.m, "reaction", "0", "manifestation", "0", "coding", "0", "code") == "" {
		t.Fatalf("%s lacks a substance or a reaction", a.key())
	}
	reaction := str(a.m, "reaction", "0", "manifestation", "0", "coding", "0", "code")
	if (reaction == "39579001" || reaction == "41291007" || reaction == "4386001") && str(a.m, "criticality") != "high" {
		t.Fatalf("%s: a serious reaction with %s criticality", a.key(), str(a.m, "criticality"))
	}
	for _, f := range []string{"type", "criticality", "recordedDate"} {
		if str(a.m, f) == "" {
			t.Fatalf("%s has no %s", a.key(), f)
		}
	}
	if !strings.Contains("active resolved", str(a.m, "clinicalStatus", "coding", "0", "code")) ||
		!strings.Contains("confirmed unconfirmed", str(a.m, "verificationStatus", "coding", "0", "code")) {
		t.Fatalf("%s: statuses %s", a.key(), a.raw)
	}
}

func TestNobodyIsPrescribedAPenicillinTheyAreAllergicTo(t *testing.T) {
	penicillins := []string{"19711", "74169"}
	checked := 0
	for _, prs := range byPatient(fixture(t, standard)) {
		allergic := false
		for _, a := range ofType(prs, "AllergyIntolerance") {
			active := str(a.m, "clinicalStatus", "coding", "0", "code") == "active"
			allergic = allergic || (active && (hasCode(a.m["code"], "764146007") || hasCode(a.m["code"], "372687004")))
		}
		if !allergic {
			continue
		}
		checked++
		for _, m := range ofType(prs, "MedicationRequest") {
			for _, c := range penicillins {
				if hasCode(m.m["medicationCodeableConcept"], c) {
					t.Fatalf("%s is penicillin-allergic and has %s", patientOf(m), str(m.m, "medicationCodeableConcept", "text"))
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no penicillin-allergic patient to check")
	}
}

// physiology are bounds no living adult inpatient's measurement falls out of.
var physiology = map[string][2]float64{
	"8867-4": {30, 220}, "9279-1": {5, 60}, "8480-6": {60, 250}, "8462-4": {30, 150}, "8310-5": {33, 42.5},
	"59408-5": {60, 100}, "72514-3": {0, 10}, "29463-7": {30, 250}, "8302-2": {130, 215},
}

func TestVitalSignsArePlausible(t *testing.T) {
	abnormal := map[string]int{}
	for pat, prs := range byPatient(fixture(t, standard)) {
		if pat == "" {
			continue
		}
		seen := map[string]int{}
		for _, r := range prs {
			if !isVital(r) {
				continue
			}
			code := str(r.m, "code", "coding", "0", "code")
			seen[code]++
			values := map[string]float64{}
			if code == "85354-9" {
				for i := range 2 {
					c := str(r.m, "component", string(rune('0'+i)), "code", "coding", "0", "code")
					values[c], _ = num(r.m, "component", string(rune('0'+i)), "valueQuantity", "value")
				}
				if values["8480-6"] <= values["8462-4"] {
					t.Fatalf("%s: systolic %v not above diastolic %v", r.key(), values["8480-6"], values["8462-4"])
				}
			} else {
				v, ok := num(r.m, "valueQuantity", "value")
				if !ok || str(r.m, "valueQuantity", "system") != sysUCUM {
					t.Fatalf("%s has no UCUM value", r.key())
				}
				values[code] = v
			}
			for c, v := range values {
				b, ok := physiology[c]
				if !ok || v < b[0] || v > b[1] || math.IsNaN(v) {
					t.Fatalf("%s: %s = %v is not plausible", r.key(), c, v)
				}
				switch {
				case c == "8310-5" && v >= 38.0, c == "59408-5" && v < 92, c == "8867-4" && v > 100:
					abnormal[c]++
				}
			}
			if str(r.m, "effectiveDateTime") == "" {
				t.Fatalf("%s has no effectiveDateTime", r.key())
			}
		}
		for _, c := range []string{"8867-4", "9279-1", "85354-9", "8310-5", "59408-5", "72514-3"} {
			if seen[c] == 0 {
				t.Fatalf("%s has no %s", pat, c)
			}
		}
		if seen["29463-7"] != 1 || seen["8302-2"] != 1 {
			t.Fatalf("%s: %d weights and %d heights", pat, seen["29463-7"], seen["8302-2"])
		}
	}
	for _, c := range []string{"8310-5", "59408-5", "8867-4"} {
		if abnormal[c] == 0 {
			t.Errorf("no abnormal %s at all in %d patients", c, standard.Patients)
		}
	}
}

func TestLabInterpretationAgreesWithTheReferenceRange(t *testing.T) {
	total, flagged := 0, 0
	for _, r := range fixture(t, standard) {
		if !isLab(r) {
			continue
		}
		total++
		v, ok1 := num(r.m, "valueQuantity", "value")
		low, ok2 := num(r.m, "referenceRange", "0", "low", "value")
		high, ok3 := num(r.m, "referenceRange", "0", "high", "value")
		if !ok1 || !ok2 || !ok3 || str(r.m, "valueQuantity", "system") != sysUCUM {
			t.Fatalf("%s lacks a UCUM value or a range: %s", r.key(), r.raw)
		}
		flag := str(r.m, "interpretation", "0", "coding", "0", "code")
		var ok bool
		switch {
		case v > high:
			ok = flag == "H" || flag == "HH"
		case v < low:
			ok = flag == "L" || flag == "LL"
		default:
			ok = flag == "N"
		}
		if !ok {
			t.Fatalf("%s: %v against %v-%v is flagged %q", r.key(), v, low, high, flag)
		}
		if flag != "N" {
			flagged++
		}
		if v <= 0 {
			t.Fatalf("%s: impossible value %v", r.key(), v)
		}
	}
	if share := float64(flagged) / float64(total); share < 0.08 || share > 0.5 {
		t.Fatalf("%.0f%% of %d lab results are abnormal", 100*share, total)
	}
}

var routes = map[string]bool{"26643006": true, "47625008": true, "34206005": true, "78421000": true,
	"37161004": true, "46713006": true, "447694001": true}

func TestOrdersCarryWhatTheMARNeeds(t *testing.T) {
	rs := fixture(t, standard)
	orders := map[string]resource{}
	admitted := map[string]time.Time{}
	for _, e := range ofType(rs, "Encounter") {
		admitted[patientOf(e)] = when(t, str(e.m, "period", "start"))
	}
	statuses := map[string]int{}
	for _, m := range ofType(rs, "MedicationRequest") {
		orders["MedicationRequest/"+m.id()] = m
		statuses[str(m.m, "status")]++
		d := get(m.m, "dosageInstruction", "0")
		if str(m.m, "intent") != "order" || str(d, "text") == "" || !routes[str(d, "route", "coding", "0", "code")] ||
			str(d, "doseAndRate", "0", "doseQuantity", "system") != sysUCUM || str(m.m, "authoredOn") == "" {
			t.Fatalf("%s is incomplete: %s", m.key(), m.raw)
		}
		if str(m.m, "medicationCodeableConcept", "coding", "0", "system") != sysRxNorm {
			t.Fatalf("%s is not RxNorm coded", m.key())
		}
		rep := get(d, "timing", "repeat")
		start := when(t, str(rep, "boundsPeriod", "start"))
		if start.Before(admitted[patientOf(m)]) {
			t.Fatalf("%s starts before the admission", m.key())
		}
		if (str(m.m, "status") == "stopped") != (str(rep, "boundsPeriod", "end") != "") {
			t.Fatalf("%s: status %s with end %q", m.key(), str(m.m, "status"), str(rep, "boundsPeriod", "end"))
		}
		prn := strings.Contains(str(d, "text"), "as needed")
		if prn != (str(d, "asNeededCodeableConcept", "text") != "") {
			t.Fatalf("%s: as-needed text and reason disagree", m.key())
		}
		if f, _ := num(rep, "frequency"); f < 1 || str(rep, "periodUnit") == "" {
			t.Fatalf("%s has no frequency", m.key())
		}
	}
	for _, s := range []string{"active", "on-hold", "stopped"} {
		if statuses[s] == 0 {
			t.Errorf("no %s orders", s)
		}
	}
	notDone := 0
	for _, a := range ofType(rs, "MedicationAdministration") {
		o, ok := orders[str(a.m, "request", "reference")]
		if !ok || patientOf(o) != patientOf(a) {
			t.Fatalf("%s belongs to no order of its patient", a.key())
		}
		at := when(t, str(a.m, "effectiveDateTime"))
		start := when(t, str(o.m, "dosageInstruction", "0", "timing", "repeat", "boundsPeriod", "start"))
		if at.Before(start) || at.After(downtime) || downtime.Sub(at) > 49*time.Hour {
			t.Fatalf("%s at %s: outside its order and the last 48 hours", a.key(), at)
		}
		switch str(a.m, "status") {
		case "completed":
			if _, ok := num(a.m, "dosage", "dose", "value"); !ok {
				t.Fatalf("%s was given without a dose", a.key())
			}
		case "not-done":
			notDone++
			if str(a.m, "statusReason", "0", "text") == "" {
				t.Fatalf("%s not done without a reason", a.key())
			}
		default:
			t.Fatalf("%s: status %s", a.key(), str(a.m, "status"))
		}
	}
	if notDone == 0 {
		t.Error("no dose was ever refused or held")
	}
}

func TestFlagsNotesAndProblemsAreThereInRealisticShares(t *testing.T) {
	count := map[string]int{}
	for pat, prs := range byPatient(fixture(t, standard)) {
		if pat == "" {
			continue
		}
		for _, f := range ofType(prs, "Flag") {
			switch c := f.m["code"]; {
			case hasCode(c, "304253006"):
				count["dnr"]++
			case hasCode(c, "304252001"):
				count["full code"]++
			case hasCode(c, "129839007"):
				count["fall risk"]++
			case strings.Contains(strings.ToLower(str(c, "text")), "isolation"):
				count["isolation"]++
			default:
				t.Fatalf("%s: unknown flag %s", f.key(), f.raw)
			}
		}
		if len(ofType(prs, "Condition")) == 0 {
			count["no problems"]++
		}
		var notes []resource
		for _, n := range ofType(prs, "DocumentReference") {
			if !strings.HasPrefix(n.id(), "advdoc-") { // an advance directive, not a note
				notes = append(notes, n)
			}
		}
		if len(notes) < 1 || len(notes) > 4 {
			t.Fatalf("%s has %d notes", pat, len(notes))
		}
		for _, n := range notes {
			text, err := base64.StdEncoding.DecodeString(str(n.m, "content", "0", "attachment", "data"))
			if err != nil || len(text) < 20 || !utf8.Valid(text) || str(n.m, "author", "0", "display") == "" {
				t.Fatalf("%s: bad note %q (%v)", n.key(), text, err)
			}
			if downtime.Sub(when(t, str(n.m, "date"))) > 49*time.Hour {
				t.Fatalf("%s is older than 48 hours", n.key())
			}
		}
	}
	// Shares of 150 patients: DNR ~25%, full code ~65%, fall risk ~20%,
	// isolation ~8%, no problems recorded ~5%.
	for what, r := range map[string][2]int{"dnr": {20, 60}, "full code": {70, 125}, "fall risk": {12, 55},
		"isolation": {2, 28}, "no problems": {1, 20}} {
		if count[what] < r[0] || count[what] > r[1] {
			t.Errorf("%d of %d patients with %s, expected %d-%d", count[what], standard.Patients, what, r[0], r[1])
		}
	}
}
