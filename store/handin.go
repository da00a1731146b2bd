package store

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/json"
	"errors"
	"io/fs"
	"path/filepath"
)

// Handing in. When a kiosk reaches IT's hub again, its journal and audit
// trail go there as they are: the entries still sealed (age, to the kiosk
// and the recovery recipient), with their signatures and chain values,
// the signed journal.head, and the audit trail's lines whole. Nothing is
// decrypted on the way or at the hub, which keeps them in a mirror of the
// kiosk's folder (see Mirror) that IT opens with the recovery key exactly
// as it would open the kiosk's own folder.
//
// Reading what to hand in needs no key: a folder copied from a kiosk that
// never comes back is handed in from the copy.

// HandInEntry is one journal entry as its journal file holds it.
type HandInEntry struct {
	Seq    int64  `json:"seq"`
	ID     string `json:"id"`
	Sealed []byte `json:"sealed"`
	Prev   []byte `json:"prev"`
	Chain  []byte `json:"chain"`
	Sig    []byte `json:"sig"`
	Signer string `json:"signer"`
}

// HandIn is one batch of what a kiosk's folder holds beyond a Position.
type HandIn struct {
	Config  json.RawMessage `json:"config"`  // config.json as it is
	File    string          `json:"file"`    // the journal file the entries are of
	Entries []HandInEntry   `json:"entries"` // in sequence order
	// JournalHead is journal.head as it is, in the last batch only, so
	// that a hand-in cut short never leaves a head naming entries the
	// hub does not hold.
	JournalHead json.RawMessage   `json:"journalHead,omitempty"`
	Audit       []json.RawMessage `json:"audit"`               // audit.log's lines beyond the position, whole, in order
	AuditHead   json.RawMessage   `json:"auditHead,omitempty"` // audit.head, in the last batch only
	// From is where the batch was read from: its entries are all the
	// journal file's entries beyond From.Entry, and its lines all the
	// trail's records beyond From.Audit, as far as the batch goes. The
	// hub keeps a batch only when it holds what comes before it (a hub
	// folder restored from a back-up may not), and says where to go on
	// from. A kiosk that sends none hands in from the start.
	From Position `json:"from"`
	// Waiting is how many entries and audit records are beyond the
	// position, this batch's included.
	WaitingEntries int64 `json:"waitingEntries"`
	WaitingAudit   int64 `json:"waitingAudit"`
}

// Last says whether the batch holds all that was waiting.
func (h *HandIn) Last() bool {
	return int64(len(h.Entries)) == h.WaitingEntries && int64(len(h.Audit)) == h.WaitingAudit
}

// Position is how far a kiosk's hand-in got: the hub holds the kiosk's
// journal file up to Entry and its audit trail up to record Audit with
// nothing missing before them (an entry or record kept apart for a
// person counts as held).
type Position struct {
	File  string `json:"file"`
	Entry int64  `json:"entry"`
	Audit uint64 `json:"audit"`
}

// ErrNothingToHandIn is a folder with no Lifeboat configuration.
var ErrNothingToHandIn = errors.New("this folder holds no kiosk's data (no config.json)")

// handInBatch bounds one batch: a request's body, and the memory it takes
// at both ends (a variable for the tests of batches).
var handInBatch = 4 << 20

// SetHandInBatch makes ReadHandIn's batches about n bytes instead of 4 MB
// until the test t ends: for tests, here and in the packages that hand in,
// that want a journal cut into many batches.
func SetHandInBatch(t interface{ Cleanup(func()) }, n int) {
	was := handInBatch
	handInBatch = n
	t.Cleanup(func() { handInBatch = was })
}

// ReadHandIn reads what the kiosk folder dir holds beyond from, at most
// about handInBatch bytes of it (always at least one entry or line), and
// counts all that waits.
func ReadHandIn(ctx context.Context, dir string, from Position) (*HandIn, error) {
	dir, err := filepath.Abs(dir) // SQLite's URI wants a whole path
	if err != nil {
		return nil, err
	}
	raw, trusted, err := handInConfig(dir)
	if err != nil {
		return nil, err
	}
	h := &HandIn{Config: raw, File: journalFile, Entries: []HandInEntry{}, Audit: []json.RawMessage{}}
	head, herr := readJournalHead(dir, trusted)
	if herr == nil {
		h.File = head.File
	}
	after := from.Entry
	if from.File != h.File {
		after = 0
	}
	h.From = Position{File: h.File, Entry: after, Audit: from.Audit}
	budget := handInBatch
	if err := readHandInEntries(ctx, filepath.Join(dir, h.File), after, &budget, h); err != nil {
		return nil, err
	}
	if err := readHandInAudit(dir, from.Audit, &budget, h); err != nil {
		return nil, err
	}
	if h.Last() {
		if herr == nil {
			h.JournalHead, _ = ReadRegular(filepath.Join(dir, journalHeadFile), journalHeadFile, maxJournalHead)
		}
		if _, err := readAuditHead(dir, trusted); err == nil {
			h.AuditHead, _ = ReadRegular(filepath.Join(dir, auditHeadFile), vaultLabel(auditHeadFile), maxSmallFile)
		}
	}
	return h, nil
}

// handInConfig is the kiosk's config.json in dir, and the signing key it
// names.
func handInConfig(dir string) ([]byte, ed25519.PublicKey, error) {
	raw, err := ReadRegular(filepath.Join(dir, configFile), vaultLabel(configFile), maxConfigFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, ErrNothingToHandIn
	}
	if err != nil {
		return nil, nil, err
	}
	trusted, _, err := (&HandIn{Config: raw}).Signer()
	return raw, trusted, err
}

// NothingBeyond says, from the kiosk's signed heads alone, that its
// journal file and audit trail in dir hold nothing beyond from: a kiosk
// with nothing new to hand in learns it without reading both whole. False
// whenever a head is missing, damaged or not the kiosk's (the hand-in then
// reads everything, as it would anyway). A head can only be behind (an
// entry of the recovery role, which signs no head; an older head put back
// by whoever holds the disk): what it leaves out waits for the hub's
// recheck of a receipt grown old, which reads everything.
func NothingBeyond(dir string, from Position) bool {
	_, trusted, err := handInConfig(dir)
	if err != nil {
		return false
	}
	jh, err := readJournalHead(dir, trusted)
	if err != nil || jh.File != from.File || jh.Count > from.Entry {
		return false
	}
	ah, err := readAuditHead(dir, trusted)
	return err == nil && ah.Count <= from.Audit
}

// readHandInEntries counts the entries of the journal file at path
// beyond seq after, and adds them while the budget lasts, on a read-only
// connection. A damaged file is an error:
// the kiosk says so, and IT hands in a copy of its folder.
func readHandInEntries(ctx context.Context, path string, after int64, budget *int, h *HandIn) error {
	return readJournalFile(ctx, path, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM entries WHERE seq > ?", after).Scan(&h.WaitingEntries); err != nil {
			return sqliteProblem(err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT e.seq, e.uuid, e.sealed, s.prev, s.chain, s.sig, s.signer
			FROM entries e LEFT JOIN signatures s ON s.seq = e.seq WHERE e.seq > ? ORDER BY e.seq`, after)
		if err != nil {
			return sqliteProblem(err)
		}
		defer rows.Close()
		for rows.Next() {
			var e HandInEntry
			var signer sql.NullString
			if err := rows.Scan(&e.Seq, &e.ID, &e.Sealed, &e.Prev, &e.Chain, &e.Sig, &signer); err != nil {
				return sqliteProblem(err)
			}
			e.Signer = signer.String
			size := len(e.Sealed) + len(e.ID) + 256
			if len(h.Entries) > 0 && size > *budget {
				break
			}
			*budget -= size
			h.Entries = append(h.Entries, e)
		}
		if err := rows.Err(); err != nil {
			return sqliteProblem(err)
		}
		return nil
	})
}

// readHandInAudit adds audit.log's whole lines beyond record after.
func readHandInAudit(dir string, after uint64, budget *int, h *HandIn) error {
	f, err := OpenRegular(filepath.Join(dir, auditLogFile), vaultLabel(auditLogFile), 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	full := false // once a line does not fit, the rest waits for the next batch, in order
	return eachAuditLine(f, func(raw []byte, complete bool) {
		l, ok := parseAuditLine(raw)
		if !complete || !ok || l.Seq <= after {
			return
		}
		h.WaitingAudit++
		full = full || (len(h.Audit) > 0 || len(h.Entries) > 0) && len(raw) > *budget
		if !full {
			*budget -= len(raw)
			h.Audit = append(h.Audit, bytes.Clone(raw))
		}
	})
}

// Signer is the kiosk signing key a hand-in's config names, and the config.
func (h *HandIn) Signer() (ed25519.PublicKey, *Config, error) {
	var c Config
	if json.Unmarshal(h.Config, &c) != nil || c.Format != 1 || c.Recipient == "" || c.Signer == "" || c.KioskID == "" {
		return nil, nil, errors.New("the hand-in's config.json is damaged or not a Lifeboat config")
	}
	key, err := c.signerKey()
	if err != nil {
		return nil, nil, err
	}
	return key, &c, nil
}
