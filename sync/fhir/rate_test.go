package fhir

import (
	"testing"

	"lifeboat/clinical"
)

// An infusion keeps its rate as ordered: rateQuantity, rateRatio (per one
// unit of time or per several) and rateRange, beside the volume of its
// dose; an order without a rate has none.
func TestAnInfusionKeepsItsRate(t *testing.T) {
	req := func(id, name, doseAndRate string) string {
		return `{"resourceType":"MedicationRequest","id":"` + id + `","status":"active","intent":"order","subject":{"reference":"Patient/p1"},` +
			`"medicationCodeableConcept":{"text":"` + name + `"},"dosageInstruction":[{"route":{"text":"IV"},"doseAndRate":[` + doseAndRate + `]}]}`
	}
	p := writeFile(t, t.TempDir(), "rate.ndjson", ndjson(
		`{"resourceType":"Patient","id":"p1"}`,
		req("nacl", "NaCl 0.9 %", `{"doseQuantity":{"value":1000,"unit":"mL"},"rateQuantity":{"value":125,"unit":"mL/h","system":"http://unitsofmeasure.org","code":"mL/h"}}`),
		req("glucose", "Glucose 5 %", `{"doseQuantity":{"value":1000,"unit":"mL"},"rateRatio":{"numerator":{"value":1000,"unit":"mL"},"denominator":{"value":8,"code":"h"}}}`),
		req("heparin", "Heparin 25000 IU in 50 mL", `{"rateRatio":{"numerator":{"value":2,"unit":"mL"},"denominator":{"value":1,"code":"h"}}}`),
		req("ringer", "Ringer lactate", `{"doseQuantity":{"value":500,"unit":"mL"},"rateRange":{"low":{"value":100,"unit":"mL/h"},"high":{"value":150,"unit":"mL/h"}}}`),
		req("para", "Paracetamol 1 g", `{"doseQuantity":{"value":1,"unit":"g"}}`),
	))
	im, err := Read(p)
	if err != nil {
		t.Fatal(err)
	}
	charts, _ := im.Census(Selection{All: true})
	by := map[string]clinical.Medication{}
	for _, m := range charts[0].Medications.Items {
		by[m.Source.ID] = m
	}
	for id, want := range map[string][2]string{
		"nacl":    {"1000 mL", "125 mL/h"},
		"glucose": {"1000 mL", "1000 mL per 8 h"},
		"heparin": {"", "2 mL/h"},
		"ringer":  {"500 mL", "100-150 mL/h"},
		"para":    {"1 g", ""},
	} {
		if m := by[id]; m.Dose != want[0] || m.Rate != want[1] {
			t.Errorf("%s: dose %q rate %q, want %q %q", id, m.Dose, m.Rate, want[0], want[1])
		}
	}
}
