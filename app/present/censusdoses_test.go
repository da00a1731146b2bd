package present

import (
	"context"
	"testing"
	"time"

	"lifeboat/clinical"
	"lifeboat/store"
	"lifeboat/store/storetest"
)

// The census's doses from the facts kept in the snapshot's census table
// are those of the chart's MAR, for every patient of a synthetic ward, at
// the data time and as the clock passes, with doses recorded (given, held)
// and one cancelled during downtime.
func TestCensusDosesFromTheCensusTableAreTheMARs(t *testing.T) {
	asOf := time.Date(2026, 11, 26, 6, 15, 0, 0, time.UTC)
	w, charts := storetest.SyntheticWard(t, 60, 3, asOf)
	ctx := context.Background()
	facts, ok, err := w.DoseFacts(ctx)
	if err != nil || !ok || len(facts) != len(charts) {
		t.Fatalf("%d facts, %v, %v", len(facts), ok, err)
	}
	compared, overdue, recorded := 0, 0, 0
	for _, c := range charts {
		id := c.Patient.ID
		chart, err := w.Chart(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		// Downtime entries: the first open dose of each order given 40 min
		// late, the second held, the third given and then cancelled.
		var entries []store.JournalEntry
		mar := NewMARView(chart, nil, asOf)
		for _, o := range mar.Scheduled {
			var open []Dose
			for _, d := range o.Doses {
				if d.Record == nil {
					open = append(open, d)
				}
			}
			for i, d := range open[:min(len(open), 3)] {
				outcome := []string{clinical.OutcomeGiven, clinical.OutcomeHeld, clinical.OutcomeGiven}[i]
				e := store.JournalEntry{Entry: clinical.Entry{Kind: clinical.KindMedication, Patient: id,
					ClinicalTime: d.Time.Add(40 * time.Minute),
					Medication:   &clinical.Administered{Outcome: outcome, OrderID: o.Order.Source.ID}}}
				if i == 2 {
					e.SupersededBy = "cancelled"
				}
				entries = append(entries, e)
				recorded++
			}
		}
		for _, with := range [][]store.JournalEntry{nil, entries} {
			for _, h := range []time.Duration{0, time.Hour, 7 * time.Hour, 20 * time.Hour, 30 * time.Hour} {
				now := asOf.Add(h)
				got, ok := clinical.CensusDosesOf(facts[id], with, now)
				if !ok {
					t.Fatalf("%s: the facts do not reach %v", id, now)
				}
				v := NewMARView(chart, with, now)
				if g, w := got.Overdue(now), v.Overdue(now); g != w {
					t.Errorf("%s at +%v: %d overdue, the MAR says %d", id, h, g, w)
				}
				overdue += got.Overdue(now)
				gn, gok := got.Next(now)
				wn, _, wok := v.Next(now)
				if gok != wok || (gok && !gn.Time.Equal(wn.Time)) {
					t.Errorf("%s at +%v: next %v %v, the MAR says %v %v", id, h, gn.Time, gok, wn.Time, wok)
				}
				if n := clinical.NewCensusDoses(chart, with, now); n.Overdue(now) != got.Overdue(now) {
					t.Errorf("%s at +%v: from the chart %d overdue, from the facts %d", id, h, n.Overdue(now), got.Overdue(now))
				}
				compared++
			}
		}
	}
	if overdue == 0 || recorded == 0 {
		t.Fatalf("the ward has no dose overdue (%d) or recorded (%d): nothing compared", overdue, recorded)
	}
	t.Logf("%d comparisons, %d overdue, %d entries", compared, overdue, recorded)

	// A clock far behind the facts kept: the chart says them.
	for _, f := range facts {
		for _, o := range f.Orders {
			if !o.Since.IsZero() {
				if _, ok := clinical.CensusDosesOf[store.JournalEntry](f, nil, o.Since); ok {
					t.Fatal("facts read before they were kept")
				}
				return
			}
		}
	}
}
