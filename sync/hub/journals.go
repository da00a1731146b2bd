package hub

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"lifeboat/store"
)

// Hospital is every kiosk's journal handed in to the hub, opened with
// IT's recovery key for one reconciliation of the hospital (or of one
// ward): the kiosks' mirrors read as one, and the hub's own journal
// (its data folder's, unused otherwise) for the decisions people take.
type Hospital struct {
	*store.Journals
	Kiosks []string // the kiosks whose journals are read, by id
	// Apart are the journals kept apart (kiosks not enrolled, revoked,
	// other keys), by folder name, and Unopened the kiosks' journals
	// that cannot be opened with this key, with why: listed for a
	// person, never reconciled.
	Apart    []string
	Unopened []string
	wardOf   map[string]string // each kiosk's ward, enrolled or revoked
}

// WardOf is the ward a kiosk was enrolled for ("" for the hub itself, and
// for a kiosk it never enrolled).
func (h *Hospital) WardOf(kiosk string) string { return h.wardOf[kiosk] }

// ErrNoRecovery is a hub set up without a recovery recipient, whose
// kiosks' journals IT cannot read.
var ErrNoRecovery = errors.New("this hub was set up without IT's recovery recipient (hub init --recovery), so it keeps no journal of decisions for the recovery key")

// OpenHospital opens the journals handed in to the hub at dir with IT's
// recovery identity: every kiosk's, or those of ward when it is not "".
func OpenHospital(ctx context.Context, dir, identity, ward string) (*Hospital, error) {
	cfg, err := store.LoadConfig(dir)
	if err != nil {
		return nil, err
	}
	if cfg.Recovery == "" {
		return nil, ErrNoRecovery
	}
	rk, err := store.UnlockRecovery(dir, identity)
	if err != nil {
		return nil, err
	}
	h := &Hub{Dir: dir, Keys: &store.Keys{Config: *cfg}}
	wardOf, err := h.kioskWards()
	if err != nil {
		return nil, err
	}
	out := &Hospital{wardOf: wardOf}
	apart, err := os.ReadDir(filepath.Join(dir, "handin", "apart"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	for _, e := range apart {
		out.Apart = append(out.Apart, e.Name())
	}
	mirrors, err := os.ReadDir(filepath.Join(dir, "handin", "kiosks"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	var js []*store.Journal
	closeAll := func() {
		for _, j := range js {
			j.Close()
		}
	}
	for _, e := range mirrors {
		id := e.Name()
		if !e.IsDir() || !kioskID.MatchString(id) || ward != "" && wardOf[id] != ward {
			continue
		}
		mk, err := store.UnlockRecovery(filepath.Join(dir, "handin", "kiosks", id), identity)
		if err != nil {
			out.Unopened = append(out.Unopened, fmt.Sprintf("kiosk %s: %v", id, err))
			continue
		}
		j, err := store.OpenJournal(ctx, filepath.Join(dir, "handin", "kiosks", id), mk)
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("kiosk %s's journal: %w", id, err)
		}
		js = append(js, j)
		out.Kiosks = append(out.Kiosks, id)
	}
	decisions, err := store.OpenJournal(ctx, dir, rk)
	if err != nil {
		closeAll()
		return nil, err
	}
	out.Journals = store.NewJournals(decisions, js...)
	slices.Sort(out.Apart)
	return out, nil
}
