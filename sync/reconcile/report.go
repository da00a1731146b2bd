package reconcile

import (
	"time"

	"lifeboat/clinical"
	"lifeboat/store"
)

// ReportKind names reconciliation reports among the kiosk's sealed reports.
const ReportKind = "reconcile"

// Totals counts entries by where they stand.
type Totals struct {
	Created      int `json:"created"`
	AlreadyThere int `json:"alreadyThere"`
	Linked       int `json:"linked"`
	Skipped      int `json:"skipped"`
	Superseded   int `json:"superseded"` // corrected or cancelled before they were pushed
	Local        int `json:"local"`      // decisions, cancellations of entries never pushed
	Conflict     int `json:"conflict"`
	NeedsLink    int `json:"needsLink"`
	Failed       int `json:"failed"`
	Pending      int `json:"pending"` // still to push (a dry run, or a run stopped early)
}

func (t *Totals) add(state string, outcome Outcome) {
	switch state {
	case store.StateCreated:
		t.Created++
	case store.StateAlreadyThere:
		t.AlreadyThere++
	case store.StateLinked:
		t.Linked++
	case store.StateSkipped:
		t.Skipped++
	case store.StateSuperseded:
		t.Superseded++
	case store.StateLocal:
		t.Local++
	default:
		switch outcome {
		case Conflict:
			t.Conflict++
		case NeedsLink:
			t.NeedsLink++
		case Failed:
			t.Failed++
		default:
			t.Pending++
		}
	}
}

// Report is the record of a reconciliation for the hospital: where every
// entry stands, per kind and per author, every item a person must decide
// or decided, and every decision with who took it, when and why.
type Report struct {
	Format   int               `json:"format"`
	KioskID  string            `json:"kioskId"`
	Server   string            `json:"server"`
	DryRun   bool              `json:"dryRun,omitempty"`
	Started  time.Time         `json:"started"`
	Finished time.Time         `json:"finished"`
	Stopped  string            `json:"stopped,omitempty"` // why the run stopped before the end
	Rounds   int               `json:"rounds,omitempty"`
	Totals   Totals            `json:"totals"`
	ByKind   map[string]Totals `json:"byKind"`
	ByAuthor map[string]Totals `json:"byAuthor"`
	// ByWard and ByKiosk are the hospital's reconciliation's, at the hub
	// (entries by the ward of the kiosk they were recorded on; decisions
	// taken at the hub under the hub's id and no ward).
	ByWard    map[string]Totals            `json:"byWard,omitempty"`
	ByKiosk   map[string]Totals            `json:"byKiosk,omitempty"`
	Items     []Item                       `json:"items"`               // what waits for a person, failed, or was decided by one
	Decisions []DecisionRecord             `json:"decisions"`           // every decision, in the order taken
	Resources map[string][]store.ServerRef `json:"resources,omitempty"` // what each entry became in the EHR
	// Unverified: entries that failed verification (never pushed) and
	// entries missing from the journal, for a person to look into.
	Unverified []store.JournalProblem `json:"unverified,omitempty"`
}

// DecisionRecord is one decision as the journal holds it.
type DecisionRecord struct {
	Decision string    `json:"decision"` // the decision entry's id
	Entry    string    `json:"entry"`    // the entry decided on
	Action   string    `json:"action"`
	Reason   string    `json:"reason,omitempty"`
	LinkTo   string    `json:"linkTo,omitempty"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
}

// NewReport puts a journal and the last plan together. entries are the
// journal's entries after the run; plan may be nil (a run that could not
// plan at all). wardOf, for the hospital's reconciliation, names the ward
// of each kiosk, and the report then counts per ward and per kiosk too.
func NewReport(entries []store.JournalEntry, resources map[string][]store.ServerRef, plan *Plan, wardOf func(kiosk string) string) *Report {
	rep := &Report{Format: 1, ByKind: map[string]Totals{}, ByAuthor: map[string]Totals{}, Items: []Item{},
		Decisions: []DecisionRecord{}, Resources: resources}
	if wardOf != nil {
		rep.ByWard, rep.ByKiosk = map[string]Totals{}, map[string]Totals{}
	}
	outcome := map[string]*Item{}
	if plan != nil {
		rep.Unverified = plan.Unverified
		for i := range plan.Items {
			outcome[plan.Items[i].Entry] = &plan.Items[i]
		}
	}
	for _, e := range entries {
		var o Outcome
		it := outcome[e.ID]
		if it != nil {
			o = it.Outcome
		}
		rep.Totals.add(e.State, o)
		k, a := rep.ByKind[string(e.Kind)], rep.ByAuthor[e.Author]
		k.add(e.State, o)
		a.add(e.State, o)
		rep.ByKind[string(e.Kind)], rep.ByAuthor[e.Author] = k, a
		if wardOf != nil {
			w, ks := rep.ByWard[wardOf(e.KioskID)], rep.ByKiosk[e.KioskID]
			w.add(e.State, o)
			ks.add(e.State, o)
			rep.ByWard[wardOf(e.KioskID)], rep.ByKiosk[e.KioskID] = w, ks
		}
		if e.Kind == clinical.KindDecision {
			d := e.Decision
			rep.Decisions = append(rep.Decisions, DecisionRecord{Decision: e.ID, Entry: d.Entry, Action: d.Action,
				Reason: d.Reason, LinkTo: d.LinkTo, By: e.Author, At: e.ClinicalTime})
		}
		if it != nil && (it.Outcome == Conflict || it.Outcome == NeedsLink || it.Outcome == Failed || it.Decision != nil) {
			rep.Items = append(rep.Items, *it)
		}
	}
	return rep
}
