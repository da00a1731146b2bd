package kiosk

import (
	"image/color"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/present"
	"lifeboat/clinical"
)

// Belgian DNR codes: the census says which (never for DNR 0), and the
// chart's banner has the code's own colour and meaning.
func TestBelgianDNRCodesHaveTheirOwnWordsAndColours(t *testing.T) {
	if w, bg, bold := censusCodeStatus(clinical.CensusRow{DNR: true, CodeStatus: "DNR code 2"}); w != "DNR 2" || bg != resusColours[clinical.ResusDNR2] || !bold {
		t.Errorf("code status = %q", w)
	}
	if w, bg, bold := censusCodeStatus(clinical.CensusRow{CodeStatus: "DNR 0", AllergyStatus: clinical.NoneKnown}); w != "DNR 0" || bg != resusColours[clinical.ResusDNR0] || bold {
		t.Errorf("DNR 0 code status = %q", w)
	}
	patient := func(id string) clinical.Patient {
		return clinical.Patient{ID: id, Name: "Test, " + id, Sex: "female", Bed: id, Source: src("Patient", id)}
	}
	alert := func(text string) clinical.Section[clinical.Alert] {
		return clinical.Section[clinical.Alert]{Items: []clinical.Alert{{Kind: clinical.AlertCodeStatus, Text: text, Status: "active",
			Source: src("Flag", "f-"+text)}}}
	}
	now := time.Now()
	dir := sealedWard(t, now.Add(-time.Hour), 0,
		clinical.Chart{Patient: patient("p1"), Alerts: alert("DNR code 2")},
		clinical.Chart{Patient: patient("p2"), Alerts: alert("DNR 0")},
		clinical.Chart{Patient: patient("p3"), Alerts: alert("Full code")})
	k := kioskOn(t, dir, now)
	unlockWith(k, passphrase, "RN Peeters")
	for id, want := range map[string]struct {
		words  string
		colour color.Color
	}{
		"p1": {"CODE STATUS: DNR code 2 (DNR 2: no resuscitation, no new therapies, no ICU admission)", resusColours[clinical.ResusDNR2]},
		"p2": {"CODE STATUS: DNR 0 (DNR 0: no restriction, every treatment including resuscitation)", resusColours[clinical.ResusDNR0]},
		"p3": {"CODE STATUS: Full code", resusColours[clinical.ResusFullCode]},
	} {
		k.openPatient(id)
		if k.chart.codeText != want.words {
			t.Errorf("%s: %q", id, k.chart.codeText)
		}
		found := false
		walk(k.chart.content, func(o fyne.CanvasObject) {
			if s, ok := o.(*fyne.Container); ok && len(s.Objects) == 2 {
				r, ok1 := s.Objects[0].(*canvas.Rectangle)
				l, ok2 := s.Objects[1].(*widget.Label)
				if ok1 && ok2 && l.Text == want.words && r.FillColor == want.colour {
					found = true
				}
			}
		})
		if !found {
			t.Errorf("%s: no banner %q in its colour", id, want.words)
		}
	}
	if got := censusFlags(censusRowOf(t, k.census, "p2")); strings.Contains(got, "DNR") {
		t.Errorf("p2 (DNR 0) flagged %q", got)
	}
	if _, _, bold := censusCodeStatus(censusRowOf(t, k.census, "p2")); bold {
		t.Errorf("p2 (DNR 0) is in bold, as an order not to resuscitate")
	}
}

// A patient registered during downtime has no code status until one is
// recorded with its form: then the banner, in its colour, and the census
// say it.
func TestACodeStatusIsRecordedForADowntimePatient(t *testing.T) {
	k, _, _ := chartOfP1(t)
	id := registerJane(t, k)
	k.openPatient(id)
	if !strings.Contains(k.chart.codeText, "not recorded") {
		t.Fatalf("banner %q", k.chart.codeText)
	}
	f := openForm(t, k, present.CodeStatusButton)
	text := field[*formEntry](t, f, present.CodeStatusTextLabel)
	enter(k, text)
	if f.message.Text != present.ChooseCodeStatus || len(recorded(t, k)) != 1 {
		t.Fatalf("without a level: %q", f.message.Text)
	}
	field[*formSelect](t, f, present.CodeStatusLevel).SetSelected("DNR 2 – no resuscitation, no new therapies, no ICU")
	test.Type(text, "geen IZ volgens familie")
	enter(k, text)
	all := recorded(t, k)
	if len(all) != 2 || all[1].CodeStatus == nil || all[1].CodeStatus.Level != clinical.ResusDNR2 || all[1].Patient != id {
		t.Fatalf("entries %+v (%q)", all, f.message.Text)
	}
	want := "CODE STATUS: DNR 2 – geen IZ volgens familie (DNR 2: no resuscitation, no new therapies, no ICU admission)"
	if k.chart.codeText != want {
		t.Errorf("banner %q", k.chart.codeText)
	}
	if got, _, _ := censusCodeStatus(censusRowOf(t, k.census, id)); got != "DNR 2" {
		t.Errorf("census code status %q", got)
	}
}

// A full-code order (SNOMED 304252001) whose text mentions DNR is full
// code on the census row and the chart banner alike: the code decides
// before the words.
func TestCodeStatusCodedFullCodeWithDNRWordsIsFullCodeEverywhere(t *testing.T) {
	const text = "DNR discussed, declined"
	now := time.Now()
	dir := sealedWard(t, now.Add(-time.Hour), 0, clinical.Chart{
		Patient: clinical.Patient{ID: "p1", Name: "Test, p1", Sex: "female", Bed: "1", Source: src("Patient", "p1")},
		Alerts: clinical.Section[clinical.Alert]{Items: []clinical.Alert{{Kind: clinical.AlertCodeStatus, Code: "304252001",
			Text: text, Status: "active", Source: src("Flag", "f1")}}},
	})
	k := kioskOn(t, dir, now)
	unlockWith(k, passphrase, "RN Peeters")
	row := censusRowOf(t, k.census, "p1")
	if got := row.Resuscitation(); got != clinical.ResusFullCode {
		t.Errorf("census row reads %q, want full code", got)
	}
	if f, _, _ := censusCodeStatus(row); f != "Full code" {
		t.Errorf("census flags %q", f)
	}
	k.census.show = present.ShowDNR
	if k.census.keep(row, now) {
		t.Error("the DNR filter keeps a full-code patient")
	}
	k.openPatient("p1")
	if want := "CODE STATUS: " + text; k.chart.codeText != want {
		t.Errorf("banner %q, want %q", k.chart.codeText, want)
	}
	found := false
	walk(k.chart.content, func(o fyne.CanvasObject) {
		if s, ok := o.(*fyne.Container); ok && len(s.Objects) == 2 {
			r, ok1 := s.Objects[0].(*canvas.Rectangle)
			l, ok2 := s.Objects[1].(*widget.Label)
			if ok1 && ok2 && l.Text == k.chart.codeText {
				found = r.FillColor == resusColours[clinical.ResusFullCode] && l.Importance != widget.DangerImportance
			}
		}
	})
	if !found {
		t.Error("the banner is not in full code's colour")
	}
}

// A Belgian DNR 2 code only in the coded value, with words that say
// nothing of it, is "DNR 2" on the census row (in the banner's colour)
// and on the chart alike: the census keeps the level read at sealing.
func TestABelgianDNRCodeOnlyInTheCodeIsTheSameOnCensusAndChart(t *testing.T) {
	now := time.Now()
	dir := sealedWard(t, now.Add(-time.Hour), 0, clinical.Chart{
		Patient: clinical.Patient{ID: "p1", Name: "Test, p1", Sex: "female", Bed: "1", Source: src("Patient", "p1")},
		Alerts: clinical.Section[clinical.Alert]{Items: []clinical.Alert{{Kind: clinical.AlertCodeStatus, Code: "DNR-code 2",
			Text: "Reanimatiebeleid", Status: "active", Source: src("Flag", "f1")}}},
	})
	k := kioskOn(t, dir, now)
	unlockWith(k, passphrase, "RN Peeters")
	row := censusRowOf(t, k.census, "p1")
	if w, bg, bold := censusCodeStatus(row); w != "DNR 2" || bg != resusColours[clinical.ResusDNR2] || !bold {
		t.Errorf("census cell %q %v", w, bg)
	}
	// The row as drawn.
	item := k.census.list.CreateItem()
	k.census.list.UpdateItem(0, item)
	cell := item.(*fyne.Container).Objects[0].(*fyne.Container).Objects[censusCodeCell].(*fyne.Container)
	if !cell.Visible() || cell.Objects[1].(*widget.Label).Text != "DNR 2" ||
		cell.Objects[0].(*canvas.Rectangle).FillColor != resusColours[clinical.ResusDNR2] {
		t.Errorf("the row draws %q", cell.Objects[1].(*widget.Label).Text)
	}
	k.openPatient("p1")
	if want := "CODE STATUS: Reanimatiebeleid (DNR 2: no resuscitation, no new therapies, no ICU admission)"; k.chart.codeText != want {
		t.Errorf("banner %q", k.chart.codeText)
	}
}
