package store

import (
	"context"
	"testing"

	"lifeboat/clinical"
)

// The census row keeps the code status level read when the snapshot was
// sealed: a Belgian DNR code only in the coded value, with words saying
// nothing of it, is "DNR 2" on the census as on the chart, also after a
// delta; a ward sealed before the level was kept reads the row's text and
// flag, and a delta onto it keeps working.
func TestTheCensusKeepsTheCodeStatusLevelOfTheSeal(t *testing.T) {
	ctx := context.Background()
	coded := testChart("p1", "Peeters, Maria", "MRN0000001")
	coded.Alerts = clinical.Section[clinical.Alert]{Items: []clinical.Alert{{Kind: clinical.AlertCodeStatus, Code: "DNR-code 2", Text: "Reanimatiebeleid",
		Status: "active", Source: coded.Patient.Source}}}
	if coded.Resuscitation() != clinical.ResusDNR2 {
		t.Fatalf("chart reads %q", coded.Resuscitation())
	}
	level := func(w *Ward, id string) (clinical.CensusRow, string) {
		t.Helper()
		rows, err := w.Census(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.ID == id {
				return r, r.Resuscitation()
			}
		}
		t.Fatalf("no row %s", id)
		return clinical.CensusRow{}, ""
	}

	dir, keys, w, full := deltaVault(t)
	sealDelta(t, dir, keys, w, full, Delta{Upsert: []clinical.Chart{coded}, Order: []string{"p1", "p2", "p3"}})
	s, err := Open(ctx, dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	opened := s.Ward
	if r, got := level(opened, "p1"); got != clinical.ResusDNR2 || r.Resus != clinical.ResusDNR2 {
		t.Errorf("census row after a delta: %q (%+v)", got, r)
	}
	if r, got := level(opened, "p2"); got != clinical.ResusDNR || r.Resus != clinical.ResusDNR {
		t.Errorf("p2: %q (%+v)", got, r)
	}

	// A ward sealed before the level was kept.
	old := wardWithout(t, "resus", coded, testChart("p2", "Dubois, Jean", "MRN0000002"))
	if r, got := level(old, "p1"); r.Resus != "" || got != clinical.ResusDNR { // the flag then, as it was read
		t.Errorf("old census row: %q (%+v)", got, r)
	}
	changed := testChart("p2", "Dubois, Jean", "MRN0000002")
	changed.Alerts = clinical.Section[clinical.Alert]{Items: []clinical.Alert{{Kind: clinical.AlertCodeStatus, Code: "DNR 3", Text: "Palliatief",
		Status: "active", Source: changed.Patient.Source}}}
	applyDelta(t, old, []string{"p1", "p2"}, changed)
	if _, got := level(old, "p2"); got != clinical.ResusDNR3 {
		t.Errorf("delta onto an old ward: %q", got)
	}
}

// wardWithout is a ward of charts as sealed before its column was kept.
func wardWithout(t *testing.T, column string, charts ...clinical.Chart) *Ward {
	t.Helper()
	w, err := BuildWard(context.Background(), charts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if _, err := w.conn.ExecContext(context.Background(), `ALTER TABLE patient DROP COLUMN `+column); err != nil {
		t.Fatal(err)
	}
	return w
}

// applyDelta applies to w a delta that brings the charts changed and
// leaves the census in order.
func applyDelta(t *testing.T, w *Ward, order []string, changed ...clinical.Chart) {
	t.Helper()
	ctx := context.Background()
	dw, err := BuildWard(ctx, changed)
	if err != nil {
		t.Fatal(err)
	}
	defer dw.Close()
	if err := dw.setChanges(ctx, Delta{Order: order}); err != nil {
		t.Fatal(err)
	}
	if err := w.apply(ctx, dw); err != nil {
		t.Fatal(err)
	}
}
