package pack

import (
	"strings"
	"testing"

	"lifeboat/clinical"
)

// An infusion's volume and rate as ordered are printed where the bag is
// hung: on the MAR page and on the medication list.
func TestTheInfusionRateIsPrinted(t *testing.T) {
	needPoppler(t)
	c := emile()
	c.Medications.Items = append(c.Medications.Items, clinical.Medication{Name: "NaCl 0.9 %", Status: "active",
		Dosage: "1000 mL IV", Dose: "1000 mL", Route: "IV", Rate: "125 mL/h", Source: src("MedicationRequest", "mr-nacl")})
	path, _ := writePack(t, Pack{Manifest: manifest(), Printed: printed, Patients: []Patient{{Chart: c}}})
	var mar, other bool
	for _, p := range rawPages(t, path) {
		if !strings.Contains(squeeze(p), "NaCl 0.9 % — 1000 mL IV at 125 mL/h") {
			continue
		}
		if strings.Contains(p, "Medication administration record") {
			mar = true
		} else {
			other = true
		}
	}
	if !mar || !other {
		t.Errorf("the rate on the MAR %v, on another page %v", mar, other)
	}
}
