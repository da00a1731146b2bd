package store

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"filippo.io/age"

	"lifeboat/internal/durable"
)

// A kiosk fed by a hub (sync/hub) trusts two signers of generations: its
// own key, and the hub's, pinned at enrolment in hub.pin. The pin is
// signed with the kiosk's own signing key, which is sealed under the ward
// passphrase: whoever can write the kiosk's disk but lacks the passphrase
// cannot swap the hub's key for theirs, only remove the pin (and then the
// hub's generations are refused, never forged ones accepted). Each
// generation names its signer (Manifest.KioskID: the kiosk's id or the
// hub's), and a signature counts only for the id of the key that made it.
//
// The hub's generations are kept in snapshots/ under the hub's numbers,
// exactly as the kiosk's own would be, and the kiosk's rollback floor is
// raised as each is received: a kiosk fed by a hub seals none of its own.
const (
	pinFile     = "hub.pin"
	pinContext  = "lifeboat hub pin v1\n"
	seenFile    = "hub.seen"
	seenContext = "lifeboat hub index seen v1\n"
	// HubSignContext begins every message a hub signs with Keys.Sign,
	// so that none can pass for a manifest, a floor or a journal head.
	HubSignContext = "lifeboat hub "
)

// Errors of enrolment and of receiving the hub's generations.
var (
	ErrEnrolled       = errors.New("this kiosk is already enrolled with a hub; enrol a new data folder (lifeboat init) to change")
	ErrHasGenerations = errors.New("this data folder already holds snapshots of its own; enrol a new data folder (lifeboat init), so that the hub's generations and the kiosk's own are never mixed")
	ErrNotEnrolled    = errors.New("this kiosk is not enrolled with a hub: run lifeboat enrol first")
	ErrFedByHub       = errors.New("this kiosk is fed by a hub and seals no snapshot of its own: use lifeboat snapshot --hub")
)

// signer is a key trusted to sign generations under an id.
type signer struct {
	key ed25519.PublicKey
	id  string
}

// trust is who may sign this vault's generations.
type trust struct {
	own signer
	hub *signer
}

func (k *Keys) trust() trust {
	return trust{own: signer{key: k.trusted, id: k.Config.KioskID}, hub: k.hub}
}

// verify tells whose signature sig over msg is.
func (t trust) verify(msg, sig []byte) (signer, bool) {
	if ed25519.Verify(t.own.key, msg, sig) {
		return t.own, true
	}
	if t.hub != nil && ed25519.Verify(t.hub.key, msg, sig) {
		return *t.hub, true
	}
	return signer{}, false
}

// SealingTo is a copy of the keys that seals generations to the given
// age recipients instead of the vault's own and IT's: a hub seals each
// ward's generations to that ward's kiosks.
func (k *Keys) SealingTo(recipients []string) (*Keys, error) {
	rs, err := age.ParseRecipients(strings.NewReader(strings.Join(recipients, "\n")))
	if err != nil || len(recipients) == 0 {
		return nil, errors.New("a recipient to seal to is not a valid age recipient")
	}
	c := *k
	c.sealTo, c.sealToText = rs, slices.Sorted(slices.Values(recipients))
	return &c, nil
}

// SealsTo is who the keys' generations are encrypted to, sorted.
func (k *Keys) SealsTo() []string {
	if k.sealToText != nil {
		return k.sealToText
	}
	out := []string{k.Config.Recipient}
	if k.Config.Recovery != "" {
		out = append(out, k.Config.Recovery)
	}
	slices.Sort(out)
	return out
}

func (k *Keys) sealingRecipients() ([]age.Recipient, error) {
	if k.sealTo != nil {
		return k.sealTo, nil
	}
	return k.Config.recipients()
}

// Sign signs msg, which must begin with HubSignContext, with the vault's
// signing key: a hub's index and records.
func (k *Keys) Sign(msg []byte) ([]byte, error) {
	if k.signing == nil {
		return nil, ErrCannotSign
	}
	if !bytes.HasPrefix(msg, []byte(HubSignContext)) {
		return nil, errors.New("a hub signs only messages of its own")
	}
	return ed25519.Sign(k.signing, msg), nil
}

// Unseal decrypts an age file of at most limit bytes of plaintext sent
// to this vault's recipient (an enrolment request sent to a hub).
func (k *Keys) Unseal(r io.Reader, limit int64) ([]byte, error) {
	return decryptSealed(k.identity, r, limit)
}

// HubPin is the hub a kiosk enrolled with.
type HubPin struct {
	Format   int       `json:"format"`
	KioskID  string    `json:"kioskId"`
	HubID    string    `json:"hubId"`
	Signer   string    `json:"signer"` // the hub's Ed25519 public key, base64
	Ward     string    `json:"ward"`
	Enrolled time.Time `json:"enrolled"`
	Sig      []byte    `json:"sig,omitempty"`
}

func (p *HubPin) message() []byte {
	c := *p
	c.Sig = nil
	b, _ := json.Marshal(c)
	return append([]byte(pinContext), b...)
}

// Key is the hub's public signing key.
func (p *HubPin) Key() ed25519.PublicKey {
	k, _ := base64.StdEncoding.DecodeString(p.Signer)
	return k
}

func (p *HubPin) signer() *signer { return &signer{key: p.Key(), id: p.HubID} }

var (
	errPinDamaged = errors.New("the hub pin (hub.pin) is damaged")
	errPinForeign = errors.New("the hub pin (hub.pin) is not signed by this kiosk's key: it was forged or copied from another kiosk")
)

// readPin reads hub.pin and checks it against the kiosk's own key.
func readPin(dir string, trusted ed25519.PublicKey, kioskID string) (*HubPin, error) {
	b, err := ReadRegular(filepath.Join(dir, pinFile), vaultLabel(pinFile), maxSmallFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotEnrolled
	}
	if errors.Is(err, ErrNotRegular) || errors.Is(err, ErrTooLarge) {
		return nil, errPinDamaged
	}
	if err != nil {
		return nil, readErr("the hub pin", err)
	}
	var p HubPin
	if json.Unmarshal(b, &p) != nil || p.Format != 1 || len(p.Key()) != ed25519.PublicKeySize || p.HubID == "" {
		return nil, errPinDamaged
	}
	if p.KioskID != kioskID || !ed25519.Verify(trusted, p.message(), p.Sig) {
		return nil, errPinForeign
	}
	return &p, nil
}

// Hub is the hub this kiosk is enrolled with, read from hub.pin and
// checked against the kiosk's key: ErrNotEnrolled, or why the pin
// cannot be trusted.
func (k *Keys) Hub(dir string) (*HubPin, error) {
	return readPin(dir, k.trusted, k.Config.KioskID)
}

// PinHub records, signed, that this kiosk trusts the hub's key for the
// generations of ward. A kiosk enrols once, into a data folder that
// holds no generations of its own.
func PinHub(dir string, keys *Keys, hubID string, hubKey ed25519.PublicKey, ward string, now time.Time) (*HubPin, error) {
	if keys.signing == nil {
		return nil, ErrCannotSign
	}
	if err := CheckEnrollable(dir, keys); err != nil {
		return nil, err
	}
	if hubID == keys.Config.KioskID || len(hubKey) != ed25519.PublicKeySize {
		return nil, errors.New("the hub's key is not a valid signing key")
	}
	p := HubPin{Format: 1, KioskID: keys.Config.KioskID, HubID: hubID, Signer: base64.StdEncoding.EncodeToString(hubKey),
		Ward: ward, Enrolled: now.UTC().Truncate(time.Second)}
	p.Sig = ed25519.Sign(keys.signing, p.message())
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	err = durable.WriteNew(filepath.Join(dir, pinFile), 0o600, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
	if errors.Is(err, durable.ErrExists) {
		return nil, ErrEnrolled
	}
	if err != nil {
		return nil, err
	}
	keys.hub = p.signer()
	return &p, nil
}

// CheckNotFed refuses to seal a snapshot of the kiosk's own in a data
// folder fed by a hub (ErrFedByHub): the two would share numbers.
func CheckNotFed(dir string) error {
	if _, err := ReadRegular(filepath.Join(dir, pinFile), vaultLabel(pinFile), maxSmallFile); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return ErrFedByHub
}

type seenRecord struct {
	Format   int    `json:"format"`
	KioskID  string `json:"kioskId"`
	HubID    string `json:"hubId"`
	Sequence uint64 `json:"sequence"`
	Sig      []byte `json:"sig"`
}

func (s *seenRecord) message() []byte {
	m := []byte(seenContext + s.KioskID + "\n" + s.HubID + "\n")
	return binary.BigEndian.AppendUint64(m, s.Sequence)
}

// HubSeen is the sequence number of the newest index of the hub this
// kiosk accepted (0 when none), from hub.seen, signed with the kiosk's
// key: an index below it is a rollback. A missing, damaged or forged
// file reads as 0 with its problem, and the kiosk's rollback floor still
// stands behind it.
func HubSeen(dir string, keys *Keys, hubID string) (uint64, error) {
	return readSeen(dir, keys.trusted, keys.Config.KioskID, hubID)
}

func readSeen(dir string, trusted ed25519.PublicKey, kioskID, hubID string) (uint64, error) {
	b, err := ReadRegular(filepath.Join(dir, seenFile), vaultLabel(seenFile), maxSmallFile)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, readErr("the hub's index last seen", err)
	}
	var s seenRecord
	if json.Unmarshal(b, &s) != nil || s.Format != 1 || s.KioskID != kioskID || s.HubID != hubID ||
		!ed25519.Verify(trusted, s.message(), s.Sig) {
		return 0, errors.New("the record of the hub's index last seen (hub.seen) is damaged or forged")
	}
	return s.Sequence, nil
}

// HubFacts is what a kiosk fed by a hub holds of it, for status: the
// pin, and the sequence of the newest index it accepted (hub.seen, what
// the rollback check refuses any older index against). Both are signed
// with the kiosk's key and read, as Inspect reads generations, without
// the passphrase, against the public key of config.json; the kiosk
// itself checks them against its sealed key.
type HubFacts struct {
	Pin        *HubPin // nil when it cannot be trusted
	PinProblem string
	// Seen is hub.seen's sequence (0: no index accepted yet, or
	// SeenProblem says why it cannot be read).
	Seen        uint64
	SeenProblem string
}

// Fingerprint names the hub's key as hub init printed it (the first 16
// hex digits of the enrolment code's fingerprint).
func (p *HubPin) Fingerprint() string { return fingerprint(p.Key()) }

// InspectHub reads the hub facts of the kiosk in dir, whose config.json
// is cfg: nil when it is not enrolled with a hub. A pin or a record of
// the index seen that cannot be trusted is said in the facts, not as an
// error.
func InspectHub(dir string, cfg *Config) (*HubFacts, error) {
	trusted, err := cfg.signerKey()
	if err != nil {
		return nil, err
	}
	pin, err := readPin(dir, trusted, cfg.KioskID)
	switch {
	case errors.Is(err, ErrNotEnrolled):
		return nil, nil
	case errors.Is(err, ErrNotRegular):
		return nil, err
	case err != nil:
		return &HubFacts{PinProblem: err.Error()}, nil
	}
	f := &HubFacts{Pin: pin}
	if f.Seen, err = readSeen(dir, trusted, cfg.KioskID, pin.HubID); err != nil {
		if errors.Is(err, ErrNotRegular) {
			return nil, err
		}
		f.SeenProblem = err.Error()
	}
	return f, nil
}

// RecordHubSeen records seq as the newest index of the hub accepted.
func RecordHubSeen(dir string, keys *Keys, hubID string, seq uint64) error {
	if keys.signing == nil {
		return ErrCannotSign
	}
	s := seenRecord{Format: 1, KioskID: keys.Config.KioskID, HubID: hubID, Sequence: seq}
	s.Sig = ed25519.Sign(keys.signing, s.message())
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return durable.Replace(filepath.Join(dir, seenFile), 0o600, append(b, '\n'))
}

// HasGeneration tells whether the vault holds generation g's file.
func HasGeneration(dir string, g uint64) bool {
	gens, err := listGenerations(dir)
	return err == nil && slices.ContainsFunc(gens, func(x Generation) bool { return x.Generation == g })
}

// Incoming is a generation published by the pinned hub, being written
// into the vault under a temporary name: Write it whole, then Accept or
// Abort it. Nothing is named a generation before Accept has checked it.
type Incoming struct {
	f    *durable.File
	dir  string
	gen  uint64
	size int64
}

// Receive starts receiving generation gen into the vault.
func Receive(dir string, gen uint64) (*Incoming, error) {
	if gen == 0 || gen >= maxGeneration {
		return nil, fmt.Errorf("generation %d is not a possible number", gen)
	}
	f, err := durable.Create(filepath.Join(dir, snapshotDir, generationName(gen)), 0o600)
	if err != nil {
		return nil, err
	}
	return &Incoming{f: f, dir: dir, gen: gen}, nil
}

func (in *Incoming) Write(p []byte) (int, error) {
	n, err := in.f.Write(p)
	in.size += int64(n)
	return n, err
}

// Abort removes what was received.
func (in *Incoming) Abort() { in.f.Abort() }

// Manifest is the signed manifest of what was received: signed by the
// pinned hub, for this generation, of ward.
func (in *Incoming) Manifest(keys *Keys, ward string) (*Manifest, error) {
	s, err := in.open(keys)
	if err != nil {
		return nil, err
	}
	if s.manifest.Census.Mode != "ward" || s.manifest.Census.Ward != ward {
		return nil, fmt.Errorf("generation %d is not of this kiosk's ward", in.gen)
	}
	return &s.manifest, nil
}

func (in *Incoming) open(keys *Keys) (*sealed, error) {
	if keys.hub == nil {
		return nil, ErrNotEnrolled
	}
	g := Generation{Generation: in.gen, Path: in.f.Name()}
	s, err := readSealed(in.f.File, g, trust{own: *keys.hub})
	if err != nil {
		return nil, fmt.Errorf("generation %d %s", in.gen, reason(err))
	}
	if s.manifest.KioskID != keys.hub.id {
		return nil, fmt.Errorf("generation %d %s", in.gen, reason(ErrForeign))
	}
	return s, nil
}

// Accept checks what was received as Open will (the hub's signature,
// the ciphertext's hash, the link to the generation it builds on, and
// that it is encrypted to this kiosk), names it generation gen, raises
// the rollback floor and prunes old generations.
func (in *Incoming) Accept(keys *Keys, ward string) (*Manifest, error) {
	defer in.Abort()
	m, err := in.Manifest(keys, ward)
	if err != nil {
		return nil, err
	}
	s, _ := in.open(keys)
	if err := s.verifyHash(); err != nil {
		return nil, fmt.Errorf("generation %d %s", in.gen, reason(err))
	}
	if m.Kind == KindDelta {
		parent, err := openSealed(Generation{Generation: m.Parent, Path: filepath.Join(in.dir, snapshotDir, generationName(m.Parent))}, keys.trust())
		if err != nil {
			return nil, fmt.Errorf("generation %d %s", in.gen, (&chainError{m.Parent, errMissing}).Error())
		}
		ok := parent.by.id == keys.hub.id && follows(m, &parent.manifest)
		parent.f.Close()
		if !ok {
			return nil, fmt.Errorf("generation %d %s", in.gen, (&chainError{m.Parent, errNotParent}).Error())
		}
	}
	// The file key must unwrap with this kiosk's identity.
	if _, err := age.Decrypt(io.NewSectionReader(s.cipher, 0, m.CipherSize), keys.identity); err != nil {
		var noMatch *age.NoIdentityMatchError
		if errors.As(err, &noMatch) {
			return nil, fmt.Errorf("generation %d is %w", in.gen, ErrForeign)
		}
		return nil, fmt.Errorf("generation %d %s", in.gen, reason(ErrAltered))
	}
	if err := in.f.Link(); errors.Is(err, durable.ErrExists) {
		return nil, fmt.Errorf("generation %d is already in the vault; nothing was replaced", in.gen)
	} else if err != nil {
		return nil, err
	}
	if err := raiseFloor(in.dir, keys, in.gen); err != nil {
		return m, fmt.Errorf("generation %d was received, but the rollback floor could not be raised: %w", in.gen, err)
	}
	if err := prune(in.dir, keys.Config.Keep, keys.trust()); err != nil {
		return m, fmt.Errorf("generation %d was received, but old generations could not be removed: %w", in.gen, err)
	}
	return m, nil
}

// CheckEnrollable says whether a kiosk may enrol with a hub: not enrolled
// yet, and no generations of its own.
func CheckEnrollable(dir string, keys *Keys) error {
	if _, err := keys.Hub(dir); !errors.Is(err, ErrNotEnrolled) {
		if err == nil {
			return ErrEnrolled
		}
		return err
	}
	gens, err := listGenerations(dir)
	if err != nil {
		return err
	}
	if len(gens) > 0 {
		return ErrHasGenerations
	}
	return nil
}

// ChainLink is one file a generation is opened from.
type ChainLink struct {
	Generation uint64
	Path       string
	Manifest   Manifest
}

// NewestChain is the chain of files of the newest generation in dir that
// verifies (signatures, hashes, links), oldest first: what a hub
// publishes. It decrypts nothing. Nil when there is none.
func NewestChain(dir string, keys *Keys) ([]ChainLink, error) {
	gens, err := listGenerations(dir)
	if err != nil {
		return nil, err
	}
	for _, g := range gens {
		chain, err := sealedChain(g, keys.trust())
		ok := err == nil
		var out []ChainLink
		for _, s := range chain {
			if ok && s.verifyHash() != nil {
				ok = false
			}
			out = append(out, ChainLink{Generation: s.manifest.Generation, Path: s.f.Name(), Manifest: s.manifest})
			s.f.Close()
		}
		if ok {
			slices.Reverse(out)
			return out, nil
		}
	}
	return nil, nil
}
