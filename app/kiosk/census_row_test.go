package kiosk

import (
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"lifeboat/store"
)

// censusCells are the cells of a census list item.
func censusCells(item fyne.CanvasObject) (*fyne.Container, []fyne.CanvasObject) {
	row := item.(*fyne.Container).Objects[0].(*fyne.Container)
	return row, row.Objects
}

// A row cut narrow, then reused for a patient with nothing to say in the
// cells it had cut to nothing, shows that patient's cells, never the
// previous patient's.
func TestAReusedCensusRowNeverShowsThePreviousPatientsFacts(t *testing.T) {
	now := time.Now()
	nka := src("List", "nka")
	dir := sealedWard(t, now.Add(-time.Hour), 0,
		store.Chart{
			Patient: store.Patient{ID: "pa", Name: "Aerts, Anna", Sex: "female", Bed: "1", Source: src("Patient", "pa")},
			Alerts: store.Section[store.Alert]{Items: []store.Alert{{Kind: store.AlertIsolation, Text: "Contact isolation",
				Status: "active", Source: src("Flag", "fa")}}},
		},
		store.Chart{Patient: store.Patient{ID: "pb", Name: "Bos, Bert", Sex: "male", Bed: "2", Source: src("Patient", "pb")},
			Allergies: store.Section[store.Allergy]{Assertion: &nka}},
	)
	k := kioskOn(t, dir, now)
	unlockWith(k, passphrase, "RN Peeters")
	v := k.census
	a := slices.IndexFunc(v.shown, func(r store.CensusRow) bool { return r.ID == "pa" })
	b := slices.IndexFunc(v.shown, func(r store.CensusRow) bool { return r.ID == "pb" })
	if a < 0 || b < 0 || censusRowOf(t, v, "pa").Isolation == "" {
		t.Fatalf("rows %v", censusShownIDs(v))
	}
	item := v.list.CreateItem()
	row, cells := censusCells(item)
	flags := cells[2].(*widget.Label)
	v.list.UpdateItem(a, item)
	for w := float32(300); w > 100 && (w == 300 || flags.Text != ""); w -= 10 {
		row.Resize(fyne.NewSize(w, row.MinSize().Height))
	}
	if flags.Text != "" {
		t.Fatalf("the flags are never cut to nothing: %q", flags.Text)
	}
	v.list.UpdateItem(b, item)
	row.Resize(fyne.NewSize(1400, row.MinSize().Height))
	if flags.Text != "" {
		t.Errorf("patient B's row shows A's flags: %q", flags.Text)
	}
	v.list.UpdateItem(a, item)
	if flags.Text == "" {
		t.Errorf("patient A's row lost its flags")
	}
}
