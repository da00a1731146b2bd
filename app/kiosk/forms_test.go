package kiosk

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/present"
	"lifeboat/app/ui/uitest"
	"lifeboat/clinical"
	"lifeboat/store"
)

// formWard seals a ward whose first patient, allergic to penicillin, has
// orders in every state (listed out of order): stopped, on hold, and two
// active ones, one of them a penicillin.
func formWard(t *testing.T, asOf time.Time) string {
	t.Helper()
	patient := func(id, name, mrn string) clinical.Patient {
		return clinical.Patient{ID: id, Name: name, BirthDate: "1950-06-01", Sex: "female", Bed: "101-A",
			Identifiers: []clinical.Identifier{{Value: mrn, Type: "MR"}}, Source: src("Patient", id)}
	}
	order := func(id, name, status, dose, route string) clinical.Medication {
		return clinical.Medication{Name: name, Status: status, Dose: dose, Route: route, Dosage: dose + " " + route,
			Source: src("MedicationRequest", id)}
	}
	charts := []clinical.Chart{
		{Patient: patient("p1", "Janssens, An", "MRN001"),
			Allergies: clinical.Section[clinical.Allergy]{Items: []clinical.Allergy{{Substance: "Penicillin", Criticality: "high",
				ClinicalStatus: "active", Source: src("AllergyIntolerance", "a1")}}},
			Medications: clinical.Section[clinical.Medication]{Items: []clinical.Medication{
				order("m3", "Morphine 10 mg/ml injection", "stopped", "5 mg", "subcutaneous"),
				order("m2", "Enoxaparin 40 mg injection", "on-hold", "40 mg", "subcutaneous"),
				order("m1", "Paracetamol 1 g tablet", "active", "1 g", "oral"),
				order("m4", "Penicillin V 500 mg tablet", "active", "500 mg", "oral"),
				{Name: "Aspirin 80 mg (at home)", Status: "active", Source: src("MedicationStatement", "s1")},
			}}},
		{Patient: patient("p2", "Dubois, Claire", "MRN002")},
	}
	return sealedWard(t, asOf, 0, charts...)
}

// chartOfP1 unlocks a kiosk on a form ward as RN Peeters and opens the
// first patient's chart.
func chartOfP1(t *testing.T) (*Kiosk, string, time.Time) {
	t.Helper()
	now := time.Now()
	dir := formWard(t, now.Add(-time.Hour))
	k := kioskOn(t, dir, now)
	unlockWith(k, passphrase, "RN Peeters")
	k.openPatient("p1")
	return k, dir, now
}

// openForm taps the button of the chart's row with this label.
func openForm(t *testing.T, k *Kiosk, label string) *entryForm {
	t.Helper()
	for _, b := range k.chart.forms.buttons {
		if b.Text == label {
			test.Tap(b)
			if k.chart.forms.open == nil {
				t.Fatalf("%q opened no form", label)
			}
			return k.chart.forms.open
		}
	}
	t.Fatalf("no button %q", label)
	return nil
}

// field is the form's field with this label.
func field[T any](t *testing.T, f *entryForm, label string) T {
	t.Helper()
	for i := 0; i+1 < len(f.fields.Objects); i += 2 {
		if l := f.fields.Objects[i].(*widget.Label); l.Text == label {
			return f.fields.Objects[i+1].(T)
		}
	}
	t.Fatalf("no field %q", label)
	var zero T
	return zero
}

func enter(k *Kiosk, into interface{ TypedKey(*fyne.KeyEvent) }) {
	into.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	uitest.Settle(k.work.Wait)
}

func tapSave(k *Kiosk, b *formButton) {
	test.Tap(b)
	uitest.Settle(k.work.Wait)
}

func recorded(t *testing.T, k *Kiosk) []store.JournalEntry {
	t.Helper()
	all, err := k.journal.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return all
}

func warningTexts(f *entryForm) string {
	if !f.warnings.Visible() {
		return ""
	}
	var out []string
	for _, o := range f.warnings.Objects {
		if l, ok := o.(*widget.Label); ok {
			out = append(out, l.Text)
		}
	}
	return strings.Join(out, "\n")
}

func TestAVitalSignsSetIsSavedAndShownFirstInTheChartAndAudited(t *testing.T) {
	k, dir, now := chartOfP1(t)
	f := openForm(t, k, present.RecordVitalsButton)
	when := field[*formEntry](t, f, present.TimeLabel)
	if when.Text != now.Format("02/01/2006 15:04") {
		t.Fatalf("the time is %q, not now", when.Text)
	}
	// Focus starts on the blood pressure; Tab goes down the form.
	c := k.win.Canvas()
	order := []string{present.BloodPressure, present.HeartRate, present.RespiratoryRate, present.TemperatureLabel,
		present.SpO2Label, present.PainLabel}
	for i, label := range order {
		if i > 0 {
			test.FocusNext(c)
		}
		if c.Focused() != field[*formEntry](t, f, label) {
			t.Fatalf("focus is not on %q after %d Tabs", label, i)
		}
	}
	test.Type(field[*formEntry](t, f, present.BloodPressure), "120/80")
	test.Type(field[*formEntry](t, f, present.HeartRate), "72")
	test.Type(field[*formEntry](t, f, present.TemperatureLabel), "37,2")
	spo2 := field[*formEntry](t, f, present.SpO2Label)
	test.Type(spo2, "97")
	enter(k, spo2)

	all := recorded(t, k)
	if len(all) != 1 || k.chart.forms.open != nil {
		t.Fatalf("%d entries, form still open: %v (%q)", len(all), k.chart.forms.open != nil, f.message.Text)
	}
	e := all[0]
	if e.Kind != clinical.KindVitals || e.Author != "RN Peeters" || e.Patient != "p1" || *e.Vitals.Temperature != 37.2 ||
		e.Vitals.RespiratoryRate != nil || !slices.ContainsFunc(e.BasedOn, func(v clinical.Version) bool { return v.Type == "Patient" }) {
		t.Fatalf("entry = %+v", e)
	}
	line := k.chart.sections[0].Lines[0]
	if !strings.Contains(line, "BP 120/80 mmHg · HR 72 /min · T 37.2 °C · SpO2 97 %") ||
		!strings.Contains(line, "RN Peeters, entered "+present.DateTime(now)) {
		t.Fatalf("the chart shows %q", line)
	}
	if !strings.HasPrefix(k.chart.forms.saved, "Saved: BP 120/80") {
		t.Fatalf("notice = %q", k.chart.forms.saved)
	}

	k.Lock()
	keys, err := store.Unlock(dir, passphrase)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if rep, err := store.ExportAudit(dir, keys, &out, "jsonl"); err != nil || !rep.Intact() {
		t.Fatalf("report %+v, %v", rep, err)
	}
	if !strings.Contains(out.String(), `"actor":"RN Peeters","action":"`+store.AuditRecordEntry+`","subject":"`+e.ID+`"`) {
		t.Fatalf("the trail lacks the entry:\n%s", out.String())
	}
}

func TestAnImpossibleSpO2IsRefusedWithItsSentenceAndNothingRecorded(t *testing.T) {
	k, _, _ := chartOfP1(t)
	f := openForm(t, k, present.RecordVitalsButton)
	spo2 := field[*formEntry](t, f, present.SpO2Label)
	test.Type(spo2, "140")
	enter(k, spo2)
	if f.message.Text != "The SpO2 must be from 0 to 100 %." || !f.message.Visible() {
		t.Fatalf("message = %q", f.message.Text)
	}
	if n := len(recorded(t, k)); n != 0 || k.chart.forms.open != f || spo2.Text != "140" {
		t.Fatalf("%d entries recorded; form open %v; typed %q", n, k.chart.forms.open == f, spo2.Text)
	}
	// What cannot be read at all is said too.
	spo2.SetText("")
	when := field[*formEntry](t, f, present.TimeLabel)
	when.SetText("yesterday")
	enter(k, when)
	if f.message.Text != present.TimeFormat || len(recorded(t, k)) != 0 {
		t.Fatalf("message = %q", f.message.Text)
	}
}

func TestAnUnusualValueIsSavedOnlyAfterSaveAnyway(t *testing.T) {
	k, _, _ := chartOfP1(t)
	f := openForm(t, k, present.RecordVitalsButton)
	hr := field[*formEntry](t, f, present.HeartRate)
	test.Type(hr, "140")
	enter(k, hr)
	if w := warningTexts(f); !strings.Contains(w, "The heart rate of 140 /min is unusually high (above 130).") {
		t.Fatalf("warnings = %q", w)
	}
	enter(k, hr) // Enter again is not "Save anyway"
	if n := len(recorded(t, k)); n != 0 {
		t.Fatalf("%d entries recorded before Save anyway", n)
	}
	// Changing a value withdraws the warnings it was about.
	hr.SetText("150")
	if f.warnings.Visible() {
		t.Fatal("the warnings stayed after the value changed")
	}
	enter(k, hr)
	tapSave(k, f.anyway)
	all := recorded(t, k)
	if len(all) != 1 || *all[0].Vitals.HeartRate != 150 || k.chart.forms.open != nil {
		t.Fatalf("%d entries after Save anyway", len(all))
	}
}

func TestEscapeCancelsANoteAndEnterSavesIt(t *testing.T) {
	k, _, _ := chartOfP1(t)
	f := openForm(t, k, present.WriteNoteButton)
	text := field[*formEntry](t, f, present.NoteLabel)
	if k.win.Canvas().Focused() != text {
		t.Fatal("the note form does not start on the note")
	}
	test.Type(text, "Not this one.")
	text.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if k.chart.forms.open != nil || k.chart.body.Objects[0] != k.chart.sectionsView || len(recorded(t, k)) != 0 {
		t.Fatal("Escape did not put the chart back, or recorded something")
	}
	for _, b := range k.chart.forms.buttons {
		if b.Disabled() {
			t.Fatalf("%q stayed disabled", b.Text)
		}
	}

	f = openForm(t, k, present.WriteNoteButton)
	text = field[*formEntry](t, f, present.NoteLabel)
	test.Type(text, "Confused at night.")
	text.KeyDown(&fyne.KeyEvent{Name: "LeftShift"})
	text.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	text.KeyUp(&fyne.KeyEvent{Name: "LeftShift"})
	test.Type(text, "Bed rails up.")
	if text.Text != "Confused at night.\nBed rails up." {
		t.Fatalf("Shift+Enter did not start a new line: %q", text.Text)
	}
	enter(k, text)
	if all := recorded(t, k); len(all) != 1 || all[0].Note.Text != "Confused at night.\nBed rails up." {
		t.Fatalf("%d entries: %q", len(all), f.message.Text)
	}
}

func TestAFormLeftForAnotherChartIsKept(t *testing.T) {
	k, _, _ := chartOfP1(t)
	f := openForm(t, k, present.RecordVitalsButton)
	test.Type(field[*formEntry](t, f, present.HeartRate), "72")
	k.openPatient("p2")
	if k.chart.forms.open != nil || k.chart.forms.drafts["p1"] != f {
		t.Fatal("the form was not kept")
	}
	k.openPatient("p1")
	if k.chart.forms.open != f || field[*formEntry](t, f, present.HeartRate).Text != "72" {
		t.Fatal("the form did not come back with its chart")
	}
}

func TestAJournalThatFailsSaysNotSavedAndKeepsWhatWasTyped(t *testing.T) {
	k, _, _ := chartOfP1(t)
	f := openForm(t, k, present.WriteNoteButton)
	text := field[*formEntry](t, f, present.NoteLabel)
	test.Type(text, "Fell at 03:00, no injury.")
	k.journal.Close() // the journal fails under the form
	enter(k, text)
	if !strings.HasPrefix(f.message.Text, "NOT saved") || k.chart.forms.open != f || text.Text != "Fell at 03:00, no injury." {
		t.Fatalf("message = %q", f.message.Text)
	}
	if strings.Contains(k.chart.forms.saved, "Saved") {
		t.Fatal("said saved")
	}
}

func TestWithoutAJournalTheFormButtonsAreDisabledWithTheReason(t *testing.T) {
	k, _, _ := chartOfP1(t)
	k.journal.Close()
	k.journal = nil
	k.openPatient("p1")
	if len(k.chart.forms.buttons) != 9 {
		t.Fatalf("%d buttons", len(k.chart.forms.buttons))
	}
	for _, b := range k.chart.forms.buttons {
		if !b.Disabled() {
			t.Fatalf("%q is enabled without a journal", b.Text)
		}
	}
	test.Tap(k.census.register)
	if k.chart.forms.open != nil {
		t.Fatal("a registration opened without a journal")
	}
	if !showsText(k.chart.content, "the downtime journal could not be read. Use the paper") {
		t.Fatal("the reason is not shown")
	}
}

func TestAnUntouchedFormIsDroppedAndLockWorksFromAField(t *testing.T) {
	k, _, _ := chartOfP1(t)
	openForm(t, k, present.RecordVitalsButton)
	k.openPatient("p2")
	if len(k.chart.forms.drafts) != 0 {
		t.Fatal("a form nothing was typed in was kept")
	}
	k.openPatient("p1")
	if k.chart.forms.open != nil {
		t.Fatal("an empty form came back")
	}
	f := openForm(t, k, present.WriteNoteButton)
	field[*formEntry](t, f, present.NoteLabel).TypedShortcut(lockShortcut)
	if k.Unlocked() {
		t.Fatal("Ctrl+L in a form did not lock")
	}
}
