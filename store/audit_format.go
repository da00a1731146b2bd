package store

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"

	"filippo.io/age"
)

// The audit trail is three files in the data folder:
//
//	audit.log      one JSON line per record, appended and fsync'd, never rewritten:
//	               {"seq":17,"ct":"<age ciphertext>","chain":"<32 bytes>","sig":"<64 bytes>"}
//	               (and "pid" on records folded in from audit.pending)
//	audit.head     one JSON line, replaced atomically after every append:
//	               {"count":17,"chain":"<chain of record 17>","size":<bytes of audit.log>,"sig":"…"}
//	audit.pending  events recorded while the vault is locked, one JSON line each:
//	               {"pid":"<random id>","ct":"<age ciphertext>"}; gone once folded in
//
// Binary fields are base64 (standard, padded), as encoding/json writes []byte.
// chain = SHA-256(previous chain ‖ seq as 8 bytes big endian ‖ ct), starting
// from SHA-256(auditGenesisContext ‖ kiosk id); sig = Ed25519(signing key,
// auditRecordContext ‖ chain). The head's signature covers count, size and
// chain. Every byte of a line is covered: a line must be exactly the JSON
// that its parsed fields encode to.
const (
	auditLogFile        = "audit.log"
	auditHeadFile       = "audit.head"
	auditPendingFile    = "audit.pending"
	auditRecordContext  = "lifeboat audit record v1\n"
	auditHeadContext    = "lifeboat audit head v1\n"
	auditGenesisContext = "lifeboat audit genesis v1\n"
	maxAuditLine        = 1 << 20
	maxAuditField       = 8 << 10
	auditPadding        = 512
)

// auditLine is one line of audit.log.
type auditLine struct {
	Seq   uint64 `json:"seq"`
	PID   string `json:"pid,omitempty"`
	CT    []byte `json:"ct"`
	Chain []byte `json:"chain"`
	Sig   []byte `json:"sig"`
}

// auditHead is audit.head.
type auditHead struct {
	Count uint64 `json:"count"`
	Chain []byte `json:"chain"`
	Size  int64  `json:"size"`
	Sig   []byte `json:"sig"`
}

// pendingLine is one line of audit.pending.
type pendingLine struct {
	PID string `json:"pid"`
	CT  []byte `json:"ct"`
}

func (h *auditHead) message() []byte {
	m := append([]byte(auditHeadContext), make([]byte, 16)...)
	binary.BigEndian.PutUint64(m[len(auditHeadContext):], h.Count)
	binary.BigEndian.PutUint64(m[len(auditHeadContext)+8:], uint64(h.Size))
	return append(m, h.Chain...)
}

// readAuditHead reads audit.head: errHeadMissing, errHeadDamaged, or an
// error reading the disk, which is never taken for a missing head.
func readAuditHead(dir string, trusted ed25519.PublicKey) (*auditHead, error) {
	b, err := ReadRegular(filepath.Join(dir, auditHeadFile), vaultLabel(auditHeadFile), maxSmallFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errHeadMissing
	}
	if err != nil {
		return nil, readErr("audit.head", err)
	}
	return parseAuditHead(b, trusted)
}

// parseAuditHead checks audit.head's bytes: exactly the JSON its fields
// encode to, and signed by the kiosk.
func parseAuditHead(b []byte, trusted ed25519.PublicKey) (*auditHead, error) {
	var h auditHead
	if json.Unmarshal(b, &h) != nil || len(h.Chain) != sha256.Size || h.Size < 0 {
		return nil, errHeadDamaged
	}
	canonical, err := json.Marshal(h)
	if err != nil || !bytes.Equal(append(canonical, '\n'), b) || !ed25519.Verify(trusted, h.message(), h.Sig) {
		return nil, errHeadDamaged
	}
	return &h, nil
}

// parseAuditLine parses one line (without its newline) and accepts it
// only if it is exactly the JSON its fields encode to.
func parseAuditLine(raw []byte) (auditLine, bool) {
	var l auditLine
	if json.Unmarshal(raw, &l) != nil || l.Seq == 0 || len(l.Chain) != sha256.Size || len(l.Sig) != ed25519.SignatureSize {
		return l, false
	}
	canonical, err := json.Marshal(l)
	return l, err == nil && bytes.Equal(canonical, raw)
}

// eachAuditLine calls fn with each line of r, without its newline;
// complete is false for a last line that has no newline.
func eachAuditLine(r io.Reader, fn func(raw []byte, complete bool)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			complete := line[len(line)-1] == '\n'
			fn(bytes.TrimSuffix(line, []byte("\n")), complete)
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading the audit trail: %w", err)
		}
	}
}

func (a *Audit) signedByKiosk(l auditLine) bool {
	return auditSigned(a.keys.trusted, l)
}

func auditSigned(trusted ed25519.PublicKey, l auditLine) bool {
	return ed25519.Verify(trusted, append([]byte(auditRecordContext), l.Chain...), l.Sig)
}

// auditChain is SHA-256(prev ‖ seq ‖ ct).
func auditChain(prev []byte, seq uint64, ct []byte) []byte {
	h := sha256.New()
	h.Write(prev)
	var s [8]byte
	binary.BigEndian.PutUint64(s[:], seq)
	h.Write(s[:])
	h.Write(ct)
	return h.Sum(nil)
}

// auditGenesis is the chain value before record 1, tied to the kiosk.
func auditGenesis(kioskID string) []byte {
	s := sha256.Sum256([]byte(auditGenesisContext + kioskID))
	return s[:]
}

// auditEncrypt encrypts a record's JSON, padded with spaces (which JSON
// ignores) to a multiple of auditPadding bytes.
func auditEncrypt(rs []age.Recipient, plain []byte) ([]byte, error) {
	pad := bytes.Repeat([]byte(" "), (auditPadding-len(plain)%auditPadding)%auditPadding)
	ct, err := sealTo(rs, plain, pad)
	if err != nil {
		return nil, fmt.Errorf("encrypting an audit record: %w", err)
	}
	return ct, nil
}

func auditDecrypt(id age.Identity, ct []byte) (AuditRecord, error) {
	var r AuditRecord
	plain, err := decryptSealed(id, bytes.NewReader(ct), maxAuditLine)
	if err != nil {
		return r, err
	}
	defer clear(plain)
	if err := json.Unmarshal(plain, &r); err != nil {
		return r, err
	}
	if r.Action == "" {
		return r, errors.New("no action")
	}
	return r, nil
}
