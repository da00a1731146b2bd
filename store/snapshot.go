package store

import (
	"bufio"
	"cmp"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"filippo.io/age"

	"lifeboat/internal/durable"
)

// A sealed snapshot is one file:
//
//	"lifeboat-snapshot/1\n"   magic
//	age ciphertext            the SQLite image, encrypted to the kiosk and recovery recipients
//	manifest JSON             in the clear: no patient data, only counts and the ciphertext's SHA-256
//	Ed25519 signature         over signContext + manifest
//	trailer                   manifest length (8 bytes, big endian) + "LBSEAL/1"
//
// The manifest sits at the end so that sealing streams the ciphertext to
// disk while hashing it, and opening checks the signature before it reads a
// byte of ciphertext.
const (
	magic         = "lifeboat-snapshot/1\n"
	trailerMagic  = "LBSEAL/1"
	trailerSize   = 8 + len(trailerMagic)
	signContext   = "lifeboat snapshot manifest v1\n"
	snapshotDir   = "snapshots"
	snapshotExt   = ".lbs"
	formatVersion = 1
	maxManifest   = 1 << 20
)

// Errors that say why a snapshot was refused.
var (
	ErrNoSnapshot   = errors.New("no usable snapshot")
	ErrNotSnapshot  = errors.New("not a Lifeboat snapshot, or truncated")
	ErrBadSignature = errors.New("not signed by the trusted key")
	ErrAltered      = errors.New("altered after signing (its content does not match the signed manifest)")
	ErrForeign      = errors.New("not encrypted to this kiosk")
)

// Census says how the patients of a snapshot were chosen. It names a ward
// (a Location id) or a mode, never a patient.
type Census struct {
	Mode string `json:"mode"` // ward, patients, group, all
	Ward string `json:"ward,omitempty"`
}

// Manifest describes a sealed snapshot. It is readable without the
// passphrase (for monitoring) and therefore holds no patient data.
type Manifest struct {
	Format     int            `json:"format"`
	Generation uint64         `json:"generation"`
	Created    time.Time      `json:"created"`
	AsOf       time.Time      `json:"asOf"` // when the data was read from its source
	KioskID    string         `json:"kioskId"`
	Source     string         `json:"source"` // "files" or the FHIR base URL; never a file name
	Census     Census         `json:"census"`
	Counts     map[string]int `json:"counts"`
	Malformed  int            `json:"malformed"` // source resources that could not be read
	// NotShown says, by type and reason, the clinical resources read but
	// not shown ("1 MedicationStatement not shown: status completed"):
	// nothing is dropped in silence. No patient data. From files, it
	// counts every patient of the input; from a FHIR server, the
	// patients of the census, each as counted when their chart was last
	// built, so that a delta's counts are the whole ward's as it then is
	// (the changed patients counted anew, the others carried over), as
	// a full pull would count them.
	NotShown     []string `json:"notShown,omitempty"`
	PlainSize    int64    `json:"plainSize"`
	CipherSize   int64    `json:"cipherSize"`
	CipherSHA256 string   `json:"cipherSha256"`
	Signer       string   `json:"signer"` // fingerprint of the signing key

	// A delta generation (Kind "delta") holds only what changed since
	// generation Parent, whose ciphertext hash is ParentSHA256; Base is the
	// full generation the chain starts from and Chain is this delta's place
	// in it (1 for the first delta after Base). Counts are the whole
	// ward's, once applied.
	Kind         string `json:"kind,omitempty"`
	Base         uint64 `json:"base,omitempty"`
	Parent       uint64 `json:"parent,omitempty"`
	ParentSHA256 string `json:"parentSha256,omitempty"`
	Chain        int    `json:"chain,omitempty"`
	Changed      int    `json:"changed,omitempty"` // patients new or changed
	Removed      int    `json:"removed,omitempty"` // patients who left the census

	// Floor says that the kiosk that sealed this generation keeps a
	// rollback floor (generations.floor): a witness, signed, that the
	// floor was there when it is missing.
	Floor bool `json:"floor,omitempty"`
}

// SealRequest is what Seal needs besides the keys and the ward.
type SealRequest struct {
	AsOf      time.Time
	Source    string
	Census    Census
	Malformed int      // source resources skipped as unreadable, shown with the data
	NotShown  []string // resources read but not shown, by type and reason (see Manifest.NotShown)
}

// Seal writes ward as the next snapshot generation of the vault in dir and
// prunes generations beyond the configured number. Nothing is written in the
// clear: the image goes from memory through age to the file.
func Seal(ctx context.Context, dir string, keys *Keys, ward *Ward, req SealRequest) (*Manifest, error) {
	m, err := sealGeneration(ctx, dir, keys, ward, ward, req, Manifest{})
	if err != nil {
		return nil, err
	}
	if err := prune(dir, keys.Config.Keep, keys.trust()); err != nil {
		return m, fmt.Errorf("the snapshot was written, but old generations could not be removed: %w", err)
	}
	return m, nil
}

// sealGeneration writes content's image as the next generation, with the
// manifest filled in from tmpl (the delta fields), req, and the counts of
// result (the whole ward once this generation is applied).
func sealGeneration(ctx context.Context, dir string, keys *Keys, content, result *Ward, req SealRequest, tmpl Manifest) (*Manifest, error) {
	if keys.signing == nil {
		return nil, ErrCannotSign
	}
	if keys.ConfigProblem != "" {
		return nil, fmt.Errorf("%s; no snapshot is sealed until it is restored", keys.ConfigProblem)
	}
	recipients, err := keys.sealingRecipients()
	if err != nil {
		return nil, err
	}
	counts, err := result.Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("counting the ward: %w", err)
	}
	img, err := content.image()
	if err != nil {
		return nil, err
	}
	defer clear(img)

	// Every chart this generation holds must open before it is called
	// good. The charts are read back while the image is encrypted and
	// written, and the file is linked into place only once they all have.
	checked := make(chan error, 1)
	go func() { checked <- content.checkCharts(ctx) }()
	var checkErr error
	waited := false
	waitCheck := func() error {
		if !waited {
			checkErr, waited = <-checked, true
		}
		return checkErr
	}
	defer waitCheck() // the caller may close content once this returns

	gens, err := listGenerations(dir)
	if err != nil {
		return nil, err
	}
	var next uint64 = 1
	if len(gens) > 0 {
		if gens[0].Generation >= maxGeneration {
			return nil, fmt.Errorf("the snapshots folder holds generation %d, beyond any real count: remove that file", gens[0].Generation)
		}
		next = gens[0].Generation + 1
	}
	// A number sealed before is never used again, even when its file is
	// gone: the floor says how far sealing got. A damaged floor (a FIFO or
	// a huge file in its place included) is replaced once this seals.
	floor, ferr := readFloor(dir, keys.trusted, keys.Config.KioskID)
	if ferr == nil && floor >= next {
		next = floor + 1
	}
	if tmpl.Kind == KindDelta && next != tmpl.Parent+1 {
		return nil, ErrStaleParent
	}
	m := tmpl
	m.Format, m.Generation, m.Created, m.AsOf = formatVersion, next, time.Now().UTC(), req.AsOf.UTC()
	m.KioskID, m.Source, m.Census, m.Counts, m.Malformed = keys.Config.KioskID, req.Source, req.Census, counts, req.Malformed
	m.NotShown = req.NotShown
	m.PlainSize, m.Signer = int64(len(img)), fingerprint(keys.signing.Public().(ed25519.PublicKey))
	m.Floor = true
	g := Generation{Generation: next, Path: filepath.Join(dir, snapshotDir, generationName(next))}
	err = durable.WriteNew(g.Path, 0o600, func(f io.Writer) error {
		bw := bufio.NewWriterSize(f, 1<<20)
		if _, err := bw.WriteString(magic); err != nil {
			return err
		}
		h := sha256.New()
		cw := &countingWriter{w: io.MultiWriter(bw, h)}
		aw, err := age.Encrypt(cw, recipients...)
		if err != nil {
			return fmt.Errorf("encrypting: %w", err)
		}
		if _, err := aw.Write(img); err != nil {
			return fmt.Errorf("encrypting: %w", err)
		}
		if err := aw.Close(); err != nil {
			return fmt.Errorf("encrypting: %w", err)
		}
		m.CipherSize, m.CipherSHA256 = cw.n, hex.EncodeToString(h.Sum(nil))
		mj, err := json.Marshal(m)
		if err != nil {
			return err
		}
		sig := ed25519.Sign(keys.signing, append([]byte(signContext), mj...))
		var trailer [8]byte
		binary.BigEndian.PutUint64(trailer[:], uint64(len(mj)))
		for _, b := range [][]byte{mj, sig, trailer[:], []byte(trailerMagic)} {
			if _, err := bw.Write(b); err != nil {
				return err
			}
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		return waitCheck()
	})
	if waitCheck() != nil {
		return nil, checkErr // nothing was linked into place
	}
	if errors.Is(err, durable.ErrExists) {
		return nil, fmt.Errorf("another writer sealed generation %d at the same time; nothing was replaced", next)
	}
	if err != nil {
		return nil, err
	}
	// Read back what was written before counting on it.
	if _, err := verify(g, keys.trust()); err != nil {
		return nil, fmt.Errorf("generation %d was written but does not verify (%v); older generations were kept", next, err)
	}
	if err := raiseFloor(dir, keys, next); err != nil {
		return &m, fmt.Errorf("generation %d was written, but the rollback floor could not be raised: %w", next, err)
	}
	return &m, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func generationName(g uint64) string { return fmt.Sprintf("%012d%s", g, snapshotExt) }

// Generation is one snapshot file in the vault.
type Generation struct {
	Generation uint64
	Path       string
}

// listGenerations lists snapshot files, newest first.
func listGenerations(dir string) ([]Generation, error) {
	entries, err := readDir(filepath.Join(dir, snapshotDir), vaultLabel(snapshotDir+"/"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotInitialised
	}
	if errors.Is(err, ErrNotRegular) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("listing snapshots: %w", err)
	}
	var gens []Generation
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasSuffix(name, snapshotExt) {
			continue
		}
		g, err := strconv.ParseUint(strings.TrimSuffix(name, snapshotExt), 10, 64)
		if err != nil || g == 0 {
			continue
		}
		gens = append(gens, Generation{Generation: g, Path: filepath.Join(dir, snapshotDir, name)})
	}
	slices.SortFunc(gens, func(a, b Generation) int { return cmp.Compare(b.Generation, a.Generation) })
	return gens, nil
}

// maxGeneration is far beyond any real count (one a second for millions
// of years) and far from overflow: a file numbered above it is planted.
const maxGeneration = 1 << 53

// verify checks a generation's signature and hash without decrypting it.
func verify(g Generation, t trust) (*Manifest, error) {
	s, err := openSealed(g, t)
	if err != nil {
		return nil, err
	}
	defer s.f.Close()
	return &s.manifest, s.verifyHash()
}

// prune keeps the newest keep full generations that verify, and every file
// newer than the oldest of those (the deltas that build on them; refused
// files stay as evidence), and removes the rest. It runs only after a new generation was written and
// verified.
func prune(dir string, keep int, t trust) error {
	gens, err := listGenerations(dir)
	if err != nil {
		return err
	}
	good := 0
	for i, g := range gens {
		if good == keep {
			for _, old := range gens[i:] {
				if err := os.Remove(old.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
					return err
				}
			}
			return durable.SyncFolder(filepath.Join(dir, snapshotDir))
		}
		if m, err := verify(g, t); err == nil && m.Kind == KindFull {
			good++
		}
	}
	return nil
}

// sealed is a snapshot file whose manifest signature has been checked.
type sealed struct {
	f        *os.File
	manifest Manifest
	cipher   *io.SectionReader
	by       signer // who signed it
}

// openSealed opens a snapshot file and verifies its manifest's signature
// against the keys trusted, and that the manifest belongs to this file.
func openSealed(g Generation, t trust) (*sealed, error) {
	f, err := OpenRegular(g.Path, fmt.Sprintf("generation %d's file", g.Generation), maxSnapshotFile)
	if err != nil {
		return nil, err
	}
	s, err := readSealed(f, g, t)
	if err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

func readSealed(f *os.File, g Generation, t trust) (*sealed, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := st.Size()
	head := make([]byte, len(magic))
	if _, err := f.ReadAt(head, 0); err != nil || string(head) != magic {
		return nil, ErrNotSnapshot
	}
	if size < int64(len(magic)+ed25519.SignatureSize+trailerSize) {
		return nil, ErrNotSnapshot
	}
	trailer := make([]byte, trailerSize)
	if _, err := f.ReadAt(trailer, size-int64(trailerSize)); err != nil || string(trailer[8:]) != trailerMagic {
		return nil, ErrNotSnapshot
	}
	mlen := binary.BigEndian.Uint64(trailer[:8])
	if mlen == 0 || mlen > maxManifest || int64(mlen) > size-int64(len(magic)+ed25519.SignatureSize+trailerSize) {
		return nil, ErrNotSnapshot
	}
	msEnd := size - int64(trailerSize)
	mStart := msEnd - ed25519.SignatureSize - int64(mlen)
	ms := make([]byte, int64(mlen)+ed25519.SignatureSize)
	if _, err := f.ReadAt(ms, mStart); err != nil {
		return nil, ErrNotSnapshot
	}
	mj, sig := ms[:mlen], ms[mlen:]
	by, ok := t.verify(append([]byte(signContext), mj...), sig)
	if !ok {
		return nil, ErrBadSignature
	}
	var m Manifest
	if err := json.Unmarshal(mj, &m); err != nil {
		return nil, fmt.Errorf("signed manifest unreadable: %w", err)
	}
	if m.Format != formatVersion {
		return nil, fmt.Errorf("snapshot format %d, this program reads %d", m.Format, formatVersion)
	}
	// A validly signed older file renamed to a newer generation is a
	// rollback: the signed generation must match the file's.
	if m.Generation != g.Generation {
		return nil, fmt.Errorf("signed as generation %d but stored as %d", m.Generation, g.Generation)
	}
	if m.CipherSize != mStart-int64(len(magic)) {
		return nil, ErrAltered
	}
	return &sealed{f: f, manifest: m, cipher: io.NewSectionReader(f, int64(len(magic)), m.CipherSize), by: by}, nil
}

// verifyHash checks the ciphertext against the signed hash without
// decrypting it (for status, which has no passphrase, and after sealing).
func (s *sealed) verifyHash() error {
	if hashOf(io.NewSectionReader(s.cipher, 0, s.manifest.CipherSize)) != s.manifest.CipherSHA256 {
		return ErrAltered
	}
	return nil
}

// NewestGeneration is the number of the newest snapshot file in the vault,
// good or not, without opening it (0 when there is none): a cheap check for
// a window that reloads when a live sync seals a new generation.
func NewestGeneration(dir string) (uint64, error) {
	gens, err := listGenerations(dir)
	if err != nil || len(gens) == 0 {
		return 0, err
	}
	return gens[0].Generation, nil
}
