package store

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"lifeboat/internal/durable"
)

// AuditWhileLocked records an event that happens while the vault is
// locked, such as a failed unlock, without the passphrase: sealed to the
// recipients of config.json and appended to audit.pending, durable before
// it returns. The next OpenAudit or Append signs it into the chain.
func AuditWhileLocked(dir string, r AuditRecord) error {
	cfg, err := LoadConfig(dir)
	if err != nil {
		return err
	}
	rs, err := cfg.recipients()
	if err != nil {
		return err
	}
	if r.Action == "" {
		return errors.New("an audit record needs an action")
	}
	if len(r.Actor) > maxAuditField || len(r.Subject) > maxAuditField || len(r.Details) > maxAuditField {
		return errors.New("an audit record's actor, subject or details are too long")
	}
	var id [16]byte
	rand.Read(id[:])
	r.Seq, r.KioskID, r.WhileLocked, r.Folded, r.PendingID = 0, cfg.KioskID, true, time.Time{}, hex.EncodeToString(id[:])
	if r.Time.IsZero() {
		r.Time = time.Now()
	}
	r.Time = r.Time.UTC()
	plain, err := json.Marshal(r)
	if err != nil {
		return err
	}
	ct, err := auditEncrypt(rs, plain)
	clear(plain)
	if err != nil {
		return err
	}
	line, err := json.Marshal(pendingLine{PID: r.PendingID, CT: ct})
	if err != nil {
		return err
	}
	return withAuditLog(dir, true, func(*os.File) error {
		path := filepath.Join(dir, auditPendingFile)
		_, statErr := os.Stat(path)
		f, err := OpenAppendRegular(path, vaultLabel(auditPendingFile))
		if errors.Is(err, ErrNotRegular) {
			return err
		}
		if err != nil {
			return fmt.Errorf("writing audit.pending: %w", err)
		}
		defer f.Close()
		if err := terminatePending(f); err != nil {
			return err
		}
		if _, err := f.Write(append(line, '\n')); err != nil {
			return fmt.Errorf("writing audit.pending: %w", err)
		}
		if err := f.Sync(); err != nil {
			return fmt.Errorf("writing audit.pending: %w", err)
		}
		if errors.Is(statErr, fs.ErrNotExist) {
			return durable.SyncFolder(dir)
		}
		return nil
	})
}

// terminatePending ends a line left unfinished by a crash, so that the
// next event starts on its own line.
func terminatePending(f *os.File) error {
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return err
	}
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, fi.Size()-1); err != nil {
		return fmt.Errorf("reading audit.pending: %w", err)
	}
	if last[0] != '\n' {
		_, err = f.Write([]byte("\n"))
	}
	return err
}

// fold signs the events of audit.pending into the chain, each as its own
// record, then removes the file. A record folded in carries its pending
// id, so that a fold cut short by a crash never folds an event twice.
func (a *Audit) fold(f *os.File, t *auditTail) error {
	path := filepath.Join(a.dir, auditPendingFile)
	data, err := ReadRegular(path, vaultLabel(auditPendingFile), maxPendingFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return readErr("audit.pending", err)
	}
	done := map[string]bool{}
	err = eachAuditLine(io.NewSectionReader(f, 0, t.size), func(raw []byte, _ bool) {
		if !bytes.Contains(raw, []byte(`"pid":`)) {
			return
		}
		var l struct {
			PID string `json:"pid"`
		}
		if json.Unmarshal(raw, &l) == nil && l.PID != "" {
			done[l.PID] = true
		}
	})
	if err != nil {
		return err
	}
	now := a.now().UTC()
	var events []AuditRecord
	eachAuditLine(bytes.NewReader(data), func(raw []byte, complete bool) {
		if len(raw) == 0 || !complete {
			return // an unfinished line: a crash while a failed unlock was being written
		}
		var p pendingLine
		var r AuditRecord
		var derr error = errors.New("not a pending event")
		if json.Unmarshal(raw, &p) == nil && p.PID != "" {
			r, derr = auditDecrypt(a.keys.identity, p.CT)
		}
		if derr != nil || r.PendingID != p.PID || len(p.PID) != 32 {
			if _, err := hex.DecodeString(p.PID); err != nil || len(p.PID) != 32 {
				sum := sha256.Sum256(raw) // the id goes in the clear: only ever hex
				p.PID = hex.EncodeToString(sum[:16])
			}
			r = AuditRecord{Action: AuditPendingUnreadable, Time: now,
				Details: "an event recorded while locked could not be read: sealed to a recipient that is not this kiosk's, or damaged"}
		}
		r.WhileLocked, r.Folded, r.PendingID = true, now, p.PID
		if !done[p.PID] {
			done[p.PID] = true
			events = append(events, r)
		}
	})
	for _, r := range events {
		if err := a.appendLocked(f, t, r); err != nil {
			return err
		}
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("removing audit.pending after folding it in: %w", err)
	}
	return durable.SyncFolder(a.dir)
}
