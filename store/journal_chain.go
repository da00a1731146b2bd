package store

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"

	"lifeboat/clinical"
	"lifeboat/internal/durable"
)

// How the journal proves itself. Age encryption says nothing about who
// wrote an entry: the recipients are public (config.json), so whoever can
// write the disk can seal an entry that decrypts perfectly. Every entry is
// therefore signed and chained, as the audit trail's records are:
//
//	chain(n) = SHA-256("lifeboat journal entry v1\n" ‖ chain(n-1) ‖ seq ‖ len(uuid) ‖ uuid ‖ sealed)
//	sig(n)   = Ed25519(kiosk signing key, "lifeboat journal signature v1\n" ‖ signer ‖ chain(n))
//
// starting from SHA-256("lifeboat journal genesis v1\n" ‖ kiosk id). The
// chain value, the one before it and the signature are stored in the
// signatures table beside the entry, in the same transaction. Each entry
// is checked on its own (its content against its chain value, its chain
// value against its signature), so one bad entry hides only itself; the
// previous chain value it names ties it to its neighbour, so that a
// removed or replaced entry shows as a gap.
//
// A chain cannot show that its newest entries were cut off; journal.head
// can: the signed count and chain value of the journal, and the name of
// the file that holds it, replaced after every Record. A journal file that
// is missing or damaged while the head says entries were recorded is
// reported with how many, and recording goes on in a new file beside it
// (journal-2.db, …), continuing the sequence and the chain, so that the
// evidence stays as it was and the gap shows for ever. The audit trail
// records each entry's sequence number and chain value too, so the two
// witness each other: CrossCheck finds entries the trail saw and the
// journal lost, even when the head went with them.
//
// Signers: "kiosk" (recorded with the ward passphrase), "upgrade" (recorded
// before entries were signed, and signed when the journal was upgraded, by
// the kiosk) and "recovery" (a decision recorded with IT's recovery key,
// which has no signing key: it is authenticated with a key derived from
// the recovery identity, which only that identity can check).

const (
	journalHeadFile         = "journal.head"
	journalEntryContext     = "lifeboat journal entry v1\n"
	journalSignatureContext = "lifeboat journal signature v1\n"
	journalGenesisContext   = "lifeboat journal genesis v1\n"
	journalHeadContext      = "lifeboat journal head v1\n"
	journalRecoveryContext  = "lifeboat journal recovery mac v1\n"
	maxJournalHead          = 64 << 10

	SignerKiosk    = "kiosk"
	SignerUpgrade  = "upgrade"
	SignerRecovery = "recovery"
)

// The kinds of problem verification finds (JournalProblem.Kind).
const (
	ProblemForged     = "forged"     // not signed by this kiosk: written by someone without the passphrase
	ProblemAltered    = "altered"    // changed after it was signed
	ProblemUnreadable = "unreadable" // signed, but cannot be decrypted or does not match its row
	ProblemMissing    = "missing"    // recorded once, gone now
	ProblemOrder      = "order"      // does not follow the entry before it
	ProblemHead       = "head"       // journal.head is missing, damaged or not this kiosk's
	ProblemFile       = "file"       // a journal file is missing or damaged
)

// problemRecoveryOnly: an entry of the recovery role, which the kiosk's
// keys cannot check. Not a problem: it is counted, and not applied.
const problemRecoveryOnly = "recovery-only"

// JournalProblem is something verification found: an entry that is not
// shown and never pushed, entries that are gone, or damage to the files.
// It names sequence numbers and entry ids, never patient data; Patient is
// set (for the chart to show a warning) only when the entry decrypted.
type JournalProblem struct {
	Kind    string `json:"kind"`
	Seq     int64  `json:"seq,omitempty"`  // the entry, or the first of a range
	Last    int64  `json:"last,omitempty"` // the last of a range, when it is one
	EntryID string `json:"entryId,omitempty"`
	Patient string `json:"-"`
	Text    string `json:"text"` // one sentence, without patient data
}

// ErrJournalUnverified says that the journal holds entries that failed
// verification, or lost some; JournalCheck says which.
var ErrJournalUnverified = errors.New("the downtime journal failed verification")

// JournalCheck is what verification of the journal found.
type JournalCheck struct {
	Entries  int `json:"entries"`  // verified entries
	Upgraded int `json:"upgraded"` // of which recorded before entries were signed
	// RecoveryOnly counts decisions recorded with IT's recovery key, which
	// only that key can check: not listed and not applied with these keys.
	RecoveryOnly int              `json:"recoveryOnly,omitempty"`
	Problems     []JournalProblem `json:"problems,omitempty"`
}

// OK says whether nothing is wrong.
func (c JournalCheck) OK() bool { return len(c.Problems) == 0 }

// Err is nil, or an error wrapping ErrJournalUnverified that names the
// first problem and how many there are.
func (c JournalCheck) Err() error {
	if c.OK() {
		return nil
	}
	more := ""
	if n := len(c.Problems) - 1; n > 0 {
		more = fmt.Sprintf(" (and %d more %s)", n, plural(n, "problem", "problems"))
	}
	return fmt.Errorf("%w: %s%s", ErrJournalUnverified, strings.TrimSuffix(c.Problems[0].Text, "."), more)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func journalGenesis(kioskID string) []byte {
	h := sha256.Sum256([]byte(journalGenesisContext + kioskID))
	return h[:]
}

func entryChain(prev []byte, seq int64, id string, sealed []byte) []byte {
	h := sha256.New()
	h.Write([]byte(journalEntryContext))
	h.Write(prev)
	var n [16]byte
	binary.BigEndian.PutUint64(n[:8], uint64(seq))
	binary.BigEndian.PutUint64(n[8:], uint64(len(id)))
	h.Write(n[:])
	h.Write([]byte(id))
	h.Write(sealed)
	return h.Sum(nil)
}

func signatureMessage(signer string, chain []byte) []byte {
	return append([]byte(journalSignatureContext+signer+"\n"), chain...)
}

// recoveryMACKey is the key that authenticates entries recorded with IT's
// recovery identity.
func recoveryMACKey(identity string) []byte {
	h := sha256.Sum256([]byte(journalRecoveryContext + strings.TrimSpace(identity)))
	return h[:]
}

// signEntry signs a chain value with what the keys have: the kiosk's
// signing key, or else the recovery identity's MAC key.
func (k *Keys) signEntry(chain []byte) (signer string, sig []byte, err error) {
	switch {
	case k.signing != nil:
		return SignerKiosk, ed25519.Sign(k.signing, signatureMessage(SignerKiosk, chain)), nil
	case k.recoveryMAC != nil:
		m := hmac.New(sha256.New, k.recoveryMAC)
		m.Write(signatureMessage(SignerRecovery, chain))
		return SignerRecovery, m.Sum(nil), nil
	}
	return "", nil, ErrCannotSign
}

// checkSignature says whether sig is a valid signature of chain by signer:
// "", or ProblemForged, or problemRecoveryOnly for a recovery entry these
// keys cannot check.
func (k *Keys) checkSignature(signer string, chain, sig []byte) string {
	switch signer {
	case SignerKiosk, SignerUpgrade:
		if k.trusted != nil && ed25519.Verify(k.trusted, signatureMessage(signer, chain), sig) {
			return ""
		}
	case SignerRecovery:
		if k.recoveryMAC == nil {
			return problemRecoveryOnly
		}
		m := hmac.New(sha256.New, k.recoveryMAC)
		m.Write(signatureMessage(SignerRecovery, chain))
		if hmac.Equal(m.Sum(nil), sig) {
			return ""
		}
	}
	return ProblemForged
}

// journalHead is journal.head: the file that holds the journal, its last
// sequence number and chain value, and what happened to it that must be
// said for ever (a head rebuilt, a file found missing), all signed.
type journalHead struct {
	File  string   `json:"file"`
	Base  int64    `json:"base,omitempty"` // the entries before the file's first: in a file that was lost
	Count int64    `json:"count"`
	Chain []byte   `json:"chain"`
	Notes []string `json:"notes,omitempty"`
	Sig   []byte   `json:"sig"`
}

func (h *journalHead) message() []byte {
	var b bytes.Buffer
	b.WriteString(journalHeadContext)
	b.WriteString(h.File + "\n")
	b.WriteString(strconv.FormatInt(h.Base, 10) + "\n")
	b.WriteString(strconv.FormatInt(h.Count, 10) + "\n")
	b.Write(h.Chain)
	for _, n := range h.Notes {
		b.WriteString("\n" + n)
	}
	return b.Bytes()
}

var (
	errJournalHeadMissing = errors.New("journal.head is missing")
	errJournalHeadDamaged = errors.New("journal.head is damaged or not signed by this kiosk")
)

// readJournalHead reads and checks journal.head.
func readJournalHead(dir string, trusted ed25519.PublicKey) (*journalHead, error) {
	b, err := ReadRegular(filepath.Join(dir, journalHeadFile), journalHeadFile, maxJournalHead)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, errJournalHeadMissing
	case errors.Is(err, ErrNotRegular), errors.Is(err, ErrTooLarge):
		// A FIFO or a huge file put in its place: damaged, replaced by the
		// next head, and said; never a reason to stop recording.
		return nil, errJournalHeadDamaged
	case err != nil:
		return nil, err
	}
	return parseJournalHead(b, trusted)
}

// parseJournalHead checks journal.head's bytes and signature.
func parseJournalHead(b []byte, trusted ed25519.PublicKey) (*journalHead, error) {
	var h journalHead
	if json.Unmarshal(b, &h) != nil || len(h.Chain) != sha256.Size || h.Count < 0 || h.Base < 0 || h.Base > h.Count || !validJournalFile(h.File) ||
		trusted == nil || !ed25519.Verify(trusted, h.message(), h.Sig) {
		return nil, errJournalHeadDamaged
	}
	return &h, nil
}

// writeJournalHead signs and replaces journal.head.
func writeJournalHead(dir string, signing ed25519.PrivateKey, h *journalHead) error {
	h.Sig = ed25519.Sign(signing, h.message())
	b, err := json.Marshal(h)
	if err != nil {
		return err
	}
	return durable.Replace(filepath.Join(dir, journalHeadFile), 0o600, append(b, '\n'))
}

// validJournalFile says whether name can be a journal file: journal.db or
// journal-N.db, in the data folder itself.
func validJournalFile(name string) bool {
	if name == journalFile {
		return true
	}
	n, ok := strings.CutPrefix(name, "journal-")
	if !ok {
		return false
	}
	n, ok = strings.CutSuffix(n, ".db")
	v, err := strconv.Atoi(n)
	return ok && err == nil && v >= 2 && strconv.Itoa(v) == n
}

// nextJournalFile is the name of the file after name.
func nextJournalFile(name string) string {
	n := 1
	if name != journalFile {
		n, _ = strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(name, "journal-"), ".db"))
	}
	return fmt.Sprintf("journal-%d.db", n+1)
}

// Witness is what the audit trail records of an entry, so that the trail
// can later show an entry the journal lost: its sequence number and chain
// value. It is "" for an entry not read or recorded by this Journal.
func (j *Journal) Witness(id string) string {
	j.mu.Lock()
	defer j.mu.Unlock()
	k, ok := j.index[id]
	if !ok || j.entries[k].chain == nil {
		return ""
	}
	return fmt.Sprintf("journal entry %d, chain %s", j.entries[k].Seq, hex.EncodeToString(j.entries[k].chain))
}

// EntryAuditDetails is the details of an entry's audit record: its kind,
// its patient and, when there is one, its witness (see Witness).
func EntryAuditDetails(e clinical.Entry, witness string) string {
	d := string(e.Kind) + " for patient " + e.Patient
	if witness != "" {
		d += "; " + witness
	}
	return d
}

// parseWitness reads what Witness wrote, at the end of an audit record's
// details.
func parseWitness(details string) (seq int64, chain []byte, ok bool) {
	i := strings.LastIndex(details, "journal entry ")
	if i < 0 {
		return 0, nil, false
	}
	var h string
	if _, err := fmt.Sscanf(details[i:], "journal entry %d, chain %64s", &seq, &h); err != nil {
		return 0, nil, false
	}
	chain, err := hex.DecodeString(h)
	return seq, chain, err == nil && len(chain) == sha256.Size
}

// entrySpan names entries from..to: "entry 4 is", "entries 4 to 6 are".
func entrySpan(from, to int64) string {
	if from == to {
		return fmt.Sprintf("entry %d is", from)
	}
	return fmt.Sprintf("entries %d to %d are", from, to)
}

// ProblemsFor picks the problems a patient's chart must show: entries that
// claim this patient and failed verification, and whatever concerns the
// whole journal (entries missing, files lost), since a missing entry may
// have been this patient's.
func ProblemsFor(problems []JournalProblem, patient string) []JournalProblem {
	var out []JournalProblem
	for _, p := range problems {
		if p.Patient == patient || p.Patient == "" && p.Kind != ProblemAltered && p.Kind != ProblemUnreadable {
			out = append(out, p)
		}
	}
	return out
}
