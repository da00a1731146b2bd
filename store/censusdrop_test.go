package store

import (
	"errors"
	"strings"
	"testing"
)

func TestTheShrinkGuardRefusesACensusUnderHalfTheLast(t *testing.T) {
	for _, tc := range []struct {
		last, now int
		accept    bool
		refused   bool
	}{
		{30, 29, false, false}, // one patient fewer: a truncated export, but not half
		{30, 14, false, true},
		{30, 15, false, false},
		{30, 0, true, false}, // --accept-drop
		{9, 1, false, false}, // too small a ward to tell
		{10, 4, false, true},
		{0, 1, false, false}, // nothing to compare with
	} {
		err := CheckCensusDrop(tc.last, tc.now, 0, tc.accept)
		if (err != nil) != tc.refused || (err != nil && !errors.Is(err, ErrCensusDrop)) {
			t.Errorf("%d -> %d (accept %v): %v", tc.last, tc.now, tc.accept, err)
		}
		if err != nil && !strings.Contains(err.Error(), "--accept-drop") {
			t.Errorf("sentence %q", err)
		}
	}
}

func TestNewestGoodPatientsIsTheNewestGoodGenerationsOfTheSameCensus(t *testing.T) {
	dir, keys := testVault(t)
	all := Census{Mode: "all"}
	if n := NewestGoodPatients(dir, all); n != 0 {
		t.Fatalf("empty vault: %d", n)
	}
	sealCharts(t, dir, keys, testChart("p1", "Dubois, Jean", "MRN1"), testChart("p2", "Maes, An", "MRN2"))
	if n := NewestGoodPatients(dir, all); n != 2 {
		t.Fatalf("%d patients, want 2", n)
	}
	// Another census is not compared with: choosing it is not a drop.
	if n := NewestGoodPatients(dir, Census{Mode: "ward", Ward: "ward-1"}); n != 0 {
		t.Fatalf("another census: %d patients, want 0", n)
	}
}
