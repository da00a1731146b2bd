package reconcile

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"lifeboat/clinical"
	"lifeboat/store"
)

// ErrCannotDecide is a decision that does not fit the entry; the error
// says why in one sentence.
var ErrCannotDecide = errors.New("that decision cannot be taken")

// Decide records a person's decision on one entry not yet reconciled, as
// a decision entry in the journal: who (by), when (now), what and why.
// The next run applies it. The command line and the worklist both decide
// through here.
func Decide(ctx context.Context, j Journal, entry, action, linkTo, reason, by string, now time.Time) (clinical.Entry, error) {
	target, err := pending(ctx, j, entry)
	if err != nil {
		return clinical.Entry{}, err
	}
	switch {
	case action == clinical.DecisionNewPatient && target.Kind != clinical.KindRegistration:
		return clinical.Entry{}, refuse("only a registration can be created as a new patient")
	case strings.TrimSpace(by) == "":
		return clinical.Entry{}, refuse("say who decides")
	}
	d := clinical.Entry{Kind: clinical.KindDecision, Patient: target.Patient, ClinicalTime: now,
		Decision: &clinical.Decision{Entry: target.ID, Action: action, Reason: strings.TrimSpace(reason), LinkTo: strings.TrimSpace(linkTo)}}
	if err := j.Stamp(&d, strings.TrimSpace(by), now); err != nil {
		return clinical.Entry{}, err
	}
	if err := j.Record(ctx, d); err != nil {
		return clinical.Entry{}, err
	}
	return d, nil
}

// EditThenPush records a correction of an entry not yet reconciled and the
// decision to push it, in one transaction: both are saved or neither. edit
// fills the correction's payload; the rest is the original's (kind,
// patient, clinical time, what it was based on). Care typed now for a
// time more than 24 h ago is vouched for by careBy, as paper back-entry
// is. It returns the decision.
func EditThenPush(ctx context.Context, j Journal, entry string, edit func(*clinical.Entry) error,
	careBy, reason, by string, now time.Time) (clinical.Entry, error) {
	target, err := pending(ctx, j, entry)
	if err != nil {
		return clinical.Entry{}, err
	}
	orig := target.Entry
	c := clinical.Entry{Kind: orig.Kind, Patient: orig.Patient, ClinicalTime: orig.ClinicalTime,
		BasedOn: slices.Clone(orig.BasedOn), Supersedes: orig.ID}
	if err := edit(&c); err != nil {
		return clinical.Entry{}, err
	}
	switch {
	case orig.Transcription != nil:
		c.Transcription = &clinical.Transcription{FromPaperSignedBy: orig.Transcription.FromPaperSignedBy}
	case now.Sub(orig.ClinicalTime) > clinical.LiveWindow:
		c.Transcription = &clinical.Transcription{FromPaperSignedBy: strings.TrimSpace(careBy)}
	}
	if err := j.Stamp(&c, strings.TrimSpace(by), now); err != nil {
		return clinical.Entry{}, err
	}
	d := clinical.Entry{Kind: clinical.KindDecision, Patient: c.Patient, ClinicalTime: now,
		Decision: &clinical.Decision{Entry: c.ID, Action: clinical.DecisionPush, Reason: strings.TrimSpace(reason)}}
	if err := j.Stamp(&d, strings.TrimSpace(by), now); err != nil {
		return clinical.Entry{}, err
	}
	if err := j.Record(ctx, c, d); err != nil {
		return clinical.Entry{}, err
	}
	return d, nil
}

// pending finds an entry a person may still decide on: in the journal,
// not a decision, not reconciled and not already corrected or cancelled.
func pending(ctx context.Context, j Journal, entry string) (*store.JournalEntry, error) {
	all, err := j.List(ctx)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(all, func(e store.JournalEntry) bool { return e.ID == entry })
	switch {
	case i < 0:
		return nil, refuse("no entry with that id in the journal")
	case all[i].Kind == clinical.KindDecision:
		return nil, refuse("a decision is not itself decided on")
	case all[i].State != store.StatePending:
		return nil, refuse("that entry is already reconciled (%s)", all[i].State)
	case all[i].Superseded():
		return nil, refuse("that entry was corrected or cancelled: decide on the latest one")
	}
	return &all[i], nil
}

func refuse(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrCannotDecide, fmt.Sprintf(format, a...))
}
