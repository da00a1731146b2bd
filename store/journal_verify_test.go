package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lifeboat/clinical"

	"filippo.io/age"
	"github.com/google/uuid"
)

// These tests are the attacker of the threat model: someone who can read
// and write the data folder but has no passphrase. All they have is what
// is public: config.json's recipients.

// forge seals an entry with the public recipients only, as anyone can.
func forge(t *testing.T, dir string, e clinical.Entry) []byte {
	t.Helper()
	cfg, err := LoadConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := cfg.recipients()
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := json.Marshal(e)
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, rs...)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(plain)
	w.Close()
	return buf.Bytes()
}

func rawJournal(t *testing.T, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", journalURI(filepath.Join(dir, journalFile), "rw"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func sqlExec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func forgedAllergy(keys *Keys) clinical.Entry {
	return clinical.Entry{ID: uuid.NewString(), Kind: clinical.KindAllergy, Patient: "p1", Author: nurse, KioskID: keys.Config.KioskID,
		ClinicalTime: time.Now().Add(-time.Hour), EnteredAt: time.Now().Add(-time.Hour),
		Allergy: &clinical.NewAllergy{Substance: "Latex", Reaction: "rash"}}
}

func TestAForgedEntryIsNamedNeverListedAndRecordingGoesOn(t *testing.T) {
	dir, keys, entries := recordedJournal(t)
	db := rawJournal(t, dir)
	forged := forgedAllergy(keys)
	// Without a signature, and with a signature row of random bytes.
	sqlExec(t, db, "INSERT INTO entries (seq, uuid, sealed) VALUES (7, ?, ?)", forged.ID, forge(t, dir, forged))
	second := forgedAllergy(keys)
	sealed := forge(t, dir, second)
	sqlExec(t, db, "INSERT INTO entries (seq, uuid, sealed) VALUES (8, ?, ?)", second.ID, sealed)
	junk := make([]byte, 64)
	rand.Read(junk)
	chain := entryChain(make([]byte, 32), 8, second.ID, sealed)
	sqlExec(t, db, "INSERT INTO signatures VALUES (8, ?, ?, ?, 'kiosk')", make([]byte, 32), chain, junk)
	db.Close()

	j := openJournal(t, dir, keys)
	all := list(t, j)
	if len(all) != len(entries) {
		t.Fatalf("listed %d entries, want the %d real ones", len(all), len(entries))
	}
	for _, e := range all {
		if e.Kind == clinical.KindAllergy {
			t.Fatal("the forged allergy is listed")
		}
	}
	c := check(t, j)
	kinds := map[int64]string{}
	for _, p := range c.Problems {
		kinds[p.Seq] = p.Kind
		if strings.Contains(p.Text, "Latex") || strings.Contains(p.Text, "p1") {
			t.Errorf("patient data in %q", p.Text)
		}
	}
	if kinds[7] != ProblemForged || kinds[8] != ProblemForged || len(c.Problems) != 2 {
		t.Fatalf("problems %+v", c.Problems)
	}
	if c.Problems[0].Patient != "p1" {
		t.Error("the chart cannot be told which patient the forged entry claims")
	}
	e := draft(t, j, vitalsEntry("p1", 90))
	record(t, j, e)
	if all := list(t, j); all[len(all)-1].ID != e.ID || all[len(all)-1].Seq != 9 {
		t.Fatalf("recording after a forged entry: %+v", all[len(all)-1])
	}
}

func TestAForgedCancellationCancelsNothing(t *testing.T) {
	dir, keys := testVault(t)
	j := openJournal(t, dir, keys)
	note := draft(t, j, noteEntry("p1", "Fell at 03:10, no injury."))
	record(t, j, note)
	j.Close()
	cancel := clinical.Entry{ID: uuid.NewString(), Kind: clinical.KindCancellation, Patient: "p1", Author: nurse, KioskID: keys.Config.KioskID,
		ClinicalTime: time.Now(), EnteredAt: time.Now(), Supersedes: note.ID, Cancellation: &clinical.Cancellation{Reason: "wrong patient"}}
	db := rawJournal(t, dir)
	sqlExec(t, db, "INSERT INTO entries (seq, uuid, sealed) VALUES (2, ?, ?)", cancel.ID, forge(t, dir, cancel))
	db.Close()
	j = openJournal(t, dir, keys)
	all := list(t, j)
	if len(all) != 1 || all[0].Superseded() {
		t.Fatalf("the forged cancellation took effect: %+v", all)
	}
}

func TestRemovedEntriesAreNamedInTheMiddleAndAtTheEnd(t *testing.T) {
	dir, keys, _ := recordedJournal(t)
	db := rawJournal(t, dir)
	sqlExec(t, db, "DROP TRIGGER entries_are_never_deleted")
	sqlExec(t, db, "DROP TRIGGER signatures_are_never_deleted")
	sqlExec(t, db, "DROP TRIGGER reconciliation_is_never_deleted")
	for _, seq := range []int{3, 5, 6} {
		sqlExec(t, db, "DELETE FROM reconciliation WHERE entry = (SELECT uuid FROM entries WHERE seq = ?)", seq)
		sqlExec(t, db, "DELETE FROM signatures WHERE seq = ?", seq)
		sqlExec(t, db, "DELETE FROM entries WHERE seq = ?", seq)
	}
	db.Close()
	j := openJournal(t, dir, keys)
	if all := list(t, j); len(all) != 3 {
		t.Fatalf("listed %d", len(all))
	}
	c := check(t, j)
	var texts []string
	for _, p := range c.Problems {
		texts = append(texts, p.Text)
	}
	got := strings.Join(texts, " | ")
	if got != "entry 3 is missing from the journal. | entries 5 to 6 are missing: removed from the end of the journal." {
		t.Fatalf("problems: %s", got)
	}
	// The next entry does not take a removed one's place.
	e := draft(t, j, vitalsEntry("p1", 90))
	record(t, j, e)
	if all := list(t, j); all[len(all)-1].Seq != 7 {
		t.Fatalf("the new entry is %d", all[len(all)-1].Seq)
	}
}

func TestADeletedJournalSaysHowManyEntriesAreGoneNeverThatItIsEmpty(t *testing.T) {
	dir, keys, _ := recordedJournal(t)
	for _, n := range []string{journalFile, journalFile + "-wal", journalFile + "-shm"} {
		os.Remove(filepath.Join(dir, n))
	}
	j := openJournal(t, dir, keys)
	c := check(t, j)
	if c.OK() || !strings.Contains(c.Err().Error(), "entries 1 to 6 recorded on this kiosk are gone") {
		t.Fatalf("check: %v", c.Err())
	}
	e := draft(t, j, vitalsEntry("p1", 90))
	record(t, j, e)
	j.Close()
	j = openJournal(t, dir, keys)
	if all := list(t, j); len(all) != 1 || all[0].Seq != 7 {
		t.Fatalf("the journal started again: %+v", all)
	}
	if c := check(t, j); c.OK() {
		t.Fatal("the loss is forgotten once a new entry is recorded")
	}
}

func TestAJournalAndItsHeadDeletedTogetherAreFoundByTheAuditTrail(t *testing.T) {
	dir, keys := testVault(t)
	a, err := OpenAudit(dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	j := openJournal(t, dir, keys)
	for i := range 3 {
		e := draft(t, j, vitalsEntry("p1", float64(70+i)))
		record(t, j, e)
		if err := a.Append(AuditRecord{Actor: nurse, Action: AuditRecordEntry, Subject: e.ID, Details: "vitals; " + j.Witness(e.ID)}); err != nil {
			t.Fatal(err)
		}
	}
	j.Close()
	for _, n := range []string{journalFile, journalFile + "-wal", journalFile + "-shm", journalHeadFile} {
		os.Remove(filepath.Join(dir, n))
	}
	j = openJournal(t, dir, keys)
	c := check(t, j)
	if c.OK() || !strings.Contains(c.Err().Error(), "entries 1 to 3 recorded on this kiosk are gone") {
		t.Fatalf("check: %v", c.Err())
	}
	// And the cross-check names each one.
	rows, _, err := ReadAudit(dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	if missing, err := j.CrossCheck(context.Background(), rows); err != nil || len(missing) != 0 {
		t.Fatalf("entries already reported are reported twice: %+v %v", missing, err)
	}
}

func TestTheAuditTrailWitnessesAnEntryRemovedWithTheHeadRewound(t *testing.T) {
	dir, keys := testVault(t)
	a, err := OpenAudit(dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	var heads [][]byte
	for i := range 3 {
		j := openJournal(t, dir, keys)
		e := draft(t, j, vitalsEntry("p1", float64(70+i)))
		record(t, j, e)
		a.Append(AuditRecord{Actor: nurse, Action: AuditRecordEntry, Subject: e.ID, Details: "vitals; " + j.Witness(e.ID)})
		j.Close() // the head is written after Record returns, at the latest by Close
		h, _ := os.ReadFile(filepath.Join(dir, journalHeadFile))
		heads = append(heads, h)
	}
	// Remove entry 3 and put back the head signed after entry 2.
	db := rawJournal(t, dir)
	sqlExec(t, db, "DROP TRIGGER entries_are_never_deleted")
	sqlExec(t, db, "DROP TRIGGER signatures_are_never_deleted")
	sqlExec(t, db, "DROP TRIGGER reconciliation_is_never_deleted")
	sqlExec(t, db, "DELETE FROM reconciliation WHERE entry = (SELECT uuid FROM entries WHERE seq = 3)")
	sqlExec(t, db, "DELETE FROM signatures WHERE seq = 3")
	sqlExec(t, db, "DELETE FROM entries WHERE seq = 3")
	db.Close()
	os.WriteFile(filepath.Join(dir, journalHeadFile), heads[1], 0o600)

	j := openJournal(t, dir, keys)
	if c := check(t, j); !c.OK() {
		t.Fatalf("the journal alone cannot tell, yet: %+v", c.Problems)
	}
	rows, _, err := ReadAudit(dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	missing, err := j.CrossCheck(context.Background(), rows)
	if err != nil || len(missing) != 1 || missing[0].Seq != 3 || !strings.Contains(missing[0].Text, "entry 3 is missing from the journal: audit record 3") {
		t.Fatalf("cross-check %+v %v", missing, err)
	}
}

func TestAMissingOrForeignHeadIsSaidForEver(t *testing.T) {
	dir, keys, _ := recordedJournal(t)
	_, other := testVault(t)
	// A head signed by another kiosk.
	h := &journalHead{File: journalFile, Count: 2, Chain: make([]byte, 32)}
	if err := writeJournalHead(dir, other.signing, h); err != nil {
		t.Fatal(err)
	}
	j := openJournal(t, dir, keys)
	c := check(t, j)
	if len(c.Problems) != 1 || c.Problems[0].Kind != ProblemHead || !strings.Contains(c.Problems[0].Text, "not this kiosk's") {
		t.Fatalf("problems %+v", c.Problems)
	}
	record(t, j, draft(t, j, vitalsEntry("p1", 90)))
	j.Close()
	j = openJournal(t, dir, keys)
	if c := check(t, j); len(c.Problems) != 1 || !strings.Contains(c.Problems[0].Text, "not this kiosk's") {
		t.Fatalf("after a new head: %+v", c.Problems)
	}
}

func TestARecoveryDecisionIsCheckedByTheRecoveryKeyAndNotTakenOnTrustByTheKiosk(t *testing.T) {
	dir, keys, recovery := testVaultWithRecovery(t)
	j := openJournal(t, dir, keys)
	note := draft(t, j, noteEntry("p1", "Restless."))
	record(t, j, note)
	j.Close()

	rk, err := UnlockRecovery(dir, recovery)
	if err != nil {
		t.Fatal(err)
	}
	j = openJournal(t, dir, rk)
	d := clinical.Entry{Kind: clinical.KindDecision, Patient: "p1", ClinicalTime: time.Now(),
		Decision: &clinical.Decision{Entry: note.ID, Action: clinical.DecisionSkip, Reason: "on paper twice"}}
	if err := j.Stamp(&d, "HIM Janssens", time.Now()); err != nil {
		t.Fatal(err)
	}
	record(t, j, d)
	if all := list(t, j); len(all) != 2 || all[1].Signer != SignerRecovery {
		t.Fatalf("the recovery key does not read its own decision: %+v", all)
	}
	if c := check(t, j); !c.OK() {
		t.Fatalf("recovery check: %+v", c.Problems)
	}
	j.Close()

	j = openJournal(t, dir, keys)
	if all := list(t, j); len(all) != 1 {
		t.Fatalf("the kiosk took the recovery decision on trust: %d entries", len(all))
	}
	if c := check(t, j); !c.OK() || c.RecoveryOnly != 1 {
		t.Fatalf("check %+v", c)
	}
	// A decision forged with the public recipients and a made-up MAC is forged for the recovery key.
	j.Close()
	f := forgedAllergy(keys)
	f.Kind, f.Allergy, f.Decision = clinical.KindDecision, nil, &clinical.Decision{Entry: note.ID, Action: clinical.DecisionSkip, Reason: "x"}
	sealed := forge(t, dir, f)
	db := rawJournal(t, dir)
	var prev []byte
	if err := db.QueryRow("SELECT chain FROM signatures WHERE seq = 2").Scan(&prev); err != nil {
		t.Fatal(err)
	}
	sqlExec(t, db, "INSERT INTO entries (seq, uuid, sealed) VALUES (3, ?, ?)", f.ID, sealed)
	sqlExec(t, db, "INSERT INTO signatures VALUES (3, ?, ?, ?, 'recovery')", prev, entryChain(prev, 3, f.ID, sealed), make([]byte, 32))
	db.Close()
	j = openJournal(t, dir, rk)
	if all := list(t, j); len(all) != 2 {
		t.Fatalf("a forged recovery decision was listed: %d", len(all))
	}
}

// The hub's journal of decisions is written with the recovery key alone,
// which signs no journal.head: opened again, it has none and that is no
// problem. A kiosk's journal whose head is gone still says so, with the
// recovery key too.
func TestAJournalOnlyTheRecoveryRoleWroteNeedsNoHead(t *testing.T) {
	dir, _, recovery := testVaultWithRecovery(t)
	rk, err := UnlockRecovery(dir, recovery)
	if err != nil {
		t.Fatal(err)
	}
	j := openJournal(t, dir, rk)
	for range 2 {
		d := clinical.Entry{Kind: clinical.KindDecision, Patient: "p1", ClinicalTime: time.Now(),
			Decision: &clinical.Decision{Entry: uuid.NewString(), Action: clinical.DecisionSkip, Reason: "on paper twice"}}
		if err := j.Stamp(&d, "HIM Janssens", time.Now()); err != nil {
			t.Fatal(err)
		}
		record(t, j, d)
	}
	j.Close()
	if _, err := os.Stat(filepath.Join(dir, journalHeadFile)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the recovery role wrote a head: %v", err)
	}
	j = openJournal(t, dir, rk)
	if c := check(t, j); !c.OK() || c.Entries != 2 {
		t.Fatalf("the hub's journal of decisions: %+v", c)
	}
	j.Close()

	kiosk, keys, recovery := testVaultWithRecovery(t)
	j = openJournal(t, kiosk, keys)
	record(t, j, draft(t, j, noteEntry("p1", "Restless.")))
	j.Close()
	if err := os.Remove(filepath.Join(kiosk, journalHeadFile)); err != nil {
		t.Fatal(err)
	}
	rk, err = UnlockRecovery(kiosk, recovery)
	if err != nil {
		t.Fatal(err)
	}
	if c := check(t, openJournal(t, kiosk, rk)); len(c.Problems) != 1 || c.Problems[0].Kind != ProblemHead {
		t.Fatalf("a kiosk's journal without its head: %+v", c.Problems)
	}
}

func TestAnEmptyOrHugeHeadIsADamagedHeadSaidAndReplaced(t *testing.T) {
	for name, content := range map[string][]byte{"empty": nil, "50 MB": bytes.Repeat([]byte("{"), 50<<20)} {
		t.Run(name, func(t *testing.T) {
			dir, keys, _ := recordedJournal(t)
			if err := os.WriteFile(filepath.Join(dir, journalHeadFile), content, 0o600); err != nil {
				t.Fatal(err)
			}
			j := openJournal(t, dir, keys)
			if c := check(t, j); len(c.Problems) != 1 || c.Problems[0].Kind != ProblemHead {
				t.Fatalf("problems %+v", c.Problems)
			}
			record(t, j, draft(t, j, vitalsEntry("p1", 90)))
			j.Close()
			if _, err := readJournalHead(dir, keys.trusted); err != nil {
				t.Fatalf("the head was not replaced: %v", err)
			}
		})
	}
}

// witnessedJournal records n entries as the kiosk does: each with its
// audit record, which witnesses it.
func witnessedJournal(t *testing.T, n int) (string, *Keys) {
	t.Helper()
	dir, keys := testVault(t)
	a, err := OpenAudit(dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	j := openJournal(t, dir, keys)
	for i := range n {
		e := draft(t, j, vitalsEntry("p1", float64(70+i)))
		record(t, j, e)
		if err := a.Append(AuditRecord{Actor: nurse, Action: AuditRecordEntry, Subject: e.ID, Details: "vitals; " + j.Witness(e.ID)}); err != nil {
			t.Fatal(err)
		}
	}
	j.Close()
	return dir, keys
}

// unsignWithForgery is the attack on the upgrade: the signatures table
// removed, a forged entry added, and the journal set back to version 2,
// so that the next open would sign the forgery as an old entry.
func unsignWithForgery(t *testing.T, dir string, keys *Keys) clinical.Entry {
	t.Helper()
	forged := forgedAllergy(keys)
	db := rawJournal(t, dir)
	sqlExec(t, db, "DROP TABLE signatures")
	sqlExec(t, db, "INSERT INTO entries (seq, uuid, sealed) SELECT max(seq) + 1, ?, ? FROM entries", forged.ID, forge(t, dir, forged))
	sqlExec(t, db, "PRAGMA user_version = 2")
	db.Close()
	return forged
}

func TestUpgradeNeverSignsAJournalThatWasSignedBeforeOrCannotBeTold(t *testing.T) {
	rm := func(names ...string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			for _, n := range names {
				if err := os.RemoveAll(filepath.Join(dir, n)); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	garbage := func(name string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, name), []byte("not what it was\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	both := func(fs ...func(t *testing.T, dir string)) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			for _, f := range fs {
				f(t, dir)
			}
		}
	}
	cases := map[string]struct {
		attack func(t *testing.T, dir string)
		want   string
	}{
		"head gone, trail garbled": {both(rm(journalHeadFile), garbage(auditLogFile)), "audit trail cannot be read"},
		"head gone, trail a folder": {both(rm(journalHeadFile, auditLogFile), func(t *testing.T, dir string) {
			os.Mkdir(filepath.Join(dir, auditLogFile), 0o700)
		}), "audit trail cannot be read"},
		"head gone, log gone":            {rm(journalHeadFile, auditLogFile), "audit trail cannot be read"},
		"head gone, trail intact":        {rm(journalHeadFile), "audit trail witnessed signed entries"},
		"head gone, whole trail gone":    {rm(journalHeadFile, auditLogFile, auditHeadFile), "never saw entry 1 recorded"},
		"head valid, whole trail gone":   {rm(auditLogFile, auditHeadFile), "journal.head shows it was signed"},
		"head damaged, whole trail gone": {both(rm(auditLogFile, auditHeadFile), garbage(journalHeadFile)), "journal.head shows it was signed"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir, keys := witnessedJournal(t, 3)
			forged := unsignWithForgery(t, dir, keys)
			c.attack(t, dir)
			for range 2 { // and again at the next open
				j := openJournal(t, dir, keys)
				for _, e := range list(t, j) {
					if e.Signer != "" {
						t.Fatalf("entry %d was signed as %q", e.Seq, e.Signer)
					}
				}
				ch := check(t, j)
				if ch.OK() || ch.Upgraded != 0 || !errors.Is(ch.Err(), ErrJournalUnverified) || !strings.Contains(ch.Err().Error(), c.want) {
					t.Fatalf("check %+v", ch)
				}
				for _, p := range ch.Problems {
					if strings.Contains(p.Text, "Latex") || strings.Contains(p.Text, "p1") || strings.Contains(p.Text, forged.ID) {
						t.Errorf("patient data in %q", p.Text)
					}
				}
				j.Close()
			}
			var tables int
			if err := rawJournal(t, dir).QueryRow("SELECT count(*) FROM sqlite_schema WHERE name = 'signatures'").Scan(&tables); err != nil || tables != 0 {
				t.Fatalf("the journal was signed: %d, %v", tables, err)
			}
		})
	}
}

func TestAJournalAndItsHeadDeletedWithTheTrailUnreadableIsNotTakenForAnUnusedKiosk(t *testing.T) {
	dir, keys := testVault(t)
	if c := check(t, openJournal(t, dir, keys)); !c.OK() {
		t.Fatalf("a new kiosk: %+v", c.Problems)
	}
	for name, trail := range map[string][]byte{"garbled": []byte("not a record\n"), "emptied": nil} {
		t.Run(name, func(t *testing.T) {
			dir, keys := witnessedJournal(t, 3)
			for _, n := range []string{journalFile, journalFile + "-wal", journalFile + "-shm", journalHeadFile} {
				os.Remove(filepath.Join(dir, n))
			}
			if err := os.WriteFile(filepath.Join(dir, auditLogFile), trail, 0o600); err != nil {
				t.Fatal(err)
			}
			j := openJournal(t, dir, keys)
			c := check(t, j)
			if c.OK() || !strings.Contains(c.Err().Error(), "whether entries recorded on this kiosk were lost cannot be told") {
				t.Fatalf("check: %v", c.Err())
			}
			record(t, j, draft(t, j, vitalsEntry("p1", 90)))
			j.Close()
			if c := check(t, openJournal(t, dir, keys)); c.OK() {
				t.Fatal("the doubt is forgotten once a new entry is recorded")
			}
		})
	}
}

func TestCrossCheckOfRowsAtHugeSequenceNumbersIsQuickAndTheyAreForged(t *testing.T) {
	for _, seq := range []int64{1 << 40, math.MaxInt64} {
		t.Run(fmt.Sprint(seq), func(t *testing.T) {
			dir, keys := witnessedJournal(t, 3)
			forged := forgedAllergy(keys)
			db := rawJournal(t, dir)
			sqlExec(t, db, "INSERT INTO entries (seq, uuid, sealed) VALUES (?, ?, ?)", seq, forged.ID, forge(t, dir, forged))
			db.Close()
			rows, _, err := ReadAudit(dir, keys)
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{})
			var c JournalCheck
			var cross []JournalProblem
			var crossErr, recErr error
			go func() {
				defer close(done)
				j, err := OpenJournal(context.Background(), dir, keys)
				if err != nil {
					crossErr = err
					return
				}
				defer j.Close()
				if c, crossErr = j.Check(context.Background()); crossErr != nil {
					return
				}
				if cross, crossErr = j.CrossCheck(context.Background(), rows); crossErr != nil {
					return
				}
				recErr = j.Record(context.Background(), draft(t, j, vitalsEntry("p2", 80)))
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("the cross-check hung on a row at a huge sequence number")
			}
			if crossErr != nil {
				t.Fatal(crossErr)
			}
			forgedSeen := false
			for _, p := range c.Problems {
				forgedSeen = forgedSeen || p.Kind == ProblemForged && p.Seq == seq
			}
			if !forgedSeen || c.Entries != 3 {
				t.Fatalf("check %+v", c)
			}
			if len(cross) != 0 {
				t.Fatalf("the witnessed entries are there: %+v", cross)
			}
			var lowest int64
			if err := rawJournal(t, dir).QueryRow("SELECT min(seq) FROM entries").Scan(&lowest); err != nil || lowest != 1 {
				t.Fatalf("an entry was recorded at %d (%v)", lowest, err)
			}
			if seq == math.MaxInt64 && recErr == nil {
				t.Fatal("an entry was recorded after the largest sequence number")
			}
			if seq != math.MaxInt64 && recErr != nil {
				t.Fatalf("recording after a forged row: %v", recErr)
			}
		})
	}
}

func TestAJournalOpenedWithAReadingOfTheTrailTakesItsWitnessesFromIt(t *testing.T) {
	dir, keys := witnessedJournal(t, 2)
	db := rawJournal(t, dir)
	sqlExec(t, db, "DROP TABLE signatures")
	sqlExec(t, db, "PRAGMA user_version = 2")
	db.Close()
	os.Remove(filepath.Join(dir, journalHeadFile))
	rows, rep, err := ReadAudit(dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	// The trail on disk goes; the reading of it is what counts.
	os.Remove(filepath.Join(dir, auditLogFile))
	os.Remove(filepath.Join(dir, auditHeadFile))
	j, err := OpenJournalWithAudit(context.Background(), dir, keys, AuditRead{Rows: rows, Report: rep})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if c := check(t, j); c.OK() || !strings.Contains(c.Err().Error(), "audit trail witnessed signed entries") {
		t.Fatalf("check %+v", c)
	}
}
