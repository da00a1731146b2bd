package kiosk

import (
	"strings"
	"testing"
	"time"

	"lifeboat/app/present"
	"lifeboat/clinical"
)

// An infusion's volume and rate as ordered show on the chart's
// medication list and on the MAR tab, where the nurse hangs the bag.
func TestTheChartAndTheMARShowAnInfusionsRate(t *testing.T) {
	now := time.Now()
	dir := sealedWard(t, now.Add(-time.Hour), 0, clinical.Chart{
		Patient: clinical.Patient{ID: "p1", Name: "Test, p1", Sex: "female", Bed: "1", Source: src("Patient", "p1")},
		Medications: clinical.Section[clinical.Medication]{Status: clinical.Recorded, Items: []clinical.Medication{{
			Name: "NaCl 0.9 %", Status: "active", Dosage: "1000 mL IV", Dose: "1000 mL", Route: "IV", Rate: "125 mL/h",
			Source: src("MedicationRequest", "mr-nacl")}}},
	})
	k := kioskOn(t, dir, now)
	unlockWith(k, passphrase, "RN Peeters")
	k.openPatient("p1")
	const want = "NaCl 0.9 % — 1000 mL IV at 125 mL/h"
	if n := strings.Count(screenText(k), want); n < 2 {
		t.Errorf("%q shows %d times (chart and MAR):\n%s", want, n, screenText(k))
	}
	if got := present.DoseAndRoute(clinical.Medication{Dose: "1000 mL", Route: "IV", Rate: "125 mL/h"}); got != "1000 mL IV at 125 mL/h" {
		t.Errorf("the dose form reads %q", got)
	}
}
