package hub

import (
	"crypto/ed25519"
	"encoding/base64"
	"os"
	"path/filepath"
	"sync"
	"time"

	"lifeboat/sync/fleet"
)

// registryTTL is how long the kiosks enrolled are read once for the
// heartbeats and the board: each record is a signed file, and a few
// hundred kiosks beat every half minute. A kiosk enrolled meanwhile
// changes the kiosks folder, which is read again at once: its first
// heartbeat is taken.
const registryTTL = 15 * time.Second

// Registry is the hub's kiosks for the fleet's board, read from the
// hub's signed records at most every registryTTL. It is safe for
// concurrent use.
type Registry struct {
	Hub *Hub
	Now func() time.Time

	mu     sync.Mutex
	at     time.Time
	folder time.Time // the kiosks folder's modification time when read
	list   []fleet.Enrolled
}

// Enrolled lists the kiosks enrolled, with their wards' names; records
// that cannot be trusted are left out (the hub's log says so at its next
// pull).
func (r *Registry) Enrolled() []fleet.Enrolled {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	if r.Now != nil {
		now = r.Now()
	}
	var folder time.Time
	if st, err := os.Stat(filepath.Join(r.Hub.Dir, "kiosks")); err == nil {
		folder = st.ModTime()
	}
	if r.list != nil && now.Sub(r.at) < registryTTL && now.After(r.at) && folder.Equal(r.folder) {
		return r.list
	}
	byWard, _, err := r.Hub.Kiosks()
	if err != nil {
		return r.list // the last good list
	}
	names := map[string]string{}
	if wards, _, err := r.Hub.Wards(); err == nil {
		for _, w := range wards {
			names[w.ID] = w.Name
		}
	}
	list := []fleet.Enrolled{}
	for ward, ks := range byWard {
		for _, k := range ks {
			key, err := base64.StdEncoding.DecodeString(k.Signer)
			if err != nil || len(key) != ed25519.PublicKeySize {
				continue
			}
			list = append(list, fleet.Enrolled{Kiosk: k.ID, Ward: ward, WardName: names[ward], Signer: key})
		}
	}
	r.list, r.at, r.folder = list, now, folder
	return list
}
