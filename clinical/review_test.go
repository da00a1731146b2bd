package clinical

import "testing"

func TestAllergyMatchingIsByWholeWordsInAnyCase(t *testing.T) {
	cases := []struct {
		substance, medication string
		match                 bool
	}{
		{"Penicillin", "penicillin V 500 mg", true},
		{"Penicillins", "Penicillin G", true},
		{"Amoxicillin/clavulanate", "AMOXICILLIN 500 mg", true},
		{"Allergy to morphine", "Morphine sulfate 10 mg", true},
		{"Peanut", "Paracetamol", false},
		{"Penicillin", "Amoxicillin", false}, // by name only: classes are allergyClassMatch's
		{"Iodine", "Povidone-iodine", true},
		{"Drug allergy", "Paracetamol", false},
	}
	for _, c := range cases {
		if got := allergyMatches(c.substance, c.medication); got != c.match {
			t.Errorf("%q vs %q: %v", c.substance, c.medication, got)
		}
	}
}
