package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"lifeboat/clinical"
)

const nurse = "RN Peeters"

func openJournal(t *testing.T, dir string, keys *Keys) *Journal {
	t.Helper()
	j, err := OpenJournal(context.Background(), dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

// draft stamps an entry as the kiosk would when a nurse saves a form.
func draft(t *testing.T, j *Journal, e clinical.Entry) clinical.Entry {
	t.Helper()
	if err := j.Stamp(&e, nurse, time.Now()); err != nil {
		t.Fatal(err)
	}
	return e
}

func ptr(f float64) *float64 { return &f }

func vitalsEntry(patient string, hr float64) clinical.Entry {
	return clinical.Entry{Kind: clinical.KindVitals, Patient: patient, ClinicalTime: time.Now().Add(-10 * time.Minute),
		Vitals: &clinical.VitalSigns{Systolic: ptr(124), Diastolic: ptr(78), HeartRate: ptr(hr), SpO2: ptr(97), Temperature: ptr(37.1)}}
}

func doseEntry(patient, order, outcome string, at time.Time) clinical.Entry {
	m := &clinical.Administered{Outcome: outcome, Medication: "Paracetamol 1 g", OrderID: order, Dose: &clinical.Quantity{Value: 1, Unit: "g"}, Route: "oral"}
	if outcome != clinical.OutcomeGiven {
		m.Reason = "patient asleep"
	}
	return clinical.Entry{Kind: clinical.KindMedication, Patient: patient, ClinicalTime: at, Medication: m}
}

func noteEntry(patient, text string) clinical.Entry {
	return clinical.Entry{Kind: clinical.KindNote, Patient: patient, ClinicalTime: time.Now().Add(-time.Minute), Note: &clinical.NursingNote{Text: text}}
}

func record(t *testing.T, j *Journal, entries ...clinical.Entry) {
	t.Helper()
	if err := j.Record(context.Background(), entries...); err != nil {
		t.Fatal(err)
	}
}

func check(t *testing.T, j *Journal) JournalCheck {
	t.Helper()
	c, err := j.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func list(t *testing.T, j *Journal) []JournalEntry {
	t.Helper()
	all, err := j.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return all
}

func TestARecordedEntryReadsBackTheSameAfterAReopen(t *testing.T) {
	dir, keys := testVault(t)
	j := openJournal(t, dir, keys)
	v := draft(t, j, vitalsEntry("p1", 72))
	n := draft(t, j, noteEntry("p1", "Slept well, no complaints."))
	record(t, j, v, n)
	j.Close()

	j = openJournal(t, dir, keys)
	all := list(t, j)
	if len(all) != 2 || all[0].Seq != 1 || all[1].Seq != 2 {
		t.Fatalf("listed %+v", all)
	}
	got := all[0]
	if got.ID != v.ID || got.Kind != clinical.KindVitals || got.Author != nurse || got.KioskID != keys.Config.KioskID ||
		*got.Vitals.HeartRate != 72 || !got.ClinicalTime.Equal(v.ClinicalTime) || got.State != StatePending || got.Superseded() {
		t.Fatalf("read back %+v", got)
	}
	if all[1].Note.Text != "Slept well, no complaints." {
		t.Fatalf("note %q", all[1].Note.Text)
	}
	if e, err := j.Entry(context.Background(), n.ID); err != nil || e.Note.Text != n.Note.Text {
		t.Fatalf("Entry = %+v, %v", e, err)
	}
	if _, err := j.Entry(context.Background(), "00000000-0000-4000-8000-000000000000"); !errors.Is(err, ErrNoEntry) {
		t.Fatalf("err = %v", err)
	}
}

func TestAMissingJournalIsCreatedByTheFirstRecordOnly(t *testing.T) {
	dir, keys := testVault(t)
	j := openJournal(t, dir, keys)
	if all := list(t, j); len(all) != 0 {
		t.Fatalf("listed %d", len(all))
	}
	if _, err := os.Stat(filepath.Join(dir, journalFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("opening or listing created the journal: %v", err)
	}
	record(t, j, draft(t, j, vitalsEntry("p1", 80)))
	if _, err := os.Stat(filepath.Join(dir, journalFile)); err != nil {
		t.Fatal(err)
	}
	var mode string
	if err := j.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal mode %q, %v", mode, err)
	}
	var sync int
	if err := j.db.QueryRow("PRAGMA synchronous").Scan(&sync); err != nil || sync != 2 {
		t.Fatalf("synchronous %d, %v", sync, err)
	}
}

func TestAJournalWithoutItsFileButWithItsLogIsKeptAndRecordingGoesOnBesideIt(t *testing.T) {
	dir, keys := testVault(t)
	wal := filepath.Join(dir, journalFile+"-wal")
	os.WriteFile(wal, []byte("frames"), 0o600)
	j := openJournal(t, dir, keys)
	c := check(t, j)
	if c.OK() || c.Problems[0].Kind != ProblemFile || !strings.Contains(c.Problems[0].Text, "write-ahead log") {
		t.Fatalf("check %+v", c)
	}
	record(t, j, draft(t, j, vitalsEntry("p1", 70)))
	if b, _ := os.ReadFile(wal); string(b) != "frames" {
		t.Fatal("the evidence was changed")
	}
	if _, err := os.Stat(filepath.Join(dir, "journal-2.db")); err != nil {
		t.Fatalf("recording did not go on in a new file: %v", err)
	}
}

// recordedJournal returns a closed journal with a few entries, and them.
func recordedJournal(t *testing.T) (string, *Keys, []clinical.Entry) {
	t.Helper()
	dir, keys := testVault(t)
	j, err := OpenJournal(context.Background(), dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	var entries []clinical.Entry
	for i := range 6 {
		e := draft(t, j, vitalsEntry("p1", float64(60+i)))
		record(t, j, e)
		entries = append(entries, e)
	}
	j.Close()
	return dir, keys, entries
}

func TestADamagedJournalIsReportedLeftExactlyAsItWasAndRecordingGoesOnInANewFile(t *testing.T) {
	cases := map[string]func([]byte) []byte{
		"a garbage header":     func(b []byte) []byte { copy(b, "this is not a journal at all..."); return b },
		"a truncation":         func(b []byte) []byte { return b[:len(b)/3] },
		"a short file":         func(b []byte) []byte { return b[:50] },
		"a zeroed b-tree page": func(b []byte) []byte { clear(b[4096 : 4096+200]); return b },
		"another database": func(b []byte) []byte {
			b[68] ^= 0xff // the application id
			return b
		},
		"an emptied file": func(b []byte) []byte { return nil },
	}
	for name, change := range cases {
		t.Run(name, func(t *testing.T) {
			dir, keys, _ := recordedJournal(t)
			path := filepath.Join(dir, journalFile)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			damagedBytes := change(b)
			if err := os.WriteFile(path, damagedBytes, 0o600); err != nil {
				t.Fatal(err)
			}
			os.Remove(path + "-wal")
			os.Remove(path + "-shm")
			j := openJournal(t, dir, keys)
			c := check(t, j)
			if c.OK() || !strings.Contains(c.Err().Error(), "entries 1 to 6 recorded on this kiosk are gone") ||
				!strings.Contains(c.Err().Error(), "left untouched for IT") || !errors.Is(c.Err(), ErrJournalUnverified) {
				t.Fatalf("check: %v", c.Err())
			}
			if all := list(t, j); len(all) != 0 {
				t.Fatalf("listed %d", len(all))
			}
			// One bad file stops no one: the next entry goes on, after the lost ones.
			e := draft(t, j, vitalsEntry("p1", 99))
			record(t, j, e)
			j.Close()
			after, _ := os.ReadFile(path)
			if !bytes.Equal(after, damagedBytes) {
				t.Fatal("the damaged journal was changed")
			}
			j = openJournal(t, dir, keys)
			all := list(t, j)
			if len(all) != 1 || all[0].ID != e.ID || all[0].Seq != 7 {
				t.Fatalf("after recording: %+v", all)
			}
			if c := check(t, j); len(c.Problems) != 1 || !strings.Contains(c.Problems[0].Text, "entries 1 to 6") {
				t.Fatalf("the loss is no longer said: %+v", c.Problems)
			}
		})
	}
}

func TestAFlippedByteAnywhereIsNeverRepairedAndNeverReadAsOtherEntries(t *testing.T) {
	dir, keys, entries := recordedJournal(t)
	path := filepath.Join(dir, journalFile)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	head, err := os.ReadFile(filepath.Join(dir, journalHeadFile))
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]clinical.Entry{}
	for _, e := range entries {
		byID[e.ID] = e
	}
	failures := 0
	for off := 0; off < len(orig); off += 173 {
		b := bytes.Clone(orig)
		b[off] ^= 0x5a
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, journalHeadFile), head, 0o600)
		for _, n := range []string{"journal-2.db", "journal-2.db-wal", "journal-2.db-shm"} {
			os.Remove(filepath.Join(dir, n))
		}
		j, err := OpenJournal(context.Background(), dir, keys)
		if err != nil {
			t.Fatal(err)
		}
		all, err := j.List(context.Background())
		c, cerr := j.Check(context.Background())
		j.Close()
		if err != nil || cerr != nil {
			t.Fatalf("byte %d: %v %v", off, err, cerr)
		}
		if !c.OK() {
			failures++
		} else if len(all) != len(entries) {
			t.Fatalf("byte %d: %d entries and no problem", off, len(all))
		}
		// Unused space may change unnoticed; entries may not.
		for _, e := range all {
			want, ok := byID[e.ID]
			if !ok || *e.Vitals.HeartRate != *want.Vitals.HeartRate {
				t.Fatalf("byte %d: entry %d read differently", off, e.Seq)
			}
		}
		after, _ := os.ReadFile(path)
		if !bytes.Equal(after, b) {
			t.Fatalf("byte %d: the journal was changed by opening it", off)
		}
	}
	t.Logf("%d of %d flips noticed, file %d bytes", failures, len(orig)/173+1, len(orig))
	if failures == 0 {
		t.Fatal("no flipped byte was noticed")
	}
}

// TestNoCodeUpdatesOrDeletesAnEntry reads the source: entries are only
// inserted. The reconciliation table may be updated.
func TestNoCodeUpdatesOrDeletesAnEntry(t *testing.T) {
	forbidden := regexp.MustCompile(`(?i)(update\s+(or\s+\w+\s+)?entries\b|delete\s+from\s+entries\b|replace\s+into\s+entries\b|insert\s+or\s+replace\s+into\s+entries\b|on\s+conflict[^;]*do\s+update|drop\s+table\s+entries\b)`)
	for _, root := range []string{".", "../app", "../sync"} {
		filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if m := forbidden.Find(b); m != nil {
				t.Errorf("%s: %q", path, m)
			}
			return nil
		})
	}
}

func TestTheDatabaseItselfRefusesToChangeOrDeleteAnEntry(t *testing.T) {
	dir, _, _ := recordedJournal(t)
	db, err := sql.Open("sqlite", journalURI(filepath.Join(dir, journalFile), "rw"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		"UPDATE entries SET sealed = x'00' WHERE seq = 1",
		"DELETE FROM entries WHERE seq = 1",
		"DELETE FROM reconciliation",
		"INSERT INTO reconciled_resources VALUES ((SELECT uuid FROM entries WHERE seq = 1), 'Observation', 'o1', '1')",
		"DELETE FROM reconciled_resources",
	} {
		if strings.HasPrefix(q, "INSERT") {
			if _, err := db.Exec(q); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if _, err := db.Exec(q); err == nil || !strings.Contains(err.Error(), "never") {
			t.Errorf("%s: err = %v", q, err)
		}
	}
	if _, err := db.Exec("UPDATE reconciliation SET state = 'pending'"); err != nil {
		t.Errorf("the reconciliation state cannot be updated: %v", err)
	}
}

func TestSealedEntriesSwappedBetweenRowsAreNoticed(t *testing.T) {
	dir, keys, _ := recordedJournal(t)
	db, err := sql.Open("sqlite", journalURI(filepath.Join(dir, journalFile), "rw"))
	if err != nil {
		t.Fatal(err)
	}
	// Someone with the disk drops the guard and swaps two ciphertexts.
	for _, q := range []string{
		"DROP TRIGGER entries_are_never_changed",
		"UPDATE entries SET sealed = (SELECT sealed FROM entries WHERE seq = 2) WHERE seq = 1",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	j := openJournal(t, dir, keys)
	if all := list(t, j); len(all) != 5 || all[0].Seq != 2 {
		t.Fatalf("listed %d, first %d", len(all), all[0].Seq)
	}
	if c := check(t, j); len(c.Problems) != 1 || c.Problems[0].Seq != 1 || c.Problems[0].Kind != ProblemAltered {
		t.Fatalf("problems %+v", c.Problems)
	}
}

func TestACorrectionSupersedesItsEntryAndCannotBeRepeated(t *testing.T) {
	dir, keys := testVault(t)
	j := openJournal(t, dir, keys)
	first := draft(t, j, doseEntry("p1", "p1-m1", clinical.OutcomeGiven, time.Now().Add(-30*time.Minute)))
	record(t, j, first)

	fix := doseEntry("p1", "p1-m1", clinical.OutcomeGiven, time.Now().Add(-30*time.Minute))
	fix.Medication.Dose = &clinical.Quantity{Value: 500, Unit: "mg"}
	fix.Supersedes = first.ID
	fix = draft(t, j, fix)
	record(t, j, fix)

	all := list(t, j)
	if all[0].SupersededBy != fix.ID || all[0].Cancelled || all[1].Superseded() {
		t.Fatalf("listed %+v / %+v", all[0], all[1])
	}

	// A second process (another window) opened before the correction.
	other := openJournal(t, dir, keys)
	again := draft(t, other, clinical.Entry{Kind: clinical.KindCancellation, Patient: "p1", Supersedes: first.ID,
		ClinicalTime: time.Now(), Cancellation: &clinical.Cancellation{Reason: "wrong patient"}})
	err := other.Record(context.Background(), again)
	if !errors.Is(err, clinical.ErrInvalidEntry) || !strings.Contains(err.Error(), "already corrected or cancelled") {
		t.Fatalf("err = %v", err)
	}

	cancel := draft(t, other, clinical.Entry{Kind: clinical.KindCancellation, Patient: "p1", Supersedes: fix.ID,
		ClinicalTime: time.Now(), Cancellation: &clinical.Cancellation{Reason: "documented on the wrong chart"}})
	if err := other.Record(context.Background(), cancel); err != nil {
		t.Fatal(err)
	}
	all = list(t, j)
	if len(all) != 3 || all[1].SupersededBy != cancel.ID || !all[1].Cancelled {
		t.Fatalf("listed %+v", all)
	}
}

func TestTheSameEntryIsNeverRecordedTwice(t *testing.T) {
	dir, keys := testVault(t)
	j := openJournal(t, dir, keys)
	e := draft(t, j, vitalsEntry("p1", 70))
	record(t, j, e)
	// A retry after an error that hid a successful save.
	if err := j.Record(context.Background(), e); !errors.Is(err, ErrEntryExists) {
		t.Fatalf("err = %v", err)
	}
	if err := j.Record(context.Background(), draft(t, j, vitalsEntry("p1", 71)), e); !errors.Is(err, ErrEntryExists) {
		t.Fatalf("err = %v", err)
	}
	if n := len(list(t, j)); n != 1 {
		t.Fatalf("%d entries: a refused batch left some behind", n)
	}
}

func TestAnImpossibleEntryIsNeverRecordedNorAnyOfItsBatch(t *testing.T) {
	dir, keys := testVault(t)
	j := openJournal(t, dir, keys)
	bad := draft(t, j, vitalsEntry("p1", 72))
	bad.Vitals.SpO2 = ptr(140)
	err := j.Record(context.Background(), draft(t, j, vitalsEntry("p1", 72)), bad)
	var ee *clinical.EntryError
	if !errors.As(err, &ee) || ee.Index != 1 || !errors.Is(err, clinical.ErrInvalidEntry) {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, journalFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("a refused batch created the journal")
	}
}

func TestTheJournalOutlivesNewSnapshotGenerations(t *testing.T) {
	dir, keys := testVault(t)
	sealCharts(t, dir, keys, testChart("p1", "Peeters, Maria", "MRN0000001"))
	j := openJournal(t, dir, keys)
	e := draft(t, j, vitalsEntry("p1", 88))
	record(t, j, e)
	j.Close()
	for range keys.Config.Keep + 1 {
		sealCharts(t, dir, keys, testChart("p1", "Peeters, Maria", "MRN0000001"))
	}
	j = openJournal(t, dir, keys)
	if all := list(t, j); len(all) != 1 || all[0].ID != e.ID {
		t.Fatalf("listed %+v", all)
	}
}

func TestAnotherKiosksKeysCannotReadTheJournal(t *testing.T) {
	dir, keys, _ := recordedJournal(t)
	_, otherKeys := testVault(t)
	j := openJournal(t, dir, otherKeys)
	if all := list(t, j); len(all) != 0 {
		t.Fatalf("another kiosk read %d entries", len(all))
	}
	if c := check(t, j); c.OK() || c.Problems[0].Kind == ProblemFile {
		t.Fatalf("problems %+v", c.Problems)
	}
	j.Close()
	if all := list(t, openJournal(t, dir, keys)); len(all) != 6 {
		t.Fatalf("%d entries", len(all))
	}
}

// TestNoPlaintextReachesTheDiskWhileRecording keeps the journal open, so
// that SQLite's -wal and -shm files are there too, and searches every file
// under the data folder and $TMPDIR.
func TestNoPlaintextReachesTheDiskWhileRecording(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	dir, keys := testVault(t)
	sealCharts(t, dir, keys, testChart("p1", "Zwanepoel, Griet", "MRN7730001"))
	j := openJournal(t, dir, keys)
	secrets := []string{"Zwanepoel", "Griet", "MRN7730001", "Wandered to the chapel at night", nurse, "p1-m1", "Ursula Quackenbosch"}
	reg := clinical.Entry{Kind: clinical.KindRegistration, ClinicalTime: time.Now(), Registration: &clinical.Registration{Family: "Quackenbosch",
		Given: "Ursula", Sex: "female", BirthDate: "1938", BirthDateEstimated: true, Ward: "ward-1"}}
	record(t, j, draft(t, j, noteEntry("p1", secrets[3])), draft(t, j, doseEntry("p1", "p1-m1", clinical.OutcomeGiven, time.Now())),
		draft(t, j, reg))
	for range 20 {
		record(t, j, draft(t, j, noteEntry("p1", secrets[3]+" again.")))
	}
	if _, err := os.Stat(filepath.Join(dir, journalFile+"-wal")); err != nil {
		t.Fatalf("the check needs the write-ahead log: %v", err)
	}
	secrets = append(secrets, "Quackenbosch")
	for _, root := range []string{dir, tmp} {
		filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range secrets {
				if bytes.Contains(b, []byte(s)) || strings.Contains(path, s) {
					t.Errorf("%s contains %q", path, s)
				}
			}
			return nil
		})
	}
}

func TestAJournalRemovedWhileOpenIsNotWrittenToAsIfItWereThere(t *testing.T) {
	dir, keys := testVault(t)
	j := openJournal(t, dir, keys)
	record(t, j, draft(t, j, vitalsEntry("p1", 70)))
	if err := os.Rename(filepath.Join(dir, journalFile), filepath.Join(dir, "moved-away.db")); err != nil {
		t.Fatal(err)
	}
	err := j.Record(context.Background(), draft(t, j, vitalsEntry("p1", 71)))
	if !errors.Is(err, ErrJournalDamaged) || !strings.Contains(err.Error(), "removed or replaced while it was open") {
		t.Fatalf("err = %v", err)
	}
}
