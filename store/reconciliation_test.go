package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lifeboat/clinical"
)

func TestReconciledStatesAreFinalAndResourcesAreKept(t *testing.T) {
	ctx := context.Background()
	dir, keys, entries := recordedJournal(t)
	j := openJournal(t, dir, keys)
	a, b := entries[0].ID, entries[1].ID
	obs := ServerRef{Type: "Observation", ID: "o1", Version: "1"}
	if err := j.Reconciled(ctx, map[string]string{a: StateCreated}, map[string][]ServerRef{a: {obs}}); err != nil {
		t.Fatal(err)
	}
	// The same state again is no change; its resources' versions are updated.
	obs.Version = "2"
	if err := j.Reconciled(ctx, map[string]string{a: StateCreated}, map[string][]ServerRef{a: {obs}}); err != nil {
		t.Fatal(err)
	}
	if err := j.Reconciled(ctx, map[string]string{a: StateSkipped}, nil); err == nil {
		t.Error("a created entry became skipped")
	}
	if err := j.Reconciled(ctx, map[string]string{b: StatePending}, nil); err == nil {
		t.Error("an entry was put back to pending")
	}
	// One refused state refuses the whole call.
	if err := j.Reconciled(ctx, map[string]string{b: StateSkipped, a: StateSuperseded}, nil); err == nil {
		t.Error("a refused state was recorded")
	}
	states := map[string]string{}
	for _, e := range list(t, j) {
		states[e.ID] = e.State
	}
	if states[a] != StateCreated || states[b] != StatePending {
		t.Errorf("states %q and %q, want created and pending", states[a], states[b])
	}
	res, err := j.Resources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(res[a]) != 1 || res[a][0] != obs || len(res[b]) != 0 {
		t.Errorf("resources %v", res)
	}
}

// versionOneJournal is a journal as a version 1 kiosk left it: entries,
// each audited as it was recorded (without a witness), no signatures, no
// head.
func versionOneJournal(t *testing.T) (string, *Keys, []clinical.Entry) {
	t.Helper()
	dir, keys, entries := recordedJournal(t)
	a, err := OpenAudit(dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := a.Append(AuditRecord{Actor: nurse, Action: AuditRecordEntry, Subject: e.ID, Details: "vitals"}); err != nil {
			t.Fatal(err)
		}
	}
	db := rawJournal(t, dir)
	for _, q := range []string{"DROP TABLE reconciled_resources", "DROP TABLE signatures", "PRAGMA user_version = 1"} {
		sqlExec(t, db, q)
	}
	db.Close()
	os.Remove(filepath.Join(dir, journalHeadFile)) // a version 1 journal had none
	return dir, keys, entries
}

func TestAVersionOneJournalIsUpgradedWithoutChangingItsEntries(t *testing.T) {
	ctx := context.Background()
	dir, keys, entries := versionOneJournal(t)
	j := openJournal(t, dir, keys)
	got := list(t, j)
	if len(got) != len(entries) {
		t.Fatalf("%d entries after the upgrade, want %d", len(got), len(entries))
	}
	if c := check(t, j); !c.OK() || c.Upgraded != len(entries) || got[0].Signer != SignerUpgrade {
		t.Fatalf("after the upgrade: %+v", c)
	}
	ref := ServerRef{Type: "Observation", ID: "o1", Version: "1"}
	if err := j.Reconciled(ctx, map[string]string{entries[0].ID: StateCreated}, map[string][]ServerRef{entries[0].ID: {ref}}); err != nil {
		t.Fatalf("the upgraded journal cannot record reconciliation: %v", err)
	}
}

// An entry added to an old, unsigned journal by someone without the
// passphrase was never audited: the upgrade does not sign it, nor the
// others, and says why.
func TestAnEntryAddedToAnOldJournalIsNotSignedAtTheUpgrade(t *testing.T) {
	dir, keys, entries := versionOneJournal(t)
	forged := forgedAllergy(keys)
	db := rawJournal(t, dir)
	sqlExec(t, db, "INSERT INTO entries (seq, uuid, sealed) SELECT max(seq) + 1, ?, ? FROM entries", forged.ID, forge(t, dir, forged))
	db.Close()
	j := openJournal(t, dir, keys)
	for _, e := range list(t, j) {
		if e.Signer != "" {
			t.Fatalf("entry %d was signed as %q", e.Seq, e.Signer)
		}
	}
	want := fmt.Sprintf("never saw entry %d recorded", len(entries)+1)
	if c := check(t, j); c.OK() || c.Upgraded != 0 || !errors.Is(c.Err(), ErrJournalUnverified) || !strings.Contains(c.Err().Error(), want) {
		t.Fatalf("check %+v", c)
	}
}

func TestADecisionIsValidatedAndStaysOffTheChart(t *testing.T) {
	now := time.Now()
	d := clinical.Entry{ID: "6f1c2e0a-3b9d-4c55-8e8a-2b7f1a0d9c11", Kind: clinical.KindDecision, Patient: "p1", Author: "HIM Janssens", KioskID: "k",
		ClinicalTime: now, EnteredAt: now, Decision: &clinical.Decision{Entry: "0b6f3f5e-8a0e-4f0e-9d33-7c3a8f5a2e10", Action: clinical.DecisionSkip}}
	if err := d.Validate(now); err == nil {
		t.Error("a skip without a reason was accepted")
	}
	d.Decision.Reason = "given twice on paper"
	if err := d.Validate(now); err != nil {
		t.Errorf("a skip with a reason was refused: %v", err)
	}
	d.Decision = &clinical.Decision{Entry: d.Decision.Entry, Action: clinical.DecisionLink}
	if err := d.Validate(now); err == nil {
		t.Error("a link without the EHR patient was accepted")
	}
	d.Decision.LinkTo = "pat-7"
	if err := d.Validate(now); err != nil {
		t.Errorf("a link was refused: %v", err)
	}
	if got := ForPatient([]JournalEntry{{Entry: d}}, "p1"); len(got) != 0 {
		t.Error("a decision shows on the patient's chart")
	}
}

func TestTheRecoveryKeyReadsTheJournalAndRecordsDecisionsButCannotSign(t *testing.T) {
	dir, keys, recovery := testVaultWithRecovery(t)
	j := openJournal(t, dir, keys)
	e := draft(t, j, vitalsEntry("p1", 70))
	record(t, j, e)
	j.Close()

	if _, err := UnlockRecovery(dir, "AGE-SECRET-KEY-1NOTAKEY"); err != ErrNotRecoveryKey {
		t.Errorf("a wrong key: %v", err)
	}
	rk, err := UnlockRecovery(dir, recovery)
	if err != nil {
		t.Fatal(err)
	}
	j2 := openJournal(t, dir, rk)
	got := list(t, j2)
	if len(got) != 1 || got[0].ID != e.ID {
		t.Fatalf("the recovery key read %d entries", len(got))
	}
	now := time.Now()
	d := clinical.Entry{Kind: clinical.KindDecision, Patient: "p1", ClinicalTime: now,
		Decision: &clinical.Decision{Entry: e.ID, Action: clinical.DecisionSkip, Reason: "recorded twice"}}
	if err := j2.Stamp(&d, "HIM Janssens", now); err != nil {
		t.Fatal(err)
	}
	record(t, j2, d)
	if _, err := OpenAudit(dir, rk); err != ErrCannotSign {
		t.Errorf("the audit trail opened with the recovery key: %v", err)
	}
}

func TestReportsAreSealedNeverOverwrittenAndReadNewestFirst(t *testing.T) {
	dir, keys := testVault(t)
	if _, err := LatestReport(dir, "reconcile", keys); err != ErrNoReport {
		t.Fatalf("no report yet: %v", err)
	}
	at := time.Date(2026, 11, 26, 19, 0, 0, 0, time.UTC)
	p1, err := SealReport(dir, keys, "reconcile", at, []byte(`{"n":1}`))
	if err != nil {
		t.Fatal(err)
	}
	p2, err := SealReport(dir, keys, "reconcile", at, []byte(`{"n":2}`))
	if err != nil || p2 == p1 {
		t.Fatalf("a second report at the same time: %q, %v", p2, err)
	}
	raw, _ := os.ReadFile(p1)
	if bytes.Contains(raw, []byte(`"n"`)) {
		t.Error("the report is stored in the clear")
	}
	got, err := LatestReport(dir, "reconcile", keys)
	if err != nil || string(got) != `{"n":2}` {
		t.Errorf("latest = %s, %v", got, err)
	}
}
