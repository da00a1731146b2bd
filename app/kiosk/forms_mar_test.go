package kiosk

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/present"
	"lifeboat/clinical"
)

// marWard seals one patient allergic to penicillin, on ward 4B, whose
// active orders are paracetamol every 6 h, penicillin V at 08:00 and
// 14:00, lactulose at 08:00 with a dose range, and oxycodone as needed;
// enoxaparin is on hold.
func marWard(t *testing.T, asOf time.Time) string {
	t.Helper()
	order := func(id, name, status, dose, route string, timing clinical.Timing) clinical.Medication {
		return clinical.Medication{Name: name, Status: status, Dose: dose, Route: route, Dosage: dose + " " + route,
			Timing: timing, Source: src("MedicationRequest", id)}
	}
	oxy := order("m5", "Oxycodone 5 mg capsule", "active", "5 mg", "oral", clinical.Timing{Frequency: 1, Period: 4, PeriodUnit: "h"})
	oxy.PRN = true
	charts := []clinical.Chart{{
		Patient: clinical.Patient{ID: "p1", Name: "Janssens, An", BirthDate: "1950-06-01", Sex: "female", Ward: "ward-4b",
			WardName: "4B Internal medicine", Bed: "101-A", Identifiers: []clinical.Identifier{{Value: "MRN001", Type: "MR"}},
			Source: src("Patient", "p1")},
		Allergies: clinical.Section[clinical.Allergy]{Items: []clinical.Allergy{{Substance: "Penicillin", Criticality: "high",
			ClinicalStatus: "active", Source: src("AllergyIntolerance", "a1")}}},
		Medications: clinical.Section[clinical.Medication]{Items: []clinical.Medication{
			order("m1", "Paracetamol 1 g tablet", "active", "1 g", "oral", clinical.Timing{Frequency: 1, Period: 6, PeriodUnit: "h"}),
			order("m2", "Enoxaparin 40 mg injection", "on-hold", "40 mg", "subcutaneous", clinical.Timing{TimesOfDay: []string{"08:00"}}),
			order("m4", "Penicillin V 500 mg tablet", "active", "500 mg", "oral", clinical.Timing{TimesOfDay: []string{"08:00", "14:00"}}),
			order("m6", "Lactulose syrup", "active", "10-20 ml", "oral", clinical.Timing{TimesOfDay: []string{"08:00"}}),
			oxy,
		}},
	}}
	return sealedWard(t, asOf, 0, charts...)
}

// sheetOf opens the paper MAR sheet of p1 for yesterday's 07–15 shift.
func sheetOf(t *testing.T) (*Kiosk, *entryForm, *marSheet, time.Time) {
	t.Helper()
	now := time.Now()
	k := kioskOn(t, marWard(t, now.Add(-time.Hour)), now)
	unlockWith(k, passphrase, "RN Peeters")
	k.openPatient("p1")
	f := openForm(t, k, present.PaperMARButton)
	yesterday := now.AddDate(0, 0, -1)
	date := field[*formEntry](t, f, present.SheetDateLabel)
	date.SetText(yesterday.Format("02/01/2006"))
	field[*formSelect](t, f, present.ShiftLabel).SetSelectedIndex(0)
	cells := findCells(f)
	if len(cells) == 0 {
		t.Fatal("yesterday's morning shift has no cells")
	}
	return k, f, cells[0].sheet, yesterday
}

func findCells(f *entryForm) []*marCell {
	var out []*marCell
	walk(f.extra, func(o fyne.CanvasObject) {
		if c, ok := o.(*marCell); ok {
			out = append(out, c)
		}
	})
	return out
}

// cell is the sheet's cell of the order named so, at hh:mm.
func cell(t *testing.T, s *marSheet, order, hhmm string) *marCell {
	t.Helper()
	for _, row := range s.cells {
		for _, c := range row {
			if c != nil && strings.HasPrefix(c.order.Name, order) && present.Clock(c.at) == hhmm {
				return c
			}
		}
	}
	t.Fatalf("no cell for %s at %s", order, hhmm)
	return nil
}

func TestThePaperMARSheetHasARowPerActiveOrderAndACellPerDoseDue(t *testing.T) {
	_, f, s, _ := sheetOf(t)
	var rows []string
	for _, m := range s.orders {
		rows = append(rows, m.Name)
	}
	if want := []string{"Paracetamol 1 g tablet", "Penicillin V 500 mg tablet", "Lactulose syrup", "Oxycodone 5 mg capsule"}; !slices.Equal(rows, want) {
		t.Fatalf("rows = %q", rows)
	}
	var columns []string
	for _, c := range s.times {
		columns = append(columns, present.Clock(c))
	}
	if !slices.Equal(columns, []string{"08:00", "12:00", "14:00"}) {
		t.Fatalf("columns = %q", columns)
	}
	// Paracetamol at 12:00; penicillin at 08:00 and 14:00; lactulose at
	// 08:00; oxycodone has no fixed times.
	due := map[string]bool{}
	for _, c := range findCells(f) {
		due[c.order.Name[:4]+" "+present.Clock(c.at)] = true
	}
	if len(due) != 4 || !due["Para 12:00"] || !due["Peni 08:00"] || !due["Peni 14:00"] || !due["Lact 08:00"] {
		t.Fatalf("cells = %v", due)
	}
	if !showsText(f.content, present.NoFixedTimes) {
		t.Fatal("the as-needed order does not say why it has no cells")
	}
}

func TestTheSheetMovesWithArrowsAndTab(t *testing.T) {
	k, f, s, _ := sheetOf(t)
	c := k.win.Canvas()
	c.Focus(field[*formEntry](t, f, present.SignedByLabel))
	test.FocusNext(c)
	para := cell(t, s, "Paracetamol", "12:00")
	if c.Focused() != para {
		t.Fatalf("Tab from the signer goes to %T, not the first cell", c.Focused())
	}
	test.FocusNext(c)
	pen8 := cell(t, s, "Penicillin", "08:00")
	if c.Focused() != pen8 {
		t.Fatal("Tab does not go along the sheet")
	}
	key := func(name fyne.KeyName) { c.Focused().(*marCell).TypedKey(&fyne.KeyEvent{Name: name}) }
	key(fyne.KeyDown)
	if c.Focused() != cell(t, s, "Lactulose", "08:00") {
		t.Fatal("Down does not go to the cell below")
	}
	key(fyne.KeyUp)
	key(fyne.KeyUp) // nothing due above at 08:00
	if c.Focused() != pen8 {
		t.Fatal("Up does not go to the cell above, or leaves the sheet")
	}
	test.Type(pen8, "R")
	key(fyne.KeyRight) // at the end of the text: the next cell
	if c.Focused() != cell(t, s, "Penicillin", "14:00") {
		t.Fatal("Right at the end of a cell does not go to the next")
	}
	key(fyne.KeyLeft)
	key(fyne.KeyLeft) // inside "R": the cursor moves first
	if c.Focused() != pen8 {
		t.Fatal("Left did not come back")
	}
	key(fyne.KeyLeft)
	if c.Focused() != para {
		t.Fatal("Left at the start of a cell does not go to the previous one")
	}
}

func TestTheSheetRefusesAtomicallyAndOutlinesTheCell(t *testing.T) {
	k, f, s, day := sheetOf(t)
	para, pen8, pen14, lact := cell(t, s, "Paracetamol", "12:00"), cell(t, s, "Penicillin", "08:00"),
		cell(t, s, "Penicillin", "14:00"), cell(t, s, "Lactulose", "08:00")
	test.Type(para, "G")
	enter(k, para)
	if f.message.Text != present.SheetSignedBy {
		t.Fatalf("message = %q", f.message.Text)
	}
	test.Type(field[*formEntry](t, f, present.SignedByLabel), "RN Claes")
	test.Type(pen8, "R") // no reason
	test.Type(pen14, "h nil by mouth")
	enter(k, para)
	if f.message.Text != "Penicillin V 500 mg tablet at 08:00: a refused dose needs the reason." || !pen8.wrong || para.wrong ||
		k.win.Canvas().Focused() != pen8 {
		t.Fatalf("message = %q; outlined %v %v", f.message.Text, pen8.wrong, para.wrong)
	}
	if n := len(recorded(t, k)); n != 0 {
		t.Fatalf("%d entries recorded from a sheet with a wrong cell", n)
	}
	// Typing in the cell takes the outline away.
	test.Type(pen8, " nauseous")
	if pen8.wrong {
		t.Fatal("the outline stayed after the cell changed")
	}
	test.Type(lact, "X")
	enter(k, para)
	if f.message.Text != "Lactulose syrup at 08:00: "+present.CellFormat+"." || !lact.wrong {
		t.Fatalf("message = %q", f.message.Text)
	}
	lact.SetText("G")
	enter(k, para)
	if !strings.HasPrefix(f.message.Text, "Lactulose syrup at 08:00: the order's dose “10-20 ml” is not one amount") || !lact.wrong {
		t.Fatalf("message = %q", f.message.Text)
	}
	lact.SetText("")
	if n := len(recorded(t, k)); n != 0 {
		t.Fatalf("%d entries recorded", n)
	}

	// A dose of penicillin given warns of the allergy, naming the cell;
	// Save anyway saves the three filled cells at once.
	pen14.SetText("G")
	enter(k, para)
	if w := warningTexts(f); !strings.Contains(w, "Penicillin V 500 mg tablet at 14:00: hard stop: allergy to Penicillin") {
		t.Fatalf("warnings = %q (%q)", w, f.message.Text)
	}
	witness(t, f, "RN Janssens", "the physician confirmed it")
	tapSave(k, f.anyway)
	all := recorded(t, k)
	if len(all) != 3 || k.chart.forms.open != nil {
		t.Fatalf("%d entries: %q", len(all), f.message.Text)
	}
	y, m, d := day.Date()
	at := func(h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.Local) }
	want := map[string]struct {
		at      time.Time
		outcome string
	}{"m1": {at(12), clinical.OutcomeGiven}, "m4@8": {at(8), clinical.OutcomeRefused}, "m4@14": {at(14), clinical.OutcomeGiven}}
	for _, e := range all {
		key := e.Medication.OrderID
		if key == "m4" {
			key += "@" + strings.TrimPrefix(e.ClinicalTime.Format("15"), "0")
		}
		w, ok := want[key]
		if !ok || !e.ClinicalTime.Equal(w.at) || e.Medication.Outcome != w.outcome || e.Transcription == nil ||
			*e.Transcription != (clinical.Transcription{By: "RN Peeters", FromPaperSignedBy: "RN Claes"}) {
			t.Fatalf("entry %s = %+v at %v, %+v", key, e.Medication, e.ClinicalTime, e.Transcription)
		}
		delete(want, key)
	}
	if all[0].Medication.Dose == nil || *all[0].Medication.Dose != (clinical.Quantity{Value: 1, Unit: "g"}) {
		t.Fatalf("paracetamol dose = %+v", all[0].Medication.Dose)
	}
	if n := k.chart.forms.saved; n != "Saved: 3 administrations from the paper MAR signed by RN Claes ("+day.Format("02/01/2006")+" 07:00–15:00)." {
		t.Fatalf("notice = %q", n)
	}
	if s := k.chart.sections[0]; len(s.Lines) != 3 || !strings.Contains(s.Lines[0], "transcribed by RN Peeters from paper signed by RN Claes") {
		t.Fatalf("chart = %q", s.Lines)
	}

	// Every entry is in the audit trail.
	k.Lock()
	trail := exportedTrail(t, k.opt.Dir)
	for _, e := range all {
		if !strings.Contains(trail, `"subject":"`+e.ID+`"`) {
			t.Fatalf("the trail lacks entry %s", e.ID)
		}
	}
}

func TestASheetTypedTwiceWarnsOfTheSameDoseAndAFutureCellIsRefused(t *testing.T) {
	k, f, s, _ := sheetOf(t)
	test.Type(field[*formEntry](t, f, present.SignedByLabel), "RN Claes")
	para := cell(t, s, "Paracetamol", "12:00")
	test.Type(para, "G")
	enter(k, para)
	if n := len(recorded(t, k)); n != 1 {
		t.Fatalf("%d entries: %q %q", n, f.message.Text, warningTexts(f))
	}
	f = openForm(t, k, present.PaperMARButton)
	field[*formEntry](t, f, present.SheetDateLabel).SetText(s.from.Format("02/01/2006"))
	field[*formSelect](t, f, present.ShiftLabel).SetSelectedIndex(0)
	test.Type(field[*formEntry](t, f, present.SignedByLabel), "RN Claes")
	s = findCells(f)[0].sheet
	para = cell(t, s, "Paracetamol", "12:00")
	test.Type(para, "g")
	enter(k, para)
	if w := warningTexts(f); !strings.Contains(w, "Paracetamol 1 g tablet at 12:00: the same dose is already recorded in this journal at the same time.") {
		t.Fatalf("warnings = %q (%q)", w, f.message.Text)
	}

	// Tomorrow's night shift has not happened yet.
	field[*formEntry](t, f, present.SheetDateLabel).SetText(time.Now().AddDate(0, 0, 1).Format("02/01/2006"))
	field[*formSelect](t, f, present.ShiftLabel).SetSelectedIndex(2)
	s = findCells(f)[0].sheet
	c := s.cells[0][slices.IndexFunc(s.cells[0], func(c *marCell) bool { return c != nil })]
	test.Type(c, "G")
	enter(k, c)
	if !strings.HasSuffix(f.message.Text, ": the clinical time is in the future.") || !c.wrong || len(recorded(t, k)) != 1 {
		t.Fatalf("message = %q", f.message.Text)
	}
}

func TestAPatientWithoutActiveOrdersHasNoSheet(t *testing.T) {
	k, _, _ := chartOfP1(t)
	k.openPatient("p2")
	f := openForm(t, k, present.PaperMARButton)
	test.Type(field[*formEntry](t, f, present.SignedByLabel), "RN Claes")
	enter(k, field[*formEntry](t, f, present.SignedByLabel))
	if f.message.Text != present.NoActiveOrders || len(findCells(f)) != 0 {
		t.Fatalf("message = %q", f.message.Text)
	}
	var said bool
	walk(f.extra, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.Text == present.NoActiveOrders {
			said = true
		}
	})
	if !said {
		t.Fatal("the sheet does not say why it is empty")
	}
}

func TestParseCell(t *testing.T) {
	for _, c := range []struct {
		in, outcome, reason string
		ok                  bool
	}{
		{"G", clinical.OutcomeGiven, "", true},
		{"g", clinical.OutcomeGiven, "", true},
		{"R nauseous", clinical.OutcomeRefused, "nauseous", true},
		{"h: nil by mouth", clinical.OutcomeHeld, "nil by mouth", true},
		{"Held - NPO", clinical.OutcomeHeld, "NPO", true},
		{"X", "", "", false},
		{"Rnauseous", "", "", false},
		{"P 5 mg", "", "", false},
	} {
		outcome, reason, ok := parseCell(c.in)
		if outcome != c.outcome || reason != c.reason || ok != c.ok {
			t.Errorf("%q -> %q %q %v", c.in, outcome, reason, ok)
		}
	}
}

func TestTheRegistrationStartsOnTheCensusWard(t *testing.T) {
	now := time.Now()
	k := kioskOn(t, marWard(t, now), now)
	unlockWith(k, passphrase, "RN Peeters")
	f := register(t, k)
	if w := field[*formEntry](t, f, present.WardLabel).Text; w != "4B Internal medicine" {
		t.Fatalf("ward = %q", w)
	}
}
