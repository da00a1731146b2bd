package clinical

import (
	"testing"
	"time"
)

// A dose nothing documents is due within half an hour either side of its
// time, overdue after, upcoming before; one documented is given or not
// given, never overdue.
func TestWhenADoseIsDueOrOverdue(t *testing.T) {
	now := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		at                time.Time
		documented, given bool
		want              DoseState
	}{
		{now.Add(-31 * time.Minute), false, false, DoseOverdue},
		{now.Add(-30 * time.Minute), false, false, DoseDue},
		{now.Add(30 * time.Minute), false, false, DoseDue},
		{now.Add(31 * time.Minute), false, false, DoseUpcoming},
		{now.Add(-5 * time.Hour), true, true, DoseGiven},
		{now.Add(-5 * time.Hour), true, false, DoseNotGiven},
	} {
		if got := StateOfDose(tc.at, tc.documented, tc.given, now); got != tc.want {
			t.Errorf("%v documented %v given %v: %v, want %v", tc.at.Sub(now), tc.documented, tc.given, got, tc.want)
		}
	}
}

// Of two records of one dose, the one given documents it, then the
// nearest; a record too far from every dose documents none.
func TestWhichRecordDocumentsADose(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2026, 12, 6, h, m, 0, 0, time.UTC) }
	times := []time.Time{at(8, 0), at(16, 0)}
	records := []DoseDocument{
		{Time: at(8, 5)},               // held, near 08:00
		{Time: at(8, 40), Given: true}, // given, later: counts
		{Time: at(15, 50), Given: true},
		{Time: at(16, 5), Given: true}, // nearer to 16:00
	}
	got := DocumentingRecords(times, records)
	if len(got) != 2 || got[0] != 1 || got[1] != 3 {
		t.Errorf("documenting records %v, want [1 3]", got)
	}
	if got := DocumentingRecords(times, nil); got[0] != -1 || got[1] != -1 {
		t.Errorf("no records: %v", got)
	}
}
