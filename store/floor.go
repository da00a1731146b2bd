package store

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"lifeboat/internal/durable"
)

// The rollback floor: generations.floor holds the highest generation this
// kiosk ever sealed, signed with its signing key. Whoever can write the
// disk can delete the newest generations, so that an older one opens as if
// it were the newest; the floor says that generations newer than the
// newest present were seen before, and are gone. Pruning removes only old
// generations, under the newest, which the floor does not mind.
//
// Deleting the floor itself is witnessed by the generations: each
// manifest sealed by a kiosk that keeps a floor says so (Manifest.Floor),
// signed, so a missing floor with such a generation present is said too.
// A floor restored from an older backup of this same kiosk, together with
// the generations, cannot be told apart on this disk alone.
const (
	floorFile    = "generations.floor"
	floorContext = "lifeboat generation floor v1\n"
)

// ErrRolledBack is a data folder whose generations are below the rollback
// floor, or whose floor is missing or not this kiosk's.
var ErrRolledBack = errors.New("rolled back")

type floorRecord struct {
	Format     int    `json:"format"`
	KioskID    string `json:"kioskId"`
	Generation uint64 `json:"generation"`
	Sig        []byte `json:"sig"`
}

func (f *floorRecord) message() []byte {
	m := []byte(floorContext + f.KioskID + "\n")
	return binary.BigEndian.AppendUint64(m, f.Generation)
}

var (
	errFloorMissing = errors.New("the rollback floor (generations.floor) is missing")
	errFloorForeign = errors.New("the rollback floor (generations.floor) is not signed by this kiosk's key: it was forged or copied from another kiosk")
	errFloorDamaged = errors.New("the rollback floor (generations.floor) is damaged")
)

// readFloor reads and checks the floor: errFloorMissing, errFloorForeign,
// errFloorDamaged, or an error reading the disk. A floor that is not a
// regular file (a FIFO planted in its place) or is too large is damaged,
// not a disk error: the floor defends against rollback and must not keep
// the newest good snapshot from opening. Sealing replaces it by renaming a
// new file over it, never opening it for writing.
func readFloor(dir string, trusted ed25519.PublicKey, kioskID string) (uint64, error) {
	b, err := ReadRegular(filepath.Join(dir, floorFile), vaultLabel(floorFile), maxSmallFile)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, errFloorMissing
	}
	if errors.Is(err, ErrNotRegular) || errors.Is(err, ErrTooLarge) {
		return 0, errFloorDamaged
	}
	if err != nil {
		return 0, readErr("the rollback floor", err)
	}
	var f floorRecord
	if json.Unmarshal(b, &f) != nil || f.Format != 1 || f.Generation == 0 || f.Generation > maxGeneration {
		return 0, errFloorDamaged
	}
	if canonical, err := json.Marshal(f); err != nil || !bytes.Equal(append(canonical, '\n'), b) {
		return 0, errFloorDamaged
	}
	if f.KioskID != kioskID || !ed25519.Verify(trusted, f.message(), f.Sig) {
		return 0, errFloorForeign
	}
	return f.Generation, nil
}

// raiseFloor records gen as the highest generation seen, unless the floor
// already holds a higher one. A missing, damaged or foreign floor is
// replaced: sealing is the kiosk's own word on what it sealed.
func raiseFloor(dir string, keys *Keys, gen uint64) error {
	if cur, err := readFloor(dir, keys.trusted, keys.Config.KioskID); err == nil && cur >= gen {
		return nil
	}
	f := floorRecord{Format: 1, KioskID: keys.Config.KioskID, Generation: gen}
	f.Sig = ed25519.Sign(keys.signing, f.message())
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return durable.Replace(filepath.Join(dir, floorFile), 0o600, append(b, '\n'))
}

// SealedUpTo is how far the numbering of the generations sealed in the
// vault at dir got: its newest generation, or its rollback floor when
// that is higher (a number sealed before whose file is gone). The next
// generation sealed there is numbered one above.
func SealedUpTo(dir string, keys *Keys) (uint64, error) {
	gens, err := listGenerations(dir)
	if err != nil {
		return 0, err
	}
	var n uint64
	if len(gens) > 0 {
		n = gens[0].Generation
	}
	if floor, err := readFloor(dir, keys.trusted, keys.Config.KioskID); err == nil {
		n = max(n, floor)
	}
	return n, nil
}

// RaiseFloor raises the rollback floor of the vault in dir to gen (never
// lowers it), signed with keys as sealing signs it: the next generation
// sealed there is numbered above gen, and is a full one, since a delta
// must follow the newest generation (ErrStaleParent). A hub whose folder
// was restored from a back-up goes on this way above the numbers it had
// sealed since, which its kiosks hold with other content and refuse.
func RaiseFloor(dir string, keys *Keys, gen uint64) error {
	if keys.signing == nil {
		return ErrCannotSign
	}
	if gen == 0 || gen >= maxGeneration {
		return fmt.Errorf("generation %d is not a possible number", gen)
	}
	return raiseFloor(dir, keys, gen)
}

// Rollback is what the floor says about the generations present.
type Rollback struct {
	// Floor is the highest generation this kiosk sealed, by the floor
	// (0 when there is no usable floor).
	Floor uint64 `json:"floor"`
	// GoneFrom and GoneTo are the generations, newer than the newest
	// present, that were seen before and are gone (0 when none are).
	GoneFrom uint64 `json:"goneFrom,omitempty"`
	GoneTo   uint64 `json:"goneTo,omitempty"`
	// Problem is one sentence when the folder looks rolled back ("" when
	// not): generations gone, or the floor missing, forged or foreign.
	Problem string `json:"problem,omitempty"`
}

// checkFloor compares the floor with the newest generation present (good
// or not; 0 when there is none). witnessed says a generation present was
// sealed by a kiosk that keeps a floor. Only an error reading the disk is
// returned as an error; a rollback is in the result.
func checkFloor(dir string, trusted ed25519.PublicKey, kioskID string, newest uint64, witnessed bool) (Rollback, error) {
	var r Rollback
	floor, err := readFloor(dir, trusted, kioskID)
	switch {
	case errors.Is(err, errFloorMissing):
		if witnessed {
			r.Problem = errFloorMissing.Error() + ", though the generations here were sealed with one: generations may have been removed"
		}
		return r, nil
	case errors.Is(err, errFloorForeign), errors.Is(err, errFloorDamaged):
		r.Problem = err.Error()
		return r, nil
	case err != nil:
		return r, err
	}
	r.Floor = floor
	if floor > newest {
		r.GoneFrom, r.GoneTo = newest+1, floor
		r.Problem = goneSentence(newest+1, floor)
	}
	return r, nil
}

func goneSentence(from, to uint64) string {
	if from == to {
		return fmt.Sprintf("generation %d, sealed here before, is gone (rolled back)", to)
	}
	return fmt.Sprintf("generations %d–%d, sealed here before, are gone (rolled back)", from, to)
}

// CheckRollback checks the rollback floor of the data folder against the
// generations Inspect found, without the passphrase: the floor's
// signature is checked with config.json's signing key.
func CheckRollback(dir string, cfg *Config, gens []GenerationStatus) (Rollback, error) {
	trusted, err := cfg.signerKey()
	if err != nil {
		return Rollback{}, err
	}
	var newest uint64
	witnessed := false
	for _, g := range gens {
		newest = max(newest, g.Generation)
		if g.Good && g.Manifest.Floor {
			witnessed = true
		}
	}
	return checkFloor(dir, trusted, cfg.KioskID, newest, witnessed)
}
