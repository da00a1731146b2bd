package reconcile

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"lifeboat/clinical"
	"lifeboat/store"
	"lifeboat/sync/fhir/r4"
	"lifeboat/sync/rest"
)

// DefaultBatch is the most requests (Bundle entries) one transaction
// carries. An entry's requests always travel together, so a Bundle may
// hold fewer; a server that refuses a Bundle as too large (Medplum takes
// at most 8 conditional creates in one transaction) gets smaller ones.
const DefaultBatch = 50

// maxFailedRounds is how many rounds in a row may fail (the server
// unreachable, answering 5xx) before Run gives up; the next run resumes.
const maxFailedRounds = 4

// Reconciler pushes a journal's entries to one FHIR server.
type Reconciler struct {
	Client  *rest.Client
	Journal Journal
	Config  Config
	// Batch is the most requests a transaction Bundle carries;
	// DefaultBatch when 0.
	Batch int
	// Describe, when set, puts an entry in words for the plan (the
	// downtime side of a conflict).
	Describe func(clinical.Entry) string
	// Progress, when set, is told after every Bundle and every plan.
	Progress func(Progress)
	// Wait is the first pause after a failed round before planning again;
	// it doubles with each failed round in a row (see pace.go).
	Wait time.Duration
	// MaxTimeout bounds the timeout of one transaction, which grows with
	// its Bundle and the server's measured pace; DefaultMaxTimeout when 0.
	MaxTimeout time.Duration
	// TargetBundle is about how long one Bundle should take at the
	// server's measured pace; DefaultTargetBundle when 0.
	TargetBundle time.Duration
}

// Progress is how far a run has come.
type Progress struct {
	Round     int // plans made so far
	Pushed    int // entries pushed or found already there by this run
	Left      int // entries the current plan still pushes
	Conflicts int // entries waiting for a person (conflicts and links)
	Failed    int // entries the server refused on their own
	// How the server answers: its measured time per request (0 until
	// measured), the most requests the next Bundle carries, and, when a
	// wait before the next round starts now, how long it is and why.
	PerRequest time.Duration
	Batch      int
	Wait       time.Duration
	WaitWhy    string
}

// Result is what a run did, with the last plan: what is left for people.
type Result struct {
	Plan     *Plan             `json:"plan"`
	Created  int               `json:"created"`      // entries pushed by this run
	Found    int               `json:"alreadyThere"` // entries found already there by this run
	Recorded map[string]int    `json:"recorded"`     // final states recorded by this run
	Failed   map[string]string `json:"failed,omitempty"`
	Rounds   int               `json:"rounds"`
	Started  time.Time         `json:"started"`
	Finished time.Time         `json:"finished"`
}

// Run plans, pushes what the plan creates in transaction Bundles, records
// each entry's final state and resources in the journal, and plans again
// until nothing is left to push. After a failed Bundle it does not trust
// the server to have rolled back: it reads the server again and re-plans,
// so what got through is found (already there) and nothing is sent twice.
// It can be stopped at any moment and run again. The Result holds the
// last plan (conflicts and links wait for a person); err is set when the
// server could not be reached for long enough, with the Result so far.
func (r *Reconciler) Run(ctx context.Context) (*Result, error) {
	res := &Result{Recorded: map[string]int{}, Failed: map[string]string{}, Started: time.Now()}
	defer func() { res.Finished = time.Now() }()
	failedRounds, left := 0, 0 // left: entries to push, as last known
	var lastErr error
	pc := newPace(r.batch(), r.Client.Timeout(), r.MaxTimeout, r.TargetBundle)
	for {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		res.Rounds++
		v, err := r.view(ctx)
		if err != nil {
			return res, err
		}
		plan, err := r.plan(ctx, v, res.Failed)
		if err != nil {
			if !retryable(err) || failedRounds >= maxFailedRounds {
				return res, err
			}
			failedRounds++
			lastErr = err
			if !r.pause(ctx, res, pc, left, backoff(r.Wait, failedRounds), "the server could not be read") {
				return res, ctx.Err()
			}
			continue
		}
		res.Plan = plan
		// What needs no push is recorded at once.
		states, refs := map[string]string{}, map[string][]store.ServerRef{}
		var creates []*Item
		for i := range plan.Items {
			it := &plan.Items[i]
			switch it.Outcome {
			case AlreadyThere, Skip, Nothing:
				states[it.Entry], refs[it.Entry] = it.state, it.Resources
				if it.Outcome == AlreadyThere {
					res.Found++
				}
			case Create:
				creates = append(creates, it)
			}
		}
		if err := r.Journal.Reconciled(ctx, states, refs); err != nil {
			return res, err
		}
		for _, s := range states {
			res.Recorded[s]++
		}
		r.progress(res, plan, len(creates), pc)
		if len(creates) == 0 {
			return res, nil
		}
		n, out, err := r.push(ctx, creates, res, plan, pc)
		left = len(creates) - n
		switch {
		case err == nil:
			failedRounds = 0
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			return res, err
		case !retryable(err) && n == 0:
			return res, err
		default:
			// A timeout that the next round meets with a smaller Bundle or a
			// longer timeout is the server being slow, not a failure; one
			// that nothing can lengthen counts, as does any other failure.
			if !out.timedOut || (out.entries == 1 && out.atMost) {
				failedRounds++
			}
			lastErr = err
			if failedRounds > maxFailedRounds {
				return res, fmt.Errorf("%w (after %d attempts)", lastErr, failedRounds)
			}
			wait, why := backoff(r.Wait, max(failedRounds, 1)), "the last Bundle failed"
			if out.quiet > 0 {
				wait, why = out.quiet, "the last Bundle got no answer and may still be running on the server"
			}
			if !r.pause(ctx, res, pc, left, wait, why) {
				return res, ctx.Err()
			}
		}
	}
}

func (r *Reconciler) batch() int {
	if r.Batch <= 0 {
		return DefaultBatch
	}
	return r.Batch
}

// pause waits d before the next round, and says so in progress (why:
// what happened, in words).
func (r *Reconciler) pause(ctx context.Context, res *Result, pc *pace, left int, d time.Duration, why string) bool {
	if r.Progress != nil {
		p := r.progressOf(res, res.Plan, left, pc)
		p.Wait, p.WaitWhy = d, why
		r.Progress(p)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// retryable is a failure that another round may get past: the server
// unreachable, busy or failing, or an answer cut short.
func retryable(err error) bool {
	return errors.Is(err, rest.ErrUnreachable) || errors.Is(err, rest.ErrNotFHIR) || errors.Is(err, rest.ErrChanged) ||
		errors.Is(err, rest.ErrServerFailed)
}

func (r *Reconciler) progress(res *Result, plan *Plan, left int, pc *pace) {
	if r.Progress != nil {
		r.Progress(r.progressOf(res, plan, left, pc))
	}
}

func (r *Reconciler) progressOf(res *Result, plan *Plan, left int, pc *pace) Progress {
	p := Progress{Round: res.Rounds, Pushed: res.Created + res.Found, Left: left, Failed: len(res.Failed),
		PerRequest: pc.perReq, Batch: pc.size()}
	if plan != nil {
		p.Conflicts = plan.Count[Conflict] + plan.Count[NeedsLink]
	}
	return p
}

// outcome is how the last Bundle of a failed round went.
type outcome struct {
	timedOut          bool          // it got no answer in time
	atMost            bool          // and its timeout was already the most given
	entries, requests int           // what it carried
	quiet             time.Duration // > 0: it got no answer; wait this long before reading the server again
}

// push sends the creates in Bundles, in journal order, sized and timed by
// pc, and records each Bundle's entries as soon as the server answers. A
// Bundle the server refuses (4xx) is split in two and each half sent
// again, down to one entry, so that a size limit is learned (the rest of
// the run sends no larger) and one bad entry fails alone. Any other
// failure stops the round, for a re-plan; one that got no answer (a
// timeout, a broken connection) may still be running on the server, and
// out.quiet says how long to leave it before reading the server again (a
// Bundle that timed out is halved for the next round, like a refused one,
// but never declared refused: the server is slow, not the entry wrong).
// It returns how many entries were pushed.
func (r *Reconciler) push(ctx context.Context, creates []*Item, res *Result, plan *Plan, pc *pace) (int, outcome, error) {
	pushed := 0
	var out outcome
	var sendSplit func(items []*Item) error
	sendSplit = func(items []*Item) error {
		k := requests(items)
		timeout := pc.timeout(k)
		took, err := r.send(ctx, items, res, timeout)
		switch {
		case err == nil:
			pc.answered(k, took)
			pushed += len(items)
			return nil
		case errors.Is(err, rest.ErrUnreachable):
			timedOut := errors.Is(err, rest.ErrTimedOut)
			out = outcome{timedOut: timedOut, atMost: timeout >= pc.max, entries: len(items), requests: k}
			out.quiet = pc.unanswered(k, took, timedOut, r.Wait)
			return err
		case !errors.Is(err, rest.ErrRefused) || errors.Is(err, rest.ErrServerFailed):
			return err
		case len(items) == 1:
			res.Failed[items[0].Entry] = "the FHIR server refused it: " + err.Error()
			return nil
		}
		pc.refused(k)
		half := len(items) / 2
		if err := sendSplit(items[:half]); err != nil {
			return err
		}
		return sendSplit(items[half:])
	}
	for len(creates) > 0 {
		n, size, limit := 0, 0, pc.size()
		for n < len(creates) && (n == 0 || size+len(creates[n].requests) <= limit) {
			size += len(creates[n].requests)
			n++
		}
		err := sendSplit(creates[:n])
		creates = creates[n:]
		r.progress(res, plan, len(creates), pc)
		if err != nil {
			return pushed, out, err
		}
	}
	return pushed, out, nil
}

func requests(items []*Item) int {
	n := 0
	for _, it := range items {
		n += len(it.requests)
	}
	return n
}

// send posts one transaction Bundle, given timeout to answer, and records
// what it created; took is how long the server took (or was given).
func (r *Reconciler) send(ctx context.Context, items []*Item, res *Result, timeout time.Duration) (took time.Duration, err error) {
	var entries []r4.BundleEntry
	for _, it := range items {
		for _, q := range it.requests {
			entries = append(entries, r4.BundleEntry{FullURL: q.FullURL, Resource: q.Resource,
				Request: &r4.BundleRequest{Method: q.Method, URL: q.URL, IfNoneExist: q.IfNoneExist, IfMatch: q.IfMatch}})
		}
	}
	body, err := json.Marshal(r4.Bundle{Resource: r4.Resource{ResourceType: "Bundle"}, Type: "transaction", Entry: entries})
	if err != nil {
		return 0, err
	}
	start := time.Now()
	answer, err := r.Client.TransactionWithin(ctx, body, timeout)
	took = time.Since(start)
	if err != nil {
		return took, err
	}
	refs, err := responseRefs(answer, len(entries))
	if err != nil {
		return took, err
	}
	states, byEntry := map[string]string{}, map[string][]store.ServerRef{}
	k := 0
	for _, it := range items {
		states[it.Entry] = it.state
		byEntry[it.Entry] = slices.Clone(it.Resources)
		for range it.requests {
			if refs[k].ID != "" {
				byEntry[it.Entry] = append(byEntry[it.Entry], refs[k])
			}
			k++
		}
	}
	if err := r.Journal.Reconciled(ctx, states, byEntry); err != nil {
		return took, err
	}
	res.Created += len(items)
	for _, s := range states {
		res.Recorded[s]++
	}
	return took, nil
}

// responseRefs reads a transaction-response Bundle: the resource each
// request created, found or changed, from its location (Type/id/_history/v).
func responseRefs(answer json.RawMessage, n int) ([]store.ServerRef, error) {
	var b r4.Bundle
	if err := json.Unmarshal(answer, &b); err != nil || len(b.Entry) != n {
		return nil, fmt.Errorf("%w: the answer to a transaction does not match what was sent", rest.ErrNotFHIR)
	}
	out := make([]store.ServerRef, n)
	for i, e := range b.Entry {
		resp := cmp.Or(e.Response, &r4.BundleResponse{})
		if !strings.HasPrefix(resp.Status, "2") {
			return nil, fmt.Errorf("%w: a transaction's entry answered %s", rest.ErrRefused, strings.Fields(resp.Status + " ?")[0])
		}
		out[i] = location(resp.Location, resp.Etag)
		var res r4.Resource
		if out[i].ID == "" && json.Unmarshal(e.Resource, &res) == nil {
			out[i] = refOf(&res)
		}
	}
	return out, nil
}

// location reads Type/id/_history/version, relative or absolute, or
// Type/id with the version from the ETag.
func location(loc, etag string) store.ServerRef {
	parts := strings.Split(strings.Trim(loc, "/"), "/")
	if h := slices.Index(parts, "_history"); h >= 2 && h+1 < len(parts) {
		return store.ServerRef{Type: parts[h-2], ID: parts[h-1], Version: parts[h+1]}
	}
	if n := len(parts); n >= 2 && isType(parts[n-2]) {
		return store.ServerRef{Type: parts[n-2], ID: parts[n-1], Version: strings.Trim(strings.TrimPrefix(etag, "W/"), `"`)}
	}
	return store.ServerRef{}
}

func isType(s string) bool { return s != "" && s[0] >= 'A' && s[0] <= 'Z' }
