package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"
)

// Snapshot is an opened snapshot: the ward in memory, its manifest, and
// the newer generations that were refused on the way, if any.
type Snapshot struct {
	*Ward
	Manifest Manifest
	Refused  []Refusal
	// Rollback is one sentence when the rollback floor says that newer
	// generations were sealed here before and are gone, or that the floor
	// itself is missing or not this kiosk's; "" otherwise. What opened is
	// then not known to be the newest: the screen must say so.
	Rollback string
}

// Refusal says why a generation could not be used.
type Refusal struct {
	Generation uint64
	Reason     string
}

// NoSnapshotError is returned when no generation could be opened; it
// wraps ErrNoSnapshot and lists what was refused.
type NoSnapshotError struct {
	Refused  []Refusal
	Rollback string // generations sealed here before are gone
}

func (e *NoSnapshotError) Error() string {
	var why []string
	for _, r := range e.Refused {
		why = append(why, fmt.Sprintf("generation %d %s", r.Generation, r.Reason))
	}
	if e.Rollback != "" {
		why = append(why, e.Rollback)
	}
	if len(why) == 0 {
		return "no snapshot has been written yet"
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
			rb, err := checkFloor(dir, keys.trusted, keys.Config.KioskID, gens[0].Generation, s.Manifest.Floor)
			if err != nil {
				s.Close()
				return nil, err
			}
			s.Rollback = rb.Problem
			return s, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		refused = append(refused, Refusal{Generation: g.Generation, Reason: reason(err)})
	}
	nse := &NoSnapshotError{Refused: refused}
	var newest uint64
	if len(gens) > 0 {
		newest = gens[0].Generation
	}
	rb, err := checkFloor(dir, keys.trusted, keys.Config.KioskID, newest, false)
	if err != nil {
		return nil, err
	}
	if rb.GoneTo > 0 {
		nse.Rollback = rb.Problem
	}
	return nil, nse
}

// reason turns an opening error into the words after "generation N".
func reason(err error) string {
	switch {
	case errors.Is(err, ErrNotSnapshot), errors.Is(err, ErrBadSignature), errors.Is(err, ErrAltered),
		errors.Is(err, ErrForeign):
		return "is " + err.Error()
	}
	var ce *chainError
	if errors.As(err, &ce) || errors.Is(err, errMissing) || errors.Is(err, errNotParent) {
		return err.Error()
	}
	return "could not be read (" + err.Error() + ")"
}

func openGeneration(ctx context.Context, g Generation, keys *Keys) (*Snapshot, error) {
	chain, err := sealedChain(g, keys.trust())
	defer func() {
		for _, s := range chain {
			s.f.Close()
		}
	}()
	if err != nil {
		return nil, err
	}
	// An error of a generation this one builds on is said as such.
	blame := func(i int, err error) error {
		if i == 0 {
			return err
		}
		return &chainError{generation: chain[i].manifest.Generation, err: err}
	}
	last := len(chain) - 1
	img, err := chain[last].decrypt(keys.identity)
	if err != nil {
		return nil, blame(last, err)
	}
	w, err := loadWard(ctx, img)
	clear(img)
	if err != nil {
		return nil, blame(last, err)
	}
	for i := last - 1; i >= 0; i-- {
		if err := applySealed(ctx, w, chain[i], keys.identity); err != nil {
			w.Close()
			return nil, blame(i, err)
		}
	}
	return &Snapshot{Ward: w, Manifest: chain[0].manifest}, nil
}

// applySealed decrypts a delta generation and applies it to w; the result
// must hold the counts its manifest signs.
func applySealed(ctx context.Context, w *Ward, d *sealed, id age.Identity) error {
	img, err := d.decrypt(id)
	if err != nil {
		return err
	}
	dw, err := loadWard(ctx, img)
	clear(img)
	if err != nil {
		return err
	}
	defer dw.Close()
	if err := w.apply(ctx, dw); err != nil {
		return fmt.Errorf("%w (%v)", ErrAltered, err)
	}
	counts, err := w.Count(ctx)
	if err != nil {
		return err
	}
	if !maps.Equal(counts, d.manifest.Counts) {
		return fmt.Errorf("%w (applied, it does not give the signed counts)", ErrAltered)
	}
	return nil
}

// chainError says that a delta generation cannot be used because a
// generation it builds on cannot.
type chainError struct {
	generation uint64
	err        error
}

func (e *chainError) Error() string {
	return fmt.Sprintf("builds on generation %d, which %s", e.generation, reason(e.err))
}

func (e *chainError) Unwrap() error { return e.err }

// sealedChain opens generation g and, when it is a delta, every generation
// it builds on back to its full generation: newest first, each signature
// checked, each link bound by the parent's signed ciphertext hash. The
// files are open on return, also with an error; the caller closes them.
func sealedChain(g Generation, t trust) ([]*sealed, error) {
	var chain []*sealed
	dir := filepath.Dir(g.Path)
	for {
		s, err := openSealed(g, t)
		if err != nil {
			if len(chain) == 0 {
				return nil, err
			}
			if errors.Is(err, os.ErrNotExist) {
				err = errMissing
			}
			return chain, &chainError{generation: g.Generation, err: err}
		}
		chain = append(chain, s)
		m := s.manifest
		if m.KioskID != s.by.id || (len(chain) > 1 && s.by.id != chain[0].by.id) {
			if len(chain) == 1 {
				return chain, ErrForeign
			}
			return chain, &chainError{generation: g.Generation, err: ErrForeign}
		}
		if len(chain) > 1 && !follows(&chain[len(chain)-2].manifest, &m) {
			return chain, &chainError{generation: g.Generation, err: errNotParent}
		}
		switch m.Kind {
		case KindFull:
			return chain, nil
		case KindDelta:
			if m.Parent >= m.Generation || m.Parent < m.Base || m.Chain < 1 || m.Chain > maxChain || len(chain) > maxChain {
				return chain, fmt.Errorf("%w (its chain of generations is not possible)", ErrAltered)
			}
			g = Generation{Generation: m.Parent, Path: filepath.Join(dir, generationName(m.Parent))}
		default:
			return chain, fmt.Errorf("of a kind this program does not read (%q)", m.Kind)
		}
	}
}

// follows tells whether delta child was built on parent: the hash it
// signs is parent's, and both start from the same full generation.
func follows(child, parent *Manifest) bool {
	base := parent.Base
	if parent.Kind == KindFull {
		base = parent.Generation
	}
	return child.Parent == parent.Generation && child.ParentSHA256 == parent.CipherSHA256 && child.Base == base
}

var (
	errMissing   = errors.New("is missing")
	errNotParent = errors.New("is not the generation it was built on (its hash differs)")
)

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
	t := trust{own: signer{key: trusted, id: cfg.KioskID}}
	if pin, err := readPin(dir, trusted, cfg.KioskID); err == nil {
		t.hub = pin.signer()
	}
	gens, err := listGenerations(dir)
	if err != nil {
		return nil, nil, err
	}
	out := make([]GenerationStatus, len(gens))
	byGen := map[uint64]*GenerationStatus{}
	// Oldest first, so that a delta's parent is known before it.
	for i := len(gens) - 1; i >= 0; i-- {
		out[i] = inspectGeneration(gens[i], t)
		gs := &out[i]
		byGen[gs.Generation] = gs
		if !gs.Good || gs.Manifest.Kind != KindDelta {
			continue
		}
		parent := byGen[gs.Manifest.Parent]
		switch {
		case parent == nil:
			gs.Good, gs.Problem = false, (&chainError{gs.Manifest.Parent, errMissing}).Error()
		case parent.Manifest != nil && !follows(gs.Manifest, parent.Manifest):
			gs.Good, gs.Problem = false, (&chainError{parent.Generation, errNotParent}).Error()
		case !parent.Good:
			gs.Good, gs.Problem = false, fmt.Sprintf("builds on generation %d, which cannot be used", parent.Generation)
		}
	}
	return cfg, out, nil
}

func inspectGeneration(g Generation, t trust) GenerationStatus {
	gs := GenerationStatus{Generation: g.Generation}
	s, err := openSealed(g, t)
	if err != nil {
		gs.Problem = reason(err)
		return gs
	}
	defer s.f.Close()
	m := s.manifest
	gs.Manifest = &m
	if m.KioskID != s.by.id {
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
