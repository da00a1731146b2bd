package hub

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"lifeboat/store"
)

// Index is what a publication holds, signed by the hub: per ward the
// newest generation and the chain of files it is opened from, the hub's
// time and the EHR's state. It names no patient.
type Index struct {
	Format   int       `json:"format"`
	Hub      string    `json:"hub"`    // the hub's id
	Signer   string    `json:"signer"` // the hub's Ed25519 public key, base64
	Sequence uint64    `json:"sequence"`
	Time     time.Time `json:"time"` // the hub's clock when it published
	// EverySeconds is how often the hub publishes (hub run --every), 0
	// for a publication made once: a kiosk told a newer one is due and
	// seeing none says the hub has stopped.
	EverySeconds int         `json:"everySeconds,omitempty"`
	EHR          EHRState    `json:"ehr"`
	Wards        []WardEntry `json:"wards"`
}

// EHRState is how the hub's pulls from the EHR fare.
type EHRState struct {
	LastAttempt  time.Time `json:"lastAttempt,omitzero"`
	LastSuccess  time.Time `json:"lastSuccess,omitzero"`
	FailingSince time.Time `json:"failingSince,omitzero"` // the first failed attempt since the last success
	Failures     int       `json:"failures"`
	// Unreachable announces the EHR down: its pulls have failed for
	// longer than the hub's threshold (hub run --ehr-down-after), since
	// FailingSince. Kiosks say so on their banner.
	Unreachable bool `json:"unreachable,omitempty"`
}

// WardEntry is one ward of the index.
type WardEntry struct {
	Ward       string    `json:"ward"`
	Name       string    `json:"name,omitempty"`
	Generation uint64    `json:"generation"` // the newest
	AsOf       time.Time `json:"asOf"`       // its data's time
	SHA256     string    `json:"sha256"`     // of the newest generation's file
	// Chain is every file the newest generation is opened from, oldest
	// (a full generation) first, the newest last.
	Chain []File `json:"chain"`
}

// File is a generation file of the publication.
type File struct {
	Generation uint64 `json:"generation"`
	Path       string `json:"path"` // relative to the publication, with '/'
	Size       int64  `json:"size"`
	SHA256     string `json:"sha256"` // of the whole file
}

const (
	indexFile    = "index.json"
	indexContext = store.HubSignContext + "index v1\n"
	maxIndex     = 1 << 20
	// maxFile bounds a generation file fetched from a publication.
	maxFile = 4 << 30
)

// signedIndex is index.json: the payload exactly as signed.
type signedIndex struct {
	Index json.RawMessage `json:"index"`
	Sig   []byte          `json:"sig"`
}

func (h *Hub) signIndex(ix *Index) ([]byte, error) {
	p, err := json.Marshal(ix)
	if err != nil {
		return nil, err
	}
	sig, err := h.Keys.Sign(append([]byte(indexContext), p...))
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(signedIndex{Index: p, Sig: sig})
	return append(b, '\n'), err
}

// Why an index is refused. Each wraps ErrRefused.
var (
	ErrRefused       = errors.New("refused")
	ErrIndexForged   = errors.New("the hub's index is not validly signed by the hub's key: it was forged or altered, and the last good snapshot stays")
	ErrIndexForeign  = errors.New("the hub's index is signed by another hub's key, not the one this kiosk enrolled with, and the last good snapshot stays")
	ErrIndexRollback = errors.New("the hub's index is older than one this kiosk already had (a rollback, or a hub restored from a backup), and the last good snapshot stays")
	ErrIndexDamaged  = errors.New("the hub's index is damaged or not a Lifeboat index, and the last good snapshot stays")
)

type refusal struct{ err error }

func (e refusal) Error() string   { return e.err.Error() }
func (e refusal) Unwrap() []error { return []error{e.err, ErrRefused} }

// parseIndex checks index.json against the pinned hub and returns it.
func parseIndex(b []byte, pin *store.HubPin) (*Index, error) {
	var s signedIndex
	var ix Index
	if json.Unmarshal(b, &s) != nil || json.Unmarshal(s.Index, &ix) != nil || ix.Format != 1 {
		return nil, refusal{ErrIndexDamaged}
	}
	if ix.Hub != pin.HubID || ix.Signer != pin.Signer {
		return nil, refusal{ErrIndexForeign}
	}
	if !ed25519.Verify(pin.Key(), append([]byte(indexContext), s.Index...), s.Sig) {
		return nil, refusal{ErrIndexForged}
	}
	return &ix, nil
}

// identity is what the hub's listener says of itself at /enrol, signed:
// a kiosk checks the key against its code's fingerprint, then encrypts
// its request to the recipient.
type identity struct {
	Hub       string `json:"hub"`
	Signer    string `json:"signer"`
	Recipient string `json:"recipient"`
}

const identityContext = store.HubSignContext + "identity v1\n"

func (id identity) key() (ed25519.PublicKey, error) {
	k, err := base64.StdEncoding.DecodeString(id.Signer)
	if err != nil || len(k) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("the hub's key is not a signing key")
	}
	return k, nil
}
