package hub

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"lifeboat/store"
	"lifeboat/sync/fleet"
	"lifeboat/sync/live"
)

// Runner is the hub at work: every interval it pulls every ward it
// publishes from the EHR with one puller (one census, one set of
// searches), seals each ward to its enrolled kiosks, and publishes.
type Runner struct {
	Hub       *Hub
	Publisher *Publisher
	Puller    *live.Puller // its Client and tuning; Wards are set here
	Every     time.Duration
	Now       func() time.Time
	// Log says what each step did, one sentence a line, no patient data.
	Log func(string)
	// Pulled, when set, is told of each pull: when it started, how long
	// it took, and its error (the hub's /metrics).
	Pulled func(start time.Time, took time.Duration, err error)
	// DownAfter is how long the EHR's pulls must fail before the index
	// announces it unreachable (0 means DefaultDownAfter): one failed
	// pull is not an outage.
	DownAfter time.Duration
	// Heard, when set, is the latest heartbeat of each kiosk (the
	// fleet's board, which keeps only heartbeats it verified against
	// the kiosks enrolled). A ward whose kiosks hold a generation above
	// the hub's newest (the hub's folder restored from a back-up) has
	// its numbering raised above theirs before its next pull.
	Heard func() map[string]fleet.Received

	mu  sync.Mutex // guards ehr, which the board reads
	ehr EHRState

	ignored map[string]bool   // kiosks whose report too far above was said
	sealed  map[string]uint64 // by ward, the newest generation this run sealed or raised it to
}

// EHR is how the hub's pulls from the EHR fare, as the next index says.
func (r *Runner) EHR() EHRState {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ehr
}

func (r *Runner) setEHR(fn func(*EHRState)) EHRState {
	r.mu.Lock()
	defer r.mu.Unlock()
	fn(&r.ehr)
	return r.ehr
}

// DefaultDownAfter is how long the EHR must fail before the hub announces
// it unreachable: four pulls at the usual 30 s.
const DefaultDownAfter = 2 * time.Minute

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Runner) log(format string, a ...any) {
	if r.Log != nil {
		r.Log(fmt.Sprintf(format, a...))
	}
}

// Run publishes what is sealed (completing a publication a kill cut
// short), then steps at once and every Every until ctx ends (once when
// Every is 0, returning that step's error). Steps start every Every,
// not Every after the last one ended: the data a kiosk holds is then at
// most an interval of the hub's and one of its own old, plus one pull.
// A step under way when ctx ends finishes its seals and its publication
// first.
func (r *Runner) Run(ctx context.Context) error {
	r.Publisher.Every = r.Every
	ehr := r.EHR()
	if prev, err := r.Publisher.current(); err == nil {
		ehr = r.setEHR(func(e *EHRState) { *e = prev.EHR })
	}
	if _, err := r.Publisher.Publish(ehr, r.now()); err != nil {
		return fmt.Errorf("publishing: %w", err)
	}
	for {
		started := time.Now()
		err := r.Step(ctx)
		if r.Every <= 0 {
			return err
		}
		if ctx.Err() != nil {
			return nil
		}
		t := time.NewTimer(max(r.Every-time.Since(started), 0))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// Step pulls and publishes once.
func (r *Runner) Step(ctx context.Context) error {
	h := r.Hub
	wards, problems, err := h.Wards()
	if err != nil {
		return err
	}
	kiosks, kp, err := h.Kiosks()
	if err != nil {
		return err
	}
	for _, p := range append(problems, kp...) {
		r.log("Refused and left out: %s.", p)
	}
	var heard map[string]fleet.Received
	if r.Heard != nil {
		heard = r.Heard()
	}
	var targets []live.Target
	for _, w := range wards {
		to := []string{h.Keys.Config.Recipient}
		if h.Keys.Config.Recovery != "" {
			to = append(to, h.Keys.Config.Recovery)
		}
		for _, k := range kiosks[w.ID] {
			to = append(to, k.Recipient)
		}
		keys, err := h.Keys.SealingTo(to)
		if err != nil {
			r.log("Ward %s is left out: a kiosk's recipient is not valid.", w.ID)
			continue
		}
		t := live.Target{Ward: w.ID, Dir: h.wardDir(w.ID), Keys: keys}
		t.Whole = r.catchUp(t, kiosks[w.ID], heard)
		targets = append(targets, t)
	}
	var stepErr error
	start := r.now()
	if len(targets) > 0 {
		r.Puller.Wards = targets
		res, err := r.Puller.StepWards(ctx)
		stopped := err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled)
		if r.Pulled != nil && !stopped {
			r.Pulled(start, r.now().Sub(start), err)
		}
		r.setEHR(func(e *EHRState) {
			e.LastAttempt = start
			switch {
			case stopped: // not a failure of the EHR
			case err != nil:
				if e.Failures == 0 {
					e.FailingSince = start
				}
				e.Failures++
				e.Unreachable = start.Sub(e.FailingSince) >= cmp.Or(r.DownAfter, DefaultDownAfter)
			default:
				e.LastSuccess, e.FailingSince, e.Failures, e.Unreachable = start, time.Time{}, 0, false
			}
		})
		switch {
		case stopped:
		case err != nil:
			stepErr = err
			r.log("The pull failed and every ward's last generation stays: %s.", sentence(err))
		default:
			for _, w := range res {
				switch {
				case w.Err != nil:
					r.log("Ward %s: %s; its last generation stays.", w.Ward, sentence(w.Err))
				case w.Result != nil && w.Manifest != nil:
					kind := "a refresh"
					if w.Full {
						kind = "a full pull"
					}
					r.log("Ward %s: generation %d sealed (%s), %d patients.", w.Ward, w.Manifest.Generation, kind, w.Patients)
					r.sawSealed(w.Ward, w.Manifest.Generation)
				}
			}
		}
	}
	ix, err := r.Publisher.Publish(r.EHR(), r.now())
	if err != nil {
		r.log("Publishing failed and the last index stays: %s.", sentence(err))
		return errors.Join(stepErr, fmt.Errorf("publishing: %w", err))
	}
	r.log("Published index %d: %d wards.", ix.Sequence, len(ix.Wards))
	return stepErr
}

// maxCatchUp is how far above the hub's newest generation one kiosk's
// word can move a ward's numbering: a kiosk stolen and not yet revoked
// cannot push it to the end of the numbers.
const maxCatchUp = 1_000_000

// catchUp raises ward t's numbering above the newest generation its
// kiosks say they hold, when that is above the hub's own: the hub's
// folder was restored from a back-up, and its kiosks refuse every number
// it seals again (they hold it, with other content) until its numbers
// pass theirs. heard is the kiosks' latest heartbeats, kiosks the ward's
// (enrolled, not revoked). It says whether it did; the ward's next
// generation is then sealed whole, a new chain the kiosks take.
func (r *Runner) catchUp(t live.Target, kiosks []Kiosk, heard map[string]fleet.Received) bool {
	var said uint64 // the highest generation the ward's kiosks say they hold
	for _, k := range kiosks {
		if b, ok := heard[k.ID]; ok && b.Ward == t.Ward {
			said = max(said, b.Generation)
		}
	}
	if known, ok := r.sealed[t.Ward]; said == 0 || ok && said <= known {
		return false // as usual: the kiosks hold what this run sealed, or less
	}
	upTo, err := store.SealedUpTo(t.Dir, t.Keys)
	if err != nil {
		return false // the ward's pull says what is wrong with its folder
	}
	r.sawSealed(t.Ward, upTo)
	var held uint64
	for _, k := range kiosks { // enrolled and not revoked
		b, ok := heard[k.ID]
		if !ok || b.Ward != t.Ward || b.Generation <= upTo {
			continue
		}
		if b.Generation-upTo > maxCatchUp {
			if !r.ignored[k.ID] {
				r.log("Ward %s: kiosk %s says it holds generation %d, more than a million above this hub's %d: not taken (a kiosk lost and not revoked?).",
					t.Ward, k.ID, b.Generation, upTo)
				if r.ignored == nil {
					r.ignored = map[string]bool{}
				}
				r.ignored[k.ID] = true
			}
			continue
		}
		held = max(held, b.Generation)
	}
	if held == 0 {
		return false
	}
	if err := store.RaiseFloor(t.Dir, t.Keys, held); err != nil {
		r.log("Ward %s: its kiosks hold generation %d, above this hub's %d, and its numbering could not be raised: %s.", t.Ward, held, upTo, sentence(err))
		return false
	}
	r.log("Ward %s: its kiosks hold generation %d, above this hub's %d (restored from a back-up?): the next generation is sealed whole from %d.",
		t.Ward, held, upTo, held+1)
	r.sawSealed(t.Ward, held)
	return true
}

// sawSealed notes that ward's numbering reached gen, so that catchUp
// reads the ward's folder again only when a kiosk says it holds more.
func (r *Runner) sawSealed(ward string, gen uint64) {
	if r.sealed == nil {
		r.sealed = map[string]uint64{}
	}
	r.sealed[ward] = max(r.sealed[ward], gen)
}

func sentence(err error) string {
	s := err.Error()
	for len(s) > 0 && s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}
