package hub

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"lifeboat/internal/durable"
	"lifeboat/store"
)

// Errors callers branch on.
var (
	ErrUnknownWard  = errors.New("the hub publishes no such ward: add it with lifeboat hub ward add")
	ErrWardExists   = errors.New("the hub already publishes that ward; nothing was changed")
	ErrBadWardID    = errors.New("a ward id is a FHIR Location id: letters, digits, '-' and '.', at most 64, not beginning with '.'")
	ErrCodeUnknown  = errors.New("the hub does not know that enrolment code")
	ErrCodeUsed     = errors.New("that enrolment code was already used: make a new one with lifeboat hub enrol-code")
	ErrCodeExpired  = errors.New("that enrolment code has expired: make a new one with lifeboat hub enrol-code")
	ErrCodeMismatch = errors.New("the hub's key does not match the enrolment code: this is not the hub the code was made by")
	ErrBadCode      = errors.New("that is not an enrolment code (it looks like LB1-… with two parts after it)")
	ErrOtherWard    = errors.New("this kiosk is enrolled for another ward than the code's; the code was not used (a kiosk changes ward in a new data folder: lifeboat init)")
	ErrKioskIDTaken = errors.New("the hub already has another kiosk enrolled under this kiosk's id, with other keys; the code was not used")
	ErrUnknownKiosk = errors.New("the hub has no kiosk enrolled under that id (lifeboat hub status lists them)")
	ErrRevoked      = errors.New("this kiosk was revoked at the hub: its id and keys are never enrolled again; IT makes a new kiosk (lifeboat init in a new folder) and enrols that")
	ErrKioskRevoked = errors.New("that kiosk is already revoked; nothing was changed")
)

// ErrCode is what every refused enrolment code wraps.
var ErrCode = errors.New("enrolment code refused")

type codeError struct{ err error }

func (e codeError) Error() string   { return e.err.Error() }
func (e codeError) Unwrap() []error { return []error{e.err, ErrCode} }
func codeErr(err error) error       { return codeError{err} }

var wardID = regexp.MustCompile(`^[A-Za-z0-9\-][A-Za-z0-9\-.]{0,63}$`)
var kioskID = regexp.MustCompile(`^[A-Za-z0-9\-]{1,64}$`)

// CheckWardID refuses what cannot be a ward's Location id (it names a
// folder).
func CheckWardID(id string) error {
	if !wardID.MatchString(id) {
		return ErrBadWardID
	}
	return nil
}

// Hub is a hub's data folder, unlocked.
type Hub struct {
	Dir  string
	Keys *store.Keys
	// Log, when set, takes what the hub says to IT from outside its
	// steps (a kiosk whose hand-ins it refuses).
	Log func(string)

	refused sync.Map // kiosks whose refused hand-in was said
}

// Init creates the hub's keys in dir, sealed under the passphrase, as a
// kiosk's are (store.Init); recovery is IT's age recipient, or "".
func Init(dir, passphrase, recovery string, workFactor int) (*store.InitResult, error) {
	res, err := store.Init(dir, passphrase, store.InitOptions{Recovery: recovery, NoRecovery: recovery == "", WorkFactor: workFactor})
	if err != nil {
		return nil, err
	}
	for _, sub := range []string{"wards", "kiosks", "codes"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, fmt.Errorf("creating the hub's folders: %w", err)
		}
	}
	return res, nil
}

// Open unlocks the hub in dir.
func Open(dir, passphrase string) (*Hub, error) {
	keys, err := store.Unlock(dir, passphrase)
	if err != nil {
		return nil, err
	}
	return &Hub{Dir: dir, Keys: keys}, nil
}

// ID is the hub's id.
func (h *Hub) ID() string { return h.Keys.Config.KioskID }

func (h *Hub) signerKey() ed25519.PublicKey {
	k, _ := base64.StdEncoding.DecodeString(h.Keys.Config.Signer)
	return k
}

// Fingerprint names the hub's signing key in enrolment codes: the first
// 16 bytes of its SHA-256, in hex.
func Fingerprint(key ed25519.PublicKey) string {
	sum := sha256.Sum256(key)
	return hex.EncodeToString(sum[:16])
}

// A record is a small JSON file of the hub's folder signed with its key:
// the payload, then the signature over recordContext, its kind and the
// payload.
type record struct {
	Payload json.RawMessage `json:"payload"`
	Sig     []byte          `json:"sig"`
}

const recordContext = store.HubSignContext + "record v1\n"

const maxRecord = 64 << 10

func (h *Hub) sealRecord(kind string, v any) ([]byte, error) {
	p, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	sig, err := h.Keys.Sign(append([]byte(recordContext+kind+"\n"), p...))
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(record{Payload: p, Sig: sig})
	return append(b, '\n'), err
}

var errForged = errors.New("is not signed by the hub's key")

// readRecord reads a record and checks its signature; a FIFO or a huge
// file in its place is refused as store.ReadRegular refuses it.
func (h *Hub) readRecord(path, label, kind string, v any) error {
	b, err := store.ReadRegular(path, label, maxRecord)
	if err != nil {
		return err
	}
	var r record
	if json.Unmarshal(b, &r) != nil {
		return fmt.Errorf("%s is damaged", label)
	}
	if !ed25519.Verify(h.signerKey(), append([]byte(recordContext+kind+"\n"), r.Payload...), r.Sig) {
		return fmt.Errorf("%s %w", label, errForged)
	}
	if json.Unmarshal(r.Payload, v) != nil {
		return fmt.Errorf("%s is damaged", label)
	}
	return nil
}

// Ward is a ward the hub publishes.
type Ward struct {
	ID    string    `json:"ward"`
	Name  string    `json:"name,omitempty"`
	Hub   string    `json:"hub"`
	Added time.Time `json:"added"`
}

func (h *Hub) wardDir(id string) string { return filepath.Join(h.Dir, "wards", id) }

// AddWard adds a ward to publish.
func (h *Hub) AddWard(id, name string, now time.Time) error {
	if err := CheckWardID(id); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(h.wardDir(id), "snapshots"), 0o700); err != nil {
		return fmt.Errorf("creating the ward's folder: %w", err)
	}
	b, err := h.sealRecord("ward", Ward{ID: id, Name: name, Hub: h.ID(), Added: now.UTC().Truncate(time.Second)})
	if err != nil {
		return err
	}
	err = durable.WriteNew(filepath.Join(h.wardDir(id), "ward.json"), 0o600, func(w io.Writer) error { _, err := w.Write(b); return err })
	if errors.Is(err, durable.ErrExists) {
		return ErrWardExists
	}
	return err
}

// RemoveWard stops publishing a ward. Its generations stay in the hub's
// folder as evidence; its kiosks stay enrolled, and get its generations
// again if it is added back.
func (h *Hub) RemoveWard(id string) error {
	if err := CheckWardID(id); err != nil {
		return err
	}
	if _, err := h.Ward(id); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(h.wardDir(id), "ward.json")); err != nil {
		return fmt.Errorf("removing the ward: %w", err)
	}
	return durable.SyncFolder(h.wardDir(id))
}

// Ward reads one ward's record: ErrUnknownWard when it is not published.
func (h *Hub) Ward(id string) (*Ward, error) {
	if err := CheckWardID(id); err != nil {
		return nil, err
	}
	var w Ward
	err := h.readRecord(filepath.Join(h.wardDir(id), "ward.json"), "ward "+id+"'s record", "ward", &w)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrUnknownWard
	}
	if err != nil {
		return nil, err
	}
	if w.ID != id || w.Hub != h.ID() {
		return nil, fmt.Errorf("ward %s's record belongs to another ward or hub", id)
	}
	return &w, nil
}

// Wards lists the wards published, in id order, and says (problems) of
// each record that cannot be trusted, which is left out.
func (h *Hub) Wards() (wards []Ward, problems []string, err error) {
	entries, err := os.ReadDir(filepath.Join(h.Dir, "wards"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("listing the wards: %w", err)
	}
	for _, e := range entries {
		if !e.IsDir() || CheckWardID(e.Name()) != nil {
			continue
		}
		w, err := h.Ward(e.Name())
		switch {
		case errors.Is(err, ErrUnknownWard):
		case err != nil:
			problems = append(problems, err.Error())
		default:
			wards = append(wards, *w)
		}
	}
	return wards, problems, nil
}

// Kiosk is a kiosk enrolled for a ward: its public keys.
type Kiosk struct {
	ID        string    `json:"kiosk"`
	Hub       string    `json:"hub"`
	Ward      string    `json:"ward"`
	Recipient string    `json:"recipient"` // its age recipient
	Signer    string    `json:"signer"`    // its Ed25519 public key, base64
	Enrolled  time.Time `json:"enrolled"`
}

// Kiosks lists the kiosks enrolled, by ward; records that cannot be
// trusted are left out and said.
func (h *Hub) Kiosks() (byWard map[string][]Kiosk, problems []string, err error) {
	dir := filepath.Join(h.Dir, "kiosks")
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("listing the kiosks: %w", err)
	}
	revoked, rp, err := h.Revocations()
	if err != nil {
		return nil, nil, err
	}
	problems = append(problems, rp...)
	byWard = map[string][]Kiosk{}
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || !kioskID.MatchString(id) {
			continue
		}
		var k Kiosk
		if err := h.readRecord(filepath.Join(dir, e.Name()), "kiosk "+id+"'s record", "kiosk", &k); err != nil {
			problems = append(problems, err.Error())
			continue
		}
		if k.ID != id || k.Hub != h.ID() {
			problems = append(problems, fmt.Sprintf("kiosk %s's record belongs to another kiosk or hub", id))
			continue
		}
		if revoked.of(k) != nil {
			continue // revoked, its record not yet removed (a revoke cut short)
		}
		byWard[k.Ward] = append(byWard[k.Ward], k)
	}
	for w := range byWard {
		slices.SortFunc(byWard[w], func(a, b Kiosk) int { return strings.Compare(a.ID, b.ID) })
	}
	return byWard, problems, nil
}

// kiosk reads the record of the kiosk enrolled under id (fs.ErrNotExist
// when there is none).
func (h *Hub) kiosk(id string) (*Kiosk, error) {
	var k Kiosk
	if err := h.readRecord(filepath.Join(h.Dir, "kiosks", id+".json"), "kiosk "+id+"'s record", "kiosk", &k); err != nil {
		return nil, err
	}
	return &k, nil
}

func (h *Hub) writeKiosk(k Kiosk) error {
	b, err := h.sealRecord("kiosk", k)
	if err != nil {
		return err
	}
	return durable.Replace(filepath.Join(h.Dir, "kiosks", k.ID+".json"), 0o600, b)
}

// code is an enrolment code's record.
type code struct {
	Hub     string    `json:"hub"`
	Ward    string    `json:"ward"`
	Expires time.Time `json:"expires"`
}

// CodeLifetime is how long an enrolment code works.
const CodeLifetime = 24 * time.Hour

var codeText = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewCode makes a one-time enrolment code for a ward: "LB1-" and the
// fingerprint of the hub's key, then the secret. Only the secret's hash
// is kept at the hub.
func (h *Hub) NewCode(ward string, now time.Time) (string, error) {
	if _, err := h.Ward(ward); err != nil {
		return "", err
	}
	secret := make([]byte, 20)
	if _, err := rand.Read(secret); err != nil {
		return "", err
	}
	b, err := h.sealRecord("code", code{Hub: h.ID(), Ward: ward, Expires: now.Add(CodeLifetime).UTC()})
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Join(h.Dir, "codes"), 0o700); err != nil {
		return "", err
	}
	err = durable.WriteNew(filepath.Join(h.Dir, "codes", secretHash(secret)+".code"), 0o600, func(w io.Writer) error { _, err := w.Write(b); return err })
	if err != nil {
		return "", err
	}
	return "LB1-" + strings.ToUpper(Fingerprint(h.signerKey())) + "-" + codeText.EncodeToString(secret), nil
}

func secretHash(secret []byte) string {
	sum := sha256.Sum256(secret)
	return hex.EncodeToString(sum[:])
}

// parseCode splits a code into the hub key's fingerprint and the secret.
func parseCode(s string) (fp string, secret []byte, err error) {
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	parts := strings.Split(s, "-")
	if len(parts) != 3 || parts[0] != "LB1" || len(parts[1]) != 32 {
		return "", nil, codeErr(ErrBadCode)
	}
	if _, err := hex.DecodeString(parts[1]); err != nil {
		return "", nil, codeErr(ErrBadCode)
	}
	secret, err = codeText.DecodeString(parts[2])
	if err != nil || len(secret) != 20 {
		return "", nil, codeErr(ErrBadCode)
	}
	return strings.ToLower(parts[1]), secret, nil
}

// useCode spends a code: it must be the hub's, unexpired and unused; it
// is marked used before anything is enrolled with it, so that it works
// once even when two kiosks race. A kiosk enrolling again says its ward
// (ward): a code for another is not spent.
func (h *Hub) useCode(secret []byte, ward string, now time.Time) (*code, error) {
	hash := secretHash(secret)
	var c code
	err := h.readRecord(filepath.Join(h.Dir, "codes", hash+".code"), "an enrolment code's record", "code", &c)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, codeErr(ErrCodeUnknown)
	}
	if err != nil {
		return nil, err
	}
	if c.Hub != h.ID() {
		return nil, codeErr(ErrCodeUnknown)
	}
	if !now.Before(c.Expires) {
		return nil, codeErr(ErrCodeExpired)
	}
	if ward != "" && c.Ward != ward {
		return nil, ErrOtherWard
	}
	err = durable.WriteNew(filepath.Join(h.Dir, "codes", hash+".used"), 0o600, func(w io.Writer) error {
		_, err := fmt.Fprintln(w, now.UTC().Format(time.RFC3339))
		return err
	})
	if errors.Is(err, durable.ErrExists) {
		return nil, codeErr(ErrCodeUsed)
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// Revocation is a kiosk the hub no longer seals to: its keys as they
// were enrolled, and when it was revoked. It is kept, signed, for good:
// a revoked kiosk's id and keys are never enrolled again.
type Revocation struct {
	Kiosk
	Revoked time.Time `json:"revoked"`
}

// Revocations are the hub's revoked kiosks.
type Revocations []Revocation

// of is the revocation of a kiosk's id or either of its keys, or nil.
func (rs Revocations) of(k Kiosk) *Revocation {
	for i, r := range rs {
		if r.ID == k.ID || r.Signer == k.Signer || r.Recipient == k.Recipient {
			return &rs[i]
		}
	}
	return nil
}

// since says whether a kiosk of ward was revoked at or after t.
func (rs Revocations) since(ward string, t time.Time) bool {
	for _, r := range rs {
		if r.Ward == ward && !r.Revoked.Before(t) {
			return true
		}
	}
	return false
}

const revokedSuffix = ".revoked"

// Revocations lists the revoked kiosks; records that cannot be trusted
// are left out and said (a planted revocation revokes nothing, and one
// deleted from the hub's disk is a kiosk record gone too, so the kiosk
// stays out).
func (h *Hub) Revocations() (rs Revocations, problems []string, err error) {
	dir := filepath.Join(h.Dir, "kiosks")
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("listing the kiosks: %w", err)
	}
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), revokedSuffix)
		if !ok || !kioskID.MatchString(id) {
			continue
		}
		var r Revocation
		if err := h.readRecord(filepath.Join(dir, e.Name()), "kiosk "+id+"'s revocation", "revocation", &r); err != nil {
			problems = append(problems, err.Error())
			continue
		}
		if r.ID != id || r.Hub != h.ID() {
			problems = append(problems, fmt.Sprintf("kiosk %s's revocation belongs to another kiosk or hub", id))
			continue
		}
		rs = append(rs, r)
	}
	return rs, problems, nil
}

// Revoke stops sealing to a kiosk: its revocation is written, signed,
// before its record is removed, so that a revoke cut short still leaves
// it out. The next generation of its ward is a full one sealed without
// it (the puller re-keys the ward), and the next publication no longer
// holds the files it could read. It returns the kiosk revoked.
func (h *Hub) Revoke(id string, now time.Time) (*Kiosk, error) {
	if !kioskID.MatchString(id) {
		return nil, ErrUnknownKiosk
	}
	rs, _, err := h.Revocations()
	if err != nil {
		return nil, err
	}
	k, err := h.kiosk(id)
	if errors.Is(err, fs.ErrNotExist) {
		if rs.of(Kiosk{ID: id}) != nil {
			return nil, ErrKioskRevoked
		}
		return nil, ErrUnknownKiosk
	}
	if err != nil {
		return nil, err
	}
	if k.ID != id || k.Hub != h.ID() {
		return nil, fmt.Errorf("kiosk %s's record belongs to another kiosk or hub", id)
	}
	b, err := h.sealRecord("revocation", Revocation{Kiosk: *k, Revoked: now.UTC()})
	if err != nil {
		return nil, err
	}
	path := filepath.Join(h.Dir, "kiosks", id+revokedSuffix)
	err = durable.WriteNew(path, 0o600, func(w io.Writer) error { _, err := w.Write(b); return err })
	if err != nil && !errors.Is(err, durable.ErrExists) {
		return nil, err
	}
	if err := os.Remove(filepath.Join(h.Dir, "kiosks", id+".json")); err != nil {
		return nil, fmt.Errorf("removing the kiosk's record: %w", err)
	}
	return k, durable.SyncFolder(filepath.Join(h.Dir, "kiosks"))
}

// kioskWards is the ward of every kiosk the hub enrolled, revoked since
// or not: where its journal counts.
func (h *Hub) kioskWards() (map[string]string, error) {
	byWard, _, err := h.Kiosks()
	if err != nil {
		return nil, err
	}
	rs, _, err := h.Revocations()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for w, ks := range byWard {
		for _, k := range ks {
			out[k.ID] = w
		}
	}
	for _, r := range rs {
		out[r.ID] = r.Ward
	}
	return out, nil
}
