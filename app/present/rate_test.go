package present

import (
	"testing"

	"lifeboat/clinical"
)

// The rate as ordered follows the dosage, once: words that already say
// it are left as they are.
func TestTheMedicationLineCarriesTheRate(t *testing.T) {
	for _, tc := range []struct {
		m    clinical.Medication
		want string
	}{
		{clinical.Medication{Name: "NaCl 0.9 %", Status: "active", Dosage: "1000 mL IV", Rate: "125 mL/h"}, "NaCl 0.9 % — 1000 mL IV at 125 mL/h"},
		{clinical.Medication{Name: "NaCl 0.9 %", Status: "active", Dosage: "1000 mL IV at 125 ml/h", Rate: "125 mL/h"}, "NaCl 0.9 % — 1000 mL IV at 125 ml/h"},
		{clinical.Medication{Name: "Glucose 5 %", Status: "active", Rate: "1000 mL per 8 h"}, "Glucose 5 % — at 1000 mL per 8 h"},
		{clinical.Medication{Name: "Paracetamol 1 g", Status: "active", Dosage: "1 g oral"}, "Paracetamol 1 g — 1 g oral"},
	} {
		if got := MedicationLine(tc.m); got != tc.want {
			t.Errorf("%q, want %q", got, tc.want)
		}
	}
	r := MARRow{Order: clinical.Medication{Name: "NaCl 0.9 %", Status: "active", Dosage: "1000 mL IV", Rate: "125 mL/h"}}
	if got := r.Line(); got != "NaCl 0.9 % — 1000 mL IV at 125 mL/h" {
		t.Errorf("MAR line %q", got)
	}
	if got := OrderChoice(clinical.Medication{Name: "NaCl 0.9 %", Status: "active", Dosage: "1000 mL IV", Rate: "125 mL/h"}); got != "NaCl 0.9 % — 1000 mL IV at 125 mL/h" {
		t.Errorf("dose form choice %q", got)
	}
}
