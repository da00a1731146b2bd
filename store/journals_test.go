package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"lifeboat/clinical"
)

// A correction taken at the hub, in the decisions' journal, supersedes a
// kiosk's entry read with it: the kiosk's copy is not written, the entry
// reads as superseded, and it is corrected once only.
func TestAJournalsCorrectionSupersedesAKiosksEntry(t *testing.T) {
	ctx := context.Background()
	kioskDir, kioskKeys := testVault(t)
	hubDir, hubKeys := testVault(t)
	kiosk, decisions := openJournal(t, kioskDir, kioskKeys), openJournal(t, hubDir, hubKeys)
	dose := draft(t, kiosk, doseEntry("p1", "m1", clinical.OutcomeGiven, time.Now().Add(-time.Hour)))
	other := draft(t, kiosk, noteEntry("p1", "comfortable"))
	record(t, kiosk, dose, other)
	js := NewJournals(decisions, kiosk)

	correct := func(of clinical.Entry) (clinical.Entry, error) {
		c := of
		c.ID, c.Supersedes = "", of.ID
		if c.Medication != nil {
			m := *c.Medication
			m.Dose = &clinical.Quantity{Value: 2, Unit: "g"}
			c.Medication = &m
		}
		if err := js.Stamp(&c, "HIM Claes", time.Now()); err != nil {
			t.Fatal(err)
		}
		return c, js.Record(ctx, c)
	}
	c, err := correct(dose)
	if err != nil {
		t.Fatal(err)
	}
	all, err := js.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		switch e.ID {
		case dose.ID:
			if e.SupersededBy != c.ID {
				t.Errorf("the kiosk's dose reads superseded by %q, want the hub's correction", e.SupersededBy)
			}
		case other.ID:
			if e.Superseded() {
				t.Error("the note was superseded too")
			}
		}
	}
	if es := list(t, kiosk); len(es) != 2 {
		t.Fatalf("the kiosk's journal holds %d entries, want its own 2", len(es))
	}
	if es := list(t, decisions); len(es) != 1 || es[0].ID != c.ID || es[0].KioskID != hubKeys.Config.KioskID {
		t.Fatalf("the decisions' journal holds %+v", es)
	}
	// Once only; and an entry in no journal read is refused as before.
	var ee *clinical.EntryError
	if _, err := correct(dose); !errors.As(err, &ee) {
		t.Errorf("the dose corrected twice: %v", err)
	}
	if _, err := correct(clinical.Entry{ID: "not-an-entry", Kind: clinical.KindNote, Patient: "p1", ClinicalTime: time.Now(),
		Note: &clinical.NursingNote{Text: "x"}}); !errors.As(err, &ee) {
		t.Errorf("a correction of no entry: %v", err)
	}
	if es := list(t, decisions); len(es) != 1 {
		t.Errorf("the decisions' journal holds %d entries after two refusals", len(es))
	}
}
