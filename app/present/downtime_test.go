package present

import (
	"strings"
	"testing"
	"time"

	"lifeboat/clinical"
	"lifeboat/store"
)

func TestADowntimeEntryReadsWhatWhenAndWho(t *testing.T) {
	at := time.Date(2026, 11, 26, 8, 5, 0, 0, time.Local)
	hr, spo2 := 72.0, 97.0
	dose := store.JournalEntry{Entry: clinical.Entry{Kind: clinical.KindMedication, Author: "RN Peeters", ClinicalTime: at,
		EnteredAt: at.Add(2 * time.Minute), Medication: &clinical.Administered{Outcome: clinical.OutcomeHeld,
			Medication: "Paracetamol 1 g tablet", Route: "oral", Reason: "nil by mouth"}}}
	vitals := store.JournalEntry{Entry: clinical.Entry{Kind: clinical.KindVitals, Author: "RN Peeters", ClinicalTime: at,
		EnteredAt: at.Add(30 * time.Hour), Transcription: &clinical.Transcription{By: "RN Peeters", FromPaperSignedBy: "RN Claes"},
		Vitals: &clinical.VitalSigns{HeartRate: &hr, SpO2: &spo2}}, SupersededBy: "x"}
	stopped := store.JournalEntry{Entry: clinical.Entry{Kind: clinical.KindMedication, Author: "RN Peeters", ClinicalTime: at,
		EnteredAt: at.Add(2 * time.Minute), Medication: &clinical.Administered{Outcome: clinical.OutcomeGiven,
			Medication: "Augmentin 1 g", Dose: &clinical.Quantity{Value: 1, Unit: "g"}, Route: "IV",
			Override: &clinical.Override{Witness: "Dr Claes", Reason: "tolerated before"}}}}
	cases := []struct {
		e    store.JournalEntry
		want string
	}{
		{dose, "26/11/2026 08:05 · Paracetamol 1 g tablet · oral · NOT GIVEN: held (nil by mouth) — RN Peeters, entered 26/11/2026 08:07"},
		{stopped, "26/11/2026 08:05 · Augmentin 1 g · 1 g · IV · given · no order · hard stop witnessed by Dr Claes: tolerated before — RN Peeters, entered 26/11/2026 08:07"},
		{vitals, "[CORRECTED, see the newer entry] 26/11/2026 08:05 · HR 72 /min · SpO2 97 % — transcribed by RN Peeters from paper signed by RN Claes, 27/11/2026 14:05"},
	}
	for _, c := range cases {
		if got := EntryLine(c.e); got != c.want {
			t.Errorf("got  %q\nwant %q", got, c.want)
		}
	}
	s := DowntimeEntries(nil)
	if s.Title != "Recorded during downtime" || !strings.Contains(s.Empty, "on this kiosk") {
		t.Fatalf("%+v", s)
	}
}

func TestACancelledEntrySaysByWhomWhenAndWhyAndIsStruck(t *testing.T) {
	at := time.Date(2026, 11, 26, 8, 5, 0, 0, time.Local)
	note := store.JournalEntry{Entry: clinical.Entry{ID: "n", Kind: clinical.KindNote, Patient: "p1", Author: "RN Peeters",
		ClinicalTime: at, EnteredAt: at, Note: &clinical.NursingNote{Text: "Fell."}}, SupersededBy: "c", Cancelled: true}
	cancel := store.JournalEntry{Entry: clinical.Entry{ID: "c", Kind: clinical.KindCancellation, Patient: "p1", Author: "RN Claes",
		ClinicalTime: at.Add(time.Hour), EnteredAt: at.Add(time.Hour), Supersedes: "n",
		Cancellation: &clinical.Cancellation{Reason: "wrong patient"}}}
	s := DowntimeEntries([]store.JournalEntry{cancel, note})
	want := "[CANCELLED] 26/11/2026 08:05 · Note: Fell. — RN Peeters, entered 26/11/2026 08:05 — cancelled by RN Claes at 26/11/2026 09:05: wrong patient"
	if s.Lines[1] != want || !s.Struck[1] || s.Struck[0] {
		t.Fatalf("lines %q struck %v", s.Lines, s.Struck)
	}
}

func TestDowntimeAlertsSayNewAllergiesAndTheLastMove(t *testing.T) {
	at := time.Date(2026, 11, 26, 8, 5, 0, 0, time.Local)
	e := func(x clinical.Entry, superseded bool) store.JournalEntry {
		j := store.JournalEntry{Entry: x}
		if superseded {
			j.SupersededBy = "later"
		}
		return j
	}
	entries := []store.JournalEntry{
		e(clinical.Entry{ClinicalTime: at, Transfer: &clinical.Transfer{Ward: "5C", Bed: "3"}}, false),
		e(clinical.Entry{ClinicalTime: at.Add(time.Hour), Transfer: &clinical.Transfer{Ward: "ICU"}}, true),
		e(clinical.Entry{ClinicalTime: at, Allergy: &clinical.NewAllergy{Substance: "Latex", Type: "intolerance", Reaction: "rash"}}, false),
		e(clinical.Entry{ClinicalTime: at, Allergy: &clinical.NewAllergy{Substance: "Peanut"}}, true),
		e(clinical.Entry{ClinicalTime: at.Add(2 * time.Hour), Discharge: &clinical.Discharge{Destination: "home"}}, false),
	}
	got := DowntimeAlerts(entries)
	want := []string{"NEW INTOLERANCE RECORDED DURING DOWNTIME: Latex (rash)",
		"MOVED DURING DOWNTIME, 26/11/2026 08:05: 5C · bed 3", "DISCHARGED DURING DOWNTIME, 26/11/2026 10:05: home"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got %q", got)
	}
}
