package present

import (
	"slices"
	"testing"
	"time"

	"lifeboat/app/i18n"
	"lifeboat/clinical"
	"lifeboat/store"
)

// An order as needed says when the next dose is allowed and its maximum
// per 24 h with what was given, counting the snapshot and the journal.
func TestTheMARSaysWhenTheNextPRNDoseIsAllowedAndItsMaximum(t *testing.T) {
	now := at(14, 0)
	ibu := clinical.Medication{Name: "Ibuprofen 400 mg", Status: "active", PRN: true, LastGiven: at(14, 0),
		Timing: clinical.Timing{Frequency: 1, Period: 8, PeriodUnit: "h"}, MaxDose: &clinical.MaxDose{Amount: 1200, Unit: "mg", Hours: 24},
		Source: clinical.Source{ID: "mr-ibu"}}
	c := &clinical.Chart{}
	c.Medications.Items = []clinical.Medication{ibu}
	c.Administrations.Items = []clinical.Administration{{Medication: "Ibuprofen", Status: "completed", Dose: "400 mg", Time: at(14, 0), OrderID: "mr-ibu"}}
	v := NewMARView(c, nil, now)
	lines, soon, over := PRNLines(v.PRN[0], now)
	want := []string{"Next allowed from " + DateTime(at(22, 0)) + " (every 8 h)", "Maximum 1200 mg per 24 h: 400 mg given in that time"}
	if !slices.Equal(lines, want) || !soon || over {
		t.Errorf("got %q %v %v, want %q", lines, soon, over, want)
	}
	// Two more recorded during downtime reach the maximum; one cancelled
	// does not count.
	dose := func(id string, h int) store.JournalEntry {
		return store.JournalEntry{Entry: clinical.Entry{ID: id, Kind: clinical.KindMedication, ClinicalTime: at(h, 0),
			Medication: &clinical.Administered{Outcome: clinical.OutcomeGiven, OrderID: "mr-ibu", Dose: &clinical.Quantity{Value: 400, Unit: "mg"}}}}
	}
	c.Administrations.Items[0].Time, ibu.LastGiven = at(0, 0), at(0, 0)
	c.Medications.Items[0] = ibu
	v = NewMARView(c, []store.JournalEntry{dose("e1", 8), dose("e2", 6)}, now.Add(2*time.Hour))
	lines, soon, over = PRNLines(v.PRN[0], now.Add(2*time.Hour))
	want = []string{"Next allowed now (every 8 h)", "Maximum 1200 mg per 24 h: 1200 mg given in that time"}
	if !slices.Equal(lines, want) || soon || !over {
		t.Errorf("got %q %v %v, want %q", lines, soon, over, want)
	}
	// A dose given in grams counts against a maximum in mg; one of
	// unknown amount makes the total unknown, said so.
	c.Administrations.Items[0].Dose = "0.4 g"
	v = NewMARView(c, []store.JournalEntry{dose("e1", 8)}, now.Add(2*time.Hour))
	lines, _, over = PRNLines(v.PRN[0], now.Add(2*time.Hour))
	if want := "Maximum 1200 mg per 24 h: 800 mg given in that time"; lines[len(lines)-1] != want || over {
		t.Errorf("in grams: %q %v, want %q", lines, over, want)
	}
	c.Administrations.Items[0].Dose = ""
	v = NewMARView(c, []store.JournalEntry{dose("e1", 8)}, now.Add(2*time.Hour))
	lines, _, over = PRNLines(v.PRN[0], now.Add(2*time.Hour))
	if want := "Maximum 1200 mg per 24 h: 400 mg given in that time, and 1 dose of unknown amount: check the total"; lines[len(lines)-1] != want || !over {
		t.Errorf("unknown amount: %q %v, want %q", lines, over, want)
	}
	// No maximum stated.
	ibu.MaxDose = nil
	c.Medications.Items[0] = ibu
	lines, _, _ = PRNLines(NewMARView(c, nil, now).PRN[0], now)
	if lines[len(lines)-1] != "No maximum per 24 h stated in the order" {
		t.Errorf("no maximum: %q", lines)
	}
}

// A PRN interval reads in hours, in the language in use.
func TestEveryHoursReadsInTheLanguageInUse(t *testing.T) {
	t.Cleanup(func() { i18n.Set(i18n.English) })
	if got := everyHours(4 * time.Hour); got != "4 h" {
		t.Errorf("English: %q", got)
	}
	i18n.Set(i18n.Dutch)
	if got := everyHours(90 * time.Minute); got != "1,5 u" && got != "1.5 u" {
		t.Errorf("Dutch: %q", got)
	}
}
