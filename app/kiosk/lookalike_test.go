package kiosk

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/present"
	"lifeboat/app/ui/uitest"
	"lifeboat/clinical"
)

// Two patients with look-alike names are both flagged in the census, and
// each chart names the other with their bed; a patient registered during
// downtime is compared too.
func TestLookAlikeNamesAreFlaggedOnBothRowsAndTheChart(t *testing.T) {
	patient := func(id, name, bed, born string) clinical.Chart {
		return clinical.Chart{Patient: clinical.Patient{ID: id, Name: name, Sex: "male", Bed: bed, BirthDate: born,
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
		o.Resize(fyne.NewSize(1200, o.MinSize().Height)) // as wide as a kiosk's census
		flags := o.(*fyne.Container).Objects[0].(*fyne.Container).Objects[2].(*widget.Label)
		if strings.Contains(flags.Text, present.SimilarNameFlag) {
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
		if want != "" && !slices.Contains(texts(k.chart.content), want) {
			t.Errorf("%s: the chart does not show %q", id, want)
		}
	}

	// "Doe, Jane" registered during downtime looks like "Doe, Janet".
	temp := registerJane(t, k)
	uitest.Settle(k.work.Wait) // the look-alikes are found off the UI thread
	if got := k.census.similarFlag(censusRowOf(t, k.census, "p5")); got != present.SimilarNameFlag {
		t.Errorf("p5 after the registration: flag %q", got)
	}
	k.openPatient(temp)
	if want := "Similar name on this ward: Doe, Janet (103-A) — check the wristband"; k.chart.similarText != want {
		t.Errorf("registered patient: banner %q, want %q", k.chart.similarText, want)
	}
}

// The look-alike names are found off the UI thread: reading the census
// again (a saved entry) returns while the search is held, the rows keep
// the previous answer meanwhile, and the new one is taken when handed back.
func TestLookAlikeNamesAreFoundOffTheUIThread(t *testing.T) {
	patient := func(id, name, bed string) clinical.Chart {
		return clinical.Chart{Patient: clinical.Patient{ID: id, Name: name, Sex: "male", Bed: bed, Source: src("Patient", id)}}
	}
	now := time.Now()
	dir := sealedWard(t, now.Add(-time.Hour), 0,
		patient("p1", "De Smet, Jozef", "101-A"), patient("p2", "De Smet, Jozef Luc", "101-B"))
	k := kioskOn(t, dir, now)
	unlockWith(k, passphrase, "RN Peeters")
	v := k.census
	if len(v.similar["p1"]) != 1 {
		t.Fatalf("look-alikes at unlock: %v", v.similar)
	}
	release, calls := make(chan struct{}), 0
	old := lookAlikes
	lookAlikes = func(rows []clinical.CensusRow) map[string][]clinical.CensusRow {
		calls++
		<-release
		return nil
	}
	t.Cleanup(func() { lookAlikes = old })
	done := make(chan struct{})
	go func() { v.reload(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		close(release)
		t.Fatal("reading the census waited for the look-alike names")
	}
	if len(v.similar["p1"]) != 1 {
		t.Errorf("the previous look-alikes are gone before the new ones come: %v", v.similar)
	}
	close(release)
	uitest.Settle(k.work.Wait)
	if calls != 1 || v.similar != nil {
		t.Errorf("%d searches, look-alikes %v; want the new answer (none)", calls, v.similar)
	}
}
