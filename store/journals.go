package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"lifeboat/clinical"
)

// Journals are several kiosks' journals read as one: the hospital's
// reconciliation at the hub, over the mirrors of every kiosk's journal
// (see Mirror), with the decisions people take there recorded in a
// journal of their own (the hub's reconciliation journal, written with
// the recovery key), and so the corrections that go with them: a
// correction there supersedes a kiosk's entry. Each entry stays in the
// journal it came from, which keeps its reconciliation state; nothing is
// copied between them.
type Journals struct {
	members   []*Journal // the kiosks', then the decisions'
	decisions *Journal
	owner     map[string]*Journal // entry id to its journal, as of the last List
	twice     []JournalProblem    // entries found in two journals, as of the last List
}

// NewJournals reads the kiosks' journals and the decisions' as one.
func NewJournals(decisions *Journal, kiosks ...*Journal) *Journals {
	return &Journals{members: append(slices.Clone(kiosks), decisions), decisions: decisions, owner: map[string]*Journal{}}
}

// Kiosks is the number of kiosks' journals read.
func (js *Journals) Kiosks() int { return len(js.members) - 1 }

// List is every journal's entries as one list: each journal's in its own
// order, merged by when they were entered, so that what happened on two
// wards (a patient transferred) comes in the order it happened, and one
// kiosk's entries keep their order even if its clock went back. An entry
// found in two journals (a kiosk's folder copied to another PC) is read
// once, from the first, and said by Check. An entry corrected in another
// journal (at the hub) is superseded, as within one.
func (js *Journals) List(ctx context.Context) ([]JournalEntry, error) {
	lists := make([][]JournalEntry, len(js.members))
	n := 0
	for i, j := range js.members {
		es, err := j.List(ctx)
		if err != nil {
			return nil, fmt.Errorf("kiosk %s's journal: %w", j.kioskID, err)
		}
		lists[i] = es
		n += len(es)
	}
	owner := map[string]*Journal{}
	var twice []JournalProblem
	out := make([]JournalEntry, 0, n)
	next := make([]int, len(lists))
	for {
		best := -1
		for i, l := range lists {
			if next[i] == len(l) {
				continue
			}
			if best < 0 || entered(l[next[i]]).Before(entered(lists[best][next[best]])) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		e := lists[best][next[best]]
		next[best]++
		if first := owner[e.ID]; first != nil {
			twice = append(twice, JournalProblem{Kind: ProblemOrder, Seq: e.Seq, EntryID: e.ID,
				Text: fmt.Sprintf("entry %s is in the journals of kiosks %s and %s: it is read from the first only.", e.ID, first.kioskID, js.members[best].kioskID)})
			continue
		}
		owner[e.ID] = js.members[best]
		out = append(out, e)
	}
	clinical.MarkSuperseded(out)
	js.owner, js.twice = owner, twice
	return out, nil
}

// entered is when an entry was recorded (the clinical time for an entry
// without one: a journal of an older Lifeboat).
func entered(e JournalEntry) time.Time {
	return cmp.Or(e.EnteredAt, e.ClinicalTime)
}

// Resources is what every journal's entries became in the EHR.
func (js *Journals) Resources(ctx context.Context) (map[string][]ServerRef, error) {
	out := map[string][]ServerRef{}
	for _, j := range js.members {
		res, err := j.Resources(ctx)
		if err != nil {
			return nil, fmt.Errorf("kiosk %s's journal: %w", j.kioskID, err)
		}
		for id, refs := range res {
			out[id] = append(out[id], refs...)
		}
	}
	return out, nil
}

// Check verifies every journal; each problem names its kiosk.
func (js *Journals) Check(ctx context.Context) (JournalCheck, error) {
	var all JournalCheck
	for _, j := range js.members {
		c, err := j.Check(ctx)
		if err != nil {
			return all, fmt.Errorf("kiosk %s's journal: %w", j.kioskID, err)
		}
		for _, p := range c.Problems {
			p.Text = fmt.Sprintf("Kiosk %s: %s", j.kioskID, p.Text)
			all.Problems = append(all.Problems, p)
		}
	}
	all.Problems = append(all.Problems, js.twice...)
	return all, nil
}

// Reconciled records each entry's final state, and what it became, in
// the journal it came from (as of the last List). Each journal records
// its part in one transaction; a run stopped between two finds the rest
// already in the EHR at its next plan, as after any Bundle whose answer
// was lost.
func (js *Journals) Reconciled(ctx context.Context, states map[string]string, resources map[string][]ServerRef) error {
	type part struct {
		states    map[string]string
		resources map[string][]ServerRef
	}
	split := map[*Journal]*part{}
	of := func(id string) (*part, error) {
		j := js.owner[id]
		if j == nil {
			return nil, fmt.Errorf("entry %s is in no journal read: %w", id, ErrNoEntry)
		}
		if split[j] == nil {
			split[j] = &part{states: map[string]string{}, resources: map[string][]ServerRef{}}
		}
		return split[j], nil
	}
	for id, s := range states {
		p, err := of(id)
		if err != nil {
			return err
		}
		p.states[id] = s
	}
	for id, refs := range resources {
		p, err := of(id)
		if err != nil {
			return err
		}
		p.resources[id] = refs
	}
	for _, j := range js.members {
		if p := split[j]; p != nil {
			if err := j.Reconciled(ctx, p.states, p.resources); err != nil {
				return fmt.Errorf("kiosk %s's journal: %w", j.kioskID, err)
			}
		}
	}
	return nil
}

// Stamp stamps a decision taken at the hub, as the decisions' journal.
func (js *Journals) Stamp(e *clinical.Entry, author string, now time.Time) error {
	return js.decisions.Stamp(e, author, now)
}

// Record records decisions (and the corrections that go with them) in
// the decisions' journal. A correction may supersede an entry of any
// journal read, once: one a kiosk or the hub corrected already is
// refused, as within one journal.
func (js *Journals) Record(ctx context.Context, entries ...clinical.Entry) error {
	if !slices.ContainsFunc(entries, func(e clinical.Entry) bool { return e.Supersedes != "" }) {
		return js.decisions.Record(ctx, entries...)
	}
	all, err := js.List(ctx)
	if err != nil {
		return err
	}
	elsewhere := map[string]JournalEntry{}
	for _, e := range all {
		if js.owner[e.ID] != js.decisions {
			elsewhere[e.ID] = e
		}
	}
	return js.decisions.record(ctx, elsewhere, entries)
}

// Close closes every journal.
func (js *Journals) Close() error {
	var first error
	for _, j := range js.members {
		if err := j.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
