package store

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"filippo.io/age"
	"github.com/google/uuid"
	"modernc.org/sqlite"
)

// The journal is where downtime documentation lives: DIR/journal.db, a
// SQLite database beside the snapshots and never inside one, so that a new
// snapshot generation or a restart leaves it as it is.
//
// Each entry is its own age file, encrypted to the kiosk and the IT
// recovery recipients, stored with a sequence number and its UUID, which is
// random and says nothing about anyone. Nothing else about an entry is in
// the clear: not the patient, the author, the kind or the time.
//
// An entry is durable before Record returns: SQLite in WAL mode with
// synchronous=FULL fsyncs the log at every commit, so the nurse is told
// "saved" only for what survives a power cut. Entries are only ever
// inserted; triggers refuse any UPDATE or DELETE of one, and no code here
// has either. Reconciliation state is kept beside them, in a table whose
// rows are added and updated but never deleted.
//
// Nothing resets, repairs or recreates a journal. A journal that cannot be
// read is an error and the file is left exactly as it was (the checks run
// on a read-only connection, which can neither write nor checkpoint); only
// a missing journal is created, and only when the first entry is recorded.

// StatePending is the reconciliation state of an entry not yet pushed to
// the EHR. The reconciliation issue adds the others.
const StatePending = "pending"

// Errors of the journal.
var (
	// ErrJournalDamaged marks a journal that cannot be read; see JournalError.
	ErrJournalDamaged = errors.New("the downtime journal is damaged")
	ErrNoEntry        = errors.New("no entry with that id in the journal")
	ErrEntryExists    = errors.New("an entry with that id is already in the journal")
	ErrJournalClosed  = errors.New("the journal is closed")
)

// JournalError says why a journal cannot be read. The journal is never
// touched after one: IT takes the file as it is.
type JournalError struct{ Reason string }

func (e *JournalError) Error() string {
	return "the downtime journal cannot be read and was left untouched for IT: " + e.Reason
}

func (e *JournalError) Is(target error) bool { return target == ErrJournalDamaged }

func damaged(format string, a ...any) error {
	return &JournalError{Reason: fmt.Sprintf(format, a...)}
}

// JournalEntry is an entry as the journal holds it: in its place in the
// sequence, with its reconciliation state and, when a later entry
// corrected or cancelled it, that entry's id.
type JournalEntry struct {
	Entry
	Seq          int64  `json:"seq"`
	State        string `json:"state"`
	SupersededBy string `json:"supersededBy,omitempty"`
	Cancelled    bool   `json:"cancelled,omitempty"` // superseded by a cancellation
}

// Superseded says whether a later entry corrected or cancelled this one.
func (e JournalEntry) Superseded() bool { return e.SupersededBy != "" }

// Journal is an open downtime journal. It is safe for use by several
// goroutines, and several processes may write the same journal.
type Journal struct {
	dir, path string
	kioskID   string
	identity  age.Identity
	sealer    *entrySealer
	now       func() time.Time

	mu          sync.Mutex
	db          *sql.DB     // nil while the file does not exist
	file        os.FileInfo // the journal.db that db has open
	insertEntry *sql.Stmt   // prepared once: recording is the one path that must be fast
	closed      bool
	entries     []JournalEntry // decrypted, in sequence order; State and SupersededBy are filled by List
	index       map[string]int // entry id to its place in entries
	last        int64          // the highest sequence number read
}

// OpenJournal opens the journal in dir with the kiosk's keys. A missing
// journal opens empty, and the file is created by the first Record; a
// journal that cannot be read gives a *JournalError and is left untouched.
func OpenJournal(ctx context.Context, dir string, keys *Keys) (*Journal, error) {
	rs, err := keys.Config.recipients()
	if err != nil {
		return nil, err
	}
	path, err := filepath.Abs(filepath.Join(dir, journalFile))
	if err != nil {
		return nil, fmt.Errorf("opening the downtime journal: %w", err)
	}
	j := &Journal{dir: filepath.Dir(path), path: path, kioskID: keys.Config.KioskID, identity: keys.identity,
		now: time.Now, index: map[string]int{}}
	exists, err := inspectJournal(ctx, path)
	if err != nil {
		return nil, err
	}
	if exists {
		if err := j.connect(ctx, false); err != nil {
			return nil, err
		}
	}
	j.sealer = newEntrySealer(rs)
	return j, nil
}

// KioskID is the kiosk the journal records for.
func (j *Journal) KioskID() string { return j.kioskID }

// Close closes the journal and forgets the decrypted entries.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.closed = true
	clear(j.entries)
	j.entries, j.index = nil, nil
	if j.db == nil {
		return nil
	}
	if j.insertEntry != nil {
		j.insertEntry.Close()
	}
	err := j.db.Close()
	j.db = nil
	return err
}

// Stamp fills what a new entry takes from the kiosk rather than from the
// person: a fresh id when it has none, the author, this kiosk, the time it
// was typed, the transcriber of paper back-entry, and the temporary
// identifier of a registration (made now unless one from a pre-printed
// label was given). A typed temporary identifier is put in its printed form.
func (j *Journal) Stamp(e *Entry, author string, now time.Time) error {
	if e.ID == "" {
		id, err := uuid.NewRandom()
		if err != nil {
			return fmt.Errorf("making an entry id: %w", err)
		}
		e.ID = id.String()
	}
	e.Author, e.KioskID, e.EnteredAt = author, j.kioskID, now
	if e.Transcription != nil && e.Transcription.By == "" {
		e.Transcription.By = author
	}
	if id, ok := ParseTemporaryID(e.Patient); ok && looksTemporary.MatchString(e.Patient) {
		e.Patient = id
	}
	if r := e.Registration; r != nil && e.Kind == KindRegistration {
		if id, ok := ParseTemporaryID(r.TemporaryID); ok {
			r.TemporaryID = id
		}
		switch {
		case r.TemporaryID == "" && e.Patient == "":
			id, err := NewTemporaryID()
			if err != nil {
				return err
			}
			r.TemporaryID, e.Patient = id, id
		case r.TemporaryID == "":
			r.TemporaryID = e.Patient
		case e.Patient == "":
			e.Patient = r.TemporaryID
		}
	}
	return nil
}

// Record writes entries to the journal in one transaction and returns once
// it is durable: all of them are saved, or none. Each is validated again
// (warnings are the caller's business, see Review) and a correction is
// refused if another already superseded the same entry, which is checked
// under the write lock so that two kiosk processes cannot both do it.
func (j *Journal) Record(ctx context.Context, entries ...Entry) error {
	now := j.now()
	sealed := make([][]byte, len(entries))
	ids := map[string]bool{}
	for i := range entries {
		e := &entries[i]
		err := e.Validate(now)
		switch {
		case err != nil:
		case e.KioskID != j.kioskID:
			err = invalid("the entry was made for another kiosk")
		case ids[e.ID]:
			err = invalid("two entries have the same id")
		}
		if err != nil {
			return &EntryError{Index: i, Err: err}
		}
		ids[e.ID] = true
		if sealed[i], err = j.seal(e); err != nil {
			return err
		}
	}
	if len(entries) == 0 {
		return nil
	}

	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return ErrJournalClosed
	}
	if j.db == nil {
		if err := j.create(ctx); err != nil {
			return err
		}
	}
	if j.insertEntry == nil {
		if err := j.prepare(ctx); err != nil {
			return err
		}
	}
	// SQLite would go on writing to a file that was deleted or replaced
	// under it, and what it wrote would be lost at the next start.
	if fi, err := os.Stat(j.path); err != nil || !os.SameFile(fi, j.file) {
		return damaged("journal.db was removed or replaced while it was open")
	}
	var first int64
	var err error
	if len(entries) == 1 && entries[0].Supersedes == "" {
		// One new entry is one statement, committed (and fsynced) on its own.
		first, err = j.insert(ctx, j.insertEntry, 0, entries[0].ID, sealed[0])
	} else {
		first, err = j.insertAll(ctx, entries, sealed)
	}
	if err != nil {
		return err
	}
	if first == j.last+1 {
		for i := range entries {
			j.add(JournalEntry{Entry: entries[i], Seq: first + int64(i)})
		}
	}
	return nil
}

// insertAll records a batch, or a correction, in one transaction. A
// correction needs what other processes recorded, and is checked under the
// write lock, which the transaction takes as it begins.
func (j *Journal) insertAll(ctx context.Context, entries []Entry, sealed [][]byte) (int64, error) {
	tx, err := j.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("recording in the downtime journal: %v", err)
	}
	defer tx.Rollback()
	if slices.ContainsFunc(entries, func(e Entry) bool { return e.Supersedes != "" }) {
		if err := j.refresh(ctx, tx); err != nil {
			return 0, err
		}
		if err := j.checkSupersessions(entries); err != nil {
			return 0, err
		}
	}
	var first int64
	stmt := tx.StmtContext(ctx, j.insertEntry)
	for i := range entries {
		seq, err := j.insert(ctx, stmt, i, entries[i].ID, sealed[i])
		if err != nil {
			return 0, err
		}
		if i == 0 {
			first = seq
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("recording in the downtime journal: %v", err)
	}
	return first, nil
}

// insert adds one sealed entry and returns its sequence number.
func (j *Journal) insert(ctx context.Context, stmt *sql.Stmt, i int, id string, sealed []byte) (int64, error) {
	res, err := stmt.ExecContext(ctx, id, sealed)
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code() == sqliteConstraintUnique {
		return 0, &EntryError{Index: i, Err: ErrEntryExists}
	}
	if err != nil {
		return 0, fmt.Errorf("recording in the downtime journal: %v", err)
	}
	seq, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("recording in the downtime journal: %v", err)
	}
	return seq, nil
}

// checkSupersessions refuses a batch that supersedes an entry that is not
// in the journal, or one that another entry already superseded.
func (j *Journal) checkSupersessions(batch []Entry) error {
	taken := map[string]bool{}
	for _, e := range j.entries {
		if e.Supersedes != "" {
			taken[e.Supersedes] = true
		}
	}
	for i, e := range batch {
		if e.Supersedes == "" {
			continue
		}
		target, ok := Entry{}, false
		if k, found := j.index[e.Supersedes]; found {
			target, ok = j.entries[k].Entry, true
		}
		for _, b := range batch[:i] {
			if b.ID == e.Supersedes {
				target, ok = b, true
			}
		}
		if err := supersession(&e, target, ok, taken[e.Supersedes]); err != nil {
			return &EntryError{Index: i, Err: err}
		}
		taken[e.Supersedes] = true
	}
	return nil
}

func (j *Journal) add(e JournalEntry) {
	j.index[e.ID] = len(j.entries)
	j.entries = append(j.entries, e)
	j.last = e.Seq
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// refresh reads and decrypts the entries recorded since the last read, by
// this process or another.
func (j *Journal) refresh(ctx context.Context, q querier) error {
	rows, err := q.QueryContext(ctx, "SELECT seq, uuid, sealed FROM entries WHERE seq > ? ORDER BY seq", j.last)
	if err != nil {
		return sqliteProblem(err)
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		var id string
		var sealed []byte
		if err := rows.Scan(&seq, &id, &sealed); err != nil {
			return sqliteProblem(err)
		}
		e, err := j.unseal(seq, id, sealed)
		if err != nil {
			return err
		}
		j.add(JournalEntry{Entry: e, Seq: seq})
	}
	if err := rows.Err(); err != nil {
		return sqliteProblem(err)
	}
	return nil
}

// seal encrypts an entry to the kiosk and recovery recipients. The JSON is
// cleared once encrypted; the ciphertext alone leaves memory.
func (j *Journal) seal(e *Entry) ([]byte, error) {
	plain, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("sealing an entry: %w", err)
	}
	defer clear(plain)
	return j.sealer.seal(plain)
}

// unseal decrypts one stored entry and checks that it is the entry its row
// says, so that sealed entries swapped between rows are noticed.
func (j *Journal) unseal(seq int64, id string, sealed []byte) (Entry, error) {
	r, err := age.Decrypt(bytes.NewReader(sealed), j.identity)
	if err != nil {
		return Entry{}, damaged("entry %d cannot be decrypted with this kiosk's key", seq)
	}
	plain, err := io.ReadAll(io.LimitReader(r, maxEntrySize))
	defer clear(plain)
	if err != nil {
		return Entry{}, damaged("entry %d was altered", seq)
	}
	var e Entry
	if err := json.Unmarshal(plain, &e); err != nil || e.ID != id {
		return Entry{}, damaged("entry %d does not match its row", seq)
	}
	return e, nil
}

// List returns every entry in the order recorded, with its reconciliation
// state and what superseded it. The first correction or cancellation of an
// entry is the one that counts (Record refuses a second).
func (j *Journal) List(ctx context.Context) ([]JournalEntry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil, ErrJournalClosed
	}
	out := []JournalEntry{}
	if j.db == nil {
		return out, nil
	}
	if err := j.refresh(ctx, j.db); err != nil {
		return nil, err
	}
	states := map[string]string{}
	rows, err := j.db.QueryContext(ctx, "SELECT entry, state FROM reconciliation")
	if err != nil {
		return nil, sqliteProblem(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, state string
		if err := rows.Scan(&id, &state); err != nil {
			return nil, sqliteProblem(err)
		}
		states[id] = state
	}
	if err := rows.Err(); err != nil {
		return nil, sqliteProblem(err)
	}
	out = append(out, j.entries...)
	for i := range out {
		out[i].State = states[out[i].ID]
		if out[i].State == "" {
			return nil, damaged("entry %d has no reconciliation state", out[i].Seq)
		}
	}
	markSuperseded(out)
	return out, nil
}

// markSuperseded fills SupersededBy and Cancelled; the first entry to
// supersede another is the one that counts.
func markSuperseded(entries []JournalEntry) {
	at := make(map[string]int, len(entries))
	for i, e := range entries {
		at[e.ID] = i
	}
	for _, e := range entries {
		if k, ok := at[e.Supersedes]; ok && e.Supersedes != "" && entries[k].SupersededBy == "" {
			entries[k].SupersededBy = e.ID
			entries[k].Cancelled = e.Kind == KindCancellation
		}
	}
}

// Entry returns one entry by id, decrypting only that one.
func (j *Journal) Entry(ctx context.Context, id string) (Entry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return Entry{}, ErrJournalClosed
	}
	if k, ok := j.index[id]; ok {
		return j.entries[k].Entry, nil
	}
	if j.db == nil {
		return Entry{}, ErrNoEntry
	}
	var seq int64
	var sealed []byte
	err := j.db.QueryRowContext(ctx, "SELECT seq, sealed FROM entries WHERE uuid = ?", id).Scan(&seq, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, ErrNoEntry
	}
	if err != nil {
		return Entry{}, sqliteProblem(err)
	}
	return j.unseal(seq, id, sealed)
}

// ForPatient returns one patient's entries (not the decisions taken on
// them during reconciliation), newest clinical time first
// (and, at the same time, the last recorded first), as a chart shows them.
func ForPatient(entries []JournalEntry, patient string) []JournalEntry {
	var out []JournalEntry
	for _, e := range entries {
		if e.Patient == patient && e.Kind != KindDecision {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b JournalEntry) int {
		if c := b.ClinicalTime.Compare(a.ClinicalTime); c != 0 {
			return c
		}
		return cmp.Compare(b.Seq, a.Seq)
	})
	return out
}
