package store

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/uuid"

	"lifeboat/internal/durable"
)

// Mirror is a kiosk's journal and audit trail as handed in: a folder laid
// out as the kiosk's own (config.json, the journal file, journal.head,
// audit.log, audit.head), so that IT opens it with the recovery key
// (UnlockRecovery, OpenJournal, ReadAudit) exactly as it would open the
// kiosk's folder, and every check made there is made here.
//
// What is put is checked before it is kept, without decrypting anything:
// each entry's chain value against its content and its signature against
// the kiosk's key (a decision of IT's recovery role, which only that key
// can check, is kept and checked when the journal is opened), each audit
// line's signature, the heads' signatures. Entries are only ever added:
// the same entry handed in twice is kept once, and one that differs from
// the entry held under its number, or fails its checks, is kept apart
// (apart/) for a person, never replacing anything and never lost.
type Mirror struct {
	dir     string
	cfg     Config
	trusted ed25519.PublicKey

	// Full, when set, keeps the mirror from growing: a batch holding
	// anything the mirror lacks (an entry, an audit record, something to
	// keep apart) is refused with ErrMirrorFull and nothing of it kept,
	// and one the mirror holds whole is answered as always, so that a
	// kiosk's receipt catches up with a hand-in made from a copy.
	Full bool
}

// ErrMirrorFull is a batch a full mirror lacks something of.
var ErrMirrorFull = errors.New("the hand-in's mirror takes nothing more")

// ErrOtherKiosk is a hand-in whose keys are not those of the kiosk whose
// mirror it was put in.
var ErrOtherKiosk = errors.New("the hand-in carries another kiosk's keys than the journal it was handed in to")

// OpenMirror opens the mirror in dir of the kiosk whose config.json is
// config, creating it (0700) on the first hand-in.
func OpenMirror(dir string, config []byte) (*Mirror, error) {
	h := HandIn{Config: config}
	trusted, cfg, err := h.Signer()
	if err != nil {
		return nil, err
	}
	dir, err = filepath.Abs(dir) // SQLite's URI wants a whole path
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating the hand-in's folder: %w", err)
	}
	m := &Mirror{dir: dir, cfg: *cfg, trusted: trusted}
	have, err := LoadConfig(dir)
	switch {
	case errors.Is(err, ErrNotInitialised):
		err = durable.WriteNew(filepath.Join(dir, configFile), 0o600, func(w io.Writer) error { _, err := w.Write(config); return err })
		if err != nil && !errors.Is(err, durable.ErrExists) {
			return nil, err
		}
		if errors.Is(err, durable.ErrExists) {
			return OpenMirror(dir, config) // another hand-in wrote it first
		}
	case err != nil:
		return nil, err
	case have.KioskID != cfg.KioskID || have.Signer != cfg.Signer || have.Recipient != cfg.Recipient || have.Recovery != cfg.Recovery:
		return nil, ErrOtherKiosk
	}
	return m, nil
}

// Config is the kiosk's configuration as handed in.
func (m *Mirror) Config() Config { return m.cfg }

// Dir is the mirror's folder.
func (m *Mirror) Dir() string { return m.dir }

// HandInReceipt is what a Put did: entry by entry, and how far the
// mirror holds the kiosk's journal and trail now.
type HandInReceipt struct {
	Position Position `json:"position"`
	Stored   []int64  `json:"stored"`          // entries new to the mirror
	Had      []int64  `json:"had"`             // entries it held already, the same
	Apart    []int64  `json:"apart"`           // entries refused and kept apart for a person
	Lines    int      `json:"lines"`           // audit records new to the mirror
	Problems []string `json:"problems"`        // what was refused, by number: no patient data
	Held     int64    `json:"held"`            // entries the mirror holds of the journal file
	Head     bool     `json:"head,omitempty"`  // journal.head was taken
	Trail    bool     `json:"trail,omitempty"` // audit.head was taken
}

// Put keeps a batch of a hand-in. One hand-in at a time per mirror (a
// lock file), whichever process puts it: the hub's listener, or handin
// from a copy at the hub's folder.
func (m *Mirror) Put(ctx context.Context, h *HandIn) (*HandInReceipt, error) {
	if _, cfg, err := h.Signer(); err != nil {
		return nil, err
	} else if cfg.KioskID != m.cfg.KioskID || cfg.Signer != m.cfg.Signer || cfg.Recipient != m.cfg.Recipient {
		return nil, ErrOtherKiosk
	}
	if !validJournalFile(h.File) {
		return nil, errors.New("the hand-in names no journal file a kiosk writes")
	}
	lock, err := OpenAppendRegular(filepath.Join(m.dir, "handin.lock"), "the hand-in's lock file")
	if err != nil {
		return nil, err
	}
	defer lock.Close()
	if err := lockAuditFile(lock, true); err != nil {
		return nil, fmt.Errorf("locking the hand-in: %w", err)
	}
	defer unlockAuditFile(lock)

	r := &HandInReceipt{Position: Position{File: h.File}, Stored: []int64{}, Had: []int64{}, Apart: []int64{}, Problems: []string{}}
	kept, err := m.putEntries(ctx, h, r)
	if err != nil {
		return nil, err
	}
	if err := m.putAudit(h, r); err != nil {
		return nil, err
	}
	if len(h.JournalHead) > 0 && kept {
		if r.Head, err = m.putHead(h.JournalHead); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// putEntries adds the batch's entries to the mirror's journal file, in
// one transaction (one fsync), and says whether it kept the batch.
//
// The mirror holds every entry of the kiosk's journal file up to the
// highest it holds: it keeps a batch only when it holds what comes before
// it, and the kiosk reads its entries in order. A batch from beyond that
// (the hub's folder restored from a back-up taken before the entries
// between were handed in) is kept not at all: its entries would make the
// mirror look whole past the gap were the receipt lost on the way. The
// receipt then says the highest entry held, and the kiosk hands in again
// from there. Numbers the kiosk's journal skips (a file begun after a
// lost one, entries removed from its end) are no gap: the batch that
// goes past them says they hold nothing.
func (m *Mirror) putEntries(ctx context.Context, h *HandIn, r *HandInReceipt) (bool, error) {
	j := &Journal{dir: m.dir, path: filepath.Join(m.dir, h.File), keys: &Keys{}}
	if err := j.create(ctx); err != nil {
		return false, err
	}
	defer j.db.Close()
	tx, err := j.db.BeginTx(ctx, nil)
	if err != nil {
		return false, sqliteProblem(err)
	}
	defer tx.Rollback()
	var top sql.NullInt64
	if err := tx.QueryRowContext(ctx, "SELECT max(seq) FROM entries").Scan(&top); err != nil {
		return false, sqliteProblem(err)
	}
	from := max(h.From.Entry, 0)
	if h.From.File != h.File {
		from = 0
	}
	if from > top.Int64 && !m.heldApart("entry", from) {
		r.Position.Entry = top.Int64
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM entries").Scan(&r.Held); err != nil {
			return false, sqliteProblem(err)
		}
		return false, nil
	}
	r.Position.Entry = from
	for _, e := range h.Entries {
		why, err := m.checkEntry(ctx, tx, e)
		switch {
		case err != nil:
			return false, err
		case why == "had":
			r.Had = append(r.Had, e.Seq)
		case why != "":
			if err := m.keepApart("entry", e.Seq, e); err != nil {
				return false, err
			}
			r.Apart = append(r.Apart, e.Seq)
			r.Problems = append(r.Problems, fmt.Sprintf("Entry %d %s; it was kept apart for a person.", e.Seq, why))
		case m.Full:
			return false, ErrMirrorFull
		default:
			if _, err := tx.ExecContext(ctx, "INSERT INTO entries (seq, uuid, sealed) VALUES (?, ?, ?)", e.Seq, e.ID, e.Sealed); err != nil {
				return false, sqliteProblem(err)
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO signatures (seq, prev, chain, sig, signer) VALUES (?, ?, ?, ?, ?)",
				e.Seq, e.Prev, e.Chain, e.Sig, e.Signer); err != nil {
				return false, sqliteProblem(err)
			}
			r.Stored = append(r.Stored, e.Seq)
		}
		r.Position.Entry = max(r.Position.Entry, e.Seq)
	}
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM entries").Scan(&r.Held); err != nil {
		return false, sqliteProblem(err)
	}
	if err := tx.Commit(); err != nil {
		return false, sqliteProblem(err)
	}
	return true, nil
}

// checkEntry says what to do with an entry: "" to add it, "had" when the
// mirror holds it already, or why it is refused.
func (m *Mirror) checkEntry(ctx context.Context, tx *sql.Tx, e HandInEntry) (string, error) {
	if _, err := uuid.Parse(e.ID); err != nil || e.Seq < 1 || len(e.Sealed) == 0 || len(e.Sealed) > maxEntrySize {
		return "is not a journal entry", nil
	}
	if !bytes.Equal(entryChain(e.Prev, e.Seq, e.ID, e.Sealed), e.Chain) {
		return "does not match its chain value (altered)", nil
	}
	switch e.Signer {
	case SignerKiosk, SignerUpgrade:
		if !ed25519.Verify(m.trusted, signatureMessage(e.Signer, e.Chain), e.Sig) {
			return "is not signed by the kiosk (forged)", nil
		}
	case SignerRecovery:
		if len(e.Sig) != sha256.Size {
			return "is not signed by the recovery role (forged)", nil
		}
	default:
		return "is not signed (forged)", nil
	}
	var held HandInEntry
	var signer sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT e.seq, e.uuid, e.sealed, s.prev, s.chain, s.sig, s.signer
		FROM entries e LEFT JOIN signatures s ON s.seq = e.seq WHERE e.seq = ? OR e.uuid = ?`, e.Seq, e.ID).
		Scan(&held.Seq, &held.ID, &held.Sealed, &held.Prev, &held.Chain, &held.Sig, &signer)
	held.Signer = signer.String
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", nil
	case err != nil:
		return "", sqliteProblem(err)
	case held.Seq == e.Seq && held.ID == e.ID && bytes.Equal(held.Sealed, e.Sealed) && bytes.Equal(held.Prev, e.Prev) &&
		bytes.Equal(held.Chain, e.Chain) && bytes.Equal(held.Sig, e.Sig) && held.Signer == e.Signer:
		return "had", nil
	}
	return "differs from the entry handed in before under its number or id", nil
}

// heldApart says whether an entry or audit record (kind) numbered seq
// was kept apart: held, for where a hand-in goes on from.
func (m *Mirror) heldApart(kind string, seq int64) bool {
	names, err := os.ReadDir(filepath.Join(m.dir, "apart"))
	if err != nil {
		return false
	}
	prefix := fmt.Sprintf("%s-%d-", kind, seq)
	for _, n := range names {
		if strings.HasPrefix(n.Name(), prefix) && strings.HasSuffix(n.Name(), ".json") {
			return true
		}
	}
	return false
}

// keepApart writes what was refused under apart/, named by its content's
// hash: the same thing refused twice is kept once.
func (m *Mirror) keepApart(kind string, seq int64, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(b)
	dir := filepath.Join(m.dir, "apart")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("keeping a refused %s apart: %w", kind, err)
	}
	name := fmt.Sprintf("%s-%d-%s.json", kind, seq, hex.EncodeToString(sum[:8]))
	if _, err := os.Lstat(filepath.Join(dir, name)); err != nil && m.Full {
		return ErrMirrorFull
	}
	err = durable.WriteNew(filepath.Join(dir, name), 0o600, func(w io.Writer) error { _, err := w.Write(b); return err })
	if errors.Is(err, durable.ErrExists) {
		return nil
	}
	return err
}

// putHead replaces the mirror's journal.head with the kiosk's when it is
// signed by the kiosk and goes at least as far; it says whether it did.
func (m *Mirror) putHead(raw []byte) (bool, error) {
	h, err := parseJournalHead(raw, m.trusted)
	if err != nil {
		return false, nil // the mirror says what the kiosk's head said: nothing trustworthy
	}
	if cur, err := readJournalHead(m.dir, m.trusted); err == nil && cur.Count > h.Count {
		return false, nil
	}
	return true, durable.Replace(filepath.Join(m.dir, journalHeadFile), 0o600, raw)
}

// putAudit appends the batch's audit lines beyond the mirror's last, each
// signed by the kiosk, whole, and then audit.head when it goes as far. As
// with the entries, the trail holds every record of the kiosk's up to its
// last, and a batch from beyond that is kept not at all (its lines would
// go after a gap, out of order): the receipt says the last record held.
func (m *Mirror) putAudit(h *HandIn, r *HandInReceipt) error {
	var last uint64
	kept := true
	err := withAuditLog(m.dir, true, func(f *os.File) error {
		held, size, err := m.auditLines(f)
		if err != nil {
			return err
		}
		if fi, err := f.Stat(); err == nil && fi.Size() > size {
			// A line cut short by a hub killed as it appended.
			if err := f.Truncate(size); err != nil {
				return fmt.Errorf("mending the hand-in's audit trail: %w", err)
			}
		}
		for s := range held {
			last = max(last, s)
		}
		if h.From.Audit > last && !m.heldApart("audit", int64(h.From.Audit)) {
			kept = false
			return nil
		}
		r.Position.Audit = h.From.Audit
		var add bytes.Buffer
		for _, raw := range h.Audit {
			l, ok := parseAuditLine(raw)
			switch {
			case !ok || !auditSigned(m.trusted, l):
				if err := m.keepApart("audit", int64(l.Seq), raw); err != nil {
					return err
				}
				r.Problems = append(r.Problems, fmt.Sprintf("Audit record %d is not signed by the kiosk; it was kept apart for a person.", l.Seq))
			case l.Seq <= last:
				if held[l.Seq] != sha256.Sum256(raw) {
					if err := m.keepApart("audit", int64(l.Seq), raw); err != nil {
						return err
					}
					r.Problems = append(r.Problems, fmt.Sprintf("Audit record %d differs from the one handed in before; it was kept apart for a person.", l.Seq))
				}
			case m.Full:
				return ErrMirrorFull
			default:
				add.Write(raw)
				add.WriteByte('\n')
				last = l.Seq
				r.Lines++
			}
			r.Position.Audit = max(r.Position.Audit, l.Seq)
		}
		if add.Len() > 0 {
			if _, err := f.Write(add.Bytes()); err != nil {
				return fmt.Errorf("writing the hand-in's audit trail: %w", err)
			}
			if err := f.Sync(); err != nil {
				return fmt.Errorf("writing the hand-in's audit trail: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !kept {
		r.Position.Audit = last
		return nil
	}
	if len(h.AuditHead) > 0 {
		// JSON carries the head compacted, without the newline that ends
		// it in its file and that its check wants.
		raw := h.AuditHead
		if !bytes.HasSuffix(raw, []byte("\n")) {
			raw = append(bytes.Clone(raw), '\n')
		}
		head, err := parseAuditHead(raw, m.trusted)
		if err != nil || head.Count > last {
			return nil
		}
		if cur, err := readAuditHead(m.dir, m.trusted); err == nil && cur.Count > head.Count {
			return nil
		}
		if err := durable.Replace(filepath.Join(m.dir, auditHeadFile), 0o600, raw); err != nil {
			return err
		}
		r.Trail = true
	}
	return nil
}

// auditLines reads the mirror's audit.log: each whole line's hash by its
// number, and the size of the whole lines.
func (m *Mirror) auditLines(f *os.File) (map[uint64][32]byte, int64, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	held := map[uint64][32]byte{}
	var size int64
	err = eachAuditLine(io.NewSectionReader(f, 0, fi.Size()), func(raw []byte, complete bool) {
		if !complete {
			return
		}
		size += int64(len(raw)) + 1
		if l, ok := parseAuditLine(raw); ok {
			held[l.Seq] = sha256.Sum256(raw)
		}
	})
	return held, size, err
}

// MirrorStates counts the entries of the mirror in dir by their
// reconciliation state at the hub (pending until the hospital's
// reconciliation settles them). It reads only ids and states, never an
// entry, so it needs no key.
func MirrorStates(ctx context.Context, dir string) (map[string]int64, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, e := range entries {
		if !validJournalFile(e.Name()) {
			continue
		}
		if err := countStates(ctx, filepath.Join(dir, e.Name()), out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// countStates adds the journal file's entries by state, on a read-only
// connection.
func countStates(ctx context.Context, path string, out map[string]int64) error {
	return readJournalFile(ctx, path, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT state, count(*) FROM reconciliation GROUP BY state")
		if err != nil {
			return sqliteProblem(err)
		}
		defer rows.Close()
		for rows.Next() {
			var state string
			var n int64
			if err := rows.Scan(&state, &n); err != nil {
				return sqliteProblem(err)
			}
			out[state] += n
		}
		if err := rows.Err(); err != nil {
			return sqliteProblem(err)
		}
		return nil
	})
}
