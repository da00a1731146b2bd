package clinical

import (
	"context"
	"testing"
	"time"
)

func TestAllergyMatchingIsByWholeWordsInAnyCase(t *testing.T) {
	cases := []struct {
		substance, medication string
		match                 bool
	}{
		{"Penicillin", "penicillin V 500 mg", true},
		{"Penicillins", "Penicillin G", true},
		{"Amoxicillin/clavulanate", "AMOXICILLIN 500 mg", true},
		{"Allergy to morphine", "Morphine sulfate 10 mg", true},
		{"Peanut", "Paracetamol", false},
		{"Penicillin", "Amoxicillin", false}, // by name only: classes are allergyClassMatch's
		{"Iodine", "Povidone-iodine", true},
		{"Drug allergy", "Paracetamol", false},
	}
	for _, c := range cases {
		if got := allergyMatches(c.substance, c.medication); got != c.match {
			t.Errorf("%q vs %q: %v", c.substance, c.medication, got)
		}
	}
}

// noCharts is a snapshot that must not be read.
type noCharts struct{}

func (*noCharts) Find(context.Context, string) (string, error) {
	panic("read a snapshot that is not there")
}
func (*noCharts) ChartByID(context.Context, string) (*Chart, error) {
	panic("read a snapshot that is not there")
}
func (*noCharts) Resource(context.Context, string, string) (Source, error) {
	panic("read a snapshot that is not there")
}

// A nil snapshot of a concrete type (the command line's *store.Ward when
// none could be opened) is no snapshot: the entry is reviewed without a
// chart, and the review says so.
func TestANilSnapshotIsNoSnapshot(t *testing.T) {
	now := time.Now()
	var w *noCharts
	batch := []Entry{{ID: "6f1c2d9e-0b7a-4c3e-9d51-3f0e8a2b1c4d", Kind: KindNote, Patient: "p1", Author: "RN Peeters",
		KioskID: "kiosk-1", ClinicalTime: now.Add(-time.Minute), EnteredAt: now, Note: &NursingNote{Text: "Comfortable."}}}
	ws, err := Review[journaled](context.Background(), w, nil, batch, now)
	if err != nil || len(ws) != 1 || ws[0].Rule != "snapshot" {
		t.Fatalf("warnings %+v, err %v", ws, err)
	}
}
