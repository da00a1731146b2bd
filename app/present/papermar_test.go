package present

import (
	"slices"
	"testing"
	"time"

	"lifeboat/store"
)

func TestDailyTimesOfAnOrder(t *testing.T) {
	hm := func(ts ...int) []int {
		for i := range ts {
			ts[i] = ts[i]/100*60 + ts[i]%100
		}
		return ts
	}
	for _, c := range []struct {
		name  string
		m     store.Medication
		times []int
		ok    bool
	}{
		{"times of day", store.Medication{Timing: store.Timing{TimesOfDay: []string{"20:00", "08:00:00"}}}, hm(800, 2000), true},
		{"every 6 h", store.Medication{Timing: store.Timing{Frequency: 1, Period: 6, PeriodUnit: "h"}}, hm(0, 600, 1200, 1800), true},
		{"every 8 h", store.Medication{Timing: store.Timing{Frequency: 1, Period: 8, PeriodUnit: "h"}}, hm(600, 1400, 2200), true},
		{"every 4 h", store.Medication{Timing: store.Timing{Frequency: 1, Period: 4, PeriodUnit: "h"}}, hm(200, 600, 1000, 1400, 1800, 2200), true},
		{"every 12 h", store.Medication{Timing: store.Timing{Frequency: 1, Period: 12, PeriodUnit: "h"}}, hm(800, 2000), true},
		{"daily", store.Medication{Timing: store.Timing{Frequency: 1, Period: 1, PeriodUnit: "d"}}, hm(800), true},
		{"twice a day", store.Medication{Timing: store.Timing{Frequency: 2, Period: 1, PeriodUnit: "d"}}, hm(800, 2000), true},
		{"3 times a day", store.Medication{Timing: store.Timing{Frequency: 3, Period: 1, PeriodUnit: "d"}}, hm(600, 1400, 2200), true},
		{"4 times a day", store.Medication{Timing: store.Timing{Frequency: 4, Period: 1, PeriodUnit: "d"}}, hm(0, 600, 1200, 1800), true},
		{"every 5 h", store.Medication{Timing: store.Timing{Frequency: 1, Period: 5, PeriodUnit: "h"}}, nil, false},
		{"every other day", store.Medication{Timing: store.Timing{Frequency: 1, Period: 2, PeriodUnit: "d"}}, nil, false},
		{"as needed", store.Medication{PRN: true, Timing: store.Timing{Frequency: 1, Period: 4, PeriodUnit: "h"}}, nil, false},
		{"no timing", store.Medication{}, nil, false},
		{"bad time", store.Medication{Timing: store.Timing{TimesOfDay: []string{"8h"}}}, nil, false},
	} {
		times, ok := DailyTimes(c.m)
		if ok != c.ok || !slices.Equal(times, c.times) {
			t.Errorf("%s: %v %v, want %v %v", c.name, times, ok, c.times, c.ok)
		}
	}
}

func TestScheduledInANightShiftCrossesMidnight(t *testing.T) {
	night := Shifts[2]
	from, to := night.Span(time.Date(2026, 11, 26, 15, 0, 0, 0, time.Local))
	if from != time.Date(2026, 11, 26, 23, 0, 0, 0, time.Local) || to != time.Date(2026, 11, 27, 7, 0, 0, 0, time.Local) {
		t.Fatalf("span %v – %v", from, to)
	}
	m := store.Medication{Timing: store.Timing{Frequency: 1, Period: 4, PeriodUnit: "h"}}
	var got []string
	for _, t := range ScheduledIn(m, from, to) {
		got = append(got, t.Format("02 15:04"))
	}
	if !slices.Equal(got, []string{"27 02:00", "27 06:00"}) {
		t.Fatalf("due = %q", got)
	}
	s, day := ShiftAt(time.Date(2026, 11, 27, 3, 0, 0, 0, time.Local))
	if s.Start != 23 || day.Day() != 26 {
		t.Fatalf("03:00 is in the %s shift of the %d", s.Label, day.Day())
	}
	if s, day := ShiftAt(time.Date(2026, 11, 27, 15, 0, 0, 0, time.Local)); s.Start != 15 || day.Day() != 27 {
		t.Fatalf("15:00 is in the %s shift of the %d", s.Label, day.Day())
	}
}

func TestASavedSheetSaysHowManyAndInCellNamesTheCell(t *testing.T) {
	from := time.Date(2026, 11, 26, 7, 0, 0, 0, time.Local)
	if s := SavedSheet(1, "RN Claes", from, from.Add(8*time.Hour)); s != "Saved: 1 administration from the paper MAR signed by RN Claes (26/11/2026 07:00–15:00)." {
		t.Fatal(s)
	}
	if s := InCell("Paracetamol", from.Add(time.Hour), "The SpO2 is odd."); s != "Paracetamol at 08:00: the SpO2 is odd." {
		t.Fatal(s)
	}
}
