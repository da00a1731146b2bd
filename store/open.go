package store

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"
)

// Snapshot is an opened snapshot: the ward in memory, its manifest, and
// the newer generations that were refused on the way, if any.
type Snapshot struct {
	*Ward
	Manifest Manifest
	Refused  []Refusal
}

// Refusal says why a generation could not be used.
type Refusal struct {
	Generation uint64
	Reason     string
}

// NoSnapshotError is returned when no generation could be opened; it
// wraps ErrNoSnapshot and lists what was refused.
type NoSnapshotError struct{ Refused []Refusal }

func (e *NoSnapshotError) Error() string {
	if len(e.Refused) == 0 {
		return "no snapshot has been written yet"
	}
	var why []string
	for _, r := range e.Refused {
		why = append(why, fmt.Sprintf("generation %d %s", r.Generation, r.Reason))
	}
	return "no usable snapshot: " + strings.Join(why, "; ")
}

func (e *NoSnapshotError) Unwrap() error { return ErrNoSnapshot }

// Open opens the newest generation that is signed by the trusted key,
// unaltered and encrypted to this kiosk. Refused newer generations are
// listed in the result; none is ever deleted or repaired.
func Open(ctx context.Context, dir string, keys *Keys) (*Snapshot, error) {
	gens, err := listGenerations(dir)
	if err != nil {
		return nil, err
	}
	var refused []Refusal
	for _, g := range gens {
		s, err := openGeneration(ctx, g, keys)
		if err == nil {
			s.Refused = refused
			return s, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		refused = append(refused, Refusal{Generation: g.Generation, Reason: reason(err)})
	}
	return nil, &NoSnapshotError{Refused: refused}
}

// reason turns an opening error into the words after "generation N".
func reason(err error) string {
	switch {
	case errors.Is(err, ErrNotSnapshot), errors.Is(err, ErrBadSignature), errors.Is(err, ErrAltered),
		errors.Is(err, ErrForeign):
		return "is " + err.Error()
	}
	return "could not be read (" + err.Error() + ")"
}

func openGeneration(ctx context.Context, g Generation, keys *Keys) (*Snapshot, error) {
	s, err := openSealed(g, keys.trusted)
	if err != nil {
		return nil, err
	}
	defer s.f.Close()
	if s.manifest.KioskID != keys.Config.KioskID {
		return nil, ErrForeign
	}
	img, err := s.decrypt(keys.identity)
	if err != nil {
		return nil, err
	}
	defer clear(img)
	w, err := loadWard(ctx, img)
	if err != nil {
		return nil, err
	}
	return &Snapshot{Ward: w, Manifest: s.manifest}, nil
}

// decrypt returns the plaintext image only when both the signed hash and
// age's own authentication agree. The ciphertext is read into memory once
// and both checks run on those same bytes (reading the file twice would let
// someone who can write it show one version to each), hashing on a second
// goroutine so that both cores work.
func (s *sealed) decrypt(id age.Identity) ([]byte, error) {
	m := s.manifest
	if m.PlainSize <= 0 || m.PlainSize > m.CipherSize {
		return nil, ErrAltered
	}
	cipher := make([]byte, m.CipherSize)
	if _, err := io.ReadFull(io.NewSectionReader(s.cipher, 0, m.CipherSize), cipher); err != nil {
		return nil, ErrNotSnapshot
	}
	hashed := make(chan bool, 1)
	go func() { hashed <- hashOf(bytes.NewReader(cipher)) == m.CipherSHA256 }()

	r, err := age.Decrypt(bytes.NewReader(cipher), id)
	if err != nil {
		// An altered header also fails to unwrap: the hash tells which.
		var noMatch *age.NoIdentityMatchError
		if <-hashed && errors.As(err, &noMatch) {
			return nil, ErrForeign
		}
		return nil, ErrAltered
	}
	img := make([]byte, m.PlainSize)
	_, err = io.ReadFull(r, img)
	if err == nil {
		// The image must end exactly where the manifest says.
		var one [1]byte
		if n, _ := r.Read(one[:]); n != 0 {
			err = ErrAltered
		}
	}
	if !<-hashed || err != nil {
		clear(img)
		return nil, ErrAltered
	}
	return img, nil
}

// hashOf is the hex SHA-256 of what r holds, or "" if it cannot be read.
func hashOf(r io.Reader) string {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}

// GenerationStatus is what can be checked of a generation without the
// passphrase: its signature (with config.json's key) and its hash.
type GenerationStatus struct {
	Generation uint64    `json:"generation"`
	Good       bool      `json:"good"`
	Problem    string    `json:"problem,omitempty"`
	Manifest   *Manifest `json:"manifest,omitempty"`
}

// Inspect checks every generation in dir, newest first, without
// decrypting anything.
func Inspect(dir string) (*Config, []GenerationStatus, error) {
	cfg, err := LoadConfig(dir)
	if err != nil {
		return nil, nil, err
	}
	trusted, err := cfg.signerKey()
	if err != nil {
		return nil, nil, err
	}
	gens, err := listGenerations(dir)
	if err != nil {
		return nil, nil, err
	}
	var out []GenerationStatus
	for _, g := range gens {
		out = append(out, inspectGeneration(g, trusted, cfg.KioskID))
	}
	return cfg, out, nil
}

func inspectGeneration(g Generation, trusted ed25519.PublicKey, kioskID string) GenerationStatus {
	gs := GenerationStatus{Generation: g.Generation}
	s, err := openSealed(g, trusted)
	if err != nil {
		gs.Problem = reason(err)
		return gs
	}
	defer s.f.Close()
	m := s.manifest
	gs.Manifest = &m
	if m.KioskID != kioskID {
		gs.Problem = reason(ErrForeign)
		return gs
	}
	if err := s.verifyHash(); err != nil {
		gs.Problem = reason(err)
		return gs
	}
	gs.Good = true
	return gs
}
