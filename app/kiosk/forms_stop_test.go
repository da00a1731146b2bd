package kiosk

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"lifeboat/app/present"
	"lifeboat/clinical"
)

// anotherDose fills the dose form with a medication that has no order.
func anotherDose(t *testing.T, k *Kiosk, medication, dose, route string) *entryForm {
	t.Helper()
	f := openForm(t, k, present.RecordDoseButton)
	field[*formSelect](t, f, present.OrderLabel).TypedRune('a')
	test.Type(field[*formEntry](t, f, present.MedicationLabel), medication)
	field[*formSelect](t, f, present.OutcomeLabel).TypedRune('g')
	d := field[*formEntry](t, f, present.DoseLabel)
	test.Type(d, dose)
	test.Type(field[*formEntry](t, f, present.RouteLabel), route)
	enter(k, d)
	return f
}

// witness types the second person and the reason into a hard stop's fields.
func witness(t *testing.T, f *entryForm, name, reason string) {
	t.Helper()
	if f.stop == nil || !f.warnings.Visible() {
		t.Fatalf("no hard stop fields (warnings %q)", warningTexts(f))
	}
	f.stop.witness.SetText("")
	f.stop.reason.SetText("")
	test.Type(f.stop.witness, name)
	test.Type(f.stop.reason, reason)
}

func TestAHardStopNeedsASecondPersonAndAReasonInTheWindow(t *testing.T) {
	for _, c := range []struct {
		name, medication, dose, route string
		stop                          bool   // a hard stop, in red, with the fields
		warning                       string // a part of the warnings
		witness, reason               string
		refusal                       string // what the hard stop's fields say, when Save anyway is refused
		line                          string // a part of the chart's line once saved
	}{
		{name: "penicillin, no witness", medication: "Amoxicillin/clavulanic acid 1 g", dose: "1 g", route: "IV", stop: true,
			warning: "allergy to Penicillin (high criticality): amoxicillin is a penicillin",
			reason:  "tolerated before", refusal: "The witness (the second person's name) is missing."},
		{name: "penicillin, no reason", medication: "Augmentin 1 g", dose: "1 g", route: "IV", stop: true,
			warning: "augmentin is a penicillin", witness: "Dr Claes", refusal: "The reason for giving the dose despite the allergy is missing."},
		{name: "penicillin, witnessed by oneself", medication: "Clamoxyl 1 g", dose: "1 g", route: "IV", stop: true,
			warning: "clamoxyl is a penicillin", witness: "RN Peeters", reason: "tolerated before",
			refusal: "The witness must be a second person, not who records the dose."},
		{name: "penicillin, witnessed", medication: "Amoxicillin/clavulanic acid 1 g", dose: "1 g", route: "IV", stop: true,
			warning: "amoxicillin is a penicillin", witness: "Dr Claes", reason: "tolerated last week, per the physician",
			line: "Amoxicillin/clavulanic acid 1 g · 1 g · IV · given · no order · hard stop witnessed by Dr Claes: tolerated last week, per the physician"},
		{name: "a cephalosporin: cross-reactive, no hard stop", medication: "Cefuroxime 1.5 g", dose: "1.5 g", route: "IV",
			warning: "Possible cross-reactivity with the allergy to Penicillin: cefuroxime is a cephalosporin",
			line:    "Cefuroxime 1.5 g · 1.5 g · IV · given · no order"},
		{name: "paracetamol: no order only", medication: "Dafalgan 1 g", dose: "1 g", route: "oral",
			warning: "This dose has no order", line: "Dafalgan 1 g · 1 g · oral · given · no order"},
	} {
		t.Run(c.name, func(t *testing.T) {
			k, _, _ := chartOfP1(t)
			f := anotherDose(t, k, c.medication, c.dose, c.route)
			w := warningTexts(f)
			if !strings.Contains(w, c.warning) || strings.Contains(w, "⛔") != c.stop || (f.stop != nil) != c.stop {
				t.Fatalf("warnings = %q (%q)", w, f.message.Text)
			}
			if c.stop {
				if !strings.Contains(w, "⛔") || f.stop.head.Text != present.HardStopHead {
					t.Fatalf("warnings = %q", w)
				}
				witness(t, f, c.witness, c.reason)
			}
			tapSave(k, f.anyway)
			all := recorded(t, k)
			if c.refusal != "" {
				if len(all) != 0 || !f.stop.message.Visible() || f.stop.message.Text != c.refusal {
					t.Fatalf("%d entries; the hard stop says %q", len(all), f.stop.message.Text)
				}
				return
			}
			if len(all) != 1 {
				t.Fatalf("%d entries: %q %q", len(all), f.message.Text, warningTexts(f))
			}
			m := all[0].Medication
			if want := (c.witness != ""); (m.Override != nil) != want ||
				(want && *m.Override != (clinical.Override{Witness: c.witness, Reason: c.reason})) {
				t.Fatalf("override = %+v", m.Override)
			}
			if l := k.chart.sections[0].Lines[0]; !strings.Contains(l, c.line) {
				t.Fatalf("chart = %q", l)
			}
		})
	}
}

func TestADoseWithoutAnOrderIsMarkedOnTheMAR(t *testing.T) {
	k, _, _ := chartOfP1(t)
	f := anotherDose(t, k, "Ondansetron 4 mg", "4 mg", "IV")
	if w := warningTexts(f); !strings.Contains(w, "This dose has no order") || len(recorded(t, k)) != 0 {
		t.Fatalf("warnings = %q", w)
	}
	tapSave(k, f.anyway)
	if n := len(recorded(t, k)); n != 1 {
		t.Fatalf("%d entries", n)
	}
	text := tabText(k, present.TabMAR)
	if !strings.Contains(text, present.MAROtherTitle) || !strings.Contains(text, "Ondansetron 4 mg · 4 mg · IV · given · no order") {
		t.Fatalf("the MAR tab:\n%s", text)
	}
}
