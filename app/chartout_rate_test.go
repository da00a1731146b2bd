package app

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"lifeboat/clinical"
	"lifeboat/store"
)

// chart --json gives an infusion's rate as ordered beside its dose.
func TestChartJSONHasTheInfusionRate(t *testing.T) {
	now := time.Now()
	c := &clinical.Chart{Medications: clinical.Section[clinical.Medication]{Status: clinical.Recorded, Items: []clinical.Medication{{
		Name: "NaCl 0.9 %", Status: "active", Dose: "1000 mL", Route: "IV", Rate: "125 mL/h"}}}}
	var b bytes.Buffer
	if err := writeChartJSON(&b, c, &store.Snapshot{Manifest: store.Manifest{AsOf: now}}, downtime{}, now); err != nil {
		t.Fatal(err)
	}
	var out struct {
		Medications struct {
			Items []struct{ Dose, Rate string }
		}
	}
	if err := json.Unmarshal(b.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if m := out.Medications.Items; len(m) != 1 || m[0].Dose != "1000 mL" || m[0].Rate != "125 mL/h" {
		t.Errorf("medications %+v", m)
	}
}
