package present

import (
	"slices"
	"testing"
	"time"

	"lifeboat/clinical"
	"lifeboat/store"
)

var marAsOf = time.Date(2026, 11, 26, 6, 15, 0, 0, time.Local)

func at(h, m int) time.Time { return time.Date(2026, 11, 26, h, m, 0, 0, time.Local) }

func order(id, name string, t clinical.Timing) clinical.Medication {
	return clinical.Medication{Name: name, Status: "active", Timing: t, Source: clinical.Source{Type: "MedicationRequest", ID: id}}
}

func clocks(ts []time.Time) []string {
	var out []string
	for _, t := range ts {
		out = append(out, Clock(t))
	}
	return out
}

func TestTheMARListsTheDosesOfTheWindowFromEachOrdersTiming(t *testing.T) {
	c := &clinical.Chart{}
	daily := clinical.Timing{Frequency: 2, Period: 1, PeriodUnit: "d", TimesOfDay: []string{"08:00", "20:00"}}
	c.Medications.Items = []clinical.Medication{
		order("mr-evening", "Enoxaparin", clinical.Timing{Frequency: 1, Period: 1, PeriodUnit: "d", TimesOfDay: []string{"18:00"}}),
		order("mr-twice", "Bisoprolol", daily),
		order("mr-8h", "Piperacillin", clinical.Timing{Frequency: 1, Period: 8, PeriodUnit: "h"}),
		{Name: "Morphine", Status: "active", PRN: true, Timing: clinical.Timing{Frequency: 1, Period: 4, PeriodUnit: "h"}},
		{Name: "Movicol", Status: "active"},
		{Name: "Amoxicillin", Status: "stopped", Timing: daily},
		{Name: "Furosemide", Status: "on-hold", Timing: daily},
	}
	rows := MAR(c, nil, marAsOf, marAsOf.Add(PackMARWindow))
	var names []string
	for _, r := range rows {
		names = append(names, r.Order.Name)
	}
	if want := []string{"Bisoprolol", "Piperacillin", "Enoxaparin", "Movicol", "Morphine"}; !slices.Equal(names, want) {
		t.Fatalf("rows %v, want %v (by first dose, then unscheduled, then as needed; active only)", names, want)
	}
	want := map[string][]string{"Bisoprolol": {"08:00"}, "Piperacillin": {"14:00"}, "Enoxaparin": {"18:00"}}
	for _, r := range rows {
		if got := clocks(r.Due); !slices.Equal(got, want[r.Order.Name]) {
			t.Errorf("%s due %v, want %v", r.Order.Name, got, want[r.Order.Name])
		}
	}
	if rows[3].Unscheduled != NoTiming || rows[4].Unscheduled != "" || rows[4].Due != nil {
		t.Errorf("an order without timing says %q; an as-needed one %q %v", rows[3].Unscheduled, rows[4].Unscheduled, rows[4].Due)
	}
}

func TestNoDoseFallsOutsideTheOrdersOwnStartAndEnd(t *testing.T) {
	m := order("mr-1", "Paracetamol", clinical.Timing{Frequency: 1, Period: 6, PeriodUnit: "h"})
	from, to := marAsOf, marAsOf.Add(PackMARWindow)
	m.End = at(13, 0)
	if due, why := Due(m, from, to); !slices.Equal(clocks(due), []string{"12:00"}) || why != "" {
		t.Errorf("ending at 13:00: %v %q", clocks(due), why)
	}
	m.End = at(5, 0)
	if due, why := Due(m, from, to); due != nil || why != OrderEnded {
		t.Errorf("ended at 05:00: %v %q", clocks(due), why)
	}
	m.End, m.Start = time.Time{}, at(19, 0)
	if due, why := Due(m, from, to); due != nil || why != OrderStarts {
		t.Errorf("starting at 19:00: %v %q", clocks(due), why)
	}
	m.Start = at(12, 30)
	if due, _ := Due(m, from, to); !slices.Equal(clocks(due), []string{"18:00"}) {
		t.Errorf("starting at 12:30: %v", clocks(due))
	}
	m = order("mr-2", "Something", clinical.Timing{Frequency: 1, Period: 5, PeriodUnit: "h"})
	if due, why := Due(m, from, to); due != nil || why != OffTheGrid {
		t.Errorf("every 5 h: %v %q", clocks(due), why)
	}
}

func TestADoseRecordedGivenDuringDowntimeIsTheLastDose(t *testing.T) {
	m := order("mr-1", "Paracetamol", clinical.Timing{Frequency: 1, Period: 6, PeriodUnit: "h"})
	m.LastGiven = at(0, 10)
	given := func(id, orderID, outcome string, when time.Time) store.JournalEntry {
		return store.JournalEntry{Entry: clinical.Entry{ID: id, Kind: clinical.KindMedication, ClinicalTime: when,
			Medication: &clinical.Administered{Outcome: outcome, OrderID: orderID}}}
	}
	cancelled := given("e3", "mr-1", clinical.OutcomeGiven, at(9, 0))
	cancelled.SupersededBy, cancelled.Cancelled = "e4", true
	entries := []store.JournalEntry{
		given("e1", "mr-1", clinical.OutcomeGiven, at(6, 5)),
		given("e2", "mr-1", clinical.OutcomeRefused, at(8, 0)),
		cancelled,
		given("e5", "mr-other", clinical.OutcomeGiven, at(10, 0)),
	}
	last, inDowntime := clinical.LastGiven(m, entries)
	if !last.Equal(at(6, 5)) || !inDowntime {
		t.Errorf("last given %v (downtime %v), want 06:05 from the journal", last, inDowntime)
	}
	if last, inDowntime := clinical.LastGiven[store.JournalEntry](m, nil); !last.Equal(at(0, 10)) || inDowntime {
		t.Errorf("without entries: %v %v", last, inDowntime)
	}
	c := &clinical.Chart{}
	c.Medications.Items = []clinical.Medication{m}
	r := MAR(c, entries, marAsOf, marAsOf.Add(PackMARWindow))[0]
	if want := "Paracetamol; last given " + DateTime(at(6, 5)) + " (recorded during downtime)"; r.Line() != want {
		t.Errorf("line %q, want %q", r.Line(), want)
	}
}

func TestNextDueNamesTheFirstDoseOfAnyOrder(t *testing.T) {
	c := &clinical.Chart{}
	c.Medications.Items = []clinical.Medication{
		order("a", "Enoxaparin", clinical.Timing{TimesOfDay: []string{"18:00"}}),
		order("b", "Bisoprolol", clinical.Timing{TimesOfDay: []string{"08:00"}}),
	}
	from := marAsOf
	if got := NextDueLine(c, nil, from, from.Add(PackMARWindow)); got != "08:00 Bisoprolol" {
		t.Errorf("next due %q", got)
	}
	late := at(21, 0)
	if got := NextDueLine(c, nil, late, late.Add(PackMARWindow)); got != DateTime(at(8, 0).AddDate(0, 0, 1))+" Bisoprolol" {
		t.Errorf("next due after 21:00 %q", got)
	}
	if got := NextDueLine(&clinical.Chart{}, nil, from, from.Add(time.Hour)); got != "none due by "+DateTime(from.Add(time.Hour)) {
		t.Errorf("no orders: %q", got)
	}
}
