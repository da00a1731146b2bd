package store

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"filippo.io/age"

	"lifeboat/internal/durable"
)

// Actions recorded in the audit trail (AuditRecord.Action).
const (
	AuditUnlock       = "unlock"
	AuditUnlockFailed = "unlock-failed"
	AuditViewChart    = "view-chart"
	AuditPrint        = "print"
	AuditRecordEntry  = "record-entry"
	AuditLock         = "lock"
	AuditExport       = "export"
	AuditViewJournal  = "view-journal"
	AuditReconcile    = "reconcile"        // a reconciliation run pushed entries to the EHR (Details: the counts)
	AuditSummary      = "transfer-summary" // a patient's transfer summary written (Details: the document, how it was encrypted)
	// AuditHeadRebuilt is written by the trail itself when audit.head was
	// missing or damaged; verification reports it for ever after.
	AuditHeadRebuilt = "audit-head-rebuilt"
	// AuditPendingUnreadable stands for an event recorded while locked that
	// could not be decrypted when folded in (sealed to a swapped recipient,
	// or damaged).
	AuditPendingUnreadable = "pending-unreadable"
)

// ErrAuditAltered says that verification found the audit trail altered;
// commands wrap it with the first problem.
var ErrAuditAltered = errors.New("audit trail altered")

// AuditRecord is one audited action. Everything in it is encrypted on disk.
type AuditRecord struct {
	Seq     uint64    `json:"seq"` // set by the trail
	Time    time.Time `json:"time"`
	KioskID string    `json:"kioskId"` // set by the trail
	Actor   string    `json:"actor"`   // the unlocked user's name or staff number
	Action  string    `json:"action"`
	Subject string    `json:"subject,omitempty"` // a patient id or entry id
	Details string    `json:"details,omitempty"`
	// WhileLocked marks an event recorded while the vault was locked (a
	// failed unlock): written without the signing key and signed into the
	// chain when the next unlock folded it in, at Folded. Its content is
	// whatever the writer of audit.pending claimed.
	WhileLocked bool      `json:"whileLocked,omitempty"`
	Folded      time.Time `json:"folded,omitzero"`
	PendingID   string    `json:"pendingId,omitempty"`
}

// Audit is the kiosk's tamper-evident audit trail: who unlocked, viewed,
// printed and recorded what, and when (invariant 8).
//
// # Why an append-only file and not SQLite
//
// Each record is one line of audit.log, written with one append and one
// fsync. Every byte of the file belongs to a record that the chain and the
// signatures cover, so damage anywhere is found, and it stays local: a
// damaged line costs that record, and verification and export go on with
// the lines after it, and an auditor can check the file with nothing but
// SHA-256 and Ed25519. A SQLite database would add pages, free space and
// a write-ahead log around the records, where damage either escapes the
// chain or makes the whole trail unreadable, and would give nothing the
// trail needs: it is never updated or queried, only appended to and read
// through. Appends from several
// processes (the kiosk window and the command line) are serialised by a
// lock on audit.log.
//
// # What is on disk
//
// Each record's JSON is encrypted with age to the kiosk and IT recovery
// recipients: the actor, patient, action and time are never in the clear.
// The JSON is padded to a multiple of 512 bytes so that the size of a
// record does not tell an unlock (no subject) from a chart view. What
// stays visible: sequence numbers, the number of records, when the files
// last changed, that failed unlocks are waiting (audit.pending exists),
// and which records were folded in from it.
//
// # What the chain shows, and what it cannot
//
// Each record carries chain = SHA-256(previous chain ‖ seq ‖ ciphertext) and
// an Ed25519 signature of that chain by the kiosk's signing key, which is
// sealed under the passphrase. Whoever can write the disk without the
// passphrase can therefore not alter a record (its chain no longer
// matches), remove or reorder records in the middle (the next record does
// not follow, or a sequence number is missing), nor insert one (they cannot
// sign it). ReadAudit names each such problem.
//
// A chain cannot show by itself that its newest records were cut off: what
// is left is a valid, shorter chain. audit.head mitigates this: it holds
// the count, chain and size of the log, signed, and is replaced after every
// append, so a log shorter than its head is reported as truncated, and a
// missing or damaged head is reported too. Rolling back both files together
// to an earlier copy remains undetectable on this disk alone, as does
// deleting all three files (it looks like a kiosk that never audited). Only
// a copy kept elsewhere can show those: the exports handed to compliance
// staff, or a head count noted on paper.
//
// # Failed unlocks
//
// A failed unlock has no keys: the passphrase was wrong. AuditWhileLocked
// encrypts the event to the recipients in config.json (public, readable
// without the passphrase) and appends it to audit.pending with an fsync.
// The next OpenAudit or Append, which has the keys, folds each pending
// event into the signed chain as its own record marked WhileLocked (its
// pending id in the clear, so that a fold cut short by a crash never folds
// an event twice), then removes the file.
// Until then the pending events are only as safe as the disk: whoever can
// write it can delete or add pending lines (added ones are readable claims
// at most, marked as recorded while locked). If config.json was altered to
// name another recipient, the events are sealed to that key; they fold in
// as unreadable, and unlocking already warns about the altered config.
//
// # Crashes
//
// Append returns only after the record and the new head are on disk. A
// crash between the two leaves a complete record beyond the head, which the
// next append checks and adopts; a crash during the write leaves an
// unfinished line beyond the head, which was never acknowledged and is cut.
// Nothing else is ever cut, rewritten or reset: a log found shorter than its
// head, a damaged line or a missing head is left as evidence, and the
// chain goes on after it.
type Audit struct {
	dir        string
	keys       *Keys
	recipients []age.Recipient
	now        func() time.Time
}

// auditTail is where the next record goes: after record seq, whose chain
// is chain, at byte size of the log.
type auditTail struct {
	seq     uint64
	chain   []byte
	size    int64
	rebuilt string // why the head had to be rebuilt from the log, or ""
}

var (
	errHeadMissing = errors.New("audit.head is missing")
	errHeadDamaged = errors.New("audit.head is damaged or not signed by this kiosk")
)

// OpenAudit opens the audit trail in dir, creating it if there is none,
// and folds in the events recorded while the vault was locked. It never
// resets, truncates or recreates an existing trail: on any error it
// returns the error and leaves the files as they are.
func OpenAudit(dir string, keys *Keys) (*Audit, error) {
	if keys.signing == nil {
		return nil, ErrCannotSign
	}
	rs, err := keys.Config.recipients()
	if err != nil {
		return nil, err
	}
	a := &Audit{dir: dir, keys: keys, recipients: rs, now: time.Now}
	err = a.withLog(true, func(f *os.File) error {
		t, err := a.tail(f)
		if err != nil {
			return err
		}
		if err := a.noteRebuilt(f, t); err != nil {
			return err
		}
		return a.fold(f, t)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Append adds one record to the trail and returns once it is durable. The
// trail sets Seq and KioskID, and Time if it is zero.
func (a *Audit) Append(r AuditRecord) error {
	if r.Action == "" {
		return errors.New("an audit record needs an action")
	}
	if len(r.Actor) > maxAuditField || len(r.Subject) > maxAuditField || len(r.Details) > maxAuditField {
		return errors.New("an audit record's actor, subject or details are too long")
	}
	r.WhileLocked, r.Folded, r.PendingID = false, time.Time{}, ""
	return a.withLog(true, func(f *os.File) error {
		t, err := a.tail(f)
		if err != nil {
			return err
		}
		if err := a.noteRebuilt(f, t); err != nil {
			return err
		}
		// Events recorded while locked by another process go first.
		if err := a.fold(f, t); err != nil {
			return err
		}
		return a.appendLocked(f, t, r)
	})
}

// withLog opens audit.log (creating it empty if absent) and holds its
// lock, shared or exclusive, while fn runs.
func (a *Audit) withLog(exclusive bool, fn func(f *os.File) error) error {
	return withAuditLog(a.dir, exclusive, fn)
}

func withAuditLog(dir string, exclusive bool, fn func(f *os.File) error) error {
	path := filepath.Join(dir, auditLogFile)
	f, err := OpenAppendRegular(path, vaultLabel(auditLogFile))
	if err != nil {
		if errors.Is(err, ErrNotRegular) {
			return err
		}
		return fmt.Errorf("opening the audit trail: %w", err)
	}
	defer f.Close()
	if err := lockAuditFile(f, exclusive); err != nil {
		return fmt.Errorf("locking the audit trail: %w", err)
	}
	defer unlockAuditFile(f)
	return fn(f)
}

// tail finds where the next record goes. The signed head is the authority
// on what was acknowledged; the log is read only beyond it, or entirely
// when the head is missing or damaged.
func (a *Audit) tail(f *os.File) (*auditTail, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("reading the audit trail: %w", err)
	}
	size := fi.Size()
	head, herr := readAuditHead(a.dir, a.keys.trusted)
	switch {
	case herr == nil:
		t := &auditTail{seq: head.Count, chain: head.Chain, size: size}
		if size > head.Size {
			return t, a.adoptBeyondHead(f, head, t)
		}
		// size < head.Size: acknowledged records are gone. Go on after the
		// head, so that verification shows the gap instead of hiding it.
		return t, a.terminate(f, t)
	case errors.Is(herr, errHeadMissing) && size == 0:
		t := &auditTail{chain: auditGenesis(a.keys.Config.KioskID)}
		return t, a.writeHead(t) // a new trail
	case errors.Is(herr, errHeadMissing), errors.Is(herr, errHeadDamaged):
		t, err := a.rebuildTail(f, size)
		if err != nil {
			return nil, err
		}
		t.rebuilt = herr.Error()
		return t, a.terminate(f, t)
	default:
		return nil, herr
	}
}

// adoptBeyondHead reads the log past the head: complete records that
// follow the head and carry this kiosk's signature were written by an
// append that crashed before replacing the head, and are adopted. An
// unfinished last line was never acknowledged and is cut. Anything else is
// left in place for verification to report.
func (a *Audit) adoptBeyondHead(f *os.File, head *auditHead, t *auditTail) error {
	buf := make([]byte, t.size-head.Size)
	if _, err := f.ReadAt(buf, head.Size); err != nil {
		return fmt.Errorf("reading the audit trail: %w", err)
	}
	complete := bytes.LastIndexByte(buf, '\n') + 1
	adopting := true
	for _, raw := range bytes.Split(buf[:complete], []byte("\n")) {
		if len(raw) == 0 || !adopting {
			continue
		}
		l, ok := parseAuditLine(raw)
		if ok && l.Seq == t.seq+1 && bytes.Equal(auditChain(t.chain, l.Seq, l.CT), l.Chain) && a.signedByKiosk(l) {
			t.seq, t.chain = l.Seq, l.Chain
		} else {
			adopting = false
		}
	}
	if complete < len(buf) {
		if err := f.Truncate(head.Size + int64(complete)); err != nil {
			return fmt.Errorf("cutting an unfinished audit record: %w", err)
		}
		if err := f.Sync(); err != nil {
			return fmt.Errorf("cutting an unfinished audit record: %w", err)
		}
		t.size = head.Size + int64(complete)
	}
	return nil
}

// rebuildTail finds the newest record signed by this kiosk when there is
// no usable head.
func (a *Audit) rebuildTail(f *os.File, size int64) (*auditTail, error) {
	t := &auditTail{chain: auditGenesis(a.keys.Config.KioskID), size: size}
	err := eachAuditLine(io.NewSectionReader(f, 0, size), func(raw []byte, complete bool) {
		if l, ok := parseAuditLine(raw); ok && complete && l.Seq > t.seq && a.signedByKiosk(l) {
			t.seq, t.chain = l.Seq, l.Chain
		}
	})
	return t, err
}

// terminate ends an unfinished last line that cannot be cut (it may hold
// an acknowledged record), so that the next record starts on its own line.
func (a *Audit) terminate(f *os.File, t *auditTail) error {
	if t.size == 0 {
		return nil
	}
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, t.size-1); err != nil {
		return fmt.Errorf("reading the audit trail: %w", err)
	}
	if last[0] == '\n' {
		return nil
	}
	if _, err := f.Write([]byte("\n")); err != nil {
		return fmt.Errorf("writing the audit trail: %w", err)
	}
	t.size++
	return nil
}

// noteRebuilt records in the chain that the head had to be rebuilt, so
// that the evidence outlives the new head.
func (a *Audit) noteRebuilt(f *os.File, t *auditTail) error {
	if t.rebuilt == "" {
		return nil
	}
	why := t.rebuilt
	t.rebuilt = ""
	return a.appendLocked(f, t, AuditRecord{Actor: "lifeboat", Action: AuditHeadRebuilt,
		Details: fmt.Sprintf("%s; the chain goes on after record %d", why, t.seq)})
}

// appendLocked writes r as the record after t, fsyncs it, then replaces
// the head. The caller holds the exclusive lock.
func (a *Audit) appendLocked(f *os.File, t *auditTail, r AuditRecord) error {
	r.Seq = t.seq + 1
	r.KioskID = a.keys.Config.KioskID
	if r.Time.IsZero() {
		r.Time = a.now()
	}
	r.Time = r.Time.UTC()
	plain, err := json.Marshal(r)
	if err != nil {
		return err
	}
	ct, err := auditEncrypt(a.recipients, plain)
	clear(plain)
	if err != nil {
		return err
	}
	l := auditLine{Seq: r.Seq, PID: r.PendingID, CT: ct, Chain: auditChain(t.chain, r.Seq, ct)}
	l.Sig = ed25519.Sign(a.keys.signing, append([]byte(auditRecordContext), l.Chain...))
	line, err := json.Marshal(l)
	if err != nil {
		return err
	}
	line = append(line, '\n')
	// An unfinished write is cut by the next append: it is beyond the head.
	if _, err := f.Write(line); err != nil {
		return fmt.Errorf("writing the audit trail: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("writing the audit trail: %w", err)
	}
	t.seq, t.chain, t.size = l.Seq, l.Chain, t.size+int64(len(line))
	return a.writeHead(t)
}

// writeHead replaces audit.head with the signed count, chain and size of
// t, durably.
func (a *Audit) writeHead(t *auditTail) error {
	h := auditHead{Count: t.seq, Chain: t.chain, Size: t.size}
	h.Sig = ed25519.Sign(a.keys.signing, h.message())
	b, err := json.Marshal(h)
	if err != nil {
		return err
	}
	return durable.Replace(filepath.Join(a.dir, auditHeadFile), 0o600, append(b, '\n'))
}
