package kiosk

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"lifeboat/clinical"
	"lifeboat/store"
	"lifeboat/store/storetest"
)

func TestEveryUnlockFailedUnlockViewAndLockIsAudited(t *testing.T) {
	k, c := kioskWithClock(t)
	dir := k.opt.Dir
	unlockWith(k, "not the passphrase", "RN Wouters")
	c.advance(time.Second)    // the wait after a wrong passphrase
	k.unlock.user.SetText("") // the name stays after a failed unlock; another nurse takes over
	unlockWith(k, passphrase, "RN Peeters")
	k.openPatient("p1")
	k.Lock()

	keys, err := store.Unlock(dir, passphrase)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep, err := store.ExportAudit(dir, keys, &out, "jsonl")
	if err != nil || !rep.Intact() {
		t.Fatalf("report %+v, %v", rep, err)
	}
	trail := out.String()
	for _, want := range []string{
		`"actor":"RN Wouters"`, `"action":"` + store.AuditUnlockFailed + `"`,
		`"actor":"RN Peeters"`, `"action":"` + store.AuditUnlock + `"`,
		`"action":"` + store.AuditViewChart + `"`, `"subject":"p1"`,
		`"action":"` + store.AuditLock + `"`,
	} {
		if !strings.Contains(trail, want) {
			t.Errorf("the trail lacks %s:\n%s", want, trail)
		}
	}
}

// wardWithNote is a sealed ward whose journal has one note for p1, by RN Claes.
func wardWithNote(t *testing.T, now time.Time, text string) string {
	t.Helper()
	dir := ward(t, now.Add(-time.Hour), 0)
	keys, err := store.Unlock(dir, passphrase)
	if err != nil {
		t.Fatal(err)
	}
	j, err := store.OpenJournal(context.Background(), dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	e := clinical.Entry{Kind: clinical.KindNote, Patient: "p1", ClinicalTime: now.Add(-5 * time.Minute), Note: &clinical.NursingNote{Text: text}}
	if err := j.Stamp(&e, "RN Claes", now); err != nil {
		t.Fatal(err)
	}
	if err := j.Record(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestEntriesRecordedDuringDowntimeAppearFirstInTheChart(t *testing.T) {
	now := time.Now()
	dir := wardWithNote(t, now, "Patient confused at night, bed rails up.")
	k := kioskOn(t, dir, now)
	unlockWith(k, passphrase, "RN Peeters")
	k.openPatient("p1")
	s := k.chart.sections[0]
	if s.Title != "Recorded during downtime" || len(s.Lines) != 1 || !strings.Contains(s.Lines[0], "bed rails up") ||
		!strings.Contains(s.Lines[0], "RN Claes") {
		t.Fatalf("downtime section = %+v", s)
	}
}

func TestAForgedEntryIsOnTheBannerAndItsChartNeverAsAnEntry(t *testing.T) {
	now := time.Now()
	dir := wardWithNote(t, now, "Slept well.")
	forged := clinical.Entry{ID: uuid.NewString(), Kind: clinical.KindAllergy, Patient: "p1", Author: "RN Claes",
		ClinicalTime: now.Add(-time.Minute), EnteredAt: now.Add(-time.Minute), Allergy: &clinical.NewAllergy{Substance: "Forged allergy"}}
	if _, err := storetest.ForgeEntry(dir, forged); err != nil {
		t.Fatal(err)
	}

	k := kioskOn(t, dir, now)
	unlockWith(k, passphrase, "RN Peeters")
	if w := k.banner.warning.Text; !strings.Contains(w, "failed verification (entry 2)") {
		t.Errorf("banner %q", w)
	}
	k.openPatient("p1")
	s := k.chart.sections[0]
	if len(s.Lines) != 1 || !strings.Contains(s.Lines[0], "Slept well") || !strings.Contains(s.Warning, "failed verification (entry 2)") {
		t.Fatalf("downtime section = %+v", s)
	}
	for _, sec := range k.chart.sections {
		for _, l := range sec.Lines {
			if strings.Contains(l, "Forged") {
				t.Fatalf("the forged allergy is shown: %q", l)
			}
		}
	}
}
