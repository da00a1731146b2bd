package hub

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"lifeboat/internal/diskfree"
	"lifeboat/store"
	"lifeboat/sync/fleet"
)

// How often a subscribed kiosk looks again at what is costly to read: its
// journal and audit trail (entries not reconciled, the last unlock), and
// every generation's signature, hash and chain (its self-check, which
// needs no passphrase and runs at start and then nightly).
const (
	factsEvery     = 10 * time.Minute
	selfCheckEvery = 24 * time.Hour
)

// Beater makes and sends a subscribed kiosk's heartbeats to its hub. It
// is not safe for concurrent use: one subscription loop owns it.
type Beater struct {
	Dir     string
	Keys    *store.Keys
	Version string
	Now     func() time.Time

	seq          uint64
	factsAt      time.Time
	lastUnlock   time.Time
	unreconciled int
	checkedAt    time.Time
	selfCheck    string
	generation   uint64
	asOf         time.Time
}

func (b *Beater) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

// Received notes the newest generation a subscription step kept.
func (b *Beater) Received(up *Update) {
	if up != nil && up.Generation > b.generation {
		b.generation, b.asOf = up.Generation, up.AsOf
	}
}

// Heartbeat is the kiosk's heartbeat now, for the ward of its pin.
func (b *Beater) Heartbeat(ctx context.Context, pin *store.HubPin) fleet.Heartbeat {
	now := b.now()
	if b.checkedAt.IsZero() || now.Sub(b.checkedAt) >= selfCheckEvery {
		b.check(now)
	}
	if b.factsAt.IsZero() || now.Sub(b.factsAt) >= factsEvery {
		b.readFacts(ctx, now)
	}
	// A sequence that grows within a run and starts from the clock: a
	// kiosk restarted goes on above what the hub last took from it.
	b.seq = max(b.seq+1, uint64(now.UnixMilli()))
	h := fleet.Heartbeat{Kiosk: b.Keys.Config.KioskID, Ward: pin.Ward, Version: b.Version, Seq: b.seq, Sent: now,
		Generation: b.generation, DataAsOf: b.asOf, LastUnlock: b.lastUnlock, Unreconciled: b.unreconciled,
		SelfCheck: b.selfCheck, SelfCheckAt: b.checkedAt}
	if free, err := diskfree.Free(b.Dir); err == nil {
		h.FreeDisk = &free
	}
	return h
}

// check is the self-check: every generation's signature, hash and chain,
// and the rollback floor, as `lifeboat status` reads them; the newest
// good generation is what the kiosk holds.
func (b *Beater) check(now time.Time) {
	b.checkedAt, b.selfCheck = now, ""
	cfg, gens, err := store.Inspect(b.Dir)
	if err != nil {
		b.selfCheck = sentence(err) + "."
		return
	}
	for _, g := range gens {
		if g.Good && g.Generation > b.generation {
			b.generation, b.asOf = g.Generation, g.Manifest.AsOf
		}
		if !g.Good && b.selfCheck == "" {
			b.selfCheck = fmt.Sprintf("Generation %d %s.", g.Generation, strings.TrimSuffix(g.Problem, "."))
		}
	}
	if rb, err := store.CheckRollback(b.Dir, cfg, gens); err != nil {
		b.selfCheck = sentence(err) + "."
	} else if rb.Problem != "" && b.selfCheck == "" {
		b.selfCheck = strings.TrimSuffix(rb.Problem, ".") + "."
	}
}

// readFacts reads the journal (entries not reconciled) and the audit
// trail (the last unlock at the window); either unreadable is -1 and a
// zero time, which the board shows as unknown.
func (b *Beater) readFacts(ctx context.Context, now time.Time) {
	b.factsAt, b.unreconciled = now, -1
	if j, err := store.OpenJournal(ctx, b.Dir, b.Keys); err == nil {
		if entries, err := j.List(ctx); err == nil {
			b.unreconciled = 0
			for _, e := range entries {
				if e.State == store.StatePending {
					b.unreconciled++
				}
			}
		}
		j.Close()
	}
	if rows, _, err := store.ReadAudit(b.Dir, b.Keys); err == nil {
		for _, r := range rows {
			if r.Action == store.AuditUnlock && r.Time.After(b.lastUnlock) {
				b.lastUnlock = r.Time
			}
		}
	}
}

// HeartbeatPath is where a hub takes heartbeats.
const HeartbeatPath = "/heartbeat"

// Send signs the heartbeat with the kiosk's key and posts it to the hub
// at hubURL.
func (b *Beater) Send(ctx context.Context, client *http.Client, hubURL string, h fleet.Heartbeat) error {
	raw, err := fleet.Sign(h, b.Keys.Sign)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(hubURL, "/")+HeartbeatPath, strings.NewReader(string(raw)))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	err = fleet.Post(client, req)
	if ue := (*url.Error)(nil); errors.As(err, &ue) {
		return unreachable(err) // no answer: said as a step says it
	}
	return err
}
