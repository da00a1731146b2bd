package reconcile

import (
	"context"
	"time"

	"lifeboat/clinical"
	"lifeboat/store"
)

// Journal is what reconciliation reads and writes of a journal: one
// kiosk's (*store.Journal, at the kiosk), or the hospital's, every
// kiosk's journal handed in to the hub read as one (*store.Journals),
// with the decisions taken there recorded in a journal of their own.
type Journal interface {
	// List is every entry, verified and decrypted, with its state.
	List(ctx context.Context) ([]store.JournalEntry, error)
	// Resources is what each entry became in the EHR, by entry id.
	Resources(ctx context.Context) (map[string][]store.ServerRef, error)
	// Check is what verification finds: forged, altered, missing entries.
	Check(ctx context.Context) (store.JournalCheck, error)
	// Reconciled records final states and resources.
	Reconciled(ctx context.Context, states map[string]string, resources map[string][]store.ServerRef) error
	// Stamp and Record record a person's decisions.
	Stamp(e *clinical.Entry, author string, now time.Time) error
	Record(ctx context.Context, entries ...clinical.Entry) error
}

var (
	_ Journal = (*store.Journal)(nil)
	_ Journal = (*store.Journals)(nil)
)
