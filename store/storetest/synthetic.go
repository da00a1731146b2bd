package storetest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"lifeboat/clinical"
	"lifeboat/store"
	"lifeboat/sync/fhir"
	"lifeboat/sync/synthetic"
)

// SyntheticCharts are the charts of a synthetic ward of n patients (seed,
// data time asOf), read through sync/fhir as any FHIR input is.
func SyntheticCharts(t testing.TB, n int, seed uint64, asOf time.Time) []clinical.Chart {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "ndjson")
	if _, err := synthetic.WriteNDJSON(dir, synthetic.Options{Patients: n, Seed: seed, AsOf: asOf}); err != nil {
		t.Fatal(err)
	}
	im, err := fhir.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	charts, err := im.Census(fhir.Selection{All: true})
	if err != nil {
		t.Fatal(err)
	}
	return charts
}

// SyntheticWard is SyntheticCharts built into a ward (closed when the test
// ends), with its charts.
func SyntheticWard(t testing.TB, n int, seed uint64, asOf time.Time) (*store.Ward, []clinical.Chart) {
	t.Helper()
	charts := SyntheticCharts(t, n, seed, asOf)
	w, err := store.BuildWard(context.Background(), charts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w, charts
}
