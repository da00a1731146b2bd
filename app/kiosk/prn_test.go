package kiosk

import (
	"strings"
	"testing"
	"time"

	"lifeboat/app/present"
	"lifeboat/clinical"
)

// An order as needed given a moment ago: the MAR tab says when the next
// dose is allowed and the 24 h maximum, and a dose now is warned about
// before it is saved.
func TestAPRNOrderShowsItsLimitsAndADoseTooSoonWarns(t *testing.T) {
	now := time.Now().Truncate(time.Minute)
	given := now.Add(-10 * time.Minute)
	ibu := clinical.Medication{Name: "Ibuprofen 400 mg tablet", Status: "active", PRN: true, Dose: "400 mg", Route: "oral",
		Dosage: "400 mg oral every 8 h as needed, maximum 1200 mg per 24 hours", Timing: clinical.Timing{Frequency: 1, Period: 8, PeriodUnit: "h"},
		MaxDose: &clinical.MaxDose{Amount: 1200, Unit: "mg", Hours: 24}, LastGiven: given, Source: src("MedicationRequest", "ibu")}
	c := clinical.Chart{Patient: clinical.Patient{ID: "p1", Name: "Peeters, An", Sex: "female", Bed: "102-A", Source: src("Patient", "p1")}}
	c.Medications.Items = []clinical.Medication{ibu}
	c.Administrations.Items = []clinical.Administration{{Medication: ibu.Name, Status: "completed", Dose: "400 mg", Time: given,
		OrderID: "ibu", Source: src("MedicationAdministration", "a1")}}
	k := kioskOn(t, sealedWard(t, now.Add(-time.Hour), 0, c), now)
	unlockWith(k, passphrase, "RN Peeters")
	k.openPatient("p1")
	text := tabText(k, present.TabMAR)
	for _, want := range []string{"Next allowed from " + present.DateTime(given.Add(8*time.Hour)) + " (every 8 h)",
		"Maximum 1200 mg per 24 h: 400 mg given in that time"} {
		if !strings.Contains(text, want) {
			t.Errorf("the MAR tab does not say %q:\n%s", want, text)
		}
	}
	f := openForm(t, k, present.RecordDoseButton)
	order := field[*formSelect](t, f, present.OrderLabel)
	order.TypedRune('i')
	field[*formSelect](t, f, present.OutcomeLabel).TypedRune('g')
	enter(k, order)
	if w := warningTexts(f); !strings.Contains(strings.ToLower(w), "the next is allowed from") {
		t.Fatalf("warnings = %q (%q)", w, f.message.Text)
	}
	if len(recorded(t, k)) != 0 {
		t.Fatal("recorded without Save anyway")
	}
	tapSave(k, f.anyway)
	if len(recorded(t, k)) != 1 {
		t.Fatalf("not recorded after Save anyway: %q", f.message.Text)
	}
}
