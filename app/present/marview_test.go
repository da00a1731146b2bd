package present

import (
	"slices"
	"testing"
	"time"

	"lifeboat/clinical"
	"lifeboat/store"
)

// every6h is Paracetamol every 6 h: 00:00, 06:00, 12:00 and 18:00.
func every6h() clinical.Medication {
	return order("mr-para", "Paracetamol", clinical.Timing{Frequency: 1, Period: 6, PeriodUnit: "h"})
}

func doseAt(v MARView, order string, t time.Time) (Dose, bool) {
	for _, o := range v.Scheduled {
		if o.Order.Name != order {
			continue
		}
		for _, d := range o.Doses {
			if d.Time.Equal(t) {
				return d, true
			}
		}
	}
	return Dose{}, false
}

func entryGiven(id, orderID, outcome string, when time.Time) store.JournalEntry {
	return store.JournalEntry{Entry: clinical.Entry{ID: id, Kind: clinical.KindMedication, ClinicalTime: when, Author: "RN Peeters",
		EnteredAt: when.Add(2 * time.Minute), Medication: &clinical.Administered{Outcome: outcome, OrderID: orderID, Medication: "Paracetamol"}}}
}

func TestTheMARMarksDosesDueOverdueAndUpcomingAtTheClock(t *testing.T) {
	m := every6h()
	m.LastGiven = at(0, 5) // the 00:00 dose, in the snapshot
	c := &clinical.Chart{}
	c.Medications.Items = []clinical.Medication{m}
	now := at(12, 10)
	v := NewMARView(c, nil, now)
	if !v.From.Equal(at(0, 10)) || !v.To.Equal(at(12, 10).AddDate(0, 0, 1)) {
		t.Fatalf("window %v to %v", v.From, v.To)
	}
	var got []string
	for _, d := range v.Scheduled[0].Doses {
		got = append(got, ShortDateTime(d.Time)+" "+DoseStateWord(d, now))
	}
	want := []string{"26/11 06:00 OVERDUE", "26/11 12:00 DUE NOW", "26/11 18:00 upcoming", "27/11 00:00 upcoming",
		"27/11 06:00 upcoming", "27/11 12:00 upcoming"}
	if !slices.Equal(got, want) {
		t.Fatalf("doses\n%q, want\n%q (00:00 was given before the window, and is not in it)", got, want)
	}
	if n := v.Overdue(now); n != 1 {
		t.Errorf("%d overdue, want 1", n)
	}
	if d, o, ok := v.Next(now); !ok || !d.Time.Equal(at(12, 0)) || o.Name != "Paracetamol" {
		t.Errorf("next %v %q %v, want the 12:00 dose due now", d.Time, o.Name, ok)
	}
	// The window of DueWindow either side of the dose's time.
	noon, _ := doseAt(v, "Paracetamol", at(12, 0))
	for _, c := range []struct {
		now  time.Time
		want clinical.DoseState
	}{
		{at(11, 29), clinical.DoseUpcoming}, {at(11, 30), clinical.DoseDue}, {at(12, 30), clinical.DoseDue}, {at(12, 31), clinical.DoseOverdue},
	} {
		if s := noon.State(c.now); s != c.want {
			t.Errorf("the 12:00 dose at %s: state %d, want %d", Clock(c.now), s, c.want)
		}
	}
	if s := MARSummary(v, now); s != "1 dose OVERDUE · next due 26/11 12:00 Paracetamol" {
		t.Errorf("summary %q", s)
	}
}

func TestADoseRecordedGivenDuringDowntimeClearsTheOverdue(t *testing.T) {
	c := &clinical.Chart{}
	c.Medications.Items = []clinical.Medication{every6h()}
	now := at(9, 0)
	if n := NewMARView(c, nil, now).Overdue(now); n != 2 {
		t.Fatalf("%d overdue without any dose documented, want 2 (00:00 and 06:00)", n)
	}
	given := entryGiven("e1", "mr-para", clinical.OutcomeGiven, at(6, 40))
	v := NewMARView(c, []store.JournalEntry{given}, now)
	d, _ := doseAt(v, "Paracetamol", at(6, 0))
	if d.State(now) != clinical.DoseGiven || d.Record == nil || d.Record.Entry == nil || d.Record.Entry.ID != "e1" {
		t.Fatalf("the 06:00 dose: state %d, record %+v; want given by the downtime entry", d.State(now), d.Record)
	}
	if w := DoseStateWord(d, now); w != "given 06:40" {
		t.Errorf("cell says %q", w)
	}
	if n := v.Overdue(now); n != 1 {
		t.Errorf("%d overdue, want 1 (00:00 only)", n)
	}
	if len(v.Scheduled[0].Downtime) != 1 || !v.Scheduled[0].LastGivenInDowntime || !v.Scheduled[0].LastGiven.Equal(at(6, 40)) {
		t.Errorf("order row %+v: the downtime dose is its entry and its last dose", v.Scheduled[0].MARRow)
	}
	if l := DowntimeDoseLine(given); l != "Recorded during downtime: 26/11/2026 06:40 · Paracetamol · given — RN Peeters, entered 26/11/2026 06:42" {
		t.Errorf("line %q", l)
	}

	// A cancelled entry documents nothing; another order's dose neither.
	cancelled := given
	cancelled.SupersededBy, cancelled.Cancelled = "e9", true
	other := entryGiven("e2", "mr-other", clinical.OutcomeGiven, at(6, 40))
	v = NewMARView(c, []store.JournalEntry{cancelled, other}, now)
	if n := v.Overdue(now); n != 2 {
		t.Errorf("%d overdue with a cancelled entry and another order's, want 2", n)
	}
	if len(v.Other) != 1 || v.Other[0].ID != "e2" {
		t.Errorf("other downtime doses %+v, want the other order's", v.Other)
	}

	// A dose refused is not given, and not overdue: someone decided.
	refused := entryGiven("e3", "mr-para", clinical.OutcomeRefused, at(6, 10))
	refused.Medication.Reason = "nauseous"
	v = NewMARView(c, []store.JournalEntry{refused}, now)
	d, _ = doseAt(v, "Paracetamol", at(6, 0))
	if d.State(now) != clinical.DoseNotGiven || DoseStateWord(d, now) != "refused 06:10" || v.Overdue(now) != 1 {
		t.Errorf("refused: state %d %q, %d overdue", d.State(now), DoseStateWord(d, now), v.Overdue(now))
	}
}

func TestAnAdministrationDocumentsTheDoseNearestToIt(t *testing.T) {
	m := order("mr-bid", "Bisoprolol", clinical.Timing{TimesOfDay: []string{"02:00", "08:00"}})
	c := &clinical.Chart{}
	c.Medications.Items = []clinical.Medication{m}
	// Given 40 min early for 08:00: the 08:00 dose, not the 02:00 one.
	c.Administrations.Items = []clinical.Administration{{Medication: "Bisoprolol", Status: "completed", Time: at(7, 20), OrderID: "mr-bid"}}
	now := at(8, 45)
	v := NewMARView(c, nil, now)
	two, _ := doseAt(v, "Bisoprolol", at(2, 0))
	eight, _ := doseAt(v, "Bisoprolol", at(8, 0))
	if two.State(now) != clinical.DoseOverdue || eight.State(now) != clinical.DoseGiven {
		t.Fatalf("02:00 %d, 08:00 %d: the early dose belongs to 08:00", two.State(now), eight.State(now))
	}
	// An administration without the order's id documents nothing, even of
	// the same medication.
	c.Administrations.Items[0].OrderID = ""
	if n := NewMARView(c, nil, now).Overdue(now); n != 2 {
		t.Errorf("%d overdue, want 2: a dose is never matched by name", n)
	}
}

func TestAsNeededAndInactiveOrdersAreListedApart(t *testing.T) {
	prn := clinical.Medication{Name: "Morphine", Status: "active", PRN: true, PRNReason: "pain", LastGiven: at(3, 0),
		Timing: clinical.Timing{Frequency: 1, Period: 4, PeriodUnit: "h"}, Source: clinical.Source{ID: "mr-morph"}}
	held := order("mr-held", "Furosemide", clinical.Timing{TimesOfDay: []string{"08:00"}})
	held.Status = "on-hold"
	loose := clinical.Medication{Name: "Movicol", Status: "active", Source: clinical.Source{ID: "mr-mov"}}
	c := &clinical.Chart{}
	c.Medications.Items = []clinical.Medication{prn, held, every6h(), loose}
	now := at(8, 0)
	v := NewMARView(c, nil, now)
	if len(v.PRN) != 1 || v.PRN[0].Order.Name != "Morphine" || len(v.PRN[0].Doses) != 0 {
		t.Fatalf("as needed %+v", v.PRN)
	}
	var names []string
	for _, o := range v.Scheduled {
		names = append(names, o.Order.Name)
	}
	if !slices.Equal(names, []string{"Paracetamol", "Movicol"}) || v.Scheduled[1].Unscheduled != NoTiming {
		t.Errorf("scheduled %v (%q)", names, v.Scheduled[len(v.Scheduled)-1].Unscheduled)
	}
	if len(v.Inactive) != 1 || v.Inactive[0].Name != "Furosemide" {
		t.Errorf("inactive %+v", v.Inactive)
	}
	if l := LastGivenLine(v.PRN[0].MARRow, now); l != "Last given 26/11/2026 03:00, 5 h 0 min ago" {
		t.Errorf("last given %q", l)
	}
	if n := v.Overdue(now); n != 2 {
		t.Errorf("%d overdue, want 2 (Paracetamol at 00:00 and 06:00): the as-needed order has no schedule", n)
	}
}

func TestTheCensusReadsTheSameDosesAsTheMARAtAnyLaterTime(t *testing.T) {
	c := &clinical.Chart{}
	c.Medications.Items = []clinical.Medication{every6h(),
		order("mr-eve", "Enoxaparin", clinical.Timing{TimesOfDay: []string{"18:00"}})}
	entries := []store.JournalEntry{entryGiven("e1", "mr-para", clinical.OutcomeGiven, at(6, 5))}
	read := at(9, 0)
	d := clinical.NewCensusDoses(c, entries, read)
	for _, now := range []time.Time{read, at(12, 45), at(18, 10), at(23, 0), read.Add(20 * time.Hour)} {
		v := NewMARView(c, entries, now)
		next, ok := d.Next(now)
		want, wantOrder, wantOK := v.Next(now)
		if d.Overdue(now) != v.Overdue(now) || ok != wantOK || !next.Time.Equal(want.Time) || next.Order != wantOrder.Name {
			t.Errorf("at %s: census %d overdue, next %v %q; MAR %d, %v %q", DateTime(now), d.Overdue(now), next.Time,
				next.Order, v.Overdue(now), want.Time, wantOrder.Name)
		}
	}
	if d.Stale(read.Add(20*time.Hour)) || !d.Stale(read.Add(25*time.Hour)) {
		t.Error("the doses read are good for a day")
	}
	if got := CensusNextDose(clinical.OpenDose{Time: at(18, 0)}, true, at(9, 0)); got != "next 18:00" {
		t.Errorf("today %q", got)
	}
	if got := CensusNextDose(clinical.OpenDose{Time: at(6, 0).AddDate(0, 0, 1)}, true, at(21, 0)); got != "next 27/11 06:00" {
		t.Errorf("tomorrow %q", got)
	}
	if got := CensusOverdue(2); got != "2 OVERDUE" {
		t.Errorf("overdue %q", got)
	}
}

// A time of another day always carries its date, whatever the hour: the
// test of a dose given after midnight for one due before it failed only when
// run between midnight and two.
func TestClockOnGivesTheDateOfAnotherDay(t *testing.T) {
	day := time.Date(2026, 12, 6, 22, 35, 0, 0, time.Local)
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{day.Add(-22 * time.Hour), "00:35"},
		{day.Add(84 * time.Minute), "23:59"},
		{day.Add(85 * time.Minute), "07/12 00:00"},
		{day.Add(-23 * time.Hour), "05/12 23:35"},
	} {
		if got := ClockOn(c.at, day); got != c.want {
			t.Errorf("ClockOn(%s) = %q", c.at, got)
		}
	}
}
