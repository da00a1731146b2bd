package kiosk

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"lifeboat/app/present"
	"lifeboat/store"
)

// Two patients with look-alike names are both flagged in the census, and
// each chart names the other with their bed; a patient registered during
// downtime is compared too.
func TestLookAlikeNamesAreFlaggedOnBothRowsAndTheChart(t *testing.T) {
	patient := func(id, name, bed, born string) store.Chart {
		return store.Chart{Patient: store.Patient{ID: id, Name: name, Sex: "male", Bed: bed, BirthDate: born,
			Source: src("Patient", id)}}
	}
	now := time.Now()
	dir := sealedWard(t, now.Add(-time.Hour), 0,
		patient("p1", "De Smet, Jozef", "101-A", "1941-03-02"),
		patient("p2", "De Smet, Jozef Luc", "101-B", "1972-11-20"),
		patient("p3", "Peeters, An", "102-A", "1960-01-01"),
		patient("p4", "Peeters, Jan-Willem", "102-B", "1985-05-05"),
		patient("p5", "Doe, Janet", "103-A", "1950-03-14"))
	k := kioskOn(t, dir, now)
	unlockWith(k, passphrase, "RN Peeters")
	for id, want := range map[string]bool{"p1": true, "p2": true, "p3": false, "p4": false, "p5": false} {
		got := k.census.similarFlag(censusRowOf(t, k.census, id))
		if (got == present.SimilarNameFlag) != want {
			t.Errorf("%s: flag %q", id, got)
		}
	}
	shown := 0 // the rows as the list draws them
	for i := range k.census.shown {
		o := k.census.list.CreateItem()
		k.census.list.UpdateItem(i, o)
		if strings.Contains(test.RenderObjectToMarkup(o), present.SimilarNameFlag) {
			shown++
		}
	}
	if shown != 2 {
		t.Errorf("%d census rows show %q, want 2", shown, present.SimilarNameFlag)
	}
	for id, want := range map[string]string{
		"p1": "Similar name on this ward: De Smet, Jozef Luc (101-B) — check the wristband",
		"p2": "Similar name on this ward: De Smet, Jozef (101-A) — check the wristband",
		"p3": "",
	} {
		k.openPatient(id)
		if k.chart.similarText != want {
			t.Errorf("%s: banner %q, want %q", id, k.chart.similarText, want)
		}
		if want != "" && !strings.Contains(test.RenderObjectToMarkup(k.chart.content), want) {
			t.Errorf("%s: the chart does not show %q", id, want)
		}
	}

	// "Doe, Jane" registered during downtime looks like "Doe, Janet".
	temp := registerJane(t, k)
	if got := k.census.similarFlag(censusRowOf(t, k.census, "p5")); got != present.SimilarNameFlag {
		t.Errorf("p5 after the registration: flag %q", got)
	}
	k.openPatient(temp)
	if want := "Similar name on this ward: Doe, Janet (103-A) — check the wristband"; k.chart.similarText != want {
		t.Errorf("registered patient: banner %q, want %q", k.chart.similarText, want)
	}
}
