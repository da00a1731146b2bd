package hub

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"time"

	"lifeboat/store"
	"lifeboat/sync/fleet"
)

// progressTTL is how long the board's reconciliation figures are kept:
// each kiosk's copy of its journal is a database to count.
const progressTTL = 30 * time.Second

// Progress tells the board how far each ward's journals, handed in, are
// reconciled: counted from the state the hospital's reconciliation keeps
// beside each kiosk's copy (entry ids and states only, no key needed),
// at most every progressTTL. It is safe for concurrent use.
type Progress struct {
	Hub *Hub
	Now func() time.Time

	mu   sync.Mutex
	at   time.Time
	last map[string]fleet.Progress
}

// ByWard is each ward's progress, by the ward its kiosks were enrolled
// for; a copy that cannot be read is left out (the next reading tries
// again).
func (p *Progress) ByWard() map[string]fleet.Progress {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if p.Now != nil {
		now = p.Now()
	}
	if p.last != nil && now.Sub(p.at) < progressTTL && now.After(p.at) {
		return p.last
	}
	wardOf, err := p.Hub.kioskWards()
	if err != nil {
		return p.last // the last figures, or none
	}
	out := map[string]fleet.Progress{}
	dir := filepath.Join(p.Hub.Dir, "handin", "kiosks")
	mirrors, _ := os.ReadDir(dir)
	for _, m := range mirrors {
		ward, ok := wardOf[m.Name()]
		if !ok || !m.IsDir() {
			continue
		}
		states, err := store.MirrorStates(context.Background(), filepath.Join(dir, m.Name()))
		if err != nil {
			continue
		}
		w := out[ward]
		for state, n := range states {
			w.HandedIn += n
			if state == store.StatePending {
				w.Pending += n
			}
		}
		out[ward] = w
	}
	p.last, p.at = out, now
	return out
}
