// Package fleet is the hub's view of its kiosks: the heartbeats they send
// (signed with their own keys), the latest of each kept and re-verified
// when read back, how ready each kiosk is (green, amber, red), and the
// same in Prometheus's text format for a hospital's monitoring.
//
// Nothing here holds patient data: a heartbeat says which generation a
// kiosk holds and how old its data is, never what is in it.
package fleet

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"lifeboat/store"
)

// Heartbeat is what a kiosk says of itself, every few minutes.
type Heartbeat struct {
	Kiosk   string `json:"kiosk"`
	Ward    string `json:"ward"`
	Version string `json:"version"`
	// Seq grows with every heartbeat of a kiosk: one not above the last
	// accepted is a replay.
	Seq  uint64    `json:"seq"`
	Sent time.Time `json:"sent"` // the kiosk's clock
	// Generation is the newest generation the kiosk holds (0: none), and
	// DataAsOf when its data was taken from the EHR.
	Generation uint64    `json:"generation"`
	DataAsOf   time.Time `json:"dataAsOf,omitzero"`
	LastUnlock time.Time `json:"lastUnlock,omitzero"`
	// Unreconciled counts the downtime entries not yet reconciled, or
	// -1 when the kiosk could not tell (its journal could not be read).
	Unreconciled int `json:"unreconciled"`
	// FreeDisk is the bytes free where the data folder is; nil when the
	// kiosk could not tell (never taken for a full disk, nor for room).
	FreeDisk *uint64 `json:"freeDisk,omitempty"`
	// SelfCheck is "" when the kiosk's last self-check (signatures,
	// hashes and chain of every generation, without the passphrase)
	// passed, else what it found, in one sentence; SelfCheckAt is when it
	// ran (zero: never).
	SelfCheck   string    `json:"selfCheck,omitempty"`
	SelfCheckAt time.Time `json:"selfCheckAt,omitzero"`
}

// MaxHeartbeat is the largest signed heartbeat accepted, in bytes.
const MaxHeartbeat = 8 << 10

// sigContext is signed before the heartbeat's bytes, so that a signature
// made for something else by the same key is never taken for one. It
// begins with the context of every message a hub's peers sign.
const sigContext = store.HubSignContext + "heartbeat v1\n"

// envelope is a heartbeat as sent: its exact JSON bytes and their
// signature.
type envelope struct {
	Heartbeat json.RawMessage `json:"heartbeat"`
	Signature []byte          `json:"signature"`
}

// Sign returns the heartbeat signed by sign (the kiosk's Keys.Sign), as
// sent.
func Sign(h Heartbeat, sign func(msg []byte) ([]byte, error)) ([]byte, error) {
	body, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	sig, err := sign(append([]byte(sigContext), body...))
	if err != nil {
		return nil, err
	}
	return json.Marshal(envelope{Heartbeat: body, Signature: sig})
}

// Why a heartbeat is refused; each is counted by its Reason.
var (
	ErrOversized    = errors.New("the heartbeat is larger than a heartbeat can be")
	ErrMalformed    = errors.New("the heartbeat is not a heartbeat")
	ErrUnsigned     = errors.New("the heartbeat is not signed")
	ErrUnknownKiosk = errors.New("the heartbeat comes from a kiosk that is not enrolled")
	ErrBadSignature = errors.New("the heartbeat's signature does not verify with the kiosk's key")
	ErrWrongWard    = errors.New("the heartbeat names another ward than the kiosk is enrolled for")
	ErrReplayed     = errors.New("the heartbeat is not newer than the last one of its kiosk (a replay)")
	ErrTooFrequent  = errors.New("the heartbeat came less than 5 s after its kiosk's last")
)

// Reason is the short name of a refusal, as /metrics counts it.
func Reason(err error) string {
	for _, r := range []struct {
		err  error
		name string
	}{{ErrOversized, "oversized"}, {ErrMalformed, "malformed"}, {ErrUnsigned, "unsigned"}, {ErrUnknownKiosk, "unknown_kiosk"},
		{ErrBadSignature, "bad_signature"}, {ErrWrongWard, "wrong_ward"}, {ErrReplayed, "replayed"},
		{ErrTooFrequent, "too_frequent"}} {
		if errors.Is(err, r.err) {
			return r.name
		}
	}
	return "other"
}

// Enrolled is a kiosk the hub knows: its ward and the key its heartbeats
// are signed with.
type Enrolled struct {
	Kiosk    string
	Ward     string
	WardName string // "5C"; "" when the ward has none
	Signer   ed25519.PublicKey
}

// Registry tells which kiosks are enrolled (the hub's records).
type Registry interface {
	Enrolled() []Enrolled
}

// verify reads a signed heartbeat from a kiosk of reg, without the replay
// check (which needs the last one accepted).
func verify(raw []byte, reg Registry) (Heartbeat, error) {
	var h Heartbeat
	if len(raw) > MaxHeartbeat {
		return h, ErrOversized
	}
	var env envelope
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&env); err != nil || dec.More() || len(env.Heartbeat) == 0 {
		return h, ErrMalformed
	}
	if len(env.Signature) == 0 {
		return h, ErrUnsigned
	}
	if err := json.Unmarshal(env.Heartbeat, &h); err != nil || h.Kiosk == "" || h.Seq == 0 {
		return Heartbeat{}, ErrMalformed
	}
	var k *Enrolled
	for _, e := range reg.Enrolled() {
		if e.Kiosk == h.Kiosk {
			k = &e
			break
		}
	}
	switch {
	case k == nil:
		return Heartbeat{}, ErrUnknownKiosk
	case len(k.Signer) != ed25519.PublicKeySize || !ed25519.Verify(k.Signer, append([]byte(sigContext), env.Heartbeat...), env.Signature):
		return Heartbeat{}, ErrBadSignature
	case h.Ward != k.Ward:
		return Heartbeat{}, ErrWrongWard
	}
	return h, nil
}

// checkSane refuses what no kiosk sends: numbers that cannot be.
func checkSane(h Heartbeat) error {
	if h.Unreconciled < -1 || len(h.Version) > 100 || len(h.SelfCheck) > 1000 || len(h.Ward) > 200 || len(h.Kiosk) > 200 {
		return fmt.Errorf("%w (a field out of range)", ErrMalformed)
	}
	return nil
}
