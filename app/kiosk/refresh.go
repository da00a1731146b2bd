package kiosk

import (
	"context"
	"slices"
	"time"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/app/ui"
	"lifeboat/clinical"
	"lifeboat/store"
)

// While the EHR is up, a live sync (lifeboat snapshot --fhir --every, run
// as a service) seals new generations into the vault. An unlocked kiosk
// notices them on its tick, opens the newest good one in the background
// and swaps it in: the census is read again, an open chart is shown again
// from the new data unless a form is being filled in, and the banner's
// "data as of" moves on. The sync's last attempt and error (sync.json) are
// shown on the banner.

// refreshState is the background reload of newer generations.
type refreshState struct {
	busy  bool
	tried uint64 // the newest generation already tried, to try a refused one once
}

// checkNewer starts a background reload when the vault holds a generation
// newer than the open one.
func (k *Kiosk) checkNewer() {
	if k.snap == nil || k.keys == nil || k.refresh.busy {
		return
	}
	newest, err := store.NewestGeneration(k.opt.Dir)
	if err != nil || newest <= k.snap.Manifest.Generation || newest == k.refresh.tried {
		return
	}
	k.refresh.busy, k.refresh.tried = true, newest
	session, keys, dir := k.session, k.keys, k.opt.Dir
	k.work.Add(1)
	go func() {
		defer k.work.Done()
		s, err := store.Open(context.Background(), dir, keys)
		ui.Do(func() {
			if k.session != session {
				if s != nil {
					s.Close()
				}
				return
			}
			k.refresh.busy = false
			if err != nil || k.snap == nil {
				if s != nil {
					s.Close()
				}
				return
			}
			if s.Manifest.Generation <= k.snap.Manifest.Generation {
				// The newer generations were refused: the open one stays,
				// and the banner says why, as it does at unlock.
				k.noteRefused(s.Refused)
				s.Close()
				return
			}
			k.swapSnapshot(s)
		})
	}()
}

// swapSnapshot puts a newer snapshot in place of the open one.
func (k *Kiosk) swapSnapshot(s *store.Snapshot) {
	old := k.snap
	k.snap = s
	old.Close()
	k.census.readSnapshot()
	if c := k.chart.current; c != nil && k.chart.forms.open == nil && k.chart.registered == "" &&
		!clinical.IsTemporaryID(c.Patient.ID) {
		if nc, err := s.Chart(context.Background(), c.Patient.ID); err == nil {
			k.chart.show(nc)
		} else {
			k.chart.current = nil
			k.chart.showMessage(i18n.T(present.LeftCensus))
		}
	}
	k.banner.update()
}

// noteRefused adds to the open snapshot's refusals those of generations
// newer than it, so that the banner names them.
func (k *Kiosk) noteRefused(refused []store.Refusal) {
	added := false
	for _, r := range refused {
		if r.Generation > k.snap.Manifest.Generation && !slices.Contains(k.snap.Refused, r) {
			k.snap.Refused = append(k.snap.Refused, r)
			added = true
		}
	}
	if added {
		k.banner.update()
	}
}

// syncLine is the live sync's line for the banner, and whether it says
// that the sync is failing.
func (k *Kiosk) syncLine(now time.Time) (string, bool) {
	st, ok, err := store.ReadSyncState(k.opt.Dir)
	if err != nil || !ok {
		return "", false
	}
	return present.SyncLine(st, now)
}
