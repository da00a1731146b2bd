package kiosk

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"lifeboat/app/present"
	"lifeboat/store"
	"lifeboat/sync/fhir"
	"lifeboat/sync/synthetic"
)

// BenchmarkCensusMeds5000: what the census's background reading does for
// a 5,000-patient ward, one op being the whole ward: read each chart from
// the in-memory snapshot and find its undocumented doses.
//
//	LANG=C.UTF-8 go test -tags ci -run '^$' -bench CensusMeds -benchtime 3x ./app/kiosk/
func BenchmarkCensusMeds5000(b *testing.B) {
	asOf := time.Date(2026, 11, 26, 6, 15, 0, 0, time.UTC)
	dir := filepath.Join(b.TempDir(), "ndjson")
	if _, err := synthetic.WriteNDJSON(dir, synthetic.Options{Patients: 5000, Seed: 1, AsOf: asOf}); err != nil {
		b.Fatal(err)
	}
	im, err := fhir.Read(dir)
	if err != nil {
		b.Fatal(err)
	}
	charts, err := im.Census(fhir.Selection{All: true})
	if err != nil {
		b.Fatal(err)
	}
	os.RemoveAll(dir)
	ctx := context.Background()
	w, err := store.BuildWard(ctx, charts)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	rows, err := w.Census(ctx)
	if err != nil {
		b.Fatal(err)
	}
	now := asOf.Add(137 * time.Minute)
	b.ResetTimer()
	overdue := 0
	for i := 0; i < b.N; i++ {
		overdue = 0
		for _, r := range rows {
			c, err := w.Chart(ctx, r.ID)
			if err != nil {
				b.Fatal(err)
			}
			overdue += present.NewCensusDoses(c, nil, now).Overdue(now)
		}
	}
	b.ReportMetric(float64(overdue), "overdue-doses")
}
