package kiosk

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"lifeboat/app/present"
	"lifeboat/clinical"
)

func TestANewAllergyIsRefusedWithoutItsSubstanceThenShownInTheHeaderAndCensus(t *testing.T) {
	k, _, now := chartOfP1(t)
	k.openPatient("p2")
	f := openForm(t, k, present.RecordAllergyButton)
	substance := field[*formEntry](t, f, present.SubstanceLabel)
	if k.win.Canvas().Focused() != substance {
		t.Fatal("the allergy form does not start on the substance")
	}
	if typ := field[*formSelect](t, f, present.AllergyTypeLabel); typ.Selected != "Allergy" {
		t.Fatalf("type = %q, want Allergy to start with", typ.Selected)
	}
	enter(k, substance)
	if f.message.Text != "The substance is missing." || len(recorded(t, k)) != 0 {
		t.Fatalf("message = %q", f.message.Text)
	}
	test.Type(substance, "Latex")
	field[*formSelect](t, f, present.CategoryLabel).TypedRune('e') // environment
	test.Type(field[*formEntry](t, f, present.ReactionLabel), "urticaria")
	field[*formSelect](t, f, present.SeverityLabel).TypedRune('m')
	field[*formSelect](t, f, present.SeverityLabel).TypedRune('m') // the second M: moderate
	field[*formSelect](t, f, present.CriticalityLabel).TypedRune('h')
	enter(k, substance)
	all := recorded(t, k)
	if len(all) != 1 {
		t.Fatalf("%d entries: %q %q", len(all), f.message.Text, warningTexts(f))
	}
	want := clinical.NewAllergy{Substance: "Latex", Type: "allergy", Category: "environment", Reaction: "urticaria",
		Severity: "moderate", Criticality: "high"}
	if a := all[0].Allergy; a == nil || *a != want || all[0].Patient != "p2" {
		t.Fatalf("entry = %+v", all[0])
	}
	line := k.chart.sections[0].Lines[0]
	if !strings.Contains(line, "New allergy: Latex (urticaria; moderate; HIGH RISK)") ||
		!strings.Contains(line, "RN Peeters, entered "+present.DateTime(now)) {
		t.Fatalf("chart line = %q", line)
	}
	if !slices.Contains(k.chart.alerts, "NEW ALLERGY RECORDED DURING DOWNTIME: Latex (urticaria; moderate; HIGH RISK)") {
		t.Fatalf("header alerts = %q", k.chart.alerts)
	}
	if !strings.Contains(test.RenderObjectToMarkup(k.chart.content), "NEW ALLERGY RECORDED DURING DOWNTIME") {
		t.Fatal("the new allergy is not on screen")
	}
	row := k.census.all[slices.IndexFunc(k.census.all, func(r clinical.CensusRow) bool { return r.ID == "p2" })]
	if f := k.census.newAllergyFlag(row); f != "NEW ALLERGY" {
		t.Fatalf("census flag = %q", f)
	}
}

func TestAnAllergyAlreadyInTheChartWarns(t *testing.T) {
	k, _, _ := chartOfP1(t)
	f := openForm(t, k, present.RecordAllergyButton)
	substance := field[*formEntry](t, f, present.SubstanceLabel)
	test.Type(substance, "penicillin")
	enter(k, substance)
	if w := warningTexts(f); !strings.Contains(w, "This allergy is already recorded for the patient.") {
		t.Fatalf("warnings = %q (%q)", w, f.message.Text)
	}
	if len(recorded(t, k)) != 0 {
		t.Fatal("recorded before Save anyway")
	}
}

func TestATransferNeedsAWardRefusesTheSamePlaceAndShowsTheMove(t *testing.T) {
	k, _, _ := chartOfP1(t)
	f := openForm(t, k, present.TransferButton)
	ward := field[*formEntry](t, f, present.WardLabel)
	bed := field[*formEntry](t, f, present.BedLabel)
	if bed.PlaceHolder != "101-A" || k.win.Canvas().Focused() != field[*formEntry](t, f, present.RoomLabel) {
		t.Fatalf("bed placeholder %q; the form does not start on the room", bed.PlaceHolder)
	}
	enter(k, bed)
	if f.message.Text != "The ward is missing." {
		t.Fatalf("message = %q", f.message.Text)
	}
	test.Type(ward, "5C")
	test.Type(bed, "12")
	enter(k, bed)
	all := recorded(t, k)
	if len(all) != 1 || *all[0].Transfer != (clinical.Transfer{Ward: "5C", Bed: "12"}) {
		t.Fatalf("%d entries: %q", len(all), f.message.Text)
	}
	if a := k.chart.alerts; len(a) != 1 || !strings.HasPrefix(a[0], "MOVED DURING DOWNTIME") || !strings.HasSuffix(a[0], ": 5C · bed 12") {
		t.Fatalf("alerts = %q", a)
	}
	if n := k.census.note(k.census.all[0]); n != "MOVED to 5C · bed 12" {
		t.Fatalf("census note = %q", n)
	}

	// The new place is now where the patient is: moving there again is a mistake.
	f = openForm(t, k, present.TransferButton)
	if w := field[*formEntry](t, f, present.WardLabel); w.Text != "5C" {
		t.Fatalf("ward = %q, not the last transfer's", w.Text)
	}
	bed = field[*formEntry](t, f, present.BedLabel)
	test.Type(bed, "12")
	enter(k, bed)
	if f.message.Text != present.SamePlace || len(recorded(t, k)) != 1 {
		t.Fatalf("message = %q", f.message.Text)
	}
}

func TestADischargeShowsInTheCensusAndLaterEntriesWarn(t *testing.T) {
	k, _, now := chartOfP1(t)
	f := openForm(t, k, present.DischargeButton)
	field[*formEntry](t, f, present.TimeLabel).SetText(now.Add(-time.Hour).Format(timeLayout))
	destination := field[*formEntry](t, f, present.DestinationLabel)
	if k.win.Canvas().Focused() != destination {
		t.Fatal("the discharge form does not start on the destination")
	}
	test.Type(destination, "home")
	enter(k, destination)
	if all := recorded(t, k); len(all) != 1 || all[0].Discharge.Destination != "home" {
		t.Fatalf("%d entries: %q", len(all), f.message.Text)
	}
	if n := k.census.note(k.census.all[0]); n != present.DischargedFlag {
		t.Fatalf("census note = %q", n)
	}
	if a := k.chart.alerts; len(a) != 1 || !strings.HasSuffix(a[0], ": home") {
		t.Fatalf("alerts = %q", a)
	}
	f = openForm(t, k, present.WriteNoteButton)
	text := field[*formEntry](t, f, present.NoteLabel)
	test.Type(text, "Came back for his glasses.")
	enter(k, text)
	if w := warningTexts(f); !strings.Contains(w, "The patient was discharged earlier in this journal.") {
		t.Fatalf("warnings = %q", w)
	}
}

func TestCancellingAnEntryMarksItCancelledByWhomAndWhen(t *testing.T) {
	k, _, now := chartOfP1(t)
	f := openForm(t, k, present.WriteNoteButton)
	text := field[*formEntry](t, f, present.NoteLabel)
	test.Type(text, "Written in the wrong chart.")
	enter(k, text)

	f = openForm(t, k, present.CancelEntryButton)
	choice := field[*formSelect](t, f, present.EntryToCancelLabel)
	if k.win.Canvas().Focused() != choice || len(choice.Options) != 1 ||
		!strings.HasSuffix(choice.Options[0], "Note: Written in the wrong chart.") {
		t.Fatalf("options = %q", choice.Options)
	}
	reason := field[*formEntry](t, f, present.CancelReasonLabel)
	enter(k, reason)
	if f.message.Text != present.ChooseEntryToCancel {
		t.Fatalf("message = %q", f.message.Text)
	}
	choice.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight}) // the first entry
	enter(k, reason)
	if f.message.Text != "The reason is missing." || len(recorded(t, k)) != 1 {
		t.Fatalf("message = %q", f.message.Text)
	}
	test.Type(reason, "wrong patient")
	enter(k, reason)
	all := recorded(t, k)
	if len(all) != 2 || all[1].Kind != clinical.KindCancellation || all[1].Supersedes != all[0].ID || !all[0].Cancelled {
		t.Fatalf("%d entries: %q", len(all), f.message.Text)
	}
	if n := k.chart.forms.saved; n != "Saved: cancelled the entry of "+present.DateTime(all[0].ClinicalTime)+
		" (Note: Written in the wrong chart.): wrong patient." {
		t.Fatalf("notice = %q", n)
	}
	s := k.chart.sections[0]
	i := slices.IndexFunc(s.Lines, func(l string) bool { return strings.Contains(l, "Note: Written in the wrong chart.") })
	if i < 0 || !s.Struck[i] || !strings.HasPrefix(s.Lines[i], "[CANCELLED] ") ||
		!strings.HasSuffix(s.Lines[i], "cancelled by RN Peeters at "+present.DateTime(now)+": wrong patient") {
		t.Fatalf("downtime section = %q, struck %v", s.Lines, s.Struck)
	}

	// Nothing is left to cancel: the note is cancelled, and a cancellation
	// cannot be.
	f = openForm(t, k, present.CancelEntryButton)
	reason = field[*formEntry](t, f, present.CancelReasonLabel)
	test.Type(reason, "again")
	enter(k, reason)
	if f.message.Text != present.NothingToCancel || len(recorded(t, k)) != 2 {
		t.Fatalf("message = %q", f.message.Text)
	}
}

func TestFromPaperIsReachedByTabAndNeedsWhoSignedThePaper(t *testing.T) {
	k, _, now := chartOfP1(t)
	f := openForm(t, k, present.RecordVitalsButton)
	c := k.win.Canvas()
	c.Focus(field[*formEntry](t, f, present.GlucoseLabel)) // the last field
	test.FocusNext(c)
	paper := field[*formCheck](t, f, present.FromPaperLabel)
	if c.Focused() != paper {
		t.Fatalf("Tab after the last field goes to %T, not “From paper”", c.Focused())
	}
	if !strings.Contains(paper.Text, "transcribed by RN Peeters") {
		t.Fatalf("check text = %q", paper.Text)
	}
	signer := field[*formEntry](t, f, present.SignedByLabel)
	test.FocusNext(c)
	if c.Focused() == signer {
		t.Fatal("the signer field is in the Tab order before “From paper” is ticked")
	}

	// Three days ago is paper back-entry: the form says so.
	when := field[*formEntry](t, f, present.TimeLabel)
	when.SetText(now.Add(-72 * time.Hour).Format(timeLayout))
	hr := field[*formEntry](t, f, present.HeartRate)
	test.Type(hr, "72")
	enter(k, hr)
	if f.message.Text != present.NeedsPaper {
		t.Fatalf("message = %q", f.message.Text)
	}
	c.Focus(paper)
	paper.TypedRune(' ')
	if !paper.Checked || !signer.Visible() {
		t.Fatal("Space did not tick “From paper” and show the signer")
	}
	test.FocusNext(c)
	if c.Focused() != signer {
		t.Fatal("Tab does not go from “From paper” to the signer")
	}
	enter(k, signer)
	if f.message.Text != "The name of who signed the paper is missing." || len(recorded(t, k)) != 0 {
		t.Fatalf("message = %q", f.message.Text)
	}
	test.Type(signer, "RN Claes")
	enter(k, signer)
	all := recorded(t, k)
	if len(all) != 1 || all[0].Transcription == nil ||
		*all[0].Transcription != (clinical.Transcription{By: "RN Peeters", FromPaperSignedBy: "RN Claes"}) {
		t.Fatalf("%d entries: %q", len(all), f.message.Text)
	}
	if line := k.chart.sections[0].Lines[0]; !strings.Contains(line, "HR 72 /min — transcribed by RN Peeters from paper signed by RN Claes") ||
		!strings.HasPrefix(line, present.DateTime(now.Add(-72*time.Hour))) {
		t.Fatalf("chart line = %q", line)
	}
}

func TestEveryFormHasFromPaper(t *testing.T) {
	k, _, _ := chartOfP1(t)
	for _, label := range []string{present.RecordVitalsButton, present.WriteNoteButton, present.RecordDoseButton,
		present.RecordAllergyButton, present.TransferButton, present.DischargeButton, present.CancelEntryButton} {
		f := openForm(t, k, label)
		field[*formCheck](t, f, present.FromPaperLabel)
		f.keys.cancel()
	}
	field[*formCheck](t, register(t, k), present.FromPaperLabel)
}
