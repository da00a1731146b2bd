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
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"lifeboat/clinical"

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
	clinical.Entry
	Seq          int64  `json:"seq"`
	State        string `json:"state"`
	SupersededBy string `json:"supersededBy,omitempty"`
	Cancelled    bool   `json:"cancelled,omitempty"` // superseded by a cancellation
	// Signer is who signed the entry (SignerKiosk, SignerUpgrade,
	// SignerRecovery), or "" in a journal not yet upgraded to signing.
	Signer string `json:"signer,omitempty"`
	chain  []byte
}

// Superseded says whether a later entry corrected or cancelled this one.
func (e JournalEntry) Superseded() bool { return e.SupersededBy != "" }

// Documented is the entry itself (clinical.Journaled).
func (e *JournalEntry) Documented() *clinical.Entry { return &e.Entry }

// SupersedeBy records that the entry by corrected or cancelled this one
// (clinical.MarkSuperseded).
func (e *JournalEntry) SupersedeBy(by *clinical.Entry) {
	e.SupersededBy = by.ID
	e.Cancelled = by.Kind == clinical.KindCancellation
}

// Journal is an open downtime journal. It is safe for use by several
// goroutines, and several processes may write the same journal.
type Journal struct {
	dir, path string // path: the journal file in use, journal.db or, after one was lost, journal-N.db
	kioskID   string
	keys      *Keys
	sealer    *entrySealer
	now       func() time.Time

	mu           sync.Mutex
	db           *sql.DB     // nil while the file does not exist
	file         os.FileInfo // the journal file that db has open
	insertEntry  *sql.Stmt   // prepared once: recording is the one path that must be fast
	insertSig    *sql.Stmt
	closed       bool
	legacy       bool           // a version 2 journal opened without the signing key: entries are not signed
	entries      []JournalEntry // verified and decrypted, in sequence order; State and SupersededBy are filled by List
	index        map[string]int // entry id to its place in entries
	last         int64          // the highest sequence number read, verified or not
	signedSeq    int64          // the last entry read whose signature holds, and its chain value
	signedChain  []byte
	rowProblems  []JournalProblem // entries that failed verification, and gaps
	headProblems []JournalProblem // what the last reading of journal.head found
	recoveryOnly int              // decisions recorded with the recovery key, which these keys cannot check
	files        fileState        // what was found of the journal's files at open
	heads        chan struct{}    // a newer head to write (see headLater); nil until the first Record
	headsDone    chan struct{}
	closing      chan struct{} // closed by Close: the head writer writes at once
	headProblem  error         // the last head could not be written
}

// OpenJournal opens the journal in dir with the kiosk's keys (or IT's
// recovery keys). A missing journal opens empty, and the file is created by
// the first Record. A journal file that is missing or damaged while
// journal.head or the audit trail says entries were recorded opens too,
// with the problem in Check, and is left exactly as it was: the first
// Record starts a new file beside it. Only an error reading the disk, or a
// journal written by a newer Lifeboat, is an error here.
func OpenJournal(ctx context.Context, dir string, keys *Keys) (*Journal, error) {
	return openJournalAudited(ctx, dir, keys, nil)
}

// AuditRead is one reading of the audit trail: what ReadAudit returned.
type AuditRead struct {
	Rows   []AuditRow
	Report AuditReport
	Err    error
}

// OpenJournalWithAudit is OpenJournal for a caller that read the audit
// trail already (to cross-check the journal against it): the journal
// takes what it needs of the trail from that reading, which must be of
// the same data folder, instead of reading the whole trail again.
func OpenJournalWithAudit(ctx context.Context, dir string, keys *Keys, trail AuditRead) (*Journal, error) {
	return openJournalAudited(ctx, dir, keys, witnessesIn(trail))
}

func openJournalAudited(ctx context.Context, dir string, keys *Keys, audited *auditWitness) (*Journal, error) {
	rs, err := keys.Config.recipients()
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("opening the downtime journal: %w", err)
	}
	j := &Journal{dir: abs, kioskID: keys.Config.KioskID, keys: keys, now: time.Now, index: map[string]int{},
		signedChain: journalGenesis(keys.Config.KioskID)}
	j.files.audited = audited
	if err := j.openFiles(ctx); err != nil {
		return nil, err
	}
	j.sealer = newEntrySealer(rs)
	return j, nil
}

// KioskID is the kiosk the journal records for.
func (j *Journal) KioskID() string { return j.kioskID }

// Close closes the journal and forgets the decrypted entries.
func (j *Journal) Close() error {
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		return nil
	}
	j.closed = true
	if j.heads != nil {
		close(j.closing)
		close(j.heads)
	}
	j.mu.Unlock()
	if j.heads != nil {
		<-j.headsDone // the newest head is on disk
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	clear(j.entries)
	j.entries, j.index = nil, nil
	if j.db == nil {
		return nil
	}
	if j.insertEntry != nil {
		j.insertEntry.Close()
		j.insertSig.Close()
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
func (j *Journal) Stamp(e *clinical.Entry, author string, now time.Time) error {
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
	if id, ok := clinical.ParseTemporaryID(e.Patient); ok && clinical.LooksTemporary(e.Patient) {
		e.Patient = id
	}
	if r := e.Registration; r != nil && e.Kind == clinical.KindRegistration {
		if id, ok := clinical.ParseTemporaryID(r.TemporaryID); ok {
			r.TemporaryID = id
		}
		switch {
		case r.TemporaryID == "" && e.Patient == "":
			id, err := clinical.NewTemporaryID()
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
// (warnings are the caller's business, see Review), signed and chained to
// the one before, and a correction is refused if another already
// superseded the same entry, which is checked under the write lock so that
// two kiosk processes cannot both do it. Recording goes on whatever
// verification found: a forged or missing entry is reported, never a
// reason to stop documenting.
func (j *Journal) Record(ctx context.Context, entries ...clinical.Entry) error {
	return j.record(ctx, nil, entries)
}

// record is Record; elsewhere are the entries of the journals read with
// this one (Journals: the kiosks' at the hub), which a correction recorded
// here may supersede too, unless one superseded them already.
func (j *Journal) record(ctx context.Context, elsewhere map[string]JournalEntry, entries []clinical.Entry) error {
	now := j.now()
	sealed := make([][]byte, len(entries))
	ids := map[string]bool{}
	for i := range entries {
		e := &entries[i]
		err := e.Validate(now)
		switch {
		case err != nil:
		case e.KioskID != j.kioskID:
			err = &clinical.InvalidEntryError{Reason: "the entry was made for another kiosk"}
		case ids[e.ID]:
			err = &clinical.InvalidEntryError{Reason: "two entries have the same id"}
		}
		if err != nil {
			return &clinical.EntryError{Index: i, Err: err}
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
		return damaged("the journal file was removed or replaced while it was open")
	}
	recorded, err := j.insertAll(ctx, entries, sealed, elsewhere)
	if err != nil {
		return err
	}
	for _, e := range recorded {
		j.add(e)
	}
	j.headLater()
	return nil
}

// insertAll records a batch in one transaction, after reading what other
// processes recorded: the chain goes on from the newest entry, and a
// correction needs every entry before it.
func (j *Journal) insertAll(ctx context.Context, entries []clinical.Entry, sealed [][]byte, elsewhere map[string]JournalEntry) ([]JournalEntry, error) {
	tx, err := j.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("recording in the downtime journal: %w", err)
	}
	defer tx.Rollback()
	if err := j.refresh(ctx, tx); err != nil {
		return nil, err
	}
	if slices.ContainsFunc(entries, func(e clinical.Entry) bool { return e.Supersedes != "" }) {
		if err := j.checkSupersessions(entries, elsewhere); err != nil {
			return nil, err
		}
	}
	last := max(j.last, j.files.lost)
	if h := j.files.head; h != nil {
		last = max(last, h.Count) // never in the place of entries removed from the end
	}
	if last > math.MaxInt64-int64(len(entries)) {
		// A row someone added at the largest sequence number leaves none
		// after it; wrapping round would put entries where no reader looks.
		return nil, errors.New("recording in the downtime journal: an entry added at its highest possible sequence number leaves no room after it; nothing was recorded")
	}
	seq, prev := last+1, j.signedChain
	out := make([]JournalEntry, len(entries))
	insertEntry, insertSig := tx.StmtContext(ctx, j.insertEntry), tx.StmtContext(ctx, j.insertSig)
	for i := range entries {
		_, err := insertEntry.ExecContext(ctx, seq, entries[i].ID, sealed[i])
		var se *sqlite.Error
		if errors.As(err, &se) && se.Code() == sqliteConstraintUnique {
			return nil, &clinical.EntryError{Index: i, Err: ErrEntryExists}
		}
		if err != nil {
			return nil, fmt.Errorf("recording in the downtime journal: %w", err)
		}
		out[i] = JournalEntry{Entry: entries[i], Seq: seq}
		if !j.legacy {
			chain := entryChain(prev, seq, entries[i].ID, sealed[i])
			signer, sig, err := j.keys.signEntry(chain)
			if err != nil {
				return nil, err
			}
			if _, err := insertSig.ExecContext(ctx, seq, prev, chain, sig, signer); err != nil {
				return nil, fmt.Errorf("recording in the downtime journal: %w", err)
			}
			out[i].Signer, out[i].chain, prev = signer, chain, chain
		}
		seq++
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("recording in the downtime journal: %w", err)
	}
	return out, nil
}

// checkSupersessions refuses a batch that supersedes an entry that is not
// in the journal (nor elsewhere), or one that another entry already
// superseded.
func (j *Journal) checkSupersessions(batch []clinical.Entry, elsewhere map[string]JournalEntry) error {
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
		target, ok, already := clinical.Entry{}, false, taken[e.Supersedes]
		if k, found := j.index[e.Supersedes]; found {
			target, ok = j.entries[k].Entry, true
		} else if o, found := elsewhere[e.Supersedes]; found {
			target, ok, already = o.Entry, true, already || o.Superseded()
		}
		for _, b := range batch[:i] {
			if b.ID == e.Supersedes {
				target, ok = b, true
			}
		}
		if err := clinical.CheckSupersession(&e, target, ok, already); err != nil {
			return &clinical.EntryError{Index: i, Err: err}
		}
		taken[e.Supersedes] = true
	}
	return nil
}

// add keeps a verified entry.
func (j *Journal) add(e JournalEntry) {
	j.index[e.ID] = len(j.entries)
	j.entries = append(j.entries, e)
	j.last = e.Seq
	if e.chain != nil {
		j.signedSeq, j.signedChain = e.Seq, e.chain
	}
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// storedEntry is one row of the journal with its signature, if any.
type storedEntry struct {
	seq              int64
	id               string
	sealed           []byte
	prev, chain, sig []byte
	signer           sql.NullString
}

// refresh reads, verifies and decrypts the entries recorded since the last
// read, by this process or another.
func (j *Journal) refresh(ctx context.Context, q querier) error {
	query := "SELECT e.seq, e.uuid, e.sealed, s.prev, s.chain, s.sig, s.signer FROM entries e LEFT JOIN signatures s ON s.seq = e.seq WHERE e.seq > ? ORDER BY e.seq"
	if j.legacy {
		query = "SELECT seq, uuid, sealed, NULL, NULL, NULL, NULL FROM entries WHERE seq > ? ORDER BY seq"
	}
	rows, err := q.QueryContext(ctx, query, j.last)
	if err != nil {
		return sqliteProblem(err)
	}
	defer rows.Close()
	for rows.Next() {
		var r storedEntry
		if err := rows.Scan(&r.seq, &r.id, &r.sealed, &r.prev, &r.chain, &r.sig, &r.signer); err != nil {
			return sqliteProblem(err)
		}
		j.admit(r)
	}
	if err := rows.Err(); err != nil {
		return sqliteProblem(err)
	}
	return nil
}

// admit verifies one stored entry and keeps it, or records what is wrong
// with it. An entry is checked on its own: its content against its chain
// value, its chain value against its signature; so one bad entry hides
// only itself. The chain value it names as the one before ties it to its
// neighbour.
func (j *Journal) admit(r storedEntry) {
	if r.seq > j.last+1 && r.seq-1 > j.files.lost {
		from := max(j.last, j.files.lost) + 1
		j.rowProblems = append(j.rowProblems, JournalProblem{Kind: ProblemMissing, Seq: from, Last: r.seq - 1,
			Text: entrySpan(from, r.seq-1) + " missing from the journal."})
	}
	j.last = r.seq
	problem := func(kind, text string, e *clinical.Entry) {
		p := JournalProblem{Kind: kind, Seq: r.seq, EntryID: r.id, Text: fmt.Sprintf("entry %d %s.", r.seq, text)}
		if e != nil {
			p.Patient = e.Patient
		}
		j.rowProblems = append(j.rowProblems, p)
	}
	e, uerr := j.unseal(r.seq, r.id, r.sealed)
	var claimed *clinical.Entry
	if uerr == nil {
		claimed = &e
	}
	je := JournalEntry{Entry: e, Seq: r.seq}
	switch {
	case j.legacy:
		// A version 2 journal opened without the signing key: nothing to check.
	case !r.signer.Valid:
		problem(ProblemForged, "is not signed: it was added by someone without the ward passphrase", claimed)
		return
	case !bytes.Equal(entryChain(r.prev, r.seq, r.id, r.sealed), r.chain):
		problem(ProblemAltered, "was altered after it was recorded", nil)
		return
	default:
		switch j.keys.checkSignature(r.signer.String, r.chain, r.sig) {
		case ProblemForged:
			problem(ProblemForged, "is not signed by this kiosk: it was forged", claimed)
			return
		case problemRecoveryOnly:
			// A decision of IT's recovery role: only its key can check it,
			// so it is not applied here; not a sign of tampering.
			j.recoveryOnly++
			return
		}
		if j.signedSeq == r.seq-1 && !bytes.Equal(r.prev, j.signedChain) {
			problem(ProblemOrder, fmt.Sprintf("does not follow entry %d: an entry was replaced", r.seq-1), nil)
		}
		je.Signer, je.chain = r.signer.String, r.chain
		// Even an entry that cannot be read continues the chain: its
		// signature holds.
		j.signedSeq, j.signedChain = r.seq, r.chain
	}
	if uerr != nil {
		problem(ProblemUnreadable, uerr.Error(), nil)
		return
	}
	j.add(je)
}

// seal encrypts an entry to the kiosk and recovery recipients. The JSON is
// cleared once encrypted; the ciphertext alone leaves memory.
func (j *Journal) seal(e *clinical.Entry) ([]byte, error) {
	plain, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("sealing an entry: %w", err)
	}
	defer clear(plain)
	return j.sealer.seal(plain)
}

// unseal decrypts one stored entry and checks that it is the entry its row
// says, so that sealed entries swapped between rows are noticed.
func (j *Journal) unseal(seq int64, id string, sealed []byte) (clinical.Entry, error) {
	r, err := age.Decrypt(bytes.NewReader(sealed), j.keys.identity)
	if err != nil {
		return clinical.Entry{}, errors.New("cannot be decrypted with this kiosk's key")
	}
	plain, err := io.ReadAll(io.LimitReader(r, maxEntrySize))
	defer clear(plain)
	if err != nil {
		return clinical.Entry{}, errors.New("cannot be decrypted: its ciphertext was altered")
	}
	var e clinical.Entry
	if err := json.Unmarshal(plain, &e); err != nil || e.ID != id {
		return clinical.Entry{}, errors.New("does not match its row")
	}
	return e, nil
}

// List returns every verified entry in the order recorded, with its
// reconciliation state and what superseded it. The first correction or
// cancellation of an entry is the one that counts (Record refuses a
// second). Entries that failed verification are not in it: Check says
// which they are.
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
		// A state lost to damage reads as pending: the plan then asks the
		// EHR, where what was pushed is found by its identifier.
		out[i].State = cmp.Or(states[out[i].ID], StatePending)
	}
	clinical.MarkSuperseded(out)
	return out, nil
}

// Entry returns one verified entry by id.
func (j *Journal) Entry(ctx context.Context, id string) (clinical.Entry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return clinical.Entry{}, ErrJournalClosed
	}
	if j.db != nil {
		if err := j.refresh(ctx, j.db); err != nil {
			return clinical.Entry{}, err
		}
	}
	if k, ok := j.index[id]; ok {
		return j.entries[k].Entry, nil
	}
	return clinical.Entry{}, ErrNoEntry
}

// ForPatient returns one patient's entries (not the decisions taken on
// them during reconciliation), newest clinical time first
// (and, at the same time, the last recorded first), as a chart shows them.
func ForPatient(entries []JournalEntry, patient string) []JournalEntry {
	var out []JournalEntry
	for _, e := range entries {
		if e.Patient == patient && e.Kind != clinical.KindDecision {
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
