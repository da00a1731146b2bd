package reconcile

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"lifeboat/store"
)

// ErrCannotDecide is a decision that does not fit the entry; the error
// says why in one sentence.
var ErrCannotDecide = errors.New("that decision cannot be taken")

// Decide records a person's decision on one entry not yet reconciled, as
// a decision entry in the journal: who (by), when (now), what and why.
// The next run applies it. The command line and the worklist both decide
// through here.
func Decide(ctx context.Context, j *store.Journal, entry, action, linkTo, reason, by string, now time.Time) (store.Entry, error) {
	all, err := j.List(ctx)
	if err != nil {
		return store.Entry{}, err
	}
	var target *store.JournalEntry
	for i := range all {
		if all[i].ID == entry {
			target = &all[i]
		}
	}
	refuse := func(format string, a ...any) (store.Entry, error) {
		return store.Entry{}, fmt.Errorf("%w: %s", ErrCannotDecide, fmt.Sprintf(format, a...))
	}
	switch {
	case target == nil:
		return refuse("no entry with that id in the journal")
	case target.Kind == store.KindDecision:
		return refuse("a decision is not itself decided on")
	case target.State != store.StatePending:
		return refuse("that entry is already reconciled (%s)", target.State)
	case action == store.DecisionNewPatient && target.Kind != store.KindRegistration:
		return refuse("only a registration can be created as a new patient")
	case strings.TrimSpace(by) == "":
		return refuse("say who decides")
	}
	d := store.Entry{Kind: store.KindDecision, Patient: target.Patient, ClinicalTime: now,
		Decision: &store.Decision{Entry: target.ID, Action: action, Reason: strings.TrimSpace(reason), LinkTo: strings.TrimSpace(linkTo)}}
	if err := j.Stamp(&d, strings.TrimSpace(by), now); err != nil {
		return store.Entry{}, err
	}
	if err := j.Record(ctx, d); err != nil {
		return store.Entry{}, err
	}
	return d, nil
}
