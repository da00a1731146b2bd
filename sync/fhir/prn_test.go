package fhir

import (
	"testing"
	"time"

	"lifeboat/clinical"
	"lifeboat/sync/synthetic"
)

// An order as needed keeps its maximum per period: from maxDosePerPeriod,
// or failing that from its text.
func TestAPRNOrderKeepsItsMaximum(t *testing.T) {
	p := writeFile(t, t.TempDir(), "prn.ndjson", ndjson(
		`{"resourceType":"Patient","id":"p1"}`,
		`{"resourceType":"MedicationRequest","id":"ibu","status":"active","intent":"order","subject":{"reference":"Patient/p1"},"medicationCodeableConcept":{"text":"Ibuprofen 400 mg"},"dosageInstruction":[{"timing":{"repeat":{"frequency":1,"period":8,"periodUnit":"h"}},"asNeededBoolean":true,"doseAndRate":[{"doseQuantity":{"value":400,"unit":"mg"}}],"maxDosePerPeriod":{"numerator":{"value":1200,"unit":"mg"},"denominator":{"value":24,"unit":"h","code":"h"}}}]}`,
		`{"resourceType":"MedicationRequest","id":"para","status":"active","intent":"order","subject":{"reference":"Patient/p1"},"medicationCodeableConcept":{"text":"Paracetamol 1 g"},"dosageInstruction":[{"text":"1 g every 6 h as needed, max 3 per 24 h","timing":{"repeat":{"frequency":1,"period":6,"periodUnit":"h"}},"asNeededBoolean":true}]}`,
		`{"resourceType":"MedicationRequest","id":"plain","status":"active","intent":"order","subject":{"reference":"Patient/p1"},"medicationCodeableConcept":{"text":"Oxycodone 5 mg"},"dosageInstruction":[{"timing":{"repeat":{"frequency":1,"period":4,"periodUnit":"h"}},"asNeededBoolean":true}]}`,
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
	if m := by["ibu"].MaxDose; m == nil || *m != (clinical.MaxDose{Amount: 1200, Unit: "mg", Hours: 24}) {
		t.Errorf("ibuprofen max %+v", m)
	}
	if m := by["para"].MaxDose; m == nil || *m != (clinical.MaxDose{Doses: 3, Hours: 24}) {
		t.Errorf("paracetamol max %+v", m)
	}
	if m := by["plain"].MaxDose; m != nil {
		t.Errorf("oxycodone max %+v", m)
	}
	if iv := by["ibu"].Timing.Interval().Hours(); iv != 8 {
		t.Errorf("ibuprofen interval %v h", iv)
	}
}

// The synthetic ward's orders as needed carry their maximum per 24 h.
func TestTheSyntheticWardsPRNOrdersHaveAMaximum(t *testing.T) {
	b, err := synthetic.Bundle(synthetic.Options{Patients: 30, Seed: 7, AsOf: time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	im, err := Read(writeFile(t, t.TempDir(), "ward.json", string(b)))
	if err != nil {
		t.Fatal(err)
	}
	charts, _ := im.Census(Selection{All: true})
	prn := 0
	for _, c := range charts {
		for _, m := range c.Medications.Items {
			if !m.PRN || m.Reported() {
				continue
			}
			prn++
			if m.MaxDose == nil || m.MaxDose.Hours != 24 || m.MaxDose.Amount <= 0 || m.Timing.Interval() <= 0 {
				t.Errorf("%s: max %+v, timing %+v", m.Name, m.MaxDose, m.Timing)
			}
		}
	}
	if prn == 0 {
		t.Fatal("no order as needed in the synthetic ward")
	}
}

// A maxDosePerPeriod out of bounds is no maximum, and the order's text
// is read instead: half a dose a day, a count or period too large to be
// meant, a month or a year (of no fixed length). A week is a period.
func TestMaxDosePerPeriodOutOfBounds(t *testing.T) {
	textMax := &clinical.MaxDose{Doses: 3, Hours: 24}
	for _, c := range []struct {
		ratio string
		want  *clinical.MaxDose
	}{
		{`{"numerator":{"value":2},"denominator":{"value":1,"code":"wk"}}`, &clinical.MaxDose{Doses: 2, Hours: 168}},
		{`{"numerator":{"value":2},"denominator":{"value":1,"unit":"week"}}`, &clinical.MaxDose{Doses: 2, Hours: 168}},
		{`{"numerator":{"value":4,"unit":"g"},"denominator":{"value":1,"code":"d"}}`, &clinical.MaxDose{Amount: 4, Unit: "g", Hours: 24}},
		{`{"numerator":{"value":0.5},"denominator":{"value":1,"code":"d"}}`, textMax},
		{`{"numerator":{"value":1e300},"denominator":{"value":24,"code":"h"}}`, textMax},
		{`{"numerator":{"value":500},"denominator":{"value":24,"code":"h"}}`, textMax},
		{`{"numerator":{"value":2},"denominator":{"value":1e300,"code":"h"}}`, textMax},
		{`{"numerator":{"value":2},"denominator":{"value":45,"code":"d"}}`, textMax},
		{`{"numerator":{"value":2},"denominator":{"value":1,"code":"mo"}}`, textMax},
		{`{"numerator":{"value":2},"denominator":{"value":1,"code":"a"}}`, textMax},
		{`{"numerator":{"value":-2},"denominator":{"value":1,"code":"d"}}`, textMax},
	} {
		p := writeFile(t, t.TempDir(), "prn.ndjson", ndjson(
			`{"resourceType":"Patient","id":"p1"}`,
			`{"resourceType":"MedicationRequest","id":"m","status":"active","intent":"order","subject":{"reference":"Patient/p1"},"medicationCodeableConcept":{"text":"Paracetamol 1 g"},"dosageInstruction":[{"text":"1 g every 6 h as needed, max 3 per 24 h","asNeededBoolean":true,"maxDosePerPeriod":`+c.ratio+`}]}`,
		))
		im, err := Read(p)
		if err != nil {
			t.Fatal(err)
		}
		charts, _ := im.Census(Selection{All: true})
		got := charts[0].Medications.Items[0].MaxDose
		if (got == nil) != (c.want == nil) || (got != nil && *got != *c.want) {
			t.Errorf("%s: max %+v, want %+v", c.ratio, got, c.want)
		}
	}
}
