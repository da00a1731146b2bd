package store

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"lifeboat/clinical"
)

// timedChart is testChart with its order given every 6 h, one dose given
// at 06:05 on 26/11 and the next not done at 12:10.
func timedChart(id, name, mrn string) clinical.Chart {
	c := testChart(id, name, mrn)
	m := &c.Medications.Items[0]
	m.Timing = clinical.Timing{Frequency: 1, Period: 6, PeriodUnit: "h"}
	m.LastGiven = time.Date(2026, 11, 26, 6, 5, 0, 0, time.Local)
	c.Administrations = clinical.Section[clinical.Administration]{Items: []clinical.Administration{
		{Medication: m.Name, Status: "completed", Time: m.LastGiven, OrderID: m.Source.ID,
			Source: clinical.Source{Type: "MedicationAdministration", ID: id + "-ad1"}},
		{Medication: m.Name, Status: "not-done", Reason: "refused", Time: time.Date(2026, 11, 26, 12, 10, 0, 0, time.Local),
			OrderID: m.Source.ID, Source: clinical.Source{Type: "MedicationAdministration", ID: id + "-ad2"}},
	}}
	return c
}

func sameFacts(a, b clinical.DoseFacts) bool {
	return bytes.Equal(encodeDoseFacts(a), encodeDoseFacts(b))
}

// The census table keeps each patient's dose facts from the seal, a
// delta replaces those of the patients it changes, and a ward sealed
// before they were kept says so (the kiosk then reads the charts), also
// after a delta that keeps them for the patients it brings.
func TestDoseFactsAreKeptInTheCensusAndFollowADelta(t *testing.T) {
	ctx := context.Background()
	timed := timedChart("p1", "Peeters, Maria", "MRN0000001")
	want := clinical.DoseFactsOf(&timed, doseFactsKept)
	if len(want.Orders) != 1 {
		t.Fatalf("facts %+v", want)
	}
	o := want.Orders[0]
	six, noon := time.Date(2026, 11, 26, 6, 0, 0, 0, time.Local), time.Date(2026, 11, 26, 12, 0, 0, 0, time.Local)
	if !o.IsDocumented(six) || !o.IsDocumented(noon) || o.IsDocumented(noon.Add(6*time.Hour)) || len(o.Documented) != 2 {
		t.Errorf("documented %v", o.Documented)
	}
	if due := o.Due(six, six.Add(24*time.Hour)); len(due) != 4 || !due[1].Equal(noon) {
		t.Errorf("due %v", due)
	}

	dir, keys, w, full := deltaVault(t)
	sealDelta(t, dir, keys, w, full, Delta{Upsert: []clinical.Chart{timed}, Order: []string{"p1", "p2", "p3"}})
	s, err := Open(ctx, dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	facts, ok, err := s.DoseFacts(ctx)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if !sameFacts(facts["p1"], want) {
		t.Errorf("p1 after a delta: %+v, want %+v", facts["p1"], want)
	}
	if f, has := facts["p2"]; !has || len(f.Orders) != 0 { // an order without fixed times has no doses
		t.Errorf("p2: %+v %v", f, has)
	}

	// A ward sealed before the facts were kept.
	old := wardWithout(t, "doses", testChart("p1", "Peeters, Maria", "MRN0000001"), testChart("p2", "Dubois, Jean", "MRN0000002"))
	if facts, ok, err := old.DoseFacts(ctx); ok || err != nil || facts != nil {
		t.Fatalf("old ward: %v %v %v", facts, ok, err)
	}
	applyDelta(t, old, []string{"p1", "p2"}, timed)
	facts, ok, err = old.DoseFacts(ctx)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if _, has := facts["p2"]; has {
		t.Error("p2, stored before the facts were kept, has facts")
	}
	if !sameFacts(facts["p1"], want) {
		t.Errorf("p1 after a delta onto an old ward: %+v", facts["p1"])
	}
}

// Of a long stay, the doses documented are kept from doseFactsKept before
// the newest record, the same as when all are kept.
func TestDoseFactsKeepTheLastDaysDocumented(t *testing.T) {
	c := timedChart("p1", "Peeters, Maria", "MRN0000001")
	m := c.Medications.Items[0]
	c.Administrations.Items = nil
	first := time.Date(2026, 11, 10, 0, 10, 0, 0, time.Local)
	for i := range 16 * 4 {
		c.Administrations.Items = append(c.Administrations.Items, clinical.Administration{Medication: m.Name, Status: "completed",
			Time: first.Add(time.Duration(i) * 6 * time.Hour), OrderID: m.Source.ID,
			Source: clinical.Source{Type: "MedicationAdministration", ID: fmt.Sprint("ad", i)}})
	}
	newest := first.Add(63 * 6 * time.Hour)
	c.Medications.Items[0].LastGiven = newest
	all, kept := clinical.DoseFactsOf(&c, 0).Orders[0], clinical.DoseFactsOf(&c, doseFactsKept).Orders[0]
	if !all.Since.IsZero() || !kept.Since.Equal(newest.Add(-doseFactsKept)) {
		t.Fatalf("since %v, %v", all.Since, kept.Since)
	}
	var from []time.Time
	for _, t := range all.Documented {
		if !t.Before(kept.Since) {
			from = append(from, t)
		}
	}
	if len(all.Documented) != 64 || len(from) != len(kept.Documented) || len(kept.Documented) < 4*4 {
		t.Fatalf("%d documented, %d kept of %d", len(all.Documented), len(kept.Documented), len(from))
	}
	for i := range from {
		if !from[i].Equal(kept.Documented[i]) {
			t.Fatalf("kept %v, want %v", kept.Documented, from)
		}
	}
}

func TestDoseFactsColumnReadsBackOrIsRefused(t *testing.T) {
	c := timedChart("p1", "Peeters, Maria", "MRN0000001")
	c.Medications.Items[0].Start = time.Date(2026, 11, 20, 9, 30, 15, 500, time.UTC)
	f := clinical.DoseFactsOf(&c, 0)
	b := encodeDoseFacts(f)
	got, err := decodeDoseFacts(b)
	if err != nil || !sameFacts(got, f) || !got.Orders[0].Start.Equal(f.Orders[0].Start) {
		t.Fatalf("%+v %v", got, err)
	}
	for i := range len(b) {
		if _, err := decodeDoseFacts(b[:i]); err == nil {
			t.Errorf("cut at %d of %d read", i, len(b))
		}
	}
	if _, err := decodeDoseFacts(append([]byte{9}, b[1:]...)); err == nil {
		t.Error("another format read")
	}
}
