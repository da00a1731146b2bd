package kiosk

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"lifeboat/store"
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

func TestEntriesRecordedDuringDowntimeAppearFirstInTheChart(t *testing.T) {
	now := time.Now()
	dir := ward(t, now.Add(-time.Hour), 0)
	keys, err := store.Unlock(dir, passphrase)
	if err != nil {
		t.Fatal(err)
	}
	j, err := store.OpenJournal(context.Background(), dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	e := store.Entry{Kind: store.KindNote, Patient: "p1", ClinicalTime: now.Add(-5 * time.Minute),
		Note: &store.NursingNote{Text: "Patient confused at night, bed rails up."}}
	if err := j.Stamp(&e, "RN Claes", now); err != nil {
		t.Fatal(err)
	}
	if err := j.Record(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	j.Close()

	k := kioskOn(t, dir, now)
	unlockWith(k, passphrase, "RN Peeters")
	k.openPatient("p1")
	s := k.chart.sections[0]
	if s.Title != "Recorded during downtime" || len(s.Lines) != 1 || !strings.Contains(s.Lines[0], "bed rails up") ||
		!strings.Contains(s.Lines[0], "RN Claes") {
		t.Fatalf("downtime section = %+v", s)
	}
}
