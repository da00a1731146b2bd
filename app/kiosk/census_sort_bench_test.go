package kiosk

import (
	"context"
	"testing"
	"time"

	"lifeboat/clinical"
	"lifeboat/store"
	"lifeboat/store/storetest"
)

// BenchmarkCensusMeds5000: what the census's background reading does for
// a 5,000-patient ward, one op being the whole ward: read each chart from
// the in-memory snapshot and find its undocumented doses.
//
//	LANG=C.UTF-8 go test -tags ci -run '^$' -bench CensusMeds -benchtime 3x ./app/kiosk/
func BenchmarkCensusMeds5000(b *testing.B) {
	asOf := time.Date(2026, 11, 26, 6, 15, 0, 0, time.UTC)
	w, _ := storetest.SyntheticWard(b, 5000, 1, asOf)
	ctx := context.Background()
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
			overdue += clinical.NewCensusDoses[store.JournalEntry](c, nil, now).Overdue(now)
		}
	}
	b.ReportMetric(float64(overdue), "overdue-doses")
}
