package store

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"lifeboat/clinical"
)

// handInAll hands in dir's journal and trail to m from pos, batch by
// batch as a kiosk does, and returns the receipts.
func handInAll(t *testing.T, dir string, m *Mirror, pos Position) []*HandInReceipt {
	t.Helper()
	var out []*HandInReceipt
	for range 1000 {
		h, err := ReadHandIn(context.Background(), dir, pos)
		if err != nil {
			t.Fatal(err)
		}
		r, err := m.Put(context.Background(), h)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
		pos = r.Position
		if h.Last() {
			return out
		}
	}
	t.Fatal("the hand-in never ended")
	return nil
}

// kioskWithJournal is a kiosk that recorded n entries, a decision of the
// recovery role, and audit records.
func kioskWithJournal(t *testing.T, n int) (dir string, keys *Keys, recovery string) {
	t.Helper()
	dir, keys, recovery = testVaultWithRecovery(t)
	j := openJournal(t, dir, keys)
	a, err := OpenAudit(dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		e := draft(t, j, vitalsEntry("p1", float64(60+i)))
		record(t, j, e)
		if err := a.Append(AuditRecord{Actor: "nurse", Action: AuditRecordEntry, Subject: e.ID, Details: "vitals; " + j.Witness(e.ID)}); err != nil {
			t.Fatal(err)
		}
	}
	j.Close()
	rk, err := UnlockRecovery(dir, recovery)
	if err != nil {
		t.Fatal(err)
	}
	jr := openJournal(t, dir, rk)
	first := list(t, jr)[0]
	now := time.Now()
	d := clinical.Entry{Kind: clinical.KindDecision, Patient: "p1", ClinicalTime: now,
		Decision: &clinical.Decision{Entry: first.ID, Action: clinical.DecisionSkip, Reason: "recorded twice"}}
	if err := jr.Stamp(&d, "HIM Janssens", now); err != nil {
		t.Fatal(err)
	}
	record(t, jr, d)
	jr.Close()
	return dir, keys, recovery
}

// A journal handed in, in batches, opens at the hub with the recovery key
// exactly as at the kiosk: every entry, verified, decrypted, the recovery
// role's decision checked, the audit trail intact. Handed in again, from
// the start (a receipt lost), nothing is kept twice.
func TestAJournalHandedInOpensAtTheHubAsAtTheKiosk(t *testing.T) {
	dir, _, recovery := kioskWithJournal(t, 25)
	SetHandInBatch(t, 4<<10) // a few entries a batch
	raw, err := os.ReadFile(filepath.Join(dir, configFile))
	if err != nil {
		t.Fatal(err)
	}
	m, err := OpenMirror(filepath.Join(t.TempDir(), "mirror"), raw)
	if err != nil {
		t.Fatal(err)
	}
	if h, err := ReadHandIn(context.Background(), dir, Position{}); err != nil || h.WaitingEntries != 26 || h.WaitingAudit != 25 {
		t.Fatalf("waiting before the hand-in: %+v, %v", h, err)
	}
	receipts := handInAll(t, dir, m, Position{})
	if len(receipts) < 3 {
		t.Fatalf("%d batches, want several", len(receipts))
	}
	stored, lines := 0, 0
	for _, r := range receipts {
		stored += len(r.Stored)
		lines += r.Lines
		if len(r.Apart) > 0 || len(r.Had) > 0 || len(r.Problems) > 0 {
			t.Fatalf("a batch: %+v", r)
		}
	}
	last := receipts[len(receipts)-1]
	if h, err := ReadHandIn(context.Background(), dir, last.Position); err != nil || h.WaitingEntries != 0 || h.WaitingAudit != 0 {
		t.Fatalf("waiting after the hand-in: %+v, %v", h, err)
	}
	if stored != 26 || last.Held != 26 || !last.Head || !last.Trail || lines != 25 {
		t.Fatalf("stored %d, lines %d; last receipt %+v", stored, lines, last)
	}

	// IT opens the mirror as the kiosk's own folder.
	rk, err := UnlockRecovery(m.Dir(), recovery)
	if err != nil {
		t.Fatal(err)
	}
	jm := openJournal(t, m.Dir(), rk)
	if c := check(t, jm); !c.OK() {
		t.Fatalf("the mirror's journal: %v", c.Problems)
	}
	rkk, err := UnlockRecovery(dir, recovery)
	if err != nil {
		t.Fatal(err)
	}
	jk := openJournal(t, dir, rkk)
	ids := func(es []JournalEntry) (out []string) {
		for _, e := range es {
			out = append(out, e.ID+"/"+e.Signer)
		}
		return out
	}
	if got, want := ids(list(t, jm)), ids(list(t, jk)); !slices.Equal(got, want) || len(got) != 26 {
		t.Fatalf("the mirror's entries %v, the kiosk's %v", got, want)
	}
	rows, rep, err := ReadAudit(m.Dir(), rk)
	if err != nil || !rep.Intact() || len(rows) != 25 {
		t.Fatalf("the mirror's audit trail: %d rows, %+v, %v", len(rows), rep.First(), err)
	}

	// Again from the start: every entry already held, no line added.
	for _, r := range handInAll(t, dir, m, Position{}) {
		if len(r.Stored) > 0 || r.Lines > 0 || len(r.Apart) > 0 {
			t.Fatalf("handed in twice: %+v", r)
		}
	}
	if c := check(t, openJournal(t, m.Dir(), rk)); !c.OK() {
		t.Fatalf("after the second hand-in: %v", c.Problems)
	}

	// Another kiosk's keys are not put in this mirror.
	other, _ := testVault(t)
	oraw, _ := os.ReadFile(filepath.Join(other, configFile))
	if _, err := OpenMirror(m.Dir(), oraw); err != ErrOtherKiosk {
		t.Fatalf("another kiosk's hand-in: %v", err)
	}
}

// What fails its checks, or differs from what was handed in before under
// its number, is kept apart and said, and never replaces anything; a line
// of the mirror's trail cut short by a kill is mended.
func TestAForgedOrDifferentEntryIsKeptApartAndNothingIsReplaced(t *testing.T) {
	dir, _, recovery := kioskWithJournal(t, 3)
	raw, _ := os.ReadFile(filepath.Join(dir, configFile))
	m, err := OpenMirror(filepath.Join(t.TempDir(), "mirror"), raw)
	if err != nil {
		t.Fatal(err)
	}
	h, err := ReadHandIn(context.Background(), dir, Position{})
	if err != nil || !h.Last() || len(h.Entries) != 4 {
		t.Fatalf("%d entries, last %v, %v", len(h.Entries), h.Last(), err)
	}
	good := h.Entries[1]
	h.Entries[1].Sealed = append([]byte{}, good.Sealed...)
	h.Entries[1].Sealed[40] ^= 1 // altered
	h.Entries[2].Sig[0] ^= 1     // forged
	r, err := m.Put(context.Background(), h)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Apart, []int64{2, 3}) || !slices.Equal(r.Stored, []int64{1, 4}) || len(r.Problems) != 2 ||
		!strings.Contains(r.Problems[0], "Entry 2 does not match its chain value") || !strings.Contains(r.Problems[1], "Entry 3 is not signed by the kiosk") {
		t.Fatalf("receipt %+v", r)
	}
	apart, _ := os.ReadDir(filepath.Join(m.Dir(), "apart"))
	if len(apart) != 2 {
		t.Fatalf("%d files kept apart", len(apart))
	}

	// A kill cut the mirror's trail mid-line; the kiosk's real entries
	// come again: the missing ones are taken, the rest were held.
	f, err := os.OpenFile(filepath.Join(m.Dir(), auditLogFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"seq":4,"ct":"AAAA`)
	f.Close()
	h, _ = ReadHandIn(context.Background(), dir, Position{})
	// An entry under a number held, with other content: kept apart.
	h.Entries = append(h.Entries, h.Entries[0])
	h.Entries[4].Seq = 4
	r, err = m.Put(context.Background(), h)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Stored, []int64{2, 3}) || !slices.Equal(r.Had, []int64{1, 4}) || !slices.Equal(r.Apart, []int64{4}) {
		t.Fatalf("receipt %+v", r)
	}
	rk, err := UnlockRecovery(m.Dir(), recovery)
	if err != nil {
		t.Fatal(err)
	}
	if c := check(t, openJournal(t, m.Dir(), rk)); !c.OK() {
		t.Fatalf("the mirror after the mending: %v", c.Problems)
	}
	if _, rep, err := ReadAudit(m.Dir(), rk); err != nil || !rep.Intact() {
		t.Fatalf("the mirror's trail after the mending: %+v, %v", rep.First(), err)
	}
}

// batchOf is the first entries and audit lines of a hand-in from the
// start: what a hub held when its folder was backed up.
func batchOf(t *testing.T, dir string, entries, lines int) *HandIn {
	t.Helper()
	h, err := ReadHandIn(context.Background(), dir, Position{})
	if err != nil {
		t.Fatal(err)
	}
	h.Entries, h.Audit, h.JournalHead, h.AuditHead = h.Entries[:entries], h.Audit[:lines], nil, nil
	return h
}

// A mirror keeps a batch only when it holds what comes before it. One
// from beyond (a kiosk going on from a receipt of a hub whose folder was
// restored from a back-up since) is kept not at all, not even its
// entries beyond the gap; the receipt goes back to what is held, and
// from there the rest comes whole.
func TestAMirrorTakesNothingFromBeyondWhatItHolds(t *testing.T) {
	dir, _, recovery := kioskWithJournal(t, 6)
	raw, _ := os.ReadFile(filepath.Join(dir, configFile))
	m, err := OpenMirror(filepath.Join(t.TempDir(), "mirror"), raw)
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Put(context.Background(), batchOf(t, dir, 3, 2))
	if err != nil || r.Position != (Position{File: journalFile, Entry: 3, Audit: 2}) {
		t.Fatalf("the first batch: %+v, %v", r, err)
	}
	h, err := ReadHandIn(context.Background(), dir, Position{File: journalFile, Entry: 5, Audit: 4})
	if err != nil || len(h.Entries) != 2 || len(h.Audit) != 2 {
		t.Fatalf("from a later receipt: %+v, %v", h, err)
	}
	r, err = m.Put(context.Background(), h)
	if err != nil || r.Position != (Position{File: journalFile, Entry: 3, Audit: 2}) || len(r.Stored)+len(r.Had)+len(r.Apart) != 0 ||
		r.Lines != 0 || r.Held != 3 || r.Head || r.Trail || len(r.Problems) != 0 {
		t.Fatalf("a batch from beyond what the mirror holds: %+v, %v", r, err)
	}
	rs := handInAll(t, dir, m, r.Position)
	if last := rs[len(rs)-1]; last.Position != (Position{File: journalFile, Entry: 7, Audit: 6}) || last.Held != 7 || !last.Head || !last.Trail {
		t.Fatalf("from where the receipt went back: %+v", last)
	}
	rk, err := UnlockRecovery(m.Dir(), recovery)
	if err != nil {
		t.Fatal(err)
	}
	if c := check(t, openJournal(t, m.Dir(), rk)); !c.OK() || c.Entries+c.RecoveryOnly != 7 {
		t.Fatalf("the mirror's journal: %+v", c)
	}
	if rows, rep, err := ReadAudit(m.Dir(), rk); err != nil || !rep.Intact() || len(rows) != 6 {
		t.Fatalf("the mirror's trail: %d rows, %+v, %v", len(rows), rep.First(), err)
	}
}

// Numbers the kiosk's own journal skips are no gap: entries removed from
// its end are said there, and recording goes on after them; the hand-in
// goes on past them too, and does not ask for them again.
func TestAHandInGoesOnPastEntriesTheKioskLost(t *testing.T) {
	dir, keys, _ := kioskWithJournal(t, 4)
	raw, _ := os.ReadFile(filepath.Join(dir, configFile))
	m, err := OpenMirror(filepath.Join(t.TempDir(), "mirror"), raw)
	if err != nil {
		t.Fatal(err)
	}
	r, err := m.Put(context.Background(), batchOf(t, dir, 3, 4))
	if err != nil || r.Position.Entry != 3 {
		t.Fatalf("the first batch: %+v, %v", r, err)
	}
	db := rawJournal(t, dir)
	sqlExec(t, db, "DROP TRIGGER entries_are_never_deleted")
	sqlExec(t, db, "DROP TRIGGER signatures_are_never_deleted")
	sqlExec(t, db, "DROP TRIGGER reconciliation_is_never_deleted")
	for _, seq := range []int{4, 5} {
		sqlExec(t, db, "DELETE FROM reconciliation WHERE entry = (SELECT uuid FROM entries WHERE seq = ?)", seq)
		sqlExec(t, db, "DELETE FROM signatures WHERE seq = ?", seq)
		sqlExec(t, db, "DELETE FROM entries WHERE seq = ?", seq)
	}
	db.Close()
	j := openJournal(t, dir, keys)
	record(t, j, draft(t, j, vitalsEntry("p1", 90)))
	all := list(t, j)
	j.Close()
	seq := all[len(all)-1].Seq
	if seq <= 4 {
		t.Fatalf("the kiosk recorded entry %d in the place of one it lost", seq)
	}

	rs := handInAll(t, dir, m, r.Position)
	if last := rs[len(rs)-1]; last.Position.Entry != seq || !slices.Equal(last.Stored, []int64{seq}) {
		t.Fatalf("past the entries the kiosk lost: %+v", last)
	}
	if h, err := ReadHandIn(context.Background(), dir, rs[len(rs)-1].Position); err != nil || h.WaitingEntries != 0 {
		t.Fatalf("after it: %+v, %v", h, err)
	}
}

// A kiosk's signed heads say when nothing lies beyond its last receipt, so
// that a step with nothing new reads neither its journal nor its trail.
// Anything beyond, a head missing or damaged, or another journal file says
// nothing, and the hand-in reads everything.
func TestNothingBeyondIsSaidOnlyByTheKiosksSignedHeads(t *testing.T) {
	dir, keys, _ := kioskWithJournal(t, 3)
	raw, err := os.ReadFile(filepath.Join(dir, configFile))
	if err != nil {
		t.Fatal(err)
	}
	m, err := OpenMirror(t.TempDir(), raw)
	if err != nil {
		t.Fatal(err)
	}
	rs := handInAll(t, dir, m, Position{})
	pos := rs[len(rs)-1].Position
	if !NothingBeyond(dir, pos) {
		t.Fatalf("nothing new beyond %+v, but not said so", pos)
	}
	for what, p := range map[string]Position{
		"entries beyond":       {File: pos.File, Entry: pos.Entry - 2, Audit: pos.Audit},
		"audit records beyond": {File: pos.File, Entry: pos.Entry, Audit: pos.Audit - 1},
		"another file":         {File: "journal-2.db", Entry: pos.Entry, Audit: pos.Audit},
	} {
		if NothingBeyond(dir, p) {
			t.Errorf("%s: said nothing beyond", what)
		}
	}

	a, err := OpenAudit(dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Append(AuditRecord{Actor: "nurse", Action: AuditViewChart, Subject: "p1"}); err != nil {
		t.Fatal(err)
	}
	if NothingBeyond(dir, pos) {
		t.Error("an audit record since: said nothing beyond")
	}
	pos.Audit++
	if !NothingBeyond(dir, pos) {
		t.Error("the new record handed in: not said")
	}
	j := openJournal(t, dir, keys)
	record(t, j, draft(t, j, vitalsEntry("p1", 90)))
	j.Close()
	if NothingBeyond(dir, pos) {
		t.Error("an entry since: said nothing beyond")
	}
	pos.Entry++
	if !NothingBeyond(dir, pos) {
		t.Error("the new entry handed in: not said")
	}

	if err := os.WriteFile(filepath.Join(dir, auditHeadFile), []byte(`{"count":99}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if NothingBeyond(dir, pos) {
		t.Error("a forged audit.head: said nothing beyond")
	}
	if err := os.Remove(filepath.Join(dir, journalHeadFile)); err != nil {
		t.Fatal(err)
	}
	if NothingBeyond(dir, pos) {
		t.Error("no journal.head: said nothing beyond")
	}
}
