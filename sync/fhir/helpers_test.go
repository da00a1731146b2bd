package fhir

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lifeboat/clinical"
)

const wardFixture = "testdata/ward.json"

// readWard reads the hand-made ward fixture: a transaction Bundle with
// three wards, four patients and everything a chart shows.
func readWard(t *testing.T) *Import {
	t.Helper()
	im, err := Read(wardFixture)
	if err != nil {
		t.Fatalf("Read(%s): %v", wardFixture, err)
	}
	return im
}

// wardChart returns the chart of one fixture patient, from an all-patients
// census.
func wardChart(t *testing.T, id string) clinical.Chart {
	t.Helper()
	charts, err := readWard(t).Census(Selection{Patients: []string{id}})
	if err != nil {
		t.Fatalf("Census(%s): %v", id, err)
	}
	if len(charts) != 1 {
		t.Fatalf("Census(%s) gave %d charts, want 1", id, len(charts))
	}
	return charts[0]
}

// writeFile writes content to name in dir and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// bundle makes a Bundle of the given type; each entry is a fullUrl and a
// resource ("" fullUrl leaves it out).
func bundle(typ string, entries ...[2]string) string {
	var sb strings.Builder
	sb.WriteString(`{"resourceType":"Bundle","type":"` + typ + `","entry":[`)
	for i, e := range entries {
		if i > 0 {
			sb.WriteString(",")
		}
		sb.WriteString(`{`)
		if e[0] != "" {
			sb.WriteString(`"fullUrl":"` + e[0] + `",`)
		}
		sb.WriteString(`"resource":` + e[1] + `}`)
	}
	sb.WriteString(`]}`)
	return sb.String()
}

const patientLine = `{"resourceType":"Patient","id":"%s","name":[{"family":"%s","given":["An"]}],"birthDate":"1950-01-01"}`

// patient is a Patient resource of that id and family name.
func patient(id, family string) string { return fmt.Sprintf(patientLine, id, family) }

// ndjson joins resources one per line.
func ndjson(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

func names[T any](items []T, name func(T) string) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, name(it))
	}
	return out
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
