package pack

import (
	"context"
	"errors"
	"testing"

	"lifeboat/clinical"
	"lifeboat/store"
)

func TestGatherReadsWhatTheSelectionNeedsWithEachPatientsEntries(t *testing.T) {
	ctx := context.Background()
	ward, err := store.BuildWard(ctx, []clinical.Chart{*emile(), *noneRecorded()})
	if err != nil {
		t.Fatal(err)
	}
	defer ward.Close()
	entries := []store.JournalEntry{
		{Entry: clinical.Entry{ID: "e1", Kind: clinical.KindNote, Patient: "pt-claes", Note: &clinical.NursingNote{Text: "ok"}}},
		{Entry: clinical.Entry{ID: "e2", Kind: clinical.KindNote, Patient: "pt-other", Note: &clinical.NursingNote{Text: "ok"}}},
	}
	var p Pack
	if err := Gather(ctx, ward, entries, Selection{Patient: "MRN-40417"}, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Census) != 0 || len(p.Patients) != 1 || p.Patients[0].Chart.Patient.ID != "pt-emile" || len(p.Patients[0].Downtime) != 0 {
		t.Errorf("one patient by MRN: census %d, patients %+v", len(p.Census), p.Patients)
	}
	if err := Gather(ctx, ward, entries, Selection{All: true, Census: true}, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Census) != 2 || len(p.Patients) != 2 || len(p.Patients[1].Downtime) != 1 || p.Patients[1].Downtime[0].ID != "e1" {
		t.Errorf("the ward: census %d, patients %d, the second's entries %+v", len(p.Census), len(p.Patients), p.Patients[1].Downtime)
	}
	if err := Gather(ctx, ward, nil, Selection{Patient: "nobody"}, &p); !errors.Is(err, clinical.ErrNoPatient) {
		t.Errorf("an unknown patient: %v", err)
	}
	empty, err := store.BuildWard(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	if err := Gather(ctx, empty, nil, Selection{Census: true}, &p); !errors.Is(err, ErrEmptyWard) {
		t.Errorf("an empty ward: %v", err)
	}
}
